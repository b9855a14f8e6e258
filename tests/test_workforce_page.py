"""The Workforce page run headless with Streamlit's AppTest on the demo database. Expected
figures are worked out here from the `workforce` and `kpi_values` views, not from the page's code."""

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

TABS = ["Caseloads", "Agency social workers", "Recruitment and retention", "Consistent relationships", "Every team"]


@pytest.fixture
def open_workforce(repo_root: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    """The Workforce page after app.py has drawn the filters, optionally filtered and on a tab."""

    def open_with(team: str | None = None, service: str | None = None, tab: str | None = None) -> AppTest:
        monkeypatch.setenv("QA_DASHBOARD_DB", str(demo_db))
        app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60).run()
        # The filters are set on System health, then carried to this page, as a reader would.
        app.switch_page("app_pages/system_health.py").run()
        if service:
            app.sidebar.selectbox(key="filter_service").set_value(service).run()
        if team:
            app.sidebar.selectbox(key="filter_team").set_value(team).run()
        app.switch_page("app_pages/workforce.py")
        app.run()
        if tab:
            app.session_state["workforce_tab"] = tab
            app.run()
        assert not app.exception, app.exception
        return app

    return open_with


def from_views(demo_db: Path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def caseload_in_latest_month(demo_db: Path, team: str | None = None, service: str | None = None) -> float:
    [(children, fte)] = from_views(demo_db, """
        SELECT sum(children_allocated), sum(social_worker_fte) FROM workforce
        WHERE period = (SELECT max(period) FROM workforce)
          AND (? IS NULL OR team = ?) AND (? IS NULL OR service_area = ?)""", (team, team, service, service))
    return children / fte


def metric(app: AppTest, label: str) -> str:
    [value] = [m.value for m in app.metric if m.label == label]
    return value


def all_text(app: AppTest) -> str:
    return "\n".join(t.value for t in app.text)


def test_the_page_opens_on_the_demo_database_without_an_error(open_workforce):
    app = open_workforce()
    assert [t.value for t in app.title] == ["Workforce"]
    assert [m.label for m in app.metric] == ["Average caseload", "Agency share", "Vacancy rate", "Same worker, 6 months"]


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_opens_without_an_error(open_workforce, tab):
    app = open_workforce(tab=tab)
    assert app.text, f"the {tab} tab shows nothing"


def test_the_authority_caseload_is_the_ratio_of_sums_in_the_views(open_workforce, demo_db):
    assert metric(open_workforce(), "Average caseload") == f"{caseload_in_latest_month(demo_db):.1f}"


def test_filtering_to_one_team_changes_the_caseload_to_that_teams(open_workforce, demo_db):
    everyone = caseload_in_latest_month(demo_db)
    fs_north = caseload_in_latest_month(demo_db, team="FS North")
    assert round(everyone, 1) != round(fs_north, 1)
    app = open_workforce(team="FS North")
    assert metric(app, "Average caseload") == f"{fs_north:.1f}"
    assert "FS North" in all_text(app)


def test_filtering_to_a_service_area_shows_its_ratio_of_sums(open_workforce, demo_db):
    app = open_workforce(service="Family Safeguarding")
    assert metric(app, "Average caseload") == f"{caseload_in_latest_month(demo_db, service='Family Safeguarding'):.1f}"


def test_the_agency_tab_names_the_england_comparator_from_the_scorecard(open_workforce, demo_db):
    [(england,)] = from_views(demo_db, """
        SELECT england FROM kpi_values WHERE indicator = 'agency_worker_pct' AND team IS NULL
          AND breakdown IS NULL AND period = (SELECT max(period) FROM workforce)""")
    text = all_text(open_workforce(tab="Agency social workers"))
    assert f"England: {england:.1f}% for March 2026 (KPI scorecard)." in text
    assert "Lower is better." in text


def test_mash_has_no_continuity_counts_and_the_page_does_not_show_a_zero(open_workforce, demo_db):
    [(blank,)] = from_views(demo_db, "SELECT count(*) FROM workforce WHERE team = 'MASH' AND children_open_6m IS NOT NULL")
    assert blank == 0
    app = open_workforce(team="MASH", tab="Consistent relationships")
    assert metric(app, "Same worker, 6 months") == "no figure"
    assert "has no continuity counts for this choice (left blank, so not counted as 0)" in all_text(app)
    assert "0%" not in metric(app, "Same worker, 6 months")


def test_the_every_team_table_has_a_row_for_each_team_in_the_latest_month(open_workforce, demo_db):
    teams = {team for (team,) in from_views(demo_db, "SELECT team FROM workforce WHERE period = (SELECT max(period) FROM workforce)")}
    app = open_workforce(tab="Every team")
    [table] = [df.value for df in app.dataframe if "Average caseload" in df.value.columns]
    assert set(table.loc[table["Level"] == "Team", "Team"]) == teams
    whole = table[table["Level"] == "Whole authority"].iloc[0]
    assert whole["Average caseload"] == round(caseload_in_latest_month(demo_db), 1)


def test_without_a_workforce_return_the_page_says_what_to_upload(repo_root, tmp_path, monkeypatch):
    from qa_dashboard.ingest import ingest
    from tests.workbooks import kpi, table, write_xlsx

    db = tmp_path / "kpi_only.duckdb"
    assert ingest([write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi())})], db, user="test").loaded
    monkeypatch.setenv("QA_DASHBOARD_DB", str(db))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60).run()
    app.switch_page("app_pages/system_health.py").run()
    app.switch_page("app_pages/workforce.py").run()
    assert not app.exception
    assert any("No workforce figures are loaded for this choice" in i.value for i in app.info)
    assert not app.metric
