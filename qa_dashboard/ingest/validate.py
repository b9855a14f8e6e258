"""Recognised sheets -> normalised records, with every problem found on the way.

Each rule adds a Problem naming the sheet, the Excel row, the column as headed in the file and
the value as written; nothing stops at the first bad cell, so an officer fixes a file in one go.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from qa_dashboard import contract
from qa_dashboard.contract import UNIT_SCALE, squash
from qa_dashboard.ingest import normalise
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, shown
from qa_dashboard.ingest.recognise import MappedSheet

# Columns stored per dataset, in table order (the load writes exactly these).
DATASET_COLUMNS = {
    "kpi": ["period", "indicator", "team", "breakdown", "value", "numerator", "denominator", "target",
            "stat_neighbours", "region", "england", "commentary"],
    "audits": ["audit_id", "audit_date", "team", "service_area", "audit_type", "overall", "original_overall",
               "moderated", "actions_agreed", "actions_completed", "theme_strengths", "theme_development",
               *(p.code for p in contract.load().practice_areas), "practice_areas_in_file"],
    "workforce": ["period", "team", "service_area", "social_worker_fte", "agency_fte", "vacancy_fte", "nqsw_fte",
                  "children_allocated", "caseload_target", "starters", "leavers", "children_open_6m",
                  "same_worker_6m", "children_open_12m", "same_worker_12m"],
    "feedback": ["response_date", "respondent", "service_area", "team", "source", "response_id", "question",
                 "answer", "sentiment", "comment", "theme"],
    "teams": ["team", "service_area", "caseload_target", "active"],
    "actions": ["action_id", "title", "owner", "due_date", "status", "rag", "source", "updated"],
}


@dataclass
class CustomIndicator:
    code: str
    label: str
    unit: str
    polarity: str


@dataclass
class Records:
    """Normalised rows of one dataset from one file, with where each came from."""

    dataset: str
    columns: dict[str, list] = field(default_factory=dict)
    # (sheet, excel row) or, for a scorecard's unpivoted figure, (sheet, excel row, month header)
    origin: list[tuple] = field(default_factory=list)
    custom_indicators: dict[str, CustomIndicator] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.origin)

    def extend(self, other: "Records") -> None:
        for name in DATASET_COLUMNS[self.dataset]:
            self.columns.setdefault(name, []).extend(other.columns[name])
        self.origin.extend(other.origin)
        for code, custom in other.custom_indicators.items():
            self.custom_indicators.setdefault(code, custom)


def dataset_of(kind: str) -> str:
    return "kpi" if kind == "scorecard" else kind


class _Sheet:
    """Helper carrying one sheet's data rows and the problem list."""

    def __init__(self, file_name: str, mapped: MappedSheet, today: dt.date):
        self.file = file_name
        self.mapped = mapped
        self.today = today
        self.problems: list[Problem] = []
        raw = mapped.raw
        self.rows: list[list] = []
        self.excel_rows: list[int] = []
        width = max((len(r) for r in raw.rows), default=0)
        for offset in range(mapped.header_index + 1, len(raw.rows)):
            row = raw.rows[offset]
            if not any(row) and row.count("") + row.count(None) == len(row):
                continue  # a blank row between blocks of figures
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            self.rows.append(row)
            self.excel_rows.append(raw.excel_row(offset))
        self._columns = list(zip(*self.rows)) if self.rows else []

    def problem(self, row: int | None, column: str, value: object, message: str, severity: str = ERROR) -> None:
        self.problems.append(Problem(sheet=self.mapped.name, row=row, column=column, value=shown(value),
                                     message=message, severity=severity, file=self.file))

    def raw_column(self, index: int | None) -> list:
        if index is None or index >= len(self._columns):
            return [None] * len(self.rows)
        return list(self._columns[index])

    def parse(self, column: str, kind: str | None = None) -> list:
        """Parse a contract column (None everywhere when the sheet lacks it), reporting bad cells."""
        spec = contract.load().sheets[self.mapped.kind]
        kind = kind or next((c.kind for c in spec.columns if c.name == column), "text")
        index = self.mapped.columns.get(column)
        if index is None:
            return [None] * len(self.rows)  # an optional column the sheet does not have
        raw = self.raw_column(index)
        values, bad = normalise.parse_column(kind, raw)
        header = self.mapped.header_of(column)
        for i, message in bad.items():
            self.problem(self.excel_rows[i], header, raw[i], f"'{shown(raw[i])}' {message}.")
        return values

    def require(self, column: str, values: list, raw: list | None = None) -> None:
        header = self.mapped.header_of(column)
        raw = raw if raw is not None else self.raw_column(self.mapped.columns.get(column))
        for i, value in enumerate(values):
            if value is None and normalise.missing(raw[i]):
                self.problem(self.excel_rows[i], header, raw[i], f"'{column}' is blank: every row needs one.")

    def not_future(self, column: str, values: list, monthly: bool) -> None:
        limit = self.today.replace(day=1) if monthly else self.today
        header = self.mapped.header_of(column)
        for i, value in enumerate(values):
            if value is not None and value > limit:
                what = "month" if monthly else "date"
                self.problem(self.excel_rows[i], header, value, f"The {what} {value:%d/%m/%Y} is in the future (today is {self.today:%d/%m/%Y}). Check the year.")


