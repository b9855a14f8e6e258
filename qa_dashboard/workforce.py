"""What the Workforce page shows, worked out from the `workforce_sums` and `workforce_england`
frames: caseloads against target, agency share, recruitment and retention, and whether
children keep their worker. Pure functions (no Streamlit), tested without a browser.

Every figure over several teams is a ratio of the sums SQL returns for that group (team,
service area, the whole selection): a mean of team ratios would give a team of 2 workers the
weight of a team of 20, and the seeds' "Family Safeguarding at 24.5" is a ratio of sums.
A blank in the return stays missing: it is never read as 0, and a group's ratio is taken
over the teams that gave the figure.

The bar-chart builders live here, beside the figures they draw, because `charts.py` has no
bar-against-target chart; they use its palette.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd

from qa_dashboard import charts, contract, metrics
from qa_dashboard.metrics import Tile
from qa_dashboard.filters import Filters

AGENCY_FLAG_PCT = 40.0   # seed 002: "over 40% of frontline professionals" is the level boards worry about
ROLLING_MONTHS = 6       # seed 002 counts starters and leavers "per 6-month period"
WHOLE_AUTHORITY = "Whole authority"

BETTER = {
    "newly_qualified": "neither higher nor lower is better: newly qualified workers need protected caseloads",
    "net_change": "more starters than leavers is better",
}

LEVEL_ORDER = {"selection": 0, "service area": 1, "team": 2}
LEVEL_NAMES = {"selection": WHOLE_AUTHORITY, "service area": "Service area", "team": "Team"}
LEVEL_COLOURS = {WHOLE_AUTHORITY: charts.PALETTE[7], "Service area": charts.PALETTE[4], "Team": charts.PALETTE[0]}
ABOVE, AT_OR_BELOW, NO_TARGET = "Above target", "At or below target", "No target loaded"
TARGET_COLOURS = {ABOVE: charts.PALETTE[5], AT_OR_BELOW: charts.PALETTE[0], NO_TARGET: contract.palette().neutral}
# Starters and leavers, and the two continuity measures, keep the colours charts.trend_chart
# gives them (its unnamed series take the palette in alphabetical order), so bars and lines agree.
MOVES_COLOURS = {"Starters": charts.PALETTE[1], "Leavers": charts.PALETTE[0]}
CONTINUITY = {"6": "Same worker, 6 months", "12": "Same worker, 12 months"}
CONTINUITY_COLOURS = {CONTINUITY["6"]: charts.PALETTE[1], CONTINUITY["12"]: charts.PALETTE[0]}
ROW_STEP = 28   # pixels per group on a bar chart


# ----------------------------------------------------------------------------- ratios --
def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    """Element-wise numerator ÷ denominator × scale; missing (NaN) where either is missing or
    the denominator is 0. Each row already holds sums, so this is a ratio of sums."""
    top = pd.to_numeric(numerator, errors="coerce").astype(float)
    bottom = pd.to_numeric(denominator, errors="coerce").astype(float)
    return (top / bottom.where(bottom > 0)) * scale


def add_figures(sums: pd.DataFrame) -> pd.DataFrame:
    """The `workforce_sums` rows with every figure the page shows added as columns.

    caseload = children ÷ FTE; target = FTE-weighted target (Σ target × FTE ÷ Σ FTE, over the
    teams with a target); agency_pct and newly_qualified_pct are shares of the FTE whose agency
    or newly qualified part is known; vacancy_rate = vacancies ÷ (vacancies + FTE);
    same_worker_6m_pct / _12m_pct = same worker ÷ children open that long.
    """
    frame = sums.copy()
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    frame["caseload"] = _ratio(frame["children_allocated"], frame["social_worker_fte"])
    frame["target"] = _ratio(frame["target_times_fte"], frame["fte_target_known"])
    frame["gap"] = frame["caseload"] - frame["target"]
    frame["agency_pct"] = _ratio(frame["agency_fte"], frame["fte_agency_known"], 100)
    frame["agency_flag"] = frame["agency_pct"] > AGENCY_FLAG_PCT
    frame["newly_qualified_pct"] = _ratio(frame["nqsw_fte"], frame["fte_nqsw_known"], 100)
    frame["vacancy_rate"] = _ratio(frame["vacancy_fte"], frame["vacancy_fte"] + frame["fte_vacancy_known"], 100)
    frame["net_change"] = frame["starters"] - frame["leavers"]
    frame["same_worker_6m_pct"] = _ratio(frame["same_worker_6m"], frame["children_open_6m"], 100)
    frame["same_worker_12m_pct"] = _ratio(frame["same_worker_12m"], frame["children_open_12m"], 100)
    return _add_rolling_moves(frame)


def _group_key(frame: pd.DataFrame) -> pd.Series:
    return frame["level"] + "|" + frame["service_area"].fillna("") + "|" + frame["team"].fillna("")


def _add_rolling_moves(frame: pd.DataFrame) -> pd.DataFrame:
    """Starters and leavers summed over the six months to each month, per group.

    A window is summed only when every one of its six months has a return with starters or
    leavers in it: a window with a month missing would undercount, so it is a gap instead.
    """
    frame = frame.copy()
    frame["_key"] = _group_key(frame)
    frame["_index"] = [m.year * 12 + m.month - 1 for m in frame["period"]]
    reported = frame["teams_reporting_moves"].fillna(0) > 0
    for column in ("starters", "leavers"):
        frame[f"_{column}"] = frame[column].where(reported)
    # Reindex each group onto every month so a missing month is a NaN inside the window.
    full = frame.set_index(["_key", "_index"])[["_starters", "_leavers"]]
    keys = full.index.get_level_values(0).unique()
    if len(full):
        months = range(frame["_index"].min(), frame["_index"].max() + 1)
        full = full.reindex(pd.MultiIndex.from_product([keys, months], names=["_key", "_index"]))
    rolled = (full.groupby(level="_key", group_keys=False)
              .rolling(ROLLING_MONTHS, min_periods=ROLLING_MONTHS).sum())
    if isinstance(rolled.index, pd.MultiIndex) and rolled.index.nlevels > 2:
        rolled = rolled.droplevel(0)
    rolled.columns = ["starters_6m", "leavers_6m"]
    frame = frame.join(rolled, on=["_key", "_index"])
    frame["net_change_6m"] = frame["starters_6m"] - frame["leavers_6m"]
    return frame.drop(columns=["_key", "_index", "_starters", "_leavers"])


def in_period(frame: pd.DataFrame, chosen: Filters) -> pd.DataFrame:
    return frame[(frame["period"] >= chosen.start) & (frame["period"] <= chosen.end)]


def latest_month(frame: pd.DataFrame, chosen: Filters) -> dt.date | None:
    """The latest month in the period with a workforce return for the chosen teams."""
    shown = in_period(frame, chosen)
    return None if shown.empty else max(shown["period"])


def first_month_asked(chosen: Filters) -> dt.date:
    """The query starts five months before the period so the first rolling window is whole."""
    return metrics.add_months(chosen.start, -(ROLLING_MONTHS - 1))


# ------------------------------------------------------------------------------ groups --
def group_rows(frame: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """The month's rows for the bars and the team table, in reading order: the whole selection,
    then each service area followed by its teams. A group that would only repeat the row below
    it (a service area with one team, a selection of one service area) is left out."""
    rows = frame[frame["period"] == month].copy()
    services = rows[rows["level"] == "service area"]
    keep = (rows["level"] == "team") | (
        (rows["level"] == "service area") & (rows["teams"] > 1)) | (
        (rows["level"] == "selection") & (len(services) > 1))
    rows = rows[keep].copy()
    rows["label"] = np.select(
        [rows["level"] == "selection", rows["level"] == "service area"],
        [WHOLE_AUTHORITY, rows["service_area"].fillna("") + " (all teams)"],
        default=rows["team"].fillna(""))
    # Selection first, then service areas alphabetically, each followed by its teams.
    rows["_service"] = np.where(rows["level"] == "selection", "", rows["service_area"].fillna(""))
    rows["_level"] = rows["level"].map(LEVEL_ORDER)
    rows = rows.sort_values(["_service", "_level", "team"]).drop(columns=["_service", "_level"])
    rows["level_name"] = rows["level"].map(LEVEL_NAMES)
    return rows.reset_index(drop=True)


def selection_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["level"] == "selection"].sort_values("period").reset_index(drop=True)


# ---------------------------------------------------------------------------- wording --
def _number(value, digits: int = 1) -> str:
    return "no figure" if metrics.is_missing(value) else f"{value:,.{digits}f}"


def _plain(value) -> str:
    """17 rather than 17.0 for a whole-number target; one decimal otherwise."""
    if metrics.is_missing(value):
        return "no figure"
    value = round(float(value), 1)   # an FTE-weighted 15 can come back as 15.000000000000002
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def gap_text(caseload, target) -> str:
    """'7.5 above the target of 17', '2.0 below …', 'at the target of 17', or 'no target'."""
    if metrics.is_missing(target):
        return "no target loaded"
    if metrics.is_missing(caseload):
        return "no figure"
    gap = round(caseload - target, 1)
    if gap == 0:
        return f"at the target of {_plain(target)}"
    return f"{abs(gap):.1f} {'above' if gap > 0 else 'below'} the target of {_plain(target)}"


def target_text(row) -> str:
    """How a group's target was set: one team's own, or the FTE-weighted target and the range."""
    if metrics.is_missing(row["target"]):
        return "no target loaded"
    low, high = row["target_lowest"], row["target_highest"]
    if row["teams"] == 1 or low == high:
        return f"target {_plain(row['target'])}"
    return f"target {_plain(row['target'])} (FTE-weighted; teams' targets {_plain(low)} to {_plain(high)})"


def share_text(count, n) -> str:
    """'65% (n = 148)' with the small-n flag; 'no figures' when nothing was counted."""
    if metrics.is_missing(n) or metrics.is_missing(count):
        return "no figures"
    return metrics.Share(int(count), int(n)).text()


def fte_share_text(part, whole) -> str:
    """'18.9% (2.1 of 11.1 FTE)': a share of FTE carries its FTE as its n (one decimal, as the tiles)."""
    if metrics.is_missing(part) or metrics.is_missing(whole) or whole == 0:
        return "no figures"
    return f"{100 * part / whole:.1f}% ({part:,.1f} of {whole:,.1f} FTE)"


def caseload_range(frame: pd.DataFrame, month: dt.date) -> str | None:
    """The range across teams in the month, as the seeds write it: '14.0 (CASS) to 24.5 (FS 1)'."""
    teams = frame[(frame["period"] == month) & (frame["level"] == "team") & frame["caseload"].notna()]
    if len(teams) < 2:
        return None
    low = teams.loc[teams["caseload"].idxmin()]
    high = teams.loc[teams["caseload"].idxmax()]
    return f"{low['caseload']:.1f} ({low['team']}) to {high['caseload']:.1f} ({high['team']})"


# ------------------------------------------------------------------------------ tiles --


def _tile(label: str, rows: pd.DataFrame, column: str, polarity: str, unit: str, detail, help_text: str) -> Tile:
    """The latest month's figure for the selection against the month before it. The delta is
    kept short (a tile is narrow); the month compared with is written on the line below."""
    present = rows[rows[column].notna()]
    if present.empty:
        return Tile(label, "no figure", help=help_text, lines=["Not in the workforce returns for this choice."])
    latest = present.iloc[-1]
    month = latest["period"]
    before_month = metrics.add_months(month, -1)
    before = present[present["period"] == before_month]
    previous = None if before.empty else before.iloc[0][column]
    move = metrics.direction(round(latest[column], 1), None if previous is None else round(previous, 1), polarity)
    points = " pts" if unit == "%" else ""
    if previous is None:
        delta, against = "no month before", f"No figure for {metrics.month_label(before_month)}."
    else:
        delta = "no change" if move.word == "no change" else f"{move.arrow} {abs(move.delta):.1f}{points} {move.word}"
        against = f"Against {metrics.month_label(before_month)}: {metrics.format_value(previous, unit, 1)}."
    colour = {"better": "normal", "worse": "inverse"}.get(move.word, "off")
    return Tile(label, metrics.format_value(latest[column], unit, 1), delta, colour, help_text,
                [f"{metrics.month_label(month)} · {metrics.better_phrase(polarity)}", against, detail(latest)])


def headline_tiles(frame: pd.DataFrame, chosen: Filters) -> list[Tile]:
    rows = selection_rows(in_period(frame, chosen))
    return [
        _tile("Average caseload", rows, "caseload", "lower", "count",
              lambda r: f"{r['children_allocated']:,.0f} children ÷ {r['social_worker_fte']:,.1f} FTE; {target_text(r)}",
              "Children allocated ÷ social-worker FTE (agency included), summed over the teams."),
        _tile("Agency share", rows, "agency_pct", "lower", "%",
              lambda r: f"{r['agency_fte']:,.1f} of {r['fte_agency_known']:,.1f} FTE",
              "Agency FTE ÷ social-worker FTE × 100, summed over the teams."),
        _tile("Vacancy rate", rows, "vacancy_rate", "lower", "%",
              lambda r: f"{r['vacancy_fte']:,.1f} FTE vacant of {r['vacancy_fte'] + r['fte_vacancy_known']:,.1f} funded",
              "Vacant FTE ÷ (vacant FTE + social-worker FTE) × 100."),
        _tile("Same worker, 6 months", rows, "same_worker_6m_pct", "higher", "%",
              lambda r: f"{r['same_worker_6m']:,.0f} of {r['children_open_6m']:,.0f} children open 6+ months kept their worker",
              "Children open 6 months or more who had the same worker for the past 6 months."),
    ]


# --------------------------------------------------------------------------- England --
def england_by_month(england: pd.DataFrame, indicator: str, months: list[dt.date]) -> pd.DataFrame:
    """England's figure for each month: the KPI scorecard's England column for that month where
    loaded, else DfE's published figure for the year ending the March after the month (or the
    latest year published before it). Columns: period, value, source."""
    rows = england[england["indicator"] == indicator]
    scorecard = rows[rows["source"] == "scorecard"]
    by_month = {pd.Timestamp(p).date(): v for p, v in zip(scorecard["period"], scorecard["value"])}
    published = rows[rows["source"] == "published"].sort_values("year")
    years = [(int(y), v) for y, v in zip(published["year"], published["value"])]
    out = []
    for month in months:
        if month in by_month:
            out.append((month, float(by_month[month]), "England (KPI scorecard)"))
            continue
        year_of_month = month.year + 1 if month.month >= 4 else month.year
        earlier = [(y, v) for y, v in years if y <= year_of_month]
        if earlier:
            year, value = earlier[-1]
            out.append((month, float(value), f"England (DfE, year to March {year})"))
    return pd.DataFrame(out, columns=["period", "value", "source"])


def england_note(england_rows: pd.DataFrame, unit: str, what: str) -> str:
    if england_rows.empty:
        return f"No England figure for {what} is loaded, so there is no comparator line."
    last = england_rows.iloc[-1]
    return (f"England: {metrics.format_value(last['value'], unit, 1)} for {metrics.month_label(last['period'])} "
            f"({last['source'].removeprefix('England (').rstrip(')')}).")


# ------------------------------------------------------------------------ trend frames --
def _long(rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    parts = []
    for column, series in columns.items():
        present = rows[rows[column].notna()]
        parts.append(pd.DataFrame({"period": pd.to_datetime(present["period"]), "series": series,
                                   "value": present[column].astype(float).round(1)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["period", "series", "value"])


def _broken_at_gaps(lines: pd.DataFrame) -> pd.DataFrame:
    """Give every series a row for each month from the first to the last on the chart, the value
    missing where there is no figure. Vega-Lite joins the points either side of an absent row
    with a straight line, as if the month had a figure; a missing value breaks the line."""
    if lines.empty:
        return lines
    months = pd.date_range(lines["period"].min(), lines["period"].max(), freq="MS")
    every = pd.MultiIndex.from_product([list(dict.fromkeys(lines["series"])), months], names=["series", "period"])
    filled = lines.set_index(["series", "period"])["value"].reindex(every).reset_index()
    return filled[["period", "series", "value"]]


def _with_england(lines: pd.DataFrame, england_rows: pd.DataFrame) -> pd.DataFrame:
    if england_rows.empty:
        return lines
    extra = pd.DataFrame({"period": pd.to_datetime(england_rows["period"]), "series": contract.comparator_labels()["england"],
                          "value": england_rows["value"].astype(float)})
    return pd.concat([lines, extra], ignore_index=True)


@dataclass(frozen=True)
class Trend:
    lines: pd.DataFrame   # period, series, value (for charts.trend_chart)
    table: pd.DataFrame   # the exact figures, one row per month


def _month_column(rows: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(rows["period"]).dt.strftime("%b %Y")


def caseload_trend(frame: pd.DataFrame, chosen: Filters, england: pd.DataFrame) -> Trend:
    rows = selection_rows(in_period(frame, chosen))
    comparator = england_by_month(england, "caseload_avg", list(rows["period"]))
    lines = _with_england(_long(rows, {"caseload": "Our figure", "target": "Target"}), comparator)
    table = pd.DataFrame({
        "Month": _month_column(rows), "Children allocated": rows["children_allocated"],
        "Social-worker FTE": rows["social_worker_fte"], "Average caseload": rows["caseload"].round(1),
        "Target (FTE-weighted)": rows["target"].round(1),
    })
    table = _join_england(table, rows, comparator, "England average caseload")
    return Trend(_broken_at_gaps(lines), table.reset_index(drop=True))


def _join_england(table: pd.DataFrame, rows: pd.DataFrame, comparator: pd.DataFrame, column: str) -> pd.DataFrame:
    if comparator.empty:
        return table
    lookup = dict(zip(comparator["period"], comparator["value"]))
    source = dict(zip(comparator["period"], comparator["source"]))
    table = table.copy()
    table[column] = [lookup.get(p) for p in rows["period"]]
    table["England figure from"] = [source.get(p) for p in rows["period"]]
    return table


def agency_trend(frame: pd.DataFrame, chosen: Filters, england: pd.DataFrame) -> Trend:
    rows = selection_rows(in_period(frame, chosen))
    comparator = england_by_month(england, "agency_worker_pct", list(rows["period"]))
    lines = _with_england(_long(rows, {"agency_pct": "Our figure"}), comparator)
    if not lines.empty:
        flag = pd.DataFrame({"period": pd.to_datetime(rows["period"]), "series": f"Flag level, {AGENCY_FLAG_PCT:.0f}%",
                             "value": AGENCY_FLAG_PCT})
        lines = pd.concat([lines, flag], ignore_index=True)
    table = pd.DataFrame({
        "Month": _month_column(rows), "Agency FTE": rows["agency_fte"],
        "Social-worker FTE (agency known)": rows["fte_agency_known"], "Agency share %": rows["agency_pct"].round(1),
        f"Over {AGENCY_FLAG_PCT:.0f}%": rows["agency_flag"].map({True: "yes", False: "no"}),
    })
    table = _join_england(table, rows, comparator, "England agency share %")
    return Trend(_broken_at_gaps(lines), table.reset_index(drop=True))


def vacancy_trend(frame: pd.DataFrame, chosen: Filters, england: pd.DataFrame) -> Trend:
    rows = selection_rows(in_period(frame, chosen))
    comparator = england_by_month(england, "vacancy_pct", list(rows["period"]))
    lines = _with_england(_long(rows, {"vacancy_rate": "Our figure"}), comparator)
    table = pd.DataFrame({
        "Month": _month_column(rows), "Vacant FTE": rows["vacancy_fte"],
        "Social-worker FTE": rows["fte_vacancy_known"], "Vacancy rate %": rows["vacancy_rate"].round(1),
    })
    table = _join_england(table, rows, comparator, "England vacancy rate %")
    return Trend(_broken_at_gaps(lines), table.reset_index(drop=True))


def continuity_trend(frame: pd.DataFrame, chosen: Filters) -> Trend:
    rows = selection_rows(in_period(frame, chosen))
    lines = _long(rows, {"same_worker_6m_pct": CONTINUITY["6"], "same_worker_12m_pct": CONTINUITY["12"]})
    table = pd.DataFrame({
        "Month": _month_column(rows),
        "Children open 6+ months": rows["children_open_6m"], "Same worker 6 months": rows["same_worker_6m"],
        "Share 6 months %": rows["same_worker_6m_pct"].round(1),
        "Children open 12+ months": rows["children_open_12m"], "Same worker 12 months": rows["same_worker_12m"],
        "Share 12 months %": rows["same_worker_12m_pct"].round(1),
    })
    return Trend(_broken_at_gaps(lines), table.reset_index(drop=True))


def moves_by_month(frame: pd.DataFrame, chosen: Filters) -> Trend:
    """Starters and leavers each month (bars) and over the six months to each month (lines)."""
    rows = selection_rows(in_period(frame, chosen))
    lines = _long(rows, {"starters_6m": "Starters, 6 months", "leavers_6m": "Leavers, 6 months"})
    table = pd.DataFrame({
        "Month": _month_column(rows), "Starters": rows["starters"], "Leavers": rows["leavers"],
        "Net change": rows["net_change"], "Starters, 6 months to this month": rows["starters_6m"],
        "Leavers, 6 months to this month": rows["leavers_6m"], "Net change, 6 months": rows["net_change_6m"],
    })
    return Trend(_broken_at_gaps(lines), table.reset_index(drop=True))


def moves_text(frame: pd.DataFrame, chosen: Filters) -> str:
    rows = selection_rows(in_period(frame, chosen))
    whole = rows[rows["starters_6m"].notna()]
    if whole.empty:
        return ("No complete six months of starters and leavers in this period: a window with a month "
                "missing would undercount, so none is summed.")
    last = whole.iloc[-1]
    net = last["net_change_6m"]
    return (f"In the six months to {metrics.month_label(last['period'])}: {last['starters_6m']:,.0f} permanent "
            f"social workers started and {last['leavers_6m']:,.0f} left, a net change of {net:+,.0f} "
            f"({BETTER['net_change']}).")


# ------------------------------------------------------------------------- team table --
def team_table(frame: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """Every figure for the month, one row per team, then service areas and the whole selection."""
    rows = group_rows(frame, month)
    return pd.DataFrame({
        "Level": rows["level_name"], "Service area": rows["service_area"].fillna("All service areas"),
        "Team": rows["team"].fillna("All teams"),
        "Children allocated": rows["children_allocated"], "Social-worker FTE": rows["social_worker_fte"],
        "Average caseload": rows["caseload"].round(1), "Caseload target": rows["target"].round(1),
        "Gap to target": rows["gap"].round(1),
        "Agency FTE": rows["agency_fte"], "Agency share %": rows["agency_pct"].round(1),
        f"Agency over {AGENCY_FLAG_PCT:.0f}%": rows["agency_flag"].map({True: "yes", False: "no"}).where(rows["agency_pct"].notna()),
        "Newly qualified FTE": rows["nqsw_fte"], "Newly qualified share %": rows["newly_qualified_pct"].round(1),
        "Vacant FTE": rows["vacancy_fte"], "Vacancy rate %": rows["vacancy_rate"].round(1),
        "Starters": rows["starters"], "Leavers": rows["leavers"], "Net change": rows["net_change"],
        "Starters, 6 months": rows["starters_6m"], "Leavers, 6 months": rows["leavers_6m"],
        "Net change, 6 months": rows["net_change_6m"],
        "Children open 6+ months": rows["children_open_6m"], "Same worker 6 months": rows["same_worker_6m"],
        "Same worker 6 months %": rows["same_worker_6m_pct"].round(1),
        "Children open 12+ months": rows["children_open_12m"], "Same worker 12 months": rows["same_worker_12m"],
        "Same worker 12 months %": rows["same_worker_12m_pct"].round(1),
    }).reset_index(drop=True)


# ----------------------------------------------------------------------------- charts --


def _sized(chart, title: str, height) -> alt.LayerChart:
    """Fit the width to the page but keep the plot's own height: Streamlit's default autosize
    ("fit") squeezes axes, legend and bars into the height, which crushes a long list of teams."""
    return chart.properties(title=title, height=height,
                            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _level_colour(levels) -> alt.Color:
    present = [level for level in LEVEL_COLOURS if level in set(levels)]
    return alt.Color("level_name:N", title=None, legend=alt.Legend(orient="bottom"),
                     scale=alt.Scale(domain=present, range=[LEVEL_COLOURS[level] for level in present]))


def trend(lines: pd.DataFrame, title: str, unit_title: str) -> alt.LayerChart:
    """`charts.trend_chart` sized like this page's bar charts (plot 220 px high, width fitted):
    under Streamlit's default autosize the legend and axes eat into the height, the lines are
    squashed flat, and the title is drawn under the figures expander of the chart above."""
    return _sized(charts.trend_chart(lines, title, unit_title), title, 220)


def _group_axis(rows: pd.DataFrame) -> alt.Y:
    return alt.Y("label:N", sort=list(rows["label"]), title=None, axis=alt.Axis(labelLimit=280, labelFontSize=12))


def target_status(caseload, target) -> str:
    if metrics.is_missing(target) or metrics.is_missing(caseload):
        return NO_TARGET
    return ABOVE if round(caseload, 1) > round(target, 1) else AT_OR_BELOW


def caseload_bars(rows: pd.DataFrame, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Bars of average caseload per group, vermillion when above target, a black tick at the
    target and the gap written beside each bar."""
    data = pd.DataFrame({
        "label": rows["label"], "level_name": rows["level_name"],
        "caseload_shown": rows["caseload"].round(1), "target_shown": rows["target"].round(1),
        "label_at": rows[["caseload", "target"]].max(axis=1),
        "status": [target_status(c, t) for c, t in zip(rows["caseload"], rows["target"])],
        "words": [f"{_number(c)} · {gap_text(c, t)}" for c, t in zip(rows["caseload"], rows["target"])],
    })
    y = _group_axis(data)
    present = [s for s in TARGET_COLOURS if s in set(data["status"])]
    top = float(data["label_at"].max()) * 1.6 if data["label_at"].notna().any() else 30
    bars = alt.Chart(data).mark_bar(height=18).encode(
        y=y, x=alt.X("caseload_shown:Q", title="Children per social worker (FTE)", scale=alt.Scale(domain=[0, top])),
        color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=present, range=[TARGET_COLOURS[s] for s in present])),
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("caseload_shown:Q", title="Average caseload"),
                 alt.Tooltip("target_shown:Q", title="Target"), alt.Tooltip("words:N", title="Against target")])
    ticks = alt.Chart(data).mark_tick(color="black", thickness=3, size=24).encode(y=y, x="target_shown:Q")
    words = alt.Chart(data).mark_text(align="left", dx=8, fontSize=12, color="black").encode(
        y=y, x="label_at:Q", text="words:N")
    table = data.rename(columns={"label": "Group", "level_name": "Level", "caseload_shown": "Average caseload",
                                 "target_shown": "Target", "status": "Status", "words": "Against target"}
                        ).drop(columns="label_at")
    return _sized(bars + ticks + words, title, alt.Step(ROW_STEP)), table


