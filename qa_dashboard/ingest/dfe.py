"""DfE's published CSVs -> checked cells, recognised by their columns, never their file names.

Two layouts arrive through the same upload page and `python -m qa_dashboard ingest`:
- Explore Education Statistics (EES) files: `time_period, geographic_level, ..., old_la_code,
  new_la_code, la_name`, then filter columns (a category, an age group) and one column per
  measure. Which publication a file is comes from its measure columns (PUBLICATIONS). Columns
  are found by name, so their order does not matter, and every measure column is kept (long
  form, one row per cell), so a new indicator needs a line in the `dfe_figures` view, not a reload.
- DfE's statistical-neighbour model (`old_la_code, la_name, ..., SN_1, SN_1P, ... SN_10P`).

A suppressed cell (`c`, `x`, `z`, `low`, `k`, `u`, `:`) is stored with its symbol and no value,
and counted: the count per file is a warning the officer reads before loading. `low` and `k`
mean "small but not zero", so none of them may ever become 0.

Authorities are keyed by their old three-digit code, which stays put when ONS recodes an
authority (North Yorkshire, Somerset, Buckinghamshire, Barnsley, Sheffield). A joint return
(`314 / 318`: Kingston upon Thames and Richmond upon Thames publish their workforce figures
together) is stored once per member with `joint_return` naming it; a member's own row for the
same year wins over the joint one.

The cells come from `read.read_file`, as every other upload's do, so the same size limits
apply; the checking is set-based SQL on a scratch in-memory DuckDB, so checking a 2,000-row,
30-column file takes milliseconds and pandas is never imported for it. The checked cells are
`Records` like any sheet's, and load through the same merge (`load.load_records`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePath

import duckdb
import pyarrow as pa

from qa_dashboard import plain_text
from qa_dashboard.ingest.problems import ERROR, WARNING, Problem
from qa_dashboard.ingest.read import RawSheet
from qa_dashboard.ingest.results import DatasetSummary
from qa_dashboard.ingest.validate import Records

# DfE's symbols for a figure it does not publish: c confidential, x not available, z not
# applicable, low and k "rounds to zero but is not zero", u low reliability, : not available.
SUPPRESSED = ("c", "x", "z", "low", "k", "u", ":")
GEOGRAPHY_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                     "region_code", "region_name", "old_la_code", "new_la_code", "la_name")
GEOGRAPHIC_LEVELS = ("National", "Regional", "Local authority")
ENGLAND = "E92000001"
STATISTICS_DATASET = "dfe_statistics"
NEIGHBOURS_DATASET = "dfe_neighbours"
NEIGHBOUR_MODEL_TITLE = "DfE statistical-neighbour model"
_SHOWN_CELL_PROBLEMS = 20


@dataclass(frozen=True)
class Publication:
    key: str                       # dfe_rows.publication
    title: str                     # as an officer knows it
    identified_by: frozenset[str]  # measure columns only this publication has
    filters: tuple[str, ...]       # columns that split a figure (category, age group, ...)
    as_at_month: int               # when in the year the figures describe
    as_at_year_offset: int = 0

    def as_at(self, year: int) -> dt.date:
        """The date a `time_period` describes: 31 March for the year's returns, 30 June for ONS
        mid-year estimates, 30 September of the year before for the workforce census."""
        last_day = {3: 31, 6: 30, 9: 30}.get(self.as_at_month, 1)
        return dt.date(year + self.as_at_year_offset, self.as_at_month, last_day)


PUBLICATIONS = (
    Publication("referrals", "DfE referrals and re-referrals (children in need census, c1)",
                frozenset({"referral_count", "rereferral_count"}), ("category",), 3),
    Publication("children_in_need", "DfE children in need (children in need census, b1)",
                frozenset({"at31_episodes", "anypoint_episodes"}), ("category",), 3),
    Publication("workforce", "DfE children's social work workforce indicators (csww)",
                frozenset({"agency_rate_fte", "caseload_fte"}), (), 9, -1),
    Publication("population", "ONS mid-year population estimates (DfE's copy)",
                frozenset({"population_estimate"}), ("age_group",), 6),
    Publication("placement_stability", "DfE placement stability of children looked after",
                frozenset({"children_percent", "placement_stability"}), ("cla_group", "placement_stability"), 3),
)

_STATISTICS_COLUMNS = ("publication", "year", "geographic_level", "area_key", "region_code", "region_name",
                       "old_la_code", "new_la_code", "la_name", "joint_return", "breakdown", "measure", "value",
                       "suppressed")
_STATISTICS_KEY = ("publication", "year", "geographic_level", "area_key", "breakdown", "measure")
_NEIGHBOUR_COLUMNS = ("old_la_code", "la_name", "region_name", "rank", "neighbour_old_code", "closeness")
_NEIGHBOUR_KEY = ("old_la_code", "rank")


# How the loader stores each dataset: its table and natural key (`load.load_records`).
TABLES = {STATISTICS_DATASET: "dfe_rows", NEIGHBOURS_DATASET: "statistical_neighbours"}
COLUMNS = {STATISTICS_DATASET: _STATISTICS_COLUMNS, NEIGHBOURS_DATASET: _NEIGHBOUR_COLUMNS}
KEYS = {STATISTICS_DATASET: _STATISTICS_KEY, NEIGHBOURS_DATASET: _NEIGHBOUR_KEY}


# ------------------------------------------------------------------------ recognising --
def header_of(raw: RawSheet) -> list[str] | None:
    """A CSV's first line as lower-case column names; None for a workbook's sheet or an empty file."""
    if not raw.from_csv or not raw.rows:
        return None
    return [str(c).strip().lower() for c in raw.rows[0]]


def is_statistics_layout(header: list[str]) -> bool:
    columns = set(header)
    return {"time_period", "geographic_level"} <= columns and bool({"old_la_code", "new_la_code"} & columns)


def is_neighbour_model(header: list[str]) -> bool:
    return {"old_la_code", "sn_1"} <= set(header) and "time_period" not in header


def publication_of(header: list[str]) -> Publication | None:
    columns = set(header)
    return next((p for p in PUBLICATIONS if p.identified_by <= columns), None)


def published_sheet(raw_sheets: list[RawSheet]) -> RawSheet | None:
    """The sheet to read as a DfE file: a CSV whose columns are one of DfE's layouts."""
    if len(raw_sheets) != 1 or (header := header_of(raw_sheets[0])) is None:
        return None
    return raw_sheets[0] if is_neighbour_model(header) or is_statistics_layout(header) else None


