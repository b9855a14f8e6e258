"""System health: the Children's Commissioner's seven indicators first, then the others loaded."""

import streamlit as st

from qa_dashboard import cached, charts, filters, loop_shown, overview, system_health
from qa_dashboard.charts import commentary_box, published, rebase_box
from qa_dashboard.charts import spc as xmr
from qa_dashboard.charts import system_health as drawn

chosen = filters.current()
st.title("System health")
st.text(f"Showing {chosen.describe()}. Trends run 24 months to {chosen.end:%B %Y}.")

kpis = cached.query("kpi_series", chosen.params())
if kpis.empty:
    st.info("No KPI figures are loaded. Upload a KPI scorecard (the kpi or scorecard sheet) to fill this page.")
    st.stop()

by_indicator = cached.derived(overview.indicator_rows, ("kpi_series", chosen.params()), chosen.team)
spc_scope = ("spc_points", {"team": chosen.team})  # every month loaded: the limits never follow the period
scorecard = cached.derived(system_health.scorecard_from, [("kpi_series", chosen.params()), ("benchmarks_latest", ()),
                                                          ("benchmark_positions_chosen", ()), spc_scope], chosen)
st.header("Scorecard")
st.text("Variation says whether the latest month is signal or noise, read from every month loaded as NHS "
        "\"Making Data Count\" reads it: common cause (no sign of change), or special cause improvement, "
        "concern, or neither (higher or lower than usual, for an indicator where neither is better). Assurance "
        "says whether the target will be met if nothing changes: consistently passes, consistently fails, or "
        "hit and miss. ▲ ▼ show the move on the month before, a fact, not a signal. Neutral indicators (such "
        "as the referral rate) are neither better nor worse for moving: they are judged against statistical "
        "neighbours, region and England.")
charts.figure(None, scorecard, "Scorecard")

indicators = system_health.indicator_choices(by_indicator)
st.header("One indicator in detail")
if "indicator" in st.query_params and st.query_params["indicator"] in indicators and "detail_indicator" not in st.session_state:
    st.session_state["detail_indicator"] = st.query_params["indicator"]
code = st.selectbox("Indicator", list(indicators), format_func=indicators.get, key="detail_indicator")
st.query_params["indicator"] = code

loop_sources = [("loop_warnings_shown", {"indicator": code, "team": chosen.team}),
                ("loop_links_for", {"indicator": code})]
detail, trend = cached.derived(drawn.indicator_with_loop, [("kpi_series", chosen.params()), spc_scope, *loop_sources],
                               code, chosen)
st.subheader(charts.plain(detail.label))  # a custom indicator is named in an upload
st.text(detail.direction_note)
if (verdict := detail.reading and detail.reading.verdict) and verdict.point.upper_limit is not None:
    st.html(xmr.badges(verdict.point.variation_key, verdict.assurance_key, verdict.provisional))
if note := cached.derived(system_health.source_note, ("kpi_figure_sources", {"indicator": code, "team": chosen.team}),
                         detail.scope, chosen):
    st.text(note)  # e.g. Annex A, extract of 15 March 2021, beside the figure
HOW_TO_READ = ("How to read it: each point is a month, marked by its variation (a circle: common cause; a diamond: "
               "special cause improvement; a triangle: special cause concern; a square: special cause neither). "
               "The solid black line is the average, the dashed grey lines the process limits the figures are "
               "expected to stay within; a point outside them, a run of 7 on one side of the average, 7 rising or "
               "falling, or 2 of 3 near a limit is a signal.")
under_chart = [*detail.notes, HOW_TO_READ] if detail.points is not None else list(detail.notes)
charts.figure(trend, detail.table, f"{detail.label}, 24 months", caption=" ".join(under_chart) or None)
loop_block = cached.derived(loop_shown.block_of_scope, [*loop_sources, ("loop_verdicts_all", ())], code,
                            chosen.team if detail.scope == "team" else None)
st.subheader("The loop")
if loop_block.empty:
    st.text("No early warning, themed audit or action is linked to this indicator.")
else:
    if loop_block.warnings:
        st.markdown("**Early warnings**")
        st.text("\n".join(loop_block.warnings))
    for audit in loop_block.audits:  # a theme, its reason and its findings are words from an upload: plain text
        st.markdown("**Themed audit**")
        st.text("\n".join([*audit.lines, *([f"Findings: {audit.findings}"] if audit.findings else [])]))
    if loop_block.actions:
        st.markdown("**Actions**")
        st.text("\n".join(loop_block.actions))
    st.markdown("**Is it working?**")
    st.text(loop_block.verdict or "No linked themed audit or action has completed yet: nothing to read the "
                                  "figure against.")
published.published_comparison(code, detail.label, detail.polarity, detail.unit_title)
commentary_box.practice_analysis("indicator", code, chosen,
                                 cached.derived(system_health.trend_analysis_from,
                                                [("kpi_series", chosen.params()), spc_scope], code, chosen),
                                 heading="Analysis")
rebase_box.rebase_box(code, detail.label, detail.scope,
                      [row["period"] for row in by_indicator[code] if row["value"] is not None], chosen)

breakdowns = ("kpi_breakdowns", [code, chosen.team if detail.scope == "team" else None])
if not cached.query(*breakdowns).empty:
    st.subheader("Breakdowns")
    charts.figure(*cached.derived(drawn.breakdowns, breakdowns, chosen, detail.label, detail.unit_title),
                  f"{detail.label} by breakdown")

teams = cached.query("kpi_team_rows", [code])
if not teams.empty:
    st.subheader("Teams")
    team_names = ["All teams"] + sorted(teams["team"].unique())
    default = team_names.index(chosen.team) if chosen.team in team_names else 0
    picked = st.selectbox("Team", team_names, index=default, key=f"detail_team_{chosen.team}")
    charts.figure(*cached.derived(drawn.teams, ("kpi_team_rows", [code]), chosen,
                                  None if picked == "All teams" else picked, detail.label, detail.unit_title),
                  f"{detail.label} by team")
