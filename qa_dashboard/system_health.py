"""What the System health page shows, from the KPI frames: the scorecard and one indicator's
trend with its target and comparators. Pure functions, tested without Streamlit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import contract, metrics, overview
from qa_dashboard.benchmarks import compare
from qa_dashboard.scope import Filters

TREND_MONTHS = 24
COMPARATORS = contract.comparator_labels()  # kpi column -> label, the target first
UNIT_TITLES = {"%": "Per cent", "rate10k": "Per 10,000 children", "count": "Number", "days": "Days"}


def _window(chosen: Filters) -> tuple[dt.date, dt.date]:
    return metrics.add_months(chosen.end, -(TREND_MONTHS - 1)), chosen.end


def trend_analysis(rows: list[dict], chosen: Filters) -> list[str]:
    """The "what changed" sentence of one indicator (its latest month against the month before,
    within the period), as the Overview writes it for the system-health indicators."""
    first = rows[0]
    latest, before, _ = metrics.latest_and_earlier(rows, chosen.end)
    if latest is None or before is None:
        return []
    sentence = metrics.what_changed(first["label"], latest["value"], before["value"], first["unit"],
                                    first["polarity"], latest.get("target"), latest.get("stat_neighbours"))
    return [f"{sentence[:-1]} in {metrics.month_label(latest['period'])}."] if sentence else []


def _comparators(latest: dict, unit: str, published: dict) -> dict[str, str]:
    """The scorecard's comparator cells: the upload's own where it gave any; otherwise DfE's
    latest published annual figure, labelled with its year so it is never read as monthly."""
    uploaded = {column: latest.get(column) for column in compare.SCORECARD_COLUMNS.values()}
    if any(value is not None for value in uploaded.values()):
        return {column: "" if value is None else metrics.format_value(value, unit) for column, value in uploaded.items()}
    cells = {}
    for level, column in compare.SCORECARD_COLUMNS.items():
        figure = published.get((latest["indicator"], level))
        cells[column] = "" if figure is None else (
            f"{metrics.format_value(figure['value'], unit)} (DfE {compare.financial_year(int(figure['year']))})")
    return cells


AMONG_ALL = "Among all authorities"


def scorecard(by_indicator: dict[str, list[dict]], chosen: Filters, published: pd.DataFrame | None = None,
              positions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator: latest figure, the move on the month and year before, target, RAG
    and comparators. System-health indicators first, as the catalogue orders them.

    `published` (the `benchmarks_latest` query) fills the comparator cells of an indicator whose
    upload carried none; `positions` (`benchmark_positions_chosen`) says, for an indicator DfE
    publishes, where the authority sits among every authority (`Band C among 149 (2023-24)`)."""
    among = {} if positions is None else compare.latest_positions(positions)
    latest_published = {} if published is None else {
        (row["indicator"], row["geography_level"]): row for row in published.to_dict("records")
        if row["value"] is not None and row["value"] == row["value"]}
    rows = []
    for rows_of_one in by_indicator.values():
        first = rows_of_one[0]
        latest, month_before, year_before = metrics.latest_and_earlier(rows_of_one, chosen.end)
        if latest is None:
            continue
        unit, polarity = first["unit"], first["polarity"]
        on_month = metrics.direction(latest["value"], month_before and month_before["value"], polarity)
        on_year = metrics.direction(latest["value"], year_before and year_before["value"], polarity)
        counted = (f"{latest['numerator']:,.0f} of {latest['denominator']:,.0f}"
                   if latest.get("numerator") is not None and latest.get("denominator") is not None else "")
        rows.append({
            "Indicator": first["label"],
            "System health": "yes" if first["system_health"] else "",
            "Better when": metrics.better_phrase(polarity),
            "Month": metrics.month_label(latest["period"]),
            "Latest": metrics.format_value(latest["value"], unit),
            "Counted": counted,
            "On the month": f"{on_month.arrow} {on_month.word}",
            "Month before": metrics.format_value(month_before and month_before["value"], unit),
            "On the year": f"{on_year.arrow} {on_year.word}",
            "Year before": metrics.format_value(year_before and year_before["value"], unit),
            "Target": metrics.format_value(latest.get("target"), unit) if latest.get("target") is not None else "",
            "RAG": metrics.rag(latest["value"], latest.get("target"), polarity) or "",
            **dict(zip(contract.comparator_labels(with_target=False).values(),
                       _comparators({**latest, "indicator": first["indicator"]}, unit, latest_published).values())),
            AMONG_ALL: compare.band_among(among[first["indicator"]]) if first["indicator"] in among else "",
        })
    card = pd.DataFrame(rows)
    if not card.empty and (card[AMONG_ALL] == "").all():  # nothing published, or no authority chosen
        card = card.drop(columns=AMONG_ALL)
    return card


def indicator_choices(by_indicator: dict[str, list[dict]]) -> dict[str, str]:
    return {code: rows[0]["label"] for code, rows in by_indicator.items()}


@dataclass(frozen=True)
class IndicatorDetail:
    label: str
    polarity: str
    unit_title: str
    direction_note: str
    scope: str                  # team or authority
    lines: pd.DataFrame         # period, series, value
    table: pd.DataFrame
    commentary: str | None
    commentary_month: str