def agency_bars(rows: pd.DataFrame, england_value: float | None, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Agency share per group, vermillion and marked ⚑ when over 40%; the 40% level and England
    as vertical lines named in the legend."""
    flag_name, fine_name = f"Over {AGENCY_FLAG_PCT:.0f}%", f"{AGENCY_FLAG_PCT:.0f}% or under"
    data = pd.DataFrame({
        "label": rows["label"], "level_name": rows["level_name"], "share": rows["agency_pct"].round(1),
        "flag": np.where(rows["agency_flag"], flag_name, fine_name),
        "words": [("⚑ " if flagged else "") + fte_share_text(a, f)
                  for a, f, flagged in zip(rows["agency_fte"], rows["fte_agency_known"], rows["agency_flag"])],
        "agency_fte": rows["agency_fte"], "fte_agency_known": rows["fte_agency_known"],
    })
    y = _group_axis(data)
    highest = float(data["share"].max()) if data["share"].notna().any() else 0.0
    top = max(AGENCY_FLAG_PCT, highest) + 30
    bars = alt.Chart(data).mark_bar(height=18).encode(
        y=y, x=alt.X("share:Q", title="Agency share of social-worker FTE (%)", scale=alt.Scale(domain=[0, top])),
        color=alt.Color("flag:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[fine_name, flag_name], range=[charts.PALETTE[0], charts.PALETTE[5]])),
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("words:N", title="Agency share")])
    # Words start after the England line where it is further right, so the line never crosses them.
    data["label_at"] = data["share"].clip(lower=0 if england_value is None else float(england_value))
    words = alt.Chart(data).mark_text(align="left", dx=6, fontSize=12, color="black").encode(
        y=y, x="label_at:Q", text="words:N")
    lines = [{"at": AGENCY_FLAG_PCT, "line": f"Flag level, {AGENCY_FLAG_PCT:.0f}%", "dash": [6, 3]}]
    if england_value is not None:
        lines.append({"at": round(float(england_value), 1), "line": f"England, {float(england_value):.1f}%", "dash": [2, 2]})
    line_data = pd.DataFrame(lines)
    rule = alt.Chart(line_data).mark_rule(color="black", strokeWidth=1.5).encode(
        x="at:Q", strokeDash=alt.StrokeDash("line:N", title=None, legend=alt.Legend(orient="bottom", symbolStrokeWidth=2),
                                            scale=alt.Scale(domain=list(line_data["line"]), range=list(line_data["dash"]))))
    table = data.rename(columns={"label": "Group", "level_name": "Level", "share": "Agency share %",
                                 "flag": "Flag", "agency_fte": "Agency FTE",
                                 "fte_agency_known": "Social-worker FTE", "words": "Shown as"}
                        ).drop(columns="label_at")
    if england_value is not None:
        table["England %"] = round(float(england_value), 1)
    chart = alt.layer(bars, words, rule).resolve_legend(color="independent", strokeDash="independent")
    return _sized(chart, title, alt.Step(ROW_STEP)), table


def newly_qualified_bars(rows: pd.DataFrame, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    shown = rows[rows["newly_qualified_pct"].notna()]
    data = pd.DataFrame({
        "label": shown["label"], "level_name": shown["level_name"], "share": shown["newly_qualified_pct"].round(1),
        "nqsw_fte": shown["nqsw_fte"], "experienced_fte": (shown["fte_nqsw_known"] - shown["nqsw_fte"]).round(1),
        "words": [fte_share_text(n, f) for n, f in zip(shown["nqsw_fte"], shown["fte_nqsw_known"])],
    })
    y = _group_axis(data)
    top = float(data["share"].max()) + 25 if not data.empty else 50
    bars = alt.Chart(data).mark_bar(height=18).encode(
        y=y, x=alt.X("share:Q", title="Newly qualified share of social-worker FTE (%)", scale=alt.Scale(domain=[0, top])),
        color=_level_colour(data["level_name"]),
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("words:N", title="Newly qualified")])
    words = alt.Chart(data).mark_text(align="left", dx=6, fontSize=12, color="black").encode(
        y=y, x="share:Q", text="words:N")
    table = data.rename(columns={"label": "Group", "level_name": "Level", "share": "Newly qualified share %",
                                 "nqsw_fte": "Newly qualified FTE", "experienced_fte": "Experienced FTE",
                                 "words": "Shown as"})
    return _sized(bars + words, title, alt.Step(ROW_STEP)), table


def continuity_bars(rows: pd.DataFrame, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Two bars per group: same worker for 6 months (children open 6+ months) and for 12 (12+).
    A group with no counts gets no bar and says 'no figures'; it is not drawn as 0%."""
    parts = []
    for months, name in CONTINUITY.items():
        count, n = rows[f"same_worker_{months}m"], rows[f"children_open_{months}m"]
        parts.append(pd.DataFrame({
            "label": rows["label"], "measure": name, "share": rows[f"same_worker_{months}m_pct"].round(1),
            "same_worker": count, "children_open": n,
            "words": [share_text(c, m) for c, m in zip(count, n)]}))
    data = pd.concat(parts, ignore_index=True)
    data["label_at"] = data["share"].fillna(0)
    order = list(CONTINUITY.values())
    y = _group_axis(rows)
    colour = alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=320),
                       scale=alt.Scale(domain=order, range=[CONTINUITY_COLOURS[m] for m in order]))
    bars = alt.Chart(data).mark_bar(height=13).encode(
        y=y, yOffset=alt.YOffset("measure:N", sort=order),
        x=alt.X("share:Q", title="Share of children (%)", scale=alt.Scale(domain=[0, 120]),
                axis=alt.Axis(values=list(range(0, 101, 10)))), color=colour,
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("words:N", title="Share")])
    words = alt.Chart(data).mark_text(align="left", dx=4, fontSize=11, color="black").encode(
        y=y, yOffset=alt.YOffset("measure:N", sort=order), x="label_at:Q", text="words:N")
    table = data.drop(columns="label_at").rename(columns={
        "label": "Group", "measure": "Measure", "share": "Share %", "same_worker": "Same worker",
        "children_open": "Children open", "words": "Shown as"})
    return _sized(bars + words, title, alt.Step(16)), table


