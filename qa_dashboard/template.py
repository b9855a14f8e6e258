"""The blank upload workbook a performance officer fills in (`python -m qa_dashboard template`).

Everything written here comes from the contract: sheet and column names, what each column
holds, the labels accepted for it, grades, practice areas, indicators and the drop-down
vocabularies. The workbook is the contract made fillable, so it can never drift from what the
ingest reads.

The file is byte-for-byte deterministic for a given financial year: fixed document timestamps
and fixed zip entry times, so its SHA-256 only changes when its content does.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from qa_dashboard import contract
from qa_dashboard.contract import squash
from qa_dashboard.periods import financial_year_months

README = "README"
LISTS = "lists"
LAST_DATA_ROW = 2000          # drop-downs cover rows 2..2000 of every data sheet
LAST_TEAM_ROW = 500           # team drop-downs offer rows 2..500 of the teams sheet
NOT_JUDGED = "N/A"            # a practice area not judged; the contract reads it as missing
FIXED_TIMESTAMP = dt.datetime(2024, 4, 1)
AUTHOR = "QA dashboard"

# The drop-down choices for the feedback answer. The contract knows many spellings of each
# answer (squashed, for matching); these are the forms an officer picks from. Each must be an
# answer the contract counts, which `_answer_choices` checks.
ANSWER_CHOICES = ("Yes", "No", "Partly", "Don't know", "Strongly agree", "Agree",
                  "Neither agree nor disagree", "Disagree", "Strongly disagree")
YES_NO_CHOICES = ("yes", "no")

REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")   # orange: every row needs a value
OPTIONAL_FILL = PatternFill("solid", fgColor="D9E1F2")   # pale blue: may be left blank
PREFILLED_FONT = Font(color="595959")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADING = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")

_WIDTH_BY_KIND = {"month": 11, "date": 12, "number": 12, "count": 12, "integer": 12, "yesno": 11,
                  "grade": 22, "answer": 26, "respondent": 16, "audit_type": 20, "source": 14,
                  "status": 13, "rag": 10, "polarity": 11, "indicator": 56, "text": 20}
_WIDE_TEXT = {"theme_strengths", "theme_development", "commentary", "comment", "question", "title"}
_UNIT_WORDS = {"%": "per cent (%)", "rate10k": "rate per 10,000 children", "count": "count", "days": "days"}
_BETTER_WORDS = {"higher": "higher is better", "lower": "lower is better",
                 "neutral": "neither (closer to statistical neighbours)"}


@dataclass(frozen=True)
class DropDown:
    """One column of the hidden lists sheet and the data-validation rule that offers it."""

    title: str                  # the lists sheet's header for it; never a contract column name
    what: str                   # one value, in the message shown when a cell is not in the list
    values: tuple[str, ...]
    strict: bool                # True: refuse other values; False: warn and allow them

    def __post_init__(self):
        if not self.values:
            raise ValueError(f"The drop-down {self.title!r} has no values")


# ------------------------------------------------------------------------------ public --
def write_template(path: Path, today: dt.date | None = None) -> Path:
    """Write the blank upload workbook to `path` and return the path.

    `today` decides the financial year whose months head the scorecard sheet.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_bytes(today))
    return path


def template_bytes(today: dt.date | None = None) -> bytes:
    book = build_workbook(today)
    return _deterministic_xlsx(book)


def build_workbook(today: dt.date | None = None) -> Workbook:
    spec = contract.load()
    months = financial_year_months(today or dt.date.today())
    book = Workbook()
    readme = book.active
    readme.title = README
    drop_downs = _drop_downs(spec)
    lists = _add_lists_sheet(book, drop_downs)
    for sheet in spec.sheets.values():
        worksheet = book.create_sheet(sheet.name)
        columns = list(sheet.columns)
        if sheet.name == "scorecard":
            columns = _scorecard_columns(sheet)
        _write_header(worksheet, columns)
        if sheet.name == "scorecard":
            _add_scorecard_months(worksheet, len(columns), months)
            _prefill_indicators(worksheet, spec)
        _add_validations(worksheet, sheet, columns, lists, spec)
    book.move_sheet(LISTS, offset=len(book.sheetnames) - 1 - book.sheetnames.index(LISTS))  # last, out of the way
    _write_readme(readme, spec, months)
    book.active = 0
    book.properties.creator = AUTHOR
    book.properties.lastModifiedBy = AUTHOR
    book.properties.title = "QA dashboard upload workbook"
    book.properties.created = FIXED_TIMESTAMP
    book.properties.modified = FIXED_TIMESTAMP
    return book


def month_header(month: dt.date) -> str:
    """`Apr-26`: the way most scorecards head their month columns."""
    return month.strftime("%b-%y")


