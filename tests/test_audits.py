"""The Audits page's arithmetic (qa_dashboard/audits.py), on hand-made frames whose answers are
worked out by hand, and on hand-made workbooks loaded through `ingest` and read back through
the page's own queries."""

import datetime as dt
import math

import pandas as pd

from qa_dashboard import audits, queries
from qa_dashboard.scope import Filters
from qa_dashboard.ingest import ingest
from tests.workbooks import TODAY, audit, table, write_xlsx

OUTSTANDING, GOOD, REQUIRES_IMPROVEMENT, INADEQUATE = audits.grade_labels()
RANK = {grade: rank for rank, grade in enumerate(audits.grade_labels(), start=1)}
AREAS = list(audits.area_labels())


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def overall_frame(counts: dict[dt.date, dict[str, int]]) -> pd.DataFrame:
    """Rows as `audits_overall_by_month` returns them: month, quarter, grade, audits."""
    rows = [{"month": pd.Timestamp(m), "quarter_start": pd.Timestamp(audits.quarter_start(m)),
             "quarter": audits.quarter_label(m), "financial_year": audits.financial_year_label(m),
             "grade": grade, "grade_rank": RANK[grade], "audits": n}
            for m, grades in counts.items() for grade, n in grades.items() if n]
    return pd.DataFrame(rows, columns=["month", "quarter_start", "quarter", "financial_year", "grade",
                                       "grade_rank", "audits"])


def audit_frame(*rows: dict) -> pd.DataFrame:
    """Rows as `audits_in_period` returns them; each dict needs audit_id, audit_date and overall."""
    records = []
    for row in rows:
        date = row["audit_date"]
        record = {"team": "Team A", "service_area": "Area A", "audit_type": "Case file",
                  "original_overall": None, "moderated": False, "actions_agreed": None,
                  "actions_completed": None, "theme_strengths": None, "theme_development": None,
                  **{area: None for area in AREAS}, **row}
        record.update(month=pd.Timestamp(date.replace(day=1)), quarter=audits.quarter_label(date),
                      quarter_start=pd.Timestamp(audits.quarter_start(date.replace(day=1))),
                      audit_date=pd.Timestamp(date), overall_rank=RANK[record["overall"]],
                      original_rank=RANK.get(record["original_overall"]))
        records.append(record)
    frame = pd.DataFrame(records)
    frame["original_rank"] = frame["original_rank"].astype("Int32")
    return frame


def area_frame(rows: list[tuple[str, dt.date, str | None, int]]) -> pd.DataFrame:
    """Rows as `audits_area_grades` returns them: (practice area code, month, grade or None, count)."""
    labels = audits.judgement_labels(pd.DataFrame(columns=["practice_area", "practice_area_label",
                                                           "practice_area_order"]))
    order = {code: i for i, code in enumerate(labels)}
    return pd.DataFrame([{"practice_area": code, "practice_area_label": labels[code],
                          "practice_area_order": order[code],
                          "quarter_start": pd.Timestamp(audits.quarter_start(m)), "quarter": audits.quarter_label(m),
                          "grade": grade, "grade_rank": RANK.get(grade), "judgements": n}
                         for code, m, grade, n in rows])


# ------------------------------------------------------------------------- calendar --
def test_quarters_are_financial_quarters_starting_in_april():
    assert audits.quarter_label(month(2024, 4)) == "Q1 2024-25"
    assert audits.quarter_label(month(2024, 12)) == "Q3 2024-25"
    assert audits.quarter_label(month(2025, 3)) == "Q4 2024-25"
    assert audits.quarter_start(month(2025, 2)) == month(2025, 1)
    assert audits.quarters_between(month(2024, 3), month(2024, 7)) == [
        (month(2024, 1), "Q4 2023-24"), (month(2024, 4), "Q1 2024-25"), (month(2024, 7), "Q2 2024-25")]


