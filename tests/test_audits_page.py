"""The Audits page run headless with AppTest: on the demo database, with figures the test works
out from the views itself, and on hand-made workbooks whose answers the test knows."""

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard import audits
from qa_dashboard.ingest import ingest
from tests.workbooks import TODAY, audit, table, write_xlsx

SECTIONS = ["Headline judgements", "Good or better and inadequate over time", "Practice areas", "Activity", "Moderation", "Learning loop",
            "The audits behind the figures"]
OUTSTANDING, GOOD, REQUIRES_IMPROVEMENT, INADEQUATE = audits.grade_labels()
YEAR = "2024-25 (financial year)"


@pytest.fixture
def open_audits(repo_root: Path, monkeypatch: pytest.MonkeyPatch):
    """Open the Audits page on a database, as a reader would: app.py first, then the page."""

    def open_with(database: Path) -> AppTest:
        monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
        app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=120).run()
        app.switch_page("app_pages/audits.py")
        app.run()
        assert not app.exception, app.exception
        assert [t.value for t in app.title] == ["Audits"]
        return app

    return open_with


def load_workbook(tmp_path: Path, rows: list[list]) -> Path:
    db = tmp_path / "audits.duckdb"
    result = ingest([write_xlsx(tmp_path / "audits.xlsx", {"audits": rows})], db, "test", today=TODAY)
    assert result.loaded, result.problems
    return db


