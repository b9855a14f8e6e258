"""What the reader chose in the sidebar, as a plain value: the period, service area, team and
audit type. No Streamlit here: the pure page modules and the queries take a `Filters`, and the
sidebar (`filters.py`) draws the widgets that make one.

`Filters.params()` is the filter scope the queries take, once, as named parameters
(`$first_month`, `$month_after`, `$service_area`, `$team`, `$audit_type`); each query uses the
names it needs (`queries.bind`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import metrics
from qa_dashboard.periods import financial_year_start

LATEST = "Latest 12 months"
CHOOSE = "Choose months"


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
