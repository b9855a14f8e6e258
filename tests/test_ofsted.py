"""Ofsted's ILACS overview: recognised by its columns, loaded as one row per authority into the
`ofsted_judgements` view, refused naming row and column when a grade or a code is wrong, and
shown on the Overview and the pack's cover. The real overview in ../shared/reference is read
here with openpyxl, independently of the dashboard's reader."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard.benchmarks.authority import set_authority
from qa_dashboard.ingest import ingest, undo
from tests.conftest import REPO_ROOT, build_demo_database
from tests.workbooks import query, write_csv, write_xlsx

HEADER = ["urn", "la_code", "region_code", "ltla23cd", "local_authority", "overall_effectiveness_grade",
          "inspection_framework", "inspector_name", "inspection_start_date", "inspection_end_date", "publication_date"]
# A small statistical-neighbour model: the authorities a test database knows.
MODEL = [["old_la_code", "la_name", "region_name", "SN_1", "SN_1P", "SN_2", "SN_2P"],
         ["370", "Barnsley", "Yorkshire and The Humber", "371", "Very close", "372", "Close"],
         ["371", "Doncaster", "Yorkshire and The Humber", "370", "Very close", "372", "Close"],
         ["372", "Rotherham", "Yorkshire and The Humber", "370", "Very close", "371", "Close"]]
ROWS = [["1", "370", "YH", "E08000016", "barnsley", "good", "short", "A. Inspector", "11/09/2023", "15/09/2023", "27/10/23"],
        ["2", "371", "YH", "E08000017", "doncaster", "requires improvement", "standard", "B. Inspector", "20/01/2025",
         "31/01/2025", "18/03/25"],
        ["3", "372", "YH", "E08000018", "rotherham", "outstanding", "short", "C. Inspector", "06/11/2023", "10/11/2023",
         "12/01/24"]]


def overview_file(path: Path, rows=ROWS) -> Path:
    return write_xlsx(path, {"ofsted_cs_inspections_overview": [HEADER, *rows]})


@pytest.fixture
def known_db(tmp_path) -> Path:
    """A database knowing three authorities (from DfE's neighbour model) and set to Barnsley."""
    db = tmp_path / "known.duckdb"
    assert ingest([write_csv(tmp_path / "sn_model.csv", MODEL)], db, user="test").loaded
    set_authority(db, "370")
    return db


def refused(result) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.value) for p in result.errors]


def test_the_overview_is_loaded_one_row_per_authority_without_inspectors(known_db, tmp_path):
    result = ingest([overview_file(tmp_path / "ilacs.xlsx")], known_db, user="test")
    assert result.loaded, [p.line() for p in result.problems]
    rows = query(known_db, "SELECT old_la_code, la_name, overall_effectiveness, inspection_start, inspection_end, "
                           "published, framework FROM ofsted_judgements ORDER BY old_la_code")
    assert rows == [
        ("370", "Barnsley", "Good", dt.date(2023, 9, 11), dt.date(2023, 9, 15), dt.date(2023, 10, 27), "Short inspection"),
        ("371", "Doncaster", "Requires improvement to be good", dt.date(2025, 1, 20), dt.date(2025, 1, 31),
         dt.date(2025, 3, 18), "Standard inspection"),
        ("372", "Rotherham", "Outstanding", dt.date(2023, 11, 6), dt.date(2023, 11, 10), dt.date(2024, 1, 12),
         "Short inspection")]
    everything = " ".join(str(v) for row in query(known_db, "SELECT * FROM ofsted_rows") for v in row)
    assert "Inspector" not in everything


def test_an_unknown_grade_is_refused_naming_row_and_column_and_nothing_is_written(known_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][5] = "Mostly fine"
    result = ingest([overview_file(tmp_path / "ilacs.xlsx", rows)], known_db, user="test")
    assert not result.loaded
    assert refused(result) == [("ofsted_cs_inspections_overview", 3, "overall_effectiveness_grade", "Mostly fine")]
    assert "Requires improvement to be good" in result.errors[0].message
    assert query(known_db, "SELECT count(*) FROM ofsted_rows") == [(0,)]
    assert query(known_db, "SELECT count(*) FROM upload_log") == [(1,)]