# ----------------------------------------------------------------- headline judgements --
def test_a_month_without_audits_is_a_gap_not_a_zero():
    overall = overall_frame({month(2024, 7): {GOOD: 4, REQUIRES_IMPROVEMENT: 6},
                             month(2024, 9): {GOOD: 5, INADEQUATE: 5}})
    by_month = audits.grades_by_month(overall, month(2024, 7), month(2024, 9))
    assert month(2024, 8) not in set(by_month["month"])
    assert audits.months_without_audits(overall, month(2024, 7), month(2024, 9)) == [month(2024, 8)]
    over_time = audits.share_over_time(overall, month(2024, 7), month(2024, 9), "good_or_better")
    august = over_time.lines[over_time.lines["period"] == pd.Timestamp(month(2024, 8))]
    assert list(august["series"]) == [audits.EACH_MONTH]      # a null between two points breaks the line
    assert august["value"].isna().all()                       # and nothing draws a zero there
    row = over_time.table.set_index("Month").loc["Aug 2024"]
    assert row["Audits (n)"] == 0 and pd.isna(row["Good or better (%)"])


def test_a_quarter_without_audits_has_no_rows():
    overall = overall_frame({month(2024, 5): {GOOD: 3}, month(2024, 11): {INADEQUATE: 2}})
    by_quarter = audits.grades_by_quarter(overall, month(2024, 4), month(2024, 12))
    assert list(by_quarter["quarter"]) == ["Q1 2024-25", "Q3 2024-25"]
    assert audits.quarters_without_audits(overall, month(2024, 4), month(2024, 12)) == ["Q2 2024-25"]


def test_rolling_shares_are_ratios_of_summed_counts_not_means_of_monthly_shares():
    overall = overall_frame({month(2024, 4): {GOOD: 1, INADEQUATE: 1},            # 50% of 2
                             month(2024, 5): {GOOD: 9, REQUIRES_IMPROVEMENT: 1},  # 90% of 10
                             month(2024, 6): {REQUIRES_IMPROVEMENT: 4}})          # 0% of 4
    over_time = audits.share_over_time(overall, month(2024, 4), month(2024, 6), "good_or_better")
    june = over_time.table.set_index("Month").loc["Jun 2024"]
    assert june["Rolling 3 months: audits (n)"] == 16
    assert june["Rolling 3 months (%)"] == 62.5          # 10 of 16, not (50 + 90 + 0) / 3 = 46.7
    assert pd.isna(june["Rolling 6 months (%)"])          # the window reaches before the first audit


def test_rolling_windows_count_calendar_months_and_use_months_before_the_period():
    overall = overall_frame({month(2024, 6): {GOOD: 2, INADEQUATE: 2},
                             month(2024, 7): {INADEQUATE: 4},
                             month(2024, 9): {GOOD: 4}})                          # no audits in August
    over_time = audits.share_over_time(overall, month(2024, 9), month(2024, 9), "inadequate")
    september = over_time.table.set_index("Month").loc["Sep 2024"]
    assert september["Rolling 3 months: audits (n)"] == 8   # July, August (none), September
    assert september["Rolling 3 months (%)"] == 50.0        # 4 of 8: June lies outside the window


def test_this_year_is_compared_with_the_same_months_last_year():
    overall = overall_frame({
        month(2021, 5): {GOOD: 19, REQUIRES_IMPROVEMENT: 31},   # 2021-22, April to September: 38%
        month(2021, 11): {GOOD: 40},                            # later in 2021-22: not compared
        month(2022, 6): {GOOD: 11, REQUIRES_IMPROVEMENT: 8, INADEQUATE: 1},  # 2022-23: 55%
    })
    comparison = audits.year_on_year(overall, month(2022, 9))
    assert (comparison.this_year, comparison.last_year) == ("2022-23", "2021-22")
    assert comparison.good_now.text() == "55% (n = 20)"
    assert comparison.good_before.text() == "38% (n = 50)"
    assert "55% (n = 20) in 2022-23 against 38% (n = 50) in 2021-22: ▲ better (higher is better)" \
        in comparison.sentences()[0]


