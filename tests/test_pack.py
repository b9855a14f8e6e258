"""The board pack made from the command line, read back as a reader's tools read it: the .docx
with python-docx, the PDF with poppler's pdftotext, pdfinfo and pdffonts. Headline figures are
checked against SQL worked out here, independently of the pages' modules."""
import datetime as dt
import errno
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from qa_dashboard import commentary
from qa_dashboard.ingest import ingest
from qa_dashboard import pack
from qa_dashboard.pack import model
from tests.workbooks import TODAY, action, audit, query, table, workforce, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]
AWKWARD = "Practice is <script>alert(1)</script> **bold** and =SUM(A1) #set text(red) $x$"


def run_pack(db: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_dashboard", "pack", str(out), "--db", str(db), *options],
                          cwd=REPO_ROOT, capture_output=True, text=True)


def flat(text: str) -> str:
    """Words with every run of spaces and line breaks made one space (PDF text breaks lines)."""
    return re.sub(r"\s+", " ", text)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for each in document.tables:
        parts += [cell.text for row in each.rows for cell in row.cells]
    return flat("\n".join(parts))


def pdf_text(path: Path) -> str:
    return flat(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout)


@pytest.fixture(autouse=True)
def _nothing_drawn_yet():
    """Each test draws its charts afresh: none kept from another test's pack."""
    from qa_dashboard.pack import images

    images.forget_drawn()


@pytest.fixture(scope="module")
def packs(demo_db, tmp_path_factory):
    """The demo database with an officer's awkward commentary, and its full pack in both formats."""
    folder = tmp_path_factory.mktemp("pack")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db, db)
    [(last,)] = query(db, "SELECT max(month) FROM audits")
    commentary.write(db, last, "section", "Audits", AWKWARD, "a.officer")
    made = {}
    for kind in ("docx", "pdf"):
        result = run_pack(db, folder / f"pack.{kind}")
        assert result.returncode == 0, result.stderr
        made[kind] = folder / f"pack.{kind}"
    return db, {"docx": docx_text(made["docx"]), "pdf": pdf_text(made["pdf"])}, made


def latest_period(db: Path) -> tuple[dt.date, dt.date]:
    """The pack's default period: the twelve months to the latest month any dataset covers."""
    [(end,)] = query(db, "SELECT max(m) FROM (SELECT period m FROM kpi_values UNION SELECT month FROM audits "
                         "UNION SELECT period FROM workforce UNION SELECT month FROM feedback)")
    start = dt.date(end.year - 1 if end.month < 12 else end.year, end.month % 12 + 1, 1)
    return start, end


def expected_headlines(db: Path) -> list[str]:
    start, end = latest_period(db)
    [(value, numerator, denominator)] = query(db, (
        "SELECT value, numerator, denominator FROM kpi_values WHERE indicator = 're_referrals_pct' AND team IS NULL "
        "AND breakdown IS NULL AND period = (SELECT max(period) FROM kpi_values WHERE indicator = 're_referrals_pct' "
        "AND team IS NULL AND period <= ?)"), [end])
    [(audits, good)] = query(db, (
        "SELECT count(*), count(*) FILTER (WHERE overall IN ('Outstanding', 'Good')) FROM audits "
        "WHERE month BETWEEN ? AND ?"), [start, end])
    [(caseload,)] = query(db, (
        "SELECT sum(children_allocated) / sum(social_worker_fte) FROM workforce "
        "WHERE period = (SELECT max(period) FROM workforce WHERE period <= ?)"), [end])
    return [f"{value:.1f}% ({numerator:,.0f} of {denominator:,.0f})",
            f"Audits completed in {start:%B %Y} to {end:%B %Y}: {audits:,}",
            f"Good or better: {100 * good / audits:.0f}% (n = {audits})",
            f"to {caseload:.1f}"]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_periods_headline_figures_are_in_the_pack_as_the_database_gives_them(packs, kind):
    db, texts, _ = packs
    for figure in expected_headlines(db):
        assert figure in texts[kind], figure


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_commentary_with_markup_and_formulas_appears_exactly_as_written(packs, kind):
    _, texts, _ = packs
    assert AWKWARD in texts[kind]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_pack_says_it_is_demo_data_and_reads_in_the_boards_order(packs, kind):
    _, texts, _ = packs
    text = texts[kind]
    assert "DEMO DATA" in text
    order = ["Summary", "What changed", "System health", "Trend analysis", "Practice analysis", "Audits",
             "Workforce", "Voice of the child and family", "Improvement plan", "Appendix", "The loads these figures came from"]
    place = 0
    for heading in order:  # each found after the one before it
        place = text.find(heading, place)
        assert place != -1, heading


