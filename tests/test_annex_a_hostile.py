"""Annex A under hostile or broken input: a row shifted a column shows no value from the list,
an empty list is named, a refused date counts toward no month, one placeholder ID on thousands
of rows costs n log n, is named and is not taken for one child, and a KPI workbook's summary
sheet is not taken for a list."""
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from qa_dashboard.ingest import WARNING, annex, check_file, errors
from qa_dashboard.ingest.annex_a import indicators
from qa_dashboard.ingest.annex_a.parse import Findings, ListRows
from qa_dashboard.upload import Upload, check
from tests import annex_a_workbooks as sample
from tests.workbooks import kpi, table, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]
D = dt.date


def checked(path: Path, as_at=sample.AS_AT):
    return check_file(path.name, path.read_bytes(), annex_context=annex.context_for(None, as_at))


def shifted_workbook(tmp_path) -> Path:
    """List 3 with one row shifted a column left: the ID is gone, the date column holds the
    worker's name, the team column the postcode; List 8 with a child's ID in a date column."""
    rows = sample.referrals()
    rows.append([sample.IDS[5], "a) Male", sample.DOBS[0], 12, sample.WORKERS[0], "q) 6: Police", 0, sample.POSTCODES[0]])
    rows.append(["a) Male", sample.DOBS[1], 12, D(2024, 3, 5), "q) 6: Police", 0, sample.WORKERS[1], sample.POSTCODES[1]])
    care = sample.children_in_care()
    care.append([sample.IDS[6], "b) No", sample.IDS[7], D(2024, 3, 1), None, sample.POSTCODES[0], "North", sample.WORKERS[0]])
    return write_xlsx(tmp_path / "shifted.xlsx", {**sample.workbook_sheets(), "List 3 - Referrals": rows, "CLA": care})


SECRETS = sample.IDS + sample.WORKERS + sample.POSTCODES + [f"{d:%d/%m/%Y}" for d in sample.DOBS] + \
    [d.isoformat() for d in sample.DOBS] + ["Wilhelmina", "Zedwright", "ZQ7"]


def test_a_shifted_row_is_refused_naming_row_and_column_never_the_value(tmp_path):
    path = shifted_workbook(tmp_path)
    found = checked(path)
    refused = errors(found.problems)
    assert {(p.sheet, p.column) for p in refused} >= {("List 3 - Referrals", "Date of Referral"),
                                                      ("CLA", "Date Started to be Looked After")}
    said = "\n".join(p.line() + json.dumps(p.as_dict(), default=str) for p in found.problems)
    assert [s for s in SECRETS if s in said] == []


