"""The floor a page is measured against: a title, metrics, Altair charts and 60-row tables from
one DuckDB query, cached on the data version as the real pages are.

One of each by default (bench/pages.py). bench/load.py opens it as `?metrics=M&charts=C&tables=T`
to match the number a real page shows; each count is capped at 60.
"""

import altair as alt
import streamlit as st

from qa_dashboard import store

FLOOR_SQL = """
SELECT period, team, social_worker_fte, children_allocated
FROM workforce ORDER BY period DESC, team LIMIT 60
"""
MAX_COUNT = 60


@st.cache_data(show_spinner=False)
def _floor_rows(db_path: str, version: str):
    with store.read_connection(db_path) as con:
        return con.execute(FLOOR_SQL).df()


def _count(name: str) -> int:
    text = st.query_params.get(name, "1")
    return min(int(text), MAX_COUNT) if text.isdigit() else 1


database = store.db_path()
rows = _floor_rows(str(database), store.data_version(database))
st.title("Floor page")
for _ in range(_count("metrics")):
    st.metric("Children allocated", f"{int(rows['children_allocated'].sum()):,}")
for _ in range(_count("charts")):
    st.altair_chart(alt.Chart(rows).mark_bar().encode(x="team:N", y="children_allocated:Q"), width="stretch")
for _ in range(_count("tables")):
    st.dataframe(rows, hide_index=True)
