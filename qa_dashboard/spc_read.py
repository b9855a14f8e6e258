"""The pages' reading of the SPC rows the store keeps (`kpi_spc`, through the `spc_points`
query): one indicator's series for the scope a page shows, rebuilt as an `spc.Series` so
`spc.sentence` words it exactly as the store worked it out, and its two verdicts as of the
page's last month. Pure: no Streamlit, no SQL.

The limits in the rows come from every month loaded; the page's period only chooses which
points are shown and which is "latest" (the month the sidebar ends in, or the last before it).
A chosen team reads its own series where it has one; a team series of fewer than 13 figures
(`TEAM_FEWEST`) gets no verdict of its own, and the page says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import contract, metrics, spc
from qa_dashboard.periods import month_short

TEAM_FEWEST = spc.FIRM_LIMITS_POINTS


def _key_of(words: dict[str, str]) -> dict[str, str]:
    return {word: key for key, word in words.items()}


def _num(value) -> float | None:
    return None if metrics.is_missing(value) else float(value)


def series_from_rows(rows: pd.DataFrame, polarity: str, end: dt.date | None = None) -> spc.Series:
    """The `spc_points` rows of one series (period order not needed) as an `spc.Series`, cut
    at `end` (the limits stay as the rows give them: from every month loaded)."""
    words = contract.spc_words()
    variation_keys, rule_keys = _key_of(words.variation), _key_of(words.rules)
    rows = rows.sort_values("period")
    periods = [pd.Timestamp(p).date() for p in rows["period"]]
    starts = [pd.Timestamp(p).date() for p in rows["limits_from"]]
    part_of = {start: i for i, start in enumerate(dict.fromkeys(starts))}
    last_month = {}
    for period, start in zip(periods, starts):
        last_month[start] = period
    points = []
    records = rows.to_dict("records")
    for i, (row, period, start) in enumerate(zip(records, periods, starts)):
        if end is not None and period > end:
            break
        value, centre = float(row["value"]), float(row["centre"])
        variation = variation_keys[row["variation"]]
        rule = None if metrics.is_missing(row["rule"]) else rule_keys[row["rule"]]
        if variation == "common":
            direction = 0
        elif rule == "trend" and variation != "neither":
            better = spc.improvement_direction(polarity)
            direction = better if variation == "improvement" else -better
        elif rule == "trend":  # neither: rising or falling, read from the figure before (or after)
            before = records[i - 1]["value"] if i > 0 and starts[i - 1] == start else None
            direction = (1 if value > before else -1) if before is not None else (
                1 if records[i + 1]["value"] > value else -1)
        else:
            direction = 1 if value > centre else -1
        points.append(spc.Point(
            period, value, _num(row["target"]), part_of[start], start, centre, _num(row["lower_limit"]),
            _num(row["upper_limit"]), _num(row["lower_near"]), _num(row["upper_near"]), rule, direction, variation,
            bool(row["provisional"]), start, last_month[start]))
    return spc.Series(polarity, tuple(points))


@dataclass(frozen=True)
class Reading:
    """One indicator's SPC reading for the scope a page shows."""

    scope: str                      # team or authority
    series: spc.Series              # the points to the page's last month
    team_points: int | None = None  # a team series too short for a verdict: how many figures it has

    @property
    def verdict(self) -> spc.Verdict | None:
        return None if self.team_points is not None else self.series.latest

    def variation_words(self) -> str:
        """The Variation cell: the words, or why there are none."""
        if self.team_points is not None:
            return f"too few team months for a verdict ({self.team_points} of {TEAM_FEWEST})"
        verdict = self.verdict
        if verdict is None:
            return "no figure"
        if verdict.point.upper_limit is None:
            return "too few figures for limits"
        return verdict.variation

    def assurance_words(self, polarity: str) -> str:
        """The Assurance cell: the words, or why there are none."""
        verdict = self.verdict
        if verdict is None or verdict.point.upper_limit is None:
            return ""
        if verdict.assurance:
            return verdict.assurance
        return "none: neither direction is better" if spc.improvement_direction(polarity) == 0 else "none: no target"

    def limits_words(self) -> str:
        """`from Apr 2024, 24 months` (and `, provisional` under 13)."""
        verdict = self.verdict
        if verdict is None or verdict.point.upper_limit is None:
            return ""
        text = f"from {month_short(verdict.limits_from)}, {verdict.points} months"
        return text + (", provisional" if verdict.provisional else "")


