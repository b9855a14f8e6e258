"""The SPC tables behind the `kpi_spc` views, worked out again from the kpi rows in force.

`refresh(con)` runs inside the write transaction of every load, undo and rebase (and once on
an older database, see `refresh_if_stale`), so what other tools read from the views always
matches the figures: it reads every series (`queries/spc_series.sql`) and the rebases in force,
reads each with the pure `qa_dashboard.spc`, and replaces `spc_points` and `spc_latest`.
"""
from __future__ import annotations

import hashlib
import itertools

import duckdb
import pyarrow as pa

from qa_dashboard import contract, spc, store

# Written to meta when the tables are filled; a database whose tables were filled under another
# method or catalogue (an older release, or none at all) is filled again at its next write.
BASIS_KEY = "spc_basis"
METHOD = "NHSRplotthedots 0.2.2; months absent when blank; rebase at the first figure in or after its month"

POINT_COLUMNS = ["period", "indicator", "team", "breakdown", "value", "centre", "lower_limit", "upper_limit",
                 "lower_near", "upper_near", "target", "rule", "variation", "provisional", "limits_from", "part"]
LATEST_COLUMNS = ["indicator", "team", "breakdown", "period", "value", "centre", "lower_limit", "upper_limit",
                  "target", "rule", "variation", "assurance", "points", "provisional", "limits_from"]


def _sql(name: str) -> str:
    from qa_dashboard.queries import queries  # queries imports store: named here, when first used

    return queries.sql(name)


def basis() -> str:
    """What the tables depend on besides the data: the method and the catalogue's words and polarities."""
    spec = contract.load()
    words = spec.spc
    text = repr((METHOD, sorted((i.code, i.better) for i in spec.indicators),
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
    points, latest = [], []
    for (indicator, team, breakdown), rows in itertools.groupby(series, key=lambda r: r[:3]):
        rows = list(rows)
        read = spc.analyse([r[4] for r in rows], [r[5] for r in rows], rows[0][3], [r[6] for r in rows],
                           rebases=starts.get((indicator, team), ()))
        points += [(p.period, indicator, team, breakdown, p.value, p.centre, p.lower_limit, p.upper_limit,
                    p.lower_near, p.upper_near, p.target, words.rules.get(p.rule_key),
                    words.variation[p.variation_key], p.provisional, p.limits_from, p.part) for p in read.points]
        verdict = read.latest
        last = verdict.point
        latest.append((indicator, team, breakdown, last.period, last.value, last.centre, last.lower_limit,
                       last.upper_limit, last.target, words.rules.get(last.rule_key),
                       words.variation[last.variation_key], verdict.assurance, verdict.points, verdict.provisional,
                       last.limits_from))
    return _frame(points, POINT_COLUMNS), _frame(latest, LATEST_COLUMNS)


_TYPES = {"period": pa.date32(), "limits_from": pa.date32(), "provisional": pa.bool_(), "part": pa.int32(),
          "points": pa.int32(), "indicator": pa.string(), "team": pa.string(), "breakdown": pa.string(),
          "rule": pa.string(), "variation": pa.string(), "assurance": pa.string()}


def _frame(rows: list[tuple], columns: list[str]) -> pa.Table:
    """Rows as an Arrow table, each column typed (a number column is float64; None stays NULL)."""
    values = list(zip(*rows)) if rows else [()] * len(columns)
    return pa.table({name: pa.array(list(column), type=_TYPES.get(name, pa.float64()))
                     for name, column in zip(columns, values)})


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a write transaction: replace the SPC tables from the kpi rows and rebases in force."""
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
    store.set_setting(con, BASIS_KEY, basis())


def refresh_if_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the tables of a database written before them, or under another method or catalogue."""
    if store.get_setting(con, BASIS_KEY) != basis():
        refresh(con)