def read_published(file_name: str, raw: RawSheet) -> tuple[dict[str, Records], dict[str, DatasetSummary], list[Problem]]:
    """(records, summaries, problems) for a DfE file, read by `published_sheet`."""
    header = header_of(raw)
    reader = _neighbour_model if is_neighbour_model(header) else _statistics
    return _checked(file_name, raw, header, reader)


def _sheet(file_name: str) -> str:
    return PurePath(file_name).stem  # as read.py names a CSV's one sheet


def _problem(file_name: str, message: str, *, row=None, column="", value="", severity=ERROR) -> Problem:
    return Problem(sheet=_sheet(file_name), row=row, column=column, value=value, message=message,
                   severity=severity, file=file_name)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _checked(file_name: str, raw: RawSheet, header: list[str], reader):
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        return {}, {}, [_problem(file_name, "Two columns have this name; keep one.", column=name) for name in repeated]
    table, ragged = _cells_table(raw, len(header))
    if ragged:
        row, width = ragged
        return {}, {}, [_problem(file_name, f"This row has {width} cells but the header has {len(header)} columns, "
                                            "so the file cannot be read as a table. Download it again and upload that.",
                                 row=row)]
    cleaned = _clean_at_the_door(file_name, header, table)
    # A scratch database in memory (checking never touches the dashboard's), on one thread: the
    # tables are small, and more threads only cost start-up time on a busy machine.
    con = duckdb.connect(config={"threads": 1})
    try:
        con.register("raw", pa.table({**dict(zip(header, table[:-1])), "excel_row": table[-1]}))
        records, summaries, problems = reader(con, file_name, header)
        return records, summaries, cleaned + problems
    finally:
        con.close()


