"""DfE's published files are read inside ingest like every other upload: their cells come from
read.py (so its limits apply), their checked rows are `Records`, and they load through the
same merge as every dataset."""
from pathlib import Path

from qa_dashboard.ingest import check_file, ingest, read, undo
from qa_dashboard.ingest.problems import errors
from qa_dashboard.ingest.validate import Records
from tests.test_benchmarks import ENGLAND, GEOGRAPHY, neighbours_csv, referrals_csv, write_rows
from tests.test_contract import _imports
from tests.workbooks import query

PACKAGE = Path(__file__).resolve().parents[1] / "qa_dashboard"


def test_a_dfe_files_checked_cells_are_records_with_the_row_each_came_from(tmp_path):
    path = neighbours_csv(tmp_path / "sn.csv")
    records = check_file(path.name, path.read_bytes()).records["dfe_neighbours"]
    assert type(records) is Records
    assert len(records) == 6  # three authorities, two neighbours each
    assert records.origin[:2] == [("sn", 2), ("sn", 2)]
    assert records.columns["neighbour_old_code"][:2] == ["802", "803"]


def test_a_dfe_file_over_the_row_limit_is_refused_by_the_same_check_as_any_csv(tmp_path, monkeypatch):
    path = referrals_csv(tmp_path / "c1.csv")  # a header and ten rows
    monkeypatch.setattr(read, "MAX_ROWS", 5)
    check = check_file(path.name, path.read_bytes())
    _, refused = read.read_file(path.name, path.read_bytes())
    assert not check.datasets
    assert refused and [p.message for p in errors(check.problems)] == [p.message for p in refused]
    assert "above the limit" in refused[0].message


def test_a_dfe_row_with_a_cell_missing_is_refused_naming_its_row(tmp_path):
    header = GEOGRAPHY + ["category", "referral_count", "rereferral_count", "rereferral_percent"]
    path = write_rows(tmp_path / "c1.csv", header, [
        ["2025", "Reporting year", *ENGLAND, "Referrals", "1000", "200", "20"],
        ["2024", "Reporting year", *ENGLAND, "Referrals", "900", "180"]])
    [problem] = errors(check_file(path.name, path.read_bytes()).problems)
    assert (problem.sheet, problem.row) == ("c1", 3)
    assert "has 13 cells but the header has 14 columns" in problem.message


def test_a_dfe_load_is_counted_superseded_and_undone_like_any_other(tmp_path):
    db = tmp_path / "qa.duckdb"
    first = ingest([referrals_csv(tmp_path / "c1.csv")], db, "tester")
    added = first.files[0].datasets["dfe_statistics"].rows_added
    assert added == query(db, "SELECT count(*) FROM dfe_rows")[0][0] > 0
    again = ingest([referrals_csv(tmp_path / "c1_revised.csv", alpha_2025_referrals="301")], db, "tester")
    assert (again.files[0].rows_added, again.files[0].rows_superseded) == (1, 1)
    undo(db)
    assert query(db, "SELECT value FROM dfe_rows WHERE superseded_by IS NULL AND area_key = '801' AND year = 2025 "
                     "AND measure = 'referral_count'") == [(300.0,)]


def test_ingest_never_reaches_up_into_benchmarks():
    for path in (PACKAGE / "ingest").glob("*.py"):
        assert not any(name.startswith("qa_dashboard.benchmarks") for name in _imports(path)), path.name
