"""The SPC tables behind the `kpi_spc` views, worked out again from the kpi rows in force, and
then the learning loop's (`early_warnings`, `loop_verdicts`: store/loop_tables.py), which read them.

`refresh(con)` runs inside the write transaction of every load, undo and rebase (and once on
an older database, see `refresh_if_stale`), so what other tools read from the views always
matches the figures: it reads every series (`queries/spc_series.sql`) and the rebases in force,
reads each with the pure `qa_dashboard.spc`, and replaces `spc_points` and `spc_latest`.
"""
from __future__ import annotations

import hashlib
import itertools
from operator import attrgetter

import duckdb
import pyarrow as pa

from qa_dashboard import contract, spc, store
from qa_dashboard.store import loop_tables

# Written to meta when the tables are filled; a database whose tables were filled under another
# method or catalogue (an older release, or none at all) is filled again at its next write.
BASIS_KEY = "spc_basis"
METHOD = "NHSRplotthedots 0.2.2; months absent when blank; rebase at the first figure in or after its month"

POINT_COLUMNS = ["period", "indicator", "team", "breakdown", "value", "centre", "lower_limit", "upper_limit",
                 "lower_near", "upper_near", "target", "rule", "variation", "provisional", "limits_from", "part"]
# The point columns read straight from spc.Point (the rest: the series' key, and the words).
_POINT_FIELDS = [c for c in POINT_COLUMNS if c not in ("indicator", "team", "breakdown", "rule", "variation")]
LATEST_COLUMNS = ["indicator", "team", "breakdown", "period", "value", "centre", "lower_limit", "upper_limit",
                  "target", "rule", "variation", "assurance", "points", "provisional", "limits_from"]


def _sql(name: str) -> str:
    from qa_dashboard.queries import queries  # queries imports store: named here, when first used

    return queries.sql(name)


def basis() -> str:
    """What the tables depend on besides the data: the method and the catalogue's words and polarities."""
    spec = contract.load()
    words = spec.spc
    text = repr((METHOD, loop_tables.METHOD, repr(spec.loop), sorted((i.code, i.better) for i in spec.indicators),
                 sorted(words.variation.items()), sorted(words.assurance.items()), sorted(words.rules.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def series_frames(series: list[tuple], rebases: list[tuple]) -> tuple[pa.Table, pa.Table]:
    """Every series of `series` (spc_series.sql's rows: indicator, team, breakdown, polarity,
    period, value, target, in that order) read with spc.py: (points, latest) for the tables.
    `rebases` are spc_rebases_in_force.sql's rows (indicator, team, month, ...)."""
    starts: dict[tuple, list] = {}
    for indicator, team, month, *_ in rebases:
        starts.setdefault((indicator, team), []).append(month)
    words = contract.spc_words()
    points = {column: [] for column in POINT_COLUMNS}  # column by column: no tuple per point
    latest = []
    for (indicator, team, breakdown), rows in itertools.groupby(series, key=lambda r: r[:3]):
        rows = list(rows)
        read = spc.analyse([r[4] for r in rows], [r[5] for r in rows], rows[0][3], [r[6] for r in rows],
                           rebases=starts.get((indicator, team), ()))
        count = len(read.points)
        for column, value in (("indicator", indicator), ("team", team), ("breakdown", breakdown)):
            points[column].extend([value] * count)
        for column in _POINT_FIELDS:
            points[column].extend(map(attrgetter(column), read.points))
        points["rule"].extend(map(words.rules.get, map(attrgetter("rule_key"), read.points)))
        points["variation"].extend(map(words.variation.get, map(attrgetter("variation_key"), read.points)))
        verdict = read.latest
        last = verdict.point
        latest.append((indicator, team, breakdown, last.period, last.value, last.centre, last.lower_limit,
                       last.upper_limit, last.target, words.rules.get(last.rule_key),
                       words.variation[last.variation_key], verdict.assurance, verdict.points, verdict.provisional,
                       last.limits_from))
    return _table(points), _frame(latest, LATEST_COLUMNS)


_TYPES = {"period": pa.date32(), "limits_from": pa.date32(), "provisional": pa.bool_(), "part": pa.int32(),
          "points": pa.int32(), "indicator": pa.string(), "team": pa.string(), "breakdown": pa.string(),
          "rule": pa.string(), "variation": pa.string(), "assurance": pa.string()}


def _table(columns: dict[str, list]) -> pa.Table:
    """Columns as an Arrow table, each typed (a number column is float64; None stays NULL)."""
    return pa.table({name: pa.array(values, type=_TYPES.get(name, pa.float64())) for name, values in columns.items()})


def _frame(rows: list[tuple], columns: list[str]) -> pa.Table:
    values = [list(column) for column in zip(*rows)] if rows else [[] for _ in columns]
    return _table(dict(zip(columns, values)))


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a write transaction: replace the SPC tables from the kpi rows and rebases in force,
    then the loop's tables (which read the same figures: one refresh does both)."""
    refresh_spc(con)
    loop_tables.refresh(con)
    store.set_setting(con, BASIS_KEY, basis())


def refresh_spc(con: duckdb.DuckDBPyConnection) -> None:
    """The SPC tables alone (bench/spc.py times this part)."""
    series = con.execute(_sql("spc_series")).fetchall()
    rebases = con.execute(_sql("spc_rebases_in_force")).fetchall()
    points, latest = series_frames(series, rebases)
    con.execute(_sql("spc_tables_clear")).fetchall()
    for name, frame in (("spc_points", points), ("spc_latest", latest)):
        if frame.num_rows:
            con.register(f"{name}_frame", frame)
            try:
                con.execute(_sql(f"{name}_insert")).fetchall()
            finally:
                con.unregister(f"{name}_frame")


def refresh_if_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the tables of a database written before them, or under another method or catalogue."""
    if store.get_setting(con, BASIS_KEY) != basis():
        refresh(con)
