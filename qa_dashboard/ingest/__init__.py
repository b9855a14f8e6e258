"""The one ingest function: the command line and the upload page both call `ingest`.

extract file -> read -> recognise -> normalise -> validate -> load (one transaction per file)
A file is checked whole first; if any file has an error, nothing from any file is written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from qa_dashboard import auth, contract, draw_ahead, plain_text, store
from qa_dashboard.store import loop_tables, spc_tables
from qa_dashboard.store import position_tables as positions
from qa_dashboard.contract import squash
from qa_dashboard.ingest import annex, annex_a, bounded, dfe, ofsted
from qa_dashboard.ingest import load as loader
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, errors, warnings
from qa_dashboard.ingest.read import layout_problems, read_file
from qa_dashboard.ingest.recognise import no_sheet_problem, recognise, unrecognised_problem
from qa_dashboard.ingest.results import DatasetSummary, FileCheck, IngestResult
from qa_dashboard.ingest.sheet import normalise_sheet
from qa_dashboard.ingest.validate import dataset_of, duplicate_key_problems, validate

__all__ = ["Problem", "DatasetSummary", "FileCheck", "IngestResult", "check_file", "ingest", "undo", "ERROR",
           "WARNING"]


# Besides the figures, what the loop's warnings and verdicts read: the plan, the themed audits and
# the published statistics (bands among every authority).
LOOP_DATASETS = {"actions", "themed_audits", dfe.STATISTICS_DATASET}

_PERIOD_COLUMN = {"kpi": "period", "workforce": "period", "audits": "audit_date", "feedback": "response_date",
                  "actions": "updated"}


def check_file(file_name: str, data: bytes, today: dt.date | None = None, annex_context=None) -> FileCheck:
    """Read and validate one file without touching any database. An Annex A workbook needs
    `annex_context` (its extract date and what the database knows: `annex.context_for`)."""
    file_name, named = _clean_file_name(file_name)
    check = FileCheck(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), problems=named)
    raw_sheets, problems = read_file(file_name, data)
    if (published := dfe.published_sheet(raw_sheets)) is not None:  # a DfE file, known by its columns
        check.records, check.datasets, check.problems = dfe.read_published(file_name, published)
        check.problems[:0] = [*named, *problems]
        return check
    # Problems found while reading a sheet (a formula with no saved value, a sheet past the size
    # cap) count only if the sheet is one we read; a sheet we ignore cannot refuse the file.
    check.problems.extend(p for p in problems if not p.sheet or p.sheet not in {r.name for r in raw_sheets})
    if errors(problems) and not raw_sheets:
        return check
    if (overview := ofsted.find_overview(raw_sheets)) is not None:  # Ofsted's ILACS overview, known by its columns
        check.records, check.datasets, found = ofsted.read_overview(file_name, overview)
        check.problems = [*ofsted.reading_problems(overview, problems), *found]
        check.ofsted = {"headers": overview.headers, "grades": ofsted.grade_counts(check.records[ofsted.DATASET])}
        return check
    if found := annex_a.find_lists(raw_sheets):
        return _check_annex(check, found, problems, annex_context, raw_sheets, today or dt.date.today())
    recognised = 0
    ignored = contract.load().ignored_sheets
    for raw in raw_sheets:
        if squash(raw.name) in ignored:
            continue
        mapped, sheet_problems = recognise(file_name, raw)
        if mapped is None:
            check.problems.extend(sheet_problems or [unrecognised_problem(file_name, raw)])
            continue
        recognised += 1
        check.problems.extend(_placed(p, mapped) for p in problems if p.sheet == raw.name)
        check.problems.extend(_placed(p, mapped) for p in layout_problems(file_name, raw, raw.excel_row(mapped.header_index)))
        check.problems.extend(sheet_problems)
        if errors(sheet_problems):
            continue  # a sheet without its required columns cannot be read row by row
        records, row_problems = validate(normalise_sheet(file_name, mapped, today))
        if records.dataset == "audits":
            _note_practice_areas_in_file(records, mapped)
        check.problems.extend(row_problems)
        dataset = dataset_of(mapped.kind)
        if dataset in check.records:
            check.records[dataset].extend(records)
            check.datasets[dataset].sheets.append(raw.name)
        else:
            check.records[dataset] = records
            check.datasets[dataset] = DatasetSummary(dataset, [raw.name], 0)
    if recognised == 0 and not errors(check.problems):
        check.problems = [p for p in check.problems if p.severity == ERROR]
        check.problems.append(no_sheet_problem(file_name, [r.name for r in raw_sheets]))
    for dataset, records in check.records.items():
        check.problems.extend(duplicate_key_problems(file_name, records))
        summary = check.datasets[dataset]
        summary.rows_read = len(records)
        periods = [p for p in records.columns.get(_PERIOD_COLUMN.get(dataset, ""), []) if p is not None]
        if periods:
            summary.first_period, summary.last_period = min(periods), max(periods)
        summary.teams = len({t for t in records.columns.get("team", []) if t})
    return check


def _clean_file_name(file_name: str) -> tuple[str, list[Problem]]:
    """The file's name is kept with the load and shown beside its figures: a name, cleaned as one."""
    cleaned, found = plain_text.clean_name(file_name)
    if not found:
        return file_name, []
    return cleaned, [Problem(sheet="", row=None, column="", value=cleaned, severity=WARNING, file=cleaned,
                             message=f"The file's name held {plain_text.describe_characters(found)}, which the "
                                     "dashboard removes from names: the load is recorded under the name shown.")]


