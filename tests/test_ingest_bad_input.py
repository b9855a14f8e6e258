"""Files the validator refuses (DATA_CONTRACT section 4): every error names the sheet, the row as
Excel numbers it, the column and the value, and nothing from the file reaches the database."""
import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from qa_dashboard.ingest import ERROR, errors, ingest, read
from tests.workbooks import (
    TODAY, add_member, audit, feedback, kpi, query, rewrite_member, snapshot, table, workforce,
    write_xlsx,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = REPO_ROOT.parent / "shared" / "reference"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture
def loaded_db(tmp_path) -> Path:
    """A database already holding one good load, so 'unchanged' means something."""
    db = tmp_path / "qa.duckdb"
    good = write_xlsx(tmp_path / "earlier.xlsx", {"audits": table(audit(audit_id="EARLIER-1"))})
    assert ingest([good], db, "tester", today=TODAY).loaded
    return db


def refused(db: Path, upload, name: str | None = None) -> list:
    """Ingest one file that must be refused; check the database is exactly as it was; return the errors."""
    item = (name, upload) if isinstance(upload, bytes) else (name or Path(upload).name, Path(upload).read_bytes())
    before = snapshot(db) if db.exists() else None
    result = ingest([item], db, "tester", today=TODAY)
    assert not result.ok and not result.loaded
    if before is None:
        assert not db.exists(), "a refused file created the database"
    else:
        assert snapshot(db) == before, "a refused file changed the database"
    found = errors(result.problems)
    assert found, "refused without an error to show"
    return found


def the_error(problems, **place):
    """The one error at this place (sheet=, row=, column=, value=)."""
    matching = [p for p in problems if all(getattr(p, k) == v for k, v in place.items())]
    assert len(matching) == 1, f"expected one error at {place}, got:\n" + "\n".join(p.line() for p in problems)
    return matching[0]


def audits_without(column: str, *records) -> list[list]:
    rows = table(*records)
    keep = [i for i, name in enumerate(rows[0]) if name != column]
    return [[row[i] for i in keep] for row in rows]


# -------------------------------------------------------------------------- cells and rows --
def test_a_missing_required_column_is_named_on_the_header_row(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": audits_without("overall", audit())})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=1, column="overall")
    assert "required column" in problem.message and "missing" in problem.message


def test_a_blank_required_value_is_named_at_its_row(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(), audit(audit_id="AUD-002", team=None))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=3, column="team")
    assert "blank" in problem.message


def test_an_unknown_grade_is_named_at_its_row_column_and_value(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(), audit(audit_id="AUD-002", overall="Goood"))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=3, column="overall")
    assert problem.value == "Goood"
    assert "is not a grade" in problem.message


def test_the_error_names_the_column_as_headed_in_the_file(tmp_path, loaded_db):
    rows = table(audit(overall="Goood"))
    rows[0] = ["Overall judgement" if name == "overall" else name for name in rows[0]]
    upload = write_xlsx(tmp_path / "audits.xlsx", {"Audits": rows})
    the_error(refused(loaded_db, upload), sheet="Audits", row=2, column="Overall judgement", value="Goood")


def test_the_row_is_the_excel_row_even_when_the_data_starts_lower_and_further_right(tmp_path, loaded_db):
    rows = [[], [], [], *[[None, *row] for row in table(audit(), audit(audit_id="AUD-002", overall="Goood"))]]
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": rows})
    the_error(refused(loaded_db, upload), sheet="audits", row=6, column="overall", value="Goood")


def test_good_or_better_is_refused_as_not_a_grade(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(voice_of_child="Good or better"))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=2, column="voice_of_child", value="Good or better")
    assert "not a grade" in problem.message


def test_the_good_or_better_message_reads_as_one_sentence(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(overall="Good or better"))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=2, column="overall")
    assert ".." not in problem.message
    assert problem.message.count("'Good or better'") == 1