def test_every_picture_in_the_docx_has_alt_text_with_its_latest_figure(packs):
    document = docx.Document(str(packs[2]["docx"]))
    assert len(document.inline_shapes) >= 10
    for shape in document.inline_shapes:
        described = shape._inline.docPr.get("descr") or ""
        assert re.search(r"[Ll]atest", described) and re.search(r"\d", described), described


def test_the_docx_uses_heading_styles_repeated_table_headers_a4_and_page_numbers(packs):
    document = docx.Document(str(packs[2]["docx"]))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3"} <= styles
    for each in document.tables:
        assert each.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer._element.xml and "NUMPAGES" in section.footer._element.xml


def test_the_pdf_is_a4_tagged_with_fonts_embedded_and_numbered_pages(packs):
    path = packs[2]["pdf"]
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    assert "595.276 x 841.89 pts (A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert f"Page {pages} of {pages}" in packs[1]["pdf"]


def audits_only_db(tmp_path: Path) -> Path:
    db = tmp_path / "audits.duckdb"
    rows = [audit(audit_id=f"A{n}", audit_date="2024-05-10", overall=grade)
            for n, grade in enumerate(["Good", "Good", "Requires improvement", "Inadequate", "Good", "Outstanding"])]
    assert ingest([write_xlsx(tmp_path / "audits.xlsx", {"audits": table(*rows)})], db, "tester", today=TODAY).ok
    return db


def test_a_database_holding_only_audits_makes_a_pack_of_its_audits(tmp_path):
    db = audits_only_db(tmp_path)
    result = run_pack(db, tmp_path / "audits.docx", "--period", "2024-05..2024-05")
    assert result.returncode == 0, result.stderr
    text = docx_text(tmp_path / "audits.docx")
    assert "Audits completed in May 2024: 6" in text
    assert "Good or better: 67% (n = 6)" in text
    assert "No workforce figures are loaded for May 2024 and this scope, so this section is left out." in text


@pytest.mark.parametrize("typed", ["2024-05", "May-24"])
def test_a_month_is_a_period_for_the_pack(tmp_path, typed):
    db = audits_only_db(tmp_path)
    result = run_pack(db, tmp_path / "audits.docx", "--period", typed)
    assert result.returncode == 0, result.stderr
    text = docx_text(tmp_path / "audits.docx")
    assert "Period: May 2024" in text and "Audits completed in May 2024: 6" in text


def test_publish_suppresses_counts_under_five_and_says_so(tmp_path):
    db = audits_only_db(tmp_path)
    result = run_pack(db, tmp_path / "public.pdf", "--period", "2024-05..2024-05", "--publish")
    assert result.returncode == 0, result.stderr
    text = pdf_text(tmp_path / "public.pdf")
    assert "counts under 5, and shares built on them, are suppressed" in text
    assert "Inadequate: suppressed (n fewer than 5)" not in text  # n is 6: shown
    assert "Inadequate: 17% (n = 6)" in text


def test_suppression_hides_small_counts_and_the_shares_built_on_them():
    assert model.suppress_text("40% (n = 4)") == "suppressed (n fewer than 5)"
    assert model.suppress_text("3 of 50") == "fewer than 5 of 50"
    assert model.suppress_text("45% (n = 20), 9 of 20") == "45% (n = 20), 9 of 20"
    import pandas as pd
    suppressed = model.table_from(pd.DataFrame({"grade": ["Good", "Inadequate"], "audits": [12, 2]}), "t", True)
    assert suppressed.rows == (("Good", "12"), ("Inadequate", "fewer than 5"))


def test_a_missing_figure_is_a_dash_never_zero():
    import pandas as pd
    worded = model.table_from(pd.DataFrame({"value": [None, 0.0, 2.5]}), "t", False)
    assert worded.rows == (("–",), ("0",), ("2.5",))


@pytest.mark.parametrize("options, message", [
    (["--period", "2001-02"], "No figures are loaded for February 2001: the data covers May 2024."),
    (["--period", "2030-31"], "No figures are loaded for financial year 2030-31: the data covers May 2024."),
    (["--period", "2001-01..2001-06"], "No figures are loaded for January 2001 to June 2001: the data covers May 2024."),
    (["--period", "2024-11..2024-06"], "The period '2024-11..2024-06' runs backwards: November 2024 is after June 2024."),
    (["--period", "next July"], "The period 'next July' is not a form the dashboard reads: use a month such as "
                                "2024-07, Jul-24 or July 2024,"),
    (["--period", "0000-01"], "The period '0000-01' is out of range: a period runs from January 2000 to December 2100"),
    (["--period", "Q4 9999-00"], "The period 'Q4 9999-00' is out of range"),
    (["--sections", "finance"], "There is no section called 'finance'"),
    (["--team", "Nobody's team"], "There is no team called"),
    (["--colour", "red"], "unknown option --colour"),
])
def test_a_period_without_data_or_an_unknown_option_exits_1_with_a_sentence(tmp_path, options, message):
    db = audits_only_db(tmp_path)
    result = run_pack(db, tmp_path / "pack.docx", *options)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "pack.docx").exists()