def indicator_detail(by_indicator: dict[str, list[dict]], code: str, chosen: Filters) -> IndicatorDetail:
    rows = pd.DataFrame(by_indicator[code])
    first = rows.iloc[0]
    start, end = _window(chosen)
    rows = rows[(rows["period"] >= start) & (rows["period"] <= end)]
    long = [rows.assign(series="Our figure")[["period", "series", "value"]]]
    for column, name in COMPARATORS.items():
        present = rows[rows[column].notna()]
        if not present.empty:
            long.append(present.assign(series=name, value=present[column])[["period", "series", "value"]])
    lines = pd.concat(long, ignore_index=True)
    lines["period"] = pd.to_datetime(lines["period"])
    polarity = first["polarity"]
    note = f"{metrics.better_phrase(polarity).capitalize()}."
    if polarity == "neutral":
        note = ("Neither higher nor lower is better for this indicator: a rate far above statistical neighbours "
                "can mean a system running hot, far below can mean need going unmet. Read it against the "
                "comparator lines.")
    with_commentary = rows[rows["commentary"].notna()]
    commentary = with_commentary.iloc[-1] if not with_commentary.empty else None
    table = rows[["period", "value", "numerator", "denominator", "target", "stat_neighbours", "region",
                  "england", "commentary"]].rename(columns={
        "period": "Month", "value": first["label"], "numerator": "Numerator", "denominator": "Denominator",
        **COMPARATORS, "commentary": "Commentary"})
    table = table.dropna(axis="columns", how="all")
    return IndicatorDetail(
        label=first["label"], polarity=polarity, unit_title=UNIT_TITLES.get(first["unit"], first["unit"]), direction_note=note,
        scope=first["scope"], lines=lines, table=table.reset_index(drop=True),
        commentary=None if commentary is None else commentary["commentary"],
        commentary_month=metrics.month_label(commentary["period"]) if commentary is not None
        else metrics.month_label(end))


def breakdown_lines(breakdowns: pd.DataFrame, chosen: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    start, end = _window(chosen)
    periods = pd.to_datetime(breakdowns["period"]).dt.date
    within = breakdowns[(periods >= start) & (periods <= end)]
    lines = within.rename(columns={"breakdown": "series"})[["period", "series", "value"]].copy()
    lines["period"] = pd.to_datetime(lines["period"])
    table = within.rename(columns={"period": "Month", "breakdown": "Breakdown", "value": "Value",
                                   "numerator": "Numerator", "denominator": "Denominator", "target": "Target"})
    return lines, table.dropna(axis="columns", how="all").reset_index(drop=True)


def team_lines(teams: pd.DataFrame, chosen: Filters, team: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    start, end = _window(chosen)
    periods = pd.to_datetime(teams["period"]).dt.date
    within = teams[(periods >= start) & (periods <= end)]
    if team:
        within = within[within["team"] == team]
    elif chosen.service_area:
        within = within[within["service_area"] == chosen.service_area]
    lines = within.rename(columns={"team": "series"})[["period", "series", "value"]].copy()
    lines["period"] = pd.to_datetime(lines["period"])
    table = within.rename(columns={"period": "Month", "team": "Team", "service_area": "Service area",
                                   "value": "Value", "numerator": "Numerator", "denominator": "Denominator",
                                   "target": "Target"})
    return lines, table.dropna(axis="columns", how="all").reset_index(drop=True)


def source_note(sources: pd.DataFrame, scope: str, chosen: Filters) -> str:
    """Where the figures shown came from, beside the figure: `Figures from Annex A, extract of
    15 March 2021 (Oct 2020 to Mar 2021); kpi march.xlsx (Apr 2019 to Sep 2020).` Empty when none."""
    if sources.empty:
        return ""
    start, end = _window(chosen)
    rows = sources[(sources["team"].isna()) == (scope == "authority")]
    months = pd.to_datetime(rows["period"])
    rows = rows[(months >= pd.Timestamp(start)) & (months <= pd.Timestamp(end))]
    if rows.empty:
        return ""
    spans = rows.groupby("source", sort=False)["period"].agg(["min", "max"]).sort_values("max", ascending=False)
    parts = [f"{source} ({metrics.month_label(span['min'])}" + (
        f" to {metrics.month_label(span['max'])})" if span["max"] != span["min"] else ")")
        for source, span in spans.iterrows()]
    return "Figures from " + "; ".join(parts) + "."


def tiles_source_note(sources: pd.DataFrame, chosen: Filters) -> str:
    """`source_note` for the Overview's system-health tiles (the `kpi_system_health_sources` rows)."""
    return source_note(sources, overview.tiles_scope(sources, chosen), chosen)


def scorecard_from(kpis: pd.DataFrame, published: pd.DataFrame, positions: pd.DataFrame, chosen: Filters) -> pd.DataFrame:
    """`scorecard` straight from the `kpi_series`, `benchmarks_latest` and `benchmark_positions_chosen`
    rows, for the page's cache."""
    return scorecard(overview.indicator_rows(kpis, chosen.team), chosen, published, positions)


def detail_from_kpis(kpis: pd.DataFrame, team: str | None, code: str, chosen: Filters) -> IndicatorDetail:
    """`indicator_detail` straight from the `kpi_series` rows, so the page can cache it on the data
    version with `cached.derived` instead of reshaping the rows on every page view."""
    return indicator_detail(overview.indicator_rows(kpis, team), code, chosen)
