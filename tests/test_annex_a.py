"""Ofsted's Annex A reduced to indicators (DATA_CONTRACT section 1, Annex A): figures worked by
hand in tests/annex_a_workbooks.py, checks that refuse or warn, re-loading and undo."""
import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from qa_dashboard import benchmarks
from qa_dashboard.ingest import WARNING, annex, check_file, errors, ingest, undo
from tests import annex_a_workbooks as sample
from tests.workbooks import query, snapshot, write_csv, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]
D = dt.date


def figures_of(path: Path, as_at=sample.AS_AT, population=None) -> dict:
    context = annex.context_for(None, as_at)
    if population:
        context.population = lambda last_day: population
    check = check_file(path.name, path.read_bytes(), annex_context=context)
    assert check.ok, [p.line() for p in check.problems]
    return check, {(f.indicator, f.period, f.team): (f.value, f.numerator, f.denominator) for f in check.annex.figures}


@pytest.fixture
def workbook(tmp_path) -> Path:
    return write_xlsx(tmp_path / "annex_a_march.xlsx", sample.workbook_sheets())


# ------------------------------------------------------------------- figures worked by hand --
def test_re_referrals_count_364_days_but_not_366_and_read_the_count_column(workbook):
    _, got = figures_of(workbook)
    assert got[("referrals_count", D(2024, 3, 1), None)][0] == 4   # the exact duplicate dropped
    assert got[("re_referrals_pct", D(2024, 3, 1), None)] == (50.0, 2, 4)
    assert got[("re_referrals_pct", D(2024, 3, 1), "North")] == (100.0, 2, 2)
    assert got[("re_referrals_pct", D(2024, 3, 1), "South")] == (0.0, 0, 2)


def test_assessments_of_exactly_45_and_46_working_days_across_christmas(workbook):
    _, got = figures_of(workbook)
    assert got[("assessments_count", D(2024, 2, 1), None)][0] == 5
    # 45 days, same day and 1 day in time; 46 late; the one ending before its start left out.
    assert got[("assessments_45wd_pct", D(2024, 2, 1), None)] == (75.0, 3, 4)
    assert got[("nfa_assessments_pct", D(2024, 2, 1), None)] == (50.0, 2, 4)


def test_the_hand_counts_agree_with_an_independent_day_by_day_count():
    holidays = {D(2023, 12, 25), D(2023, 12, 26), D(2024, 1, 1), D(2023, 5, 1), D(2023, 5, 8)}

    def by_hand(start, end):
        days, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            days += day.weekday() < 5 and day not in holidays
        return days
    assert by_hand(D(2023, 12, 21), D(2024, 2, 27)) == 45
    assert by_hand(D(2023, 12, 21), D(2024, 2, 28)) == 46
    assert by_hand(D(2023, 4, 28), D(2023, 5, 23)) == 15


def test_initial_conferences_within_15_working_days_of_the_strategy_discussion(workbook):
    _, got = figures_of(workbook)
    assert got[("icpc_15wd_pct", D(2023, 5, 1), None)] == (50.0, 1, 2)   # the coronation inside
    assert got[("s47_count", D(2023, 6, 1), None)][0] == 1              # one child, two enquiries


def test_visits_in_time_on_the_extract_date_against_the_standards(workbook):
    check, got = figures_of(workbook)
    march = D(2024, 3, 1)
    assert got[("cp_visits_in_time_pct", march, None)] == (75.0, 3, 4)
    assert got[("cin_visits_in_time_pct", march, None)] == (50.0, 1, 2)
    assert got[("cla_visits_in_time_pct", march, None)] == (50.0, 1, 2)
    assert check.annex.standards == {"cp_visit_working_days": 10, "cin_visit_working_days": 20, "cla_visit_days": 42}


def test_a_stricter_standard_changes_the_figure(workbook):
    context = annex.context_for(None, sample.AS_AT, {"cp_visit_working_days": 9})
    check = check_file(workbook.name, workbook.read_bytes(), annex_context=context)
    cp = [f for f in check.annex.figures if f.indicator == "cp_visits_in_time_pct" and f.team is None]
    assert [(f.numerator, f.denominator) for f in cp] == [(2, 4)]