def validate(file_name: str, mapped: MappedSheet, today: dt.date | None = None) -> tuple[Records, list[Problem]]:
    today = today or dt.date.today()
    sheet = _Sheet(file_name, mapped, today)
    builder = {"kpi": _kpi, "scorecard": _scorecard, "audits": _audits, "workforce": _workforce,
               "feedback": _feedback, "teams": _teams, "actions": _actions}[mapped.kind]
    records = builder(sheet)
    if mapped.kind != "scorecard":  # the scorecard's long rows carry their own origins
        records.origin = [(mapped.name, r) for r in sheet.excel_rows]
    return records, sheet.problems


# ------------------------------------------------------------------------------------ KPI --
def _indicator_codes(sheet: _Sheet, raw_names: list, rows: list[int], header: str,
                     units: list, polarities: list, percent_signs: list) -> tuple[list, dict]:
    lookup = contract.indicator_lookup()
    codes, custom = [], {}
    warned = set()
    known: dict = {}
    for name in set(raw_names):
        text = normalise.text_value(name)
        found = lookup.get(squash(text)) if text is not None else None
        if text is None or found:
            known[name] = found.code if found else None
    for i, name in enumerate(raw_names):
        if name in known:
            codes.append(known[name])
            continue
        text = normalise.text_value(name)
        code = "custom_" + re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
        codes.append(code)
        if code not in custom:
            unit = units[i] or ("%" if ("%" in text or "percent" in text.lower() or percent_signs[i]) else "number")
            custom[code] = CustomIndicator(code, text, unit, polarities[i] or "unknown")
        if code not in warned:
            warned.add(code)
            direction = "" if polarities[i] else " Add a polarity (higher, lower or neutral) so the dashboard knows which way is better."
            sheet.problem(rows[i], header, text, f"'{text}' is not in the indicator catalogue, so it will be loaded as a custom indicator. If it is one of ours, use its catalogue name (see the template's README sheet).{direction}", WARNING)
    return codes, custom


def _kpi_rules(sheet: _Sheet, cols: dict, rows: list[int], value_refs: list[str], raw_values: list,
               percent_cells: list[bool], custom: dict) -> None:
    """Units, percentages, numerator/denominator agreement and the blank-value rule, in place."""
    catalogue = {i.code: i for i in contract.load().indicators}
    for i, code in enumerate(cols["indicator"]):
        if code is None:
            continue
        indicator = catalogue.get(code) or custom.get(code)
        unit = indicator.unit if indicator else "number"
        if unit == "%" and percent_cells[i]:
            for name in ("value",):
                if cols[name][i] is not None:
                    cols[name][i] = cols[name][i] * 100
        value, numerator, denominator = cols["value"][i], cols["numerator"][i], cols["denominator"][i]
        if numerator is not None or denominator is not None:
            if numerator is None or denominator is None:
                sheet.problem(rows[i], "numerator" if numerator is None else "denominator", "", "Give both the numerator and the denominator, or neither.")
                continue
            if denominator <= 0:
                sheet.problem(rows[i], sheet.mapped.header_of("denominator"), denominator, "The denominator must be above zero.")
                continue
            computed = numerator / denominator * UNIT_SCALE.get(unit, 1.0)
            if value is None:
                cols["value"][i] = value = computed
            elif abs(value - computed) > 0.5:
                sheet.problem(rows[i], value_refs[i], raw_values[i],
                    f"The value {value:g} disagrees with numerator / denominator ({numerator:g} / {denominator:g} = {computed:.1f}). Correct one of them.")
                continue
        if value is None:
            sheet.problem(rows[i], value_refs[i], raw_values[i], "The value is blank: give the figure (or the numerator and denominator), or delete the row.")
            continue
        if value < 0 and unit in ("%", "rate10k", "count", "days"):
            sheet.problem(rows[i], value_refs[i], raw_values[i], f"A {indicator.label if indicator else code} figure cannot be negative.")
        elif unit == "%" and value > 100:
            sheet.problem(rows[i], value_refs[i], raw_values[i], f"{value:g}% is above 100%: give the percentage (0-100).")
        if numerator is not None and unit == "%" and numerator > denominator:
            sheet.problem(rows[i], sheet.mapped.header_of("numerator"), numerator, "The numerator is larger than the denominator, which a percentage cannot be.")


