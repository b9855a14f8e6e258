"""DfE's published comparators in a real browser: the chosen authority's annual lines, its
ranking among neighbours and region and its band among every authority on System health, and
the page passes axe."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from qa_dashboard.benchmarks import set_authority
from qa_dashboard.ingest import ingest
from tests.e2e.conftest import describe_violations, run_axe, wait_for_app


@pytest.fixture(scope="module")
def e2e_db(demo_db, shared_reference, tmp_path_factory):
    database = tmp_path_factory.mktemp("published-e2e") / "qa.duckdb"
    shutil.copy(demo_db, database)
    assert ingest(sorted((shared_reference / "dfe").glob("*.csv")), database, user="test").ok
    set_authority(database, "Sefton")
    return database


def test_system_health_shows_the_authority_against_neighbours_region_and_england(app_server, browser_page, tmp_path):
    page = browser_page
    page.goto(f"{app_server}/system-health?indicator=re_referrals_pct")
    wait_for_app(page)
    heading = page.get_by_role("heading", name="Re-referrals within 12 months: DfE's published figures")
    expect(heading).to_be_visible()
    heading.scroll_into_view_if_needed()
    expect(page.get_by_text("In 2024-25 Sefton had", exact=False).first).to_be_visible()
    expect(page.get_by_text("statistical neighbours; lower is better.", exact=False)).to_be_visible()
    expect(page.get_by_text("authorities of North West; lower is better.", exact=False)).to_be_visible()
    figures = page.get_by_test_id("stExpander").filter(has_text="Figures: Re-referrals within 12 months, published annual figures")
    figures.get_by_text("Figures: Re-referrals within 12 months, published annual figures").click()
    grid = figures.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    expect(grid.locator("td", has_text="Sefton").first).to_be_attached()  # the table lists each line by year
    # Among every authority: the band sentence, the bands over the years and the position chart,
    # on the page when axe looks at it.
    expect(page.get_by_text(re.compile(r"^Band [A-D]: \d+(st|nd|rd|th) of \d+, 2024-25"))).to_be_visible()
    expect(page.get_by_text("Band by year, ", exact=False)).to_be_visible()
    expect(page.get_by_text("Figures: Re-referrals within 12 months, every authority 2024-25")).to_be_visible()
    page.screenshot(path=tmp_path / "published.png")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
