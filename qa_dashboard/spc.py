"""Statistical process control: is a monthly series' latest move signal or noise?

An XmR (individuals) chart and its two verdicts, computed exactly as NHS England's "Making Data
Count" and the NHS-R Community's R package NHSRplotthedots 0.2.2 compute them. No Streamlit, no
database: the store fills the `kpi_spc` views from `analyse`, and the pages and the pack read
those rows (or call `analyse` themselves on a series they already hold).

Where each default comes from (NHSRplotthedots, tag 0.2.2):
- Centre = the mean of the part's points (R/ptd_spc_standard.R:68); moving range
  |x(i) - x(i-1)| (line 69) and its mean (line 70).
- Screening: a moving range at or above 3.267 x the mean moving range is left out, once, and
  the mean moving range worked out again (lines 73-78); the centre is not recalculated. On by
  default (R/ptd_spc.R:96, `screen_outliers = TRUE`).
- Process limits = centre +/- 2.66 x mean moving range (lines 47, 81-82); the "2 sigma" band
  = centre +/- (2/3 x 2.66) x mean moving range (lines 48, 84-85).
- A point is outside the limits when strictly above the upper or below the lower (line 88);
  its side of the centre is sign(x - centre), 0 on the centre (line 90); it is close to a
  limit when beyond the 2-sigma band and not outside (line 93).
- Rules (R/ptd_calculate_point_type.R): a shift is 7 points in a row on one side, a point on
  the centre breaking it, every point of the run flagged (ptd_seven_point_one_side_mean, lines
  29-35, with ptd_part_of_seven_trend, lines 37-44); a trend is 7 points each strictly above
  (or below) the one before, an equal neighbour breaking it (ptd_seven_point_trend, lines
  46-65); two of three is two points close to the same limit among three in a row that are all
  on that side of the centre, the two close points flagged (ptd_two_in_three and
  ptd_part_of_two_in_three, lines 67-84). One label per point, outside > trend > two of three
  > shift (ptd_special_cause_type, lines 102-108); a point in two trends takes the direction
  of the one to its right (lines 92-98).
- Variation: a high (above, rising) special cause is improvement when higher is better and
  concern when lower is, the other way round for a low one, and "neither" for a neutral
  indicator (ptd_point_type, lines 111-134).
- Assurance, from the last point's limits and target: a target above the upper limit fails
  when higher is better and passes when lower is, below the lower limit the reverse, anything
  else (a target exactly on a limit too: strict comparisons) hit and miss; none without a target
  or for a neutral indicator (R/ptd_calculate_assurance_type.R:18-31).
- Rebasing: each part of the series has its own centre, limits and rules; the moving ranges
  and runs do not cross a part's start (R/ptd_spc_standard.R:64-65, grouped by rebase_group;
  R/ptd_calculate_point_type.R:15).
- `fix_after_n_points`: the centre and limits from a part's first n points only, the rules over
  every point (R/ptd_spc_standard.R:67); at least 12 (R/ptd_spc_options.R:60-69).
- Provisional ("trial") limits: a part of fewer than 13 points
  (R/ptd_add_short_group_warnings.R:22, `warning_threshold = 13`, `n() < warning_threshold`).

The helpers keep the package's names and give its results (tests/test_spc.py runs the package's
own cases on them), written as single passes over the series rather than windows.

This dashboard's own choices, where the package leaves it to the caller: a month with no figure
is simply absent (the moving range and the runs span it); a rebase "from" a month starts the new
part at the first figure in or after that month (the package needs the exact date of a row).
The words (variation, assurance, rule, the sentences) are the catalogue's `spc` section.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from qa_dashboard import contract
from qa_dashboard.periods import month_short

LIMIT = 2.66                     # R/ptd_spc_standard.R:47
NEAR_LIMIT = 2 * (LIMIT / 3)     # R/ptd_spc_standard.R:48
SCREEN = 3.267                   # R/ptd_spc_standard.R:75
RUN = 7                          # R/ptd_calculate_point_type.R:29-65 (six before, and the point)
FIRM_LIMITS_POINTS = 13          # R/ptd_add_short_group_warnings.R:22
FEWEST_FIXED_POINTS = 12         # R/ptd_spc_options.R:64
DIRECTION = {"higher": 1, "lower": -1, "neutral": 0}  # R/ptd_spc.R:145-149


def improvement_direction(polarity: str) -> int:
    """1 higher is better, -1 lower is, 0 neither; a polarity not known (a custom indicator
    loaded without one) is read as neutral: which way is better cannot be said."""
    return DIRECTION.get(polarity, 0)


# ------------------------------------------------------------ the package's rules, ported --
def seven_point_one_side_mean(side: Sequence[int]) -> list[int]:
    """1 where a point ends a run of 7 on one side of the centre (0 is on the centre)."""
    ends, run, before = [], 0, 0
    for here in side:
        run = run + 1 if here != 0 and here == before else (1 if here != 0 else 0)
        before = here
        ends.append(int(run >= RUN))
    return ends


def part_of_seven_trend(ends: Sequence[float]) -> list[int]:
    """1 where a point is, or is one of the 6 before, a point that ends a run."""
    flagged, next_end = [0] * len(ends), None
    for i in range(len(ends) - 1, -1, -1):
        if abs(ends[i]) == 1:
            next_end = i
        flagged[i] = int(next_end is not None and next_end - i < RUN)
    return flagged


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def seven_point_trend(values: Sequence[float]) -> list[int]:
    """1 (-1) where a point ends 7 points each strictly above (below) the one before."""
    ends, rising, falling = [0] * len(values), 0, 0
    for i in range(1, len(values)):
        step = _sign(values[i] - values[i - 1])
        rising = rising + 1 if step == 1 else 0
        falling = falling + 1 if step == -1 else 0
        ends[i] = 1 if rising >= RUN - 1 else (-1 if falling >= RUN - 1 else 0)
    return ends


def two_in_three(close: Sequence[int], side: Sequence[int]) -> list[int]:
    """1 where a point is in three in a row, all on one side, two of them close to a limit."""
    if not close:
        return []
    c = [0, 0] + [int(x) for x in close] + [0, 0]
    s = [0, 0] + list(side) + [0, 0]
    s += [0] * (len(c) - len(s))  # the package's tests pass a shorter side vector (zeros: no side)

    windows = [c[j] + c[j + 1] + c[j + 2] >= 2 and abs(s[j] + s[j + 1] + s[j + 2]) == 3
               for j in range(len(c) - 2)]
    return [int(windows[i] or windows[i + 1] or windows[i + 2]) for i in range(len(close))]


def part_of_two_in_three(in_window: Sequence[int], close: Sequence[int]) -> list[int]:
    """Of the points in such a window, the close ones are flagged."""
    return [int(w == 1 and abs(c) == 1) for w, c in zip(in_window, close)]


def special_cause_type(values: Sequence[float], part_trend: Sequence[float], part_two: Sequence[float],
                       part_shift: Sequence[float], side: Sequence[int],
                       outside: Sequence[float]) -> list[tuple[str | None, int]]:
    """Each point's rule (`outside`, `trend`, `two_of_three`, `shift`, None) and its direction
    (1 above or rising, -1 below or falling, 0 none), given which rule each point is part of."""
    n = len(values)
    steps = [_sign(values[i + 1] - values[i]) for i in range(n - 1)]
    labelled = []
    for i in range(n):
        in_trend_onwards = i + 1 < n and bool(part_trend[i + 1]) and bool(part_trend[i])
        step = steps[i] if in_trend_onwards else (steps[i - 1] if i > 0 else 0)
        if outside[i]:
            labelled.append(("outside", 1 if side[i] == 1 else -1))
        elif part_trend[i]:
            labelled.append(("trend", 1 if step == 1 else -1))
        elif part_two[i]:
            labelled.append(("two_of_three", 1 if side[i] > 0 else -1))
        elif part_shift[i]:
            labelled.append(("shift", 1 if side[i] > 0 else -1))
        else:
            labelled.append((None, 0))
    return labelled


def variation_key(direction: int, polarity: str) -> str:
    """improvement / concern / neither / common, from a point's direction and the polarity."""
    if direction == 0:
        return "common"
    if improvement_direction(polarity) == 0:
        return "neither"
    return "improvement" if direction * improvement_direction(polarity) > 0 else "concern"


