"""The stable views other tools read (DATA_CONTRACT section 5): their columns, the financial
calendar, and what a blank cell becomes."""
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from qa_dashboard import contract, store
from qa_dashboard.ingest import ingest
from tests.workbooks import TODAY, audit, feedback, kpi, query, table, team, template_like_sheets, workforce, write_xlsx

CONTRACT_COLUMNS = {
    "kpi_values": "period, financial_year, quarter, indicator, label, unit, polarity, team, breakdown, value, numerator, "
                  "denominator, target, stat_neighbours, region, england, commentary, upload_id",
    "audits": "audit_id, audit_date, month, financial_year, quarter, team, service_area, audit_type, overall, "
              "original_overall, moderated, actions_agreed, actions_completed, theme_strengths, theme_development, upload_id",
    "audit_judgements": "audit_id, audit_date, month, financial_year, quarter, team, service_area, audit_type, "
                        "practice_area, grade, grade_rank",
    "audit_areas_not_judged": "audit_id, practice_area, audit_date, month, financial_year, quarter, team, service_area, "
                              "audit_type",
    "workforce": "period, financial_year, quarter, team, service_area, social_worker_fte, agency_fte, vacancy_fte, "
                 "nqsw_fte, children_allocated, caseload_target, starters, leavers, children_open_6m, same_worker_6m, "
                 "children_open_12m, same_worker_12m, upload_id",
    "feedback": "response_date, month, financial_year, quarter, respondent, service_area, team, source, response_id, "
                "question, answer, sentiment, comment, theme, upload_id",
    "actions": "action_id, title, owner, due_date, status, rag, source, updated",
    "uploads": "upload_id, file_name, sha256, loaded_at, loaded_by, status, rows_added, rows_superseded",
    "benchmarks": "year, indicator, geography_level, area_code, area_name, value",
}


def load(tmp_path: Path, sheets: dict) -> Path:
    db = tmp_path / "qa.duckdb"
    result = ingest([write_xlsx(tmp_path / "upload.xlsx", sheets)], db, "tester", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]
    return db


@pytest.fixture
def template_db(tmp_path) -> Path:
    return load(tmp_path, template_like_sheets())


