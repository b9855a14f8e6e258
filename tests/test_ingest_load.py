"""Loading good files (DATA_CONTRACT sections 1 and 4): what reaches the views, history kept,
reloads that change nothing, undo that is exact, and loads that are all-or-nothing."""
import datetime as dt
import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa_dashboard.ingest import WARNING, ingest, undo
from tests.workbooks import (
    TODAY, VIEWS, Styled, action, audit, counts, feedback, kpi, query, snapshot, table, team,
    template_like_sheets, workforce, write_csv, write_xlsx,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_VIEWS = [v for v in VIEWS if v != "uploads"]


def load(tmp_path: Path, db: Path, sheets: dict, name: str = "upload.xlsx"):
    """Write `sheets` as a workbook named `name` and ingest it; the load must succeed."""
    upload = write_xlsx(tmp_path / name, sheets)
    result = ingest([upload], db, "tester", today=TODAY)
    assert result.ok, [p.line() for p in result.problems]
    return result


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "qa.duckdb"


# ---------------------------------------------------------------------- what reaches views --
def test_a_template_like_workbook_loads_every_sheet_into_its_view(tmp_path, db):
    result = load(tmp_path, db, template_like_sheets())
    assert result.loaded
    # Judgements made: two overall, two voice of the child, one planning (the other is N/A).
    assert counts(db) == {"kpi_values": 3, "audits": 2, "audit_judgements": 5, "audit_areas_not_judged": 1,
                          "workforce": 2, "feedback": 3, "actions": 2, "teams": 2, "uploads": 1}


def test_a_load_is_recorded_with_its_file_user_and_counts(tmp_path, db):
    upload = write_xlsx(tmp_path / "may.xlsx", template_like_sheets())
    ingest([upload], db, "a.officer", today=TODAY)
    [(file_name, sha256, loaded_by, status, rows_added, rows_superseded)] = query(
        db, "SELECT file_name, sha256, loaded_by, status, rows_added, rows_superseded FROM uploads")
    assert (file_name, loaded_by, status) == ("may.xlsx", "a.officer", "loaded")
    assert sha256 == hashlib.sha256(upload.read_bytes()).hexdigest()
    assert (rows_added, rows_superseded) == (14, 0)


def test_the_header_is_found_below_title_rows(tmp_path, db):
    load(tmp_path, db, {"audits": [["Northbrook Children's Services"], ["Case file audits, May 2024"], [],
                                   *table(audit(audit_id="AUD-9"))]})
    assert query(db, "SELECT audit_id, overall FROM audits") == [("AUD-9", "Good")]


def test_column_labels_match_whatever_their_case_and_punctuation(tmp_path, db):
    load(tmp_path, db, {"Case file audits": [
        ["Audit Ref", "DATE COMPLETED", "Team", "Overall judgement", "Voice of the child", "Type of audit"],
        ["AUD-10", "03/05/2024", "Assessment Team 1", "Outstanding", "Good", "Themed"]]})
    assert query(db, "SELECT audit_id, audit_date, overall, audit_type FROM audits") == [
        ("AUD-10", dt.date(2024, 5, 3), "Outstanding", "Themed")]
    assert query(db, "SELECT grade FROM audit_judgements WHERE practice_area = 'voice_of_child'") == [("Good",)]


def test_a_wide_scorecard_unpivots_into_kpi_values(tmp_path, db):
    load(tmp_path, db, {"Board scorecard": [
        ["Northbrook scorecard 2024-25"], [],
        ["Indicator", "Target", "Apr-24", "May-24", "Jun-24"],
        ["Re-referral rate", 20, 25, 24, 23],
        ["Referrals per 10,000 children", None, 500, 510, 505]]})
    assert query(db, "SELECT period, indicator, value, target FROM kpi_values ORDER BY indicator, period") == [
        (dt.date(2024, 4, 1), "re_referrals_pct", 25.0, 20.0),
        (dt.date(2024, 5, 1), "re_referrals_pct", 24.0, 20.0),
        (dt.date(2024, 6, 1), "re_referrals_pct", 23.0, 20.0),
        (dt.date(2024, 4, 1), "referrals_rate", 500.0, None),
        (dt.date(2024, 5, 1), "referrals_rate", 510.0, None),
        (dt.date(2024, 6, 1), "referrals_rate", 505.0, None),
    ]


def test_a_blank_scorecard_month_is_a_gap_not_a_zero(tmp_path, db):
    load(tmp_path, db, {"scorecard": [
        ["indicator", "Apr-24", "May-24", "Jun-24"],
        ["re_referrals_pct", 25, None, 23]]})
    assert query(db, "SELECT period FROM kpi_values ORDER BY period") == [(dt.date(2024, 4, 1),), (dt.date(2024, 6, 1),)]


def test_a_scorecard_with_excel_dates_as_month_headers_is_recognised_whatever_the_sheet_name(tmp_path, db):
    months = [Styled(dt.datetime(2024, m, 1), "mmm-yy") for m in (4, 5, 6)]
    load(tmp_path, db, {"Sheet1": [["Measure", "Target", *months], ["Average caseload", 17, 20, 21, 22]]})
    assert query(db, "SELECT period, indicator, value FROM kpi_values ORDER BY period") == [
        (dt.date(2024, 4, 1), "caseload_avg", 20.0), (dt.date(2024, 5, 1), "caseload_avg", 21.0),
        (dt.date(2024, 6, 1), "caseload_avg", 22.0)]


def test_excel_dates_and_serials_are_read_as_dates_and_months(tmp_path, db):
    load(tmp_path, db, {"audits": table(audit(audit_date=Styled(dt.datetime(2024, 5, 13), "dd/mm/yyyy"))),
                        "kpi": table(kpi(period=45413))})
    assert query(db, "SELECT audit_date FROM audits") == [(dt.date(2024, 5, 13),)]
    assert query(db, "SELECT period FROM kpi_values") == [(dt.date(2024, 5, 1),)]


def test_a_blank_value_is_worked_out_from_its_numerator_and_denominator(tmp_path, db):
    load(tmp_path, db, {"kpi": table(kpi(value=None, numerator=20, denominator=80))})
    assert query(db, "SELECT value, numerator, denominator FROM kpi_values") == [(25.0, 20.0, 80.0)]


def test_a_cell_excel_shows_as_a_percentage_is_read_as_that_percentage(tmp_path, db):
    load(tmp_path, db, {"kpi": table(kpi(indicator="assessments_45wd_pct", value=Styled(0.83, "0%")))})
    assert query(db, "SELECT value FROM kpi_values") == [(83.0,)]


def test_a_percent_sign_typed_in_a_percent_indicator_is_the_percentage(tmp_path, db):
    load(tmp_path, db, {"kpi": table(kpi(indicator="assessments_45wd_pct", value="83%"))})
    assert query(db, "SELECT value FROM kpi_values") == [(83.0,)]


def test_an_unknown_indicator_loads_as_a_custom_indicator_with_a_warning(tmp_path, db):
    result = load(tmp_path, db, {"kpi": table(kpi(indicator="Family group conferences held", value=12))})
    [warning] = [p for p in result.problems if p.severity == WARNING]
    assert (warning.sheet, warning.row, warning.column) == ("kpi", 2, "indicator")
    assert "custom indicator" in warning.message
    assert query(db, "SELECT indicator, label, value FROM kpi_values") == [
        ("custom_family_group_conferences_held", "Family group conferences held", 12.0)]


def test_a_csv_named_kpi_and_a_month_is_read_as_the_kpi_sheet(tmp_path, db):
    upload = write_csv(tmp_path / "kpi_2024-05.csv", table(kpi(value="22.5"), kpi(indicator="referrals_rate", value="1,234")))
    result = ingest([upload], db, "tester", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]
    assert query(db, "SELECT indicator, value FROM kpi_values ORDER BY indicator") == [
        ("re_referrals_pct", 22.5), ("referrals_rate", 1234.0)]


def test_an_actions_sheet_without_its_optional_dates_loads(tmp_path, db):
    upload = write_xlsx(tmp_path / "plan.xlsx", {"actions": [["action_id", "title", "status"], ["ACT-1", "Audit more", "On track"]]})
    result = ingest([upload], db, "tester", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]


# ----------------------------------------------------------------- history, reload, undo --
def test_reloading_the_same_file_changes_nothing(tmp_path, db):
    upload = write_xlsx(tmp_path / "may.xlsx", template_like_sheets())
    ingest([upload], db, "tester", today=TODAY)
    before = snapshot(db)
    again = ingest([upload], db, "tester", today=TODAY)
    assert again.ok and again.files[0].nothing_new
    assert snapshot(db) == before


def test_a_changed_row_supersedes_the_old_which_is_kept_as_history(tmp_path, db):
    load(tmp_path, db, {"audits": table(audit(audit_id="AUD-1", overall="Requires improvement"), audit(audit_id="AUD-2"))},
         name="first.xlsx")
    load(tmp_path, db, {"audits": table(audit(audit_id="AUD-1", overall="Good"))}, name="second.xlsx")
    assert query(db, "SELECT audit_id, overall, upload_id FROM audits ORDER BY audit_id") == [
        ("AUD-1", "Good", 2), ("AUD-2", "Good", 1)]
    assert query(db, "SELECT overall, upload_id, superseded_by FROM audit_rows WHERE audit_id = 'AUD-1' ORDER BY upload_id") == [
        ("Requires improvement", 1, 2), ("Good", 2, None)]
    assert query(db, "SELECT rows_added, rows_superseded FROM uploads WHERE upload_id = 2") == [(1, 1)]


def _second_month(sheets: dict) -> dict:
    """A later file touching every dataset: changed rows, new rows, new anonymous answers, a custom indicator."""
    return {
        "teams": table(team(caseload_target=18), team(team="Court Team", service_area="Children in Care")),
        "actions": table(action(status="Complete", rag="Blue")),
        "kpi": table(kpi(value=21.0), kpi(period="2024-06", value=20.0), kpi(indicator="Home visits", value=7, period="2024-06")),
        "audits": table(audit(overall="Outstanding"), audit(audit_id="AUD-003", team="Court Team", service_area=None)),
        "workforce": table(workforce(agency_fte=2), workforce(period="2024-06")),
        "feedback": table(feedback(answer="No"), feedback(response_id=None, question="Anything else?", answer=None,
                                                          comment="More visits please")),
    }


def test_a_later_answer_from_the_same_respondent_to_the_same_question_supersedes_the_earlier(tmp_path, db):
    load(tmp_path, db, {"feedback": table(feedback(answer="Yes"), feedback(response_id="R-002"))}, name="first.xlsx")
    load(tmp_path, db, {"feedback": table(feedback(answer="No"))}, name="second.xlsx")
    assert query(db, "SELECT response_id, answer, sentiment FROM feedback ORDER BY response_id") == [
        ("R-001", "No", "negative"), ("R-002", "Yes", "positive")]


def test_a_dry_run_counts_exactly_what_the_load_then_does_and_writes_nothing(tmp_path, db):
    load(tmp_path, db, template_like_sheets(), name="may.xlsx")
    later = template_like_sheets()
    later["audits"] = table(audit(overall="Outstanding"), audit(audit_id="AUD-NEW"))
    upload = write_xlsx(tmp_path / "june.xlsx", later)
    before = snapshot(db)
    dry = ingest([upload], db, "tester", dry_run=True, today=TODAY)
    assert snapshot(db) == before
    real = ingest([upload], db, "tester", today=TODAY)
    counted = {name: (s.rows_added, s.rows_superseded) for name, s in dry.files[0].datasets.items()}
    assert counted == {name: (s.rows_added, s.rows_superseded) for name, s in real.files[0].datasets.items()}
    assert counted["audits"] == (2, 1)


def test_undo_returns_every_view_to_exactly_its_state_before_the_load(tmp_path, db):
    load(tmp_path, db, template_like_sheets(), name="may.xlsx")
    before = snapshot(db, DATA_VIEWS)
    load(tmp_path, db, _second_month(template_like_sheets()), name="june.xlsx")
    assert snapshot(db, DATA_VIEWS) != before
    undone = undo(db)
    assert undone["file_name"] == "june.xlsx"
    assert snapshot(db, DATA_VIEWS) == before
    assert query(db, "SELECT upload_id, status FROM uploads ORDER BY upload_id") == [(1, "loaded"), (2, "undone")]


def test_undo_removes_the_custom_indicators_its_load_brought(tmp_path, db):
    load(tmp_path, db, {"kpi": table(kpi(indicator="Home visits", value=7))})
    undo(db)
    assert query(db, "SELECT count(*) FROM indicator_catalogue WHERE custom") == [(0,)]


def test_undo_twice_walks_back_two_loads(tmp_path, db):
    load(tmp_path, db, {"audits": table(audit(overall="Inadequate"))}, name="april.xlsx")
    after_first = snapshot(db, DATA_VIEWS)
    load(tmp_path, db, {"audits": table(audit(overall="Requires improvement"))}, name="may.xlsx")
    load(tmp_path, db, {"audits": table(audit(overall="Good"))}, name="june.xlsx")
    assert undo(db)["file_name"] == "june.xlsx"
    assert query(db, "SELECT overall FROM audits") == [("Requires improvement",)]
    assert undo(db)["file_name"] == "may.xlsx"
    assert snapshot(db, DATA_VIEWS) == after_first
    assert query(db, "SELECT file_name, status FROM uploads ORDER BY upload_id") == [
        ("april.xlsx", "loaded"), ("may.xlsx", "undone"), ("june.xlsx", "undone")]


def test_undo_with_nothing_loaded_says_so(tmp_path, db):
    assert undo(db) is None
    load(tmp_path, db, {"audits": table(audit())})
    undo(db)
    assert undo(db) is None


def anonymous(comment: str, **changes) -> dict:
    return feedback(response_id=None, question=None, answer=None, comment=comment, **changes)


def test_a_later_files_anonymous_feedback_replaces_the_earlier_of_the_same_source_and_month(tmp_path, db):
    load(tmp_path, db, {"feedback": table(
        anonymous("Thank you", response_date="03/05/2024"), anonymous("Too many changes of worker", response_date="20/05/2024"),
        anonymous("April comment", response_date="10/04/2024"),
        anonymous("A complaint in May", response_date="12/05/2024", source="Complaint"))}, name="first.xlsx")
    load(tmp_path, db, {"feedback": table(anonymous("Thank you, corrected", response_date="03/05/2024"))}, name="second.xlsx")
    assert query(db, "SELECT comment FROM feedback ORDER BY comment") == [
        ("A complaint in May",), ("April comment",), ("Thank you, corrected",)]


def test_identical_anonymous_answers_in_one_file_are_all_kept(tmp_path, db):
    same = dict(response_id=None, question="Did you feel listened to?", answer="Yes", comment=None)
    load(tmp_path, db, {"feedback": table(feedback(**same), feedback(**same), feedback(**same))})
    assert query(db, "SELECT count(*), min(sentiment) FROM feedback") == [(3, "positive")]


# ------------------------------------------------------------- other processes and crashes --
HOLD_READ_CONNECTION = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
time.sleep(1)
con.close()
"""


def test_a_load_waits_for_another_process_reading_and_then_succeeds(tmp_path, db):
    load(tmp_path, db, {"audits": table(audit())}, name="first.xlsx")
    reader = subprocess.Popen([sys.executable, "-c", HOLD_READ_CONNECTION, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        started = time.monotonic()
        result = ingest([write_xlsx(tmp_path / "second.xlsx", {"audits": table(audit(audit_id="AUD-2"))})],
                        db, "tester", today=TODAY)
        waited = time.monotonic() - started
    finally:
        assert reader.wait(timeout=30) == 0
    assert result.loaded
    assert waited >= 0.5, f"the load did not wait for the reader ({waited:.2f}s)"
    assert query(db, "SELECT count(*) FROM audits") == [(2,)]


@pytest.fixture(scope="module")
def big_feedback_file(tmp_path_factory) -> Path:
    rows = [feedback(response_id=f"R{i:05d}", question="Did your worker listen?", answer="Yes", comment=None)
            for i in range(20_000)]
    return write_csv(tmp_path_factory.mktemp("big") / "feedback.csv", table(*rows))


# The command line with one step of the load wrapped: the step runs, then the process says so and
# waits to be killed. The kill lands at that point on a machine of any speed.
LOAD_THAT_WAITS_TO_BE_KILLED = """
import importlib, sys, threading
module = importlib.import_module(sys.argv[1])
step = getattr(module, sys.argv[2])
def step_then_wait(*args, **kwargs):
    step(*args, **kwargs)
    print("stopped", flush=True)
    threading.Event().wait()
setattr(module, sys.argv[2], step_then_wait)
from qa_dashboard.cli import main
sys.exit(main(sys.argv[3:]))
"""


def _kill_a_load_after(db: Path, upload: Path, module: str, step: str) -> None:
    """Start a CLI load, wait until `module.step` has run, then SIGKILL it."""
    load_process = subprocess.Popen([sys.executable, "-c", LOAD_THAT_WAITS_TO_BE_KILLED, module, step,
                                     "ingest", str(upload), "--db", str(db)],
                                    cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        said = load_process.stdout.read(len("stopped"))
    finally:
        load_process.send_signal(signal.SIGKILL)
        load_process.wait(timeout=30)
    assert said == "stopped", f"the load ended before {step} ran"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_load_killed_before_its_commit_leaves_the_database_as_before(tmp_path, big_feedback_file):
    """Killed once every row is written in the transaction and the upload recorded, before the commit."""
    db = tmp_path / "qa.duckdb"
    load(tmp_path, db, {"audits": table(audit())})
    before = snapshot(db)
    _kill_a_load_after(db, big_feedback_file, "qa_dashboard.ingest.load", "record_upload")
    assert snapshot(db) == before


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_load_killed_right_after_its_commit_is_fully_loaded(tmp_path, big_feedback_file):
    db = tmp_path / "qa.duckdb"
    load(tmp_path, db, {"audits": table(audit())})
    before = counts(db)
    _kill_a_load_after(db, big_feedback_file, "qa_dashboard.ingest", "_load_one")
    now = counts(db)
    assert now["feedback"] == 20_000 and now["uploads"] == 2
    assert {k: v for k, v in now.items() if k not in ("feedback", "uploads")} == \
           {k: v for k, v in before.items() if k not in ("feedback", "uploads")}


def test_a_csv_comment_with_doubled_quotes_deep_in_the_file_stays_one_cell(tmp_path):
    lines = ["response_date,respondent,source,comment"]
    lines += [f"10/05/2024,Child,Survey,Plain comment {n}" for n in range(400)]  # past the sniffed sample
    lines.append('11/05/2024,Parent,Survey,"She said ""we will be there"", and was, which made all the difference."')
    upload = tmp_path / "feedback.csv"
    upload.write_text("\n".join(lines) + "\n", encoding="utf-8")
    database = tmp_path / "q.duckdb"
    assert ingest([upload], database, "tester", today=TODAY).ok
    [(comment,)] = query(database, "SELECT comment FROM feedback WHERE respondent = 'Parent'")
    assert comment == 'She said "we will be there", and was, which made all the difference.'
