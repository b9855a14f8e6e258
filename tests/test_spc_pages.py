"""SPC where it shows (issue 19): System health's scorecard verdicts and XmR chart, the "what
changed" sentences led by the signal, the Overview tiles' verdicts, a team's own verdict, and
rebasing from the page. Run headless with AppTest on the demo database and on a workbook whose
answers the tests work out themselves."""

import base64
import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard.ingest import ingest
from tests.conftest import REPO_ROOT
from tests.test_commentary_pages import session_as
from tests.workbooks import TODAY, kpi, table, team, write_xlsx

# The authority's re-referrals: 12 months see-sawing 25 / 23, then 8 months at 23.2 / 23.4.
SHIFTED = [25.0, 23.0] * 6 + [23.2, 23.4] * 4
MONTHS = [dt.date(2023 + i // 12, i % 12 + 1, 1) for i in range(len(SHIFTED))]  # Jan 2023 to Aug 2024
# Team A: steady, then far above: its own verdict differs from the authority's. Team B: 5 months.
TEAM_A = [30.0, 31.0] * 9 + [30.0, 40.0]
TEAM_B = [30.0, 31.0, 30.0, 31.0, 30.0]


def open_page(database: Path, page: str, monkeypatch, reader: bool = False, **query) -> AppTest:
    session_as(database, monkeypatch, reader)
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "app_pages/overview.py":
        app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def lines(app: AppTest) -> list[str]:
    return [line for t in app.text for line in t.value.split("\n") if line]


def scorecard(app: AppTest):
    return app.dataframe[0].value.set_index("Indicator")


def latest_verdicts(database: Path, team_name: str | None = None) -> dict[str, tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("""SELECT k.label, s.variation, s.assurance FROM kpi_spc_latest s
                              JOIN (SELECT DISTINCT indicator, label FROM kpi_values) k USING (indicator)
                              WHERE s.team IS NOT DISTINCT FROM ?""", [team_name]).fetchall()
    return {label: (variation, assurance) for label, variation, assurance in rows}


@pytest.fixture
def shifted_db(tmp_path: Path) -> Path:
    rows = [kpi(period=f"{m:%Y-%m}", value=v, target=22, commentary=None) for m, v in zip(MONTHS, SHIFTED)]
    rows += [kpi(period=f"{m:%Y-%m}", team="Team A", value=v, target=22, commentary=None) for m, v in zip(MONTHS, TEAM_A)]
    rows += [kpi(period=f"{m:%Y-%m}", team="Team B", value=v, target=22, commentary=None)
             for m, v in zip(MONTHS[-5:], TEAM_B)]
    workbook = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(*rows), "teams": table(
        team(team="Team A", service_area="North"), team(team="Team B", service_area="North"))})
    database = tmp_path / "shifted.duckdb"
    result = ingest([workbook], database, user="test", today=TODAY)
    assert result.ok, result.problems
    return database


def _limits(values: list[float]) -> tuple[float, float, float]:
    """Worked here as the method says (mean; mean moving range, screened once; +/- 2.66 of it)."""
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    average = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * average]
    average = sum(kept) / len(kept)
    return mean, mean - 2.66 * average, mean + 2.66 * average


def _run_below_at_end(values: list[float], mean: float) -> int:
    run = 0
    for value in reversed(values):
        if value >= mean:
            break
        run += 1
    return run


# ------------------------------------------------------------------------ System health --
def test_the_scorecard_shows_the_same_verdicts_as_kpi_spc_latest(demo_db, monkeypatch):
    table_shown = scorecard(open_page(demo_db, "app_pages/system_health.py", monkeypatch))
    assert {"Variation", "Assurance"} <= set(table_shown.columns)
    expected = latest_verdicts(demo_db)
    assert set(expected) == set(table_shown.index)
    for label, (variation, assurance) in expected.items():
        assert table_shown.loc[label, "Variation"] == variation, label
        if assurance is None:
            assert table_shown.loc[label, "Assurance"].startswith("none:"), label
        else:
            assert table_shown.loc[label, "Assurance"] == assurance, label