def _check_annex(check: FileCheck, found, problems, context, raw_sheets, today: dt.date) -> FileCheck:
    """An Annex A workbook: reduced in memory to figures, never kept row by row."""
    lists = {annex.sheet: annex for annex in found}
    # A problem met while reading a list (a formula with no saved value) names its place, not its value.
    check.problems.extend(replace(p, value="", column=lists[p.sheet].letter_to_header(p.column) if p.column else "")
                          for p in problems if p.sheet in lists)
    if context is None:
        check.proposed_as_at = annex_a.latest_date(found)
        check.problems.append(annex.missing_extract_date(check.file_name, found))
        return check
    if refused := annex_a.context_problems(check.file_name, context, today):
        check.problems.extend(refused)
        return check
    reduction = annex_a.reduce(check.file_name, found, context, single_list=all(r.from_csv for r in raw_sheets),
                               refused_already=bool(errors(check.problems)))
    check.annex = reduction
    check.problems.extend(reduction.problems)
    if not errors(check.problems):
        records = annex.records_of(reduction)
        check.records["kpi"] = records
        periods = records.columns["period"]
        check.datasets["kpi"] = DatasetSummary("kpi", [a.sheet for a in found], len(records),
                                               min(periods, default=None), max(periods, default=None),
                                               len({t for t in records.columns["team"] if t}))
    return check


