"""Every page in the menu opens from its own address, and `/` opens the Overview: a copied
link never lands on "Page not found" (issue 11: `/overview`, the default page's own name, did)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app

PAGES = [
    ("", "Overview"),
    ("overview", "Overview"),
    ("system-health", "System health"),
    ("audits", "Audits"),
    ("workforce", "Workforce"),
    ("voice", "Voice of the child and family"),
    ("home", "What is loaded"),
    ("upload", "Upload extracts"),
]


@pytest.mark.parametrize("address, heading", PAGES)
def test_each_page_opens_from_its_address(app_server, browser_page, address, heading):
    page = browser_page
    page.goto(f"{app_server}/{address}")
    wait_for_app(page, timeout_ms=90_000)  # a cold page under load (the Audits page takes longest)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_the_overview_is_in_the_menu_once(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/overview")
    wait_for_app(page, timeout_ms=90_000)  # a cold page under load (the Audits page takes longest)
    menu = page.get_by_test_id("stSidebarNav")
    expect(menu.get_by_role("link", name="Overview", exact=True)).to_have_count(1)
