"""Pure functions the System health and Workforce pages use with the benchmarks queries
(`benchmarks_series`, `benchmarks_ranking`, `benchmarks_latest`). No Streamlit, no SQL.

Published figures are annual (year ending 31 March) and the local ones monthly: where both
describe the same thing they are shown side by side under their own labels, never joined into
one line.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import contract, metrics, periods

SCORECARD_COLUMNS = {label: column for column, label in contract.comparator_labels(with_target=False).items()}
PUBLISHED = "DfE published, year to 31 March"


def financial_year(year_ending_march: int) -> str:
    """2025 (the year ending 31 March 2025) is written 2024-25."""
    return periods.financial_year_label(dt.date(year_ending_march, 3, 1))


@dataclass(frozen=True)
class Standing:
    position: int   # 1 = highest figure
    of: int
    group: str      # "statistical neighbours" or the region's name
    year: int
    sentence: str


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def standing(ranking: pd.DataFrame, year: int, polarity: str, among: str = "neighbours") -> Standing | None:
    """Where the chosen authority stands in a `benchmarks_ranking` frame, in words: among its
    statistical neighbours (`among="neighbours"`) or its region's authorities (`"region"`).
    None when its own figure is not published that year."""
    column, flag = (("position_among_neighbours", "is_neighbour") if among == "neighbours"
                    else ("position_in_region", "in_region"))
    ours = ranking[ranking["is_authority"]]
    if ours.empty or pd.isna(ours.iloc[0][column]):
        return None
    me = ours.iloc[0]
    group = ranking[(ranking[flag] | ranking["is_authority"]) & ranking["value"].notna()]
    position, of = int(me[column]), len(group)
    if among == "neighbours":
        who = f"itself and {of - 1} statistical neighbour{'s' if of != 2 else ''}"
        group_name = "statistical neighbours"
    else:
        who = f"the {of} authorities of {me['region_name']}"
        group_name = str(me["region_name"])
    where = "the highest" if position == 1 else f"the {ordinal(position)} highest"
    sentence = (f"In {financial_year(year)} {me['area_name']} had {where} figure of {who}; "
                f"{metrics.better_phrase(polarity)}.")
    return Standing(position, of, group_name, year, sentence)


# ------------------------------------------------------------- among every authority --
def latest_positions(positions: pd.DataFrame) -> dict[str, dict]:
    """Each indicator's latest row of `benchmark_positions_chosen`: the authority's position among
    every authority in the latest year it published a figure."""
    if positions.empty:
        return {}
    latest = positions.sort_values("year").groupby("indicator", sort=False).tail(1)
    return {row["indicator"]: row for row in latest.to_dict("records")}


def _is_ranked(position: dict) -> bool:
    return isinstance(position.get("quartile_band"), str)


def band_among(position: dict) -> str:
    """`Band C among 149 (2023-24)`; for a neutral indicator (no band) `Above the middle half of
    authorities (2023-24)`: the scorecard's and the tiles' words."""
    if _is_ranked(position):
        return f"Band {position['quartile_band']} among {int(position['of_count'])} ({position['financial_year']})"
    words = contract.load().middle_half_words[position["middle_half"]]
    return f"{words[0].upper()}{words[1:]} ({position['financial_year']})"


def position_sentence(position: dict, polarity: str, unit: str) -> str:
    """Where the authority sits among every authority, beside the published figure: `Band C: 110th
    of 149, 2023-24`, what the band means, and its rank with its neighbours and in its region; for
    a neutral indicator its figure against the middle half (lower to upper quartile) instead."""
    year = position["financial_year"]
    if not _is_ranked(position):
        words = contract.load().middle_half_words[position["middle_half"]]
        return (f"{words[0].upper()}{words[1:]}, {year}: {metrics.format_value(position['value'], unit)} against a "
                f"middle half of {metrics.format_value(position['lower_quartile'], unit)} to "
                f"{metrics.format_value(position['upper_quartile'], unit)} (median "
                f"{metrics.format_value(position['median'], unit)}) among {int(position['of_count'])} authorities. "
                "Neither higher nor lower is better, so no rank or band.")
    band = position["quartile_band"]
    best = "lowest" if polarity == "lower" else "highest"
    text = (f"Band {band}: {ordinal(int(position['rank']))} of {int(position['of_count'])}, {year} "
            f"({contract.load().band_meanings[band]}; 1st has the {best} figure, the best end).")
    groups = [(position.get("sn_rank"), position.get("sn_of"), "with its statistical neighbours"),
              (position.get("region_rank"), position.get("region_of"), "in its region")]
    said = [f"{ordinal(int(rank))} of {int(of)} {where}" for rank, of, where in groups
            if not metrics.is_missing(rank) and not metrics.is_missing(of)]
    if said:
        text += f" {'; '.join(said)}."
    return text[0].upper() + text[1:]


def bands_over_years(positions: pd.DataFrame, indicator: str) -> str:
    """The band of each year as a row of letters, oldest first, a dash for a year without a
    published figure: `Band by year, 2016-17 to 2023-24: B B C C – D C C`. Empty for a neutral
    indicator or when nothing is published."""
    rows = positions[(positions["indicator"] == indicator) & positions["quartile_band"].notna()]
    if rows.empty:
        return ""
    by_year = dict(zip(rows["year"].astype(int), rows["quartile_band"]))
    years = range(min(by_year), max(by_year) + 1)
    letters = " ".join(by_year.get(year, "–") for year in years)
    return f"Band by year, {financial_year(min(by_year))} to {financial_year(max(by_year))}: {letters}"


def positions_table(positions: pd.DataFrame, labels: dict[str, str], units: dict[str, str]) -> pd.DataFrame:
    """The authority's latest band and ranks for each published indicator (labels: code -> the
    catalogue's label, in the catalogue's order): what the board pack's table shows."""
    latest = latest_positions(positions)
    rows = []
    for code, label in labels.items():
        position = latest.get(code)
        if position is None:
            continue
        ranked = _is_ranked(position)
        groups = [(position.get("sn_rank"), position.get("sn_of")), (position.get("region_rank"), position.get("region_of"))]
        with_neighbours, in_region = (f"{ordinal(int(rank))} of {int(of)}"
                                      if not (metrics.is_missing(rank) or metrics.is_missing(of)) else ""
                                      for rank, of in groups)
        rows.append({
            "Indicator": label, "Year": position["financial_year"],
            "Figure": metrics.format_value(position["value"], units.get(code, "")),
            "Band": position["quartile_band"] if ranked else "",
            "Among all authorities": (f"{ordinal(int(position['rank']))} of {int(position['of_count'])}" if ranked
                                      else contract.load().middle_half_words[position["middle_half"]]),
            "With statistical neighbours": with_neighbours, "In the region": in_region})
    return pd.DataFrame(rows)


def among_every_authority(positions: pd.DataFrame, indicator: str, polarity: str, unit: str) -> tuple[str, str, int] | None:
    """What the published comparison says of one indicator among every authority, from the
    `benchmark_positions_chosen` rows: (position sentence, bands by year, latest year), or None
    when the authority has no published figure for it (kept whole in the page's cache)."""
    latest = latest_positions(positions).get(indicator)
    if latest is None:
        return None
    return position_sentence(latest, polarity, unit), bands_over_years(positions, indicator), int(latest["year"])