def reading(points: pd.DataFrame, polarity: str, team: str | None, end: dt.date) -> Reading | None:
    """One indicator's `spc_points` rows (authority and, when chosen, team) read for the page:
    the team's own series where the team has figures, else the authority's. None with no point
    to `end`."""
    team_rows = points[points["scope"] == "team"] if team else points.iloc[0:0]
    if not team_rows.empty:
        series = series_from_rows(team_rows, polarity, end)
        if not series.points:
            return None
        short = len(series.points) if len(series.points) < TEAM_FEWEST else None
        return Reading("team", series, short)
    series = series_from_rows(points[points["scope"] == "authority"], polarity, end)
    return Reading("authority", series) if series.points else None


def readings(points: pd.DataFrame, polarities: dict[str, str], team: str | None, end: dt.date) -> dict[str, Reading]:
    """`reading` for every indicator of `polarities` (code -> polarity) with points."""
    found = {}
    for code, rows in points.groupby("indicator", sort=False):
        if code in polarities and (read := reading(rows, polarities[code], team, end)) is not None:
            found[code] = read
    return found


def shown(series_points: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The points a page shows: those in [start, end] (their limits from every month loaded)."""
    periods = pd.to_datetime(series_points["period"]).dt.date
    return series_points[(periods >= start) & (periods <= end)].sort_values("period").reset_index(drop=True)


def lead(read: Reading, label: str, unit: str, team: str | None = None) -> str | None:
    """The signal, first: `spc.sentence` of the series read, or why a team has none."""
    if read.team_points is not None:
        return (f"{label} ({team or 'the team'}): {read.team_points} months of team figures, too few for a "
                f"verdict of its own ({TEAM_FEWEST} needed).")
    return spc.sentence(read.series, lambda v: metrics.format_value(v, unit), label)


def monthly_lead(periods: list, values: list, polarity: str, label: str, unit: str, end: dt.date) -> str | None:
    """The signal of a monthly series the store keeps no SPC rows for (caseload, agency share):
    read with `spc.analyse` over every month given, the sentence as of `end`."""
    series = spc.analyse(periods, values, polarity)
    shown = spc.Series(polarity, tuple(p for p in series.points if p.period <= end))
    return spc.sentence(shown, lambda v: metrics.format_value(v, unit), label)


def what_changed(rows: list[dict], read: Reading | None, end: dt.date, team: str | None = None) -> list[str]:
    """One indicator's "what changed" sentences, in order: the signal (its SPC reading), then the
    month and year moves as facts. `rows`: the indicator's kpi rows in period order (the scope
    `overview.indicator_rows` picks). Empty when there is no figure to `end`."""
    first = rows[0]
    label, unit, polarity = first["label"], first["unit"], first["polarity"]
    latest, before, year_before = metrics.latest_and_earlier(rows, end)
    if latest is None:
        return []
    sentences = [said for said in [lead(read, label, unit, team) if read else None] if said]
    month = metrics.month_label(latest["period"])
    if before is not None:
        moved = metrics.what_changed(f"In {month}, it" if sentences else label, latest["value"], before["value"], unit,
                                     polarity, latest.get("target"), latest.get("stat_neighbours"))
        if moved:
            sentences.append(moved if sentences else f"{moved[:-1]} in {month}.")
    if year_before is not None:
        sentences.append(f"A year before, in {metrics.month_label(year_before['period'])}, "
                         f"{'it' if sentences else label} was {metrics.format_value(year_before['value'], unit)}.")
    return sentences


def gap_note(points: pd.DataFrame) -> str | None:
    """Said under the chart when the months shown skip one: the line and the moving range span it."""
    months = pd.to_datetime(points["period"]).sort_values()
    if len(months) < 2:
        return None
    steps = (months.dt.year * 12 + months.dt.month).diff().dropna()
    if (steps > 1).any():
        return "A month with no figure is left out; the moving range spans it."
    return None


def provisional_note(points: pd.DataFrame) -> str | None:
    """Said under the chart when the latest part's limits come from fewer than 13 points."""
    if points.empty or "provisional" not in points or not bool(points["provisional"].iloc[-1]):
        return None
    return (f"The limits are provisional: they come from fewer than {spc.FIRM_LIMITS_POINTS} months, "
            "so read them with care until more months are loaded.")
