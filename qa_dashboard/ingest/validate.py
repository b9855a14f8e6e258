"""Normalised sheets -> records, with every rule broken on the way.

Each rule adds a Problem naming the sheet, the Excel row, the column as headed in the file and
the value as written; nothing stops at the first bad cell, so an officer fixes a file in one go.
Which columns every row needs, which dates may not be after today and which columns a row keeps
all come from the contract (`required`, `past`, `stored`); the rules below are the ones that
set one column against another.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qa_dashboard import contract
from qa_dashboard.commentary import length_problem
from qa_dashboard.contract import UNIT_SCALE, squash, squash_folded
from qa_dashboard.ingest.normalise import missing
from qa_dashboard.ingest.problems import Problem, shown
from qa_dashboard.ingest.sheet import CustomIndicator, Sheet, unit_of


@dataclass
class Records:
    """Normalised rows of one dataset from one file, with where each came from."""

    dataset: str
    columns: dict[str, list] = field(default_factory=dict)
    # (sheet, excel row) or, for a scorecard's unpivoted figure, (sheet, excel row, month header)
    origin: list[tuple] = field(default_factory=list)
    custom_indicators: dict[str, CustomIndicator] = field(default_factory=dict)
    # {sheet: {contract column: its header in the file}}, for a problem found across sheets
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.origin)

    def extend(self, other: "Records") -> None:
        for name in self.columns:  # the contract's stored columns, and any the ingest keeps beside them
            self.columns[name].extend(other.columns[name])
        self.origin.extend(other.origin)
        for code, custom in other.custom_indicators.items():
            self.custom_indicators.setdefault(code, custom)
        self.headers.update(other.headers)


def dataset_of(kind: str) -> str:
    return "kpi" if kind == "scorecard" else kind


def validate(sheet: Sheet) -> tuple[Records, list[Problem]]:
    """Check a normalised sheet; its problems (reading's and these) come back with its records."""
    spec = contract.load().sheets[sheet.kind]
    if sheet.kind == "scorecard":
        _scorecard_layout(sheet)
    else:
        for column in spec.columns:
            if column.required:
                _require(sheet, column.name)
            if column.past:
                _not_future(sheet, column)
    _not_the_whole_authority(sheet)
    _RULES.get(dataset_of(sheet.kind), lambda _: None)(sheet)
    dataset = dataset_of(sheet.kind)
    columns = {name: sheet.values[name] for name in contract.load().stored_columns(dataset)}
    headers = {sheet.mapped.raw.name: {name: sheet.mapped.header_of(name) for name in columns}}
    return Records(dataset, columns, sheet.origin, sheet.custom_indicators, headers), sheet.problems


# -------------------------------------------------------------- rules from the contract --
def _require(sheet: Sheet, column: str) -> None:
    header, raw = sheet.mapped.header_of(column), sheet.raw(column)
    for i, value in enumerate(sheet.values[column]):
        if value is None and missing(raw[i]):  # else the cell was unreadable, and said so
            sheet.problem(sheet.record_rows[i], header, raw[i], f"'{column}' is blank: every row needs one.")


def _not_future(sheet: Sheet, column: contract.Column) -> None:
    monthly = column.kind == "month"
    limit, what = (sheet.today.replace(day=1), "month") if monthly else (sheet.today, "date")
    header = sheet.mapped.header_of(column.name)
    for i, value in enumerate(sheet.values[column.name]):
        if value is not None and value > limit:
            sheet.problem(sheet.record_rows[i], header, value,
                          f"The {what} {value:%d/%m/%Y} is in the future (today is {sheet.today:%d/%m/%Y}). Check the year.")


def _not_the_whole_authority(sheet: Sheet) -> None:
    """A team or service area named as the pages and the pack name the authority itself would take
    the authority's place on a cover, a chart or a table: refused, so the file says what it means."""
    name = contract.load().whole_authority
    for column in ("team", "service_area"):
        if column not in sheet.mapped.columns:
            continue
        header, what = sheet.mapped.header_of(column), column.replace("_", " ")
        blank = " (leave the team blank for the authority's own figures)" if sheet.kind in ("kpi", "scorecard") else ""
        for i, value in enumerate(sheet.values.get(column, ())):
            if value is not None and squash_folded(value) == squash_folded(name):
                sheet.problem(sheet.record_rows[i], header, value,
                              f"'{name}' is what the dashboard calls the whole authority's figures, so a {what} "
                              f"cannot be named so{blank}. Give the {what} its own name.")


def _scorecard_layout(sheet: Sheet) -> None:
    """The scorecard's forms of `required` and `past`: each row with figures names its indicator,
    and a month column after this month is still blank."""
    m = sheet.mapped
    for j in sheet.future_months:
        period = dict(m.month_columns)[j]
        sheet.problem(m.raw.excel_row(m.header_index), m.column_ref(j), m.column_ref(j),
                      f"The month column {period:%b-%y} is in the future but holds figures. Check the header's year.")
    for row in sheet.unnamed_rows:
        sheet.problem(row, m.header_of("indicator"), "", "This row has figures but no indicator name.")


# ------------------------------------------------------------------------------------ KPI --
def _fraction_problem(sheet: Sheet, i: int, unit: str) -> bool:
    """Numerator and denominator: both or neither, a denominator above zero, agreeing with the value."""
    values, row = sheet.values, sheet.record_rows[i]
    value, numerator, denominator = values["value"][i], values["numerator"][i], values["denominator"][i]
    if numerator is None and denominator is None:
        return False
    if numerator is None or denominator is None:
        sheet.problem(row, "numerator" if numerator is None else "denominator", "", "Give both the numerator and the denominator, or neither.")
    elif denominator <= 0:
        sheet.problem(row, sheet.mapped.header_of("denominator"), denominator, "The denominator must be above zero.")
    elif abs(value - (computed := numerator / denominator * UNIT_SCALE.get(unit, 1.0))) > 0.5:
        sheet.problem(row, sheet.value_refs[i], sheet.raw_values[i],
            f"The value {value:g} disagrees with numerator / denominator ({numerator:g} / {denominator:g} = {computed:.1f}). Correct one of them.")
    else:
        return False
    return True


def _kpi(sheet: Sheet) -> None:
    """Units, the fraction and the blank-value rule for every figure; the commentary's cap."""
    values = sheet.values
    _commentary_within_the_cap(sheet)
    for i, code in enumerate(values["indicator"]):
        if code is None:
            continue
        unit, row, ref, raw = unit_of(sheet, code), sheet.record_rows[i], sheet.value_refs[i], sheet.raw_values[i]
        if _fraction_problem(sheet, i, unit):
            continue
        value, numerator, denominator = values["value"][i], values["numerator"][i], values["denominator"][i]
        if value is None:
            sheet.problem(row, ref, raw, "The value is blank: give the figure (or the numerator and denominator), or delete the row.")
            continue
        if value < 0 and unit in ("%", "rate10k", "count", "days"):
            indicator = contract.load().indicator(code) or sheet.custom_indicators.get(code)
            sheet.problem(row, ref, raw, f"A {indicator.label} figure cannot be negative.")
        elif unit == "%" and value > 100:
            sheet.problem(row, ref, raw, f"{value:g}% is above 100%: give the percentage (0-100).")
        if numerator is not None and unit == "%" and numerator > denominator:
            sheet.problem(row, sheet.mapped.header_of("numerator"), numerator, "The numerator is larger than the denominator, which a percentage cannot be.")


def _commentary_within_the_cap(sheet: Sheet) -> None:
    """A commentary cell is held to the app's commentary box's cap (`commentary.MAX_LENGTH`)."""
    header = sheet.mapped.header_of("commentary")
    for i, text in enumerate(sheet.values.get("commentary", ())):
        if text is not None and (too_long := length_problem(text)):
            sheet.problem(sheet.record_rows[i], header, text[:60] + "...", too_long)


# --------------------------------------------------------------------------------- audits --
def _audits(sheet: Sheet) -> None:
    values, rows, header = sheet.values, sheet.record_rows, sheet.mapped.header_of
    for i, (original, moderated) in enumerate(zip(values["original_overall"], values["moderated"])):
        if original is not None and moderated is False:
            sheet.problem(rows[i], header("moderated"), "no", "The audit has a grade before moderation but says it was not moderated. Correct one of them.")
    for i, (agreed, completed) in enumerate(zip(values["actions_agreed"], values["actions_completed"])):
        if agreed is not None and completed is not None and completed > agreed:
            sheet.problem(rows[i], header("actions_completed"), completed, f"{completed} actions completed is more than the {agreed} agreed.")


# -------------------------------------------------------------------------- themed audits --
def _themed_audits(sheet: Sheet) -> None:
    values, rows, header = sheet.values, sheet.record_rows, sheet.mapped.header_of
    for i, (commissioned, completed) in enumerate(zip(values["commissioned"], values["completed"])):
        if commissioned is not None and completed is not None and completed < commissioned:
            sheet.problem(rows[i], header("completed"), completed,
                          f"The completion date {completed:%d/%m/%Y} is before the commission date "
                          f"{commissioned:%d/%m/%Y}. Correct one of them.")


# ------------------------------------------------------------------------------ workforce --
def _workforce(sheet: Sheet) -> None:
    values, rows, header = sheet.values, sheet.record_rows, sheet.mapped.header_of
    for i in range(len(rows)):
        fte = values["social_worker_fte"][i]
        for part in ("agency_fte", "nqsw_fte"):
            value = values[part][i]
            if value is not None and fte is not None and value > fte + 1e-9:
                sheet.problem(rows[i], header(part), value, f"{part} ({value:g}) is more than social_worker_fte ({fte:g}), which includes it.")
        children = values["children_allocated"][i]
        if fte == 0 and children:
            sheet.problem(rows[i], header("social_worker_fte"), fte, f"{children} children are allocated but social-worker FTE is 0.")
        for open_col, same_col in (("children_open_6m", "same_worker_6m"), ("children_open_12m", "same_worker_12m")):
            opened, same = values[open_col][i], values[same_col][i]
            if opened is not None and same is not None and same > opened:
                sheet.problem(rows[i], header(same_col), same, f"{same_col} ({same}) is more than {open_col} ({opened}).")


# ------------------------------------------------------------------------------- feedback --
def _feedback(sheet: Sheet) -> None:
    values = sheet.values
    for i, (question, answer, comment) in enumerate(zip(values["question"], values["answer"], values["comment"])):
        if question is None and answer is None and comment is None and sheet.record_rows[i] not in {p.row for p in sheet.problems}:
            sheet.problem(sheet.record_rows[i], sheet.mapped.header_of("answer"), "",
                          "The row has no question, answer or comment. Fill it in or delete it.")


_RULES = {"kpi": _kpi, "audits": _audits, "themed_audits": _themed_audits, "workforce": _workforce, "feedback": _feedback}


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
