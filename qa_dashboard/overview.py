"""What the Overview page shows, worked out from query frames: tiles, "what changed" sentences
and the improvement plan. Pure functions, tested without Streamlit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from qa_dashboard import contract, metrics, spc_read
from qa_dashboard.benchmarks import compare
from qa_dashboard.metrics import Tile
from qa_dashboard.scope import Filters


def _colour(move: metrics.Direction) -> str:
    return {"better": "normal", "worse": "inverse"}.get(move.word, "off")


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with dates as `datetime.date` and missing values as None (never NaN)."""
    columns = {}
    for name in frame.columns:
        if name in ("period", "quarter_start"):
            values = pd.to_datetime(frame[name]).dt.date.tolist()
        else:
            values = frame[name].tolist()
        if frame[name].dtype.kind == "f":
            values = [None if v != v else v for v in values]  # NaN: missing, never zero
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


def indicator_rows(kpis: pd.DataFrame, team: str | None) -> dict[str, list[dict]]:
    """Rows per indicator, in period order: the team's own where the team has them, else the
    authority's."""
    by_scope: dict[str, dict[str, list[dict]]] = {}
    for row in _records(kpis):
        by_scope.setdefault(row["indicator"], {}).setdefault(row["scope"], []).append(row)
    chosen = {}
    for indicator, scopes in by_scope.items():
        rows = scopes.get("team") if team and scopes.get("team") else scopes.get("authority")
        if rows:
            chosen[indicator] = sorted(rows, key=lambda r: r["period"])
    return chosen


def kpi_scope_note(kpis: pd.DataFrame, chosen: Filters) -> str:
    if chosen.team and (kpis["scope"] == "team").any():
        with_team = kpis.loc[kpis["scope"] == "team", "label"].unique()
        return (f"Figures for {chosen.team} where its own are loaded ({len(with_team)} indicators); "
                "the others are for the whole authority.")
    return "KPI figures are for the whole authority: no team figures are loaded for this choice."


TREND_MONTHS = 12


def last_months(rows: list[dict], latest: dt.date, value_of, key: str = "period", step: int = 1) -> tuple[tuple, tuple]:
    """(months, figures) for the 12 months to `latest` (every `step`-th month: 3 for quarters),
    oldest first; a month with no row or no figure is None, never zero."""
    by_month = {r[key]: value_of(r) for r in rows}
    months = tuple(metrics.add_months(latest, -back) for back in range(TREND_MONTHS - step, -1, -step))
    return months, tuple(by_month.get(month) for month in months)


def trend_frame(tiles: list[Tile]) -> pd.DataFrame:
    """The tiles' small lines as rows for the chart layer's `sparklines`: panel (the tile's name
    and latest figure), period, value (None where a month has no figure)."""
    frame = pd.DataFrame([{"panel": f"{t.label}\nLatest: {t.value}", "period": month, "value": value}
                          for t in tiles for month, value in zip(t.trend_months, t.trend)],
                         columns=["panel", "period", "value"])
    return frame.assign(period=pd.to_datetime(frame["period"]), value=pd.to_numeric(frame["value"], errors="coerce"))


def verdict_of(read: spc_read.Reading | None) -> tuple[tuple, tuple]:
    """A tile's SPC verdicts: (keys for the icons, the words a line each). A team series too
    short for a verdict says so in words, with no icon."""
    if read is None:
        return (), ()
    verdict = read.verdict
    if verdict is None or verdict.point.upper_limit is None:
        return (), (f"Variation: {read.variation_words()}",)
    words = [f"Variation: {verdict.variation}" + (" (provisional limits)" if verdict.provisional else "")]
    if verdict.assurance:
        words.append(f"Assurance: {verdict.assurance}")
    return (verdict.point.variation_key, verdict.assurance_key, verdict.provisional), tuple(words)


