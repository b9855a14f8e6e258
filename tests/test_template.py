"""The blank upload workbook: it is the contract made fillable, and what it offers loads.

The template is written for a financial year that is wholly past (2024-25), so every month
column of its scorecard is a month ingest accepts whatever the date the tests run.
"""
import datetime as dt
import re
from pathlib import Path

import duckdb
import openpyxl
import pytest

from qa_dashboard import contract
from qa_dashboard.contract import squash
from qa_dashboard.ingest import ingest
from qa_dashboard.ingest.problems import errors, warnings
from qa_dashboard.template import LISTS, NOT_JUDGED, README, financial_year_months, month_header, write_template

PAST_YEAR_END = dt.date(2025, 3, 31)     # the template's scorecard runs Apr-24 .. Mar-25
SPEC = contract.load()


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_template(tmp_path / "template.xlsx", today=PAST_YEAR_END)


def _headers(worksheet) -> list:
    return [cell.value for cell in worksheet[1] if cell.value is not None]


def _range_values(book, formula: str) -> list:
    """The values a list validation offers, read from the range it names (`lists!$A$2:$A$6`)."""
    sheet, first, last = re.fullmatch(r"=?(\w+)!(\$?\w+\$?\d+):(\$?\w+\$?\d+)", formula).groups()
    cells = book[sheet][first.replace("$", ""):last.replace("$", "")]
    return [row[0].value for row in cells if row[0].value is not None]


def _validation_of(worksheet, column_name: str):
    letter = openpyxl.utils.get_column_letter(_headers(worksheet).index(column_name) + 1)
    for rule in worksheet.data_validations.dataValidation:
        if any(cell_range.min_col == cell_range.max_col == openpyxl.utils.column_index_from_string(letter)
               and cell_range.min_row <= 2 and cell_range.max_row >= 2000 for cell_range in rule.sqref.ranges):
            return rule
    return None


def _drop_down(book, sheet: str, column_name: str) -> list:
    rule = _validation_of(book[sheet], column_name)
    assert rule is not None and rule.type == "list", f"{sheet}.{column_name} has no drop-down"
    return _range_values(book, rule.formula1)


def _ingest(path: Path, tmp_path: Path):
    db = tmp_path / "t.duckdb"
    result = ingest([path], db_path=db, user="test")
    assert result.ok, [p.line() for p in result.problems]
    return result, db


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


# ------------------------------------------------------------------------------- layout --
def test_every_contract_sheet_has_exactly_its_columns_as_headers(template):
    book = openpyxl.load_workbook(template)
    for sheet in SPEC.sheets.values():
        headers = _headers(book[sheet.name])
        expected = [c.name for c in sheet.columns]
        if sheet.name == "scorecard":
            months = [month_header(m) for m in financial_year_months(PAST_YEAR_END)]
            assert headers[-12:] == months
            headers = headers[:-12]
            assert headers[:6] == ["indicator", "polarity", "target", "stat_neighbours", "region", "england"]
        assert sorted(headers) == sorted(expected), sheet.name
        if sheet.name != "scorecard":
            assert headers == expected


def test_the_readme_comes_first_and_the_lists_sheet_is_hidden(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[0] == README
    assert book[LISTS].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in SPEC.sheets)


def test_headers_are_bold_and_frozen_and_required_ones_are_marked_by_colour_and_a_note(template):
    book = openpyxl.load_workbook(template)
    for sheet in SPEC.sheets.values():
        worksheet = book[sheet.name]
        assert worksheet.freeze_panes in ("A2", "B2")
        fills = {}
        for cell in worksheet[1]:
            assert cell.font.bold
            column = next((c for c in sheet.columns if c.name == cell.value), None)
            if column is None:
                continue  # a scorecard month
            fills.setdefault(column.required, set()).add(cell.fill.fgColor.rgb)
            assert cell.comment is not None and cell.comment.text.startswith("Required" if column.required else "Optional")
            assert worksheet.column_dimensions[cell.column_letter].width >= len(column.name)
        if True in fills and False in fills:
            assert fills[True].isdisjoint(fills[False]), sheet.name


