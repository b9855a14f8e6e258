"""The floor a page is measured against: a title, one metric, one Altair chart and one 60-row
table from one DuckDB query, cached on the data version as the real pages are."""

import altair as alt
import streamlit as st

from qa_dashboard import store

FLOOR_SQL = """
SELECT period, team, social_worker_fte, children_allocated
FROM workforce ORDER BY period DESC, team LIMIT 60
"""


@st.cache_data(show_spinner=False)
def _floor_rows(db_path: str, version: str):
    with store.read_connection(db_path) as con:
        return con.execute(FLOOR_SQL).df()


database = store.db_path()
rows = _floor_rows(str(database), store.data_version(database))
st.title("Floor page")
st.metric("Children allocated", f"{int(rows['children_allocated'].sum()):,}")
st.altair_chart(alt.Chart(rows).mark_bar().encode(x="team:N", y="children_allocated:Q"), width="stretch")
st.dataframe(rows, hide_index=True)
