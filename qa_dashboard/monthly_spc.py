"""A page's own monthly series read as an XmR chart: the Audits page's good-or-better share,
the Workforce page's average caseload and agency share, the Voice page's positive share. Pure,
no Streamlit.

These series are not KPI indicators (they are not in `kpi_spc`): each page works its series
out from its own query, over every month loaded, and hands it here. `spc.analyse` reads the
whole series, so the limits never depend on the sidebar's period; the period only chooses
which points the chart and the Figures table show, and the verdict is read at the last point
shown (with the limits of every month). A month with no figure is absent: the moving range
and the runs span it, and the words under the chart say which months those were.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import metrics, spc
from qa_dashboard.periods import month_short, months_between


@dataclass(frozen=True)
class MonthlySpc:
    """One series' XmR reading for the chosen period."""

    label: str                 # "Good or better (overall judgement)"
    polarity: str              # higher / lower
    unit: str                  # "%" or "count", as metrics.format_value reads it
    value_title: str           # the value's column and axis title
    series: spc.Series         # every month loaded
    shown: tuple[spc.Point, ...]   # the points in the chosen period
    sentence: str | None       # the verdict at the last point shown
    gaps: tuple[dt.date, ...]  # months inside the shown span with no figure
    table: pd.DataFrame        # the Figures table: value, n, centre, limits, rule, variation

    @property
    def verdict(self) -> spc.Point | None:
        return self.shown[-1] if self.shown else None

    def rows(self) -> list[dict]:
        """The shown points as chart rows (spc.Point.row)."""
        return [p.row() for p in self.shown]

    def note(self) -> str:
        """What to read under the chart: which way is better, gaps spanned, provisional limits."""
        words = [f"{metrics.better_phrase(self.polarity).capitalize()}. Centre and limits from every month "
                 "loaded; the period chooses which months are shown."]
        if self.gaps:
            words.append(f"No figure in {', '.join(month_short(m) for m in self.gaps)}: left out, not counted as "
                         "zero; the moving range and the runs span the gap.")
        return " ".join(words)


def _shows(unit: str) -> Callable[[float], str]:
    return lambda value: metrics.format_value(value, unit, 1)


def read(label: str, periods: Sequence[dt.date], values: Sequence[float | None], polarity: str, unit: str,
         value_title: str, start: dt.date, end: dt.date, counts: Sequence[int] | None = None,
         count_title: str = "n") -> MonthlySpc:
    """`periods` and `values` over every month loaded (None or NaN: no figure); `counts` beside
    them (each share's n) go into the Figures table."""
    series = spc.analyse(periods, values, polarity)
    shown = tuple(p for p in series.points if start <= p.period <= end)
    up_to_end = spc.Series(series.polarity, tuple(p for p in series.points if p.period <= end))
    sentence = (spc.sentence(up_to_end, _shows(unit), f"{label}, {month_short(shown[-1].period)}")
                if shown else None)
    have = {p.period for p in shown}
    gaps = tuple(m for m in months_between(shown[0].period, shown[-1].period) if m not in have) if shown else ()
    n_by_month = {}
    if counts is not None:
        n_by_month = {dt.date(p.year, p.month, 1): n for p, n in zip(periods, counts)}
    return MonthlySpc(label, polarity, unit, value_title, series, shown, sentence, gaps,
                      figures_table(shown, value_title, n_by_month, count_title))


def figures_table(points: Sequence[spc.Point], value_title: str, counts: dict | None = None,
                  count_title: str = "n") -> pd.DataFrame:
    """One row per month shown: the figure (and its n), centre, limits, rule and variation."""
    columns = ["Month", value_title, *([count_title] if counts else []), "Centre", "Lower limit", "Upper limit",
               "Rule", "Variation", "Limits from", "Limits provisional"]

    def rounded(value):
        return None if value is None else round(value, 1)

    rows = []
    for p in points:
        row = {"Month": month_short(p.period), value_title: rounded(p.value)}
        if counts:
            row[count_title] = counts.get(p.period)
        row.update({"Centre": rounded(p.centre), "Lower limit": rounded(p.lower_limit),
                    "Upper limit": rounded(p.upper_limit), "Rule": p.rule or "", "Variation": p.variation,
                    "Limits from": month_short(p.limits_from), "Limits provisional": "yes" if p.provisional else "no"})
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns)
    if counts:
        table[count_title] = table[count_title].astype("Int64")
    return table
