"""Upload-page benchmark: is checking and previewing a large workbook in the browser cheap enough?

    python bench/upload.py [--keep DIR] [--seed N] [--runs N]

Generates the five-year large-authority workbook (bench/large_authority.py), then measures
each task in a fresh child process (imports and start-up are not timed), in N interleaved
rounds, and keeps the best of each:

  cli     qa_dashboard.ingest.ingest([path], db, user="bench"): what `python -m qa_dashboard
          ingest` runs, loading into a new empty database (the process start-up and imports
          are left out, as they are for the page)
  page    the Upload page itself under Streamlit's AppTest: app.py and app_pages/upload.py run with
          the workbook handed to the real st.file_uploader, so the time covers reading the
          upload, the dry run (check + load + roll back), and drawing the preview, warnings and
          error tables; the database is a new empty one too
  helpers qa_dashboard.upload.check() plus the preview and problem tables, without Streamlit
          (for the breakdown: page - helpers is what Streamlit itself adds)

Budget: page <= 1.5 x cli. Prints a markdown table, writes bench/results/upload.json, and exits
1 when the budget is missed or the workbook is refused (it is valid by construction).
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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def peak_memory_mb() -> float:
    import resource

    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def empty_database(workdir: Path, name: str) -> Path:
    """A new database holding the schema and nothing else (as `start_empty` leaves one)."""
    from qa_dashboard import store

    path = workdir / f"{name}-{os.getpid()}.duckdb"
    with store.write_transaction(path):
        pass
    return path


def remove_database(path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


# ---------------------------------------------------------------- child processes

def child_cli(path: str, runs: int, workdir: str) -> dict:
    from qa_dashboard.ingest import ingest

    times = []
    for _ in range(runs):
        db = empty_database(Path(workdir), "cli")
        started = time.perf_counter()
        result = ingest([path], db, user="bench")
        times.append(time.perf_counter() - started)
        remove_database(db)
        if not result.loaded:
            errors = [p.line() for p in result.problems if p.severity == "error"]
            return {"failure": f"the command line refused the workbook: {errors[:5]}"}
    return {"seconds": times, "peak_memory_mb": peak_memory_mb()}


def child_helpers(path: str, runs: int, workdir: str) -> dict:
    from qa_dashboard import auth, upload

    data = Path(path).read_bytes()
    times = []
    for _ in range(runs):
        db = empty_database(Path(workdir), "helpers")
        started = time.perf_counter()
        checked = upload.check([upload.Upload(Path(path).name, data)], db, "bench", auth.UPLOADER)
        upload.problems_frame(checked.errors)
        upload.problems_frame(checked.warnings)
        times.append(time.perf_counter() - started)
        remove_database(db)
        if not checked.may_load(warnings_read=True):
            return {"failure": f"the page's check refused the workbook: {[p.line() for p in checked.errors[:5]]}"}
    return {"seconds": times, "warnings": len(checked.warnings), "peak_memory_mb": peak_memory_mb()}


def child_page(path: str, runs: int, workdir: str) -> dict:
    from streamlit.testing.v1 import AppTest

    data = Path(path).read_bytes()
    times = []
    for _ in range(runs):
        db = empty_database(Path(workdir), "page")
        os.environ["QA_DASHBOARD_DB"] = str(db)
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
        app.secrets["bench"] = "no sign-in configured: the page runs open"
        app.run()
        app.switch_page("app_pages/upload.py")
        app.run()
        if app.exception or len(app.file_uploader) != 1:
            return {"failure": f"the Upload page did not open: {[e.value for e in app.exception]}"}
        app.file_uploader[0].set_value((Path(path).name, data, XLSX))
        started = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - started)
        if app.exception:
            return {"failure": f"the Upload page failed: {[e.value for e in app.exception]}"}
        ready = [t.value for t in app.text if "ready to load" in t.value]
        if not ready:
            return {"failure": "the page showed no preview: " + "; ".join(t.value for t in app.text)[:500]}
        remove_database(db)
    return {"seconds": times, "preview": ready[0], "peak_memory_mb": peak_memory_mb()}


CHILDREN = {"cli": child_cli, "page": child_page, "helpers": child_helpers}


def run_child(task: str, path: Path, runs: int, workdir: Path) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", task,
               "--path", str(path), "--runs", str(runs), "--workdir", str(workdir)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    env.pop("QA_DASHBOARD_UPLOADER_PASSWORD_HASH", None)
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    lines = completed.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-15:]
        return {"failure": f"{task} child exited {completed.returncode}:\n    " + "\n    ".join(tail)}


# ---------------------------------------------------------------- report

def markdown_table(results: dict) -> str:
    cli, page, helpers = results["cli"], results["page"], results["helpers"]

    def best(measured: dict) -> str:
        return f"{measured['best_seconds']:.2f} s" if "best_seconds" in measured else "failed"

    verdict = "n/a" if results["ratio_ok"] is None else ("PASS" if results["ratio_ok"] else "FAIL")
    rows = [
        ("Workbook", f"{results['file_mb']:.1f} MB, " + ", ".join(f"{n} {c:,}" for n, c in results["rows"].items()), "", ""),
        (f"Command line: ingest(), best of {results['runs']}", best(cli), "", ""),
        (f"Upload page (AppTest): check + preview, best of {results['runs']}", best(page), "", ""),
        (f"  of which upload.check() + tables, best of {results['runs']}", best(helpers), "", ""),
        ("page / command line", f"{results['ratio']:.2f}" if results["ratio"] is not None else "n/a",
         f"<= {RATIO_BUDGET}", verdict),
        ("Peak memory, page process", f"{page['peak_memory_mb']:.0f} MB" if "peak_memory_mb" in page else "n/a", "", ""),
    ]
    lines = ["| measure | value | budget | result |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the Upload page's check and preview of a large workbook.")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="copy the generated workbook into DIR")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(CHILDREN[args.child](args.path, args.runs, args.workdir)))
        return 0

    sys.path.insert(0, str(REPO))
    from bench.large_authority import write_large_authority

    with tempfile.TemporaryDirectory(prefix="qa-bench-upload-") as tmp:
        workdir = Path(tmp)
        workbook = workdir / "large_authority.xlsx"
        print(f"generating {workbook.name} (seed {args.seed}) ...", flush=True)
        rows = write_large_authority(workbook, seed=args.seed)
        file_mb = workbook.stat().st_size / 1024 / 1024
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(workbook, args.keep / workbook.name)
        # Rounds interleave the three tasks, one fresh process each, so a busy machine slows
        # them alike rather than whichever happened to run while it was busy.
        measured = {task: {"seconds": []} for task in CHILDREN}
        for round_number in range(1, args.runs + 1):
            for task in CHILDREN:
                if "failure" in measured[task]:
                    continue
                print(f"round {round_number}: {task} in a fresh process ...", flush=True)
                result = run_child(task, workbook, 1, workdir)
                if "failure" in result:
                    measured[task] = result
                    continue
                seconds = measured[task]["seconds"] + result.pop("seconds")
                measured[task].update(result)
                measured[task]["seconds"] = seconds

    for result in measured.values():
        if "seconds" in result:
            result["best_seconds"] = min(result["seconds"])
    cli, page = measured["cli"], measured["page"]
    ratio = page["best_seconds"] / cli["best_seconds"] if "best_seconds" in page and "best_seconds" in cli else None
    results = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "seed": args.seed, "runs": args.runs, "file_mb": file_mb, "rows": rows,
        **measured, "ratio": ratio, "ratio_budget": RATIO_BUDGET,
        "ratio_ok": None if ratio is None else ratio <= RATIO_BUDGET,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "upload.json").write_text(json.dumps(results, indent=2) + "\n")

    print()
    print(markdown_table(results))
    print()
    failed = False
    for task, result in measured.items():
        if "failure" in result:
            failed = True
            print(f"FAIL {task}: {result['failure']}")
    if results["ratio_ok"] is False:
        failed = True
        print(f"FAIL: the page took {ratio:.2f} x the command line, above the budget of {RATIO_BUDGET}")
    print(f"results written to {(RESULTS / 'upload.json').relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