def _clean_at_the_door(file_name: str, header: list[str], table: list[pa.Array]) -> list[Problem]:
    """Every cell of a published file is a code, a figure or a name (an area's, a measure's): none
    may keep a control or bidirectional character (`plain_text.clean_name`). Each cell cleaned is
    a warning naming it; the columns are replaced in `table`."""
    problems = []
    for j, name in enumerate(header):
        cells = table[j].to_pylist()
        if not plain_text.may_need_cleaning("".join(c for c in cells if c)):
            continue  # the common case: one search over the column
        for i, cell in enumerate(cells):
            if cell and (found := plain_text.clean_name(cell)[1]):
                cells[i] = plain_text.clean_name(cell)[0]
                problems.append(_problem(file_name, f"The cell held {plain_text.describe_characters(found)}, which "
                                         "the dashboard removes from names: it is loaded as the value shown.",
                                         row=table[-1][i].as_py(), column=name, value=cells[i], severity=WARNING))
        table[j] = pa.array(cells, type=pa.string())
    return problems


def _cells_table(raw: RawSheet, width: int) -> tuple[list[pa.Array], tuple[int, int] | None]:
    """Every cell as text (a suppression symbol is text), column by column, then the row number
    as Excel shows it; blank lines are skipped. Or the first row whose width is not the
    header's, as (row, cells)."""
    rows, excel_rows = [], []
    for index, row in enumerate(raw.rows[1:], start=1):
        if not any(row):
            continue
        if len(row) != width:
            return [], (raw.excel_row(index), len(row))
        rows.append(row)
        excel_rows.append(raw.excel_row(index))
    columns = [pa.array(column, type=pa.string()) for column in zip(*rows)] if rows else \
              [pa.array([], type=pa.string()) for _ in range(width)]
    return [*columns, pa.array(excel_rows, type=pa.int64())], None


# ------------------------------------------------------------- EES statistics files --
def _statistics(con, file_name: str, header: list[str]):
    publication = publication_of(header)
    if publication is None:
        known = "; ".join(p.title for p in PUBLICATIONS) + f"; the {NEIGHBOUR_MODEL_TITLE}"
        return {}, {}, [_problem(file_name,
            f"This is a DfE published file (Explore Education Statistics layout) but not one the dashboard reads. "
            f"It reads: {known}.")]
    missing = [name for name in publication.filters if name not in header]
    if missing:
        return {}, {}, [_problem(file_name, f"The {publication.title} file needs this column; download the file "
                                            "again from Explore Education Statistics.", column=name) for name in missing]
    measures = [c for c in header if c not in GEOGRAPHY_COLUMNS and c not in publication.filters]
    if not measures:
        return {}, {}, [_problem(file_name, "The file has no figure columns after its geography and filter columns.")]
    problems = _shape_rows(con, file_name, header, publication)
    problems += _split_joint_returns(con, file_name)
    problems += _duplicate_area_problems(con, file_name)
    text_columns = _unpivot(con, measures)
    problems += _bad_cell_problems(con, file_name)
    # Counted as the file holds them: a joint return's cell is one cell, however many members share it.
    suppressed = dict(con.execute("""SELECT symbol, count(DISTINCT (excel_row, measure)) FROM cells
                                     WHERE is_suppressed GROUP BY symbol ORDER BY symbol""").fetchall())
    cells = con.sql(f"""
        SELECT '{publication.key}' AS publication, year, geographic_level, area_key,
               nullif(region_code, '') AS region_code, nullif(region_name, '') AS region_name,
               nullif(old_la_code, '') AS old_la_code, nullif(new_la_code, '') AS new_la_code,
               nullif(la_name, '') AS la_name, joint_return, breakdown, measure,
               CASE WHEN is_suppressed THEN NULL ELSE number END AS value,
               CASE WHEN is_suppressed THEN symbol END AS suppressed, excel_row
        FROM cells WHERE NOT is_bad ORDER BY excel_row, measure
    """).to_arrow_table()
    first, last = con.execute("SELECT min(year), max(year) FROM cells WHERE NOT is_bad").fetchone()

    summary = DatasetSummary(dataset=publication.title, sheets=[_sheet(file_name)], rows_read=cells.num_rows,
                             suppressed=suppressed)
    if first is not None:
        summary.first_period, summary.last_period = publication.as_at(first), publication.as_at(last)
    if suppressed:
        counts = ", ".join(f"{symbol} {count:,}" for symbol, count in suppressed.items())
        problems.append(_problem(file_name, f"{summary.suppressed_cells:,} suppressed cells ({counts}) are loaded as "
                                            "missing, never as zero; charts leave a gap there.", severity=WARNING))
    for level, count in con.execute("SELECT geographic_level, count(*) FROM skipped GROUP BY ALL ORDER BY 1").fetchall():
        problems.append(_problem(file_name, f"{count:,} rows at geographic level {level!r} are not used: the "
                                            "dashboard compares England, regions and local authorities.",
                                 column="geographic_level", severity=WARNING))
    for name in text_columns:
        problems.append(_problem(file_name, "This column holds text, not figures, so it is not loaded.",
                                 column=name, severity=WARNING))
    return {STATISTICS_DATASET: _records(STATISTICS_DATASET, file_name, cells)}, {STATISTICS_DATASET: summary}, problems


