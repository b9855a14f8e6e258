"""The pages' one door to the database: named queries, cached.

Results are cached on the database's data version, not on time. `store.data_version`
changes whenever a load, an undo or a setting changes, so a page shows new data on the
first rerun after a load, and until then every rerun and every visitor is served from
memory. A time-to-live would either serve stale figures or re-query for nothing. The
database path is part of the key too, so two databases never share an entry.
"""

import importlib

import streamlit as st

from qa_dashboard import queries, store


@st.cache_resource(show_spinner=False, max_entries=256)
def _frame(name: str, db_path: str, version: str, params: tuple):
    """The query's frame, kept once per process and never handed out itself (see `_run`)."""
    return queries.run(name, db_path, params)


def _run(name: str, db_path: str, version: str, params: tuple):
    # A copy of the kept frame: callers may change what they get without touching what the next
    # reader gets. `st.cache_data` would unpickle the frame on every call instead, which costs
    # 10-50 times as much as copying its columns, on every page view of every reader.
    return _frame(name, db_path, version, params).copy()


def query(name: str, *params):
    """The frame `qa_dashboard/queries/{name}.sql` returns for these `?` parameters."""
    db = store.db_path()
    return _run(name, str(db), store.data_version(db), tuple(params))


@st.cache_data(show_spinner=False, max_entries=512)
def _derive(function_path: str, name: str, db_path: str, version: str, params: tuple, extra: tuple):
    module, _, function_name = function_path.rpartition(".")
    function = getattr(importlib.import_module(module), function_name)
    return function(_run(name, db_path, version, params), *extra)


def derived(function, name: str, params: tuple = (), *extra):
    """`function(frame, *extra)` on the frame of query `name`, cached like the query itself.

    For the pure shaping a page does on a query's rows (tiles, scorecards, trend lines), so a
    rerun with nothing new costs a cache lookup, not the arithmetic again. `extra` must be
    hashable values (dates, strings, the Filters).
    """
    db = store.db_path()
    return _derive(f"{function.__module__}.{function.__qualname__}", name, str(db), store.data_version(db),
                   tuple(params), tuple(extra))
