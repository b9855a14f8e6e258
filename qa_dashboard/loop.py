"""The learning loop: early warnings, what was done about them, and whether the figure moved since.

Seed 001 (Coventry, section 5): an indicator's trend is "the first sign that there may be
problems relating to the quality of practice"; the board commissions a themed audit, agrees
actions, and watches the indicator for "confirmation of improvement". No Streamlit, no database:
the store fills the `early_warnings` and `loop_verdicts` views from these functions
(qa_dashboard/store/loop_tables.py) inside every load, undo and rebase.

- `warnings`: month by month, as the board would have seen the series then (only the figures up
  to and including that month), a month warns when
  - the series (at least `fewest_points` figures) ends on a point of special cause concern, or
    its assurance against the month's target is "consistently fails" (qa_dashboard/spc.py, with
    the rebases in force);
  - it has been red against target (`metrics.rag`) for `red_months` consecutive months;
  - its latest band among every authority published by then is the warning band (D). A year's
    band (the year ending 31 March) counts as published from `band_published_month` of that year.
  Each warning says why, with the figures.
- `verdict`: for a series whose indicator has a completed linked action or themed audit: the
  limits fixed on the points up to and including the month the latest one completed
  (NHSRplotthedots' `fix_after_n_points`; at least 12 points, else "too early to say"), the rules
  over the whole series, and the latest point's variation (an officer's rebases do not apply: the
  limits are the ones fixed before the change). The sentence says "since", never
  "because of": a figure that moved after an action did not necessarily move because of it.

The words and settings are the catalogue's `loop` section.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa_dashboard import contract, metrics, spc
from qa_dashboard.contract import spc_words
from qa_dashboard.periods import financial_year_label, month_label


@dataclass(frozen=True)
class Band:
    """The authority's published position for one indicator and year (year ending 31 March)."""

    year: int
    band: str | None
    rank: int | None
    of_count: int | None


@dataclass(frozen=True)
class EarlyWarning:
    """A month a series warned, and why (each reason a sentence with its figures)."""

    period: dt.date
    reasons: tuple[str, ...]
    concern: bool
    fails: bool
    red: bool
    band: bool

    @property
    def text(self) -> str:
        return contract.loop_words().words["joiner"].join(self.reasons)


@dataclass(frozen=True)
class Link:
    """A themed audit or an action linked to an indicator, as the `indicator_links` view holds it."""

    indicator: str
    kind: str                 # the catalogue's loop.kinds word: 'themed audit' or 'action'
    reference: str            # the theme, or the action_id
    title: str | None
    started: dt.date | None
    completed: dt.date | None
    status: str | None
    audits_n: int | None


@dataclass(frozen=True)
class Verdict:
    """Is it working? The series' latest point read against limits fixed before the change."""

    since: dt.date            # the first of the month the latest linked action or audit completed
    kind: str
    reference: str
    points_before: int        # figures up to and including that month (the limits' points)
    points_since: int         # figures after it
    variation: str | None     # the latest point's variation; None when too early to say
    centre: float | None
    lower_limit: float | None
    upper_limit: float | None
    sentence: str


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return dt.date(value.year, value.month, 1)


def _month_number(month: dt.date) -> int:
    return month.year * 12 + month.month


def _kept(periods: Iterable, values: Iterable, targets: Iterable | None) -> list[tuple]:
    """(month, value, target) for the months with a figure, in order (a blank month is absent)."""
    periods = [p if type(p) is dt.date and p.day == 1 else _month(p) for p in periods]
    values = list(values)
    targets = list(targets) if targets is not None else [None] * len(periods)
    return sorted((p, float(v), float(t) if t is not None and t == t else None)
                  for p, v, t in zip(periods, values, targets) if v is not None and v == v)


