"""What the Voice of the child and family page shows, worked out from its query frames: survey
results by financial quarter, how many people were heard, their comments, and compliments and
complaints. Pure functions (no Streamlit), tested with hand-made feedback.

The page counts whole financial quarters. A quarter is the unit every board report uses for
feedback (seed 004's SEND table: "Quarter 4 21/22, Quarter 1 22/23 ..."), so a period that starts
or ends inside a quarter is widened to the whole quarter, and the page says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from qa_dashboard import contract, metrics
from qa_dashboard.periods import quarter_label, quarter_start, quarter_starts
from qa_dashboard.metrics import Tile
from qa_dashboard.charts import PALETTE
from qa_dashboard.contract import squash

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
END_LABELS_UP_TO = 3  # more lines than this and their end labels overprint: the legend names them
DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [10, 4], [4, 2, 1, 2], [3, 6]]


# ------------------------------------------------------------------------------ quarters --
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

    def params(self, service_area: str | None, team: str | None) -> tuple:
        """The `?` parameters every voice query takes after its own: months, then filters."""
        return (self.data_start, self.end_exclusive, service_area, service_area, team, team)

    def period_params(self, service_area: str | None, team: str | None) -> tuple:
        """The same for the period's quarters only (the comments)."""
        return (self.period[0], self.end_exclusive, service_area, service_area, team, team)

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


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


# ---------------------------------------------------------------------------- survey --
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


def _share(row) -> float | None:
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
    counts = _dates(counts, "quarter_start")
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
               CHANGE_COLUMN: change_text(_share(lookup.get((question, latest))),
                                          _share(lookup.get((question, before))))}
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


def _series_order(values, split: str | None) -> list[str]:
    present = [v for v in pd.unique(values) if isinstance(v, str)]
    if split == "respondent":
        known = list(contract.load().respondents)
        return [r for r in known if r in present] + sorted(set(present) - set(known))
    return sorted(present)


def survey_trend(counts: pd.DataFrame, question: str, split: str | None, win: Windows) -> pd.DataFrame:
    """The positive share of one question per quarter of the trend window, one series per
    respondent type or service area (or one for all answers). Every series has a row for every
    quarter; a quarter without answers has no share (a gap in the line, never a zero)."""
    counts = _dates(counts, "quarter_start")
    chosen = counts[(counts["question"] == question) & counts["quarter_start"].isin(win.trend)]
    chosen = chosen.assign(series=chosen[split] if split else ALL_ANSWERS)
    summed = shares(chosen, ["series", "quarter_start"]) if not chosen.empty else None
    order = _series_order(chosen["series"], split) if split else [ALL_ANSWERS]
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
    counts = _dates(counts, "quarter_start")
    in_period = counts[counts["quarter_start"].isin(win.period)]
    totals = in_period.groupby("question")[SENTIMENTS].sum().sum(axis=1)
    return sorted(totals.index, key=lambda q: (-totals[q], q))


