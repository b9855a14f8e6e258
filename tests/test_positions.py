"""Every authority's position among all authorities (issue 20, sections 1 and 2; DATA_CONTRACT
section 5, `benchmark_positions`).

The real DfE files in ../shared/reference/dfe are read here with the csv module and ranked by
hand, so the stored positions are checked against a computation that shares nothing with
qa_dashboard/benchmarks/positions.py. Small files written here test when the positions follow a
load, an undo and an older database."""
import csv
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from qa_dashboard import store
from qa_dashboard.benchmarks import positions
from qa_dashboard.store import position_tables
from qa_dashboard.ingest import ingest, undo
from tests.test_benchmarks import (
    ALL_FILES, C1, CSWW, ONS, load, neighbours_csv, population_csv, referrals_csv,
)
from tests.workbooks import query

# Old three-digit codes: Sutton, Kent, Shropshire, Cumbria (split in 2023), Hampshire (suppressed
# re-referrals in 2024), Northamptonshire (split in 2021).
AUTHORITIES = ["319", "886", "893", "909", "850", "855"]


# ------------------------------------------------------------- the rules, on their own --
def figure(code, value, year=2024, indicator="x"):
    return positions.Figure(year, indicator, code, code, value)


def test_ties_share_the_best_rank():
    ranks = positions.competition_ranks({"a": 1.0, "b": 2.0, "c": 2.0, "d": 3.0}, "lower")
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_higher_is_better_ranks_the_largest_figure_first():
    found = positions.positions([figure("a", 10.0), figure("b", 30.0), figure("c", 20.0), figure("d", 5.0)],
                                {"x": "higher"}, {}, {})
    assert {p.area_code: (p.rank, p.quartile_band) for p in found} == {
        "b": (1, "A"), "c": (2, "B"), "a": (3, "C"), "d": (4, "D")}


def test_band_a_is_the_best_quarter_whatever_the_polarity():
    assert [positions.quartile_band(rank, 149) for rank in (1, 37, 38, 74, 75, 111, 112, 149)] == [
        "A", "A", "B", "B", "C", "C", "D", "D"]


def test_a_neutral_indicator_has_no_rank_and_is_placed_against_the_middle_half():
    found = positions.positions([figure(code, value) for code, value in zip("abcde", (1.0, 2.0, 3.0, 4.0, 50.0))],
                                {"x": "neutral"}, {"a": ["b"]}, {"a": "R", "b": "R"})
    assert {p.rank for p in found} == {None} and {p.quartile_band for p in found} == {None}
    assert {p.sn_rank for p in found} == {None} and {p.region_rank for p in found} == {None}
    assert [p.middle_half for p in found] == ["below", "within", "within", "within", "above"]


def test_neighbours_and_region_rank_only_those_that_published():
    found = positions.positions([figure("a", 3.0), figure("b", 1.0), figure("c", 2.0)], {"x": "lower"},
                                {"a": ["b", "gone"], "b": ["a"]}, {"a": "R1", "b": "R2", "c": "R1"})
    by_code = {p.area_code: p for p in found}
    assert (by_code["a"].sn_rank, by_code["a"].sn_of) == (2, 2)
    assert (by_code["a"].region_rank, by_code["a"].region_of) == (2, 2)
    assert (by_code["c"].sn_rank, by_code["c"].region_rank) == (None, 1)


# ------------------------------------------------------- following loads and undo --
def test_positions_follow_a_neighbour_model_loaded_after_the_figures(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, referrals_csv(tmp_path / "c1.csv"), population_csv(tmp_path / "ons.csv"))
    assert {row[0] for row in query(db, "SELECT sn_rank FROM benchmark_positions")} == {None}
    load(db, neighbours_csv(tmp_path / "sn.csv"))
    assert query(db, "SELECT area_code, rank, of_count, sn_rank FROM benchmark_positions "
                     "WHERE indicator = 're_referrals_pct' AND year = 2024 ORDER BY rank, area_code") == [
        ("E06000003", 1, 3, 1), ("E06000002", 2, 3, 2), ("E06000065", 2, 3, 2)]


def every_position(db: Path) -> list[tuple]:
    return query(db, "SELECT * FROM benchmark_positions ORDER BY year, indicator, area_code")


def test_dfe_files_loaded_together_give_the_positions_of_loading_them_one_by_one(tmp_path):
    files = [neighbours_csv(tmp_path / "sn.csv"), referrals_csv(tmp_path / "c1.csv"), population_csv(tmp_path / "ons.csv")]
    together, one_by_one = tmp_path / "together.duckdb", tmp_path / "one.duckdb"
    load(together, *files)
    for path in files:
        load(one_by_one, path)
    assert every_position(together) == every_position(one_by_one) != []
    assert query(together, "SELECT count(*) FROM meta WHERE key = 'positions_stale'") == [(0,)]


