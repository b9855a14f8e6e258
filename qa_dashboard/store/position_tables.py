"""The positions among every authority behind the `benchmark_positions` view, worked out again
from the loaded DfE figures by the pure `qa_dashboard.benchmarks.positions` and stored.

Run inside the write transaction of every load of DfE files and every undo (and once on an older
database), so the view always follows the figures and the neighbour model loaded. Kept in the
store's layer, as `spc_tables` is, so loading never reaches up into the pages' figures."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from qa_dashboard.benchmarks.positions import COLUMNS, Figure, positions

_QUERIES = Path(__file__).resolve().parents[1] / "queries"


# ------------------------------------------------------------------ stored once per load --
def _sql(name: str) -> str:
    """A named query's text, read without importing `queries` (it brings pandas, which loading
    never needs)."""
    return (_QUERIES / f"{name}.sql").read_text(encoding="utf-8")


STALE = "positions_stale"  # meta key: set while DfE files changed and the positions wait for the last of them


def mark_stale(con) -> None:
    """Inside a write transaction: the positions no longer follow the loaded files; the next
    `store_positions` (the same load's last DfE file, or the store's next write) brings them back."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, 'yes')", [STALE]).fetchall()


def is_stale(con) -> bool:
    return bool(con.execute("SELECT 1 FROM meta WHERE key = ?", [STALE]).fetchall())


def store_positions(con) -> int:
    """Inside a write transaction: compute every position from the `benchmarks` view, the
    catalogue's polarity and DfE's neighbour model as they now stand, and replace
    `benchmark_position_rows` with them. Returns how many were written."""
    figures = [Figure._make(row) for row in con.execute(_sql("benchmark_positions_input")).fetchall()]
    polarity = dict(con.execute("SELECT code, polarity FROM indicator_catalogue").fetchall())
    neighbours: dict[str, list[str]] = defaultdict(list)
    for code, neighbour in con.execute(_sql("benchmark_positions_neighbours")).fetchall():
        neighbours[code].append(neighbour)
    region = dict(con.execute(
        "SELECT new_la_code, region_code FROM dfe_authorities WHERE new_la_code IS NOT NULL").fetchall())
    found = positions(figures, polarity, neighbours, region)
    con.execute("DELETE FROM benchmark_position_rows").fetchall()
    con.execute("DELETE FROM meta WHERE key = ?", [STALE]).fetchall()
    if found:
        import pyarrow as pa

        columns = dict(zip(COLUMNS, map(list, zip(*found))))
        computed = pa.table(columns)  # noqa: F841 - DuckDB scans it by its name
        con.execute(f"INSERT INTO benchmark_position_rows ({', '.join(COLUMNS)}) "
                    f"SELECT {', '.join(COLUMNS)} FROM computed").fetchall()
    return len(found)
