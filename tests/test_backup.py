"""`python -m qa_dashboard backup` and `restore`, on real DuckDB files.

A load runs in another process, as a scheduled `ingest` does beside the app; the order of the
backup and the load is decided by gates (files and events), never by how long anything takes."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from qa_dashboard import ingest, store
from qa_dashboard.store import backup

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO = REPO_ROOT / "data" / "demo"
HANG_GUARD = 300.0  # only so a broken lock fails the test instead of hanging it

# Loads one extract in its own process. With --pause it stops inside the load's transaction, its
# rows written but not committed, until the test creates `finish-load`; it notes `load-waiting`
# when it finds the file held by someone else.
LOADER = """
import sys, time
from pathlib import Path
from qa_dashboard import ingest, store
from qa_dashboard.ingest import load

db, extract, gates = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
store.WAIT_SECONDS = 600.0
real_record, real_conflict = load.record_upload, store._is_lock_conflict

def record_then_pause(*args, **kwargs):
    real_record(*args, **kwargs)
    (gates / "load-paused").touch()
    while not (gates / "finish-load").exists():
        time.sleep(0.01)

def conflict_noted(error):
    found = real_conflict(error)
    if found:
        (gates / "load-waiting").touch()
    return found

if "--pause" in sys.argv:
    load.record_upload = record_then_pause