def test_an_audit_dated_in_the_future_is_refused(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(audit_date="02/01/2025"))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=2, column="audit_date", value="02/01/2025")
    assert "future" in problem.message


def test_the_31st_of_february_is_refused(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(audit_date="31/02/2024"))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=2, column="audit_date", value="31/02/2024")
    assert "not a real date" in problem.message


def test_a_us_date_is_refused_not_swapped(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(audit_date="05/13/2024"))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=2, column="audit_date", value="05/13/2024")
    assert "dd/mm/yyyy" in problem.message


def test_a_negative_count_is_refused(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce(children_allocated=-5))})
    problem = the_error(refused(loaded_db, upload), sheet="workforce", row=2, column="children_allocated", value="-5")
    assert "negative" in problem.message


def test_agency_fte_above_all_social_worker_fte_is_refused(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce(social_worker_fte=10, agency_fte=12))})
    problem = the_error(refused(loaded_db, upload), sheet="workforce", row=2, column="agency_fte", value="12")
    assert "social_worker_fte" in problem.message


def test_a_value_disagreeing_with_its_numerator_and_denominator_is_refused(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi(value=50, numerator=20, denominator=100))})
    problem = the_error(refused(loaded_db, upload), sheet="kpi", row=2, column="value", value="50")
    assert "disagrees" in problem.message and "20.0" in problem.message


def test_an_audit_id_repeated_in_one_file_names_both_rows(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(
        audit(audit_id="AUD-7"), audit(audit_id="AUD-8"), audit(audit_id="AUD-7", overall="Inadequate"))})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=4, column="audit_id", value="AUD-7")
    assert "row 2" in problem.message


def test_a_kpi_repeated_on_two_sheets_of_one_file_names_the_other_sheet(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "kpi.xlsx", {
        "kpi": table(kpi(period="2024-04", indicator="re_referrals_pct", value=25)),
        "scorecard": [["indicator", "Apr-24", "May-24", "Jun-24"], ["re_referrals_pct", 25, 24, 23]]})
    problem = the_error(refused(loaded_db, upload), sheet="scorecard", row=2)
    assert "sheet 'kpi' row 2" in problem.message


@pytest.mark.parametrize("header, reason", [
    ("Child name", "name"), ("Date of birth", "date of birth"), ("Address", "address"), ("NHS number", "NHS"),
])
def test_a_personal_data_column_is_refused_with_the_reason(tmp_path, loaded_db, header, reason):
    record = audit()
    record[header] = "something personal"
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(record)})
    problem = the_error(refused(loaded_db, upload), sheet="audits", row=1, column=header)
    assert "personal data" in problem.message and reason in problem.message


def test_every_error_in_a_file_is_reported_not_just_the_first(tmp_path, loaded_db):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(
        audit(audit_id="A1", overall="Goood"), audit(audit_id="A2", team=None), audit(audit_id="A3", audit_date="31/02/2024"))})
    problems = refused(loaded_db, upload)
    assert {(p.row, p.column) for p in problems} >= {(2, "overall"), (3, "team"), (4, "audit_date")}


def test_one_bad_file_stops_every_file_of_the_upload(tmp_path, loaded_db):
    good = write_xlsx(tmp_path / "good.xlsx", {"audits": table(audit(audit_id="NEW-1"))})
    bad = write_xlsx(tmp_path / "bad.xlsx", {"audits": table(audit(audit_id="NEW-2", overall="Goood"))})
    before = snapshot(loaded_db)
    result = ingest([good, bad], loaded_db, "tester", today=TODAY)
    assert not result.loaded
    assert snapshot(loaded_db) == before


# ------------------------------------------------------------------------------ whole files --
def test_an_empty_file_is_refused(tmp_path):
    [problem] = refused(tmp_path / "qa.duckdb", b"", "audits.xlsx")
    assert "empty" in problem.message


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
], ids=["pdf", "png"])
def test_a_file_that_is_not_a_workbook_is_refused_whatever_its_name(tmp_path, content):
    [problem] = refused(tmp_path / "qa.duckdb", content, "audits.xlsx")
    assert "not an Excel workbook" in problem.message


