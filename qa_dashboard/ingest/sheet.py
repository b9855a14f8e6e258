"""The normalise step for one recognised sheet: every column typed as the contract says
(by the cell parsers of `normalise`), and everything else that turns what was typed into one
form. A cell Excel shows as 83% becomes 83 in a percent indicator; a value left blank beside its
numerator and denominator is worked out from them; blanks take the contract's defaults and
derived columns (a feedback answer's sentiment) are filled; a scorecard's month columns become
one record per indicator and month.

It reports only what it cannot read (a cell that is no date, an indicator not in the catalogue);
the rules about readable values are `validate`'s, which takes the `Sheet` this returns.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import zip_longest

from qa_dashboard import contract, plain_text
from qa_dashboard.contract import UNIT_SCALE, squash
from qa_dashboard.ingest.normalise import has_percent_sign, parse_column, sentiment
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, shown
from qa_dashboard.ingest.recognise import MappedSheet


_CLEANED_LISTED = 10  # distinct cells of one column named one by one when cleaned at the door; the rest counted


@dataclass
class CustomIndicator:
    code: str
    label: str
    unit: str
    polarity: str


@dataclass
class Sheet:
    """A recognised sheet as typed values, one list per contract column with one entry per
    record, and where each record came from, so a problem can name the row, the column as
    headed and the cell as written. For a scorecard a record is one indicator and month."""

    file: str
    mapped: MappedSheet
    today: dt.date
    rows: list[list]                                  # the data rows as read, blank ones dropped
    row_numbers: list[int]                            # their Excel row numbers
    values: dict[str, list] = field(default_factory=dict)
    record_rows: list[int] = field(default_factory=list)
    origin: list[tuple] = field(default_factory=list)
    value_refs: list[str] = field(default_factory=list)   # KPI: the header over each value
    raw_values: list = field(default_factory=list)        # KPI: each value as written
    custom_indicators: dict[str, CustomIndicator] = field(default_factory=dict)
    future_months: list[int] = field(default_factory=list)  # scorecard month columns after today holding figures
    _columns: list | None = field(default=None, repr=False)  # `raw_column`'s rows as columns, made once a sheet
    _cleaned: set = field(default_factory=set, repr=False)  # the columns `raw_column` has cleaned at the door
    unnamed_rows: list[int] = field(default_factory=list)   # scorecard rows with figures but no indicator
    problems: list[Problem] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.mapped.kind

    def problem(self, row: int | None, column: str, value: object, message: str, severity: str = ERROR) -> None:
        self.problems.append(Problem(sheet=self.mapped.name, row=row, column=column, value=shown(value),
                                     message=message, severity=severity, file=self.file))

    def raw_column(self, index: int | None) -> list:
        """The cells of one column as read, blank-padded; all None when the sheet lacks it."""
        if index is None:
            return [None] * len(self.rows)
        if self._columns is None:  # the rows turned into columns once, for normalising and validating
            self._columns = list(zip_longest(*self.rows, fillvalue=""))
        if index >= len(self._columns):
            return [""] * len(self.rows)
        if index not in self._cleaned:
            self._columns[index] = self._clean_at_the_door(index, self._columns[index])
            self._cleaned.add(index)
        return list(self._columns[index])

    def _clean_at_the_door(self, index: int, cells: tuple) -> tuple:
        """A column's text without control and bidirectional characters (line breaks kept in free
        text), each distinct cell that lost one named in a warning: see `plain_text`."""
        free = index in self._free_text_columns()
        if not plain_text.may_need_cleaning(_joined(cells), free):
            return cells  # the common case: one pass over the column's text, nothing found
        clean = plain_text.clean_free_text if free else plain_text.clean_name
        cleaned: dict[str, str] = {}
        rows_of: dict[str, list[int]] = {}
        for i, cell in enumerate(cells):
            if cell.__class__ is not str:
                continue
            if cell not in cleaned:
                cleaned[cell], found = clean(cell)
                if found:
                    rows_of[cell] = [found]
            if cell in rows_of:
                rows_of[cell].append(self.row_numbers[i])
        header = self.mapped.column_ref(index)
        what = "text" if free else "a name"
        for cell, (found, first, *more) in list(rows_of.items())[:_CLEANED_LISTED]:
            others = f" The same cell is in {len(more):,} more row{'s' if len(more) != 1 else ''} of this column." if more else ""
            self.problem(first, header, cleaned[cell],
                         f"The cell held {plain_text.describe_characters(found)}, which the dashboard removes from "
                         f"{what} (it could stop the board pack being drawn, or turn the figures printed beside it "
                         f"round): it is loaded as the value shown. Correct the file to match.{others}", WARNING)
        if len(rows_of) > _CLEANED_LISTED:
            rest = sum(len(rows) - 1 for rows in list(rows_of.values())[_CLEANED_LISTED:])
            self.problem(None, header, "", f"{rest:,} more cells of this column held such characters and were "
                         "cleaned the same way.", WARNING)
        return tuple(cleaned.get(c, c) if c.__class__ is str else c for c in cells)

    def _free_text_columns(self) -> set[int]:
        spec = contract.load().sheets[self.kind]
        return {self.mapped.columns[c.name] for c in spec.columns if c.free_text and c.name in self.mapped.columns}

    def raw(self, column: str) -> list:
        return self.raw_column(self.mapped.columns.get(column))

    def parse(self, column: contract.Column) -> list:
        """Type one contract column (None everywhere when the sheet lacks it), reporting unreadable cells."""
        index = self.mapped.columns.get(column.name)
        if index is None:
            return [None] * len(self.rows)
        raw = self.raw_column(index)
        values, bad = parse_column(column.kind, raw)
        header = self.mapped.header_of(column.name)
        for i, message in bad.items():
            self.problem(self.row_numbers[i], header, raw[i], f"'{shown(raw[i])}' {message}.")
        if column.kind == "text" and not column.free_text:
            self._refuse_long_names(raw, header, column.longest or contract.load().longest_name)
        return values

    def _refuse_long_names(self, raw: list, header: str, longest: int) -> None:
        """A name longer than the catalogue's cap (`[names] longest`, or the column's own `longest`)
        is refused (nothing is loaded): one loaded silently made every pack that drew it many
        times slower."""
        for i, cell in enumerate(raw):
            if cell.__class__ is str and len(cell) > longest:
                self.problem(self.row_numbers[i], header, cell,
                             f"The name is {len(cell):,} characters long; a name may be at most {longest:,}. "
                             "Shorten it in the file and upload it again.")


def _joined(cells: tuple) -> str:
    """A column's text cells as one string (a column of text alone is joined at once)."""
    try:
        return "".join(cells)
    except TypeError:
        return "".join([c for c in cells if c.__class__ is str])