def test_the_summary_opens_with_the_headline_trends_picture_and_its_alt_text(packs):
    db, texts, made = packs
    assert texts["docx"].find("Headline trends") < texts["docx"].find("What changed")
    first = docx.Document(str(made["docx"])).inline_shapes[0]._inline.docPr.get("descr")
    assert first.startswith("Small line charts, one per headline figure")
    _, end = latest_period(db)
    for (label,) in query(db, "SELECT DISTINCT label FROM kpi_values WHERE system_health AND team IS NULL"):
        [(value,)] = query(db, (
            "SELECT value FROM kpi_values k WHERE label = ? AND team IS NULL AND breakdown IS NULL AND period = "
            "(SELECT max(period) FROM kpi_values WHERE label = k.label AND team IS NULL AND period <= ?)"), [label, end])
        assert f"{label}, " in first and f"to {end:%B %Y}" in first, label
        shown = re.search(re.escape(label) + r", \w+ \d{4} to \w+ \d{4}, latest ([\d,.]+)", first).group(1)
        assert abs(float(shown.replace(",", "")) - value) <= (0.05 if "." in shown else 0.5), (label, shown, value)


def test_publish_suppresses_a_count_under_five_even_without_a_share_before_it():
    from qa_dashboard.pack.model import suppress_text

    assert suppress_text("Good or better: 40% (n = 3)") == "Good or better: suppressed (n fewer than 5)"
    assert suppress_text("Moderated audits (n = 4)") == "Moderated audits (n fewer than 5)"
    assert suppress_text("Moderated audits (n = 12)") == "Moderated audits (n = 12)"
    assert suppress_text("3 of 40 children") == "fewer than 5 of 40 children"


def test_the_whole_pack_reads_one_snapshot_through_one_connection(demo_db, monkeypatch):
    """Every query of a pack goes through one connection, so a load finishing halfway cannot
    mix two versions of the data in one paper."""
    from qa_dashboard import pack, store

    chosen = pack.filters_for(demo_db, None, None, None)
    opened = []
    real = store._connect_with_retry
    monkeypatch.setattr(store, "_connect_with_retry", lambda *args, **kw: opened.append(args) or real(*args, **kw))
    document = pack.build(demo_db, chosen)
    assert len(opened) == 1
    assert document.charts() and len(document.blocks) > 50
    with store.read_connection(demo_db) as con:  # after the pack, reads open their own again
        assert con.execute("SELECT 1").fetchall() == [(1,)]
    assert len(opened) == 2


def small_specs(n: int) -> list[dict]:
    return [{"data": {"values": [{"team": f"Team {i}", "n": i + k} for i in range(5)]}, "mark": "bar",
             "encoding": {"y": {"field": "team", "type": "nominal"}, "x": {"field": "n", "type": "quantitative"}}}
            for k in range(n)]


def test_charts_are_drawn_by_helper_processes_as_they_would_be_drawn_here(monkeypatch):
    from qa_dashboard import chart_printer
    from qa_dashboard.pack import images

    specs = small_specs(4)
    here = [chart_printer.draw(spec, "svg") for spec in specs]
    monkeypatch.setattr(chart_printer, "draw", lambda spec, kind: pytest.fail("a chart was drawn in this process"))
    renderer = images.Renderer(helpers=2)
    renderer.draw_all(specs, "svg")
    assert [renderer.draw(spec, "svg") for spec in specs] == here
    assert len(renderer.seconds) == len(specs)


def test_a_drawing_process_that_cannot_start_is_a_sentence(monkeypatch):
    from qa_dashboard.pack import images

    monkeypatch.setattr(images.sys, "executable", "/bin/false")
    with pytest.raises(pack.PackError, match="could not be drawn: the drawing process would not start"):
        images.Renderer(helpers=2).draw_all(small_specs(3), "png")


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_appendix_defines_each_indicator_and_names_the_files_its_figures_came_from(packs, kind):
    from qa_dashboard import contract

    db, _, made = packs
    # The PDF's text in reading order (pdftotext without -layout): a table cell's words wrap
    # inside the cell, and -layout would interleave them with the next column's.
    text = docx_text(made["docx"]) if kind == "docx" else flat(subprocess.run(
        ["pdftotext", str(made["pdf"]), "-"], capture_output=True, text=True, check=True).stdout)
    appendix = text[text.rfind("Appendix"):]
    referrals = contract.load().indicator("re_referrals_pct")
    assert referrals.definition and flat(referrals.definition)[:60] in appendix
    start, end = latest_period(db)
    [(file_name, first, last)] = query(db, (
        "SELECT u.file_name, min(k.period), max(k.period) FROM kpi_values k JOIN uploads u USING (upload_id) "
        "WHERE k.indicator = 're_referrals_pct' AND k.team IS NULL AND k.breakdown IS NULL AND k.period BETWEEN ? AND ? "
        "GROUP BY u.file_name"), [start, end])
    assert f"{file_name} ({first:%B %Y} to {last:%B %Y})" in appendix


