"""Files made to hurt the checker (issue 12, "Files"): each is refused with one sentence naming
file, sheet, row, column and value, within its time and memory bounds, and the database is
byte-identical afterwards. A check (`--dry-run`, the Upload page) never writes to the database."""
import hashlib
import io
import multiprocessing
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
import python_calamine

from qa_dashboard import auth, child_process, upload
from qa_dashboard.ingest import bounded, errors, ingest, read
from tests.workbooks import TODAY, audit, rewrite_member, table, write_csv, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]
GIB = 2**30


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "qa.duckdb"
    assert ingest([write_xlsx(tmp_path / "earlier.xlsx", {"audits": table(audit(audit_id="EARLIER-1"))})],
                  path, "tester", today=TODAY).loaded
    return path


def refused(db: Path, name: str, data: bytes):
    """Ingest one file that must be refused; the database's bytes must not change. Returns the errors."""
    before = sha256(db)
    result = ingest([(name, data)], db, "tester", today=TODAY)
    assert not result.ok and not result.loaded
    assert sha256(db) == before, "a refused file changed the database file"
    found = errors(result.problems)
    assert found and all(p.file == name for p in found)
    return found


def the_error(problems, **place):
    matching = [p for p in problems if all(getattr(p, k) == v for k, v in place.items())]
    assert len(matching) == 1, f"expected one error at {place}, got:\n" + "\n".join(p.line() for p in problems)
    return matching[0]


def run_cli(*args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "QA_DASHBOARD_DB"} | env
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=environment, timeout=120)


# --------------------------------------------------------------- time: linear scans, bounded check --
def _with_prefixes(xml: bytes) -> bytes:
    """The same sheet with every element written `x:name`, as some generators write them."""
    xml = re.sub(rb"<(/?)(\w+)", rb"<\1x:\2", xml)
    return xml.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")


def namespaced_workbook(path: Path, cells: int) -> bytes:
    """A valid audits sheet, then a notes sheet of `cells` formula cells with prefixed tags whose end
    tags carry a space (`</x:c >`, well-formed XML): the old regex scanned to the end of the sheet
    from every cell, so 3,000 such cells took about 25 s and 8,000 over 5 minutes."""
    write_xlsx(path, {"audits": table(audit()), "notes": [["note"]]})
    rows = b'<x:row><x:c t="str"><x:f>1+1</x:f><x:v>2</x:v></x:c ></x:row>' * cells
    rewrite_member(path, "xl/worksheets/sheet1.xml", _with_prefixes)
    rewrite_member(path, "xl/worksheets/sheet2.xml",
                   lambda xml: re.sub(rb"<x:dimension[^>]*/>", b"", _with_prefixes(xml)).replace(b"</x:sheetData>", rows + b"</x:sheetData>"))
    return path.read_bytes()


def test_a_sheet_written_with_namespace_prefixes_is_read_in_well_under_a_second(tmp_path, db):
    data = namespaced_workbook(tmp_path / "audits.xlsx", cells=3000)
    assert len(data) < 10_000
    started = time.perf_counter()
    sheets, problems = read.read_file("audits.xlsx", data)
    assert time.perf_counter() - started < 1.0
    assert [s.name for s in sheets] == ["audits", "notes"] and not problems
    result = ingest([("audits.xlsx", data)], db, "tester", dry_run=True, today=TODAY)
    assert result.ok, [p.line() for p in result.problems]


def test_a_prefixed_formula_without_a_saved_value_is_still_found(tmp_path, db):
    path = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(actions_agreed="=1+1"))})
    rewrite_member(path, "xl/worksheets/sheet1.xml",
                   lambda xml: _with_prefixes(xml).replace(b"<x:v></x:v>", b"").replace(b"<x:v />", b""))
    problem = the_error(refused(db, "audits.xlsx", path.read_bytes()), sheet="audits", row=2)
    assert problem.column == "actions_agreed" and problem.value == "=1+1"


def large_csv(path: Path, rows: int) -> bytes:
    return write_csv(path, table(*[audit(audit_id=f"A-{i}") for i in range(rows)])).read_bytes()


def never_finishes(*_):
    """A check that cannot finish, so only the clock decides: no file is "surely slow enough"."""
    threading.Event().wait()


def _spin(until: float) -> None:
    while time.monotonic() < until:
        pass


def test_a_file_that_cannot_be_checked_in_time_is_refused_with_a_sentence(tmp_path, db, monkeypatch):
    monkeypatch.setenv(bounded.CHECK_SECONDS_ENV, "0.5")
    monkeypatch.setattr("qa_dashboard.ingest.check_file", never_finishes)
    data = write_csv(tmp_path / "audits.csv", table(audit(audit_id="NEW-1"))).read_bytes()
    [problem] = refused(db, "audits.csv", data)
    assert problem.message.startswith("The file could not be checked within 0.5 seconds, so it was refused.")


