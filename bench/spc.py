"""SPC benchmark: what does reading every series as an XmR chart add to a load?

    python bench/spc.py [--keep DIR] [--seed N] [--runs N]

Writes the large-authority workbook (bench/large_authority.py), loads it into a new database
(the load includes the SPC refresh, as every load does), then times the refresh alone
(`store.spc_tables.refresh_spc`: every indicator, team and breakdown series through spc.py, and
the tables written; the learning loop that follows it is bench/loop.py's) inside a write transaction on that database, best of N. The ratio is the
refresh over the rest of the load; the issue's budget is at most 20%. The machine's load makes
any one run indicative only. Prints a markdown table and writes bench/results/spc.json; exits 1
when the budget is missed.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.large_authority import write_large_authority  # noqa: E402
from qa_dashboard import store  # noqa: E402
from qa_dashboard.ingest import ingest  # noqa: E402
from qa_dashboard.store import spc_tables  # noqa: E402

RESULTS = REPO / "bench" / "results"
BUDGET = 0.20


def measure(folder: Path, seed: int, runs: int) -> dict:
    workbook = folder / "large.xlsx"
    write_large_authority(workbook, seed=seed)
    loads, refreshes = [], []
    for run in range(runs):
        db = folder / f"bench-{run}.duckdb"
        started = time.perf_counter()
        result = ingest([workbook], db, "bench")
        loads.append(time.perf_counter() - started)
        if not result.loaded:
            raise SystemExit("the large authority's workbook was rejected: " +
                             "; ".join(p.line() for p in result.problems[:5]))
        with store.write_transaction(db) as con:
            started = time.perf_counter()
            spc_tables.refresh_spc(con)
            refreshes.append(time.perf_counter() - started)
            series = con.execute("SELECT count(*) FROM (SELECT DISTINCT indicator, team, breakdown FROM spc_points)").fetchall()[0][0]
            points = con.execute("SELECT count(*) FROM spc_points").fetchall()[0][0]
    load, refresh = min(loads), min(refreshes)
    return {"load_seconds": load, "spc_seconds": refresh, "series": series, "points": points,
            "ratio": refresh / (load - refresh), "budget": BUDGET, "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="write the workbook and databases here and keep them")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="qa-bench-spc-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        found = measure(folder, args.seed, args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "spc.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
    print("| load (s) | SPC refresh (s) | series | points | SPC / rest of load | budget |")
    print("|---|---|---|---|---|---|")
    print(f"| {found['load_seconds']:.2f} | {found['spc_seconds']:.2f} | {found['series']:,} | {found['points']:,} "
          f"| {found['ratio']:.1%} | {BUDGET:.0%} |")
    return 0 if found["ratio"] <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