def test_every_catalogue_indicator_has_a_definition():
    from qa_dashboard import contract

    missing = [i.code for i in contract.load().indicators if len(i.definition) < 40]
    assert not missing, missing


def test_a_table_longer_than_a_page_goes_on_over_the_next_in_the_pdf(packs):
    """Every row of the definitions table (two pages long) is in the PDF, as it is in the .docx:
    a table kept in one block would run past the page's foot and lose its last rows."""
    _, _, made = packs
    [table] = [t for t in docx.Document(str(made["docx"])).tables if t.rows[0].cells[1].text == "Definition"]
    labels = [row.cells[0].text for row in table.rows[1:]]
    assert len(labels) >= 10
    pdf = flat(subprocess.run(["pdftotext", str(made["pdf"]), "-"], capture_output=True, text=True, check=True).stdout)
    appendix = pdf[pdf.rfind("Indicator definitions"):]
    for label in labels:
        assert flat(label) in appendix, label


def test_helpers_with_nothing_to_draw_are_ended(monkeypatch):
    from qa_dashboard.pack import images

    renderer = images.Renderer(helpers=3)
    renderer.start("svg")
    started = list(renderer._idle)
    renderer.draw_all(small_specs(2), "svg")  # two charts: one helper used, two left over
    assert all(helper.poll() is not None for helper in started)
    assert len(renderer.seconds) == 2



def test_make_pack_warms_up_helpers_for_the_pictures_its_document_takes(demo_db, tmp_path, monkeypatch):
    from qa_dashboard import pack
    from qa_dashboard.pack import images

    asked = []
    real = images.Renderer.start
    monkeypatch.setattr(images.Renderer, "start", lambda self, kind: asked.append(kind) or real(self, kind))
    pack.make_pack(demo_db, tmp_path / "pack.docx", sections=["overview"])
    pack.make_pack(demo_db, tmp_path / "pack.pdf", sections=["overview"])
    assert asked[0] == "png" and "svg" in asked
    with pytest.raises(ValueError):
        images.Renderer(helpers=1).start("docx")


def test_one_read_refuses_a_write_inside_it_and_knows_its_file_by_any_path(demo_db, tmp_path, monkeypatch):
    from qa_dashboard import store

    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.chdir(tmp_path)
    with store.one_read(db) as shared:
        with store.read_connection(Path("copy.duckdb")) as same:
            assert same is shared
        with pytest.raises(RuntimeError, match="inside store.one_read"):
            with store.write_transaction(db):
                pass
    with store.write_transaction(db):  # after the block, writes go ahead
        pass


# ------------------------------------------------------------- the plan since the last pack --
def plan_history_db(tmp_path: Path) -> Path:
    """Two plan loads: 15 September 2026 (ACT-01 On track/Green, ACT-02 At risk/Amber) and
    20 October 2026 (ACT-01 Complete/Blue, ACT-02 At risk/Red, ACT-03 new, ACT-04 as before)."""
    import duckdb

    db = tmp_path / "plan.duckdb"
    first = {"audits": table(audit()), "actions": table(
        action(), action(action_id="ACT-02", title="Improve supervision", status="At risk", rag="Amber"),
        action(action_id="ACT-04", title="Stable workforce", status="On track", rag="Green"))}
    second = {"actions": table(
        action(status="Complete", rag="Blue"), action(action_id="ACT-02", title="Improve supervision", status="At risk", rag="Red"),
        action(action_id="ACT-03", title="Hear fathers", status="Not started", rag="Amber"),
        action(action_id="ACT-04", title="Stable workforce", status="On track", rag="Green"))}
    for number, (sheets, loaded) in enumerate([(first, "2026-09-15 10:00"), (second, "2026-10-20 09:30")], 1):
        assert ingest([write_xlsx(tmp_path / f"plan{number}.xlsx", sheets)], db, "tester", today=TODAY).ok
        con = duckdb.connect(str(db))
        con.execute("UPDATE upload_log SET loaded_at = CAST(? AS TIMESTAMP) WHERE upload_id = (SELECT max(upload_id) FROM upload_log)", [loaded])
        con.close()
    return db


