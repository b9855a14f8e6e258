"""Streamlit's own table toolbar offers no CSV download: it writes cells such as
`=HYPERLINK(...)` raw, so a spreadsheet would run them. The dashboard's own downloads
(`qa_dashboard/exports.py`) write such cells as text; they are the only way out."""

from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app


def test_the_table_toolbar_has_no_csv_download(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/home")
    wait_for_app(page)
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    expect(toolbar.get_by_role("button").first).to_be_visible()  # the toolbar is drawn ...
    buttons = toolbar.get_by_role("button").evaluate_all("(nodes) => nodes.map(n => n.getAttribute('aria-label'))")
    assert buttons and not [name for name in buttons if "download" in (name or "").lower()], buttons  # ... without it
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