def _check_bounded(file_name: str, data: bytes, today: dt.date | None, annex_context=None) -> FileCheck:
    """`check_file` in a child process bounded in time and memory (`bounded`)."""
    try:
        return bounded.call(check_file, (file_name, data, today, annex_context))
    except bounded.Refused as refused:
        check = FileCheck(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
        check.problems.append(Problem(sheet="", row=None, column="", value="", message=str(refused), file=file_name))
        return check


def _note_practice_areas_in_file(records, mapped) -> None:
    """A practice area the sheet has a column for but left blank was not judged; one it has no
    column for was never asked about. The grades alone cannot tell the two apart."""
    asked = [p.code for p in contract.load().practice_areas if p.code in mapped.columns]
    records.columns[loader.PRACTICE_AREAS_IN_FILE] = [asked] * len(records)


def _placed(problem: Problem, mapped) -> Problem:
    """A problem found while reading names its column by Excel letter; give it the header."""
    return replace(problem, column=mapped.header_at_letter(problem.column)) if problem.column else problem


def _as_upload(item) -> tuple[str, bytes]:
    if isinstance(item, tuple):
        return item[0], item[1]
    path = Path(item)
    return path.name, path.read_bytes()


def ingest(files, db_path, user: str, dry_run: bool = False, today: dt.date | None = None, *,
           role: str | None = None, as_at: dt.date | None = None, standards: dict | None = None,
           cover_from: dt.date | None = None) -> IngestResult:
    """Check every file whole; if none has an error, load each in its own transaction.

    `files` are paths or (file name, bytes) pairs. With `dry_run`, the loads run and are rolled
    back, so the counts of rows added and superseded are exactly what a real load would do.
    `role` is the caller's (`auth.UPLOADER` or `auth.READER`); anything but an uploader gets a
    PermissionError before a byte is read. Left out, it means the command line, which is an
    uploader, except inside a browser session, where the session's own role decides.
    `as_at` is the extract date of an Annex A workbook (refused without one); `standards`
    overrides its visit standards (`annex_a.default_standards()` names them); `cover_from` is the
    first day its lists cover, declared by the officer (counts for every whole month from it).
    """
    auth.require_uploader(role)
    context = annex.context_for(db_path, as_at, standards, cover_from) if as_at is not None else None
    checks = [_check_bounded(name, data, today, context) for name, data in map(_as_upload, files)]
    if any(c.ofsted is not None and c.ok for c in checks):
        known = _known_authorities(db_path) + ofsted.known_in_batch(checks)
        for check in checks:
            if check.ofsted is not None and check.ok:
                ofsted.match(check, known)
    _refuse_unknown_themes(checks, db_path)
    result = IngestResult(files=checks, loaded=False, dry_run=dry_run)
    if not result.ok:
        return result
    db_path = Path(db_path)
    # The positions among every authority follow DfE's files: computed once, in the transaction of
    # the last file carrying any (the earlier ones mark them stale, so a load cut short between
    # files leaves the next load or undo to compute them).
    published = [check for check in checks if set(check.records) & set(dfe.TABLES)]
    if dry_run:
        with _scratch_copy(db_path) as scratch:
            for check in checks:
                _load_one(scratch, check, user, rollback=True)
        return result
    for check in checks:
        _load_one(db_path, check, user, rollback=dry_run, positions_later=check in published[:-1])
    if published and published[-1].nothing_new and any(c.upload_id is not None for c in published):
        with store.write_transaction(db_path) as con:  # the last DfE file changed nothing: the earlier ones'
            positions.store_positions(con)
    result.loaded = not dry_run
    if any(check.upload_id is not None for check in checks):
        draw_ahead.start(db_path)  # the new figures' default pack, drawn in the background
    return result


def _refuse_unknown_themes(checks: list[FileCheck], db_path) -> None:
    """A case audit's theme must name a themed audit: one on a `themed_audits` sheet in its file,
    in a file before it in the same upload, or already loaded. Each other theme is refused,
    naming its row and column."""
    if not any("audits" in check.records and any(check.records["audits"].columns["theme"]) for check in checks):
        return
    known = set()
    if store.exists(db_path):
        from qa_dashboard.queries import queries

        with store.read_connection(db_path) as con:
            if con.execute(queries.sql("loop_has_themed_audits")).fetchone()[0]:
                known = {row[0] for row in con.execute(queries.sql("themed_audit_themes")).fetchall()}
    for check in checks:
        themed = check.records.get("themed_audits")
        if themed is not None:
            known.update(t for t in themed.columns["theme"] if t is not None)
        audits = check.records.get("audits")
        if audits is None:
            continue
        for theme, (sheet, row, *_) in zip(audits.columns["theme"], audits.origin):
            if theme is not None and theme not in known:
                column = audits.headers.get(sheet, {}).get("theme", "theme")
                check.problems.append(Problem(
                    sheet=sheet, row=row, column=column, value=theme, file=check.file_name,
                    message=f"The theme '{theme}' is not a themed audit: no row of a themed_audits sheet, in this "
                            "file or loaded before, names it. Add its row to the themed_audits sheet, or correct "
                            "the name."))


def _known_authorities(db_path) -> list:
    """The authorities the database knows from DfE's files, for matching an ILACS overview's codes."""
    if not store.exists(db_path):
        return []
    with store.read_connection(db_path) as con:
        rows = store.run(con, "SELECT old_la_code, ons_codes, la_name FROM dfe_authorities")
    return [ofsted.Known(old, tuple(codes or ()), name) for old, codes, name in rows]


@contextmanager
def _scratch_copy(db_path: Path):
    """A copy of the database to count a dry run against, so a check never writes to the real
    file (its bytes stay the same, and a read-only file can be checked against)."""
    with tempfile.TemporaryDirectory(prefix="qa-dashboard-check-") as scratch:
        copy = Path(scratch) / "dry-run.duckdb"
        if store.exists(db_path):
            with store.read_connection(db_path):  # read-only; holds writers off while the bytes are copied
                shutil.copyfile(db_path, copy)
                wal = db_path.with_name(db_path.name + ".wal")
                if wal.is_file():
                    shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        yield copy


class _Rollback(Exception):
    pass


def _load_one(db_path: Path, check: FileCheck, user: str, rollback: bool, positions_later: bool = False) -> None:
    try:
        with store.write_transaction(db_path) as con:
            upload_id = loader.next_upload_id(con)
            per_dataset = []
            for dataset in loader.LOAD_ORDER:
                records = check.records.get(dataset)
                if records is None:
                    continue
                loader.register_custom_indicators(con, upload_id, records)
                added, superseded = loader.load_records(con, upload_id, records)
                summary = check.datasets[dataset]
                summary.rows_added, summary.rows_superseded = added, superseded
                per_dataset.append((dataset, summary.rows_read, added, superseded, summary.rows_unchanged))
            if not any(added or superseded for _, _, added, superseded, _ in per_dataset):
                check.nothing_new = True
                raise loader.NothingNew
            loader.record_upload(con, upload_id, check.file_name, check.sha256, user, per_dataset)
            if positions_later:  # figures or neighbours changed, and more follow in this load
                positions.mark_stale(con)
            elif any(dataset in dfe.TABLES for dataset, *_ in per_dataset) or positions.is_stale(con):
                positions.store_positions(con)  # (stale: a load of DfE files was cut short between files)
            changed = {dataset for dataset, _, added, superseded, _ in per_dataset if added or superseded}
            if "kpi" in changed:
                spc_tables.refresh(con)  # the SPC and loop views follow the figures, in the same transaction
            elif changed & LOOP_DATASETS:
                loop_tables.refresh(con)  # links completed, or bands published: the loop alone
            if check.annex is not None:
                annex.record(con, upload_id, check.annex)
            if rollback:
                raise _Rollback
            check.upload_id = upload_id
    except (loader.NothingNew, _Rollback):
        pass


def undo(db_path, *, role: str | None = None) -> dict | None:
    """Undo the latest load still in force; None when there is nothing to undo.

    `role` is checked as `ingest` checks it.
    """
    auth.require_uploader(role)
    if not store.exists(db_path):
        return None
    with store.write_transaction(db_path) as con:
        undone = loader.undo_latest(con)
        if undone is not None:
            spc_tables.refresh(con)
    if undone is not None:
        draw_ahead.start(db_path)
    return undone


def default_user() -> str:
    for variable in ("QA_DASHBOARD_USER", "USER", "USERNAME", "LOGNAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    return "unknown"
