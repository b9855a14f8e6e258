"""The Audits page's charts, drawn from the figures `qa_dashboard.audits` works out: overall
judgements by month and quarter, the good-or-better and inadequate lines, the grade mix by
practice area, and audits completed by month and type."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from qa_dashboard import audits
from qa_dashboard.charts import PALETTE, spec_of, stacked_grades, trend_chart
from qa_dashboard.charts.monthly_spc import spc_chart


def share_chart(over_time: audits.ShareOverTime) -> alt.Chart:
    """The shared trend chart drawn from zero, its three lines dashed differently (the shared
    chart dashes only its own comparator lines), so they read without colour."""
    chart = trend_chart(over_time.lines, f"{over_time.label}: share of audits by month",
                        "Share of audits (%)", height=300)
    lines = chart.layer[0] if isinstance(chart, alt.LayerChart) else chart
    lines.encoding.y.scale = alt.Scale(zero=True)
    lines.encoding.strokeDash.scale = alt.Scale(domain=[audits.EACH_MONTH, *audits.ROLLING.values()],
                                                range=[[1, 0], [6, 3], [2, 2]])
    return chart


def activity_chart(by_month: pd.DataFrame, labels: list[str], types: list[str]) -> alt.LayerChart:
    """Audits completed each month, stacked by type, the month's total above its bar."""
    base = alt.Chart(by_month).encode(
        x=alt.X("month_label:O", title=None, sort=None, scale=alt.Scale(domain=labels),
                axis=alt.Axis(labelAngle=0, labelLimit=90)))
    bars = base.mark_bar().encode(
        y=alt.Y("count:Q", title="Audits completed"),
        color=alt.Color("audit_type:N", scale=alt.Scale(domain=types, range=PALETTE[:len(types)]),
                        legend=alt.Legend(title="Audit type", orient="bottom")),
        order=alt.Order("type_order:Q"),
        tooltip=[alt.Tooltip("month_label:O", title="Month"), alt.Tooltip("audit_type:N", title="Type"),
                 alt.Tooltip("count:Q", title="Audits")])
    totals = base.mark_text(dy=-7).encode(y=alt.Y("sum(count):Q"), text=alt.Text("sum(count):Q"))
    return (bars + totals).properties(title="Audits completed by month and type", height=320)


def area_mix_chart(mix: pd.DataFrame) -> alt.FacetChart:
    """One small stacked-grade panel per practice area, the overall judgement first."""
    return (stacked_grades(mix, "quarter", "Quarter", "")
            .properties(width=230, height=150)
            .facet(facet=alt.Facet("area:N", sort=audits.area_order(mix), title=None,
                                   header=alt.Header(labelLimit=300, labelFontSize=12)), columns=3)
            .properties(title="Grade mix by practice area and quarter (overall judgement first)"))


def page(overall: pd.DataFrame, area_grades: pd.DataFrame, in_period: pd.DataFrame, start: dt.date,
         end: dt.date) -> tuple[audits.PageFigures, dict]:
    """The page's figures for one choice of filters, and its charts' specs by name, worked out
    together so `cached.derived` keeps both on the data version: a rerun for a drill-down
    choice or a search only lays them out."""
    figures = audits.page_figures(overall, area_grades, in_period, start, end)
    types = list(figures.activity_by_type["Audit type"])
    made = {
        "by_month": stacked_grades(figures.by_month, "month_label", "Month", "Overall judgements by month",
                                   x_domain=figures.month_labels),
        "by_quarter": stacked_grades(figures.by_quarter, "quarter", "Financial quarter",
                                     "Overall judgements by financial quarter",
                                     x_domain=figures.quarter_labels, legend_columns=2),
        "area_mix": area_mix_chart(figures.area_mix),
        "activity": activity_chart(figures.activity, figures.month_labels, types),
    }
    specs = {name: spec_of(chart) for name, chart in made.items()}
    specs["good_or_better_spc"] = spc_chart(figures.good_or_better_spc, "Share of audits (%)")
    specs["over_time"] = [spec_of(share_chart(over_time)) for over_time in figures.over_time]
    return figures, specs