def test_a_code_no_authority_has_is_refused_naming_row_and_column_and_nothing_is_written(known_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][1] = "999"
    result = ingest([overview_file(tmp_path / "ilacs.xlsx", rows)], known_db, user="test")
    assert not result.loaded
    assert refused(result) == [("ofsted_cs_inspections_overview", 4, "la_code", "999")]
    assert query(known_db, "SELECT count(*) FROM ofsted_rows") == [(0,)]
    assert query(known_db, "SELECT count(*) FROM upload_log") == [(1,)]


def test_an_ons_code_no_authority_has_had_is_refused_when_the_old_code_is_blank(known_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][1] = ""
    rows[0][3] = "E08000099"
    result = ingest([overview_file(tmp_path / "ilacs.xlsx", rows)], known_db, user="test")
    assert refused(result) == [("ofsted_cs_inspections_overview", 2, "ltla23cd", "E08000099")]


def test_a_blank_grade_is_no_grade_never_a_grade(known_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][5] = "nan"
    assert ingest([overview_file(tmp_path / "ilacs.xlsx", rows)], known_db, user="test").loaded
    assert query(known_db, "SELECT overall_effectiveness FROM ofsted_judgements WHERE old_la_code = '370'") == [(None,)]


def test_loading_the_same_file_again_changes_nothing_and_undo_takes_it_out(known_db, tmp_path):
    path = overview_file(tmp_path / "ilacs.xlsx")
    assert ingest([path], known_db, user="test").loaded
    again = ingest([path], known_db, user="test")
    assert again.files[0].nothing_new and again.files[0].upload_id is None
    assert undo(known_db)["file_name"] == "ilacs.xlsx"
    assert query(known_db, "SELECT count(*) FROM ofsted_judgements") == [(0,)]


def test_a_newer_overview_supersedes_the_authorities_it_changes(known_db, tmp_path):
    assert ingest([overview_file(tmp_path / "ilacs.xlsx")], known_db, user="test").loaded
    rows = [list(r) for r in ROWS]
    rows[1][5:7] = ["good", "short"]
    rows[1][8:11] = ["02/03/2026", "06/03/2026", "20/04/26"]
    newer = ingest([overview_file(tmp_path / "ilacs-newer.xlsx", rows)], known_db, user="test")
    assert (newer.files[0].rows_added, newer.files[0].rows_superseded) == (1, 1)
    assert query(known_db, "SELECT overall_effectiveness, inspection_start FROM ofsted_judgements "
                           "WHERE old_la_code = '371'") == [("Good", dt.date(2026, 3, 2))]
    undo(known_db)
    assert query(known_db, "SELECT overall_effectiveness FROM ofsted_judgements WHERE old_la_code = '371'") == \
        [("Requires improvement to be good",)]


def test_the_check_counts_the_files_authorities_by_grade(tmp_path):
    from qa_dashboard.ingest import check_file

    path = overview_file(tmp_path / "ilacs.xlsx")
    check = check_file(path.name, path.read_bytes())
    assert check.ofsted["grades"] == {"Outstanding": 1, "Good": 1, "Requires improvement to be good": 1,
                                      "Inadequate": 0, "No overall grade": 0}


def test_the_overview_is_recognised_by_its_columns_as_a_csv_too(known_db, tmp_path):
    result = ingest([write_csv(tmp_path / "inspections.csv", [HEADER, *ROWS])], known_db, user="test")
    assert result.loaded, [p.line() for p in result.problems]
    assert query(known_db, "SELECT count(*) FROM ofsted_judgements") == [(3,)]


def judged(db: Path):
    from qa_dashboard import inspections
    from qa_dashboard.queries import queries

    return inspections.judgements(queries.run("ofsted_judgements", db))


def test_an_authority_missing_from_the_file_is_said_not_inspected_under_ilacs(known_db, tmp_path):
    assert ingest([overview_file(tmp_path / "ilacs.xlsx", ROWS[1:])], known_db, user="test").loaded
    assert judged(known_db).headline.startswith("Barnsley is not in the Ofsted file loaded")
    assert "not inspected under ILACS" in judged(known_db).headline


