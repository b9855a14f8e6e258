"""What the Voice of the child and family page shows, worked out from its query frames: survey
results by financial quarter, how many people were heard, their comments, and compliments and
complaints. Pure functions (no Streamlit), tested with hand-made feedback. The shared ground
(windows of quarters, how a share and a move are written) is in `voice/common.py`; the charts
are in `charts/voice.py`.

The page counts whole financial quarters. A quarter is the unit every board report uses for
feedback (seed 004's SEND table: "Quarter 4 21/22, Quarter 1 22/23 ..."), so a period that starts
or ends inside a quarter is widened to the whole quarter, and the page says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import metrics, monthly_spc
from qa_dashboard.metrics import Tile
from qa_dashboard.periods import quarter_label, quarter_start  # noqa: F401 - read as voice.quarter_*
from qa_dashboard.voice.common import (  # noqa: F401 - the page and its tests read them as voice.*
    ALL_ANSWERS, ALL_HEARD, ALL_RESPONDENTS, ALL_THEMES, FULL_READING, NO_THEME, POLARITY, SENTIMENTS,
    SMALL_READING, SPLITS, THIS_YEAR, TREND_QUARTERS, YEAR_EARLIER, Windows, as_dates, change_text,
    compliment_sources, delta_colour, move_text, points, positive_share, quarter_starts, respondent_order,
    series_order, share_cell, shares, windows)


# ------------------------------------------------------------------------------ quarters --


# ---------------------------------------------------------------------------- survey --


CHANGE_COLUMN = "Change on the quarter before"


def table_height(rows: int, most: int | None = None) -> int:
    """Pixels for a dataframe showing every row (header included), or `most` rows and a scroll bar."""
    shown = rows if most is None else min(rows, most)
    return 35 * (max(shown, 1) + 1) + 3


@dataclass(frozen=True)
class SurveyTable:
    table: pd.DataFrame     # question × quarter, cells as "62% (n = 13)"
    figures: pd.DataFrame   # the same, one row per question and quarter, as numbers
    change_note: str = ""


def survey_table(counts: pd.DataFrame, win: Windows) -> SurveyTable:
    """Seed 004's layout: one row per question, one column per financial quarter of the period,
    and the latest quarter against the one before it."""
    counts = as_dates(counts, "quarter_start")
    summed = shares(counts, ["question", "quarter_start"])
    in_period = summed[summed["quarter_start"].isin(win.period)]
    if in_period.empty:
        return SurveyTable(pd.DataFrame(), pd.DataFrame())
    shown = [q for q in win.period if in_period["quarter_start"].min() <= q <= in_period["quarter_start"].max()]
    lookup = {(r["question"], r["quarter_start"]): r for r in summed.to_dict("records")}
    latest, before = shown[-1], metrics.add_months(shown[-1], -3)
    rows = []
    for question in sorted(in_period["question"].unique()):
        row = {"Question": question,
               CHANGE_COLUMN: change_text(positive_share(lookup.get((question, latest))),
                                          positive_share(lookup.get((question, before))))}
        for quarter in shown:
            found = lookup.get((question, quarter))
            row[quarter_label(quarter)] = (share_cell(found["positive"], found["answered"], found["excluded"])
                                           if found else "no answers")
        rows.append(row)
    figures = in_period.assign(quarter=in_period["quarter_start"].map(quarter_label))
    figures = figures.sort_values(["question", "quarter_start"])[
        ["question", "quarter", "positive", "neutral", "negative", "answered", "positive_share", "excluded"]
    ].rename(columns={"answered": "n (answers counted)", "positive_share": "positive share %",
                      "excluded": "don't know or blank"})
    figures["positive share %"] = figures["positive share %"].round(1)
    note = f"The change compares {quarter_label(latest)} with {quarter_label(before)}."
    return SurveyTable(pd.DataFrame(rows), figures.reset_index(drop=True), note)


def survey_trend(counts: pd.DataFrame, question: str, split: str | None, win: Windows) -> pd.DataFrame:
    """The positive share of one question per quarter of the trend window, one series per
    respondent type or service area (or one for all answers). Every series has a row for every
    quarter; a quarter without answers has no share (a gap in the line, never a zero)."""
    counts = as_dates(counts, "quarter_start")
    chosen = counts[(counts["question"] == question) & counts["quarter_start"].isin(win.trend)]
    chosen = chosen.assign(series=chosen[split] if split else ALL_ANSWERS)
    summed = shares(chosen, ["series", "quarter_start"]) if not chosen.empty else None
    order = series_order(chosen["series"], split) if split else [ALL_ANSWERS]
    grid = pd.MultiIndex.from_product([order, win.trend], names=["series", "quarter_start"]).to_frame(index=False)
    trend = grid.merge(summed, how="left", on=["series", "quarter_start"]) if summed is not None else grid
    for column in SENTIMENTS + ["answered"]:
        trend[column] = trend[column].fillna(0).astype(int) if column in trend else 0
    if "positive_share" not in trend:
        trend["positive_share"] = None
    trend["quarter"] = trend["quarter_start"].map(quarter_label)
    trend["reading"] = [None if n == 0 else SMALL_READING if n < metrics.SMALL_N else FULL_READING
                        for n in trend["answered"]]
    return trend[["series", "quarter_start", "quarter", "positive", "neutral", "negative", "answered",
                  "excluded", "positive_share", "reading"]]


def survey_trend_figures(trend: pd.DataFrame, split: str | None) -> pd.DataFrame:
    """The chart's figures for download: quarters with answers only (a blank is a gap)."""
    name = {"respondent": "respondent", "service_area": "service area"}.get(split, "answers")
    shown = trend[(trend["answered"] > 0) | (trend["excluded"] > 0)]
    return shown.rename(columns={"series": name, "answered": "n (answers counted)",
                                 "positive_share": "positive share %", "excluded": "don't know or blank"}) \
        .drop(columns=["quarter_start", "reading"]) \
        .assign(**{"positive share %": lambda f: f["positive share %"].astype(float).round(1)}) \
        .reset_index(drop=True)