def moves_bars(rows: pd.DataFrame, title: str) -> alt.LayerChart:
    """Starters and leavers side by side each month, the count on each bar. A month with no
    return has no bar (a gap, not a zero)."""
    months = _month_column(rows)
    data = pd.concat([
        pd.DataFrame({"month": months, "who": who, "count": rows[column]})
        for who, column in (("Starters", "starters"), ("Leavers", "leavers"))], ignore_index=True)
    data = data[data["count"].notna()]
    x = alt.X("month:N", sort=list(months), title=None, axis=alt.Axis(labelAngle=0))
    colour = alt.Color("who:N", title=None, legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=list(MOVES_COLOURS), range=list(MOVES_COLOURS.values())))
    offset = alt.XOffset("who:N", sort=list(MOVES_COLOURS))
    bars = alt.Chart(data).mark_bar().encode(
        x=x, xOffset=offset, y=alt.Y("count:Q", title="Permanent social workers", axis=alt.Axis(tickMinStep=1)),
        color=colour,
        tooltip=[alt.Tooltip("month:N", title="Month"), alt.Tooltip("who:N", title="Who"),
                 alt.Tooltip("count:Q", title="Number")])
    counts = alt.Chart(data).mark_text(dy=-7, fontSize=11, color="black").encode(
        x=x, xOffset=offset, y="count:Q", text=alt.Text("count:Q", format=",.0f"))
    return _sized(bars + counts, title, 200)

