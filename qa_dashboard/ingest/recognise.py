"""Which contract sheet is this, where is its header, and which column is which?

A sheet is known by its name (`Audits`, `KPI`) or, failing that, by its header: the first row
whose cells match at least two known column names. Rows above the header (titles, notes,
logos) are skipped. A header with three or more month-like cells is a wide scorecard.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from qa_dashboard import contract
from qa_dashboard.contract import squash
from qa_dashboard.ingest import dates
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, shown
from qa_dashboard.ingest.read import RawSheet, column_letter, column_number

HEADER_SEARCH_ROWS = 30
# Column headers that look like personal data. Uploads are aggregates and case references only.
_PERSONAL = [
    (re.compile(r"(dateofbirth|birthdate|\bdob\b|^dob$|^dob|dob$)"), "a date of birth"),
    (re.compile(r"(address|postcode|postalcode|zipcode|street)"), "an address"),
    (re.compile(r"(nhsnumber|nhsno|^nhs$|nationalinsurance|ninumber|^upn$|uniquepupilnumber)"), "an NHS, NI or pupil number"),
    (re.compile(r"(name|forename|surname)"), "a person's name"),
]
# Labels containing "name" that are not about a person.
_NOT_PERSONAL = {"teamname", "servicename", "serviceareaname", "indicatorname", "filename", "sheetname", "questionname"}


@dataclass
class MappedSheet:
    """A recognised sheet: what it is, where its header is, and which column holds what."""

    kind: str                        # a contract sheet name; scorecard for the wide layout
    raw: RawSheet
    header_index: int                # index into raw.rows
    columns: dict[str, int]          # contract column -> index in the row
    headers: dict[int, str]          # index -> header as written
    month_columns: list[tuple[int, dt.date]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.raw.name

    def header_of(self, column: str) -> str:
        index = self.columns.get(column)
        return self.headers.get(index, column) if index is not None else column

    def header_at_letter(self, letter: str) -> str:
        """The header over Excel column `letter` (as a problem found while reading names it)."""
        if not letter.isalpha():
            return letter
        return self.headers.get(column_number(letter) - self.raw.first_col) or letter

    def column_ref(self, index: int) -> str:
        return self.headers.get(index) or column_letter(self.raw.first_col + index)


def _sheet_by_name(name: str) -> str | None:
    key = squash(name)
    key_without_digits = squash(re.sub(r"[\s_\-]*\d.*$", "", name))
    for sheet in contract.load().sheets.values():
        spellings = {squash(sheet.name), *(squash(a) for a in sheet.aliases)}
        if key in spellings or key_without_digits in spellings:
            return sheet.name
    return None


def _cell_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ("" if value in (None, "") else str(value))


def _match_counts(row: list) -> dict[str, int]:
    spec = contract.load()
    keys = {squash(_cell_text(c)) for c in row if _cell_text(c)}
    return {name: len(keys & lookup.keys()) for name, lookup in spec.column_lookup.items()}


def _month_cells(row: list) -> list[tuple[int, dt.date]]:
    found = []
    for index, cell in enumerate(row):
        if dates.looks_like_month(cell) and (value := dates.month_of(cell)) is not None:
            found.append((index, value))
    return found


def _find_header(raw: RawSheet, kinds: list[str]) -> tuple[int, str, list] | None:
    """The first row matching >= 2 known columns of one of `kinds`; returns (index, kind, months)."""
    for index, row in enumerate(raw.rows[:HEADER_SEARCH_ROWS]):
        months = _month_cells(row)
        counts = _match_counts(row)
        if len(months) >= 3 and counts["scorecard"] >= 1 and "scorecard" in kinds + ["kpi"]:
            return index, "scorecard", months
        ranked = sorted(((counts[k], k) for k in kinds if counts[k] >= 2), key=lambda item: -item[0])
        if ranked:
            best = ranked[0][0]
            candidates = [k for c, k in ranked if c == best]
            # Prefer a kind whose required columns are all present.
            for kind in candidates:
                lookup = contract.load().column_lookup[kind]
                present = {lookup[squash(_cell_text(c))] for c in row if squash(_cell_text(c)) in lookup}
                if set(contract.load().sheets[kind].required) <= present:
                    return index, kind, months
            return index, candidates[0], months
    return None


def recognise(file_name: str, raw: RawSheet) -> tuple[MappedSheet | None, list[Problem]]:
    spec = contract.load()
    named = _sheet_by_name(raw.name)
    all_kinds = [k for k in spec.sheets if k != "scorecard"]
    if named:
        kinds = ["kpi"] if named == "scorecard" else [named]
        found = _find_header(raw, kinds + (["scorecard"] if named in ("kpi", "scorecard") else []))
        if found is None:
            expected = ", ".join(c.name for c in spec.sheets[named].columns if c.required)
            return None, [Problem(sheet=raw.name, row=None, column="", value="", file=file_name,
                message=f"The sheet is named like the '{named}' sheet but no header row was found in its first {HEADER_SEARCH_ROWS} rows. Put the column names ({expected}, ...) in one row above the data.")]
    else:
        found = _find_header(raw, all_kinds + ["scorecard"])
        if found is None:
            return None, []
    header_index, kind, months = found
    if named == "scorecard" and kind == "kpi" and len(months) >= 3:
        kind = "scorecard"
    return _map_columns(file_name, raw, header_index, kind, months)


def _map_columns(file_name, raw, header_index, kind, months) -> tuple[MappedSheet, list[Problem]]:
    spec = contract.load()
    lookup = spec.column_lookup[kind]
    header = raw.rows[header_index]
    excel_row = raw.excel_row(header_index)
    month_indexes = {index for index, _ in months} if kind == "scorecard" else set()
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    headers: dict[int, str] = {}
    for index, cell in enumerate(header):
        text = _cell_text(cell)
        if index in month_indexes:
            headers[index] = text if isinstance(cell, str) else shown(cell)
            continue
        if not text:
            continue
        headers[index] = text
        key = squash(text)
        column = lookup.get(key)
        letter = column_letter(raw.first_col + index)
        if column is None:
            reason = _personal_reason(key)
            if reason:
                problems.append(Problem(sheet=raw.name, row=excel_row, column=text, value=text, file=file_name,
                    message=f"This column looks like it holds {reason}. Uploads must not contain personal data: delete the column and upload again."))
            else:
                problems.append(Problem(sheet=raw.name, row=excel_row, column=text, value=text, severity=WARNING, file=file_name,
                    message=f"Column {letter} is not a column of the '{kind}' sheet and will be ignored."))
            continue
        if column in columns:
            first = column_letter(raw.first_col + columns[column])
            problems.append(Problem(sheet=raw.name, row=excel_row, column=text, value=text, file=file_name,
                message=f"Columns {first} and {letter} both mean '{column}'. Keep one of them."))
            continue
        columns[column] = index
    mapped = MappedSheet(kind=kind, raw=raw, header_index=header_index, columns=columns, headers=headers,
                         month_columns=months if kind == "scorecard" else [])
    for column in spec.sheets[kind].required:
        if column not in columns:
            labels = spec.sheets[kind].column(column).labels
            also = f" (or {', '.join(repr(l) for l in labels[:3])})" if labels else ""
            problems.append(Problem(sheet=raw.name, row=excel_row, column=column, value="", file=file_name,
                message=f"The required column '{column}'{also} is missing from the header row."))
    if kind == "kpi" and "value" not in columns and not {"numerator", "denominator"} <= set(columns):
        problems.append(Problem(sheet=raw.name, row=excel_row, column="value", value="", file=file_name,
            message="The KPI sheet needs a 'value' column, or both 'numerator' and 'denominator'."))
    return mapped, problems


def _personal_reason(key: str) -> str | None:
    if key in _NOT_PERSONAL:
        return None
    for pattern, reason in _PERSONAL:
        if pattern.search(key):
            return reason
    return None


def expected_sheets() -> str:
    return ", ".join(contract.load().sheets)


def unrecognised_problem(file_name: str, raw: RawSheet) -> Problem:
    return Problem(sheet=raw.name, row=None, column="", value="", severity=WARNING, file=file_name,
        message=f"This sheet is not one the dashboard reads (expected {expected_sheets()}), so it is ignored.")


def no_sheet_problem(file_name: str, names: list[str]) -> Problem:
    found = ", ".join(repr(n) for n in names) or "none"
    return Problem(sheet="", row=None, column="", value="", severity=ERROR, file=file_name,
        message=f"No sheet in this file is one the dashboard reads. Sheets found: {found}. Sheets expected: {expected_sheets()} (named so, or with those column headers). Download the template for the layout.")