def test_the_figures_behind_a_stacked_bar_give_each_share_with_its_n():
    overall = overall_frame({month(2024, 4): {GOOD: 1, INADEQUATE: 2}})
    table_ = audits.grade_table(audits.grades_by_quarter(overall, month(2024, 4), month(2024, 6)), "quarter", "Quarter")
    assert table_.to_dict("records") == [
        {"Quarter": "Q1 2024-25", "Grade": GOOD, "Audits": 1, "Share of the bar (%)": 33.3,
         "n (audits in the bar)": 3, "Fewer than 5 audits": "yes"},
        {"Quarter": "Q1 2024-25", "Grade": INADEQUATE, "Audits": 2, "Share of the bar (%)": 66.7,
         "n (audits in the bar)": 3, "Fewer than 5 audits": "yes"}]


# ---------------------------------------------------------------------- practice areas --
def test_areas_not_judged_are_left_out_of_the_denominator_and_counted():
    q1 = month(2024, 4)
    areas = area_frame([("overall", q1, GOOD, 4), ("overall", q1, INADEQUATE, 2),
                        ("voice_of_child", q1, GOOD, 3), ("voice_of_child", q1, REQUIRES_IMPROVEMENT, 1),
                        ("voice_of_child", q1, None, 2)])
    grid = audits.area_grid(areas, q1, month(2024, 9)).set_index("Practice area")
    voice = audits.area_labels()["voice_of_child"]
    assert grid.loc[voice, "Q1 2024-25"] == "75% (n = 4) *"   # 3 of the 4 that judged it; marked small
    assert grid.loc[voice, audits.NOT_JUDGED] == 2
    assert grid.loc[voice, "Q2 2024-25"] == "no audits"
    assert list(grid.index)[0] == "Overall judgement"           # the overall judgement beside the areas
    assert grid.loc["Overall judgement", "Q1 2024-25"] == "67% (n = 6)"
    assert audits.not_judged(areas) == (2, 6)


def test_an_area_nobody_judged_in_a_quarter_with_audits_says_so():
    q1 = month(2024, 4)
    areas = area_frame([("overall", q1, GOOD, 5), ("permanence", q1, None, 5)])
    grid = audits.area_grid(areas, q1, month(2024, 6)).set_index("Practice area")
    assert grid.loc[audits.area_labels()["permanence"], "Q1 2024-25"] == "none judged"


def test_grade_mix_by_area_holds_only_judged_areas():
    q1 = month(2024, 4)
    areas = area_frame([("overall", q1, GOOD, 2), ("planning", q1, INADEQUATE, 1), ("planning", q1, None, 1)])
    mix = audits.area_grade_mix(areas)
    assert mix[["area", "grade", "count"]].values.tolist() == [
        ["Overall judgement", GOOD, 2], [audits.area_labels()["planning"], INADEQUATE, 1]]


# -------------------------------------------------------------------------- shares --
def test_every_share_shows_its_n_and_a_share_of_fewer_than_5_is_marked():
    from qa_dashboard.metrics import Share
    assert audits.compact(Share(3, 4)) == "75% (n = 4) *"
    assert audits.compact(Share(3, 5)) == "60% (n = 5)"
    assert audits.compact(Share(0, 0)) == "no audits"
    assert audits.tile_note(Share(1, 3), "higher is better") == "n = 3 · higher is better · fewer than 5: read with care"


