"""Run the named SQL files in this folder: one file per question a page asks."""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pandas as pd

from qa_dashboard import store

SQL_DIR = Path(__file__).parent


@cache
def sql(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"No query named {name!r} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")


def run(name: str, db_path: str | os.PathLike, params=()) -> pd.DataFrame:
    """Run `queries/{name}.sql` with `?` parameters on a short-lived read-only connection."""
    with store.read_connection(db_path) as con:
        return con.execute(sql(name), list(params)).df()