def question_choices(counts: pd.DataFrame, win: Windows) -> list[str]:
    """Questions answered in the period, most answered first (the ones most people were asked)."""
    counts = as_dates(counts, "quarter_start")
    in_period = counts[counts["quarter_start"].isin(win.period)]
    totals = in_period.groupby("question")[SENTIMENTS].sum().sum(axis=1)
    return sorted(totals.index, key=lambda q: (-totals[q], q))


# ------------------------------------------------------------------------------ heard --


def heard_table(heard: pd.DataFrame, win: Windows) -> pd.DataFrame:
    """People heard in each quarter of the period, by respondent type and all together, against
    the same quarter a year earlier. A quarter with feedback but none from a respondent type reads
    0 for that type; a quarter with no feedback loaded at all has no figure."""
    heard = as_dates(heard, "quarter_start")
    with_feedback = set(heard.loc[heard["all_respondents"], "quarter_start"])
    counts = {(ALL_HEARD if r["all_respondents"] else r["respondent"], r["quarter_start"]): int(r["people_heard"])
              for r in heard.to_dict("records")}
    types = [ALL_HEARD] + respondent_order(heard.loc[~heard["all_respondents"], "respondent"])

    def heard_in(kind: str, quarter: dt.date):
        if quarter not in with_feedback:
            return None
        return counts.get((kind, quarter), 0)

    rows = []
    for quarter in win.period:
        if quarter not in with_feedback:
            continue
        earlier = metrics.add_months(quarter, -12)
        for kind in types:
            now, before = heard_in(kind, quarter), heard_in(kind, earlier)
            move = metrics.direction(now, before, POLARITY)
            change = "no figure a year earlier" if move.delta is None else (
                "▶ no change" if move.word == "no change" else
                f"{move.arrow} {abs(int(move.delta))} {'more' if move.delta > 0 else 'fewer'}, {move.word}")
            rows.append({"quarter": quarter_label(quarter), "respondent": kind, "people heard": now,
                         "same quarter a year earlier": before,
                         "change (more heard is better)": change})
    table = pd.DataFrame(rows, columns=["quarter", "respondent", "people heard", "same quarter a year earlier",
                                        "change (more heard is better)"])
    table["same quarter a year earlier"] = table["same quarter a year earlier"].astype("Int64")
    table["people heard"] = table["people heard"].astype("Int64")
    return table


def heard_in_progress(heard: pd.DataFrame, win: Windows) -> str | None:
    """A note when the latest quarter's feedback stops before the quarter's last month."""
    heard = as_dates(heard, "quarter_start", "last_month")
    latest = heard[heard["all_respondents"] & (heard["quarter_start"] == win.latest)]
    if latest.empty:
        return None
    last_month = latest["last_month"].iloc[0]
    if last_month >= metrics.add_months(win.latest, 2):
        return None
    return (f"{quarter_label(win.latest)} holds feedback up to {metrics.month_label(last_month)} only: "
            "it is not a whole quarter yet, so read its counts against a year earlier with care.")


