"""Entry point: `streamlit run app.py`. Declares the pages, draws the filters every board page
shares, and says when the data is a demo.

Page scripts live in `app_pages/`, not `pages/`: Streamlit treats a `pages/` folder beside the
entry script as an old-style multipage app until `st.navigation` has run, so a copied link
opened on a freshly started server would run the page bare, without this file's menu, banner
and filters. The menu is one flat list, board pages first and the officers' pages last,
because Streamlit's sectioned menu puts headings inside its list, which fails WCAG's list
rules (axe: list, listitem).

No `:material/...:` icons: Streamlit fetches their images from Google's servers at run time,
and the dashboard must work on a network that reaches nothing outside the authority."""

import contextlib

import streamlit as st

from qa_dashboard import draw_ahead, filters, signin, store

st.set_page_config(page_title="QA dashboard", layout="wide")

# The default page is served at "/" whatever its url_path, so a copied link to /overview (the
# Overview's own name, and its address before it became the default) would find no page: a
# second entry for the same script, kept out of the menu, answers at /overview.
overview = st.Page("app_pages/overview.py", title="Overview", default=True, url_path="start")
overview_by_name = st.Page("app_pages/overview.py", title="Overview", url_path="overview", visibility="hidden")
system_health = st.Page("app_pages/system_health.py", title="System health", url_path="system-health")
audits = st.Page("app_pages/audits.py", title="Audits", url_path="audits")
workforce = st.Page("app_pages/workforce.py", title="Workforce", url_path="workforce")
voice = st.Page("app_pages/voice.py", title="Voice of the child and family", url_path="voice")
board_pack = st.Page("app_pages/board_pack.py", title="Board pack", url_path="board-pack")
loaded = st.Page("app_pages/home.py", title="What is loaded", url_path="home")
# Upload is in the menu for uploaders only (everyone, when no sign-in is set up); for readers it
# stays at its address, where it shows only the sign-in.
upload = st.Page("app_pages/upload.py", title="Upload", url_path="upload",
                 visibility=signin.upload_menu_visibility())

board_pages = [overview, system_health, audits, workforce, voice, board_pack]
page = st.navigation(board_pages + [loaded, upload, overview_by_name])
board_pages.append(overview_by_name)

database = store.db_path()
# A damaged, unreadable or busy database: its one sentence instead of a traceback and a path.
# A board page's reads share one connection, opened at its first query (a view served from the
# cache opens none); Upload and What is loaded write, so they open their own.
try:
    with store.shared_reads(database) if page in board_pages else contextlib.nullcontext():
        # The default pack's charts, drawn in a background process when this data's are missing.
        draw_ahead.start_once(database)
        if store.exists(database) and store.is_demo(database):
            st.info("You are looking at demo data for a fictional authority. None of it describes real "
                    "children, families, staff or teams.")
        st.session_state["filters"] = (
            filters.sidebar(show_audit_type=page is audits)
            if page in board_pages and store.exists(database) else None
        )
        page.run()
except store.DatabaseUnavailable as trouble:
    st.error(str(trouble))