def test_the_indicator_chart_is_an_xmr_chart(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    lines_layer, points_layer = spec["layer"][:2]  # the learning loop's marks follow them
    assert points_layer["mark"]["type"] == "point"
    encoding = points_layer["encoding"]
    assert encoding["shape"]["field"] == encoding["color"]["field"] == "variation"
    assert len(set(encoding["shape"]["scale"]["range"])) == 4
    dashes = dict(zip(lines_layer["encoding"]["strokeDash"]["scale"]["domain"],
                      lines_layer["encoding"]["strokeDash"]["scale"]["range"]))
    assert {"Centre (mean)", "Process limits", "Target", "Statistical neighbours"} <= set(dashes)
    assert dashes["Process limits"] and not dashes["Centre (mean)"]


def test_the_figures_table_carries_centre_limits_rule_and_variation(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    figures = [df.value for df in app.dataframe if "Re-referrals within 12 months" in df.value.columns][0]
    assert {"Centre", "Lower limit", "Upper limit", "Rule", "Variation"} <= set(figures.columns)
    with duckdb.connect(str(demo_db), read_only=True) as con:
        stored = dict(con.execute("""SELECT period, upper_limit FROM kpi_spc WHERE indicator = 're_referrals_pct'
                                     AND team IS NULL AND breakdown IS NULL""").fetchall())
    for month, upper in zip(figures["Month"], figures["Upper limit"]):
        assert upper == pytest.approx(stored[month])


def test_the_trend_analysis_leads_with_a_known_shift(shifted_db, monkeypatch):
    mean, _, _ = _limits(SHIFTED)
    run = _run_below_at_end(SHIFTED, mean)
    assert run == 9  # the 12th month (23.0) and the last 8
    lead = (f"Re-referrals within 12 months: special cause improvement: the last {run} months below the average of "
            f"{mean:.1f}% (Jan 2023 to Aug 2024).")
    analysis = lines(open_page(shifted_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct"))
    assert lead in analysis
    month_move = "In August 2024, it rose from 23.2% to 23.4% (worse), above the 22.0% target."
    assert analysis.index(month_move) == analysis.index(lead) + 1  # the move is a fact after the signal


def test_the_overview_what_changed_leads_with_the_signal(shifted_db, monkeypatch):
    app = open_page(shifted_db, "app_pages/overview.py", monkeypatch)
    [item] = [line for line in lines(app) if line.startswith("• Re-referrals")]
    mean, _, _ = _limits(SHIFTED)
    assert item.startswith(f"• Re-referrals within 12 months: special cause improvement: the last 9 months below "
                           f"the average of {mean:.1f}%")
    assert item.index("special cause") < item.index("rose from 23.2% to 23.4%")
    assert item.endswith("A year before, in August 2023, it was 23.0%.")


def _html(app: AppTest) -> list[str]:
    return [element.proto.body for element in app.get("html")]


def _alts(body: str) -> list[str]:
    return re.findall(r'alt="([^"]*)"', body)


def test_overview_tiles_show_the_two_verdicts_in_words(shifted_db, monkeypatch):
    app = open_page(shifted_db, "app_pages/overview.py", monkeypatch)
    _, lower, upper = _limits(SHIFTED)
    assert lower < 22 < upper  # the target inside the limits: hit and miss
    badges = [body for body in _html(app) if "Variation:" in body]
    assert len(badges) == 1  # the one system-health indicator loaded
    assert _alts(badges[0]) == ["Variation: special cause improvement", "Assurance: hit and miss"]
    for body in badges:  # drawn here, as images with their words: nothing fetched
        for source in re.findall(r'src="([^"]*)"', body):
            assert source.startswith("data:image/svg+xml;base64,")
            assert b"<svg" in base64.b64decode(source.split(",", 1)[1])
    trend = [m for m in app.metric if m.label == "Re-referrals within 12 months"][0]
    assert trend.proto.chart_data and len(trend.proto.chart_data) == 12  # the tile keeps its 12 months


def test_a_chosen_team_gets_its_own_verdict(shifted_db, monkeypatch):
    table_shown = scorecard(open_page(shifted_db, "app_pages/system_health.py", monkeypatch, team="Team A"))
    own = latest_verdicts(shifted_db, "Team A")["Re-referrals within 12 months"]
    assert own[0] == "special cause concern"  # 40 against months of 30-31: above the upper limit
    assert own != latest_verdicts(shifted_db)["Re-referrals within 12 months"]
    assert table_shown.loc["Re-referrals within 12 months", "Variation"] == own[0]


def test_a_team_with_too_few_months_is_told_so(shifted_db, monkeypatch):
    app = open_page(shifted_db, "app_pages/system_health.py", monkeypatch, team="Team B", indicator="re_referrals_pct")
    cell = scorecard(app).loc["Re-referrals within 12 months", "Variation"]
    assert cell == "too few team months for a verdict (5 of 13)"
    assert any("Team B has 5 months of its own figures" in line for line in lines(app))
    assert not [body for body in _html(app) if "Variation:" in body]  # no icon without a verdict


# ------------------------------------------------------------------------------ rebasing --
def _rebase(app: AppTest, month: dt.date, reason: str) -> AppTest:
    app.selectbox(key="rebase_re_referrals_pct_None_month").set_value(month)
    app.text_input(key="rebase_re_referrals_pct_None_reason").input(reason)
    [button] = [b for b in app.button if b.label == "Record the rebase"]
    button.click().run()
    assert not app.exception, app.exception
    return app


def test_an_uploader_rebases_from_the_page_and_takes_it_back(shifted_db, monkeypatch):
    app = open_page(shifted_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    reason = "**new** front door <b>"
    _rebase(app, dt.date(2024, 1, 1), reason)
    with duckdb.connect(str(shifted_db), read_only=True) as con:
        [(month, kept_reason, author)] = con.execute("SELECT month, reason, author FROM kpi_spc_rebases").fetchall()
        assert (month, kept_reason) == (dt.date(2024, 1, 1), reason) and author
        [(limits_from,)] = con.execute("""SELECT limits_from FROM kpi_spc_latest WHERE indicator = 're_referrals_pct'
                                          AND team IS NULL""").fetchall()
    assert limits_from == dt.date(2024, 1, 1)
    listed = [df.value for df in app.dataframe if "Reason" in df.value.columns][0]
    assert listed.iloc[0]["Reason"] == reason and listed.iloc[0]["Limits from"] == "January 2024"
    assert not any("<b>" in m.value for m in app.markdown)  # the reason is never read as Markdown or HTML
    assert "from Jan 2024, 8 months, provisional" == scorecard(app).loc["Re-referrals within 12 months", "SPC limits"]

    app.selectbox(key="rebase_re_referrals_pct_None_remove_month").set_value(dt.date(2024, 1, 1))
    [remove] = [b for b in app.button if b.label == "Remove this rebase"]
    remove.click().run()
    with duckdb.connect(str(shifted_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kpi_spc_rebases").fetchone() == (0,)


def test_a_refused_rebase_is_said_and_nothing_is_written(shifted_db, monkeypatch):
    app = open_page(shifted_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    _rebase(app, dt.date(2024, 1, 1), "   ")
    assert any("Give the reason" in e.value for e in app.error)
    with duckdb.connect(str(shifted_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kpi_spc_rebases").fetchone() == (0,)


def test_a_reader_sees_the_rebases_but_cannot_write(shifted_db, monkeypatch):
    _rebase(open_page(shifted_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct"),
            dt.date(2024, 1, 1), "new front door")
    app = open_page(shifted_db, "app_pages/system_health.py", monkeypatch, reader=True, indicator="re_referrals_pct")
    listed = [df.value for df in app.dataframe if "Reason" in df.value.columns][0]
    assert list(listed["Reason"]) == ["new front door"]
    assert not [b for b in app.button if b.label in ("Record the rebase", "Remove this rebase")]
    assert not [t for t in app.text_input if t.label.startswith("Reason")]


def test_a_rebase_on_a_chosen_teams_page_is_that_teams(shifted_db, monkeypatch):
    app = open_page(shifted_db, "app_pages/system_health.py", monkeypatch, team="Team A", indicator="re_referrals_pct")
    app.selectbox(key="rebase_re_referrals_pct_Team A_month").set_value(dt.date(2024, 1, 1))
    app.text_input(key="rebase_re_referrals_pct_Team A_reason").input("new manager")
    [button] = [b for b in app.button if b.label == "Record the rebase"]
    button.click().run()
    with duckdb.connect(str(shifted_db), read_only=True) as con:
        assert con.execute("SELECT team, month FROM kpi_spc_rebases").fetchall() == [("Team A", dt.date(2024, 1, 1))]
        limits = dict(con.execute("SELECT coalesce(team, 'authority'), limits_from FROM kpi_spc_latest").fetchall())
    assert limits["Team A"] == dt.date(2024, 1, 1) and limits["authority"] == MONTHS[0]
    listed = [df.value for df in app.dataframe if "Reason" in df.value.columns][0]
    assert list(listed["For"]) == ["team Team A"]


def test_a_team_named_in_markdown_is_shown_as_written_in_the_rebase_box(tmp_path, monkeypatch):
    name = "**Bold** [team](http://evil.example)"
    rows = [kpi(period=f"{m:%Y-%m}", team=name, value=v, target=22, commentary=None) for m, v in zip(MONTHS, TEAM_A)]
    workbook = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(*rows), "teams": table(team(team=name, service_area="North"))})
    database = tmp_path / "named.duckdb"
    assert ingest([workbook], database, user="test", today=TODAY).ok
    app = open_page(database, "app_pages/system_health.py", monkeypatch, team=name, indicator="re_referrals_pct")
    [label] = [e.label for e in app.expander if e.label.startswith("Start new limits")]
    assert "**Bold**" not in label and "](http" not in label  # escaped: shown as written, never a link
