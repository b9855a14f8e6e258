"""The one door to the DuckDB file.

DuckDB lets one process write or many processes read, never both at once, and inside one
process a read-only and a read-write connection to the same file cannot coexist. So nothing
here holds a connection for long: readers open a short-lived read-only connection per query
(a board page's view shares one for the view, `shared_reads`), writers open a read-write one
for a single transaction, and both wait briefly and retry while another process holds the file. That is what lets `python -m qa_dashboard ingest` load while
the app is running; the app sees the new data on its next rerun because its caches are keyed
on `data_version`, which every load, undo and setting change bumps inside its own transaction.
Inside this process a readers-writer lock keeps Streamlit's threads from mixing the two kinds.

A load is one explicit BEGIN ... COMMIT. DuckDB writes the commit through its write-ahead log,
so a process killed mid-load leaves the file as it was before the load began.
"""
from __future__ import annotations

import contextvars
import os
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from qa_dashboard import contract
# The plain sentences for the file's troubles live in their own module; named here, where every
# caller looks for them (store.DatabaseUnavailable, store.DAMAGED ...).
from qa_dashboard.store.trouble import (  # noqa: F401
    DAMAGED, DISK_FULL, NOT_ALLOWED, READ_ONLY, DatabaseBusy, DatabaseMissing, DatabaseUnavailable,
    _translating_errors, busy_sentence, read_busy_sentence, unavailable,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = REPO_ROOT / "data" / "qa.duckdb"
ENV_VAR = "QA_DASHBOARD_DB"
WAIT_SECONDS = 30.0
_SQL_DIR = Path(__file__).parent


def run(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list:
    """Execute one statement and read its result to the end (DuckDB 2 wants every result finished)."""
    return con.execute(sql, params or []).fetchall()


def run_many(con: duckdb.DuckDBPyConnection, sql: str, rows: list) -> None:
    con.executemany(sql, rows)
    while con.fetchone() is not None:
        pass


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """`--db`, else $QA_DASHBOARD_DB, else data/qa.duckdb in the repository."""
    chosen = explicit or os.environ.get(ENV_VAR) or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def exists(path: str | os.PathLike) -> bool:
    return Path(path).is_file()


class _ReadersWriterLock:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def reading(self):
        with self._condition:
            while self._writer:
                self._condition.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                self._condition.notify_all()

    @contextmanager
    def writing(self, wait: float | None = None):
        """The file to itself; `DatabaseBusy` when readers keep it past `wait` seconds (a board
        opening pages as a load starts: each page view holds its read for the whole view)."""
        wait = WAIT_SECONDS if wait is None else wait
        deadline = time.monotonic() + wait
        with self._condition:
            while self._writer or self._readers:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DatabaseBusy(read_busy_sentence(wait))
                self._condition.wait(left)
            self._writer = True
        try:
            yield
        finally:
            with self._condition:
                self._writer = False
                self._condition.notify_all()


_LOCK = _ReadersWriterLock()


def _is_lock_conflict(error: Exception) -> bool:
    text = str(error).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _connect_with_retry(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if not _is_lock_conflict(error) or time.monotonic() >= deadline:
                if _is_lock_conflict(error):
                    raise DatabaseBusy(busy_sentence(wait)) from error
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def read_connection(path: str | os.PathLike, wait: float | None = None):
    """A short-lived read-only connection; raises DatabaseMissing when there is no file and
    DatabaseUnavailable when it cannot be read (damaged, not allowed, busy past `wait`)."""
    path = Path(path)
    shared = _SHARED_READ.get()
    if shared is not None and shared.path == path.resolve():
        # inside `one_read` or `shared_reads` of this file: its connection, left open for the rest
        with _translating_errors():
            yield shared.connection(wait)
        return
    with _opened(path, wait) as con:
        yield con


@contextmanager
def _opened(path: Path, wait: float | None):
    if not path.is_file():
        raise DatabaseMissing(f"No database at {path}.")
    with _LOCK.reading(), _translating_errors():
        con = _connect_with_retry(path, read_only=True, wait=WAIT_SECONDS if wait is None else wait)
        try:
            run(con, _good_or_better_macro(temporary=True))
            yield con
        finally:
            con.close()


class _SharedRead:
    """One read connection to `path`, opened at its first use and closed with the block."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stack = ExitStack()
        self._con: duckdb.DuckDBPyConnection | None = None

    def connection(self, wait: float | None = None) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = self._stack.enter_context(_opened(self.path, wait))
        return self._con

    def close(self) -> None:
        self._con = None
        self._stack.close()


# The shared read `one_read` or `shared_reads` holds, for this thread (each thread has its own context).
_SHARED_READ: contextvars.ContextVar[_SharedRead | None] = contextvars.ContextVar("qa_dashboard_shared_read",
                                                                                  default=None)


@contextmanager
def shared_reads(path: str | os.PathLike):
    """Every `read_connection(path)` inside the block, in this thread, shares one connection,
    opened at the first read (none at all when everything comes from the cache) and closed at
    the end: for a page view, whose cold run makes a dozen queries, one connection (about 40 ms
    on a large database) instead of a dozen, and one snapshot of the data. A load waits until
    the block ends; a write inside it is refused (see `write_transaction`)."""
    holder = _SharedRead(Path(path).resolve())
    token = _SHARED_READ.set(holder)
    try:
        yield
    finally:
        _SHARED_READ.reset(token)
        holder.close()


@contextmanager
def one_read(path: str | os.PathLike, wait: float | None = None):
    """`shared_reads`, with the connection opened at once and given to the block.

    For a document made of many queries (the board pack): one snapshot of the data, so a load
    finishing halfway cannot give it figures from two versions. A load waits until it ends."""
    outer = _SHARED_READ.get()
    if outer is not None and outer.path == Path(path).resolve():  # already inside one (a page view)
        yield outer.connection(wait)
        return
    with shared_reads(path):
        yield _SHARED_READ.get().connection(wait)


@contextmanager
def write_transaction(path: str | os.PathLike, wait: float | None = None):
    """One explicit transaction on a read-write connection; creates the file and schema if needed.

    Commits when the block ends normally and bumps the data version in the same transaction;
    rolls back on any exception. A failed commit (a full disk) leaves the file as it was and is
    raised as itself, not as the rollback's complaint that no transaction is left to roll back.
    """
    path = Path(path)
    if _SHARED_READ.get() is not None:  # this thread holds a read: the write would wait for itself
        raise RuntimeError("A write inside store.one_read would wait for the read it is in; write after the block.")
    with _LOCK.writing(wait), _translating_errors():
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect_with_retry(path, read_only=False, wait=WAIT_SECONDS if wait is None else wait)
        try:
            _ensure_schema(con)
            run(con, "BEGIN TRANSACTION")
            try:
                yield con
                run(con, 
                    "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) WHERE key = 'change_counter'"
                )
                run(con, "COMMIT")
            except BaseException:
                _roll_back(con)
                raise
        finally:
            con.close()


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open: after a failed COMMIT DuckDB has already ended it."""
    try:
        run(con, "ROLLBACK")
    except duckdb.TransactionException:
        pass


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    run(con, "BEGIN TRANSACTION")
    try:
        had_positions = _has_table(con, "benchmark_position_rows")
        run(con, (_SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
        run(con, 
            "INSERT INTO meta VALUES ('instance_id', ?), ('change_counter', '0') ON CONFLICT DO NOTHING",
            [uuid.uuid4().hex],
        )
        _refresh_reference_lists(con)
        run(con, (_SQL_DIR / "views.sql").read_text(encoding="utf-8"))
        from qa_dashboard.store import spc_tables  # it reads through this module: named when first used

        spc_tables.refresh_if_stale(con)  # a database written before the SPC tables gets them filled

        if not had_positions:  # a file written before positions were kept: compute them once, now
            from qa_dashboard.store import position_tables as positions

            positions.store_positions(con)
        run(con, "COMMIT")
    except BaseException:
        _roll_back(con)
        raise


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(run(con, "SELECT 1 FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'", [name]))


def _good_or_better_macro(temporary: bool) -> str:
    """The `good_or_better(grade_rank)` macro from the catalogue. It is kept in the file for other
    tools, and every read connection defines it again for itself (TEMP), so a database written
    before the macro existed, or under an older catalogue, still answers the pages' queries."""
    ranks = ", ".join(str(int(rank)) for rank in sorted(contract.load().good_or_better_ranks))
    kind = "TEMP MACRO" if temporary else "MACRO"
    return f"CREATE OR REPLACE {kind} good_or_better(grade_rank) AS coalesce(grade_rank IN ({ranks}), false)"


def _refresh_reference_lists(con: duckdb.DuckDBPyConnection) -> None:
    spec = contract.load()
    run(con, "DELETE FROM grade_scale")
    run_many(con, "INSERT INTO grade_scale VALUES (?, ?)", [(g.label, g.rank) for g in spec.grades])
    # "Good or better" is defined once, in the catalogue; the views and queries ask this macro.
    run(con, _good_or_better_macro(temporary=False))
    run(con, "DELETE FROM loop_link_kinds")
    run_many(con, "INSERT INTO loop_link_kinds VALUES (?, ?)", list(spec.loop.kinds.items()))
    run(con, "DELETE FROM practice_area_catalogue")
    areas = [("overall", "Overall judgement", 0)] + [
        (p.code, p.label, n) for n, p in enumerate(spec.practice_areas, start=1)
    ]
    run_many(con, "INSERT INTO practice_area_catalogue VALUES (?, ?, ?)", areas)
    run(con, "DELETE FROM indicator_catalogue WHERE NOT custom")
    run_many(con, 
        "INSERT INTO indicator_catalogue VALUES (?, ?, ?, ?, ?, ?, false, NULL)",
        [(i.code, i.label, i.unit, i.better, i.system_health, n) for n, i in enumerate(spec.indicators)],
    )


def get_setting(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = run(con, "SELECT value FROM meta WHERE key = ?", [key])
    return rows[0][0] if rows else None


def set_setting(con: duckdb.DuckDBPyConnection, key: str, value: str | None) -> None:
    """Inside a write transaction: remember a setting (demo, authority, ...)."""
    if value is None:
        run(con, "DELETE FROM meta WHERE key = ?", [key])
    else:
        run(con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


_version_memo: dict[str, tuple[tuple, str]] = {}
_version_lock = threading.Lock()


def _file_signature(path: Path) -> tuple:
    signature = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            stat = candidate.stat()
            signature.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
        except FileNotFoundError:
            signature.append(None)
    return tuple(signature)


def data_version(path: str | os.PathLike) -> str:
    """A token that changes whenever a load, undo or setting changes the database.

    Caches key on it. The file's size and modification time are checked first so that a rerun
    with nothing new costs a `stat`, not a connection. '' when there is no database.
    """
    path = Path(path)
    if not path.is_file():
        return ""
    signature = _file_signature(path)
    with _version_lock:
        memo = _version_memo.get(str(path))
    if memo and memo[0] == signature:
        return memo[1]
    with read_connection(path) as con:
        rows = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('instance_id', 'change_counter')").fetchall())
    version = f"{rows.get('instance_id', '')}:{rows.get('change_counter', '0')}"
    with _version_lock:
        _version_memo[str(path)] = (signature, version)
    return version


def is_demo(path: str | os.PathLike) -> bool:
    """Whether the database was built by `demo`; remembered per data version, like the caches."""
    path = Path(path)
    version = data_version(path)
    if not version:
        return False
    key = (str(path), version)
    if key not in _demo_memo:
        with read_connection(path) as con:
            _demo_memo[key] = get_setting(con, "demo") == "yes"
    return _demo_memo[key]


_demo_memo: dict[tuple[str, str], bool] = {}


def forget_version(path: str | os.PathLike) -> None:
    """After the file at `path` was replaced: the next `data_version` reads it again."""
    with _version_lock:
        _version_memo.pop(str(Path(path)), None)


def start_empty(path: str | os.PathLike, *, role: str | None = None, now=None) -> Path | None:
    """Replace the database at `path` with an empty one, keeping the old file as a backup.

    This is how an authority leaves the demo data: the backup is
    `backups/<name>-YYYYMMDD-HHMMSS.duckdb` beside the database (returned; None when there was
    no database to back up), made and swapped as `backup.replace_keeping_backup` does it, so no
    page reads half-way through. The new file has a new instance id, so `data_version` changes
    and every cached page reloads. `role` is checked as `ingest` checks it.
    """
    from qa_dashboard import auth
    from qa_dashboard.store import backup

    auth.require_uploader(role)
    path = Path(path)
    scratch = path.with_name(f".{path.name}.new-{uuid.uuid4().hex[:8]}")
    try:
        with write_transaction(scratch):
            pass  # creates the schema, the views and a fresh instance id
        return backup.replace_keeping_backup(path, scratch, now)
    finally:
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            leftover.unlink(missing_ok=True)