def test_a_shifted_row_shows_no_value_on_the_command_line_or_the_upload_pages_tables(tmp_path):
    path = shifted_workbook(tmp_path)
    outputs = []
    for options in ([], ["--json"]):
        run = subprocess.run([sys.executable, "-m", "qa_dashboard", "ingest", str(path), "--db", str(tmp_path / "qa.duckdb"),
                              "--as-at", "2024-03-31", *options], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 1 and not (tmp_path / "qa.duckdb").exists()
        outputs.append(run.stdout + run.stderr)
    from qa_dashboard import upload

    result = check([Upload(path.name, path.read_bytes())], tmp_path / "qa.duckdb", "tester", None, as_at=sample.AS_AT)
    frames = [upload.problems_frame(result.problems)] + [f for found in upload.annex_previews(result)
                                                for f in (found["lists"], found["quality"])]
    outputs += [frame.to_csv() for frame in frames]
    assert [s for s in SECRETS if any(s in text for text in outputs)] == []


def test_a_list_with_only_its_header_row_is_named_in_a_warning(tmp_path):
    sheets = {**sample.workbook_sheets(), "Sec47 and ICPC": [sample.S47_HEADER]}
    found = checked(write_xlsx(tmp_path / "a.xlsx", sheets))
    assert found.ok
    assert any(p.severity == WARNING and p.sheet == "Sec47 and ICPC" and "has only its header row" in p.message
               for p in found.problems)
    assert not [f for f in found.annex.figures if f.indicator in ("s47_count", "icpc_count")]


def test_a_list_of_rows_without_a_date_is_named_and_writes_no_zeros(tmp_path):
    blank_rows = [[" ", None, "  ", "-", None, None]] * 1 + [["ZQ1", None, None, None, "North", None]]
    sheets = {**sample.workbook_sheets(), "Sec47 and ICPC": [sample.S47_HEADER] + blank_rows}
    context = annex.context_for(None, sample.AS_AT, cover_from=D(2023, 4, 1))
    path = write_xlsx(tmp_path / "a.xlsx", sheets)
    found = check_file(path.name, path.read_bytes(), annex_context=context)
    assert found.ok
    assert any(p.sheet == "Sec47 and ICPC" and "2 rows but no date in any of its date columns" in p.message
               for p in found.problems)
    assert not [f for f in found.annex.figures if f.indicator in ("s47_count", "icpc_count")]


def test_a_refused_date_counts_toward_no_partly_covered_month(tmp_path):
    rows = [["Child ID", "Date of Referral"], ["ZQ1", D(2024, 3, 4)], ["ZQ2", D(2024, 3, 5)], ["ZQ3", "15/06/2024"],
            ["ZQ4", D(2024, 8, 9)], ["ZQ5", 2_900_000]]   # the last an Excel serial number in the year 9839
    found = checked(write_xlsx(tmp_path / "a.xlsx", {"List 3": rows}))
    assert sorted(p.row for p in errors(found.problems)) == [4, 5, 6]
    said = " ".join(p.message for p in found.problems)
    assert "Jun 2024" not in said and "Aug 2024" not in said and "9839" not in said


class CountedDate(dt.date):
    """A date that counts the comparisons and subtractions made with it."""
    operations = 0

    def __sub__(self, other):
        CountedDate.operations += 1
        return super().__sub__(other)

    def __lt__(self, other):
        CountedDate.operations += 1
        return super().__lt__(other)

    def __le__(self, other):
        CountedDate.operations += 1
        return super().__le__(other)

    def __gt__(self, other):
        CountedDate.operations += 1
        return super().__gt__(other)

    def __ge__(self, other):
        CountedDate.operations += 1
        return super().__ge__(other)


def test_referrals_sharing_one_placeholder_id_are_compared_in_n_log_n_not_n_squared(tmp_path):
    n = 1_500
    days = [CountedDate(2024, 3, 4 + i % 3) for i in range(n)]  # one placeholder ID, three days
    rows = ListRows(source=None, rows_read=n, excel_rows=list(range(2, n + 2)),
                    values={"referral_date": days, "child_id": ["UNKNOWN"] * n, "referrals_12m": [None] * n})
    CountedDate.operations = 0
    figures, _ = indicators.re_referrals(rows, lambda dates: None, Findings("a.xlsx"))
    assert CountedDate.operations <= 10 * n          # the pairwise search made n * n / 2 here
    share = next(f for f in figures if f.indicator == "re_referrals_pct")
    assert (share.numerator, share.denominator) == (1_000, n)   # those on the 5th and the 6th


def test_the_earlier_referral_search_agrees_with_the_pairwise_definition():
    days = [D(2023, 1, 1), D(2023, 1, 1), D(2024, 1, 1), D(2024, 1, 2), D(2021, 12, 31), D(2023, 1, 1), None, D(2023, 6, 1)]
    ids = ["A", "A", "A", "A", "A", "B", "B", None]
    by_pairs = [day is not None and child is not None and any(
        other is not None and ids[j] == child and 0 < (day - other).days <= 365 for j, other in enumerate(days))
        for day, child in zip(days, ids)]
    assert indicators.earlier_referral_within(days, ids, 365) == by_pairs == \
        [False, False, True, True, False, False, False, False]


def test_one_id_on_many_rows_is_named_as_a_placeholder_by_row_not_value(tmp_path):
    rows = [["Child ID", "Date of Referral", "Allocated Team"], ["ZQ1", D(2024, 3, 1), "North"]] + \
        [["ZQPLACEHOLDER", D(2024, 1, 1) + dt.timedelta(days=i), "North"] for i in range(60)]
    found = checked(write_xlsx(tmp_path / "a.xlsx", {"List 3": rows}))
    [said] = [p for p in found.problems if "placeholder" in p.message]
    assert said.severity == WARNING and said.message.startswith("One child ID is on more than 50 rows (60 rows, the "
                                                                "first in row 3)")
    assert "ZQPLACEHOLDER" not in said.line()
    # Not one child referred 60 times: each row its own child, so none is a re-referral by the ID.
    shares = [f for f in found.annex.figures if f.indicator == "re_referrals_pct" and f.team is None]
    assert sum(f.numerator for f in shares) == 0 and sum(f.denominator for f in shares) == 61


def test_a_kpi_workbook_with_a_referrals_summary_sheet_is_not_taken_for_annex_a(tmp_path):
    summary = [["Team", "Referral date", "Referrals", "Re-referrals"], ["North", "2024-05", 40, 9], ["South", "2024-05", 31, 6]]
    path = write_xlsx(tmp_path / "kpi.xlsx", {"KPI": table(kpi()), "Referrals summary": summary})
    found = check_file(path.name, path.read_bytes(), today=D(2024, 12, 15))
    assert found.ok and found.annex is None and "kpi" in found.records