# --------------------------------------------------------------------------- comments --
def theme_options(comments: pd.DataFrame) -> list[str]:
    themes = sorted(t for t in comments["Theme"].dropna().unique())
    return [ALL_THEMES] + themes + ([NO_THEME] if comments["Theme"].isna().any() else [])


def respondent_options(comments: pd.DataFrame) -> list[str]:
    return [ALL_RESPONDENTS] + respondent_order(comments["Who"])


def filter_comments(comments: pd.DataFrame, theme: str = ALL_THEMES, respondent: str = ALL_RESPONDENTS,
                    search: str = "") -> pd.DataFrame:
    """Comments (as `comments_for_reading` gives them) of one theme and respondent type whose
    words contain `search` (any case, taken literally: no wildcards), newest first."""
    keep = pd.Series(True, index=comments.index)
    if theme == NO_THEME:
        keep &= comments["Theme"].isna()
    elif theme != ALL_THEMES:
        keep &= comments["Theme"] == theme
    if respondent != ALL_RESPONDENTS:
        keep &= comments["Who"] == respondent
    if search and search.strip():
        keep &= comments["Comment"].str.contains(search.strip(), case=False, regex=False, na=False)
    return comments[keep].reset_index(drop=True)


def comments_for_reading(comments: pd.DataFrame) -> pd.DataFrame:
    """The query's comments with the columns a reader needs, in plain words, newest first.
    Nothing that points to a person; `comment_key` (a hash) stays last, for choosing comments
    for the board pack, and is not shown."""
    shown = as_dates(comments, "response_date")
    return shown.rename(columns={"response_date": "Date", "respondent": "Who", "service_area": "Service area",
                                 "team": "Team", "source": "How heard", "theme": "Theme", "comment": "Comment"})[
        ["Date", "Comment", "Theme", "Who", "Service area", "Team", "How heard", "comment_key"]].reset_index(drop=True)


def comment_heading(row: dict) -> str:
    """The line above a comment read in full: when, who, where and the theme, no names."""
    parts = [f"{row['Date']:%d %B %Y}", row["Who"], row["Service area"]]
    if isinstance(row.get("Team"), str):
        parts.append(row["Team"])
    if isinstance(row.get("Theme"), str):
        parts.append(row["Theme"])
    return " · ".join(str(p) for p in parts)


# -------------------------------------------------------------- compliments, complaints --
COMPLIMENTS, COMPLAINTS = "Compliments", "Complaints"


def any_compliments_or_complaints(cc: pd.DataFrame) -> bool:
    return bool(cc["compliments"].sum() + cc["complaints"].sum()) if not cc.empty else False


def compliments_by_quarter(cc: pd.DataFrame, win: Windows) -> pd.DataFrame:
    """Compliments and complaints per quarter of the trend window; a quarter with no feedback
    loaded at all has no figure (a gap), one with feedback but none of either reads 0."""
    cc = as_dates(cc, "quarter_start")
    summed = cc.groupby("quarter_start")[["compliments", "complaints"]].sum()
    rows = []
    for quarter in win.trend:
        for kind, column in ((COMPLIMENTS, "compliments"), (COMPLAINTS, "complaints")):
            value = int(summed.loc[quarter, column]) if quarter in summed.index else None
            rows.append({"series": kind, "quarter_start": quarter, "quarter": quarter_label(quarter), "count": value})
    frame = pd.DataFrame(rows)
    frame["count"] = frame["count"].astype("Float64").astype(float)
    return frame


def compliments_quarter_table(by_quarter: pd.DataFrame) -> pd.DataFrame:
    wide = by_quarter.pivot(index=["quarter_start", "quarter"], columns="series", values="count").reset_index()
    wide = wide.sort_values("quarter_start").drop(columns="quarter_start")
    wide.columns.name = None
    for column in (COMPLIMENTS, COMPLAINTS):
        wide[column] = wide[column].astype("Int64")
    return wide[["quarter", COMPLIMENTS, COMPLAINTS]].rename(columns=str.lower).reset_index(drop=True)


def compliments_by_service(cc: pd.DataFrame, win: Windows) -> pd.DataFrame:
    """Compliments and complaints per service area over the period's quarters."""
    cc = as_dates(cc, "quarter_start")
    in_period = cc[cc["quarter_start"].isin(win.period)]
    table = in_period.groupby("service_area", as_index=False)[["compliments", "complaints"]].sum()
    return table.rename(columns={"service_area": "service area"}).sort_values("service area").reset_index(drop=True)


# ------------------------------------------------------------------------------ tiles --


