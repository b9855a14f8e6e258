"""Pure arithmetic and wording behind every figure a page shows. No Streamlit, no SQL.

Honesty rules live here: a share carries its n and says when n is small; a ratio over groups
is a ratio of sums; a missing figure is None, never 0; every direction says which way is better.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from qa_dashboard.periods import add_months, month_label  # noqa: F401 (the calendar lives in periods; pages call metrics.month_label)
from qa_dashboard.plain_text import isolated

SMALL_N = 5  # a share of fewer than this many is flagged, not hidden

UNIT_SUFFIX = {"%": "%", "rate10k": " per 10,000", "days": " days"}


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --------------------------------------------------------------------------------- tiles --
@dataclass(frozen=True)
class Tile:
    """One headline figure as a page shows it: the value, the move in a few words, and lines
    that say what it is measured against and which way is better."""

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "off"      # normal: better (green); inverse: worse (red); off: neither
    help: str | None = None
    lines: list[str] = field(default_factory=list)
    # The last months to the tile's figure, oldest first, and the figure of each (None: missing,
    # never zero): the small line a tile carries. Quarterly tiles carry their quarters.
    trend_months: tuple = ()
    trend: tuple = ()
    # The SPC verdicts shown under the figure: (variation key, assurance key or None, whether the
    # limits are provisional), and `verdict_words` the same in words (a line each); empty when the
    # tile's series has no reading (too few figures, or not a monthly series).
    verdict: tuple = ()
    verdict_words: tuple = ()


# -------------------------------------------------------------------------------- shares --
@dataclass(frozen=True)
class Share:
    """`count` of `n`, as a percentage; None when n is 0 (no share, not 0%)."""

    count: int
    n: int

    @property
    def percent(self) -> float | None:
        return None if self.n == 0 else 100.0 * self.count / self.n

    @property
    def small(self) -> bool:
        return 0 < self.n < SMALL_N

    def figure(self) -> str:
        """`79% (n = 48)`, for a tile whose small-number warning sits beside it."""
        return "no data" if self.n == 0 else f"{self.percent:.0f}% (n = {self.n})"

    def text(self) -> str:
        flag = " (fewer than 5: read with care)" if self.small else ""
        return self.figure() + flag


def ratio_of_sums(numerators, denominators, scale: float = 1.0) -> float | None:
    """Sum of numerators over sum of denominators, skipping pairs where either is missing.

    Used for every figure over several teams (caseload, agency share): a mean of the teams'
    ratios would give a team of 2 workers the same weight as a team of 20.
    """
    top = bottom = 0.0
    for numerator, denominator in zip(numerators, denominators):
        if is_missing(numerator) or is_missing(denominator):
            continue
        top += numerator
        bottom += denominator
    return None if bottom == 0 else top / bottom * scale


# ----------------------------------------------------------------------------- direction --
@dataclass(frozen=True)
class Direction:
    """How a figure moved and whether that is better, by the indicator's polarity."""

    arrow: str   # ▲ ▼ ▶ or – when there is nothing to compare
    word: str    # better, worse, no change, up, down, not comparable
    delta: float | None


def direction(current, previous, polarity: str, tolerance: float = 1e-9) -> Direction:
    """`higher` / `lower` polarity says better or worse; `neutral` says only up or down.

    A neutral indicator (the referral rate) is not better for moving either way: it is judged
    against its comparators (see `versus_comparator`).
    """
    if is_missing(current) or is_missing(previous):
        return Direction("–", "not comparable", None)
    delta = current - previous
    if abs(delta) <= tolerance:
        return Direction("▶", "no change", 0.0)
    arrow = "▲" if delta > 0 else "▼"
    if polarity == "higher":
        return Direction(arrow, "better" if delta > 0 else "worse", delta)
    if polarity == "lower":
        return Direction(arrow, "better" if delta < 0 else "worse", delta)
    return Direction(arrow, "up" if delta > 0 else "down", delta)


def better_phrase(polarity: str) -> str:
    return {"higher": "higher is better", "lower": "lower is better",
            "neutral": "neither higher nor lower is better: judged against comparators"}.get(
        polarity, "which way is better is not stated")


def versus_comparator(value, comparator, previous_value=None, previous_comparator=None) -> str | None:
    """For a neutral indicator: is it closer to its comparator than before?"""
    if is_missing(value) or is_missing(comparator):
        return None
    gap = value - comparator
    side = "above" if gap > 0 else "below" if gap < 0 else "level with"
    text = f"{abs(gap):,.1f} {side}" if gap else "level with"
    if not (is_missing(previous_value) or is_missing(previous_comparator)):
        before = abs(previous_value - previous_comparator)
        if abs(gap) < before - 1e-9:
            text += ", closer than before"
        elif abs(gap) > before + 1e-9:
            text += ", further away than before"
    return text


