"""What the Upload page does, without Streamlit: check, preview, load, undo, start afresh.

The page calls these and lays out what they return. Checking is the ingest function's dry
run (`ingest(..., dry_run=True)`): the loads run and are rolled back, so the preview's counts
of new and superseding rows are what the real load will do, not an estimate. Confirming calls
the same function for real, with the same bytes. Nothing here knows how a file is read or
loaded; that lives in `qa_dashboard.ingest`, shared with the command line.

Counts for several files are each against the database as it stands: a later file that
repeats an earlier file's rows will supersede them when loaded, which the preview of the
later file cannot know. The outcome after loading shows what each file really did.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from qa_dashboard import exports, store
from qa_dashboard.benchmarks.authority import Authority, set_authority
from qa_dashboard.demo import DEMO_DIR, DEMO_FILES
from qa_dashboard.ingest import FileCheck, IngestResult, Problem, ingest
from qa_dashboard.ingest import undo as undo_latest_load

UPLOAD_LIMIT_MB = 50          # per file; .streamlit/config.toml's server.maxUploadSize matches
UPLOAD_TYPES = ["xlsx", "csv"]
TEMPLATE_FILE_NAME = "qa-dashboard-upload-workbook.xlsx"
DEMO_ZIP_FILE_NAME = "qa-dashboard-demo-extracts.zip"
PROBLEMS_FILE_NAME = "upload-problems.xlsx"

COUNT_COLUMNS = ["Rows to add", "Earlier rows superseded", "Unchanged (already loaded)"]
PREVIEW_COLUMNS = ["File", "Sheets", "Data", "Rows read", *COUNT_COLUMNS, "From", "To", "Teams"]
PROBLEM_COLUMNS = ["File", "Sheet", "Row", "Column", "Value", "What to change"]
_DEMO_ZIP_TIME = (2024, 4, 1, 0, 0, 0)


@dataclass(frozen=True)
class Upload:
    """One uploaded file, as the browser sent it. The bytes are what is checked and loaded."""

    name: str
    data: bytes

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def megabytes(self) -> float:
        return len(self.data) / 2**20


def selection_key(files: list[Upload]) -> tuple:
    """Identifies a selection of files: a new key means the files must be checked again."""
    return tuple((f.name, f.sha256) for f in files)


def selection_id(files: list[Upload]) -> str:
    """A short stable name for a selection, for widget keys that belong to it."""
    return hashlib.sha256(repr(selection_key(files)).encode()).hexdigest()[:12]


def file_sentence(file: FileCheck, dry_run: bool) -> str:
    """What one file of a check (`dry_run`) or a load did, in a sentence for the officer."""
    if not file.ok:
        return f"{file.file_name}: refused. Fix the errors listed below and upload it again."
    if file.nothing_new and not file.rows_read:
        return f"{file.file_name}: its sheets hold no rows of figures yet, so there is nothing to load."
    if file.nothing_new:
        return f"{file.file_name}: nothing new. Every row is already loaded exactly so; loading it would change nothing."
    if file.rows_added is None:
        return f"{file.file_name}: no errors. It will be counted against the database once every file is free of errors."
    if dry_run:
        return (f"{file.file_name}: ready to load. {file.rows_added:,} rows to add, superseding "
                f"{file.rows_superseded:,} rows loaded earlier (kept as history).")
    return (f"{file.file_name}: loaded as load {file.upload_id}. {file.rows_added:,} rows added, "
            f"{file.rows_superseded:,} earlier rows superseded (kept as history).")


# -------------------------------------------------------------------------- checking --
def oversize_problem(upload: Upload, limit_mb: int = UPLOAD_LIMIT_MB) -> Problem | None:
    """The browser enforces the limit too, but the server never trusts the browser."""
    if upload.megabytes <= limit_mb:
        return None
    return Problem(sheet="", row=None, column="", value="", file=upload.name,
                   message=f"The file is {upload.megabytes:.0f} MB, above the {limit_mb} MB limit for one upload. Split it by year or by sheet.")


def check(files: list[Upload], db_path, user: str, role: str | None, today: dt.date | None = None,
          as_at: dt.date | None = None, standards: dict | None = None, cover_from: dt.date | None = None) -> IngestResult:
    """Check the files whole and count what loading them would do; writes nothing. `as_at` is
    the extract date of an Annex A workbook, `standards` its visit standards, `cover_from` the
    first day its lists cover."""
    return _run(files, db_path, user, role, today, dry_run=True, as_at=as_at, standards=standards,
                cover_from=cover_from)


def load(files: list[Upload], db_path, user: str, role: str | None, today: dt.date | None = None,
         as_at: dt.date | None = None, standards: dict | None = None, cover_from: dt.date | None = None) -> IngestResult:
    """Load the files for real (each checked again first, as the command line does)."""
    return _run(files, db_path, user, role, today, dry_run=False, as_at=as_at, standards=standards,
                cover_from=cover_from)


ANNEX_A_STANDARD_LABELS = {"cp_visit_working_days": "Child protection visits: within how many working days",
                           "cin_visit_working_days": "Child in need visits: within how many working days",
                           "cla_visit_days": "Children in care visits: within how many days"}


def annex_a_standards(db_path) -> dict[str, int]:
    """The visit standards in force: the ones last used, else the defaults."""
    from qa_dashboard.ingest.annex import context_for

    return dict(context_for(db_path, dt.date.today()).standards)


def annex_a_cover_from(as_at: dt.date) -> dt.date:
    """The first day an Annex A workbook's lists cover, proposed for the officer to confirm:
    12 months before the extract date."""
    from qa_dashboard.ingest.annex_a import default_window_start

    return default_window_start(as_at)


def annex_a_proposal(files: list[Upload]) -> dt.date | None | bool:
    """False when no file is an Ofsted Annex A workbook; else the latest date in them (None if none)."""
    from qa_dashboard.ingest.annex import proposed_extract_date

    found = [proposed_extract_date(f.name, f.data) for f in files if oversize_problem(f) is None]
    dates = [latest for is_annex, latest in found if is_annex and latest]
    if not any(is_annex for is_annex, _ in found):
        return False
    return max(dates, default=None)


def _run(files, db_path, user, role, today, dry_run: bool, as_at: dt.date | None = None,
         standards: dict | None = None, cover_from: dt.date | None = None) -> IngestResult:
    """The ingest function's result, without the checked rows, so the page can keep it between
    reruns. A file over the limit is refused without being read, and refuses the batch as any
    error does."""
    too_big = [FileCheck(f.name, f.sha256, problems=[p]) for f in files if (p := oversize_problem(f))]
    kept = [f for f in files if oversize_problem(f) is None]
    result = ingest([(f.name, f.data) for f in kept], db_path, user=user, dry_run=dry_run or bool(too_big),
                    today=today, role=role, as_at=as_at, standards=standards, cover_from=cover_from)
    result = result.without_records()
    result.files[:0] = too_big
    return result


def annex_previews(result: IngestResult) -> list[dict]:
    """Per Annex A file of a check: its extract date, what each list holds, the recording
    problems by list and team (counts only) and the visit standards used."""
    from qa_dashboard.ingest.annex_a import preview

    return [{"file": f.file_name, "as_at": f.annex.as_at, "cover_from": f.annex.cover_from,
             "lists": preview.lists_frame(f.annex),
             "quality": preview.quality_frame(f.annex.quality), "standards": preview.standards_sentence(f.annex.standards)}
            for f in result.files if f.annex is not None]


def ofsted_previews(result: IngestResult) -> list[dict]:
    """Per ILACS overview of a check: how many authorities it holds and how many have each grade."""
    return [{"file": f.file_name, "authorities": sum(f.ofsted["grades"].values()),
             "grades": pd.DataFrame({"Overall effectiveness": list(f.ofsted["grades"]),
                                     "Authorities": list(f.ofsted["grades"].values())})}
            for f in result.files if f.ofsted is not None]


def _month(value: dt.date | None) -> str:
    return value.strftime("%b %Y") if value else ""


def _empty_preview() -> pd.DataFrame:
    return pd.DataFrame(columns=PREVIEW_COLUMNS)


def preview_frame(result: IngestResult) -> pd.DataFrame:
    """One row per file and data set: what was read, and (after a dry run or load) what it changes.

    Rows to add include those that supersede earlier rows: a changed row is added and the row
    it replaces is kept as history, so "Earlier rows superseded" counts the rows replaced."""
    rows = []
    for file in result.files:
        for summary in file.datasets.values():
            counted = summary.rows_added is not None
            rows.append({
                "File": file.file_name,
                "Sheets": ", ".join(summary.sheets),
                "Data": summary.dataset,
                "Rows read": summary.rows_read,
                "Rows to add": summary.rows_added if counted else None,
                "Earlier rows superseded": summary.rows_superseded if counted else None,
                "Unchanged (already loaded)": summary.rows_unchanged if counted else None,
                "From": _month(summary.first_period),
                "To": _month(summary.last_period),
                "Teams": summary.teams,
            })
    if not rows:
        return _empty_preview()
    frame = pd.DataFrame(rows, columns=PREVIEW_COLUMNS)
    if frame[COUNT_COLUMNS].isna().all().all():
        return frame.drop(columns=COUNT_COLUMNS)  # not counted (a file has errors): no column of blanks
    return frame.astype({column: "Int64" for column in COUNT_COLUMNS})


def in_reading_order(problems: list[Problem]) -> list[Problem]:
    """File by file and sheet by sheet as they came, whole-sheet problems first, then row by row:
    the order an officer works down a workbook in. (Checks find them column by column.)"""
    first_seen: dict[tuple[str, str], int] = {}
    for problem in problems:
        first_seen.setdefault((problem.file, problem.sheet), len(first_seen))
    return sorted(problems, key=lambda p: (first_seen[(p.file, p.sheet)], p.row is not None, p.row or 0))


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Every problem placed as the officer will look for it in Excel."""
    frame = pd.DataFrame(
        [[p.file, p.sheet, p.row, p.column, "" if p.value is None else str(p.value), p.message]
         for p in in_reading_order(problems)],
        columns=PROBLEM_COLUMNS)
    frame["Row"] = frame["Row"].astype("Int64")
    return frame