def plan_changes(db: Path, since: dt.date):
    from qa_dashboard import pack

    chosen = pack.filters_for(db, None, None, None)
    document = pack.build(db, chosen, ["Improvement plan"], today=dt.date(2026, 12, 1), since=since)
    headings = [block.text for block in document.blocks if isinstance(block, model.Heading)]
    tables = [block for block in document.blocks if isinstance(block, model.Table) and block.caption.startswith("Actions changed")]
    words = [block.text for block in document.blocks if isinstance(block, model.Paragraph)]
    return headings, tables, words


def test_the_plan_says_what_changed_since_the_last_packs_date(tmp_path):
    db = plan_history_db(tmp_path)
    headings, [changed], _ = plan_changes(db, dt.date(2026, 10, 1))
    assert "Changed since the last pack, 01 October 2026 (3)" in headings
    rows = {row[0]: dict(zip(changed.columns, row)) for row in changed.rows}
    # Worked out by hand from the two loads: ACT-04 is the same in both, so it is not listed.
    assert set(rows) == {"ACT-01", "ACT-02", "ACT-03"}
    assert (rows["ACT-01"]["Status before"], rows["ACT-01"]["Status"]) == ("On track", "Complete")
    assert (rows["ACT-02"]["RAG before"], rows["ACT-02"]["RAG rating"]) == ("Amber", "Red")
    assert (rows["ACT-03"]["Status before"], rows["ACT-03"]["Status"]) == ("–", "Not started")  # not in the plan then


def test_the_plan_since_a_date_after_every_load_or_before_the_first(tmp_path):
    db = plan_history_db(tmp_path)
    headings, tables, words = plan_changes(db, dt.date(2026, 11, 1))
    assert "Changed since the last pack, 01 November 2026 (0)" in headings and not tables
    assert "No action changed status or RAG rating, and none was added, since 01 November 2026." in words
    headings, tables, words = plan_changes(db, dt.date(2026, 9, 14))
    assert not tables and "Changed since the last pack, 14 September 2026" in headings
    assert "The plan was first loaded after 14 September 2026, so there is no earlier plan to compare it with." in words
    # The plan loaded on the morning of the last pack's day was in that pack: counted from the day's end.
    headings, tables, _ = plan_changes(db, dt.date(2026, 10, 20))
    assert not tables and "Changed since the last pack, 20 October 2026 (0)" in headings


def test_since_on_the_command_line_and_its_default(tmp_path):
    from qa_dashboard import pack

    assert pack.last_pack_default(dt.date(2026, 12, 1)) == dt.date(2026, 11, 1)
    assert pack.last_pack_default(dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert pack.last_pack_default(dt.date(2026, 1, 15)) == dt.date(2025, 12, 15)
    db = plan_history_db(tmp_path)
    result = run_pack(db, tmp_path / "plan.docx", "--sections", "improvement-plan", "--since", "2026-10-01")
    assert result.returncode == 0, result.stderr
    assert "Changed since the last pack, 01 October 2026 (3)" in docx_text(tmp_path / "plan.docx")
    for bad, said in (("last month", "The last pack's date is written YYYY-MM-DD or DD/MM/YYYY"), ("2999-01-01", "is after today")):
        result = run_pack(db, tmp_path / "bad.docx", "--since", bad)
        assert result.returncode == 1 and said in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "bad.docx").exists()


# ------------------------------------------------------------- charts taller than a page --
def many_teams_db(tmp_path: Path, teams: int = 40) -> Path:
    """One month of workforce returns for `teams` teams: the team charts get a bar per team."""
    db = tmp_path / "teams.duckdb"
    rows = [workforce(team=f"Team {n:02d}", social_worker_fte=10, children_allocated=100 + 3 * n, caseload_target=17)
            for n in range(1, teams + 1)]
    assert ingest([write_xlsx(tmp_path / "teams.xlsx", {"workforce": table(*rows)})], db, "tester", today=TODAY).ok
    return db


def test_a_chart_with_a_bar_per_team_is_printed_whole_in_parts_that_fit_a_page(tmp_path):
    """Before, a 40-team chart was one picture 300 mm tall: Word and the PDF cut its last teams off."""
    db = many_teams_db(tmp_path)
    for kind in ("docx", "pdf"):
        result = run_pack(db, tmp_path / f"teams.{kind}", "--sections", "workforce", "--period", "2024-05..2024-05")
        assert result.returncode == 0, result.stderr
    for shape in docx.Document(str(tmp_path / "teams.docx")).inline_shapes:
        assert shape.height <= model.CHART_MAX_HEIGHT_MM * 36_000 + 1 and shape.width <= model.CHART_WIDTH_MM * 36_000 + 1
    text = pdf_text(tmp_path / "teams.pdf")
    # Every team's bar, with its caseload worked out here (children ÷ FTE), is on a page.
    for n in range(1, 41):
        assert f"Team {n:02d} {(100 + 3 * n) / 10:.1f} · " in text, f"Team {n:02d} is missing from the caseload chart"
    assert "(part 1 of 2)" in text and "(part 2 of 2)" in text


