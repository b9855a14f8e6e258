"""The months an Annex A file is counted for: the window the officer declares (`--from`, the
Upload page's "Lists cover from") or, without one, inferred and every month not counted named;
and the extract date itself, refused when it is in the future or past the lists' data."""
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa_dashboard.ingest import WARNING, annex, check_file, errors, ingest
from tests import annex_a_workbooks as sample
from tests.workbooks import kpi, query, snapshot, table, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]
D = dt.date
REFERRALS = ["Child ID", "Date of Referral", "Allocated Team"]


def referral_rows(days: list[dt.date]) -> list[list]:
    return [REFERRALS] + [[f"ZQ{800000 + i}", day, "North"] for i, day in enumerate(days)]


def checked(path: Path, as_at: dt.date, cover_from: dt.date | None = None, population=None):
    context = annex.context_for(None, as_at, **({"cover_from": cover_from} if cover_from else {}))
    if population:
        context.population = lambda last_day: population
    return check_file(path.name, path.read_bytes(), annex_context=context)


def figures(check, indicator: str) -> dict:
    return {f.period: f.value for f in check.annex.figures if f.indicator == indicator and f.team is None}


def warned(check) -> list[str]:
    return [p.message for p in check.problems if p.severity == WARNING]


# ---------------------------------------------------------------- the declared window --
def test_the_declared_window_counts_every_whole_month_from_its_first_day(tmp_path):
    # Every referral on the 16th, as in the reference sample: inferred, September is not counted.
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows([D(2023, 9, 16)] * 6 + [D(2023, 12, 4)])})
    check = checked(path, D(2023, 12, 31), cover_from=D(2023, 9, 1))
    assert check.ok, [p.line() for p in check.problems]
    assert figures(check, "referrals_count") == {D(2023, 9, 1): 6, D(2023, 10, 1): 0, D(2023, 11, 1): 0,
                                                 D(2023, 12, 1): 1}


def test_rows_before_the_declared_window_are_left_out_with_a_warning_counting_them(tmp_path):
    days = [D(2023, 9, 20), D(2023, 9, 21), D(2023, 9, 22), D(2023, 10, 2), D(2023, 10, 3)]
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows(days)})
    check = checked(path, D(2023, 10, 31), cover_from=D(2023, 10, 1))
    assert check.ok
    assert figures(check, "referrals_count") == {D(2023, 10, 1): 2}
    assert set(figures(check, "re_referrals_pct")) == {D(2023, 10, 1)}   # no share for September either
    assert any(m.startswith("3 of 5 rows have a Date of Referral before 01/10/2023") for m in warned(check))


def test_a_window_from_mid_month_starts_at_its_first_whole_month(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows([D(2023, 9, 20), D(2023, 10, 2)])})
    check = checked(path, D(2023, 10, 31), cover_from=D(2023, 9, 15))
    assert figures(check, "referrals_count") == {D(2023, 10, 1): 1}
    assert any("first whole month from 15/09/2023" in m for m in warned(check))


def test_the_reference_sample_counts_its_six_referrals_with_its_window(tmp_path, shared_reference):
    annex_file = shared_reference / "annex_a" / "Annex_A.xlsx"
    db = tmp_path / "qa.duckdb"
    result = ingest([annex_file], db, "tester", as_at=D(2021, 3, 15), cover_from=D(2020, 9, 1))
    assert result.loaded, [p.line() for p in result.problems]
    got = query(db, "SELECT period, value FROM kpi_values WHERE indicator = 'referrals_count' AND team IS NULL "
                    "ORDER BY period")
    assert got[0] == (D(2020, 9, 1), 6.0) and [v for _, v in got[1:]] == [0.0] * 5


def test_a_window_that_starts_after_the_extract_date_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows([D(2024, 3, 4)])})
    db = tmp_path / "qa.duckdb"
    result = ingest([path], db, "tester", as_at=D(2024, 3, 31), cover_from=D(2024, 4, 1))
    assert not result.ok and not db.exists()
    assert "after the extract date" in errors(result.problems)[0].message


def test_a_window_from_before_the_lists_data_is_refused_proposing_the_earliest_date(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows([D(2023, 9, 16), D(2023, 12, 4)])})
    db = tmp_path / "qa.duckdb"
    result = ingest([path], db, "tester", as_at=D(2023, 12, 31), cover_from=D(2003, 9, 1))  # 2023 mistyped
    assert not result.ok and not db.exists()
    [refusal] = errors(result.problems)
    assert refusal.message.startswith("No list has a case in September 2003, the first whole month from the day "
                                      "the lists cover from (01/09/2003), or before it")
    assert "--from 2023-09-16" in refusal.message


def test_without_a_window_every_month_not_counted_is_named_for_every_list(tmp_path):
    # List 5's first enquiry is on 20 June and its first conference on 12 July: neither month is whole.
    rows = [sample.S47_HEADER[:1] + ["Section 47 Enquiry Start Date", "Date of ICPC", "Allocated Team"],
            ["ZQ1", D(2023, 6, 20), D(2023, 7, 12), "North"], ["ZQ2", D(2023, 8, 1), D(2023, 8, 15), "North"],
            ["ZQ3", D(2024, 3, 4), None, "North"]]
    path = write_xlsx(tmp_path / "a.xlsx", {"List 5": rows})
    check = checked(path, D(2024, 3, 31))
    assert check.ok
    said = warned(check)
    assert any(m.startswith("s47_count and s47_rate not written for 1 month(s)") and "(Jun 2023)" in m for m in said)
    assert any(m.startswith("icpc_count not written for 1 month(s)") and "(Jul 2023)" in m for m in said)