def test_an_old_xls_workbook_is_refused_asking_for_xlsx(tmp_path):
    [problem] = refused(tmp_path / "qa.duckdb", OLE_MAGIC + bytes(1024), "audits.xls")
    assert ".xls" in problem.message and ".xlsx" in problem.message


def test_a_password_protected_workbook_is_refused_asking_to_remove_the_password(tmp_path):
    content = OLE_MAGIC + bytes(512) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    [problem] = refused(tmp_path / "qa.duckdb", content, "audits.xlsx")
    assert "password" in problem.message


def test_a_macro_enabled_workbook_is_refused(tmp_path):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    add_member(upload, "xl/vbaProject.bin", b"\x00" * 256)
    [problem] = refused(tmp_path / "qa.duckdb", upload.read_bytes(), "audits.xlsm")
    assert ".xlsm" in problem.message and "Macros are never run" in problem.message


def test_a_binary_workbook_is_refused(tmp_path):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    add_member(upload, "xl/workbook.bin", b"\x00" * 256)
    [problem] = refused(tmp_path / "qa.duckdb", upload.read_bytes(), "audits.xlsb")
    assert ".xlsb" in problem.message


def test_a_truncated_workbook_is_refused_as_damaged(tmp_path):
    whole = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())}).read_bytes()
    [problem] = refused(tmp_path / "qa.duckdb", whole[: len(whole) // 2], "audits.xlsx")
    assert "damaged" in problem.message


def test_a_zip_bomb_is_refused_without_being_opened(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_EXPANDED_BYTES", 2**20)
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    add_member(upload, "xl/media/padding.bin", b"\x00" * (3 * 2**20))
    assert upload.stat().st_size < 2**20 // 10, "the bomb should be small on disk"
    [problem] = refused(tmp_path / "qa.duckdb", upload)
    assert "expand" in problem.message


def test_a_sheet_with_too_many_rows_is_refused_naming_the_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 5)
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(*[audit(audit_id=f"A{i}") for i in range(10)])})
    problem = the_error(refused(tmp_path / "qa.duckdb", upload), sheet="audits")
    assert "limit" in problem.message


def test_a_csv_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 5)
    rows = table(*[audit(audit_id=f"A{i}") for i in range(10)])
    content = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows).encode()
    [problem] = refused(tmp_path / "qa.duckdb", content, "audits.csv")
    assert "limit" in problem.message


def test_a_workbook_without_a_recognised_sheet_is_refused_naming_the_sheets(tmp_path):
    upload = write_xlsx(tmp_path / "notes.xlsx", {"Notes": [["Minutes of the board"], ["Apologies", "none"]]})
    [problem] = refused(tmp_path / "qa.duckdb", upload)
    assert "'Notes'" in problem.message and "audits" in problem.message


def _formula_problem(problems):
    problem = the_error(problems, sheet="audits", row=2)
    assert problem.column in ("actions_agreed", "I")  # the header, or the letter Excel shows
    assert problem.value == "=1+1"
    assert "open the file in excel" in problem.message.lower() and "save" in problem.message
    return problem


def test_a_formula_written_by_a_program_that_does_not_calculate_asks_to_open_and_save_in_excel(tmp_path):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(actions_agreed="=1+1"))})
    written = zipfile.ZipFile(upload).read("xl/worksheets/sheet1.xml")
    assert b"<f>1+1</f><v />" in written or b"<f>1+1</f><v></v>" in written  # openpyxl with or without lxml
    _formula_problem(refused(tmp_path / "qa.duckdb", upload))


