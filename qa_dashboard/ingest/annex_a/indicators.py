"""From the checked lists to the figures: per month, per allocated team and for the whole
authority (team None), each share with its numerator and denominator.

Counts and rates are written only for months the list covers whole (a count over half a month
is not the month's count); shares are written for every month with cases in it. The months
covered are the window the officer declares (`--from` to the extract date: every whole month in
it, zero where one has no case), else inferred from the list's earliest date. A rate per 10,000
children needs the 12 months to the month's end inside the window and the authority's ONS 0-17
population; otherwise it is left out and a warning names the months (never a rate over a part-year).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from qa_dashboard.ingest.annex_a.parse import Findings, ListRows
from qa_dashboard.metrics import add_months
from qa_dashboard.periods import months_between, working_days

RE_REFERRAL_DAYS = 365
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15


@dataclass(frozen=True)
class Figure:
    period: dt.date
    indicator: str
    team: str | None
    value: float
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Coverage:
    """The months a list covers whole: from `first` to `last`, both first-of-month dates.
    `declared` when the officer gave the window's start, rather than it being inferred."""

    first: dt.date
    last: dt.date
    declared: bool = False

    def whole(self, month: dt.date) -> bool:
        return self.first <= month <= self.last


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_whole_month(as_at: dt.date) -> dt.date:
    """The as-at month when the extract is taken on its last day, else the month before."""
    return month_of(as_at) if (as_at + dt.timedelta(days=1)).day == 1 else add_months(month_of(as_at), -1)


def coverage(dates: list[dt.date], as_at: dt.date) -> Coverage | None:
    """A list starts covering a month when its earliest date falls in that month's first week
    (the first working days may carry no case); otherwise from the month after."""
    known = [d for d in dates if d is not None]
    if not known:
        return None
    first = min(known)
    start = month_of(first) if first.day <= 7 else add_months(month_of(first), 1)
    return Coverage(start, last_whole_month(as_at))


def first_whole_month(start: dt.date) -> dt.date:
    """The first month that lies whole on or after `start`."""
    return month_of(start) if start.day == 1 else add_months(month_of(start), 1)


def declared(start: dt.date, as_at: dt.date) -> Coverage:
    """The window the officer declared: every whole month from `start` to the extract date."""
    return Coverage(first_whole_month(start), last_whole_month(as_at), declared=True)


def covering(window: Coverage | None, as_at: dt.date):
    """How a list's months are found: the declared window whatever the dates, else inferred."""
    return (lambda dates: window) if window is not None else (lambda dates: coverage(dates, as_at))


@dataclass
class Tally:
    """Numerators and denominators by (month, team); team None is the whole authority."""

    hits: defaultdict = field(default_factory=lambda: defaultdict(int))
    cases: defaultdict = field(default_factory=lambda: defaultdict(int))
    teams: set = field(default_factory=set)

    def add(self, month: dt.date, team: str | None, hit: bool) -> None:
        self.cases[(month, None)] += 1
        self.hits[(month, None)] += hit
        if team:
            self.cases[(month, team)] += 1
            self.hits[(month, team)] += hit
            self.teams.add(team)

    def shares(self, indicator: str) -> list[Figure]:
        return [Figure(month, indicator, team, round(self.hits[(month, team)] / n * 100, 6),
                       self.hits[(month, team)], n)
                for (month, team), n in sorted(self.cases.items(), key=_order) if n]

    def counts(self, indicator: str, cover: Coverage | None) -> list[Figure]:
        if cover is None:
            return []
        figures = []
        month = cover.first
        while month <= cover.last:
            for team in [None, *sorted(self.teams)]:
                figures.append(Figure(month, indicator, team, float(self.cases.get((month, team), 0))))
            month = add_months(month, 1)
        return figures


def _order(item):
    (month, team), _ = item
    return month, team or ""


