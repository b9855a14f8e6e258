"""Read the cells an indicator needs from each list, check them, and count what is wrong.

Refusals (errors) and warnings are `Problem`s naming file, list (sheet), Excel row and column and
what was expected, never the cell's value: in a row shifted by one column the "date" is a
child's ID or a worker's name, so no column of a list is safe to show. Each problem also counts
towards the data-quality table (list, problem, team), which holds counts only.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from qa_dashboard import contract, plain_text
from qa_dashboard.contract import squash
from qa_dashboard.ingest.annex_a import cells
from qa_dashboard.ingest.annex_a.lists import AnnexList, vocabulary
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem

_LISTED_PER_COLUMN = 10   # problems of one kind listed one by one in a column; the rest summed up
_DATES = (dt.date, dt.datetime)
_SLOW = object()
_TEXT_MEMO: dict[str, str | None] = {}
_READ = {"id": cells.read_id, "text": cells.read_text, "number": cells.read_number}
REFUSED_ROW_TEAM = "(not shown: the row is refused)"


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
        if name not in self.values:  # a column the list does not have: blank throughout
            self.values[name] = [None] * len(self.excel_rows)
        return self.values[name]

    def team(self, index: int) -> str | None:
        return self.values["team"][index] if "team" in self.values else None


@dataclass
class Findings:
    """Problems for the officer and counts for the data-quality table."""

    file_name: str
    problems: list[Problem] = field(default_factory=list)
    quality: Counter = field(default_factory=Counter)   # (list, problem, team) -> rows
    _listed: Counter = field(default_factory=Counter)
    _refused_rows: set = field(default_factory=set)      # (list, excel row) with a refused cell
    _pending: list = field(default_factory=list)         # (list, problem, team, excel row) until the list is read

    def count(self, rows: ListRows, excel_row: int, problem: str, team: str | None) -> None:
        """A row with a recording problem, for the data-quality table once the list is read."""
        self._pending.append((rows.label, problem, team, excel_row))

    def settle(self, rows: ListRows) -> None:
        """The list read: a row with a refused cell may be shifted a column, so what stands in its
        team column may be a worker's name or a postcode. Its team is not used or shown."""
        for label, problem, team, excel_row in self._pending:
            refused = (label, excel_row) in self._refused_rows
            self.quality[(label, problem, REFUSED_ROW_TEAM if refused else team or "")] += 1
        self._pending.clear()
        if "team" in rows.values:
            teams = rows.values["team"]
            for i, excel_row in enumerate(rows.excel_rows):
                if (rows.label, excel_row) in self._refused_rows:
                    teams[i] = None
    teams: dict[str, str] = field(default_factory=dict)  # the teams list loaded, squashed -> as written; {} = none

    def recorded_team(self, team: str | None) -> str | None:
        """The team as the authority's teams list spells it; None ("not recorded") for a value the
        list does not have, which may be a worker's name typed in "Allocated Team", and for one
        named as the whole authority is. With no teams list loaded, the team as written."""
        words = contract.load()
        if team is None or len(team) > words.longest_name or \
                contract.squash_folded(team) == contract.squash_folded(words.whole_authority):
            return None  # a name longer than any team's (the catalogue's cap) is not one either
        return self.teams.get(squash(team)) if self.teams else team

    def cell(self, rows: ListRows, index_or_row: int, column: str, message: str, value=None,
             severity: str = ERROR, problem: str | None = None, team: str | None = None) -> None:
        source = rows.source
        if severity == ERROR:
            self._refused_rows.add((rows.label, index_or_row))
        if problem:
            self.count(rows, index_or_row, problem, team)
        place = (source.sheet, column, message, severity)
        self._listed[place] += 1
        if self._listed[place] > _LISTED_PER_COLUMN:
            return
        self.problems.append(Problem(  # never the value: see the module's docstring
            sheet=source.sheet, row=index_or_row, column=source.header_of(column),
            value="", message=message, severity=severity, file=self.file_name))

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
    rows = ListRows(source)
    kept, duplicates = _without_duplicates(source, rows, findings)
    teams = [_team_of(row, source) for _, row in kept]
    recorded = {team: findings.recorded_team(team) for team in set(teams)}
    teams = [recorded[team] for team in teams]
    errors_at = {(note.row, note.column) for note in source.raw.error_cells}
    for column, position in wanted.items():
        values = [row[position] if position < len(row) else None for _, row in kept]
        if errors_at:  # Excel error cells, which calamine reads as blank
            letter_col = source.raw.first_col + position
            values = ["#N/A" if (r, letter_col) in errors_at else v for (r, _), v in zip(kept, values)]
        rows.values[column] = _read_column(rows, column, values, teams, as_at, findings)
    if "team" in wanted:
        _recorded_teams(rows, [row[wanted["team"]] if wanted["team"] < len(row) else None for _, row in kept], findings)
    findings.settle(rows)
    if duplicates:
        findings.sheet(source, f"{duplicates:,} exact duplicate rows were dropped; {len(rows.excel_rows):,} "
                               f"of {rows.rows_read:,} rows used.")
    return rows