# -------------------------------------------------------------------------- summaries --
def _selection_in(frame: pd.DataFrame, month: dt.date):
    rows = frame[(frame["period"] == month) & (frame["level"] == "selection")]
    return None if rows.empty else rows.iloc[0]


def caseload_summary(frame: pd.DataFrame, month: dt.date) -> list[str]:
    row = _selection_in(frame, month)
    if row is None:
        return []
    lines = [f"Average caseload in {metrics.month_label(month)}: {_number(row['caseload'])} children per "
             f"social worker ({row['children_allocated']:,.0f} children ÷ {row['social_worker_fte']:,.1f} FTE), "
             f"{gap_text(row['caseload'], row['target'])}. Lower is better."]
    spread = caseload_range(frame, month)
    if spread:
        lines.append(f"Range across teams: {spread}.")
    if not metrics.is_missing(row["target"]) and row["teams"] > 1 and row["target_lowest"] != row["target_highest"]:
        lines.append(f"A group's target is the FTE-weighted average of its teams' targets (here "
                     f"{_plain(row['target'])}, from teams' targets of {_plain(row['target_lowest'])} to "
                     f"{_plain(row['target_highest'])}). The black mark on each bar is the target.")
    else:
        lines.append("The black mark on each bar is the target.")
    return lines


