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
