"""The Workforce page's figures, from hand-made workbooks loaded through `ingest` and read back
through the page's own SQL (`workforce_sums`, `workforce_england`), with known answers.

Seed 002 (Bury): "CASS at 14, IRT at 18 and Family Safeguarding at 24.5 ... the model is
predicated on caseloads of 17"; "over 40% of frontline professionals" are agency staff.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from qa_dashboard import queries
from qa_dashboard import workforce as wf
from qa_dashboard.charts import workforce as drawn
from qa_dashboard.scope import Filters
from qa_dashboard.ingest import ingest
from tests.workbooks import kpi, table, workforce, write_xlsx

MAY = dt.date(2024, 5, 1)

# Three teams whose caseloads are the seed's 14, 18 and 24.5: 1,285 children and 65 FTE in all,
# so the authority's caseload is 19.8 (1,285 ÷ 65), not 18.8 (the mean of the three).
CASS = workforce(team="CASS", service_area="Children's services", social_worker_fte=7, children_allocated=98,
                 agency_fte=1, vacancy_fte=0.5, nqsw_fte=2, caseload_target=15, starters=1, leavers=0,
                 children_open_6m=40, same_worker_6m=18, children_open_12m=20, same_worker_12m=5)
IRT = workforce(team="IRT", service_area="Children's services", social_worker_fte=36, children_allocated=648,
                agency_fte=12, vacancy_fte=4, nqsw_fte=6, caseload_target=18, starters=2, leavers=1,
                children_open_6m=None, same_worker_6m=None, children_open_12m=None, same_worker_12m=None)
FAMILY_SAFEGUARDING = workforce(team="Family Safeguarding 1", service_area="Family Safeguarding",
                                social_worker_fte=22, children_allocated=539, agency_fte=10, vacancy_fte=3,
                                nqsw_fte=4, caseload_target=17, starters=1, leavers=2,
                                children_open_6m=100, same_worker_6m=45, children_open_12m=60, same_worker_12m=15)


def _chosen(start=MAY, end=MAY, service_area=None, team=None) -> Filters:
    return Filters(start=start, end=end, period_label="test", service_area=service_area, team=team)


def _load(tmp_path: Path, sheets: dict) -> Path:
    db = tmp_path / "workforce.duckdb"
    result = ingest([write_xlsx(tmp_path / "extract.xlsx", sheets)], db, user="test")
    assert result.loaded, [p.message for p in result.problems]
    return db


def _figures(db: Path, chosen: Filters) -> pd.DataFrame:
    sums = queries.run("workforce_sums", db, chosen.params(first_month=wf.first_month_asked(chosen)))
    return wf.add_figures(sums)


def _row(frame: pd.DataFrame, level: str, name: str | None = None, month: dt.date = MAY) -> pd.Series:
    rows = frame[(frame["level"] == level) & (frame["period"] == month)]
    if level == "team":
        rows = rows[rows["team"] == name]
    elif level == "service area":
        rows = rows[rows["service_area"] == name]
    [index] = rows.index
    return rows.loc[index]


@pytest.fixture
def three_teams(tmp_path: Path) -> Path:
    return _load(tmp_path, {
        "workforce": table(CASS, IRT, FAMILY_SAFEGUARDING),
        "kpi": table(kpi(indicator="agency_worker_pct", value=36.9, target=None, england=16.2, commentary=None)),
    })


# ------------------------------------------------------------------------------ caseloads --
def test_three_teams_read_14_18_and_24_point_5(three_teams):
    frame = _figures(three_teams, _chosen())
    assert [round(_row(frame, "team", t)["caseload"], 1) for t in ("CASS", "IRT", "Family Safeguarding 1")] == [14.0, 18.0, 24.5]


def test_the_authority_caseload_is_the_ratio_of_sums_not_the_mean_of_the_teams(three_teams):
    authority = _row(_figures(three_teams, _chosen()), "selection")
    assert (authority["children_allocated"], authority["social_worker_fte"]) == (1285, 65)
    assert round(authority["caseload"], 1) == 19.8
    assert round((14 + 18 + 24.5) / 3, 1) == 18.8 != round(authority["caseload"], 1)


def test_a_service_area_caseload_is_the_ratio_of_its_teams_sums(three_teams):
    service = _row(_figures(three_teams, _chosen()), "service area", "Children's services")
    assert math.isclose(service["caseload"], (98 + 648) / (7 + 36))   # 17.3, not (14 + 18) / 2 = 16


def test_the_caseload_summary_gives_the_authority_figure_and_the_range_across_teams(three_teams):
    lines = wf.caseload_summary(_figures(three_teams, _chosen()), MAY)
    assert lines[0].startswith("Average caseload in May 2024: 19.8 children per social worker "
                               "(1,285 children ÷ 65.0 FTE)")
    assert "Range across teams: 14.0 (CASS) to 24.5 (Family Safeguarding 1)." in lines


def test_each_bar_carries_its_gap_to_target_in_words(three_teams):
    frame = _figures(three_teams, _chosen())
    _, figures = drawn.caseload_bars(wf.group_rows(frame, MAY), "title")
    against = dict(zip(figures["Group"], figures["Against target"]))
    assert against["Family Safeguarding 1"] == "24.5 · 7.5 above the target of 17"
    assert against["CASS"] == "14.0 · 1.0 below the target of 15"
    assert dict(zip(figures["Group"], figures["Status"]))["Family Safeguarding 1"] == wf.ABOVE


def test_a_group_target_is_the_fte_weighted_target_and_says_so(three_teams):
    service = _row(_figures(three_teams, _chosen()), "service area", "Children's services")
    assert math.isclose(service["target"], (15 * 7 + 18 * 36) / 43)
    assert wf.target_text(service) == "target 17.5 (FTE-weighted; teams' targets 15 to 18)"


def test_a_team_without_a_target_has_no_gap_not_a_zero_target(tmp_path):
    db = _load(tmp_path, {"workforce": table(workforce(team="Duty", caseload_target=None))})
    row = _row(_figures(db, _chosen()), "team", "Duty")
    assert math.isnan(row["target"]) and wf.gap_text(row["caseload"], row["target"]) == "no target loaded"


def test_newly_qualified_workers_are_shown_as_a_share_of_fte_and_their_caseloads_are_not_guessed(three_teams):
    text = wf.newly_qualified_summary(_figures(three_teams, _chosen()), MAY)
    assert "18.5% (12.0 of 65.0 FTE) is newly qualified" in text
    assert "53.0 FTE experienced" in text
    assert "cannot be shown apart" in text


def test_without_newly_qualified_figures_the_page_says_so(tmp_path):
    db = _load(tmp_path, {"workforce": table(workforce(team="Duty"))})
    assert wf.newly_qualified_summary(_figures(db, _chosen()), MAY).startswith("Newly qualified FTE (nqsw_fte) is not in")


# --------------------------------------------------------------------------------- agency --
def test_an_agency_share_over_40_percent_is_flagged_against_a_lower_england_rate(three_teams):
    frame = _figures(three_teams, _chosen())
    rows = wf.group_rows(frame, MAY)
    england = wf.england_by_month(queries.run("workforce_england", three_teams), "agency_worker_pct", [MAY])
    assert list(england["value"]) == [16.2] and list(england["source"]) == ["England (KPI scorecard)"]

    _, figures = drawn.agency_bars(rows, england["value"].iloc[0], "title")
    by_group = figures.set_index("Group")
    assert by_group.loc["Family Safeguarding 1", "Agency share %"] == 45.5      # 10 of 22 FTE
    assert by_group.loc["Family Safeguarding 1", "Flag"] == "Over 40%"
    assert by_group.loc["Family Safeguarding 1", "Shown as"] == "⚑ 45.5% (10.0 of 22.0 FTE)"
    assert by_group.loc["CASS", "Flag"] == "40% or under"
    assert (figures["England %"] == 16.2).all()
    assert wf.flagged_groups(rows) == ["Family Safeguarding 1"]
    assert "Over 40% (flagged ⚑, in vermillion): Family Safeguarding 1." in wf.agency_summary(frame, MAY, rows)
    assert wf.england_note(england, "%", "the agency share") == "England: 16.2% for May 2024 (KPI scorecard)."


def test_the_authority_agency_share_is_a_ratio_of_sums(three_teams):
    authority = _row(_figures(three_teams, _chosen()), "selection")
    assert math.isclose(authority["agency_pct"], 100 * 23 / 65)   # 35.4%, not the mean of 14.3, 33.3, 45.5


def test_a_team_with_agency_left_blank_is_left_out_of_the_share_not_counted_as_none(tmp_path):
    db = _load(tmp_path, {"workforce": table(workforce(team="A", agency_fte=5, social_worker_fte=10),
                                             workforce(team="B", agency_fte=None, social_worker_fte=30))})
    assert _row(_figures(db, _chosen()), "selection")["agency_pct"] == 50.0


def test_with_no_england_figure_loaded_the_page_says_none_is_loaded(tmp_path):
    db = _load(tmp_path, {"workforce": table(workforce(team="A"))})
    england = wf.england_by_month(queries.run("workforce_england", db), "agency_worker_pct", [MAY])
    assert england.empty
    assert wf.england_note(england, "%", "the agency share").startswith("No England figure for the agency share is loaded")


def test_a_published_england_figure_covers_the_months_of_its_year_and_after():
    published = pd.DataFrame({"source": "published", "indicator": "agency_worker_pct", "period": [None, None],
                              "year": [2024, 2025], "value": [16.2, 13.0]})
    months = [dt.date(2023, 3, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2025, 6, 1)]
    england = wf.england_by_month(published, "agency_worker_pct", months)
    assert list(england["period"]) == months[1:]                      # nothing published for 2022-23
    assert list(england["value"]) == [16.2, 13.0, 13.0]
    assert list(england["source"]) == ["England (DfE, year to March 2024)", "England (DfE, year to March 2025)",
                                       "England (DfE, year to March 2025)"]


# ------------------------------------------------------------ recruitment and retention --
def _months(count: int, start=dt.date(2024, 1, 1)) -> list[dt.date]:
    out = [start]
    while len(out) < count:
        out.append(dt.date(out[-1].year + out[-1].month // 12, out[-1].month % 12 + 1, 1))
    return out


def test_starters_and_leavers_are_summed_over_six_months(tmp_path):
    rows = [workforce(team="A", period=m.strftime("%Y-%m"), starters=i + 1, leavers=1)
            for i, m in enumerate(_months(8))]
    db = _load(tmp_path, {"workforce": table(*rows)})
    chosen = _chosen(start=dt.date(2024, 6, 1), end=dt.date(2024, 8, 1))
    frame = _figures(db, chosen)
    selection = wf.selection_rows(wf.in_period(frame, chosen)).set_index("period")
    assert selection.loc[dt.date(2024, 6, 1), "starters_6m"] == 1 + 2 + 3 + 4 + 5 + 6
    assert selection.loc[dt.date(2024, 8, 1), "starters_6m"] == 3 + 4 + 5 + 6 + 7 + 8
    assert selection.loc[dt.date(2024, 8, 1), "net_change_6m"] == 33 - 6
    assert wf.moves_text(frame, chosen) == ("In the six months to August 2024: 33 permanent social workers started "
                                            "and 6 left, a net change of +27 (more starters than leavers is better).")


def test_a_six_month_window_with_a_month_missing_is_a_gap_not_an_undercount(tmp_path):
    rows = [workforce(team="A", period=m.strftime("%Y-%m"), starters=1, leavers=1)
            for m in _months(8) if m != dt.date(2024, 3, 1)]
    db = _load(tmp_path, {"workforce": table(*rows)})
    chosen = _chosen(start=dt.date(2024, 6, 1), end=dt.date(2024, 8, 1))
    selection = wf.selection_rows(wf.in_period(_figures(db, chosen), chosen)).set_index("period")
    assert math.isnan(selection.loc[dt.date(2024, 6, 1), "starters_6m"])      # Jan–Jun lacks March
    assert math.isnan(selection.loc[dt.date(2024, 8, 1), "starters_6m"])      # Mar–Aug lacks March
    assert math.isnan(selection.loc[dt.date(2024, 7, 1), "starters_6m"])


def test_the_vacancy_rate_is_vacancies_over_vacancies_and_filled_posts(three_teams):
    authority = _row(_figures(three_teams, _chosen()), "selection")
    assert math.isclose(authority["vacancy_rate"], 100 * 7.5 / (7.5 + 65))
    assert wf.vacancy_summary(_figures(three_teams, _chosen()), MAY).startswith(
        "Vacancies in May 2024: 7.5 FTE, a vacancy rate of 10.3%")


def test_a_month_without_a_return_has_no_bar_and_no_point(tmp_path):
    rows = [workforce(team="A", period=p, starters=2, leavers=1) for p in ("2024-04", "2024-06")]
    db = _load(tmp_path, {"workforce": table(*rows)})
    chosen = _chosen(start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 1))
    frame = _figures(db, chosen)
    trend = wf.caseload_trend(frame, chosen, queries.run("workforce_england", db))
    ours = trend.lines[trend.lines["series"] == "Our figure"]
    assert ours.set_index(ours["period"].dt.month)["value"].notna().to_dict() == {4: True, 5: False, 6: True}   # May is a missing value: the line breaks
    bars = drawn.moves_bars(wf.selection_rows(wf.in_period(frame, chosen)), "title")
    assert sorted(set(bars.data["month"])) == ["Apr 2024", "Jun 2024"]


# --------------------------------------------------------------- consistent relationships --
def test_continuity_is_a_ratio_of_sums_over_the_teams_that_gave_counts(three_teams):
    frame = _figures(three_teams, _chosen())
    authority = _row(frame, "selection")
    # IRT left the counts blank: it is left out, not read as 0 children kept.
    assert (authority["same_worker_6m"], authority["children_open_6m"]) == (63, 140)
    assert math.isclose(authority["same_worker_6m_pct"], 45.0)
    assert math.isclose(authority["same_worker_12m_pct"], 100 * 20 / 80)
    assert math.isnan(_row(frame, "team", "IRT")["same_worker_6m_pct"])


def test_continuity_shares_carry_their_n_and_blank_teams_say_no_figures(three_teams):
    frame = _figures(three_teams, _chosen())
    rows = wf.group_rows(frame, MAY)
    _, figures = drawn.continuity_bars(rows, "title")
    shown = figures.set_index(["Group", "Measure"])["Shown as"]
    assert shown[("Family Safeguarding 1", wf.CONTINUITY["6"])] == "45% (n = 100)"
    assert shown[("IRT", wf.CONTINUITY["6"])] == "no figures"
    lines = wf.continuity_summary(frame, MAY, rows)
    assert lines[0].startswith("In May 2024: 45% (n = 140) of children open 6 months or more")
    assert "IRT" in lines[1] and "not counted as 0" in lines[1]


def test_a_share_of_fewer_than_five_children_is_flagged_not_hidden():
    assert wf.share_text(2, 3) == "67% (n = 3) (fewer than 5: read with care)"


# ------------------------------------------------------------------------ tiles and table --
def test_the_headline_tiles_compare_with_the_month_before_and_say_which_way_is_better(tmp_path):
    db = _load(tmp_path, {"workforce": table(
        workforce(team="A", period="2024-04", children_allocated=200, social_worker_fte=10),
        workforce(team="A", period="2024-05", children_allocated=180, social_worker_fte=10))})
    chosen = _chosen(start=dt.date(2024, 4, 1))
    caseload = wf.headline_tiles(_figures(db, chosen), chosen)[0]
    assert (caseload.value, caseload.delta, caseload.delta_color) == ("18.0", "▼ 2.0 better", "normal")
    assert caseload.lines[:2] == ["May 2024 · lower is better", "Against April 2024: 20.0."]


def test_the_team_table_has_every_team_then_service_areas_and_the_authority(three_teams):
    table_ = wf.team_table(_figures(three_teams, _chosen()), MAY)
    assert list(zip(table_["Level"], table_["Team"])) == [
        ("Whole authority", "All teams"), ("Service area", "All teams"), ("Team", "CASS"), ("Team", "IRT"),
        ("Team", "Family Safeguarding 1")]
    assert table_.loc[0, "Average caseload"] == 19.8
    assert table_.loc[4, "Agency over 40%"] == "yes"
    assert pd.isna(table_.loc[3, "Same worker 6 months %"])


def test_filtering_to_one_team_shows_that_team_alone(three_teams):
    chosen = _chosen(team="IRT")
    frame = _figures(three_teams, chosen)
    assert set(frame["team"].dropna()) == {"IRT"}
    assert round(_row(frame, "selection")["caseload"], 1) == 18.0
    assert list(wf.group_rows(frame, MAY)["label"]) == ["IRT"]


def test_filtering_to_a_service_area_keeps_its_teams_and_drops_the_repeated_total(three_teams):
    frame = _figures(three_teams, _chosen(service_area="Children's services"))
    assert list(wf.group_rows(frame, MAY)["label"]) == ["Children's services (all teams)", "CASS", "IRT"]


# ----------------------------------------------------------------------------------- tabs --
def test_every_tab_has_words_and_figures_each_with_its_table_and_a_unique_name(three_teams):
    chosen = _chosen()
    sums = queries.run("workforce_sums", three_teams, chosen.params(first_month=wf.first_month_asked(chosen)))
    england = queries.run("workforce_england", three_teams)
    names = []
    for tab in wf.TABS:
        if tab == wf.PUBLISHED_TAB:
            continue  # drawn from the published benchmarks, tested in test_published_comparisons.py
        blocks = drawn.tab_blocks(sums, england, chosen, tab)
        assert any(b.kind == "text" for b in blocks), tab
        figures = [b for b in blocks if b.kind == "figure"]
        assert figures and all(b.table is not None and not b.table.empty for b in figures), tab
        names += [b.text for b in figures]
    assert len(names) == len(set(names))
    with pytest.raises(ValueError):
        drawn.tab_blocks(sums, england, chosen, "Nonsense")


def test_a_period_without_returns_has_no_headline_month(three_teams):
    chosen = _chosen(start=dt.date(2023, 4, 1), end=dt.date(2023, 6, 1))
    sums = queries.run("workforce_sums", three_teams, chosen.params(first_month=wf.first_month_asked(chosen)))
    assert wf.headline(sums, chosen) == wf.Headline(None, [])