def test_the_scorecard_months_are_text_and_its_rows_are_the_catalogue_system_health_first(template):
    worksheet = openpyxl.load_workbook(template)["scorecard"]
    for cell in worksheet[1][-12:]:
        assert isinstance(cell.value, str) and cell.data_type == "s"
    labels = [cell.value for cell in worksheet["A"][1:] if cell.value]
    health = [i.label for i in SPEC.indicators if i.system_health]
    others = [i.label for i in SPEC.indicators if not i.system_health]
    assert labels == health + others


# ------------------------------------------------------------------------------- README --
def _readme_text(template: Path) -> str:
    worksheet = openpyxl.load_workbook(template)[README]
    return "\n".join(str(c) for row in worksheet.iter_rows(values_only=True) for c in row if c is not None)


def test_the_readme_mentions_every_column_of_every_sheet(template):
    text = _readme_text(template)
    cells = set(text.split("\n"))
    for sheet in SPEC.sheets.values():
        assert f"The {sheet.name} sheet: {sheet.description}" in cells
        for column in sheet.columns:
            assert column.name in cells, f"{sheet.name}.{column.name}"
            assert column.help in cells, f"{sheet.name}.{column.name}"


def test_the_readme_lists_every_indicator_grade_and_practice_area(template):
    text = _readme_text(template)
    for indicator in SPEC.indicators:
        assert indicator.code in text and indicator.label in text
    for grade in SPEC.grades:
        assert grade.label in text
    for area in SPEC.practice_areas:
        assert f"{area.code}: {area.label}" in text


def test_the_readme_explains_months_dates_missing_values_and_personal_data(template):
    text = _readme_text(template).lower()
    for phrase in ("2024-05", "may-24", "01/05/2024", "dd/mm/yyyy", "never read as zero", "n/a",
                   "names", "addresses", "dates of birth", "any subset"):
        assert phrase in text, phrase


def test_no_row_outside_the_data_sheets_could_be_read_as_a_header(template):
    """Ingest finds a sheet's header as a row with two known column names; README and lists must have none."""
    book = openpyxl.load_workbook(template)
    for name in (README, LISTS):
        for number, row in enumerate(book[name].iter_rows(values_only=True), start=1):
            keys = {squash(c) for c in row if c is not None and str(c).strip()}
            for sheet, lookup in SPEC.column_lookup.items():
                assert len(keys & lookup.keys()) < 2, f"{name} row {number} looks like a {sheet} header: {row}"


# ---------------------------------------------------------------------------- drop-downs --
def test_the_overall_grade_drop_down_lists_exactly_the_contract_grades(template):
    book = openpyxl.load_workbook(template)
    assert _drop_down(book, "audits", "overall") == list(SPEC.grade_labels)
    for column in ("original_overall", *(p.code for p in SPEC.practice_areas)):
        assert _drop_down(book, "audits", column) == [*SPEC.grade_labels, NOT_JUDGED], column
    assert _validation_of(book["audits"], "overall").errorStyle == "stop"


def test_open_vocabularies_offer_the_contract_values_and_allow_others(template):
    book = openpyxl.load_workbook(template)
    offered = {
        ("audits", "audit_type"): list(SPEC.audit_types),
        ("feedback", "respondent"): list(SPEC.respondents),
        ("feedback", "source"): list(SPEC.sources),
        ("kpi", "indicator"): [i.label for i in sorted(SPEC.indicators, key=lambda i: not i.system_health)],
    }
    for (sheet, column), values in offered.items():
        assert _drop_down(book, sheet, column) == values
        rule = _validation_of(book[sheet], column)
        assert rule.errorStyle == "information" or not rule.showErrorMessage
    answers = _drop_down(book, "feedback", "answer")
    assert answers and all(squash(a) in SPEC.answers for a in answers)


def test_closed_vocabularies_offer_exactly_the_contract_values(template):
    book = openpyxl.load_workbook(template)
    assert _drop_down(book, "actions", "status") == list(SPEC.statuses)
    assert _drop_down(book, "actions", "rag") == list(SPEC.rags)
    for sheet, column in (("audits", "moderated"), ("teams", "active")):
        yes, no = _drop_down(book, sheet, column)
        assert squash(yes) in SPEC.yes and squash(no) in SPEC.no