def _percent_flags(sheet: _Sheet, column_index: int | None) -> list[bool]:
    cells = sheet.mapped.raw.percent_cells
    if column_index is None or not cells:
        return [False] * len(sheet.rows)
    col = sheet.mapped.raw.first_col + column_index
    return [(r, col) in cells for r in sheet.excel_rows]


def _scale_comparators(sheet: _Sheet, cols: dict, codes: list, custom: dict, flags_by_column: dict) -> None:
    catalogue = {i.code: i for i in contract.load().indicators}
    for name, flags in flags_by_column.items():
        for i, flag in enumerate(flags):
            indicator = catalogue.get(codes[i]) or custom.get(codes[i])
            if flag and indicator and indicator.unit == "%" and cols[name][i] is not None:
                cols[name][i] *= 100


def _kpi(sheet: _Sheet) -> Records:
    m = sheet.mapped
    cols = {name: sheet.parse(name) for name in
            ["period", "team", "breakdown", "value", "numerator", "denominator", "target", "stat_neighbours",
             "region", "england", "commentary", "polarity", "unit"]}
    sheet.require("period", cols["period"])
    sheet.not_future("period", cols["period"], monthly=True)
    raw_names = sheet.raw_column(m.columns.get("indicator"))
    raw_values = sheet.raw_column(m.columns.get("value"))
    codes, custom = _indicator_codes(sheet, raw_names, sheet.excel_rows, m.header_of("indicator"),
                                     cols["unit"], cols["polarity"], [normalise.has_percent_sign(v) for v in raw_values])
    sheet.require("indicator", codes, raw_names)
    cols["indicator"] = codes
    _scale_comparators(sheet, cols, codes, custom, {
        name: _percent_flags(sheet, m.columns.get(name)) for name in ("target", "stat_neighbours", "region", "england")})
    _kpi_rules(sheet, cols, sheet.excel_rows, [m.header_of("value")] * len(codes), raw_values,
               _percent_flags(sheet, m.columns.get("value")), custom)
    return Records("kpi", {name: cols[name] for name in DATASET_COLUMNS["kpi"]}, custom_indicators=custom)


