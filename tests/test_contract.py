"""The catalogue is the only vocabulary: rules, labels, comparators and colours are read from
`contract/catalogue.toml`, so a change there needs no code, and nothing re-spells them."""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from qa_dashboard import audits, contract, demo_data, store
from qa_dashboard.ingest import check_file, normalise
from tests.workbooks import TODAY, action, table, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "qa_dashboard"
CODE = [*PACKAGE.rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py", *(ROOT / "bench").glob("*.py")]


def catalogue_with(tmp_path: Path, after: str, line: str) -> contract.Contract:
    """The real catalogue with `line` inserted after the line containing `after`."""
    text = contract.CATALOGUE_FILE.read_text(encoding="utf-8")
    assert after in text
    lines = text.splitlines(keepends=True)
    at = next(i for i, l in enumerate(lines) if after in l)
    lines.insert(at + 1, line + "\n")
    path = tmp_path / "catalogue.toml"
    path.write_text("".join(lines), encoding="utf-8")
    return contract.load(path)


def actions_file(tmp_path: Path) -> tuple[str, bytes]:
    rows = table(action(action_id="A1", reviewed_on="01/06/2024"), action(action_id="A2", reviewed_on=""),
                 action(action_id="A3", reviewed_on="01/06/2031"))
    path = write_xlsx(tmp_path / "actions.xlsx", {"actions": rows})
    return path.name, path.read_bytes()


# ------------------------------------------------------------------ rules from the file --
def test_a_column_added_to_the_catalogue_is_read_required_and_dated_with_no_code(tmp_path, monkeypatch):
    name, data = actions_file(tmp_path)
    before = check_file(name, data, today=TODAY)
    assert not [p for p in before.problems if p.severity == "error"]  # today: an unknown column, ignored
    assert any("not a column" in p.message for p in before.problems)

    grown = catalogue_with(tmp_path, 'name = "updated", kind = "date"',
        '  { name = "reviewed_on", kind = "date", required = true, past = true, labels = ["review date"], help = "When it was reviewed." },')
    monkeypatch.setattr(contract, "load", lambda *args: grown)
    after = check_file(name, data, today=TODAY)
    errors = {(p.row, p.column): p.message for p in after.problems if p.severity == "error"}
    assert errors == {
        (3, "reviewed_on"): "'reviewed_on' is blank: every row needs one.",
        (4, "reviewed_on"): "The date 01/06/2031 is in the future (today is 15/12/2024). Check the year.",
    }
    assert after.records["actions"].columns["reviewed_on"][0].isoformat() == "2024-06-01"


def test_a_column_the_catalogue_stops_requiring_is_no_longer_required(tmp_path, monkeypatch):
    rows = table({k: v for k, v in action(title="").items()})
    path = write_xlsx(tmp_path / "actions.xlsx", {"actions": rows})
    assert any("'title' is blank" in p.message for p in check_file(path.name, path.read_bytes(), TODAY).problems)
    text = contract.CATALOGUE_FILE.read_text(encoding="utf-8").replace(
        '{ name = "title", kind = "text", required = true,', '{ name = "title", kind = "text",')
    (tmp_path / "relaxed.toml").write_text(text, encoding="utf-8")
    relaxed = contract.load(tmp_path / "relaxed.toml")
    monkeypatch.setattr(contract, "load", lambda *args: relaxed)
    assert not [p for p in check_file(path.name, path.read_bytes(), TODAY).problems if p.severity == "error"]


def test_stored_columns_are_the_catalogues_read_columns_then_derived_ones():
    spec = contract.load()
    assert spec.stored_columns("kpi")[-1] == "commentary"
    assert {"polarity", "unit"}.isdisjoint(spec.stored_columns("kpi"))
    assert spec.stored_columns("feedback")[-1] == "sentiment"
    assert [c for c in spec.stored_columns("audits")][-len(spec.practice_areas):] == [p.code for p in spec.practice_areas]


# ---------------------------------------------------------------------- good or better --
def _macro(db: Path) -> dict[int, bool]:
    with store.write_transaction(db) as con:
        return dict(store.run(con, "SELECT grade_rank, good_or_better(grade_rank) FROM grade_scale"))


def test_good_or_better_is_one_definition_read_by_python_and_sql(tmp_path):
    spec = contract.load()
    assert audits.good_or_better_ranks() == {g.rank for g in spec.grades if g.good_or_better} == {1, 2}
    assert _macro(tmp_path / "qa.duckdb") == {g.rank: g.good_or_better for g in spec.grades}
    assert "good_or_better(grade_rank)" in (PACKAGE / "queries" / "audit_grades_by_quarter.sql").read_text()


def test_a_database_written_before_the_macro_still_answers_good_or_better_for_readers(tmp_path):
    db = tmp_path / "qa.duckdb"
    _macro(db)
    import duckdb
    with duckdb.connect(str(db)) as con:  # as a file written before the macro existed
        con.execute("DROP MACRO good_or_better")
    with store.read_connection(db) as con:
        answers = dict(store.run(con, "SELECT grade_rank, good_or_better(grade_rank) FROM grade_scale"))
    assert answers == {g.rank: g.good_or_better for g in contract.load().grades}


def test_changing_good_or_better_in_the_catalogue_changes_python_and_sql_alike(tmp_path, monkeypatch):
    text = contract.CATALOGUE_FILE.read_text(encoding="utf-8")
    stricter = re.sub(r'(label = "Good"\ncolour = "[^"]+"\ngood_or_better = )true', r"\1false", text)
    assert stricter != text
    (tmp_path / "stricter.toml").write_text(stricter, encoding="utf-8")
    spec = contract.load(tmp_path / "stricter.toml")
    monkeypatch.setattr(contract, "load", lambda *args: spec)
    assert audits.good_or_better_ranks() == {1}
    assert _macro(tmp_path / "qa.duckdb") == {1: True, 2: False, 3: False, 4: False}


# --------------------------------------------------------------------- nothing re-spelt --
def _quoted(words: set[str]) -> re.Pattern:
    return re.compile(r"""(["'])(%s)\1""" % "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def test_grade_labels_comparator_names_and_colours_are_spelt_only_in_the_catalogue():
    spec = contract.load()
    words = set(spec.grade_labels) | {c.label for c in spec.published_comparators}
    words |= {*spec.palette.categorical, spec.palette.lighter, spec.palette.neutral, spec.palette.own_figure}
    words |= {g.colour for g in spec.grades} | {c.colour for c in spec.comparators}
    found = [f"{path.relative_to(ROOT)}:{n}: {match[2]}"
             for path in CODE for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for match in _quoted(words).finditer(line)]
    assert found == []


def test_streamlits_palette_is_the_catalogues():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    palette = contract.palette().categorical
    assert tuple(config["theme"]["chartCategoricalColors"]) == palette
    # The dark theme swaps black, which would vanish, for white.
    assert tuple(config["theme"]["dark"]["chartCategoricalColors"])[:-1] == palette[:-1]


def test_every_indicator_the_published_figures_compute_is_in_the_catalogue():
    views = (PACKAGE / "store" / "views.sql").read_text(encoding="utf-8")
    figures = views[views.index("CREATE OR REPLACE VIEW dfe_figures"):views.index("CREATE OR REPLACE VIEW benchmarks")]
    codes = set(re.findall(r"\(\s*'([a-z0-9_]+)',\s*'", figures))
    assert {"vacancy_pct", "turnover_pct", "cin_rate", "referrals_rate"} <= codes
    assert codes <= {i.code for i in contract.load().indicators}


def test_the_benchmarks_view_writes_the_catalogues_geography_levels():
    views = (PACKAGE / "store" / "views.sql").read_text(encoding="utf-8")
    benchmarks = views[views.index("CREATE OR REPLACE VIEW benchmarks"):]
    for comparator in contract.load().published_comparators:
        assert f"'{comparator.geography_level}'" in benchmarks


# ----------------------------------------------------------------------------- generators --
def test_the_demo_generator_takes_its_vocabulary_from_the_catalogue():
    spec = contract.load()
    assert demo_data.GRADES == sorted(spec.grade_labels, key=lambda label: next(g.rank for g in spec.grades if g.label == label))
    assert demo_data.PRACTICE_AREAS == [p.code for p in spec.practice_areas]
    assert set(demo_data.AREA_LEAN) <= set(demo_data.PRACTICE_AREAS)
    assert set(demo_data.AUDIT_TYPE_WEIGHTS) <= set(spec.audit_types)
    for rank, spellings in demo_data.HUMAN_SPELLINGS.items():
        assert {normalise.grade(s)[0] for s in spellings} == {demo_data.GRADES[rank - 1]}
    for indicator in demo_data.SCORECARD_INDICATORS:
        found = spec.indicator(indicator.code)
        assert found or indicator.written_as == demo_data.CUSTOM_INDICATOR
        if found:
            assert contract.indicator_lookup()[contract.squash(indicator.name)] == found


def test_the_large_authority_generator_takes_units_and_grades_from_the_catalogue():
    large = pytest.importorskip("bench.large_authority")
    spec = contract.load()
    assert large.GRADES == demo_data.GRADES
    assert large.PRACTICE_AREAS == [p.code for p in spec.practice_areas]
    assert all(large.INDICATORS[code][0] == spec.indicator(code).unit for code in large.INDICATORS)
    assert large.SYSTEM_HEALTH == [i.code for i in spec.indicators if i.system_health]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_the_upload_page_does_not_import_the_demo_generator():
    assert not any("demo_data" in name for name in _imports(PACKAGE / "upload.py"))


# ---------------------------------------------------------------------- ingest, one way --
def test_ingest_steps_import_only_the_steps_before_them():
    ingest = PACKAGE / "ingest"
    later = {"recognise": {"normalise", "sheet", "validate", "load"}, "normalise": {"sheet", "validate", "load"},
             "sheet": {"validate", "load"}, "validate": {"load"}}
    for step, forbidden in later.items():
        imported = {name.rsplit(".", 1)[-1] for name in _imports(ingest / f"{step}.py") if "qa_dashboard.ingest" in name}
        assert not imported & forbidden, step


# ----------------------------------------------------------------------- one calendar --
CALENDAR = {"add_months", "month_label", "month_short", "as_date", "quarter_starts", "quarters_between",
            "months_between", "quarter_start", "quarter_label", "financial_year_label", "financial_year_months"}


def test_the_financial_calendar_is_defined_only_in_periods():
    defined = [f"{path.relative_to(ROOT)}: {node.name}"
               for path in CODE if path.name != "periods.py"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.FunctionDef) and node.name in CALENDAR]
    assert defined == []


def _normalised(tmp_path: Path, rows: list[dict]):
    from qa_dashboard.ingest.read import read_file
    from qa_dashboard.ingest.recognise import recognise
    from qa_dashboard.ingest.sheet import normalise_sheet

    path = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(*rows)})
    raw_sheets, _ = read_file(path.name, path.read_bytes())
    mapped, problems = recognise(path.name, raw_sheets[0])
    assert not problems
    return normalise_sheet(path.name, mapped, TODAY)


def test_percent_cells_and_values_from_fractions_are_normalised_before_validation(tmp_path):
    from tests.workbooks import Styled, kpi

    sheet = _normalised(tmp_path, [
        kpi(value=Styled(0.225, "0.0%"), stat_neighbours=Styled(0.21, "0%")),
        kpi(period="2024-06", value=None, numerator=45, denominator=200),
        kpi(period="2024-07", indicator="caseload_avg", value=Styled(0.5, "0%"))])
    assert sheet.values["value"][0] == pytest.approx(22.5)
    assert sheet.values["stat_neighbours"][0] == pytest.approx(21.0)
    assert sheet.values["value"][1] == pytest.approx(45 / 200 * 100)
    assert sheet.values["value"][2] == 0.5  # a count is never scaled as a percentage
    assert sheet.problems == []