# ------------------------------------------------------------------------- early warnings --
def _last_direction(ys: Sequence[float], lim: spc.Limits, rising: int | None = None) -> int:
    """The direction of the special cause labelling the last of `ys` (a part's figures up to the
    month) under `lim`: 1 high or rising, -1 low or falling, 0 none; spc.analyse's label for it.

    Every rule looks back at most seven points from the one it labels and nothing follows the
    last point, so the last seven decide, in spc's order (tests check it against spc.analyse on
    every month of many series):
    - outside the limits: the side it is on;
    - the end of 7 points each strictly above (below) the one before: rising (falling);
    - close to a limit (beyond the 2-sigma band, not outside), with the two before it on the same
      side and one of them close too: that side;
    - it and the six before on one side of the centre (a shift): that side.
    `rising` is the count of steps up (+) or down (-) in a row ending at it, when known."""
    y = ys[-1]
    has_limits = lim.upper is not None
    if has_limits and (y > lim.upper or y < lim.lower):
        return 1 if y > lim.centre else -1
    if rising is None:
        rising = 0
        for before, after in zip(reversed(ys[:-1]), reversed(ys)):
            step = _sign(after - before)
            if step == 0 or (rising and step != _sign(rising)):
                break
            rising += step
    if abs(rising) >= spc.RUN - 1:
        return _sign(rising)
    side = _sign(y - lim.centre)
    if side == 0:
        return 0
    if has_limits and (y > lim.upper_near or y < lim.lower_near) and len(ys) >= 3:
        last3 = ys[-3:]
        if all(_sign(v - lim.centre) == side for v in last3) and \
                sum(1 for v in last3[:2] if lim.upper is not None and not (v > lim.upper or v < lim.lower)
                    and (v > lim.upper_near or v < lim.lower_near)) >= 1:
            return side
    last7 = ys[-spc.RUN:]
    if len(last7) == spc.RUN and (min(last7) > lim.centre if side > 0 else max(last7) < lim.centre):
        return side
    return 0


class _RunningLimits:
    """spc.limits of a part's figures so far, kept as they grow one month at a time: the moving
    ranges are kept sorted, so the screened ones (below 3.267 times their mean) are a prefix.
    math.fsum is exactly rounded, so the order the figures are summed in changes no limit."""

    def __init__(self):
        self.ys: list[float] = []
        self.ranges: list[float] = []

    def add(self, y: float) -> None:
        if self.ys:
            bisect.insort(self.ranges, abs(y - self.ys[-1]))
        self.ys.append(y)

    def limits(self) -> spc.Limits:
        centre = math.fsum(self.ys) / len(self.ys)
        ranges = self.ranges
        if not ranges:
            return spc.Limits(centre, None, None, None, None, None)
        mean_range = math.fsum(ranges) / len(ranges)
        kept = bisect.bisect_left(ranges, spc.SCREEN * mean_range)
        if kept == 0:
            return spc.Limits(centre, None, None, None, None, None)
        if kept < len(ranges):  # else none is screened out: the mean stands
            mean_range = math.fsum(ranges[:kept]) / kept
        return spc.Limits(centre, centre - spc.LIMIT * mean_range, centre + spc.LIMIT * mean_range,
                          centre - spc.NEAR_LIMIT * mean_range, centre + spc.NEAR_LIMIT * mean_range, mean_range)


def _published_band(bands: Sequence[Band], month: dt.date, published_month: int) -> Band | None:
    """The latest band published by `month`: year Y's from `published_month` of year Y."""
    out = [b for b in bands if dt.date(b.year, published_month, 1) <= month]
    return max(out, key=lambda b: b.year) if out else None


