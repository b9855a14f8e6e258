"""The Python financial calendar says exactly what the views' SQL macros say, month by month."""

import datetime as dt

import duckdb

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
