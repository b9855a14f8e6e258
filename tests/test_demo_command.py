"""`python -m qa_dashboard demo` builds only into a new or empty database: a second run changes
nothing, and a database holding real loads is refused unless asked with --force."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from qa_dashboard import store
from qa_dashboard.ingest import ingest
from tests.workbooks import audit, query, table, write_xlsx


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def demo(repo_root: Path, database: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_dashboard", "demo", "--db", str(database), *extra],
                          cwd=repo_root, capture_output=True, text=True, timeout=300)


def real_database(tmp_path: Path) -> Path:
    database = tmp_path / "qa.duckdb"
    workbook = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    assert ingest([workbook], database, user="officer").loaded
    return database


def test_running_demo_twice_changes_nothing_the_second_time(repo_root, demo_db, tmp_path):
    database = tmp_path / "qa.duckdb"
    shutil.copyfile(demo_db, database)
    before = fingerprint(database)
    second = demo(repo_root, database)
    assert second.returncode == 0, second.stderr
    assert "already built; nothing changed" in second.stdout
    assert fingerprint(database) == before


def test_demo_refuses_a_database_that_holds_real_loads(repo_root, tmp_path):
    database = real_database(tmp_path)
    before = fingerprint(database)
    refused = demo(repo_root, database)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: This database holds 1 load of real data, so the demo was not added: it would mix invented "
        "figures with yours and label them all as demo. Nothing was changed. Use another file (--db), or "
        "add --force if you really want the demo in it.")
    assert "Traceback" not in refused.stderr
    assert fingerprint(database) == before
    assert not store.is_demo(database)


def test_force_adds_the_demo_to_a_database_with_real_loads(repo_root, tmp_path):
    database = real_database(tmp_path)
    forced = demo(repo_root, database, "--force")
    assert forced.returncode == 0, forced.stderr
    assert store.is_demo(database)
    assert query(database, "SELECT count(*) FROM uploads WHERE loaded_by = 'officer' AND status = 'loaded'") == [(1,)]
