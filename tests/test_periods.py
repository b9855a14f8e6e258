"""The Python financial calendar says exactly what the views' SQL macros say, month by month."""

import datetime as dt

import duckdb
import pytest

from qa_dashboard import periods, store


def test_python_and_sql_agree_on_every_month_of_three_years(tmp_path):
    database = tmp_path / "calendar.duckdb"
    with store.write_transaction(database):
        pass  # creates the macros
    months = periods.months_between(dt.date(2023, 1, 1), dt.date(2025, 12, 1))
    with duckdb.connect(str(database), read_only=True) as con:
        for month in months:
            year, quarter, start = con.execute(
                "SELECT financial_year(?), financial_quarter(?), financial_quarter_start(?)", [month] * 3).fetchone()
            assert (periods.financial_year_label(month), periods.quarter_label(month), periods.quarter_start(month)) \
                == (year, quarter, start), month


def test_a_february_belongs_to_q4_of_the_year_begun_the_april_before():
    assert periods.quarter_label(dt.date(2025, 2, 1)) == "Q4 2024-25"
    assert periods.quarter_start(dt.date(2025, 2, 1)) == dt.date(2025, 1, 1)


def test_months_can_be_walked_a_quarter_at_a_time():
    assert periods.months_between(dt.date(2024, 4, 1), dt.date(2025, 1, 1), step=3) == [
        dt.date(2024, 4, 1), dt.date(2024, 7, 1), dt.date(2024, 10, 1), dt.date(2025, 1, 1)]


def _refusal(typed: str) -> str:
    import pandas as pd
    from qa_dashboard import scope
    months = pd.DataFrame({"month": [dt.date(2024, 5, 1)]})
    try:
        scope.read_period(months, typed, options={})
    except scope.PeriodRefused as refused:
        return str(refused)
    raise AssertionError(f"{typed!r} was read as a period")


@pytest.mark.parametrize("typed", ["0000-01", "Q1 0000-01", "9999-00", "Q4 9999-00", "0001-01", "1999-12",
                                   "2101-01"])
def test_a_period_outside_the_calendar_or_the_years_a_board_reads_is_refused_in_a_sentence(typed):
    assert _refusal(typed) == (f"The period '{typed}' is out of range: a period runs from January 2000 to "
                               "December 2100 at most.")


def test_a_four_figure_year_of_noughts_is_not_read_as_2000():
    assert "is not a form the dashboard reads" in _refusal("Dec 0000")


def test_a_refused_period_is_shown_cut_to_forty_characters():
    said = _refusal("x" * 14_000)
    assert said.startswith("The period '" + "x" * 40 + "…' is not a form") and len(said) < 400