def test_printable_parts_keep_every_row_once_in_order_on_the_same_scale():
    import altair as alt
    import pandas as pd

    from qa_dashboard.charts import spec_of

    labels = [f"Team {n:02d}" for n in range(60)]
    data = pd.DataFrame({"label": labels, "value": range(60), "words": [str(v) for v in range(60)]})
    y = alt.Y("label:N", sort=labels)
    chart = (alt.Chart(data).mark_bar().encode(y=y, x=alt.X("value:Q", scale=alt.Scale(domain=[0, 80])))
             + alt.Chart(data).mark_text().encode(y=y, x="value:Q", text="words:N")).properties(
        title="Sixty teams", height=alt.Step(28))
    whole = model.Chart(spec_of(chart), "Chart: sixty teams. Latest: 59.", "Sixty teams")
    parts = model.printable_parts(whole)
    assert len(parts) == 3
    shown = [row["label"] for part in parts for row in next(iter(part.spec["datasets"].values()))]
    assert shown == labels  # every row once, in order
    for number, part in enumerate(parts, 1):
        assert part.spec["title"] == f"Sixty teams (part {number} of 3)"
        assert part.caption == f"Sixty teams (part {number} of 3)"
        assert part.alt.startswith(f"Part {number} of 3 of the chart, Team ") and part.alt.endswith(whole.alt)
        assert part.spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 80]
        rows = len(next(iter(part.spec["datasets"].values())))
        assert rows * 28 <= model.PRINTABLE_PLOT_PX
        assert all(layer["encoding"]["y"]["sort"] == shown[(number - 1) * 20:number * 20] for layer in part.spec["layer"])
    inline = {"height": {"step": 28}, "data": {"values": [{"label": label, "value": n} for n, label in enumerate(labels)]},
              "layer": [{"mark": "bar", "encoding": {"y": {"field": "label", "type": "nominal", "sort": labels},
                                                      "x": {"field": "value", "type": "quantitative",
                                                            "scale": {"domain": [0, 60]}}}}]}
    inline_parts = model.printable_parts(model.Chart(inline, "a", "b"))
    assert [row["label"] for part in inline_parts for row in part.spec["data"]["values"]] == labels
    # A label twice in the sort list, one the data lacks and one the list lacks: each row once.
    messy = json.loads(json.dumps(whole.spec))
    for layer in messy["layer"]:
        layer["encoding"]["y"]["sort"] = ["Team 00", "Team 00", "Nobody", *labels[1:59]]
    messy_parts = model.printable_parts(model.Chart(messy, "a", "b"))
    assert [row["label"] for part in messy_parts for row in next(iter(part.spec["datasets"].values()))] == labels
    # Without one x domain for the whole chart the parts could not share a scale: not cut (it is shrunk).
    free = json.loads(json.dumps(whole.spec))
    del free["layer"][0]["encoding"]["x"]["scale"]
    assert model.printable_parts(model.Chart(free, "a", "b")) == [model.Chart(free, "a", "b")]
    short = model.Chart(spec_of(chart.properties(height=alt.Step(5))), "a", "b")
    assert model.printable_parts(short) == [short]
    assert model.chart_size_mm(620, 300) == (165, 165 * 300 / 620)
    assert model.chart_size_mm(620, 2000)[1] == model.CHART_MAX_HEIGHT_MM


def test_a_pack_made_again_in_the_same_process_draws_no_chart_again(demo_db, tmp_path, monkeypatch):
    """The app's server keeps what it drew: the .docx after the .pdf rasterises the SVGs it has,
    the same pack again draws nothing; a new load (a new figure in a spec) draws afresh."""
    from qa_dashboard import chart_printer
    from qa_dashboard.pack import images

    chosen = pack.filters_for(demo_db, None, None, None)
    document = pack.build(demo_db, chosen, ["overview", "workforce"])
    specs = [chart.spec for chart in document.charts()]
    first = images.Renderer(helpers=1)
    first.draw_all(specs, "svg")
    assert len(first.seconds) == len(set(map(str, specs)))
    again = images.Renderer(helpers=1)
    again.draw_all(specs, "svg")
    assert again.seconds == [] and [again.draw(s, "svg") for s in specs] == [first.draw(s, "svg") for s in specs]
    as_png = images.Renderer(helpers=1)
    as_png.draw_all(specs[:2], "png")  # rasterised from the SVGs kept, byte for byte the PNGs drawn
    assert [as_png.draw(s, "png") for s in specs[:2]] == [chart_printer.draw(s, "png") for s in specs[:2]]
    assert len(as_png.seconds) == 2
    changed = json.loads(json.dumps(specs[0], default=str))
    changed["title"] = "A new load"
    fresh = images.Renderer(helpers=1)
    fresh.draw(changed, "svg")
    assert len(fresh.seconds) == 1