def _recorded_teams(rows: ListRows, cells_as_read: list, findings: Findings) -> None:
    """"Allocated Team" as the figures take it: a name cleaned of control and bidirectional
    characters (each cell named in a warning), and "not recorded" when the teams list loaded does
    not have it. Nothing here quotes the cell: the column may hold workers' names."""
    header = rows.source.header_of("team")
    found = {cell: plain_text.clean_name(cell)[1] for cell in set(cells_as_read) if cell.__class__ is str}
    for excel_row, cell in zip(rows.excel_rows, cells_as_read):
        if found.get(cell):  # the cell is named, never quoted
            findings.cell(rows, excel_row, "team", f"held {plain_text.describe_characters(found[cell])}, which the "
                          "dashboard removes from a team's name.", severity=WARNING)
    as_read = rows.values["team"]
    recorded = {team: findings.recorded_team(team) for team in set(as_read)}  # a few teams, thousands of rows
    rows.values["team"] = [recorded[team] for team in as_read]
    unknown = sum(1 for before, after in zip(as_read, rows.values["team"]) if before is not None and after is None)
    if unknown:
        longest = contract.load().longest_name
        why = (f"is not in the teams list loaded (or names the whole authority, or is over {longest:,} characters)"
               if findings.teams else f"names the whole authority or is over {longest:,} characters long")
        findings.sheet(rows.source, f"{unknown:,} rows give an {header!r} that {why}: they count for the whole "
                       "authority only, under team not recorded. Load the teams sheet with every team, or correct "
                       "the case system's team names.", column=header)


def _without_duplicates(source: AnnexList, rows: ListRows, findings: Findings) -> tuple[list, int]:
    """The rows below the header, an exact duplicate of an earlier row dropped (and counted)."""
    seen: dict[tuple, int] = {}
    kept, duplicates = [], 0
    for excel_row, cells_in_row in source.data_rows():
        fingerprint = tuple(cells_in_row)
        if fingerprint in seen:  # counted as its first copy's row, refused with it if it is
            duplicates += 1
            findings.count(rows, seen[fingerprint], "exact duplicate row",
                           findings.recorded_team(_team_of(cells_in_row, source)))
            continue
        seen[fingerprint] = excel_row
        kept.append((excel_row, cells_in_row))
    rows.rows_read = len(kept) + duplicates
    rows.excel_rows = [excel_row for excel_row, _ in kept]
    return kept, duplicates


def _read_column(rows: ListRows, column: str, values: list, teams: list, as_at: dt.date, findings: Findings) -> list:
    """A column's cells read: the usual types in one pass, the rest one by one with their checks."""
    kind, earliest = vocabulary().kinds[column], cells.EARLIEST
    if kind == "date":
        read = [v if type(v) is dt.date and earliest <= v <= as_at else _SLOW for v in values]
    elif kind == "id":
        read = [str(int(v)) if type(v) is float and v.is_integer() else _SLOW for v in values]
    elif kind == "text":
        read = [_TEXT_MEMO.get(v, _SLOW) if type(v) is str else _SLOW for v in values]
    else:
        read = [_SLOW] * len(values)
    for i, value in enumerate(read):
        if value is _SLOW:
            read[i] = _read_cell(rows, rows.excel_rows[i], column, values[i], as_at, teams[i], findings)
    return read


def _team_of(row: list, source: AnnexList) -> str | None:
    position = source.columns.get("team")
    return _memo_text(row[position]) if position is not None and position < len(row) else None


def _memo_text(value) -> str | None:
    if value in _TEXT_MEMO:
        return _TEXT_MEMO[value]
    read = cells.read_text(value)
    if len(_TEXT_MEMO) < 10_000 and isinstance(value, str):
        _TEXT_MEMO[value] = read  # team names and coded answers repeat row after row
    return read


def _fast(kind: str, value):
    """The cell as read when it is of the usual type, else _SLOW: this runs for every cell."""
    kind_of_value = type(value)
    if kind_of_value is float:
        if kind == "number":
            return value
        if value.is_integer() and value >= 0 and kind in ("id", "count"):
            return str(int(value)) if kind == "id" else int(value)
    elif kind_of_value is str and kind == "text":
        return _memo_text(value)
    return _SLOW


def _read_cell(rows: ListRows, excel_row: int, column: str, value, as_at: dt.date, team, findings: Findings):
    kind = vocabulary().kinds[column]
    if kind == "date" and type(value) in _DATES:
        day = value.date() if type(value) is dt.datetime else value
        if cells.EARLIEST <= day <= as_at:
            return day  # the common case, read without the checks below
    elif (read := _fast(kind, value)) is not _SLOW:
        return read
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
                return None  # refused: it counts towards no month, covered or not
            return read
        if kind == "yesno":
            answer = cells.read_yes_no(value)
            if answer is None and not cells.is_blank(value):
                findings.count(rows, excel_row, "unknown answer", team)
            return answer if answer is not None else (None if cells.is_blank(value) else "unknown")
        if kind == "count":
            return cells.read_count(value)
        return _READ[kind](value)
    except cells.CellError as error:
        if kind == "count":
            findings.count(rows, excel_row, "unreadable number", team)
            return None
        findings.cell(rows, excel_row, column, f"{error}.", value=value, problem="unreadable date", team=team)
        return None
