"""A head of service's journey on the Audits page in a real browser: open Audits from the menu,
filter to one service area, open the audits behind a bar and download them; the page passes axe."""

import csv
import io
import re

import duckdb
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from qa_dashboard import metrics, queries
from tests.e2e.conftest import describe_violations, run_axe

SERVICE = "Family Safeguarding"


def wait_for_page(page, timeout_ms: int = 60_000) -> None:
    """The script has finished and every table a reader can see has drawn its rows. (Tables in
    closed "Figures" expanders never draw, and this chromium gives them an offsetParent, so they
    are told apart by their closed <details>.)"""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=timeout_ms)
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
                 .filter(frame => !frame.closest("details:not([open])"))
                 .every(frame => frame.querySelector("table[role='grid']"))""",
        timeout=timeout_ms)


def choose(page, where, label: str, option: str, then_shows) -> None:
    """Pick an option, then wait for a line the rerun writes near the end of the page, so the
    next click does not land on a widget the rerun is about to redraw."""
    for attempt in range(5):
        # Charts and tables still drawing after a rerun can move the page and close an open
        # list before the click lands; open it again.
        where.get_by_label(label, exact=True).click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=3_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"could not choose {option!r} in {label!r}")
    shown = page.get_by_text(then_shows) if isinstance(then_shows, re.Pattern) else page.get_by_text(then_shows, exact=True)
    expect(shown).to_be_visible(timeout=60_000)
    wait_for_page(page)


def tile_value(page, label: str):
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{re.escape(label)}$")))
    return tile.get_by_test_id("stMetricValue")


def latest_twelve_months(db) -> tuple:
    last = max(queries.run("months_loaded", db)["month"]).date()
    return metrics.add_months(last, -11), metrics.add_months(last, 1)


def open_audits(page, base_url: str) -> None:
    page.goto(base_url)
    wait_for_page(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Audits").click()
    expect(page.get_by_role("heading", name="Audits", exact=True)).to_be_visible()
    wait_for_page(page)


def test_a_head_of_service_filters_drills_down_and_downloads(app_server, browser_page, e2e_db, tmp_path):
    start, end = latest_twelve_months(e2e_db)
    with duckdb.connect(str(e2e_db), read_only=True) as con:
        [(in_service,)] = con.execute(
            "SELECT count(*) FROM audits WHERE month >= ? AND month < ? AND service_area = ?",
            [start, end, SERVICE]).fetchall()
        [(quarter, inadequate)] = con.execute(
            """SELECT quarter, count(*) FROM audits a JOIN grade_scale g ON g.grade = a.overall
               WHERE month >= ? AND month < ? AND service_area = ? AND g.grade_rank = 4
               GROUP BY quarter ORDER BY count(*) DESC, quarter LIMIT 1""", [start, end, SERVICE]).fetchall()
        [(worst,)] = con.execute("SELECT grade FROM grade_scale ORDER BY grade_rank DESC LIMIT 1").fetchall()

    page = browser_page
    open_audits(page, app_server)
    for section in ("Good or better and inadequate over time", "Practice areas", "Activity", "Moderation",
                    "Learning loop", "The audits behind the figures"):
        page.get_by_role("tab", name=section).click()
        wait_for_page(page)
        expect(page.get_by_role("heading", name=section)).to_be_visible()
    expect(page).to_have_url(re.compile(r"audits_tab=The\+audits\+behind|audits_tab=The%20audits%20behind"))

    choose(page, page.get_by_test_id("stSidebar"), "Service area", SERVICE,
           then_shows=f"{in_service} audits: Whole period, overall judgement, any grade.")
    expect(page.get_by_text(re.compile(f"^Showing .*, {SERVICE}, all audit types\\.$"))).to_be_visible()
    expect(tile_value(page, "Audits completed")).to_have_text(f"{in_service:,}")

    main = page.get_by_test_id("stMain")
    choose(page, main, "Month or quarter", quarter, then_shows=re.compile(f"^\\d+ audits: {quarter}, "))
    choose(page, main, "Grade", worst,
           then_shows=f"{inadequate} audits: {quarter}, overall judgement, {worst.lower()}.")
    page.screenshot(path=tmp_path / "audits-drill-down.png", full_page=True)

    behind = page.get_by_test_id("stExpander").filter(has_text="Figures: Audits behind the figures")
    with page.expect_download() as download:
        behind.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert len(rows) == inadequate
    assert {row["Service area"] for row in rows} == {SERVICE}
    assert {row["Overall judgement"] for row in rows} == {worst}
    assert {"Audit", "Date", "Team", "Type"} <= set(rows[0])


def test_the_audits_page_has_no_serious_accessibility_problems(app_server, browser_page, tmp_path):
    page = browser_page
    open_audits(page, app_server)
    page.screenshot(path=tmp_path / "audits.png", full_page=True)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
    for section in ("Practice areas", "The audits behind the figures"):
        page.get_by_role("tab", name=section).click()
        wait_for_page(page)
        violations = run_axe(page)
        assert not violations, (section, describe_violations(violations))