def problems_xlsx(errors: list[Problem], warnings: list[Problem] = ()) -> bytes:
    """The problems as a workbook to work through: errors on one sheet, warnings on another.
    Cells are neutralised as every export is (a value like `=SUM(...)` stays text)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, listed in (("errors to fix", errors), ("warnings", warnings)):
            if sheet == "warnings" and not listed:
                continue
            frame = exports.safe_frame(problems_frame(list(listed)))
            frame.to_excel(writer, index=False, sheet_name=sheet)
            worksheet = writer.sheets[sheet]
            for letter, width in zip("ABCDEF", (24, 16, 7, 22, 24, 100)):
                worksheet.column_dimensions[letter].width = width
            worksheet.freeze_panes = "A2"
    return buffer.getvalue()


# ----------------------------------------------------------------- downloads, effects --
def demo_extracts_zip(directory: Path = DEMO_DIR) -> bytes:
    """The bundled demo extracts in one zip, as worked examples of every sheet (same bytes every time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in DEMO_FILES:
            info = zipfile.ZipInfo(name, date_time=_DEMO_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (Path(directory) / name).read_bytes())
    return buffer.getvalue()


def effect_frame(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Rows in force per data set before and after a change (`loaded_datasets` frames)."""
    # A left join keeps the datasets in the order the query lists them (an outer join sorts them).
    joined = (before[["dataset", "row_count"]]
              .merge(after[["dataset", "row_count"]], on="dataset", how="left", suffixes=(" before", " after"))
              .fillna(0))
    joined["change"] = joined["row_count after"] - joined["row_count before"]
    joined = joined.rename(columns={"dataset": "Data", "row_count before": "Rows before",
                                    "row_count after": "Rows now", "change": "Change"})
    return joined.astype({"Rows before": "int64", "Rows now": "int64", "Change": "int64"})


def history_for_display(history: pd.DataFrame) -> pd.DataFrame:
    """The loads table, without an "undone at" column when no load was ever undone."""
    if "undone_at" in history.columns and history["undone_at"].isna().all():
        return history.drop(columns="undone_at")
    return history


def undo_sentence(undone: dict | None) -> str:
    if undone is None:
        return "There was no load to undo."
    return (f"Undid load {undone['upload_id']} ({undone['file_name']}, loaded {undone['loaded_at']:%d %B %Y at %H:%M}): "
            f"removed the {undone['rows_added']:,} rows it added and restored the {undone['rows_superseded']:,} it had superseded.")


def undo(db_path, role: str | None) -> dict | None:
    return undo_latest_load(db_path, role=role)


def choose_authority(db_path, old_la_code: str, role: str | None) -> Authority:
    """Remember which authority the dashboard belongs to (checked as a load is), in one write."""
    return set_authority(db_path, old_la_code, role=role)


def start_for_real(db_path, role: str | None, now: dt.datetime | None = None) -> Path | None:
    """Leave the demo: back the database up and start an empty one. Returns the backup's path."""
    return store.start_empty(db_path, role=role, now=now)
