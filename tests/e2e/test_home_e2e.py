"""The home page in a real browser: it renders, says it is demo data, and passes axe."""

import re

import duckdb
from playwright.sync_api import expect

from tests.e2e.conftest import describe_violations, run_axe, wait_for_app


def test_the_home_page_shows_the_demo_banner_and_the_counts(
    app_server, browser_page, e2e_db, tmp_path
):
    with duckdb.connect(str(e2e_db), read_only=True) as con:
        [(audits,)] = con.execute("SELECT count(*) FROM audits").fetchall()

    page = browser_page
    page.goto(f"{app_server}/home")
    wait_for_app(page)
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    expect(page.get_by_role("heading", name="What is loaded")).to_be_visible()
    expect(page.get_by_text("You are looking at demo data for a fictional authority")).to_be_visible()
    datasets = page.get_by_test_id("stDataFrame").first
    expect(datasets).to_be_visible()
    # The grid draws on a canvas; its rows are mirrored in an accessible table for screen
    # readers, which is where a test can read them.
    audits_row = datasets.locator("tr", has=page.locator("td", has_text=re.compile(r"^Audits$")))
    expect(audits_row.first.locator("td").nth(1)).to_have_text(f"{audits:,}")


def test_the_home_page_has_no_serious_accessibility_problems(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/home")
    wait_for_app(page)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
