"""SPC as NHSRplotthedots 0.2.2 computes it: the package's own testthat cases, ported with their
inputs and expected outputs (the file each comes from is named above it), then hand-worked
cases for each rule's edge."""
import datetime as dt

import pytest

from qa_dashboard import contract, spc
from qa_dashboard.metrics import format_value

# set.seed(123); rnorm(20): the data of tests/testthat/test-ptd_spc_standard.R and test-ptd_spc.R
RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
             -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
             0.49785048, -1.96661716, 0.70135590, -0.47279141]
WORDS = contract.spc_words()


def months(n, start=dt.date(2020, 1, 1)):
    return [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(n)]


def series(values, polarity="higher", **options):
    return spc.analyse(months(len(values)), values, polarity, **options)


def rules(values, polarity="higher", **options):
    return [p.rule for p in series(values, polarity, **options).points]


# ---------------------------------------------------- test-ptd_calculate_point_type.R ----
def test_seven_point_one_side_mean_as_the_package_tests_it():
    assert spc.seven_point_one_side_mean([]) == []
    assert spc.seven_point_one_side_mean([1] * 6) == [0] * 6
    assert spc.seven_point_one_side_mean([1] * 6 + [-1]) == [0] * 7
    assert spc.seven_point_one_side_mean([1] * 8 + [-1]) == [0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert spc.seven_point_one_side_mean([-1] * 8 + [1]) == [0, 0, 0, 0, 0, 0, 1, 1, 0]


def test_part_of_seven_trend_as_the_package_tests_it():
    assert spc.part_of_seven_trend([]) == []
    assert spc.part_of_seven_trend([0] * 6) == [0] * 6
    assert spc.part_of_seven_trend([0] * 6 + [1, 0]) == [1] * 7 + [0]
    assert spc.part_of_seven_trend([0] * 7 + [1, 0]) == [0] + [1] * 7 + [0]
    assert spc.part_of_seven_trend([0] * 6 + [-1, 0]) == [1] * 7 + [0]
    assert spc.part_of_seven_trend([0] * 7 + [-1, 0]) == [0] + [1] * 7 + [0]


def test_seven_point_trend_as_the_package_tests_it():
    assert spc.seven_point_trend([]) == []
    assert spc.seven_point_trend([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert spc.seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert spc.seven_point_trend([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]
    assert spc.seven_point_trend([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert spc.seven_point_trend([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]
    assert spc.seven_point_trend([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] * 7 + [-1, 0]


def test_two_in_three_as_the_package_tests_it():
    assert spc.two_in_three([], []) == []
    assert spc.two_in_three([0, 0, 0], [0]) == [0, 0, 0]
    assert spc.two_in_three([1, 0, 1], [1, 1, 1]) == [1, 1, 1]
    assert spc.two_in_three([0, 1, 1], [1, 1, 1]) == [1, 1, 1]
    assert spc.two_in_three([1, 1, 0], [1, 1, 1]) == [1, 1, 1]
    assert spc.two_in_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
    assert spc.two_in_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 1, 1, 1, 1, 0, 0]


def test_two_in_three_needs_all_three_on_one_side_as_the_package_tests_it():
    assert spc.two_in_three([1, 0, 1], [1, -1, 1]) == [0, 0, 0]
    assert spc.two_in_three([0, 1, 1], [1, -1, 1]) == [0, 0, 0]
    assert spc.two_in_three([1, 1, 0], [1, -1, 1]) == [0, 0, 0]
    assert spc.two_in_three([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1]) == [0] * 7
    assert spc.two_in_three([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1]) == [0] * 7


def test_part_of_two_in_three_as_the_package_tests_it():
    for close, side, expected in [
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
    ]:
        assert spc.part_of_two_in_three(spc.two_in_three(close, side), close) == expected
    assert spc.part_of_two_in_three([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]) == [0, 0, 1, 1, 0, 0, 0]


def test_special_cause_type_orders_the_rules_as_the_package_tests_it():
    # The package mocks the helpers' results; here they are passed in as those results.
    labelled = spc.special_cause_type(
        values=[1, 2, 3, 4, 5, 6, 7, 8], part_trend=[1, -1, 0, 0, 0, 0, 0, 0],
        part_two=[0, 0, 0, 0, 1, 0, 0, 0], part_shift=[0, 0, 1, -1, 0, 0, 0, 0],
        side=[1, 1, 1, 1, -1, -1, -1, -1], outside=[0, 0, 0, 0, 0, 1, -1, 0])
    assert labelled == [("trend", 1), ("trend", 1), ("shift", 1), ("shift", 1), ("two_of_three", -1),
                        ("outside", -1), ("outside", -1), (None, 0)]


# ---------------------------------------------------- test-ptd_calculate_assurance_type.R --
@pytest.mark.parametrize("polarity, expected", [
    ("higher", ["fails", "passes", "hit_and_miss"]),
    ("lower", ["passes", "fails", "hit_and_miss"]),
    ("neutral", [None, None, None]),
])
def test_assurance_as_the_package_tests_it(polarity, expected):
    limits = [(1, 3), (5, 7), (1, 5)]
    assert [spc.assurance_key(lower, upper, 4, polarity) for lower, upper in limits] == expected


def test_no_target_no_assurance_as_the_package_tests_it():
    assert spc.assurance_key(1, 3, None, "higher") is None


def test_assurance_is_the_latest_points_as_the_package_tests_it():
    # test-ptd_calculate_assurance_type.R "when rebase": the last row's limits decide.
    for (lower, upper), expected in [((1, 5), "hit_and_miss"), ((1, 3), "passes"), ((5, 7), "fails")]:
        assert spc.assurance_key(lower, upper, 4, "lower") == expected


# ---------------------------------------------------------- test-ptd_spc_standard.R ----
def test_centre_and_limits_agree_with_the_packages_snapshot():
    first = series(RNORM_123).points[0]
    assert first.centre == pytest.approx(0.1416238, abs=5e-8)
    assert first.lower_limit == pytest.approx(-3.01138, abs=5e-6)
    assert first.upper_limit == pytest.approx(3.294627, abs=5e-7)
    assert [p.direction for p in series(RNORM_123).points] == [0] * 20


def test_side_of_the_centre_agrees_with_the_packages_snapshot():
    centre = series(RNORM_123).points[0].centre
    sides = [(y > centre) - (y < centre) for y in RNORM_123]
    assert sides[:14] == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1]


def test_a_large_moving_range_is_screened_out_once_as_the_packages_snapshot_shows():
    values = list(RNORM_123)
    values[14] = 10
    screened, unscreened = series(values).points[0], series(values, screen_outliers=False).points[0]
    assert screened.centre == pytest.approx(0.6694159, abs=5e-8)
    assert (screened.lower_limit, screened.upper_limit) == (pytest.approx(-2.383666, abs=5e-7),
                                                            pytest.approx(3.722497, abs=5e-7))
    assert (unscreened.lower_limit, unscreened.upper_limit) == (pytest.approx(-4.596625, abs=5e-7),
                                                                pytest.approx(5.935457, abs=5e-7))


def test_fix_after_n_points_changes_the_limits_as_the_package_tests_it():
    fixed, free = series(RNORM_123, fix_after_n_points=12).points[0], series(RNORM_123).points[0]
    assert fixed.lower_limit != free.lower_limit and fixed.upper_limit != free.upper_limit
    assert fixed.centre == pytest.approx(sum(RNORM_123[:12]) / 12)
    assert fixed.centre_last == months(12)[-1]


def test_fix_after_n_points_below_twelve_is_refused_as_the_package_refuses_it():
    with pytest.raises(ValueError):
        series(RNORM_123, fix_after_n_points=11)


def test_a_rebase_starts_a_new_part_as_the_package_tests_it():
    rebased = series(RNORM_123, rebases=[months(20)[10]])
    assert [p.part for p in rebased.points] == [0] * 10 + [1] * 10


def test_two_points_close_on_opposite_sides_are_common_cause_as_the_package_tests_it():
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    assert [p.variation for p in series(values).points[-2:]] == [WORDS.variation["common"]] * 2


# ------------------------------------------------------------------- test-ptd_spc.R summary --
def test_each_part_has_its_own_limits_as_the_packages_summary_shows():
    # The summary's facets 0 and 1 are the first and last ten points, as two parts here.
    parts = series(RNORM_123, rebases=[months(20)[10]]).points
    first, second = parts[0], parts[10]
    assert (round(first.centre, 4), round(first.lower_limit, 2), round(first.upper_limit, 2)) == (0.0746, -2.60, 2.75)
    assert (round(second.centre, 3), round(second.lower_limit, 2), round(second.upper_limit, 2)) == (0.209, -3.28, 3.70)


def test_a_target_inside_the_limits_is_hit_and_miss_as_the_packages_summary_with_a_target():
    values = series(RNORM_123, targets=[0.5] * 20)
    assert values.latest.assurance == WORDS.assurance["hit_and_miss"]
    assert values.latest.variation == WORDS.variation["common"]


# ---------------------------------------------------- test-ptd_add_short_group_warnings.R --
def test_a_part_of_twelve_points_is_provisional_and_thirteen_is_not():
    assert series(RNORM_123[:12]).latest.provisional
    assert not series(RNORM_123[:13]).latest.provisional


def test_only_the_short_part_is_provisional_as_the_package_tests_it():
    values = (RNORM_123 * 2)[:40]
    rebased = series(values, rebases=[months(40)[35]])
    assert [p.provisional for p in rebased.points] == [False] * 35 + [True] * 5


# ---------------------------------------------------- test-ptd_add_rebase_column.R ----
def test_rebase_months_split_the_series_as_the_package_tests_it():
    parts = series(RNORM_123[:10], rebases=[months(10)[1], months(10)[6]]).points
    assert [p.part for p in parts] == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2]


# ------------------------------------------------------------------ hand-worked edges ----
BASE = [13, 7] * 5  # centre 10, moving range 6; ends below the centre


def test_seven_points_on_one_side_are_a_shift_each_of_them_flagged():
    assert rules(BASE + [11] * 7) == [None] * 10 + [WORDS.rules["shift"]] * 7


def test_six_points_on_one_side_are_not_a_shift():
    assert rules(BASE + [11] * 6) == [None] * 16


def test_a_point_on_the_centre_breaks_a_shift():
    # centre = (100 + 66 + x) / 17 = x when x = 10.375
    values = BASE + [11, 11, 11, 10.375, 11, 11, 11]
    assert series(values).points[0].centre == 10.375
    assert rules(values) == [None] * 17


UP = [7, 13] * 5  # ends above the centre, so a fall starts what follows


def test_seven_points_each_higher_than_the_last_are_a_trend():
    assert rules(UP + [8, 9, 10, 11, 12, 13, 14]) == [None] * 10 + [WORDS.rules["trend"]] * 7


def test_six_rising_points_are_not_a_trend():
    assert rules(UP + [9, 10, 11, 12, 13, 14]) == [None] * 16


def test_an_equal_neighbour_breaks_a_trend():
    assert rules(UP + [8, 9, 10, 10, 11, 12, 13]) == [None] * 17


def test_a_falling_trend_is_concern_when_higher_is_better():
    falling = series(UP + [12, 11, 10, 9, 8, 7, 6])
    assert falling.latest.variation == WORDS.variation["concern"]
    assert falling.latest.point.rule == WORDS.rules["trend"]


FIXED = [13, 7] * 6  # with fix_after_n_points=12: centre 10, mean moving range 6


def test_a_point_exactly_on_a_limit_is_not_outside():
    upper = spc.limits(FIXED).upper
    on, beyond = series(FIXED + [upper], fix_after_n_points=12), series(FIXED + [upper + 0.01], fix_after_n_points=12)
    assert on.latest.point.rule is None
    assert beyond.latest.point.rule == WORDS.rules["outside"]
    assert beyond.latest.variation == WORDS.variation["improvement"]


def test_two_of_three_close_to_a_limit_on_one_side_flags_the_two():
    # 2-sigma band: 10 + 11.97 = 21.97; limit 25.96
    assert rules(FIXED + [23, 15, 23], fix_after_n_points=12)[-3:] == [WORDS.rules["two_of_three"], None,
                                                                        WORDS.rules["two_of_three"]]


def test_two_close_points_with_one_below_the_centre_between_are_not_two_of_three():
    assert rules(FIXED + [23, 5, 23], fix_after_n_points=12)[-3:] == [None, None, None]


def test_a_point_outside_the_limits_is_not_one_of_the_two():
    assert rules(FIXED + [23, 15, 27], fix_after_n_points=12)[-3:] == [None, None, WORDS.rules["outside"]]


def test_outside_outranks_a_shift():
    labelled = rules(BASE + [11] * 6 + [40])
    assert labelled[-1] == WORDS.rules["outside"] and labelled[-7:-1] == [WORDS.rules["shift"]] * 6


def test_a_month_with_no_figure_is_absent_and_runs_span_it():
    values = BASE + [11] * 7
    periods = months(18)
    del periods[13]  # no figure for the 14th month
    gapped = spc.analyse(periods, values, "higher")
    assert [p.rule for p in gapped.points] == [None] * 10 + [WORDS.rules["shift"]] * 7
    assert gapped.points[0].upper_limit == series(values).points[0].upper_limit


def test_a_missing_value_is_left_out_not_counted_as_zero():
    with_blank = spc.analyse(months(18), BASE + [11, 11, 11, None, 11, 11, 11, 11], "higher")
    assert len(with_blank.points) == 17
    assert with_blank.points[0].centre == series(BASE + [11] * 7).points[0].centre


def test_a_target_exactly_on_a_limit_is_hit_and_miss():
    upper = spc.limits(FIXED).upper
    on = series(FIXED + [10], fix_after_n_points=12, targets=[upper] * 13)
    above = series(FIXED + [10], fix_after_n_points=12, targets=[upper + 0.01] * 13)
    assert on.latest.assurance == WORDS.assurance["hit_and_miss"]
    assert above.latest.assurance == WORDS.assurance["fails"]
    assert series(FIXED + [10], "lower", fix_after_n_points=12, targets=[upper + 0.01] * 13).latest.assurance == \
        WORDS.assurance["passes"]


def test_the_latest_target_decides_the_assurance():
    upper = spc.limits(FIXED).upper
    targets = [upper + 1] * 12 + [None]
    assert series(FIXED + [10], fix_after_n_points=12, targets=targets).latest.assurance is None


def test_fewer_than_thirteen_points_are_provisional_but_still_drawn():
    short = series(BASE)
    assert short.latest.provisional and short.latest.points == 10
    assert short.latest.point.upper_limit is not None


def test_a_neutral_indicator_is_special_cause_neither_and_has_no_assurance():
    high = series(BASE + [11] * 7, "neutral", targets=[10] * 17)
    assert high.latest.variation == WORDS.variation["neither"]
    assert high.latest.assurance is None


def test_a_lower_is_better_shift_above_is_concern():
    assert series(BASE + [11] * 7, "lower").latest.variation == WORDS.variation["concern"]


def test_runs_do_not_cross_a_rebase():
    values = BASE + [11] * 7
    rebased = series(values, rebases=[months(17)[13]])
    assert rebased.points[13].limits_from == months(17)[13]
    assert WORDS.rules["shift"] not in [p.rule for p in rebased.points]


def test_a_rebase_in_a_month_without_a_figure_starts_at_the_next_figure():
    periods = months(18)
    del periods[12]
    rebased = spc.analyse(periods, BASE + [11] * 7, "higher", rebases=[months(18)[12]])
    assert rebased.points[12].limits_from == months(18)[13]


# ------------------------------------------------------------------------ sentences ----
def show_pct(value):
    return format_value(value, "%")


def test_the_sentence_leads_with_a_shift_and_its_average():
    text = spc.sentence(series(BASE + [11] * 8, "lower"), show_pct, "Re-referrals")
    assert text == ("Re-referrals: special cause concern: the last 8 months above the average of 10.4% "
                    "(Jan 2020 to Jun 2021).")


def test_a_neutral_indicator_says_higher_than_usual():
    text = spc.sentence(series(BASE + [11] * 7, "neutral"), show_pct, "Referrals")
    assert text.startswith("Referrals: higher than usual: the last 7 months above the average")


def test_common_cause_says_no_sign_of_change_and_the_range():
    text = spc.sentence(series(RNORM_123), lambda v: f"{v:.2f}", "X")
    assert text == "X: common cause: no sign of change; the last figure, -0.47, is within the expected range of -3.01 to 3.29."


def test_provisional_limits_are_said_in_words():
    assert spc.sentence(series(BASE), show_pct).endswith("the limits are provisional: 10 months, fewer than 13.")


def test_a_custom_indicator_without_a_polarity_is_read_as_neutral():
    unknown = series(BASE + [11] * 7, "unknown", targets=[10] * 17)
    assert unknown.latest.variation == WORDS.variation["neither"] and unknown.latest.assurance is None


def test_the_sentence_for_a_trend_counts_the_rising_months():
    text = spc.sentence(series(UP + [8, 9, 10, 11, 12, 13, 14]), show_pct)
    assert text == "special cause improvement: the last 7 months rising one after another, to 14.0%."


def test_the_sentence_for_a_point_outside_names_the_limit():
    text = spc.sentence(series(FIXED + [30], fix_after_n_points=12), show_pct)
    assert text == "special cause improvement: the last figure, 30.0%, is above the upper limit of 26.0%."


def test_the_sentence_for_two_of_three_names_the_limit_it_is_close_to():
    text = spc.sentence(series(FIXED + [23, 15, 23], fix_after_n_points=12), show_pct)
    assert text == "special cause improvement: two of the last three months close to the upper limit of 26.0%."


def test_a_run_across_a_month_without_a_figure_is_said_in_figures_not_months():
    periods = months(18)
    del periods[13]
    text = spc.sentence(spc.analyse(periods, BASE + [11] * 7, "higher"), show_pct)
    assert text.startswith("special cause improvement: the last 7 figures above the average")
