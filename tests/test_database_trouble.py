"""A database in trouble (cut short, on a read-only disk, on a full disk, held by another
process) gets one plain sentence on the command line and on every page: no traceback, no
path, and the file stays byte for byte as it was."""

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard import cli, store


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(repo_root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *args], cwd=repo_root,
                          capture_output=True, text=True, timeout=120)


def assert_said_plainly(result: subprocess.CompletedProcess, sentence: str, folder: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert result.stderr.strip() == f"error: {sentence}"
    assert "Traceback" not in output and str(folder) not in output and "duckdb" not in output.lower()


@pytest.fixture
def cut_in_half(demo_db: Path, tmp_path: Path) -> Path:
    damaged = tmp_path / "qa.duckdb"
    shutil.copyfile(demo_db, damaged)
    with open(damaged, "r+b") as handle:
        handle.truncate(damaged.stat().st_size // 2)
    return damaged


def mount_or_skip(*command: str) -> None:
    result = subprocess.run(["mount", *command], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"this machine does not let the tests mount a file system ({result.stderr.strip()})")


@pytest.fixture
def mount_point(tmp_path: Path):
    """A folder to mount on, unmounted after the test whatever happens."""
    point = tmp_path / "mounted"
    point.mkdir()
    yield point
    subprocess.run(["umount", str(point)], capture_output=True)


@pytest.mark.parametrize("command", [["undo"], ["ingest", "data/demo/kpi.xlsx"],
                                     ["ingest", "--dry-run", "data/demo/kpi.xlsx"]])
def test_a_database_cut_in_half_is_said_plainly_and_left_as_it_was(repo_root, cut_in_half, command):
    before = fingerprint(cut_in_half)
    result = run_cli(repo_root, *command, "--db", str(cut_in_half))
    assert_said_plainly(result, store.DAMAGED, cut_in_half.parent)
    assert fingerprint(cut_in_half) == before


def test_a_file_that_is_not_a_database_is_said_plainly(repo_root, tmp_path):
    not_a_database = tmp_path / "qa.duckdb"
    not_a_database.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a database" * 40)
    before = fingerprint(not_a_database)
    assert_said_plainly(run_cli(repo_root, "undo", "--db", str(not_a_database)), store.DAMAGED, tmp_path)
    assert fingerprint(not_a_database) == before


def test_a_database_on_a_read_only_disk_is_said_plainly(repo_root, demo_db, tmp_path, mount_point):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copyfile(demo_db, source / "qa.duckdb")
    mount_or_skip("--bind", str(source), str(mount_point))
    mount_or_skip("-o", "remount,ro,bind", str(mount_point))
    database = mount_point / "qa.duckdb"
    before = fingerprint(database)
    assert_said_plainly(run_cli(repo_root, "undo", "--db", str(database)), store.READ_ONLY, tmp_path)
    assert_said_plainly(run_cli(repo_root, "ingest", "data/demo/kpi.xlsx", "--db", str(database)),
                        store.READ_ONLY, tmp_path)
    assert fingerprint(database) == before
    assert sorted(p.name for p in mount_point.iterdir()) == ["qa.duckdb"]


def test_a_full_disk_names_the_full_disk_and_leaves_the_database_as_it_was(repo_root, demo_db, mount_point):
    size_kb = demo_db.stat().st_size // 1024 + 1024
    mount_or_skip("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount_point))
    database = mount_point / "qa.duckdb"
    shutil.copyfile(demo_db, database)
    with open(mount_point / "filler", "wb") as filler:  # take every byte that is left
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass
    before = fingerprint(database)
    result = run_cli(repo_root, "undo", "--db", str(database))
    assert_said_plainly(result, store.DISK_FULL, mount_point)
    assert "rollback" not in result.stderr
    assert fingerprint(database) == before


@pytest.fixture
def held_by_another_process(demo_db: Path, tmp_path: Path):
    """Another process holds the database read-write (as a long load does) until the test ends."""
    database = tmp_path / "qa.duckdb"
    shutil.copyfile(demo_db, database)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(database)!r})\nprint('held', flush=True)\ntime.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    yield database
    holder.kill()
    holder.wait()


def test_a_writer_holding_the_file_past_the_wait_is_said_plainly(held_by_another_process, monkeypatch, capsys):
    monkeypatch.setattr(store, "WAIT_SECONDS", 1.0)
    before = fingerprint(held_by_another_process)
    started = time.monotonic()
    assert cli.main(["undo", "--db", str(held_by_another_process)]) == 1
    assert 1.0 <= time.monotonic() - started < 10
    said = capsys.readouterr()
    assert said.err.strip() == f"error: {store.busy_sentence(1.0)}"
    assert str(held_by_another_process.parent) not in said.out + said.err
    assert fingerprint(held_by_another_process) == before


def test_a_mistake_in_a_query_is_not_dressed_up_as_a_damaged_file(demo_db):
    with pytest.raises(duckdb.CatalogException):
        with store.read_connection(demo_db) as con:
            con.execute("SELECT * FROM no_such_table").fetchall()


# ------------------------------------------------------------------------ pages --
def open_page(repo_root: Path, database: Path, monkeypatch, page: str) -> AppTest:
    monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60).run()
    if page != "app_pages/overview.py":
        app.switch_page(page)
        app.run()
    return app


def shown_text(app: AppTest) -> str:
    elements = [*app.error, *app.info, *app.warning, *app.markdown, *app.text, *app.caption]
    return "\n".join(str(element.value) for element in elements)


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/system_health.py",
                                  "app_pages/audits.py", "app_pages/home.py"])
def test_a_page_on_a_damaged_database_says_the_figures_are_unavailable(repo_root, cut_in_half, monkeypatch, page):
    before = fingerprint(cut_in_half)
    app = open_page(repo_root, cut_in_half, monkeypatch, page)
    assert not app.exception
    assert [element.value for element in app.error] == [store.DAMAGED]
    assert str(cut_in_half.parent) not in shown_text(app)
    assert fingerprint(cut_in_half) == before


def test_a_page_while_a_writer_holds_the_file_says_so(repo_root, held_by_another_process, monkeypatch):
    monkeypatch.setattr(store, "WAIT_SECONDS", 0.5)
    app = open_page(repo_root, held_by_another_process, monkeypatch, "app_pages/home.py")
    assert not app.exception
    assert [element.value for element in app.error] == [store.busy_sentence(0.5)]


def test_what_is_loaded_never_shows_the_database_path(repo_root, demo_db, monkeypatch):
    app = open_page(repo_root, demo_db, monkeypatch, "app_pages/home.py")
    assert not app.exception and app.dataframe
    assert str(demo_db.parent) not in shown_text(app)
    assert demo_db.name not in shown_text(app)
