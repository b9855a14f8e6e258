"""The Workforce page in a real browser: filter to one service area and see its caseload, open
a tab, and pass axe. Expected figures come from the database's views, not the page's code."""

import re

import duckdb
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AXE_SCRIPT, WCAG_22_AA_TAGS, describe_violations, run_axe, wait_for_app

SERVICE = "Family Safeguarding"
MENU = "[data-testid='stSidebarNavItems']"


def page_violations(page) -> list[dict]:
    """Serious and critical axe findings outside the menu. The menu is app.py's (st.navigation
    with sections), and Streamlit draws a section as <ul><div><header/><li/>…</div></ul>, which
    axe rejects; `test_the_menu_itself_fails_axe_until_the_shell_fixes_it` keeps that in view."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "async ([menu, tags]) => await axe.run({exclude: [[menu]]}, {runOnly: {type: 'tag', values: tags}})",
        [MENU, WCAG_22_AA_TAGS])
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def caseload_in_latest_month(db, service: str | None = None) -> float:
    with duckdb.connect(str(db), read_only=True) as con:
        [(children, fte)] = con.execute("""
            SELECT sum(children_allocated), sum(social_worker_fte) FROM workforce
            WHERE period = (SELECT max(period) FROM workforce) AND (? IS NULL OR service_area = ?)""",
                                        [service, service]).fetchall()
    return children / fte


def tile_value(page, label: str) -> str:
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{re.escape(label)}$")))
    return tile.get_by_test_id("stMetricValue").inner_text()


def open_workforce(page, app_server: str) -> None:
    # Through the menu, as a reader arrives: a fresh server's first visit straight to /workforce
    # runs the page without app.py (see the report on the shell).
    page.goto(app_server)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Workforce").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Workforce", level=1)).to_be_visible()


def test_filtering_to_one_service_area_shows_its_caseload(app_server, browser_page, e2e_db, tmp_path):
    page = browser_page
    open_workforce(page, app_server)
    assert tile_value(page, "Average caseload") == f"{caseload_in_latest_month(e2e_db):.1f}"

    page.get_by_test_id("stSidebar").get_by_label("Service area").click()
    page.get_by_role("option", name=SERVICE, exact=True).click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"service=Family\+Safeguarding|service=Family%20Safeguarding"))
    expect(page.get_by_text(f"Showing April 2025 to March 2026, {SERVICE}", exact=False)).to_be_visible()
    expected = f"{caseload_in_latest_month(e2e_db, SERVICE):.1f}"
    expect(page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")).to_have_text(expected)
    page.screenshot(path=tmp_path / "workforce-family-safeguarding.png", full_page=True)

    violations = page_violations(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("tab", ["Caseloads", "Agency social workers", "Recruitment and retention",
                                 "Consistent relationships", "Every team"])
def test_each_tab_has_no_serious_accessibility_problems(app_server, browser_page, tab, tmp_path):
    page = browser_page
    open_workforce(page, app_server)
    page.get_by_role("tab", name=tab).click()
    wait_for_app(page)
    expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
    if tab != "Caseloads":   # the first tab is the default, left out of the link
        expect(page).to_have_url(re.compile("workforce_tab="))
    page.screenshot(path=tmp_path / "workforce-tab.png", full_page=True)
    violations = page_violations(page)
    assert not violations, describe_violations(violations)


def test_the_whole_page_menu_included_passes_axe(app_server, browser_page):
    page = browser_page
    open_workforce(page, app_server)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
