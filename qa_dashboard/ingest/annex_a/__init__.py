"""Ofsted's Annex A lists reduced to indicators, in memory (DATA_CONTRACT section 1, Annex A).

Annex A is child-level by nature: IDs, dates of birth, postcodes and workers' names. Here it is
read, reduced to counts and shares per month and per allocated team, and dropped: nothing this
package returns holds a child's, family's or worker's identifier, and its problems name list,
Excel row and column, never such a value. Pure: no Streamlit, no database.

    lists.py       which sheets are lists, their header row, which column is which
    cells.py       one cell as the case systems write it (UK dates, `a) Yes`, `q) 6: Police`)
    parse.py       the checks, cell by cell, and the data-quality counts
    indicators.py  counts, shares and rolling rates per month and team
    visits.py      visits in time on the extract date, against the authority's standards
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from qa_dashboard.contract import squash
from qa_dashboard.ingest.annex_a import cells
from qa_dashboard.ingest.annex_a.indicators import (
    ASSESSMENT_WORKING_DAYS, ICPC_WORKING_DAYS, Coverage, Figure, covering, declared, last_whole_month, month_of,
    nfa, re_referrals, rolling_rates, s47_children, timeliness,
)
from qa_dashboard.ingest.annex_a.lists import AnnexList, find_lists, vocabulary
from qa_dashboard.ingest.annex_a.parse import Findings, ListRows, read_list
from qa_dashboard.ingest.annex_a.visits import VISITS, standard_text, visits_in_time
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, errors
from qa_dashboard.metrics import add_months

__all__ = ["AnnexContext", "Reduction", "ListSummary", "find_lists", "latest_date", "reduce", "standard_text",
           "default_standards", "SOURCE_LISTS", "context_problems", "default_window_start"]

# indicator -> the list it comes from (for the preview and the source shown beside a figure)
SOURCE_LISTS = {"referrals_count": 3, "re_referrals_pct": 3, "referrals_rate": 3,
                "assessments_count": 4, "assessments_45wd_pct": 4, "nfa_assessments_pct": 4, "assessments_rate": 4,
                "s47_count": 5, "s47_rate": 5, "icpc_count": 5, "icpc_15wd_pct": 5,
                **{code: spec[0] for code, spec in VISITS.items()}}
_COMPUTED_LISTS = (3, 4, 5, 6, 7, 8)
# The date each list's counts and rates go by: (list, column, the indicators counted by it).
_COUNTED_BY = ((3, "referral_date", ("referrals_count", "referrals_rate")),
               (4, "assessment_authorised", ("assessments_count", "assessments_rate")),
               (5, "s47_start", ("s47_count", "s47_rate")),
               (5, "icpc_date", ("icpc_count",)))
_PLACEHOLDER_ROWS = 50   # rows sharing one child's ID beyond which the ID looks like a stand-in


def default_standards() -> dict[str, int]:
    return dict(vocabulary().standards)


@dataclass
class AnnexContext:
    """What the file cannot tell: the extract date, the visit standards, the population."""

    as_at: dt.date
    teams: tuple[str, ...] = ()  # the authority's teams list as loaded; () when none is
    standards: dict[str, int] = field(default_factory=default_standards)
    population: Callable[[dt.date], float | None] = lambda month_end: None
    start: dt.date | None = None   # the day the lists cover from, as the officer declared it (`--from`)

    @property
    def window(self) -> Coverage | None:
        return declared(self.start, self.as_at) if self.start is not None else None


def default_window_start(as_at: dt.date) -> dt.date:
    """The Upload page's proposal for the lists' first day: 12 months before the extract date."""
    try:
        return as_at.replace(year=as_at.year - 1)
    except ValueError:  # 29 February
        return as_at.replace(year=as_at.year - 1, day=28)


def context_problems(file_name: str, context: AnnexContext, today: dt.date) -> list[Problem]:
    """Refusals of the extract date and window themselves, before a cell is read."""
    def refused(message: str) -> Problem:
        return Problem(sheet="", row=None, column="", value="", severity=ERROR, file=file_name, message=message)
    as_at, start = context.as_at, context.start
    if as_at > today:
        return [refused(f"The extract date {as_at:%d/%m/%Y} is in the future (today is {today:%d/%m/%Y}). "
                        "Check the year.")]
    if start is None:
        return []
    if start > as_at:
        return [refused(f"The lists cover from {start:%d/%m/%Y}, which is after the extract date {as_at:%d/%m/%Y}. "
                        "Give the first day the lists were extracted for (--from), on or before the extract date.")]
    window = context.window
    if window.first > window.last:
        return [refused(f"From {start:%d/%m/%Y} to the extract date {as_at:%d/%m/%Y} there is no whole month, so no "
                        "monthly count could be written. Check the first day the lists cover (--from) and the extract date.")]
    return []


@dataclass
class ListSummary:
    label: str
    title: str
    sheet: str
    rows_read: int
    rows_used: int
    first_month: dt.date | None
    last_month: dt.date | None
    teams: int
    warnings: int = 0
    indicators: list[str] = field(default_factory=list)


@dataclass
class Reduction:
    as_at: dt.date
    figures: list[Figure]
    lists: list[ListSummary]
    problems: list[Problem]
    quality: Counter            # (list, problem, team) -> rows
    standards: dict[str, int]
    cover_from: dt.date | None = None   # the first day the lists cover, when the officer declared it

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def latest_date(found: list[AnnexList]) -> dt.date | None:
    """The latest date in the lists' date columns: the extract date to propose."""
    kinds, latest = vocabulary().kinds, None
    for annex in found:
        positions = [i for column, i in annex.columns.items() if kinds.get(column) == "date"]
        for _, row in annex.data_rows():
            for position in positions:
                try:
                    day = cells.read_date(row[position]) if position < len(row) else None
                except cells.CellError:
                    continue
                if day is not None and (latest is None or day > latest):
                    latest = day
    return latest


