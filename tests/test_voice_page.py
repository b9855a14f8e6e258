"""The Voice of the child and family page run headless with Streamlit's AppTest: on the demo
database (expected figures worked out here from the `feedback` view, not from the page's code),
and on hand-made feedback holding hostile text."""

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard.ingest import ingest
from tests.workbooks import audit, feedback, table, write_csv, write_xlsx

HOSTILE = ["<script>alert(1)</script>", "**bold**", "[link](http://x)"]
HOSTILE_QUESTION = "Was it **safe** at [home](http://x)?"
TABS = ["Survey answers", "How many were heard", "In their own words", "Compliments and complaints"]
WORDS = "In their own words"
CELL = re.compile(r"^(\d+% \(n = \d+\)( \(fewer than 5: read with care\))?|no answers)( \+ \d+ don't know)?$")


@pytest.fixture
def open_voice(repo_root: Path, monkeypatch: pytest.MonkeyPatch):
    """The page after app.py has drawn the filters, optionally filtered and on a tab.

    The filters are set on System health and carried here, as a reader would carry them."""

    def open_with(database: Path, service: str | None = None, period: str | None = None,
                  tab: str | None = None) -> AppTest:
        monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
        app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60).run()
        app.switch_page("app_pages/system_health.py").run()
        if period:
            app.sidebar.selectbox(key="filter_period").set_value(period).run()
        if service:
            app.sidebar.selectbox(key="filter_service").set_value(service).run()
        app.switch_page("app_pages/voice.py")
        if tab:
            app.session_state["voice_tab"] = tab
        app.run()
        assert not app.exception, app.exception
        return app

    return open_with


