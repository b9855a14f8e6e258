"""The rows behind the Workforce page's bar charts, one per group (the whole selection, each
service area, each team), with the words written beside each bar and the figures table a
reader downloads. Pure, no Streamlit; `charts/workforce.py` draws them."""
from __future__ import annotations

import numpy as np
import pandas as pd

from qa_dashboard import metrics
from qa_dashboard.workforce.figures import ABOVE, AGENCY_FLAG_PCT, AT_OR_BELOW, CONTINUITY, NO_TARGET, month_column
from qa_dashboard.workforce.words import fte_share_text, gap_text, number, share_text


def target_status(caseload, target) -> str:
    if metrics.is_missing(target) or metrics.is_missing(caseload):
        return NO_TARGET
    return ABOVE if round(caseload, 1) > round(target, 1) else AT_OR_BELOW


def caseload_bar_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Average caseload per group against its target, and the gap in words: (bars, figures table)."""
    data = pd.DataFrame({
        "label": rows["label"], "level_name": rows["level_name"],
        "caseload_shown": rows["caseload"].round(1), "target_shown": rows["target"].round(1),
        "label_at": rows[["caseload", "target"]].max(axis=1),
        "status": [target_status(c, t) for c, t in zip(rows["caseload"], rows["target"])],
        "words": [f"{number(c)} · {gap_text(c, t)}" for c, t in zip(rows["caseload"], rows["target"])],
    })
    table = data.rename(columns={"label": "Group", "level_name": "Level", "caseload_shown": "Average caseload",
                                 "target_shown": "Target", "status": "Status", "words": "Against target"}
                        ).drop(columns="label_at")
    return data, table


def agency_bar_rows(rows: pd.DataFrame, england_value: float | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agency share per group, flagged over 40%, its words placed after the England line where
    that is further right: (bars, figures table)."""
    flag_name, fine_name = f"Over {AGENCY_FLAG_PCT:.0f}%", f"{AGENCY_FLAG_PCT:.0f}% or under"
    data = pd.DataFrame({
        "label": rows["label"], "level_name": rows["level_name"], "share": rows["agency_pct"].round(1),
        "flag": np.where(rows["agency_flag"], flag_name, fine_name),
        "words": [("⚑ " if flagged else "") + fte_share_text(a, f)
                  for a, f, flagged in zip(rows["agency_fte"], rows["fte_agency_known"], rows["agency_flag"])],
        "agency_fte": rows["agency_fte"], "fte_agency_known": rows["fte_agency_known"],
    })
    data["label_at"] = data["share"].clip(lower=0 if england_value is None else float(england_value))
    table = data.rename(columns={"label": "Group", "level_name": "Level", "share": "Agency share %",
                                 "flag": "Flag", "agency_fte": "Agency FTE",
                                 "fte_agency_known": "Social-worker FTE", "words": "Shown as"}
                        ).drop(columns="label_at")
    if england_value is not None:
        table["England %"] = round(float(england_value), 1)
    return data, table


def newly_qualified_bar_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Newly qualified share of FTE per group that gave it: (bars, figures table)."""
    shown = rows[rows["newly_qualified_pct"].notna()]
    data = pd.DataFrame({
        "label": shown["label"], "level_name": shown["level_name"], "share": shown["newly_qualified_pct"].round(1),
        "nqsw_fte": shown["nqsw_fte"], "experienced_fte": (shown["fte_nqsw_known"] - shown["nqsw_fte"]).round(1),
        "words": [fte_share_text(n, f) for n, f in zip(shown["nqsw_fte"], shown["fte_nqsw_known"])],
    })
    table = data.rename(columns={"label": "Group", "level_name": "Level", "share": "Newly qualified share %",
                                 "nqsw_fte": "Newly qualified FTE", "experienced_fte": "Experienced FTE",
                                 "words": "Shown as"})
    return data, table


def continuity_bar_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two bars per group, same worker for 6 and for 12 months; a group with no counts has no
    share and says 'no figures', never 0%: (bars, figures table)."""
    parts = []
    for months, name in CONTINUITY.items():
        count, n = rows[f"same_worker_{months}m"], rows[f"children_open_{months}m"]
        parts.append(pd.DataFrame({
            "label": rows["label"], "measure": name, "share": rows[f"same_worker_{months}m_pct"].round(1),
            "same_worker": count, "children_open": n,
            "words": [share_text(c, m) for c, m in zip(count, n)]}))
    data = pd.concat(parts, ignore_index=True)
    data["label_at"] = data["share"].fillna(0)
    table = data.drop(columns="label_at").rename(columns={
        "label": "Group", "measure": "Measure", "share": "Share %", "same_worker": "Same worker",
        "children_open": "Children open", "words": "Shown as"})
    return data, table


def moves_bar_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Starters and leavers each month, and every month of the period in order: a month with no
    return has no row (a gap on the chart, not a zero)."""
    months = month_column(rows)
    data = pd.concat([
        pd.DataFrame({"month": months, "who": who, "count": rows[column]})
        for who, column in (("Starters", "starters"), ("Leavers", "leavers"))], ignore_index=True)
    return data[data["count"].notna()], list(months)
