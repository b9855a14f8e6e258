"""Rebasing an SPC chart: an uploader says an indicator's limits start again "from" a month (a
new front door, a change in recording), with a reason. Kept like commentary: append-only in
`spc_rebases`, each version with its author and time, the newest per (indicator, team, month)
in force, a removal being a new version. Undoing a load leaves rebases alone.

Every write here refreshes the SPC tables in the same transaction, so the `kpi_spc` views show
the new parts at once. A refusal is a `RebaseRefused` whose message is one sentence a user can
act on, and nothing is written. The reason is kept as text, never read as Markdown or HTML.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from qa_dashboard import auth, contract, plain_text, store
from qa_dashboard.periods import month_label
from qa_dashboard.queries import queries
from qa_dashboard.store import spc_tables

MAX_REASON = 500
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class RebaseRefused(ValueError):
    """A rebase that cannot be written, in one sentence."""


@dataclass(frozen=True)
class Rebase:
    indicator: str
    label: str
    team: str | None
    month: dt.date
    reason: str
    removed: bool

    def describe(self) -> str:
        scope = f"team {self.team}" if self.team else "the whole authority"
        if self.removed:
            return f"{self.label} ({scope}) no longer starts new limits in {month_label(self.month)}."
        return f"{self.label} ({scope}): limits start again from {month_label(self.month)} ({self.reason})."


def parse_month(text: str) -> dt.date:
    """`2024-05` -> 2024-05-01; RebaseRefused for anything else."""
    found = _MONTH.match(str(text).strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise RebaseRefused(f"{text!r} is not a month written YYYY-MM (for example 2024-05).")
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def _indicator(con, text: str) -> tuple[str, str]:
    known = contract.indicator_lookup().get(contract.squash(text))
    code = known.code if known else str(text).strip()
    rows = store.run(con, queries.sql("spc_indicator"), [code])
    if not rows:
        raise RebaseRefused(f"There is no indicator {text!r}: give a catalogue code such as re_referrals_pct "
                            "(the template's README sheet lists them).")
    return rows[0]


def _months(con, code: str, label: str, team: str | None) -> list[dt.date]:
    months = [row[0] for row in store.run(con, queries.sql("spc_series_months"), [code, team])]
    if not months and team is not None:
        teams = [row[0] for row in store.run(con, queries.sql("spc_indicator_teams"), [code])]
        known = f"the teams with figures are {', '.join(teams)}" if teams else "no team has figures for it"
        raise RebaseRefused(f"There are no figures for {label} in team {team!r}: {known}.")
    if not months:
        raise RebaseRefused(f"There are no figures for {label} yet: load them before rebasing.")
    return months


def _check_month(month: dt.date, months: list[dt.date], label: str) -> None:
    if month not in months:
        raise RebaseRefused(f"{label} has no figure for {month_label(month)}: its figures run from "
                            f"{month_label(months[0])} to {month_label(months[-1])}.")
    if month == months[0]:
        raise RebaseRefused(f"{month_label(month)} is {label}'s first month: its limits already start there.")


def _in_force(con, code: str, team: str | None, month: dt.date) -> tuple[int, bool]:
    """(the newest version, 0 when none; whether it is in force)."""
    rows = store.run(con, queries.sql("spc_rebase_versions"), [code, team, month])
    return (rows[0][0], not rows[0][1]) if rows else (0, False)


def write(db: str | os.PathLike, indicator: str, month: str | dt.date, reason: str | None, *, team: str | None = None,
          remove: bool = False, author: str | None = None, role: str | None = None,
          now: dt.datetime | None = None) -> Rebase:
    """Start new limits from `month` (or, with `remove`, take that rebase back).

    PermissionError for a reader (checked as a load is); RebaseRefused, with nothing written, for
    no database, an unknown indicator or team, a month without a figure (or the first month), a
    second rebase in the same month, a missing reason, or removing a rebase that is not there."""
    auth.require_uploader(role)
    if not store.exists(db):
        raise RebaseRefused(f"There is no database at {db}: load extracts first (ingest) or build the demo.")
    month = parse_month(month) if isinstance(month, str) else dt.date(month.year, month.month, 1)
    reason = plain_text.clean_free_text(reason or "")[0].strip()  # controls and bidi overrides removed, as at the door
    author = plain_text.clean_name(author or "")[0]
    if not remove and not reason:
        raise RebaseRefused("Give the reason the limits start again (--reason \"...\"), e.g. a new front door.")
    if len(reason) > MAX_REASON:
        raise RebaseRefused(f"The reason is {len(reason):,} characters long; keep it under {MAX_REASON}.")
    team = team.strip() if team and team.strip() else None
    with store.write_transaction(db) as con:
        code, label = _indicator(con, indicator)
        version, in_force = _in_force(con, code, team, month)
        scope = f" for team {team}" if team else ""
        if remove and not in_force:
            raise RebaseRefused(f"There is no rebase of {label}{scope} in {month_label(month)} to remove.")
        if not remove:
            _check_month(month, _months(con, code, label, team), label)
            if in_force:
                raise RebaseRefused(f"{label}{scope} already starts new limits in {month_label(month)}; "
                                    "remove that rebase first to change its reason.")
        store.run(con, queries.sql("spc_rebase_insert"),
                  [code, team, month, reason, author or "unknown", now or dt.datetime.now(), remove, version + 1])
        spc_tables.refresh(con)
    return Rebase(code, label, team, month, reason, remove)


def in_force(db: str | os.PathLike) -> pd.DataFrame:
    """The rebases in force (indicator, team, month, reason, author, written_at), for listing."""
    if not store.exists(db):
        return pd.DataFrame(columns=["indicator", "team", "month", "reason", "author", "written_at"])
    try:
        return queries.run("spc_rebases_in_force", db)
    except duckdb.CatalogException:  # a database last written before rebases existed: the next write adds them
        return pd.DataFrame(columns=["indicator", "team", "month", "reason", "author", "written_at"])
