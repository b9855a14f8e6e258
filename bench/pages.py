"""Page budget (issue 3): the median AppTest run of each page on the large authority, with the
cache cold and warm, against a floor page measured in the same run.

Budget: warm at most 2x the floor's warm run, cold at most 5x the floor's cold run.

The floor (bench/floor_page.py: a title, one metric, one Altair chart, one 60-row table from one
DuckDB query) is measured twice: inside the app, as one more page behind app.py's menu, banner
and sidebar filters, which every real page also pays for; and bare, as a script on its own. The
budgets are judged against the floor inside the app; the bare ratios are printed beside them.

    python bench/pages.py [--runs 5] [--keep DIR]

The large authority is `bench/large_authority.py`'s workbook (5 years, 60 teams), loaded once
through `ingest` into a scratch database.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_authority import write_large_authority  # noqa: E402

PAGES = ["app_pages/overview.py", "app_pages/system_health.py", "app_pages/audits.py", "app_pages/workforce.py", "app_pages/voice.py"]
WARM_BUDGET, COLD_BUDGET = 2.0, 5.0


def _time_floor(runs: int) -> tuple[float, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        app = AppTest.from_file(str(ROOT / "bench" / "floor_page.py"), default_timeout=120)
        started = time.perf_counter()
        app.run()
        cold.append(time.perf_counter() - started)
        assert not app.exception, app.exception
        app.run()  # the first rerun still settles the session; time the one after
        started = time.perf_counter()
        app.run()
        warm.append(time.perf_counter() - started)
    return statistics.median(cold), statistics.median(warm)


APP_WITH_FLOOR = ROOT / "_bench_app_with_floor.py"
FLOOR_PAGE = "bench/floor_page.py"


def _write_app_with_floor() -> None:
    """app.py with the floor page added to its menu, so the floor pays for the same shell."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    menu = "board_pages = [overview, system_health, audits, workforce, voice, board_pack]"
    if menu not in source:
        raise SystemExit("bench/pages.py: app.py's board_pages line changed; update APP_WITH_FLOOR")
    APP_WITH_FLOOR.write_text(source.replace(menu, f"floor = st.Page({FLOOR_PAGE!r}, title='Floor', url_path='floor')\n"
                                                  f"board_pages = [overview, system_health, audits, workforce, voice, board_pack, floor]"),
                              encoding="utf-8")


def _time_page(page: str, runs: int) -> tuple[float, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(runs):
        app = AppTest.from_file(str(APP_WITH_FLOOR), default_timeout=120).run()
        app.switch_page(page)
        st.cache_data.clear()
        st.cache_resource.clear()
        started = time.perf_counter()
        app.run()
        cold.append(time.perf_counter() - started)
        assert not app.exception, (page, app.exception)
        app.run()
        started = time.perf_counter()
        app.run()
        warm.append(time.perf_counter() - started)
    return statistics.median(cold), statistics.median(warm)


def large_database(scratch: Path) -> Path:
    """The large authority loaded through `ingest` into `scratch/large.duckdb`, once."""
    database = scratch / "large.duckdb"
    if not database.exists():
        from qa_dashboard.ingest import ingest

        workbook = scratch / "large_authority.xlsx"
        print("generating and loading the large authority ...", flush=True)
        write_large_authority(workbook)
        result = ingest([workbook], database, user="bench")
        if not result.ok:
            raise SystemExit("\n".join(p.line() for p in result.problems[:20]))
    return database


def prepare(keep: str | None, prefix: str) -> tuple[Path, Path]:
    """The scratch folder (`--keep`'s, else a new temporary one) and the large authority's
    database in it, made once; the pages and the pack read it through $QA_DASHBOARD_DB."""
    scratch = Path(keep or tempfile.mkdtemp(prefix=prefix))
    scratch.mkdir(parents=True, exist_ok=True)
    # No pack drawn ahead behind the figures timed (the load, the app's start); bench/load.py
    # --drawing-ahead times the readers with it, and bench/pack.py starts it itself.
    os.environ["QA_DASHBOARD_DRAW_AHEAD"] = "0"
    database = large_database(scratch)
    os.environ["QA_DASHBOARD_DB"] = str(database)
    return scratch, database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="keep the workbook and database in this folder")
    args = parser.parse_args()
    prepare(args.keep, "qa-bench-pages-")

    bare_cold, bare_warm = _time_floor(args.runs)
    _write_app_with_floor()
    try:
        floor_cold, floor_warm = _time_page(FLOOR_PAGE, args.runs)
        rows = [("floor page, bare", bare_cold, bare_warm, None, None, None, None),
                ("floor page, in the app", floor_cold, floor_warm, None, None, None, None)]
        failed = False
        for page in PAGES:
            if not (ROOT / page).exists():
                continue
            cold, warm = _time_page(page, args.runs)
            cold_ratio, warm_ratio = cold / floor_cold, warm / floor_warm
            failed |= cold_ratio > COLD_BUDGET or warm_ratio > WARM_BUDGET
            rows.append((page, cold, warm, cold_ratio, warm_ratio, cold / bare_cold, warm / bare_warm))
    finally:
        APP_WITH_FLOOR.unlink(missing_ok=True)

    print(f"\nMedian of {args.runs} AppTest runs on the large authority (60 teams, 5 years):\n")
    print("| page | cold | warm | cold ÷ floor in app (≤ 5) | warm ÷ floor in app (≤ 2) | cold ÷ bare floor | warm ÷ bare floor |")
    print("|---|---|---|---|---|---|---|")
    for page, cold, warm, cold_ratio, warm_ratio, cold_bare, warm_bare in rows:
        ratios = ("", "", "", "") if cold_ratio is None else (
            f"{cold_ratio:.1f} {'PASS' if cold_ratio <= COLD_BUDGET else 'FAIL'}",
            f"{warm_ratio:.1f} {'PASS' if warm_ratio <= WARM_BUDGET else 'FAIL'}",
            f"{cold_bare:.1f}", f"{warm_bare:.1f}")
        print(f"| {page} | {cold * 1000:.0f} ms | {warm * 1000:.0f} ms | " + " | ".join(ratios) + " |")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "pages.json").write_text(json.dumps(
        [{"page": p, "cold_s": c, "warm_s": w, "cold_ratio": cr, "warm_ratio": wr, "cold_ratio_bare": cb,
          "warm_ratio_bare": wb} for p, c, w, cr, wr, cb, wb in rows],
        indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