def _data_rows(mapped: MappedSheet) -> tuple[list[list], list[int]]:
    raw, rows, numbers = mapped.raw, [], []
    for offset in range(mapped.header_index + 1, len(raw.rows)):
        row = raw.rows[offset]
        first = row[0] if row else None
        if (first == "" or first is None) and row.count("") + row.count(None) == len(row):
            continue  # a blank row between blocks of figures
        rows.append(row)
        numbers.append(raw.excel_row(offset))
    return rows, numbers


def normalise_sheet(file_name: str, mapped: MappedSheet, today: dt.date | None = None) -> Sheet:
    """Every column of a recognised sheet typed as the contract says; see the module docstring."""
    rows, numbers = _data_rows(mapped)
    sheet = Sheet(file_name, mapped, today or dt.date.today(), rows, numbers)
    _normalise(sheet)
    return sheet


def _normalise(sheet: Sheet) -> None:
    mapped, numbers = sheet.mapped, sheet.row_numbers
    spec = contract.load().sheets[mapped.kind]
    sheet.values = {column.name: sheet.parse(column) for column in spec.columns}
    if mapped.kind == "scorecard":
        _unpivot(sheet)
        return
    sheet.record_rows = list(numbers)
    sheet.origin = [(mapped.name, r) for r in numbers]
    if mapped.kind == "kpi":
        _kpi(sheet)
    for column in spec.columns:
        if column.default is not None:
            sheet.values[column.name] = [column.default if v is None else v for v in sheet.values[column.name]]
    if mapped.kind == "audits":
        _implied_moderation(sheet.values)
    for column in spec.derived:
        sheet.values[column.name] = _DERIVED[column.kind](sheet.values)


def _implied_moderation(values: dict) -> None:
    """An audit with a grade before moderation was moderated (a "no" beside one stays, for validate)."""
    values["moderated"] = [True if original is not None and moderated is None else moderated
                           for original, moderated in zip(values["original_overall"], values["moderated"])]


def _sentiments(values: dict) -> list:
    """Each answer's sentiment; a question asked and not answered is excluded, counted beside the share."""
    return [sentiment(answer) if answer is not None else ("excluded" if question is not None else None)
            for question, answer in zip(values["question"], values["answer"])]


_DERIVED = {"sentiment": _sentiments}


# ------------------------------------------------------------------------------ KPI --
def _indicator_codes(sheet: Sheet, names: list, units: list, polarities: list, percent_signs: list) -> list:
    """Catalogue codes for the names as written; an unknown name becomes a custom indicator."""
    lookup = contract.indicator_lookup()
    found = {name: lookup.get(squash(name)) for name in set(names) if name is not None}
    codes = []
    for i, name in enumerate(names):
        if name is None or found[name]:
            codes.append(found[name].code if name is not None else None)
            continue
        code = "custom_" + re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")
        codes.append(code)
        if code in sheet.custom_indicators:
            continue
        percent = "%" in name or "percent" in name.lower() or percent_signs[i]
        sheet.custom_indicators[code] = CustomIndicator(code, name, units[i] or ("%" if percent else "number"),
                                                        polarities[i] or "unknown")
        direction = "" if polarities[i] else " Add a polarity (higher, lower or neutral) so the dashboard knows which way is better."
        sheet.problem(sheet.row_numbers[i], sheet.mapped.header_of("indicator"), name,
                      f"'{name}' is not in the indicator catalogue, so it will be loaded as a custom indicator. If it is one of ours, use its catalogue name (see the template's README sheet).{direction}", WARNING)
    return codes