def _text(header: list[str], name: str) -> str:
    return f"trim({_quoted(name)})" if name in header else "''"


def _shape_rows(con, file_name: str, header: list[str], publication: Publication) -> list[Problem]:
    """`data_rows`: one per data row with its year (ending 31 March; `202425` reads as 2025), area
    key and breakdown; rows at other geographic levels go to `skipped`."""
    breakdown = " || ' | ' || ".join(f"trim({_quoted(f)})" for f in publication.filters) or "''"
    measures = ", ".join(_quoted(c) for c in header if c not in GEOGRAPHY_COLUMNS and c not in publication.filters)
    con.execute(f"""
        CREATE TEMP TABLE shaped AS
        SELECT excel_row, trim(time_period) AS time_period,
               CASE WHEN regexp_full_match(trim(time_period), '[0-9]{{4}}') THEN CAST(trim(time_period) AS INTEGER)
                    WHEN regexp_full_match(trim(time_period), '[0-9]{{6}}') THEN CAST(left(trim(time_period), 4) AS INTEGER) + 1
               END AS year,
               trim(geographic_level) AS geographic_level, {_text(header, 'country_code')} AS country_code,
               {_text(header, 'region_code')} AS region_code, {_text(header, 'region_name')} AS region_name,
               {_text(header, 'old_la_code')} AS old_la_code, {_text(header, 'new_la_code')} AS new_la_code,
               {_text(header, 'la_name')} AS la_name, {breakdown} AS breakdown, {measures}
        FROM raw
    """)
    levels = ", ".join(f"'{level}'" for level in GEOGRAPHIC_LEVELS)
    con.execute(f"CREATE TEMP TABLE skipped AS SELECT geographic_level FROM shaped WHERE geographic_level NOT IN ({levels})")
    con.execute(f"""
        CREATE TEMP TABLE data_rows AS
        SELECT * REPLACE (CAST(year AS INTEGER) AS year),
               CASE geographic_level WHEN 'National' THEN coalesce(nullif(country_code, ''), '{ENGLAND}')
                                     WHEN 'Regional' THEN region_code
                                     ELSE coalesce(nullif(old_la_code, ''), new_la_code) END AS area_key,
               CAST(NULL AS VARCHAR) AS joint_return
        FROM shaped WHERE year IS NOT NULL AND geographic_level IN ({levels})
    """)
    problems = [_problem(file_name, "time_period should be a year such as 2025 (the year ending 31 March 2025).",
                         row=row, column="time_period", value=value)
                for row, value in con.execute(
                    "SELECT excel_row, time_period FROM shaped WHERE year IS NULL ORDER BY excel_row").fetchall()]
    needed = {"Regional": ("region_code", "its region_code"),
              "Local authority": ("old_la_code", "its old_la_code or new_la_code")}
    problems += [_problem(file_name, f"A {level.lower()} row needs {needed[level][1]}; without it the figures "
                                     "cannot be placed.", row=row, column=needed[level][0])
                 for row, level in con.execute(
                     "SELECT excel_row, geographic_level FROM data_rows WHERE area_key = '' ORDER BY excel_row").fetchall()]
    con.execute("DELETE FROM data_rows WHERE area_key = ''")
    return problems