def newly_qualified_summary(frame: pd.DataFrame, month: dt.date) -> str:
    row = _selection_in(frame, month)
    if row is None or metrics.is_missing(row["newly_qualified_pct"]):
        return "Newly qualified FTE (nqsw_fte) is not in the workforce returns for this choice, so there is nothing to compare."
    experienced = row["fte_nqsw_known"] - row["nqsw_fte"]
    return (f"In {metrics.month_label(month)}, {fte_share_text(row['nqsw_fte'], row['fte_nqsw_known'])} is newly "
            f"qualified (ASYE) and {experienced:,.1f} FTE experienced. The return does not say how many children "
            "newly qualified workers hold, so their caseloads cannot be shown apart from experienced workers'. "
            f"A share here is {BETTER['newly_qualified']}.")


def flagged_groups(rows: pd.DataFrame) -> list[str]:
    return list(rows.loc[rows["agency_flag"].fillna(False).astype(bool), "label"])


def agency_summary(frame: pd.DataFrame, month: dt.date, rows: pd.DataFrame) -> list[str]:
    row = _selection_in(frame, month)
    if row is None or metrics.is_missing(row["agency_pct"]):
        return ["Agency FTE is not in the workforce returns for this choice."]
    flagged = flagged_groups(rows)
    lines = [f"Agency share in {metrics.month_label(month)}: {fte_share_text(row['agency_fte'], row['fte_agency_known'])}"
             f". Lower is better."]
    if flagged:
        lines.append(f"Over {AGENCY_FLAG_PCT:.0f}% (flagged ⚑, in vermillion): {', '.join(flagged)}.")
    else:
        lines.append(f"No team or service area is over {AGENCY_FLAG_PCT:.0f}% (the level flagged ⚑).")
    return lines


