"""What the System health page shows, from the KPI frames: the scorecard and one indicator's
trend with its target and comparators. Pure functions, tested without Streamlit."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import contract, loop_shown, metrics, overview, spc_read
from qa_dashboard.benchmarks import compare
from qa_dashboard.scope import Filters

TREND_MONTHS = 24
COMPARATORS = contract.comparator_labels()  # kpi column -> label, the target first
UNIT_TITLES = {"%": "Per cent", "rate10k": "Per 10,000 children", "count": "Number", "days": "Days"}


def _window(chosen: Filters) -> tuple[dt.date, dt.date]:
    return metrics.add_months(chosen.end, -(TREND_MONTHS - 1)), chosen.end


def trend_analysis(rows: list[dict], chosen: Filters, spc_points: pd.DataFrame | None = None) -> list[str]:
    """The "what changed" sentences of one indicator, as the Overview writes them: its SPC signal
    first (from its `spc_points` rows), then the moves on the month and the year as facts."""
    read = None
    if spc_points is not None:
        rows_of_one = spc_points[spc_points["indicator"] == rows[0]["indicator"]]
        read = spc_read.reading(rows_of_one, rows[0]["polarity"], chosen.team, chosen.end) if not rows_of_one.empty else None
    return spc_read.what_changed(rows, read, chosen.end, chosen.team)


def trend_analysis_from(kpis: pd.DataFrame, spc_points: pd.DataFrame, code: str, chosen: Filters) -> list[str]:
    """`trend_analysis` straight from the `kpi_series` and `spc_points` rows, for the page's cache."""
    return trend_analysis(overview.indicator_rows(kpis, chosen.team)[code], chosen, spc_points)


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
              positions: pd.DataFrame | None = None, spc_points: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator: latest figure, its SPC verdicts (variation, assurance, the months
    its limits come from), the move on the month and year before, target, RAG and comparators.
    System-health indicators first, as the catalogue orders them.

    `published` (the `benchmarks_latest` query) fills the comparator cells of an indicator whose
    upload carried none; `positions` (`benchmark_positions_chosen`) says, for an indicator DfE
    publishes, where the authority sits among every authority (`Band C among 149 (2023-24)`);
    `spc_points` (the `spc_points` query) gives the verdicts, in words."""
    among = {} if positions is None else compare.latest_positions(positions)
    read = {} if spc_points is None else spc_read.readings(
        spc_points, {code: rows[0]["polarity"] for code, rows in by_indicator.items()}, chosen.team, chosen.end)
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
            **({} if spc_points is None else _verdict_cells(read.get(first["indicator"]), polarity)),
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


def _verdict_cells(read: spc_read.Reading | None, polarity: str) -> dict[str, str]:
    if read is None:
        return {"Variation": "no figure", "Assurance": "", "SPC limits": ""}
    return {"Variation": read.variation_words(), "Assurance": read.assurance_words(polarity),
            "SPC limits": read.limits_words()}


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
    # The XmR chart's points shown (spc_read.shown: the window's, limits from every month
    # loaded), None where the scope's series has no SPC reading (a team with too few months).
    points: pd.DataFrame | None = None
    reading: spc_read.Reading | None = None
    notes: tuple[str, ...] = ()  # said under the chart: provisional limits, a gap, a team too short


SPC_COLUMNS = {"centre": "Centre", "lower_limit": "Lower limit", "upper_limit": "Upper limit", "rule": "Rule",
               "variation": "Variation"}


def _spc_of(spc_points: pd.DataFrame | None, code: str, polarity: str, scope: str, chosen: Filters
            ) -> tuple[spc_read.Reading | None, pd.DataFrame | None, tuple[str, ...]]:
    """The indicator's SPC reading for the scope shown, the points to draw (None: no XmR chart)
    and what to say under the chart."""
    if spc_points is None:
        return None, None, ()
    rows = spc_points[(spc_points["indicator"] == code) & (spc_points["scope"] == scope)]
    read = spc_read.reading(rows, polarity, chosen.team if scope == "team" else None, chosen.end) if not rows.empty else None
    if read is None:
        return None, None, ()
    if read.team_points is not None:
        return read, None, (f"{chosen.team} has {read.team_points} months of its own figures for this indicator, too "
                            f"few for process limits and a verdict ({spc_read.TEAM_FEWEST} needed): the chart "
                            "shows the figures without them.",)
    start, end = _window(chosen)
    shown = spc_read.shown(rows, start, end)
    notes = tuple(note for note in (spc_read.provisional_note(shown), spc_read.gap_note(shown)) if note)
    return read, shown, notes


def indicator_detail(by_indicator: dict[str, list[dict]], code: str, chosen: Filters,
                     spc_points: pd.DataFrame | None = None) -> IndicatorDetail:
    """One indicator's trend for the page: its figures in the window, its comparators, and,
    given its `spc_points` rows, the XmR chart's points, the SPC reading and the Figures table's
    centre, limits, rule and variation per month."""
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
    read, points, notes = _spc_of(spc_points, code, polarity, first["scope"], chosen)
    if points is not None:
        per_month = points[["period", *SPC_COLUMNS]].rename(columns={"period": "Month", **SPC_COLUMNS})
        per_month["Month"] = pd.to_datetime(per_month["Month"]).dt.date
        table = table.assign(Month=pd.to_datetime(table["Month"]).dt.date).merge(per_month, on="Month", how="left")
        table = table[[c for c in table.columns if c != "Commentary"] + ["Commentary"]]
    table = table.dropna(axis="columns", how="all")
    return IndicatorDetail(
        label=first["label"], polarity=polarity, unit_title=UNIT_TITLES.get(first["unit"], first["unit"]), direction_note=note,
        scope=first["scope"], lines=lines, table=table.reset_index(drop=True),
        commentary=None if commentary is None else commentary["commentary"],
        commentary_month=metrics.month_label(commentary["period"]) if commentary is not None
        else metrics.month_label(end), points=points, reading=read, notes=notes)


def window(chosen: Filters) -> tuple[dt.date, dt.date]:
    """The first and last month the indicator's trend shows."""
    return _window(chosen)


