"""The Voice of the child and family page's arithmetic: hand-made feedback workbooks and CSVs
loaded through `ingest`, read back through the page's own queries, worked out by
`qa_dashboard.voice`. No Streamlit."""

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from qa_dashboard import queries, voice
from qa_dashboard.charts import voice as drawn
from qa_dashboard.ingest import ingest
from tests.workbooks import feedback, query, table, write_csv, write_xlsx

LISTEN = "Did your social worker listen to you?"
SAFE = "Do you feel safe where you live?"
# A day after every sample date, so no test depends on the clock.
TODAY = dt.date(2025, 12, 15)
HOSTILE = ["<script>alert(1)</script>", "**bold**", "[link](http://x)"]


def answer(date: str, answer_text, question: str = LISTEN, **changes) -> dict:
    """One anonymous survey answer (no response_id, no comment)."""
    row = feedback(response_date=date, question=question, answer=answer_text, response_id=None,
                   comment=None, theme=None, service_area="Front Door")
    row.update(changes)
    return row


def load(tmp_path: Path, rows: list[dict], name: str = "feedback.xlsx", today: dt.date = TODAY) -> Path:
    db = tmp_path / "qa.duckdb"
    path = tmp_path / name
    if name.endswith(".csv"):
        write_csv(path, table(*rows))
    else:
        write_xlsx(path, {"feedback": table(*rows)})
    result = ingest([path], db, user="test", today=today)
    assert result.loaded, [p.message for p in result.problems]
    return db


def run(db: Path, name: str, win: voice.Windows) -> pd.DataFrame:
    return queries.run(name, db, win.params(None, None))


def whole_year(year: int = 2024) -> voice.Windows:
    """Financial year `year`-`year+1`: April to March."""
    return voice.windows(dt.date(year, 4, 1), dt.date(year + 1, 3, 1))


@pytest.fixture
def seed_004_quarters(tmp_path):
    """Q1 2024-25: 8 yes, 5 no, 1 don't know. Q2 2024-25: 7 yes and nothing else."""
    rows = ([answer("10/05/2024", "Yes")] * 8 + [answer("11/05/2024", "No")] * 5
            + [answer("12/05/2024", "Don't know")] + [answer("14/08/2024", "Yes")] * 7)
    return load(tmp_path, rows)


# ------------------------------------------------------------------------------ quarters --
def test_a_february_answer_belongs_to_q4_of_the_financial_year_before():
    february = dt.date(2025, 2, 1)
    assert voice.quarter_start(february) == dt.date(2025, 1, 1)
    assert voice.quarter_label(voice.quarter_start(february)) == "Q4 2024-25"


def test_april_starts_q1_and_march_ends_q4():
    assert voice.quarter_label(voice.quarter_start(dt.date(2024, 4, 1))) == "Q1 2024-25"
    assert voice.quarter_label(voice.quarter_start(dt.date(2024, 6, 1))) == "Q1 2024-25"
    assert voice.quarter_label(voice.quarter_start(dt.date(2024, 7, 1))) == "Q2 2024-25"
    assert voice.quarter_label(voice.quarter_start(dt.date(2025, 3, 1))) == "Q4 2024-25"


def test_quarter_labels_match_the_views_for_every_month_in_the_demo(demo_db):
    for month, quarter in query(demo_db, "SELECT DISTINCT month, quarter FROM feedback"):
        assert voice.quarter_label(voice.quarter_start(month)) == quarter


def test_a_february_answer_is_counted_in_q4_of_the_year_before(tmp_path):
    db = load(tmp_path, [answer("14/02/2025", "Yes"), answer("14/12/2024", "No")])
    survey = voice.survey_table(run(db, "voice_survey_counts", whole_year()), whole_year())
    row = survey.table.set_index("Question").loc[LISTEN]
    assert row["Q4 2024-25"] == "100% (n = 1) (fewer than 5: read with care)"
    assert row["Q3 2024-25"] == "0% (n = 1) (fewer than 5: read with care)"


def test_a_period_inside_a_quarter_is_widened_to_whole_quarters():
    win = voice.windows(dt.date(2024, 5, 1), dt.date(2025, 2, 1))
    assert win.period == [dt.date(2024, 4, 1), dt.date(2024, 7, 1), dt.date(2024, 10, 1), dt.date(2025, 1, 1)]
    assert win.end_exclusive == dt.date(2025, 4, 1)
    assert win.widened
    assert "widened to whole financial quarters" in win.describe()
    assert not whole_year().widened


