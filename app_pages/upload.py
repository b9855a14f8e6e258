"""Upload, for performance and QA officers: get the workbook, check files, see what a load
would change, load, look back over the loads, undo the latest, and leave the demo data.

Nothing is written until the officer presses the load button; the check before it is the
ingest function's dry run, so its counts are what the load will do. The page is not a
filtered reader page. Readers never see it in the menu; at its address they see only the
sign-in (`qa_dashboard.signin`), and the ingest function refuses them anyway
(`auth.require_uploader`). Every change to the data, the authority included, goes through
`qa_dashboard.upload` to the store's one write path.
"""

from contextlib import contextmanager

import datetime as dt

import streamlit as st

from qa_dashboard import cached, plain_text, signin, store, upload
from qa_dashboard.ingest import default_user
from qa_dashboard.template import template_bytes

st.title("Upload extracts")
database = store.db_path()
role, user = signin.uploader_or_stop(default_user())


def show_outcome(kind: str) -> None:
    """What the last load, undo or fresh start did; kept until the next action replaces it."""
    outcome = st.session_state.get("upload_outcome")
    if not outcome or outcome["kind"] != kind:
        return
    st.success(outcome["headline"])
    for line in outcome["lines"]:
        st.text(line)
    if outcome.get("effect") is not None:
        st.markdown("Rows in force, before and after:")
        st.dataframe(outcome["effect"], hide_index=True, column_config={
            name: st.column_config.NumberColumn(format="localized") for name in ("Rows before", "Rows now", "Change")})


@contextmanager
def said_plainly_if_refused(action: str):
    """A busy database or a lost sign-in becomes a sentence on the page, not a traceback."""
    try:
        yield
    except store.DatabaseUnavailable as busy:
        st.error(f"{action} did not happen: {busy}")
        st.stop()
    except PermissionError:
        st.error(f"{action} did not happen: only a signed-in uploader may change the data. Sign in again.")
        st.stop()


def rows_in_force():
    return cached.query("loaded_datasets") if store.exists(database) else None


def effect_since(before):
    return upload.effect_frame(before, cached.query("loaded_datasets")) if before is not None else None


def reset_uploader() -> None:
    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
    for key in ("upload_pending", "upload_check"):
        st.session_state.pop(key, None)


def annex_a_extract_date(files):
    """An Ofsted Annex A workbook carries no extract date: ask for it, proposing the latest date
    in the file. None when no file is Annex A."""
    key = ("upload_annex_proposal", upload.selection_key(files))
    if st.session_state.get("upload_annex_proposal_key") != key:
        st.session_state["upload_annex_proposal"] = upload.annex_a_proposal(files)
        st.session_state["upload_annex_proposal_key"] = key
    proposal = st.session_state["upload_annex_proposal"]
    if proposal is False:
        return None
    st.markdown("This is an Ofsted Annex A workbook. It carries no extract date, and every figure depends "
                "on it: give the day the lists were taken from the case system.")
    return st.date_input("Extract date of the Annex A lists", value=proposal or dt.date.today(),
                         format="DD/MM/YYYY", key=f"upload_as_at_{upload.selection_id(files)}")


def annex_a_cover_from(files, as_at):
    """The first day the lists cover: every whole month from it to the extract date is counted
    (zero where a month has none). Proposed as 12 months before the extract date, to confirm."""
    st.markdown("Counts and rates are written for every whole month from the day the lists cover from "
                "to the extract date. Check it against the extract's settings (Ofsted asks for 12 months).")
    return st.date_input("Lists cover from", value=upload.annex_a_cover_from(as_at), max_value=as_at,
                         format="DD/MM/YYYY", key=f"upload_cover_from_{upload.selection_id(files)}_{as_at}")


def annex_a_standards() -> dict[str, int]:
    """The visit standards, which differ between authorities: settings, remembered with each load."""
    saved = upload.annex_a_standards(database)
    with st.expander("Visit standards (your authority's settings)"):
        return {name: int(st.number_input(label, min_value=1, max_value=120, value=saved[name], step=1,
                                          key=f"upload_standard_{name}"))
                for name, label in upload.ANNEX_A_STANDARD_LABELS.items()}


