"""Entry point: `streamlit run app.py`. Declares the pages; each page lays out its own view.

No `:material/...:` icons: Streamlit fetches their images from Google's servers at run time,
and the dashboard must work on a network that reaches nothing outside the authority."""

import streamlit as st

st.set_page_config(page_title="QA dashboard", layout="wide")

pages = [
    st.Page("pages/home.py", title="What is loaded", default=True),
]
st.navigation(pages).run()
