"""Read the cells an indicator needs from each list, check them, and count what is wrong.

Refusals (errors) and warnings are `Problem`s naming file, list (sheet), Excel row and column;
the value is shown only for dates, codes and numbers, never for a child's ID, date of birth,
postcode or worker. Each problem also counts towards the data-quality table (list, problem,
team), which holds counts only.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from qa_dashboard.annex_a import cells
from qa_dashboard.annex_a.lists import AnnexList, vocabulary
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, shown

_LISTED_PER_COLUMN = 10   # problems of one kind listed one by one in a column; the rest summed up
_READ = {"id": cells.read_id, "text": cells.read_text, "number": cells.read_number}


@dataclass
class ListRows:
    """One list's kept rows (exact duplicates dropped), with the cells read column by column."""

    source: AnnexList
    rows_read: int = 0
    excel_rows: list[int] = field(default_factory=list)
    values: dict[str, list] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.source.spec.label

    def column(self, name: str) -> list:
        return self.values.get(name, [None] * len(self.excel_rows))

    def team(self, index: int) -> str | None:
        return self.values["team"][index] if "team" in self.values else None


@dataclass
class Findings:
    """Problems for the officer and counts for the data-quality table."""

    file_name: str
    problems: list[Problem] = field(default_factory=list)
    quality: Counter = field(default_factory=Counter)   # (list, problem, team) -> rows
    _listed: Counter = field(default_factory=Counter)

    def cell(self, rows: ListRows, index_or_row: int, column: str, message: str, value=None,
             severity: str = ERROR, problem: str | None = None, team: str | None = None) -> None:
        source = rows.source
        if problem:
            self.quality[(rows.label, problem, team or "")] += 1
        place = (source.sheet, column, message, severity)
        self._listed[place] += 1
        if self._listed[place] > _LISTED_PER_COLUMN:
            return
        hidden = vocabulary().private(column) or value is None
        self.problems.append(Problem(
            sheet=source.sheet, row=index_or_row, column=source.header_of(column),
            value="" if hidden else shown(value), message=message, severity=severity, file=self.file_name))

    def summarise_overflow(self) -> None:
        for (sheet, column, message, severity), count in self._listed.items():
            if count > _LISTED_PER_COLUMN:
                self.problems.append(Problem(sheet=sheet, row=None, column=column, value="", severity=severity,
                    file=self.file_name,
                    message=f"{count - _LISTED_PER_COLUMN:,} more rows like those above: {message}"))

    def sheet(self, source: AnnexList | None, message: str, severity: str = WARNING, column: str = "") -> None:
        self.problems.append(Problem(sheet=source.sheet if source else "", row=None, column=column, value="",
                                     message=message, severity=severity, file=self.file_name))


def read_list(source: AnnexList, as_at: dt.date, findings: Findings) -> ListRows:
    """Check one list cell by cell and return its kept rows."""
    spec, kinds = source.spec, vocabulary().kinds
    for column in spec.required:
        if column not in source.columns:
            findings.sheet(source, f"{spec.label} ({spec.title}) has no column for {vocabulary().labels[column]!r}, "
                           f"which its figures need. Add the column to the extract (any usual spelling is recognised).",
                           severity=ERROR, column=vocabulary().labels[column])
    wanted = {c: i for c, i in source.columns.items() if kinds.get(c) not in ("private", "other")}
    rows = ListRows(source, values={c: [] for c in wanted})
    seen: set[tuple] = set()
    duplicates = 0
    errors_at = source.raw.error_cells
    for excel_row, cells_in_row in source.data_rows():
        rows.rows_read += 1
        fingerprint = tuple(cells_in_row)
        if fingerprint in seen:
            duplicates += 1
            team = _team_of(cells_in_row, source)
            findings.quality[(spec.label, "exact duplicate row", team or "")] += 1
            continue
        seen.add(fingerprint)
        rows.excel_rows.append(excel_row)
        team = _team_of(cells_in_row, source)
        for column, position in wanted.items():
            value = cells_in_row[position] if position < len(cells_in_row) else None
            if errors_at and (excel_row, source.raw.first_col + position) in errors_at:
                value = "#N/A"  # an Excel error cell, which calamine reads as blank
            rows.values[column].append(_read_cell(rows, excel_row, column, value, as_at, team, findings))
    if duplicates:
        findings.sheet(source, f"{duplicates:,} exact duplicate rows were dropped; {len(rows.excel_rows):,} "
                               f"of {rows.rows_read:,} rows used.")
    return rows


def _team_of(row: list, source: AnnexList) -> str | None:
    position = source.columns.get("team")
    return cells.read_text(row[position]) if position is not None and position < len(row) else None


def _read_cell(rows: ListRows, excel_row: int, column: str, value, as_at: dt.date, team, findings: Findings):
    kind = vocabulary().kinds[column]
    key = column in rows.source.spec.required
    if cells.is_error_cell(value):
        if key:
            findings.cell(rows, excel_row, column, "holds an Excel error (such as #N/A) in a column the figures "
                          "need. Correct the cell in the case system's extract.", value=None, problem="Excel error", team=team)
        return None
    try:
        if kind == "date":
            read = cells.read_date(value)
            if read is not None and read > as_at:
                findings.cell(rows, excel_row, column, f"is after the extract date ({as_at:%d/%m/%Y}). Check the "
                              "extract date, or the date in the case system.", value=value, problem="date after the extract", team=team)
            return read
        if kind == "yesno":
            answer = cells.read_yes_no(value)
            if answer is None and not cells.is_blank(value):
                findings.quality[(rows.label, "unknown answer", team or "")] += 1
            return answer if answer is not None else (None if cells.is_blank(value) else "unknown")
        if kind == "count":
            return cells.read_count(value)
        return _READ[kind](value)
    except cells.CellError as error:
        if kind == "count":
            findings.quality[(rows.label, "unreadable number", team or "")] += 1
            return None
        findings.cell(rows, excel_row, column, f"{error}.", value=value, problem="unreadable date", team=team)
        return None
