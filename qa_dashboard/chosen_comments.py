"""Comments an officer chose on the Voice page for the board pack: kept as the feedback row's
key (never the comment's text) in the append-only `chosen_comments` table, the newest choice
per comment in force. Undoing a load leaves the choices alone."""
from __future__ import annotations

import datetime as dt
import os

import duckdb

from qa_dashboard import auth, plain_text, store
from qa_dashboard.queries import queries


def choose(db: str | os.PathLike, comment_key: str, chosen: bool, by: str, *, role: str | None = None,
           now: dt.datetime | None = None) -> None:
    """Put a comment in the pack (`chosen` true) or take it out; PermissionError for a reader."""
    auth.require_uploader(role)
    if not str(comment_key).strip():
        raise ValueError("Say which comment to choose.")
    with store.write_transaction(db) as con:
        store.run(con, "INSERT INTO chosen_comments VALUES (?, ?, ?, ?)",
                  [comment_key, bool(chosen), plain_text.clean_name(by or "")[0] or "unknown", now or dt.datetime.now()])


def chosen_keys(db: str | os.PathLike) -> frozenset[str]:
    """The keys of the comments chosen for the pack now (their newest choice is 'chosen')."""
    if not store.exists(db):
        return frozenset()
    try:
        frame = queries.run("chosen_comments", db)
    except duckdb.CatalogException:
        return frozenset()  # a database last written before choices existed
    return frozenset(frame["comment_key"])
