"""Backups of the database and putting one back: the one way to copy the file.

A backup is DuckDB's own `COPY FROM DATABASE` into a new file, made through a read-only
connection under the store's read lock: other readers (the app's pages) go on reading, and a load
waits until the copy is done, as it waits for any reader. So the copy holds every load that had
committed when it began and nothing of one still running, never part of one. The copy is written
under a hidden name, opened read-only and its tables counted against the database's before it
takes its final name, `<name>-YYYYMMDD-HHMMSS.duckdb` (the Upload page's "start with your own
data" keeps the demo the same way).

Putting one back (`restore`) first copies the backup the same way into a scratch file beside the
database, which reads every block of it (a damaged file fails here, with DuckDB's checksums) and
refuses a file that is not a dashboard's. Then, under the write lock, the current database is
backed up and the scratch file takes its place in one rename.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from qa_dashboard import store
from qa_dashboard.store import run

# Every dashboard database holds these tables (the `uploads` view reads the log); one from an older
# version may lack later tables, which the restore adds as any write does.
DASHBOARD_TABLES = ("meta", "upload_log")
# A scheduled backup can wait for a long load to finish, where a page or a load waits 30 seconds.
WAIT_FOR_A_LOAD_SECONDS = 600.0


# The store's sentences for a file's trouble, said of the backup's folder instead.
_FOLDER_TROUBLE = {store.DISK_FULL: "its disk is full", store.READ_ONLY: "it is on a disk that cannot be written to",
                   store.NOT_ALLOWED: "the dashboard is not allowed to write there"}


class Refused(Exception):
    """A backup or restore that cannot go ahead; `str()` is one sentence, and nothing was changed."""


@dataclass
class Backup:
    path: Path
    rows: dict[str, int]  # each table's rows, as counted in the database and again in the copy
    removed: list[Path] = field(default_factory=list)


def default_directory(db: Path) -> Path:
    """`backups/` beside the database."""
    return db.parent / "backups"


def back_up(db: str | os.PathLike, directory: str | os.PathLike | None = None, *, keep: int | None = None,
            now: dt.datetime | None = None) -> Backup:
    """Copy the database into `directory` (default `backups/` beside it), named by the time, then
    remove the oldest of its backups there beyond `keep` (all are kept when `keep` is None)."""
    db = Path(db).resolve()
    if keep is not None and keep < 1:
        raise Refused(f"--keep must be 1 or more (it was {keep}), or the new backup would be removed; "
                      "nothing was changed.")
    if not db.is_file():
        raise store.DatabaseMissing(f"There is no database at {db}, so there is nothing to back up.")
    folder = Path(directory).expanduser().resolve() if directory is not None else default_directory(db)
    if folder.exists() and not folder.is_dir():
        raise Refused(f"{folder} is a file, not a folder, so no backup was written there; nothing was changed.")
    with store.read_connection(db, wait=WAIT_FOR_A_LOAD_SECONDS) as con:
        made = write_backup(con, folder, db.stem, now)
    if keep is not None:
        made.removed = remove_oldest(folder, db.stem, keep)
    return made


def write_backup(con: duckdb.DuckDBPyConnection, folder: Path, stem: str, now: dt.datetime | None = None) -> Backup:
    """Copy the database `con` is open on into `folder` as `<stem>-YYYYMMDD-HHMMSS.duckdb`.

    The caller holds the lock that keeps loads off for the copy's length (a read connection, or a
    write one under the write lock). The copy is written under a hidden name and checked before it
    takes its final one, so a backup under the final name is always whole."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder / f"{stem}-{stamp}.duckdb")
        partial = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.partial"
        try:
            rows = _copy(con, partial)
            copied = _rows_in(partial)
            if copied != rows:
                raise Refused(f"The backup written to {target} did not read back the same as the database "
                              f"(tables and rows), so it was removed; the database was not changed.")
            os.replace(partial, target)
        finally:
            _remove(partial)
    except (duckdb.Error, OSError) as error:
        # The database was read already when the copy began: what fails here is the backup's folder.
        reason = _FOLDER_TROUBLE.get(str(store.unavailable(error) or "")) or _trouble(error)
        raise Refused(f"No backup was written to {folder}: {reason}. The database was not changed.") from error
    return Backup(target, rows)


def _trouble(error: Exception) -> str:
    """Any other reason the folder or the copy could not be written, in words."""
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        return "part of that path is a file, not a folder"
    if isinstance(error, OSError):
        return (error.strerror or type(error).__name__).lower()
    return f"DuckDB could not write the copy ({_first_line(error)})"


def remove_oldest(folder: Path, stem: str, keep: int) -> list[Path]:
    """Remove the oldest backups of `<stem>` in `folder` beyond the newest `keep`; other files stay."""
    pattern = re.compile(rf"{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.duckdb")
    ours = []
    for candidate in folder.iterdir():
        match = pattern.fullmatch(candidate.name)
        if match and candidate.is_file():
            ours.append((match.group(1), int(match.group(2) or 1), candidate))
    ours.sort()
    doomed = [path for _, _, path in ours[:max(len(ours) - keep, 0)]]
    for path in doomed:
        _remove(path)
    return doomed