def test_trends_run_eight_quarters_and_the_data_reaches_a_year_before_the_period():
    win = voice.windows(dt.date(2025, 1, 1), dt.date(2025, 3, 1))  # one quarter: Q4 2024-25
    assert win.period == [dt.date(2025, 1, 1)]
    assert len(win.trend) == 8 and win.trend[0] == dt.date(2023, 4, 1)
    assert win.data_start == dt.date(2023, 4, 1)
    longer = voice.windows(dt.date(2022, 4, 1), dt.date(2025, 3, 1))
    assert len(longer.trend) == 12 and longer.data_start == dt.date(2021, 4, 1)


# ------------------------------------------------------------------------------ survey --
def test_eight_yes_five_no_and_one_dont_know_read_62_percent_of_13(seed_004_quarters):
    win = whole_year()
    survey = voice.survey_table(run(seed_004_quarters, "voice_survey_counts", win), win)
    row = survey.table.set_index("Question").loc[LISTEN]
    assert row["Q1 2024-25"] == "62% (n = 13) + 1 don't know"


def test_a_quarter_of_seven_yes_reads_100_percent_of_7(seed_004_quarters):
    win = whole_year()
    survey = voice.survey_table(run(seed_004_quarters, "voice_survey_counts", win), win)
    assert survey.table.set_index("Question").loc[LISTEN, "Q2 2024-25"] == "100% (n = 7)"


def test_the_downloaded_figures_hold_the_numbers_behind_each_cell(seed_004_quarters):
    win = whole_year()
    figures = voice.survey_table(run(seed_004_quarters, "voice_survey_counts", win), win).figures
    q1 = figures[figures["quarter"] == "Q1 2024-25"].iloc[0]
    assert (q1["positive"], q1["negative"], q1["n (answers counted)"], q1["don't know or blank"]) == (8, 5, 13, 1)
    assert q1["positive share %"] == 61.5


def test_the_change_on_the_quarter_before_says_better_when_the_share_rises(seed_004_quarters):
    win = voice.windows(dt.date(2024, 4, 1), dt.date(2024, 9, 1))
    survey = voice.survey_table(run(seed_004_quarters, "voice_survey_counts", win), win)
    assert survey.table.set_index("Question").loc[LISTEN, voice.CHANGE_COLUMN] == "▲ 38 points, better"
    assert "compares Q2 2024-25 with Q1 2024-25" in survey.change_note


def test_a_fall_in_the_positive_share_is_worse():
    assert voice.change_text(62.0, 100.0) == "▼ 38 points, worse"
    assert voice.change_text(51.0, 50.0) == "▲ 1 point, better"
    assert voice.change_text(None, 50.0) == "not comparable"


def test_a_question_asked_but_left_blank_counts_beside_the_share_not_in_it(tmp_path):
    db = load(tmp_path, [answer("10/05/2024", "Yes"), answer("10/05/2024", "Yes"), answer("10/05/2024", None)])
    counts = run(db, "voice_survey_counts", whole_year())
    assert voice.survey_table(counts, whole_year()).table.iloc[0]["Q1 2024-25"] == \
        "100% (n = 2) (fewer than 5: read with care) + 1 don't know"


def test_partly_counts_in_n_but_is_not_positive(tmp_path):
    rows = [answer("10/05/2024", "Yes")] * 3 + [answer("10/05/2024", "Partly")] * 2 + [answer("10/05/2024", "Strongly agree")]
    counts = run(load(tmp_path, rows), "voice_survey_counts", whole_year())
    assert voice.survey_table(counts, whole_year()).table.iloc[0]["Q1 2024-25"] == "67% (n = 6)"


def test_a_quarter_with_only_dont_know_has_no_share_and_says_so():
    assert voice.share_cell(0, 0, 3) == "no answers + 3 don't know"


def test_a_quarter_without_answers_is_a_gap_in_the_trend_not_a_zero(seed_004_quarters):
    win = whole_year()
    trend = voice.survey_trend(run(seed_004_quarters, "voice_survey_counts", win), LISTEN, None, win)
    by_quarter = trend.set_index("quarter")
    assert by_quarter.loc["Q1 2024-25", "positive_share"] == pytest.approx(100 * 8 / 13)
    assert math.isnan(by_quarter.loc["Q3 2024-25", "positive_share"])
    assert by_quarter.loc["Q3 2024-25", "answered"] == 0
    figures = voice.survey_trend_figures(trend, None)
    assert list(figures["quarter"]) == ["Q1 2024-25", "Q2 2024-25"]