def vacancy_summary(frame: pd.DataFrame, month: dt.date) -> str:
    row = _selection_in(frame, month)
    if row is None or metrics.is_missing(row["vacancy_rate"]):
        return "Vacancies (vacancy_fte) are not in the workforce returns for this choice."
    return (f"Vacancies in {metrics.month_label(month)}: {row['vacancy_fte']:,.1f} FTE, a vacancy rate of "
            f"{row['vacancy_rate']:.1f}% (vacant ÷ vacant and filled, "
            f"{row['vacancy_fte'] + row['fte_vacancy_known']:,.1f} FTE). Lower is better.")


def continuity_summary(frame: pd.DataFrame, month: dt.date, rows: pd.DataFrame) -> list[str]:
    row = _selection_in(frame, month)
    if row is None:
        return []
    if metrics.is_missing(row["children_open_6m"]) and metrics.is_missing(row["children_open_12m"]):
        return [f"The return for {metrics.month_label(month)} has no continuity counts for this choice "
                "(left blank, so not counted as 0): there is no share to show."]
    lines = [f"In {metrics.month_label(month)}: {share_text(row['same_worker_6m'], row['children_open_6m'])} of "
             f"children open 6 months or more had the same worker for the past 6 months; "
             f"{share_text(row['same_worker_12m'], row['children_open_12m'])} of children open 12 months or more "
             "had the same worker for the past year. Higher is better."]
    blank = list(rows.loc[(rows["level"] == "team") & rows["children_open_6m"].isna(), "label"])
    if blank:
        lines.append(f"No continuity counts in the return for: {', '.join(blank)} (left blank, not counted as 0).")
    return lines


