"""Benchmarks-load benchmark: do DfE's published files load in under 5 seconds?

    python bench/benchmarks.py [--runs N] [--reference DIR]

Loads all the reference files in ../shared/reference/dfe (referrals, children in need,
workforce, population, placement stability, the statistical-neighbour model) into a new empty
database, N times each way, and reports:

  command   `python -m qa_dashboard ingest <every file> --db <new>`, wall time of the whole
            process (interpreter start and imports included): what an officer or a scheduled
            job waits for. Budget: the median under 5 seconds.
  ingest    qa_dashboard.ingest.ingest(files) in a process that has already imported the
            package: the loading alone (checking, one transaction per file, upload log).
  view      after choosing an authority, reading the whole `benchmarks` view once (every
            indicator, year and area, neighbour means included).
  positions what computing the positions among every authority adds to ingest(): the load's
            time over the same load less the time spent in store/position_tables.store_positions
            (measured inside it; budget at most 1.2, issue 20), and, noisier on a busy machine,
            the median of ingest() against ingest() with store_positions made a no-op, the two
            run in alternating order.

Prints a markdown table, writes bench/results/benchmarks.json, exits 1 when the budget is
missed or a file is refused, 2 when the reference files are not there.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference" / "dfe"
BUDGET_SECONDS = 5.0
POSITIONS_BUDGET_RATIO = 1.2
AUTHORITY = "Sutton"


def command_seconds(files: list[Path], db: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "QA_DASHBOARD_DB"}
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "qa_dashboard", "ingest", *map(str, files), "--db", str(db)],
                               cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"the reference files were refused:\n{completed.stderr}")
    return seconds


def ingest_and_view_seconds(files: list[Path], db: Path) -> tuple[float, float, int, int, float]:
    """The load, the whole `benchmarks` view, its rows, the suppressed cells, and the seconds the
    load spent computing the positions among every authority."""
    sys.path.insert(0, str(REPO))
    from qa_dashboard import benchmarks, store
    from qa_dashboard.store import position_tables as positions
    from qa_dashboard.ingest import ingest

    spent = []
    kept = positions.store_positions

    def timed(con) -> int:
        began = time.perf_counter()
        try:
            return kept(con)
        finally:
            spent.append(time.perf_counter() - began)

    positions.store_positions = timed
    try:
        started = time.perf_counter()
        result = ingest(files, db, user="bench")
        ingest_seconds = time.perf_counter() - started
    finally:
        positions.store_positions = kept
    if not result.loaded:
        raise SystemExit("the reference files were refused:\n" + "\n".join(p.line() for p in result.problems))
    suppressed = sum(getattr(s, "suppressed_cells", 0) for f in result.files for s in f.datasets.values())
    benchmarks.set_authority(db, AUTHORITY)
    started = time.perf_counter()
    with store.read_connection(db) as con:
        rows = con.execute("SELECT * FROM benchmarks").fetchall()
    return ingest_seconds, time.perf_counter() - started, len(rows), suppressed, sum(spent)


def ingest_without_positions_seconds(files: list[Path], db: Path) -> float:
    """`ingest` with the positions among every authority left uncomputed: the load as it was
    before issue 20, to set the cost of computing them against."""
    sys.path.insert(0, str(REPO))
    from qa_dashboard.store import position_tables as positions
    from qa_dashboard.ingest import ingest

    kept = positions.store_positions
    positions.store_positions = lambda con: 0
    try:
        started = time.perf_counter()
        result = ingest(files, db, user="bench")
        seconds = time.perf_counter() - started
    finally:
        positions.store_positions = kept
    if not result.loaded:
        raise SystemExit("the reference files were refused:\n" + "\n".join(p.line() for p in result.problems))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time loading DfE's published reference files.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="folder of DfE CSVs")
    args = parser.parse_args(argv)

    files = sorted(args.reference.glob("*.csv"))
    if not files:
        print(f"No reference files in {args.reference}: this benchmark needs ../shared/reference/dfe.", file=sys.stderr)
        return 2
    command, loading, view, without_positions, in_positions = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="qa-bench-benchmarks-") as tmp:
        for run in range(args.runs):
            print(f"run {run + 1} of {args.runs} ...", flush=True)
            command.append(command_seconds(files, Path(tmp) / f"command-{run}.duckdb"))
            if run % 2:  # alternate which goes first: a busy machine's slow spell falls on both
                without_positions.append(ingest_without_positions_seconds(files, Path(tmp) / f"bare-{run}.duckdb"))
            ingest_seconds, view_seconds, view_rows, suppressed, positions_seconds = ingest_and_view_seconds(
                files, Path(tmp) / f"ingest-{run}.duckdb")
            loading.append(ingest_seconds)
            view.append(view_seconds)
            in_positions.append(positions_seconds)
            if not run % 2:
                without_positions.append(ingest_without_positions_seconds(files, Path(tmp) / f"bare-{run}.duckdb"))

    median = statistics.median(command)
    ratio = statistics.median(total / (total - spent) for total, spent in zip(loading, in_positions))
    ratio_of_medians = statistics.median(loading) / statistics.median(without_positions)
    ok = median < BUDGET_SECONDS and ratio <= POSITIONS_BUDGET_RATIO
    results = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "runs": args.runs,
        "files": [f.name for f in files],
        "megabytes": round(sum(f.stat().st_size for f in files) / 1024 / 1024, 2),
        "command_seconds": command,
        "ingest_seconds": loading,
        "benchmarks_view_seconds": view,
        "benchmarks_view_rows": view_rows,
        "suppressed_cells": suppressed,
        "ingest_without_positions_seconds": without_positions,
        "positions_seconds": in_positions,
        "positions_ratio": ratio,
        "positions_ratio_of_medians": ratio_of_medians,
        "positions_budget_ratio": POSITIONS_BUDGET_RATIO,
        "budget_seconds": BUDGET_SECONDS,
        "command_median_seconds": median,
        "ok": ok,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    def spread(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s (best {min(values):.2f}, worst {max(values):.2f})"

    print(f"\n{len(files)} files, {results['megabytes']} MB, {suppressed:,} suppressed cells loaded as missing\n")
    print("| measure | value | budget | result |\n|---|---|---|---|")
    print(f"| `python -m qa_dashboard ingest` all files, whole process | {spread(command)} | "
          f"< {BUDGET_SECONDS:.0f} s | {'PASS' if ok else 'FAIL'} |")
    print(f"| ingest() in a warm process | {spread(loading)} | | |")
    print(f"| ingest() without the positions among every authority | {spread(without_positions)} | | |")
    print(f"| of which computing the positions among every authority | {spread(in_positions)} | | |")
    print(f"| load / load less the positions (median of runs) | {ratio:.2f} | <= {POSITIONS_BUDGET_RATIO} | "
          f"{'PASS' if ratio <= POSITIONS_BUDGET_RATIO else 'FAIL'} |")
    print(f"| with positions / without, medians of separate loads | {ratio_of_medians:.2f} | | |")
    print(f"| whole `benchmarks` view ({view_rows:,} rows), authority {AUTHORITY} | {spread(view)} | | |")
    print(f"\nwrote {RESULTS / 'benchmarks.json'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