def warnings(periods: Iterable, values: Iterable, polarity: str, targets: Iterable | None = None, *,
             unit: str = "number", rebases: Iterable = (), bands: Iterable[Band] = ()) -> list[EarlyWarning]:
    """Every month of the series that raised a warning, as the board would have seen it then."""
    settings = contract.loop_words()
    words = settings.words
    shown: dict[float, str] = {}  # a figure is in three months' "red" reasons running: format it once

    def show(value: float) -> str:
        if value not in shown:
            shown[value] = metrics.format_value(value, unit)
        return shown[value]

    rows = _kept(periods, values, targets)
    months = [p for p, _, _ in rows]
    ys = [v for _, v, _ in rows]
    starts = sorted({_month(m) for m in rebases})
    part_of = [bisect.bisect_right(starts, m) for m in months]
    bands = sorted(bands, key=lambda b: b.year)
    concern_direction = -spc.improvement_direction(polarity)  # 0: a neutral indicator is never "concern"
    fewest, red_months = settings.fewest_points, settings.red_months
    found: list[EarlyWarning] = []
    running = _RunningLimits()
    rising = falling = 0  # steps up (down) in a row within the part, as spc.seven_point_trend counts them
    red_run = 0           # red figures in a row, in consecutive months
    for k, (month, value, target) in enumerate(rows):
        if k and part_of[k] != part_of[k - 1]:
            running, rising, falling = _RunningLimits(), 0, 0
        if running.ys:
            step = _sign(value - running.ys[-1])
            rising, falling = (rising + 1 if step == 1 else 0), (falling + 1 if step == -1 else 0)
        running.add(value)
        if target is not None and metrics.rag(value, target, polarity) == "Red":
            red_run = red_run + 1 if k and _month_number(month) - _month_number(rows[k - 1][0]) == 1 else 1
        else:
            red_run = 0
        reasons: list[str] = []
        concern = fails = red = band = False
        if k + 1 >= fewest:
            lim = running.limits()
            if concern_direction:
                if _last_direction(running.ys, lim, rising - falling) == concern_direction:
                    concern = True
                    series = spc.analyse(months[:k + 1], ys[:k + 1], polarity, [t for _, _, t in rows[:k + 1]],
                                         rebases=starts)
                    reasons.append(words["concern"].format(sentence=spc.sentence(series, show).rstrip(".")))
            if lim.upper is not None and spc.assurance_key(lim.lower, lim.upper, target, polarity) == "fails":
                fails = True
                reasons.append(words["fails"].format(target=show(target), lower=show(lim.lower), upper=show(lim.upper)))
        if red_run >= red_months:
            red = True
            reasons.append(words["red"].format(target=show(target), n=red_months,
                                               values=", ".join(show(v) for _, v, _ in rows[k + 1 - red_months:k + 1])))
        latest = _published_band(bands, month, settings.band_published_month) if bands else None
        if latest is not None and latest.band == settings.warning_band:
            band = True
            reasons.append(words["band"].format(band=latest.band, year=financial_year_label(dt.date(latest.year, 3, 1)),
                                                rank=latest.rank, of=latest.of_count))
        if reasons:
            found.append(EarlyWarning(month, tuple(reasons), concern, fails, red, band))
    return found


# -------------------------------------------------------------------------------- verdicts --
def latest_completed(links: Iterable[Link]) -> Link | None:
    """The linked action or themed audit completed last (None when none is completed)."""
    done = [link for link in links if link.completed is not None]
    return max(done, key=lambda link: (link.completed, link.kind, link.reference)) if done else None


def _points(n: int) -> str:
    words = contract.loop_words().words
    return words["point"] if n == 1 else words["points"]


def verdict(periods: Iterable, values: Iterable, polarity: str, links: Iterable[Link],
            targets: Iterable | None = None, *, unit: str = "number") -> Verdict | None:
    """Whether the series moved since the latest completed linked action or themed audit; None
    when no linked action or audit is completed."""
    link = latest_completed(links)
    if link is None:
        return None
    settings = contract.loop_words()
    words = settings.words
    show = lambda value: metrics.format_value(value, unit)  # noqa: E731
    since = _month(link.completed)
    rows = _kept(periods, values, targets)
    before = sum(1 for p, _, _ in rows if p <= since)
    after = len(rows) - before
    sheet = {word: sheet for sheet, word in settings.kinds.items()}.get(link.kind, "actions")
    opening = words[f"since_{'themed_audit' if sheet == 'themed_audits' else 'action'}"].format(
        reference=link.reference, month=month_label(since))
    variation = centre = lower = upper = None
    if before < max(settings.fewest_points, spc.FEWEST_FIXED_POINTS):
        detail = words["too_early"].format(n=before, points=_points(before),
                                           needed=max(settings.fewest_points, spc.FEWEST_FIXED_POINTS))
    elif after == 0:
        detail = words["none_since"]
    else:
        # spc.analyse(..., fix_after_n_points=before) over one part, read for its last point only:
        # the limits from the first `before` figures, the rules over the last seven (_last_direction)
        ys = [v for _, v, _ in rows]
        lim = spc.limits(ys[:before])
        direction = _last_direction(ys, lim)
        variation = spc_words().variation[spc.variation_key(direction, polarity)]
        centre, lower, upper = lim.centre, lim.lower, lim.upper
        if direction == 0:
            detail = words["no_change"].format(n=after, points=_points(after))
        else:
            on_side = sum(1 for y in ys[before:] if _sign(y - centre) == direction)
            fields = {"variation": variation, "n": on_side, "points": _points(after),
                      "side": words["above" if direction > 0 else "below"], "centre": show(centre),
                      "since": after}
            detail = words["moved" if on_side == after else "moved_some"].format(**fields)
    return Verdict(since, link.kind, link.reference, before, after, variation, centre, lower, upper,
                   f"{opening}: {detail}")
