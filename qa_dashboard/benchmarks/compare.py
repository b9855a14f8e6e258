"""Pure functions the System health and Workforce pages use with the benchmarks queries
(`benchmarks_series`, `benchmarks_ranking`, `benchmarks_latest`). No Streamlit, no SQL.

Published figures are annual (year ending 31 March) and the local ones monthly: where both
describe the same thing they are shown side by side under their own labels, never joined into
one line (`annual_lines` gives each published series its own name and a 31 March date).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import metrics

LEVELS = ("Local authority", "Statistical neighbours", "Region", "England")
SCORECARD_COLUMNS = {"Statistical neighbours": "stat_neighbours", "Region": "region", "England": "england"}
PUBLISHED = "DfE published, year to 31 March"


def financial_year(year_ending_march: int) -> str:
    """2025 (the year ending 31 March 2025) is written 2024-25."""
    return f"{year_ending_march - 1}-{year_ending_march % 100:02d}"


def published_comparators_needed(kpi_rows: pd.DataFrame) -> bool:
    """True when the uploaded scorecard rows for an indicator carry no comparator of their own:
    only then does a page draw the published ones (an uploaded comparator is the officer's choice)."""
    columns = [c for c in SCORECARD_COLUMNS.values() if c in kpi_rows.columns]
    return kpi_rows.empty or not columns or kpi_rows[columns].isna().all().all()


def annual_lines(series: pd.DataFrame) -> pd.DataFrame:
    """`benchmarks_series` rows -> chart rows: each published series named for the legend with
    its source ("England · DfE published, year to 31 March"), dated 31 March of its year so it
    can sit on a monthly time axis without being joined to a monthly line."""
    if series.empty:
        return series.assign(period=pd.Series(dtype="datetime64[ns]"), line=pd.Series(dtype=str))
    lines = series.copy()
    lines["period"] = pd.to_datetime([dt.date(int(y), 3, 31) for y in lines["year"]])
    lines["line"] = lines["series"] + " · " + PUBLISHED
    return lines.sort_values(["series_order", "year"]).reset_index(drop=True)


def fill_scorecard_comparators(scorecard: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """Scorecard rows (`indicator`, `stat_neighbours`, `region`, `england`) with the latest
    published comparators filled in for indicators the upload gave none for, and
    `comparators_from` saying where each row's came from ("upload", "DfE 2024-25", or "")."""
    filled = scorecard.copy()
    for column in SCORECARD_COLUMNS.values():
        if column not in filled.columns:
            filled[column] = float("nan")
    filled["comparators_from"] = ""
    published = {(row.indicator, row.geography_level): row for row in latest.itertuples(index=False)}
    for position, row in filled.iterrows():
        if not all(pd.isna(row[c]) for c in SCORECARD_COLUMNS.values()):
            filled.at[position, "comparators_from"] = "upload"
            continue
        years = []
        for level, column in SCORECARD_COLUMNS.items():
            figure = published.get((row["indicator"], level))
            if figure is not None and not pd.isna(figure.value):
                filled.at[position, column] = figure.value
                years.append(int(figure.year))
        if years:
            filled.at[position, "comparators_from"] = "DfE " + ", ".join(financial_year(y) for y in sorted(set(years)))
    return filled


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
