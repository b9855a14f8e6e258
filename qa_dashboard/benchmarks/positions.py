"""Where every authority sits among all authorities, as DfE's LAIT gives it: a rank, a quartile
band A-D, and the rank among its statistical neighbours and within its region, for every published
indicator and year (issue 20; DATA_CONTRACT section 5, `benchmark_positions`).

`positions` is pure (no database, no pandas): the `benchmarks` rows of local authorities, each
indicator's polarity, each authority's neighbours and region in, one `Position` per published
figure out. `store_positions` writes them inside a load's transaction (once per load of DfE
files, in the last file's transaction; every undo of one; and when a database written before
positions existed, or left stale by a load cut short, is next written), so the pages read a table
instead of ranking 150 authorities on every view.

- Rank 1 is the best end by polarity (the smallest figure when lower is better); ties share the
  best rank (1, 2, 2, 4). Only authorities with a published figure that year are ranked: a
  suppressed figure is an absent row, never a zero. Authorities that merged or split count in the
  years they published.
- Band A when rank <= of_count / 4, B when <= of_count / 2, C when <= 3 x of_count / 4, else D:
  A is always the best quarter, whatever the polarity.
- Neutral indicators (referrals per 10,000 ...) have no rank and no band: higher is not worse.
  Their position is said against the middle half of authorities (between the lower and upper
  quartiles, interpolated as a spreadsheet's QUARTILE.INC does), which every indicator also gets.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

BANDS = ("A", "B", "C", "D")
# The middle-half words, by where the figure falls against the lower and upper quartiles.
ABOVE, WITHIN, BELOW = "above", "within", "below"


class Figure(NamedTuple):
    """One authority's published figure (a `benchmarks` row at geography_level 'Local authority')."""
    year: int
    indicator: str
    area_code: str
    area_name: str
    value: float


class Position(NamedTuple):  # a named tuple: 12,000 of them per load, made and stored quickly
    year: int
    indicator: str
    area_code: str
    area_name: str
    value: float
    rank: int | None            # 1 = best end; None for a neutral indicator
    of_count: int               # authorities with a published figure that year
    quartile_band: str | None   # A (best quarter) .. D; None for a neutral indicator
    sn_rank: int | None         # among the authority and its neighbours that published that year
    sn_of: int | None
    region_rank: int | None     # among its region's authorities that published that year
    region_of: int | None
    lower_quartile: float
    median: float
    upper_quartile: float
    middle_half: str            # above, within or below the middle half of authorities


COLUMNS = Position._fields


def competition_ranks(values: Mapping[str, float], polarity: str) -> dict[str, int]:
    """Rank 1 the best end by polarity; equal figures share the best rank (1, 2, 2, 4)."""
    lower_is_better = polarity == "lower"
    ordered = sorted(values.values(), reverse=not lower_is_better)
    first_at: dict[float, int] = {}
    for place, value in enumerate(ordered, start=1):
        first_at.setdefault(value, place)
    return {key: first_at[value] for key, value in values.items()}


def _better(value: float, than: float, polarity: str) -> bool:
    return value < than if polarity == "lower" else value > than


def quartile_band(rank: int, of_count: int) -> str:
    """A when rank <= of_count / 4, B when <= of_count / 2, C when <= 3 x of_count / 4, else D
    (compared as whole numbers: rank x 4 against of_count x 1, 2, 3)."""
    for quarter, band in enumerate(BANDS[:3], start=1):
        if rank * 4 <= of_count * quarter:
            return band
    return BANDS[3]


def quantile(sorted_values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (QUARTILE.INC, numpy's default)."""
    where = (len(sorted_values) - 1) * share
    below = int(where)
    above = min(below + 1, len(sorted_values) - 1)
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * (where - below)


def middle_half(value: float, lower_quartile: float, upper_quartile: float) -> str:
    if value > upper_quartile:
        return ABOVE
    if value < lower_quartile:
        return BELOW
    return WITHIN


def positions(figures: Iterable[Figure], polarity: Mapping[str, str], neighbours: Mapping[str, Iterable[str]],
              region: Mapping[str, str | None]) -> list[Position]:
    """Every published figure's position among all authorities that year, among the authority
    and its statistical neighbours (`neighbours`: area code -> its neighbours' area codes) and
    within its region (`region`: area code -> region code). `polarity` is each indicator's
    `higher`, `lower` or `neutral` (anything unknown is treated as neutral: never ranked)."""
    by_year: dict[tuple[int, str], dict[str, Figure]] = defaultdict(dict)
    for figure in figures:
        if figure.value is not None:
            by_year[(figure.year, figure.indicator)].setdefault(figure.area_code, figure)
    result = []
    for (year, indicator), published in sorted(by_year.items()):
        direction = polarity.get(indicator, "neutral")
        ranked = direction in ("higher", "lower")
        values = {code: figure.value for code, figure in published.items()}
        ranks = competition_ranks(values, direction) if ranked else {}
        in_order = sorted(values.values())
        lower, median, upper = (quantile(in_order, share) for share in (0.25, 0.5, 0.75))
        regions: dict[str | None, dict[str, float]] = defaultdict(dict)
        for code, value in values.items():
            regions[region.get(code)][code] = value
        region_ranks = {}
        if ranked:
            for region_code, members in regions.items():
                if region_code is not None:
                    region_ranks.update(competition_ranks(members, direction))
        for code, figure in sorted(published.items()):
            sn_rank = sn_of = None
            group = [values[n] for n in neighbours.get(code, ()) if n in values and n != code]
            if ranked and group:
                sn_rank, sn_of = 1 + sum(1 for other in group if _better(other, figure.value, direction)), len(group) + 1
            region_code = region.get(code)
            in_region = ranked and region_code is not None
            result.append(Position(
                year, indicator, code, figure.area_name, figure.value,
                ranks.get(code), len(values), quartile_band(ranks[code], len(values)) if ranked else None,
                sn_rank, sn_of, region_ranks.get(code) if in_region else None,
                len(regions[region_code]) if in_region else None,
                lower, median, upper, middle_half(figure.value, lower, upper)))
    return result