# ------------------------------------------------------------------------- data sheets --
def _scorecard_columns(sheet: contract.Sheet) -> list[contract.Column]:
    """indicator, polarity and the comparators first, as most scorecards lay them out."""
    leading = ["indicator", "polarity", "target", "stat_neighbours", "region", "england"]
    first = [sheet.column(name) for name in leading]
    return first + [c for c in sheet.columns if c.name not in leading]


def _header_note(column: contract.Column) -> str:
    if column.required:
        return f"Required: every row needs a value.\n{column.help}"
    return f"Optional.\n{column.help}"


def _column_width(column: contract.Column) -> float:
    if column.name in _WIDE_TEXT:
        return 40
    return max(len(column.name) + 4, _WIDTH_BY_KIND.get(column.kind, 16))


def _write_header(worksheet: Worksheet, columns: list[contract.Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.name)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        comment = Comment(_header_note(column), AUTHOR)
        comment.width, comment.height = 300, 110
        cell.comment = comment
        worksheet.column_dimensions[get_column_letter(index)].width = _column_width(column)
    worksheet.freeze_panes = "A2"


def _add_scorecard_months(worksheet: Worksheet, first_free: int, months: list[dt.date]) -> None:
    for offset, month in enumerate(months, start=1):
        index = first_free + offset
        # Text, not a date: a date cell would show as 01/04/2026 or a serial in some locales.
        cell = worksheet.cell(row=1, column=index, value=month_header(month))
        cell.number_format = "@"
        cell.font = BOLD
        cell.fill = OPTIONAL_FILL
        cell.comment = Comment(f"The figure for {month:%B %Y}. Leave blank when not known (never 0).", AUTHOR)
        worksheet.column_dimensions[get_column_letter(index)].width = 9
    worksheet.freeze_panes = "B2"


def _indicators_in_scorecard_order(spec: contract.Contract) -> list[contract.Indicator]:
    """System-health indicators lead the scorecard (DATA_CONTRACT section 2)."""
    return sorted(spec.indicators, key=lambda indicator: not indicator.system_health)


def _prefill_indicators(worksheet: Worksheet, spec: contract.Contract) -> None:
    for row, indicator in enumerate(_indicators_in_scorecard_order(spec), start=2):
        worksheet.cell(row=row, column=1, value=indicator.label).font = PREFILLED_FONT


# ---------------------------------------------------------------------------- drop-downs --
def _answer_choices(spec: contract.Contract) -> tuple[str, ...]:
    unknown = [a for a in ANSWER_CHOICES if squash(a) not in spec.answers]
    if unknown:
        raise ValueError(f"Answer choices the contract does not count: {unknown}")
    return ANSWER_CHOICES


def _yes_no_choices(spec: contract.Contract) -> tuple[str, ...]:
    yes, no = YES_NO_CHOICES
    if squash(yes) not in spec.yes or squash(no) not in spec.no:
        raise ValueError("The contract no longer reads yes / no")
    return YES_NO_CHOICES


def _drop_downs(spec: contract.Contract) -> dict[str, DropDown]:
    """Drop-downs by column kind. Open vocabularies (other labels allowed) only warn."""
    polarity_words = tuple(dict.fromkeys(spec.polarities.values()))
    return {
        "grade": DropDown("Grades, best first", "grade", (*spec.grade_labels, NOT_JUDGED), strict=True),
        "audit_type": DropDown("Audit types", "audit type", spec.audit_types, strict=False),
        "respondent": DropDown("Respondents", "respondent", spec.respondents, strict=False),
        "source": DropDown("Feedback sources", "source", spec.sources, strict=False),
        "answer": DropDown("Answers", "answer", _answer_choices(spec), strict=False),
        "status": DropDown("Action statuses", "status", spec.statuses, strict=True),
        "rag": DropDown("RAG colours", "RAG colour", spec.rags, strict=True),
        "yesno": DropDown("Yes or no", "yes or no", _yes_no_choices(spec), strict=True),
        "indicator": DropDown("Catalogue indicators", "catalogue indicator",
                              tuple(i.label for i in _indicators_in_scorecard_order(spec)), strict=False),
        "polarity": DropDown("Which way is better", "direction (higher, lower or neutral)", polarity_words, strict=False),
    }


@dataclass(frozen=True)
class _ListRanges:
    ranges: dict[str, str]          # column kind -> `lists!$A$2:$A$6`
    grades_only: str                # the grade range without N/A, for the overall judgement
    drop_downs: dict[str, DropDown]


def _add_lists_sheet(book: Workbook, drop_downs: dict[str, DropDown]) -> _ListRanges:
    worksheet = book.create_sheet(LISTS)
    worksheet.sheet_state = "hidden"
    ranges = {}
    for index, (kind, drop_down) in enumerate(drop_downs.items(), start=1):
        letter = get_column_letter(index)
        worksheet.cell(row=1, column=index, value=drop_down.title).font = BOLD
        for row, value in enumerate(drop_down.values, start=2):
            worksheet.cell(row=row, column=index, value=value)
        ranges[kind] = f"{LISTS}!${letter}$2:${letter}${len(drop_down.values) + 1}"
        worksheet.column_dimensions[letter].width = max(len(v) for v in (drop_down.title, *drop_down.values)) + 2
    grade_letter = get_column_letter(list(drop_downs).index("grade") + 1)
    grades_only = f"{LISTS}!${grade_letter}$2:${grade_letter}${len(drop_downs['grade'].values)}"
    return _ListRanges(ranges, grades_only, drop_downs)


def _team_range(spec: contract.Contract) -> str:
    teams = spec.sheets["teams"]
    letter = get_column_letter([c.name for c in teams.columns].index("team") + 1)
    return f"teams!${letter}$2:${letter}${LAST_TEAM_ROW}"


def _validation(formula: str, strict: bool, what: str) -> DataValidation:
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.showErrorMessage = True
    if strict:
        rule.errorStyle = "stop"
        rule.errorTitle = "Not in the list"
        rule.error = f"Pick a {what} from the drop-down list."
    else:
        rule.errorStyle = "information"
        rule.errorTitle = "Not in the list"
        rule.error = f"This {what} is not in the list. Other values are allowed: click OK to keep it."
    return rule


def _add_validations(worksheet: Worksheet, sheet: contract.Sheet, columns: list[contract.Column],
                     lists: _ListRanges, spec: contract.Contract) -> None:
    rules: dict[tuple[str, bool, str], DataValidation] = {}

    def offer(formula: str, strict: bool, what: str, letter: str) -> None:
        key = (formula, strict, what)
        if key not in rules:
            rules[key] = _validation(formula, strict, what)
        rules[key].add(f"{letter}2:{letter}{LAST_DATA_ROW}")

    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.name == "team" and sheet.name in ("audits", "workforce", "feedback", "kpi"):
            offer(_team_range(spec), False, "team", letter)
        elif column.kind == "grade":
            # The overall judgement is required, so it offers the grades without N/A.
            formula = lists.grades_only if column.name == "overall" else lists.ranges["grade"]
            offer(formula, True, "grade", letter)
        elif column.kind == "indicator" and sheet.name == "scorecard":
            continue  # pre-filled; a custom indicator is typed on a new row
        elif column.kind in lists.ranges:
            drop_down = lists.drop_downs[column.kind]
            offer(lists.ranges[column.kind], drop_down.strict, drop_down.what, letter)
    for rule in rules.values():
        worksheet.add_data_validation(rule)


# -------------------------------------------------------------------------------- README --
class _Writer:
    """Appends README rows one after another."""

    def __init__(self, worksheet: Worksheet):
        self.worksheet = worksheet
        self.row = 1

    def line(self, text: str = "", font: Font | None = None) -> None:
        if text:
            cell = self.worksheet.cell(row=self.row, column=1, value=text)
            if font:
                cell.font = font
        self.row += 1

    def table(self, header: list[str], rows: list[list], fills: list[PatternFill | None] | None = None) -> None:
        for index, text in enumerate(header, start=1):
            cell = self.worksheet.cell(row=self.row, column=index, value=text)
            cell.font = BOLD
        self.row += 1
        for position, values in enumerate(rows):
            for index, text in enumerate(values, start=1):
                cell = self.worksheet.cell(row=self.row, column=index, value=text)
                cell.alignment = WRAP
                if index == 1 and fills and fills[position]:
                    cell.fill = fills[position]
            self.row += 1
        self.row += 1


def _listed(values) -> str:
    return ", ".join(values)


def _write_readme(worksheet: Worksheet, spec: contract.Contract, months: list[dt.date]) -> None:
    out = _Writer(worksheet)
    _readme_how_to(out, months[0], months[-1])
    _readme_sheets(out, spec, months[0], months[-1])
    _readme_vocabulary(out, spec)
    for letter, width in zip("ABCDEF", (30, 42, 60, 40, 14, 60)):
        worksheet.column_dimensions[letter].width = width


def _readme_how_to(out: "_Writer", first: dt.date, last: dt.date) -> None:
    out.line("QA dashboard upload workbook", TITLE)
    out.line("This workbook is the layout the QA dashboard reads. Fill in the sheets you have figures for, "
             "save it as .xlsx, and upload it on the dashboard's upload page.")
    out.line("Upload any subset of the sheets: a sheet left with only its header row is skipped, and you may delete "
             "the sheets you do not use. This README and the hidden lists sheet are not read.")
    out.line("Keep each sheet's first row as it is: it holds the column names. Add your rows underneath, one row per record.")
    out.line("Required columns: their header is shaded orange and its note says 'Required'; the tables below "
             "say 'yes' in the Required column. Every row needs a value in them. Other headers are shaded blue.")
    out.line()
    out.line("How to write values", HEADING)
    out.line("Months: 2024-05, May-24, May 2024 or 01/05/2024 (or an Excel date). A month stands for the whole month.")
    out.line("Dates: dd/mm/yyyy, e.g. 13/05/2024 (or an Excel date, or 2024-05-13). Dates are always read the UK way: "
             "05/06/2024 is 5 June 2024, never May 6. Do not use US mm/dd dates.")
    out.line("Numbers: 83 or 83% for 83 per cent; 1,234 is read as 1234.")
    out.line("Missing figures: leave the cell blank, or write - or n/a. A missing figure is never read as zero: "
             "write 0 only when the figure really is zero.")
    out.line("No personal data: do not include names, addresses or dates of birth of children, families, carers or staff. "
             "Use case references and team names; comments must not name anyone. A column that looks like personal "
             "data stops the upload.")
    out.line("Drop-down lists offer the accepted values. Where other values are allowed (audit type, respondent, "
             "answer, team), Excel asks you to confirm a new one. Team lists come from the teams sheet: fill it in first.")
    out.line(f"The scorecard sheet is the wide layout: one row per indicator, one column per month from "
             f"{month_header(first)} to {month_header(last)}. Type figures under their month and leave the rest blank. "
             f"It loads into the same place as the kpi sheet, so give a month's figure in one of the two, not both.")
    out.line("Uploading a row again with the same reference (e.g. the same audit_id) replaces the earlier row; "
             "nothing is deleted, and the latest upload can be undone.")
    out.line()


def _readme_sheets(out: "_Writer", spec: contract.Contract, first: dt.date, last: dt.date) -> None:
    out.line("Sheets", HEADING)
    out.table(["Sheet", "What one row is", "Each row is identified by"],
              [[s.name, s.description, _listed(s.key)] for s in spec.sheets.values()])

    for sheet in spec.sheets.values():
        out.line(f"The {sheet.name} sheet: {sheet.description}", HEADING)
        columns = _scorecard_columns(sheet) if sheet.name == "scorecard" else sheet.columns
        rows = [[c.name, "yes" if c.required else "no", c.help, _listed((c.name, *c.labels))] for c in columns]
        fills = [REQUIRED_FILL if c.required else OPTIONAL_FILL for c in columns]
        if sheet.name == "scorecard":
            rows.append([f"{month_header(first)} ... {month_header(last)}", "no",
                         "One column per month: the indicator's figure for that month.",
                         f"{month_header(first)}, {first:%Y-%m}, {first:%b %Y}, an Excel date"])
            fills.append(OPTIONAL_FILL)
        out.table(["Column", "Required", "What it holds", "Headers accepted (the column name or another)"], rows, fills)


def _readme_vocabulary(out: "_Writer", spec: contract.Contract) -> None:
    out.line("Indicator catalogue", HEADING)
    out.line("Give an indicator by its code, its label or one of its other names. Any other name is loaded as a custom "
             "indicator: add its polarity (higher, lower or neutral) and unit. System-health indicators lead the scorecard.")
    out.table(["Code", "Label", "Unit", "Which way is better", "System health", "Other names accepted"],
              [[i.code, i.label, _UNIT_WORDS.get(i.unit, i.unit), _BETTER_WORDS.get(i.better, i.better),
                "yes" if i.system_health else "no", _listed(i.aliases)]
               for i in _indicators_in_scorecard_order(spec)])

    out.line("Grades", HEADING)
    out.line(f"Grades, best first. In a practice-area column, {NOT_JUDGED} or a blank cell means the area was not judged.")
    out.table(["Grade", "Rank (1 = best)", "Also written as"],
              [[g.label, g.rank, _listed(s for s in g.spellings if squash(s) != squash(g.label))]
               for g in spec.grades])
    for explanation in spec.not_grades.values():
        out.line(explanation)
    out.line()

    out.line("Practice areas (one grade column each in the audits sheet)", HEADING)
    for area in spec.practice_areas:
        also = f" (also accepted as a header: {_listed(area.aliases)})" if area.aliases else ""
        out.line(f"{area.code}: {area.label}{also}")
    out.line()

    out.line("Values offered in the drop-down lists", HEADING)
    out.table(["List", "Values"],
              [[d.title, _listed(d.values)] for d in _drop_downs(spec).values()])


# ------------------------------------------------------------------------- deterministic --
def _deterministic_xlsx(book: Workbook) -> bytes:
    """Save without openpyxl stamping the current time, then fix every zip entry's time too."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(member.filename))
    return fixed.getvalue()