# ---------------------------------------------------------------------------- activity --
def test_activity_counts_audits_by_month_type_and_team():
    frame = audit_frame(
        {"audit_id": "A1", "audit_date": dt.date(2024, 4, 3), "overall": GOOD},
        {"audit_id": "A2", "audit_date": dt.date(2024, 4, 9), "overall": GOOD, "audit_type": "Themed", "team": "Team B"},
        {"audit_id": "A3", "audit_date": dt.date(2024, 6, 1), "overall": INADEQUATE})
    by_month = audits.activity_by_month(frame)
    assert by_month[["month_label", "audit_type", "count"]].values.tolist() == [
        ["Apr 2024", "Case file", 1], ["Apr 2024", "Themed", 1], ["Jun 2024", "Case file", 1]]
    assert audits.activity_table(by_month)["All audits"].tolist() == [2, 1]
    teams = audits.activity_by_team(frame).set_index("Team")
    assert teams.loc["Team A", "All audits"] == 2 and teams.loc["Team B", "Themed"] == 1


# -------------------------------------------------------------------------- moderation --
def test_a_grade_change_at_moderation_is_counted_once_in_its_month():
    frame = audit_frame(
        {"audit_id": "A1", "audit_date": dt.date(2024, 9, 10), "overall": REQUIRES_IMPROVEMENT,
         "original_overall": GOOD, "moderated": True, **{area: GOOD for area in AREAS}},
        {"audit_id": "A2", "audit_date": dt.date(2024, 9, 12), "overall": GOOD, "original_overall": REQUIRES_IMPROVEMENT,
         "moderated": True},
        {"audit_id": "A3", "audit_date": dt.date(2024, 10, 1), "overall": GOOD, "original_overall": GOOD,
         "moderated": True},
        {"audit_id": "A4", "audit_date": dt.date(2024, 10, 2), "overall": INADEQUATE})
    by_month = audits.moderation_by_month(frame, month(2024, 8), month(2024, 10)).set_index("Month")
    assert by_month.loc["Sep 2024", "Graded down"] == 1 and by_month.loc["Sep 2024", "Graded up"] == 1
    assert by_month.loc["Oct 2024", "Graded down"] == 0 and by_month.loc["Oct 2024", "Graded up"] == 0
    assert by_month.loc["Oct 2024", "Moderated share"] == "50% (n = 2) *"
    assert by_month.loc["Aug 2024", "Moderated share"] == "no audits"
    assert pd.isna(by_month.loc["Aug 2024", "Graded down"])
    assert audits.moved_totals(frame) == (1, 1)
    assert audits.moderation_share(frame).text() == "75% (n = 4) (fewer than 5: read with care)"


def test_the_moderation_table_sets_the_grade_before_against_the_grade_after():
    frame = audit_frame(
        {"audit_id": "A1", "audit_date": dt.date(2024, 9, 10), "overall": REQUIRES_IMPROVEMENT,
         "original_overall": GOOD, "moderated": True},
        {"audit_id": "A2", "audit_date": dt.date(2024, 9, 11), "overall": REQUIRES_IMPROVEMENT,
         "original_overall": GOOD, "moderated": True},
        {"audit_id": "A3", "audit_date": dt.date(2024, 9, 12), "overall": GOOD, "moderated": True},
        {"audit_id": "A4", "audit_date": dt.date(2024, 9, 13), "overall": GOOD})
    crosstab = audits.moderation_crosstab(frame).set_index("Before moderation (rows) / after (columns)")
    assert crosstab.loc[GOOD, REQUIRES_IMPROVEMENT] == 2
    assert crosstab.loc["Not recorded", GOOD] == 1
    assert crosstab["All moderated"].sum() == 3


# ----------------------------------------------------------------------- learning loop --
def test_action_completion_is_completed_over_agreed_summed_over_audits():
    frame = audit_frame(
        {"audit_id": "A1", "audit_date": dt.date(2024, 4, 3), "overall": GOOD, "actions_agreed": 1, "actions_completed": 1},
        {"audit_id": "A2", "audit_date": dt.date(2024, 4, 4), "overall": GOOD, "actions_agreed": 9, "actions_completed": 0},
        {"audit_id": "A3", "audit_date": dt.date(2024, 4, 5), "overall": GOOD})
    assert audits.actions_share(frame).text() == "10% (n = 10)"   # 1 of 10, not the mean of 100% and 0%
    assert audits.actions_by_quarter(frame).to_dict("records") == [
        {"Quarter": "Q1 2024-25", "Audits": 3, "Actions agreed": 10, "Actions completed": 1, "Completed": "10% (n = 10)"}]


