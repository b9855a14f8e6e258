"""Load benchmark (issue 12): a board opening the dashboard's link at once.

Starts `streamlit run` on 127.0.0.1 only, on a free port, over the large authority's database
(bench/large_authority.py loaded through `ingest`), and talks to it the way a browser does: for
each page a reader opens, it fetches the page's address over HTTP (as a browser does first, and
to receive the proxy's cookie behind `make serve`), opens a new websocket session at
`/_stcore/stream`, sends the `rerun_script` request naming the page by its address
(`page_name`, as the browser does on a copied link) and times the session until the server's
`script_finished` message. Nothing is rendered; the server does all its work.

Each reader opens Overview, System health and Audits, one after the other, each in a new
session. Readers start together. Against each page the same readers open a floor page
(bench/floor_page.py) showing as many metrics, charts and tables as that page sent, served by
the same server behind the same menu, banner and sidebar filters.

Measured:
  cpu      server CPU per new session per page (utime + stime from /proc/<pid>/stat before and
           after CPU_RUNS sessions opened one at a time, every query already cached), and the
           same for the floor matching that page: page and floor in turn, three batches each,
           the median batch reported
  readers  p50 / p95 seconds per page for 1, 20 and 40 readers, page and floor: the median of
           ROUNDS rounds, pages and floors taken in turn
  replicas 20 readers through `deploy/serve.py`'s HAProxy, one replica against two, the median
           wall time of ROUNDS runs each (skipped, and said, when haproxy is not installed)

Budgets: CPU per new session within 1.5x the matching floor's; 20 readers' p95 per page within
1.5x the floor's p95 for the same 20 readers; two replicas serve 20 readers at least 1.6x faster
(the whole run's wall time) than one. Every request is counted; every loop is bounded in count
and in time; the script stops its servers itself.

    python bench/load.py [--readers 1,20,40] [--cpu-runs 20] [--rounds 5] [--keep DIR] [--no-replicas]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402
from deploy import serve  # noqa: E402

HOST = serve.HOST  # 127.0.0.1: the benchmark never talks to another address
# Overview is the default page: its address is the app's root, as on a copied link.
PAGES = [("Overview", ""), ("System health", "system-health"), ("Audits", "audits")]
FLOOR_PATH = "floor"
BARE_FLOOR_PATH = "floor-bare"  # the same floor without the banner and sidebar filters
BENCH_APP = ROOT / "_bench_load_app.py"
MAX_READERS = 100
MAX_MESSAGES_PER_VISIT = 5_000
VISIT_TIMEOUT_S = 120.0
RUN_DEADLINE_S = 3_600.0
CPU_BUDGET, READERS_BUDGET, REPLICAS_BUDGET = 1.5, 1.5, 1.6
CPU_BATCHES = 3
CHART_ELEMENTS = {"vega_lite_chart", "arrow_vega_lite_chart", "plotly_chart", "deck_gl_json_chart"}
TABLE_ELEMENTS = {"dataframe", "arrow_data_frame", "table", "arrow_table"}


@dataclass
class Counter:
    """Every request the benchmark makes, and the deadline every loop checks."""

    deadline: float
    http: int = 0
    sessions: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise SystemExit(f"bench/load.py: stopped at the {RUN_DEADLINE_S:.0f} s deadline")


@dataclass
class Visit:
    seconds: float
    metrics: int = 0
    charts: int = 0
    tables: int = 0
    error: str | None = None


# ------------------------------------------------------------------ the browser's protocol --

def _rerun_request(page_path: str, query: str, port: int) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    state = message.rerun_script
    state.query_string = query
    state.page_name = page_path
    state.page_script_hash = ""  # a new session: the server finds the page by its address
    state.context_info.url = f"http://{HOST}:{port}/{page_path}" + (f"?{query}" if query else "")
    state.context_info.timezone = "Europe/London"
    state.context_info.locale = "en-GB"
    return message.SerializeToString()


def _count_element(visit: Visit, message) -> None:
    delta = message.delta
    if delta.WhichOneof("type") != "new_element":
        return
    kind = delta.new_element.WhichOneof("type")
    if kind == "metric":
        visit.metrics += 1
    elif kind in CHART_ELEMENTS:
        visit.charts += 1
    elif kind in TABLE_ELEMENTS:
        visit.tables += 1
    elif kind == "exception":
        visit.error = f"the page raised: {delta.new_element.exception.message[:200]}"


def _fetch_cookie(port: int, page_path: str, counter: Counter, cookie: str | None) -> str | None:
    """GET the page's address, as a browser does before it opens the websocket; returns the
    cookie a proxy set (HAProxy's replica cookie behind `make serve`), else the one sent."""
    request = urllib.request.Request(f"http://{HOST}:{port}/{page_path}")
    if cookie:
        request.add_header("Cookie", cookie)
    counter.http += 1
    with urllib.request.urlopen(request, timeout=VISIT_TIMEOUT_S) as response:
        response.read()
        set_cookie = response.headers.get("Set-Cookie")
    return set_cookie.split(";", 1)[0] if set_cookie else cookie


async def visit(port: int, page_path: str, query: str, counter: Counter, cookie: str | None = None) -> Visit:
    """One new session opening one page; seconds until its `script_finished`."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    counter.check_time()
    started = time.perf_counter()
    result = Visit(seconds=0.0)
    headers = {"Cookie": cookie} if cookie else {}
    counter.sessions += 1
    try:
        async with asyncio.timeout(VISIT_TIMEOUT_S):
            async with connect(f"ws://{HOST}:{port}/_stcore/stream", subprotocols=["streamlit"],
                               additional_headers=headers, max_size=None, open_timeout=VISIT_TIMEOUT_S) as socket:
                await socket.send(_rerun_request(page_path, query, port))
                for _ in range(MAX_MESSAGES_PER_VISIT):
                    message = ForwardMsg()
                    message.ParseFromString(await socket.recv())
                    counter.messages += 1
                    kind = message.WhichOneof("type")
                    if kind == "delta":
                        _count_element(result, message)
                    elif kind == "page_not_found":
                        result.error = f"page not found: {page_path}"
                    elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            result.error = f"script finished with status {message.script_finished}"
                        break
                else:
                    result.error = f"no script_finished within {MAX_MESSAGES_PER_VISIT} messages"
    except (TimeoutError, OSError, Exception) as error:  # noqa: B014 - any failure is one counted error
        result.error = f"{type(error).__name__}: {error}"
    result.seconds = time.perf_counter() - started
    if result.error:
        counter.errors.append(f"{page_path}: {result.error}")
    return result


def visit_once(port: int, page_path: str, query: str, counter: Counter) -> Visit:
    return asyncio.run(visit(port, page_path, query, counter))


def floor_query(page_visit: Visit) -> str:
    return f"metrics={page_visit.metrics}&charts={page_visit.charts}&tables={page_visit.tables}"


# ---------------------------------------------------------------------------- measurements --

async def _cpu_per_session(server: serve.Process, port: int, page_path: str, query: str, runs: int,
                           counter: Counter) -> tuple[float, float]:
    """Server CPU seconds and median wall seconds per new session, one session at a time."""
    await visit(port, page_path, query, counter)  # fills this page's caches
    cpu_before, wall = server.cpu_seconds(), []
    for _ in range(runs):
        wall.append((await visit(port, page_path, query, counter)).seconds)
    return (server.cpu_seconds() - cpu_before) / runs, statistics.median(wall)


async def _with_reader_present(port: int, counter: Counter, work):
    """Runs `work()` while one more reader keeps a session open, as a board's readers overlap.

    Streamlit forgets its compiled scripts whenever its last session closes; sessions opened one
    at a time would each pay that compilation, which readers arriving together do not."""
    from websockets.asyncio.client import connect

    counter.sessions += 1
    async with connect(f"ws://{HOST}:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                       open_timeout=VISIT_TIMEOUT_S) as present:
        await present.send(_rerun_request(BARE_FLOOR_PATH, "", port))
        return await work()


async def _readers(port: int, readers: int, targets: list[tuple[str, str]], counter: Counter) -> list[list[Visit]]:
    """`readers` readers starting together, each opening every target in turn, a new session each."""
    async def reader() -> list[Visit]:
        cookie, visits = None, []
        for page_path, query in targets:
            cookie = await asyncio.to_thread(_fetch_cookie, port, page_path, counter, cookie)
            visits.append(await visit(port, page_path, query, counter, cookie))
        return visits

    return await asyncio.gather(*(reader() for _ in range(readers)))


def readers_run(port: int, readers: int, targets: list[tuple[str, str]], counter: Counter) -> tuple[list[list[float]], float]:
    """Seconds per target (one list per target, one figure per reader) and the run's wall time."""
    if not 1 <= readers <= MAX_READERS:
        raise SystemExit(f"bench/load.py: readers must be 1 to {MAX_READERS}")
    started = time.perf_counter()
    by_reader = asyncio.run(_readers(port, readers, targets, counter))
    wall = time.perf_counter() - started
    return [[visits[index].seconds for visits in by_reader] for index in range(len(targets))], wall


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


# ------------------------------------------------------------------------------- the setup --

def write_bench_app() -> Path:
    """app.py with the floor page added to its menu, so the floor pays for the same shell."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    menu = "board_pages = [overview, system_health, audits, workforce, voice, board_pack]"
    if menu not in source:
        raise SystemExit("bench/load.py: app.py's board_pages line changed; update write_bench_app")
    navigation = "page = st.navigation(board_pages + [loaded, upload, overview_by_name])"
    if navigation not in source:
        raise SystemExit("bench/load.py: app.py's st.navigation line changed; update write_bench_app")
    floors = (f"floor = st.Page('bench/floor_page.py', title='Floor', url_path={FLOOR_PATH!r})\n"
              f"bare = st.Page('bench/floor_page.py', title='Floor, bare', url_path={BARE_FLOOR_PATH!r})\n")
    source = source.replace(menu, floors + menu.replace("board_pack]", "board_pack, floor]"))
    source = source.replace(navigation, navigation.replace("overview_by_name]", "overview_by_name, bare]") + "\nif page is bare:\n"
                            "    page.run()\n    st.stop()")
    BENCH_APP.write_text(source, encoding="utf-8")
    return BENCH_APP


# ---------------------------------------------------------------------------------- report --

def _cpu_table(server: serve.Process, port: int, runs: int, counter: Counter) -> tuple[list[dict], list[tuple[str, str]]]:
    async def measure() -> tuple[list[dict], list[tuple[str, str]]]:
        rows, targets = [], []
        for title, page_path in PAGES:
            query = floor_query(await visit(port, page_path, "", counter))  # the page's elements
            # Page, floor and bare floor in turn, CPU_BATCHES times; the median batch of each (a
            # clock tick is 10 ms, and the machine's speed drifts between batches).
            batches = {"page": [], "floor": [], "bare": []}
            for _ in range(CPU_BATCHES):
                for kind, path, asked in (("page", page_path, ""), ("floor", FLOOR_PATH, query), ("bare", BARE_FLOOR_PATH, query)):
                    batches[kind].append(await _cpu_per_session(server, port, path, asked, runs, counter))
            (page_cpu, page_wall), (floor_cpu, floor_wall), (bare_cpu, _) = (
                sorted(batches[kind])[len(batches[kind]) // 2] for kind in ("page", "floor", "bare"))
            rows.append({"page": title, "elements": query, "cpu_s": page_cpu, "floor_cpu_s": floor_cpu,
                         "bare_floor_cpu_s": bare_cpu, "wall_s": page_wall, "floor_wall_s": floor_wall,
                         "ratio": page_cpu / floor_cpu})
            targets.append((page_path, query))
        return rows, targets

    return asyncio.run(_with_reader_present(port, counter, measure))


def _readers_table(port: int, counts: list[int], targets: list[tuple[str, str]], counter: Counter,
                   rounds: int) -> list[dict]:
    """Per reader count, `rounds` runs of the pages and of their floors, taken in turn (so neither
    always goes first); each figure is the median over the rounds of that round's p50 or p95."""
    rows = []
    page_targets = [(page_path, "") for page_path, _ in targets]
    floor_targets = [(FLOOR_PATH, query) for _, query in targets]
    for readers in counts:
        runs = {"page": [], "floor": []}
        for round_number in range(rounds):
            order = ("page", "floor") if round_number % 2 == 0 else ("floor", "page")
            for kind in order:
                runs[kind].append(readers_run(port, readers, page_targets if kind == "page" else floor_targets, counter)[0])
        for index, (title, _) in enumerate(PAGES):
            def median_of(kind: str, share: float) -> float:
                return statistics.median(percentile(run[index], share) for run in runs[kind])
            rows.append({"readers": readers, "page": title, "rounds": rounds,
                         "p50_s": median_of("page", 0.5), "p95_s": median_of("page", 0.95),
                         "floor_p50_s": median_of("floor", 0.5), "floor_p95_s": median_of("floor", 0.95)})
    return rows


def _replicas_table(app: Path, database: Path, readers: int, counter: Counter, logs: Path,
                    rounds: int) -> list[dict] | str:
    if serve.haproxy_binary() is None:
        return "skipped: HAProxy is not installed (apt-get install haproxy)"
    rows = []
    for replicas in (1, 2):
        port = serve.free_consecutive_ports(replicas + 1)
        cluster = serve.Cluster(replicas, port, app, database, logs=logs)
        try:
            visit_once(port, PAGES[0][1], "", counter)  # warm: later figures are new sessions, not cold caches
            for _, page_path in PAGES:
                readers_run(port, 1, [(page_path, "")], counter)  # every replica's caches filled
                readers_run(port, replicas, [(page_path, "")], counter)
            server_cpu, driver_cpu = cluster.cpu_seconds(), _own_cpu_seconds()
            walls, every = [], []
            for _ in range(rounds):  # the median round: one run of a few seconds is at the mercy of the machine
                seconds, wall = readers_run(port, readers, [(p, "") for _, p in PAGES], counter)
                walls.append(wall)
                every += [s for page in seconds for s in page]
            server_cpu, driver_cpu = cluster.cpu_seconds() - server_cpu, _own_cpu_seconds() - driver_cpu
        finally:
            cluster.stop()
        rows.append({"replicas": replicas, "readers": readers, "rounds": rounds, "wall_s": statistics.median(walls),
                     "walls_s": walls, "server_cpu_s": server_cpu / rounds, "driver_cpu_s": driver_cpu / rounds,
                     "p50_s": statistics.median(every), "p95_s": percentile(every, 0.95)})
    return rows


def _drawing_ahead_table(port: int, database: Path, readers: int, counter: Counter, rounds: int) -> list[dict]:
    """Readers' seconds per page with the pack's charts being drawn ahead (the child a load starts,
    `qa_dashboard.draw_ahead`, caught drawing) and without, rounds taken in turn."""
    import os
    import shutil

    from qa_dashboard import draw_ahead

    folder = database.parent / "chart-cache"
    runs = {"quiet": [], "drawing": []}
    for round_number in range(rounds):
        for kind in (("quiet", "drawing") if round_number % 2 == 0 else ("drawing", "quiet")):
            child = None
            if kind == "drawing":
                shutil.rmtree(folder, ignore_errors=True)  # nothing drawn: the child draws the whole pack
                os.environ[draw_ahead.ENV_VAR] = "1"
                child = draw_ahead.start(database)
                os.environ[draw_ahead.ENV_VAR] = "0"
                waited = 0
                while not any(folder.glob("*.svg")) and child.poll() is None and waited < 600:
                    time.sleep(0.2)  # until its first chart is drawn: the readers meet the drawing, not the model
                    waited += 1
            try:
                runs[kind].append(readers_run(port, readers, [(p, "") for _, p in PAGES], counter)[0])
            finally:
                if child is not None:
                    still_drawing = child.poll() is None
                    child.wait()  # finished, with its helper, before the next round
                    runs[kind][-1] = (runs[kind][-1], still_drawing)
    rows = []
    for index, (title, _) in enumerate(PAGES):
        drawing = [run for run, caught in runs["drawing"]]
        rows.append({"readers": readers, "page": title, "rounds": rounds,
                     "caught_drawing": sum(caught for _, caught in runs["drawing"]),
                     "quiet_p95_s": statistics.median(percentile(run[index], 0.95) for run in runs["quiet"]),
                     "drawing_p95_s": statistics.median(percentile(run[index], 0.95) for run in drawing)})
    return rows


def _own_cpu_seconds() -> float:
    """CPU this driver has used: it shares the machine's cores with the servers it measures."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def print_report(cpu: list[dict], readers: list[dict], replicas, loadavg: tuple[str, str]) -> bool:
    failed = False
    print(f"\nLoad average before / after: {loadavg[0]} / {loadavg[1]} (2 cores)\n")
    print("| page (elements) | server CPU per new session | floor in the app | ÷ floor (≤ 1.5) | floor, bare |")
    print("|---|---|---|---|---|")
    for row in cpu:
        failed |= row["ratio"] > CPU_BUDGET
        print(f"| {row['page']} ({row['elements']}) | {row['cpu_s'] * 1000:.0f} ms | {row['floor_cpu_s'] * 1000:.0f} ms | "
              f"{row['ratio']:.2f} {'PASS' if row['ratio'] <= CPU_BUDGET else 'FAIL'} | {row['bare_floor_cpu_s'] * 1000:.0f} ms |")
    rounds = readers[0]["rounds"] if readers else 1
    print(f"\nSeconds per page, the median of {rounds} rounds (pages and floors taken in turn):")
    print("\n| readers | page | p50 | p95 | floor p50 | floor p95 | p95 ÷ floor p95 |")
    print("|---|---|---|---|---|---|---|")
    for row in readers:
        ratio = row["p95_s"] / row["floor_p95_s"]
        verdict = ""
        if row["readers"] == 20:
            failed |= ratio > READERS_BUDGET
            verdict = " PASS" if ratio <= READERS_BUDGET else " FAIL"
        print(f"| {row['readers']} | {row['page']} | {row['p50_s']:.2f} s | {row['p95_s']:.2f} s | {row['floor_p50_s']:.2f} s | "
              f"{row['floor_p95_s']:.2f} s | {ratio:.2f}{verdict} |")
    if isinstance(replicas, str):
        print(f"\nReplicas: {replicas}")
        return failed
    print(f"\nReplicas, the median wall time of {replicas[0]['rounds']} runs each (CPU per run):")
    print("\n| replicas behind HAProxy | readers | wall time | p50 | p95 | servers' CPU | this driver's CPU |")
    print("|---|---|---|---|---|---|---|")
    for row in replicas:
        print(f"| {row['replicas']} | {row['readers']} | {row['wall_s']:.2f} s | {row['p50_s']:.2f} s | {row['p95_s']:.2f} s | "
              f"{row['server_cpu_s']:.1f} s | {row['driver_cpu_s']:.1f} s |")
    speedup = replicas[0]["wall_s"] / replicas[1]["wall_s"]
    failed |= speedup < REPLICAS_BUDGET
    print(f"\nTwo replicas against one: {speedup:.2f}x faster ({'PASS' if speedup >= REPLICAS_BUDGET else 'FAIL'}, ≥ {REPLICAS_BUDGET})")
    return failed


DRAWING_AHEAD_BUDGET = 1.25   # readers' p95 with the drawing ahead running, against without


def _print_drawing_ahead(rows: list[dict], counter: Counter) -> int:
    print(f"\n20 readers' p95 per page, the median of {rows[0]['rounds']} rounds with the default pack's charts "
          f"being drawn ahead (caught drawing in {rows[0]['caught_drawing']} of them) and without:\n")
    print("| page | p95, quiet | p95, drawing ahead | ratio (≤ 1.25) |")
    print("|---|---|---|---|")
    failed = bool(counter.errors)
    for row in rows:
        ratio = row["drawing_p95_s"] / row["quiet_p95_s"]
        failed |= ratio > DRAWING_AHEAD_BUDGET
        print(f"| {row['page']} | {row['quiet_p95_s']:.2f} s | {row['drawing_p95_s']:.2f} s | {ratio:.2f} "
              f"{'PASS' if ratio <= DRAWING_AHEAD_BUDGET else 'FAIL'} |")
    print(f"\nLoad average now: {Path('/proc/loadavg').read_text().split()[0]} (2 cores); {len(counter.errors)} errors")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", default="1,20,40", help="comma-separated reader counts")
    parser.add_argument("--cpu-runs", type=int, default=20, help="sessions per page in each of the "
                        f"{CPU_BATCHES} batches of the CPU figure")
    parser.add_argument("--keep", help="keep the workbook and database in this folder (reused when present)")
    parser.add_argument("--no-replicas", action="store_true", help="skip the HAProxy replicas comparison")
    parser.add_argument("--drawing-ahead", action="store_true", help="only: 20 readers with the pack's charts "
                        "being drawn ahead against without (issue 18)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each reader count and replica count; "
                                                              "the median is reported")
    args = parser.parse_args()
    counts = [int(n) for n in args.readers.split(",") if n.strip()]
    if not counts or not all(1 <= n <= MAX_READERS for n in counts) or not 1 <= args.cpu_runs <= 50 \
            or not 1 <= args.rounds <= 9:
        parser.error(f"readers must be 1 to {MAX_READERS}, cpu-runs 1 to 50, rounds 1 to 9")
    counter = Counter(deadline=time.monotonic() + RUN_DEADLINE_S)
    scratch, database = pages.prepare(args.keep, "qa-bench-load-")  # the large authority bench/pages.py times
    app = write_bench_app()
    loadavg_before = Path("/proc/loadavg").read_text().split()[0]
    try:
        port = serve.free_consecutive_ports(1)
        server = serve.start_streamlit(app, port, database, log=scratch / "server.log")
        if args.drawing_ahead:
            try:
                for _, page_path in PAGES:  # every page's caches filled: later sessions are new, not cold
                    readers_run(port, 1, [(page_path, "")], counter)
                rows = _drawing_ahead_table(port, database, 20, counter, args.rounds)
            finally:
                server.stop()
            return _print_drawing_ahead(rows, counter)
        try:
            cpu, targets = _cpu_table(server, port, args.cpu_runs, counter)
            readers = _readers_table(port, counts, targets, counter, args.rounds)
            peak_mb = server.peak_memory_mb()
        finally:
            server.stop()
        replicas = "skipped (--no-replicas)" if args.no_replicas else _replicas_table(app, database, 20, counter, scratch, args.rounds)
    finally:
        BENCH_APP.unlink(missing_ok=True)
    loadavg = (loadavg_before, Path("/proc/loadavg").read_text().split()[0])
    failed = print_report(cpu, readers, replicas, loadavg)
    print(f"\nPeak memory of the one server process: {peak_mb:.0f} MB")
    print(f"\nRequests: {counter.http} HTTP, {counter.sessions} websocket sessions, {counter.messages} messages; "
          f"{len(counter.errors)} errors")
    for error in counter.errors[:10]:
        print(f"  {error}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "load.json").write_text(json.dumps({"loadavg": loadavg, "peak_memory_mb": peak_mb, "cpu": cpu, "readers": readers, "replicas": replicas,
                                                   "requests": {"http": counter.http, "sessions": counter.sessions},
                                                   "errors": counter.errors}, indent=2))
    return 1 if failed or counter.errors else 0


if __name__ == "__main__":
    sys.exit(main())
