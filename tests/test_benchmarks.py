"""DfE's published statistics as comparators (issue 8; DATA_CONTRACT sections 5 and 6).

Small files written here test the rules on every machine; the real files in
../shared/reference/dfe test the figures against pandas computations written out plainly."""
import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from qa_dashboard import benchmarks, store
from qa_dashboard.benchmarks import compare
from qa_dashboard.ingest import check_file, ingest, undo
from qa_dashboard.ingest.problems import errors, warnings
from qa_dashboard.queries import queries
from tests.workbooks import query

REPO_ROOT = Path(__file__).resolve().parents[1]
GEOGRAPHY = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
             "region_name", "old_la_code", "new_la_code", "la_name"]
ENGLAND = ["National", "E92000001", "England", "", "", "", "", ""]
NORTH_EAST = ["Regional", "E92000001", "England", "E12000001", "North East", "", "", ""]


def la(old_code, new_code, name):
    return ["Local authority", "E92000001", "England", "E12000001", "North East", old_code, new_code, name]


def write_rows(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def referrals_csv(path: Path, alpha_2025_referrals="300") -> Path:
    """c1 layout. Alpha (old code 801) was recoded from E10000023 to E06000065 in 2025."""
    header = GEOGRAPHY + ["category", "referral_count", "rereferral_count", "rereferral_percent"]
    def row(year, place, referrals, rereferrals, percent):
        return [year, "Reporting year", *place, "Referrals and Re-referrals", referrals, rereferrals, percent]
    return write_rows(path, header, [
        row("2025", ENGLAND, "1000", "200", "20"), row("2024", ENGLAND, "900", "180", "20"),
        row("2025", NORTH_EAST, "700", "140", "20"), row("2024", NORTH_EAST, "600", "120", "20"),
        row("2025", la("801", "E06000065", "Alpha"), alpha_2025_referrals, "60", "20"),
        row("2024", la("801", "E10000023", "Alpha"), "250", "50", "20"),
        row("2025", la("802", "E06000002", "Beta"), "200", "c", "c"),
        row("2024", la("802", "E06000002", "Beta"), "150", "30", "20"),
        row("2025", la("803", "E06000003", "Gamma"), "100", "x", "low"),
        row("2024", la("803", "E06000003", "Gamma"), "110", "11", "10"),
    ])


def population_csv(path: Path) -> Path:
    header = GEOGRAPHY + ["age_group", "population_estimate"]
    def row(year, place, people):
        return [year, "Reporting year", *place, "Children aged 0 to 17 years", people]
    return write_rows(path, header, [
        row("2024", ENGLAND, "20000"), row("2023", ENGLAND, "10000"),
        row("2024", NORTH_EAST, "14000"), row("2023", NORTH_EAST, "7000"),
        row("2024", la("801", "E06000065", "Alpha"), "6000"), row("2023", la("801", "E10000023", "Alpha"), "5000"),
        row("2024", la("802", "E06000002", "Beta"), "4000"), row("2023", la("802", "E06000002", "Beta"), "2000"),
        row("2024", la("803", "E06000003", "Gamma"), "x"), row("2023", la("803", "E06000003", "Gamma"), "1000"),
    ])


def neighbours_csv(path: Path) -> Path:
    header = ["old_la_code", "la_name", "region_ind", "region_name", "SN_1", "SN_1P", "SN_2", "SN_2P"]
    return write_rows(path, header, [
        ["801", "Alpha", "1", "North East", "802", "Very close", "803", "Close "],
        ["802", "Beta", "1", "North East", "801", "Very close", "803", "Close"],
        ["803", "Gamma", "1", "North East", "801", "Close", "802", "Close"],
    ])


def workforce_csv(path: Path) -> Path:
    """csww layout, with Kingston and Richmond's joint return."""
    header = GEOGRAPHY + ["agency_rate_fte", "caseload_fte"]
    london = ["Local authority", "E92000001", "England", "E13000002", "Outer London"]
    return write_rows(path, header, [
        ["2025", "Reporting year", *ENGLAND, "13", "15.2"],
        ["2025", "Reporting year", *london, "314 / 318", "E09000021 / E09000027",
         "Kingston upon Thames / Richmond upon Thames", "14.9", "z"],
        ["2025", "Reporting year", *london, "319", "E09000029", "Sutton", "25.8", "14"],
    ])


def load(db: Path, *paths: Path):
    result = ingest(list(paths), db, "tester")
    assert result.loaded, [p.line() for p in result.problems]
    return result


def figures(db: Path, indicator: str, level: str) -> dict:
    return {(year, code): value for year, code, value in query(
        db, "SELECT year, area_code, value FROM benchmarks WHERE indicator = ? AND geography_level = ?",
        [indicator, level])}


@pytest.fixture
def small_db(tmp_path) -> Path:
    db = tmp_path / "qa.duckdb"
    load(db, referrals_csv(tmp_path / "referrals.csv"), population_csv(tmp_path / "population.csv"),
         neighbours_csv(tmp_path / "neighbours.csv"))
    return db


# ------------------------------------------------------------------------- the rules --
def test_a_dfe_file_is_recognised_by_its_columns_not_its_name(tmp_path):
    path = referrals_csv(tmp_path / "monthly_extract.csv")
    check = check_file(path.name, path.read_bytes())
    assert list(check.datasets) == ["dfe_statistics"]
    assert check.datasets["dfe_statistics"].dataset.startswith("DfE referrals and re-referrals")
    assert not errors(check.problems)


def test_suppressed_cells_are_missing_never_zero_and_counted_per_file(tmp_path, small_db):
    path = referrals_csv(tmp_path / "c1.csv")
    check = check_file(path.name, path.read_bytes())
    assert check.datasets["dfe_statistics"].suppressed == {"c": 2, "low": 1, "x": 1}
    assert any("4 suppressed cells (c 2, low 1, x 1) are loaded as missing, never as zero" in p.message
               for p in warnings(check.problems))
    assert query(small_db, "SELECT old_la_code, measure, value, suppressed FROM dfe_rows WHERE suppressed IS NOT NULL "
                           "AND publication = 'referrals' ORDER BY 1, 2") == [
        ("802", "rereferral_count", None, "c"), ("802", "rereferral_percent", None, "c"),
        ("803", "rereferral_count", None, "x"), ("803", "rereferral_percent", None, "low")]
    re_referrals = figures(small_db, "re_referrals_pct", "Local authority")
    assert (2025, "E06000002") not in re_referrals and (2025, "E06000003") not in re_referrals
    assert 0 not in re_referrals.values()


def test_the_referral_rate_is_over_the_previous_years_population(small_db):
    assert figures(small_db, "referrals_rate", "England") == {(2025, "E92000001"): 1000 / 20000 * 10000,
                                                               (2024, "E92000001"): 900 / 10000 * 10000}
    assert figures(small_db, "referrals_rate", "Region")[(2025, "E12000001")] == pytest.approx(700 / 14000 * 10000)
    # Gamma's mid-2024 population is suppressed: no 2025 rate rather than a wrong one.
    assert (2025, "E06000003") not in figures(small_db, "referrals_rate", "Local authority")


def test_an_authority_whose_ons_code_changed_is_one_series_under_its_current_code(small_db):
    rates = figures(small_db, "referrals_rate", "Local authority")
    # 2024's referrals and mid-2023 population were published under E10000023; matched by old code 801.
    assert rates[(2025, "E06000065")] == pytest.approx(300 / 6000 * 10000)
    assert rates[(2024, "E06000065")] == pytest.approx(250 / 5000 * 10000)
    assert not [key for key in rates if key[1] == "E10000023"]


def test_a_joint_return_stands_for_each_member_authority(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, workforce_csv(tmp_path / "csww.csv"))
    agency = figures(db, "agency_worker_pct", "Local authority")
    assert agency == {(2025, "E09000021"): 14.9, (2025, "E09000027"): 14.9, (2025, "E09000029"): 25.8}
    assert query(db, "SELECT DISTINCT la_name, region_name FROM dfe_authorities ORDER BY 1") == [
        ("Kingston upon Thames", "London"), ("Richmond upon Thames", "London"), ("Sutton", "London")]
    assert query(db, "SELECT count(*) FROM dfe_rows WHERE joint_return = '314 / 318'") == [(4,)]


def test_the_statistical_neighbour_mean_leaves_out_suppressed_figures(small_db):
    benchmarks.set_authority(small_db, "Alpha")  # neighbours Beta and Gamma

    def neighbour_mean(indicator):
        return query(small_db, "SELECT year, area_code, area_name, value, neighbours_averaged FROM benchmarks "
                               "WHERE indicator = ? AND geography_level = 'Statistical neighbours' ORDER BY year",
                     [indicator])
    # 2025 re-referrals: Beta's is 'c' and Gamma's 'low', so there is no mean at all, not a zero.
    assert neighbour_mean("re_referrals_pct") == [(2024, "SN:E06000065", "Statistical neighbours of Alpha", 15.0, 2)]
    # 2025 rate: Gamma's population is 'x', so the mean is Beta's alone, and says so.
    assert neighbour_mean("referrals_rate")[-1] == (2025, "SN:E06000065", "Statistical neighbours of Alpha", 500.0, 1)


def test_statistical_neighbour_rows_follow_the_chosen_authority(small_db):
    def neighbour_rows():
        return query(small_db, "SELECT DISTINCT area_code FROM benchmarks WHERE geography_level = 'Statistical neighbours'")
    assert neighbour_rows() == []
    benchmarks.set_authority(small_db, "E06000002")
    assert neighbour_rows() == [("SN:E06000002",)]
    benchmarks.set_authority(small_db, "803")
    assert neighbour_rows() == [("SN:E06000003",)]
    # Gamma's neighbours are Alpha (rate 500) and Beta (rate 500 in 2025: 200 over 4,000).
    assert figures(small_db, "referrals_rate", "Statistical neighbours")[(2025, "SN:E06000003")] == pytest.approx(500.0)


def test_the_authority_is_found_by_new_code_former_code_old_code_or_name(small_db):
    assert benchmarks.set_authority(small_db, "e06000065").la_name == "Alpha"
    assert benchmarks.set_authority(small_db, "E10000023").la_name == "Alpha"
    assert benchmarks.set_authority(small_db, "802").la_name == "Beta"
    assert benchmarks.set_authority(small_db, "  gAMMA ").la_name == "Gamma"
    assert query(small_db, "SELECT value FROM meta WHERE key = 'authority'") == [("803",)]


def test_an_unknown_authority_is_refused_naming_close_matches(small_db):
    with pytest.raises(benchmarks.AuthorityNotFound, match="Close matches: Alpha"):
        benchmarks.set_authority(small_db, "Alpah")
    assert query(small_db, "SELECT value FROM meta WHERE key = 'authority'") == []


def test_the_same_dfe_file_loaded_twice_changes_nothing(tmp_path, small_db):
    again = ingest([referrals_csv(tmp_path / "referrals.csv")], small_db, "tester")
    assert again.files[0].nothing_new


def test_undo_of_a_benchmarks_load_restores_the_figures_before_it(tmp_path, small_db):
    before = figures(small_db, "referrals_rate", "Local authority")
    revised = referrals_csv(tmp_path / "c1_revised.csv", alpha_2025_referrals="360")
    result = load(small_db, revised)
    assert result.files[0].datasets["dfe_statistics"].rows_superseded == 1
    assert figures(small_db, "referrals_rate", "Local authority")[(2025, "E06000065")] == pytest.approx(600.0)
    assert undo(small_db)["file_name"] == "c1_revised.csv"
    assert figures(small_db, "referrals_rate", "Local authority") == before
    undo(small_db)  # the neighbour model
    undo(small_db)  # the population: no rates without it
    assert figures(small_db, "referrals_rate", "England") == {}
    assert query(small_db, "SELECT file_name, status FROM uploads ORDER BY upload_id") == [
        ("referrals.csv", "loaded"), ("population.csv", "undone"), ("neighbours.csv", "undone"),
        ("c1_revised.csv", "undone")]


def test_a_cell_that_is_neither_a_figure_nor_a_symbol_is_an_error_naming_row_and_column(tmp_path):
    path = referrals_csv(tmp_path / "c1.csv")
    path.write_text(path.read_text().replace("Re-referrals,300,60,20", "Re-referrals,three hundred,60,20"))
    check = check_file(path.name, path.read_bytes())
    [problem] = errors(check.problems)
    assert (problem.row, problem.column, problem.value) == (6, "referral_count", "three hundred")


def test_an_authority_row_without_a_code_is_an_error_not_a_guess(tmp_path):
    path = referrals_csv(tmp_path / "c1.csv")
    path.write_text(path.read_text().replace(",801,E06000065,Alpha,", ",,,Alpha,"))
    check = check_file(path.name, path.read_bytes())
    [problem] = errors(check.problems)
    assert (problem.row, problem.column) == (6, "old_la_code")


def test_an_ees_file_the_dashboard_does_not_read_is_refused_saying_what_it_reads(tmp_path):
    path = write_rows(tmp_path / "exclusions.csv", GEOGRAPHY + ["suspensions"], [["2025", "Reporting year", *ENGLAND, "5"]])
    check = check_file(path.name, path.read_bytes())
    [problem] = errors(check.problems)
    assert "not one the dashboard reads" in problem.message and "workforce" in problem.message


def test_a_monthly_extract_csv_still_goes_the_usual_way(tmp_path):
    path = write_rows(tmp_path / "kpi.csv", ["period", "indicator", "value"], [["2025-03", "referrals_rate", "500"]])
    check = check_file(path.name, path.read_bytes())
    assert list(check.datasets) == ["kpi"]


def test_the_ingest_command_loads_a_dfe_file_and_reports_its_suppressed_cells(tmp_path):
    db = tmp_path / "qa.duckdb"
    result = run_cli("ingest", referrals_csv(tmp_path / "c1.csv"), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "4 suppressed cells (c 2, low 1, x 1) are loaded as missing, never as zero" in result.stdout
    assert "c1.csv: Loaded as load #1" in result.stdout
    assert query(db, "SELECT file_name, rows_added FROM uploads") == [("c1.csv", 30)]  # 10 rows, 3 figures each


def test_the_authority_command_reports_a_clear_error_without_dfe_files(tmp_path):
    result = run_cli("authority", "Sefton", "--db", tmp_path / "empty.duckdb")
    assert result.returncode == 1
    assert "No DfE published files are loaded yet" in result.stderr


# ------------------------------------------------------------------- page helpers --
def test_standing_says_where_the_authority_is_and_which_way_is_better():
    ranking = pd.DataFrame({
        "area_name": ["Merton", "Sutton", "Oxfordshire", "Croydon"], "region_name": ["London"] * 3 + ["London"],
        "value": [527.1, 362.4, 322.2, 850.0], "is_authority": [False, True, False, False],
        "is_neighbour": [True, False, True, False], "in_region": [True, True, False, True],
        "position_among_neighbours": [1, 2, 3, None], "position_in_region": [2, 3, None, 1]})
    among_neighbours = compare.standing(ranking, 2025, "lower")
    assert (among_neighbours.position, among_neighbours.of) == (2, 3)
    assert among_neighbours.sentence == ("In 2024-25 Sutton had the 2nd highest figure of itself and 2 statistical "
                                         "neighbours; lower is better.")
    in_region = compare.standing(ranking, 2025, "neutral", among="region")
    assert (in_region.position, in_region.of, in_region.group) == (3, 3, "London")


def test_financial_year_of_a_year_ending_in_march():
    assert compare.financial_year(2025) == "2024-25"
    assert compare.financial_year(2000) == "1999-00"


# ------------------------------------------------------------- the real DfE files --
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
B1 = "b1_children_in_need_2013_to_2025.csv"
CSWW = "csww_indicators_2017_to_2025.csv"
ONS = "ons_mid-year_population_estimates_2012_to_2024.csv"
STABILITY = "la_cla_placement_stability.csv"
SN_MODEL = "sn_model_2025_wide.csv"
ALL_FILES = [B1, C1, CSWW, STABILITY, ONS, SN_MODEL]
# Three authorities of different kinds, each with a neighbour that changed code or returns jointly.
CHOSEN = {"Sutton": "319",        # London borough; Kingston (joint workforce return), Buckinghamshire (recoded)
          "Kent": "886",          # county; Somerset (recoded 2023)
          "Shropshire": "893"}    # unitary; North Yorkshire, Somerset (recoded), Westmorland and Furness (new 2023)
SUPPRESSION_SYMBOLS = ["c", "x", "z", "low", "k", "u", ":"]


def run_cli(*args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QA_DASHBOARD_DB"}
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=120)


def read(dfe: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(dfe / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def la_values(dfe: Path, name: str, column: str, **filters) -> pd.DataFrame:
    """year, old_la_code, value for every authority with a published figure."""
    frame = read(dfe, name)
    frame = frame[frame["geographic_level"] == "Local authority"]
    for filter_column, wanted in filters.items():
        frame = frame[frame[filter_column] == wanted]
    # A joint return ("314 / 318", Kingston and Richmond's workforce) stands for each member.
    frame = frame.assign(old_la_code=frame["old_la_code"].str.split(" / ")).explode("old_la_code")
    frame = frame.assign(year=frame["time_period"].astype(int), value=pd.to_numeric(frame[column], errors="coerce"))
    return frame.dropna(subset=["value"])[["year", "old_la_code", "value"]]


def la_rates_per_10000(dfe: Path, name: str, column: str) -> pd.DataFrame:
    counts = la_values(dfe, name, column)
    population = la_values(dfe, ONS, "population_estimate")
    population = population.assign(year=population["year"] + 1)  # mid-2024 population for the year to March 2025
    merged = counts.merge(population, on=["year", "old_la_code"], suffixes=("_count", "_population"))
    return merged.assign(value=merged["value_count"] / merged["value_population"] * 10000)[["year", "old_la_code", "value"]]


def england_values(dfe: Path, name: str, column: str, **filters) -> dict[int, float]:
    frame = read(dfe, name)
    frame = frame[frame["geographic_level"] == "National"]
    for filter_column, wanted in filters.items():
        frame = frame[frame[filter_column] == wanted]
    values = pd.to_numeric(frame[column], errors="coerce")
    return {int(year): value for year, value in zip(frame["time_period"], values) if pd.notna(value)}


STABILITY_FILTER = {"cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"}
PUBLISHED_AS_IS = {
    "re_referrals_pct": (C1, "rereferral_percent", {}),
    "agency_worker_pct": (CSWW, "agency_rate_fte", {}),
    "caseload_avg": (CSWW, "caseload_fte", {}),
    "vacancy_pct": (CSWW, "vacancy_rate_fte", {}),
    "turnover_pct": (CSWW, "turnover_rate_fte", {}),
    "cla_3plus_placements_pct": (STABILITY, "children_percent", STABILITY_FILTER),
}
PER_10000_CHILDREN = {"referrals_rate": (C1, "referral_count"), "cin_rate": (B1, "At31_episodes")}


def expected_la_values(dfe: Path, indicator: str) -> pd.DataFrame:
    if indicator in PER_10000_CHILDREN:
        return la_rates_per_10000(dfe, *PER_10000_CHILDREN[indicator])
    name, column, filters = PUBLISHED_AS_IS[indicator]
    return la_values(dfe, name, column, **filters)


def expected_england(dfe: Path, indicator: str) -> dict[int, float]:
    if indicator in PER_10000_CHILDREN:
        name, column = PER_10000_CHILDREN[indicator]
        counts = england_values(dfe, name, column)
        population = england_values(dfe, ONS, "population_estimate")
        return {year: count / population[year - 1] * 10000 for year, count in counts.items() if year - 1 in population}
    name, column, filters = PUBLISHED_AS_IS[indicator]
    return england_values(dfe, name, column, **filters)


INDICATORS = [*PER_10000_CHILDREN, *PUBLISHED_AS_IS]


@pytest.fixture(scope="module")
def dfe(shared_reference) -> Path:
    return shared_reference / "dfe"


@pytest.fixture(scope="module")
def reference_db(dfe, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("dfe") / "qa.duckdb"
    load(db, *(dfe / name for name in ALL_FILES))
    return db


def published(db: Path, indicator: str, level: str) -> dict[int, float]:
    return {year: value for year, value in query(
        db, "SELECT year, value FROM benchmarks WHERE indicator = ? AND geography_level = ?", [indicator, level])}


@pytest.mark.parametrize("name", list(CHOSEN))
def test_statistical_neighbour_means_equal_pandas_from_the_csvs(dfe, reference_db, name):
    benchmarks.set_authority(reference_db, name)
    model = read(dfe, SN_MODEL)
    neighbours = model.loc[model["old_la_code"] == CHOSEN[name], [f"SN_{rank}" for rank in range(1, 11)]].iloc[0].tolist()
    assert len(set(neighbours)) == 10
    for indicator in INDICATORS:
        values = expected_la_values(dfe, indicator)
        expected = values[values["old_la_code"].isin(neighbours)].groupby("year")["value"].mean().to_dict()
        actual = published(reference_db, indicator, "Statistical neighbours")
        assert actual == pytest.approx(expected), indicator


@pytest.mark.parametrize("indicator", INDICATORS)
def test_england_values_equal_pandas_from_the_csvs(dfe, reference_db, indicator):
    assert published(reference_db, indicator, "England") == pytest.approx(expected_england(dfe, indicator))


def test_england_figures_round_to_dfes_published_ones(reference_db):
    """DOMAIN.md's table of England figures, 2022 to 2025."""
    published_table = {"referrals_rate": [552.8, 538.1, 515.7, 519.4], "re_referrals_pct": [21.5, 22.4, 22.4, 22.6],
                       "agency_worker_pct": [17.6, 17.9, 16.2, 13.0], "caseload_avg": [16.6, 16.0, 15.4, 15.2],
                       "vacancy_pct": [20.0, 18.9, 17.3, 14.2]}
    for indicator, figures_2022_to_2025 in published_table.items():
        england = published(reference_db, indicator, "England")
        assert [round(england[year], 1) for year in range(2022, 2026)] == figures_2022_to_2025, indicator


@pytest.mark.parametrize("name", [C1, B1, CSWW, STABILITY, ONS])
def test_suppressed_cells_never_become_zero(dfe, reference_db, name):
    frame = read(dfe, name)
    measures = [c for c in frame.columns if pd.to_numeric(frame[c], errors="coerce").notna().any()
                and c not in ("time_period", "old_la_code")]
    symbols = frame[measures].apply(lambda column: column.str.strip().str.lower())
    in_file = int(symbols.isin(SUPPRESSION_SYMBOLS).sum().sum())
    assert in_file > 0
    check = check_file(name, (dfe / name).read_bytes())
    assert check.datasets["dfe_statistics"].suppressed_cells == in_file
    # Every suppressed cell is stored without a value, and none of them as a zero.
    publication = query(reference_db, "SELECT DISTINCT publication FROM dfe_rows WHERE upload_id = "
                                      "(SELECT upload_id FROM uploads WHERE file_name = ?)", [name])[0][0]
    [(suppressed, with_value)] = query(reference_db, "SELECT count(*), count(value) FROM dfe_rows "
                                                     "WHERE publication = ? AND suppressed IS NOT NULL", [publication])
    assert suppressed >= in_file and with_value == 0


def test_a_suppressed_figure_has_no_benchmark_row(dfe, reference_db):
    c1 = read(dfe, C1)
    suppressed = c1[(c1["geographic_level"] == "Local authority") & c1["rereferral_percent"].isin(SUPPRESSION_SYMBOLS)]
    assert len(suppressed) > 0
    published_cells = set(query(reference_db, """
        SELECT f.year, f.area_key FROM dfe_figures f
        WHERE f.indicator = 're_referrals_pct' AND f.geographic_level = 'Local authority'"""))
    for year, old_code in zip(suppressed["time_period"].astype(int), suppressed["old_la_code"]):
        assert (year, old_code) not in published_cells
    # 'low' is a rate that rounds to zero but is not zero: absent, never 0.
    csww = read(dfe, CSWW)
    low = csww[(csww["geographic_level"] == "Local authority") & (csww["agency_rate_fte"] == "low")]
    assert len(low) > 0
    agency = set(query(reference_db, "SELECT year, area_key FROM dfe_figures "
                                     "WHERE indicator = 'agency_worker_pct' AND geographic_level = 'Local authority'"))
    for year, old_code in zip(low["time_period"].astype(int), low["old_la_code"]):
        assert (year, old_code) not in agency


@pytest.mark.parametrize("name", [CSWW, STABILITY])
def test_a_file_with_shuffled_columns_and_rows_loads_the_same(dfe, tmp_path, name):
    frame = read(dfe, name)
    shuffled = frame.sample(frac=1, axis=1, random_state=8).sample(frac=1, random_state=8)
    assert list(shuffled.columns) != list(frame.columns)
    shuffled.to_csv(tmp_path / "shuffled.csv", index=False)
    as_published, reordered = tmp_path / "as_published.duckdb", tmp_path / "reordered.duckdb"
    load(as_published, dfe / name)
    load(reordered, tmp_path / "shuffled.csv")
    cells = "SELECT * EXCLUDE (upload_id, superseded_by) FROM dfe_rows ORDER BY ALL"
    assert query(as_published, cells) == query(reordered, cells)
    assert len(query(as_published, cells)) > 1000


def test_the_authority_command_by_code_old_code_and_name(reference_db):
    by_code = run_cli("authority", "E10000016", "--db", reference_db)
    assert by_code.returncode == 0, by_code.stderr
    assert "Kent (886, E10000016), South East" in by_code.stdout
    assert query(reference_db, "SELECT value FROM meta WHERE key = 'authority'") == [("886",)]
    by_old_code = run_cli("authority", "893", "--db", reference_db)
    assert "Shropshire (893, E06000051)" in by_old_code.stdout
    by_name = run_cli("authority", "sutton", "--db", reference_db)
    assert "Sutton (319, E09000029), London" in by_name.stdout
    assert "Merton; Hertfordshire" in by_name.stdout
    assert query(reference_db, "SELECT DISTINCT area_code FROM benchmarks WHERE geography_level = 'Statistical neighbours'") == [
        ("SN:E09000029",)]


def test_the_authority_command_names_close_matches_when_not_found(reference_db):
    result = run_cli("authority", "Sefon", "--db", reference_db)
    assert result.returncode == 1
    assert "No authority is called or coded 'Sefon'" in result.stderr and "Sefton (343, E08000014)" in result.stderr
    replaced = run_cli("authority", "Cumbria", "--db", reference_db)
    assert replaced.returncode == 1 and "Cumberland (942, E06000063)" in replaced.stderr


def test_a_former_ons_code_finds_the_authority_under_its_current_code(reference_db):
    assert benchmarks.set_authority(reference_db, "E10000023").new_la_code == "E06000065"  # North Yorkshire


def test_the_series_query_gives_authority_neighbours_region_and_england(dfe, reference_db):
    benchmarks.set_authority(reference_db, "Sutton")
    series = queries.run("benchmarks_series", reference_db, ["referrals_rate"])
    assert series["series"].unique().tolist() == [
        "Sutton", "Statistical neighbours (mean)", "London (region)", "England"]
    sutton = series[series["series"] == "Sutton"].set_index("year")["value"].to_dict()
    expected = expected_la_values(dfe, "referrals_rate")
    assert sutton == pytest.approx(expected[expected["old_la_code"] == "319"].set_index("year")["value"].to_dict())
    assert series.loc[series["series"] == "London (region)", "financial_year"].iloc[-1] == "2024-25"


def test_the_ranking_query_lists_the_authority_its_neighbours_and_its_region(dfe, reference_db):
    benchmarks.set_authority(reference_db, "Kent")
    ranking = queries.run("benchmarks_ranking", reference_db, ["agency_worker_pct", 2025])
    assert ranking["is_authority"].sum() == 1 and ranking["is_neighbour"].sum() == 10
    csww = read(dfe, CSWW)
    south_east = csww[(csww["time_period"] == "2025") & (csww["geographic_level"] == "Local authority")
                      & (csww["region_name"] == "South East") & (csww["agency_rate_fte"].str.match(r"^[\d.]+$"))]
    assert ranking["in_region"].sum() == len(south_east)
    assert ranking["value"].is_monotonic_decreasing
    group = ranking[ranking["is_authority"] | ranking["is_neighbour"]]
    assert len(group) == 11
    assert group["position_among_neighbours"].tolist() == group["value"].rank(method="min", ascending=False).tolist()
    kent = compare.standing(ranking, 2025, "lower")
    assert kent.of == 11 and "Kent" in kent.sentence


def test_the_latest_query_gives_a_scorecards_comparator_columns(reference_db):
    benchmarks.set_authority(reference_db, "Shropshire")
    latest = queries.run("benchmarks_latest", reference_db)
    agency = latest[latest["indicator"] == "agency_worker_pct"].set_index("geography_level")
    assert set(agency.index) == {"Local authority", "Statistical neighbours", "Region", "England"}
    assert agency.loc["England", "year"] == 2025 and agency.loc["England", "value"] == 13.0
