"""Visits in time on the extract date, for the as-at month: of the children open on that day,
those whose last visit (or, with none yet, whose start) is within the authority's standard.
The standards are settings, shown beside the figure; the defaults are in contract/annex_a.toml.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from qa_dashboard.ingest.annex_a.cells import code_text
from qa_dashboard.ingest.annex_a.indicators import Figure, Tally, month_of
from qa_dashboard.ingest.annex_a.lists import vocabulary
from qa_dashboard.ingest.annex_a.parse import ListRows
from qa_dashboard.periods import working_days

# indicator -> (list, start, last visit, end, standard setting, working days?)
VISITS = {
    "cp_visits_in_time_pct": (7, "cp_start", "cp_last_visit", "cp_end", "cp_visit_working_days", True),
    "cin_visits_in_time_pct": (6, "cin_start", "cin_last_seen", "cin_closure", "cin_visit_working_days", True),
    "cla_visits_in_time_pct": (8, "cla_start", "cla_last_visit", "cla_ceased", "cla_visit_days", False),
}


def standard_text(setting: str, value: int) -> str:
    """`within 10 working days`, as shown beside the figure."""
    return f"within {value} {'working ' if setting.endswith('working_days') else ''}days"


def _open_on(rows: ListRows, index: int, start: str, end: str, as_at: dt.date) -> bool:
    began, ended = rows.column(start)[index], rows.column(end)[index]
    if began is None or began > as_at or (ended is not None and ended <= as_at):
        return False
    if "case_status" in rows.values and rows.source.spec.number == 6:
        status = rows.values["case_status"][index]
        return status is not None and code_text(status) in vocabulary().cin_plan_statuses
    return True


def visits_in_time(lists: dict[int, ListRows], as_at: dt.date, standards: dict[str, int]) -> list[Figure]:
    figures = []
    for indicator, (number, start, visit, end, setting, in_working_days) in VISITS.items():
        rows = lists.get(number)
        if rows is None:
            continue
        limit = standards[setting]
        tally = Tally()
        open_rows = [i for i in range(len(rows.excel_rows)) if _open_on(rows, i, start, end, as_at)]
        since = [rows.column(visit)[i] or rows.column(start)[i] for i in open_rows]
        if in_working_days:
            gaps = working_days(np.array(since, dtype="datetime64[D]"),
                                np.full(len(since), np.datetime64(as_at, "D"))).tolist()
        else:
            gaps = [(as_at - day).days for day in since]
        for i, gap in zip(open_rows, gaps):
            tally.add(month_of(as_at), rows.team(i), gap <= limit)
        figures.extend(tally.shares(indicator))
    return figures