def test_positions_follow_when_the_last_dfe_file_of_a_load_changes_nothing(tmp_path):
    db = tmp_path / "qa.duckdb"
    c1 = referrals_csv(tmp_path / "c1.csv")
    load(db, c1)
    ingest([neighbours_csv(tmp_path / "sn.csv"), c1], db, "tester")  # c1 again: nothing new
    assert {row[0] for row in query(db, "SELECT sn_rank FROM benchmark_positions WHERE year = 2024")} == {1, 2}


def test_positions_left_stale_by_a_load_cut_short_are_computed_by_the_next_load(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, neighbours_csv(tmp_path / "sn.csv"), referrals_csv(tmp_path / "c1.csv"))
    with store.write_transaction(db) as con:  # as a load killed after its first DfE file leaves it
        store.run(con, "DELETE FROM benchmark_position_rows")
        position_tables.mark_stale(con)
    kpi = tmp_path / "kpi.csv"
    kpi.write_text("period,indicator,value\n2025-03,referrals_rate,500\n", encoding="utf-8")
    load(db, kpi)
    assert query(db, "SELECT count(*) FROM benchmark_positions") == [(4,)]


def test_undoing_a_load_takes_its_positions_away(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, neighbours_csv(tmp_path / "sn.csv"), referrals_csv(tmp_path / "c1.csv"))
    assert query(db, "SELECT count(*) FROM benchmark_positions") == [(4,)]  # three in 2024, Alpha alone in 2025
    undo(db)
    assert query(db, "SELECT count(*) FROM benchmark_positions") == [(0,)]


def test_a_database_written_before_positions_gets_them_on_its_next_write(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, neighbours_csv(tmp_path / "sn.csv"), referrals_csv(tmp_path / "c1.csv"))
    with store.write_transaction(db) as con:  # as an older version left it: no positions table
        store.run(con, "DROP VIEW benchmark_positions")
        store.run(con, "DROP TABLE benchmark_position_rows")
    with store.write_transaction(db) as con:
        store.set_setting(con, "authority", "801")
    assert query(db, "SELECT count(*) FROM benchmark_positions") == [(4,)]


def test_the_view_has_the_contract_columns(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, referrals_csv(tmp_path / "c1.csv"))
    with store.read_connection(db) as con:
        columns = [row[0] for row in con.execute("DESCRIBE benchmark_positions").fetchall()]
    assert columns[:10] == ["year", "indicator", "area_code", "area_name", "value", "rank", "of_count",
                            "quartile_band", "sn_rank", "region_rank"]


# ------------------------------------------------------------- the real DfE files --
@pytest.fixture(scope="module")
def dfe(shared_reference) -> Path:
    return shared_reference / "dfe"


