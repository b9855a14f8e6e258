"""Audits: is practice getting better, where is it weakest, and is the learning loop closing?

Three queries feed the page: overall judgements by month (every month, for the rolling lines
and last year), judgements by practice area and quarter, and the audits themselves. The
figures and chart specs worked out from them (`charts/audits.py`) are cached on the data
version and the choice of filters; only the drill-down and the theme search are worked out on
each rerun.
"""

import streamlit as st

from qa_dashboard import audits, cached, charts, filters, loop_shown, metrics
from qa_dashboard.charts import commentary_box
from qa_dashboard.charts import audits as drawn
from qa_dashboard.charts import monthly_spc

QUERIES = ("audits_overall_by_month", "audits_area_grades", "audits_in_period")

chosen = filters.current()
st.title("Audits")
st.text(f"Showing {chosen.describe()}, {chosen.audit_type or 'all audit types'}.")

scope = chosen.params()
in_period = cached.query("audits_in_period", scope)

if in_period.empty:
    st.info("No audits were completed in this period for this choice. Choose a longer period, another "
            "service area, team or audit type, or load an audits sheet.")
    st.stop()

figures, made = cached.derived(drawn.page, [(name, scope) for name in QUERIES], chosen.start, chosen.end)
top = figures.headline
tiles = st.columns(5)
tiles[0].metric("Audits completed", f"{top.audits:,}")
tiles[0].text(chosen.period_label)
for column, label, share, note in (
        (tiles[1], f"{audits.GOOD_OR_BETTER} (overall)", top.good_or_better, "higher is better"),
        (tiles[2], f"{audits.worst_label()} (overall)", top.inadequate, "lower is better"),
        (tiles[3], "Moderated", top.moderated, "checked by a second manager"),
        (tiles[4], "Actions completed", top.actions, "of actions agreed")):
    column.metric(label, audits.percent_text(share))
    column.text(audits.tile_note(share, note))

commentary_box.practice_analysis("section", "Audits", chosen)

# ----------------------------------------------------------------- headline judgements --
def show_headline_judgements() -> None:
    st.header("Headline judgements")
    st.text(figures.grade_mix)
    gaps = [metrics.month_label(m) for m in figures.months_without_audits] + figures.quarters_without_audits
    if gaps:
        st.text(f"No audits in {', '.join(gaps)}: left empty on the charts, not counted as zero.")
    charts.figure(made["by_month"], figures.by_month_table, "Overall judgements by month")
    left, right = st.columns(2)
    with left:
        charts.figure(made["by_quarter"], figures.by_quarter_table, "Overall judgements by quarter")
    with right:
        st.subheader("This year against last")
        comparison = figures.year_on_year
        st.text(f"Financial year {comparison.this_year} so far ({comparison.months}) against the same "
                f"months of {comparison.last_year}.")
        for sentence in comparison.sentences():
            st.text(sentence)

# ------------------------------------------------------------------------------ over time --
def show_signal_or_noise() -> None:
    """The monthly good-or-better share as an XmR chart, its verdict in a sentence beneath."""
    read = figures.good_or_better_spc
    if made["good_or_better_spc"] is None:
        return
    st.subheader("Good or better each month: signal or noise")
    charts.figure(made["good_or_better_spc"], read.table, "Good or better by month, XmR chart",
                  caption=monthly_spc.caption(read))


def show_over_time() -> None:
    st.header("Good or better and inadequate over time")
    show_signal_or_noise()
    st.text("Rolling lines add up the audits of the last 3 or 6 calendar months and divide, so a month "
            "with more audits counts for more. Lines break at a month without audits.")
    for column, over_time, chart in zip(st.columns(2), figures.over_time, made["over_time"]):
        with column:
            small = ", ".join(audits.month_short(m) for m in over_time.small_months)
            charts.figure(chart, over_time.table, f"{over_time.label} by month",
                          caption=f"{metrics.better_phrase(over_time.polarity).capitalize()}."
                          + (f" Fewer than 5 audits (read with care): {small}." if small else ""))


# ---------------------------------------------------------------------- practice areas --
def show_practice_areas() -> None:
    st.header("Practice areas")
    missing, expected = figures.not_judged
    st.text(f"Good or better share of the audits that judged each area, with n, by financial quarter; the "
            f"overall judgement is the first row. {missing:,} of {expected:,} practice-area judgements in the "
            f"period were not judged (left blank or N/A): they are left out of the shares and counted in the "
            f"last column. {audits.SMALL_NOTE}")
    charts.figure(None, figures.area_grid, "Good or better by practice area")
    charts.figure(made["area_mix"], figures.area_mix_table, "Grade mix by practice area")


