"""The Voice of the child and family page in a real browser: searching the comments finds a
hostile one and shows its exact characters, inert; and the page passes axe.

The server reads the demo database plus three comments written to break a page that renders
Markdown or HTML."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qa_dashboard.ingest import ingest
from tests.conftest import build_demo_database
from tests.e2e.conftest import AXE_SCRIPT, WCAG_22_AA_TAGS, describe_violations, run_axe
from tests.workbooks import feedback, table, write_csv

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [SCRIPT, "**bold**", "[link](http://x)"]


@pytest.fixture(scope="module")
def e2e_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("voice_e2e")
    db = build_demo_database(folder / "demo.duckdb")
    rows = [feedback(response_date=f"{day}/03/2026", response_id=f"E2E-{day}", question=None, answer=None,
                     comment=text, theme="Need to do better", team="MASH", service_area=None, respondent="Parent")
            for day, text in zip((20, 18, 16), HOSTILE)]
    result = ingest([write_csv(folder / "feedback.csv", table(*rows))], db, user="test")
    assert result.loaded, [p.message for p in result.problems]
    return db


def wait_for_page(page, timeout_ms: int = 30_000) -> None:
    """conftest's wait_for_app, but only for the dataframes a reader can see: those in a closed
    "Figures" expander are never drawn, so wait_for_app would wait for them for ever."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=timeout_ms)
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
                 .filter(frame => frame.checkVisibility())
                 .every(frame => frame.querySelector("table[role='grid']"))""",
        timeout=timeout_ms,
    )


def serious_violations_in(page, selector: str) -> list[dict]:
    """axe-core (WCAG 2.2 AA) on one part of the page; the serious and critical violations."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "async ([selector, tags]) => await axe.run({include: [[selector]]}, {runOnly: {type: 'tag', values: tags}})",
        [selector, WCAG_22_AA_TAGS],
    )
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


TABS = ["Survey answers", "How many were heard", "In their own words", "Compliments and complaints"]


def open_voice(page, base_url: str, tab: str | None = None) -> None:
    """Open the dashboard, choose the page from the menu and then a tab, as a reader does."""
    page.goto(f"{base_url}/")
    wait_for_page(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Voice of the child and family").click()
    expect(page.get_by_role("heading", name="Voice of the child and family", level=1)).to_be_visible(timeout=30_000)
    wait_for_page(page)
    if tab:
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        wait_for_page(page)


def comment_cells(page):
    """The comments grid's cells, from the accessible table Streamlit mirrors the canvas into."""
    grid = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text=re.compile("^Comment$")))
    return grid.locator("td")


def test_searching_the_comments_shows_the_exact_hostile_text_inert(app_server, browser_page, tmp_path):
    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_voice(page, app_server, "In their own words")

    search = page.get_by_label("Search the comments")
    search.fill("alert(1)")
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ comments, newest first"))).to_be_visible(timeout=30_000)
    wait_for_page(page)
    page.screenshot(path=tmp_path / "voice_search.png", full_page=True)

    expect(comment_cells(page).filter(has_text=re.compile(f"^{re.escape(SCRIPT)}$"))).to_have_count(1)
    reader = page.get_by_test_id("stText").filter(has_text=re.compile(f"^{re.escape(SCRIPT)}$"))
    expect(reader).to_have_count(1)
    assert reader.inner_text() == SCRIPT
    assert page.locator("script", has_text="alert(1)").count() == 0
    assert dialogs == []


def test_a_search_for_markdown_shows_the_asterisks_not_bold_text(app_server, browser_page):
    page = browser_page
    open_voice(page, app_server, "In their own words")
    search = page.get_by_label("Search the comments")
    search.fill("**bold")
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ comments, newest first"))).to_be_visible(timeout=30_000)
    wait_for_page(page)
    expect(page.get_by_test_id("stText").filter(has_text=re.compile(r"^\*\*bold\*\*$"))).to_have_count(1)
    assert page.locator("strong", has_text="bold").count() == 0


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_of_the_page_has_no_serious_accessibility_problems(app_server, browser_page, tab):
    page = browser_page
    open_voice(page, app_server, tab)
    violations = serious_violations_in(page, "[data-testid='stMain']")
    assert not violations, describe_violations(violations)


def test_the_whole_voice_page_has_no_serious_accessibility_problems(app_server, browser_page):
    page = browser_page
    open_voice(page, app_server)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
