"""Annex A through the normal load path: the reduction's figures become `kpi` records (so they
supersede by period, indicator, team and breakdown, and undo restores what they replaced), and
the upload is recorded with its extract date, visit standards, per-list counts and data-quality
counts. Nothing child-level crosses this module: only figures and counts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from qa_dashboard import contract, plain_text, store
from qa_dashboard.ingest import annex_a
from qa_dashboard.ingest.problems import Problem
from qa_dashboard.ingest.validate import Records

SIDE_TABLES = ("annex_a_uploads", "annex_a_lists", "annex_a_quality_rows")
_POPULATION = """
    SELECT d.year, d.value FROM dfe_rows d JOIN meta m ON m.key = 'authority' AND m.value = d.area_key
    WHERE d.superseded_by IS NULL AND d.publication = 'population' AND d.measure = 'population_estimate'
      AND d.breakdown = 'Children aged 0 to 17 years' AND d.geographic_level = 'Local authority'
      AND d.value > 0
"""


def context_for(db_path, as_at: dt.date, standards: dict[str, int] | None = None, cover_from: dt.date | None = None):
    """The extract date (and the first day the lists cover, when declared) with what the database
    knows: the chosen authority's ONS 0-17 population by mid-year, the visit standards set for it
    (else the defaults), and its teams list."""
    chosen = dict(annex_a.default_standards())
    estimates: dict[int, float] = {}
    teams: tuple[str, ...] = ()
    if db_path is not None and store.exists(db_path):
        with store.read_connection(db_path) as con:
            estimates = _population(con)
            chosen.update(_standards_in_force(con))
            teams = tuple(team for (team,) in store.run(con, "SELECT team FROM teams"))
    chosen.update(standards or {})
    return annex_a.AnnexContext(as_at=as_at, standards=chosen, population=_by_mid_year(estimates),
                                start=cover_from, teams=teams)


def _population(con) -> dict[int, float]:
    try:
        return {int(year): float(value) for year, value in store.run(con, _POPULATION)}
    except duckdb.CatalogException:  # an older database without DfE's tables: no population, rates left out
        return {}


def _standards_in_force(con) -> dict[str, int]:
    """The visit standards of the latest Annex A load in force: an authority's settings are the
    ones it last loaded with (so undoing that load restores the earlier ones too)."""
    try:
        rows = store.run(con, """
            SELECT a.cp_visit_working_days, a.cin_visit_working_days, a.cla_visit_days FROM annex_a_uploads a
            JOIN upload_log u ON u.upload_id = a.upload_id WHERE u.status = 'loaded'
            ORDER BY a.upload_id DESC LIMIT 1""")
    except duckdb.CatalogException:  # a database from before Annex A: the defaults
        return {}
    names = ("cp_visit_working_days", "cin_visit_working_days", "cla_visit_days")
    return {name: int(value) for name, value in zip(names, rows[0]) if value is not None} if rows else {}


@dataclass(frozen=True)
class _ByMidYear:
    """The estimate for the latest mid-year (30 June) on or before a window's last day. A value,
    not a closure, so the context crosses into the bounded check's child process."""
    estimates: tuple[tuple[int, float], ...]

    def __call__(self, last_day: dt.date) -> float | None:
        years = [(y, v) for y, v in self.estimates if dt.date(y, 6, 30) <= last_day]
        return max(years)[1] if years else None


def _by_mid_year(estimates: dict[int, float]) -> _ByMidYear:
    return _ByMidYear(tuple(sorted(estimates.items())))


def records_of(reduction) -> Records:
    columns = {name: [] for name in contract.load().stored_columns("kpi")}
    for figure in reduction.figures:
        row = {"period": figure.period, "indicator": figure.indicator, "team": figure.team,
               "value": figure.value, "numerator": figure.numerator, "denominator": figure.denominator}
        for name in columns:
            columns[name].append(row.get(name))
    origin = [("Annex A", None)] * len(reduction.figures)
    return Records("kpi", columns, origin)


def describe_extract(as_at: dt.date) -> str:
    """`Annex A, extract of 15 March 2021`: the source shown beside a figure."""
    return f"Annex A, extract of {as_at.day} {as_at:%B %Y}"


def record(con, upload_id: int, reduction) -> None:
    """Inside the load's transaction: the extract date, standards, lists and quality counts."""
    standards = reduction.standards
    store.run(con, "INSERT INTO annex_a_uploads VALUES (?, ?, ?, ?, ?)",
              [upload_id, reduction.as_at, standards["cp_visit_working_days"], standards["cin_visit_working_days"],
               standards["cla_visit_days"]])
    store.run_many(con, "INSERT INTO annex_a_lists VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(upload_id, s.label, s.title, plain_text.clean_name(s.sheet)[0], s.rows_read, s.rows_used, s.first_month, s.last_month,
                     s.teams, s.warnings, ", ".join(s.indicators)) for s in reduction.lists])
    rows = [(upload_id, lst, problem, team or None, n) for (lst, problem, team), n in sorted(reduction.quality.items())]
    if rows:
        store.run_many(con, "INSERT INTO annex_a_quality_rows VALUES (?, ?, ?, ?, ?)", rows)


def forget(con, upload_id: int) -> None:
    """Undo: the upload's Annex A record goes with it."""
    for table in SIDE_TABLES:
        store.run(con, f"DELETE FROM {table} WHERE upload_id = ?", [upload_id])


def missing_extract_date(file_name: str, found) -> Problem:
    return annex_a.refuse_without_extract_date(file_name, found)



def proposed_extract_date(file_name: str, data: bytes) -> tuple[bool, dt.date | None]:
    """Whether the file is an Annex A workbook, and the latest date in it (the date to propose)."""
    from qa_dashboard.ingest.read import read_file

    sheets, _ = read_file(file_name, data)
    found = annex_a.find_lists(sheets)
    return bool(found), annex_a.latest_date(found) if found else None