def as_days(dates: list) -> np.ndarray:
    """Dates (None for missing) as numpy days, through ordinals: much faster than from objects."""
    ordinals = np.array([d.toordinal() if d is not None else 0 for d in dates], dtype=np.int64) - _EPOCH_ORDINAL
    days = ordinals.astype("datetime64[D]")
    days[ordinals == -_EPOCH_ORDINAL] = np.datetime64("NaT")
    return days


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _days(starts: list, ends: list) -> np.ndarray:
    return working_days(as_days(starts), as_days(ends))


def timeliness(rows: ListRows, start: str, end: str, limit: int, indicator: str,
               count_indicator: str, cover_of, findings: Findings) -> tuple[list[Figure], list[dt.date]]:
    """A count of cases ending in each month, and the share ending within `limit` working days of
    their start. An end before its start is counted but left out of the share (a warning)."""
    picked = [i for i, day in enumerate(rows.column(end)) if day is not None]
    ends = [rows.column(end)[i] for i in picked]
    starts = [rows.column(start)[i] for i in picked]
    days = _days(starts, ends)
    counted, timely, backwards = Tally(), Tally(), 0
    for i, row, began, ended, taken in zip(picked, picked, starts, ends, days):
        team = rows.team(row)
        counted.add(month_of(ended), team, True)
        if began is None:
            continue
        if taken < 0:
            backwards += 1
            findings.quality[(rows.label, "ends before it starts", team or "")] += 1
            continue
        timely.add(month_of(ended), team, taken <= limit)
    if backwards:
        findings.sheet(rows.source, f"{backwards:,} of {len(picked):,} rows end before they start; they are left "
                                    f"out of {indicator} (n = {len(picked) - backwards:,}).")
    return counted.counts(count_indicator, cover_of(ends)) + timely.shares(indicator), ends


def re_referrals(rows: ListRows, cover_of, findings: Findings) -> tuple[list[Figure], list[dt.date]]:
    """Referrals per month, and the share within 365 days of an earlier referral of the same child
    (in the list, or by the list's count of referrals in the last 12 months)."""
    dates, ids, previous = rows.column("referral_date"), rows.column("child_id"), rows.column("referrals_12m")
    known_counts = [c for c in previous if c is not None]
    inclusive = bool(known_counts) and min(known_counts) >= 1
    if inclusive:
        findings.sheet(rows.source, f"Every row's 'Number of Referrals in Last 12 Months' is 1 or more, so the "
                       f"column seems to count the referral itself: it was read as earlier referrals plus this one "
                       f"(n = {len(known_counts):,}). Check how the case system counts it.",
                       column=rows.source.header_of("referrals_12m"))
    earlier = earlier_referral_within(dates, ids, RE_REFERRAL_DAYS)
    counted, repeated = Tally(), Tally()
    for i, day in enumerate(dates):
        if day is None:
            continue
        team = rows.team(i)
        count = previous[i]
        by_count = count is not None and count - int(inclusive) >= 1
        counted.add(month_of(day), team, True)
        repeated.add(month_of(day), team, earlier[i] or by_count)
    return counted.counts("referrals_count", cover_of(dates)) + repeated.shares("re_referrals_pct"), dates


def earlier_referral_within(dates: list, ids: list, days: int) -> list[bool]:
    """For each row, whether the same child has another referral 1 to `days` days before it.
    Sorted once by (child, day) and searched, so a placeholder ID shared by thousands of rows
    costs n log n, not n squared (each row is compared with its nearest earlier date only)."""
    known = [i for i, (day, child) in enumerate(zip(dates, ids)) if day is not None and child is not None]
    found = [False] * len(dates)
    if not known:
        return found
    children: dict = {}
    child_codes = np.fromiter((children.setdefault(ids[i], len(children)) for i in known), dtype=np.int64, count=len(known))
    ordinals = np.fromiter((dates[i].toordinal() for i in known), dtype=np.int64, count=len(known))
    span = 1 << 22  # more days than any date has ordinals: each child's dates in a block of its own
    keys = child_codes * span + ordinals
    ordered = np.sort(keys)
    before = np.searchsorted(ordered, keys, side="left")  # the first of this child's same-day referrals
    has_earlier = before > 0
    nearest = ordered[np.maximum(before - 1, 0)]  # the latest of this child's referrals on an earlier day
    hits = has_earlier & (nearest >= keys - days)
    for i, hit in zip(known, hits.tolist()):
        found[i] = hit
    return found