def show_annex_a(checked) -> None:
    """Per list: rows read, months, teams, warnings, indicators to write; and the data-quality counts."""
    for found in upload.annex_previews(checked):
        cover = f", lists from {found['cover_from'].day} {found['cover_from']:%B %Y}" if found["cover_from"] else ""
        st.subheader(f"Annex A, extract of {found['as_at'].day} {found['as_at']:%B %Y}{cover}: what each list holds")
        st.text(found["standards"])
        st.dataframe(found["lists"], hide_index=True)
        if not found["quality"].empty:
            st.subheader("Recording to fix in the case system")
            st.markdown("Rows with a problem, by list and team (counts only). Fix them at source before the next extract.")
            st.dataframe(found["quality"], hide_index=True)


# ------------------------------------------------------------------------------- workbook --
st.header("1. Get the upload workbook")
st.markdown("The blank workbook has a sheet for each kind of extract, drop-down lists for grades, "
            "teams and answers, and a README sheet saying what each column holds. The demo "
            "extracts are filled-in examples for a fictional authority.")
left, right = st.columns(2)
left.download_button("Download the blank upload workbook (.xlsx)", data=template_bytes,
                     file_name=upload.TEMPLATE_FILE_NAME, on_click="ignore",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
right.download_button("Download the demo extracts (.zip)", data=upload.demo_extracts_zip,
                      file_name=upload.DEMO_ZIP_FILE_NAME, on_click="ignore", mime="application/zip")

# -------------------------------------------------------------------------- check, load --
st.header("2. Check and load files")
show_outcome("load")
st.markdown(f"Choose one or more extracts. Each is checked whole and nothing is written until you "
            f"press **Load**. Files up to {upload.UPLOAD_LIMIT_MB} MB each, .xlsx or .csv.")
chosen = st.file_uploader("Extract files", type=upload.UPLOAD_TYPES, accept_multiple_files=True,
                          max_upload_size=upload.UPLOAD_LIMIT_MB,
                          key=f"upload_files_{st.session_state.get('upload_round', 0)}")

if chosen:
    files = [upload.Upload(f.name, f.getvalue()) for f in chosen]
    st.session_state["upload_pending"] = files
    as_at = annex_a_extract_date(files)
    cover_from = annex_a_cover_from(files, as_at) if as_at else None
    standards = annex_a_standards() if as_at else None
    st.session_state["upload_as_at"] = as_at, standards, cover_from
    fingerprint = (upload.selection_key(files), store.data_version(database), as_at, cover_from, repr(standards))
    kept = st.session_state.get("upload_check")
    if kept is None or kept[0] != fingerprint:
        st.session_state.pop("upload_outcome", None)
        with st.status(f"Checking {len(files)} file{'s' if len(files) != 1 else ''}…", expanded=False) as progress:
            with said_plainly_if_refused("The check"):
                checked = upload.check(files, database, user, role, as_at=as_at, standards=standards,
                                       cover_from=cover_from)
            progress.update(label="Checked: " + ("no errors." if checked.ok else "refused."),
                            state="complete" if checked.ok else "error")
        kept = (fingerprint, checked)
        st.session_state["upload_check"] = kept
    checked = kept[1]

    st.subheader("What the files hold")
    if checked.ok and checked.anything_new:
        st.success("No errors. Nothing has been written yet: check the counts, then load.")
    elif checked.ok:
        st.info("No errors, and nothing new to load.")
    else:
        count = len(checked.errors)
        st.error(f"Refused: {count:,} error{'s' if count != 1 else ''}. Nothing has been written. "
                 "Download the list, correct the file in Excel, and upload it again."
                 + (" No file is loaded while any file has errors." if len(files) > 1 else ""))
    for outcome in checked.files:
        st.text(upload.file_sentence(outcome, dry_run=True))
    preview = upload.preview_frame(checked)
    if not preview.empty:
        st.dataframe(preview, hide_index=True, column_config={
            "Rows read": st.column_config.NumberColumn(format="localized"),
            "Rows to add": st.column_config.NumberColumn(
                format="localized", help="New rows, and changed rows that replace the ones loaded earlier."),
            "Earlier rows superseded": st.column_config.NumberColumn(
                format="localized", help="Rows loaded earlier that the file replaces. They are kept as history, and come back if the load is undone."),
            "Unchanged (already loaded)": st.column_config.NumberColumn(
                format="localized", help="Rows loaded before exactly as they are: nothing changes."),
        })

    show_annex_a(checked)
    for found in upload.ofsted_previews(checked):
        st.subheader(f"Ofsted ILACS overview: {found['authorities']} authorities, by overall effectiveness")
        st.dataframe(found["grades"], hide_index=True)

    # Room for a sentence of what to change to wrap onto four lines; the download has it whole.
    problem_row_height = 84
    problem_columns = {"File": st.column_config.TextColumn(width="small"),
                       "Sheet": st.column_config.TextColumn(width="small"),
                       "Row": st.column_config.NumberColumn(width="small", format="%d"),
                       "Column": st.column_config.TextColumn(width="small"),
                       "Value": st.column_config.TextColumn(width="small"),
                       "What to change": st.column_config.TextColumn(width="large")}
    if checked.errors:
        st.subheader(f"Errors to fix ({len(checked.errors):,})")
        st.markdown("Row numbers are as Excel shows them.")
        st.dataframe(upload.problems_frame(checked.errors), hide_index=True, key="upload_errors_table",
                     row_height=problem_row_height, column_config=problem_columns)
        st.download_button("Download the errors as a spreadsheet (.xlsx)",
                           data=lambda: upload.problems_xlsx(checked.errors, checked.warnings),
                           file_name=upload.PROBLEMS_FILE_NAME, on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if checked.warnings:
        st.subheader(f"Warnings ({len(checked.warnings):,})")
        st.markdown("Warnings do not stop a load, but read them first: an unknown column is left out, "
                    "and a custom indicator is added as a new indicator.")
        st.dataframe(upload.problems_frame(checked.warnings), hide_index=True, key="upload_warnings_table",
                     row_height=problem_row_height, column_config=problem_columns)

    if checked.ok and checked.anything_new:
        warnings_read = True
        if checked.warnings:
            warnings_read = st.checkbox("I have read the warnings", key=f"upload_warnings_read_{upload.selection_id(files)}")
        if not user:
            st.markdown("Give your name at the top of the page to load.")
        if st.button("Load these files", type="primary", disabled=not (checked.may_load(warnings_read) and user)):
            before = rows_in_force()
            with st.status("Loading…", expanded=False) as progress:
                with said_plainly_if_refused("The load"):
                    as_at, standards, cover_from = st.session_state.get("upload_as_at", (None, None, None))
                    loaded = upload.load(st.session_state["upload_pending"], database, user, role,
                                         as_at=as_at, standards=standards, cover_from=cover_from)
                progress.update(label="Loaded." if loaded.loaded else "Not loaded.",
                                state="complete" if loaded.loaded else "error")
            if loaded.loaded:
                headline = "Loaded. Every page shows the new figures from now on."
            else:
                headline = "Nothing was loaded: the data changed since the check. Read why below."
            st.session_state["upload_outcome"] = {
                "kind": "load", "headline": headline,
                "lines": [upload.file_sentence(f, dry_run=False) for f in loaded.files]
                         + [problem.line() for problem in loaded.errors],
                "effect": effect_since(before)}
            reset_uploader()
            st.rerun()
else:
    st.session_state.pop("upload_pending", None)
    st.session_state.pop("upload_check", None)

# ----------------------------------------------------------------------- history, undo --
st.header("3. Loads so far")
show_outcome("undo")
if not store.exists(database):
    st.text("Nothing has been loaded yet. The first file you load creates the database.")
else:
    history = cached.query("upload_history")
    if history.empty:
        st.text("Nothing has been loaded yet.")
    else:
        st.dataframe(upload.history_for_display(history), hide_index=True, column_config={
            "upload_id": st.column_config.NumberColumn("Load", format="%d"),
            "file_name": st.column_config.TextColumn("File"),
            "loaded_by": st.column_config.TextColumn("Loaded by"),
            "loaded_at": st.column_config.DatetimeColumn("Loaded at", format="D MMM YYYY, HH:mm"),
            "rows_added": st.column_config.NumberColumn("Rows added", format="localized"),
            "rows_superseded": st.column_config.NumberColumn("Rows superseded", format="localized"),
            "status": st.column_config.TextColumn("Status"),
            "undone_at": st.column_config.DatetimeColumn("Undone at", format="D MMM YYYY, HH:mm"),
        })
    latest = cached.query("upload_latest_in_force")
    if not latest.empty:
        latest_load = latest.iloc[0]
        load_id = int(latest_load["upload_id"])
        st.subheader("Undo the latest load")
        st.text(f"The latest load in force is load {load_id}: {latest_load['file_name']}, loaded by "
                f"{latest_load['loaded_by']} on {latest_load['loaded_at']:%d %B %Y at %H:%M}. Undoing it removes the "
                f"{int(latest_load['rows_added']):,} rows it added and brings back the "
                f"{int(latest_load['rows_superseded']):,} rows it superseded.")
        if st.session_state.get("undo_asked") != load_id:
            if st.button(f"Undo load {load_id}…"):
                st.session_state["undo_asked"] = load_id
                st.rerun()
        else:
            st.warning(f"Undo load {load_id}? The figures it brought will disappear from every page.")
            yes, no = st.columns(2)
            if yes.button(f"Yes, undo load {load_id}", type="primary"):
                before = rows_in_force()
                with st.spinner("Undoing…"):
                    with said_plainly_if_refused("The undo"):
                        undone = upload.undo(database, role)
                st.session_state.pop("undo_asked", None)
                st.session_state["upload_outcome"] = {
                    "kind": "undo", "headline": "Undone.", "lines": [upload.undo_sentence(undone)],
                    "effect": effect_since(before)}
                st.rerun()
            if no.button("Cancel"):
                st.session_state.pop("undo_asked", None)
                st.rerun()

# -------------------------------------------------------------------- starting for real --
st.header("4. Start with your own data")
show_outcome("start")
if store.exists(database) and store.is_demo(database):
    st.markdown("The dashboard holds demo data for a fictional authority. When you are ready to load "
                "your own extracts, start an empty database. The demo data is not deleted: it is "
                "copied to a backup file first, and the demo can be rebuilt at any time.")
    understood = st.checkbox("I understand the dashboard will be empty until we load our own extracts",
                             key="start_confirmed")
    if st.button("Start an empty database", type="primary", disabled=not understood):
        with st.spinner("Backing up the demo data and starting an empty database…"):
            with said_plainly_if_refused("Starting an empty database"):
                backup = upload.start_for_real(database, role)
        st.session_state.pop("start_confirmed", None)
        st.session_state["upload_outcome"] = {
            "kind": "start", "headline": "The dashboard is now empty and ready for your extracts.",
            "lines": [f"The demo data was copied to {backup}." if backup else "There was no data to back up.",
                      "Load your extracts in section 2."], "effect": None}
        reset_uploader()
        st.rerun()
elif store.exists(database):
    st.text("The dashboard holds your own data, not the demo.")
else:
    st.text("There is no database yet. The first file you load creates it.")

# ----------------------------------------------------------------------- our authority --
st.header("5. Our authority")
st.markdown("Which authority this dashboard belongs to. Its ten statistical neighbours and its region "
            "follow from DfE's published files, and the System health and Workforce pages compare "
            "with them. Load DfE's published CSVs in section 2 first (referrals, workforce, the "
            "statistical-neighbour model, ONS population).")
authorities = cached.query("benchmarks_authorities") if store.exists(database) else None
if authorities is None or authorities.empty:
    st.text("No DfE published files are loaded yet, so there is no list of authorities to choose from.")
else:
    names = list(authorities["la_name"])
    chosen_now = authorities[authorities["chosen"]]
    if not chosen_now.empty:
        st.text(f"Now: {chosen_now.iloc[0]['la_name']} ({chosen_now.iloc[0]['new_la_code']}), "
                f"{chosen_now.iloc[0]['region_name']}.")
    pick = st.selectbox("Authority", names, index=names.index(chosen_now.iloc[0]["la_name"]) if not chosen_now.empty else None,
                        placeholder="Choose an authority", key="our_authority")
    if st.button("Save our authority", disabled=pick is None):
        with said_plainly_if_refused("Setting the authority"):
            picked = authorities[authorities["la_name"] == pick].iloc[0]
            authority = upload.choose_authority(database, picked["old_la_code"], role)
            st.success(plain_text.for_markdown(  # the name comes from an uploaded DfE file
                f"The dashboard now belongs to {authority.la_name}. Benchmarks follow from it."))