def test_the_trend_splits_by_respondent_in_the_contracts_order(tmp_path):
    rows = ([answer("10/05/2024", "Yes", respondent="Parent")] * 2
            + [answer("10/05/2024", "No", respondent="Child")] * 6)
    win = whole_year()
    trend = voice.survey_trend(run(load(tmp_path, rows), "voice_survey_counts", win), LISTEN, "respondent", win)
    assert list(pd.unique(trend["series"])) == ["Child", "Parent"]
    q1 = trend[trend["quarter"] == "Q1 2024-25"].set_index("series")
    assert q1.loc["Child", "positive_share"] == 0 and q1.loc["Child", "reading"] == voice.FULL_READING
    assert q1.loc["Parent", "positive_share"] == 100 and q1.loc["Parent", "reading"] == voice.SMALL_READING


def test_the_trend_splits_by_service_area(tmp_path):
    rows = [answer("10/05/2024", "Yes", service_area="Front Door"), answer("10/05/2024", "No", service_area="Children in care")]
    win = whole_year()
    trend = voice.survey_trend(run(load(tmp_path, rows), "voice_survey_counts", win), LISTEN, "service_area", win)
    assert sorted(pd.unique(trend["series"])) == ["Children in care", "Front Door"]


def test_the_shared_service_filter_narrows_the_survey(tmp_path):
    rows = [answer("10/05/2024", "Yes", service_area="Front Door"), answer("10/05/2024", "No", service_area="Children in care")]
    db = load(tmp_path, rows)
    win = whole_year()
    counts = queries.run("voice_survey_counts", db, win.params("Children in care", None))
    assert voice.survey_table(counts, win).table.iloc[0]["Q1 2024-25"].startswith("0% (n = 1)")


def test_questions_are_offered_most_answered_first(seed_004_quarters, tmp_path):
    win = whole_year()
    counts = run(seed_004_quarters, "voice_survey_counts", win)
    extra = counts.iloc[[0]].assign(question=SAFE, positive=1, neutral=0, negative=0, excluded=0)
    assert voice.question_choices(pd.concat([counts, extra]), win) == [LISTEN, SAFE]


def test_the_survey_chart_breaks_its_line_at_a_quarter_without_answers(seed_004_quarters):
    win = whole_year()
    trend = voice.survey_trend(run(seed_004_quarters, "voice_survey_counts", win), LISTEN, None, win)
    spec = drawn.survey_trend_chart(trend, LISTEN).to_dict()
    line = spec["layer"][0]
    assert line["mark"]["invalid"] == "break-paths-show-domains"
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 100]


# ------------------------------------------------------------------------------- heard --
def heard_rows(db: Path, win: voice.Windows) -> pd.DataFrame:
    return voice.heard_table(run(db, "voice_heard_by_quarter", win), win)


def test_people_are_counted_once_by_response_id_and_once_per_anonymous_row(tmp_path):
    rows = [
        feedback(response_date="10/05/2024", response_id="R-1", question=LISTEN, respondent="Child"),
        feedback(response_date="10/05/2024", response_id="R-1", question=SAFE, respondent="Child"),
        feedback(response_date="11/05/2024", response_id="R-2", question=LISTEN, respondent="Parent"),
        answer("12/05/2024", "Yes", respondent="Child"),
        answer("12/05/2024", "Yes", respondent="Child"),
        feedback(response_date="12/05/2024", response_id="P-1", question=LISTEN, respondent="Professional"),
    ]
    table_ = heard_rows(load(tmp_path, rows), whole_year()).set_index("respondent")
    assert table_.loc[voice.ALL_HEARD, "people heard"] == 4
    assert table_.loc["Child", "people heard"] == 3
    assert table_.loc["Parent", "people heard"] == 1
    assert "Professional" not in table_.index


def test_people_heard_are_set_against_the_same_quarter_a_year_earlier(tmp_path):
    rows = ([answer("10/05/2023", "Yes")] * 2 + [answer("10/05/2024", "Yes")] * 5
            + [answer("10/08/2024", "No", respondent="Parent")])
    table_ = heard_rows(load(tmp_path, rows), whole_year())
    q1 = table_[(table_["quarter"] == "Q1 2024-25") & (table_["respondent"] == voice.ALL_HEARD)].iloc[0]
    assert (q1["people heard"], q1["same quarter a year earlier"]) == (5, 2)
    assert q1["change (more heard is better)"] == "▲ 3 more, better"
    q2 = table_[(table_["quarter"] == "Q2 2024-25") & (table_["respondent"] == "Child")].iloc[0]
    assert q2["people heard"] == 0  # feedback came that quarter, none of it from a child
    assert pd.isna(q2["same quarter a year earlier"])  # nothing at all was loaded a year before: a gap
    assert q2["change (more heard is better)"] == "no figure a year earlier"


