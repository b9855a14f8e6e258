"""Fixtures every test may use: where the repository is, the shared reference data, and a
demo database built once per test session.

Every chart the tests build is checked against the Vega-Lite schema (the running app skips the
check: see `qa_dashboard.charts.spec_of`); the browser tests' servers inherit the setting."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ["QA_DASHBOARD_CHECK_CHARTS"] = "1"
# No pack charts drawn ahead in the background after the tests' loads (tests/test_draw_ahead.py turns it on).
os.environ["QA_DASHBOARD_DRAW_AHEAD"] = "0"


@pytest.fixture(autouse=True)
def _own_chart_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Each test keeps the pack's charts it draws in a folder of its own, never beside a database
    another test shares (the session's demo database): what one test drew is not kept for the next."""
    monkeypatch.setenv("QA_DASHBOARD_CHART_CACHE", str(tmp_path_factory.mktemp("charts")))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_reference(repo_root: Path) -> Path:
    """The published reference files kept in `shared/` beside the clone (CI clones it there)."""
    path = repo_root.parent / "shared" / "reference"
    if not path.is_dir():
        pytest.skip("../shared/reference is not beside this clone: reference-data tests need it")
    return path


def build_demo_database(path: Path) -> Path:
    """Build a demo database at `path` through the command line, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "qa_dashboard", "demo", "--db", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`python -m qa_dashboard demo` exited {result.returncode}:\n{result.stdout}{result.stderr}",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database shared by the whole session. Read it only: a test that loads or
    undoes must build its own with `build_demo_database`."""
    return build_demo_database(tmp_path_factory.mktemp("demo") / "demo.duckdb")
