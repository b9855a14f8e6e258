"""The pages' one door to the database, and their one cache: named queries, and everything
worked out from them (figures, tables and chart specs), cached on the data version.

Results are cached on the database's data version, not on time. `store.data_version`
changes whenever a load, an undo or a setting changes, so a page shows new data on the
first rerun after a load, and until then every rerun and every visitor is served from
memory. A time-to-live would either serve stale figures or re-query for nothing. The
database path is part of the key too, so two databases never share an entry.

A query's key holds only the parameters it uses (`queries.bind`), so choosing an audit type
does not re-run the workforce queries.
"""

import importlib

import streamlit as st

from qa_dashboard import queries, store


def _bound(name: str, params) -> tuple[str, tuple, bool]:
    """(name, hashable parameters, whether they are named) for the cache keys."""
    bound = queries.bind(name, params)
    if isinstance(bound, dict):
        return name, tuple(bound.items()), True
    return name, tuple(bound), False


# The caches are keyed on one string, `repr` of the arguments (names, dates, numbers, strings and
# the Filters dataclass, all with exact reprs), and get the arguments themselves as `_`-named
# parameters, which Streamlit does not hash: its hasher walks nested tuples and dataclasses at
# about 2 ms a call, a dozen calls on every page view of every reader.
@st.cache_resource(show_spinner=False, max_entries=256)
def _frame(key: str, _name: str, _db_path: str, _params: tuple, _named: bool):
    """The query's frame, kept once per process and never handed out itself (see `_run`)."""
    return queries.run(_name, _db_path, dict(_params) if _named else _params)


def _run(name: str, db_path: str, version: str, params: tuple, named: bool = False):
    # A copy of the kept frame: callers may change what they get without touching what the next
    # reader gets. `st.cache_data` would unpickle the frame on every call instead, which costs
    # 10-50 times as much as copying its columns, on every page view of every reader.
    key = repr((name, db_path, version, params, named))
    return _frame(key, name, db_path, params, named).copy()


def query(name: str, params=()):
    """The frame `qa_dashboard/queries/{name}.sql` returns for `params`: a mapping of `$name`
    parameters (a `Filters.params()`, extra names ignored) or a sequence of `?` parameters."""
    db = store.db_path()
    name, bound, named = _bound(name, params)
    return _run(name, str(db), store.data_version(db), bound, named)


@st.cache_data(show_spinner=False, max_entries=512)
def _derive(key: str, _function_path: str, _sources: tuple, _db_path: str, _version: str, _extra: tuple):
    module, _, function_name = _function_path.rpartition(".")
    function = getattr(importlib.import_module(module), function_name)
    frames = [_run(name, _db_path, _version, params, named) for name, params, named in _sources]
    return function(*frames, *_extra)


def derived(function, sources, *extra):
    """`function(*frames, *extra)`, cached like the queries themselves: `frames` are the frames
    of `sources`, a list of (query name, params) pairs (or one pair).

    For everything a page works out from query rows: its figures (tiles, scorecards, trend
    lines), and the chart specs the chart layer draws from them. A rerun with nothing new costs
    a cache lookup, not the arithmetic, the chart building and its validation again.
    `function` must be importable (defined at module level) so the cache can name it; `extra`
    must be hashable values (dates, strings, the Filters).
    """
    if isinstance(sources, tuple) and sources and isinstance(sources[0], str):
        sources = [sources]
    db = store.db_path()
    keyed = tuple(_bound(name, params) for name, params in sources)
    function_path = f"{function.__module__}.{function.__qualname__}"
    version = store.data_version(db)
    key = repr((function_path, keyed, str(db), version, tuple(extra)))
    return _derive(key, function_path, keyed, str(db), version, tuple(extra))
