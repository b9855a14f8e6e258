"""Browser tests: a real `streamlit run` on a free localhost port, driven by the system's
chromium through Playwright, checked with axe-core.

Modelled on Streamlit's own e2e_playwright/conftest.py. A test module chooses the database
its server reads by overriding the module-scoped `e2e_db` fixture; by default it is the
session's demo database.

Without /usr/bin/chromium or node_modules/axe-core these tests skip on a developer's machine
and fail under CI (CI=true), where a skip would hide a missing install step.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERVER_START_TIMEOUT_S = 60
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _missing_browser_tools() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        missing.append(f"{AXE_SCRIPT.relative_to(REPO_ROOT)} (make node_modules)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (make venv)")
    return missing


@pytest.fixture(scope="session", autouse=True)
def browser_tools():
    missing = _missing_browser_tools()
    if missing:
        message = "browser tests need " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def e2e_db(demo_db: Path) -> Path:
    """The database the module's server reads. Override in a test module to use another."""
    return demo_db


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def streamlit_server(script: str, env: dict, log_dir: Path):
    """`streamlit run script` (from the repository's root) on a free localhost port with `env`;
    yields its base URL once healthy, and stops its whole process group afterwards."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = log_dir / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown ends all of it
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _is_healthy(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not become healthy on {base_url}:\n{log_path.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield base_url
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def app_server(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """Start the dashboard on a free port reading `e2e_db`; yield its base URL."""
    with streamlit_server("app.py", {**os.environ, "QA_DASHBOARD_DB": str(e2e_db)},
                          tmp_path_factory.mktemp("server")) as base_url:
        yield base_url


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def chromium_browser(browser_tools):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page in its own context (no shared cookies or storage), 1280×900, en-GB."""
    context = chromium_browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London"
    )
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout_ms: int = 30_000) -> None:
    """Wait until the script has finished running, nothing is still loading, and every
    dataframe has drawn its rows (they arrive after the script ends)."""
    from playwright.sync_api import expect

    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms
    )
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=timeout_ms)
    expect(page.locator("[data-testid='stStatusWidget'] :text('Running')")).to_have_count(
        0, timeout=timeout_ms
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
                 // Only tables on screen draw their rows; those below the fold or in a closed
                 // expander wait until they are scrolled to or opened.
                 .filter(frame => { const box = frame.getBoundingClientRect();
                                    return frame.offsetParent !== null && box.top < window.innerHeight && box.bottom > 0; })
                 .every(frame => frame.querySelector("table[role='grid']"))""",
        timeout=timeout_ms,
    )


def run_axe(page) -> list[dict]:
    """Run axe-core against WCAG 2.2 AA; return the serious and critical violations."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA_TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def describe_violations(violations: list[dict]) -> str:
    """One line per violation and its first few elements, for an assertion message."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']} at {targets}")
    return "\n".join(lines)