def test_the_extract_dates_own_month_is_named_when_it_is_not_over(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows([D(2024, 3, 4), D(2024, 4, 2)])})
    check = checked(path, D(2024, 4, 10), cover_from=D(2024, 3, 1))
    assert D(2024, 4, 1) not in figures(check, "referrals_count")
    assert any(m.startswith("referrals_count and referrals_rate not written") and "(Apr 2024)" in m
               for m in warned(check))


def test_months_without_a_rate_are_named(tmp_path):
    days = [D(2023 + (m > 12), (m - 1) % 12 + 1, 2) for m in range(1, 16)]   # January 2023 to March 2024
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows(days)})
    check = checked(path, D(2024, 3, 31), population=20_000)
    assert set(figures(check, "referrals_rate")) == {D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)}
    assert "No referrals_rate for the 11 months Jan 2023 to Nov 2023: a rate per 10,000 children needs the 12 " \
           "whole months to the month's end, and the list covers from Jan 2023." in warned(check)


def test_the_command_line_takes_the_window_and_refuses_a_bad_one_in_a_sentence(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows([D(2023, 9, 16)] * 2 + [D(2023, 10, 2)])})
    db = tmp_path / "qa.duckdb"

    def run(*options):
        return subprocess.run([sys.executable, "-m", "qa_dashboard", "ingest", str(path), "--db", str(db), *options],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    refused = run("--as-at", "2023-10-31", "--from", "2023-11-01")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and not db.exists()
    assert "after the extract date 31/10/2023" in refused.stderr
    loaded = run("--as-at", "2023-10-31", "--from", "2023-09-01", "--json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)[0]["datasets"]["kpi"]["first_period"] == "2023-09-01"
    assert query(db, "SELECT value FROM kpi_values WHERE indicator = 'referrals_count' AND team IS NULL "
                     "AND period = '2023-09-01'") == [(2.0,)]


# ------------------------------------------------------------------- the extract date --
def test_an_extract_date_in_the_future_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", sample.workbook_sheets())
    db = tmp_path / "qa.duckdb"
    result = ingest([path], db, "tester", today=D(2024, 4, 2), as_at=D(2030, 12, 31))
    assert not result.ok and not db.exists()
    assert [p.message for p in errors(result.problems)] == [
        "The extract date 31/12/2030 is in the future (today is 02/04/2024). Check the year."]


def test_an_extract_date_past_the_lists_data_is_refused_proposing_the_latest_date(tmp_path):
    db = tmp_path / "qa.duckdb"
    monthly = [kpi(period=f"2024-{m:02d}", indicator="referrals_count", value=100 + m, target=None, commentary=None)
               for m in range(4, 10)]
    assert ingest([write_xlsx(tmp_path / "kpi.xlsx", {"KPI": table(*monthly)})], db, "tester", today=D(2024, 10, 2)).loaded
    before = snapshot(db)
    annex_file = write_xlsx(tmp_path / "a.xlsx", sample.workbook_sheets())   # its latest date: 25 March 2024
    for cover_from in (None, D(2023, 10, 1)):
        result = ingest([annex_file], db, "tester", today=D(2024, 10, 2), as_at=D(2024, 9, 30),
                        **({"cover_from": cover_from} if cover_from else {}))
        assert not result.ok
        [refusal] = errors(result.problems)
        assert refusal.message.startswith("No list has a case in September 2024, the last whole month before the "
                                          "extract date 30/09/2024")
        assert "The latest date in the lists is 25/03/2024" in refusal.message and "--as-at 2024-03-25" in refusal.message
    assert snapshot(db) == before


def test_a_list_whose_cases_stop_months_before_the_others_is_named(tmp_path):
    sheets = {"List 3": referral_rows([D(2024, 1, 3), D(2024, 1, 4)]),
              "List 4": [["Child ID", "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation"],
                         ["ZQ9", D(2024, 3, 1), D(2024, 3, 20)]]}
    check = checked(write_xlsx(tmp_path / "a.xlsx", sheets), D(2024, 3, 31))
    assert check.ok
    assert figures(check, "referrals_count") == {D(2024, 1, 1): 2, D(2024, 2, 1): 0, D(2024, 3, 1): 0}
    assert "No Date of Referral after 04/01/2024: referrals_count and referrals_rate are written as zero for Feb 2024 " \
           "to Mar 2024. If this list was extracted earlier than the others, extract it again with them." in warned(check)


def test_an_extract_date_a_few_days_after_the_lists_last_case_is_accepted(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"List 3": referral_rows([D(2024, 3, 4), D(2024, 3, 20)])})
    check = checked(path, D(2024, 4, 10))
    assert check.ok, [p.line() for p in check.problems]


@pytest.mark.parametrize("as_at", [D(2024, 3, 31), D(2024, 3, 25)])
def test_the_upload_pages_proposed_window_is_the_twelve_months_before_the_extract_date(as_at):
    from qa_dashboard import upload

    assert upload.annex_a_cover_from(as_at) == as_at.replace(year=2023)
    assert upload.annex_a_cover_from(D(2024, 2, 29)) == D(2023, 2, 28)