def test_charts_kept_are_bounded_in_size(monkeypatch):
    from qa_dashboard.pack import images

    monkeypatch.setattr(images, "DRAWN_MAX_BYTES", 3_000)
    for number in range(5):
        images._keep((str(number), "svg"), b"x" * 1_000)
    assert images._drawn_bytes <= 3_000 and list(images._drawn) == [("2", "svg"), ("3", "svg"), ("4", "svg")]


def test_a_charts_size_is_read_from_its_svg_in_any_order():
    from qa_dashboard.pack.pdf_writer import _svg_size

    assert _svg_size(b'<svg xmlns="x" class="marks" width="620" height="2026" viewBox="0 0 620 2026">') == (620, 2026)
    assert _svg_size(b'<svg height="300" xmlns="x" width="620.5">') == (620.5, 300)
    assert _svg_size(b'<svg viewBox="0 0 640 480">') == (640, 480)
    with pytest.raises(ValueError):
        _svg_size(b"<svg>")


# ------------------------------------------------------------------- where the pack is written --
UNWRITABLE = {
    "an existing folder": "a folder.docx",
    "a path under a file": "a file/pack.docx",
    "a name of 300 characters": "n" * 295 + ".docx",
    "a path longer than the system allows": "deep/" * 900 + "pack.pdf",
    "a place no file can be made (/proc)": "/proc/pack.pdf",
    "a folder under /proc": "/proc/self/new/pack.docx",
}


@pytest.mark.parametrize("place", list(UNWRITABLE))
def test_an_out_that_cannot_be_written_is_refused_in_a_sentence_before_the_pack_is_built(tmp_path, monkeypatch,
                                                                                            capsys, place):
    from qa_dashboard import cli, pack

    db = audits_only_db(tmp_path)
    (tmp_path / "a folder.docx").mkdir()
    (tmp_path / "a file").write_text("not a folder")
    out = tmp_path / UNWRITABLE[place]  # an absolute path stays itself
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setattr(pack, "build", lambda *a, **k: pytest.fail("the pack was built before OUT was checked"))
    assert cli.main(["pack", str(out), "--db", str(db), "--period", "2024-05..2024-05"]) == 1
    said = capsys.readouterr().err.strip()
    assert said.startswith("error: ") and "\n" not in said and "Errno" not in said, said
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def last_months_pack(tmp_path: Path) -> tuple[Path, bytes]:
    out = tmp_path / "board.docx"
    out.write_bytes(b"last month's good pack")
    return out, out.read_bytes()


@pytest.mark.parametrize("step, problem", [("fsync", errno.ENOSPC), ("replace", errno.EACCES),
                                           ("fsync", errno.EIO)])
def test_a_failed_write_is_a_sentence_and_leaves_last_months_pack_whole(tmp_path, monkeypatch, capsys, step, problem):
    """A full disk (shown at the write or at fsync), a place that refuses the new file at the last step, a disk
    error: exit 1, one sentence, the earlier file as it was and nothing half-written beside it."""
    import os

    from qa_dashboard import cli

    db = audits_only_db(tmp_path)
    out, earlier = last_months_pack(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())

    def fails(*args, **kwargs):
        raise OSError(problem, os.strerror(problem))

    monkeypatch.setattr(os, step, fails)
    assert cli.main(["pack", str(out), "--db", str(db), "--period", "2024-05..2024-05"]) == 1
    said = capsys.readouterr().err.strip()
    assert said.startswith("error: ") and "\n" not in said and "unchanged" in said, said
    assert out.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_new_pack_replaces_the_old_one_whole_with_its_permissions(tmp_path):
    db = audits_only_db(tmp_path)
    out, _ = last_months_pack(tmp_path)
    out.chmod(0o640)
    result = run_pack(db, out, "--period", "2024-05..2024-05")
    assert result.returncode == 0, result.stderr
    assert "Audits completed in May 2024: 6" in docx_text(out)
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["audits.duckdb", "audits.xlsx", "board.docx"])


# ------------------------------------------------------------------- a very long word in a table --
LONG_WORDS = {
    "a link": ("https://intranet.example.gov.uk/" + "children/services/improvement/" * 7)[:223],
    "a word with no break in it": ("AAMkADc3MWUxNjQ2LTE3NzgtNDlk" * 9)[:223],
}
OTHER_CELLS = "ACT-01 ACT-02 Head of Front Door Principal Social Worker 31 March 2024 30 April Off track At risk Red Amber"


