"""The Workforce page's words: figures written with their n and their direction, the headline
tiles, and the sentences above each tab's charts. Pure, no Streamlit."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_dashboard import metrics, plain_text
from qa_dashboard.metrics import Tile
from qa_dashboard.scope import Filters
from qa_dashboard.workforce.figures import AGENCY_FLAG_PCT, BETTER, in_period, selection_rows


# ---------------------------------------------------------------------------- wording --
def number(value, digits: int = 1) -> str:
    return "no figure" if metrics.is_missing(value) else f"{value:,.{digits}f}"


def plain_number(value) -> str:
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
        return f"at the target of {plain_number(target)}"
    return f"{abs(gap):.1f} {'above' if gap > 0 else 'below'} the target of {plain_number(target)}"


def target_text(row) -> str:
    """How a group's target was set: one team's own, or the FTE-weighted target and the range."""
    if metrics.is_missing(row["target"]):
        return "no target loaded"
    low, high = row["target_lowest"], row["target_highest"]
    if row["teams"] == 1 or low == high:
        return f"target {plain_number(row['target'])}"
    return f"target {plain_number(row['target'])} (FTE-weighted; teams' targets {plain_number(low)} to {plain_number(high)})"


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
    return (f"{low['caseload']:.1f} ({plain_text.isolated(low['team'])}) to "
            f"{high['caseload']:.1f} ({plain_text.isolated(high['team'])})")


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


# -------------------------------------------------------------------------- summaries --
def _selection_in(frame: pd.DataFrame, month: dt.date):
    rows = frame[(frame["period"] == month) & (frame["level"] == "selection")]
    return None if rows.empty else rows.iloc[0]


def caseload_summary(frame: pd.DataFrame, month: dt.date) -> list[str]:
    row = _selection_in(frame, month)
    if row is None:
        return []
    lines = [f"Average caseload in {metrics.month_label(month)}: {number(row['caseload'])} children per "
             f"social worker ({row['children_allocated']:,.0f} children ÷ {row['social_worker_fte']:,.1f} FTE), "
             f"{gap_text(row['caseload'], row['target'])}. Lower is better."]
    spread = caseload_range(frame, month)
    if spread:
        lines.append(f"Range across teams: {spread}.")
    if not metrics.is_missing(row["target"]) and row["teams"] > 1 and row["target_lowest"] != row["target_highest"]:
        lines.append(f"A group's target is the FTE-weighted average of its teams' targets (here "
                     f"{plain_number(row['target'])}, from teams' targets of {plain_number(row['target_lowest'])} to "
                     f"{plain_number(row['target_highest'])}). The black mark on each bar is the target.")
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
        lines.append(f"Over {AGENCY_FLAG_PCT:.0f}% (flagged ⚑, in vermillion): {', '.join(map(plain_text.isolated, flagged))}.")
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
