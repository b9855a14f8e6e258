"""What the Audits page shows, worked out from its three query frames. Pure functions, no
Streamlit, tested on hand-made frames and on hand-made workbooks. The page reads this module
alone; the work is in three beside it: `common` (the grade scale, the calendar, how a share is
written), `judgements` (overall judgements over time and by practice area) and `activity`
(activity, moderation, the learning loop and the drill-down). Its charts are in
`charts/audits.py`.

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

from qa_dashboard import metrics, monthly_spc
from qa_dashboard.audits.activity import *  # noqa: F401,F403 - the page's figures, one module to the pages
from qa_dashboard.audits.activity import (
    actions_by_quarter, actions_share, activity_by_month, activity_by_team, activity_by_type, activity_table,
    common_themes, moderation_by_month, moderation_crosstab, moderation_share, moved_totals)
from qa_dashboard.audits.common import *  # noqa: F401,F403
from qa_dashboard.audits.common import area_labels, good_or_better_ranks, month_short, quarters_between, worst_rank
from qa_dashboard.audits.judgements import *  # noqa: F401,F403
from qa_dashboard.audits.judgements import (
    ShareOverTime, YearOnYear, area_grade_mix, area_grid, area_mix_table, grade_mix_sentence, grade_table,
    good_or_better_spc, grades_by_month, grades_by_quarter, months_without_audits, not_judged, quarters_without_audits,
    share_over_time, year_on_year)
from qa_dashboard.periods import financial_year_label, months_between, quarter_label, quarter_start  # noqa: F401


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
    good_or_better_spc: monthly_spc.MonthlySpc
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
        good_or_better_spc=good_or_better_spc(overall, start, end),
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
