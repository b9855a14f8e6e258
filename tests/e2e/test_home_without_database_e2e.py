"""A first visit before any data exists: the home page says how to get some, accessibly."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import describe_violations, run_axe, wait_for_app


@pytest.fixture(scope="module")
def e2e_db(tmp_path_factory):
    return tmp_path_factory.mktemp("empty") / "missing.duckdb"


def test_without_a_database_the_home_page_says_how_to_create_one(app_server, browser_page):
    page = browser_page
    page.goto(app_server)
    wait_for_app(page)
    expect(page.get_by_text("There is no database yet")).to_be_visible()
    expect(page.get_by_text("make run", exact=True)).to_be_visible()
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
