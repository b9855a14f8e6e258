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
    ASSESSMENT_WORKING_DAYS, ICPC_WORKING_DAYS, Figure, coverage, month_of, nfa, re_referrals, rolling_rates,
    s47_children, timeliness,
)
from qa_dashboard.ingest.annex_a.lists import AnnexList, find_lists, vocabulary
from qa_dashboard.ingest.annex_a.parse import Findings, ListRows, read_list
from qa_dashboard.ingest.annex_a.visits import VISITS, standard_text, visits_in_time
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, errors

__all__ = ["AnnexContext", "Reduction", "ListSummary", "find_lists", "latest_date", "reduce", "standard_text",
           "default_standards", "SOURCE_LISTS"]

# indicator -> the list it comes from (for the preview and the source shown beside a figure)
SOURCE_LISTS = {"referrals_count": 3, "re_referrals_pct": 3, "referrals_rate": 3,
                "assessments_count": 4, "assessments_45wd_pct": 4, "nfa_assessments_pct": 4, "assessments_rate": 4,
                "s47_count": 5, "s47_rate": 5, "icpc_count": 5, "icpc_15wd_pct": 5,
                **{code: spec[0] for code, spec in VISITS.items()}}
_COMPUTED_LISTS = (3, 4, 5, 6, 7, 8)


def default_standards() -> dict[str, int]:
    return dict(vocabulary().standards)


@dataclass
class AnnexContext:
    """What the file cannot tell: the extract date, the visit standards, the population."""

    as_at: dt.date
    teams: tuple[str, ...] = ()  # the authority's teams list as loaded; () when none is
    standards: dict[str, int] = field(default_factory=default_standards)
    population: Callable[[dt.date], float | None] = lambda month_end: None


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


def reduce(file_name: str, found: list[AnnexList], context: AnnexContext, single_list: bool = False) -> Reduction:
    """Check the lists whole and compute every figure they support."""
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
    if missing and not single_list:
        findings.sheet(None, "The file has no " + ", ".join(f"{s.label} ({s.title})" for s in missing)
                       + ": the figures from those lists are not written.")
    _age_warnings(lists, findings)
    figures = _figures(lists, context, findings)
    findings.summarise_overflow()
    summaries = [_summary(rows, figures, findings) for rows in sorted(lists.values(), key=lambda r: r.source.spec.number)]
    return Reduction(as_at, figures if not errors(findings.problems) else [], summaries, findings.problems,
                     findings.quality, dict(context.standards))


def _figures(lists: dict[int, ListRows], context: AnnexContext, findings: Findings) -> list[Figure]:
    as_at, figures = context.as_at, []
    if 3 in lists:
        made, dates = re_referrals(lists[3], as_at, findings)
        figures += made + rolling_rates("referrals_rate", [(d, i) for i, d in enumerate(dates) if d], coverage(dates, as_at),
                                        context.population, findings, lists[3].source)
        _partial_months(lists[3], dates, as_at, findings)
    if 4 in lists:
        made, ends = timeliness(lists[4], "assessment_start", "assessment_authorised", ASSESSMENT_WORKING_DAYS,
                                "assessments_45wd_pct", "assessments_count", as_at, findings)
        figures += made + nfa(lists[4], findings)
        figures += rolling_rates("assessments_rate", [(d, i) for i, d in enumerate(ends)], coverage(ends, as_at),
                                 context.population, findings, lists[4].source)
        _partial_months(lists[4], ends, as_at, findings)
    if 5 in lists:
        made, _ = timeliness(lists[5], "s47_start", "icpc_date", ICPC_WORKING_DAYS, "icpc_15wd_pct", "icpc_count",
                             as_at, findings)
        counts, events = s47_children(lists[5], as_at)
        figures += made + counts + rolling_rates("s47_rate", events, coverage([d for d, _ in events], as_at),
                                                 context.population, findings, lists[5].source)
    figures += visits_in_time(lists, as_at, context.standards)
    return figures


def _partial_months(rows: ListRows, dates: list, as_at: dt.date, findings: Findings) -> None:
    cover = coverage(dates, as_at)
    if cover is None:
        return
    partial = sorted({month_of(d) for d in dates if d is not None and not cover.whole(month_of(d))})
    if partial:
        findings.sheet(rows.source, f"{len(partial)} month(s) are only partly covered ("
                       + ", ".join(f"{m:%b %Y}" for m in partial)
                       + "): their counts are not written, their shares are (each with its n).")


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
