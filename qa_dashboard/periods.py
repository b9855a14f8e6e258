"""The financial calendar in Python, the only one: month arithmetic, labels for months and
quarters (also those with no rows, a gap on an axis) and walking a period month by month. The
views derive the same labels in SQL (`financial_year`, `financial_quarter` in store/views.sql);
tests hold the two to each other.

Local government's year runs April to March, written `2024-25`; Q1 is April to June.
"""
from __future__ import annotations

import datetime as dt


def as_date(value) -> dt.date:
    """A datetime (a pandas Timestamp is one) as a plain date; a date stays as it is."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def add_months(month: dt.date, count: int) -> dt.date:
    """The first of the month `count` months after `month` (before, when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    """`March 2025`."""
    return month.strftime("%B %Y")


def month_short(month: dt.date) -> str:
    """`Mar 2025`."""
    return month.strftime("%b %Y")


def months_between(start: dt.date, end: dt.date, step: int = 1) -> list[dt.date]:
    """First-of-month dates from `start` to `end`, both included, every `step` months."""
    months, month = [], start
    while month <= end:
        months.append(month)
        month = add_months(month, step)
    return months


def financial_year_start(month: dt.date) -> dt.date:
    """April on or before the month."""
    return dt.date(month.year if month.month >= 4 else month.year - 1, 4, 1)


def financial_year_label(month: dt.date) -> str:
    """`2024-25` for any month from April 2024 to March 2025."""
    first = financial_year_start(month).year
    return f"{first}-{(first + 1) % 100:02d}"


def quarter_start(month: dt.date) -> dt.date:
    """First month of the financial quarter holding `month`: a February belongs to Q4
    (January to March) of the financial year that began the April before."""
    return add_months(dt.date(month.year, month.month, 1), -((month.month - 4) % 3))


def quarter_label(month: dt.date) -> str:
    """`Q1 2024-25`, as the views write it."""
    return f"Q{(month.month - 4) % 12 // 3 + 1} {financial_year_label(month)}"


def quarter_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every quarter start from `first` to `last`, both quarter starts, inclusive."""
    return months_between(first, last, step=3)


def quarters_between(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """(first month, label) of every financial quarter the months touch, in order."""
    seen: dict[dt.date, str] = {}
    for month in months_between(start, end):
        seen.setdefault(quarter_start(month), quarter_label(month))
    return list(seen.items())


def financial_year_months(month: dt.date) -> list[dt.date]:
    """The twelve months, April to March, of the financial year `month` falls in."""
    first = financial_year_start(month)
    return months_between(first, add_months(first, 11))
