"""Which sheets are Annex A lists, where their header row is, and which column is which.

A sheet is a list by its name (`List 3`, `List_3`, `List 3 - Referrals`, `Referrals`,
`Sec47 and ICPC`) or, failing that, by its header columns; one not named `List N` must also
have an identifier column (a child's ID), or it is a summary, not a list. The header is the first row, among
the first 30, with at least two known column spellings: titles and notes above it are skipped.
The vocabulary lives in `qa_dashboard/contract/annex_a.toml`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache

from qa_dashboard import contract
from qa_dashboard.contract import squash
from qa_dashboard.ingest.read import RawSheet

VOCABULARY_FILE = contract.CATALOGUE_FILE.parent / "annex_a.toml"
_LIST_NAME = re.compile(r"^\s*list\s*[_\-.\s]?\s*(\d{1,2})(?!\d)", re.I)
_HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    names: frozenset[str]
    identified_by: tuple[str, ...]
    required: tuple[str, ...]
    children: bool

    @property
    def label(self) -> str:
        return f"List {self.number}"


@dataclass(frozen=True)
class Vocabulary:
    lists: dict[int, ListSpec]
    kinds: dict[str, str]            # column -> kind
    spellings: dict[str, str]        # squashed spelling -> column
    labels: dict[str, str]           # column -> the label Ofsted gives it
    cin_plan_statuses: frozenset[str]
    standards: dict[str, int]


@cache
def vocabulary() -> Vocabulary:
    raw = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    lists = {
        int(number): ListSpec(int(number), spec["title"], frozenset(squash(n) for n in spec["names"]),
                              tuple(spec["identified_by"]), tuple(spec["required"]), spec["children"])
        for number, spec in raw["lists"].items()
    }
    spellings: dict[str, str] = {}
    for column, spec in raw["columns"].items():
        for label in (column, *spec["labels"]):
            spellings.setdefault(squash(label), column)
    return Vocabulary(
        lists=lists,
        kinds={column: spec["kind"] for column, spec in raw["columns"].items()},
        spellings=spellings,
        labels={column: spec["labels"][0] for column, spec in raw["columns"].items()},
        cin_plan_statuses=frozenset(squash(s) for s in raw["cin_plan"]["statuses"]),
        standards=dict(raw["standards"]),
    )


@dataclass
class AnnexList:
    """One list as found in the file: its header and the data rows below it, unread."""

    spec: ListSpec
    raw: RawSheet
    header_index: int                       # index into raw.rows
    columns: dict[str, int] = field(default_factory=dict)   # column -> index in the row
    headers: dict[str, str] = field(default_factory=dict)   # column -> header as written

    @property
    def sheet(self) -> str:
        return self.raw.name

    def data_rows(self):
        """(excel row, cells) for every row below the header that is not blank."""
        for offset in range(self.header_index + 1, len(self.raw.rows)):
            row = self.raw.rows[offset]
            if any(row) or any(cell is not None and cell != "" for cell in row):  # 0 is content
                yield self.raw.excel_row(offset), row

    def header_of(self, column: str) -> str:
        return self.headers.get(column) or vocabulary().labels.get(column, column)

    def letter_to_header(self, letter: str) -> str:
        """The header above an Excel column letter, for problems found while reading."""
        from qa_dashboard.ingest.read import column_number

        index = column_number(letter) - self.raw.first_col
        row = self.raw.rows[self.header_index] if self.raw.rows else []
        return str(row[index]).strip() if 0 <= index < len(row) and row[index] not in ("", None) else letter


def number_from_name(name: str) -> int | None:
    known = vocabulary().lists
    match = _LIST_NAME.match(name)
    if match and int(match.group(1)) in known:
        return int(match.group(1))
    key = squash(name)
    for spec in known.values():
        if key in spec.names or squash(spec.title) == key:
            return spec.number
    return None


def _header(raw: RawSheet) -> tuple[int, dict[str, int], dict[str, str]] | None:
    spellings = vocabulary().spellings
    for index, row in enumerate(raw.rows[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for position, cell in enumerate(row):
            column = spellings.get(squash(cell)) if isinstance(cell, str) else None
            if column and column not in columns:
                columns[column], headers[column] = position, " ".join(cell.split())
        if len(columns) >= 2:
            return index, columns, headers
    return None


def find_list(raw: RawSheet) -> AnnexList | None:
    """The sheet as an Annex A list, or None when it is not one."""
    header = _header(raw)
    if header is None:
        return None
    index, columns, headers = header
    if _LIST_NAME.match(raw.name) and number_from_name(raw.name) is not None:
        return AnnexList(vocabulary().lists[number_from_name(raw.name)], raw, index, columns, headers)
    # Known by a title ("Referrals") or by its columns: a list is child by child, so without an
    # identifier column the sheet is a summary (a KPI workbook's "Referrals summary"), not a list.
    if not any(vocabulary().kinds.get(column) == "id" for column in columns):
        return None
    number = number_from_name(raw.name)
    if number is None:
        candidates = [spec for spec in vocabulary().lists.values()
                      if spec.identified_by and all(c in columns for c in spec.identified_by)]
        if not candidates:
            return None
        number = max(candidates, key=lambda spec: len(spec.identified_by)).number
    return AnnexList(vocabulary().lists[number], raw, index, columns, headers)


def find_lists(raw_sheets: list[RawSheet]) -> list[AnnexList]:
    return [found for found in map(find_list, raw_sheets) if found is not None]