store._is_lock_conflict = conflict_noted
sys.exit(0 if ingest.ingest([extract], db, user="test").ok else 1)
"""


def cli(*args: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, stdin=stdin)


def state(db: Path) -> dict:
    """What the dashboard holds: each table's rows (but `meta`'s counters) and the loads in force."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name <> 'meta' ORDER BY 1").fetchall()]
        rows = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
        loads = con.execute("SELECT upload_id, file_name FROM uploads ORDER BY upload_id").fetchall()
    finally:
        con.close()
    return {"rows": rows, "loads": loads}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for(done, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} never happened")
        time.sleep(0.01)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A dashboard database holding one load (the teams)."""
    path = tmp_path / "qa.duckdb"
    assert ingest.ingest([DEMO / "teams_and_actions.xlsx"], path, user="test").ok
    return path


def start_load(db: Path, gates: Path, *, pause: bool) -> subprocess.Popen:
    gates.mkdir(exist_ok=True)
    script = gates / "loader.py"
    script.write_text(LOADER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, str(script), str(db), str(DEMO / "scorecard.xlsx"), str(gates)]
                            + (["--pause"] if pause else []), cwd=REPO_ROOT, env=env)


def restored(backup_file: Path, tmp_path: Path) -> dict:
    """The state a backup gives back through `restore`, into a database of its own."""
    target = tmp_path / "restored" / "qa.duckdb"
    result = cli("restore", str(backup_file), "--yes", "--db", str(target))
    assert result.returncode == 0, result.stderr
    return state(target)


def test_a_backup_is_named_by_the_time_and_holds_everything(db, tmp_path):
    made = backup.back_up(db, tmp_path / "copies", now=dt.datetime(2026, 4, 1, 2, 30, 0))
    assert made.path == tmp_path / "copies" / "qa-20260401-023000.duckdb"
    assert state(made.path) == state(db)
    assert sorted(p.name for p in made.path.parent.iterdir()) == ["qa-20260401-023000.duckdb"]  # no partial left


def test_a_backup_taken_during_a_load_waits_and_holds_the_state_after_it(db, tmp_path, monkeypatch):
    before = state(db)
    gates = tmp_path / "gates"
    load = start_load(db, gates, pause=True)
    wait_for((gates / "load-paused").exists, "the load pausing inside its transaction")
    met_the_load = threading.Event()
    real_conflict = store._is_lock_conflict
    monkeypatch.setattr(store, "_is_lock_conflict", lambda error: real_conflict(error) and (met_the_load.set() or True))
    made = []
    worker = threading.Thread(target=lambda: made.append(backup.back_up(db, tmp_path / "copies")))
    worker.start()
    wait_for(met_the_load.is_set, "the backup finding the load's lock")
    (gates / "finish-load").touch()
    assert load.wait(HANG_GUARD) == 0
    worker.join(HANG_GUARD)
    after = state(db)
    assert after != before
    assert restored(made[0].path, tmp_path) == after


def test_a_load_started_during_a_backup_waits_so_the_backup_holds_the_state_before_it(db, tmp_path, monkeypatch):
    before = state(db)
    copied, go_on = threading.Event(), threading.Event()
    real_copy = backup._copy

    def copy_then_hold(con, target):
        rows = real_copy(con, target)
        copied.set()
        go_on.wait(HANG_GUARD)
        return rows

    monkeypatch.setattr(backup, "_copy", copy_then_hold)
    made = []
    worker = threading.Thread(target=lambda: made.append(backup.back_up(db, tmp_path / "copies")))
    worker.start()
    wait_for(copied.is_set, "the backup copying")
    gates = tmp_path / "gates"
    load = start_load(db, gates, pause=False)
    wait_for((gates / "load-waiting").exists, "the load finding the backup's lock")
    go_on.set()
    worker.join(HANG_GUARD)
    assert load.wait(HANG_GUARD) == 0
    assert state(db) != before
    assert restored(made[0].path, tmp_path) == before


def test_a_backup_does_not_wait_for_readers(db, tmp_path, monkeypatch):
    def no_waiting(error):
        raise AssertionError(f"the backup waited for a reader: {error}")

    monkeypatch.setattr(store, "_is_lock_conflict", no_waiting)
    with store.read_connection(db):  # a page view reading, in this process
        reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], "
                                   "read_only=True); print('reading', flush=True); sys.stdin.read()", str(db)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert reader.stdout.readline().strip() == "reading"  # another app process reading
            made = backup.back_up(db, tmp_path / "copies")
        finally:
            reader.communicate("")
    assert state(made.path) == state(db)


def test_keep_removes_the_oldest_backups_beyond_n_and_nothing_else(db, tmp_path):
    folder = tmp_path / "copies"
    for day in (1, 2, 3):
        backup.back_up(db, folder, now=dt.datetime(2026, 4, day, 2, 30))
    second_same_moment = backup.back_up(db, folder, now=dt.datetime(2026, 4, 3, 2, 30)).path
    (folder / "notes.txt").write_text("kept", encoding="utf-8")
    (folder / "other-20260101-000000.duckdb").write_bytes(b"another database's backup")
    result = cli("backup", str(folder), "--keep", "3", "--db", str(db))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    newest = next(n for n in names if n.startswith("qa-") and not n.startswith("qa-202604"))
    assert names == sorted(["notes.txt", "other-20260101-000000.duckdb", "qa-20260403-023000.duckdb",
                            second_same_moment.name, newest])
    assert "Removed the oldest backup beyond 3" in result.stdout and "qa-20260401-023000.duckdb" in result.stdout


def test_keep_must_be_a_whole_number_of_one_or_more(db, tmp_path):
    for bad in ("0", "two"):
        result = cli("backup", str(tmp_path / "copies"), "--keep", bad, "--db", str(db))
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1 and "--keep" in result.stderr
        assert not (tmp_path / "copies").exists()


def test_restore_puts_the_backup_back_and_keeps_the_current_database_first(db, tmp_path):
    made = backup.back_up(db, tmp_path / "copies")
    first_state, version = state(db), store.data_version(db)
    assert ingest.ingest([DEMO / "scorecard.xlsx"], db, user="test").ok
    loaded_state = state(db)
    result = cli("restore", str(made.path), "--yes", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert state(db) == first_state
    [kept] = (db.parent / "backups").glob("qa-*.duckdb")
    assert state(kept) == loaded_state
    assert f"kept as {kept}" in result.stdout
    assert store.data_version(db) != version  # every page's cache reloads
    assert not list(db.parent.glob(".qa.duckdb*"))  # no scratch file left


def test_a_restore_during_a_load_waits_and_keeps_the_load_in_the_backup_it_takes_first(db, tmp_path, monkeypatch):
    made = backup.back_up(db, tmp_path / "copies")
    before = state(db)
    gates = tmp_path / "gates"
    load = start_load(db, gates, pause=True)
    wait_for((gates / "load-paused").exists, "the load pausing inside its transaction")
    met_the_load = threading.Event()
    real_conflict = store._is_lock_conflict
    monkeypatch.setattr(store, "WAIT_SECONDS", 600.0)
    monkeypatch.setattr(store, "_is_lock_conflict", lambda error: real_conflict(error) and (met_the_load.set() or True))
    kept = []
    worker = threading.Thread(target=lambda: kept.append(backup.restore(made.path, db, confirm=lambda *_: True)))
    worker.start()
    wait_for(met_the_load.is_set, "the restore finding the load's lock")
    (gates / "finish-load").touch()
    assert load.wait(HANG_GUARD) == 0
    worker.join(HANG_GUARD)
    assert state(db) == before
    assert state(kept[0]) != before and len(state(kept[0])["loads"]) == 2  # the load, kept, not lost


def assert_refused(result: subprocess.CompletedProcess, db: Path, unchanged: str, *words: str) -> None:
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and all(word in result.stderr for word in words), result.stderr
    assert digest(db) == unchanged
    assert not (db.parent / "backups").exists()
    assert not list(db.parent.glob(".qa.duckdb*"))


def test_restore_refuses_a_damaged_backup(db, tmp_path):
    made = backup.back_up(db, tmp_path / "copies")
    size = made.path.stat().st_size
    header, block = 3 * 4096, 256 * 1024  # DuckDB's file headers, then blocks each led by its checksum
    with made.path.open("r+b") as damaged:  # the start of every block in the file's second half
        for start in range(header + (size - header) // block // 2 * block, size, block):  # overwritten: one
            damaged.seek(start)                                                             # holds table data
            damaged.write(b"\xff" * 8192)
    unchanged = digest(db)
    assert_refused(cli("restore", str(made.path), "--yes", "--db", str(db)), db, unchanged, "damaged")


def test_restore_refuses_a_cut_short_backup(db, tmp_path):
    made = backup.back_up(db, tmp_path / "copies")
    with made.path.open("r+b") as cut:
        cut.truncate(made.path.stat().st_size // 2)
    unchanged = digest(db)
    assert_refused(cli("restore", str(made.path), "--yes", "--db", str(db)), db, unchanged, "damaged")


def test_restore_refuses_a_database_that_is_not_a_dashboards(db, tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE uploads (id INTEGER)")
    con.close()
    unchanged = digest(db)
    assert_refused(cli("restore", str(other), "--yes", "--db", str(db)), db, unchanged,
                   "not a dashboard database", "upload_log")


def test_restore_refuses_a_file_that_is_not_a_database(db, tmp_path):
    text = tmp_path / "notes.duckdb"
    text.write_text("minutes of the board\n" * 500, encoding="utf-8")
    unchanged = digest(db)
    assert_refused(cli("restore", str(text), "--yes", "--db", str(db)), db, unchanged, "not a database the dashboard can open")


def test_restore_without_yes_and_no_terminal_refuses(db, tmp_path):
    made = backup.back_up(db, tmp_path / "copies")
    assert ingest.ingest([DEMO / "scorecard.xlsx"], db, user="test").ok
    unchanged = digest(db)
    assert_refused(cli("restore", str(made.path), "--db", str(db)), db, unchanged, "--yes")


def test_restore_asks_at_a_terminal_and_no_leaves_the_database(db, tmp_path):
    made = backup.back_up(db, tmp_path / "copies")
    assert ingest.ingest([DEMO / "scorecard.xlsx"], db, user="test").ok
    unchanged = digest(db)
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"n\n")
        result = cli("restore", str(made.path), "--db", str(db), stdin=terminal)
        asked = os.read(controller, 4096).decode()
    finally:
        os.close(controller)
        os.close(terminal)
    assert f"Restore {made.path} over {db}?" in result.stdout + asked and "[y/N]" in result.stdout + asked
    assert_refused(result, db, unchanged, "Not restored")


def test_restore_asks_at_a_terminal_and_yes_restores(db, tmp_path):
    made = backup.back_up(db, tmp_path / "copies")
    first_state = state(db)
    assert ingest.ingest([DEMO / "scorecard.xlsx"], db, user="test").ok
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"y\n")
        result = cli("restore", str(made.path), "--db", str(db), stdin=terminal)
    finally:
        os.close(controller)
        os.close(terminal)
    assert result.returncode == 0, result.stderr
    assert state(db) == first_state


def test_a_backup_on_a_full_disk_says_so_and_leaves_nothing(db, tmp_path, monkeypatch):
    def disk_full(con, target):
        target.write_bytes(b"half a copy")
        raise duckdb.IOException(f'IO Error: Could not write file "{target}": No space left on device')

    monkeypatch.setattr(backup, "_copy", disk_full)
    with pytest.raises(backup.Refused, match=r"^No backup was written to .*copies: its disk is full\. "
                                              r"The database was not changed\.$"):
        backup.back_up(db, tmp_path / "copies")
    assert not list((tmp_path / "copies").iterdir())


def test_a_backup_of_no_database_is_one_sentence(tmp_path):
    result = cli("backup", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1 and result.stderr.startswith("error: There is no database at")
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "backups").exists()


def test_a_backup_into_a_folder_under_a_file_is_one_sentence(db, tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    result = cli("backup", str(tmp_path / "afile" / "sub"), "--db", str(db))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"error: No backup was written to {tmp_path / 'afile' / 'sub'}: part of that "
                                     "path is a file, not a folder. The database was not changed.")


def test_any_other_trouble_writing_the_copy_is_one_sentence(db, tmp_path, monkeypatch):
    def refused(con, target):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(backup, "_copy", refused)
    with pytest.raises(backup.Refused, match=r"^No backup was written to .*copies: input/output error\. "):
        backup.back_up(db, tmp_path / "copies")
