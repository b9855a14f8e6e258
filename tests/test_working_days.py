"""Working days (qa_dashboard.periods.working_days): the days after the start up to and including
the end, Monday to Friday, not an England and Wales bank holiday. Expected counts are worked by
hand from a calendar."""
import datetime as dt

import numpy as np

from qa_dashboard.periods import bank_holidays, working_days

D = dt.date


def test_a_same_day_finish_is_zero_working_days():
    assert working_days(D(2024, 3, 13), D(2024, 3, 13)) == 0


def test_the_end_day_counts_and_the_start_day_does_not():
    # Wed 13 Mar 2024 -> Thu 14 Mar 2024: one working day (the Thursday).
    assert working_days(D(2024, 3, 13), D(2024, 3, 14)) == 1
    # Fri 15 Mar -> Mon 18 Mar: the weekend is skipped, the Monday counts.
    assert working_days(D(2024, 3, 15), D(2024, 3, 18)) == 1


def test_an_end_before_its_start_is_negative():
    assert working_days(D(2024, 3, 14), D(2024, 3, 13)) < 0


def test_the_2022_state_funeral_and_the_2023_coronation_are_bank_holidays():
    assert D(2022, 9, 19) in bank_holidays(2022, 2022)
    assert D(2023, 5, 8) in bank_holidays(2023, 2023)
    # Fri 16 Sep 2022 -> Tue 20 Sep 2022: Mon 19 is the Queen's funeral, so only Tuesday counts.
    assert working_days(D(2022, 9, 16), D(2022, 9, 20)) == 1
    # Fri 5 May 2023 -> Tue 9 May 2023: Mon 8 is the coronation holiday.
    assert working_days(D(2023, 5, 5), D(2023, 5, 9)) == 1


def test_christmas_and_new_year_inside_a_window():
    # Fri 20 Dec 2024 -> Fri 3 Jan 2025: Mon 23, Tue 24, Fri 27, Mon 30, Tue 31 Dec, Thu 2,
    # Fri 3 Jan = 7 (25, 26 Dec and 1 Jan are bank holidays, the weekends are skipped).
    assert working_days(D(2024, 12, 20), D(2025, 1, 3)) == 7


def test_arrays_of_dates_are_counted_one_by_one():
    starts = np.array(["2022-09-16", "2024-03-13"], dtype="datetime64[D]")
    ends = np.array(["2022-09-20", "2024-03-13"], dtype="datetime64[D]")
    assert working_days(starts, ends).tolist() == [1, 0]
