"""The tables behind the `early_warnings` and `loop_verdicts` views, worked out again from the
kpi rows, rebases, linked themed audits and actions, and published bands in force.

`refresh(con)` runs inside the write transaction of every load, undo and rebase, right after the
SPC tables (`spc_tables.refresh` calls it; a load that changes only the plan or the themed audits
calls it alone): it reads every authority and team series (`queries/loop_series.sql`), reads each
with the pure `qa_dashboard.loop`, and replaces `loop_warning_rows` and `loop_verdict_rows`. The
band D warning reads the `benchmark_positions` view, which the load has brought up to date first.
"""
from __future__ import annotations

import itertools

import duckdb
import pyarrow as pa

from qa_dashboard import loop

METHOD = "loop 1: warnings month by month on the figures to then; verdicts fixed on the points to the latest completion"

WARNING_COLUMNS = {"indicator": pa.string(), "team": pa.string(), "period": pa.date32(), "reasons": pa.string(),
                   "concern": pa.bool_(), "fails": pa.bool_(), "red": pa.bool_(), "band": pa.bool_()}
VERDICT_COLUMNS = {"indicator": pa.string(), "team": pa.string(), "since": pa.date32(), "kind": pa.string(),
                   "reference": pa.string(), "points_before": pa.int32(), "points_since": pa.int32(),
                   "variation": pa.string(), "centre": pa.float64(), "lower_limit": pa.float64(),
                   "upper_limit": pa.float64(), "verdict": pa.string()}


def _sql(name: str) -> str:
    from qa_dashboard.queries import queries  # queries imports store: named here, when first used

    return queries.sql(name)


def loop_rows(series: list[tuple], rebases: list[tuple], links: list[tuple], bands: list[tuple]) -> tuple[list, list]:
    """(warning rows, verdict rows) for every series. `series`: loop_series.sql's rows (indicator,
    team, polarity, unit, period, value, target); `rebases`: spc_rebases_in_force.sql's (indicator,
    team, month, ...); `links`: loop_links_completed.sql's; `bands`: loop_bands.sql's (indicator,
    year, band, rank, of_count)."""
    starts: dict[tuple, list] = {}
    for indicator, team, month, *_ in rebases:
        starts.setdefault((indicator, team), []).append(month)
    linked: dict[str, list[loop.Link]] = {}
    for row in links:
        linked.setdefault(row[0], []).append(loop.Link(*row))
    published: dict[str, list[loop.Band]] = {}
    for indicator, *band in bands:
        published.setdefault(indicator, []).append(loop.Band(*band))
    warnings, verdicts = [], []
    for (indicator, team), rows in itertools.groupby(series, key=lambda r: r[:2]):
        rows = list(rows)
        polarity, unit = rows[0][2], rows[0][3]
        periods, values, targets = [r[4] for r in rows], [r[5] for r in rows], [r[6] for r in rows]
        for w in loop.warnings(periods, values, polarity, targets, unit=unit, rebases=starts.get((indicator, team), ()),
                               bands=published.get(indicator, ()) if team is None else ()):
            warnings.append((indicator, team, w.period, w.text, w.concern, w.fails, w.red, w.band))
        if indicator in linked:
            v = loop.verdict(periods, values, polarity, linked[indicator], targets, unit=unit)
            verdicts.append((indicator, team, v.since, v.kind, v.reference, v.points_before, v.points_since,
                             v.variation, v.centre, v.lower_limit, v.upper_limit, v.sentence))
    return warnings, verdicts


def _table(rows: list[tuple], types: dict[str, pa.DataType]) -> pa.Table:
    columns = [list(column) for column in zip(*rows)] if rows else [[] for _ in types]
    return pa.table({name: pa.array(values, type=kind) for (name, kind), values in zip(types.items(), columns)})


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a write transaction: replace the loop tables from the data in force."""
    series = con.execute(_sql("loop_series")).fetchall()
    rebases = con.execute(_sql("spc_rebases_in_force")).fetchall()
    links = con.execute(_sql("loop_links_completed")).fetchall()
    bands = con.execute(_sql("loop_bands")).fetchall()
    warnings, verdicts = loop_rows(series, rebases, links, bands)
    con.execute(_sql("loop_tables_clear")).fetchall()
    for name, rows, types in (("loop_warning_rows", warnings, WARNING_COLUMNS),
                              ("loop_verdict_rows", verdicts, VERDICT_COLUMNS)):
        if rows:
            con.register(f"{name}_frame", _table(rows, types))
            try:
                con.execute(_sql(f"{name}_insert")).fetchall()
            finally:
                con.unregister(f"{name}_frame")
