"""Which authority the dashboard belongs to: set by name or code, kept in `meta` as `authority`.

The setting holds the authority's old three-digit code, which DfE's neighbour model uses and
which survives ONS recodings; the `benchmarks` view turns it into the statistical-neighbour
rows, so changing it changes those rows at once. Authorities come from the loaded DfE files
(the `dfe_authorities` view), so the choice needs at least one of them loaded.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass

from qa_dashboard import auth, store
from qa_dashboard.contract import squash

SETTING = "authority"
_OLD_CODE = re.compile(r"\d{3}")
_NEW_CODE = re.compile(r"[EWSN]\d{8}", re.IGNORECASE)


@dataclass(frozen=True)
class Authority:
    old_la_code: str
    new_la_code: str | None
    la_name: str
    region_code: str | None
    region_name: str | None
    last_year: int | None
    ons_codes: tuple[str, ...]
    in_neighbour_model: bool

    def describe(self) -> str:
        codes = ", ".join(c for c in (self.old_la_code, self.new_la_code) if c)
        return f"{self.la_name} ({codes})"


class AuthorityNotFound(LookupError):
    """No authority answers to what was typed; the message names the close matches."""

    def __init__(self, message: str, close: list[Authority] | None = None):
        self.close = close or []
        if self.close:
            message += " Close matches: " + "; ".join(a.describe() for a in self.close) + "."
        super().__init__(message)


def known_authorities(con) -> list[Authority]:
    rows = store.run(con, """
        SELECT old_la_code, new_la_code, la_name, region_code, region_name, last_year, ons_codes, in_neighbour_model
        FROM dfe_authorities ORDER BY la_name""")
    return [Authority(old, new, name, region_code, region_name, last_year, tuple(codes or ()), bool(in_model))
            for old, new, name, region_code, region_name, last_year, codes, in_model in rows]


def _name_forms(name: str) -> set[str]:
    """`Bristol, City of` answers to `Bristol` and `City of Bristol`; `&` is `and`."""
    forms = {name}
    if ", " in name:
        place, _, prefix = name.partition(", ")
        forms |= {place, f"{prefix} {place}"}
    return {squash(form.replace("&", " and ")) for form in forms}


def find_authority(authorities: list[Authority], text: str) -> Authority:
    """By new ONS code (any the authority has had), old three-digit code, or name, ignoring case,
    spaces and punctuation; a name may be shortened when only one authority fits it."""
    wanted = text.strip()
    if not authorities:
        raise AuthorityNotFound("No DfE published files are loaded yet, so no authority is known. Load "
                                "sn_model_2025_wide.csv and the other DfE files with `python -m qa_dashboard "
                                "ingest` (or the upload page) first.")
    if _OLD_CODE.fullmatch(wanted):
        matches = [a for a in authorities if a.old_la_code == wanted]
    elif _NEW_CODE.fullmatch(wanted):
        matches = [a for a in authorities if wanted.upper() in a.ons_codes]
    else:
        key = squash(wanted.replace("&", " and "))
        matches = [a for a in authorities if key in _name_forms(a.la_name)]
        if not matches and len(key) >= 4:
            matches = [a for a in authorities if any(key in form for form in _name_forms(a.la_name))]
    current = [a for a in matches if _is_current(a, authorities)]
    if len(current) == 1:
        return current[0]
    if len(current) > 1:
        raise AuthorityNotFound(f"{wanted!r} fits more than one authority; give its name in full or its code.",
                                current)
    if matches:
        gone = matches[0]
        raise AuthorityNotFound(f"{gone.describe()} is no longer an authority in DfE's statistical-neighbour "
                                f"model (its last figures are for {gone.last_year}).",
                                _close(authorities, gone.la_name))
    raise AuthorityNotFound(f"No authority is called or coded {wanted!r}.", _close(authorities, wanted))


def _is_current(authority: Authority, authorities: list[Authority]) -> bool:
    """In DfE's neighbour model when it is loaded; otherwise any authority with figures."""
    if any(a.in_neighbour_model for a in authorities):
        return authority.in_neighbour_model
    return True


def _close(authorities: list[Authority], text: str, limit: int = 5) -> list[Authority]:
    current = [a for a in authorities if _is_current(a, authorities)]
    key = squash(text)
    by_name = {squash(a.la_name): a for a in current}
    similar = difflib.get_close_matches(key, list(by_name), n=limit, cutoff=0.6)
    containing = [k for k in by_name if key and (key in k or k in key) and k not in similar]
    return [by_name[k] for k in (similar + containing)[:limit]]


def chosen_authority(con) -> Authority | None:
    code = store.get_setting(con, SETTING)
    if code is None:
        return None
    return next((a for a in known_authorities(con) if a.old_la_code == code), None)


def set_authority(db_path: str | os.PathLike, text: str, *, role: str | None = None) -> Authority:
    """Remember which authority the dashboard belongs to; raises AuthorityNotFound (with close
    matches) when nothing answers to `text`. `role` is checked as `ingest` checks it."""
    auth.require_uploader(role)
    if not store.exists(db_path):
        find_authority([], text)  # raises: nothing is loaded
    with store.write_transaction(db_path) as con:
        authority = find_authority(known_authorities(con), text)
        store.set_setting(con, SETTING, authority.old_la_code)
        from qa_dashboard.store import loop_tables  # the band D warnings are the authority's own

        loop_tables.refresh(con)
    return authority


def neighbours_of(con, authority: Authority) -> list[tuple[int, str, str | None]]:
    """(rank, name, closeness) of the authority's statistical neighbours, closest first."""
    return [tuple(row) for row in store.run(con, """
        SELECT n.rank, coalesce(a.la_name, n.neighbour_old_code), n.closeness
        FROM statistical_neighbours n LEFT JOIN dfe_authorities a ON a.old_la_code = n.neighbour_old_code
        WHERE n.superseded_by IS NULL AND n.old_la_code = ? ORDER BY n.rank""", [authority.old_la_code])]