def reduce(file_name: str, found: list[AnnexList], context: AnnexContext, single_list: bool = False,
           refused_already: bool = False) -> Reduction:
    """Check the lists whole and compute every figure they support. `refused_already` when the
    file was refused while being read (the extract date is then not questioned as well)."""
    as_at = context.as_at
    findings = Findings(file_name, teams={squash(team): team for team in context.teams})
    lists: dict[int, ListRows] = {}
    for annex in found:
        if annex.spec.number in lists:
            findings.sheet(annex, f"A second sheet holds {annex.spec.label}; only '{lists[annex.spec.number].source.sheet}' "
                                  "is read. Remove the copy or rename it.")
            continue
        lists[annex.spec.number] = read_list(annex, as_at, findings)
    missing = [vocabulary().lists[n] for n in _COMPUTED_LISTS if n not in lists]
    lists = {number: rows for number, rows in lists.items() if not _empty(rows, findings)}
    if missing and not single_list:
        findings.sheet(None, "The file has no " + ", ".join(f"{s.label} ({s.title})" for s in missing)
                       + ": the figures from those lists are not written.")
    _age_warnings(lists, findings)
    _placeholder_ids(lists, findings)
    if any(n in lists for n in _COMPUTED_LISTS) and not refused_already and not errors(findings.problems):
        _recent_enough(lists, as_at, findings)
        if context.window is not None:
            _window_reaches_the_data(lists, context, findings)
    figures = _figures(lists, context, findings)
    findings.summarise_overflow()
    summaries = [_summary(rows, figures, findings) for rows in sorted(lists.values(), key=lambda r: r.source.spec.number)]
    return Reduction(as_at, figures if not errors(findings.problems) else [], summaries, findings.problems,
                     findings.quality, dict(context.standards), context.start)


def _empty(rows: ListRows, findings: Findings) -> bool:
    """A list with no case in it, said so: an empty list cannot tell no cases from a failed
    extract, so its figures are not written (never months of zeros)."""
    kinds = vocabulary().kinds
    dated = [column for column in rows.values if kinds.get(column) == "date"]
    if rows.rows_read and (not dated or any(d is not None for column in dated for d in rows.values[column])):
        return False
    if errors(findings.problems):  # a list whose every date is refused is refused already
        return True
    held = "only its header row" if not rows.rows_read else f"{rows.rows_read:,} rows but no date in any of its date columns"
    findings.sheet(rows.source, f"{rows.label} ({rows.source.spec.title}) has {held}: its figures are not written (an "
                   "empty list cannot tell no cases from a failed extract). If the list should hold cases, extract it again.")
    return True