def test_a_row_without_an_inspection_says_not_inspected_under_ilacs(known_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][5:7] = ["", ""]
    rows[0][8:11] = ["", "", ""]
    assert ingest([overview_file(tmp_path / "ilacs.xlsx", rows)], known_db, user="test").loaded
    assert judged(known_db).headline == "Barnsley has not been inspected under ILACS, as the Ofsted file loaded says."


def test_the_neighbours_are_counted_by_grade_and_named_closest_first(known_db, tmp_path):
    assert ingest([overview_file(tmp_path / "ilacs.xlsx")], known_db, user="test").loaded
    found = judged(known_db)
    assert list(zip(found.neighbours["Neighbour"], found.neighbours["Overall effectiveness"])) == [
        ("Doncaster", "Requires improvement to be good"), ("Rotherham", "Outstanding")]
    counts = dict(zip(found.counts["Overall effectiveness"], found.counts["Statistical neighbours"]))
    assert counts == {"Outstanding": 1, "Good": 0, "Requires improvement to be good": 1, "Inadequate": 0}


def test_the_region_counts_every_authority_of_the_region_itself_included(known_db, tmp_path):
    assert ingest([overview_file(tmp_path / "ilacs.xlsx")], known_db, user="test").loaded
    found = judged(known_db)
    region = dict(zip(found.counts["Overall effectiveness"], found.counts["Yorkshire and The Humber (all its authorities)"]))
    assert region == {"Outstanding": 1, "Good": 1, "Requires improvement to be good": 1, "Inadequate": 0}
    assert found.notes[1] == ("Yorkshire and The Humber's authorities, Barnsley included: 1 outstanding; 1 good; "
                              "1 requires improvement to be good (of 3).")


def test_without_an_ofsted_file_the_block_says_so(known_db):
    assert judged(known_db).headline.startswith("No Ofsted file is loaded.")


# ----------------------------------------------------------------------- the real overview --
def reference_overview(shared_reference: Path) -> Path:
    path = shared_reference / "ofsted_csc_ilacs_overview.xlsx"
    if not path.is_file():
        pytest.skip("../shared/reference/ofsted_csc_ilacs_overview.xlsx is not beside this clone")
    return path


def read_independently(path: Path) -> dict[str, dict]:
    """The overview's rows by la_code, read with openpyxl: grade and dates as written."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    return {str(row[header.index("la_code")]): dict(zip(header, row)) for row in rows}


@pytest.fixture(scope="module")
def reference_db(tmp_path_factory, shared_reference) -> Path:
    """The demo database with DfE's published files and the real overview loaded, set to Barnsley."""
    overview = reference_overview(shared_reference)
    db = build_demo_database(tmp_path_factory.mktemp("ofsted") / "reference.duckdb")
    result = ingest([*sorted((shared_reference / "dfe").glob("*.csv")), overview], db, user="test")
    assert result.loaded, [p.line() for p in result.errors]
    set_authority(db, "Barnsley")
    return db


def written_date(text: str) -> dt.date:
    day, month, year = (int(part) for part in text.split("/"))
    return dt.date(year + 2000 if year < 100 else year, month, day)


@pytest.mark.parametrize("la_code", ["370", "942", "943", "304", "420", "201"])
def test_the_real_overviews_grades_and_dates_are_in_the_view(reference_db, shared_reference, la_code):
    row = read_independently(reference_overview(shared_reference))[la_code]
    grade = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement to be good",
             "inadequate": "Inadequate", "nan": None}[row["overall_effectiveness_grade"]]
    assert query(reference_db, "SELECT overall_effectiveness, inspection_start, inspection_end, published "
                               "FROM ofsted_judgements WHERE old_la_code = ?", [la_code]) == [
        (grade, written_date(row["inspection_start_date"]), written_date(row["inspection_end_date"]),
         written_date(row["publication_date"]))]


def test_every_authority_of_the_real_overview_is_matched_to_one_dfe_knows(reference_db, shared_reference):
    assert len(read_independently(reference_overview(shared_reference))) == 153
    assert query(reference_db, "SELECT count(*), count(region_name) FROM ofsted_judgements") == [(153, 153)]