def kpi_tile(rows: list[dict], end: dt.date, among: dict | None = None,
             read: spc_read.Reading | None = None) -> Tile | None:
    """One indicator's tile: the latest figure, its SPC verdicts (`read`, when given), its band among
    every authority (`among`: the indicator's latest `benchmark_positions_chosen` row, when DfE
    publishes it), the moves
    on the month and year, the target, and the 12 months' small line."""
    first = rows[0]
    label, unit, polarity = first["label"], first["unit"], first["polarity"]
    latest, month_before, year_before = metrics.latest_and_earlier(rows, end)
    if latest is None:
        return None
    month = latest["period"]
    versus_month = metrics.compare(latest["value"], month_before, polarity,
                                   metrics.month_label(metrics.add_months(month, -1)))
    versus_year = metrics.compare(latest["value"], year_before, polarity,
                                  metrics.month_label(metrics.add_months(month, -12)))
    lines = [f"{metrics.month_label(month)} · {metrics.better_phrase(polarity)}",
             f"On the month: {versus_month.text(unit)}",
             f"On the year: {versus_year.text(unit)}"]
    rag = metrics.rag(latest["value"], latest.get("target"), polarity)
    if latest.get("target") is not None:
        lines.append(f"Target {metrics.format_value(latest['target'], unit)}: {rag or 'no rating'}")
    if polarity == "neutral":
        for name, key in ((c.phrase, c.column) for c in contract.load().published_comparators
                          if c.column in ("stat_neighbours", "england")):
            gap = metrics.versus_comparator(latest["value"], latest.get(key),
                                            None if month_before is None else month_before["value"],
                                            None if month_before is None else month_before.get(key))
            if gap:
                lines.append(f"Against {name} ({metrics.format_value(latest[key], unit)}): {gap}")
                break
        else:
            lines.append("No comparator loaded: judge this figure against statistical neighbours.")
    if among is not None:
        lines.append(f"Among every authority: {compare.band_among(among)}")
    months, trend = last_months(rows, month, lambda r: r["value"])
    verdict, verdict_words = verdict_of(read)
    return Tile(label=label, value=metrics.format_value(latest["value"], unit, short=True),
                delta=versus_month.change(unit), delta_color=_colour(versus_month.move),
                help=f"{label}: {metrics.better_phrase(polarity)}.", lines=lines, trend_months=months, trend=trend,
                verdict=verdict, verdict_words=verdict_words)


def _readings(by_indicator: dict[str, list[dict]], spc_points: pd.DataFrame | None,
              chosen: Filters) -> dict[str, spc_read.Reading]:
    if spc_points is None:
        return {}
    return spc_read.readings(spc_points, {code: rows[0]["polarity"] for code, rows in by_indicator.items()},
                             chosen.team, chosen.end)


def kpi_tiles(by_indicator: dict[str, list[dict]], chosen: Filters, system_health_only: bool,
              positions: pd.DataFrame | None = None, spc_points: pd.DataFrame | None = None) -> list[Tile]:
    """A tile per indicator (from `indicator_rows`), with its SPC verdicts given `spc_points`
    (the `spc_points` query's rows); `positions` (`benchmark_positions_chosen`) adds the band
    among every authority to the tiles of indicators DfE publishes."""
    among = {} if positions is None else compare.latest_positions(positions)
    tiles = []
    read = _readings(by_indicator, spc_points, chosen)
    for code, rows in by_indicator.items():
        if system_health_only and not rows[0]["system_health"]:
            continue
        tile = kpi_tile(rows, chosen.end, among.get(code), read.get(code))
        if tile:
            tiles.append(tile)
    return tiles


# ------------------------------------------------------------------------- other tiles --
def _latest_two(rows: list[dict], key: str, end: dt.date) -> tuple[dict | None, dict | None]:
    within = [r for r in rows if r[key] <= end]
    if not within:
        return None, None
    return within[-1], (within[-2] if len(within) > 1 else None)


def _share_tile(label: str, latest: dict, previous: dict | None, count_key: str, polarity: str,
                quarters: list[dict]) -> Tile:
    share = metrics.Share(int(latest[count_key]), int(latest["audits"]))
    before = metrics.Share(int(previous[count_key]), int(previous["audits"])) if previous else None
    move = metrics.direction(share.percent, before.percent if before else None, polarity)
    lines = [f"{latest['quarter']}: {share.count} of {share.n} audits · {metrics.better_phrase(polarity)}"]
    if before is None:
        delta = "no earlier quarter"
        lines.append(f"No audits in the quarter before {latest['quarter']}.")
    else:
        delta = "▶ no change" if move.word == "no change" else f"{move.arrow} {move.word}"
        lines.append(f"On the quarter: {previous['quarter']} was {before.text()}")
    if share.small:
        lines.append("Fewer than 5 audits this quarter: read with care.")
    months, trend = last_months(quarters, latest["quarter_start"], key="quarter_start", step=3,
                                value_of=lambda r: metrics.Share(int(r[count_key]), int(r["audits"])).percent)
    return Tile(label=label, value=share.figure(), delta=delta, delta_color=_colour(move),
                help=f"Share of audits whose overall judgement is {label.lower()}, by financial quarter.", lines=lines,
                trend_months=months, trend=trend)