def _figures(lists: dict[int, ListRows], context: AnnexContext, findings: Findings) -> list[Figure]:
    as_at, window, figures = context.as_at, context.window, []
    cover_of = covering(window, as_at)
    if 3 in lists:
        made, dates = re_referrals(lists[3], cover_of, findings)
        figures += made + rolling_rates("referrals_rate", [(d, i) for i, d in enumerate(dates) if d], cover_of(dates),
                                        context.population, findings, lists[3].source)
    if 4 in lists:
        made, ends = timeliness(lists[4], "assessment_start", "assessment_authorised", ASSESSMENT_WORKING_DAYS,
                                "assessments_45wd_pct", "assessments_count", cover_of, findings)
        figures += made + nfa(lists[4], findings)
        figures += rolling_rates("assessments_rate", [(d, i) for i, d in enumerate(ends)], cover_of(ends),
                                 context.population, findings, lists[4].source)
    if 5 in lists:
        made, _ = timeliness(lists[5], "s47_start", "icpc_date", ICPC_WORKING_DAYS, "icpc_15wd_pct", "icpc_count",
                             cover_of, findings)
        counts, events = s47_children(lists[5], cover_of)
        figures += made + counts + rolling_rates("s47_rate", events, cover_of([d for d, _ in events]),
                                                 context.population, findings, lists[5].source)
    for number, column, indicators in _COUNTED_BY:
        if number in lists:
            _months_not_written(lists[number], column, indicators, cover_of, findings)
            _zeros_at_the_end(lists[number], column, indicators, cover_of, findings)
            if window is not None:
                _before_the_window(lists[number], column, window, context.start, findings)
    if window is not None:  # rows before the window are left out of every figure dated by them
        figures = [f for f in figures if SOURCE_LISTS.get(f.indicator) not in (3, 4, 5) or f.period >= window.first]
    figures += visits_in_time(lists, as_at, context.standards)
    return figures


def _months_not_written(rows: ListRows, column: str, indicators: tuple[str, ...], cover_of, findings: Findings) -> None:
    """Name every month with cases whose counts and rates are not written: one the list covers
    only in part (before the inferred start, or the extract's own month when it is not over)."""
    dates = [d for d in rows.column(column) if d is not None]
    cover = cover_of(dates)
    if cover is None:
        return
    partial = sorted({month_of(d) for d in dates if month_of(d) > cover.last
                      or (month_of(d) < cover.first and not cover.declared)})
    if partial:
        findings.sheet(rows.source, f"{' and '.join(indicators)} not written for {len(partial)} month(s) the list "
                       "covers only in part (" + ", ".join(f"{m:%b %Y}" for m in partial)
                       + "): a count over part of a month is not the month's count. Shares are written, each with its n."
                       + ("" if cover.declared else " Give the first day the lists cover (--from, or 'Lists cover from' "
                          "on the Upload page) to count every whole month from it."),
                       column=rows.source.header_of(column))


def _zeros_at_the_end(rows: ListRows, column: str, indicators: tuple[str, ...], cover_of, findings: Findings) -> None:
    """A list whose cases stop two or more whole months before the others' is written as zeros
    for those months: said, in case that list was extracted earlier than the rest."""
    dates = [d for d in rows.column(column) if d is not None]
    cover = cover_of(dates)
    if not dates or cover is None:
        return
    empty_from = add_months(month_of(max(dates)), 1)
    if add_months(empty_from, 1) <= cover.last:
        findings.sheet(rows.source, f"No {rows.source.header_of(column)} after {max(dates):%d/%m/%Y}: "
                       f"{' and '.join(indicators)} {'is' if len(indicators) == 1 else 'are'} written as zero for {empty_from:%b %Y} to {cover.last:%b %Y}. "
                       "If this list was extracted earlier than the others, extract it again with them.",
                       column=rows.source.header_of(column))


def _before_the_window(rows: ListRows, column: str, window: Coverage, start: dt.date, findings: Findings) -> None:
    early = sum(1 for d in rows.column(column) if d is not None and d < window.first)
    if early:
        begins = f"{window.first:%d/%m/%Y}" + ("" if window.first == start else
                                               f" (the first whole month from {start:%d/%m/%Y}, when the lists cover from)")
        findings.sheet(rows.source, f"{early:,} of {len(rows.excel_rows):,} rows have a {rows.source.header_of(column)} "
                       f"before {begins}: they are left out of the figures dated by it.",
                       column=rows.source.header_of(column))


def _recent_enough(lists: dict[int, ListRows], as_at: dt.date, findings: Findings) -> None:
    """An extract date past the lists' data would write months of zeros over real counts: when no
    list has a case in the last whole month before it, the load is refused, proposing the latest date."""
    kinds, latest = vocabulary().kinds, None
    for rows in lists.values():
        for column, values in rows.values.items():
            if kinds.get(column) == "date":
                days = [d for d in values if d is not None]
                if days and (latest is None or max(days) > latest):
                    latest = max(days)
    month = last_whole_month(as_at)
    if latest is not None and latest >= month:
        return
    proposal = (f" The latest date in the lists is {latest:%d/%m/%Y}: if they were extracted then, give that "
                f"extract date (--as-at {latest:%Y-%m-%d})." if latest else " The lists hold no date at all.")
    findings.sheet(None, f"No list has a case in {month:%B %Y}, the last whole month before the extract date "
                         f"{as_at:%d/%m/%Y}, so the extract date looks later than the lists' data and would write "
                         "months of zeros." + proposal, severity=ERROR)


