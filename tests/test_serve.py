"""`make serve`: two app processes behind HAProxy, each reader kept on one of them by a cookie.

Needs Debian's haproxy: without it this test skips on a developer's machine and fails under CI
(CI=true), where `.ci/run` installs it.
"""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
import time
import urllib.request
from pathlib import Path

import pytest

from bench import load
from deploy import serve

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster(demo_db: Path, tmp_path_factory):
    if serve.haproxy_binary() is None:
        message = "make serve needs haproxy (apt-get install haproxy)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = serve.free_consecutive_ports(3)
    running = serve.Cluster(2, port, REPO_ROOT / "app.py", demo_db, logs=tmp_path_factory.mktemp("serve"))
    yield running
    running.stop()
    for process in [running.proxy, *running.replicas]:
        assert process.popen.poll() is not None, "a process of make serve kept running after stop()"
    assert not running.folder.exists(), "the generated HAProxy configuration was left behind"


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


def test_haproxy_configuration_names_every_replica_on_localhost():
    config = serve.haproxy_config([8502, 8503, 8504], 8501)
    assert "bind 127.0.0.1:8501" in config
    for index, port in enumerate([8502, 8503, 8504], start=1):
        assert f"server replica{index} 127.0.0.1:{port} check cookie replica{index}" in config
    assert f"cookie {serve.COOKIE} insert indirect nocache" in config
