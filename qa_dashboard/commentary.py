"""The practice analysis officers write beside the figures: kept with its month, scope, author
and time, never overwritten (an edit is a new version), and read back as the newest version in
force. A KPI sheet's `commentary` column counts too: the `commentary` view (store/views.sql)
puts both together, so a reader, the pages and the board pack see one list.

Commentary is not part of any load: undoing a load leaves it in place. Text is kept exactly as
written and must be shown as text, never read as Markdown or HTML.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb
import pandas as pd

from qa_dashboard import auth, plain_text, store
from qa_dashboard.queries import queries

SCOPE_KINDS = ("indicator", "section")
MAX_LENGTH = 10_000  # a page of A4 is about 3,500 characters


@dataclass(frozen=True)
class Note:
    period: dt.date
    scope_kind: str
    key: str
    team: str | None
    service_area: str | None
    text: str
    author: str
    written_at: dt.datetime
    source: str                 # 'written' in the app, or 'uploaded' in a KPI sheet

    def byline(self) -> str:
        return f"{self.author}, {self.written_at:%d %B %Y %H:%M}"


@dataclass(frozen=True)
class Opened:
    """The version a text box was opened on: how many versions the app had written for its month
    and scope, and when the newest words (written or uploaded) were written; (0, None) for none."""
    versions: int = 0
    written_at: dt.datetime | None = None


class NewerVersion(Exception):
    """A colleague saved newer words after the box was opened: nothing was written. `note` is
    theirs (its text may be blank: withdrawn); `opened` what a save over it must be opened on."""

    def __init__(self, note: Note, opened: Opened) -> None:
        super().__init__(f"{note.author} saved a newer version on {note.written_at:%d %B %Y at %H:%M}.")
        self.note, self.opened = note, opened


def newest_params(period: dt.date, scope_kind: str, key: str, *, team: str | None = None,
                  service_area: str | None = None) -> dict:
    """The `commentary_newest` query's parameters (the box reads it through the pages' cache)."""
    return {"period": _month(period), "scope_kind": scope_kind, "key": key, "team": team, "service_area": service_area}


def newest(frame: pd.DataFrame) -> tuple[Opened, Note | None]:
    """What a `commentary_newest` frame says: the version to open a box on, and the newest words
    (None when there are none)."""
    versions = int(frame["versions"].iloc[0])
    notes = _notes(frame.dropna(subset=["written_at"]))
    if not notes:
        return Opened(versions, None), None
    return Opened(versions, notes[0].written_at), notes[0]


def length_problem(text: str) -> str | None:
    """The sentence refusing commentary over the cap, written in the app or in a KPI sheet's cell."""
    if len(text) > MAX_LENGTH:
        return f"The commentary is {len(text):,} characters long; keep it under {MAX_LENGTH:,}."
    return None


def cleaned(text: str) -> tuple[str, str | None]:
    """Words typed in the app cleaned as the door cleans free text (controls and bidirectional
    controls removed: a right-to-left override would turn the printed figures round), and the
    sentence saying what was removed (None when nothing was)."""
    clean, found = plain_text.clean_free_text(text or "")
    if not found:
        return clean, None
    return clean, (f"The words held {plain_text.describe_characters(found)}, which the dashboard removes "
                   "from text it keeps; the rest was saved as written.")


def scope_for(team: str | None, service_area: str | None) -> dict:
    """The scope commentary is kept under for a choice of team and service area: the team alone
    when one is chosen (as a KPI sheet's team rows are), else the service area, else the whole
    authority (both None). The pages and the pack ask with this, so they find the same words."""
    return {"team": team, "service_area": None} if team else {"team": None, "service_area": service_area}


def _month(value: dt.date) -> dt.date:
    return dt.date(value.year, value.month, 1)


