"""The database's troubles in plain words: each error from DuckDB or the file system that an
officer or a board member can meet becomes one sentence saying what happened and what to do,
never a path (`store` raises them; the command line prints them, the app shows them)."""
from __future__ import annotations

import errno
from contextlib import contextmanager

import duckdb


class DatabaseMissing(Exception):
    """The database file does not exist yet."""


class DatabaseUnavailable(Exception):
    """The database cannot be read or changed: damaged, read-only, on a full disk, or busy.

    `str()` is one plain sentence for an officer or a board member, saying what happened and
    what to do, and never a path: the command line prints it, the app shows it instead of a
    page. DuckDB's own message (with the file's path) stays on `__cause__` for the server log.
    """


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the database for longer than we were willing to wait."""


_UNCHANGED = "Nothing in it was changed."
_ASK = "ask whoever runs the dashboard"
DAMAGED = ("The database file is damaged and cannot be read, so the figures are unavailable. "
           f"{_UNCHANGED} Put back the latest copy of the file from your backups, or {_ASK} to.")
READ_ONLY = ("The database is on a disk or in a folder that cannot be written to, so nothing can be "
             f"loaded or undone. {_UNCHANGED} Make the file and its folder writable, or {_ASK} to.")
NOT_ALLOWED = ("The dashboard is not allowed to open the database file, so the figures are unavailable "
               f"and nothing can be loaded. {_UNCHANGED} Give it permission to read and write the file "
               f"and its folder, or {_ASK} to.")
DISK_FULL = ("The disk that holds the database is full, so the change was not saved. "
             f"{_UNCHANGED} Free some space on that disk, or {_ASK} to, then try again.")
_OS_CAUSES = {errno.ENOSPC: DISK_FULL, errno.EDQUOT: DISK_FULL, errno.EROFS: READ_ONLY,
              errno.EACCES: NOT_ALLOWED, errno.EPERM: NOT_ALLOWED}
# DuckDB says what went wrong only in its messages; these are its words (DuckDB 1.x and 2.x).
_DUCKDB_CAUSES = (
    ("no space left on device", DISK_FULL),
    ("disk quota exceeded", DISK_FULL),
    ("read-only file system", READ_ONLY),
    ("permission denied", NOT_ALLOWED),
    ("could not read enough bytes", DAMAGED),
    ("not a valid duckdb database file", DAMAGED),
    ("corrupt", DAMAGED),
    ("checksum", DAMAGED),
)


def busy_sentence(wait: float) -> str:
    return (f"The database is being updated by another process and was not free within {wait:.0f} "
            f"seconds, so the figures are unavailable for now. {_UNCHANGED} Try again in a minute.")


def read_busy_sentence(wait: float) -> str:
    """A write that waited `wait` seconds for this process's readers (page views) to finish."""
    return (f"The database was being read by others for over {wait:.0f} seconds, so nothing was written "
            "to it. Try again in a minute.")


def unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """The plain sentence for an error from DuckDB or the file system, or None for any other error
    (a mistake in a query stays a mistake, and is not dressed up as a damaged file)."""
    if isinstance(error, DatabaseUnavailable):
        return error
    if isinstance(error, OSError) and error.errno in _OS_CAUSES:
        return DatabaseUnavailable(_OS_CAUSES[error.errno])
    if isinstance(error, duckdb.Error):
        text = str(error).lower()
        for words, sentence in _DUCKDB_CAUSES:
            if words in text:
                return DatabaseUnavailable(sentence)
    return None


@contextmanager
def _translating_errors():
    """Every way into the file goes through this: a known trouble becomes DatabaseUnavailable."""
    try:
        yield
    except (duckdb.Error, OSError) as error:
        plain = unavailable(error)
        if plain is None or plain is error:
            raise
        raise plain from error