def test_rates_only_for_months_whose_twelve_months_the_list_covers(workbook):
    check, got = figures_of(workbook, population=20_000)
    rates = {k[1]: v for k, v in got.items() if k[0] == "referrals_rate"}
    # Covered from March 2023 (first referral 6 Mar): Feb 2024 (Mar 23-Feb 24: 2) and Mar 2024 (4).
    assert rates == {D(2024, 2, 1): (1.0, 2, 20_000), D(2024, 3, 1): (2.0, 4, 20_000)}
    assert not [k for k in got if k[0] == "assessments_rate"]
    assert any("assessments_rate" in p.message and "12 whole months" in p.message for p in check.problems)


def test_a_count_column_that_includes_the_current_referral_is_read_so_with_a_warning(tmp_path):
    rows = [sample.REFERRAL_HEADER[:1] + ["Date of Referral", "Number of Referrals in Last 12 Months", "Allocated Team"],
            ["ZQ1", D(2024, 3, 4), 1, "North"], ["ZQ2", D(2024, 3, 5), 1, "North"], ["ZQ3", D(2024, 3, 6), 2, "North"]]
    path = write_xlsx(tmp_path / "referrals.xlsx", {"Referrals": rows})
    check, got = figures_of(path)
    assert got[("re_referrals_pct", D(2024, 3, 1), None)] == (pytest.approx(100 / 3, abs=1e-4), 1, 3)
    assert any(p.severity == WARNING and "count the referral itself" in p.message for p in check.problems)


def test_lists_are_known_by_their_headers_and_real_spellings(tmp_path):
    rows = [["Report run by the case system"], ["Person ID", "Date of Referral", "Allocated Team", "Age"],
            ["ZQ1", "01/03/2024", "North", 4]]
    path = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": rows})
    check, got = figures_of(path)
    assert check.annex.lists[0].label == "List 3"
    assert got[("re_referrals_pct", D(2024, 3, 1), None)] == (0.0, 0, 1)


def test_one_csv_per_list_is_read(tmp_path):
    rows = [["Child Unique ID", "Date of Referral", "Allocated Team"], ["ZQ1", "04/03/2024", "North"]]
    path = write_csv(tmp_path / "List_3.csv", rows)
    check, got = figures_of(path)
    assert got[("re_referrals_pct", D(2024, 3, 1), None)] == (0.0, 0, 1)
    assert not [p for p in check.problems if "has no List" in p.message]


# --------------------------------------------------------------------------- refusals --
def refused_with(tmp_path, sheets, as_at=sample.AS_AT) -> list:
    path = write_xlsx(tmp_path / "bad.xlsx", sheets)
    db = tmp_path / "qa.duckdb"
    result = ingest([path], db, "tester", as_at=as_at)
    assert not result.ok and not result.loaded and not db.exists()
    return errors(result.problems)


def test_without_an_extract_date_the_file_is_refused_proposing_the_latest_date(tmp_path, workbook):
    result = ingest([workbook], tmp_path / "qa.duckdb", "tester")
    assert not result.ok and not (tmp_path / "qa.duckdb").exists()
    assert "--as-at 2024-03-25" in errors(result.problems)[0].message
    assert result.files[0].proposed_as_at == D(2024, 3, 25)


def test_a_date_after_the_extract_date_is_refused_naming_row_and_column(tmp_path):
    rows = sample.referrals()
    found = refused_with(tmp_path, {"List 3": rows}, as_at=D(2024, 3, 12))
    problem = next(p for p in found if p.row == 10)
    assert problem.sheet == "List 3" and problem.column == "Date of Referral" and "after the extract" in problem.message


def test_an_impossible_date_and_a_us_date_are_refused(tmp_path):
    rows = [["Child ID", "Date of Referral"], ["ZQ1", "31/02/2024"], ["ZQ2", "03/25/2024"]]
    found = refused_with(tmp_path, {"List 3": rows})
    assert sorted(p.row for p in found) == [2, 3]
    assert all(p.column == "Date of Referral" for p in found)


