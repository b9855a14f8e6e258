"""The SPC views (kpi_spc, kpi_spc_latest, kpi_spc_rebases) in real DuckDB files: filled inside
every load, undo and rebase, filled on an older database's next write, and the same verdicts as
spc.py gives on the series read back; and `python -m qa_dashboard rebase`."""
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from qa_dashboard import commentary, contract, rebases, spc
from qa_dashboard.ingest import ingest, undo
from tests.workbooks import TODAY, kpi, query, table, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]
WORDS = contract.spc_words()
MONTHS = [f"{2023 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
# Re-referrals (lower is better) steady around 24, then its last 8 months lower: a shift.
AUTHORITY = [24, 25, 23, 24, 26, 24, 23, 25, 24, 25, 23, 24, 26, 24, 23, 25, 21, 20, 21, 22, 20, 21, 20, 21]


def kpi_rows(values, **fields):
    return [kpi(period=m, value=v, commentary=None, **fields) for m, v in zip(MONTHS, values) if v is not None]


def sheets(authority=AUTHORITY):
    rows = kpi_rows(authority, target=22)
    rows += kpi_rows([30 + (i % 3) for i in range(24)], team="Team A", target=22)
    rows += kpi_rows([40 + (i % 2) for i in range(24)], breakdown="Second referral", target=None)
    rows += kpi_rows([500 + (i % 4) * 5 for i in range(10)] + [None] * 14, indicator="referrals_rate", target=None)
    return {"kpi": table(*rows)}


def load(db: Path, name: str = "kpi.xlsx", **options) -> None:
    result = ingest([write_xlsx(db.parent / name, sheets(**options))], db, "tester", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "qa.duckdb"
    load(path)
    return path


def run_cli(*args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QA_DASHBOARD_DB"}
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=120)


def written_state(db: Path) -> tuple:
    """What a refused rebase must leave as it was: the rebases, the SPC rows and the data version."""
    return (query(db, "SELECT * FROM spc_rebases ORDER BY ALL"), query(db, "SELECT * FROM kpi_spc ORDER BY ALL"),
            query(db, "SELECT value FROM meta WHERE key = 'change_counter'"))


def parts(db: Path, team=None) -> list[dt.date]:
    return [row[0] for row in query(db, "SELECT DISTINCT limits_from FROM kpi_spc WHERE indicator = "
                                        "'re_referrals_pct' AND team IS NOT DISTINCT FROM ? AND breakdown IS NULL "
                                        "ORDER BY 1", [team])]


# --------------------------------------------------------------------------------- views --
def test_kpi_spc_has_one_row_per_point_of_every_series(db):
    counted = query(db, "SELECT indicator, team, breakdown, count(*) FROM kpi_spc GROUP BY ALL ORDER BY ALL NULLS FIRST")
    assert counted == [("re_referrals_pct", None, None, 24), ("re_referrals_pct", None, "Second referral", 24),
                       ("re_referrals_pct", "Team A", None, 24), ("referrals_rate", None, None, 10)]


def test_kpi_spc_latest_has_the_contracts_columns_and_one_row_per_indicator_and_team(db):
    columns = [row[0] for row in query(db, "SELECT column_name FROM information_schema.columns WHERE table_name = "
                                           "'kpi_spc_latest' ORDER BY ordinal_position")]
    assert columns[:8] == ["indicator", "team", "period", "variation", "assurance", "points", "provisional",
                           "limits_from"]
    assert [row[:2] for row in query(db, "SELECT indicator, team FROM kpi_spc_latest ORDER BY ALL NULLS FIRST")] == [
        ("re_referrals_pct", None), ("re_referrals_pct", "Team A"), ("referrals_rate", None)]


def test_the_latest_verdicts_agree_with_spc_run_on_the_series_read_back(db):
    figures = query(db, "SELECT indicator, team, polarity, period, value, target FROM kpi_values "
                        "WHERE breakdown IS NULL AND value IS NOT NULL ORDER BY indicator, team NULLS FIRST, period")
    stored = {(r[0], r[1]): r[2:] for r in query(db, "SELECT indicator, team, period, variation, assurance, points, "
                                                     "provisional, limits_from FROM kpi_spc_latest")}
    for key in stored:
        rows = [r for r in figures if (r[0], r[1]) == key]
        verdict = spc.analyse([r[3] for r in rows], [r[4] for r in rows], rows[0][2], [r[5] for r in rows]).latest
        assert stored[key] == (verdict.period, verdict.variation, verdict.assurance, verdict.points,
                               verdict.provisional, verdict.limits_from), key


def test_the_shift_reads_as_improvement_for_a_lower_is_better_indicator(db):
    row = query(db, "SELECT variation, assurance, provisional FROM kpi_spc_latest "
                    "WHERE indicator = 're_referrals_pct' AND team IS NULL")
    assert row == [(WORDS.variation["improvement"], WORDS.assurance["hit_and_miss"], False)]
    read = query(db, "SELECT rule, variation FROM kpi_spc WHERE indicator = 're_referrals_pct' AND team IS NULL "
                     "AND breakdown IS NULL ORDER BY period")
    assert {variation for _, variation in read[-8:]} == {WORDS.variation["improvement"]}
    assert WORDS.rules["shift"] in {rule for rule, _ in read[-8:]}
    assert {rule for rule, _ in read[:16]} == {None}


def test_a_short_neutral_series_is_provisional_with_no_assurance(db):
    assert query(db, "SELECT variation, assurance, points, provisional FROM kpi_spc_latest "
                     "WHERE indicator = 'referrals_rate'") == [(WORDS.variation["common"], None, 10, True)]


def test_a_load_refreshes_the_spc_rows_and_an_undo_puts_them_back(db):
    before = query(db, "SELECT * FROM kpi_spc ORDER BY ALL")
    load(db, "flat.xlsx", authority=[24] * 24)
    assert query(db, "SELECT * FROM kpi_spc ORDER BY ALL") != before
    undo(db)
    assert query(db, "SELECT * FROM kpi_spc ORDER BY ALL") == before


def test_an_older_database_gets_the_spc_tables_filled_at_its_next_write(db):
    con = duckdb.connect(str(db))
    con.execute("DROP VIEW kpi_spc; DROP VIEW kpi_spc_latest; DROP VIEW kpi_spc_rebases; DROP TABLE spc_points; "
                "DROP TABLE spc_latest; DROP TABLE spc_rebases; DELETE FROM meta WHERE key = 'spc_basis'")
    con.close()
    commentary.write(db, dt.date(2024, 12, 1), "indicator", "re_referrals_pct", "Falling.", "tester")
    assert query(db, "SELECT count(*) FROM kpi_spc") == [(82,)]
    assert len(query(db, "SELECT * FROM kpi_spc_latest")) == 3


# ------------------------------------------------------------------------------- rebases --
def test_a_rebase_gives_the_series_a_second_part_and_is_listed_with_its_author(db):
    result = run_cli("rebase", "re_referrals_pct", "2024-05", "--reason", "new front door", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "limits start again from May 2024 (new front door)" in result.stdout
    assert parts(db) == [dt.date(2023, 1, 1), dt.date(2024, 5, 1)]
    listed = rebases.in_force(db)
    assert list(listed["reason"]) == ["new front door"] and listed["author"].iloc[0]
    assert query(db, "SELECT points, limits_from FROM kpi_spc_latest WHERE indicator = 're_referrals_pct' "
                     "AND team IS NULL") == [(8, dt.date(2024, 5, 1))]


def test_a_rebase_of_one_team_leaves_the_authority_alone(db):
    rebases.write(db, "re_referrals_pct", "2024-01", "new team manager", team="Team A", author="tester")
    assert parts(db, "Team A") == [dt.date(2023, 1, 1), dt.date(2024, 1, 1)]
    assert parts(db) == [dt.date(2023, 1, 1)]


def test_removing_a_rebase_is_a_new_version_and_the_series_is_whole_again(db):
    rebases.write(db, "re_referrals_pct", "2024-05", "new front door", author="tester")
    result = run_cli("rebase", "re_referrals_pct", "2024-05", "--remove", "--db", db)
    assert result.returncode == 0, result.stderr
    assert parts(db) == [dt.date(2023, 1, 1)]
    assert rebases.in_force(db).empty
    assert [r[0] for r in query(db, "SELECT removed FROM spc_rebases ORDER BY version")] == [False, True]


def test_undoing_a_load_keeps_the_rebases(db):
    load(db, "flat.xlsx", authority=[24] * 24)
    rebases.write(db, "re_referrals_pct", "2024-05", "new front door", author="tester")
    undo(db)
    assert parts(db) == [dt.date(2023, 1, 1), dt.date(2024, 5, 1)]


@pytest.mark.parametrize("args, says", [
    (["re_referrals_pct", "2025-06", "--reason", "x"], "has no figure for June 2025"),
    (["no_such_thing", "2024-05", "--reason", "x"], "There is no indicator 'no_such_thing'"),
    (["re_referrals_pct", "2024-05", "--reason", "x", "--team", "Team Z"], "no figures for Re-referrals"),
    (["re_referrals_pct", "2024-05"], "Give the reason"),
    (["re_referrals_pct", "2024-05", "--reason", "   "], "Give the reason"),
    (["re_referrals_pct", "2024-03", "--remove"], "There is no rebase of"),
    (["re_referrals_pct", "May 2024", "--reason", "x"], "is not a month written YYYY-MM"),
    (["re_referrals_pct", "2023-01", "--reason", "x"], "is Re-referrals within 12 months's first month"),
])
def test_a_bad_rebase_is_one_sentence_exit_1_and_nothing_written(db, args, says):
    before = written_state(db)
    result = run_cli("rebase", *args, "--db", db)
    assert result.returncode == 1
    assert says in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert written_state(db) == before


def test_a_second_rebase_in_the_same_month_is_refused_and_nothing_written(db):
    rebases.write(db, "re_referrals_pct", "2024-05", "new front door", author="tester")
    before = written_state(db)
    result = run_cli("rebase", "re_referrals_pct", "2024-05", "--reason", "again", "--db", db)
    assert result.returncode == 1 and "already starts new limits in May 2024" in result.stderr
    assert written_state(db) == before


def test_a_rebase_without_a_database_is_refused_and_creates_none(tmp_path):
    result = run_cli("rebase", "re_referrals_pct", "2024-05", "--reason", "x", "--db", tmp_path / "none.duckdb")
    assert result.returncode == 1 and "There is no database" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_a_reader_may_not_rebase(db):
    with pytest.raises(PermissionError):
        rebases.write(db, "re_referrals_pct", "2024-05", "x", role="reader")


def test_the_pages_queries_read_a_teams_chart_rows_and_verdicts_beside_the_authoritys(db):
    from qa_dashboard.queries import queries

    chart = queries.run("spc_points", db, {"team": "Team A"})
    assert set(chart["scope"]) == {"authority", "team"} and len(chart) == 24 * 2 + 10
    latest = queries.run("spc_latest", db, {"team": None})
    assert list(latest["scope"]) == ["authority", "authority"]


def test_a_rebase_covers_the_indicators_breakdowns_too(db):
    rebases.write(db, "re_referrals_pct", "2024-05", "new front door", author="tester")
    starts = query(db, "SELECT DISTINCT limits_from FROM kpi_spc WHERE breakdown = 'Second referral' ORDER BY 1")
    assert starts == [(dt.date(2023, 1, 1),), (dt.date(2024, 5, 1),)]


def test_a_rebase_reason_typed_with_controls_is_kept_without_them(db):
    rebases.write(db, "re_referrals_pct", "2024-05", "new \u202efront\u202c door\x01", author="tes\x0bter")
    listed = rebases.in_force(db)
    assert (listed["reason"].iloc[0], listed["author"].iloc[0]) == ("new front door", "tes ter")
