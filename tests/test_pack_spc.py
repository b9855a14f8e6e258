"""The board pack reads every indicator as an XmR chart: its scorecard's Variation and Assurance
cells say what the `kpi_spc_latest` view says (read back from the .docx with python-docx, on the
demo database and on a hand-made one, for the authority and for a team), each system-health
indicator's trend analysis leads with that verdict, and the appendix says how to read an SPC
chart in five sentences (in the .docx and, read with pdftotext, in the PDF)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from qa_dashboard import contract
from qa_dashboard.ingest import ingest
from qa_dashboard.pack import images, make_pack
from tests.workbooks import TODAY, kpi, query, table, write_xlsx

WORDS = contract.spc_words()
MONTHS = [f"{2023 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
# Re-referrals (lower is better), steady around 24 and then 8 months lower: a shift; Team A's
# steady around 30 (common cause); referrals per 10,000 (neither way better) for 10 months only.
AUTHORITY = [24, 25, 23, 24, 26, 24, 23, 25, 24, 25, 23, 24, 26, 24, 23, 25, 21, 20, 21, 22, 20, 21, 20, 21]


@pytest.fixture(autouse=True)
def _nothing_drawn_yet():
    images.forget_drawn()


@pytest.fixture(scope="module")
def made_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("spc_pack")
    rows = [kpi(period=m, value=v, target=22, commentary=None) for m, v in zip(MONTHS, AUTHORITY)]
    rows += [kpi(period=m, value=30 + (i % 3), target=22, team="Team A", commentary=None)
             for i, m in enumerate(MONTHS)]
    rows += [kpi(period=m, value=500 + (i % 4) * 5, target=None, indicator="referrals_rate", commentary=None)
             for i, m in enumerate(MONTHS[-10:])]
    db = folder / "qa.duckdb"
    result = ingest([write_xlsx(folder / "kpi.xlsx", {"kpi": table(*rows)})], db, "test", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]
    return db


@pytest.fixture(scope="module")
def demo_copy(demo_db, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("spc_demo") / "demo.duckdb"
    shutil.copy(demo_db, db)
    return db


def scorecard(path: Path) -> dict[str, tuple[str, str]]:
    """Indicator -> (Variation, Assurance), the cells of the pack's scorecard as Word holds them."""
    for each in docx.Document(str(path)).tables:
        header = [cell.text for cell in each.rows[0].cells]
        if "Variation" in header and "Assurance" in header and header[0] == "Indicator":
            at, sure = header.index("Variation"), header.index("Assurance")
            return {row.cells[0].text: (row.cells[at].text, row.cells[sure].text) for row in each.rows[1:]}
    raise AssertionError("no scorecard with Variation and Assurance columns")


def from_view(db: Path, team: str | None) -> dict[str, tuple[str, str | None]]:
    """Indicator label -> (variation, assurance) from kpi_spc_latest: the team's row where the
    team has one, else the authority's, as every page picks them."""
    rows = query(db, "SELECT DISTINCT v.label, s.team, s.variation, s.assurance FROM kpi_spc_latest s "
                     "JOIN kpi_values v ON v.indicator = s.indicator AND v.system_health "
                     "WHERE s.team IS NULL OR s.team = ? ORDER BY s.team NULLS FIRST", [team])
    verdicts = {}
    for label, _, variation, assurance in rows:  # the team's row, read last, wins
        verdicts[label] = (variation, assurance)
    return verdicts


def assert_same_verdicts(cells: dict, expected: dict) -> None:
    assert set(cells) == set(expected)
    for label, (variation, assurance) in expected.items():
        assert cells[label][0] == variation, label
        if assurance is None:  # no target, or neither way is better: the cell says why, or is a dash
            assert cells[label][1].startswith("none: ") or cells[label][1] == "–", label
        else:
            assert cells[label][1] == assurance, label


@pytest.mark.parametrize("team", [None, "Team A"])
def test_the_pack_scorecard_says_the_verdicts_of_kpi_spc_latest(made_db, tmp_path, team):
    out = tmp_path / "pack.docx"
    make_pack(made_db, out, team=team, sections=["Overview"])
    cells, expected = scorecard(out), from_view(made_db, team)
    assert_same_verdicts(cells, expected)
    # The hand-made series: the authority's shift, Team A's common cause, a neutral indicator.
    label = query(made_db, "SELECT DISTINCT label FROM kpi_values WHERE indicator = 're_referrals_pct'")[0][0]
    assert cells[label][0] == (WORDS.variation["common"] if team else WORDS.variation["improvement"])


def test_the_demo_pack_scorecard_says_the_verdicts_of_kpi_spc_latest(demo_copy, tmp_path):
    out = tmp_path / "pack.docx"
    make_pack(demo_copy, out, sections=["Overview"])
    assert_same_verdicts(scorecard(out), from_view(demo_copy, None))


def test_each_indicators_trend_analysis_leads_with_its_signal(made_db, tmp_path):
    out = tmp_path / "pack.docx"
    make_pack(made_db, out, sections=["System health"])
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    [(label, centre)] = query(made_db, "SELECT DISTINCT v.label, s.centre FROM kpi_spc s JOIN kpi_values v "
                                       "USING (indicator) WHERE s.indicator = 're_referrals_pct' AND s.team IS NULL "
                                       "AND s.breakdown IS NULL")
    analysis = paragraphs[paragraphs.index("Trend analysis", paragraphs.index(label)) + 1:]
    # The last 8 months below the mean of all 24: the shift, said first; then the moves as facts.
    assert analysis[0] == (f"{label}: special cause improvement: the last 8 months below the average of "
                           f"{centre:.1f}% (Jan 2023 to Dec 2024).")
    # A month worse than the one before is noise here: the moves are facts after the signal.
    assert analysis[1:3] == ["In December 2024, it rose from 20.0% to 21.0% (worse), meeting the 22.0% target.",
                             "A year before, in December 2023, it was 24.0%."]


def test_the_appendix_says_how_to_read_an_spc_chart_in_five_sentences(made_db, tmp_path):
    made = {kind: tmp_path / f"pack.{kind}" for kind in ("docx", "pdf")}
    for out in made.values():
        make_pack(made_db, out, sections=["System health"])
    paragraphs = [p.text for p in docx.Document(str(made["docx"])).paragraphs]
    start = paragraphs.index("How to read an SPC chart")
    reading = paragraphs[start + 1:start + 6]
    assert paragraphs[start + 6] == "Definitions and sources"
    assert all(s.endswith(".") and ". " not in s for s in reading)  # five paragraphs, a sentence each
    said = " ".join(reading)
    for words in (*WORDS.variation.values(), *WORDS.assurance.values()):
        assert words in said
    pdf = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(made["pdf"]), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "How to read an SPC chart" in pdf
    assert all(re.sub(r"\s+", " ", s) in pdf for s in reading)