def _workforce_tile(label: str, rows: list[dict], end: dt.date, value_of, unit: str, target_note: str) -> Tile | None:
    within = [r for r in rows if r["period"] <= end and value_of(r) is not None]
    if not within:
        return None
    latest = within[-1]
    by_period = {r["period"]: r for r in within}
    previous = by_period.get(metrics.add_months(latest["period"], -1))
    move = metrics.direction(value_of(latest), value_of(previous) if previous else None, "lower")
    against = metrics.month_label(metrics.add_months(latest["period"], -1))
    comparison = metrics.Comparison(against, value_of(previous) if previous else None, move)
    months, trend = last_months(rows, latest["period"], value_of)
    return Tile(trend_months=months, trend=trend, label=label, value=metrics.format_value(value_of(latest), unit), delta=comparison.change(unit),
                delta_color=_colour(move), help=f"{label}: lower is better. {target_note}",
                lines=[f"{metrics.month_label(latest['period'])} · lower is better · {latest['teams']} teams",
                       f"On the month: {comparison.text(unit)}"])


def caseload(row: dict) -> float | None:
    return metrics.ratio_of_sums([row["children_allocated"]], [row["social_worker_fte"]])


def agency_share(row: dict) -> float | None:
    return metrics.ratio_of_sums([row["agency_fte"]], [row["fte_with_agency_known"]], scale=100)


def practice_tiles(audit_quarters: pd.DataFrame, workforce: pd.DataFrame, heard: pd.DataFrame,
                   chosen: Filters) -> list[Tile]:
    tiles = []
    quarters = _records(audit_quarters)
    latest, previous = _latest_two(quarters, "quarter_start", chosen.end)
    if latest:
        tiles.append(_share_tile("Good or better", latest, previous, "good_or_better", "higher", quarters))
        tiles.append(_share_tile(contract.load().worst_grade.label, latest, previous, "inadequate", "lower", quarters))
    else:
        tiles.append(Tile("Audits", "no audits", lines=["No audits are loaded for this choice. Upload the audits sheet."]))
    staff = _records(workforce)
    for tile in (
        _workforce_tile("Average caseload (workforce returns)", staff, chosen.end, caseload, "count",
                        "Children allocated ÷ social-worker FTE, summed over teams."),
        _workforce_tile("Agency share (workforce returns)", staff, chosen.end, agency_share, "%",
                        "Agency FTE ÷ social-worker FTE, summed over teams."),
    ):
        if tile:
            tiles.append(tile)
    heard_rows = _records(heard)
    now, before = _latest_two(heard_rows, "quarter_start", chosen.end)
    if now:
        year_ago = next((r for r in heard_rows if r["quarter_start"] == metrics.add_months(now["quarter_start"], -12)), None)
        compared = f"{year_ago['people_heard']:,} in {year_ago['quarter']}" if year_ago else "no figure a year before"
        months, trend = last_months(heard_rows, now["quarter_start"], lambda r: r["people_heard"], "quarter_start", 3)
        tiles.append(Tile("Children and families heard", f"{now['people_heard']:,}", trend_months=months, trend=trend,
                          help="Distinct people who gave feedback in the quarter (by response reference, else one per answer).",
                          lines=[f"{now['quarter']} · more voices heard is better",
                                 f"A year before: {compared}"]))
    return tiles


