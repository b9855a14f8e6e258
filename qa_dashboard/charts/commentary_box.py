"""The practice analysis box the System health, Audits, Workforce and Voice pages share: the
words in force for the period (written here or uploaded in a KPI sheet's commentary column),
who wrote them and when, the earlier versions, and, for an uploader, a text area to write the
month's words. Beside it, the generated "what changed" sentences, labelled as the trend analysis.

Everything an officer wrote is shown with `st.text`, never as Markdown or HTML. Writes go
through `commentary.write`, the store's one write path. The box carries the version it was
opened on: when a colleague has saved newer words since, a Save writes nothing, shows theirs
(who, when) and asks whether to save over them or keep them. Reads go through the pages' cache,
keyed on the data version, which every write changes: the new words show on the rerun that
follows the Save, and a reader's page view opens no connection for them.
"""
from __future__ import annotations

import datetime as dt
import getpass

import duckdb
import pandas as pd
import streamlit as st

from qa_dashboard import auth, cached, commentary, metrics, plain_text, signin, store
from qa_dashboard.scope import Filters


def _author() -> str:
    """The signed-in uploader (e-mail or the name given at sign-in); the shell user when the
    dashboard runs open on an officer's own computer."""
    try:
        return signin.signed_in_name() or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _save(db, chosen: Filters, scope_kind: str, key: str, widget: str) -> None:
    """Save the box's words, unless a colleague saved newer ones after the box was opened: then
    write nothing and keep theirs to show, for the officer to overwrite or keep."""
    now = dt.datetime.now()
    try:
        version = commentary.write(db, chosen.end, scope_kind, key, st.session_state.get(widget, ""), _author(),
                                   role=auth.UPLOADER, now=now, opened_on=st.session_state.get(widget + "_opened"),
                                   **commentary.scope_for(chosen.team, chosen.service_area))
        st.session_state[widget + "_opened"] = commentary.Opened(version, now)
        st.session_state.pop(widget + "_newer", None)
        _, removed = commentary.cleaned(st.session_state.get(widget, ""))
        st.session_state[widget + "_said"] = ("success", "Saved. Earlier versions are kept." + (f" {removed}" if removed else ""))
    except commentary.NewerVersion as newer:
        st.session_state[widget + "_newer"] = (newer.note, newer.opened)  # plain values: session state may be pickled
    except (PermissionError, ValueError) as problem:
        st.session_state[widget + "_said"] = ("error", str(problem))


def _keep_theirs(widget: str) -> None:
    note, opened = st.session_state.pop(widget + "_newer")
    st.session_state[widget] = note.text
    st.session_state[widget + "_opened"] = opened
    st.session_state[widget + "_said"] = ("success", "Kept your colleague's version; yours was not saved.")


def _save_over_theirs(db, chosen: Filters, scope_kind: str, key: str, widget: str) -> None:
    st.session_state[widget + "_opened"] = st.session_state[widget + "_newer"][1]  # theirs was shown: save over it
    _save(db, chosen, scope_kind, key, widget)


def _ask_about_newer(db, chosen: Filters, scope_kind: str, key: str, widget: str) -> None:
    """A colleague's newer words, who and when, and the choice: save mine over them, or keep theirs."""
    note, _ = st.session_state[widget + "_newer"]
    written = "uploaded in" if note.source == "uploaded" else "saved by"
    st.warning(f"Not saved: a newer version was {written} {plain_text.for_markdown(note.author)} on "
               f"{note.written_at:%d %B %Y at %H:%M}, after this box was opened. Their words:")
    st.text(note.text or "(left blank)")
    st.button("Save mine over theirs", key=widget + "_overwrite", on_click=_save_over_theirs,
              args=(db, chosen, scope_kind, key, widget))
    st.button("Keep theirs", key=widget + "_keep", on_click=_keep_theirs, args=(widget,))


