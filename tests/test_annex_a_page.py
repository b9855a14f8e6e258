"""The Upload page with an Ofsted Annex A workbook: it asks for the extract date (proposing the
latest date in the file), previews each list before anything is written, shows the recording
problems by list and team, and loads with the date given."""
import datetime as dt

from tests import annex_a_workbooks as sample
from tests.test_upload_page import button, demo_copy, frame_with, open_upload, texts, workbook  # noqa: F401
from qa_dashboard.ingest import ingest
from tests.workbooks import query, snapshot, table, team, write_xlsx


def test_annex_a_asks_for_the_extract_date_previews_each_list_then_loads(open_upload, demo_copy, tmp_path):  # noqa: F811
    # The demo's teams list has no North or South, whose allocated cases would then count as team
    # not recorded: the sample's teams join the list first.
    teams = write_xlsx(tmp_path / "teams.xlsx", {"teams": table(team(team="North"), team(team="South"))})
    assert ingest([teams], demo_copy, "tester").loaded
    app = open_upload(demo_copy)
    before = snapshot(demo_copy)
    app.file_uploader[0].set_value(workbook(tmp_path, sample.workbook_sheets(), "annex a.xlsx")).run()
    assert not app.exception
    [asked] = [d for d in app.date_input if d.label == "Extract date of the Annex A lists"]
    assert asked.value == dt.date(2024, 3, 25)  # the latest date in the file, proposed
    asked.set_value(sample.AS_AT).run()
    assert not app.exception
    lists = frame_with(app, "Indicators it will write").set_index("Sheet")
    assert lists.loc["List 3 - Referrals", "Rows read"] == 7
    assert "re_referrals_pct" in lists.loc["List 3 - Referrals", "Indicators it will write"]
    assert lists.loc["Assessments", "Teams"] == 2
    quality = frame_with(app, "Problem")
    assert ("List 3", "exact duplicate row", "South", 1) in [tuple(r) for r in quality.itertuples(index=False)]
    assert any(t.startswith("Visit standards used: child protection visits within 10 working days") for t in texts(app))
    shown = " ".join(texts(app)) + " ".join(str(df.value.to_dict()) for df in app.dataframe)
    assert not [secret for secret in sample.IDS + sample.WORKERS + sample.POSTCODES if secret in shown]
    assert snapshot(demo_copy) == before, "the preview wrote to the database"

    app.text_input(key="upload_user_name").input("Sam Officer").run()
    app.checkbox[0].check().run()
    button(app, "Load these files").click().run()
    assert not app.exception
    assert query(demo_copy, "SELECT numerator, denominator FROM kpi_values WHERE indicator = 'cp_visits_in_time_pct' "
                            "AND period = '2024-03-01' AND team IS NULL") == [(3.0, 4.0)]
    assert query(demo_copy, "SELECT DISTINCT extract_date FROM annex_a_quality") == [(sample.AS_AT,)]


def test_the_lists_first_day_is_proposed_twelve_months_back_and_the_load_counts_from_it(open_upload, demo_copy, tmp_path):  # noqa: F811
    app = open_upload(demo_copy)
    app.file_uploader[0].set_value(workbook(tmp_path, sample.workbook_sheets(), "annex a.xlsx")).run()
    [asked] = [d for d in app.date_input if d.label == "Extract date of the Annex A lists"]
    asked.set_value(sample.AS_AT).run()
    [cover_from] = [d for d in app.date_input if d.label == "Lists cover from"]
    assert cover_from.value == dt.date(2023, 3, 31)  # shown for the officer to confirm
    cover_from.set_value(dt.date(2023, 3, 1)).run()
    assert not app.exception
    assert "Annex A, extract of 31 March 2024, lists from 1 March 2023: what each list holds" in \
        [h.value for h in app.subheader]
    app.text_input(key="upload_user_name").input("Sam Officer").run()
    app.checkbox[0].check().run()
    button(app, "Load these files").click().run()
    assert not app.exception
    # March 2023 is in the window declared (from the proposed 31 March 2023 it would not be).
    assert query(demo_copy, "SELECT value FROM kpi_values WHERE indicator = 'referrals_count' "
                            "AND period = '2023-03-01' AND team IS NULL") == [(2.0,)]
    assert query(demo_copy, "SELECT source FROM kpi_sources WHERE indicator = 'referrals_count' "
                            "AND period = '2023-03-01' AND team IS NULL") == [("Annex A, extract of 31 March 2024",)]
    # April 2023 has no referral in the sample: a whole month of the window, counted as zero.
    assert query(demo_copy, "SELECT value FROM kpi_values WHERE indicator = 'referrals_count' "
                            "AND period = '2023-04-01' AND team IS NULL") == [(0.0,)]


def annex_a_app(repo_root, tmp_path, monkeypatch):
    """The app over a database holding only the sample Annex A, loaded with its extract date."""
    from streamlit.testing.v1 import AppTest

    from qa_dashboard.ingest import ingest
    from tests.workbooks import write_xlsx

    db = tmp_path / "qa.duckdb"
    path = write_xlsx(tmp_path / "annex_a.xlsx", sample.workbook_sheets())
    assert ingest([path], db, "tester", as_at=sample.AS_AT).loaded
    monkeypatch.setenv("QA_DASHBOARD_DB", str(db))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=120)
    app.secrets.update({"qa_dashboard_tests": "yes"})
    app.run()
    return app


def test_system_health_shows_the_annex_a_source_beside_the_figure(repo_root, tmp_path, monkeypatch):
    app = annex_a_app(repo_root, tmp_path, monkeypatch)
    app.switch_page("app_pages/system_health.py").run()
    assert not app.exception
    app.selectbox(key="detail_indicator").set_value("re_referrals_pct").run()
    assert not app.exception
    assert "Figures from Annex A, extract of 31 March 2024 (March 2023 to March 2024)." in texts(app)


def test_the_overview_says_its_system_health_figures_came_from_annex_a(repo_root, tmp_path, monkeypatch):
    app = annex_a_app(repo_root, tmp_path, monkeypatch)
    assert not app.exception
    notes = [t for t in texts(app) if t.startswith("Figures from ")]
    assert notes and notes[0].startswith("Figures from Annex A, extract of 31 March 2024 (")
