"""What is loaded: what each dataset holds and how recent it is, and the last upload. The
first page a new user sees, so it also says how to get data in when there is none. The
database's path is never shown: board members read this page too."""

import streamlit as st

from qa_dashboard import cached, store

st.title("What is loaded")

database = store.db_path()

if not store.exists(database):
    st.info("There is no database yet, so there is nothing to show.")
    st.markdown("To try the dashboard with demo data, run this from the project folder:")
    st.code("make run", language=None)
    st.markdown("It builds the demo database first. To load your own extracts instead, run:")
    st.code("python -m qa_dashboard ingest FILE", language=None)
    st.stop()

st.header("Datasets")
st.dataframe(
    cached.query("loaded_datasets"),
    hide_index=True,
    column_config={
        "dataset": st.column_config.TextColumn("Dataset"),
        "row_count": st.column_config.NumberColumn("Rows", format="localized"),
        "latest_month": st.column_config.TextColumn("Latest month"),
    },
)

st.header("Last upload")
last_upload = cached.query("last_upload")
if last_upload.empty:
    st.text("No uploads are recorded in this database.")
else:
    st.dataframe(
        last_upload,
        hide_index=True,
        column_config={
            "file_name": st.column_config.TextColumn("File"),
            "loaded_by": st.column_config.TextColumn("Loaded by"),
            "loaded_at": st.column_config.DatetimeColumn("Loaded at", format="D MMMM YYYY, HH:mm"),
            "rows_added": st.column_config.NumberColumn("Rows added", format="localized"),
            "rows_superseded": st.column_config.NumberColumn("Rows superseded", format="localized"),
        },
    )
