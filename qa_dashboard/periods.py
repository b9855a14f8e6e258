"""The financial calendar in Python, for labelling months and quarters that have no rows (a gap
on an axis) and for walking a period month by month. The views derive the same labels in SQL
(`financial_year`, `financial_quarter` in store/views.sql); tests hold the two to each other.

Local government's year runs April to March, written `2024-25`; Q1 is April to June.
"""
from __future__ import annotations

import datetime as dt

from qa_dashboard.metrics import add_months


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