# ------------------------------------------------------------------------------- tabs --
PUBLISHED_TAB = "Against other authorities"
TABS = ("Caseloads", "Agency social workers", "Recruitment and retention", "Consistent relationships", "Every team",
        PUBLISHED_TAB)
# DfE's published workforce indicators (year to 30 September, published for the year to 31 March):
# code, label, which way is better, axis title. Drawn apart from the monthly local figures.
PUBLISHED_INDICATORS = (
    ("agency_worker_pct", "Agency social workers (rate)", "lower", "Per cent of FTE"),
    ("caseload_avg", "Average caseload", "lower", "Cases per case-holding FTE"),
    ("vacancy_pct", "Vacancy rate", "lower", "Per cent of posts"),
    ("turnover_pct", "Turnover rate", "lower", "Per cent of FTE"),
)


@dataclass(frozen=True)
class Block:
    """One thing a tab shows, in order: a line of text, a subheading, or a figure (a chart, or
    None for a table shown open, with its figures table and its unique name)."""

    kind: str                      # "text", "subheader" or "figure"
    text: str                      # the words, or the figure's name
    chart: alt.TopLevelMixin | None = None
    table: pd.DataFrame | None = None


@dataclass(frozen=True)
class Headline:
    month: dt.date | None          # the latest month in the period with a return; None: nothing to show
    tiles: list[Tile]