def unit_of(sheet: Sheet, code: str | None) -> str:
    indicator = contract.load().indicator(code) if code else None
    indicator = indicator or sheet.custom_indicators.get(code)
    return indicator.unit if indicator else "number"


def _percent_flags(sheet: Sheet, column_index: int | None, rows: list[int]) -> list[bool]:
    """Which cells Excel stores as a fraction shown as a percentage (0.83 shown as 83%)."""
    cells = sheet.mapped.raw.percent_cells
    if column_index is None or not cells:
        return [False] * len(rows)
    col = sheet.mapped.raw.first_col + column_index
    return [(r, col) in cells for r in rows]


def _as_percent(values: list, flags: list[bool], units: list[str]) -> None:
    for i, flag in enumerate(flags):
        if flag and units[i] == "%" and values[i] is not None:
            values[i] *= 100


def _comparator_columns() -> tuple[str, ...]:
    return tuple(c.column for c in contract.load().comparators)


def _kpi(sheet: Sheet) -> None:
    m, values = sheet.mapped, sheet.values
    sheet.raw_values = sheet.raw("value")
    sheet.value_refs = [m.header_of("value")] * len(sheet.rows)
    values["indicator"] = _indicator_codes(sheet, values["indicator"], values["unit"], values["polarity"],
                                           [has_percent_sign(v) for v in sheet.raw_values])
    unit_by_code = {code: unit_of(sheet, code) for code in set(values["indicator"])}
    units = [unit_by_code[code] for code in values["indicator"]]
    for name in ("value", *_comparator_columns()):
        _as_percent(values[name], _percent_flags(sheet, m.columns.get(name), sheet.row_numbers), units)
    _value_from_fraction(values, units)


def _value_from_fraction(values: dict, units: list[str]) -> None:
    """A blank value beside a numerator and a denominator above zero is their quotient, in the unit's scale."""
    for i, (value, numerator, denominator) in enumerate(zip(values["value"], values["numerator"], values["denominator"])):
        if value is None and numerator is not None and denominator is not None and denominator > 0:
            values["value"][i] = numerator / denominator * UNIT_SCALE.get(units[i], 1.0)


def _has_figures(row: list, month_columns: list) -> bool:
    return any(row[j] not in ("", None) for j, _ in month_columns if j < len(row))


def _unpivot(sheet: Sheet) -> None:
    """The wide layout's rows, one record per indicator row and month column with a figure."""
    m, wide = sheet.mapped, sheet.values
    percent_signs = [any(has_percent_sign(row[j]) for j, _ in m.month_columns if j < len(row)) for row in sheet.rows]
    codes = _indicator_codes(sheet, wide["indicator"], wide["unit"], wide["polarity"], percent_signs)
    units = [unit_of(sheet, code) for code in codes]
    for name in _comparator_columns():
        _as_percent(wide[name], _percent_flags(sheet, m.columns.get(name), sheet.row_numbers), units)
    blank = [None] * len(sheet.rows)
    per_row = {name: wide.get(name, blank) for name in contract.load().stored_columns("kpi")}
    long = {name: [] for name in per_row}
    percent, long_units = [], []
    for j, period in m.month_columns:
        cells = sheet.raw_column(j)
        values, bad = parse_column("number", cells)
        if period > sheet.today.replace(day=1):
            if any(v is not None for v in values) or bad:
                sheet.future_months.append(j)  # a blank future month is the rest of the year still to come
            continue
        for i, raw in enumerate(cells):
            if i in bad:
                sheet.problem(sheet.row_numbers[i], m.column_ref(j), raw, f"'{shown(raw)}' {bad[i]}.")
            if i in bad or values[i] is None or codes[i] is None:
                continue  # a blank month is missing, never zero: no record at all
            record = {name: column[i] for name, column in per_row.items()} | {
                "period": period, "indicator": codes[i], "value": values[i]}
            for name, value in record.items():
                long[name].append(value)
            sheet.record_rows.append(sheet.row_numbers[i])
            sheet.value_refs.append(m.column_ref(j))
            sheet.raw_values.append(raw)
            percent.append((sheet.row_numbers[i], m.raw.first_col + j) in m.raw.percent_cells)
            long_units.append(units[i])
    sheet.unnamed_rows = [sheet.row_numbers[i] for i, code in enumerate(codes)
                          if code is None and _has_figures(sheet.rows[i], m.month_columns)]
    _as_percent(long["value"], percent, long_units)
    sheet.values = long
    sheet.origin = [(m.name, r, ref) for r, ref in zip(sheet.record_rows, sheet.value_refs)]
