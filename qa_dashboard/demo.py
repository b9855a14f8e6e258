"""Build the demo database from the committed demo extracts (data/demo/), through the same
ingest function an officer's upload uses, then mark the database as demo data so every page
can say so plainly.

It builds only into a new or empty database. A database that already holds the demo is left
as it is (building it again would make the demo's two scorecards supersede each other's rows
once more), and one that holds anyone else's loads is refused: adding the demo to real figures
and marking the whole database as demo would mislabel them. `force` overrides the refusal."""
from __future__ import annotations

from pathlib import Path

from qa_dashboard import queries, store
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


class DemoRefused(Exception):
    """The database holds real loads; str() says so in one sentence."""


def loads_in_force(db_path: Path) -> tuple[int, int]:
    """(the demo's loads in force, everyone else's); (0, 0) when there is no database yet."""
    if not store.exists(db_path):
        return 0, 0
    counts = queries.run("loads_in_force_by_whom", db_path, (DEMO_USER, DEMO_USER))
    return int(counts.iloc[0]["demo_loads"]), int(counts.iloc[0]["other_loads"])


def build_demo_database(db_path: Path, force: bool = False) -> IngestResult | None:
    """Load every demo extract into `db_path` and mark it as demo data; None when the demo is
    already there (nothing is written). Raises DemoRefused when the database holds other loads."""
    demo_loads, other_loads = loads_in_force(db_path)
    if other_loads and not force:
        raise DemoRefused(
            f"This database holds {other_loads} load{'s' if other_loads != 1 else ''} of real data, so the "
            "demo was not added: it would mix invented figures with yours and label them all as demo. "
            "Nothing was changed. Use another file (--db), or add --force if you really want the demo in it.")
    if demo_loads and not other_loads and store.is_demo(db_path):
        return None
    result = ingest([DEMO_DIR / name for name in DEMO_FILES], db_path, user=DEMO_USER)
    if result.loaded:
        with store.write_transaction(db_path) as con:
            store.set_setting(con, "demo", "yes")
    return result
