"""The Upload page's logic without Streamlit (qa_dashboard/upload.py), the roles
(qa_dashboard/auth.py), the role check inside the write paths, starting an empty database,
and `python -m qa_dashboard hash-password`."""
import datetime as dt
import io
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from qa_dashboard import auth, exports, store, upload
from qa_dashboard.demo import DEMO_FILES
from qa_dashboard.ingest import ingest, undo
from tests.workbooks import TODAY, audit, counts, kpi, query, snapshot, table, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]


def xlsx_bytes(tmp_path: Path, sheets: dict, name: str = "upload.xlsx") -> upload.Upload:
    path = write_xlsx(tmp_path / name, sheets)
    return upload.Upload(name, path.read_bytes())


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo database, free to load into and undo."""
    copy = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, copy)
    return copy


@pytest.fixture(autouse=True)
def no_auth_in_the_environment(monkeypatch):
    monkeypatch.delenv(auth.PASSWORD_HASH_ENV, raising=False)
    monkeypatch.delenv(auth.UPLOADER_EMAILS_ENV, raising=False)


# ---------------------------------------------------------------------------- passwords --
def test_a_password_hash_verifies_its_own_password_only():
    stored = auth.hash_password("correct horse battery staple", iterations=1_000)
    assert auth.verify_password("correct horse battery staple", stored)
    assert not auth.verify_password("correct horse battery stapler", stored)
    assert not auth.verify_password("", stored)


def test_a_password_hash_is_salted_and_names_its_scheme_and_iterations():
    first = auth.hash_password("same password", iterations=1_000)
    second = auth.hash_password("same password", iterations=1_000)
    assert first != second
    scheme, iterations, salt, digest = first.split("$")
    assert (scheme, iterations) == ("pbkdf2_sha256", "1000")
    assert salt and digest


@pytest.mark.parametrize("stored", ["", "correct horse battery staple", "pbkdf2_sha256$x$y$z",
                                    "md5$1$c2FsdA==$aGFzaA==", "pbkdf2_sha256$1000$c2FsdA==$c2hvcnQ="])
def test_a_malformed_hash_never_verifies(stored):
    assert not auth.verify_password("correct horse battery staple", stored)


def test_hash_password_on_the_command_line_makes_a_hash_that_verifies():
    result = subprocess.run([sys.executable, "-m", "qa_dashboard", "hash-password", "--stdin"], cwd=REPO_ROOT,
                            input="a long enough uploader password\n", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    stored = result.stdout.strip()
    assert auth.verify_password("a long enough uploader password", stored)
    assert auth.PASSWORD_HASH_SECRET in result.stderr and auth.PASSWORD_HASH_ENV in result.stderr


def test_hash_password_refuses_a_short_password():
    result = subprocess.run([sys.executable, "-m", "qa_dashboard", "hash-password", "--stdin"], cwd=REPO_ROOT,
                            input="short\n", capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""


# ------------------------------------------------------------------------ configuration --
def test_with_nothing_configured_the_dashboard_is_open_and_everyone_may_upload():
    config = auth.config_from({}, {})
    assert config.mode == auth.OPEN
    assert auth.role_for(config) == auth.UPLOADER


def test_a_password_hash_in_secrets_or_the_environment_turns_on_the_password():
    stored = auth.hash_password("x" * 12, iterations=1_000)
    assert auth.config_from({auth.PASSWORD_HASH_SECRET: stored}, {}).mode == auth.PASSWORD
    from_env = auth.config_from({}, {auth.PASSWORD_HASH_ENV: stored})
    assert (from_env.mode, from_env.password_hash) == (auth.PASSWORD, stored)


def test_with_a_password_a_session_is_a_reader_until_it_signs_in():
    stored = auth.hash_password("x" * 12, iterations=1_000)
    config = auth.config_from({auth.PASSWORD_HASH_SECRET: stored}, {})
    assert auth.role_for(config) == auth.READER
    assert auth.role_for(config, signed_in_fingerprint=auth.password_fingerprint(stored)) == auth.UPLOADER


def test_changing_the_password_signs_everyone_out():
    old = auth.hash_password("old password 123", iterations=1_000)
    new = auth.hash_password("new password 456", iterations=1_000)
    config = auth.config_from({auth.PASSWORD_HASH_SECRET: new}, {})
    assert auth.role_for(config, signed_in_fingerprint=auth.password_fingerprint(old)) == auth.READER


def test_with_single_sign_on_only_listed_emails_upload():
    config = auth.config_from({"auth": {"client_id": "x"}, auth.UPLOADER_EMAILS_SECRET: ["QA.Officer@council.gov.uk"]},
                              {auth.UPLOADER_EMAILS_ENV: "second@council.gov.uk, "})
    assert config.mode == auth.OIDC
    assert auth.role_for(config, logged_in=True, email="qa.officer@council.gov.uk") == auth.UPLOADER
    assert auth.role_for(config, logged_in=True, email="second@council.gov.uk") == auth.UPLOADER
    assert auth.role_for(config, logged_in=True, email="councillor@council.gov.uk") == auth.READER
    assert auth.role_for(config, logged_in=False, email="qa.officer@council.gov.uk") == auth.READER


def test_single_sign_on_without_a_list_lets_nobody_upload_in_the_browser():
    config = auth.config_from({"auth": {"client_id": "x"}}, {})
    assert auth.role_for(config, logged_in=True, email="anyone@council.gov.uk") == auth.READER


def test_a_secrets_file_that_cannot_be_read_fails_closed():
    config = auth.config_from({}, {}, secrets_unreadable=True)
    assert auth.role_for(config) == auth.READER


# ------------------------------------------------------------------ the role is checked --
def test_ingest_refuses_a_reader_and_writes_nothing(tmp_path):
    db = tmp_path / "qa.duckdb"
    workbook = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    with pytest.raises(PermissionError):
        ingest([workbook], db, "board member", today=TODAY, role=auth.READER)
    with pytest.raises(PermissionError):
        ingest([workbook], db, "board member", today=TODAY, dry_run=True, role=auth.READER)
    assert not db.exists()


def test_undo_refuses_a_reader(demo_copy):
    before = snapshot(demo_copy)
    with pytest.raises(PermissionError):
        undo(demo_copy, role=auth.READER)
    assert snapshot(demo_copy) == before


def test_the_command_line_and_scripts_count_as_uploaders(tmp_path):
    db = tmp_path / "qa.duckdb"
    workbook = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    assert ingest([workbook], db, "shell user", today=TODAY).loaded
    assert undo(db)["file_name"] == "audits.xlsx"
    assert ingest([workbook], db, "officer", today=TODAY, role=auth.UPLOADER).loaded


def test_the_page_helpers_pass_the_role_on(tmp_path):
    db = tmp_path / "qa.duckdb"
    files = [xlsx_bytes(tmp_path, {"audits": table(audit())})]
    with pytest.raises(PermissionError):
        upload.check(files, db, "board member", auth.READER, today=TODAY)
    with pytest.raises(PermissionError):
        upload.load(files, db, "board member", auth.READER, today=TODAY)
    with pytest.raises(PermissionError):
        upload.start_for_real(db, auth.READER)
    assert not db.exists()


# ----------------------------------------------------------------- check, then load --
def test_checking_writes_nothing_and_counts_what_the_load_then_does(tmp_path, demo_copy):
    [existing_id] = query(demo_copy, "SELECT audit_id FROM audits ORDER BY audit_id LIMIT 1")[0]
    files = [xlsx_bytes(tmp_path, {"audits": table(
        audit(audit_id="UPL-001"), audit(audit_id="UPL-002", overall="Outstanding"),
        audit(audit_id=existing_id, overall="Inadequate", audit_date="15/01/2026", team="Assessment Team 1"))})]
    before = snapshot(demo_copy)
    checked = upload.check(files, demo_copy, "officer", auth.UPLOADER, today=dt.date(2026, 3, 31))
    assert snapshot(demo_copy) == before
    assert checked.ok and checked.may_load(warnings_read=False)
    [row] = upload.preview_frame(checked).to_dict("records")
    assert (row["Data"], row["Rows read"], row["Rows to add"], row["Earlier rows superseded"]) == ("audits", 3, 3, 1)
    assert (row["From"], row["To"]) == ("Apr 2024", "Jan 2026")

    loaded = upload.load(files, demo_copy, "officer", auth.UPLOADER, today=dt.date(2026, 3, 31))
    assert loaded.loaded
    [after] = upload.preview_frame(loaded).to_dict("records")
    assert (after["Rows to add"], after["Earlier rows superseded"]) == (3, 1)
    assert query(demo_copy, "SELECT overall FROM audits WHERE audit_id = ?", [existing_id]) == [("Inadequate",)]
    assert "loaded as load 7" in upload.file_sentence(loaded.files[0], dry_run=False)


def test_a_check_against_no_database_creates_none(tmp_path):
    db = tmp_path / "qa.duckdb"
    checked = upload.check([xlsx_bytes(tmp_path, {"audits": table(audit())})], db, "officer", auth.UPLOADER, today=TODAY)
    assert upload.preview_frame(checked)["Rows to add"].tolist() == [1]
    assert not db.exists()


def test_a_file_with_errors_cannot_be_loaded_whatever_is_ticked(tmp_path, demo_copy):
    files = [xlsx_bytes(tmp_path, {"audits": table(audit(overall="Good or better"), audit(audit_id="X-2", team=None))})]
    checked = upload.check(files, demo_copy, "officer", auth.UPLOADER, today=TODAY)
    assert not checked.ok
    assert not checked.may_load(warnings_read=True)
    assert len(checked.errors) == 2
    assert "Rows to add" not in upload.preview_frame(checked).columns  # not counted: no column of blanks, never 0
    assert upload.preview_frame(checked)["Rows read"].tolist() == [2]
    assert "refused" in upload.file_sentence(checked.files[0], dry_run=True)


def test_one_bad_file_keeps_the_good_one_out_too(tmp_path, demo_copy):
    good = xlsx_bytes(tmp_path, {"audits": table(audit(audit_id="GOOD-1"))}, "good.xlsx")
    bad = xlsx_bytes(tmp_path, {"audits": table(audit(audit_id="BAD-1", overall="Brilliant"))}, "bad.xlsx")
    checked = upload.check([good, bad], demo_copy, "officer", auth.UPLOADER, today=TODAY)
    assert not checked.may_load(warnings_read=True)
    assert [f.ok for f in checked.files] == [True, False]


def test_warnings_need_the_officer_to_say_they_were_read(tmp_path, demo_copy):
    files = [xlsx_bytes(tmp_path, {"kpi": table(kpi(indicator="Family group conferences held", value=12, period="2026-03"))})]
    checked = upload.check(files, demo_copy, "officer", auth.UPLOADER, today=dt.date(2026, 3, 31))
    assert checked.ok and len(checked.warnings) == 1
    assert not checked.may_load(warnings_read=False)
    assert checked.may_load(warnings_read=True)


def test_a_file_already_loaded_offers_nothing_to_load(demo_copy):
    demo_file = REPO_ROOT / "data" / "demo" / "audits.xlsx"
    checked = upload.check([upload.Upload("audits.xlsx", demo_file.read_bytes())], demo_copy, "officer", auth.UPLOADER)
    assert checked.ok and not checked.anything_new
    assert not checked.may_load(warnings_read=True)
    assert "nothing new" in upload.file_sentence(checked.files[0], dry_run=True)


def test_a_file_over_the_limit_is_refused_without_being_read(tmp_path, demo_copy):
    huge = upload.Upload("huge.csv", b"audit_id,audit_date\n" + b"x" * (upload.UPLOAD_LIMIT_MB * 2**20 + 1))
    checked = upload.check([huge], demo_copy, "officer", auth.UPLOADER)
    [error] = checked.errors
    assert "above the 50 MB limit" in error.message and error.file == "huge.csv"
    assert not checked.may_load(warnings_read=True)


def test_a_file_that_is_not_a_workbook_is_judged_by_its_content_not_its_name(tmp_path, demo_copy):
    disguised = upload.Upload("audits.xlsx", b"%PDF-1.7 not a spreadsheet")
    [error] = upload.check([disguised], demo_copy, "officer", auth.UPLOADER).errors
    assert "not an Excel workbook" in error.message


# ------------------------------------------------------------------------ the error list --
def test_the_error_list_downloads_as_a_workbook_with_every_error(tmp_path, demo_copy):
    files = [xlsx_bytes(tmp_path, {"audits": table(audit(overall="Good or better"), audit(audit_id="=HYPERLINK(1)", overall="Great"))},
                        "may audits.xlsx")]
    checked = upload.check(files, demo_copy, "officer", auth.UPLOADER, today=TODAY)
    book = openpyxl.load_workbook(io.BytesIO(upload.problems_xlsx(checked.errors, checked.warnings)))
    assert book.sheetnames == ["errors to fix"]
    rows = list(book["errors to fix"].iter_rows(values_only=True))
    assert rows[0] == tuple(upload.PROBLEM_COLUMNS)
    assert len(rows) - 1 == len(checked.errors) >= 2
    assert sorted(rows[1:], key=repr) == sorted(
        [(p.file, p.sheet, p.row, p.column, exports.neutralise(p.value) or None, p.message) for p in checked.errors], key=repr)
    assert ("may audits.xlsx", "audits", 2, "overall", "Good or better") in [r[:5] for r in rows[1:]]
    assert not any(isinstance(v, str) and v.startswith("=") for r in rows for v in r)  # formulas neutralised


def test_the_problems_table_has_a_blank_row_for_a_whole_file_problem():
    problem = upload.Problem(sheet="", row=None, column="", value="", message="The file is empty.", file="x.csv")
    frame = upload.problems_frame([problem])
    assert frame.columns.tolist() == upload.PROBLEM_COLUMNS
    assert pd.isna(frame.loc[0, "Row"])


# ------------------------------------------------------------------- downloads, effects --
def test_the_demo_extracts_zip_holds_every_demo_file_and_never_changes():
    first = upload.demo_extracts_zip()
    assert first == upload.demo_extracts_zip()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == list(DEMO_FILES)
        assert archive.read("feedback.csv") == (REPO_ROOT / "data" / "demo" / "feedback.csv").read_bytes()


def test_the_effect_table_shows_rows_before_and_after():
    before = pd.DataFrame({"dataset": ["Teams", "Audits"], "row_count": [3, 10], "latest_month": ["", ""]})
    after = pd.DataFrame({"dataset": ["Teams", "Audits"], "row_count": [3, 7], "latest_month": ["", ""]})
    effect = upload.effect_frame(before, after)
    assert effect.to_dict("records") == [{"Data": "Teams", "Rows before": 3, "Rows now": 3, "Change": 0},
                                         {"Data": "Audits", "Rows before": 10, "Rows now": 7, "Change": -3}]


def test_the_undo_sentence_says_what_was_removed_and_restored():
    text = upload.undo_sentence({"upload_id": 7, "file_name": "may.xlsx", "loaded_at": dt.datetime(2026, 5, 3, 9, 30),
                                 "rows_added": 1200, "rows_superseded": 4})
    assert text == ("Undid load 7 (may.xlsx, loaded 03 May 2026 at 09:30): removed the 1,200 rows it added "
                    "and restored the 4 it had superseded.")


# -------------------------------------------------------------------- starting for real --
def test_starting_for_real_backs_up_the_demo_and_leaves_an_empty_database(demo_copy):
    demo_counts = counts(demo_copy)
    version = store.data_version(demo_copy)
    backup = upload.start_for_real(demo_copy, auth.UPLOADER, now=dt.datetime(2026, 4, 1, 9, 5, 7))
    assert backup == demo_copy.parent / "backups" / "qa-20260401-090507.duckdb"
    assert counts(backup) == demo_counts
    assert set(counts(demo_copy).values()) == {0}
    assert not store.is_demo(demo_copy) and store.is_demo(backup)
    assert store.data_version(demo_copy) != version


def test_two_starts_in_one_second_keep_both_backups(demo_copy):
    moment = dt.datetime(2026, 4, 1, 9, 5, 7)
    first = upload.start_for_real(demo_copy, auth.UPLOADER, now=moment)
    second = upload.start_for_real(demo_copy, auth.UPLOADER, now=moment)
    assert first != second and first.exists() and second.exists()


def test_starting_for_real_with_no_database_just_creates_one(tmp_path):
    db = tmp_path / "qa.duckdb"
    assert upload.start_for_real(db, auth.UPLOADER) is None
    assert store.exists(db) and not store.is_demo(db)


def test_starting_for_real_waits_for_another_process_to_finish_writing(demo_copy):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time\n"
        f"con = duckdb.connect({str(demo_copy)!r})\n"
        "print('holding', flush=True)\n"
        "time.sleep(1.5)\n"
        "con.close()\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    backup = upload.start_for_real(demo_copy, auth.UPLOADER)
    assert time.monotonic() - started > 0.5
    holder.wait(timeout=10)
    assert counts(backup)["audits"] > 0
    assert counts(demo_copy)["audits"] == 0
    with duckdb.connect(str(demo_copy), read_only=True) as con:  # the new file is a sound database
        assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(0,)]