def test_team_drop_downs_point_at_the_teams_sheet_and_allow_new_teams(template):
    book = openpyxl.load_workbook(template)
    for sheet in ("audits", "workforce", "feedback"):
        rule = _validation_of(book[sheet], "team")
        assert rule.formula1.lstrip("=") == "teams!$A$2:$A$500"
        assert rule.errorStyle == "information" or not rule.showErrorMessage


# ---------------------------------------------------------------------------- determinism --
def test_the_same_year_gives_the_same_bytes_with_fixed_timestamps(tmp_path):
    first = write_template(tmp_path / "a.xlsx", today=PAST_YEAR_END).read_bytes()
    second = write_template(tmp_path / "b.xlsx", today=dt.date(2024, 4, 1)).read_bytes()
    assert first == second
    properties = openpyxl.load_workbook(tmp_path / "a.xlsx").properties
    assert properties.created == properties.modified == dt.datetime(2024, 4, 1)


# ------------------------------------------------------------------------------- ingest --
def test_the_empty_template_loads_without_errors_and_adds_nothing(template, tmp_path):
    result, db = _ingest(template, tmp_path)
    assert not errors(result.problems)
    # The only remarks are that README and lists are not data sheets.
    assert {p.sheet for p in warnings(result.problems)} <= {README, LISTS}
    assert _count(db, "SELECT count(*) FROM kpi_values") == 0  # scorecard labels without figures


def test_a_filled_template_round_trips_into_the_views(template, tmp_path):
    book = openpyxl.load_workbook(template)
    book["teams"].append(["Assessment East", "Front door", 17, _drop_down(book, "teams", "active")[0]])
    team = _drop_down(book, "audits", "team")[0]
    grades = _drop_down(book, "audits", "voice_of_child")
    audit = {"audit_id": "A-0001", "audit_date": "13/05/2024", "team": team,
             "audit_type": _drop_down(book, "audits", "audit_type")[1],
             "overall": _drop_down(book, "audits", "overall")[1],
             "original_overall": grades[2], "voice_of_child": grades[0], "assessment": grades[1],
             "permanence": NOT_JUDGED, "actions_agreed": 3, "actions_completed": 1}
    _append(book["audits"], audit)
    _append(book["kpi"], {"period": "May-24", "indicator": _drop_down(book, "kpi", "indicator")[1], "value": 21.5})
    _append(book["workforce"], {"period": "2024-05", "team": team, "social_worker_fte": 10, "agency_fte": 2,
                                "children_allocated": 150})
    _append(book["feedback"], {"response_date": dt.date(2024, 6, 3), "respondent": _drop_down(book, "feedback", "respondent")[0],
                               "team": team, "source": _drop_down(book, "feedback", "source")[0],
                               "question": "Did your social worker listen to you?",
                               "answer": _drop_down(book, "feedback", "answer")[0]})
    _append(book["actions"], {"action_id": "IP-1", "title": "Refresh the supervision policy", "owner": "Head of service",
                              "due_date": "30/09/2024", "status": _drop_down(book, "actions", "status")[1],
                              "rag": _drop_down(book, "actions", "rag")[0], "updated": "01/06/2024"})
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    result, db = _ingest(filled, tmp_path)

    assert result.loaded
    for view in ("audits", "kpi_values", "workforce", "feedback", "actions", "teams"):
        assert _count(db, f"SELECT count(*) FROM {view}") == 1, view
    assert _count(db, "SELECT count(*) FROM audit_judgements WHERE grade IS NOT NULL") == 3  # overall + two areas
    assert _count(db, f"SELECT count(*) FROM audits WHERE overall = '{audit['overall']}' "
                      f"AND moderated AND service_area = 'Front door' AND audit_date = DATE '2024-05-13'") == 1
    assert _count(db, "SELECT count(*) FROM feedback WHERE sentiment = 'positive'") == 1


def _append(worksheet, values: dict) -> None:
    headers = _headers(worksheet)
    unknown = set(values) - set(headers)
    assert not unknown, unknown
    worksheet.append([values.get(name) for name in headers])


def test_a_template_made_mid_year_loads_while_its_later_months_are_blank(tmp_path):
    mid_year = dt.date(2024, 11, 24)
    path = write_template(tmp_path / "template.xlsx", today=mid_year)
    result = ingest([path], db_path=tmp_path / "t.duckdb", user="test", today=mid_year)
    assert result.ok, [p.line() for p in result.problems]