def test_the_command_line_refuses_a_file_it_cannot_check_in_time_without_a_traceback(tmp_path, db):
    """A bound of zero: no file, however small, can be checked within it on any machine."""
    path = write_csv(tmp_path / "audits.csv", table(audit(audit_id="NEW-1")))
    before = sha256(db)
    result = run_cli("ingest", path, "--db", db, QA_DASHBOARD_CHECK_SECONDS="0")
    assert result.returncode == 1
    assert "could not be checked within 0 seconds" in result.stderr and "Traceback" not in result.stderr
    assert sha256(db) == before


def test_the_time_taken_to_start_the_check_counts_against_its_bound(monkeypatch):
    """On a busy server starting the checking process can take longer than the bound itself; a
    check that then finishes at once is still refused, since the clock started before the child."""
    class SlowToStart(multiprocessing.get_context("fork").Process):
        def start(self):
            time.sleep(1.0)
            super().start()

    monkeypatch.setattr(child_process, "process_class", lambda: SlowToStart)
    with pytest.raises(bounded.Refused, match="within 0.5 seconds"):
        bounded.call(abs, (-1,), seconds=0.5)


def test_the_bound_holds_with_every_core_busy():
    """Every core spinning (bounded busy loops, ended whatever happens) while a check that never
    finishes runs: the refusal comes within the bound, measured from before the child starts, plus
    the margin it takes to kill the child."""
    bound, margin = 1.0, 2.0
    spinning = [multiprocessing.get_context("fork").Process(target=_spin, args=(time.monotonic() + 60,), daemon=True)
                for _ in range(len(os.sched_getaffinity(0)))]
    try:
        for spinner in spinning:
            spinner.start()
        started = time.monotonic()
        with pytest.raises(bounded.Refused, match="within 1 seconds"):
            bounded.call(never_finishes, (), seconds=bound)
        took = time.monotonic() - started
    finally:
        for spinner in spinning:
            spinner.kill()
            spinner.join()
    assert bound <= took < bound + margin, f"refused after {took:.2f} s with a bound of {bound} s"


def test_the_server_keeps_answering_while_a_file_is_checked():
    """The check's thread waits on a pipe, so other threads (other readers' pages) keep running."""
    ticks = []
    done = threading.Event()

    def other_reader():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.01)

    thread = threading.Thread(target=other_reader)
    thread.start()
    try:
        with pytest.raises(bounded.Refused):
            bounded.call(time.sleep, (5,), seconds=1.0)
    finally:
        done.set()
        thread.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 20 and max(gaps) < 0.5


# ------------------------------------------------------------------------------ memory --
def test_a_workbook_whose_cells_would_need_gigabytes_is_refused_within_the_memory_cap(tmp_path, db):
    """Two cells, A1 and IP200000, with no <dimension>: calamine would build the 50 million cells
    between them. The child's address space is capped, so it is refused, and this process never
    held the cells."""
    path = write_xlsx(tmp_path / "audits.xlsx", {"audits": [["audit_id"]]})
    path = _sparse(path)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    [problem] = refused(db, "audits.xlsx", path.read_bytes())
    assert "more than the 1,024 MB of memory allowed" in problem.message
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < max(own_peak, GIB)


def _sparse(path: Path) -> Path:
    far_cell = b'<row r="200000"><c r="IP200000" t="n"><v>1</v></c></row></sheetData>'
    return rewrite_member(path, "xl/worksheets/sheet1.xml",
                          lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml).replace(b"</sheetData>", far_cell))


def test_checking_a_large_valid_file_stays_well_under_a_gigabyte(tmp_path, db, monkeypatch):
    monkeypatch.setenv(bounded.CHECK_SECONDS_ENV, "600")  # memory is what is tested, on a machine of any speed
    data = large_csv(tmp_path / "audits.csv", rows=20_000)
    result = ingest([("audits.csv", data)], db, "tester", dry_run=True, today=TODAY)
    assert result.ok
    assert bounded.last_peak_bytes is not None and bounded.last_peak_bytes < GIB


# --------------------------------------------------------------------- caps for every reader --
GEOGRAPHY = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
             "region_code", "region_name", "old_la_code", "new_la_code", "la_name"]


