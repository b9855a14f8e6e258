"""`make serve`: app processes behind HAProxy, each reader kept on one of them by a cookie, kept
running by a supervisor that restarts a replica that stops and leaves nothing behind.

Needs Debian's haproxy: without it these tests skip on a developer's machine and fail under CI
(CI=true), where `.ci/run` installs it. Every wait is bounded by a generous deadline and a count;
none assumes how fast the machine is.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from bench import load
from deploy import serve

REPO_ROOT = Path(__file__).resolve().parents[1]
START_DEADLINE_S = 300.0  # a cold start of the app on a loaded 2-core machine, with room to spare
TINY_APP = "import streamlit as st\nst.write('A page.')\n"


def _needs_haproxy() -> None:
    if serve.haproxy_binary() is None:
        message = "make serve needs haproxy (apt-get install haproxy)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _wait_for(condition, what: str, seconds: float = START_DEADLINE_S, every: float = 0.25):
    """Poll `condition` until it returns something true; fail naming `what` at the deadline."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / every) + 1):
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            break
        time.sleep(every)
    pytest.fail(f"{what} within {seconds:.0f} s", pytrace=False)


def _children(parent: int) -> dict[int, str]:
    """The live processes whose parent is `parent`, with their command lines (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) == parent and stat[0] != "Z":
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue  # it ended while we looked
    return found


def _alive(pid: int) -> bool:
    """Running, not ended and not a zombie waiting to be reaped."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except (OSError, IndexError):
        return False


def _replica_pid(supervisor: int, replica_port: int) -> int | None:
    for pid, command in _children(supervisor).items():
        if "streamlit" in command and f"--server.port {replica_port} " in command:
            return pid
    return None


def _get(port: int, cookie: str | None = None) -> tuple[int, str]:
    """The status of GET /_stcore/health on 127.0.0.1:port, and the replica cookie HAProxy set."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_stcore/health")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
            return response.status, next((c for c in cookies if c.startswith(f"{serve.COOKIE}=")), "")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


def _start_supervisor(port: int, replicas: int, output: Path, app: Path | None = None,
                      database: Path | None = None) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(output.parent))
    if database:
        env["QA_DASHBOARD_DB"] = str(database)
    args = [sys.executable, str(REPO_ROOT / "deploy" / "serve.py"), "--replicas", str(replicas), "--port", str(port)]
    if app:
        args += ["--app", str(app)]
    with open(output, "wb") as log:
        return subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_until_serving(supervisor: subprocess.Popen, output: Path) -> None:
    def serving():
        if supervisor.poll() is not None:
            pytest.fail(f"make serve stopped while starting:\n{output.read_text()}", pytrace=False)
        return "The dashboard is on" in output.read_text()
    _wait_for(serving, "make serve did not start")


def _stop_supervisor(supervisor: subprocess.Popen, children: list[int]) -> None:
    """Teardown: stop the supervisor we started, then any child of it still running (by id)."""
    if supervisor.poll() is None:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(timeout=120)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            supervisor.wait(timeout=60)
    for pid in children:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster(demo_db: Path, tmp_path_factory):
    """`python deploy/serve.py --replicas 2` on the demo database, as `make serve` runs it."""
    _needs_haproxy()
    port = serve.free_consecutive_ports(3)
    output = tmp_path_factory.mktemp("serve") / "serve.out"
    supervisor = _start_supervisor(port, 2, output, database=demo_db)
    seen = []
    try:
        _wait_until_serving(supervisor, output)
        seen = list(_children(supervisor.pid))
        yield SimpleNamespace(port=port, replica_ports=[port + 1, port + 2], supervisor=supervisor, output=output)
        seen += list(_children(supervisor.pid))
    finally:
        _stop_supervisor(supervisor, seen)
    assert supervisor.returncode == 0, output.read_text()
    assert not any(_alive(pid) for pid in seen), "a process of make serve kept running after it stopped"


def _cached_queries(replica_port: int) -> int:
    """How many query frames a replica holds in its cache, from Streamlit's own metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{replica_port}/_stcore/metrics", timeout=30) as response:
        text = response.read().decode()
    return sum(1 for line in text.splitlines() if "cached._frame" in line or "cached:_frame" in line)