def headline(sums: pd.DataFrame, chosen: Filters) -> Headline:
    frame = add_figures(sums)
    month = latest_month(frame, chosen)
    return Headline(month, headline_tiles(frame, chosen) if month else [])


def _text(*lines: str) -> list[Block]:
    return [Block("text", line) for line in lines]


def _figure(chart, table: pd.DataFrame, name: str) -> Block:
    return Block("figure", name, chart, table)


def tab_blocks(sums: pd.DataFrame, england: pd.DataFrame, chosen: Filters, tab: str) -> list[Block]:
    """Everything one tab shows, for the page to lay out. Built only for the open tab."""
    frame = add_figures(sums)
    month = latest_month(frame, chosen)
    if month is None:
        return []
    rows = group_rows(frame, month)
    when = metrics.month_label(month)
    if tab == "Caseloads":
        blocks = _text(*caseload_summary(frame, month))
        blocks.append(_figure(*caseload_bars(rows, f"Average caseload against target, {when} (lower is better)"),
                              f"Caseload by service area and team, {when}"))
        by_month = caseload_trend(frame, chosen, england)
        blocks.append(_figure(trend(by_month.lines, "Average caseload by month (lower is better)",
                                    "Children per social worker"), by_month.table, "Caseload by month"))
        blocks += [Block("subheader", "Newly qualified and experienced workers"),
                   *_text(newly_qualified_summary(frame, month))]
        if rows["newly_qualified_pct"].notna().any():
            blocks.append(_figure(*newly_qualified_bars(rows, f"Newly qualified share of social-worker FTE, {when}"),
                                  f"Newly qualified share, {when}"))
        return blocks
    if tab == "Agency social workers":
        england_now = england_by_month(england, "agency_worker_pct", [month])
        blocks = _text(*agency_summary(frame, month, rows), england_note(england_now, "%", "the agency share"))
        if rows["agency_pct"].notna().any():
            blocks.append(_figure(*agency_bars(rows, None if england_now.empty else england_now["value"].iloc[0],
                                               f"Agency share of social workers, {when} (lower is better)"),
                                  f"Agency share by service area and team, {when}"))
            by_month = agency_trend(frame, chosen, england)
            blocks.append(_figure(trend(by_month.lines, "Agency share by month (lower is better)", "Per cent of FTE"),
                                  by_month.table, "Agency share by month"))
        return blocks
    if tab == "Recruitment and retention":
        moves = moves_by_month(frame, chosen)
        blocks = _text(moves_text(frame, chosen))
        blocks.append(_figure(moves_bars(selection_rows(in_period(frame, chosen)),
                                         "Permanent starters and leavers each month"),
                              moves.table, "Starters and leavers by month"))
        if not moves.lines.empty:
            blocks.append(_figure(trend(moves.lines, "Starters and leavers over the six months to each month "
                                        "(more starters than leavers is better)", "Social workers, 6 months"),
                                  moves.table, "Starters and leavers, rolling six months"))
        blocks += [Block("subheader", "Vacancies"), *_text(vacancy_summary(frame, month))]
        vacancies = vacancy_trend(frame, chosen, england)
        if not vacancies.lines.empty:
            blocks.append(_figure(trend(vacancies.lines, "Vacancy rate by month (lower is better)",
                                        "Per cent of funded FTE"), vacancies.table, "Vacancy rate by month"))
        return blocks
    if tab == "Consistent relationships":
        blocks = _text(*continuity_summary(frame, month, rows))
        if rows[["children_open_6m", "children_open_12m"]].isna().all(axis=None):
            return blocks
        blocks.append(_figure(*continuity_bars(rows, f"Children who kept the same worker, {when} (higher is better)"),
                              f"Same worker by service area and team, {when}"))
        by_month = continuity_trend(frame, chosen)
        if not by_month.lines.empty:
            blocks.append(_figure(trend(by_month.lines, "Children who kept the same worker, by month "
                                        "(higher is better)", "Per cent of children"),
                                  by_month.table, "Same worker by month"))
        return blocks
    if tab == "Every team":
        return [*_text("Every figure on this page for the latest month in the period: each service area's "
                       "total, then its teams, with the whole authority first. Blank cells are figures the "
                       "return left blank."),
                _figure(None, team_table(frame, month), f"Every team, {when}")]
    raise ValueError(f"No tab named {tab!r}")