def _series_scales(series: list[str], fixed: dict[str, str] | None = None):
    colours = [(fixed or {}).get(s, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    dashes = [DASHES[i % len(DASHES)] for i in range(len(series))]
    return alt.Scale(domain=series, range=colours), alt.Scale(domain=series, range=dashes)


def quarter_lines(frame: pd.DataFrame, value: str, value_title: str, title: str, quarters: list[str],
                  tooltip: list, percent: bool = False, height: int = 360,
                  colours: dict[str, str] | None = None) -> alt.LayerChart:
    """Lines over financial quarters, one per `series`, dashed differently and, when there are
    few enough not to collide, labelled at their last point; a row without a value breaks the
    line (a gap, not a zero). Small samples are drawn as open triangles, named in the legend.
    `height` is the whole chart's, legend and axes included (Streamlit fits the spec to it)."""
    series = list(pd.unique(frame["series"]))
    colour, dash = _series_scales(series, colours)
    x = alt.X("quarter:O", title=None, sort=quarters, scale=alt.Scale(domain=quarters),
              axis=alt.Axis(labelAngle=0 if len(quarters) <= 8 else -45))
    y_scale = alt.Scale(domain=[0, 100]) if percent else alt.Scale(zero=True)
    y = alt.Y(f"{value}:Q", title=value_title, scale=y_scale)
    base = alt.Chart(frame).encode(x=x, y=y, color=alt.Color("series:N", scale=colour, legend=alt.Legend(
        title=None, orient="bottom", labelLimit=400)))
    lines = base.mark_line(strokeWidth=2, invalid="break-paths-show-domains").encode(
        strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None))
    valid = frame[frame[value].notna()]
    points = alt.Chart(valid).encode(x=x, y=y, color=alt.Color("series:N", scale=colour, legend=None),
                                     tooltip=tooltip)
    if "reading" in valid:
        points = points.mark_point(size=60, filled=False, strokeWidth=2).encode(
            shape=alt.Shape("reading:N", scale=alt.Scale(domain=[FULL_READING, SMALL_READING],
                                                         range=["circle", "triangle-up"]),
                            legend=alt.Legend(title=None, orient="bottom", labelLimit=400)))
    else:
        points = points.mark_point(size=50, filled=True)
    layers = [lines, points]
    if len(series) <= END_LABELS_UP_TO:
        last = valid.sort_values("quarter_start").groupby("series", as_index=False).tail(1)
        layers.append(alt.Chart(last).mark_text(align="left", dx=7, fontSize=11).encode(
            x=x, y=y, text="series:N", color=alt.Color("series:N", scale=colour, legend=None)))
    return alt.layer(*layers).properties(title=title, height=height)


def survey_trend_chart(trend: pd.DataFrame, question: str) -> alt.LayerChart:
    tooltip = [alt.Tooltip("series:N", title="Who"), alt.Tooltip("quarter:O", title="Quarter"),
               alt.Tooltip("positive_share:Q", title="Positive (%)", format=".0f"),
               alt.Tooltip("answered:Q", title="n"), alt.Tooltip("excluded:Q", title="Don't know or blank")]
    quarters = list(pd.unique(trend["quarter"]))
    return quarter_lines(trend, "positive_share", "Positive answers (%)", question, quarters, tooltip, percent=True)


# ------------------------------------------------------------------------------ heard --
def _respondent_order(values) -> list[str]:
    return _series_order(values, "respondent")


def heard_table(heard: pd.DataFrame, win: Windows) -> pd.DataFrame:
    """People heard in each quarter of the period, by respondent type and all together, against
    the same quarter a year earlier. A quarter with feedback but none from a respondent type reads
    0 for that type; a quarter with no feedback loaded at all has no figure."""
    heard = _dates(heard, "quarter_start")
    with_feedback = set(heard.loc[heard["all_respondents"], "quarter_start"])
    counts = {(ALL_HEARD if r["all_respondents"] else r["respondent"], r["quarter_start"]): int(r["people_heard"])
              for r in heard.to_dict("records")}
    types = [ALL_HEARD] + _respondent_order(heard.loc[~heard["all_respondents"], "respondent"])

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
    heard = _dates(heard, "quarter_start", "last_month")
    latest = heard[heard["all_respondents"] & (heard["quarter_start"] == win.latest)]
    if latest.empty:
        return None
    last_month = latest["last_month"].iloc[0]
    if last_month >= metrics.add_months(win.latest, 2):
        return None
    return (f"{quarter_label(win.latest)} holds feedback up to {metrics.month_label(last_month)} only: "
            "it is not a whole quarter yet, so read its counts against a year earlier with care.")


def heard_chart(table: pd.DataFrame) -> alt.FacetChart:
    """One small panel per respondent type: each quarter's count beside the same quarter a year earlier."""
    types = [t for t in pd.unique(table["respondent"]) if t != ALL_HEARD]
    shown = table[table["respondent"].isin(types)]
    long = pd.concat([
        shown.assign(when=THIS_YEAR, people=shown["people heard"]),
        shown.assign(when=YEAR_EARLIER, people=shown["same quarter a year earlier"]),
    ])[["quarter", "respondent", "when", "people"]]
    long = long[long["people"].notna()].astype({"people": int})
    quarters = list(pd.unique(table["quarter"]))
    colour = alt.Scale(domain=[THIS_YEAR, YEAR_EARLIER], range=[PALETTE[0], contract.palette().lighter])
    base = alt.Chart().encode(
        x=alt.X("quarter:O", title=None, sort=quarters, axis=alt.Axis(labelAngle=-45 if len(quarters) > 2 else 0)),
        xOffset=alt.XOffset("when:N", sort=[THIS_YEAR, YEAR_EARLIER]),
        y=alt.Y("people:Q", title="People heard"),
        tooltip=[alt.Tooltip("respondent:N", title="Who"), alt.Tooltip("quarter:O", title="Quarter"),
                 alt.Tooltip("when:N", title="Bar"), alt.Tooltip("people:Q", title="People heard")],
    )
    bars = base.mark_bar().encode(color=alt.Color("when:N", scale=colour, sort=[THIS_YEAR, YEAR_EARLIER],
                                                  legend=alt.Legend(title=None, orient="bottom")))
    counts = base.mark_text(dy=-6, fontSize=10).encode(text="people:Q")
    width = max(120, 60 * len(quarters))
    return alt.layer(bars, counts, data=long).properties(width=width, height=160).facet(
        facet=alt.Facet("respondent:N", sort=types, title=None, header=alt.Header(labelFontSize=12)),
        columns=3,
    ).properties(title="People heard per quarter, by who they are")


# --------------------------------------------------------------------------- comments --
def theme_options(comments: pd.DataFrame) -> list[str]:
    themes = sorted(t for t in comments["Theme"].dropna().unique())
    return [ALL_THEMES] + themes + ([NO_THEME] if comments["Theme"].isna().any() else [])


def respondent_options(comments: pd.DataFrame) -> list[str]:
    return [ALL_RESPONDENTS] + _respondent_order(comments["Who"])


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
    Nothing that points to a person."""
    shown = _dates(comments, "response_date")
    return shown.rename(columns={"response_date": "Date", "respondent": "Who", "service_area": "Service area",
                                 "team": "Team", "source": "How heard", "theme": "Theme", "comment": "Comment"})[
        ["Date", "Comment", "Theme", "Who", "Service area", "Team", "How heard"]].reset_index(drop=True)


def comment_heading(row: dict) -> str:
    """The line above a comment read in full: when, who, where and the theme, no names."""
    parts = [f"{row['Date']:%d %B %Y}", row["Who"], row["Service area"]]
    if isinstance(row.get("Team"), str):
        parts.append(row["Team"])
    if isinstance(row.get("Theme"), str):
        parts.append(row["Theme"])
    return " · ".join(str(p) for p in parts)


# -------------------------------------------------------------- compliments, complaints --
def _source(word: str) -> str:
    return next(s for s in contract.load().sources if squash(s).startswith(squash(word)))


def compliment_sources() -> tuple[str, str]:
    """The contract's spellings of the two sources, passed to the query as parameters."""
    return _source("compliment"), _source("complaint")


COMPLIMENTS, COMPLAINTS = "Compliments", "Complaints"
CC_COLOURS = {COMPLIMENTS: PALETTE[0], COMPLAINTS: PALETTE[5]}


def any_compliments_or_complaints(cc: pd.DataFrame) -> bool:
    return bool(cc["compliments"].sum() + cc["complaints"].sum()) if not cc.empty else False


def compliments_by_quarter(cc: pd.DataFrame, win: Windows) -> pd.DataFrame:
    """Compliments and complaints per quarter of the trend window; a quarter with no feedback
    loaded at all has no figure (a gap), one with feedback but none of either reads 0."""
    cc = _dates(cc, "quarter_start")
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


def compliments_trend_chart(by_quarter: pd.DataFrame) -> alt.LayerChart:
    tooltip = [alt.Tooltip("series:N", title="What"), alt.Tooltip("quarter:O", title="Quarter"),
               alt.Tooltip("count:Q", title="Count")]
    return quarter_lines(by_quarter, "count", "Number received", "Compliments and complaints per quarter",
                         list(by_quarter["quarter"].drop_duplicates()), tooltip, colours=CC_COLOURS)


def compliments_by_service(cc: pd.DataFrame, win: Windows) -> pd.DataFrame:
    """Compliments and complaints per service area over the period's quarters."""
    cc = _dates(cc, "quarter_start")
    in_period = cc[cc["quarter_start"].isin(win.period)]
    table = in_period.groupby("service_area", as_index=False)[["compliments", "complaints"]].sum()
    return table.rename(columns={"service_area": "service area"}).sort_values("service area").reset_index(drop=True)


def compliments_service_chart(table: pd.DataFrame, period: str) -> alt.LayerChart:
    long = table.melt(id_vars="service area", value_vars=["compliments", "complaints"], var_name="what",
                      value_name="count")
    long["what"] = long["what"].str.capitalize()
    colour = alt.Scale(domain=list(CC_COLOURS), range=list(CC_COLOURS.values()))
    base = alt.Chart(long).encode(
        y=alt.Y("service area:N", title=None, sort=list(table["service area"]), axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("what:N", sort=[COMPLIMENTS, COMPLAINTS]),
        x=alt.X("count:Q", title="Number received"),
        tooltip=[alt.Tooltip("service area:N", title="Service area"), alt.Tooltip("what:N", title="What"),
                 alt.Tooltip("count:Q", title="Count")],
    )
    bars = base.mark_bar().encode(color=alt.Color("what:N", scale=colour, sort=[COMPLIMENTS, COMPLAINTS],
                                                  legend=alt.Legend(title=None, orient="bottom")))
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(text="count:Q")
    return alt.layer(bars, labels).properties(title=f"Compliments and complaints by service area, {period}",
                                              height=alt.Step(16))


# ------------------------------------------------------------------------------ tiles --


def _colour(word: str) -> str:
    return {"better": "normal", "worse": "inverse"}.get(word, "off")


def _move_text(move: metrics.Direction, unit: str = "") -> str | None:
    """"▲ 32 more, better" / "▼ 5 points, worse" / "▶ no change"; None when nothing to compare."""
    if move.delta is None:
        return None
    if move.word == "no change":
        return "▶ no change"
    size = points(move.delta) if unit == " points" else f"{abs(move.delta):.0f}{unit}"
    if move.word in ("better", "worse"):
        return f"{move.arrow} {size}, {move.word}"
    return f"{move.arrow} {size} {move.word}"


def heard_tile(heard: pd.DataFrame, win: Windows) -> Tile:
    latest, year_before = win.latest, metrics.add_months(win.latest, -12)
    heard = _dates(heard, "quarter_start")
    totals = {q: int(n) for q, n in zip(heard.loc[heard["all_respondents"], "quarter_start"],
                                        heard.loc[heard["all_respondents"], "people_heard"])}
    now, then = totals.get(latest), totals.get(year_before)
    move = metrics.direction(now, then, POLARITY)
    return Tile(
        "People heard", "no feedback" if now is None else f"{now:,}", _move_text(move), _colour(move.word),
        lines=[f"A year earlier ({quarter_label(year_before)}): {'no feedback' if then is None else f'{then:,}'}.",
         "Children and families, one per person. More heard is better."])


def positive_tile(counts: pd.DataFrame, win: Windows) -> Tile:
    latest, before = win.latest, metrics.add_months(win.latest, -3)
    counts = _dates(counts, "quarter_start")
    by_quarter = {r["quarter_start"]: r for r in shares(counts, ["quarter_start"]).to_dict("records")} \
        if not counts.empty else {}
    current, previous = by_quarter.get(latest), by_quarter.get(before)
    share_now, share_before = _share(current), _share(previous)
    move = metrics.direction(share_now, share_before, POLARITY)

    def cell(row) -> str:
        return share_cell(row["positive"], row["answered"], row["excluded"]) if row else "no answers"

    return Tile(
        "Positive answers", "no answers" if share_now is None else f"{share_now:.0f}%",
        _move_text(move, " points"), _colour(move.word),
        lines=[f"{quarter_label(latest)}: {cell(current)}.", f"The quarter before ({quarter_label(before)}): {cell(previous)}.",
         "All survey questions together. Higher is better."])


def compliments_tiles(cc: pd.DataFrame, win: Windows) -> list[Tile]:
    latest, year_before = win.latest, metrics.add_months(win.latest, -12)
    cc = _dates(cc, "quarter_start")
    summed = cc.groupby("quarter_start")[["compliments", "complaints"]].sum()
    tiles = []
    for label, column, note in (
        (COMPLIMENTS, "compliments", "More is better."),
        (COMPLAINTS, "complaints", "Fewer is usually better, though a rise can mean people find it easier to complain."),
    ):
        now = int(summed.loc[latest, column]) if latest in summed.index else None
        then = int(summed.loc[year_before, column]) if year_before in summed.index else None
        move = metrics.direction(now, then, "neutral")
        tiles.append(Tile(label, "no feedback" if now is None else str(now), _move_text(move), "off",
                          lines=[f"A year earlier ({quarter_label(year_before)}): {'no feedback' if then is None else then}.",
                           note]))
    return tiles


def headline_tiles(counts: pd.DataFrame, heard: pd.DataFrame, cc: pd.DataFrame, win: Windows) -> list[Tile]:
    """The latest quarter of the period in four figures, each against an earlier quarter."""
    return [heard_tile(heard, win), positive_tile(counts, win), *compliments_tiles(cc, win)]


# ------------------------------------------------------------------- the page, prepared --
# Each part is worked out from one query's frame by `cached.derived`, so a rerun with nothing
# new (a search, a click elsewhere on the page) costs a cache lookup, not the arithmetic and the
# charts' schema validation again. They take the period as dates, which the cache can key on.
def prepared_spec(chart: alt.TopLevelMixin) -> dict:
    """A chart as its finished Vega-Lite spec, for `charts.figure`: built and validated against
    the Vega-Lite schema once (about 50 ms a chart), then cached with the figures beside it. Its
    data (a few hundred rows at most) travels inside the spec as `values`, plain JSON."""
    spec = chart.to_dict()
    # Altair's default theme adds a fixed view size Streamlit does not want (it switches the
    # theme off when it converts a chart itself); everything else is the chart's own.
    view = spec.get("config", {}).pop("view", None)
    if view is not None and not spec["config"]:
        spec.pop("config")
    return _inline_data(spec, spec.pop("datasets", {}))


def _inline_data(node, datasets: dict):
    """The spec with each `{"name": ...}` data reference replaced by that dataset's values."""
    if isinstance(node, dict):
        if set(node) == {"name"} and node["name"] in datasets:
            return {"values": _inline_data(datasets[node["name"]], {})}
        return {key: _inline_data(value, datasets) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_data(item, datasets) for item in node]
    if isinstance(node, dt.date):
        return node.isoformat()  # the spec goes to the browser as JSON
    return node


@dataclass(frozen=True)
class SurveyPart:
    table: SurveyTable
    questions: list[str]
    tile: Tile


def survey_part(counts: pd.DataFrame, start: dt.date, end: dt.date) -> SurveyPart:
    win = windows(start, end)
    return SurveyPart(survey_table(counts, win), question_choices(counts, win) if not counts.empty else [],
                      positive_tile(counts, win))


@dataclass(frozen=True)
class TrendPart:
    figures: pd.DataFrame
    chart: dict


def trend_part(counts: pd.DataFrame, question: str, split: str | None, start: dt.date, end: dt.date) -> TrendPart:
    trend = survey_trend(counts, question, split, windows(start, end))
    return TrendPart(survey_trend_figures(trend, split), prepared_spec(survey_trend_chart(trend, question)))


@dataclass(frozen=True)
class HeardPart:
    table: pd.DataFrame
    chart: dict | None
    note: str | None
    tile: Tile


def heard_part(heard: pd.DataFrame, start: dt.date, end: dt.date) -> HeardPart:
    win = windows(start, end)
    table_ = heard_table(heard, win)
    return HeardPart(table_, prepared_spec(heard_chart(table_)) if not table_.empty else None,
                     heard_in_progress(heard, win), heard_tile(heard, win))


@dataclass(frozen=True)
class ComplimentsPart:
    any_feedback: bool          # any feedback at all in the window, whatever its source
    any_loaded: bool            # any compliment or complaint among it
    by_quarter: pd.DataFrame | None
    quarter_chart: dict | None
    by_service: pd.DataFrame | None
    service_chart: dict | None
    tiles: list[Tile]


def compliments_part(cc: pd.DataFrame, start: dt.date, end: dt.date) -> ComplimentsPart:
    win = windows(start, end)
    tiles = compliments_tiles(cc, win)
    if not any_compliments_or_complaints(cc):
        return ComplimentsPart(not cc.empty, False, None, None, None, None, tiles)
    by_quarter, by_service = compliments_by_quarter(cc, win), compliments_by_service(cc, win)
    first, last = quarter_label(win.period[0]), quarter_label(win.latest)
    period = first if first == last else f"{first} to {last}"
    return ComplimentsPart(True, True, compliments_quarter_table(by_quarter), prepared_spec(compliments_trend_chart(by_quarter)),
                           by_service, prepared_spec(compliments_service_chart(by_service, period)), tiles)
