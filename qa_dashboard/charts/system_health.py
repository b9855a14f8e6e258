"""The System health page's charts: one indicator's 24-month XmR chart (charts/spc.py) with its
target and comparators, and its breakdowns and its teams drawn with the shared trend chart, from
the figures `system_health` works out. Each returns the figures beside the spec, for
`cached.derived` to keep on the data version."""
from __future__ import annotations

import pandas as pd

from qa_dashboard import loop_shown, system_health
from qa_dashboard.charts import spec_of, trend_chart
from qa_dashboard.charts.spc import xmr_chart
from qa_dashboard.scope import Filters


def indicator(kpis: pd.DataFrame, spc_points: pd.DataFrame, code: str,
              chosen: Filters) -> tuple[system_health.IndicatorDetail, dict]:
    """One indicator's detail (from the `kpi_series` and `spc_points` rows) and its chart's spec:
    the XmR chart, or the plain trend where the scope has no SPC reading (a team too short)."""
    detail = system_health.detail_from_kpis(kpis, chosen.team, code, chosen, spc_points)
    if detail.points is None or detail.points.empty:
        return detail, spec_of(trend_chart(detail.lines, detail.label, detail.unit_title))
    comparators = detail.lines[detail.lines["series"] != "Our figure"]
    return detail, spec_of(xmr_chart(detail.points, detail.label, detail.unit_title, comparators))


def indicator_with_loop(kpis: pd.DataFrame, spc_points: pd.DataFrame, warnings: pd.DataFrame, links: pd.DataFrame,
                        code: str, chosen: Filters) -> tuple[system_health.IndicatorDetail, dict]:
    """`indicator`, with the learning loop's marks (the `loop_warnings_shown` rows of the scope
    shown and the `loop_links_for` rows: warnings raised, themed audits commissioned and
    completed, actions completed) on the chart and in the Figures table's "Loop" column."""
    detail = system_health.detail_from_kpis(kpis, chosen.team, code, chosen, spc_points)
    start, end = system_health.window(chosen)
    warnings = loop_shown.of_scope(warnings, chosen.team if detail.scope == "team" else None)
    events = loop_shown.events(warnings, links, start, end)
    detail = system_health.with_loop_column(detail, events)
    if detail.points is None or detail.points.empty:
        return detail, spec_of(trend_chart(detail.lines, detail.label, detail.unit_title))
    comparators = detail.lines[detail.lines["series"] != "Our figure"]
    return detail, spec_of(xmr_chart(detail.points, detail.label, detail.unit_title, comparators, events=events))


def breakdowns(rows: pd.DataFrame, chosen: Filters, label: str, unit_title: str) -> tuple[dict, pd.DataFrame]:
    """The indicator's breakdowns (the `kpi_breakdowns` rows), one line each."""
    lines, table = system_health.breakdown_lines(rows, chosen)
    return spec_of(trend_chart(lines, f"{label} by breakdown", unit_title)), table


def teams(rows: pd.DataFrame, chosen: Filters, team: str | None, label: str,
          unit_title: str) -> tuple[dict, pd.DataFrame]:
    """The indicator team by team (the `kpi_team_rows` rows), or one team's line."""
    lines, table = system_health.team_lines(rows, chosen, team)
    return spec_of(trend_chart(lines, f"{label} by team", unit_title)), table