def dfe_csv(measures: int, rows: int) -> bytes:
    header = GEOGRAPHY + ["category", "referral_count", "rereferral_count"] + [f"measure_{i}" for i in range(measures)]
    line = ["2025", "Financial year", "Local authority", "E92000001", "England", "E12000002", "North West",
            "343", "E08000014", "Sefton", "Total", "100", "20"] + ["1"] * measures
    return ("\n".join([",".join(header)] + [",".join(line)] * rows) + "\n").encode()


def test_a_dfe_file_with_too_many_columns_is_refused_before_it_is_read(tmp_path, db):
    [problem] = refused(db, "c1_referrals.csv", dfe_csv(measures=300, rows=3))
    assert "313 columns, above the limit of 250" in problem.message and problem.sheet == "c1_referrals"


def test_a_dfe_file_with_too_many_rows_is_refused(tmp_path, db, monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 5)
    [problem] = refused(db, "c1_referrals.csv", dfe_csv(measures=0, rows=10))
    assert "more than 5 rows, above the limit" in problem.message and problem.file == "c1_referrals.csv"


def test_a_csv_cell_longer_than_the_field_limit_is_refused_naming_its_row(tmp_path, db):
    rows = table(audit(), audit(audit_id="AUD-002", planning="x" * 200_000))
    data = write_csv(tmp_path / "audits.csv", rows).read_bytes()
    problem = the_error(refused(db, "audits.csv", data), row=3)
    assert "longer than 131,072 characters" in problem.message and problem.sheet == "audits"
    cli = run_cli("ingest", tmp_path / "audits.csv", "--db", db)
    assert cli.returncode == 1 and "Traceback" not in cli.stderr and "_csv.Error" not in cli.stderr
    assert "audits:3::" in cli.stderr


# ---------------------------------------------------------------------- error cells --
EXCEL_ERRORS = ["#N/A", "#REF!", "#DIV/0!", "#NUM!", "#VALUE!", "#NAME?", "#NULL!"]


def workbook_with_error(path: Path, code: str, column: int = 9) -> bytes:
    write_xlsx(path, {"audits": table(audit(), audit(audit_id="AUD-002"))})
    book = openpyxl.load_workbook(path)
    cell = book["audits"].cell(row=3, column=column)
    cell.value, cell.data_type = code, "e"
    book.save(path)
    return path.read_bytes()


def test_calamine_reads_an_error_cell_as_a_blank(tmp_path):
    """Why error cells are found in the XML: calamine alone would read #REF! as nothing."""
    workbook_with_error(tmp_path / "audits.xlsx", "#REF!")
    sheet = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "audits.xlsx")).get_sheet_by_name("audits")
    assert sheet.to_python()[2][8] == ""


@pytest.mark.parametrize("code", EXCEL_ERRORS)
def test_an_error_cell_in_a_data_row_is_refused_naming_the_cell_and_its_error(tmp_path, db, code):
    data = workbook_with_error(tmp_path / "audits.xlsx", code)  # column I: actions_agreed, optional
    problem = the_error(refused(db, "audits.xlsx", data), sheet="audits", row=3)
    assert problem.column == "actions_agreed" and problem.value == code
    assert f"Excel's error {code}" in problem.message


# -------------------------------------------------------------- hidden sheets, merged headers --
@pytest.mark.parametrize("state, words", [("hidden", "is hidden in Excel"), ("veryHidden", "is very hidden")])
def test_a_hidden_sheet_with_data_is_refused_naming_it(tmp_path, db, state, words):
    path = write_xlsx(tmp_path / "audits.xlsx", {"Summary": [["Board summary"]], "audits": table(audit(audit_id="AUD-9"))})
    book = openpyxl.load_workbook(path)
    book["audits"].sheet_state = state
    book.save(path)
    problem = the_error(refused(db, "audits.xlsx", path.read_bytes()), sheet="audits", row=None)
    assert f"The sheet 'audits' {words}" in problem.message and "Unhide" in problem.message


def test_a_header_merged_across_two_columns_is_refused_naming_the_range(tmp_path, db):
    path = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit())})
    book = openpyxl.load_workbook(path)
    book["audits"].merge_cells("I1:J1")  # actions_agreed over actions_completed
    book.save(path)
    problem = the_error(refused(db, "audits.xlsx", path.read_bytes()), sheet="audits", row=1)
    assert problem.value == "I1:J1" and "header cells I1:J1 are merged" in problem.message


def test_a_title_merged_above_the_header_is_fine(tmp_path, db):
    path = write_xlsx(tmp_path / "audits.xlsx", {"audits": [["Case file audits, May 2024"]] + table(audit(audit_id="AUD-7"))})
    book = openpyxl.load_workbook(path)
    book["audits"].merge_cells("A1:J1")
    book.save(path)
    result = ingest([path], db, "tester", dry_run=True, today=TODAY)
    assert result.ok, [p.line() for p in result.problems]


