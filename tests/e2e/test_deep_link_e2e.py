"""A copied link opened on a freshly started server (its first request) lands on the page it
names, filtered as it says, without a "page not found" notice."""

from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app


def test_a_deep_link_is_the_first_request_a_fresh_server_gets(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/system-health?indicator=assessments_45wd_pct&team=Assessment+1")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="System health", exact=True)).to_be_visible()
    expect(page.get_by_text("Showing April 2025 to March 2026, Assessment 1.")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