def test_a_quarter_with_no_feedback_at_all_has_no_row(tmp_path):
    table_ = heard_rows(load(tmp_path, [answer("10/05/2024", "Yes")]), whole_year())
    assert list(table_["quarter"].unique()) == ["Q1 2024-25"]


def test_the_people_heard_agree_with_the_overview_tile(demo_db):
    win = voice.windows(dt.date(2023, 4, 1), dt.date(2026, 3, 1))
    mine = run(demo_db, "voice_heard_by_quarter", win)
    totals = mine[mine["all_respondents"]].set_index("quarter")["people_heard"]
    overview = queries.run("heard_by_quarter", demo_db, {"service_area": None, "team": None}).set_index("quarter")["people_heard"]
    assert totals.to_dict() == overview.to_dict()


def test_a_quarter_still_in_progress_is_noted(tmp_path):
    db = load(tmp_path, [answer("10/01/2025", "Yes"), answer("10/02/2025", "Yes")], today=dt.date(2025, 2, 20))
    win = whole_year()
    note = voice.heard_in_progress(run(db, "voice_heard_by_quarter", win), win)
    assert note.startswith("Q4 2024-25 holds feedback up to February 2025 only")


# ---------------------------------------------------------------------------- comments --
def comment(date: str, text: str, **changes) -> dict:
    row = feedback(response_date=date, comment=text, question=None, answer=None, response_id=None,
                   service_area="Front Door", theme="Getting it right")
    row.update(changes)
    return row


@pytest.fixture
def comments_db(tmp_path):
    rows = [comment("01/05/2024", "She listened to me."),
            comment("03/06/2024", HOSTILE[0], theme="Need to do better", respondent="Parent"),
            comment("02/06/2024", HOSTILE[1]),
            comment("04/06/2024", HOSTILE[2], theme=None, respondent="Foster carer"),
            comment("05/06/2024", "Nobody called back (twice) .*", theme="Need to do better")]
    return load(tmp_path, rows, name="feedback.csv")


def comments(db: Path) -> pd.DataFrame:
    win = whole_year()
    return voice.comments_for_reading(queries.run("voice_comments", db, win.period_params(None, None)))


def test_comments_come_back_exactly_as_written_newest_first(comments_db):
    frame = comments(comments_db)
    assert list(frame["Comment"]) == ["Nobody called back (twice) .*", HOSTILE[2], HOSTILE[0], HOSTILE[1],
                                      "She listened to me."]


def test_comments_carry_nothing_that_points_to_a_person(comments_db):
    win = whole_year()
    assert "response_id" not in queries.run("voice_comments", comments_db, win.period_params(None, None)).columns
    assert "response_id" not in comments(comments_db).columns


def test_searching_comments_is_literal_and_ignores_case(comments_db):
    frame = comments(comments_db)
    assert list(voice.filter_comments(frame, search="<SCRIPT>")["Comment"]) == [HOSTILE[0]]
    assert list(voice.filter_comments(frame, search="(twice) .*")["Comment"]) == ["Nobody called back (twice) .*"]
    assert voice.filter_comments(frame, search="nothing like this").empty
    assert len(voice.filter_comments(frame, search="  ")) == 5


def test_comments_filter_by_theme_and_respondent(comments_db):
    frame = comments(comments_db)
    assert voice.theme_options(frame) == [voice.ALL_THEMES, "Getting it right", "Need to do better", voice.NO_THEME]
    assert list(voice.filter_comments(frame, theme="Need to do better")["Comment"]) == \
        ["Nobody called back (twice) .*", HOSTILE[0]]
    assert list(voice.filter_comments(frame, theme=voice.NO_THEME)["Comment"]) == [HOSTILE[2]]
    assert list(voice.filter_comments(frame, respondent="Parent")["Comment"]) == [HOSTILE[0]]
    assert voice.respondent_options(frame) == [voice.ALL_RESPONDENTS, "Child", "Parent", "Foster carer"]


def test_the_heading_of_a_comment_read_in_full_names_no_one(comments_db):
    row = comments(comments_db).iloc[0].to_dict()
    assert voice.comment_heading(row) == "05 June 2024 · Child · Front Door · Assessment Team 1 · Need to do better"


