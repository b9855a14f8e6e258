"""Board pack budget (issue 14): the full pack of the large authority, .docx and .pdf, each in at
most 3 times the time the warm pages it contains take to render in AppTest.

The pages are the five board pages (Overview, System health, Audits, Workforce, Voice), timed
warm as bench/pages.py times them (the median of --runs AppTest reruns, behind app.py's menu and
filters); their warm times are summed. Each pack is timed from the database to the file's
bytes: the document model (queries and figures, nothing cached), the charts drawn for print
(vl-convert, in helper processes, one per core: their wall time, and each
chart's own time summed) and the writer. The time per chart is reported too. Each first pack
starts with no chart kept; then each is made again in the same process, as the Board pack page
makes it the next time (its model cached, its charts kept).

Issue 18's two budgets:
- the default pack (latest 12 months, whole authority, every section) right after a load,
  its charts drawn ahead (`qa_dashboard.draw_ahead`, timed too): within 3 x the warm pages it
  holds. Timed in this process with nothing kept in memory, as a restarted app or the command
  line finds it: as the Board pack page makes it (the model already built for the outline: the
  click to the file), and whole (model included, as `pack OUT` makes it);
- another view's first pack (the first service area, nothing drawn): within 10 s, model,
  charts and writer, with the progress the Board pack page shows (section, chart n of m).

    python bench/pack.py [--runs 3] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

BUDGET = 3.0
OTHER_VIEW_BUDGET_S = 10.0


def warm_pages(runs: int) -> dict[str, float]:
    pages._write_app_with_floor()
    try:
        return {page: pages._time_page(page, runs)[1] for page in pages.PAGES}
    finally:
        pages.APP_WITH_FLOOR.unlink(missing_ok=True)


def time_pack(database: Path, kind: str, out: Path) -> dict:
    """The pack made the first time: from the database, no chart drawn before in this process."""
    from qa_dashboard import pack
    from qa_dashboard.pack.images import IMAGE_KIND, Renderer, forget_drawn

    forget_drawn()
    started = time.perf_counter()
    renderer = Renderer()
    renderer.start(IMAGE_KIND[kind])  # as make_pack does: the chart helpers warm up during the build
    chosen = pack.filters_for(database, None, None, None)
    document = pack.build(database, chosen)
    built = time.perf_counter()
    # What the writer's first step does (`draw_all`), timed on its own: the charts' wall time with
    # the helper processes drawing; the writer then finds every chart drawn.
    renderer.draw_all([chart.spec for chart in document.charts()], IMAGE_KIND[kind])
    drawn = time.perf_counter()
    out.write_bytes(pack.render(document, kind, renderer))
    finished = time.perf_counter()
    charts = renderer.seconds
    return {"kind": kind, "total_s": finished - started, "model_s": built - started,
            "charts": len(charts), "chart_wall_s": drawn - built, "chart_total_s": sum(charts),
            "chart_median_s": statistics.median(charts) if charts else None, "helpers": renderer.helpers,
            "writer_s": finished - drawn, "bytes": out.stat().st_size, "document": document}


def time_again(document, kind: str, out: Path) -> dict:
    """The same pack made again in the same process, as the Board pack page makes it for the next
    click or the next board member: the document model from the page's cache (unpickled, as
    `st.cache_data` hands it out), the charts kept from the first time."""
    from qa_dashboard import pack
    from qa_dashboard.pack.images import Renderer

    started = time.perf_counter()
    cached = pickle.loads(pickle.dumps(document))
    renderer = Renderer()
    out.write_bytes(pack.render(cached, kind, renderer))
    return {"kind": kind, "total_s": time.perf_counter() - started, "charts_drawn": len(renderer.seconds)}


def time_drawn_ahead(database: Path) -> dict:
    """The charts of the default pack drawn ahead as after a load (the child's work, here), then
    each format of that pack with nothing kept in memory."""
    from qa_dashboard import draw_ahead, pack
    from qa_dashboard.pack.images import forget_drawn

    started = time.perf_counter()
    os.environ[draw_ahead.ENV_VAR] = "1"
    child = draw_ahead.start(database)  # the child a load starts, detached, at low priority
    os.environ[draw_ahead.ENV_VAR] = "0"
    child.wait()
    ahead_s = time.perf_counter() - started
    drawn = len(list((database.parent / "chart-cache").glob("*.*g")))
    chosen = pack.filters_for(database, None, None, None)
    results = []
    for kind in (".docx", ".pdf"):
        forget_drawn()
        started = time.perf_counter()
        document = pack.build(database, chosen)
        built = time.perf_counter()
        renderer = pack.renderer_for(database)
        data = pack.render(document, kind, renderer)
        finished = time.perf_counter()
        results.append({"kind": kind, "whole_s": finished - started, "click_s": finished - built,
                        "charts_drawn": len(renderer.seconds), "bytes": len(data)})
    return {"ahead_s": ahead_s, "ahead_drawn": drawn, "packs": results}


def time_other_view(database: Path, scratch: Path) -> list[dict]:
    """A first pack of another view (the first service area), nothing kept, with its progress."""
    from qa_dashboard import pack
    from qa_dashboard.chart_cache import ChartCache
    from qa_dashboard.pack.images import IMAGE_KIND, Renderer, forget_drawn
    from qa_dashboard.queries import queries

    service = sorted(queries.run("teams_by_service", database, {})["service_area"].dropna())[0]
    results = []
    for kind in (".docx", ".pdf"):
        forget_drawn()
        folder = scratch / f"other-view-charts{kind}"
        shutil.rmtree(folder, ignore_errors=True)
        progress = []
        started = time.perf_counter()
        renderer = Renderer(cache=ChartCache(folder))
        renderer.start(IMAGE_KIND[kind])
        document = pack.build(database, pack.filters_for(database, None, service, None))
        built = time.perf_counter()
        data = pack.render(document, kind, renderer, lambda section, n, m: progress.append((section, n, m)))
        finished = time.perf_counter()
        results.append({"kind": kind, "service": service, "total_s": finished - started, "model_s": built - started,
                        "charts": len(renderer.seconds), "charts_and_writer_s": finished - built, "bytes": len(data),
                        "progress_first": progress[:1], "progress_last": progress[-1:]})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="keep the workbook, database and packs in this folder")
    args = parser.parse_args()
    os.environ["QA_DASHBOARD_DRAW_AHEAD"] = "0"  # drawn ahead below, timed, not by a load's child
    scratch, database = pages.prepare(args.keep, "qa-bench-pack-")
    shutil.rmtree(database.parent / "chart-cache", ignore_errors=True)

    warm = warm_pages(args.runs)
    pages_total = sum(warm.values())
    packs, again = [], []
    for kind in (".docx", ".pdf"):  # each first with nothing kept, then again at once
        packs.append(time_pack(database, kind, scratch / f"pack{kind}"))
        again.append(time_again(packs[-1].pop("document"), kind, scratch / f"again{kind}"))

    print(f"\nWarm AppTest runs (median of {args.runs}) of the pages the pack contains, large authority:\n")
    for page, seconds in warm.items():
        print(f"  {page}: {seconds * 1000:.0f} ms")
    print(f"  together: {pages_total * 1000:.0f} ms; budget per pack {BUDGET:g} x = {BUDGET * pages_total:.1f} s\n")
    print("| pack | total | model | charts drawn (wall) | drawing time, summed | per chart (median) | writer | size | ÷ warm pages (≤ 3) |")
    print("|---|---|---|---|---|---|---|---|---|")
    failed = False
    for result in packs:
        ratio = result["total_s"] / pages_total  # reported: issue 18 judges the pack drawn ahead, below
        result["ratio"] = ratio
        print(f"| {result['kind']} | {result['total_s']:.1f} s | {result['model_s']:.1f} s | {result['charts']} in "
              f"{result['chart_wall_s']:.1f} s | {result['chart_total_s']:.1f} s ({result['helpers']} helper "
              f"processes) | {result['chart_median_s']:.2f} s | {result['writer_s']:.1f} s | "
              f"{result['bytes'] / 1e6:.1f} MB | {ratio:.1f} {'PASS' if ratio <= BUDGET else 'FAIL'} |")
    print("\nThe same pack made again in the same process (the Board pack page: model from its cache, charts kept):\n")
    print("| pack | total | charts drawn again | ÷ warm pages (≤ 3) |")
    print("|---|---|---|---|")
    for result in again:
        result["ratio"] = result["total_s"] / pages_total
        print(f"| {result['kind']} | {result['total_s']:.2f} s | {result['charts_drawn']} | {result['ratio']:.1f} "
              f"{'PASS' if result['ratio'] <= BUDGET else 'FAIL'} |")

    ahead = time_drawn_ahead(database)
    print(f"\nThe default pack right after a load: its {ahead['ahead_drawn']} pictures drawn ahead in "
          f"{ahead['ahead_s']:.1f} s (in the background, at low priority), then made with nothing in memory:\n")
    print("| pack | on the Board pack page (the click) | ÷ warm pages (≤ 3) | whole, model included (`pack OUT`) | charts drawn |")
    print("|---|---|---|---|---|")
    for result in ahead["packs"]:
        result["ratio"] = result["click_s"] / pages_total
        failed |= result["ratio"] > BUDGET
        print(f"| {result['kind']} | {result['click_s']:.2f} s | {result['ratio']:.1f} "
              f"{'PASS' if result['ratio'] <= BUDGET else 'FAIL'} | {result['whole_s']:.1f} s | {result['charts_drawn']} |")
    other = time_other_view(database, scratch)
    print(f"\nAnother view's first pack ({other[0]['service']}, nothing drawn; budget {OTHER_VIEW_BUDGET_S:g} s):\n")
    print("| pack | total | model | charts and writer | charts drawn | progress shown | within 10 s |")
    print("|---|---|---|---|---|---|---|")
    for result in other:
        failed |= result["total_s"] > OTHER_VIEW_BUDGET_S
        print(f"| {result['kind']} | {result['total_s']:.1f} s | {result['model_s']:.1f} s | "
              f"{result['charts_and_writer_s']:.1f} s | {result['charts']} | {result['progress_first']} … "
              f"{result['progress_last']} | {'PASS' if result['total_s'] <= OTHER_VIEW_BUDGET_S else 'FAIL'} |")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "pack.json").write_text(json.dumps({"warm_pages_s": warm, "packs": packs, "again": again,
                                                   "drawn_ahead": ahead, "other_view": other}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
