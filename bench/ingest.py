"""Ingest benchmark: is loading a large authority's workbook cheap enough?

    python bench/ingest.py [--keep DIR] [--seed N] [--runs N]

Generates the large-authority workbook (bench/large_authority.py) into a temporary
folder, then measures, each in a fresh child process so imports and memory belong to
one task only:

  read    pandas.read_excel(path, sheet_name=None, engine="calamine"), best of N
  ingest  qa_dashboard.ingest.ingest([path], db_path=<new .duckdb>, user="bench"),
          best of N, each run into a new empty database; peak RSS of that child

Budgets: ingest time <= 1.5 x read time (reading the bytes is the floor, so this bounds
everything ingest adds: header detection, normalising, validating, loading) and peak
memory < 1024 MB. Prints a markdown table, writes bench/results/ingest.json, and exits
1 when a budget is missed or the workbook is rejected (it is valid by construction).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
RATIO_BUDGET = 1.5
MEMORY_BUDGET_MB = 1024
SHOWN_ERRORS = 20


# ---------------------------------------------------------------- child processes

def peak_memory_mb() -> float:
    import resource

    # ru_maxrss is kilobytes on Linux, bytes on macOS
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def child_read(path: str, runs: int) -> dict:
    started = time.perf_counter()
    import pandas

    import_seconds = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        frames = pandas.read_excel(path, sheet_name=None, engine="calamine")
        times.append(time.perf_counter() - started)
    return {
        "import_seconds": import_seconds,
        "seconds": times,
        "rows": {name: len(frame) for name, frame in frames.items()},
        "peak_memory_mb": peak_memory_mb(),
    }


def describe_problem(problem) -> dict:
    return {key: str(getattr(problem, key, "")) for key in ("severity", "sheet", "row", "column", "value", "message")}


def child_ingest(path: str, runs: int, workdir: str) -> dict:
    started = time.perf_counter()
    try:
        from qa_dashboard.ingest import ingest
    except Exception as exc:  # the ingest package may not exist yet, or fail to import
        return {"failure": f"cannot import qa_dashboard.ingest.ingest: {type(exc).__name__}: {exc}"}
    import_seconds = time.perf_counter() - started

    times = []
    warnings = 0
    for run in range(runs):
        db_path = Path(workdir) / f"bench-ingest-{os.getpid()}-{run}.duckdb"
        started = time.perf_counter()
        result = ingest([path], db_path=str(db_path), user="bench")
        times.append(time.perf_counter() - started)
        problems = getattr(result, "problems", None)
        if problems is None:
            return {"failure": f"ingest() returned {type(result).__name__} without .problems"}
        errors = [p for p in problems if getattr(p, "severity", None) == "error"]
        warnings = len(problems) - len(errors)
        if errors:
            return {
                "failure": f"the benchmark workbook was rejected with {len(errors)} error(s)",
                "error_count": len(errors),
                "errors": [describe_problem(p) for p in errors[:SHOWN_ERRORS]],
            }
        for leftover in db_path.parent.glob(db_path.name + "*"):
            leftover.unlink()  # the database and its WAL, keeping the temp folder small
    return {
        "import_seconds": import_seconds,
        "seconds": times,
        "warnings": warnings,
        "peak_memory_mb": peak_memory_mb(),
    }


def run_child(task: str, path: Path, runs: int, workdir: Path) -> dict:
    """Run one task in a fresh interpreter and return the JSON it prints last."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", task,
               "--path", str(path), "--runs", str(runs), "--workdir", str(workdir)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    lines = completed.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-15:]
        return {"failure": f"{task} child exited {completed.returncode}:\n    " + "\n    ".join(tail)}


# ---------------------------------------------------------------- report