# ------------------------------------------------------------------ NUL bytes, UTF-16 --
@pytest.mark.parametrize("where", ["early", "after 64 KB"])
def test_a_nul_byte_anywhere_in_a_csv_refuses_it_naming_the_row(tmp_path, db, where):
    records = [audit(audit_id=f"A-{i}", planning="Good") for i in range(1500 if where != "early" else 3)]
    rows = table(*records)
    last = len(rows)
    rows[-1][rows[0].index("team")] = "Assessment\x00Team 1"
    data = write_csv(tmp_path / "audits.csv", rows).read_bytes()
    assert (data.index(b"\x00") > 65536) == (where != "early")
    problem = the_error(refused(db, "audits.csv", data), row=last)
    assert "NUL character" in problem.message and problem.sheet == "audits"


def test_a_utf16_csv_from_excels_unicode_text_save_is_read(tmp_path, db):
    rows = table(audit(audit_id="AUD-U1", team="Équipe 1"))
    text = "\r\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"
    data = b"\xff\xfe" + text.encode("utf-16-le")
    result = ingest([("audits.csv", data)], db, "tester", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT team FROM audits WHERE audit_id = 'AUD-U1'").fetchall() == [("Équipe 1",)]


# ---------------------------------------------------------------- a check writes nothing --
@pytest.fixture
def connections(monkeypatch):
    """Every DuckDB connection opened, as (path, read_only)."""
    opened = []
    real_connect = duckdb.connect

    def recording_connect(database=":memory:", read_only=False, **kwargs):
        opened.append((str(database), read_only))
        return real_connect(database, read_only=read_only, **kwargs)

    monkeypatch.setattr(duckdb, "connect", recording_connect)
    return opened


def _new_audits(tmp_path) -> Path:
    return write_xlsx(tmp_path / "new.xlsx", {"audits": table(audit(audit_id="AUD-NEW"), audit(audit_id="EARLIER-1", overall="Outstanding"))})


def test_a_dry_run_opens_the_database_read_only_and_leaves_its_bytes_alone(tmp_path, db, connections):
    db.chmod(0o444)
    before = sha256(db)
    result = ingest([_new_audits(tmp_path)], db, "tester", dry_run=True, today=TODAY)
    assert result.ok and not result.loaded
    summary = result.files[0].datasets["audits"]
    assert (summary.rows_added, summary.rows_superseded) == (2, 1)  # counted as a load would
    assert sha256(db) == before
    assert [read_only for path, read_only in connections if path == str(db)] == [True]


def test_the_upload_pages_check_opens_the_database_read_only_and_leaves_its_bytes_alone(tmp_path, db, connections):
    db.chmod(0o444)
    before = sha256(db)
    new = _new_audits(tmp_path)
    checked = upload.check([upload.Upload(new.name, new.read_bytes())], db, "tester", auth.UPLOADER, today=TODAY)
    assert checked.ok and checked.anything_new and not checked.loaded
    assert sha256(db) == before
    assert connections and all(read_only for path, read_only in connections if path == str(db))


def test_the_command_line_dry_run_leaves_the_database_bytes_alone(tmp_path, db):
    db.chmod(0o444)
    before = sha256(db)
    result = run_cli("ingest", _new_audits(tmp_path), "--db", db, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Would load" in result.stdout and sha256(db) == before


INGEST_WITH_A_CHECK_THAT_NEVER_FINISHES = """
import sys, threading
import qa_dashboard.ingest
qa_dashboard.ingest.check_file = lambda *args: threading.Event().wait()
from qa_dashboard.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_stops_the_command_line_and_its_check_at_once(tmp_path, db):
    """The command line, with a check that never finishes (so the check is surely running when the
    signal comes, however fast the machine)."""
    path = write_csv(tmp_path / "audits.csv", table(audit(audit_id="NEW-1")))
    environment = {k: v for k, v in os.environ.items() if k != "QA_DASHBOARD_DB"} | {bounded.CHECK_SECONDS_ENV: "120"}
    process = subprocess.Popen([sys.executable, "-c", INGEST_WITH_A_CHECK_THAT_NEVER_FINISHES, "ingest", str(path),
                                "--db", str(db)],
                               cwd=REPO_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 60
    checker = ""
    while not checker and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
        checker = children.read_text().strip() if children.exists() else ""
    assert checker, "the command line never started its checking process"
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)
    gone = time.monotonic() + 10
    while Path(f"/proc/{checker.split()[0]}").exists() and time.monotonic() < gone:
        time.sleep(0.1)
    assert not Path(f"/proc/{checker.split()[0]}").exists(), "the check outlived the command line"
