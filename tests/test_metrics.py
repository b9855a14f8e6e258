"""The arithmetic and wording behind every figure: direction by polarity, shares with n,
ratios of sums, RAG, and the generated "what changed" sentences."""

import datetime as dt

import pytest

from qa_dashboard import metrics


@pytest.mark.parametrize("current, previous, polarity, arrow, word", [
    (83, 79, "higher", "▲", "better"),
    (75, 79, "higher", "▼", "worse"),
    (20, 22, "lower", "▼", "better"),
    (25, 22, "lower", "▲", "worse"),
    (560, 540, "neutral", "▲", "up"),
    (500, 540, "neutral", "▼", "down"),
    (22, 22, "lower", "▶", "no change"),
    (22, None, "lower", "–", "not comparable"),
])
def test_direction_says_better_or_worse_by_polarity(current, previous, polarity, arrow, word):
    move = metrics.direction(current, previous, polarity)
    assert (move.arrow, move.word) == (arrow, word)


def test_a_neutral_indicator_is_never_better_or_worse_for_moving():
    for current in (100, 900):
        assert metrics.direction(current, 500, "neutral").word not in ("better", "worse")


def test_what_changed_for_a_higher_is_better_indicator_names_the_target():
    sentence = metrics.what_changed("Assessments within 45 working days", 83, 79, "%", "higher", target=80)
    assert sentence == "Assessments within 45 working days rose from 79.0% to 83.0% (better), meeting the 80.0% target."


def test_what_changed_for_a_lower_is_better_indicator_that_misses_its_target():
    sentence = metrics.what_changed("Re-referrals within 12 months", 24.0, 22.0, "%", "lower", target=22)
    assert sentence == "Re-referrals within 12 months rose from 22.0% to 24.0% (worse), above the 22.0% target."


def test_what_changed_for_a_neutral_indicator_is_judged_against_statistical_neighbours():
    sentence = metrics.what_changed("Referrals per 10,000 children", 560.0, 600.0, "rate10k", "neutral",
                                    comparator=550.0)
    assert sentence == ("Referrals per 10,000 children fell from 600.0 per 10,000 to 560.0 per 10,000; "
                        "statistical neighbours 550.0 per 10,000, 10.0 above, closer than before.")
    assert "better" not in sentence and "worse" not in sentence


def test_what_changed_when_nothing_moved():
    assert metrics.what_changed("Unregistered placements", 2, 2, "count", "lower", target=0) == \
        "Unregistered placements stayed at 2, above the 0 target."


def test_what_changed_needs_two_figures():
    assert metrics.what_changed("X", 5, None, "count", "lower") is None


def test_a_share_carries_its_n_and_flags_fewer_than_five():
    assert metrics.Share(38, 48).text() == "79% (n = 48)"
    assert metrics.Share(10, 48).text() == "21% (n = 48)"
    assert metrics.Share(1, 3).small and "fewer than 5" in metrics.Share(1, 3).text()


def test_a_share_of_nothing_is_no_data_not_zero():
    assert metrics.Share(0, 0).percent is None
    assert metrics.Share(0, 0).text() == "no data"


def test_a_ratio_over_teams_is_the_ratio_of_sums_not_the_mean_of_ratios():
    children, fte = [280, 360, 645], [20, 20, 25]
    assert metrics.ratio_of_sums(children, fte) == pytest.approx(1285 / 65)
    assert round(metrics.ratio_of_sums(children, fte), 1) == 19.8
    assert metrics.ratio_of_sums(children, fte) != pytest.approx(sum(c / f for c, f in zip(children, fte)) / 3)


def test_a_ratio_skips_missing_pairs_and_is_missing_when_nothing_is_left():
    assert metrics.ratio_of_sums([10, None], [5, 5]) == 2.0
    assert metrics.ratio_of_sums([None], [5]) is None


@pytest.mark.parametrize("value, target, polarity, expected", [
    (85, 80, "higher", "Green"), (78, 80, "higher", "Amber"), (60, 80, "higher", "Red"),
    (20, 22, "lower", "Green"), (23, 22, "lower", "Amber"), (30, 22, "lower", "Red"),
    (500, 520, "neutral", None), (50, None, "higher", None),
])
def test_rag_against_target(value, target, polarity, expected):
    assert metrics.rag(value, target, polarity) == expected


def test_months_add_across_years():
    assert metrics.add_months(dt.date(2025, 1, 1), -1) == dt.date(2024, 12, 1)
    assert metrics.add_months(dt.date(2025, 3, 1), -23) == dt.date(2023, 4, 1)


# ------------------------------------------------------------------------------ charts --
def test_grade_bars_write_each_count_mid_segment_and_keep_empty_months_as_slots():
    import pandas as pd

    from qa_dashboard import charts

    frame = pd.DataFrame({"month": ["Apr 24", "Apr 24", "Jun 24"], "grade": ["Good", "Inadequate", "Good"],
                          "count": [3, 1, 2]})
    chart = charts.stacked_grades(frame, "month", "Month", "t", x_domain=["Apr 24", "May 24", "Jun 24"]).to_dict()
    bars, counts = chart["layer"]
    assert bars["encoding"]["x"]["scale"]["domain"] == ["Apr 24", "May 24", "Jun 24"]  # May: an empty slot
    assert counts["encoding"]["y"]["field"] == "middle"
    assert counts["encoding"]["text"]["field"] == "count"
    stack = next(t for t in bars["transform"] if "stack" in t)
    assert stack["offset"] == "normalize"
    assert counts["encoding"]["color"]["condition"]["value"] == "white"  # on the darkest grade only


def test_the_grade_colours_follow_the_contracts_grades_best_first():
    from qa_dashboard import charts, contract

    assert list(charts.grade_colours()) == list(contract.load().grade_labels)


def test_a_trend_line_breaks_at_a_month_with_no_figure():
    import pandas as pd

    from qa_dashboard import charts

    frame = pd.DataFrame({"period": pd.to_datetime(["2024-07-01", "2024-09-01"]), "series": "Our figure",
                          "value": [50.0, 60.0]})
    values = charts.trend_chart(frame, "t", "u").to_dict()["datasets"]
    [rows] = values.values()
    assert [row["value"] for row in rows] == [50.0, None, 60.0]  # August: a gap, never a zero
