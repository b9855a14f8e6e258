""""Allocated Team" in Ofsted's Annex A lists, taken as a team only when it is one (issue 18,
section 8): cleaned of control and bidirectional characters at the door, and "not recorded" when
the authority's teams list is loaded and does not have it (a worker's name typed there is never
stored), or when it names the whole authority."""
from pathlib import Path

from qa_dashboard.ingest import WARNING, ingest
from tests import annex_a_workbooks as sample
from tests.workbooks import TODAY, query, table, team, write_xlsx

TEAM = sample.REFERRAL_HEADER.index("Allocated Team") if "Allocated Team" in sample.REFERRAL_HEADER else 7


def with_referral_teams(tmp_path: Path, *teams: str) -> Path:
    """The sample workbook with List 3's data rows' teams replaced, in order."""
    sheets = sample.workbook_sheets()
    rows = sheets["List 3 - Referrals"]
    first = rows.index(sample.REFERRAL_HEADER) + 1
    for row, name in zip(rows[first:], teams):
        row[TEAM] = name
    return write_xlsx(tmp_path / "annex_a.xlsx", sheets)


def teams_list(tmp_path: Path, *names: str) -> Path:
    db = tmp_path / "qa.duckdb"
    rows = table(*(team(team=name, service_area="Front Door") for name in names))
    assert ingest([write_xlsx(tmp_path / "teams.xlsx", {"teams": rows})], db, "tester", today=TODAY).loaded
    return db


def referral_teams(db: Path) -> list:
    return query(db, "SELECT DISTINCT coalesce(team, '(authority)') FROM kpi_values "
                     "WHERE indicator = 'referrals_count' ORDER BY 1")


def test_an_allocated_team_not_in_the_teams_list_loaded_is_not_recorded(tmp_path):
    db = teams_list(tmp_path, "North")
    result = ingest([with_referral_teams(tmp_path, *["North", "North", "Wilhelmina Quuxley", "South", "North", "South"])],
                    db, "tester", as_at=sample.AS_AT)
    assert result.loaded, [p.line() for p in result.errors]
    assert referral_teams(db) == [("(authority)",), ("North",)]
    assert not query(db, "SELECT * FROM annex_a_quality WHERE team IN ('South', 'Wilhelmina Quuxley')")
    (warning,) = [w for w in result.warnings if "not in the teams list" in w.message and w.sheet == "List 3 - Referrals"]
    assert warning.severity == WARNING and warning.value == "" and warning.column == "Allocated Team"
    assert "3 rows" in warning.message and "Quuxley" not in warning.line()


def test_an_allocated_team_takes_the_teams_lists_spelling(tmp_path):
    db = teams_list(tmp_path, "North", "South")
    assert ingest([with_referral_teams(tmp_path, *["NORTH ", "north", "South", "south", "North", "South"])],
                  db, "tester", as_at=sample.AS_AT).loaded
    assert referral_teams(db) == [("(authority)",), ("North",), ("South",)]


def test_without_a_teams_list_the_allocated_team_is_taken_as_written(tmp_path):
    db = tmp_path / "qa.duckdb"
    assert ingest([with_referral_teams(tmp_path, *["North", "North", "Hub", "South", "North", "South"])],
                  db, "tester", as_at=sample.AS_AT).loaded
    assert referral_teams(db) == [("(authority)",), ("Hub",), ("North",), ("South",)]


def test_an_allocated_team_named_as_the_whole_authority_is_not_recorded(tmp_path):
    db = tmp_path / "qa.duckdb"
    result = ingest([with_referral_teams(tmp_path, *["North", "North", "whole AUTHORITY", "South", "North", "South"])],
                    db, "tester", as_at=sample.AS_AT)
    assert result.loaded
    assert referral_teams(db) == [("(authority)",), ("North",), ("South",)]
    assert any("names the whole authority" in w.message for w in result.warnings)


def test_a_control_character_in_an_allocated_team_is_removed_with_a_warning_naming_the_cell(tmp_path):
    db = tmp_path / "qa.duckdb"
    result = ingest([with_referral_teams(tmp_path, *["North_x0001_", "North", "So\u202euth", "South", "North", "South"])],
                    db, "tester", as_at=sample.AS_AT)
    assert result.loaded
    assert referral_teams(db) == [("(authority)",), ("North",), ("South",)]
    cleaned = [w for w in result.warnings if "removes from a team's name" in w.message]
    assert [(w.sheet, w.column, w.value) for w in cleaned] == [("List 3 - Referrals", "Allocated Team", "")] * 2
    assert "control character U+0001" in cleaned[0].message and "U+202E" in cleaned[1].message
    assert {w.row for w in cleaned} == {5, 7}


def test_a_lists_sheet_name_is_kept_without_its_bidirectional_control(tmp_path):
    sheets = sample.workbook_sheets()
    sheets["List 3 - Referrals\u202e"] = sheets.pop("List 3 - Referrals")
    db = tmp_path / "qa.duckdb"
    assert ingest([write_xlsx(tmp_path / "annex_a.xlsx", sheets)], db, "tester", as_at=sample.AS_AT).loaded
    assert ("List 3 - Referrals",) in query(db, "SELECT sheet FROM annex_a_lists")


def test_an_allocated_team_longer_than_the_catalogues_cap_is_not_recorded(tmp_path):
    db = tmp_path / "qa.duckdb"
    long = "Hub " + "x" * 32_000
    result = ingest([with_referral_teams(tmp_path, *["North", "North", long, "South", "North", "South"])],
                    db, "tester", as_at=sample.AS_AT)
    assert result.loaded
    assert referral_teams(db) == [("(authority)",), ("North",), ("South",)]
    (warning,) = [w for w in result.warnings if "over 200 characters long" in w.message and w.sheet == "List 3 - Referrals"]
    assert "xxxx" not in warning.line()
