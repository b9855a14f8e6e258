"""The Voice figures' shared ground: the words and quarters every part uses, the windows of
quarters a period reads, and how a share of positive answers and a move are written. Pure, no
Streamlit."""
from __future__ import annotations

import datetime as dt
from functools import cache
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import contract, metrics
from qa_dashboard.contract import squash
from qa_dashboard.periods import quarter_label, quarter_start, quarter_starts

SENTIMENTS = ["positive", "neutral", "negative", "excluded"]
POLARITY = "higher"  # a larger share of positive answers is better
TREND_QUARTERS = 8   # trends run two years to the end of the period, or the whole period if longer
ALL_ANSWERS = "All answers"
ALL_HEARD = "All children and families"
ALL_THEMES = "All themes"
NO_THEME = "No theme given"
ALL_RESPONDENTS = "All respondents"
SPLITS = {"All answers together": None, "Respondent": "respondent", "Service area": "service_area"}
SMALL_READING = f"fewer than {metrics.SMALL_N} answers: read with care"
FULL_READING = f"{metrics.SMALL_N} or more answers"
THIS_YEAR = "This year"
YEAR_EARLIER = "Same quarter a year earlier"


@dataclass(frozen=True)
class Windows:
    """The quarters the page shows and the months its queries read.

    `period` is the chosen period widened to whole quarters; `trend` is at least the eight
    quarters to its end; `data_start` reaches back far enough for a year-earlier comparison."""

    period: list[dt.date]
    trend: list[dt.date]
    data_start: dt.date
    end_exclusive: dt.date
    widened: bool

    @property
    def latest(self) -> dt.date:
        return self.period[-1]

    def params(self, service_area: str | None, team: str | None) -> dict:
        """The named parameters the voice queries take: the months the windows read, the
        filters, and the contract's spellings of the compliment and complaint sources."""
        compliment, complaint = compliment_sources()
        return {"first_month": self.data_start, "month_after": self.end_exclusive, "service_area": service_area,
                "team": team, "compliment": compliment, "complaint": complaint}

    def period_params(self, service_area: str | None, team: str | None) -> dict:
        """The same for the period's quarters only (the comments)."""
        return {**self.params(service_area, team), "first_month": self.period[0]}

    def describe(self) -> str:
        first, last = quarter_label(self.period[0]), quarter_label(self.latest)
        span = first if first == last else f"{first} to {last}"
        note = " (the period chosen, widened to whole financial quarters)" if self.widened else ""
        return f"Quarterly figures cover {span}{note}."


def windows(start: dt.date, end: dt.date) -> Windows:
    """Windows for a chosen period of months `start`..`end` (first-of-month dates, `end` included)."""
    first, last = quarter_start(start), quarter_start(end)
    trend_first = min(first, metrics.add_months(last, -3 * (TREND_QUARTERS - 1)))
    end_exclusive = metrics.add_months(last, 3)
    return Windows(
        period=quarter_starts(first, last),
        trend=quarter_starts(trend_first, last),
        data_start=min(trend_first, metrics.add_months(first, -12)),
        end_exclusive=end_exclusive,
        widened=first != start or metrics.add_months(end, 1) != end_exclusive,
    )


def as_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def share_cell(positive: int, answered: int, excluded: int) -> str:
    """One cell of the survey table: "62% (n = 13) + 1 don't know".

    n counts the answers that can be positive or not (yes, no, partly, agree scales); don't
    know and blank answers are out of the denominator and counted beside it ("+ 1 don't know")."""
    text = "no answers" if answered == 0 else metrics.Share(int(positive), int(answered)).text()
    if excluded:
        text += f" + {int(excluded)} don't know"
    return text


def shares(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts summed over `by`, with n (answered) and the positive share (a ratio of sums;
    None, not 0, where nothing was answered)."""
    summed = counts.groupby(by, as_index=False, sort=False)[SENTIMENTS].sum()
    summed["answered"] = summed["positive"] + summed["neutral"] + summed["negative"]
    summed["positive_share"] = (100.0 * summed["positive"] / summed["answered"]).where(summed["answered"] > 0)
    return summed


def positive_share(row) -> float | None:
    if row is None or row["answered"] == 0:
        return None
    return 100.0 * row["positive"] / row["answered"]


def points(delta: float) -> str:
    """A difference between two percentages, in whole percentage points: "1 point", "23 points"."""
    size = f"{abs(delta):.0f}"
    return f"{size} point" if size == "1" else f"{size} points"


def change_text(current: float | None, previous: float | None) -> str:
    """"▲ 23 points, better": higher is better for the share of positive answers."""
    move = metrics.direction(current, previous, POLARITY)
    if move.delta is None:
        return "not comparable"
    if move.word == "no change":
        return "▶ no change"
    return f"{move.arrow} {points(move.delta)}, {move.word}"


def series_order(values, split: str | None) -> list[str]:
    present = [v for v in pd.unique(values) if isinstance(v, str)]
    if split == "respondent":
        known = list(contract.load().respondents)
        return [r for r in known if r in present] + sorted(set(present) - set(known))
    return sorted(present)


def respondent_order(values) -> list[str]:
    return series_order(values, "respondent")


def delta_colour(word: str) -> str:
    return {"better": "normal", "worse": "inverse"}.get(word, "off")


def move_text(move: metrics.Direction, unit: str = "") -> str | None:
    """"▲ 32 more, better" / "▼ 5 points, worse" / "▶ no change"; None when nothing to compare."""
    if move.delta is None:
        return None
    if move.word == "no change":
        return "▶ no change"
    size = points(move.delta) if unit == " points" else f"{abs(move.delta):.0f}{unit}"
    if move.word in ("better", "worse"):
        return f"{move.arrow} {size}, {move.word}"
    return f"{move.arrow} {size} {move.word}"


def _source(word: str) -> str:
    return next(s for s in contract.load().sources if squash(s).startswith(squash(word)))


@cache  # the contract is read once a process (contract.load), so its spellings are too
def compliment_sources() -> tuple[str, str]:
    """The contract's spellings of the two sources, passed to the query as parameters."""
    return _source("compliment"), _source("complaint")
