"""`python -m qa_dashboard` as a scheduled job or an officer runs it (DATA_CONTRACT section 6)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.workbooks import audit, snapshot, table, template_like_sheets, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, db_env: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QA_DASHBOARD_DB"}
    if db_env is not None:
        env["QA_DASHBOARD_DB"] = str(db_env)
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def workbook(tmp_path) -> Path:
    return write_xlsx(tmp_path / "may.xlsx", template_like_sheets())


def test_ingest_loads_a_good_file_and_prints_a_summary(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    result = run_cli("ingest", workbook, "--db", db, "--user", "a.officer")
    assert result.returncode == 0, result.stderr
    assert "may.xlsx: Loaded as load #1" in result.stdout
    assert "audits: 2 rows read, 2 added" in result.stdout
    assert db.exists()


def test_ingest_with_json_prints_what_each_file_changed(tmp_path, workbook):
    result = run_cli("ingest", workbook, "--db", tmp_path / "qa.duckdb", "--json")
    assert result.returncode == 0, result.stderr
    [summary] = json.loads(result.stdout)
    assert summary["file"] == "may.xlsx" and summary["upload_id"] == 1
    assert summary["datasets"]["audits"]["rows_added"] == 2


def test_ingesting_the_same_file_again_says_nothing_is_new(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    run_cli("ingest", workbook, "--db", db)
    before = snapshot(db)
    result = run_cli("ingest", workbook, "--db", db)
    assert result.returncode == 0
    assert "nothing new" in result.stdout
    assert snapshot(db) == before


def test_a_dry_run_checks_and_counts_without_creating_the_database(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    result = run_cli("ingest", workbook, "--db", db, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Would load" in result.stdout and "audits: 2 rows read, 2 added" in result.stdout
    assert not db.exists()
    assert not db.with_name(db.name + ".wal").exists()


def test_a_dry_run_against_a_database_changes_nothing_in_it(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    run_cli("ingest", write_xlsx(tmp_path / "april.xlsx", {"audits": table(audit(audit_id="APR-1"))}), "--db", db)
    before = snapshot(db)
    result = run_cli("ingest", workbook, "--db", db, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Would load" in result.stdout
    assert snapshot(db) == before


def test_ingest_of_a_file_that_does_not_exist_exits_1(tmp_path):
    result = run_cli("ingest", tmp_path / "missing.xlsx", "--db", tmp_path / "qa.duckdb")
    assert result.returncode == 1
    assert "no such file" in result.stderr


def test_undo_succeeds_then_exits_1_when_nothing_is_left(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    run_cli("ingest", workbook, "--db", db)
    first = run_cli("undo", "--db", db)
    assert first.returncode == 0, first.stderr
    assert "Undid load #1" in first.stdout
    second = run_cli("undo", "--db", db)
    assert second.returncode == 1
    assert "Nothing to undo" in second.stderr


def test_undo_without_a_database_exits_1_and_creates_none(tmp_path):
    db = tmp_path / "qa.duckdb"
    result = run_cli("undo", "--db", db)
    assert result.returncode == 1
    assert not db.exists()


def test_the_database_path_comes_from_qa_dashboard_db_when_db_is_not_given(tmp_path, workbook):
    db = tmp_path / "from-env.duckdb"
    loaded = run_cli("ingest", workbook, db_env=db)
    assert loaded.returncode == 0, loaded.stderr
    assert db.exists()
    undone = run_cli("undo", db_env=db)
    assert undone.returncode == 0, undone.stderr


def test_db_wins_over_the_environment_variable(tmp_path, workbook):
    chosen, ignored = tmp_path / "chosen.duckdb", tmp_path / "ignored.duckdb"
    result = run_cli("ingest", workbook, "--db", chosen, db_env=ignored)
    assert result.returncode == 0, result.stderr
    assert chosen.exists() and not ignored.exists()


def test_template_writes_the_blank_upload_workbook(tmp_path):
    if not (REPO_ROOT / "qa_dashboard" / "template.py").is_file():
        pytest.skip("qa_dashboard/template.py is not written yet (another engineer's work in progress)")
    out = tmp_path / "upload_template.xlsx"
    result = run_cli("template", out)
    assert result.returncode == 0, result.stderr
    names = {name.lower() for name in openpyxl.load_workbook(out).sheetnames}
    assert {"kpi", "audits", "workforce", "feedback", "teams", "actions", "readme"} <= names


def test_ingest_prints_no_terminal_escape_sequence_from_a_cell(tmp_path):
    # A header the dashboard does not know is quoted in a warning; here it would retitle the
    # terminal (OSC), clear the screen (CSI) and ring the bell, and the file is refused, so the
    # problems go to stderr.
    rows = [["period", "team", "children_allocated", "\x1b]0;owned\x07\x1b[2J\x9b31mextra\x07"], ["2024-05", "Hub", 100, "x"]]
    csv = tmp_path / "workforce.csv"
    csv.write_text("\n".join(",".join(map(str, row)) for row in rows) + "\n", encoding="utf-8")
    done = run_cli("ingest", csv, "--db", tmp_path / "qa.duckdb")
    assert done.returncode == 1
    assert "extra" in done.stderr and "social_worker_fte" in done.stderr
    for stream in (done.stdout, done.stderr):
        assert not any(c in stream for c in "\x1b\x07\x9b"), repr(stream)


@pytest.mark.parametrize("option, typed", [("--as-at", "2020-02-30"), ("--as-at", ""), ("--from", "last spring")])
def test_an_extract_date_that_is_not_a_date_is_a_sentence_and_exit_1(tmp_path, option, typed):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    db = tmp_path / "qa.duckdb"
    result = run_cli("ingest", str(upload), "--db", str(db), option, typed)
    assert result.returncode == 1 and "usage:" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr == (f"error: {option} {typed!r} is not a date written YYYY-MM-DD (for example 2021-03-15); "
                             "nothing was loaded.\n")
    assert not db.exists()
