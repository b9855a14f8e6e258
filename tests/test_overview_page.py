"""The Overview and System health pages, run headless with AppTest, on the demo database and on
hand-made workbooks whose answers the tests know."""

import math
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard import contract, metrics
from qa_dashboard.ingest import ingest
from tests.conftest import REPO_ROOT
from tests.workbooks import action, audit, kpi, table, team, write_xlsx


def open_page(database: Path, page: str, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "app_pages/overview.py":
        app.switch_page(page)
        app.run()
    assert not app.exception, app.exception
    return app


def tiles(app: AppTest) -> dict[str, object]:
    # Labels are escaped for Markdown (an indicator named in an upload is user text).
    return {metric.label.replace("\\", ""): metric for metric in app.metric}


def charts(app: AppTest) -> list:
    return app.get("vega_lite_chart")


def texts(app: AppTest) -> list[str]:
    """Every line of text on the page (a tile's sentences and the "what changed" list are each
    one element, a line apiece)."""
    return [line for t in app.text for line in t.value.split("\n") if line]


def system_health_labels() -> list[str]:
    return [i.label for i in contract.load().indicators if i.system_health]


# ------------------------------------------------------------------------- demo database --
def test_the_overview_shows_a_tile_for_every_system_health_indicator(demo_db, monkeypatch):
    shown = tiles(open_page(demo_db, "app_pages/overview.py", monkeypatch))
    for label in system_health_labels():
        assert label in shown, label
        assert shown[label].value != "no figure"


def test_the_overview_shows_audit_workforce_and_voice_tiles(demo_db, monkeypatch):
    shown = tiles(open_page(demo_db, "app_pages/overview.py", monkeypatch))
    for label in ("Good or better", "Inadequate", "Average caseload (workforce returns)",
                  "Agency share (workforce returns)", "Children and families heard"):
        assert label in shown, label
    assert "(n = " in shown["Good or better"].value


def test_every_tile_arrow_says_which_way_is_better(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch)
    for metric in app.metric:
        if "▲" in (metric.delta or "") or "▼" in (metric.delta or ""):
            assert any(word in metric.delta for word in ("better", "worse", "up", "down")), metric.delta


def _good_or_better_in_latest_quarter(database: Path, team_name: str) -> str:
    with duckdb.connect(str(database), read_only=True) as con:
        good, n = con.execute("""
            SELECT count(*) FILTER (WHERE overall IN ('Outstanding', 'Good')), count(*)
            FROM audits WHERE team = ? AND quarter_start = (
                SELECT max(quarter_start) FROM audits WHERE team = ? AND month <= DATE '2026-03-01')
        """, [team_name, team_name]).fetchone()
    return metrics.Share(good, n).figure()


def test_filtering_to_one_team_changes_the_audit_tile_to_that_teams_figure(demo_db, monkeypatch):
    # AppTest in Streamlit 1.67 drops the entry script's sidebar on a rerun under st.navigation,
    # so each filter choice is a fresh run with the filter in the URL, as a shared link would
    # carry it; the browser test changes the widget itself.
    whole = tiles(open_page(demo_db, "app_pages/overview.py", monkeypatch))["Good or better"].value
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, team="FS North")
    for_team = tiles(app)["Good or better"].value
    assert for_team == _good_or_better_in_latest_quarter(demo_db, "FS North")
    assert for_team != whole
    assert app.query_params["team"] == "FS North"


def test_filtering_to_a_service_area_limits_the_team_choices(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, service="Family Safeguarding")
    assert app.sidebar.selectbox(key="filter_team").options == ["All teams", "FS Central", "FS North", "FS South"]


def test_a_link_with_a_team_opens_the_overview_filtered(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, team="FS North")
    assert app.sidebar.selectbox(key="filter_team").value == "FS North"
    assert tiles(app)["Good or better"].value == _good_or_better_in_latest_quarter(demo_db, "FS North")


