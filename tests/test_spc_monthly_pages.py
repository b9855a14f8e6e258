"""The Audits, Workforce and Voice pages' own monthly series read as XmR charts, run headless
with AppTest on hand-made workbooks whose answer the test works out itself: the mean, the
moving ranges screened once at 3.267 times their mean, and the limits at 2.66 times the mean
moving range (NHS "Making Data Count", NHSRplotthedots 0.2.2), computed here without spc.py.
Each series is steady, then its last month jumps far outside the limits."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard.ingest import ingest
from tests.workbooks import TODAY, audit, feedback, table, workforce, write_xlsx

STEADY = [9, 10, 9, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9, 10]


def months(first: dt.date, count: int, skip: tuple[dt.date, ...] = ()) -> list[dt.date]:
    out, month = [], first
    while len(out) < count:
        if month not in skip:
            out.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def process_limits(values: list[float]) -> tuple[float, float, float]:
    """(lower limit, centre, upper limit), worked out as Making Data Count does."""
    centre = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    mean_range = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * mean_range]
    mean_range = sum(kept) / len(kept)
    return centre - 2.66 * mean_range, centre, centre + 2.66 * mean_range


def load(tmp_path: Path, sheets: dict) -> Path:
    db = tmp_path / "qa.duckdb"
    result = ingest([write_xlsx(tmp_path / "upload.xlsx", sheets)], db, "test", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]
    return db


def open_page(repo_root: Path, monkeypatch, db: Path, page: str, tab_key: str, tab: str) -> AppTest:
    monkeypatch.setenv("QA_DASHBOARD_DB", str(db))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=120).run()
    app.switch_page(f"app_pages/{page}.py")
    app.session_state[tab_key] = tab
    app.run()
    assert not app.exception, app.exception
    return app


def chart_titles(app: AppTest) -> list[str]:
    return [json.loads(chart.proto.spec).get("title") for chart in app.get("vega_lite_chart")]


def said(app: AppTest) -> str:
    return "\n".join(t.value for t in app.text)


def frame_with(app: AppTest, column: str):
    [found] = [d.value for d in app.dataframe if column in d.value.columns]
    return found


# ------------------------------------------------------------------------------- audits --
GAP = dt.date(2023, 12, 1)
AUDIT_MONTHS = months(dt.date(2023, 4, 1), 16, skip=(GAP,))
AUDITS_EACH_MONTH = 20
GOOD_EACH_MONTH = STEADY + [19]   # 45-55% good or better, then 95%


@pytest.fixture
def audits_db(tmp_path) -> Path:
    rows = []
    for month, good in zip(AUDIT_MONTHS, GOOD_EACH_MONTH):
        for i in range(AUDITS_EACH_MONTH):
            rows.append(audit(audit_id=f"A-{month:%Y%m}-{i}", audit_date=f"15/{month:%m/%Y}",
                              overall="Good" if i < good else "Requires improvement"))
    return load(tmp_path, {"audits": table(*rows)})


def test_the_audits_good_or_better_share_is_an_xmr_chart_with_its_verdict(repo_root, monkeypatch, audits_db):
    app = open_page(repo_root, monkeypatch, audits_db, "audits", "audits_tab", "Good or better and inadequate over time")
    shares = [100 * good / AUDITS_EACH_MONTH for good in GOOD_EACH_MONTH]
    _, _, upper = process_limits(shares)
    assert "Good or better (overall judgement): signal or noise, by month" in chart_titles(app)
    assert (f"Good or better (overall judgement), Aug 2024: special cause improvement: the last figure, 95.0%, "
            f"is above the upper limit of {upper:.1f}%.") in said(app)
    # The month without audits is absent, never 0%: said under the chart, and not in its figures.
    assert "No figure in Dec 2023: left out, not counted as zero" in said(app)
    assert "Dec 2023" not in list(frame_with(app, "Variation")["Month"])


def test_the_period_chooses_the_points_shown_never_the_limits(repo_root, monkeypatch, audits_db):
    monkeypatch.setenv("QA_DASHBOARD_DB", str(audits_db))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=120).run()
    app.switch_page("app_pages/system_health.py").run()
    app.sidebar.selectbox(key="filter_period").set_value("Q1 2024-25").run()
    app.switch_page("app_pages/audits.py")
    app.session_state["audits_tab"] = "Good or better and inadequate over time"
    app.run()
    assert not app.exception, app.exception
    shown = frame_with(app, "Variation")
    lower, centre, upper = process_limits([100 * good / AUDITS_EACH_MONTH for good in GOOD_EACH_MONTH])
    assert list(shown["Month"]) == ["Apr 2024", "May 2024", "Jun 2024"]
    assert set(shown["Centre"]) == {round(centre, 1)}
    assert set(shown["Upper limit"]) == {round(upper, 1)} and set(shown["Lower limit"]) == {round(lower, 1)}


# ---------------------------------------------------------------------------- workforce --
WORKFORCE_MONTHS = months(dt.date(2023, 5, 1), 16)
# Team A (10 FTE) and Team B (5 FTE, always 90 children): the caseload is all children ÷ all
# FTE, a ratio of sums; in the last month Team A's children fall to 100 (a mean of the two
# teams' caseloads, 14.0, would be the wrong figure).
TEAM_A_CHILDREN = [160, 170, 165, 175, 160, 170, 165, 175, 160, 170, 165, 175, 160, 170, 165, 100]
# Team A's agency FTE (Team B's is always 1): 20-27% of all FTE, then 67%.
TEAM_A_AGENCY = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 9]


@pytest.fixture
def workforce_db(tmp_path) -> Path:
    rows = []
    for month, children, agency in zip(WORKFORCE_MONTHS, TEAM_A_CHILDREN, TEAM_A_AGENCY):
        rows.append(workforce(period=f"{month:%Y-%m}", team="Team A", social_worker_fte=10, agency_fte=agency,
                              children_allocated=children))
        rows.append(workforce(period=f"{month:%Y-%m}", team="Team B", social_worker_fte=5, agency_fte=1,
                              children_allocated=90))
    return load(tmp_path, {"workforce": table(*rows)})


def test_the_average_caseload_is_an_xmr_chart_with_its_verdict(repo_root, monkeypatch, workforce_db):
    app = open_page(repo_root, monkeypatch, workforce_db, "workforce", "workforce_tab", "Caseloads")
    caseloads = [(children + 90) / 15 for children in TEAM_A_CHILDREN]
    lower, _, _ = process_limits(caseloads)
    titles = chart_titles(app)
    # Drawn just after the tab's monthly caseload line.
    assert titles[titles.index("Average caseload by month (lower is better)") + 1] == \
        "Average caseload: signal or noise, by month"
    assert (f"Average caseload, Aug 2024: special cause improvement: the last figure, {caseloads[-1]:.1f}, is below "
            f"the lower limit of {lower:.1f}.") in said(app)
    assert list(frame_with(app, "Variation")["Average caseload"])[-1] == round(caseloads[-1], 1)


def test_the_agency_share_is_an_xmr_chart_with_its_verdict(repo_root, monkeypatch, workforce_db):
    app = open_page(repo_root, monkeypatch, workforce_db, "workforce", "workforce_tab", "Agency social workers")
    shares = [100 * (agency + 1) / 15 for agency in TEAM_A_AGENCY]
    _, _, upper = process_limits(shares)
    assert "Agency share of social workers: signal or noise, by month" in chart_titles(app)
    assert (f"Agency share of social workers, Aug 2024: special cause concern: the last figure, {shares[-1]:.1f}%, is "
            f"above the upper limit of {upper:.1f}%.") in said(app)


# -------------------------------------------------------------------------------- voice --
VOICE_MONTHS = months(dt.date(2023, 5, 1), 16)
POSITIVE_OF_TEN = [7, 8, 7, 9, 8, 7, 8, 9, 8, 7, 8, 9, 8, 7, 8, 2]   # 70-90% positive, then 20%


@pytest.fixture
def voice_db(tmp_path) -> Path:
    rows = []
    for month, positive in zip(VOICE_MONTHS, POSITIVE_OF_TEN):
        for i in range(10):
            rows.append(feedback(response_date=f"10/{month:%m/%Y}", response_id=f"R-{month:%Y%m}-{i}",
                                 answer="Yes" if i < positive else "No"))
    return load(tmp_path, {"feedback": table(*rows)})


def test_the_positive_share_of_answers_is_an_xmr_chart_with_its_verdict(repo_root, monkeypatch, voice_db):
    app = open_page(repo_root, monkeypatch, voice_db, "voice", "voice_tab", "Survey answers")
    shares = [10.0 * positive for positive in POSITIVE_OF_TEN]
    lower, _, _ = process_limits(shares)
    assert "Positive answers, all survey questions: signal or noise, by month" in chart_titles(app)
    assert (f"Positive answers, all survey questions, Aug 2024: special cause concern: the last figure, 20.0%, is "
            f"below the lower limit of {lower:.1f}%.") in said(app)