def with_loop_column(detail: IndicatorDetail, events: pd.DataFrame) -> IndicatorDetail:
    """The detail with the learning loop's marks (qa_dashboard/loop_shown.events) in a "Loop"
    column of the Figures table, month by month: the same events the chart marks."""
    if events.empty:
        return detail
    said = loop_shown.events_by_month(events)
    table = detail.table.copy()
    months = pd.to_datetime(table["Month"]).dt.date
    table.insert(len(table.columns) - (1 if "Commentary" in table else 0), "Loop",
                 [said.get(dt.date(m.year, m.month, 1), "") for m in months])
    return dataclasses.replace(detail, table=table)


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


def scorecard_from(kpis: pd.DataFrame, published: pd.DataFrame, positions: pd.DataFrame, spc_points: pd.DataFrame,
                   chosen: Filters) -> pd.DataFrame:
    """`scorecard` straight from the `kpi_series`, `benchmarks_latest`, `benchmark_positions_chosen`
    and `spc_points` rows, for the page's cache."""
    return scorecard(overview.indicator_rows(kpis, chosen.team), chosen, published, positions, spc_points)


def detail_from_kpis(kpis: pd.DataFrame, team: str | None, code: str, chosen: Filters,
                     spc_points: pd.DataFrame | None = None) -> IndicatorDetail:
    """`indicator_detail` straight from the `kpi_series` (and `spc_points`) rows, so the page can
    cache it on the data version with `cached.derived` instead of reshaping the rows on every page view."""
    return indicator_detail(overview.indicator_rows(kpis, team), code, chosen, spc_points)
