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
import pandas as pd

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


def series_frames(series: pd.DataFrame, rebases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every series of `series` (spc_series.sql's rows) read with spc.py: (points, latest)."""
    starts: dict[tuple, list] = {}
    for row in rebases.itertuples(index=False):
        starts.setdefault((row.indicator, _text(row.team)), []).append(row.month)
    points, latest = [], []
    records = series.to_dict("records")
    for (indicator, team, breakdown), rows in itertools.groupby(
            records, key=lambda r: (r["indicator"], _text(r["team"]), _text(r["breakdown"]))):
        rows = list(rows)
        read = spc.analyse([r["period"] for r in rows], [r["value"] for r in rows], rows[0]["polarity"],
                           [r["target"] for r in rows], rebases=starts.get((indicator, team), ()))
        key = {"indicator": indicator, "team": team, "breakdown": breakdown}
        points += [{**key, **p.row()} for p in read.points]
        verdict = read.latest
        last = verdict.point
        latest.append({**key, "period": last.period, "value": last.value, "centre": last.centre,
                       "lower_limit": last.lower_limit, "upper_limit": last.upper_limit, "target": last.target,
                       "rule": last.rule, "variation": last.variation, "assurance": verdict.assurance,
                       "points": verdict.points, "provisional": verdict.provisional,
                       "limits_from": verdict.limits_from})
    return _frame(points, POINT_COLUMNS), _frame(latest, LATEST_COLUMNS)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("period", "limits_from"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("team", "breakdown", "rule", "variation", "assurance", "indicator"):
        if column in frame:
            frame[column] = frame[column].astype(object)
    return frame


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a write transaction: replace the SPC tables from the kpi rows and rebases in force."""
    series = con.execute(_sql("spc_series")).df()
    rebases = con.execute(_sql("spc_rebases_in_force")).df()
    points, latest = series_frames(series, rebases)
    con.execute(_sql("spc_tables_clear")).fetchall()
    for name, frame in (("spc_points", points), ("spc_latest", latest)):
        if len(frame):
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
