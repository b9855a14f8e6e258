"""Run the named SQL files in this folder: one file per question a page asks.

A query that depends on the reader's choice names its parameters (`$service_area`, `$team`,
`$audit_type`, `$first_month`, `$month_after`, ...), and is given them as one dict: the
filter scope (`Filters.params()`) is passed once, each query taking the names it uses. A
query with no choice in it may still take `?` parameters, given as a list.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pandas as pd

from qa_dashboard import store

SQL_DIR = Path(__file__).parent
_NAMED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


@cache
def sql(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"No query named {name!r} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")


@cache
def parameter_names(name: str) -> frozenset[str]:
    """The `$name` parameters query `name` uses (its comments aside)."""
    return frozenset(_NAMED.findall(_COMMENT.sub("", sql(name))))


def bind(name: str, params=()):
    """The parameters query `name` takes from `params`: from a mapping, only the names it uses
    (as a dict in name order, so equal choices give equal values); a sequence as it is."""
    if isinstance(params, Mapping):
        wanted = parameter_names(name)
        missing = wanted - set(params)
        if missing:
            raise KeyError(f"Query {name!r} needs {', '.join(sorted(missing))}")
        return {key: params[key] for key in sorted(wanted)}
    return list(params)


def run(name: str, db_path: str | os.PathLike, params=()) -> pd.DataFrame:
    """Run `queries/{name}.sql` on a short-lived read-only connection, with `params` a mapping
    of `$name` parameters (extra names are ignored) or a sequence of `?` parameters."""
    with store.read_connection(db_path) as con:
        return con.execute(sql(name), bind(name, params)).df()