def test_a_list_without_its_id_column_is_refused(tmp_path):
    found = refused_with(tmp_path, {"List 3": [["Date of Referral", "Allocated Team"], [D(2024, 3, 1), "North"]]})
    assert any("Child Unique ID" in p.message for p in found)


def test_an_error_cell_in_the_id_column_is_refused_without_showing_it(tmp_path):
    rows = [["Child ID", "Date of Referral"], ["#N/A", D(2024, 3, 1)]]
    found = refused_with(tmp_path, {"List 3": rows})
    assert [(p.row, p.column, p.value) for p in found] == [(2, "Child ID", "")]


# ------------------------------------------------------------------ loading and undo --
def test_the_next_extract_supersedes_the_months_it_covers_and_undo_restores(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    assert ingest([workbook], db, "tester", as_at=sample.AS_AT).loaded
    before = snapshot(db, ["kpi_values", "kpi_sources", "annex_a_quality"])
    rows = [sample.REFERRAL_HEADER[:1] + ["Date of Referral", "Allocated Team"]] + [
        [f"ZQ9{i}", D(2024, 3, 1) + dt.timedelta(days=i), "North"] for i in range(6)]
    later = write_xlsx(tmp_path / "annex_a_april.xlsx", {"List 3": rows})
    assert ingest([later], db, "tester", as_at=D(2024, 4, 10)).loaded
    march = query(db, "SELECT value, numerator, denominator FROM kpi_values WHERE indicator = 're_referrals_pct' "
                      "AND period = '2024-03-01' AND team IS NULL")
    assert march == [(0.0, 0.0, 6.0)]
    # Months the new file does not cover keep the earlier figures.
    assert query(db, "SELECT value FROM kpi_values WHERE indicator = 'assessments_45wd_pct' AND team IS NULL") == [(75.0,)]
    assert query(db, "SELECT source FROM kpi_sources WHERE indicator = 're_referrals_pct' AND team IS NULL "
                     "AND period = '2024-03-01'") == [("Annex A, extract of 10 April 2024",)]
    undo(db)
    views = ["kpi_values", "kpi_sources", "annex_a_quality"]
    assert snapshot(db, views) == {view: rows for view, rows in before.items() if view in views}
    assert query(db, "SELECT DISTINCT extract_date FROM annex_a_quality") == [(sample.AS_AT,)]


def test_the_same_extract_twice_changes_nothing(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    assert ingest([workbook], db, "tester", as_at=sample.AS_AT).loaded
    again = ingest([workbook], db, "tester", as_at=sample.AS_AT)
    assert again.files[0].nothing_new


def test_the_data_quality_view_counts_problems_by_list_and_team(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    ingest([workbook], db, "tester", as_at=sample.AS_AT)
    rows = query(db, "SELECT list, problem, team, rows FROM annex_a_quality ORDER BY 1, 2, 3")
    assert ("List 3", "exact duplicate row", "South", 1) in rows
    assert ("List 4", "ends before it starts", "South", 1) in rows
    assert ("List 4", "unknown answer", "South", 1) in rows


def test_rates_use_the_chosen_authoritys_ons_population(tmp_path, workbook, shared_reference):
    db = tmp_path / "qa.duckdb"
    population_csv = shared_reference / "dfe" / "ons_mid-year_population_estimates_2012_to_2024.csv"
    assert ingest([population_csv], db, "tester").loaded
    benchmarks.set_authority(db, "Bury")
    assert ingest([workbook], db, "tester", as_at=sample.AS_AT).loaded
    bury_mid_2023 = next(int(line.rsplit(",", 1)[1]) for line in population_csv.read_text().splitlines()
                         if line.startswith("2023,") and ",Bury," in line and "0 to 17" in line)
    got = query(db, "SELECT period, numerator, denominator, value FROM kpi_values WHERE indicator = 'referrals_rate' "
                    "ORDER BY period")
    assert got == [(D(2024, 2, 1), 2.0, bury_mid_2023, pytest.approx(2 / bury_mid_2023 * 10_000)),
                   (D(2024, 3, 1), 4.0, bury_mid_2023, pytest.approx(4 / bury_mid_2023 * 10_000))]


# ------------------------------------------------------------------ the reference sample --
def test_the_reference_annex_a_loads_with_its_extract_date(tmp_path, shared_reference):
    annex_file = shared_reference / "annex_a" / "Annex_A.xlsx"
    db = tmp_path / "qa.duckdb"
    result = ingest([annex_file], db, "tester", as_at=D(2021, 3, 15))
    assert result.loaded, [p.line() for p in result.problems]
    # List 3: six referrals on 16 Sep 2020, three with 1 or more in the last 12 months.
    assert query(db, "SELECT numerator, denominator FROM kpi_values WHERE indicator = 're_referrals_pct' "
                     "AND team IS NULL") == [(3.0, 6.0)]
    # List 7: two plans open on 15 Mar 2021, both visited 2 Mar (9 working days).
    assert query(db, "SELECT numerator, denominator FROM kpi_values WHERE indicator = 'cp_visits_in_time_pct' "
                     "AND team IS NULL") == [(2.0, 2.0)]
    assert query(db, "SELECT DISTINCT source FROM kpi_sources") == [("Annex A, extract of 15 March 2021",)]


# ------------------------------------------------------------------------------ privacy --
def _every_text_in(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
        found = []
        for name in names:
            for column in [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()]:
                found += [str(v[0]) for v in con.execute(f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{name}"').fetchall()]
        return "\n".join(found)
    finally:
        con.close()


def test_no_id_date_of_birth_postcode_or_worker_reaches_the_database_or_the_output(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    run = subprocess.run([sys.executable, "-m", "qa_dashboard", "ingest", str(workbook), "--db", str(db),
                          "--as-at", "2024-03-31"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    bad = write_xlsx(tmp_path / "bad.xlsx", {**sample.workbook_sheets(), "List 3 - Referrals": sample.referrals()
                                             + [["#N/A", "a) Male", sample.DOBS[0], 12, "31/02/2024", "", 0, "North", sample.WORKERS[0]]]})
    refused = subprocess.run([sys.executable, "-m", "qa_dashboard", "ingest", str(bad), "--db", str(db),
                              "--as-at", "2024-03-31"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1
    stored = _every_text_in(db)
    assert "Date of Referral" in refused.stderr  # the refusal names the column
    secrets = sample.IDS + sample.POSTCODES + sample.WORKERS + [d.isoformat() for d in sample.DOBS] + \
        [f"{d:%d/%m/%Y}" for d in sample.DOBS] + ["Wilhelmina", "Zedwright"]
    for secret in secrets:
        for where, text in (("database", stored), ("output", run.stdout + run.stderr + refused.stdout + refused.stderr)):
            assert secret not in text, f"{secret} reached the {where}"


def test_the_standards_a_load_used_are_the_next_defaults_until_it_is_undone(tmp_path, workbook):
    db = tmp_path / "qa.duckdb"
    assert annex.context_for(db, sample.AS_AT).standards["cp_visit_working_days"] == 10
    assert ingest([workbook], db, "tester", as_at=sample.AS_AT, standards={"cp_visit_working_days": 9}).loaded
    assert query(db, "SELECT numerator, denominator FROM kpi_values WHERE indicator = 'cp_visits_in_time_pct' "
                     "AND team IS NULL") == [(2.0, 4.0)]
    assert annex.context_for(db, sample.AS_AT).standards["cp_visit_working_days"] == 9
    undo(db)
    assert annex.context_for(db, sample.AS_AT).standards["cp_visit_working_days"] == 10


def test_a_formula_without_a_saved_value_in_a_list_is_refused_naming_its_place(tmp_path):
    rows = [["Child ID", "Date of Referral", "Allocated Team"], ["ZQ1", "=DATE(2024,3,1)", "North"]]
    found = refused_with(tmp_path, {"List 3": rows})
    assert [(p.sheet, p.row, p.column, p.value) for p in found] == [("List 3", 2, "Date of Referral", "")]
