"""Annex A benchmark: does a large authority's Ofsted Annex A load cheaply enough?

    python bench/annex_a.py [--keep DIR] [--seed N] [--runs N]

Generates a 12-month Annex A (8,000 referrals, 6,000 assessments, 2,000 section 47 enquiries,
1,500 children in care, plus child in need and child protection lists) with the columns real
extracts carry, then measures, each in a fresh child process:

  read    pandas.read_excel(path, sheet_name=None, engine="calamine"), best of N
  ingest  qa_dashboard.ingest.ingest([path], <new .duckdb>, as_at=<extract date>, cover_from=<first day>), best of N

Budgets: ingest <= 1.5 x read, peak memory of the ingest process < 1024 MB. Prints a markdown
table, writes bench/results/annex_a.json, exits 1 when a budget is missed or the file is refused.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.ingest import MEMORY_BUDGET_MB, RATIO_BUDGET, peak_memory_mb, verdict  # noqa: E402

AS_AT = dt.date(2024, 3, 31)
START = dt.date(2023, 4, 1)
SIZES = {"List 3": 8_000, "List 4": 6_000, "List 5": 2_000, "List 6": 3_000, "List 7": 600, "List 8": 1_500}
TEAMS = [f"Locality {n} {kind}" for n in range(1, 7) for kind in ("Duty Team", "Unit 1", "Unit 2")]
COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
HEADERS = {
    "List 3": COMMON + ["Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months",
                        "Allocated Team", "Allocated Worker"],
    "List 4": COMMON + ["Does the Child have a Disability", "Continuous Assessment Start Date",
                        "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
                        "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
                        "Allocated Worker"],
    "List 5": COMMON + ["Strategy discussion initiating Section 47 Enquiry Start Date",
                        "Date of Initial Child Protection Conference", "Allocated Team", "Allocated Worker"],
    "List 6": COMMON + ["CIN Start Date", "Date Child Was Last Seen", "CIN Closure Date", "Case Status",
                        "Allocated Team", "Allocated Worker"],
    "List 7": COMMON + ["Child Protection Plan Start Date", "Date of the Last Statutory Visit",
                        "Child Protection Plan End Date", "Allocated Team", "Allocated Worker"],
    "List 8": COMMON + ["Date Started to be Looked After", "Date of Last Social Work Visit",
                        "Date Ceased to be Looked After", "Placement postcode", "Allocated Team", "Allocated Worker"],
}


def _day(rng: random.Random, first: dt.date = START, last: dt.date = AS_AT) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _row(rng: random.Random, sheet: str) -> list:
    child = rng.randrange(1_000_000, 9_999_999)
    born = _day(rng, dt.date(2007, 1, 1), dt.date(2023, 1, 1))
    common = [child, rng.choice(["a) Male", "b) Female"]), "a) WBRI", born, round((AS_AT - born).days / 365.25, 2)]
    team, worker = rng.choice(TEAMS), f"Worker {rng.randrange(400)}"
    if sheet == "List 3":
        return common + [_day(rng), "q) 6: Police", "No", rng.choice([0, 0, 0, 1, 2]), team, worker]
    if sheet == "List 4":
        began = _day(rng, START, AS_AT - dt.timedelta(days=70))
        return common + ["b) No", began, "Yes", began + dt.timedelta(days=rng.randrange(5, 70)),
                         rng.choice(["a) Yes", "b) No", "Yes", "No"]), team, worker]
    if sheet == "List 5":
        began = _day(rng, START, AS_AT - dt.timedelta(days=30))
        conference = began + dt.timedelta(days=rng.randrange(10, 30)) if rng.random() < 0.4 else None
        return common + [began, conference, team, worker]
    if sheet == "List 6":
        return common + [_day(rng, dt.date(2021, 1, 1), AS_AT - dt.timedelta(days=40)),
                         _day(rng, AS_AT - dt.timedelta(days=40)), None, "c) Child in need plan", team, worker]
    if sheet == "List 7":
        return common + [_day(rng, dt.date(2022, 6, 1), AS_AT - dt.timedelta(days=20)),
                         _day(rng, AS_AT - dt.timedelta(days=20)), None, team, worker]
    return common + [_day(rng, dt.date(2015, 1, 1), AS_AT - dt.timedelta(days=60)),
                     _day(rng, AS_AT - dt.timedelta(days=60)), None, f"QX{rng.randrange(10)} {rng.randrange(10)}ZZ", team, worker]


def write_annex_a(path: Path, seed: int = 2024) -> dict[str, int]:
    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    for sheet, size in SIZES.items():
        ws = book.create_sheet(sheet)
        ws.append(HEADERS[sheet])
        for _ in range(size):
            ws.append(_row(rng, sheet))
    book.save(path)
    return dict(SIZES)


def _timed(task) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of one call: on a loaded machine the CPU time is the steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = task()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def child_read(path: str, runs: int, workdir: str) -> dict:
    import pandas

    measured = [_timed(lambda: pandas.read_excel(path, sheet_name=None, engine="calamine")) for _ in range(runs)]
    return {"seconds": [m[0] for m in measured], "cpu_seconds": [m[1] for m in measured],
            "peak_memory_mb": peak_memory_mb()}


def child_ingest(path: str, runs: int, workdir: str) -> dict:
    from qa_dashboard.ingest import ingest

    measured, warnings = [], 0
    for run in range(runs):
        db_path = Path(workdir) / f"annex-{os.getpid()}-{run}.duckdb"
        wall, cpu, result = _timed(lambda: ingest([path], db_path, "bench", as_at=AS_AT, cover_from=START))
        if not result.ok:
            return {"failure": "refused: " + "; ".join(p.line() for p in result.problems[:10])}
        measured.append((wall, cpu))
        warnings = len(result.problems)
    return {"seconds": [m[0] for m in measured], "cpu_seconds": [m[1] for m in measured], "warnings": warnings,
            "peak_memory_mb": peak_memory_mb()}


def run_child(task: str, path: Path, runs: int, workdir: Path) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", task, "--path", str(path),
               "--runs", str(runs), "--workdir", str(workdir)]
    completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    try:
        return json.loads(completed.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"failure": f"{task} child exited {completed.returncode}: {completed.stderr[-800:]}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["read", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        task = child_read if args.child == "read" else child_ingest
        print(json.dumps(task(args.path, args.runs, args.workdir)))
        return 0
    with tempfile.TemporaryDirectory(prefix="qa-bench-annex-") as tmp:
        workbook = Path(args.keep or tmp) / "annex_a_large.xlsx"
        workbook.parent.mkdir(parents=True, exist_ok=True)
        rows = write_annex_a(workbook, args.seed)
        read = run_child("read", workbook, args.runs, Path(tmp))
        ingest = run_child("ingest", workbook, args.runs, Path(tmp))
    return report(rows, read, ingest, args.runs)


def report(rows: dict, read: dict, ingest: dict, runs: int) -> int:
    for measured in (read, ingest):
        if "failure" in measured:
            print(f"FAIL: {measured['failure']}")
            return 1
    best_read, best_ingest = min(read["seconds"]), min(ingest["seconds"])
    cpu_read, cpu_ingest = min(read["cpu_seconds"]), min(ingest["cpu_seconds"])
    ratio, memory = best_ingest / best_read, ingest["peak_memory_mb"]
    results = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count(), "rows": rows, "runs": runs,
               "read_seconds": best_read, "ingest_seconds": best_ingest, "ratio": ratio,
               "read_cpu_seconds": cpu_read, "ingest_cpu_seconds": cpu_ingest, "cpu_ratio": cpu_ingest / cpu_read, "peak_memory_mb": memory,
               "warnings": ingest["warnings"], "ratio_ok": ratio <= RATIO_BUDGET, "memory_ok": memory < MEMORY_BUDGET_MB}
    (REPO / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (REPO / "bench" / "results" / "annex_a.json").write_text(json.dumps(results, indent=2) + "\n")
    print("| measure | value | budget | result |\n|---|---|---|---|")
    print(f"| Workbook | {', '.join(f'{k} {v:,}' for k, v in rows.items())} | | |")
    print(f"| pandas.read_excel (calamine), best of {runs} | {best_read:.2f} s | | |")
    print(f"| ingest --as-at, best of {runs} | {best_ingest:.2f} s ({ingest['warnings']} warnings) | | |")
    print(f"| ingest / read | {ratio:.2f} | <= {RATIO_BUDGET} | {verdict(results['ratio_ok'])} |")
    print(f"| the same in CPU seconds | {cpu_ingest:.2f} / {cpu_read:.2f} = {cpu_ingest / cpu_read:.2f} | "
          f"(steadier under load) | |")
    print(f"| Peak memory, ingest process | {memory:.0f} MB | < {MEMORY_BUDGET_MB} MB | {verdict(results['memory_ok'])} |")
    return 0 if results["ratio_ok"] and results["memory_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
