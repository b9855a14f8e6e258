"""What the reader chose in the sidebar, as a plain value: the period, service area, team and
audit type. No Streamlit here: the pure page modules and the queries take a `Filters`, and the
sidebar (`filters.py`) draws the widgets that make one.

`Filters.params()` is the filter scope the queries take, once, as named parameters
(`$first_month`, `$month_after`, `$service_area`, `$team`, `$audit_type`); each query uses the
names it needs (`queries.bind`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import metrics
from qa_dashboard.periods import financial_year_start

LATEST = "Latest 12 months"
CHOOSE = "Choose months"
PERIOD_FORMS = ("a month such as 2024-07, Jul-24 or July 2024, months such as 2024-06..2024-11, a financial "
                "year such as 2024-25, a quarter such as Q3 2024-25, or latest")
# The months a period may name: the upload refuses a date before 2000 as a typing mistake, and no
# board asks about the next century (a year the calendar cannot hold is refused in a sentence).
FIRST_MONTH, LAST_MONTH = dt.date(2000, 1, 1), dt.date(2100, 12, 1)
_FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^q([1-4])\s+(\d{4}-\d{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Filters:
    """What the reader chose. Months are first-of-month dates; `end` is included."""

    start: dt.date
    end: dt.date
    period_label: str
    service_area: str | None = None
    team: str | None = None
    audit_type: str | None = None

    def describe(self) -> str:
        where = self.team or self.service_area or "the whole authority"
        return f"{self.period_label}, {where}"

    @property
    def end_exclusive(self) -> dt.date:
        return metrics.add_months(self.end, 1)

    def params(self, **overrides) -> dict:
        """The filter scope as the queries' named parameters; `overrides` widen or narrow the
        months a page reads (for example five months earlier, for rolling sums)."""
        return {"first_month": self.start, "month_after": self.end_exclusive, "service_area": self.service_area,
                "team": self.team, "audit_type": self.audit_type, **overrides}


def period_options(months: pd.DataFrame) -> dict[str, tuple[str, dt.date, dt.date, str]]:
    """Selectable periods, newest first after the default: shown label -> (link token, start,
    end, the label used in sentences). Tokens are what a copied link carries: `2024-25` for a
    financial year, `Q1 2025-26` for a quarter; a month range is `2025-01..2025-06`."""
    ordered = [pd.Timestamp(m).date() for m in months["month"]]
    last = ordered[-1]
    first_of_latest = metrics.add_months(last, -11)
    options = {LATEST: ("latest", first_of_latest, last,
                        f"{metrics.month_label(first_of_latest)} to {metrics.month_label(last)}")}
    years = months.groupby("financial_year")["month"].min().sort_index(ascending=False)
    for year, first in years.items():
        start = financial_year_start(pd.Timestamp(first).date())
        options[f"{year} (financial year)"] = (year, start, metrics.add_months(start, 11), f"financial year {year}")
    quarters = months.groupby(["quarter_start", "quarter"]).size().reset_index().sort_values("quarter_start", ascending=False)
    for _, row in quarters.iterrows():
        start = pd.Timestamp(row["quarter_start"]).date()
        options[row["quarter"]] = (row["quarter"], start, metrics.add_months(start, 2), row["quarter"])
    options[CHOOSE] = ("", ordered[0], last, "")
    return options


class PeriodRefused(ValueError):
    """The sentence saying why a period was not taken: a form not understood, or no data in it."""


def month_token(month: dt.date) -> str:
    return month.strftime("%Y-%m")


def months_token(start: dt.date, end: dt.date) -> str:
    """How a link carries chosen months: `2024-07` for one, `2024-06..2024-11` for several."""
    return month_token(start) if start == end else f"{month_token(start)}..{month_token(end)}"


def months_label(start: dt.date, end: dt.date) -> str:
    """`July 2024`, or `June 2024 to November 2024`."""
    if start == end:
        return metrics.month_label(start)
    return f"{metrics.month_label(start)} to {metrics.month_label(end)}"


def read_period(months: pd.DataFrame, text: str,
                options: dict | None = None) -> tuple[str, dt.date, dt.date, str]:
    """The period a link or the command line names, as (link token, start, end, label): any of
    `period_options`' tokens, or a month or months as a person types them (`2024-07`, `Jul-24`,
    `July 2024`, `2024-06..2024-11`). Raises PeriodRefused, saying whether the form was not
    understood or the data has nothing in the period (naming what it covers)."""
    options = period_options(months) if options is None else options
    wanted = " ".join(str(text).split())
    for token, start, end, label in options.values():
        if token and token.lower() == wanted.lower():
            return token, start, end, label
    token, start, end, label = _period_named(wanted)
    loaded = [pd.Timestamp(m).date() for m in months["month"]]
    if not any(start <= month <= end for month in loaded):
        raise PeriodRefused(f"No figures are loaded for {label}: the data covers "
                            f"{months_label(loaded[0], loaded[-1])}.")
    return token, start, end, label


def _shown(wanted: str) -> str:
    """A period as typed, cut to its first 40 characters for a sentence."""
    return wanted if len(wanted) <= 40 else wanted[:40] + "…"


def _period_named(wanted: str) -> tuple[str, dt.date, dt.date, str]:
    out_of_range = False
    try:
        named = _named(wanted)
    except PeriodRefused:
        raise
    except (ValueError, OverflowError):  # a year the calendar cannot hold (0, or past 9999 once months are added)
        named, out_of_range = None, True
    if named is None and not out_of_range:
        raise PeriodRefused(f"The period '{_shown(wanted)}' is not a form the dashboard reads: use {PERIOD_FORMS}.")
    if out_of_range or named[1] < FIRST_MONTH or named[2] > LAST_MONTH:
        raise PeriodRefused(f"The period '{_shown(wanted)}' is out of range: a period runs from "
                            f"{metrics.month_label(FIRST_MONTH)} to {metrics.month_label(LAST_MONTH)} at most.")
    return named


def _named(wanted: str) -> tuple[str, dt.date, dt.date, str] | None:
    # Months are read as the upload reads a month cell. Imported here: the ingest package is the
    # reader's, and only a period typed as a month needs it.
    from qa_dashboard.ingest.dates import month_named

    first, dots, last = wanted.partition("..")
    if dots:
        start, end = month_named(first), month_named(last)
        if start and end and start <= end:
            return months_token(start, end), start, end, months_label(start, end)
        if start and end:
            raise PeriodRefused(f"The period '{_shown(wanted)}' runs backwards: {metrics.month_label(start)} is after "
                                f"{metrics.month_label(end)}.")
    elif month := month_named(wanted):
        return month_token(month), month, month, metrics.month_label(month)
    elif (year := _FINANCIAL_YEAR.match(wanted)) and (int(year[1]) + 1) % 100 == int(year[2]):
        start = dt.date(int(year[1]), 4, 1)
        return wanted, start, metrics.add_months(start, 11), f"financial year {wanted}"
    elif (quarter := _QUARTER.match(wanted)) and (int(quarter[2][:4]) + 1) % 100 == int(quarter[2][5:]):
        start = metrics.add_months(dt.date(int(quarter[2][:4]), 4, 1), 3 * (int(quarter[1]) - 1))
        label = f"Q{quarter[1]} {quarter[2]}"
        return label, start, metrics.add_months(start, 2), label
    return None