# ------------------------------------------------------------------------ what changed --
def what_changed(by_indicator: dict[str, list[dict]], audit_quarters: pd.DataFrame, workforce: pd.DataFrame,
                 chosen: Filters, spc_points: pd.DataFrame | None = None) -> list[str]:
    """Sentences generated from the figures: for each system-health indicator, given its
    `spc_points` rows, its SPC signal first and then its moves on the month and the year as facts
    (one item each; without them, the move on the month alone); audit shares quarter on quarter;
    caseload and agency share month on month, led by their SPC signal too when `spc_points` is given."""
    sentences = []
    read = _readings(by_indicator, spc_points, chosen)
    for code, rows in by_indicator.items():
        first = rows[0]
        if not first["system_health"]:
            continue
        if spc_points is not None:
            if said := spc_read.what_changed(rows, read.get(code), chosen.end, chosen.team):
                sentences.append(" ".join(said))
            continue
        latest, before, _ = metrics.latest_and_earlier(rows, chosen.end)
        if latest is None or before is None:
            continue
        sentence = metrics.what_changed(first["label"], latest["value"], before["value"], first["unit"],
                                        first["polarity"], latest.get("target"), latest.get("stat_neighbours"))
        if sentence:
            sentences.append(f"{sentence[:-1]} in {metrics.month_label(latest['period'])}.")
    latest, previous = _latest_two(_records(audit_quarters), "quarter_start", chosen.end)
    if latest and previous:
        now = metrics.Share(int(latest["good_or_better"]), int(latest["audits"]))
        then = metrics.Share(int(previous["good_or_better"]), int(previous["audits"]))
        sentence = metrics.what_changed("Audits judged good or better", now.percent, then.percent, "%", "higher")
        if sentence:
            sentences.append(f"{sentence[:-1]} between {previous['quarter']} (n = {then.n}) and {latest['quarter']} (n = {now.n}).")
    staff = _records(workforce)
    for label, value_of, unit in (("Average caseload", caseload, "count"), ("Agency share of social workers", agency_share, "%")):
        within = [r for r in staff if r["period"] <= chosen.end and value_of(r) is not None]
        lead = None
        if spc_points is not None and within:  # the signal first, from every month loaded
            known = [r for r in staff if value_of(r) is not None]
            lead = spc_read.monthly_lead([r["period"] for r in known], [value_of(r) for r in known], "lower",
                                         label, unit, chosen.end)
        if len(within) >= 2:
            month = metrics.month_label(within[-1]["period"])
            sentence = metrics.what_changed(f"In {month}, it" if lead else label, round(value_of(within[-1]), 1),
                                            round(value_of(within[-2]), 1), unit, "lower")
            if sentence:
                sentences.append(f"{lead} {sentence}" if lead else f"{sentence[:-1]} in {month}.")
        elif lead:
            sentences.append(lead)
    return sentences


@dataclass(frozen=True)
class Figures:
    """Everything the Overview works out from its four queries, cached as one (`cached.derived`)."""
    health: list[Tile]          # the system-health tiles
    others: list[Tile]          # practice, workforce and voices
    changed: list[str]          # the "what changed" sentences


def figures(kpis: pd.DataFrame, audit_quarters: pd.DataFrame, workforce: pd.DataFrame, heard: pd.DataFrame,
            positions: pd.DataFrame, spc_points: pd.DataFrame, chosen: Filters) -> Figures:
    by_indicator = indicator_rows(kpis, chosen.team)
    return Figures(kpi_tiles(by_indicator, chosen, system_health_only=True, positions=positions,
                             spc_points=spc_points),
                   practice_tiles(audit_quarters, workforce, heard, chosen),
                   what_changed(by_indicator, audit_quarters, workforce, chosen, spc_points))


def tiles_scope(sources: pd.DataFrame, chosen: Filters) -> str:
    """Whose figures the system-health tiles show, for the note on where they came from: the
    chosen team's where it has any loaded, else the whole authority's (as the tiles fall back)."""
    return "team" if chosen.team and sources["team"].notna().any() else "authority"


# -------------------------------------------------------------------- improvement plan --
# The plan's columns in plain words, as the page heads them (the frames keep the contract's names).
PLAN_COLUMNS = {"action_id": "Action", "title": "What", "owner": "Owner", "due_date": "Due",
                "previous_status": "Status before", "status": "Status", "previous_rag": "RAG before", "rag": "RAG rating",
                "actions": "Actions"}


@dataclass(frozen=True)
class PlanSummary:
    by_rag: pd.DataFrame
    by_status: pd.DataFrame
    overdue: pd.DataFrame


def plan_summary(actions: pd.DataFrame, today: dt.date) -> PlanSummary:
    spec = contract.load()
    complete = spec.statuses[-1]
    by_rag = (actions["rag"].fillna("Not rated").value_counts()
              .reindex([*spec.rags, "Not rated"], fill_value=0).rename_axis("rag").reset_index(name="actions"))
    by_status = (actions["status"].value_counts().reindex(spec.statuses, fill_value=0)
                 .rename_axis("status").reset_index(name="actions"))
    due = pd.to_datetime(actions["due_date"]).dt.date
    overdue = actions[(due < today) & (actions["status"] != complete)]
    overdue = overdue[["action_id", "title", "owner", "due_date", "status", "rag"]].sort_values("due_date")
    return PlanSummary(by_rag[by_rag["actions"] > 0], by_status, overdue)
