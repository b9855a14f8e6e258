"""The Audits figures' shared ground: the grade scale from the contract (the calendar is
`periods.py`'s), and how a share is written (with its n). Pure, no Streamlit."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_dashboard import contract, metrics
from qa_dashboard.periods import as_date, month_short, quarters_between  # noqa: F401 (read through audits)

EACH_MONTH = "Each month"
ROLLING = {3: "Rolling 3 months", 6: "Rolling 6 months"}
WHOLE_PERIOD = "Whole period"
ANY_GRADE = "Any grade"
GOOD_OR_BETTER = "Good or better"
NOT_JUDGED = "Not judged"
SMALL_MARK = " *"
SMALL_NOTE = "* fewer than 5 audits: read with care."


# --------------------------------------------------------------------------- the scale --
def grade_labels() -> list[str]:
    return [g.label for g in sorted(contract.load().grades, key=lambda g: g.rank)]


def good_or_better_ranks() -> frozenset[int]:
    """The catalogue's `good_or_better` grades; SQL asks the same through good_or_better()."""
    return contract.load().good_or_better_ranks


def worst_rank() -> int:
    return max(g.rank for g in contract.load().grades)


def worst_label() -> str:
    return grade_labels()[-1]


def area_labels() -> dict[str, str]:
    """Practice-area code -> label, in the contract's order."""
    return {p.code: p.label for p in contract.load().practice_areas}


# -------------------------------------------------------------------------------- shares --
def compact(share: metrics.Share, empty: str = "no audits") -> str:
    """`55% (n = 12)`, with a star when n is under 5 (see SMALL_NOTE); for table cells."""
    if share.n == 0:
        return empty
    return f"{share.percent:.0f}% (n = {share.n})" + (SMALL_MARK if share.small else "")


def percent_text(share: metrics.Share) -> str:
    """The big figure of a tile: `54%`; its n goes on the line beneath (`tile_note`)."""
    return "no audits" if share.n == 0 else f"{share.percent:.0f}%"


def tile_note(share: metrics.Share, note: str) -> str:
    """`n = 161 · higher is better`, and the small-number warning when n is under 5."""
    if share.n == 0:
        return note
    flag = " · fewer than 5: read with care" if share.small else ""
    return f"n = {share.n:,} · {note}{flag}"


def percent_figure(share: metrics.Share) -> float | None:
    return None if share.percent is None else round(share.percent, 1)


def dated(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = [as_date(v) for v in out[column]]
    return out


def in_months(frame: pd.DataFrame, start: dt.date, end: dt.date, column: str = "month") -> pd.DataFrame:
    rows = dated(frame, column)
    return rows[(rows[column] >= start) & (rows[column] <= end)]
