"""What the audits did: activity by month, type and team, moderation, the learning loop
(actions and themes) and the drill-down to the audits behind a figure. Pure, no Streamlit."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_dashboard import contract, metrics
from qa_dashboard.audits.common import (
    ANY_GRADE, GOOD_OR_BETTER, NOT_JUDGED, WHOLE_PERIOD, area_labels, compact, dated, grade_labels,
    month_short, quarters_between)
from qa_dashboard.periods import months_between


# --------------------------------------------------------------------------- activity --
def activity_by_month(audits: pd.DataFrame) -> pd.DataFrame:
    """Rows (month, month_label, audit_type, count); a month without audits has no rows."""
    rows = dated(audits, "month")
    out = rows.groupby(["month", "audit_type"], as_index=False).size().rename(columns={"size": "count"})
    order = {t: i for i, t in enumerate(_type_order(out["audit_type"]))}
    out = out.assign(type_order=out["audit_type"].map(order)).sort_values(["month", "type_order"])
    out.insert(1, "month_label", [month_short(m) for m in out["month"]])
    return out.reset_index(drop=True)


def activity_table(by_month: pd.DataFrame) -> pd.DataFrame:
    wide = by_month.pivot_table(index=["month", "month_label"], columns="audit_type", values="count",
                                aggfunc="sum", fill_value=0)
    wide = wide[_type_order(wide.columns)]
    wide.insert(0, "All audits", wide.sum(axis=1))
    wide = wide.reset_index().drop(columns="month").rename(columns={"month_label": "Month"})
    wide.columns.name = None
    return wide


def activity_by_team(audits: pd.DataFrame) -> pd.DataFrame:
    """Audits completed by team (service area, team) and type, with a total per team."""
    if audits.empty:
        return pd.DataFrame(columns=["Service area", "Team", "All audits"])
    wide = audits.pivot_table(index=["service_area", "team"], columns="audit_type", values="audit_id",
                              aggfunc="count", fill_value=0)
    types = _type_order(wide.columns)
    wide.insert(0, "All audits", wide.sum(axis=1))
    wide = wide[["All audits", *types]].reset_index().rename(columns={"service_area": "Service area", "team": "Team"})
    wide.columns.name = None
    return wide


def _type_order(present) -> list[str]:
    """Audit types in the contract's order, any others after them alphabetically."""
    known = [t for t in contract.load().audit_types if t in set(present)]
    return known + sorted(set(present) - set(known))


def activity_by_type(audits: pd.DataFrame) -> pd.DataFrame:
    counts = audits.groupby("audit_type").size()
    order = _type_order(counts.index)
    return pd.DataFrame({"Audit type": order, "Audits": [int(counts[t]) for t in order]})


# -------------------------------------------------------------------------- moderation --
def moderation_share(audits: pd.DataFrame) -> metrics.Share:
    return metrics.Share(int(audits["moderated"].fillna(False).astype(bool).sum()), len(audits))


