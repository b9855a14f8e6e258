"""The values people really type, one parser at a time (DATA_CONTRACT section 1 and 3).

Every parser returns (value, None) or (None, message); a missing cell is (None, None), never 0.
"""
import datetime as dt

import pytest

from qa_dashboard.ingest import normalise

MAY_2024 = dt.date(2024, 5, 1)


# ---------------------------------------------------------------------------------- months --
@pytest.mark.parametrize("typed", [
    "2024-05", "May-24", "May 2024", "may 2024", "01/05/2024", "17/05/2024",
    dt.date(2024, 5, 17), dt.datetime(2024, 5, 17, 9, 30), 45413, 45413.0, "45413",
])
def test_a_month_typed_any_usual_way_is_the_first_of_that_month(typed):
    assert normalise.month(typed) == (MAY_2024, None)


def test_a_month_thirteen_is_not_a_month():
    value, message = normalise.month("13/2024")
    assert value is None
    assert "is not a month" in message


def test_text_that_is_not_a_month_says_how_to_write_one():
    value, message = normalise.month("Spring")
    assert value is None
    assert "2024-05" in message and "May-24" in message


@pytest.mark.parametrize("typed", ["", "  ", "-", "n/a", "N/A"])
def test_a_blank_month_is_missing_not_an_error(typed):
    assert normalise.month(typed) == (None, None)


@pytest.mark.parametrize("parse", [normalise.month, normalise.date])
def test_an_absent_cell_is_a_missing_month_or_date_not_an_error(parse):
    assert parse(None) == (None, None)


# ----------------------------------------------------------------------------------- dates --
@pytest.mark.parametrize("typed, expected", [
    ("13/05/2024", dt.date(2024, 5, 13)),
    ("2024-05-13", dt.date(2024, 5, 13)),
    ("13 May 2024", dt.date(2024, 5, 13)),
    (dt.datetime(2024, 5, 13), dt.date(2024, 5, 13)),
    (45425, dt.date(2024, 5, 13)),
])
def test_a_date_is_read_the_uk_way(typed, expected):
    assert normalise.date(typed) == (expected, None)


def test_a_us_date_is_rejected_never_swapped():
    value, message = normalise.date("05/13/2024")
    assert value is None
    assert "dd/mm/yyyy" in message and "never mm/dd" in message


def test_the_31st_of_february_is_not_a_date():
    value, message = normalise.date("31/02/2024")
    assert value is None
    assert "not a real date" in message


def test_a_day_month_date_that_could_be_us_is_read_as_uk():
    assert normalise.date("04/05/2024") == (dt.date(2024, 5, 4), None)


def test_a_blank_date_is_missing():
    assert normalise.date("") == (None, None)


# --------------------------------------------------------------------------------- numbers --
@pytest.mark.parametrize("typed, expected", [
    ("83%", 83.0), ("83 %", 83.0), ("1,234", 1234.0), ("1,234.5", 1234.5), (17, 17.0), (0.5, 0.5), ("0", 0.0),
])
def test_a_number_typed_with_commas_or_a_percent_sign_is_a_number(typed, expected):
    assert normalise.number(typed) == (expected, None)


@pytest.mark.parametrize("typed", [None, "", " ", "-", "n/a", "N/A", "NA"])
def test_a_blank_dash_or_na_is_missing_never_zero(typed):
    assert normalise.number(typed) == (None, None)


def test_words_are_not_a_number():
    value, message = normalise.number("about ten")
    assert value is None
    assert "is not a number" in message


def test_a_negative_count_is_refused():
    value, message = normalise.count("-3")
    assert value is None
    assert "negative" in message


def test_a_fraction_of_a_child_is_refused_as_a_whole_number():
    value, message = normalise.integer("2.5")
    assert value is None
    assert "whole number" in message