def _split_joint_returns(con, file_name: str) -> list[Problem]:
    """`314 / 318` with `E09000021 / E09000027` and `Kingston upon Thames / Richmond upon Thames`
    becomes one row per member authority carrying the joint return's figures."""
    joint = "geographic_level = 'Local authority' AND contains(area_key, '/')"
    parts = """list_transform(string_split(old_la_code, '/'), lambda x: trim(x)) AS old_codes,
               list_transform(string_split(new_la_code, '/'), lambda x: trim(x)) AS new_codes,
               list_transform(string_split(la_name, ' / '), lambda x: trim(x)) AS names"""
    con.execute(f"CREATE TEMP TABLE joint AS SELECT *, {parts} FROM data_rows WHERE {joint}")
    problems = [_problem(file_name, "A joint return names as many authorities as it has old and new codes, each "
                                    "separated by ' / '.", row=row, column="la_name", value=name)
                for row, name in con.execute("""
                    SELECT excel_row, la_name FROM joint
                    WHERE len(old_codes) <> len(names) OR (new_la_code <> '' AND len(new_codes) <> len(names))
                    ORDER BY excel_row""").fetchall()]
    con.execute(f"""
        CREATE TEMP TABLE members AS
        SELECT * EXCLUDE (old_la_code, new_la_code, la_name, area_key, joint_return, old_codes, new_codes, names,
                          position),
               old_codes[position] AS old_la_code,
               CASE WHEN new_la_code = '' THEN '' ELSE new_codes[position] END AS new_la_code,
               names[position] AS la_name, old_codes[position] AS area_key, old_la_code AS joint_return
        FROM (SELECT *, unnest(range(1, len(old_codes) + 1)) AS position FROM joint
              WHERE len(old_codes) = len(names) AND (new_la_code = '' OR len(new_codes) = len(names)))
    """)
    # A member's own row for the same year and breakdown wins over the joint return.
    con.execute(f"""
        DELETE FROM data_rows WHERE {joint};
        INSERT INTO data_rows BY NAME
        SELECT * FROM members m WHERE NOT EXISTS (
            SELECT 1 FROM data_rows own WHERE own.geographic_level = 'Local authority' AND own.area_key = m.area_key
              AND own.year = m.year AND own.breakdown = m.breakdown)
    """)
    return problems


def _duplicate_area_problems(con, file_name: str) -> list[Problem]:
    repeated = con.execute("""
        SELECT list(excel_row ORDER BY excel_row), any_value(time_period) FROM data_rows
        GROUP BY year, geographic_level, area_key, breakdown HAVING count(*) > 1 ORDER BY min(excel_row)
    """).fetchall()
    return [_problem(file_name, f"Rows {', '.join(map(str, rows))} give figures for the same year, area and "
                                "breakdown; keep one of them.", row=rows[-1], column="time_period", value=year)
            for rows, year in repeated]


def _unpivot(con, measures: list[str]) -> list[str]:
    """`cells`: one row per measure cell, read as a number or a suppression symbol. Returns the
    measure columns that hold only text (not figures), which are left out."""
    symbols = ", ".join(f"'{s}'" for s in SUPPRESSED)
    # A figure is digits with an optional sign, decimal point, thousands commas or exponent;
    # 'nan' and 'inf' would cast to doubles but are no figures DfE publishes.
    number = ("CASE WHEN regexp_full_match(written, '[-+]?[0-9][0-9,]*([.][0-9]*)?([eE][-+]?[0-9]+)?|[-+]?[.][0-9]+') "
              "THEN TRY_CAST(replace(written, ',', '') AS DOUBLE) END")
    con.execute(f"""
        CREATE TEMP TABLE all_cells AS
        SELECT * EXCLUDE (text), trim(text) AS written FROM (
            UNPIVOT (SELECT * EXCLUDE (time_period, country_code) FROM data_rows)
            ON {', '.join(_quoted(m) for m in measures)} INTO NAME measure VALUE text);
        CREATE TEMP TABLE classified AS
        SELECT *, lower(written) AS symbol, lower(written) IN ({symbols}) AS is_suppressed, {number} AS number
        FROM all_cells
    """)
    text_columns = [name for (name,) in con.execute("""
        SELECT measure FROM classified GROUP BY measure
        HAVING count(number) = 0 AND count(*) FILTER (written <> '' AND NOT is_suppressed) > 0
        ORDER BY measure""").fetchall()]
    con.execute("""
        CREATE TEMP TABLE cells AS
        SELECT *, number IS NULL AND NOT is_suppressed AND written <> '' AS is_bad
        FROM classified WHERE measure NOT IN (SELECT unnest(?::VARCHAR[]))
    """, [text_columns])
    return text_columns