def heard_tile(heard: pd.DataFrame, win: Windows) -> Tile:
    latest, year_before = win.latest, metrics.add_months(win.latest, -12)
    heard = as_dates(heard, "quarter_start")
    totals = {q: int(n) for q, n in zip(heard.loc[heard["all_respondents"], "quarter_start"],
                                        heard.loc[heard["all_respondents"], "people_heard"])}
    now, then = totals.get(latest), totals.get(year_before)
    move = metrics.direction(now, then, POLARITY)
    return Tile(
        "People heard", "no feedback" if now is None else f"{now:,}", move_text(move), delta_colour(move.word),
        lines=[f"A year earlier ({quarter_label(year_before)}): {'no feedback' if then is None else f'{then:,}'}.",
         "Children and families, one per person. More heard is better."])


def positive_tile(counts: pd.DataFrame, win: Windows) -> Tile:
    latest, before = win.latest, metrics.add_months(win.latest, -3)
    counts = as_dates(counts, "quarter_start")
    by_quarter = {r["quarter_start"]: r for r in shares(counts, ["quarter_start"]).to_dict("records")} \
        if not counts.empty else {}
    current, previous = by_quarter.get(latest), by_quarter.get(before)
    share_now, share_before = positive_share(current), positive_share(previous)
    move = metrics.direction(share_now, share_before, POLARITY)

    def cell(row) -> str:
        return share_cell(row["positive"], row["answered"], row["excluded"]) if row else "no answers"

    return Tile(
        "Positive answers", "no answers" if share_now is None else f"{share_now:.0f}%",
        move_text(move, " points"), delta_colour(move.word),
        lines=[f"{quarter_label(latest)}: {cell(current)}.", f"The quarter before ({quarter_label(before)}): {cell(previous)}.",
         "All survey questions together. Higher is better."])


def compliments_tiles(cc: pd.DataFrame, win: Windows) -> list[Tile]:
    latest, year_before = win.latest, metrics.add_months(win.latest, -12)
    cc = as_dates(cc, "quarter_start")
    summed = cc.groupby("quarter_start")[["compliments", "complaints"]].sum()
    tiles = []
    for label, column, note in (
        (COMPLIMENTS, "compliments", "More is better."),
        (COMPLAINTS, "complaints", "Fewer is usually better, though a rise can mean people find it easier to complain."),
    ):
        now = int(summed.loc[latest, column]) if latest in summed.index else None
        then = int(summed.loc[year_before, column]) if year_before in summed.index else None
        move = metrics.direction(now, then, "neutral")
        tiles.append(Tile(label, "no feedback" if now is None else str(now), move_text(move), "off",
                          lines=[f"A year earlier ({quarter_label(year_before)}): {'no feedback' if then is None else then}.",
                           note]))
    return tiles


def headline_tiles(counts: pd.DataFrame, heard: pd.DataFrame, cc: pd.DataFrame, win: Windows) -> list[Tile]:
    """The latest quarter of the period in four figures, each against an earlier quarter."""
    return [heard_tile(heard, win), positive_tile(counts, win), *compliments_tiles(cc, win)]


# --------------------------------------------------------------------------- XmR chart --
POSITIVE_BY_MONTH = "Positive answers, all survey questions"


def positive_spc(by_month: pd.DataFrame, start: dt.date, end: dt.date) -> monthly_spc.MonthlySpc:
    """The headline positive share (every survey question together, the Positive answers tile)
    month by month as an XmR chart (higher is better), from the `voice_positive_by_month` rows:
    every month with answers loaded for the chosen service area and team. A month without
    answers is absent, never 0%."""
    months = list(as_dates(by_month, "month")["month"])
    shares = [metrics.Share(int(p), int(n)).percent for p, n in zip(by_month["positive"], by_month["answered"])]
    return monthly_spc.read(POSITIVE_BY_MONTH, months, shares, POLARITY, "%", "Positive share %", start, end,
                            counts=[int(n) for n in by_month["answered"]], count_title="n (answers counted)")


# ------------------------------------------------------------------- the page, prepared --
# Each part is worked out from one query's frame by `cached.derived`, so a rerun with nothing
# new (a search, a click elsewhere on the page) costs a cache lookup, not the arithmetic again.
# They take the period as dates, which the cache can key on. The parts with charts are in
# `charts/voice.py`.
@dataclass(frozen=True)
class SurveyPart:
    table: SurveyTable
    questions: list[str]
    tile: Tile


def survey_part(counts: pd.DataFrame, start: dt.date, end: dt.date) -> SurveyPart:
    win = windows(start, end)
    return SurveyPart(survey_table(counts, win), question_choices(counts, win) if not counts.empty else [],
                      positive_tile(counts, win))
