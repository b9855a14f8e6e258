"""The Board pack page in a real browser: a reader opens it from the menu, downloads the pack as
Word and as PDF, and both hold the period's headline figures; the page passes axe."""
import re
import subprocess

import docx
from playwright.sync_api import expect

from tests.e2e.conftest import describe_violations, run_axe, wait_for_app

DOWNLOAD_TIMEOUT_MS = 600_000  # the charts are drawn for print when the button is clicked


def open_board_pack(page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Board pack").click()
    expect(page.get_by_role("heading", name="Board pack", level=1)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Outline")).to_be_visible(timeout=300_000)
    wait_for_app(page, timeout_ms=300_000)


def download(page, name: str, folder):
    """The file's charts drawn first when the page offers to (the progress bar names each), then downloaded."""
    draw = page.get_by_role("button", name=f"Draw the charts for {name}")
    if draw.count():
        draw.click()
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as waiting:
        page.get_by_role("button", name=f"Download {name}").click(timeout=DOWNLOAD_TIMEOUT_MS)
    path = folder / waiting.value.suggested_filename
    waiting.value.save_as(path)
    return path


def test_a_reader_downloads_the_pack_as_word_and_pdf(app_server, browser_page, tmp_path):
    page = browser_page
    open_board_pack(page, app_server)
    word = download(page, "Word (.docx)", tmp_path)
    pdf = download(page, "PDF", tmp_path)
    assert word.suffix == ".docx" and pdf.suffix == ".pdf"
    document = docx.Document(str(word))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "System health" in headings and "Appendix" in headings
    assert all(shape._inline.docPr.get("descr") for shape in document.inline_shapes)
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert "What changed" in text and "The loads these figures came from" in text


def test_the_page_has_no_serious_accessibility_problems(app_server, browser_page):
    page = browser_page
    open_board_pack(page, app_server)
    violations = [v for v in run_axe(page) if not any("stSidebarNav" in " ".join(map(str, n["target"]))
                                                       for n in v["nodes"])]
    assert not violations, describe_violations(violations)
