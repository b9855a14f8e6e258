"""Voice of the child and family: survey answers by financial quarter, how many people were
heard, their comments in their own words, and compliments and complaints.

The four headline figures are always shown; the four parts sit in tabs, and only the open tab
is built (`tab.open`), so a rerun pays for one part at a time. The open tab is in the link
(`?voice_tab=...`), so a copied link opens the same view.

People's words are shown only through st.dataframe and st.text, never st.markdown or st.write,
so a comment holding `<script>` or `**bold**` shows exactly those characters."""

import getpass

import streamlit as st

from qa_dashboard import auth, cached, charts, chosen_comments, exports, filters, signin, store, voice
from qa_dashboard.charts import commentary_box, monthly_spc
from qa_dashboard.charts import voice as drawn

chosen = filters.current()
st.title("Voice of the child and family")
win = voice.windows(chosen.start, chosen.end)
st.text(f"Showing {chosen.describe()}. {win.describe()}")
# Each part is worked out from its query once per data version and filter (cached.derived), so
# a rerun (a search, a click) costs the widgets, not the arithmetic and the charts again.
params = win.params(chosen.service_area, chosen.team)
survey_part = cached.derived(voice.survey_part, ("voice_survey_counts", params), chosen.start, chosen.end)
heard = cached.derived(drawn.heard_part, ("voice_heard_by_quarter", params), chosen.start, chosen.end)
compliments = cached.derived(drawn.compliments_part, ("voice_compliments_complaints", params), chosen.start, chosen.end)
if not compliments.any_feedback:
    st.info("No feedback is loaded for this period and service. Upload a feedback sheet (response_date, "
            "respondent, question, answer, comment, theme) to fill this page.")
    st.stop()

st.subheader(f"The latest quarter, {voice.quarter_label(win.latest)}")
for column, tile in zip(st.columns(4), [heard.tile, survey_part.tile, *compliments.tiles]):
    with column.container(border=True):
        st.metric(tile.label, tile.value, delta=tile.delta, delta_color=tile.delta_color, delta_arrow="off")
        st.text("\n".join(tile.lines))


