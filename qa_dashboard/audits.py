"""What the Audits page shows, worked out from its three query frames. Pure functions, no
Streamlit, tested on hand-made frames and on hand-made workbooks.

The honesty rules of `metrics` hold throughout: every share carries its n and is marked when
n is under 5; a share over several months, teams or quarters is a ratio of summed counts; a
month without audits is a gap (no row, no point, no bar), never a zero; an area the auditor
did not judge is left out of that area's denominator and counted separately.

"Good or better" is the two best grades of the contract's scale and "inadequate" its worst;
no grade is spelt here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import contract, metrics
from qa_dashboard.periods import as_date, financial_year_label, financial_year_start, month_short, months_between, quarters_between
from qa_dashboard.periods import quarter_label, quarter_start  # noqa: F401 (tests and pages use them through audits)

EACH_MONTH = "Each month"
ROLLING = {3: "Rolling 3 months", 6: "Rolling 6 months"}
WHOLE_PERIOD = "Whole period"
ANY_GRADE = "Any grade"
GOOD_OR_BETTER = "Good or better"
NOT_JUDGED = "Not judged"
SMALL_MARK = " *"
SMALL_NOTE = "* fewer than 5 audits: read with care."


# --------------------------------------------------------------------------- the scale --
def grade_labels() -> list[str]:
    return [g.label for g in sorted(contract.load().grades, key=lambda g: g.rank)]


def good_or_better_ranks() -> frozenset[int]:
    """The catalogue's `good_or_better` grades; SQL asks the same through good_or_better()."""
    return contract.load().good_or_better_ranks


def worst_rank() -> int:
    return max(g.rank for g in contract.load().grades)


def worst_label() -> str:
    return grade_labels()[-1]


def area_labels() -> dict[str, str]:
    """Practice-area code -> label, in the contract's order."""
    return {p.code: p.label for p in contract.load().practice_areas}


# -------------------------------------------------------------------------------- shares --
def compact(share: metrics.Share, empty: str = "no audits") -> str:
    """`55% (n = 12)`, with a star when n is under 5 (see SMALL_NOTE); for table cells."""
    if share.n == 0:
        return empty
    return f"{share.percent:.0f}% (n = {share.n})" + (SMALL_MARK if share.small else "")


def percent_text(share: metrics.Share) -> str:
    """The big figure of a tile: `54%`; its n goes on the line beneath (`tile_note`)."""
    return "no audits" if share.n == 0 else f"{share.percent:.0f}%"


def tile_note(share: metrics.Share, note: str) -> str:
    """`n = 161 · higher is better`, and the small-number warning when n is under 5."""
    if share.n == 0:
        return note
    flag = " · fewer than 5: read with care" if share.small else ""
    return f"n = {share.n:,} · {note}{flag}"


def _percent(share: metrics.Share) -> float | None:
    return None if share.percent is None else round(share.percent, 1)


