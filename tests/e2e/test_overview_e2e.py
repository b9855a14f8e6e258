"""The board's journey in a real browser: read a tile, filter to one team, see the link and the
tile change; the Overview and System health pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import describe_violations, run_axe, wait_for_app


def tile(page, label: str):
    """The value of the tile labelled `label`, as a locator (it waits and re-reads)."""
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{re.escape(label)}$")))
    return metric.get_by_test_id("stMetricValue")


def tile_value(page, label: str) -> str:
    return tile(page, label).inner_text()


def choose(page, label: str, option: str) -> None:
    page.get_by_test_id("stSidebar").get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_filtering_to_a_team_changes_the_link_and_the_tile(app_server, browser_page, tmp_path):
    page = browser_page
    page.goto(app_server)
    wait_for_app(page)
    before = tile_value(page, "Good or better")
    page.screenshot(path=tmp_path / "overview.png", full_page=True)

    choose(page, "Team", "FS North")
    expect(page).to_have_url(re.compile(r"team=FS\+North|team=FS%20North"))
    expect(page.get_by_text("Showing April 2025 to March 2026, FS North.")).to_be_visible()
    # The line above is drawn before the tiles in the same run: wait for the tile to change
    # (failing if it never does) rather than read it the moment the line shows.
    expect(tile(page, "Good or better")).not_to_have_text(before, timeout=30_000)
    page.screenshot(path=tmp_path / "overview-fs-north.png", full_page=True)


def test_a_copied_link_opens_the_same_view(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/overview?team=FS+North")
    wait_for_app(page)
    expect(page.get_by_text("Showing April 2025 to March 2026, FS North.")).to_be_visible()


@pytest.mark.parametrize("path", ["overview", "system-health", "system-health?indicator=assessments_45wd_pct"])
def test_board_pages_have_no_serious_accessibility_problems(app_server, browser_page, path, tmp_path):
    page = browser_page
    page.goto(f"{app_server}/{path}")
    wait_for_app(page)
    if path == "overview":
        wait_for_sparklines(page)
    page.screenshot(path=tmp_path / "page.png", full_page=True)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def wait_for_sparklines(page) -> None:
    """The tiles' small lines are drawn after the script ends; axe must see them drawn."""
    page.wait_for_function(
        """() => { const tiles = document.querySelectorAll("[data-testid='stMetric']");
                   return tiles.length > 0 && [...tiles].every(tile => tile.querySelector("svg.marks")); }""",
        timeout=30_000,
    )


def test_the_tiles_small_lines_pass_axe_drawn_and_hovered(app_server, browser_page):
    """Streamlit's sparkline carries an unnamed hover layer (svg-img-alt, serious) unless the
    page hides it; hovering a line must not bring it back."""
    page = browser_page
    page.goto(f"{app_server}/overview")
    wait_for_app(page)
    wait_for_sparklines(page)
    line = page.locator("[data-testid='stMetric'] svg.marks").first
    line.hover()
    page.wait_for_timeout(300)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_every_tile_name_is_shown_in_full(app_server, browser_page):
    """A tile is named by its metric's own label, which Streamlit cuts to one line with an
    ellipsis; the page's style wraps it. Each label's text fits its box (nothing cut off), and the
    long names take more than one line."""
    from playwright.sync_api import Error as PlaywrightError

    page = browser_page
    page.goto(f"{app_server}/overview")
    wait_for_app(page)
    wait_for_sparklines(page)  # every tile drawn (the script may still be sending them after a first wait)
    selector = "[data-testid='stMetric'] [data-testid='stMetricLabel'] [data-testid='stMarkdownContainer']"
    measure = ("els => els.map(e => ({text: e.innerText, scroll: e.scrollWidth, width: e.clientWidth, "
               "height: e.getBoundingClientRect().height}))")
    try:  # the page's style arrives with the page: wait for it to be in force, then judge
        page.wait_for_function(f"""() => {{ const boxes = [...document.querySelectorAll("{selector}")];
            return boxes.length >= 8 && boxes.every(b => b.clientWidth > 0 && b.scrollWidth <= b.clientWidth + 1); }}""",
                               timeout=30_000)
    except PlaywrightError:
        pass  # judged below, with what was measured
    boxes = page.locator(selector).evaluate_all(measure)
    assert len(boxes) >= 8, boxes
    cut = [box["text"] for box in boxes if box["scroll"] > box["width"] + 1]
    assert not cut, f"tile names cut off: {cut}"
    one_line = min(box["height"] for box in boxes)
    wrapped = [box["text"] for box in boxes if box["height"] > 1.5 * one_line]
    assert any("Assessments completed within 45 working days" in text for text in wrapped), boxes


def test_system_health_passes_axe_with_its_xmr_chart_and_verdict_icons_drawn(app_server, browser_page, tmp_path):
    """The indicator's XmR chart drawn (its point marks in the page) and its two verdict icons
    shown with their alternative text, then axe over the whole page, tall enough that every part
    of it is on screen (axe leaves the contrast of text off screen undecided)."""
    page = browser_page
    page.goto(f"{app_server}/system-health?indicator=re_referrals_pct")
    wait_for_app(page)
    page.set_viewport_size({"width": 1280, "height": 3200})
    page.wait_for_function(
        """() => { const chart = document.querySelector("[data-testid='stVegaLiteChart']");
                   return chart && chart.querySelector("svg .mark-symbol path, canvas"); }""", timeout=30_000)
    icons = page.locator("img[alt^='Variation:'], img[alt^='Assurance:']")
    expect(icons).to_have_count(2)
    expect(icons.first).to_be_visible()
    page.screenshot(path=tmp_path / "system-health-xmr.png", full_page=True)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