def restore(file: str | os.PathLike, db: str | os.PathLike, *, confirm: Callable[[Path, Path], bool],
            now: dt.datetime | None = None) -> Path | None:
    """Put the backup `file` in the database's place, keeping the current database as a backup first.

    `file` is checked whole before anything changes, then `confirm(file, db)` must say yes.
    Returns the backup of the database it replaced (None when there was none)."""
    file = Path(file).expanduser().resolve()
    db = Path(db).resolve()
    if not file.is_file():
        raise Refused(f"There is no file at {file}; nothing was changed.")
    if file == db:
        raise Refused(f"{file} is the database itself; name one of its backups. Nothing was changed.")
    with store._translating_errors():
        db.parent.mkdir(parents=True, exist_ok=True)
    scratch = db.with_name(f".{db.name}.restore-{uuid.uuid4().hex[:8]}")
    try:
        _checked_copy(file, scratch)
        with store.write_transaction(scratch) as con:
            # The schema of this version, and a new instance id: every page's cache reloads, and
            # the change counter going on from the backup's can never meet a version cached before.
            store.set_setting(con, "instance_id", uuid.uuid4().hex)
        if not confirm(file, db):
            raise Refused("Not restored; nothing was changed.")
        return replace_keeping_backup(db, scratch, now)
    finally:
        _remove(scratch)


def replace_keeping_backup(db: Path, new: Path, now: dt.datetime | None = None) -> Path | None:
    """Put the finished database file `new` in `db`'s place, backing `db` up first (the backup's
    path is returned; None when there was no database).

    Under the write lock: the current file is opened read-write, which waits (as a load does) for
    other processes to let go of it, backed up, checkpointed, and replaced by one rename while
    that connection still holds it, so no load can slip into the file being replaced."""
    db, new = Path(db), Path(new)
    with store._LOCK.writing(), store._translating_errors():
        kept = None
        if db.is_file():
            con = store._connect_with_retry(db, read_only=False, wait=store.WAIT_SECONDS)
            try:
                kept = write_backup(con, default_directory(db), db.stem, now).path
                run(con, "CHECKPOINT")
                db.with_name(db.name + ".wal").unlink(missing_ok=True)
                os.replace(new, db)
            finally:
                con.close()
        else:
            os.replace(new, db)
        store.forget_version(db)
    return kept


def dashboard_problem(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the database `con` is open on is not a dashboard's (None when it is one)."""
    tables = {name for (name,) in run(con, "SELECT table_name FROM duckdb_tables() "
                                           "WHERE database_name = current_database() AND schema_name = 'main'")}
    missing = [name for name in DASHBOARD_TABLES if name not in tables]
    if missing:
        return f"it has no {' or '.join(repr(name) for name in missing)} table"
    if not run(con, "SELECT 1 FROM meta WHERE key = 'instance_id'"):
        return "its 'meta' table has no instance id"
    return None


def _checked_copy(file: Path, scratch: Path) -> None:
    """Copy `file` into `scratch` as a backup is made, refusing a damaged or foreign file."""
    try:
        con = duckdb.connect(str(file), read_only=True)
    except duckdb.Error as error:
        raise Refused(f"{file} is not a database the dashboard can open, or is damaged "
                      f"(DuckDB: {_first_line(error)}); nothing was changed.") from error
    try:
        problem = dashboard_problem(con)
        if problem:
            raise Refused(f"{file} is not a dashboard database ({problem}); nothing was changed.")
        rows = _copy(con, scratch)
    except duckdb.Error as error:
        plain = store.unavailable(error)
        if plain is not None and str(plain) != store.DAMAGED:  # the scratch file's disk, not the backup
            raise plain from error
        raise Refused(f"{file} is damaged and cannot be read whole (DuckDB: {_first_line(error)}); "
                      "nothing was changed.") from error
    finally:
        con.close()
    if _rows_in(scratch) != rows:
        raise Refused(f"{file} did not copy whole (its tables and rows differ in the copy); nothing was changed.")


def _copy(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """`COPY FROM DATABASE` the database `con` is open on into the new file `target`: tables,
    views, macros and constraints. Returns each table's rows, counted on the same connection."""
    source = run(con, "SELECT current_database()")[0][0]
    rows = _count_rows(con)
    alias = f"backup_{uuid.uuid4().hex[:12]}"
    run(con, f"ATTACH {_literal(str(target))} AS {alias} (READ_WRITE)")
    try:
        run(con, f"COPY FROM DATABASE {_identifier(source)} TO {alias}")
    except BaseException:
        with suppress(duckdb.Error):
            run(con, f"DETACH {alias}")
        raise
    run(con, f"DETACH {alias}")
    return rows


def _rows_in(path: Path) -> dict[str, int]:
    """Each table's rows in the file at `path`, opened read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return _count_rows(con)
    finally:
        con.close()


def _count_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = run(con, "SELECT schema_name, table_name FROM duckdb_tables() "
                      "WHERE database_name = current_database() ORDER BY 1, 2")
    return {f"{schema}.{table}": run(con, f"SELECT count(*) FROM {_identifier(schema)}.{_identifier(table)}")[0][0]
            for schema, table in tables}


def _free_name(candidate: Path) -> Path:
    """Two backups in the same second must not overwrite the first one."""
    number = 1
    chosen = candidate
    while chosen.exists():
        number += 1
        chosen = candidate.with_name(f"{candidate.stem}-{number}{candidate.suffix}")
    return chosen


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0].rstrip(".!") if str(error).strip() else type(error).__name__