# ---------------------------------------------------------------------------------- grades --
@pytest.mark.parametrize("typed, grade", [
    ("Outstanding", "Outstanding"), ("good", "Good"), ("  GOOD ", "Good"),
    ("Requires improvement", "Requires improvement"), ("RI", "Requires improvement"),
    ("Requires improvement to be good", "Requires improvement"), ("Req Imp", "Requires improvement"),
    ("Req. imp.", "Requires improvement"), ("Inadequate", "Inadequate"),
    (1, "Outstanding"), (2.0, "Good"), ("3", "Requires improvement"), (4, "Inadequate"),
])
def test_a_grade_is_read_in_any_accepted_spelling(typed, grade):
    assert normalise.grade(typed) == (grade, None)


@pytest.mark.parametrize("typed", ["", "N/A", "n/a", "-", "Not judged", None])
def test_a_practice_area_not_judged_has_no_grade(typed):
    assert normalise.grade(typed) == (None, None)


def test_a_misspelt_grade_is_rejected_listing_the_grades():
    value, message = normalise.grade("Goood")
    assert value is None
    assert "is not a grade" in message and "Requires improvement" in message


def test_good_or_better_is_rejected_as_a_summary_not_a_grade():
    value, message = normalise.grade("Good or better")
    assert value is None
    assert "summary" in message and "Outstanding or Good" in message


def test_not_yet_good_is_rejected_as_a_summary_not_a_grade():
    value, message = normalise.grade("Not yet good")
    assert value is None
    assert "summary" in message and "Requires improvement or Inadequate" in message


def test_each_kind_of_wrong_grade_gets_its_own_explanation():
    messages = {normalise.grade(typed)[1] for typed in ("Goood", "Good or better", "Not yet good")}
    assert len(messages) == 3


def test_a_fifth_grade_number_is_not_a_grade():
    assert normalise.grade(5)[0] is None
    assert normalise.grade(5)[1]


# ---------------------------------------------------------------------------------- yes/no --
@pytest.mark.parametrize("typed, meaning", [
    ("yes", True), ("Y", True), ("TRUE", True), (1, True), (True, True),
    ("no", False), ("N", False), ("false", False), (0, False), (False, False),
])
def test_yes_and_no_are_read_in_their_usual_spellings(typed, meaning):
    assert normalise.yesno(typed) == (meaning, None)


def test_maybe_is_not_yes_or_no():
    value, message = normalise.yesno("maybe")
    assert value is None
    assert "yes or no" in message


def test_a_blank_yes_no_is_missing():
    assert normalise.yesno("") == (None, None)


# --------------------------------------------------------------------------------- answers --
@pytest.mark.parametrize("typed, sentiment", [
    ("Yes", "positive"), ("Agree", "positive"), ("Strongly agree", "positive"), (4, "positive"), (5.0, "positive"),
    ("No", "negative"), ("Disagree", "negative"), ("Strongly disagree", "negative"), (1, "negative"), ("2", "negative"),
    ("Partly", "neutral"), ("Neither", "neutral"), (3, "neutral"),
    ("Don't know", "excluded"), ("dont know", "excluded"),
])
def test_an_answer_keeps_its_words_and_has_a_sentiment(typed, sentiment):
    words, message = normalise.answer(typed)
    assert message is None
    assert words is not None
    assert normalise.sentiment(words) == sentiment


def test_an_answer_keeps_the_words_as_typed():
    assert normalise.answer(" Strongly agree ") == ("Strongly agree", None)


def test_an_answer_the_dashboard_cannot_count_is_rejected():
    value, message = normalise.answer("Purple")
    assert value is None
    assert "Don't know" in message


def test_a_blank_answer_is_missing_and_has_no_sentiment():
    assert normalise.answer("") == (None, None)
    assert normalise.sentiment(None) is None


# ----------------------------------------------------------------------- a whole column --
def test_a_column_reports_each_bad_cell_by_its_position():
    values, bad = normalise.parse_column("number", ["1", "x", "", "y", "5"])
    assert values == [1.0, None, None, None, 5.0]
    assert sorted(bad) == [1, 3]
