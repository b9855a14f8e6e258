"""Nothing from an upload or the address is read as Markdown, checked in Chromium: every
hostile payload is shown as the characters it is made of, with no link, image, emphasis,
colour, formula or heading, and the browser fetches nothing from outside."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import streamlit_server, wait_for_app
from tests.markdown_payloads import PAYLOADS

RENDERED_MARKUP = ("a:not([href^='#']), img, strong, b, em, i, del, s, code, pre, blockquote, ul, ol, table, hr, "
                   ".katex, math, [data-testid='stIconMaterial'] ~ *, [data-testid='stMarkdownContainer'] "
                   ":is(h1, h2, h4, h5, h6), span[class*='color'], [style*='color']")


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory):
    with streamlit_server("tests/e2e/markdown_payloads_app.py", dict(os.environ),
                          tmp_path_factory.mktemp("payloads")) as base_url:
        yield base_url


def rendered_markup(locator) -> list[str]:
    return locator.evaluate_all(
        "(nodes, selector) => nodes.flatMap(n => [...n.querySelectorAll(selector)].map(e => e.outerHTML))",
        RENDERED_MARKUP)


def outside_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    return seen


def test_every_payload_is_shown_as_written_in_every_markdown_element(payload_server, browser_page):
    page = browser_page
    fetched = outside_requests(page)
    page.goto(payload_server)
    wait_for_app(page, timeout_ms=90_000)
    for drawn_late in (page.get_by_role("tab", name="second", exact=True), page.get_by_test_id("stMetric"),
                       page.get_by_test_id("stExpander"), page.get_by_test_id("stCaptionContainer")):
        expect(drawn_late).to_have_count(len(PAYLOADS), timeout=60_000)  # some elements load their code lazily
    for number, payload in enumerate(PAYLOADS):
        block = page.locator(f".st-key-payload-{number}")
        markup = rendered_markup(block)
        assert markup == [], f"payload {payload!r} rendered as {markup}"
        shown = block.locator("[data-testid='stMarkdownContainer'], [data-testid='stMetricLabel']").evaluate_all(
            "(nodes) => nodes.map(n => n.innerText.replaceAll('\\u2060', '').trim())")
        # markdown, subheader, caption, warning, metric label, expander label and first tab; the
        # metric's value and the second tab are the page's own
        labels = [text for text in shown if text not in ("1", "second")]
        assert labels == [" ".join(payload.split())] * len(labels) and len(labels) >= 7, (payload, shown)
    assert fetched == []


def test_a_link_carrying_markdown_shows_it_as_text_in_the_sidebar(app_server, browser_page):
    page = browser_page
    fetched = outside_requests(page)
    team = "[Your session expired: sign in again](http://evil.example/login)"
    service = "![t](http://evil.example/pixel.png) **bold** :red[red] $x$ www.evil.example"
    page.goto(f"{app_server}/overview", wait_until="commit")
    page.goto(f"{app_server}/overview?" + "&".join(
        f"{key}={value}" for key, value in
        (("team", quote(team)), ("service", quote(service)))))
    wait_for_app(page, timeout_ms=90_000)
    notes = page.get_by_test_id("stSidebar").get_by_test_id("stAlertContentWarning")
    expect(notes).to_have_count(2)
    texts = [text.replace("\u2060", "") for text in notes.all_inner_texts()]
    assert any(f"'{team}'" in text for text in texts) and any(f"'{service}'" in text for text in texts)
    assert rendered_markup(notes) == []
    assert fetched == []


def quote(value: str) -> str:
    from urllib.parse import quote as url_quote

    return url_quote(value, safe="")