def survey_answers() -> None:
    survey = survey_part.table
    if survey.table.empty:
        st.info("No survey answers are loaded for this period. Feedback rows with a question and an answer fill this part.")
        return
    st.text("Each cell is the share of answers that were positive (yes, agree, strongly agree, 4 or 5) "
            "and n, the answers counted. \"+ 1 don't know\" counts the don't know and blank answers, which are "
            f"left out of n. Higher is better. {survey.change_note}")
    st.dataframe(survey.table, hide_index=True, width="stretch", key="voice_survey_table",
                 height=voice.table_height(len(survey.table)), column_config={
                     "Question": st.column_config.TextColumn("Question", width=330)})
    # The table above is the figure; its numbers (not its wording) are what officers download.
    with st.expander("Figures: survey results by quarter, as numbers"):
        st.dataframe(survey.figures, hide_index=True, width="stretch")
        with st.container(horizontal=True):  # one layout block, where two columns cost three
            st.download_button("Download CSV", lambda: exports.to_csv(survey.figures), file_name="survey_results.csv",
                               mime="text/csv", key="csv-survey-results", on_click="ignore")
            st.download_button("Download Excel", lambda: exports.to_xlsx(survey.figures),
                               file_name="survey_results.xlsx", key="xlsx-survey-results", on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    # The headline positive share month by month as an XmR chart, over every month loaded.
    read, chart = cached.derived(monthly_spc.voice_part, ("voice_positive_by_month", chosen.params()),
                                 chosen.start, chosen.end)
    if chart is not None:
        st.subheader("Positive answers each month: signal or noise")
        charts.figure(chart, read.table, "Positive answers by month, XmR chart", caption=monthly_spc.caption(read))

    st.subheader("One question over time")
    left, right = st.columns([3, 2])
    question = left.selectbox("Question", survey_part.questions, key="voice_question")
    split_label = right.radio("Split by", list(voice.SPLITS), horizontal=True, key="voice_split")
    trend = cached.derived(drawn.trend_part, ("voice_survey_counts", params), question, voice.SPLITS[split_label],
                           chosen.start, chosen.end)
    st.text(f"Trends show {voice.quarter_label(win.trend[0])} to {voice.quarter_label(win.latest)}. "
            "Higher is better. An open triangle marks fewer than 5 answers: read it with care. "
            "A break in a line is a quarter with no answers.")
    # An expander's label reads Markdown: the question is the upload's words, so it is escaped.
    charts.figure(trend.chart, trend.figures, f"Survey trend, {question}")  # figure() escapes its name


def how_many_were_heard() -> None:
    if heard.table.empty:
        st.info("No children or families were heard in this period, or no feedback is loaded for it.")
        return
    st.text("People heard in each quarter, against the same quarter a year earlier. One per person where "
            "answers share a response reference, else one per answer. Professionals are not counted. "
            "More heard is better.")
    if heard.note:
        st.warning(heard.note)
    charts.figure(heard.chart, heard.table, "People heard per quarter")


def in_their_own_words() -> None:
    comments = cached.derived(voice.comments_for_reading,
                              ("voice_comments", win.period_params(chosen.service_area, chosen.team)))
    if comments.empty:
        st.info("No comments are loaded for this period.")
        return
    theme_col, who_col, search_col = st.columns([1, 1, 2])
    theme = theme_col.selectbox("Theme", voice.theme_options(comments), key="voice_theme")
    respondent = who_col.selectbox("Who", voice.respondent_options(comments), key="voice_respondent")
    search = search_col.text_input("Search the comments", key="voice_search",
                                   placeholder="a word or phrase, e.g. social worker")
    found = voice.filter_comments(comments, theme, respondent, search)
    st.text(f"{len(found):,} of {len(comments):,} comments, newest first. Shown exactly as written. "
            "Choose a row to read it in full below.")
    picked = st.dataframe(
        found, hide_index=True, width="stretch", height=voice.table_height(len(found), most=12),
        key="voice_comment_rows", on_select="rerun", selection_mode="single-row",
        column_config={"Date": st.column_config.DateColumn("Date", format="D MMM YYYY", width=90),
                       "Comment": st.column_config.TextColumn("Comment", width=560), "comment_key": None})
    rows = [r for r in picked.selection.rows if r < len(found)]
    if not found.empty:
        row = found.iloc[rows[0] if rows else 0].to_dict()
        with st.container(border=True):
            st.text(("Chosen comment: " if rows else "Newest comment: ") + voice.comment_heading(row))
            st.text(row["Comment"])
            pack_choice(row["comment_key"], comments)


def _choose(key: str, widget: str) -> None:
    try:
        chosen_comments.choose(store.db_path(), key, st.session_state[widget], signin.signed_in_name() or getpass.getuser(),
                               role=auth.UPLOADER)
    except (PermissionError, ValueError) as problem:
        st.session_state["voice_choice_problem"] = str(problem)


def pack_choice(key: str, comments) -> None:
    """The board pack shows the comments chosen here (else the period's newest, saying so)."""
    chosen = chosen_comments.chosen_keys(store.db_path())
    count = int(comments["comment_key"].isin(chosen).sum())
    if signin.session_role() == auth.UPLOADER:
        widget = f"voice_pack_{key}"
        st.session_state[widget] = key in chosen
        st.checkbox("Include in the board pack", key=widget, on_change=_choose, args=(key, widget))
    elif key in chosen:
        st.text("Chosen for the board pack.")
    st.text(f"{count:,} of the period's comments chosen for the board pack."
            if count else "No comments chosen for the board pack: it shows the period's newest.")
    if problem := st.session_state.pop("voice_choice_problem", None):
        st.error(charts.plain(problem))


def compliments_and_complaints() -> None:
    if not compliments.any_loaded:
        st.info("No compliments or complaints are loaded for this period. Feedback rows with source "
                "Compliment or Complaint fill this part.")
        return
    st.text("One per person where rows share a response reference, else one per row. More compliments is "
            "better. Fewer complaints is usually better, though a rise can also mean people find it easier "
            "to complain. A quarter with no feedback loaded at all is left as a gap.")
    charts.figure(compliments.quarter_chart, compliments.by_quarter, "Compliments and complaints per quarter")
    charts.figure(compliments.service_chart, compliments.by_service, "Compliments and complaints by service area")


PARTS = {"Survey answers": survey_answers, "How many were heard": how_many_were_heard,
         "In their own words": in_their_own_words, "Compliments and complaints": compliments_and_complaints}
commentary_box.practice_analysis("section", "Voice", chosen)
for (name, draw), tab in zip(PARTS.items(), st.tabs(list(PARTS), key="voice_tab", bind="query-params")):
    if tab.open:
        with tab:
            draw()
