"""Write checked records into the database: one transaction per file, history kept, undo exact.

A row whose natural key is already loaded supersedes the current one (which stays, marked
`superseded_by`); a row identical to the current one changes nothing, which is why loading the
same file twice changes nothing the second time. Anonymous feedback rows have no key: a file's
anonymous rows replace the earlier anonymous rows of the same source and month, unless they
are exactly the same rows.

Records reach DuckDB as an Arrow table built with the table's own column types, so DuckDB
scans typed columns instead of inspecting Python objects one by one.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from qa_dashboard import contract, plain_text, store
from qa_dashboard.ingest import dfe, ofsted
from qa_dashboard.ingest.validate import Records

TABLES = {"kpi": "kpi_rows", "audits": "audit_rows", "workforce": "workforce_rows",
          "feedback": "feedback_rows", "teams": "team_rows", "actions": "action_rows", "themed_audits": "themed_audit_rows",
          **dfe.TABLES, ofsted.DATASET: ofsted.TABLE}
# Kept per row beside the contract's columns: which practice-area columns an audit's file had,
# so an area left blank (not judged) is told apart from one the file never asked about.
PRACTICE_AREAS_IN_FILE = "practice_areas_in_file"
KEPT_BESIDE = {"audits": (PRACTICE_AREAS_IN_FILE,)}
# Key columns that may be blank and still identify a row (matched as '').
_NULLABLE_KEYS = {"team", "breakdown", "question"}
# Load order: reference lists first so views can resolve service areas at once.
LOAD_ORDER = ["teams", "actions", "themed_audits", "kpi", "audits", "workforce", "feedback", dfe.NEIGHBOURS_DATASET,
              dfe.STATISTICS_DATASET, ofsted.DATASET]
_ARROW_TYPES = {"DOUBLE": pa.float64(), "INTEGER": pa.int64(), "VARCHAR": pa.string(),
                "DATE": pa.date32(), "BOOLEAN": pa.bool_(), "VARCHAR[]": pa.list_(pa.string())}


class NothingNew(Exception):
    """Every row of the file is already loaded exactly so: the load is rolled back unrecorded."""


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return dict(store.run(con, "SELECT column_name, data_type FROM information_schema.columns "
                               "WHERE table_name = ? AND table_schema = 'main'", [table]))


def _layout(dataset: str) -> tuple[list[str], list[str]]:
    """(columns stored, natural key) of a dataset: the contract's sheets, or DfE's published files."""
    if dataset in dfe.KEYS:
        return list(dfe.COLUMNS[dataset]), list(dfe.KEYS[dataset])
    if dataset == ofsted.DATASET:
        return list(ofsted.COLUMNS), list(ofsted.KEY)
    return [*contract.load().stored_columns(dataset), *KEPT_BESIDE.get(dataset, ())], \
        list(contract.load().sheets[dataset].key)


def _arrow(records: Records, columns: list[str], types: dict[str, str]) -> pa.Table:
    return pa.table({name: pa.array(records.columns[name], type=_ARROW_TYPES[types[name]]) for name in columns})


def _key_match(key: list[str], left: str, right: str) -> str:
    return " AND ".join(
        f"coalesce({left}.{name}, '') = coalesce({right}.{name}, '')" if name in _NULLABLE_KEYS
        else f"{left}.{name} = {right}.{name}"
        for name in key)


def _same_values(columns: list[str], left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in columns)


def load_records(con: duckdb.DuckDBPyConnection, upload_id: int, records: Records) -> tuple[int, int]:
    """Stage one dataset and merge it; returns (rows added, rows superseded)."""
    if not len(records):
        return 0, 0
    table = TABLES[records.dataset]
    columns, key = _layout(records.dataset)
    con.register("incoming", _arrow(records, columns, _column_types(con, table)))
    try:
        store.run(con, "CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM incoming")
    finally:
        con.unregister("incoming")
    column_list = ", ".join(columns)
    keyed = "staged.response_id IS NOT NULL" if records.dataset == "feedback" else "true"
    store.run(con, f"""
        CREATE OR REPLACE TEMP TABLE changed AS
        SELECT * FROM staged WHERE {keyed} AND NOT EXISTS (
            SELECT 1 FROM {table} cur
            WHERE cur.superseded_by IS NULL AND {_key_match(key, 'cur', 'staged')}
              AND {_same_values(columns, 'cur', 'staged')})
    """)
    superseded = store.run(con, f"""
        UPDATE {table} SET superseded_by = ? WHERE superseded_by IS NULL AND EXISTS (
            SELECT 1 FROM changed WHERE {_key_match(key, table, 'changed')})
    """, [upload_id])[0][0]
    added = store.run(con, f"""
        INSERT INTO {table} ({column_list}, upload_id, superseded_by)
        SELECT {column_list}, ?, NULL FROM changed
    """, [upload_id])[0][0]
    if records.dataset == "feedback":
        more_added, more_superseded = _merge_anonymous_feedback(con, table, column_list, upload_id)
        added += more_added
        superseded += more_superseded
    return added, superseded


def _merge_anonymous_feedback(con, table: str, column_list: str, upload_id: int) -> tuple[int, int]:
    """Replace the anonymous answers of each (source, month) the file brings, unless identical."""
    group = "coalesce(source, '') AS source_key, date_trunc('month', response_date) AS month"
    # hash() is only compared within this one statement, never stored, so a DuckDB upgrade
    # cannot make old rows look changed.
    store.run(con, f"""
        CREATE OR REPLACE TEMP TABLE changed_groups AS
        WITH incoming AS (
            SELECT {group}, list_sort(list(hash({column_list}))) AS hashes
            FROM staged WHERE response_id IS NULL GROUP BY ALL),
        loaded AS (
            SELECT {group}, list_sort(list(hash({column_list}))) AS hashes
            FROM {table} WHERE superseded_by IS NULL AND response_id IS NULL GROUP BY ALL)
        SELECT i.source_key, i.month FROM incoming i
        LEFT JOIN loaded l ON l.source_key = i.source_key AND l.month = i.month
        WHERE l.hashes IS NULL OR l.hashes <> i.hashes
    """)
    in_changed_group = ("response_id IS NULL AND (coalesce(source, ''), date_trunc('month', response_date)) "
                        "IN (SELECT source_key, month FROM changed_groups)")
    superseded = store.run(con, f"UPDATE {table} SET superseded_by = ? WHERE superseded_by IS NULL AND {in_changed_group}",
                           [upload_id])[0][0]
    added = store.run(con, f"INSERT INTO {table} ({column_list}, upload_id, superseded_by) "
                           f"SELECT {column_list}, ?, NULL FROM staged WHERE {in_changed_group}", [upload_id])[0][0]
    return added, superseded


def register_custom_indicators(con: duckdb.DuckDBPyConnection, upload_id: int, records: Records) -> None:
    for custom in records.custom_indicators.values():
        store.run(con,
            "INSERT INTO indicator_catalogue VALUES (?, ?, ?, ?, false, 1000, true, ?) ON CONFLICT DO NOTHING",
            [custom.code, custom.label, custom.unit, custom.polarity, upload_id],
        )


def next_upload_id(con: duckdb.DuckDBPyConnection) -> int:
    return store.run(con, "SELECT coalesce(max(upload_id), 0) + 1 FROM upload_log")[0][0]


def record_upload(con, upload_id: int, file_name: str, sha256: str, user: str,
                  per_dataset: list[tuple[str, int, int, int, int]]) -> None:
    added = sum(s[2] for s in per_dataset)
    superseded = sum(s[3] for s in per_dataset)
    store.run(con, "INSERT INTO upload_log VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, NULL)",
              [upload_id, file_name, sha256, dt.datetime.now().replace(microsecond=0),
               plain_text.clean_name(user or "")[0], added, superseded])  # as typed at sign-in or --user: cleaned as a name
    store.run_many(con, "INSERT INTO upload_sheet_log VALUES (?, ?, ?, ?, ?, ?)",
                   [(upload_id, *sheet) for sheet in per_dataset])


def undo_latest(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Undo the latest load still in force; returns what it was, or None when there is none."""
    rows = store.run(con,
        "SELECT upload_id, file_name, loaded_at, rows_added, rows_superseded FROM upload_log "
        "WHERE status = 'loaded' ORDER BY upload_id DESC LIMIT 1")
    if not rows:
        return None
    upload_id, file_name, loaded_at, rows_added, rows_superseded = rows[0]
    published = store.run(con, "SELECT 1 FROM upload_sheet_log WHERE upload_id = ? AND sheet IN (?, ?)",
                          [upload_id, *dfe.TABLES])
    for table in TABLES.values():
        store.run(con, f"DELETE FROM {table} WHERE upload_id = ?", [upload_id])
        store.run(con, f"UPDATE {table} SET superseded_by = NULL WHERE superseded_by = ?", [upload_id])
    store.run(con, "DELETE FROM indicator_catalogue WHERE custom AND upload_id = ?", [upload_id])
    from qa_dashboard.ingest import annex  # an Annex A load's record of its extract goes with it

    annex.forget(con, upload_id)
    store.run(con, "UPDATE upload_log SET status = 'undone', undone_at = ? WHERE upload_id = ?",
              [dt.datetime.now().replace(microsecond=0), upload_id])
    from qa_dashboard.store import position_tables as positions

    if published or positions.is_stale(con):  # DfE figures or neighbours went: the positions follow
        positions.store_positions(con)
    return {"upload_id": upload_id, "file_name": file_name, "loaded_at": loaded_at,
            "rows_added": rows_added, "rows_superseded": rows_superseded}