def _moved(audits: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Graded down: the moderated grade is worse (a higher rank) than the original; up: better.
    One audit is one row, so a change is counted once, in the audit's month."""
    both = audits["original_rank"].notna() & audits["overall_rank"].notna()
    original = audits["original_rank"].astype("Float64")
    final = audits["overall_rank"].astype("Float64")
    return (both & (final > original)).fillna(False), (both & (final < original)).fillna(False)


def moderation_crosstab(audits: pd.DataFrame) -> pd.DataFrame:
    """Moderated audits: grade before moderation (rows) against the moderated grade (columns)."""
    grades = grade_labels()
    moderated = audits[audits["moderated"].fillna(False).astype(bool)]
    before = moderated["original_overall"].fillna("Not recorded")
    table = pd.crosstab(before, moderated["overall"]) if not moderated.empty else pd.DataFrame()
    rows = [g for g in grades if g in table.index] + (["Not recorded"] if "Not recorded" in table.index else [])
    table = table.reindex(index=rows, columns=grades, fill_value=0)
    table["All moderated"] = table.sum(axis=1)
    out = table.reset_index()
    out.columns = ["Before moderation (rows) / after (columns)", *grades, "All moderated"]
    return out


def moderation_by_month(audits: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per month: audits, moderated share with n, graded down, graded up. A month without
    audits is listed with 0 audits and no share."""
    rows = dated(audits, "month")
    down, up = _moved(rows)
    flags = pd.DataFrame({"month": rows["month"], "audits": 1,
                          "moderated": rows["moderated"].fillna(False).astype(bool).astype(int),
                          "down": down.astype(int), "up": up.astype(int)}).groupby("month").sum()
    out = []
    for month in months_between(start, end):
        if month in flags.index:
            counts = flags.loc[month]
            share = metrics.Share(int(counts["moderated"]), int(counts["audits"]))
            out.append({"Month": month_short(month), "Audits": int(counts["audits"]),
                        "Moderated": int(counts["moderated"]), "Moderated share": compact(share),
                        "Graded down": int(counts["down"]), "Graded up": int(counts["up"])})
        else:
            out.append({"Month": month_short(month), "Audits": 0, "Moderated": None,
                        "Moderated share": "no audits", "Graded down": None, "Graded up": None})
    table = pd.DataFrame(out, columns=["Month", "Audits", "Moderated", "Moderated share", "Graded down", "Graded up"])
    counts = ["Moderated", "Graded down", "Graded up"]
    table[counts] = table[counts].astype("Int64")
    return table


def moved_totals(audits: pd.DataFrame) -> tuple[int, int]:
    down, up = _moved(audits)
    return int(down.sum()), int(up.sum())


# ----------------------------------------------------------------------- learning loop --
def actions_share(audits: pd.DataFrame) -> metrics.Share:
    """Actions completed over actions agreed, summed over audits that recorded both."""
    both = audits["actions_agreed"].notna() & audits["actions_completed"].notna()
    return metrics.Share(int(audits.loc[both, "actions_completed"].sum()), int(audits.loc[both, "actions_agreed"].sum()))


def actions_by_quarter(audits: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (first, quarter), rows in dated(audits, "quarter_start").groupby(["quarter_start", "quarter"]):
        share = actions_share(rows)
        out.append({"Quarter": quarter, "Audits": len(rows), "Actions agreed": share.n,
                    "Actions completed": share.count, "Completed": compact(share, "no actions agreed")})
    return pd.DataFrame(out, columns=["Quarter", "Audits", "Actions agreed", "Actions completed", "Completed"])


def theme_rows(audits: pd.DataFrame, search: str = "") -> pd.DataFrame:
    """Strengths and areas for development, by team and then date, optionally only the audits
    whose team or themes contain `search` (plain text, any case)."""
    rows = dated(audits, "audit_date")
    has_theme = rows["theme_strengths"].notna() | rows["theme_development"].notna()
    rows = rows[has_theme]
    if search.strip():
        needle = search.strip().lower()
        text = (rows["team"].fillna("") + " " + rows["theme_strengths"].fillna("") + " "
                + rows["theme_development"].fillna("")).str.lower()
        rows = rows[text.str.contains(needle, regex=False)]
    rows = rows.sort_values(["team", "audit_date", "audit_id"], ascending=[True, False, True])
    return pd.DataFrame({"Team": rows["team"].to_list(), "Quarter": rows["quarter"].to_list(),
                         "Date": rows["audit_date"].to_list(), "Audit": rows["audit_id"].to_list(),
                         "Strengths": rows["theme_strengths"].fillna("").to_list(),
                         "Areas for development": rows["theme_development"].fillna("").to_list()})


def common_themes(audits: pd.DataFrame, column: str, top: int = 8) -> pd.DataFrame:
    """The findings most often recorded, counting each audit once per finding. Auditors list
    several findings in one cell separated by semicolons."""
    findings = audits[["audit_id", column]].dropna()
    findings = findings.assign(finding=findings[column].str.split(";")).explode("finding")
    findings["finding"] = findings["finding"].str.strip()
    findings = findings[findings["finding"] != ""].drop_duplicates(["audit_id", "finding"])
    counts = findings.groupby("finding").size().sort_values(ascending=False, kind="stable")
    counts = counts.head(top)
    return pd.DataFrame({"Finding": counts.index.to_list(), "Audits": counts.astype(int).to_list()})


# ------------------------------------------------------------------------- drill-down --
def when_options(start: dt.date, end: dt.date) -> dict[str, tuple[str, dt.date | None]]:
    """Label -> (kind, first month) for the drill-down: the whole period, each quarter, each month."""
    options: dict[str, tuple[str, dt.date | None]] = {WHOLE_PERIOD: ("period", None)}
    for first, label in quarters_between(start, end):
        options[label] = ("quarter", first)
    for month in months_between(start, end):
        options[metrics.month_label(month)] = ("month", month)
    return options


def grade_options() -> list[str]:
    return [ANY_GRADE, GOOD_OR_BETTER, *grade_labels(), NOT_JUDGED]


def drill_down(audits: pd.DataFrame, when: tuple[str, dt.date | None], area: str, grade: str) -> pd.DataFrame:
    """The audits behind one bar, segment or grid cell: `when` from `when_options`, `area` a
    practice-area code or "overall", `grade` from `grade_options`."""
    rows = dated(audits, "month", "quarter_start", "audit_date")
    kind, first = when
    if kind == "quarter":
        rows = rows[rows["quarter_start"] == first]
    elif kind == "month":
        rows = rows[rows["month"] == first]
    judged = rows["overall"] if area == "overall" else rows[area]
    if grade == NOT_JUDGED:
        rows = rows[judged.isna()]
    elif grade == GOOD_OR_BETTER:
        rows = rows[judged.isin(grade_labels()[:2])]
    elif grade != ANY_GRADE:
        rows = rows[judged == grade]
    table = pd.DataFrame({
        "Audit": rows["audit_id"].to_list(), "Date": rows["audit_date"].to_list(),
        "Team": rows["team"].to_list(), "Service area": rows["service_area"].to_list(),
        "Type": rows["audit_type"].to_list(), "Overall judgement": rows["overall"].to_list(),
        "Grade before moderation": rows["original_overall"].to_list(),
    })
    if area != "overall":
        table[area_labels()[area]] = rows[area].fillna(NOT_JUDGED).to_list()
    table["Actions agreed"] = rows["actions_agreed"].to_list()
    table["Actions completed"] = rows["actions_completed"].to_list()
    return table
