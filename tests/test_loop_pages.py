"""Where the learning loop shows (issue 21, section 4): System health's chart marks and "The
loop", the Overview's early warnings and verdicts, the Audits page's themed audits; run headless
with AppTest on a database loaded from tests/test_loop.py's workbook (a rise, a themed audit and
an action linked to it, and a fall afterwards), the expected words read from the views."""
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from qa_dashboard import loop_shown, queries
from tests.test_audits_page import open_audits, open_tab  # noqa: F401 (open_audits is a fixture)
from tests.test_loop import RISE, STEADY, kpi_sheet, load, loop_workbook, themed
from tests.test_overview_page import open_page, texts
from tests.workbooks import audit, table, write_xlsx


@pytest.fixture
def loop_db(tmp_path) -> Path:
    db = tmp_path / "qa.duckdb"
    load(db, loop_workbook(tmp_path / "loop.xlsx"))
    return db


def layer_rows(chart, layer: dict):
    """The rows of one layer of a chart, as the browser receives them."""
    [dataset] = [d for d in chart.proto.datasets if d.name == layer["data"]["name"]]
    return pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()


def system_health(db, monkeypatch):
    return open_page(db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")


def test_system_health_marks_the_warning_the_audit_and_the_action_on_the_chart(loop_db, monkeypatch):
    app = system_health(loop_db, monkeypatch)
    chart = app.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    [rules] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    marked = layer_rows(chart, rules)
    assert [(month[:7], label) for month, label in zip(marked["period"], marked["label"])] == [
        ("2023-08", "Warning raised"), ("2023-10", "Audit commissioned: Re-referrals"),
        ("2024-01", "Audit completed: Re-referrals"), ("2024-02", "Action A1 completed")]
    written = [layer_rows(chart, layer)["label"].tolist() for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert sorted(sum(written, [])) == sorted(marked["label"])  # each mark's label is written beside it
    shapes = [layer["encoding"]["shape"] for layer in spec["layer"]
              if layer.get("encoding", {}).get("shape", {}).get("field") == "event"]
    assert len(set(shapes[0]["scale"]["range"])) == 4  # a shape per kind, not colour alone


def test_system_health_figures_table_names_the_same_events(loop_db, monkeypatch):
    app = system_health(loop_db, monkeypatch)
    [table] = [df.value for df in app.dataframe if "Re-referrals within 12 months" in df.value.columns]
    marked = {f"{m:%Y-%m}": said for m, said in zip(table["Month"], table["Loop"]) if said}
    assert marked == {"2023-08": "Warning raised", "2023-10": "Audit commissioned: Re-referrals",
                      "2024-01": "Audit completed: Re-referrals", "2024-02": "Action A1 completed"}


def test_system_health_says_the_loop_under_the_chart(loop_db, monkeypatch):
    app = system_health(loop_db, monkeypatch)
    assert "The loop" in [h.value for h in app.subheader]
    lines = texts(app)
    verdict = queries.run("loop_verdicts_all", loop_db)["verdict"].iloc[0]
    assert verdict[0].upper() + verdict[1:] + "." in lines
    assert verdict.startswith("since action A1 completed in February 2024")
    assert any(line.startswith("Warning raised in August 2023 and every month to February 2024 (7 months). "
                               "In August 2023: special cause concern") for line in lines)
    assert "2 case audits under the theme, overall judgements: Good 1 (50%), Requires improvement 1 (50%)." in lines
    assert "Findings: Step-down to early help too early in some cases." in lines
    assert ("Action A1: Step-down panel reviews every re-referral (status Complete, RAG Blue, completed "
            "15 February 2024).") in lines


def test_the_overview_lists_the_open_early_warnings_with_how_long_they_went_unanswered(tmp_path, monkeypatch):
    db = tmp_path / "qa.duckdb"  # the rise alone, and nothing linked: the warning is open and unanswered
    load(db, write_xlsx(tmp_path / "kpi.xlsx", {"kpi": kpi_sheet(STEADY + RISE)}))
    app = open_page(db, "app_pages/overview.py", monkeypatch)
    assert "Early warnings" in [h.value for h in app.header]
    [row] = queries.run("loop_open_warnings", db).to_dict("records")
    assert (f"{row['first_period']:%Y-%m}", row["months_unanswered"]) == ("2023-08", 6)
    assert (f"Re-referrals within 12 months (Whole authority), warning since August 2023: {row['reasons']}; "
            "6 months without a linked themed audit or action.") in texts(app)
    [table] = [df.value for df in app.dataframe if "Why" in df.value.columns]
    assert table.to_dict("records") == [{
        "Indicator": "Re-referrals within 12 months", "Scope": "Whole authority", "Warning since": "August 2023",
        "Latest month": "February 2024", "Why": row["reasons"], "Months without a linked audit or action": 6}]
    assert [b.label for b in app.get("download_button")].count("Download CSV") >= 1


def test_the_overview_says_what_we_did_and_what_moved(loop_db, monkeypatch):
    app = open_page(loop_db, "app_pages/overview.py", monkeypatch)
    assert "What we did and what moved" in [h.value for h in app.header]
    verdict = queries.run("loop_verdicts_all", loop_db)["verdict"].iloc[0]
    assert f"Re-referrals within 12 months (Whole authority): {verdict}." in texts(app)
    [table] = [df.value for df in app.dataframe if "Verdict" in df.value.columns]
    assert table[["Since", "Linked", "Points before", "Points since", "Variation"]].to_dict("records") == [
        {"Since": "February 2024", "Linked": "action A1", "Points before": 26, "Points since": 10,
         "Variation": "special cause improvement"}]


def test_the_audits_page_lists_themed_audits_with_indicators_n_and_mix_and_the_audits_behind(
        loop_db, open_audits):
    app = open_tab(open_audits(loop_db), "Learning loop")
    assert "Themed audits" in [s.value for s in app.main.subheader]
    [themed] = [df.value for df in app.dataframe if "Judgement mix" in df.value.columns]
    summary = queries.run("themed_audits_summary", loop_db)
    assert list(themed["Theme"]) == list(summary["theme"]) == ["Care planning", "Re-referrals"]
    assert themed.set_index("Theme").loc["Re-referrals", ["Indicators", "Case audits (n)", "Judgement mix"]].to_list() == [
        "Re-referrals within 12 months", 2, "Good 1 (50%), Requires improvement 1 (50%)"]
    app.selectbox(key="audits_theme_chosen").set_value("Re-referrals").run()
    [behind] = [df.value for df in app.dataframe if "Overall judgement" in df.value.columns and "Moderated" in df.value.columns]
    assert sorted(behind["Audit"]) == ["T1", "T2"]
    assert "2 case audits under this theme." in texts(app)


def test_the_whole_authority_verdict_is_found_beside_the_teams_verdicts(demo_db):
    rows = queries.run("loop_verdicts_all", demo_db)
    assert rows["team"].notna().any() and rows["team"].isna().any()  # the demo has both
    for record in rows.to_dict("records"):
        team = None if record["team"] is None or record["team"] != record["team"] else record["team"]
        said = loop_shown.verdict_of(rows, record["indicator"], team)
        assert said == record["verdict"][0].upper() + record["verdict"][1:] + ".", record


def test_a_warning_raised_before_the_chart_begins_is_marked_where_it_begins():
    warnings = pd.DataFrame({"period": [dt.date(2023, m, 1) for m in range(6, 13)], "reasons": ["why"] * 7})
    marked = loop_shown.events(warnings, None, dt.date(2023, 9, 1), dt.date(2024, 8, 1))
    assert marked[["period", "label"]].values.tolist() == [[dt.date(2023, 9, 1), "Warning since June 2023"]]
    assert loop_shown.events(warnings, None, dt.date(2024, 1, 1), dt.date(2024, 12, 1)).empty  # over by then


def test_findings_with_markup_are_shown_as_written_in_plain_text(tmp_path, monkeypatch):
    markup = "Findings with **bold**, <b>a tag</b> and [a link](http://example.org)"
    db = tmp_path / "qa.duckdb"
    load(db, write_xlsx(tmp_path / "loop.xlsx", {
        "kpi": kpi_sheet(), "themed_audits": table(themed(findings=markup)),
        "audits": table(audit(audit_id="T1", theme="Re-referrals"))}))
    app = system_health(db, monkeypatch)
    assert f"Findings: {markup}" in texts(app)  # an st.text element: never read as Markdown or HTML
    assert not any(markup in m.value for m in app.markdown)