def write(db: str | os.PathLike, period: dt.date, scope_kind: str, key: str, text: str, author: str, *,
          team: str | None = None, service_area: str | None = None, role: str | None = None,
          now: dt.datetime | None = None, opened_on: Opened | None = None) -> int:
    """Add a version of the commentary for one month and scope; returns its version number.

    `opened_on`: the version the writer's box was opened on (`newest`); when newer words were
    saved since, nothing is written and NewerVersion says whose they are (None: no check).
    Raises PermissionError for a reader (checked as a load is) and ValueError, in a sentence a
    user can act on, for an unknown scope kind, an empty key or an over-long text."""
    auth.require_uploader(role)
    if scope_kind not in SCOPE_KINDS:
        raise ValueError(f"Commentary is about an indicator or a section, not {scope_kind!r}.")
    if not str(key).strip():
        raise ValueError("Say which indicator or section the commentary is about.")
    text, _ = cleaned(text)
    author, _ = plain_text.clean_name(author or "")
    if too_long := length_problem(text):
        raise ValueError(too_long)
    scope = [_month(period), scope_kind, key, team, service_area]
    with store.write_transaction(db) as con:
        if opened_on is not None:  # the box's words were read from an older version: ask, write nothing
            named = newest_params(period, scope_kind, key, team=team, service_area=service_area)
            now_in_force, theirs = newest(con.execute(queries.sql("commentary_newest"),
                                                      queries.bind("commentary_newest", named)).df())
            if theirs is not None and now_in_force != opened_on:
                raise NewerVersion(theirs, now_in_force)
        version = store.run(con, (
            "SELECT coalesce(max(version), 0) + 1 FROM commentary_rows WHERE period = ? AND scope_kind = ? "
            "AND key = ? AND team IS NOT DISTINCT FROM ? AND service_area IS NOT DISTINCT FROM ?"), scope)[0][0]
        store.run(con, "INSERT INTO commentary_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  [*scope, text, author or "unknown", now or dt.datetime.now(), version])
    return version


def _notes(frame: pd.DataFrame) -> list[Note]:
    notes = []
    for row in frame.to_dict("records"):
        notes.append(Note(
            period=pd.Timestamp(row["period"]).date(), scope_kind=row["scope_kind"], key=row["key"],
            team=row["team"] if isinstance(row["team"], str) else None,
            service_area=row["service_area"] if isinstance(row["service_area"], str) else None,
            text=row["text"], author=row["author"], written_at=pd.Timestamp(row["written_at"]).to_pydatetime(),
            source=row["source"]))
    return notes


def latest(db: str | os.PathLike, period_start: dt.date, period_end: dt.date, scope_kind: str | None = None,
           key: str | None = None, *, team: str | None = None, service_area: str | None = None) -> list[Note]:
    """The commentary in force for each indicator or section: the newest month in
    `period_start`..`period_end` (months, both included) that has any, its newest version. Only
    commentary for exactly this scope (team, service area; None = the whole authority). A
    version left blank withdraws the commentary for that month."""
    if not store.exists(db):
        return []
    try:
        frame = queries.run("commentary_latest", db, latest_params(period_start, period_end, scope_kind, key,
                                                                  team=team, service_area=service_area))
    except duckdb.CatalogException:
        return []  # a database last written before commentary existed: the next write adds the view
    return in_force(frame)


def latest_params(period_start: dt.date, period_end: dt.date, scope_kind: str | None = None, key: str | None = None,
                  *, team: str | None = None, service_area: str | None = None) -> tuple:
    """The `commentary_latest` query's parameters (the pages read it through their cache)."""
    return _month(period_start), _month(period_end), team, service_area, scope_kind, scope_kind, key, key


def in_force(frame: pd.DataFrame) -> list[Note]:
    """The notes of a `commentary_latest` frame; a version left blank withdraws its month's words."""
    return [note for note in _notes(frame) if note.text.strip()]


def latest_by_key(db: str | os.PathLike, period_start: dt.date, period_end: dt.date, **scope) -> dict[tuple[str, str], Note]:
    """`latest` for every indicator and section at once, keyed on (scope_kind, key)."""
    return {(note.scope_kind, note.key): note for note in latest(db, period_start, period_end, **scope)}


def history(db: str | os.PathLike, period: dt.date, scope_kind: str, key: str, *, team: str | None = None,
            service_area: str | None = None) -> pd.DataFrame:
    """Every version written in the app for one month and scope, newest first."""
    return queries.run("commentary_history", db, history_params(period, scope_kind, key, team=team,
                                                                service_area=service_area))


def history_params(period: dt.date, scope_kind: str, key: str, *, team: str | None = None,
                   service_area: str | None = None) -> tuple:
    """The `commentary_history` query's parameters (the pages read it through their cache)."""
    return _month(period), scope_kind, key, team, service_area