@pytest.fixture(scope="module")
def reference_db(dfe, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("positions") / "qa.duckdb"
    load(db, *(dfe / name for name in ALL_FILES))
    return db


def authority_rows(dfe: Path, name: str) -> list[dict]:
    with (dfe / name).open(newline="", encoding="utf-8-sig") as handle:
        return [row for row in csv.DictReader(handle) if row["geographic_level"] == "Local authority"]


def number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None  # a suppression symbol: not published


def by_year(rows: list[dict], column: str) -> dict[int, dict[str, float]]:
    """{year: {old code: figure}} for every authority that published one (a joint return, `314 / 318`,
    stands for each member)."""
    published = defaultdict(dict)
    for row in rows:
        value = number(row[column])
        if value is not None:
            for code in row["old_la_code"].split(" / "):
                published[int(row["time_period"])][code.strip()] = value
    return published


def expected(values: dict[str, float], code: str) -> tuple[int, int, str]:
    """Rank (smallest first, ties the best place), count and band, written out plainly."""
    rank = 1 + sum(1 for other in values.values() if other < values[code])
    count = len(values)
    band = "A" if rank <= count / 4 else "B" if rank <= count / 2 else "C" if rank <= 3 * count / 4 else "D"
    return rank, count, band


def stored(db: Path, indicator: str) -> dict[tuple[int, str], tuple]:
    return {(year, old): (rank, of_count, band, middle) for year, old, rank, of_count, band, middle in query(db, """
        SELECT p.year, a.old_la_code, p.rank, p.of_count, p.quartile_band, p.middle_half
        FROM benchmark_positions p JOIN dfe_authorities a ON a.new_la_code = p.area_code
        WHERE p.indicator = ?""", [indicator])}


@pytest.mark.parametrize("indicator, name, column", [("re_referrals_pct", C1, "rereferral_percent"),
                                                     ("caseload_avg", CSWW, "caseload_fte")])
def test_rank_count_and_band_equal_a_ranking_by_hand_for_every_year(dfe, reference_db, indicator, name, column):
    published = by_year(authority_rows(dfe, name), column)
    positions_stored = stored(reference_db, indicator)
    checked = 0
    for year, values in published.items():
        for code in AUTHORITIES:
            if code in values:
                assert positions_stored[(year, code)][:3] == expected(values, code), (year, code)
                checked += 1
            else:
                assert (year, code) not in positions_stored, (year, code)  # not published: not ranked
    assert checked >= 5 * len(published) - 20


def test_a_tie_shares_the_best_rank(dfe, reference_db):
    published = by_year(authority_rows(dfe, C1), "rereferral_percent")
    positions_stored = stored(reference_db, "re_referrals_pct")
    ties = [(year, code) for year, values in published.items() for code, value in values.items()
            if list(values.values()).count(value) > 1]
    assert ties, "the re-referral figures have ties in every year"
    for year, code in ties:
        rank, count, _ = expected(published[year], code)
        assert positions_stored[(year, code)][:2] == (rank, count)


def test_a_suppressed_figure_is_not_ranked_and_not_counted(dfe, reference_db):
    rows = authority_rows(dfe, C1)
    suppressed = [(int(r["time_period"]), r["old_la_code"]) for r in rows if number(r["rereferral_percent"]) is None]
    assert (2024, "850") in suppressed  # Hampshire, 2023-24
    positions_stored = stored(reference_db, "re_referrals_pct")
    for year, code in suppressed:
        assert (year, code) not in positions_stored
    counted = sum(1 for r in rows if r["time_period"] == "2024" and number(r["rereferral_percent"]) is not None)
    assert {v[1] for (year, _), v in positions_stored.items() if year == 2024} == {counted}


def test_a_neutral_indicator_is_placed_against_the_middle_half_of_authorities(dfe, reference_db):
    referrals = by_year(authority_rows(dfe, C1), "referral_count")
    population = by_year(authority_rows(dfe, ONS), "population_estimate")
    positions_stored = stored(reference_db, "referrals_rate")
    for year in (2019, 2024, 2025):
        rates = {code: count / population[year - 1][code] * 10000 for code, count in referrals[year].items()
                 if population[year - 1].get(code)}
        lower, _, upper = statistics.quantiles(rates.values(), n=4, method="inclusive")
        for code in AUTHORITIES:
            if code in rates:
                side = "above" if rates[code] > upper else "below" if rates[code] < lower else "within"
                assert positions_stored[(year, code)] == (None, len(rates), None, side), (year, code)


def test_authorities_that_split_count_in_the_years_they_published(reference_db):
    years = {name: {y for (y,) in query(reference_db, "SELECT DISTINCT year FROM benchmark_positions "
                                                      "WHERE area_name = ? AND indicator = 're_referrals_pct'", [name])}
             for name in ("Cumbria", "Cumberland", "Northamptonshire", "West Northamptonshire")}
    assert max(years["Cumbria"]) < min(years["Cumberland"])
    assert max(years["Northamptonshire"]) < min(years["West Northamptonshire"])


def test_the_rank_among_neighbours_counts_the_authority_and_those_that_published(reference_db):
    [(sn_rank, sn_of)] = query(reference_db, """
        SELECT sn_rank, sn_of FROM benchmark_positions p JOIN dfe_authorities a ON a.new_la_code = p.area_code
        WHERE a.old_la_code = '886' AND p.indicator = 're_referrals_pct' AND p.year = 2024""")
    values = dict(query(reference_db, """
        SELECT a.old_la_code, p.value FROM benchmark_positions p JOIN dfe_authorities a ON a.new_la_code = p.area_code
        WHERE p.indicator = 're_referrals_pct' AND p.year = 2024 AND (a.old_la_code = '886' OR a.old_la_code IN
            (SELECT neighbour_old_code FROM statistical_neighbours WHERE old_la_code = '886'))"""))
    assert sn_of == len(values) <= 11
    assert sn_rank == 1 + sum(1 for v in values.values() if v < values["886"])


# ---------------------------------------------------------------- the position chart --
def test_the_position_chart_names_the_authority_marks_its_neighbours_and_shades_the_bands():
    import pandas as pd

    from qa_dashboard.charts import published

    every = pd.DataFrame({
        "financial_year": "2023-24", "area_name": ["Alpha", "Beta", "Gamma", "Delta"], "value": [1.0, 2.0, 3.0, 4.0],
        "rank": [1, 2, 3, 4], "quartile_band": list("ABCD"), "lower_quartile": 1.75, "upper_quartile": 3.25,
        "is_authority": [False, True, False, False], "is_neighbour": [True, False, False, False], "england": 2.5})
    spec, table = published.position_figure(every, "Re-referrals", "Per cent")
    layers = spec["layer"]
    datasets = spec["datasets"]
    named = [layer for layer in layers if layer["mark"].get("type") == "text" and layer["encoding"]["text"]["field"]
             == "area_name"]
    assert [row["area_name"] for row in datasets[named[0]["data"]["name"]]] == ["Beta"]
    points = next(layer for layer in layers if layer["mark"].get("type") == "point")
    shapes = dict(zip(points["encoding"]["shape"]["scale"]["domain"], points["encoding"]["shape"]["scale"]["range"]))
    assert shapes["Our authority"] != shapes["Statistical neighbour"] != shapes["Other authority"]
    rects = next(layer for layer in layers if layer["mark"].get("type") == "rect")
    assert [row["name"] for row in datasets[rects["data"]["name"]]] == list("ABCD")
    assert list(table["Authority"]) == ["Alpha", "Beta", "Gamma", "Delta", "England"]
    assert list(table["Ours"]) == [False, True, False, False, False]