def test_theme_search_matches_plain_text_in_any_case_and_lists_by_team():
    frame = audit_frame(
        {"audit_id": "A1", "audit_date": dt.date(2024, 4, 3), "overall": GOOD, "team": "Team B",
         "theme_development": "Plan lacks timescales (SMART)"},
        {"audit_id": "A2", "audit_date": dt.date(2024, 5, 3), "overall": GOOD, "team": "Team A",
         "theme_strengths": "=Voice of the child heard"},
        {"audit_id": "A3", "audit_date": dt.date(2024, 6, 3), "overall": GOOD, "team": "Team A",
         "theme_development": "plan not shared"})
    assert list(audits.theme_rows(frame)["Audit"]) == ["A3", "A2", "A1"]   # by team, newest first
    assert list(audits.theme_rows(frame, "PLAN")["Audit"]) == ["A3", "A1"]
    assert list(audits.theme_rows(frame, "(smart)")["Audit"]) == ["A1"]     # brackets are text, not a pattern
    assert audits.theme_rows(frame, "=voice")["Strengths"].tolist() == ["=Voice of the child heard"]


def test_common_themes_count_each_audit_once_per_finding():
    frame = audit_frame(
        {"audit_id": "A1", "audit_date": dt.date(2024, 4, 3), "overall": GOOD,
         "theme_development": "Contingency plan not set out; Contingency plan not set out"},
        {"audit_id": "A2", "audit_date": dt.date(2024, 4, 4), "overall": GOOD,
         "theme_development": "Visits late;Contingency plan not set out"})
    assert audits.common_themes(frame, "theme_development").values.tolist() == [
        ["Contingency plan not set out", 2], ["Visits late", 1]]


# -------------------------------------------------------------------------- drill-down --
def test_the_drill_down_lists_the_audits_behind_a_grid_cell():
    frame = audit_frame(
        {"audit_id": "A1", "audit_date": dt.date(2024, 4, 3), "overall": GOOD, "planning": INADEQUATE},
        {"audit_id": "A2", "audit_date": dt.date(2024, 5, 3), "overall": GOOD, "planning": None},
        {"audit_id": "A3", "audit_date": dt.date(2024, 7, 3), "overall": OUTSTANDING, "planning": INADEQUATE})
    options = audits.when_options(month(2024, 4), month(2024, 9))
    q1 = options["Q1 2024-25"]
    assert list(audits.drill_down(frame, q1, "planning", INADEQUATE)["Audit"]) == ["A1"]
    assert list(audits.drill_down(frame, q1, "planning", audits.NOT_JUDGED)["Audit"]) == ["A2"]
    assert list(audits.drill_down(frame, options["May 2024"], "overall", audits.ANY_GRADE)["Audit"]) == ["A2"]
    behind = audits.drill_down(frame, options[audits.WHOLE_PERIOD], "overall", audits.GOOD_OR_BETTER)
    assert list(behind["Audit"]) == ["A1", "A2", "A3"]
    assert {"Audit", "Date", "Team", "Service area", "Type", "Overall judgement"} <= set(behind.columns)


# ------------------------------------------------------------ hand-made workbooks, loaded --
def load(tmp_path, *sheets: list[list], name: str = "audits") -> str:
    db = tmp_path / "audits.duckdb"
    for number, rows in enumerate(sheets):
        path = write_xlsx(tmp_path / f"{name}{number}.xlsx", {"audits": rows})
        result = ingest([path], db, "test", today=TODAY)
        assert result.loaded, result.problems
    return str(db)