def plan_with_a_long_word(tmp_path: Path, word: str) -> Path:
    """Two overdue actions, one whose title holds `word`; an audit so the database has figures."""
    db = tmp_path / "plan.duckdb"
    actions = table(action(action_id="ACT-01", title=f"Read the referral guidance at {word}", due_date="31/03/2024",
                           owner="Head of Front Door", status="Off track", rag="Red"),
                    action(action_id="ACT-02", title="Improve supervision", owner="Principal Social Worker",
                           due_date="30/04/2024", status="At risk", rag="Amber"))
    assert ingest([write_xlsx(tmp_path / "plan.xlsx", {"actions": actions, "audits": table(audit())})], db, "tester",
                  today=TODAY).ok
    return db


@pytest.mark.parametrize("word", list(LONG_WORDS))
def test_a_long_word_in_a_pdf_table_leaves_every_other_columns_words_whole(tmp_path, word):
    db = plan_with_a_long_word(tmp_path, LONG_WORDS[word])
    assert run_pack(db, tmp_path / "plan.pdf", "--sections", "improvement-plan").returncode == 0
    printed = pdf_text(tmp_path / "plan.pdf")
    overdue = printed[printed.index("Table 2: Overdue actions"):printed.index("Changed since")].split()
    for expected in OTHER_CELLS.split():
        assert expected in overdue, (expected, overdue)


@pytest.mark.parametrize("word", list(LONG_WORDS))
def test_a_long_word_in_a_docx_table_cannot_widen_its_column(tmp_path, word):
    """Fixed widths, shared as the PDF shares them: Word breaks the long word inside its column, and
    every other column has room for its longest word at 9 pt (about 1.6 mm a letter and 3.8 mm of
    margins)."""
    db = plan_with_a_long_word(tmp_path, LONG_WORDS[word])
    assert run_pack(db, tmp_path / "plan.docx", "--sections", "improvement-plan").returncode == 0
    [overdue] = [t for t in docx.Document(str(tmp_path / "plan.docx")).tables if "ACT-02" in t.rows[-1].cells[0].text]
    assert overdue.autofit is False
    widths = [column.width.mm for column in overdue.columns]
    assert abs(sum(widths) - 170) < 1
    assert [cell.width.mm for cell in overdue.rows[-1].cells] == pytest.approx(widths)
    headings = [cell.text for cell in overdue.rows[0].cells]
    for index, heading in enumerate(headings):
        if heading == "What":
            assert widths[index] <= 0.5 * 170
            continue
        longest = max(len(w) for row in overdue.rows for w in row.cells[index].text.split())
        assert widths[index] >= 1.6 * longest + 3.8, (heading, widths[index], longest)


def test_the_docx_says_it_was_made_now_by_the_product_not_in_2013_by_python_docx(tmp_path):
    import zipfile

    db = audits_only_db(tmp_path)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    assert run_pack(db, tmp_path / "pack.docx", "--period", "2024-05..2024-05").returncode == 0
    after = dt.datetime.now(dt.timezone.utc)
    said = docx.Document(str(tmp_path / "pack.docx")).core_properties
    assert before <= said.created == said.modified <= after
    assert (said.author, said.last_modified_by, said.revision) == ("QA dashboard", "QA dashboard", 1)
    with zipfile.ZipFile(tmp_path / "pack.docx") as package:
        described = package.read("docProps/core.xml") + package.read("docProps/app.xml")
    assert b"python-docx" not in described and b"Microsoft" not in described and b"2013" not in described


def test_a_published_pack_leaves_out_commentary_and_peoples_comments_and_says_why(demo_db, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    [(last,)] = query(db, "SELECT max(month) FROM audits")
    written = "Two children (2 of 100) in the Hub team were re-referred within a week."
    commentary.write(db, last, "section", "Audits", written, "a.officer")
    assert run_pack(db, tmp_path / "internal.docx", "--sections", "audits", "voice").returncode == 0
    assert run_pack(db, tmp_path / "public.docx", "--sections", "audits", "voice", "--publish").returncode == 0
    internal, public = docx_text(tmp_path / "internal.docx"), docx_text(tmp_path / "public.docx")
    comments = [c for (c,) in query(db, "SELECT DISTINCT comment FROM feedback WHERE comment IS NOT NULL")
                if flat(c) in internal]
    assert written in internal and comments  # the internal pack prints them as written
    assert written not in public and not [c for c in comments if flat(c) in public]
    assert "Officers' practice analysis is left out of this published version: free text cannot be checked" in public
    assert "comments in people's own words are left out of this published version" in public
    assert "practice analysis and people's own comments are left out" in public  # on the cover


def test_a_line_break_in_the_packs_file_name_is_shown_escaped_on_one_line(tmp_path):
    db = audits_only_db(tmp_path)
    out = tmp_path / "new\nline.docx"
    result = run_pack(db, out, "--period", "2024-05")
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert result.stdout.count("\n") == 1 and "new\\nline.docx" in result.stdout
