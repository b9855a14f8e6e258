"""The board pack's "Early warnings and the learning loop" section (issue 21, section 4), made
with the pack command on a database loaded from tests/test_loop.py's workbook and read back
with python-docx; the verdict checked against the `loop_verdicts` view."""
from pathlib import Path

import docx
import pytest

from tests.test_loop import load, loop_workbook
from tests.test_pack import run_pack
from tests.workbooks import query

SECTION = "Early warnings and the learning loop"
FINDINGS = "Step-down to early help too early in some cases."


@pytest.fixture
def loop_db(tmp_path) -> Path:
    db = tmp_path / "qa.duckdb"
    load(db, loop_workbook(tmp_path / "loop.xlsx"))
    return db


def section_of(path: Path) -> tuple[list[str], list[list[str]]]:
    """The section's paragraphs and its tables' rows, as Word holds them: from its heading to the next
    first-level heading."""
    document = docx.Document(str(path))
    body = document.element.body
    paragraphs, tables, inside = [], [], False
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = docx.text.paragraph.Paragraph(child, document)
            if paragraph.style.name == "Heading 1":
                inside = paragraph.text == SECTION
            if inside:
                paragraphs.append(paragraph.text)
        elif child.tag.endswith("}tbl") and inside:
            table = docx.table.Table(child, document)
            tables.append([[cell.text for cell in row.cells] for row in table.rows])
    assert paragraphs, f"no section called {SECTION!r}"
    return paragraphs, tables


def make(db: Path, out: Path, *options: str) -> Path:
    result = run_pack(db, out, "--sections", "early-warnings-and-the-learning-loop", *options)
    assert result.returncode == 0, result.stderr
    return out


def test_the_pack_has_the_loop_section_with_the_verdict_the_view_holds(loop_db, tmp_path):
    paragraphs, tables = section_of(make(loop_db, tmp_path / "pack.docx"))
    [(since, variation, points_since)] = query(loop_db, "SELECT since, variation, points_since FROM loop_verdicts")
    [(verdict,)] = query(loop_db, "SELECT verdict FROM loop_verdict_rows")
    assert f"Re-referrals within 12 months (Whole authority): {verdict}." in paragraphs
    assert verdict.startswith(f"since action A1 completed in {since:%B %Y}: {variation} ({points_since} points")
    verdict_table = next(t for t in tables if t[0][-1] == "Verdict")
    assert verdict_table[1][-1] == verdict
    themed = next(t for t in tables if t[0][0] == "Theme")
    rows = {row[0]: dict(zip(themed[0], row)) for row in themed[1:]}
    assert (rows["Re-referrals"]["Case audits (n)"], rows["Re-referrals"]["Judgement mix"]) == (
        "2", "Good 1 of 2, Requires improvement 1 of 2")
    assert FINDINGS in paragraphs
    actions = next(t for t in tables if t[0][0] == "Action")
    assert actions[1][:5] == ["A1", "Step-down panel reviews every re-referral", "Re-referrals within 12 months",
                              "Complete", "Blue"]


def test_a_published_pack_leaves_the_findings_out_saying_why(loop_db, tmp_path):
    paragraphs, tables = section_of(make(loop_db, tmp_path / "public.docx", "--publish"))
    assert FINDINGS not in " ".join(paragraphs)
    assert any(p.startswith("Themed audits' findings are left out of this published version") for p in paragraphs)
    themed = next(t for t in tables if t[0][0] == "Theme")
    mix = {row[0]: row[themed[0].index("Judgement mix")] for row in themed[1:]}
    assert mix["Re-referrals"] == "Good suppressed (n fewer than 5), Requires improvement suppressed (n fewer than 5)"