# ---------------------------------------------------------------------------- activity --
def show_activity() -> None:
    st.header("Activity")
    charts.figure(made["activity"], figures.activity_table, "Audits completed by month")
    left, right = st.columns([1, 2])
    with left:
        charts.figure(None, figures.activity_by_type, "Audits by type")
    with right:
        charts.figure(None, figures.activity_by_team, "Audits by team")


# -------------------------------------------------------------------------- moderation --
def show_moderation() -> None:
    st.header("Moderation")
    down, up = figures.moved
    st.text(f"Moderated by a second manager: {top.moderated.text()}. Graded down at moderation: {down}; "
            f"graded up: {up}. Each change is counted once, in the month of its audit.")
    charts.figure(None, figures.moderation_crosstab, "Grade before and after moderation")
    charts.figure(None, figures.moderation_by_month, "Moderation by month")


# ----------------------------------------------------------------------- learning loop --
def show_themed_audits() -> None:
    """Themed audits (every one loaded, whatever the period): their indicators, n and judgement mix,
    and the case audits behind the one chosen."""
    themed = cached.derived(loop_shown.themed_audits, ("themed_audits_summary", ()))
    if themed.empty:
        return
    st.subheader("Themed audits")
    st.text("Audits commissioned on a theme, often after an early warning on an indicator: the indicators they "
            "look into, the case audits done under each (n) and their overall judgements.")
    charts.figure(None, themed, "Themed audits")
    theme = st.selectbox("Themed audit", list(themed["Theme"]), key="audits_theme_chosen")
    behind = cached.derived(loop_shown.audits_behind, ("themed_audit_audits", ()), theme)
    st.text(f"{len(behind):,} case audits under this theme.")
    charts.figure(None, behind, "Audits behind the themed audit")


def show_learning_loop() -> None:
    st.header("Learning loop")
    show_themed_audits()
    st.text(f"Actions agreed at audit: {top.actions.n:,}; completed: {top.actions.count:,} "
            f"({top.actions.text()} of the actions agreed).")
    charts.figure(None, figures.actions_by_quarter, "Actions by quarter")
    left, right = st.columns(2)
    with left:
        charts.figure(None, figures.common_strengths, "Strengths found most often")
    with right:
        charts.figure(None, figures.common_development, "Areas for development found most often")
    search = st.text_input("Search the strengths and areas for development (a word, a phrase or a team)",
                           key="audits_theme_search")
    themes = audits.theme_rows(in_period, search)
    st.text(f"{len(themes):,} audits" + (f" mention '{search.strip()}'." if search.strip() else " recorded themes."))
    charts.figure(None, themes, "Audit themes by team")


# -------------------------------------------------------------------------- drill-down --
def show_audits_behind() -> None:
    st.header("The audits behind the figures")
    st.text("Choose a month or quarter, a judgement and a grade to list the audits behind any bar, "
            "line point or grid cell above.")
    when_options = audits.when_options(chosen.start, chosen.end)
    area_options = figures.judgements
    left, middle, right = st.columns(3)
    when = left.selectbox("Month or quarter", list(when_options), key="audits_drill_when")
    area = middle.selectbox("Judgement", list(area_options), format_func=area_options.get, key="audits_drill_area")
    grade = right.selectbox("Grade", audits.grade_options(), key="audits_drill_grade")
    behind = audits.drill_down(in_period, when_options[when], area, grade)
    st.text(f"{len(behind):,} audits: {when}, {area_options[area].lower()}, {grade.lower()}.")
    charts.figure(None, behind, "Audits behind the figures")


# Each section is a tab, and only the open one is laid out: a reader pays for one section's
# charts and tables at a time. The open tab is in the link (`?audits_tab=...`).
SECTIONS = {
    "Headline judgements": show_headline_judgements,
    "Good or better and inadequate over time": show_over_time,
    "Practice areas": show_practice_areas,
    "Activity": show_activity,
    "Moderation": show_moderation,
    "Learning loop": show_learning_loop,
    "The audits behind the figures": show_audits_behind,
}
for (name, show), tab in zip(SECTIONS.items(), st.tabs(list(SECTIONS), key="audits_tab", bind="query-params")):
    if tab.open:
        with tab:
            show()