# ------------------------------------------------------------------------------------ RAG --
def rag(value, target, polarity: str, amber_margin: float = 0.05) -> str | None:
    """Green at or beyond target, amber within 5% of it, red beyond that; None without a target."""
    if is_missing(value) or is_missing(target) or polarity not in ("higher", "lower"):
        return None
    if (polarity == "higher" and value >= target) or (polarity == "lower" and value <= target):
        return "Green"
    margin = abs(target) * amber_margin
    shortfall = (target - value) if polarity == "higher" else (value - target)
    return "Amber" if shortfall <= margin else "Red"


# ------------------------------------------------------------------------------- wording --
def format_value(value, unit: str, digits: int | None = None, short: bool = False) -> str:
    """`83.0%`, `571.6 per 10,000`, `13 days`; `short` drops "per 10,000" where the label says it."""
    if is_missing(value):
        return "no figure"
    if digits is None:
        digits = 0 if unit in ("count", "days") and float(value).is_integer() else 1
    number = f"{value:,.{digits}f}"
    if short and unit == "rate10k":
        return number
    return number + UNIT_SUFFIX.get(unit, "")


def what_changed(label: str, current, previous, unit: str, polarity: str, target=None,
                 comparator=None, comparator_name: str = "statistical neighbours") -> str | None:
    """One plain sentence about an indicator's latest move, e.g.
    "Assessments within 45 working days rose from 79% to 83%, better than the 80% target."
    """
    if is_missing(current) or is_missing(previous):
        return None
    move = direction(current, previous, polarity)
    shown_now, shown_before = format_value(current, unit), format_value(previous, unit)
    label = isolated(label)  # a custom indicator's label comes from an upload
    if move.word == "no change":
        sentence = f"{label} stayed at {shown_now}"
    else:
        verb = "rose" if move.delta > 0 else "fell"
        judgement = f" ({move.word})" if move.word in ("better", "worse") else ""
        sentence = f"{label} {verb} from {shown_before} to {shown_now}{judgement}"
    if not is_missing(target) and polarity in ("higher", "lower"):
        meets = (current >= target) if polarity == "higher" else (current <= target)
        side = "below" if polarity == "higher" else "above"
        sentence += f", {'meeting' if meets else side} the {format_value(target, unit)} target"
    elif polarity == "neutral" and not is_missing(comparator):
        gap = versus_comparator(current, comparator, previous, comparator)
        sentence += f"; {comparator_name} {format_value(comparator, unit)}, {gap}"
    return sentence + "."


# ------------------------------------------------------------------------------- tiles --
@dataclass(frozen=True)
class Comparison:
    """The latest figure against an earlier one, in words."""

    against: str          # "March 2025" / "Q3 2025-26"
    previous: float | None
    move: Direction

    def change(self, unit: str) -> str:
        """The move alone, short enough for a tile: `▼ 0.6 points better`, `▲ up 12.3`."""
        if self.move.delta is None:
            return "no earlier figure"
        if self.move.word == "no change":
            return "▶ no change"
        size = format_value(abs(self.move.delta), "count" if unit in ("%", "rate10k") else unit, 1)
        size += " points" if unit == "%" else ""
        if self.move.word in ("better", "worse"):
            return f"{self.move.arrow} {size} {self.move.word}"
        return f"{self.move.arrow} {self.move.word} {size}"

    def text(self, unit: str) -> str:
        """The move with what it is measured against: `▼ 0.6 points better than March 2025 (22.3%)`."""
        if self.move.delta is None:
            return f"no figure for {self.against}"
        joiner = "than" if self.move.word in ("better", "worse") else "on"
        return f"{self.change(unit)} {joiner} {self.against} ({format_value(self.previous, unit)})"


def latest_and_earlier(series, end: dt.date):
    """From rows of (period, value, ...) sorted by period: the latest row at or before `end`
    with a figure, the row a month before it and the row a year before it (None when absent)."""
    rows = [r for r in series if r["period"] <= end and not is_missing(r["value"])]
    if not rows:
        return None, None, None
    latest = rows[-1]
    by_period = {r["period"]: r for r in rows}
    return (latest, by_period.get(add_months(latest["period"], -1)),
            by_period.get(add_months(latest["period"], -12)))


def compare(latest_value, earlier_row, polarity: str, against: str, value_key: str = "value") -> Comparison:
    previous = None if earlier_row is None else earlier_row.get(value_key)
    return Comparison(against, previous, direction(latest_value, previous, polarity))