def page_figures_from(db: str, start: dt.date, end: dt.date) -> audits.PageFigures:
    scope = Filters(start=start, end=end, period_label="test").params()
    return audits.page_figures(queries.run("audits_overall_by_month", db, scope),
                               queries.run("audits_area_grades", db, scope),
                               queries.run("audits_in_period", db, scope), start, end)


def sefton_audits() -> list[list]:
    """Seed 000: 48 audits over August to October 2023, 38 requires improvement (two of them
    graded down from good at moderation) and 10 inadequate."""
    rows = []
    for number in range(48):
        grade = REQUIRES_IMPROVEMENT if number < 38 else INADEQUATE
        rows.append(audit(audit_id=f"S-{number:03d}", audit_date=f"{5 + number % 20:02d}/{8 + number % 3:02d}/2023",
                          overall=grade, voice_of_child=grade, planning="N/A" if number % 4 == 0 else grade,
                          original_overall=GOOD if number < 2 else None, moderated="yes" if number < 2 else "no"))
    return table(*rows)


def test_48_audits_with_38_requiring_improvement_and_10_inadequate_read_79_and_21_percent(tmp_path):
    db = load(tmp_path, sefton_audits())
    figures = page_figures_from(db, month(2023, 8), month(2023, 10))
    assert figures.headline.audits == 48
    assert figures.grade_mix == ("Overall judgements of the 48 audits in the period: 0% outstanding, 0% good, "
                                 "79% requires improvement, 21% inadequate.")
    assert figures.headline.inadequate.text() == "21% (n = 48)"
    assert figures.headline.good_or_better.text() == "0% (n = 48)"
    assert figures.moved == (2, 0)
    planning = figures.area_grid.set_index("Practice area").loc[audits.area_labels()["planning"]]
    assert planning[audits.NOT_JUDGED] == 12 and planning[audits.WHOLE_PERIOD] == "0% (n = 36)"


def test_a_quarter_without_audits_shows_no_bar_from_a_loaded_workbook(tmp_path):
    db = load(tmp_path, table(audit(audit_id="Q1-A", audit_date="15/05/2024", overall=GOOD),
                              audit(audit_id="Q3-A", audit_date="12/11/2024", overall=INADEQUATE)))
    figures = page_figures_from(db, month(2024, 4), month(2024, 12))
    assert list(figures.by_quarter["quarter"]) == ["Q1 2024-25", "Q3 2024-25"]
    assert figures.quarter_labels == ["Q1 2024-25", "Q2 2024-25", "Q3 2024-25"]
    assert "Q2 2024-25" in list(figures.area_grid.columns)
    assert figures.area_grid.set_index("Practice area").loc["Overall judgement", "Q2 2024-25"] == "no audits"


def test_a_moderated_grade_change_is_counted_once_even_after_the_audit_is_uploaded_again(tmp_path):
    graded_down = audit(audit_id="M-1", audit_date="10/09/2024", overall=REQUIRES_IMPROVEMENT,
                        original_overall=GOOD, moderated="yes", **{area: GOOD for area in AREAS})
    first = table(graded_down, audit(audit_id="M-2", audit_date="11/09/2024", overall=GOOD),
                  audit(audit_id="M-3", audit_date="02/10/2024", overall=GOOD, original_overall=GOOD, moderated="yes"))
    corrected = table({**graded_down, "theme_development": "Plan not shared with the family"})
    db = load(tmp_path, first, corrected)
    assert queries.run("audits_in_period", db, Filters(month(2024, 4), month(2025, 3), "test").params())["audit_id"].tolist() \
        == ["M-1", "M-2", "M-3"]
    figures = page_figures_from(db, month(2024, 8), month(2024, 10))
    by_month = figures.moderation_by_month.set_index("Month")
    assert by_month.loc["Sep 2024", "Graded down"] == 1
    assert by_month.loc["Oct 2024", "Graded down"] == 0
    assert figures.moved == (1, 0)
    assert math.isclose(figures.headline.moderated.percent, 200 / 3)