def _show_note(note: commentary.Note | None, chosen: Filters) -> None:
    if note is None:
        st.text(f"No practice analysis was written for {chosen.period_label}.")
        return
    st.text(note.text)
    written = "uploaded in" if note.source == "uploaded" else "written by"
    # st.text, not st.caption: the caption's grey fails WCAG contrast (3.9:1); st.text reads no Markdown.
    st.text(f"{metrics.month_label(note.period)}, {written} {note.author} "
            f"on {note.written_at:%d %B %Y at %H:%M}.")


def _cached(name: str, params: tuple) -> pd.DataFrame | None:
    try:
        return cached.query(name, params)
    except duckdb.CatalogException:
        return None  # a database last written before commentary existed: the next write adds it


def _in_force(params: tuple) -> list[commentary.Note]:
    """The notes in force, worked out once per data version (a frame of notes turned into notes
    on every view cost more than the rest of the box)."""
    try:
        return cached.derived(commentary.in_force, ("commentary_latest", params))
    except duckdb.CatalogException:
        return []  # a database last written before commentary existed: the next write adds it


def _opened_on(chosen: Filters, scope_kind: str, key: str, where: dict) -> commentary.Opened | None:
    """The version the box opens on (None on a database from before commentary: no check)."""
    frame = _cached("commentary_newest", commentary.newest_params(chosen.end, scope_kind, key, **where))
    return None if frame is None else commentary.newest(frame)[0]


def _earlier_versions(chosen: Filters, scope_kind: str, key: str) -> None:
    versions = _cached("commentary_history", commentary.history_params(
        chosen.end, scope_kind, key, **commentary.scope_for(chosen.team, chosen.service_area)))
    if versions is None:
        return
    earlier = versions.iloc[1:]
    if earlier.empty:
        return
    with st.expander(f"Earlier versions ({len(earlier)})"):
        for row in earlier.to_dict("records"):
            st.text(f"Version {row['version']}, {row['author']}, {row['written_at']:%d %B %Y at %H:%M}:")
            st.text(row["text"] or "(left blank)")


def practice_analysis(scope_kind: str, key: str, chosen: Filters, trend: list[str] | None = None,
                      heading: str | None = None) -> None:
    """The box for one indicator (`scope_kind` 'indicator', `key` its code) or one page section
    ('section', its name, as the board pack names it). `trend`: the what-changed sentences,
    shown as the trend analysis (None: the section has none)."""
    db = store.db_path()
    if heading:
        st.subheader(heading)
    where = commentary.scope_for(chosen.team, chosen.service_area)
    if trend is not None:
        st.markdown("**Trend analysis** (generated from the figures)")
        for sentence in trend or ["No change to report: the period has no figure for the latest month, "
                                  "or none for a month before it to compare with."]:
            st.text(sentence)
    st.markdown("**Practice analysis** (written by officers)")
    [note] = _in_force(commentary.latest_params(chosen.start, chosen.end, scope_kind, key, **where)) or [None]
    _show_note(note, chosen)
    if signin.session_role() != auth.UPLOADER:
        return
    _earlier_versions(chosen, scope_kind, key)
    widget = f"commentary_{scope_kind}_{key}_{chosen.end:%Y-%m}_{where['team']}_{where['service_area']}"
    if widget not in st.session_state:  # the box opens on the newest version, and carries which it was
        opened = _opened_on(chosen, scope_kind, key, where)
        st.session_state[widget] = note.text if note is not None and note.period == chosen.end else ""
        st.session_state[widget + "_opened"] = opened
    st.text_area(f"Practice analysis for {metrics.month_label(chosen.end)} (plain text)", key=widget,
                 max_chars=commentary.MAX_LENGTH)
    st.button("Save", key=widget + "_save", on_click=_save, args=(db, chosen, scope_kind, key, widget))
    if widget + "_newer" in st.session_state:
        _ask_about_newer(db, chosen, scope_kind, key, widget)
    if said := st.session_state.pop(widget + "_said", None):
        (st.success if said[0] == "success" else st.error)(plain_text.for_markdown(said[1]))
