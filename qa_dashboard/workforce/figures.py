"""The Workforce figures: every ratio the page shows, worked out from the `workforce_sums` rows
(team, service area and whole selection, by month), the groups a bar chart lists, England's
comparator by month, the monthly trend frames and the every-team table. Pure, no Streamlit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qa_dashboard import contract, metrics, monthly_spc
from qa_dashboard.scope import Filters

AGENCY_FLAG_PCT = 40.0   # seed 002: "over 40% of frontline professionals" is the level boards worry about
ROLLING_MONTHS = 6       # seed 002 counts starters and leavers "per 6-month period"
WHOLE_AUTHORITY = contract.load().whole_authority  # no team or service area may be named so (ingest refuses it)

BETTER = {
    "newly_qualified": "neither higher nor lower is better: newly qualified workers need protected caseloads",
    "net_change": "more starters than leavers is better",
}

LEVEL_ORDER = {"selection": 0, "service area": 1, "team": 2}
LEVEL_NAMES = {"selection": WHOLE_AUTHORITY, "service area": "Service area", "team": "Team"}
ABOVE, AT_OR_BELOW, NO_TARGET = "Above target", "At or below target", "No target loaded"
CONTINUITY = {"6": "Same worker, 6 months", "12": "Same worker, 12 months"}


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


def month_column(rows: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(rows["period"]).dt.strftime("%b %Y")


def caseload_trend(frame: pd.DataFrame, chosen: Filters, england: pd.DataFrame) -> Trend:
    rows = selection_rows(in_period(frame, chosen))
    comparator = england_by_month(england, "caseload_avg", list(rows["period"]))
    lines = _with_england(_long(rows, {"caseload": "Our figure", "target": "Target"}), comparator)
    table = pd.DataFrame({
        "Month": month_column(rows), "Children allocated": rows["children_allocated"],
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
        "Month": month_column(rows), "Agency FTE": rows["agency_fte"],
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
        "Month": month_column(rows), "Vacant FTE": rows["vacancy_fte"],
        "Social-worker FTE": rows["fte_vacancy_known"], "Vacancy rate %": rows["vacancy_rate"].round(1),
    })
    table = _join_england(table, rows, comparator, "England vacancy rate %")
    return Trend(_broken_at_gaps(lines), table.reset_index(drop=True))


def continuity_trend(frame: pd.DataFrame, chosen: Filters) -> Trend:
    rows = selection_rows(in_period(frame, chosen))
    lines = _long(rows, {"same_worker_6m_pct": CONTINUITY["6"], "same_worker_12m_pct": CONTINUITY["12"]})
    table = pd.DataFrame({
        "Month": month_column(rows),
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
        "Month": month_column(rows), "Starters": rows["starters"], "Leavers": rows["leavers"],
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


# ------------------------------------------------------------------------ XmR charts --
def _month_of(value) -> dt.date:
    day = pd.Timestamp(value).date()
    return dt.date(day.year, day.month, 1)


def caseload_spc(by_month: pd.DataFrame, chosen: Filters) -> monthly_spc.MonthlySpc:
    """Average caseload by month as an XmR chart (lower is better), from the `workforce_by_month`
    rows: every month loaded for the chosen service area and team, each month's figure a ratio
    of sums (all children ÷ all FTE). A month without FTE has no figure and is absent."""
    rows = by_month.to_dict("records")
    values = [metrics.ratio_of_sums([r["children_allocated"]], [r["social_worker_fte"]]) for r in rows]
    return monthly_spc.read("Average caseload", [_month_of(r["period"]) for r in rows], values, "lower", "count",
                            "Average caseload", chosen.start, chosen.end)


def agency_spc(by_month: pd.DataFrame, chosen: Filters) -> monthly_spc.MonthlySpc:
    """Agency share of social-worker FTE by month as an XmR chart (lower is better): agency FTE ÷
    the FTE of the teams that gave their agency FTE, summed over the chosen teams. A month in
    which no team gave it is absent."""
    rows = by_month.to_dict("records")
    values = [metrics.ratio_of_sums([r["agency_fte"]], [r["fte_with_agency_known"]], scale=100) for r in rows]
    return monthly_spc.read("Agency share of social workers", [_month_of(r["period"]) for r in rows], values,
                            "lower", "%", "Agency share %", chosen.start, chosen.end)


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
