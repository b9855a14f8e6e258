"""Overall judgements over time (by month, by quarter, rolling good-or-better and inadequate
shares, this year against last) and by practice area. Pure, no Streamlit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard import metrics, monthly_spc
from qa_dashboard.audits.common import (
    EACH_MONTH, GOOD_OR_BETTER, NOT_JUDGED, ROLLING, WHOLE_PERIOD, compact, dated, good_or_better_ranks,
    grade_labels, in_months, month_short, percent_figure, quarters_between, worst_label, worst_rank)
from qa_dashboard.periods import financial_year_label, financial_year_start, months_between


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
    rows = dated(in_months(overall, start, end), "quarter_start")
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
        "Share of the bar (%)": [percent_figure(s) for s in shares],
        "n (audits in the bar)": totals.astype(int).to_list(),
        "Fewer than 5 audits": ["yes" if s.small else "" for s in shares],
    })


def months_without_audits(overall: pd.DataFrame, start: dt.date, end: dt.date) -> list[dt.date]:
    with_audits = set(in_months(overall, start, end)["month"])
    return [m for m in months_between(start, end) if m not in with_audits]


def quarters_without_audits(overall: pd.DataFrame, start: dt.date, end: dt.date) -> list[str]:
    with_audits = set(dated(in_months(overall, start, end), "quarter_start")["quarter_start"])
    return [label for first, label in quarters_between(start, end) if first not in with_audits]


def monthly_counts(overall: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar month from the first month with audits to the last: audits, good or
    better, inadequate. A month without audits is a row with 0 audits here so that the rolling
    windows count calendar months; its share is never shown as a figure."""
    columns = ["month", "audits", "good_or_better", "inadequate"]
    if overall.empty:
        return pd.DataFrame(columns=columns)
    rows = dated(overall, "month")
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
                 f"{label} (%)": percent_figure(month_share)}
        values = {EACH_MONTH: percent_figure(month_share)}
        for window in ROLLING:
            n = getattr(row, f"n{window}")
            has = row.audits > 0 and not pd.isna(n) and n > 0
            rolling_share = metrics.Share(int(getattr(row, f"c{window}")), int(n)) if has else None
            entry[f"{ROLLING[window]}: audits (n)"] = int(n) if has else None
            entry[f"{ROLLING[window]} (%)"] = percent_figure(rolling_share) if rolling_share else None
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


def good_or_better_spc(overall: pd.DataFrame, start: dt.date, end: dt.date) -> monthly_spc.MonthlySpc:
    """The monthly good-or-better share of overall judgements as an XmR chart (higher is better),
    over every month with audits loaded for the chosen service area, team and audit type. A month
    without audits has no share: it is absent (never 0%), and the moving range spans it."""
    counts = monthly_counts(overall)
    with_audits = counts[counts["audits"] > 0] if not counts.empty else counts
    shares = [metrics.Share(int(good), int(n)).percent
              for good, n in zip(with_audits["good_or_better"], with_audits["audits"])]
    return monthly_spc.read(f"{GOOD_OR_BETTER} (overall judgement)", list(with_audits["month"]), shares, "higher",
                            "%", f"{GOOD_OR_BETTER} (%)", start, end,
                            counts=[int(n) for n in with_audits["audits"]], count_title="Audits (n)")


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
    frame = dated(area_grades, "quarter_start")
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
    judged = dated(area_grades[area_grades["grade"].notna()], "quarter_start")
    judged = judged.sort_values(["practice_area_order", "quarter_start", "grade_rank"])
    mix = pd.DataFrame({"area": judged["practice_area_label"].to_list(), "quarter": judged["quarter"].to_list(),
                        "grade": judged["grade"].to_list(), "count": judged["judgements"].astype(int).to_list()})
    return mix


def area_mix_table(mix: pd.DataFrame) -> pd.DataFrame:
    totals = mix.groupby(["area", "quarter"], sort=False)["count"].transform("sum")
    shares = [metrics.Share(int(c), int(n)) for c, n in zip(mix["count"], totals)]
    return pd.DataFrame({"Practice area": mix["area"].to_list(), "Quarter": mix["quarter"].to_list(),
                         "Grade": mix["grade"].to_list(), "Audits": mix["count"].to_list(),
                         "Share of the area's judged audits (%)": [percent_figure(s) for s in shares],
                         "n (judged)": totals.astype(int).to_list(),
                         "Fewer than 5 audits": ["yes" if s.small else "" for s in shares]})


def area_order(mix: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(mix["area"]))
