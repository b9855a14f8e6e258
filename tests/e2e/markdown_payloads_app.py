"""A page for the browser test of escaping: every hostile payload, escaped by
`plain_text.for_markdown`, in every Streamlit element that reads Markdown."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st  # noqa: E402

from qa_dashboard.plain_text import for_markdown  # noqa: E402
from tests.markdown_payloads import PAYLOADS  # noqa: E402

for number, payload in enumerate(PAYLOADS):
    text = for_markdown(payload)
    with st.container(key=f"payload-{number}"):
        st.markdown(text)
        st.subheader(text)
        st.caption(text)
        st.warning(text)
        st.metric(text, 1, help=text)
        with st.expander(text):
            st.text("inside")
        st.tabs([text, "second"])