def _window_reaches_the_data(lists: dict[int, ListRows], context: AnnexContext, findings: Findings) -> None:
    """A window declared from before the lists' first case would write months of zeros over real
    counts (a mistyped year): when no counted list has a case on or before the end of the window's
    first whole month, the load is refused, proposing the earliest date."""
    dates = [d for number, column, _ in _COUNTED_BY if number in lists for d in lists[number].column(column) if d]
    first = context.window.first
    if not dates or min(dates) < add_months(first, 1):
        return
    earliest = min(dates)
    findings.sheet(None, f"No list has a case in {first:%B %Y}, the first whole month from the day the lists cover "
                         f"from ({context.start:%d/%m/%Y}), or before it, so that day looks earlier than the lists' data "
                         f"and would write months of zeros. The earliest date in the lists is {earliest:%d/%m/%Y}: if "
                         f"they cover from then, give that day (--from {earliest:%Y-%m-%d}).", severity=ERROR)


def _placeholder_ids(lists: dict[int, ListRows], findings: Findings) -> None:
    """One ID on many rows is a stand-in (`UNKNOWN`, `0`) for children without one, not a child:
    its rows are read as rows without an ID (each its own child; re-referrals among them found
    only by the list's count column). Said by row and count, never the ID."""
    for rows in lists.values():
        if not rows.source.spec.children or "child_id" not in rows.values:
            continue
        ids = rows.values["child_id"]
        counts = Counter(c for c in ids if c is not None)
        shared = {child: n for child, n in counts.items() if n > _PLACEHOLDER_ROWS}
        if not shared:
            continue
        first = rows.excel_rows[next(i for i, c in enumerate(ids) if c in shared)]
        rows.values["child_id"] = [None if c in shared else c for c in ids]
        many = f"{len(shared):,} child IDs are each" if len(shared) > 1 else "One child ID is"
        findings.sheet(rows.source, f"{many} on more than {_PLACEHOLDER_ROWS} rows ({sum(shared.values()):,} rows, the "
                       f"first in row {first}): a placeholder for children without an ID, not one child. Those rows "
                       "are read as rows without an ID: each counts as its own child, and a re-referral among them "
                       "is found only by the list's count of referrals in the last 12 months. Give each child its "
                       "own ID in the case system.", column=rows.source.header_of("child_id"))


def _age_warnings(lists: dict[int, ListRows], findings: Findings) -> None:
    for rows in lists.values():
        if not rows.source.spec.children or "age" not in rows.values:
            continue
        adults = 0
        for i, age in enumerate(rows.values["age"]):
            if age is not None and age >= 18:
                adults += 1
                findings.quality[(rows.label, "age 18 or over", rows.team(i) or "")] += 1
        if adults:
            findings.sheet(rows.source, f"{adults:,} of {len(rows.excel_rows):,} rows give an age of 18 or over on a "
                           "list of children. Check the case system's dates of birth.", column=rows.source.header_of("age"))


def _summary(rows: ListRows, figures: list[Figure], findings: Findings) -> ListSummary:
    number = rows.source.spec.number
    written = sorted({f.indicator for f in figures if SOURCE_LISTS.get(f.indicator) == number})
    months = [f.period for f in figures if SOURCE_LISTS.get(f.indicator) == number]
    teams = {t for t in rows.values.get("team", []) if t}
    warned = sum(1 for p in findings.problems if p.sheet == rows.source.sheet and p.severity == WARNING)
    return ListSummary(rows.label, rows.source.spec.title, rows.source.sheet, rows.rows_read, len(rows.excel_rows),
                       min(months, default=None), max(months, default=None), len(teams), warned, written)


def refuse_without_extract_date(file_name: str, found: list[AnnexList]) -> Problem:
    latest = latest_date(found)
    proposal = (f" The latest date in the file is {latest:%d/%m/%Y}: if the extract was taken that day, "
                f"load it with --as-at {latest:%Y-%m-%d}." if latest else "")
    return Problem(sheet="", row=None, column="", value="", severity=ERROR, file=file_name,
                   message="This is an Ofsted Annex A workbook, which carries no extract date, and every figure "
                           "depends on it. Give the date the lists were extracted." + proposal)