def _run_on_its_own_loop(coroutine):
    """asyncio.run in a thread of its own: in the whole suite, the browser tests' Playwright may
    still hold an event loop in this thread, and asyncio.run refuses to start inside one."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def test_each_reader_stays_on_one_replica_and_gets_the_page(cluster):
    counter = load.Counter(deadline=time.monotonic() + 300)
    first = load._fetch_cookie(cluster.port, "", counter, None)
    second = load._fetch_cookie(cluster.port, "", counter, None)
    # New readers are shared between the replicas, each told its own by HAProxy's cookie.
    assert {first, second} == {f"{serve.COOKIE}=replica1", f"{serve.COOKIE}=replica2"}

    before = [_cached_queries(port) for port in cluster.replica_ports]
    visit = _run_on_its_own_loop(load.visit(cluster.port, "system-health", "", counter, cookie=f"{serve.COOKIE}=replica2"))
    assert visit.error is None, visit.error
    assert visit.tables >= 1  # the scorecard reached the reader through the proxy's websocket
    after = [_cached_queries(port) for port in cluster.replica_ports]
    # The page ran on the replica the cookie names, and only there.
    assert after[1] > before[1]
    assert after[0] == before[0]
    assert counter.errors == []


def test_a_killed_replica_is_started_again_while_the_other_keeps_serving(cluster):
    supervisor = cluster.supervisor.pid
    killed = _replica_pid(supervisor, cluster.replica_ports[0])
    other = _replica_pid(supervisor, cluster.replica_ports[1])
    assert killed and other, _children(supervisor)

    # Replica 1's readers keep asking, before, during and after its death: every request is
    # answered, by replica 2 while replica 1 is gone (HAProxy sends a request whose replica
    # refused it or closed without answering to another, and stops choosing a replica that
    # fails its health checks).
    statuses: list[int] = []
    asking = threading.Event()
    asking.set()

    def reader():
        for _ in range(100_000):
            if not asking.is_set():
                return
            statuses.append(_get(cluster.port, cookie=f"{serve.COOKIE}=replica1")[0])

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        _wait_for(lambda: len(statuses) >= 20, "the readers got no answers")
        os.kill(killed, signal.SIGKILL)

        def started_again():
            assert cluster.supervisor.poll() is None, f"make serve stopped:\n{cluster.output.read_text()}"
            pid = _replica_pid(supervisor, cluster.replica_ports[0])
            return pid not in (None, killed) and _get(cluster.replica_ports[0])[0] == 200
        _wait_for(started_again, "replica 1 was not started again")
    finally:
        asking.clear()
        for thread in readers:
            thread.join(timeout=120)
    assert statuses and set(statuses) == {200}, [status for status in statuses if status != 200]
    assert _replica_pid(supervisor, cluster.replica_ports[1]) == other  # the other kept serving throughout

    # Once its health checks pass, HAProxy sends replica 1's readers to it again.
    _wait_for(lambda: _get(cluster.port, cookie=f"{serve.COOKIE}=replica1") == (200, ""),
              "HAProxy did not send replica 1's readers back to it")
    said = cluster.output.read_text()
    assert f"replica 1 (port {cluster.replica_ports[0]}) was stopped by SIGKILL; starting it again in" in said
    assert f"replica 1 (port {cluster.replica_ports[0]}) is serving again." in said


def test_the_supervisor_killed_outright_leaves_no_replica_or_proxy(tmp_path):
    _needs_haproxy()
    app = tmp_path / "page.py"
    app.write_text(TINY_APP, encoding="utf-8")
    port = serve.free_consecutive_ports(2)
    output = tmp_path / "serve.out"
    supervisor = _start_supervisor(port, 1, output, app=app)
    children: dict[int, str] = {}
    try:
        _wait_until_serving(supervisor, output)
        children = _children(supervisor.pid)
        assert sorted("haproxy" in command for command in children.values()) == [False, True], children
        supervisor.kill()
        supervisor.wait(timeout=60)
        _wait_for(lambda: not any(_alive(pid) for pid in children),
                  f"the replica or HAProxy kept running after make serve was killed ({children})")
    finally:
        _stop_supervisor(supervisor, list(children))


def test_ctrl_c_while_starting_stops_everything_without_a_traceback(tmp_path):
    _needs_haproxy()
    app = tmp_path / "page.py"
    app.write_text(TINY_APP, encoding="utf-8")
    port = serve.free_consecutive_ports(3)
    output = tmp_path / "serve.out"
    supervisor = _start_supervisor(port, 2, output, app=app)
    children: dict[int, str] = {}
    try:
        # Both replicas have been started (one after the other, before either is waited for); a
        # replica takes a while to answer, so the signal most likely comes while make serve
        # starts (after, it must stop everything just the same).
        def both_replicas():
            found = _children(supervisor.pid)
            return found if len(found) >= 2 else None
        children = _wait_for(both_replicas, "make serve did not start its two app processes", every=0.01)
        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=120) == 0, output.read_text()
        children.update(_children(supervisor.pid))
        assert "Traceback" not in output.read_text()
        _wait_for(lambda: not any(_alive(pid) for pid in children), f"a child of make serve kept running ({children})")
        assert list(tmp_path.glob("qa-serve-*")) == []
    finally:
        _stop_supervisor(supervisor, list(children))


def test_a_restart_right_after_a_stop_serves(tmp_path):
    _needs_haproxy()
    app = tmp_path / "page.py"
    app.write_text(TINY_APP, encoding="utf-8")
    port = serve.free_consecutive_ports(2)
    first = serve.Cluster(1, port, app, logs=tmp_path)
    try:
        assert _get(port)[0] == 200  # a reader came and went: its connection closes on the server's side
    finally:
        first.stop()
    # The same ports at once: their closed connections linger a minute (TIME_WAIT), which must
    # not count as "in use".
    again = serve.Cluster(1, port, app, logs=tmp_path)
    try:
        assert _get(port)[0] == 200
    finally:
        again.stop()


def _listening_socket() -> socket.socket:
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # free_consecutive_ports counts a port whose closed connections linger (TIME_WAIT) as free, as
    # the servers do: bind the same way, or an earlier test's port fails here. A listener is in use
    # whatever SO_REUSEADDR says.
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    taken.bind(("127.0.0.1", serve.free_consecutive_ports(3)))
    taken.listen()
    return taken


@pytest.mark.parametrize("trouble", ["haproxy is missing", "the port is in use"])
def test_a_failed_start_leaves_no_temporary_folder(trouble, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    if trouble == "haproxy is missing":
        monkeypatch.setattr(serve, "HAPROXY_CANDIDATES", (str(tmp_path / "no-such-haproxy"),))
        port = serve.free_consecutive_ports(3)
    else:
        _needs_haproxy()
        taken = _listening_socket()
        port = taken.getsockname()[1]
    with pytest.raises(RuntimeError, match="HAProxy is not installed|is in use"):
        serve.Cluster(2, port, REPO_ROOT / "app.py")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("port", ["abc", "0", "70000", "in use"])
def test_a_bad_port_is_a_sentence(port, tmp_path):
    _needs_haproxy()
    taken = None
    if port == "in use":
        taken = _listening_socket()
        port = str(taken.getsockname()[1])
    try:
        result = subprocess.run([sys.executable, str(REPO_ROOT / "deploy" / "serve.py"), "--port", port],
                                cwd=REPO_ROOT, env=dict(os.environ, TMPDIR=str(tmp_path)), capture_output=True,
                                text=True, timeout=120)
    finally:
        if taken:
            taken.close()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("make serve: ")
    assert port in result.stderr


def test_a_replica_that_keeps_stopping_at_once_is_left_stopped_with_a_sentence(tmp_path):
    dies_at_once = [sys.executable, "-c", "raise SystemExit(3)"]
    slot = serve.Supervised("replica 1 (port 1)", launch=lambda restart: serve.Process(dies_at_once),
                            ready=lambda process: False, backoff_s=(0,), max_quick_failures=3)
    slot.start()
    said = []
    deadline = time.monotonic() + 120
    for _ in range(100_000):
        said += slot.watch()
        if slot.state == "given up" or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert slot.state == "given up"
    assert slot.starts == 3  # started, then again twice: no more
    assert said[-1] == ("replica 1 (port 1) stopped with exit code 3; it has stopped 3 times in a row within "
                        "60 s of starting, so it is left stopped.")
    assert said[:2] == ["replica 1 (port 1) stopped with exit code 3; starting it again in 0 s."] * 2


def test_when_no_replica_can_be_kept_running_make_serve_stops_saying_why(tmp_path):
    _needs_haproxy()
    app = tmp_path / "page.py"
    app.write_text(TINY_APP, encoding="utf-8")
    running = serve.Cluster(1, serve.free_consecutive_ports(2), app, logs=tmp_path)
    try:
        app.unlink()  # from now on the replica cannot start: streamlit refuses a missing file at once
        slot = running.replica_slots[0]
        slot.backoff_s = (0,)
        os.kill(slot.process.pid, signal.SIGKILL)
        said = []
        deadline = time.monotonic() + START_DEADLINE_S
        for _ in range(100_000):
            said += running.watch()
            if running.failure or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert running.failure == "no app process is left running, so make serve stops."
        assert slot.starts == serve.MAX_QUICK_FAILURES  # the first start and four more
        assert said[-1].endswith(f"it has stopped {serve.MAX_QUICK_FAILURES} times in a row within 60 s of "
                                 "starting, so it is left stopped.")
    finally:
        running.stop()


def test_haproxy_checks_every_replica_and_accepts_its_configuration(tmp_path):
    _needs_haproxy()
    config = serve.haproxy_config([8502, 8503, 8504], 8501)
    assert "bind 127.0.0.1:8501" in config
    for index, port in enumerate([8502, 8503, 8504], start=1):
        assert f"server replica{index} 127.0.0.1:{port} cookie replica{index} check inter 1s fall 2 rise 2" in config
    assert f"cookie {serve.COOKIE} insert indirect nocache" in config
    assert "option httpchk GET /_stcore/health" in config
    # a request to a replica gone before its check noticed (refused, or closed unanswered) goes to another
    assert "option redispatch" in config and "retry-on conn-failure empty-response" in config
    (tmp_path / "haproxy.cfg").write_text(config, encoding="utf-8")
    checked = subprocess.run([serve.haproxy_binary(), "-c", "-f", str(tmp_path / "haproxy.cfg")],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("address", ["", "  "])
def test_an_empty_address_is_a_sentence_not_every_interface(address, tmp_path):
    result = subprocess.run([sys.executable, str(REPO_ROOT / "deploy" / "serve.py"), "--address", address],
                            cwd=REPO_ROOT, env=dict(os.environ, TMPDIR=str(tmp_path)), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == ("make serve: the address is empty: give one such as 127.0.0.1 (this computer only), "
                             "or 0.0.0.0 for every network interface, with ADDRESS=.\n")
    assert list(tmp_path.iterdir()) == []