def from_views(db: Path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def frame_with(app: AppTest, *columns: str):
    [frame] = [d.value for d in app.dataframe if set(columns) <= set(d.value.columns)]
    return frame


def survey_table(app: AppTest):
    return frame_with(app, "Change on the quarter before").set_index("Question")


def comments_table(app: AppTest):
    return frame_with(app, "Comment")


def all_text(app: AppTest) -> str:
    return "\n".join(t.value for t in app.text)


# ------------------------------------------------------------------------- demo database --
@pytest.mark.parametrize("tab", TABS)
def test_every_tab_opens_on_the_demo_database_without_an_error(open_voice, demo_db, tab):
    app = open_voice(demo_db, tab=tab)
    assert [t.value for t in app.title] == ["Voice of the child and family"]
    assert [t.label for t in app.tabs] == TABS
    assert [m.label for m in app.metric] == ["People heard", "Positive answers", "Compliments", "Complaints"]


def test_only_the_open_tab_is_built(open_voice, demo_db):
    survey = open_voice(demo_db)
    assert len(survey.get("vega_lite_chart")) == 2 and not survey.text_input  # the XmR chart and one question's
    words = open_voice(demo_db, tab="In their own words")
    assert not words.get("vega_lite_chart") and words.text_input(key="voice_search")


def test_every_survey_cell_is_a_share_with_its_n(open_voice, demo_db):
    survey = survey_table(open_voice(demo_db))
    quarters = [c for c in survey.columns if c.startswith("Q")]
    assert quarters == ["Q1 2025-26", "Q2 2025-26", "Q3 2025-26", "Q4 2025-26"]
    for cell in survey[quarters].to_numpy().ravel():
        assert CELL.match(cell), cell


def test_a_survey_cell_matches_the_view_with_dont_know_left_out_of_n(open_voice, demo_db):
    question = "Do you know why we are involved?"
    [(positive, answered, dont_know)] = from_views(demo_db, """
        SELECT count(*) FILTER (WHERE sentiment = 'positive'),
               count(*) FILTER (WHERE sentiment IN ('positive', 'neutral', 'negative')),
               count(*) FILTER (WHERE sentiment = 'excluded')
        FROM feedback WHERE question = ? AND quarter = 'Q3 2025-26'""", [question])
    expected = f"{100 * positive / answered:.0f}% (n = {answered})" + (f" + {dont_know} don't know" if dont_know else "")
    assert survey_table(open_voice(demo_db)).loc[question, "Q3 2025-26"] == expected


def test_the_people_heard_tile_counts_distinct_people_in_the_latest_quarter(open_voice, demo_db):
    [(people,)] = from_views(demo_db, """
        SELECT count(DISTINCT response_id) + count(*) FILTER (WHERE response_id IS NULL)
        FROM feedback WHERE quarter = 'Q4 2025-26' AND respondent <> 'Professional'""")
    app = open_voice(demo_db)
    [tile] = [m for m in app.metric if m.label == "People heard"]
    assert tile.value == f"{people:,}"
    assert "More heard is better." in all_text(app)


@pytest.mark.parametrize("tab, better", [("Survey answers", "Higher is better."),
                                         ("How many were heard", "More heard is better."),
                                         ("Compliments and complaints", "More compliments is better.")])
def test_every_part_says_which_way_is_better(open_voice, demo_db, tab, better):
    assert better in all_text(open_voice(demo_db, tab=tab))


@pytest.mark.parametrize("tab, chart_count, extra_figures", [("Survey answers", 2, 1), ("How many were heard", 1, 0),
                                                            ("Compliments and complaints", 2, 0)])
def test_every_chart_has_its_figures_and_downloads(open_voice, demo_db, tab, chart_count, extra_figures):
    app = open_voice(demo_db, tab=tab)
    charts = app.get("vega_lite_chart")
    figures = [e for e in app.expander if e.label.startswith("Figures:")]
    assert len(charts) == chart_count
    assert len(figures) == len(charts) + extra_figures  # the survey table's numbers too
    assert len(app.get("download_button")) == 2 * len(figures)


def test_a_quarter_chosen_in_the_sidebar_narrows_the_survey_to_it(open_voice, demo_db):
    survey = survey_table(open_voice(demo_db, period="Q3 2025-26"))
    assert [c for c in survey.columns if c.startswith("Q")] == ["Q3 2025-26"]


def test_a_service_area_chosen_in_the_sidebar_narrows_the_comments_to_it(open_voice, demo_db):
    app = open_voice(demo_db, service="Care leavers", tab=WORDS)
    comments = comments_table(app)
    assert not comments.empty
    assert set(comments["Service area"]) == {"Care leavers"}
    [(count,)] = from_views(demo_db, """SELECT count(*) FROM feedback WHERE comment IS NOT NULL
        AND service_area = 'Care leavers' AND month >= DATE '2025-04-01' AND month < DATE '2026-04-01'""")
    assert len(comments) == count


@pytest.mark.parametrize("split, column", [("Respondent", "respondent"), ("Service area", "service area")])
def test_the_trend_splits_by_respondent_or_service_area(open_voice, demo_db, split, column):
    app = open_voice(demo_db)
    app.radio(key="voice_split").set_value(split).run()
    assert not app.exception
    trend = frame_with(app, column, "positive share %", "quarter")
    assert trend[column].nunique() > 1


def test_searching_the_comments_keeps_only_those_with_the_words(open_voice, demo_db):
    app = open_voice(demo_db, tab=WORDS)
    everything = len(comments_table(app))
    app.text_input(key="voice_search").set_value("BROTHER").run()
    found = comments_table(app)
    assert 0 < len(found) < everything
    assert all("brother" in c.lower() for c in found["Comment"])
    assert f"{len(found):,} of {everything:,} comments" in all_text(app)


def test_the_comments_are_newest_first_and_never_show_a_response_id(open_voice, demo_db):
    comments = comments_table(open_voice(demo_db, tab=WORDS))
    assert list(comments["Date"]) == sorted(comments["Date"], reverse=True)
    assert not any("response" in c.lower() for c in comments.columns)


# ------------------------------------------------------------------------- hostile text --
@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """Three comments written to break a page that renders Markdown or HTML, plus answers."""
    rows = [feedback(response_date=f"{day}/03/2025", response_id=None, question=None, answer=None, comment=text,
                     theme="Need to do better", service_area="Front Door")
            for day, text in zip((20, 18, 16), HOSTILE)]
    rows += [feedback(response_date="10/03/2025", response_id=f"R-{n}", comment=None, question=HOSTILE_QUESTION)
             for n in range(6)]
    path = write_csv(tmp_path / "feedback.csv", table(*rows))
    db = tmp_path / "qa.duckdb"
    assert ingest([path], db, user="test").loaded
    return db


def markdown_elements(app: AppTest) -> list[str]:
    """Every element and label Streamlit renders as Markdown."""
    elements = [*app.markdown, *app.caption, *app.title, *app.header, *app.subheader, *app.info, *app.warning,
                *app.error, *app.success]
    return [e.value for e in elements] + [m.label for m in app.metric] + [e.label for e in app.expander]


def test_hostile_comments_are_shown_exactly_as_written_and_never_as_markdown(open_voice, hostile_db):
    app = open_voice(hostile_db, tab=WORDS)
    assert list(comments_table(app)["Comment"]) == HOSTILE
    texts = [t.value for t in app.text]
    assert HOSTILE[0] in texts  # the newest comment, read in full, as plain text
    for shown in markdown_elements(app):
        for hostile in HOSTILE:
            assert hostile not in shown
        assert "alert(1)" not in shown


def test_a_search_finds_a_hostile_comment_and_shows_its_exact_characters(open_voice, hostile_db):
    app = open_voice(hostile_db, tab=WORDS)
    app.text_input(key="voice_search").set_value("**bold").run()
    assert list(comments_table(app)["Comment"]) == ["**bold**"]
    assert "**bold**" in [t.value for t in app.text]
    assert all("bold" not in shown for shown in markdown_elements(app))


# ----------------------------------------------------------------------- no feedback --
def test_a_database_without_feedback_says_so(open_voice, tmp_path):
    path = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    db = tmp_path / "qa.duckdb"
    assert ingest([path], db, user="test").loaded
    app = open_voice(db)
    assert any("No feedback is loaded" in i.value for i in app.info)
    assert not app.tabs
    assert not app.get("vega_lite_chart")


def test_a_hostile_question_is_plain_in_the_table_and_escaped_in_labels(open_voice, hostile_db):
    app = open_voice(hostile_db)
    assert HOSTILE_QUESTION in survey_table(app).index
    assert app.selectbox(key="voice_question").value == HOSTILE_QUESTION
    [label] = [e.label for e in app.expander if e.label.startswith("Figures: Survey trend")]
    # every punctuation mark escaped, and a word joiner inside "http" so it is never a link
    assert label == ("Figures: Survey trend\\, Was it \\*\\*safe\\*\\* at \\[home\\]"
                     "\\(h\u2060ttp\\:\\/\\/x\\)\\?")
    assert all(HOSTILE_QUESTION not in shown for shown in markdown_elements(app))