def _bad_cell_problems(con, file_name: str) -> list[Problem]:
    symbols = ", ".join(SUPPRESSED)
    bad = con.execute("SELECT excel_row, measure, written FROM cells WHERE is_bad ORDER BY excel_row, measure").fetchall()
    problems = [_problem(file_name, f"This cell should be a figure or one of DfE's symbols for a figure not "
                                    f"published ({symbols}).", row=row, column=measure, value=written)
                for row, measure, written in bad[:_SHOWN_CELL_PROBLEMS]]
    if len(bad) > _SHOWN_CELL_PROBLEMS:
        problems.append(_problem(file_name, f"{len(bad) - _SHOWN_CELL_PROBLEMS:,} more cells like those above are "
                                            "neither figures nor DfE's symbols; download the file again."))
    return problems


# ------------------------------------------------------------ statistical neighbours --
def _neighbour_model(con, file_name: str, header: list[str]):
    ranks = sorted(int(m.group(1)) for c in header if (m := re.fullmatch(r"sn_(\d+)", c)))
    per_rank = " UNION ALL ".join(
        f"SELECT excel_row, {rank} AS rank, 'SN_{rank}' AS column_name, trim({_quoted(f'sn_{rank}')}) AS neighbour_old_code, "
        f"nullif({_text(header, f'sn_{rank}p')}, '') AS closeness FROM raw" for rank in ranks)
    con.execute(f"""
        CREATE TEMP TABLE authorities AS
        SELECT excel_row, trim(old_la_code) AS old_la_code, nullif({_text(header, 'la_name')}, '') AS la_name,
               nullif({_text(header, 'region_name')}, '') AS region_name FROM raw;
        CREATE TEMP TABLE neighbours AS
        SELECT a.old_la_code, a.la_name, a.region_name, n.rank, n.neighbour_old_code, n.closeness, n.excel_row,
               n.column_name, regexp_full_match(n.neighbour_old_code, '[0-9]{{3}}') AS well_formed
        FROM ({per_rank}) n JOIN authorities a USING (excel_row)
    """)
    code_help = "named by its old three-digit local-authority code, e.g. 343."
    problems = [_problem(file_name, f"An authority is {code_help}", row=row, column="old_la_code", value=code)
                for row, code in con.execute("""SELECT excel_row, old_la_code FROM authorities
                    WHERE NOT regexp_full_match(old_la_code, '[0-9]{3}') ORDER BY excel_row""").fetchall()]
    problems += [_problem(file_name, f"A neighbour is {code_help}", row=row, column=column, value=code)
                 for row, column, code in con.execute("""SELECT excel_row, column_name, neighbour_old_code
                    FROM neighbours WHERE NOT well_formed ORDER BY excel_row, rank""").fetchall()]
    problems += [_problem(file_name, f"Rows {', '.join(map(str, rows))} both give the neighbours of {code}; keep one.",
                          row=rows[-1], column="old_la_code", value=code)
                 for code, rows in con.execute("""SELECT old_la_code, list(excel_row ORDER BY excel_row)
                    FROM authorities GROUP BY old_la_code HAVING count(*) > 1 ORDER BY 1""").fetchall()]
    unknown = [code for (code,) in con.execute("""SELECT DISTINCT neighbour_old_code FROM neighbours
        WHERE well_formed AND neighbour_old_code NOT IN (SELECT old_la_code FROM authorities) ORDER BY 1""").fetchall()]
    if unknown:
        problems.append(_problem(file_name, f"Neighbours {', '.join(unknown)} have no row of their own in the model; "
                                            "they still count as neighbours.", severity=WARNING))
    cells = con.sql(f"SELECT {', '.join(_NEIGHBOUR_COLUMNS)}, excel_row FROM neighbours WHERE well_formed "
                    "ORDER BY excel_row, rank").to_arrow_table()
    summary = DatasetSummary(dataset=NEIGHBOUR_MODEL_TITLE, sheets=[_sheet(file_name)], rows_read=cells.num_rows)
    return {NEIGHBOURS_DATASET: _records(NEIGHBOURS_DATASET, file_name, cells)}, {NEIGHBOURS_DATASET: summary}, problems


def _records(dataset: str, file_name: str, cells: pa.Table) -> Records:
    """Checked cells in the shape every sheet's rows take, each with the row it came from."""
    columns = cells.to_pydict()
    sheet = _sheet(file_name)
    return Records(dataset, {name: columns[name] for name in COLUMNS[dataset]},
                   origin=[(sheet, row) for row in columns["excel_row"]])