def _scorecard(sheet: _Sheet) -> Records:
    """Unpivot the wide layout: one KPI row per indicator row and month column with a figure."""
    m = sheet.mapped
    per_row = {name: sheet.parse(name) for name in
               ["team", "breakdown", "target", "stat_neighbours", "region", "england", "polarity", "unit"]}
    raw_names = sheet.raw_column(m.columns.get("indicator"))
    percent_signs = [any(normalise.has_percent_sign(row[j]) for j, _ in m.month_columns if j < len(row)) for row in sheet.rows]
    codes, custom = _indicator_codes(sheet, raw_names, sheet.excel_rows, m.header_of("indicator"),
                                     per_row["unit"], per_row["polarity"], percent_signs)
    _scale_comparators(sheet, per_row, codes, custom, {
        name: _percent_flags(sheet, m.columns.get(name)) for name in ("target", "stat_neighbours", "region", "england")})
    long = {name: [] for name in DATASET_COLUMNS["kpi"]}
    rows, refs, raw_values, percent = [], [], [], []
    cells = m.raw.percent_cells
    for j, period in m.month_columns:
        raw_cells = sheet.raw_column(j)
        values, bad = normalise.parse_column("number", raw_cells)
        if period > sheet.today.replace(day=1):
            # A blank future month is the rest of the year still to come; a figure there is a mistake.
            if any(v is not None for v in values) or bad:
                sheet.problem(m.raw.excel_row(m.header_index), m.column_ref(j), m.column_ref(j),
                              f"The month column {period:%b-%y} is in the future but holds figures. Check the header's year.")
            continue
        for i, raw in enumerate(raw_cells):
            if i in bad:
                sheet.problem(sheet.excel_rows[i], m.column_ref(j), raw, f"'{shown(raw)}' {bad[i]}.")
                continue
            if values[i] is None or codes[i] is None:
                continue  # a blank month is missing, never zero: no row at all
            long["period"].append(period)
            long["indicator"].append(codes[i])
            long["value"].append(values[i])
            for name in ("team", "breakdown", "target", "stat_neighbours", "region", "england"):
                long[name].append(per_row[name][i])
            for name in ("numerator", "denominator", "commentary"):
                long[name].append(None)
            rows.append(sheet.excel_rows[i])
            refs.append(m.column_ref(j))
            raw_values.append(raw)
            percent.append((sheet.excel_rows[i], m.raw.first_col + j) in cells)
    for i, code in enumerate(codes):
        if code is None and any(row[j] not in ("", None) for j, _ in m.month_columns if j < len(sheet.rows[i])):
            sheet.problem(sheet.excel_rows[i], m.header_of("indicator"), "", "This row has figures but no indicator name.")
    _kpi_rules(sheet, long, rows, refs, raw_values, percent, custom)
    return Records("kpi", long, origin=[(m.name, r, ref) for r, ref in zip(rows, refs)], custom_indicators=custom)


# --------------------------------------------------------------------------------- audits --
def _audits(sheet: _Sheet) -> Records:
    cols = {name: sheet.parse(name) for name in DATASET_COLUMNS["audits"] if name != "moderated"}
    # A practice area the sheet has a column for but left blank was not judged; one it has no
    # column for was never asked about. The grades alone cannot tell the two apart.
    asked = [p.code for p in contract.load().practice_areas if p.code in sheet.mapped.columns]
    cols["practice_areas_in_file"] = [asked] * len(sheet.rows)
    moderated = sheet.parse("moderated")
    for name in ("audit_id", "audit_date", "team", "overall"):
        sheet.require(name, cols[name])
    sheet.not_future("audit_date", cols["audit_date"], monthly=False)
    cols["audit_type"] = [t or contract.load().audit_types[0] for t in cols["audit_type"]]
    header = sheet.mapped.header_of("moderated")
    for i, original in enumerate(cols["original_overall"]):
        if original is not None:
            if moderated[i] is False:
                sheet.problem(sheet.excel_rows[i], header, "no", "The audit has a grade before moderation but says it was not moderated. Correct one of them.")
            moderated[i] = True
    cols["moderated"] = moderated
    for i, (agreed, completed) in enumerate(zip(cols["actions_agreed"], cols["actions_completed"])):
        if agreed is not None and completed is not None and completed > agreed:
            sheet.problem(sheet.excel_rows[i], sheet.mapped.header_of("actions_completed"), completed,
                          f"{completed} actions completed is more than the {agreed} agreed.")
    return Records("audits", {name: cols[name] for name in DATASET_COLUMNS["audits"]})