def nfa(rows: ListRows, findings: Findings) -> list[Figure]:
    """Of assessments authorised in the month whose outcome is readable, those needing no
    children's social care support (no further action)."""
    tally, unknown = Tally(), 0
    for i, (ended, support) in enumerate(zip(rows.column("assessment_authorised"), rows.column("assessment_support"))):
        if ended is None:
            continue
        if support not in (True, False):
            unknown += 1
            continue
        tally.add(month_of(ended), rows.team(i), support is False)
    if unknown:
        used = sum(n for (m, team), n in tally.cases.items() if team is None)
        findings.sheet(rows.source, f"{unknown:,} authorised assessments have no readable answer to whether the "
                       f"child needs support; they are left out of nfa_assessments_pct (n = {used:,}).",
                       column=rows.source.header_of("assessment_support"))
    return tally.shares("nfa_assessments_pct")


def s47_children(rows: ListRows, cover_of) -> tuple[list[Figure], list[tuple[dt.date, object]]]:
    """Children whose section 47 enquiry started in the month: a child twice in a month counts
    once. Returns the monthly counts and each (start, child) for the rolling rate."""
    tally, seen, events = Tally(), set(), []
    for i, (began, child) in enumerate(zip(rows.column("s47_start"), rows.column("child_id"))):
        if began is None:
            continue
        who = child if child is not None else ("row", i)
        events.append((began, who))
        team = rows.team(i)
        for scope in {None, team}:
            if (month_of(began), scope, who) in seen:
                continue
            seen.add((month_of(began), scope, who))
            tally.cases[(month_of(began), scope)] += 1
        if team:
            tally.teams.add(team)
    return tally.counts("s47_count", cover_of([d for d, _ in events])), events


def rolling_rates(indicator: str, events: list[tuple[dt.date, object]], cover: Coverage | None,
                  population, findings: Findings, source) -> list[Figure]:
    """Events in the 12 months to each month's end per 10,000 children (whole authority only).
    `events` are (date, who): a child counted once in a window when `who` repeats."""
    if cover is None:
        return []
    first_end = add_months(cover.first, 11)
    if first_end > cover.last:
        findings.sheet(source, f"No {indicator} written: a rate per 10,000 children needs 12 whole months, and "
                               f"the list covers {_months(cover)} ({cover.first:%b %Y} to {cover.last:%b %Y}).")
        return []
    findings.sheet(source, f"No {indicator} for the 11 months {cover.first:%b %Y} to "
                           f"{add_months(first_end, -1):%b %Y}: a rate per 10,000 children needs the 12 whole "
                           f"months to the month's end, and the list covers from {cover.first:%b %Y}.")
    by_month = defaultdict(set)  # each event once into its month: a window is then 12 months' sets, not every event
    for day, w in events:
        by_month[month_of(day)].add(w)
    figures, month, missing = [], first_end, []
    while month <= cover.last:
        window_end = add_months(month, 1)
        who = set().union(*(by_month.get(add_months(month, -back), ()) for back in range(12)))
        children = population(window_end - dt.timedelta(days=1))
        if children:
            figures.append(Figure(month, indicator, None, round(len(who) / children * 10_000, 6), len(who), children))
        else:
            missing.append(month)
        month = add_months(month, 1)
    if missing:
        findings.sheet(source, f"No {indicator} for {len(missing)} month(s) (" + ", ".join(f"{m:%b %Y}" for m in missing)
                       + "): the authority's ONS 0-17 population for them is not loaded. Choose the authority and "
                         "load DfE's population file.")
    return figures


def _months(cover: Coverage) -> str:
    count = (cover.last.year - cover.first.year) * 12 + cover.last.month - cover.first.month + 1
    return f"{max(count, 0)} whole month{'s' if count != 1 else ''}"
