"""Build the demo database from the committed demo extracts (data/demo/), through the same
ingest function an officer's upload uses, then mark the database as demo data so every page
can say so plainly."""
from __future__ import annotations

from pathlib import Path

from qa_dashboard import store
from qa_dashboard.ingest import IngestResult, ingest

DEMO_USER = "demo"
# The bundled extracts, in load order (written by qa_dashboard/demo_data.py, seeded): teams and
# the improvement plan first, so audits and workforce rows take their service area from them.
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_FILES = [
    "teams_and_actions.xlsx",
    "scorecard.xlsx",
    "kpi.xlsx",
    "workforce.xlsx",
    "audits.xlsx",
    "feedback.csv",
]


def build_demo_database(db_path: Path) -> IngestResult:
    """Load every demo extract into `db_path` (created if needed) and mark it as demo data."""
    result = ingest([DEMO_DIR / name for name in DEMO_FILES], db_path, user=DEMO_USER)
    if result.loaded:
        with store.write_transaction(db_path) as con:
            store.set_setting(con, "demo", "yes")
    return result