def view(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def metric(app: AppTest, label: str) -> str:
    [found] = [m.value for m in app.metric if m.label == label]
    return found


def open_tab(app: AppTest, section: str) -> AppTest:
    """Open one section's tab, as a reader clicks it: only the open tab is laid out."""
    app.session_state["audits_tab"] = section
    app.run()
    assert not app.exception, app.exception
    assert [h.value for h in app.main.header] == [section]
    return app


def texts(app: AppTest) -> list[str]:
    return [t.value for t in app.text]


def frame_with(app: AppTest, column: str):
    [found] = [df.value for df in app.dataframe if column in df.value.columns]
    return found


def chart_data(app: AppTest, title: str):
    """The spec and the rows of the chart with this title, as the browser receives them."""
    for chart in app.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("title") == title:
            [dataset] = chart.proto.datasets
            return spec, pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
    raise AssertionError(f"no chart titled {title!r}")


# ------------------------------------------------------------------------ demo database --
def test_the_demo_database_shows_every_section_without_an_error(open_audits, demo_db):
    app = open_audits(demo_db)
    assert [h.value for h in app.main.header] == SECTIONS[:1]  # the first tab is open by default
    assert [s.value for s in app.main.subheader] == ["This year against last"]
    assert app.sidebar.selectbox(key="filter_type").value == "All audit types"   # the audit-type filter shows here
    charts_shown = len(app.get("vega_lite_chart"))
    for section in SECTIONS[1:]:
        charts_shown += len(open_tab(app, section).get("vega_lite_chart"))
        if section == "Practice areas":
            assert any("practice-area judgements in the period were not judged" in t for t in texts(app))
    assert charts_shown == 7  # with the good-or-better XmR chart


def test_a_service_area_filter_changes_the_figures_as_the_views_say(open_audits, demo_db):
    [(everyone, everyone_good)] = view(demo_db, """
        SELECT count(*), count(*) FILTER (WHERE g.grade_rank <= 2) FROM audits a JOIN grade_scale g ON g.grade = a.overall
        WHERE a.financial_year = '2024-25'""")
    [(service,)] = view(demo_db, "SELECT service_area FROM audits GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    [(in_service, in_service_good)] = view(demo_db, """
        SELECT count(*), count(*) FILTER (WHERE g.grade_rank <= 2) FROM audits a JOIN grade_scale g ON g.grade = a.overall
        WHERE a.financial_year = '2024-25' AND a.service_area = ?""", service)
    assert 0 < in_service < everyone

    app = open_audits(demo_db)
    app.sidebar.selectbox(key="filter_period").set_value(YEAR).run()
    assert metric(app, "Audits completed") == f"{everyone:,}"
    assert metric(app, "Good or better (overall)") == f"{100 * everyone_good / everyone:.0f}%"

    app.sidebar.selectbox(key="filter_service").set_value(service).run()
    assert not app.exception
    assert metric(app, "Audits completed") == f"{in_service:,}"
    assert metric(app, "Good or better (overall)") == f"{100 * in_service_good / in_service:.0f}%"
    assert f"n = {in_service:,} · higher is better" in texts(app)


def test_the_drill_down_lists_the_audits_behind_a_grid_cell(open_audits, demo_db):
    area = "voice_of_child"
    expected = sorted(r[0] for r in view(demo_db, """
        SELECT audit_id FROM audit_judgements
        WHERE practice_area = ? AND quarter = 'Q2 2024-25' AND grade = ?""", area, REQUIRES_IMPROVEMENT))
    assert expected
    app = open_audits(demo_db)
    app.sidebar.selectbox(key="filter_period").set_value(YEAR).run()
    open_tab(app, "The audits behind the figures")
    app.selectbox(key="audits_drill_when").set_value("Q2 2024-25").run()
    app.selectbox(key="audits_drill_area").set_value(area).run()
    app.selectbox(key="audits_drill_grade").set_value(REQUIRES_IMPROVEMENT).run()
    behind = frame_with(app, "Grade before moderation")
    assert sorted(behind["Audit"]) == expected
    assert set(behind[audits.area_labels()[area]]) == {REQUIRES_IMPROVEMENT}
    assert f"{len(expected)} audits: Q2 2024-25, voice of the child, requires improvement." in texts(app)


def test_the_theme_search_keeps_only_the_audits_that_mention_it(open_audits, demo_db):
    app = open_tab(open_audits(demo_db), "Learning loop")
    everything = len(frame_with(app, "Areas for development"))
    app.text_input(key="audits_theme_search").input("supervision").run()
    found = frame_with(app, "Areas for development")
    assert 0 < len(found) < everything
    mentions = (found["Team"] + found["Strengths"] + found["Areas for development"]).str.lower()
    assert mentions.str.contains("supervision").all()


# --------------------------------------------------------------- hand-made workbooks --
def sefton_audits() -> list[list]:
    """Seed 000: 48 audits, August to October 2023: 38 requires improvement (two graded down from
    good at moderation) and 10 inadequate."""
    return table(*[audit(audit_id=f"S-{n:03d}", audit_date=f"{5 + n % 20:02d}/{8 + n % 3:02d}/2023",
                         overall=REQUIRES_IMPROVEMENT if n < 38 else INADEQUATE,
                         original_overall=GOOD if n < 2 else None, moderated="yes" if n < 2 else "no")
                   for n in range(48)])


def test_48_audits_with_38_requiring_improvement_and_10_inadequate_read_79_and_21_percent(open_audits, tmp_path):
    app = open_audits(load_workbook(tmp_path, sefton_audits()))
    assert metric(app, "Audits completed") == "48"
    assert metric(app, "Inadequate (overall)") == "21%"
    assert ("Overall judgements of the 48 audits in the period: 0% outstanding, 0% good, "
            "79% requires improvement, 21% inadequate.") in texts(app)
    assert any("Graded down at moderation: 2; graded up: 0." in t for t in texts(open_tab(app, "Moderation")))


def test_a_quarter_with_no_audits_shows_no_bar(open_audits, tmp_path):
    db = load_workbook(tmp_path, table(audit(audit_id="Q1-A", audit_date="15/05/2024", overall=GOOD),
                                       audit(audit_id="Q3-A", audit_date="12/11/2024", overall=INADEQUATE)))
    app = open_audits(db)
    spec, rows = chart_data(app, "Overall judgements by financial quarter")
    assert sorted(set(rows["quarter"])) == ["Q1 2024-25", "Q3 2024-25"]
    # The empty quarter keeps its place on the axis, with nothing drawn there.
    assert "Q2 2024-25" in spec["layer"][0]["encoding"]["x"]["scale"]["domain"]


def test_a_moderated_grade_change_is_counted_once_in_its_month(open_audits, tmp_path):
    areas = {area: GOOD for area in audits.area_labels()}
    db = load_workbook(tmp_path, table(
        audit(audit_id="M-1", audit_date="10/09/2024", overall=REQUIRES_IMPROVEMENT, original_overall=GOOD,
              moderated="yes", **areas),
        audit(audit_id="M-2", audit_date="11/09/2024", overall=GOOD),
        audit(audit_id="M-3", audit_date="02/10/2024", overall=GOOD, original_overall=GOOD, moderated="yes")))
    app = open_tab(open_audits(db), "Moderation")
    by_month = frame_with(app, "Graded down").set_index("Month")
    assert by_month.loc["Sep 2024", "Graded down"] == 1
    assert by_month.loc["Oct 2024", "Graded down"] == 0
    assert by_month["Graded down"].sum() == 1
    assert any("Graded down at moderation: 1; graded up: 0." in t for t in texts(app))


def test_a_share_of_fewer_than_5_audits_is_marked(open_audits, tmp_path):
    db = load_workbook(tmp_path, table(audit(audit_id="F-1", audit_date="15/05/2024", overall=GOOD),
                                       audit(audit_id="F-2", audit_date="16/05/2024", overall=INADEQUATE),
                                       audit(audit_id="F-3", audit_date="17/05/2024", overall=GOOD)))
    app = open_audits(db)
    assert metric(app, "Good or better (overall)") == "67%"
    assert "n = 3 · higher is better · fewer than 5: read with care" in texts(app)
    grid = frame_with(open_tab(app, "Practice areas"), audits.NOT_JUDGED).set_index("Practice area")
    assert grid.loc["Overall judgement", "Q1 2024-25"] == "67% (n = 3) *"


def test_a_team_without_audits_in_the_period_is_told_so(open_audits, tmp_path):
    db = tmp_path / "audits.duckdb"
    book = write_xlsx(tmp_path / "audits.xlsx", {
        "teams": table({"team": "Team With Audits", "service_area": "Front Door"},
                       {"team": "Quiet Team", "service_area": "Front Door"}),
        "audits": table(audit(audit_id="T-1", audit_date="15/05/2024", team="Team With Audits", overall=GOOD))})
    assert ingest([book], db, "test", today=TODAY).loaded
    app = open_audits(db)
    app.sidebar.selectbox(key="filter_team").set_value("Quiet Team").run()
    assert not app.exception
    assert any("No audits were completed in this period for this choice" in i.value for i in app.info)
    assert not app.main.header