def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def markdown_table(results: dict) -> str:
    read, ingest = results["read"], results["ingest"]
    rows = [
        ("Workbook", f"{results['file_mb']:.1f} MB, "
                     + ", ".join(f"{name} {count:,}" for name, count in results["rows"].items()), "", ""),
        ("Generation (not counted)", f"{results['generation_seconds']:.1f} s", "", ""),
        ("pandas.read_excel (calamine), best of "
         f"{results['runs']}", f"{read['best_seconds']:.2f} s" if "best_seconds" in read else "failed", "", ""),
        (f"ingest(), best of {results['runs']}",
         f"{ingest['best_seconds']:.2f} s ({ingest['warnings']} warnings)" if "best_seconds" in ingest else "failed",
         "", ""),
        ("ingest / read", f"{results['ratio']:.2f}" if results["ratio"] is not None else "n/a",
         f"<= {RATIO_BUDGET}", verdict(results["ratio_ok"])),
        ("Peak memory, ingest process",
         f"{ingest['peak_memory_mb']:.0f} MB" if "peak_memory_mb" in ingest else "n/a",
         f"< {MEMORY_BUDGET_MB} MB", verdict(results["memory_ok"])),
    ]
    lines = ["| measure | value | budget | result |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time ingest of a large authority's workbook.")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="copy the generated workbook into DIR")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["read", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "read":
        print(json.dumps(child_read(args.path, args.runs)))
        return 0
    if args.child == "ingest":
        print(json.dumps(child_ingest(args.path, args.runs, args.workdir)))
        return 0

    sys.path.insert(0, str(REPO))
    from bench.large_authority import write_large_authority

    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        workdir = Path(tmp)
        workbook = workdir / "large_authority.xlsx"
        print(f"generating {workbook.name} (seed {args.seed}) ...", flush=True)
        started = time.perf_counter()
        rows = write_large_authority(workbook, seed=args.seed)
        generation_seconds = time.perf_counter() - started
        file_mb = workbook.stat().st_size / 1024 / 1024
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(workbook, args.keep / workbook.name)
            print(f"kept a copy in {args.keep / workbook.name}")

        print("measuring read in a fresh process ...", flush=True)
        read = run_child("read", workbook, args.runs, workdir)
        print("measuring ingest in a fresh process ...", flush=True)
        ingest = run_child("ingest", workbook, args.runs, workdir)

    for measured in (read, ingest):
        if "seconds" in measured:
            measured["best_seconds"] = min(measured["seconds"])
    ratio = ingest["best_seconds"] / read["best_seconds"] if "best_seconds" in ingest and "best_seconds" in read else None
    results = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "seed": args.seed,
        "runs": args.runs,
        "generation_seconds": generation_seconds,
        "file_mb": file_mb,
        "rows": rows,
        "read": read,
        "ingest": ingest,
        "ratio": ratio,
        "ratio_budget": RATIO_BUDGET,
        "memory_budget_mb": MEMORY_BUDGET_MB,
        "ratio_ok": None if ratio is None else ratio <= RATIO_BUDGET,
        "memory_ok": None if "peak_memory_mb" not in ingest else ingest["peak_memory_mb"] < MEMORY_BUDGET_MB,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    gitignore = RESULTS / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n!.gitignore\n")
    (RESULTS / "ingest.json").write_text(json.dumps(results, indent=2) + "\n")

    print()
    print(markdown_table(results))
    print()
    failed = False
    for task, measured in (("read", read), ("ingest", ingest)):
        if "failure" in measured:
            failed = True
            print(f"FAIL {task}: {measured['failure']}")
            for error in measured.get("errors", []):
                print(f"  {error['sheet']}:{error['row']}:{error['column']}: {error['message']} (value {error['value']!r})")
            if measured.get("error_count", 0) > SHOWN_ERRORS:
                print(f"  ... and {measured['error_count'] - SHOWN_ERRORS} more")
    if results["ratio_ok"] is False or results["memory_ok"] is False:
        failed = True
        print("FAIL: a budget was missed")
    print(f"results written to {(RESULTS / 'ingest.json').relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
