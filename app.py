"""Entry point: `streamlit run app.py`. Declares the pages, grouped for their readers, draws the
filters every page shares, and says when the data is a demo.

No `:material/...:` icons: Streamlit fetches their images from Google's servers at run time,
and the dashboard must work on a network that reaches nothing outside the authority."""

import streamlit as st

from qa_dashboard import filters, store

st.set_page_config(page_title="QA dashboard", layout="wide")

# Pages that read the shared filters; the audit-type filter shows only where it applies.
overview = st.Page("pages/overview.py", title="Overview", default=True, url_path="overview")
system_health = st.Page("pages/system_health.py", title="System health", url_path="system-health")
loaded = st.Page("pages/home.py", title="What is loaded", url_path="loaded")
filtered_pages = {overview, system_health}
audit_type_pages: set = set()

page = st.navigation({
    "For the board": [overview, system_health],
    "For officers": [loaded],
})

database = store.db_path()
if store.exists(database) and store.is_demo(database):
    st.info("You are looking at demo data for a fictional authority. None of it describes real "
            "children, families, staff or teams.")

st.session_state["filters"] = (
    filters.sidebar(show_audit_type=page in audit_type_pages)
    if page in filtered_pages and store.exists(database) else None
)
page.run()
