"""Loading from the command line while the app runs: the next rerun shows the new data."""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard import store
from tests.conftest import REPO_ROOT, build_demo_database


def _audits_workbook(path: Path, count: int) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "audits"
    sheet.append(["audit_id", "audit_date", "team", "overall"])
    for n in range(count):
        sheet.append([f"LIVE-{n:03d}", "14/01/2026", "MASH", "Good"])
    book.save(path)
    return path


def _audit_count(app: AppTest) -> int:
    [table] = [df.value for df in app.dataframe if "dataset" in df.value.columns]
    return int(table.set_index("dataset").loc["Audits", "row_count"])


def test_a_command_line_load_shows_on_the_running_apps_next_rerun(tmp_path, monkeypatch):
    database = build_demo_database(tmp_path / "live.duckdb")
    monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    app.switch_page("app_pages/home.py")
    app.run()
    before = _audit_count(app)

    loaded = subprocess.run(
        [sys.executable, "-m", "qa_dashboard", "ingest", str(_audits_workbook(tmp_path / "more.xlsx", 7)),
         "--db", str(database)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr

    app.run()
    assert not app.exception
    assert _audit_count(app) == before + 7


def test_a_load_waits_for_a_reader_in_another_process_then_succeeds(tmp_path):
    database = build_demo_database(tmp_path / "busy.duckdb")
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print('open', flush=True); time.sleep(1.5); c.close()", str(database)],
        stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "open"
    loaded = subprocess.run(
        [sys.executable, "-m", "qa_dashboard", "ingest", str(_audits_workbook(tmp_path / "more.xlsx", 3)),
         "--db", str(database)], cwd=REPO_ROOT, capture_output=True, text=True)
    reader.wait()
    assert loaded.returncode == 0, loaded.stderr  # without the retry it fails on DuckDB's file lock
    with store.read_connection(database) as con:
        assert con.execute("SELECT count(*) FROM audits WHERE audit_id LIKE 'LIVE-%'").fetchall() == [(3,)]


def test_the_data_version_changes_with_every_load_and_undo(tmp_path):
    database = build_demo_database(tmp_path / "version.duckdb")
    first = store.data_version(database)
    subprocess.run([sys.executable, "-m", "qa_dashboard", "ingest", str(_audits_workbook(tmp_path / "a.xlsx", 1)),
                    "--db", str(database)], cwd=REPO_ROOT, check=True, capture_output=True)
    second = store.data_version(database)
    subprocess.run([sys.executable, "-m", "qa_dashboard", "undo", "--db", str(database)],
                   cwd=REPO_ROOT, check=True, capture_output=True)
    third = store.data_version(database)
    assert len({first, second, third}) == 3
