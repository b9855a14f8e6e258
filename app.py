"""Entry point: `streamlit run app.py`. Declares the pages, grouped for their readers, draws the
filters every page shares, and says when the data is a demo.

No `:material/...:` icons: Streamlit fetches their images from Google's servers at run time,
and the dashboard must work on a network that reaches nothing outside the authority."""

from pathlib import Path

import streamlit as st

from qa_dashboard import auth, filters, store

st.set_page_config(page_title="QA dashboard", layout="wide")
HERE = Path(__file__).parent

overview = st.Page("pages/overview.py", title="Overview", default=True, url_path="overview")
system_health = st.Page("pages/system_health.py", title="System health", url_path="system-health")
loaded = st.Page("pages/home.py", title="What is loaded", url_path="home")
readers = [overview, system_health]
audit_type_pages = set()

# TEMPORARY while the audits, workforce and voice pages are written in parallel: each joins
# the menu once its script exists.
for script, title, url_path in (("pages/audits.py", "Audits", "audits"),
                                ("pages/workforce.py", "Workforce", "workforce"),
                                ("pages/voice.py", "Voice of the child and family", "voice")):
    if (HERE / script).exists():
        readers.append(st.Page(script, title=title, url_path=url_path))
        if url_path == "audits":
            audit_type_pages.add(readers[-1])
filtered_pages = set(readers)

page = st.navigation({
    "For the board": readers,
    # Upload is in the menu for uploaders only (everyone, when no sign-in is set up); for
    # readers it stays at its address, where it shows only the sign-in.
    "For officers": [loaded, st.Page("pages/upload.py", title="Upload", url_path="upload",
                                     visibility=auth.upload_menu_visibility())],
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