# ------------------------------------------------------------------------------ workforce --
def _workforce(sheet: _Sheet) -> Records:
    cols = {name: sheet.parse(name) for name in DATASET_COLUMNS["workforce"]}
    for name in ("period", "team", "social_worker_fte", "children_allocated"):
        sheet.require(name, cols[name])
    sheet.not_future("period", cols["period"], monthly=True)
    header = sheet.mapped.header_of
    for i in range(len(sheet.rows)):
        fte = cols["social_worker_fte"][i]
        for part in ("agency_fte", "nqsw_fte"):
            value = cols[part][i]
            if value is not None and fte is not None and value > fte + 1e-9:
                sheet.problem(sheet.excel_rows[i], header(part), value,
                              f"{part} ({value:g}) is more than social_worker_fte ({fte:g}), which includes it.")
        children = cols["children_allocated"][i]
        if fte == 0 and children:
            sheet.problem(sheet.excel_rows[i], header("social_worker_fte"), fte,
                          f"{children} children are allocated but social-worker FTE is 0.")
        for open_col, same_col in (("children_open_6m", "same_worker_6m"), ("children_open_12m", "same_worker_12m")):
            opened, same = cols[open_col][i], cols[same_col][i]
            if opened is not None and same is not None and same > opened:
                sheet.problem(sheet.excel_rows[i], header(same_col), same,
                              f"{same_col} ({same}) is more than {open_col} ({opened}).")
    return Records("workforce", cols)


# ------------------------------------------------------------------------------- feedback --
def _feedback(sheet: _Sheet) -> Records:
    cols = {name: sheet.parse(name) for name in DATASET_COLUMNS["feedback"] if name != "sentiment"}
    sheet.require("response_date", cols["response_date"])
    sheet.require("respondent", cols["respondent"])
    sheet.not_future("response_date", cols["response_date"], monthly=False)
    sentiments = []
    for i, (question, answer, comment) in enumerate(zip(cols["question"], cols["answer"], cols["comment"])):
        if answer is not None:
            sentiments.append(normalise.sentiment(answer))
        elif question is not None:
            sentiments.append("excluded")  # asked, not answered: counted beside the percentage
        else:
            sentiments.append(None)
            if comment is None and sheet.excel_rows[i] not in {p.row for p in sheet.problems}:
                sheet.problem(sheet.excel_rows[i], sheet.mapped.header_of("answer"), "",
                              "The row has no question, answer or comment. Fill it in or delete it.")
    cols["sentiment"] = sentiments
    return Records("feedback", {name: cols[name] for name in DATASET_COLUMNS["feedback"]})


# ------------------------------------------------------------------------ teams, actions --
def _teams(sheet: _Sheet) -> Records:
    cols = {name: sheet.parse(name) for name in DATASET_COLUMNS["teams"]}
    sheet.require("team", cols["team"])
    sheet.require("service_area", cols["service_area"])
    cols["active"] = [True if a is None else a for a in cols["active"]]
    return Records("teams", cols)


def _actions(sheet: _Sheet) -> Records:
    cols = {name: sheet.parse(name) for name in DATASET_COLUMNS["actions"]}
    for name in ("action_id", "title", "status"):
        sheet.require(name, cols[name])
    sheet.not_future("updated", cols["updated"], monthly=False)
    return Records("actions", cols)


# ------------------------------------------------------------------------ across sheets --
def duplicate_key_problems(file_name: str, records: Records) -> list[Problem]:
    """A key repeated inside one file is an error naming both rows."""
    key_columns = contract.load().sheets[records.dataset].key
    seen: dict[tuple, tuple[str, int]] = {}
    problems = []
    columns = [records.columns[k] for k in key_columns]
    keys = list(zip(*columns))
    if len(set(keys)) == len(keys):
        return []  # the common case: every key distinct, nothing to say
    for i, key in enumerate(keys):
        if records.dataset == "feedback" and key[0] is None:
            continue  # anonymous answers may repeat
        if any(k is None for k, name in zip(key, key_columns) if name not in ("team", "breakdown", "question")):
            continue  # a blank key is reported as a blank required value
        key = tuple("" if k is None else k for k in key)  # blank team = '' as in the load
        sheet, row, *month_header = records.origin[i]
        if key in seen:
            first_sheet, first_row = seen[key]
            where = f"row {first_row}" if first_sheet == sheet else f"sheet '{first_sheet}' row {first_row}"
            described = ", ".join(f"{name} {shown(value) or '(blank)'}" for name, value in zip(key_columns, key))
            column = month_header[0] if month_header else key_columns[0]
            problems.append(Problem(sheet=sheet, row=row, column=column, value=shown(key[0]), file=file_name,
                message=f"The same {described} is also on {where}. Each must appear once in a file: remove one of the two rows."))
        else:
            seen[key] = (sheet, row)
    return problems
