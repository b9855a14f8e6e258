"""The learning loop (qa_dashboard/loop.py and the early_warnings, indicator_links and loop_verdicts
views): a series that rises, a themed audit and an action linked to it, and a fall afterwards,
checked against limits worked out by hand here; warnings month by month as the board saw them;
the upload contract's themed_audits sheet and its refusals; seed 001's seven themed audits."""
import datetime as dt
import random
from pathlib import Path

import duckdb
import pytest

from qa_dashboard import benchmarks, contract, loop, queries, spc, store
from qa_dashboard.ingest import ingest, undo
from tests.test_benchmarks import GEOGRAPHY, la, write_rows
from tests.workbooks import TODAY, action, audit, kpi, query, table, write_xlsx

WORDS = contract.loop_words().words
MONTHS = [dt.date(2022 + i // 12, i % 12 + 1, 1) for i in range(36)]  # Jan 2022 to Dec 2024
STEADY = [20.0, 21.0, 20.4, 19.6, 20.6, 19.8, 20.2, 21.2, 19.4, 20.0, 20.8, 19.6, 20.4, 19.8, 20.6, 20.2, 19.6, 20.4]
RISE = [21.5, 23.0, 24.5, 26.0, 27.5, 29.0, 30.5, 32.0]                       # Jul 2023 to Feb 2024
FALL = [16.0, 15.5, 16.2, 15.8, 16.4, 15.6, 16.0, 15.4, 16.2, 15.8]          # Mar 2024 to Dec 2024
RE_REFERRALS = STEADY + RISE + FALL


def by_hand(values):
    """An XmR chart's centre and limits as Making Data Count defines them, worked out here
    without spc.py: the mean; the mean moving range, leaving out once any range at or above
    3.267 times it; limits 2.66 mean moving ranges either side."""
    centre = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    mean_range = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * mean_range]
    mean_range = sum(kept) / len(kept)
    return centre, centre - 2.66 * mean_range, centre + 2.66 * mean_range


def month_text(month: str) -> str:
    return f"{dt.date.fromisoformat(month + '-01'):%Y-%m}"


def kpi_sheet(values=RE_REFERRALS, **fields):
    return table(*[kpi(period=f"{m:%Y-%m}", value=v, target=None, commentary=None, **fields)
                   for m, v in zip(MONTHS, values)])


def themed(**changes) -> dict:
    row = {"theme": "Re-referrals", "indicators": "Re-referrals within 12 months", "reason": "% was rising",
           "commissioned": "01/10/2023", "completed": "20/01/2024", "status": "Complete",
           "findings": "Step-down to early help too early in some cases."}
    row.update(changes)
    return row


def loop_workbook(path: Path, values=RE_REFERRALS, action_completed="15/02/2024") -> Path:
    return write_xlsx(path, {
        "kpi": kpi_sheet(values),
        "themed_audits": table(themed(), themed(theme="Care planning", indicators=None, reason="LSCB audit",
                                                commissioned="01/03/2023", completed="01/06/2023")),
        "audits": table(audit(audit_id="T1", theme="Re-referrals"), audit(audit_id="T2", theme="Re-referrals",
                                                                          overall="Requires improvement"),
                        audit(audit_id="M1")),
        "actions": table(action(action_id="A1", title="Step-down panel reviews every re-referral",
                                indicators="re_referrals_pct", completed=action_completed, status="Complete",
                                rag="Blue", updated="20/02/2024"),
                         action(action_id="A2", title="Supervision audit", indicators=None)),
    })


def load(db: Path, path: Path):
    result = ingest([path], db, "tester", today=TODAY)
    assert result.loaded, [p.line() for p in result.problems]
    return result


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "qa.duckdb"
    load(path, loop_workbook(tmp_path / "loop.xlsx"))
    return path


# ------------------------------------------------------------------------- early warnings --
def test_a_rising_series_first_warns_in_the_month_its_figure_passes_the_limits_of_the_figures_to_then():
    first_outside = next(MONTHS[k] for k in range(11, len(RE_REFERRALS))
                         if RE_REFERRALS[k] > by_hand(RE_REFERRALS[:k + 1])[2])
    assert first_outside == dt.date(2023, 8, 1)
    warned = loop.warnings(MONTHS, RE_REFERRALS, "lower", unit="%")
    assert warned[0].period == first_outside
    assert warned[0].concern and not (warned[0].red or warned[0].band or warned[0].fails)
    upper = by_hand(RE_REFERRALS[:20])[2]
    assert warned[0].reasons == (f"special cause concern: the last figure, 23.0%, is above the upper limit of {upper:.1f}%",)


def test_a_month_warns_on_the_figures_to_then_so_later_figures_never_change_it():
    full = loop.warnings(MONTHS, RE_REFERRALS, "lower", unit="%")
    for cut in range(12, len(MONTHS)):
        assert loop.warnings(MONTHS[:cut], RE_REFERRALS[:cut], "lower", unit="%") == \
            [w for w in full if w.period < MONTHS[cut]]


def test_a_steady_series_raises_no_warning():
    assert loop.warnings(MONTHS[:18], STEADY, "lower", [25.0] * 18, unit="%") == []


def test_eleven_figures_are_too_few_to_warn_on_special_cause():
    rising = [10, 10.2, 9.8, 10.1, 9.9, 10, 10.1, 9.9, 10, 30, 40]
    assert loop.warnings(MONTHS[:11], rising, "lower", unit="%") == []
    assert loop.warnings(MONTHS[:12], rising + [50], "lower", unit="%")[0].period == MONTHS[11]


def test_red_against_target_three_months_running_warns_with_the_figures():
    values = [20.0, 26.0, 27.0, 28.0]
    warned = loop.warnings(MONTHS[:4], values, "lower", [22.0] * 4, unit="%")
    assert [w.period for w in warned] == [MONTHS[3]]
    assert warned[0].red and warned[0].reasons == ("red against the target of 22.0% for 3 months running (26.0%, 27.0%, 28.0%)",)


def test_red_months_with_a_month_missing_between_are_not_running():
    months = [MONTHS[0], MONTHS[1], MONTHS[3]]
    assert loop.warnings(months, [26.0, 27.0, 28.0], "lower", [22.0] * 3, unit="%") == []


def test_a_target_outside_the_limits_consistently_fails():
    values = [60 + (i % 3) for i in range(12)]  # 60, 61, 62 ...; higher is better, target 80
    warned = loop.warnings(MONTHS[:12], values, "higher", [80.0] * 12, unit="%")
    centre, lower, upper = by_hand(values)
    assert [w.period for w in warned if w.fails] == [MONTHS[11]]
    assert (f"consistently fails the target of 80.0%: it lies outside the limits of {lower:.1f}% to {upper:.1f}%"
            in warned[-1].reasons)


def test_band_d_warns_from_the_month_its_year_counts_as_published():
    published = contract.loop_words().band_published_month
    bands = [loop.Band(2023, "B", 40, 152), loop.Band(2024, "D", 140, 152)]
    months = [dt.date(2024, m, 1) for m in range(1, 13)]
    warned = loop.warnings(months, [20.0] * 12, "lower", unit="%", bands=bands)
    assert [w.period for w in warned] == [m for m in months if m.month >= published]
    assert warned[0].reasons == ("in band D among every authority in 2023-24 (rank 140 of 152)",)


def test_the_last_seven_points_label_the_latest_month_as_the_whole_series_does():
    """The warnings read each month's prefix from its last seven points and the part's limits;
    spc.analyse over the whole prefix must agree, month by month, rebases included."""
    rng = random.Random(21)
    for case in range(300):
        n = rng.randint(12, len(MONTHS))
        digits = case % 2  # whole numbers make ties and points on the centre
        values = [round(20 + rng.gauss(0, 2) + (i * rng.choice([0, 0.3, -0.4, 0.8]) if i > n // 2 else 0), digits)
                  for i in range(n)]
        if case % 3 == 0:
            values[rng.randrange(n)] = None  # a month with no figure
        rebases = [MONTHS[rng.randrange(2, n)]] if case % 4 == 0 else []
        polarity = ["lower", "higher"][case % 2]
        warned = {w.period for w in loop.warnings(MONTHS[:n], values, polarity, rebases=rebases) if w.concern}
        kept = [(m, v) for m, v in zip(MONTHS, values) if v is not None]
        expected = {kept[k][0] for k in range(11, len(kept))
                    if spc.analyse([m for m, _ in kept[:k + 1]], [v for _, v in kept[:k + 1]], polarity,
                                   rebases=rebases).latest.point.variation_key == "concern"}
        assert warned == expected, (values, rebases, polarity)


def test_a_verdict_reads_the_latest_point_as_spc_does_with_limits_fixed_before_the_change():
    rng = random.Random(2025)
    for case in range(200):
        n = rng.randint(14, len(MONTHS))
        values = [round(20 + rng.gauss(0, 2) + (i * rng.choice([0, 0.4, -0.5]) if i > n // 2 else 0), 1)
                  for i in range(n)]
        completed = MONTHS[rng.randint(11, n - 2)]
        polarity = ["lower", "higher", "neutral"][case % 3]
        link = loop.Link("re_referrals_pct", "action", "A1", None, None, completed + dt.timedelta(days=9), "Complete", None)
        verdict = loop.verdict(MONTHS[:n], values, polarity, [link])
        before = MONTHS.index(completed) + 1
        last = spc.analyse(MONTHS[:n], values, polarity, fix_after_n_points=before).points[-1]
        assert (verdict.variation, verdict.centre, verdict.lower_limit) == (last.variation, last.centre, last.lower_limit)


# ------------------------------------------------------------------------------ verdicts --
def test_the_fall_since_the_action_is_special_cause_improvement_against_limits_fixed_by_hand():
    a1 = loop.Link("re_referrals_pct", "action", "A1", "Step-down panel", None, dt.date(2024, 2, 15), "Complete", None)
    audit_link = loop.Link("re_referrals_pct", "themed audit", "Re-referrals", "% was rising", dt.date(2023, 10, 1),
                           dt.date(2024, 1, 20), "Complete", 2)
    verdict = loop.verdict(MONTHS, RE_REFERRALS, "lower", [audit_link, a1], unit="%")
    before = MONTHS.index(dt.date(2024, 2, 1)) + 1
    centre, lower, upper = by_hand(RE_REFERRALS[:before])
    assert (verdict.since, verdict.points_before, verdict.points_since) == (dt.date(2024, 2, 1), 26, 10)
    assert verdict.centre == pytest.approx(centre) and verdict.lower_limit == pytest.approx(lower)
    assert verdict.upper_limit == pytest.approx(upper)
    assert FALL[-1] < lower and verdict.variation == "special cause improvement"
    assert verdict.sentence == (f"since action A1 completed in February 2024: special cause improvement "
                                f"(10 points below the earlier average of {centre:.1f}%)")
    assert "because" not in verdict.sentence


def test_a_verdict_with_no_figures_since_the_action_is_too_early_to_say():
    a1 = loop.Link("re_referrals_pct", "action", "A1", None, None, dt.date(2024, 12, 3), "Complete", None)
    verdict = loop.verdict(MONTHS, RE_REFERRALS, "lower", [a1], unit="%")
    assert (verdict.points_since, verdict.variation) == (0, None)
    assert verdict.sentence == "since action A1 completed in December 2024: too early to say (no figures since)"


def test_a_verdict_on_fewer_than_twelve_points_before_the_action_is_too_early_to_say():
    a1 = loop.Link("re_referrals_pct", "action", "A1", None, None, dt.date(2022, 8, 30), "Complete", None)
    verdict = loop.verdict(MONTHS, RE_REFERRALS, "lower", [a1], unit="%")
    assert (verdict.points_before, verdict.variation) == (8, None)
    assert verdict.sentence == ("since action A1 completed in August 2022: too early to say "
                                "(8 points up to then; fixed limits need 12)")


def test_a_steady_series_since_the_audit_has_no_change_yet():
    steady = STEADY + STEADY[:4]
    audit_link = loop.Link("re_referrals_pct", "themed audit", "Re-referrals", None, None, dt.date(2023, 6, 30),
                           "Complete", 0)
    verdict = loop.verdict(MONTHS[:22], steady, "lower", [audit_link], unit="%")
    assert verdict.variation == "common cause"
    assert verdict.sentence == "since the themed audit Re-referrals completed in June 2023: no change yet (4 points since)"


def test_no_completed_link_gives_no_verdict():
    open_action = loop.Link("re_referrals_pct", "action", "A1", None, None, None, "On track", None)
    assert loop.verdict(MONTHS, RE_REFERRALS, "lower", [open_action]) is None


# -------------------------------------------------------------------- the views, in a load --
def test_the_views_have_the_contract_columns(db):
    expected = {"early_warnings": ["indicator", "team", "period", "reasons"],
                "indicator_links": ["indicator", "kind", "reference", "title", "started", "completed", "status", "audits_n"],
                "loop_verdicts": ["indicator", "team", "since", "points_since", "variation"]}
    with duckdb.connect(str(db), read_only=True) as con:
        for view, columns in expected.items():
            found = [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]
            assert found[:len(columns)] == columns, view


def test_a_load_links_the_themed_audit_and_the_action_to_the_indicator(db):
    rows = query(db, "SELECT indicator, kind, reference, started, completed, status, audits_n FROM indicator_links "
                     "ORDER BY kind DESC")
    assert rows == [
        ("re_referrals_pct", "themed audit", "Re-referrals", dt.date(2023, 10, 1), dt.date(2024, 1, 20), "Complete", 2),
        ("re_referrals_pct", "action", "A1", None, dt.date(2024, 2, 15), "Complete", None),
    ]
    assert query(db, "SELECT theme, indicators FROM themed_audits WHERE theme = 'Care planning'") == [("Care planning", None)]


def test_a_load_fills_early_warnings_and_the_verdict(db):
    warned = query(db, "SELECT period FROM early_warnings WHERE indicator = 're_referrals_pct' AND team IS NULL ORDER BY 1")
    assert warned[0] == (dt.date(2023, 8, 1),)
    centre = by_hand(RE_REFERRALS[:26])[0]
    assert query(db, "SELECT indicator, team, since, points_since, variation, verdict FROM loop_verdicts") == [
        ("re_referrals_pct", None, dt.date(2024, 2, 1), 10, "special cause improvement",
         f"since action A1 completed in February 2024: special cause improvement (10 points below the earlier average of {centre:.1f}%)")]


def test_undoing_the_plan_takes_its_verdict_away(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, write_xlsx(tmp_path / "kpi.xlsx", {"kpi": kpi_sheet()}))
    load(db, write_xlsx(tmp_path / "plan.xlsx", {"actions": table(action(action_id="A1", indicators="re_referrals_pct",
                                                                          completed="15/02/2024", status="Complete"))}))
    assert query(db, "SELECT reference, points_since FROM loop_verdicts") == [("A1", 10)]
    undo(db)
    assert query(db, "SELECT count(*) FROM loop_verdicts") == [(0,)]
    assert query(db, "SELECT count(*) FROM early_warnings") != [(0,)]


def re_referrals_2022_csv(path: Path) -> Path:
    """A DfE c1 file for the year ending 31 March 2022: four authorities, Coventry's re-referral
    rate the highest of them (lower is better), so it is ranked 4 of 4, band D."""
    header = GEOGRAPHY + ["category", "referral_count", "rereferral_count", "rereferral_percent"]
    authorities = [("331", "E08000026", "Coventry", "100", "24", "24"), ("332", "E08000027", "Dudley", "100", "20", "20"),
                   ("333", "E08000028", "Sandwell", "100", "18", "18"), ("334", "E08000029", "Solihull", "100", "12", "12")]
    return write_rows(path, header, [["2022", "Reporting year", *la(old, new, name), "Referrals and Re-referrals",
                                      referrals, rereferrals, percent]
                                     for old, new, name, referrals, rereferrals, percent in authorities])


def test_band_d_warns_once_the_authority_ranked_in_band_d_is_chosen(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, write_xlsx(tmp_path / "kpi.xlsx", {"kpi": kpi_sheet(STEADY)}))
    load(db, re_referrals_2022_csv(tmp_path / "c1.csv"))
    assert query(db, "SELECT rank, of_count, quartile_band FROM benchmark_positions WHERE area_code = 'E08000026' "
                     "AND indicator = 're_referrals_pct'") == [(4, 4, "D")]
    assert query(db, "SELECT count(*) FROM early_warnings") == [(0,)]  # not the dashboard's authority yet
    benchmarks.set_authority(db, "Coventry")
    rows = query(db, "SELECT period, reasons FROM early_warnings ORDER BY period")
    published = dt.date(2022, contract.loop_words().band_published_month, 1)
    assert [r[0] for r in rows] == [m for m in MONTHS[:18] if m >= published]
    assert rows[0][1] == "in band D among every authority in 2021-22 (rank 4 of 4)"


def test_an_older_database_gets_the_loop_at_its_next_write(db):
    con = duckdb.connect(str(db))
    con.execute("DROP VIEW early_warnings; DROP VIEW loop_verdicts; DROP VIEW indicator_links; DROP VIEW themed_audits; "
                "DROP TABLE loop_warning_rows; DROP TABLE loop_verdict_rows; DROP TABLE themed_audit_rows; "
                "DROP TABLE loop_link_kinds; DROP VIEW actions; DROP VIEW audit_judgements; "
                "DROP VIEW audit_areas_not_judged; DROP VIEW audits; ALTER TABLE action_rows DROP COLUMN indicators; "
                "ALTER TABLE action_rows DROP COLUMN completed; ALTER TABLE audit_rows DROP COLUMN theme; "
                "DELETE FROM meta WHERE key = 'spc_basis'")
    con.close()
    with store.write_transaction(db):
        pass  # any write: a setting, a commentary, a load
    assert query(db, "SELECT count(*) FROM indicator_links") == [(0,)]
    assert query(db, "SELECT min(period) FROM early_warnings") == [(dt.date(2023, 8, 1),)]


def test_the_pages_queries_give_the_links_with_their_judgement_mix_and_the_verdicts(db):
    links = queries.run("loop_links_for", db, {"indicator": "re_referrals_pct"})
    assert list(links["reference"]) == ["Re-referrals", "A1"]
    assert [(j["grade"], j["n"]) for j in links["judgements"].iloc[0]] == [("Good", 1), ("Requires improvement", 1)]
    summary = queries.run("themed_audits_summary", db)
    assert list(zip(summary["theme"], summary["audits_n"])) == [("Care planning", 0), ("Re-referrals", 2)]
    verdicts = queries.run("loop_verdicts_all", db)
    assert list(verdicts["label"]) == ["Re-referrals within 12 months"]
    warned = queries.run("loop_warnings_for", db, {"indicator": "re_referrals_pct", "team": None})
    assert warned["period"].iloc[-1].date() == dt.date(2023, 8, 1)


def test_an_open_warning_counts_the_months_without_a_linked_audit_or_action(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, write_xlsx(tmp_path / "kpi.xlsx", {"kpi": kpi_sheet(STEADY + RISE)}))
    open_now = queries.run("loop_open_warnings", db)
    assert [(r.period.date(), r.first_period.date(), r.months_unanswered) for r in open_now.itertuples()] == [
        (dt.date(2024, 2, 1), dt.date(2023, 8, 1), 6)]
    load(db, write_xlsx(tmp_path / "theme.xlsx", {"themed_audits": table(themed(completed=None, status="In progress"))}))
    assert queries.run("loop_open_warnings", db)["months_unanswered"].isna().all()


# ------------------------------------------------------------------------- the contract --
def refused(tmp_path, sheets, db=None):
    db = db or tmp_path / "qa.duckdb"
    before = db.read_bytes() if db.exists() else None
    result = ingest([write_xlsx(tmp_path / "bad.xlsx", sheets)], db, "tester", today=TODAY)
    assert not result.loaded
    assert (db.read_bytes() if db.exists() else None) == before
    return [(p.sheet, p.row, p.column, p.value) for p in result.problems if p.severity == "error"], result


def test_an_unknown_indicator_on_themed_audits_is_refused_naming_row_and_column(tmp_path):
    where, result = refused(tmp_path, {"themed_audits": table(themed(), themed(theme="Police powers",
                                                                             indicators="re_referrals_pct; Police powers used"))})
    assert where == [("themed_audits", 3, "indicators", "re_referrals_pct; Police powers used")]
    assert "'Police powers used'" in result.problems[0].message


def test_an_unknown_indicator_on_actions_is_refused(tmp_path):
    where, _ = refused(tmp_path, {"Improvement plan": table(action(indicators="Happiness index"))})
    assert where == [("Improvement plan", 2, "indicators", "Happiness index")]


def test_a_theme_no_themed_audit_names_is_refused(tmp_path):
    where, result = refused(tmp_path, {"themed_audits": table(themed()),
                                       "audits": table(audit(audit_id="X1", theme="Re-referals"))})
    assert where == [("audits", 2, "theme", "Re-referals")]
    assert "themed_audits" in result.problems[0].message


def test_a_theme_loaded_before_is_known(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, write_xlsx(tmp_path / "themes.xlsx", {"themed_audits": table(themed())}))
    load(db, write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(audit_id="X1", **{"Audit theme": "Re-referrals"}))}))
    assert query(db, "SELECT audits_n FROM indicator_links WHERE reference = 'Re-referrals'") == [(1,)]


def test_a_completion_before_the_commission_is_refused(tmp_path):
    where, _ = refused(tmp_path, {"themed_audits": table(themed(commissioned="01/02/2024", completed="31/01/2024"))})
    assert where == [("themed_audits", 2, "completed", "31/01/2024")]


def test_a_theme_loaded_again_supersedes_and_keeps_history(tmp_path):
    db = tmp_path / "qa.duckdb"
    load(db, write_xlsx(tmp_path / "one.xlsx", {"themed_audits": table(themed(status="In progress", completed=None))}))
    load(db, write_xlsx(tmp_path / "two.xlsx", {"themed_audits": table(themed())}))
    assert query(db, "SELECT status FROM themed_audits") == [("Complete",)]
    assert query(db, "SELECT status, superseded_by FROM themed_audit_rows ORDER BY upload_id") == [
        ("In progress", 2), ("Complete", None)]


def test_the_template_has_the_themed_audits_sheet_and_the_new_columns(tmp_path):
    from qa_dashboard import template

    book = template.build_workbook(TODAY)
    header = lambda name: [c.value for c in book[name][1]]  # noqa: E731
    assert header("themed_audits") == ["theme", "indicators", "reason", "commissioned", "completed", "status", "findings"]
    assert header("actions")[-2:] == ["indicators", "completed"] and "theme" in header("audits")


# ------------------------------------------------------------------------- seed figures --
# Seed 001 (Coventry, March 2017), section 5.1: the seven audits the indicators led to.
SEED_001 = [
    ("Re-referrals", "Re-referrals within 12 months", "% was rising"),
    ("Placement stability", "placement stability", "% of children with 3 or more placements increasing"),
    ("Use of police powers", None, "numbers appeared high in comparison with statistical neighbours"),
    ("Thresholds", None, "LSCB audit, following high number of families receiving one visit and NFA"),
    ("Care planning", None, "LSCB audit, concern that care plans do not reflect outcomes for children"),
    ("Early help", None, "re-referral audit identified potential issues with step-up and step-down"),
    ("Inspection preparation", None, "inspection preparation"),
]


def test_seed_001s_seven_themed_audits_load_linked_where_the_catalogue_has_the_indicator(tmp_path):
    db = tmp_path / "qa.duckdb"
    rows = [{"theme": theme, "indicators": indicators, "reason": reason, "status": "Complete"}
            for theme, indicators, reason in SEED_001]
    load(db, write_xlsx(tmp_path / "themes.xlsx", {"Themed audits": table(*rows)}))
    assert query(db, "SELECT count(*), count(indicators) FROM themed_audits") == [(7, 2)]
    assert query(db, "SELECT reference, indicator, kind FROM indicator_links ORDER BY reference") == [
        ("Placement stability", "cla_3plus_placements_pct", "themed audit"),
        ("Re-referrals", "re_referrals_pct", "themed audit")]
