"""DfE's published figures on the System health and Workforce pages, for a chosen authority:
annual lines for the authority, its statistical neighbours' mean, its region and England, kept
apart from the monthly local lines, and where it ranks among neighbours and region."""

import html
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard.benchmarks import set_authority
from qa_dashboard.ingest import ingest
from tests.conftest import REPO_ROOT

AUTHORITY = "Sefton"


@pytest.fixture(scope="module")
def benchmarked_db(demo_db: Path, shared_reference: Path, tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("published") / "qa.duckdb"
    shutil.copy(demo_db, database)
    result = ingest(sorted((shared_reference / "dfe").glob("*.csv")), database, user="test")
    assert result.ok, [p.line() for p in result.problems][:5]
    set_authority(database, AUTHORITY)
    return database


def open_page(database: Path, page: str, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    return app


def test_system_health_draws_published_lines_for_the_chosen_authority(benchmarked_db, monkeypatch):
    app = open_page(benchmarked_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    assert "Re-referrals within 12 months: DfE's published figures" in [s.value.replace("\\", "") for s in app.subheader]
    [annual] = [d.value for d in app.dataframe if "Neighbours averaged" in d.value.columns]
    assert {"Sefton", "Statistical neighbours (mean)", "North West (region)", "England"} <= set(annual["Line"])
    # The published line is its own series: never the monthly "Our figure" line.
    assert "Our figure" not in set(annual["Line"])


def test_the_neighbour_mean_shown_is_the_mean_of_the_ten_neighbours_published_figures(
        benchmarked_db, shared_reference, monkeypatch):
    import pandas as pd

    app = open_page(benchmarked_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    [annual] = [d.value for d in app.dataframe if "Neighbours averaged" in d.value.columns]
    shown = annual[(annual["Line"] == "Statistical neighbours (mean)") & (annual["Year"] == "2024-25")]
    model = pd.read_csv(shared_reference / "dfe" / "sn_model_2025_wide.csv", dtype=str, encoding="utf-8-sig")
    row = model[model["la_name"] == AUTHORITY].iloc[0]
    neighbours = [row[f"SN_{n}"] for n in range(1, 11)]
    c1 = pd.read_csv(shared_reference / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", dtype=str)
    published = c1[(c1["time_period"] == "2025") & (c1["geographic_level"] == "Local authority")
                   & (c1["old_la_code"].isin(neighbours))]
    values = pd.to_numeric(published["rereferral_percent"], errors="coerce").dropna()
    assert shown.iloc[0]["Re-referrals within 12 months"] == pytest.approx(values.mean())


def test_system_health_says_where_the_authority_ranks(benchmarked_db, monkeypatch):
    app = open_page(benchmarked_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    sentences = [t.value for t in app.text]
    assert any(s.startswith("In 2024-25 Sefton had") and "statistical neighbours" in s for s in sentences)
    [ranking] = [d.value for d in app.dataframe if "Our authority" in d.value.columns]
    assert ranking["Our authority"].sum() == 1
    with duckdb.connect(str(benchmarked_db), read_only=True) as con:
        [(neighbours,)] = con.execute("SELECT count(*) FROM statistical_neighbours n JOIN meta m "
                                      "ON m.key = 'authority' AND n.old_la_code = m.value "
                                      "WHERE n.superseded_by IS NULL").fetchall()
    assert neighbours == 10
    assert ranking["Statistical neighbour"].sum() <= 10


def test_the_workforce_page_compares_with_other_authorities(benchmarked_db, monkeypatch):
    app = open_page(benchmarked_db, "app_pages/workforce.py", monkeypatch, workforce_tab="Against other authorities")
    headings = [s.value.replace("\\", "") for s in app.subheader]
    for label in ("Agency social workers (rate)", "Average caseload", "Vacancy rate", "Turnover rate"):
        assert f"{label}: DfE's published figures" in headings, headings


def test_without_published_figures_the_workforce_tab_says_what_to_upload(demo_db, monkeypatch):
    app = open_page(demo_db, "app_pages/workforce.py", monkeypatch, workforce_tab="Against other authorities")
    assert any("csww" in i.value for i in app.info)


def test_an_officer_chooses_the_authority_on_the_upload_page(benchmarked_db, tmp_path, monkeypatch):
    database = tmp_path / "choose.duckdb"
    shutil.copy(benchmarked_db, database)
    monkeypatch.delenv("QA_DASHBOARD_UPLOADER_PASSWORD_HASH", raising=False)
    monkeypatch.delenv("QA_DASHBOARD_UPLOADER_EMAILS", raising=False)
    app = open_page(database, "app_pages/upload.py", monkeypatch)
    app.selectbox(key="our_authority").set_value("Wirral")
    app.button[[b.label for b in app.button].index("Save our authority")].click()
    app.run()
    assert any("now belongs to Wirral" in s.value for s in app.success), [e.value for e in app.error]
    with duckdb.connect(str(database), read_only=True) as con:
        [(name,)] = con.execute("SELECT a.la_name FROM meta m JOIN dfe_authorities a ON a.old_la_code = m.value "
                                "WHERE m.key = 'authority'").fetchall()
    assert name == "Wirral"


def test_the_scorecard_takes_published_comparators_only_when_the_upload_gave_none():
    import datetime as dt

    import pandas as pd

    from qa_dashboard import system_health
    from qa_dashboard.scope import Filters

    def row(indicator, label, **comparators):
        return {"indicator": indicator, "label": label, "unit": "%", "polarity": "lower", "system_health": True,
                "scope": "authority", "period": dt.date(2025, 3, 1), "value": 22.0, "target": None,
                "numerator": None, "denominator": None, "stat_neighbours": None, "region": None, "england": None,
                **comparators}

    by_indicator = {"re_referrals_pct": [row("re_referrals_pct", "Re-referrals")],
                    "agency_worker_pct": [row("agency_worker_pct", "Agency", stat_neighbours=30.0)]}
    published = pd.DataFrame({"indicator": ["re_referrals_pct"] * 3 + ["agency_worker_pct"],
                              "geography_level": ["Statistical neighbours", "Region", "England", "England"],
                              "year": [2025] * 4, "value": [21.2, 19.4, 22.6, 13.0]})
    chosen = Filters(start=dt.date(2024, 4, 1), end=dt.date(2025, 3, 1), period_label="x")
    table = system_health.scorecard(by_indicator, chosen, published).set_index("Indicator")
    assert table.loc["Re-referrals", ["Statistical neighbours", "Region", "England"]].tolist() == [
        "21.2% (DfE 2024-25)", "19.4% (DfE 2024-25)", "22.6% (DfE 2024-25)"]
    # The upload gave a comparator for agency: its own stay, and no published figure is mixed in.
    assert table.loc["Agency", ["Statistical neighbours", "England"]].tolist() == ["30.0%", ""]


# ------------------------------------------------------------- among every authority --
def chosen_position(database: Path, indicator: str) -> tuple:
    """The chosen authority's latest row of the view, read straight from the database."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("""
            SELECT p.financial_year, p.rank, p.of_count, p.quartile_band, p.year
            FROM benchmark_positions p JOIN dfe_authorities a ON a.new_la_code = p.area_code
            JOIN meta m ON m.key = 'authority' AND m.value = a.old_la_code
            WHERE p.indicator = ? ORDER BY p.year DESC LIMIT 1""", [indicator]).fetchone()


def ordinal(number: int) -> str:
    return f"{number}{'th' if 10 <= number % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


def test_system_health_gives_the_band_and_rank_among_every_authority(benchmarked_db, monkeypatch):
    year, rank, of_count, band, _ = chosen_position(benchmarked_db, "re_referrals_pct")
    app = open_page(benchmarked_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    sentences = [t.value for t in app.text]
    assert any(s.startswith(f"Band {band}: {ordinal(rank)} of {of_count}, {year}") for s in sentences), sentences
    [letters] = [s for s in sentences if s.startswith("Band by year, ")]
    assert letters.endswith(f" {band}")


def test_the_position_chart_has_every_authority_behind_it(benchmarked_db, monkeypatch):
    _, _, of_count, _, _ = chosen_position(benchmarked_db, "re_referrals_pct")
    app = open_page(benchmarked_db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")
    [every] = [d.value for d in app.dataframe if "Ours" in d.value.columns]
    assert len(every) == of_count + 1 and every["Authority"].iloc[-1] == "England"
    assert list(every.loc[every["Ours"], "Authority"]) == [AUTHORITY]
    assert "Figures: Re-referrals within 12 months, every authority 2024-25" in [e.label.replace("\\", "")
                                                                                for e in app.expander]


def test_a_neutral_indicator_is_placed_against_the_middle_half_not_banded(benchmarked_db, monkeypatch):
    app = open_page(benchmarked_db, "app_pages/system_health.py", monkeypatch, indicator="referrals_rate")
    sentences = [t.value for t in app.text]
    assert any("the middle half of authorities, 2024-25" in s and "no rank or band" in s for s in sentences), sentences
    assert not any(s.startswith("Band by year") for s in sentences)


def test_the_workforce_tab_gives_the_band_of_each_published_figure(benchmarked_db, monkeypatch):
    app = open_page(benchmarked_db, "app_pages/workforce.py", monkeypatch, workforce_tab="Against other authorities")
    sentences = [t.value for t in app.text]
    for indicator in ("agency_worker_pct", "caseload_avg", "vacancy_pct", "turnover_pct"):
        year, rank, of_count, band, _ = chosen_position(benchmarked_db, indicator)
        assert f"Band {band}: {ordinal(rank)} of {of_count}, {year}" in " ".join(sentences), indicator


def test_the_scorecard_says_the_band_among_every_authority(benchmarked_db, monkeypatch):
    year, _, of_count, band, _ = chosen_position(benchmarked_db, "re_referrals_pct")
    app = open_page(benchmarked_db, "app_pages/system_health.py", monkeypatch)
    [card] = [d.value for d in app.dataframe if "Among all authorities" in d.value.columns]
    row = card[card["Indicator"] == "Re-referrals within 12 months"].iloc[0]
    assert row["Among all authorities"] == f"Band {band} among {of_count} ({year})"


def test_the_overview_tiles_say_the_band_among_every_authority(benchmarked_db, monkeypatch):
    year, _, of_count, band, _ = chosen_position(benchmarked_db, "re_referrals_pct")
    app = open_page(benchmarked_db, "app_pages/overview.py", monkeypatch)
    # A tile with SPC verdicts draws its icons and lines as one escaped HTML element; one without, as text.
    said = [t.value for t in app.text] + [html.unescape(e.proto.body) for e in app.get("html")]
    assert any(f"Among every authority: Band {band} among {of_count} ({year})" in words for words in said)


def test_the_board_pack_has_a_table_of_bands_and_a_position_chart(benchmarked_db, tmp_path):
    import subprocess
    import sys

    import docx

    out = tmp_path / "pack.docx"
    made = subprocess.run([sys.executable, "-m", "qa_dashboard", "pack", str(out), "--db", str(benchmarked_db),
                           "--sections", "overview", "system-health"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    document = docx.Document(str(out))
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "Indicator"
               and "Among all authorities" in [c.text for c in t.rows[0].cells]]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    year, rank, of_count, band, _ = chosen_position(benchmarked_db, "re_referrals_pct")
    assert rows["Re-referrals within 12 months"][1:5] == [year, rows["Re-referrals within 12 months"][2], band,
                                                          f"{ordinal(rank)} of {of_count}"]
    neutral = rows["Referrals per 10,000 children"]
    assert neutral[3] == "–" and neutral[4].endswith("the middle half of authorities")  # no band
    described = [shape._inline.docPr.get("descr") or "" for shape in document.inline_shapes]
    assert any(d.startswith("Dot chart: Re-referrals within 12 months") and AUTHORITY in d for d in described)
