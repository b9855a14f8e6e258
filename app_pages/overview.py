"""Overview for board members: one screen that answers "are we getting better?"."""

import datetime as dt

import streamlit as st

from qa_dashboard import cached, charts, filters, inspections, loop_shown, metrics, overview, system_health
from qa_dashboard.charts import spc as xmr

chosen = filters.current()
charts.tile_style()
st.title("Overview")
st.text(f"Showing {chosen.describe()}.")

# ------------------------------------------------------------------------ system health --
scope = chosen.params()
# Tiles and sentences worked out once per data version and view, then served from the cache.
page = cached.derived(overview.figures, [("kpi_series", scope), ("audit_grades_by_quarter", scope),
                                         ("workforce_by_month", scope), ("heard_by_quarter", scope),
                                         ("benchmark_positions_chosen", ()), ("spc_points", {"team": chosen.team})], chosen)
health = page.health
st.header("System health")
if chosen.team or chosen.service_area:
    st.text(overview.kpi_scope_note(cached.query("kpi_series", scope), chosen))
if not health:
    st.info("No system-health indicators are loaded. Upload a KPI scorecard (the kpi or scorecard sheet) to fill these tiles.")


TILE_WIDTH = 190  # pixels: four to a row beside the sidebar on a laptop, more on a wider screen


def show_tiles(tiles: list[overview.Tile]) -> None:
    """Tiles side by side, wrapping onto as many rows as the screen needs: one layout block for
    them all (a grid of st.columns costs five blocks a row on every page view)."""
    with st.container(horizontal=True, wrap=True, gap="small"):
        for tile in tiles:
            show_tile(tile)


def show_tile(tile: overview.Tile) -> None:
    """Three elements a tile: its box, the metric (named in full: `charts.TILE_STYLE` wraps the
    label) and under it its SPC verdicts as icons with their words, then its sentences."""
    with st.container(border=True, width=TILE_WIDTH):
        # The small line: the tile's last 12 months (quarters for quarterly figures); a missing
        # month is NaN, a gap, never zero.
        trend = [float("nan") if metrics.is_missing(v) else float(v) for v in tile.trend] or None
        st.metric(charts.plain(tile.label), tile.value, delta=tile.delta, delta_color=tile.delta_color,
                  delta_arrow="off", help=charts.plain(tile.help or ""), chart_data=trend, chart_type="line")
        if tile.verdict:  # the verdict icons with their words, then the sentences: one element
            st.html(xmr.badges_and_lines(tile.verdict, tile.lines))
            return
        lines = list(tile.verdict_words) + list(tile.lines)  # words alone where there is no verdict to draw
        if lines:  # one element, a blank line between its sentences: fewer elements per view
            st.text("\n\n".join(lines))


show_tiles(health)
if note := cached.derived(system_health.tiles_source_note, ("kpi_system_health_sources", scope), chosen):
    st.text(note)

# ------------------------------------------------------------- practice, staff, voices --
st.header("Practice, workforce and voices")
show_tiles(page.others)

# ------------------------------------------------------------------------ what changed --
st.header("What changed")
if page.changed:
    st.text("\n".join(f"• {sentence}" for sentence in page.changed))
else:
    st.text("Nothing to compare yet: each figure needs an earlier month or quarter.")

# ------------------------------------------------------------------- the learning loop --
st.header("Early warnings")
warned, warned_table = cached.derived(loop_shown.open_warnings, ("loop_open_warnings", ()))
if warned:  # reasons are our words; an indicator's label may come from an upload: plain text
    st.text("\n".join(warned))
    charts.figure(None, warned_table, "Early warnings still open")
else:
    st.text("No early warning is open: no indicator's latest month raised one.")

st.header("What we did and what moved")
moved, moved_table = cached.derived(loop_shown.verdicts, ("loop_verdicts_all", ()))
if moved:
    st.text("\n".join(moved))
    charts.figure(None, moved_table, "What we did and what moved")
else:
    st.text("No themed audit or action linked to an indicator has completed yet, so there is nothing to read "
            "the figures against.")

# ------------------------------------------------------------------ Ofsted's judgements --
st.header("Ofsted's judgements")
ofsted = cached.derived(inspections.judgements, ("ofsted_judgements", ()))
st.text(ofsted.headline)
if not ofsted.counts.empty:
    st.text("\n".join(ofsted.notes))
    charts.figure(None, ofsted.counts, "Ofsted judgements of the statistical neighbours and the region, by grade")
if not ofsted.neighbours.empty:
    charts.figure(None, ofsted.neighbours, "Ofsted judgements of each statistical neighbour")

# -------------------------------------------------------------------- improvement plan --
def plan_table(frame) -> None:
    """A plan table headed in plain words (the frame keeps the contract's column names)."""
    headings = {name: st.column_config.Column(label) for name, label in overview.PLAN_COLUMNS.items()
                if name in frame.columns}
    if "due_date" in frame.columns:
        headings["due_date"] = st.column_config.DateColumn(overview.PLAN_COLUMNS["due_date"], format="D MMM YYYY")
    st.dataframe(frame, hide_index=True, column_config=headings)


st.header("Improvement plan")
actions = cached.query("actions_current")
if actions.empty:
    st.info("No improvement plan is loaded. Upload an actions sheet (action_id, title, owner, due_date, status, rag) to track it here.")
else:
    today = dt.date.today()
    plan = overview.plan_summary(actions, today)
    left, right = st.columns(2)
    with left:
        st.subheader("By RAG rating")
        plan_table(plan.by_rag)
    with right:
        st.subheader("By status")
        plan_table(plan.by_status)
    st.subheader(f"Overdue ({len(plan.overdue)})")
    if plan.overdue.empty:
        st.text(f"No action is past its due date and still open on {today:%d %B %Y}.")
    else:
        plan_table(plan.overdue)
    changes = cached.query("actions_status_changes")
    st.subheader(f"Status changed by the latest plan update ({len(changes)})")
    if changes.empty:
        st.text("No action changed status in the latest load of the plan.")
    else:
        plan_table(changes.drop(columns=["loaded_at"]))