def test_no_inspectors_name_from_the_real_overview_is_stored(reference_db, shared_reference):
    names = {row["inspector_name"] for row in read_independently(reference_overview(shared_reference)).values()
             if row["inspector_name"] not in (None, "None", "nan")}
    assert len(names) > 10
    stored = " ".join(str(v) for row in query(reference_db, "SELECT * FROM ofsted_rows") for v in row).lower()
    assert not [name for name in names if name and name.lower() in stored]


def test_the_overview_page_shows_the_judgement_and_the_neighbours(reference_db, shared_reference, monkeypatch):
    monkeypatch.setenv("QA_DASHBOARD_DB", str(reference_db))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    assert "Ofsted's judgements" in [h.value for h in app.header]
    text = " ".join(t.value for t in app.text)
    assert ("Barnsley: Good. Ofsted's latest judgement, from its short inspection of 11 to 15 September 2023; "
            "report published 27 October 2023.") in text
    neighbours = query(reference_db, "SELECT neighbour_old_code FROM statistical_neighbours n WHERE n.old_la_code = "
                                     "'370' AND superseded_by IS NULL ORDER BY rank")
    table = next(frame.value for frame in app.dataframe if "Neighbour" in frame.value.columns)
    grades = read_independently(reference_overview(shared_reference))
    expected = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement to be good",
                "inadequate": "Inadequate"}
    assert list(table["Overall effectiveness"]) == [expected[grades[code]["overall_effectiveness_grade"]]
                                                    for (code,) in neighbours]
    assert "Yorkshire and The Humber's authorities, Barnsley included:" in text


def test_the_overview_says_when_no_ofsted_file_is_loaded(demo_db, monkeypatch):
    monkeypatch.setenv("QA_DASHBOARD_DB", str(demo_db))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    assert any(t.value.startswith("No Ofsted file is loaded.") for t in app.text)


def test_the_packs_cover_gives_the_judgement_and_the_counts(reference_db, tmp_path):
    out = tmp_path / "pack.docx"
    made = subprocess.run([sys.executable, "-m", "qa_dashboard", "pack", str(out), "--db", str(reference_db),
                           "--sections", "overview"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    cover = paragraphs[:paragraphs.index("Summary")] if "Summary" in paragraphs else paragraphs
    assert "Ofsted's judgements" in cover
    assert any(p.startswith("Barnsley: Good. Ofsted's latest judgement") for p in cover)
    counts = next(t for t in document.tables if t.rows[0].cells[0].text == "Overall effectiveness")
    region = {row.cells[0].text: row.cells[2].text for row in counts.rows[1:]}
    expected = query(reference_db, "SELECT overall_effectiveness, count(*) FROM ofsted_judgements "
                                   "WHERE region_name = 'Yorkshire and The Humber' GROUP BY ALL")
    assert {grade: str(n) for grade, n in expected if grade} == {g: n for g, n in region.items() if n != "0"}


def test_the_upload_pages_preview_counts_the_files_authorities_by_grade(known_db, tmp_path, monkeypatch):
    from qa_dashboard import auth

    monkeypatch.delenv(auth.PASSWORD_HASH_ENV, raising=False)
    monkeypatch.delenv(auth.UPLOADER_EMAILS_ENV, raising=False)
    monkeypatch.setenv("QA_DASHBOARD_DB", str(known_db))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    app.secrets["qa_dashboard_tests"] = "yes"
    app.run()
    app.switch_page("app_pages/upload.py").run()
    data = overview_file(tmp_path / "ilacs.xlsx").read_bytes()
    app.file_uploader[0].set_value(("ilacs.xlsx", data, "application/vnd.openxmlformats-officedocument."
                                                        "spreadsheetml.sheet")).run()
    assert not app.exception, app.exception
    assert "Ofsted ILACS overview: 3 authorities, by overall effectiveness" in [s.value for s in app.subheader]
    grades = next(f.value for f in app.dataframe if "Authorities" in f.value.columns)
    assert dict(zip(grades["Overall effectiveness"], grades["Authorities"])) == {
        "Outstanding": 1, "Good": 1, "Requires improvement to be good": 1, "Inadequate": 0, "No overall grade": 0}
    assert query(known_db, "SELECT count(*) FROM ofsted_rows") == [(0,)]
