"""Ofsted's ILACS overview -> one row per authority: its latest overall effectiveness, the
inspection's dates and framework.

The overview councils and regional groups keep (one row per authority, `la_code`, `ltla23cd`,
`overall_effectiveness_grade`, `inspection_start_date`, ...) is recognised by its columns, as
DfE's CSVs are, never by its file name: the columns and the grades' spellings are in the
catalogue (`[ofsted]`). Only the columns the catalogue names are read from the cells; the
inspectors' names, links and the rest of the row are never copied anywhere.

Checking the file needs no database (`read_overview`); which authority each row is needs what
the dashboard knows of authorities, so `match` runs in the loading process before anything is
written: a code that names no known authority refuses the file, naming its row and column.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from qa_dashboard import contract
from qa_dashboard.contract import squash
from qa_dashboard.ingest import normalise
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, shown
from qa_dashboard.ingest.read import RawSheet, column_letter
from qa_dashboard.ingest.results import DatasetSummary
from qa_dashboard.ingest.validate import Records

DATASET = "ofsted_ilacs"
TITLE = "Ofsted ILACS overview"
TABLE = "ofsted_rows"
COLUMNS = ("area_key", "la_code", "ons_code", "region_code", "local_authority", "overall_effectiveness",
           "framework", "inspection_start", "inspection_end", "published")
KEY = ("area_key",)
HEADER_SEARCH_ROWS = 10
_OLD_CODE = re.compile(r"\d{3}")
_ONS_CODE = re.compile(r"E\d{8}")
_DATES = ("inspection_start", "inspection_end", "published")
_TEXT = ("region_code", "local_authority")


@dataclass
class Found:
    """A sheet recognised as the ILACS overview: where its header is and which column is which."""

    raw: RawSheet
    header_index: int
    columns: dict[str, int]     # catalogue column -> index in the row
    headers: dict[str, str]     # catalogue column -> header as written


def _overview():
    return contract.load().ofsted


def find_overview(raw_sheets: list[RawSheet]) -> Found | None:
    """The first sheet whose header (in its first rows) has the overview's required columns and
    a code column; None when no sheet does."""
    spec = _overview()
    if spec is None:
        return None
    for raw in raw_sheets:
        for index, row in enumerate(raw.rows[:HEADER_SEARCH_ROWS]):
            columns: dict[str, int] = {}
            headers: dict[str, str] = {}
            for position, cell in enumerate(row):
                name = spec.column_lookup.get(squash(cell)) if isinstance(cell, str) else None
                if name and name not in columns:
                    columns[name], headers[name] = position, cell.strip()
            if all(c in columns for c in spec.required) and any(c in columns for c in spec.codes):
                return Found(raw, index, columns, headers)
    return None


def read_overview(file_name: str, found: Found) -> tuple[dict[str, Records], dict[str, DatasetSummary], list[Problem]]:
    """(records, summaries, problems) of the overview's rows: grades and dates read, codes
    checked for their form. Which authority a code is, `match` decides."""
    spec = _overview()
    raw, sheet = found.raw, found.raw.name
    problems: list[Problem] = []
    values: dict[str, list] = {name: [] for name in COLUMNS}
    origin: list[tuple[str, int]] = []

    def problem(row: int, column: str, value, message: str) -> None:
        problems.append(Problem(sheet=sheet, row=row, column=found.headers[column], value=shown(value),
                                message=message, file=file_name))

    def cell(row: list, column: str):
        position = found.columns.get(column)
        return row[position] if position is not None and position < len(row) else None

    for index in range(found.header_index + 1, len(raw.rows)):
        row = raw.rows[index]
        if not any(cell(row, c) not in (None, "") for c in found.columns):
            continue
        excel_row = raw.excel_row(index)
        record = {}
        la_code = normalise.text_value(cell(row, "la_code"))
        ons_code = normalise.text_value(cell(row, "ons_code"))
        if la_code is not None and not _OLD_CODE.fullmatch(la_code):
            problem(excel_row, "la_code", la_code, "An authority's code here is its old three-digit local-authority "
                                                   "code, e.g. 370.")
        if ons_code is not None:
            ons_code = ons_code.upper()
            if not _ONS_CODE.fullmatch(ons_code):
                problem(excel_row, "ons_code", ons_code, "An ONS code is E followed by eight digits, e.g. E08000016.")
        if la_code is None and ons_code is None:
            problem(excel_row, "la_code" if "la_code" in found.columns else "ons_code", "",
                    "This row has no authority code, so it cannot be placed: give its old three-digit code or its "
                    "ONS code.")
        record["la_code"], record["ons_code"] = la_code, ons_code
        record["area_key"] = la_code or ons_code
        written = cell(row, "overall_effectiveness")
        text = normalise.text_value(written) or ""
        grade = spec.grade_lookup.get(squash(text))
        if grade is None and squash(text) not in spec.no_grade:
            problem(excel_row, "overall_effectiveness", written,
                    f"{shown(written)!r} is not one of Ofsted's grades ({', '.join(spec.grade_labels)}); leave "
                    "the cell blank when the authority has no overall grade yet.")
        record["overall_effectiveness"] = grade.label if grade else None
        framework = normalise.text_value(cell(row, "framework"))
        if framework is not None and squash(framework) in spec.no_grade:
            framework = None
        record["framework"] = spec.frameworks.get(squash(framework), framework) if framework else None
        for column in _DATES:
            written = cell(row, column)
            value, message = normalise.date(written) if column in found.columns else (None, None)
            if message:
                problem(excel_row, column, written, f"{shown(written)!r} {message}.")
            record[column] = value
        for column in _TEXT:
            record[column] = normalise.text_value(cell(row, column))
        for name in COLUMNS:
            values[name].append(record[name])
        origin.append((sheet, excel_row))

    column = "la_code" if "la_code" in found.columns else "ons_code"
    problems += _repeated(file_name, sheet, found.headers[column], values["area_key"], origin)
    records = Records(DATASET, values, origin=origin)
    summary = DatasetSummary(dataset=TITLE, sheets=[sheet], rows_read=len(records))
    return {DATASET: records}, {DATASET: summary}, problems


def _repeated(file_name: str, sheet: str, header: str, keys: list, origin) -> list[Problem]:
    rows: dict[str, list[int]] = {}
    for key, (_, row) in zip(keys, origin):
        if key:
            rows.setdefault(key, []).append(row)
    return [Problem(sheet=sheet, row=listed[-1], column=header, value=key, file=file_name,
                    message=f"Rows {', '.join(map(str, listed))} are the same authority; keep one row per authority.")
            for key, listed in rows.items() if len(listed) > 1]


# ------------------------------------------------------------------------------ matching --
@dataclass(frozen=True)
class Known:
    """An authority the dashboard knows: its old code, every ONS code it has had, its name."""

    old_la_code: str
    ons_codes: tuple[str, ...]
    la_name: str | None


def known_in_batch(checks) -> list[Known]:
    """Authorities named by the DfE files of the same batch, so a first load of DfE's files and
    the overview together matches the overview against them."""
    from qa_dashboard.ingest import dfe

    codes: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for check in checks:
        for dataset in (dfe.STATISTICS_DATASET, dfe.NEIGHBOURS_DATASET):
            records = check.records.get(dataset)
            if records is None:
                continue
            columns = records.columns
            news = columns.get("new_la_code", [None] * len(records))
            for old, new, name in zip(columns["old_la_code"], news, columns["la_name"]):
                if old and _OLD_CODE.fullmatch(old):
                    codes.setdefault(old, set()).update({new} if new else set())
                    if name:
                        names.setdefault(old, name)
    return [Known(old, tuple(sorted(news)), names.get(old)) for old, news in codes.items()]


def match(check, known: list[Known]) -> None:
    """Name each row by the authority the dashboard knows (its old three-digit code), or refuse
    the row's code naming its row and column. `la_code` decides when given (an ONS code in the
    overview may be a county's before a split: Cumberland's row carries Cumbria's E10000006);
    the ONS code, any an authority has had, when not. With no authority known (no DfE file loaded
    yet) the codes are kept as written and a warning says so."""
    records = check.records.get(DATASET)
    if records is None:
        return
    sheet = check.datasets[DATASET].sheets[0]
    if not known:
        check.problems.append(Problem(sheet=sheet, row=None, column="", value="", severity=WARNING,
            file=check.file_name,
            message="No DfE published files are loaded, so the overview's codes could not be matched to "
                    "authorities; each row is kept under its old three-digit code. Load DfE's files (the "
                    "statistical-neighbour model at least) so the judgements show beside the figures."))
        return
    by_old = {k.old_la_code: k for k in known}
    by_ons: dict[str, list[Known]] = {}
    for k in known:
        for code in k.ons_codes:
            by_ons.setdefault(code, []).append(k)
    headers = check.ofsted["headers"]
    columns = records.columns
    for index, (la_code, ons_code) in enumerate(zip(columns["la_code"], columns["ons_code"])):
        _, row = records.origin[index]
        if la_code is not None:
            if not _OLD_CODE.fullmatch(la_code):
                continue  # refused already for its form
            if la_code not in by_old:
                check.problems.append(Problem(sheet=sheet, row=row, column=headers["la_code"], value=la_code,
                    file=check.file_name, message="No authority the dashboard knows (from DfE's files) has this "
                                                  "old three-digit code; check the code."))
        elif ons_code is not None and _ONS_CODE.fullmatch(ons_code):
            found = by_ons.get(ons_code, [])
            if len(found) != 1:
                check.problems.append(Problem(sheet=sheet, row=row, column=headers["ons_code"], value=ons_code,
                    file=check.file_name,
                    message=("No authority the dashboard knows (from DfE's files) has had this ONS code; check the "
                             "code, or give the old three-digit code.") if not found else
                            f"This ONS code belongs to {len(found)} authorities; give the old three-digit code."))
                continue
            columns["area_key"][index] = found[0].old_la_code
    if any(p.severity == ERROR for p in check.problems):
        return  # a row already refused may be the repeat; say what to fix first
    column = "la_code" if "la_code" in headers else "ons_code"
    check.problems.extend(_repeated(check.file_name, sheet, headers[column], columns["area_key"], records.origin))


def reading_problems(found: Found, problems: list[Problem]) -> list[Problem]:
    """Of the problems met while reading the cells (a formula with no saved value), those of the
    file as a whole and of the columns read, named by their headers; the rest of the row is not read."""
    letters = {column_letter(found.raw.first_col + position): found.headers[name]
               for name, position in found.columns.items()}
    return [p if not p.sheet else replace(p, column=letters[p.column], value="")
            for p in problems if not p.sheet or (p.sheet == found.raw.name and p.column in letters)]


def grade_counts(records: Records) -> dict[str, int]:
    """Authorities per grade in the file, best grade first, and those with no overall grade."""
    counted = Counter(records.columns["overall_effectiveness"])
    shown_counts = {label: counted.get(label, 0) for label in _overview().grade_labels}
    shown_counts["No overall grade"] = counted.get(None, 0)
    return shown_counts