def test_a_link_with_a_team_the_data_lacks_is_dropped_with_a_note(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, team="Nowhere Team")
    assert app.sidebar.selectbox(key="filter_team").value == "All teams"
    assert any("Nowhere Team" in w.value for w in app.sidebar.warning)


def test_the_overview_writes_what_changed_sentences_from_the_data(demo_db, monkeypatch):
    sentences = [t for t in texts(open_page(demo_db, "app_pages/overview.py", monkeypatch)) if t.startswith("• ")]
    assert any("Re-referrals within 12 months" in s for s in sentences)
    assert any("Audits judged good or better" in s and "(n = " in s for s in sentences)


def test_the_system_health_scorecard_lists_system_health_indicators_first(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/system_health.py", monkeypatch)
    scorecard = app.dataframe[0].value
    assert list(scorecard["Indicator"][:7]) == system_health_labels()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        [(loaded,)] = con.execute("SELECT count(DISTINCT indicator) FROM kpi_values").fetchall()
    assert len(scorecard) == loaded


def test_the_trend_chart_draws_target_and_comparator_lines(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    assert len(charts(app)) == 1
    figures = [df.value for df in app.dataframe if "Re-referrals within 12 months" in df.value.columns][0]
    assert {"Target", "Statistical neighbours", "England"} <= set(figures.columns)
    assert len(figures) == 24


def test_an_indicator_with_breakdowns_and_team_rows_shows_both(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/system_health.py", monkeypatch, indicator="assessments_45wd_pct")
    assert len(charts(app)) == 3
    headings = [s.value for s in app.subheader]
    assert "Breakdowns" in headings and "Teams" in headings


def test_the_neutral_referral_rate_is_judged_against_comparators(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/system_health.py", monkeypatch, indicator="referrals_rate")
    assert any("Neither higher nor lower is better" in t for t in texts(app))


# ------------------------------------------------------------------- hand-made workbooks --
@pytest.fixture
def known_db(tmp_path):
    rows = []
    for period, re_referrals, within_45, referrals in (("2023-11", 20.0, 70.0, 500.0), ("2024-10", 22.0, 79.0, 600.0),
                                                       ("2024-11", 24.0, 83.0, 560.0)):
        rows.append(kpi(period=period, indicator="re_referrals_pct", value=re_referrals, target=22, commentary=None))
        rows.append(kpi(period=period, indicator="assessments_45wd_pct", value=within_45, target=80, commentary=None))
        rows.append(kpi(period=period, indicator="referrals_rate", value=referrals, target=None,
                        stat_neighbours=550.0, commentary=None))
    audits = [audit(audit_id=f"A{n}", audit_date="10/11/2024", team="Team A", service_area="North",
                    overall="Good" if n < 3 else "Inadequate") for n in range(4)]
    workbook = write_xlsx(tmp_path / "known.xlsx", {
        "kpi": table(*rows), "audits": table(*audits),
        "teams": table(team(team="Team A", service_area="North")),
        "actions": table(action(action_id="ACT-01", status="On track", due_date="31/01/2024"),
                         action(action_id="ACT-02", status="Complete", rag="Blue", due_date="31/01/2024")),
    })
    database = tmp_path / "known.duckdb"
    assert ingest([workbook], database, user="test").ok
    return database


def test_tiles_say_better_worse_or_judge_against_comparators_by_polarity(known_db, monkeypatch):
    shown = tiles(open_page(known_db, "app_pages/overview.py", monkeypatch))
    assert "worse" in shown["Re-referrals within 12 months"].delta
    assert shown["Re-referrals within 12 months"].value == "24.0%"
    assert "better" in shown["Assessments completed within 45 working days"].delta
    referrals = shown["Referrals per 10,000 children"].delta
    assert "down" in referrals and "better" not in referrals and "worse" not in referrals


def test_four_audits_show_their_share_flagged_as_small(known_db, monkeypatch):
    app = open_page(known_db, "app_pages/overview.py", monkeypatch)
    assert tiles(app)["Good or better"].value == "75% (n = 4)"
    assert tiles(app)["Inadequate"].value == "25% (n = 4)"
    assert texts(app).count("Fewer than 5 audits this quarter: read with care.") == 2


def test_what_changed_sentences_on_known_figures(known_db, monkeypatch):
    # Three figures each: the signal first (limits worked by hand: mean +/- 2.66 x mean moving
    # range, provisional under 13 months), then the moves on the month and the year as facts.
    sentences = [t for t in texts(open_page(known_db, "app_pages/overview.py", monkeypatch)) if t.startswith("• ")]
    assert ("• Assessments completed within 45 working days: common cause: no sign of change; the last figure, 83.0%, "
            "is within the expected range of 60.0% to 94.6%; the limits are provisional: 3 months, fewer than 13. "
            "In November 2024, it rose from 79.0% to 83.0% (better), meeting the 80.0% target. "
            "A year before, in November 2023, it was 70.0%.") in sentences
    assert ("• Re-referrals within 12 months: common cause: no sign of change; the last figure, 24.0%, is within the "
            "expected range of 16.7% to 27.3%; the limits are provisional: 3 months, fewer than 13. "
            "In November 2024, it rose from 22.0% to 24.0% (worse), above the 22.0% target. "
            "A year before, in November 2023, it was 20.0%.") in sentences


def test_the_plan_lists_overdue_actions_and_status_changes(known_db, tmp_path, monkeypatch):
    update = write_xlsx(tmp_path / "plan.xlsx", {"actions": table(
        action(action_id="ACT-01", status="Off track", rag="Red", due_date="31/01/2024"))})
    assert ingest([update], known_db, user="test").ok
    app = open_page(known_db, "app_pages/overview.py", monkeypatch)
    overdue = [df.value for df in app.dataframe if "due_date" in df.value.columns and "previous_status" not in df.value.columns]
    assert list(overdue[0]["action_id"]) == ["ACT-01"]  # ACT-02 is complete, so not overdue
    changed = [df.value for df in app.dataframe if "previous_status" in df.value.columns][0]
    assert changed.to_dict("records")[0]["previous_status"] == "On track"
    assert changed.to_dict("records")[0]["status"] == "Off track"


# ----------------------------------------------------------------------------- periods --
def test_the_default_period_is_the_latest_twelve_months_loaded(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch)
    assert app.text[0].value == "Showing April 2025 to March 2026, the whole authority."
    assert "period" not in app.query_params


@pytest.mark.parametrize("token, shown", [
    ("2024-25", "Showing financial year 2024-25, the whole authority."),
    ("Q3 2024-25", "Showing Q3 2024-25, the whole authority."),
    ("2024-06..2024-11", "Showing June 2024 to November 2024, the whole authority."),
])
def test_a_link_with_a_period_opens_that_period(demo_db, monkeypatch, token, shown):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, period=token)
    assert app.text[0].value == shown
    assert app.query_params["period"] == token


def test_a_quarter_shows_that_quarters_audits(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, period="Q3 2024-25")
    assert any(t.startswith("Q3 2024-25: ") for t in texts(app))


def test_months_chosen_by_a_link_stay_chosen_on_the_next_page(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/system_health.py", monkeypatch, period="2024-06..2024-11")
    app.switch_page("app_pages/overview.py").run()
    assert not app.exception, app.exception
    assert app.text[0].value == "Showing June 2024 to November 2024, the whole authority."


@pytest.mark.parametrize("typed", ["2024-07", "Jul-24", "July 2024"])
def test_a_month_is_a_period(demo_db, monkeypatch, typed):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, period=typed)
    assert app.text[0].value == "Showing July 2024, the whole authority."
    assert app.query_params["period"] == "2024-07" and not app.sidebar.warning


@pytest.mark.parametrize("typed, said", [
    ("2031-32", "No figures are loaded for financial year 2031-32: the data covers April 2023 to March 2026."),
    ("2031-07", "No figures are loaded for July 2031: the data covers April 2023 to March 2026."),
    ("next July", "The period 'next July' is not a form the dashboard reads: use a month such as 2024-07"),
    ("0000-01", "The period '0000-01' is out of range: a period runs from January 2000 to December 2100 at most."),
])
def test_a_period_the_link_cannot_open_is_dropped_with_a_sentence_saying_why(demo_db, monkeypatch, typed, said):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch, period=typed)
    assert app.text[0].value.startswith("Showing April 2025 to March 2026")
    [warning] = app.sidebar.warning
    assert said in warning.value.replace("\\", "")


def test_the_plan_tables_are_headed_in_plain_words(known_db, tmp_path, monkeypatch):
    import json

    update = write_xlsx(tmp_path / "plan.xlsx", {"actions": table(
        action(action_id="ACT-01", status="Off track", rag="Red", due_date="31/01/2024"))})
    assert ingest([update], known_db, user="test").ok
    app = open_page(known_db, "app_pages/overview.py", monkeypatch)
    plan = [df for df in app.dataframe if "actions" in df.value.columns or "action_id" in df.value.columns]
    assert len(plan) == 4  # by RAG rating, by status, overdue, status changed
    for table_ in plan:
        headings = {name: setting.get("label") for name, setting in json.loads(table_.proto.columns or "{}").items()
                    if not name.startswith("_")}  # _index: the hidden row index
        assert set(headings) == set(table_.value.columns), headings
        assert all(heading and heading[0].isupper() and "_" not in heading for heading in headings.values()), headings
    overdue = [df for df in plan if "due_date" in df.value.columns and "previous_status" not in df.value.columns][0]
    assert json.loads(overdue.proto.columns)["action_id"]["label"] == "Action"
    assert json.loads(overdue.proto.columns)["rag"]["label"] == "RAG rating"


# --------------------------------------------------------------------- tiles as trends --
def sparkline(app: AppTest, label: str) -> list[float]:
    return list(tiles(app)[label].proto.chart_data)


def same_figures(shown: list[float], expected: list) -> bool:
    """NaN (a missing month, drawn as a gap) where the database has no figure; never zero."""
    return len(shown) == len(expected) and all(
        (e is None and math.isnan(s)) or (e is not None and s == pytest.approx(e)) for s, e in zip(shown, expected))


def test_each_system_health_tile_carries_its_last_twelve_months(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/overview.py", monkeypatch)  # April 2025 to March 2026
    with duckdb.connect(str(demo_db), read_only=True) as con:
        codes = con.execute("SELECT indicator, label FROM kpi_values WHERE team IS NULL AND breakdown IS NULL "
                            "AND system_health GROUP BY ALL").fetchall()
        assert len(codes) == len(system_health_labels())
        for code, label in codes:
            expected = [value for (value,) in con.execute("""
                WITH latest AS (SELECT max(period) AS m FROM kpi_values WHERE indicator = ? AND team IS NULL
                                AND breakdown IS NULL AND value IS NOT NULL AND period <= DATE '2026-03-01'),
                     months AS (SELECT (m - INTERVAL (n) MONTH)::DATE AS period FROM latest, range(12) t(n))
                SELECT k.value FROM months LEFT JOIN kpi_values k ON k.period = months.period
                       AND k.indicator = ? AND k.team IS NULL AND k.breakdown IS NULL
                ORDER BY months.period""", [code, code]).fetchall()]
            shown = sparkline(app, label)
            assert len(shown) == 12 and same_figures(shown, expected), (label, shown, expected)


def test_a_missing_month_stays_a_gap_on_the_tiles_line(known_db, monkeypatch):
    app = open_page(known_db, "app_pages/overview.py", monkeypatch)
    shown = sparkline(app, "Re-referrals within 12 months")
    # 12 months to November 2024: only October and November 2024 are loaded (November 2023 is 13 back).
    assert same_figures(shown, [None] * 10 + [22.0, 24.0])