def assurance_key(lower: float | None, upper: float | None, target: float | None, polarity: str) -> str | None:
    """passes / fails / hit_and_miss, or None without a target or for a neutral indicator."""
    if _missing(target) or improvement_direction(polarity) == 0:
        return None
    higher_is_better = improvement_direction(polarity) == 1
    if upper is not None and target > upper:
        return "fails" if higher_is_better else "passes"
    if lower is not None and target < lower:
        return "passes" if higher_is_better else "fails"
    return "hit_and_miss"  # also when there are no limits: the package's case_when falls through


# ------------------------------------------------------------------------------ the series --
@dataclass(frozen=True)
class Limits:
    """A part's centre and limits; the limits are None when no moving range is left to use."""

    centre: float
    lower: float | None
    upper: float | None
    lower_near: float | None
    upper_near: float | None
    mean_moving_range: float | None


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def limits(values: Sequence[float], screen_outliers: bool = True) -> Limits:
    """Centre and limits from `values` (a part's points, or its first n when fixed)."""
    centre = _mean(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    mean_range = _mean(ranges) if ranges else None
    if screen_outliers and mean_range is not None:
        kept = [r for r in ranges if r < SCREEN * mean_range]
        mean_range = _mean(kept) if kept else None
    if mean_range is None:
        return Limits(centre, None, None, None, None, None)
    return Limits(centre, centre - LIMIT * mean_range, centre + LIMIT * mean_range,
                  centre - NEAR_LIMIT * mean_range, centre + NEAR_LIMIT * mean_range, mean_range)


@dataclass(slots=True)
class Point:
    """One month of a series, read as the chart and the Figures table show it. (Not frozen: a
    load makes tens of thousands, and a frozen dataclass is several times slower to make.)"""

    period: dt.date
    value: float
    target: float | None
    part: int                 # 0 for the first part; one more at each rebase
    limits_from: dt.date      # the first month of this point's part
    centre: float
    lower_limit: float | None
    upper_limit: float | None
    lower_near: float | None  # the 2-sigma band
    upper_near: float | None
    rule_key: str | None
    direction: int            # 1 high or rising, -1 low or falling, 0 no special cause
    variation_key: str
    provisional: bool         # its part has fewer than 13 points
    centre_first: dt.date     # the months the centre and limits were worked out from
    centre_last: dt.date

    @property
    def rule(self) -> str | None:
        return contract.spc_words().rules[self.rule_key] if self.rule_key else None

    @property
    def variation(self) -> str:
        return contract.spc_words().variation[self.variation_key]

    def row(self) -> dict:
        """The point as a row of the `kpi_spc` view, the chart and the Figures table."""
        return {"period": self.period, "value": self.value, "centre": self.centre,
                "lower_limit": self.lower_limit, "upper_limit": self.upper_limit,
                "lower_near": self.lower_near, "upper_near": self.upper_near, "target": self.target,
                "rule": self.rule, "variation": self.variation, "provisional": self.provisional,
                "limits_from": self.limits_from, "part": self.part}


@dataclass(frozen=True)
class Verdict:
    """The series' latest point, its variation, and the assurance against its target."""

    point: Point
    assurance_key: str | None
    points: int               # points in the latest part (the ones its limits belong to)

    @property
    def period(self) -> dt.date:
        return self.point.period

    @property
    def variation(self) -> str:
        return self.point.variation

    @property
    def assurance(self) -> str | None:
        return contract.spc_words().assurance[self.assurance_key] if self.assurance_key else None

    @property
    def provisional(self) -> bool:
        return self.point.provisional

    @property
    def limits_from(self) -> dt.date:
        return self.point.limits_from


@dataclass(frozen=True)
class Series:
    polarity: str
    points: tuple[Point, ...]

    @property
    def latest(self) -> Verdict | None:
        if not self.points:
            return None
        last = self.points[-1]
        return Verdict(last, assurance_key(last.lower_limit, last.upper_limit, last.target, self.polarity),
                       sum(1 for p in self.points if p.part == last.part))

    def rows(self) -> list[dict]:
        return [p.row() for p in self.points]


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return dt.date(value.year, value.month, 1)


def analyse(periods: Iterable, values: Iterable, polarity: str, targets: Iterable | None = None, *,
            rebases: Iterable = (), fix_after_n_points: int | None = None,
            screen_outliers: bool = True) -> Series:
    """Read a monthly series: `periods` (dates; their month counts), `values` (None or NaN: no
    figure, left out), `polarity` higher / lower / neutral (anything else is read as neutral), `targets` beside the values,
    `rebases` the months new limits start from, `fix_after_n_points` to work a part's limits
    out from its first n points only (at least 12, as the package requires)."""
    if fix_after_n_points is not None and fix_after_n_points < FEWEST_FIXED_POINTS:
        raise ValueError(f"fix_after_n_points must be at least {FEWEST_FIXED_POINTS}")
    periods = [_month(p) for p in periods]
    values = list(values)
    targets = list(targets) if targets is not None else [None] * len(periods)
    if not len(periods) == len(values) == len(targets):
        raise ValueError("periods, values and targets differ in length")
    # v == v: not NaN (a blank cell read as a float)
    kept = sorted((p, float(v), float(t) if t is not None and t == t else None)
                  for p, v, t in zip(periods, values, targets) if v is not None and v == v)
    if len({p for p, _, _ in kept}) != len(kept):
        raise ValueError("a month appears twice in one series")
    starts = sorted({_month(m) for m in rebases})
    parts: dict[int, list[tuple]] = {}
    for row in kept:
        parts.setdefault(bisect.bisect_right(starts, row[0]), []).append(row)
    points: list[Point] = []
    for index, (_, rows) in enumerate(sorted(parts.items())):
        points.extend(_part(rows, index, polarity, fix_after_n_points, screen_outliers))
    return Series(polarity, tuple(points))


def _part(rows: list[tuple], index: int, polarity: str, fix_after: int | None, screen: bool) -> list[Point]:
    ys = [v for _, v, _ in rows]
    fixed = ys[:fix_after] if fix_after else ys
    lim = limits(fixed, screen)
    outside = [lim.upper is not None and (y > lim.upper or y < lim.lower) for y in ys]
    side = [_sign(y - lim.centre) for y in ys]
    close = [lim.upper is not None and not out and (y < lim.lower_near or y > lim.upper_near)
             for y, out in zip(ys, outside)]
    flags = [int(c) for c in close]
    part_two = part_of_two_in_three(two_in_three(flags, side), flags) if any(flags) else flags
    labelled = special_cause_type(ys, part_of_seven_trend(seven_point_trend(ys)), part_two,
                                  part_of_seven_trend(seven_point_one_side_mean(side)), side, outside)
    first, last = rows[0][0], rows[len(fixed) - 1][0]
    variations = {direction: variation_key(direction, polarity) for direction in (1, -1, 0)}
    provisional = len(rows) < FIRM_LIMITS_POINTS
    return [Point(p, v, t, index, first, lim.centre, lim.lower, lim.upper, lim.lower_near, lim.upper_near, rule,
                  direction, variations[direction], provisional, first, last)
            for (p, v, t), (rule, direction) in zip(rows, labelled)]


# ------------------------------------------------------------------------------ sentences --
def _consecutive(months: Sequence[dt.date]) -> bool:
    return all((b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in zip(months, months[1:]))


def _run_at_end(points: Sequence[Point], same: Callable[[Point, Point], bool]) -> list[Point]:
    """The latest point and those before it in its part while `same(earlier, later)` holds."""
    run = [points[-1]]
    for earlier in reversed(points[:-1]):
        if earlier.part != run[0].part or not same(earlier, run[0]):
            break
        run.insert(0, earlier)
    return run


def sentence(series: Series, show: Callable[[float], str], label: str | None = None) -> str | None:
    """The "what changed" lead for a series: its latest point's signal, in words, e.g.
    "Re-referrals within 12 months: special cause improvement: the last 8 months below the
    average of 24.1% (Apr 2024 to Mar 2026)." `show` formats a figure in the indicator's unit."""
    verdict = series.latest
    if verdict is None:
        return None
    words = contract.spc_words().sentences
    last = verdict.point
    if last.variation_key == "neither":
        head = words["neither_high" if last.direction > 0 else "neither_low"]
    else:
        head = last.variation
    high = last.direction > 0
    fields = {"value": show(last.value), "centre": show(last.centre),
              "first": month_short(last.centre_first), "last": month_short(last.centre_last)}
    if last.upper_limit is not None:
        fields.update(lower=show(last.lower_limit), upper=show(last.upper_limit))
    run: list[Point] = [last]
    if last.upper_limit is None:
        detail = words["no_limits"].format(n=verdict.points)
    elif last.rule_key is None:
        detail = words["common"].format(**fields)
    else:
        if last.rule_key == "shift":
            run = _run_at_end(series.points, lambda a, b: _sign(a.value - a.centre) == _sign(b.value - b.centre))
        elif last.rule_key == "trend":
            run = _run_at_end(series.points, lambda a, b: _sign(b.value - a.value) == (1 if high else -1))
        elif last.rule_key == "two_of_three":
            run = [p for p in series.points if p.part == last.part][-3:]
        months = words["months"] if _consecutive([p.period for p in run]) else words["figures"]
        key = f"{last.rule_key}_{'high' if high else 'low'}"
        detail = words[key].format(n=len(run), months=months, **fields)
    text = f"{head}: {detail}"
    if verdict.provisional and last.upper_limit is not None:
        text += "; " + words["provisional"].format(n=verdict.points, needed=FIRM_LIMITS_POINTS)
    return f"{label}: {text}." if label else f"{text}."
