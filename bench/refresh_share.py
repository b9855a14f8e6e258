"""What one refresh inside the load (SPC's, the learning loop's) adds to a load of the large
authority: the shared runner of bench/spc.py and bench/loop.py.

Each run loads the workbook into a new database (the load includes every refresh, as every load
does), then times the one refresh alone inside a write transaction on that database; best of N.
The ratio is the refresh over the rest of the load; the machine's load makes any one run
indicative only. Writes bench/results/NAME.json and prints a markdown table; exits 1 when the
budget is missed.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.large_authority import write_large_authority
from qa_dashboard import store
from qa_dashboard.ingest import ingest

RESULTS = Path(__file__).resolve().parent / "results"


def time_refresh(workbook: Path, folder: Path, runs: int, refresh: Callable, counts: Callable[..., dict]) -> dict:
    """Load `workbook` `runs` times, each into a new database, and time `refresh(con)` after each
    load; `counts(con)` says what was refreshed. The best load, the best refresh and the counts."""
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
            refresh(con)
            refreshes.append(time.perf_counter() - started)
            counted = counts(con)
    load, refreshed = min(loads), min(refreshes)
    return {"load_seconds": load, "refresh_seconds": refreshed, **counted, "ratio": refreshed / (load - refreshed),
            "runs": runs}


def main(name: str, description: str, refresh: Callable, counts: Callable[..., dict], budget: float,
         prepare: Callable[[Path], None] = lambda workbook: None) -> int:
    """The command line of a refresh benchmark: `prepare(workbook)` adds what the refresh needs
    to the large authority's workbook before it is loaded."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--keep", help="write the workbook and databases here and keep them")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix=f"qa-bench-{name}-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        workbook = folder / "large.xlsx"
        write_large_authority(workbook, seed=args.seed)
        prepare(workbook)
        found = {**time_refresh(workbook, folder, args.runs, refresh, counts), "budget": budget}
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
    counted = [key for key in found if key not in ("load_seconds", "refresh_seconds", "ratio", "runs", "budget")]
    print(f"| load (s) | {name} refresh (s) | {' | '.join(counted)} | {name} / rest of load | budget |")
    print("|---" * (len(counted) + 4) + "|")
    print(f"| {found['load_seconds']:.2f} | {found['refresh_seconds']:.2f} | "
          + " | ".join(f"{found[key]:,}" for key in counted) + f" | {found['ratio']:.1%} | {budget:.0%} |")
    return 0 if found["ratio"] <= budget else 1