# -------------------------------------------------------------- compliments, complaints --
def test_the_sources_come_from_the_contract():
    assert voice.compliment_sources() == ("Compliment", "Complaint")


@pytest.fixture
def compliments_db(tmp_path):
    rows = [comment("10/05/2024", "Thank you", source="Compliment"),
            comment("11/05/2024", "Thank you again", source="Compliment", service_area="Children in care"),
            comment("12/05/2024", "Too slow", source="Complaint", theme="Need to do better"),
            comment("12/05/2024", "Still waiting", source="Complaint", response_id="C-1"),
            feedback(response_date="12/05/2024", source="Complaint", response_id="C-1", question=LISTEN,
                     answer="No", comment=None, service_area="Front Door"),
            answer("10/11/2024", "Yes")]
    return load(tmp_path, rows)


def cc_frame(db: Path, win: voice.Windows) -> pd.DataFrame:
    return run(db, "voice_compliments_complaints", win)


def test_compliments_and_complaints_are_counted_per_quarter(compliments_db):
    win = whole_year()
    by_quarter = voice.compliments_quarter_table(voice.compliments_by_quarter(cc_frame(compliments_db, win), win))
    rows = by_quarter.set_index("quarter")
    assert (rows.loc["Q1 2024-25", "compliments"], rows.loc["Q1 2024-25", "complaints"]) == (2, 2)
    # Feedback came in Q3 but no compliment or complaint: zero. Nothing came in Q2: a gap.
    assert (rows.loc["Q3 2024-25", "compliments"], rows.loc["Q3 2024-25", "complaints"]) == (0, 0)
    assert pd.isna(rows.loc["Q2 2024-25", "compliments"])


def test_compliments_and_complaints_are_counted_by_service_area(compliments_db):
    win = whole_year()
    by_service = voice.compliments_by_service(cc_frame(compliments_db, win), win).set_index("service area")
    assert by_service.loc["Front Door"].tolist() == [1, 2]
    assert by_service.loc["Children in care"].tolist() == [1, 0]


def test_no_compliments_or_complaints_loaded_is_said_not_drawn_as_zeros(seed_004_quarters):
    assert not voice.any_compliments_or_complaints(cc_frame(seed_004_quarters, whole_year()))


# ------------------------------------------------------------------------------ tiles --
def test_the_tiles_compare_the_latest_quarter_and_say_which_way_is_better(seed_004_quarters):
    win = voice.windows(dt.date(2024, 4, 1), dt.date(2024, 9, 1))
    tiles = voice.headline_tiles(run(seed_004_quarters, "voice_survey_counts", win),
                                 run(seed_004_quarters, "voice_heard_by_quarter", win),
                                 cc_frame(seed_004_quarters, win), win)
    heard, positive, compliments, _ = tiles
    assert (heard.value, heard.delta) == ("7", None)
    assert "A year earlier (Q2 2023-24): no feedback." in heard.lines
    assert (positive.value, positive.delta, positive.delta_color) == ("100%", "▲ 38 points, better", "normal")
    assert positive.lines[0] == "Q2 2024-25: 100% (n = 7)."
    assert positive.lines[1] == "The quarter before (Q1 2024-25): 62% (n = 13) + 1 don't know."
    assert compliments.value == "0"


def test_a_comment_with_quotes_far_down_a_csv_comes_back_exactly(tmp_path):
    quoted = 'She said "leave it with me", and she did.'
    rows = [comment(f"{day:02d}/05/2024", f"Plain comment number {n} that takes up some room in the file.")
            for n, day in zip(range(120), [1 + i % 28 for i in range(120)])]
    db = load(tmp_path, rows + [comment("30/05/2024", quoted)], name="feedback.csv")
    assert quoted in list(comments(db)["Comment"])


# ------------------------------------------------------------------ prepared for reruns --
def test_a_prepared_chart_is_plain_json_with_its_data_inside(seed_004_quarters):
    import json

    win = whole_year()
    part = drawn.trend_part(run(seed_004_quarters, "voice_survey_counts", win), LISTEN, None,
                            dt.date(2024, 4, 1), dt.date(2025, 3, 1))
    spec = part.chart
    assert "datasets" not in spec and "view" not in spec.get("config", {})
    [q1] = [v for v in spec["layer"][0]["data"]["values"] if v["quarter"] == "Q1 2024-25"]
    assert (q1["positive"], q1["answered"], q1["quarter_start"]) == (8, 13, "2024-04-01")
    json.dumps(spec)  # dates included: it goes to the browser as JSON