def test_a_formula_cell_with_no_value_element_asks_to_open_and_save_in_excel(tmp_path):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(actions_agreed="=1+1"))})
    rewrite_member(upload, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<f>1+1</f><v />", b"<f>1+1</f>").replace(b"<f>1+1</f><v></v>", b"<f>1+1</f>"))
    _formula_problem(refused(tmp_path / "qa.duckdb", upload))


def _give_formula_a_saved_value(sheet_xml: bytes) -> bytes:
    empty = b"<f>80+3</f><v />" if b"<f>80+3</f><v />" in sheet_xml else b"<f>80+3</f><v></v>"  # with or without lxml
    assert empty in sheet_xml, "openpyxl wrote the formula cell differently than expected"
    return sheet_xml.replace(empty, b"<f>80+3</f><v>83</v>")


def test_a_formula_with_a_saved_value_is_read_as_that_value(tmp_path):
    upload = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi(value="=80+3"))})
    rewrite_member(upload, "xl/worksheets/sheet1.xml", _give_formula_a_saved_value)
    db = tmp_path / "qa.duckdb"
    result = ingest([upload], db, "tester", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]
    assert query(db, "SELECT value FROM kpi_values") == [(83.0,)]


def test_the_annex_a_workbook_without_an_extract_date_is_refused_proposing_one(tmp_path):
    annex = SHARED_REFERENCE / "annex_a" / "Annex_A.xlsx"
    if not annex.is_file():
        pytest.skip("../shared/reference/annex_a/Annex_A.xlsx is not beside this clone")
    problems = refused(tmp_path / "qa.duckdb", annex)
    problem = the_error(problems, row=None, sheet="")
    assert "Annex A" in problem.message and "extract date" in problem.message
    assert "--as-at 2021-03-15" in problem.message  # the latest date in the file, proposed
    assert all(p.severity == ERROR for p in problems)
    # With its extract date it loads, reduced to indicators (tests/test_annex_a.py has the figures).
    result = ingest([annex], tmp_path / "qa.duckdb", "tester", today=TODAY, as_at=dt.date(2021, 3, 15))
    assert result.loaded, [p.line() for p in result.problems]


# --------------------------------------------------------------------- through the CLI --
def run_cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=60)


def test_the_command_line_refuses_a_bad_grade_with_exit_1_and_a_placed_line(tmp_path):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(), audit(audit_id="AUD-002", overall="Goood"))})
    db = tmp_path / "qa.duckdb"
    result = run_cli("ingest", upload, "--db", db)
    assert result.returncode == 1
    assert "audits:3:overall:" in result.stderr
    assert "Goood" in result.stderr
    assert not db.exists()


def test_the_command_line_json_lists_each_error_with_its_place(tmp_path):
    upload = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(
        workforce(), workforce(team="Team B", agency_fte=12), workforce(team="Team C", children_allocated=-1))})
    db = tmp_path / "qa.duckdb"
    result = run_cli("ingest", upload, "--db", db, "--json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert isinstance(problems, list) and len(problems) == 2
    for problem in problems:
        assert {"sheet", "row", "column", "value", "message"} <= problem.keys()
    places = {(p["sheet"], p["row"], p["column"], p["value"]) for p in problems}
    assert places == {("workforce", 3, "agency_fte", "12"), ("workforce", 4, "children_allocated", "-1")}
    assert not db.exists()


def test_the_command_line_refuses_a_picture_named_xlsx_and_leaves_the_database_alone(tmp_path, loaded_db):
    picture = tmp_path / "audits.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    before = snapshot(loaded_db)
    result = run_cli("ingest", picture, "--db", loaded_db)
    assert result.returncode == 1
    assert "not an Excel workbook" in result.stderr
    assert snapshot(loaded_db) == before


def test_the_command_line_refuses_personal_data_naming_the_column(tmp_path):
    record = feedback()
    record["Child name"] = "someone"
    upload = write_xlsx(tmp_path / "feedback.xlsx", {"feedback": table(record)})
    result = run_cli("ingest", upload, "--db", tmp_path / "qa.duckdb")
    assert result.returncode == 1
    assert "feedback:1:Child name:" in result.stderr
    assert "personal data" in result.stderr