@pytest.mark.parametrize("view", sorted(CONTRACT_COLUMNS))
def test_each_view_has_at_least_the_contracts_columns(template_db, view):
    columns = {name for (name,) in query(template_db, "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [view])}
    assert set(CONTRACT_COLUMNS[view].split(", ")) <= columns


def test_audit_judgements_hold_the_overall_judgement_as_practice_area_overall(template_db):
    assert query(template_db, "SELECT audit_id, grade, grade_rank FROM audit_judgements WHERE practice_area = 'overall' ORDER BY audit_id") == [
        ("AUD-001", "Good", 2), ("AUD-002", "Requires improvement", 3)]


def test_a_practice_area_marked_na_is_not_judged_not_a_judgement(template_db):
    assert query(template_db, "SELECT grade, grade_rank FROM audit_judgements WHERE audit_id = 'AUD-002' AND practice_area = 'planning'") == []
    assert query(template_db, "SELECT audit_id FROM audit_areas_not_judged WHERE practice_area = 'planning'") == [
        ("AUD-002",)]


def test_audit_judgements_hold_only_judgements_made_and_areas_left_blank_are_not_judged(tmp_path):
    """Planning is left blank for AUD-2; the file has no column for assessment at all."""
    db = load(tmp_path, {"audits": table(
        audit(audit_id="AUD-1", overall="Good", voice_of_child="Good", planning="Good"),
        audit(audit_id="AUD-2", audit_date="20/05/2024", team="Court Team", service_area="Children in Care",
              audit_type="Themed", overall="Inadequate", voice_of_child="Good", planning=None),
        audit(audit_id="AUD-3", audit_date="01/07/2024", overall="Requires improvement", voice_of_child="N/A",
              planning="Outstanding"))})
    assert query(db, "SELECT audit_id, practice_area, audit_date, month, financial_year, quarter, team, service_area, "
                     "audit_type FROM audit_areas_not_judged ORDER BY audit_id") == [
        ("AUD-2", "planning", dt.date(2024, 5, 20), dt.date(2024, 5, 1), "2024-25", "Q1 2024-25", "Court Team",
         "Children in Care", "Themed"),
        ("AUD-3", "voice_of_child", dt.date(2024, 7, 1), dt.date(2024, 7, 1), "2024-25", "Q2 2024-25",
         "Assessment Team 1", "Front Door", "Case file")]
    assert query(db, "SELECT count(*) FROM audit_judgements WHERE practice_area = 'assessment' OR grade IS NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM audit_areas_not_judged WHERE practice_area = 'assessment'") == [(0,)]
    # As any tool reads it, a row that is not Good counting against the share (pandas' mean does).
    [(share, per_row)] = query(db, "SELECT avg(CAST(grade = 'Good' AS INTEGER)), "
                                   "count(*) FILTER (WHERE grade = 'Good') / count(*) FROM audit_judgements")
    assert per_row == share
    # Independently, cell by cell from the audits as loaded: every grade given, whichever column.
    given = [grade for row in query(db, "SELECT overall, voice_of_child, planning, assessment FROM audits")
             for grade in row if grade is not None]
    assert share == pytest.approx(sum(grade == "Good" for grade in given) / len(given))
    assert len(given) == 7  # 3 overall, 2 voice of the child, 2 planning; 4 of them Good


def test_kpi_values_take_label_unit_and_polarity_from_the_catalogue(template_db):
    assert query(template_db, "SELECT indicator, label, unit, polarity, value FROM kpi_values ORDER BY indicator") == [
        ("assessments_45wd_pct", "Assessments completed within 45 working days", "%", "higher", 83.0),
        ("re_referrals_pct", "Re-referrals within 12 months", "%", "lower", 22.5),
        ("referrals_rate", "Referrals per 10,000 children", "rate10k", "neutral", 1234.0),
    ]


def test_feedback_answers_carry_their_sentiment(template_db):
    assert query(template_db, "SELECT answer, sentiment FROM feedback ORDER BY answer") == [
        ("Don't know", "excluded"), ("Partly", "neutral"), ("Yes", "positive")]


def test_a_question_asked_but_not_answered_is_excluded_not_negative(tmp_path):
    db = load(tmp_path, {"feedback": table(feedback(answer=None))})
    assert query(db, "SELECT answer, sentiment FROM feedback") == [(None, "excluded")]


@pytest.mark.parametrize("day, financial_year, quarter", [
    ("31/03/2024", "2023-24", "Q4 2023-24"),
    ("01/04/2024", "2024-25", "Q1 2024-25"),
    ("30/06/2024", "2024-25", "Q1 2024-25"),
    ("01/07/2024", "2024-25", "Q2 2024-25"),
    ("31/12/2023", "2023-24", "Q3 2023-24"),
    ("01/01/2010", "2009-10", "Q4 2009-10"),
])
def test_the_financial_year_and_quarter_run_april_to_march(tmp_path, day, financial_year, quarter):
    db = load(tmp_path, {"audits": table(audit(audit_date=day))})
    assert query(db, "SELECT financial_year, quarter FROM audits") == [(financial_year, quarter)]
    assert query(db, "SELECT DISTINCT financial_year, quarter FROM audit_judgements") == [(financial_year, quarter)]


def test_a_month_is_in_the_financial_year_of_its_first_day(tmp_path):
    db = load(tmp_path, {"kpi": table(kpi(period="Mar-24"), kpi(period="Apr-24"))})
    assert query(db, "SELECT period, financial_year, quarter FROM kpi_values ORDER BY period") == [
        (dt.date(2024, 3, 1), "2023-24", "Q4 2023-24"), (dt.date(2024, 4, 1), "2024-25", "Q1 2024-25")]


def test_an_audit_without_a_service_area_takes_its_teams(tmp_path):
    db = load(tmp_path, {"teams": table(team(team="Court Team", service_area="Children in Care")),
                         "audits": table(audit(team="Court Team", service_area=None))})
    assert query(db, "SELECT service_area FROM audits") == [("Children in Care",)]


def test_an_audit_without_a_service_area_or_a_known_team_is_unassigned(tmp_path):
    db = load(tmp_path, {"audits": table(audit(team="Nobody's Team", service_area=None))})
    assert query(db, "SELECT service_area FROM audits") == [("Unassigned",)]
    assert query(db, "SELECT DISTINCT service_area FROM audit_judgements") == [("Unassigned",)]


def test_an_audit_keeps_the_service_area_it_gives(tmp_path):
    db = load(tmp_path, {"teams": table(team(team="Court Team", service_area="Children in Care")),
                         "audits": table(audit(team="Court Team", service_area="Front Door"))})
    assert query(db, "SELECT service_area FROM audits") == [("Front Door",)]


@pytest.mark.parametrize("blank", [None, "-", "n/a"])
def test_a_missing_number_is_null_never_zero(tmp_path, blank):
    db = load(tmp_path, {"workforce": table(workforce(agency_fte=blank, vacancy_fte=blank, starters=blank)),
                         "kpi": table(kpi(target=blank))})
    assert query(db, "SELECT agency_fte, vacancy_fte, starters, nqsw_fte FROM workforce") == [(None, None, None, None)]
    assert query(db, "SELECT target FROM kpi_values") == [(None,)]


def test_a_zero_typed_as_zero_stays_zero(tmp_path):
    db = load(tmp_path, {"workforce": table(workforce(agency_fte=0, leavers="0"))})
    assert query(db, "SELECT agency_fte, leavers FROM workforce") == [(0.0, 0.0)]


def test_views_show_current_rows_only(tmp_path):
    db = tmp_path / "qa.duckdb"
    for name, grade in (("first.xlsx", "Inadequate"), ("second.xlsx", "Good")):
        ingest([write_xlsx(tmp_path / name, {"audits": table(audit(overall=grade))})], db, "tester", today=TODAY)
    assert query(db, "SELECT overall FROM audits") == [("Good",)]
    assert query(db, "SELECT count(*) FROM audit_judgements WHERE practice_area = 'overall'") == [(1,)]


def test_audits_loaded_before_the_files_columns_were_recorded_count_every_blank_area_as_not_judged(tmp_path):
    db = load(tmp_path, {"audits": table(audit(planning=None))})
    con = duckdb.connect(str(db))
    try:  # the table as a database made before the column existed has it
        con.execute("ALTER TABLE audit_rows DROP COLUMN practice_areas_in_file")
    finally:
        con.close()
    with store.write_transaction(db):
        pass  # any write connection brings the schema up to date
    not_judged = {area for (area,) in query(db, "SELECT practice_area FROM audit_areas_not_judged")}
    assert not_judged == {p.code for p in contract.load().practice_areas} - {"voice_of_child"}