def _dated(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = [as_date(v) for v in out[column]]
    return out


def in_months(frame: pd.DataFrame, start: dt.date, end: dt.date, column: str = "month") -> pd.DataFrame:
    dated = _dated(frame, column)
    return dated[(dated[column] >= start) & (dated[column] <= end)]


# -------------------------------------------------------------- headline judgements --
def grades_by_month(overall: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Rows (month, month_label, grade, count) for the chart: a month without audits has no rows."""
    rows = in_months(overall, start, end)
    out = rows.groupby(["month", "grade", "grade_rank"], as_index=False)["audits"].sum()
    out = out.sort_values(["month", "grade_rank"]).rename(columns={"audits": "count"})
    out.insert(1, "month_label", [month_short(m) for m in out["month"]])
    return out[["month", "month_label", "grade", "count"]].reset_index(drop=True)


def grades_by_quarter(overall: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Rows (quarter_start, quarter, grade, count): a quarter without audits has no rows."""
    rows = _dated(in_months(overall, start, end), "quarter_start")
    out = rows.groupby(["quarter_start", "quarter", "grade", "grade_rank"], as_index=False)["audits"].sum()
    out = out.sort_values(["quarter_start", "grade_rank"]).rename(columns={"audits": "count"})
    return out[["quarter_start", "quarter", "grade", "count"]].reset_index(drop=True)


def grade_table(counts: pd.DataFrame, period_column: str, period_title: str) -> pd.DataFrame:
    """The figures behind a 100% stacked chart: each grade's count and share of its bar, with n."""
    totals = counts.groupby(period_column)["count"].transform("sum")
    shares = [metrics.Share(int(c), int(n)) for c, n in zip(counts["count"], totals)]
    return pd.DataFrame({
        period_title: counts[period_column].to_list(),
        "Grade": counts["grade"].to_list(),
        "Audits": counts["count"].astype(int).to_list(),
        "Share of the bar (%)": [_percent(s) for s in shares],
        "n (audits in the bar)": totals.astype(int).to_list(),
        "Fewer than 5 audits": ["yes" if s.small else "" for s in shares],
    })


def months_without_audits(overall: pd.DataFrame, start: dt.date, end: dt.date) -> list[dt.date]:
    with_audits = set(in_months(overall, start, end)["month"])
    return [m for m in months_between(start, end) if m not in with_audits]


def quarters_without_audits(overall: pd.DataFrame, start: dt.date, end: dt.date) -> list[str]:
    with_audits = set(_dated(in_months(overall, start, end), "quarter_start")["quarter_start"])
    return [label for first, label in quarters_between(start, end) if first not in with_audits]


def monthly_counts(overall: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar month from the first month with audits to the last: audits, good or
    better, inadequate. A month without audits is a row with 0 audits here so that the rolling
    windows count calendar months; its share is never shown as a figure."""
    columns = ["month", "audits", "good_or_better", "inadequate"]
    if overall.empty:
        return pd.DataFrame(columns=columns)
    rows = _dated(overall, "month")
    good = rows["grade_rank"].isin(good_or_better_ranks())
    bad = rows["grade_rank"] == worst_rank()
    summed = pd.DataFrame({
        "month": rows["month"], "audits": rows["audits"],
        "good_or_better": rows["audits"].where(good, 0), "inadequate": rows["audits"].where(bad, 0),
    }).groupby("month").sum()
    calendar = months_between(min(summed.index), max(summed.index))
    return summed.reindex(calendar, fill_value=0).rename_axis("month").reset_index()[columns]


@dataclass(frozen=True)
class ShareOverTime:
    """One judgement's share by month with its rolling lines: `table` for the reader and the
    downloads, `lines` (period, series, value) for the chart."""

    label: str
    polarity: str
    table: pd.DataFrame
    lines: pd.DataFrame
    small_months: list[dt.date]


def share_over_time(overall: pd.DataFrame, start: dt.date, end: dt.date, which: str) -> ShareOverTime:
    """`which` is "good_or_better" or "inadequate".

    A rolling share is the window's judgements over the window's audits (a ratio of sums), not a
    mean of monthly shares: a month of 4 audits must not weigh as much as a month of 20. It is
    shown only for a month that had audits and whose whole window lies within the loaded data.
    """
    label = GOOD_OR_BETTER if which == "good_or_better" else worst_label()
    polarity = "higher" if which == "good_or_better" else "lower"
    counts = monthly_counts(overall)
    table_columns = ["Month", "Audits (n)", label, f"{label} (%)"]
    for window in ROLLING:
        table_columns += [f"{ROLLING[window]}: audits (n)", f"{ROLLING[window]} (%)"]
    table_columns.append("Fewer than 5 audits")
    if counts.empty:
        return ShareOverTime(label, polarity, pd.DataFrame(columns=table_columns),
                             pd.DataFrame(columns=["period", "series", "value"]), [])
    for window in ROLLING:
        counts[f"n{window}"] = counts["audits"].rolling(window, min_periods=window).sum()
        counts[f"c{window}"] = counts[which].rolling(window, min_periods=window).sum()
    shown = counts[(counts["month"] >= start) & (counts["month"] <= end)]
    table_rows, line_rows, small = [], [], []
    for row in shown.itertuples(index=False):
        month_share = metrics.Share(int(getattr(row, which)), int(row.audits))
        entry = {"Month": month_short(row.month), "Audits (n)": int(row.audits),
                 label: int(getattr(row, which)) if row.audits else None,
                 f"{label} (%)": _percent(month_share)}
        values = {EACH_MONTH: _percent(month_share)}
        for window in ROLLING:
            n = getattr(row, f"n{window}")
            has = row.audits > 0 and not pd.isna(n) and n > 0
            rolling_share = metrics.Share(int(getattr(row, f"c{window}")), int(n)) if has else None
            entry[f"{ROLLING[window]}: audits (n)"] = int(n) if has else None
            entry[f"{ROLLING[window]} (%)"] = _percent(rolling_share) if rolling_share else None
            values[ROLLING[window]] = entry[f"{ROLLING[window]} (%)"]
        entry["Fewer than 5 audits"] = "yes" if month_share.small else ""
        if month_share.small:
            small.append(row.month)
        table_rows.append(entry)
        for series, value in values.items():
            line_rows.append({"period": pd.Timestamp(row.month), "series": series, "value": value})
    lines = pd.DataFrame(line_rows)
    lines = _trim_trailing_gaps(lines)
    table = pd.DataFrame(table_rows, columns=table_columns)
    whole_numbers = [label, *[f"{ROLLING[w]}: audits (n)" for w in ROLLING]]
    table[whole_numbers] = table[whole_numbers].astype("Int64")
    return ShareOverTime(label, polarity, table, lines, small)


def _trim_trailing_gaps(lines: pd.DataFrame) -> pd.DataFrame:
    """Keep a gap (a null value) only between two figures of its series: a null breaks the line
    there, while a leading or trailing null would only push the line's end label off the chart."""
    kept = []
    for _, series in lines.groupby("series", sort=False):
        valued = series["value"].notna()
        if not valued.any():
            continue
        first, last = valued.idxmax(), valued[::-1].idxmax()
        kept.append(series.loc[first:last])
    return pd.concat(kept) if kept else lines.iloc[0:0]


@dataclass(frozen=True)
class YearOnYear:
    """This financial year so far against the same months of the year before."""

    this_year: str
    last_year: str
    months: str
    good_now: metrics.Share
    good_before: metrics.Share
    bad_now: metrics.Share
    bad_before: metrics.Share

    def sentences(self) -> list[str]:
        if self.good_now.n == 0:
            return [f"No audits yet in {self.this_year} ({self.months}) for this choice, so there is "
                    "no year to compare."]
        lines = []
        for label, now, before, polarity in ((GOOD_OR_BETTER.lower(), self.good_now, self.good_before, "higher"),
                                             (worst_label().lower(), self.bad_now, self.bad_before, "lower")):
            if before.n == 0:
                lines.append(f"{label.capitalize()}: {now.text()} in {self.this_year}; there were no audits in "
                             f"the same months of {self.last_year} to compare with.")
                continue
            move = metrics.direction(now.percent, before.percent, polarity)
            verdict = "no change" if move.word == "no change" else f"{move.arrow} {move.word}"
            lines.append(f"{label.capitalize()}: {now.text()} in {self.this_year} against {before.text()} "
                         f"in {self.last_year}: {verdict} ({metrics.better_phrase(polarity)}).")
        return lines


def year_on_year(overall: pd.DataFrame, end: dt.date) -> YearOnYear:
    """The financial year holding `end`, April to `end`, against the same months a year earlier."""
    first = financial_year_start(end)
    counts = monthly_counts(overall)
    months = f"{month_short(first)} to {month_short(end)}"

    def shares(start: dt.date, stop: dt.date) -> tuple[metrics.Share, metrics.Share]:
        rows = counts[(counts["month"] >= start) & (counts["month"] <= stop)] if not counts.empty else counts
        n = int(rows["audits"].sum()) if not rows.empty else 0
        good = int(rows["good_or_better"].sum()) if not rows.empty else 0
        bad = int(rows["inadequate"].sum()) if not rows.empty else 0
        return metrics.Share(good, n), metrics.Share(bad, n)

    good_now, bad_now = shares(first, end)
    good_before, bad_before = shares(metrics.add_months(first, -12), metrics.add_months(end, -12))
    return YearOnYear(financial_year_label(end), financial_year_label(metrics.add_months(first, -12)),
                      months, good_now, good_before, bad_now, bad_before)


def grade_mix_sentence(audits: pd.DataFrame) -> str:
    """`Of 48 audits: 0% outstanding, 0% good, 79% requires improvement, 21% inadequate.`"""
    n = len(audits)
    if n == 0:
        return "No audits in this period."
    counts = audits["overall"].value_counts()
    parts = [f"{metrics.Share(int(counts.get(g, 0)), n).percent:.0f}% {g.lower()}" for g in grade_labels()]
    flag = " Fewer than 5 audits: read with care." if n < metrics.SMALL_N else ""
    return f"Overall judgements of the {n} audits in the period: {', '.join(parts)}.{flag}"


# ------------------------------------------------------------------- practice areas --
def area_grid(area_grades: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Practice area × quarter: good-or-better share and n in each cell as text, the overall
    judgement first. An area not judged in an audit is out of that cell's n."""
    quarters = quarters_between(start, end)
    frame = _dated(area_grades, "quarter_start")
    audits_by_quarter = frame[frame["practice_area"] == "overall"].groupby("quarter_start")["judgements"].sum()
    rows = []
    for (_, code, label), area in frame.groupby(["practice_area_order", "practice_area", "practice_area_label"]):
        judged = area[area["grade"].notna()]
        good = judged[judged["grade_rank"].isin(good_or_better_ranks())]
        row = {"Practice area": label}
        for first, quarter in quarters:
            n = int(judged.loc[judged["quarter_start"] == first, "judgements"].sum())
            share = metrics.Share(int(good.loc[good["quarter_start"] == first, "judgements"].sum()), n)
            row[quarter] = compact(share, "no audits" if not audits_by_quarter.get(first, 0) else "none judged")
        row[WHOLE_PERIOD] = compact(metrics.Share(int(good["judgements"].sum()), int(judged["judgements"].sum())))
        row[NOT_JUDGED] = int(area.loc[area["grade"].isna(), "judgements"].sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["Practice area", *[q for _, q in quarters], WHOLE_PERIOD, NOT_JUDGED])


def not_judged(area_grades: pd.DataFrame) -> tuple[int, int]:
    """(practice-area judgements left blank or N/A, practice-area judgements expected), overall excluded."""
    areas = area_grades[area_grades["practice_area"] != "overall"]
    return int(areas.loc[areas["grade"].isna(), "judgements"].sum()), int(areas["judgements"].sum())


def area_grade_mix(area_grades: pd.DataFrame) -> pd.DataFrame:
    """Rows (area, quarter, grade, count) of judged areas, for one faceted grade-mix chart."""
    judged = _dated(area_grades[area_grades["grade"].notna()], "quarter_start")
    judged = judged.sort_values(["practice_area_order", "quarter_start", "grade_rank"])
    mix = pd.DataFrame({"area": judged["practice_area_label"].to_list(), "quarter": judged["quarter"].to_list(),
                        "grade": judged["grade"].to_list(), "count": judged["judgements"].astype(int).to_list()})
    return mix


def area_mix_table(mix: pd.DataFrame) -> pd.DataFrame:
    totals = mix.groupby(["area", "quarter"], sort=False)["count"].transform("sum")
    shares = [metrics.Share(int(c), int(n)) for c, n in zip(mix["count"], totals)]
    return pd.DataFrame({"Practice area": mix["area"].to_list(), "Quarter": mix["quarter"].to_list(),
                         "Grade": mix["grade"].to_list(), "Audits": mix["count"].to_list(),
                         "Share of the area's judged audits (%)": [_percent(s) for s in shares],
                         "n (judged)": totals.astype(int).to_list(),
                         "Fewer than 5 audits": ["yes" if s.small else "" for s in shares]})


def area_order(mix: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(mix["area"]))


# --------------------------------------------------------------------------- activity --
def activity_by_month(audits: pd.DataFrame) -> pd.DataFrame:
    """Rows (month, month_label, audit_type, count); a month without audits has no rows."""
    rows = _dated(audits, "month")
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
    rows = _dated(audits, "month")
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
    for (first, quarter), rows in _dated(audits, "quarter_start").groupby(["quarter_start", "quarter"]):
        share = actions_share(rows)
        out.append({"Quarter": quarter, "Audits": len(rows), "Actions agreed": share.n,
                    "Actions completed": share.count, "Completed": compact(share, "no actions agreed")})
    return pd.DataFrame(out, columns=["Quarter", "Audits", "Actions agreed", "Actions completed", "Completed"])


def theme_rows(audits: pd.DataFrame, search: str = "") -> pd.DataFrame:
    """Strengths and areas for development, by team and then date, optionally only the audits
    whose team or themes contain `search` (plain text, any case)."""
    rows = _dated(audits, "audit_date")
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
    rows = _dated(audits, "month", "quarter_start", "audit_date")
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


# ----------------------------------------------------------------------------- tiles --
@dataclass(frozen=True)
class Headline:
    audits: int
    good_or_better: metrics.Share
    inadequate: metrics.Share
    moderated: metrics.Share
    actions: metrics.Share


def headline(audits: pd.DataFrame) -> Headline:
    n = len(audits)
    good = int(audits["overall_rank"].isin(good_or_better_ranks()).sum())
    bad = int((audits["overall_rank"] == worst_rank()).sum())
    return Headline(n, metrics.Share(good, n), metrics.Share(bad, n), moderation_share(audits), actions_share(audits))


# ------------------------------------------------------------------- the whole page --
@dataclass(frozen=True)
class PageFigures:
    """Every figure of the page that does not depend on a widget, worked out once per choice
    of filters (the page caches this), so a rerun only lays them out."""

    headline: Headline
    grade_mix: str
    months_without_audits: list[dt.date]
    quarters_without_audits: list[str]
    month_labels: list[str]
    quarter_labels: list[str]
    by_month: pd.DataFrame
    by_month_table: pd.DataFrame
    by_quarter: pd.DataFrame
    by_quarter_table: pd.DataFrame
    over_time: list[ShareOverTime]
    year_on_year: YearOnYear
    not_judged: tuple[int, int]
    area_grid: pd.DataFrame
    area_mix: pd.DataFrame
    area_mix_table: pd.DataFrame
    activity: pd.DataFrame
    activity_table: pd.DataFrame
    activity_by_type: pd.DataFrame
    activity_by_team: pd.DataFrame
    moved: tuple[int, int]
    moderation_crosstab: pd.DataFrame
    moderation_by_month: pd.DataFrame
    actions_by_quarter: pd.DataFrame
    common_strengths: pd.DataFrame
    common_development: pd.DataFrame
    judgements: dict[str, str]


def judgement_labels(area_grades: pd.DataFrame) -> dict[str, str]:
    """Practice-area code -> label, the overall judgement first, as the database names them."""
    named = area_grades.drop_duplicates("practice_area").sort_values("practice_area_order")
    return {"overall": "Overall judgement", **area_labels(), **dict(zip(named["practice_area"], named["practice_area_label"]))}


def page_figures(overall: pd.DataFrame, area_grades: pd.DataFrame, in_period: pd.DataFrame,
                 start: dt.date, end: dt.date) -> PageFigures:
    by_month = grades_by_month(overall, start, end)
    by_quarter = grades_by_quarter(overall, start, end)
    mix = area_grade_mix(area_grades)
    activity = activity_by_month(in_period)
    return PageFigures(
        headline=headline(in_period), grade_mix=grade_mix_sentence(in_period),
        months_without_audits=months_without_audits(overall, start, end),
        quarters_without_audits=quarters_without_audits(overall, start, end),
        month_labels=[month_short(m) for m in months_between(start, end)],
        quarter_labels=[label for _, label in quarters_between(start, end)],
        by_month=by_month, by_month_table=grade_table(by_month, "month_label", "Month"),
        by_quarter=by_quarter, by_quarter_table=grade_table(by_quarter, "quarter", "Quarter"),
        over_time=[share_over_time(overall, start, end, which) for which in ("good_or_better", "inadequate")],
        year_on_year=year_on_year(overall, end), not_judged=not_judged(area_grades),
        area_grid=area_grid(area_grades, start, end), area_mix=mix, area_mix_table=area_mix_table(mix),
        activity=activity, activity_table=activity_table(activity),
        activity_by_type=activity_by_type(in_period), activity_by_team=activity_by_team(in_period),
        moved=moved_totals(in_period), moderation_crosstab=moderation_crosstab(in_period),
        moderation_by_month=moderation_by_month(in_period, start, end),
        actions_by_quarter=actions_by_quarter(in_period),
        common_strengths=common_themes(in_period, "theme_strengths"),
        common_development=common_themes(in_period, "theme_development"),
        judgements=judgement_labels(area_grades),
    )
