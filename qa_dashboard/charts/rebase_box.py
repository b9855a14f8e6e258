"""Rebasing an indicator's SPC limits from the System health page: the rebases in force for the
indicator listed (scope, month, reason, author, time) for everyone; for an uploader, a form to
start new limits from a month with a reason, and a button to take one back.

The same store function as the command line's `rebase` (`rebases.write`) does the writing,
checks the role again and refuses in a sentence with nothing written. Reasons are shown with
`st.dataframe`, never as Markdown or HTML.
"""
from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from qa_dashboard import auth, cached, metrics, plain_text, rebases, signin, store
from qa_dashboard.charts.commentary_box import _author
from qa_dashboard.scope import Filters

AUTHORITY = "the whole authority"


def _in_force(code: str) -> pd.DataFrame:
    try:
        found = cached.query("spc_rebases_in_force")
    except duckdb.CatalogException:  # a database last written before rebases existed
        return pd.DataFrame(columns=["indicator", "team", "month", "reason", "author", "written_at"])
    return found[found["indicator"] == code]


def listing(found: pd.DataFrame) -> pd.DataFrame:
    """The rebases in force as the page lists them, in plain columns."""
    return pd.DataFrame({
        "Limits from": [metrics.month_label(pd.Timestamp(m).date()) for m in found["month"]],
        "For": [AUTHORITY if metrics.is_missing(t) else f"team {t}" for t in found["team"]],
        "Reason": found["reason"].tolist(),
        "Recorded by": found["author"].tolist(),
        "When": [f"{pd.Timestamp(w):%d %B %Y at %H:%M}" for w in found["written_at"]],
    })


def _write(code: str, team: str | None, remove: bool, month_widget: str, reason_widget: str, said: str) -> None:
    month = st.session_state.get(month_widget)
    try:
        done = rebases.write(store.db_path(), code, month, st.session_state.get(reason_widget, ""), team=team,
                             remove=remove, author=_author(), role=auth.UPLOADER)
        st.session_state[said] = ("success", done.describe())
        if not remove:
            st.session_state[reason_widget] = ""
    except (PermissionError, ValueError) as problem:  # RebaseRefused is a ValueError
        st.session_state[said] = ("error", str(problem))


def rebase_box(code: str, label: str, scope: str, months: list, chosen: Filters) -> None:
    """The rebases of indicator `code` (named `label`), and for an uploader the form. `scope`:
    whose series the page shows (team or authority); `months`: that series' months, oldest first."""
    st.subheader("Limits and rebasing")
    found = _in_force(code)
    team = chosen.team if scope == "team" else None
    if found.empty:
        st.text("The limits run over every month loaded: no rebase is recorded for this indicator.")
    else:
        st.text(f"Rebases recorded for {label} (each starts new limits from its month):")
        st.dataframe(listing(found), hide_index=True, width="stretch")
    if signin.session_role() != auth.UPLOADER:
        return
    key = f"rebase_{code}_{team}"
    said = key + "_said"
    whose = plain_text.for_markdown(f"team {team}" if team else AUTHORITY)  # a team is named in an upload
    with st.expander(f"Start new limits from a month ({whose})"):
        st.text("When the way the work is done or recorded changed (a new front door, a change in recording), "
                "the months after it are a new process: record the first month it applies from, and why.")
        choices = [pd.Timestamp(m).date() for m in months[1:]]
        st.selectbox("Limits from", choices, index=len(choices) - 1 if choices else None,
                     format_func=metrics.month_label, key=key + "_month")
        st.text_input("Reason (plain text)", key=key + "_reason", max_chars=rebases.MAX_REASON)
        st.button("Record the rebase", key=key + "_add", on_click=_write,
                  args=(code, team, False, key + "_month", key + "_reason", said))
    mine = found[found["team"].isna()] if team is None else found[found["team"] == team]
    if not mine.empty:
        with st.expander(f"Take a rebase back ({whose})"):
            st.selectbox("Rebase", [pd.Timestamp(m).date() for m in mine["month"]], format_func=metrics.month_label,
                         key=key + "_remove_month")
            st.button("Remove this rebase", key=key + "_remove", on_click=_write,
                      args=(code, team, True, key + "_remove_month", key + "_no_reason", said))
    if message := st.session_state.pop(said, None):
        (st.success if message[0] == "success" else st.error)(plain_text.for_markdown(message[1]))
