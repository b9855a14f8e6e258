"""Board pack: the paper the committee reads, made from the figures the pages show, for the
period and scope chosen in the sidebar. Readers may make one too: making a pack changes nothing.

The outline is built from the document model (cached on the data version, the filters, the
sections and the publish choice); the .docx and .pdf files are written only when their button
is clicked, because drawing the charts for print takes most of the time."""

import datetime as dt

import streamlit as st

from qa_dashboard import filters, pack, plain_text, store


@st.cache_data(show_spinner="Putting the pack together…", max_entries=16)
def pack_model(db: str, version: str, chosen: filters.Filters, sections: tuple[str, ...], publish: bool,
               today: dt.date, since: dt.date | None):
    return pack.build(db, chosen, list(sections), publish, today=today, since=since)


chosen = filters.current()
st.title("Board pack")
st.text(f"The performance and quality assurance report for {chosen.describe()}, made from the same figures "
        "the pages show: no number in it is typed by hand. Change the period, service area or team in the "
        "sidebar.")

st.subheader("Sections to include")
columns = st.columns(3)
sections = tuple(name for index, name in enumerate(pack.SECTIONS)
                 if columns[index % 3].checkbox(name, value=True, key=f"pack_section_{index}"))
publish = st.checkbox("For a public website: suppress counts under 5 and the shares built on them",
                      key="pack_publish")
if publish:
    st.text("Published version: counts under 5, and the shares built on them, are suppressed, and officers' "
            "practice analysis and people's own comments are left out (free text cannot be checked for small "
            "numbers or for what could identify someone); the pack says so.")
today = dt.date.today()
written = None
if "Improvement plan" in sections:
    # Nothing records the packs made (making one writes nothing), so the officer says when the last
    # was. A text box: the date picker's day and month boxes are smaller than a finger (axe target-size).
    written = st.text_input("The last pack was made on (DD/MM/YYYY): the improvement plan's changes are counted "
                            "from this date", value=f"{pack.last_pack_default(today):%d/%m/%Y}", key="pack_since")
if not sections:
    st.info("Tick at least one section to make a pack.")
    st.stop()

database = store.db_path()
try:  # a date that is not one, or after today (`pack.build` says which), in place of the outline
    document = pack_model(str(database), store.data_version(database), chosen, sections, publish, today,
                          pack.since_from(written))
except pack.PackError as problem:
    st.error(plain_text.for_markdown(str(problem)))
    st.stop()

st.subheader("Outline")
st.text("\n".join("    " * (level - 1) + text for level, text in document.outline()))
st.text(f"{len(document.charts())} charts. The cover, the appendix (definitions, sources and the loads the "
        "figures came from) and page numbers are always included.")

# A file that could not be made (a full disk, a drawing that failed) says so in a sentence on the
# page's next run; the button itself can only say that the download failed.
failed = st.session_state.setdefault("pack_files_failed", {})
for sentence in failed.values():
    st.error(plain_text.for_markdown(sentence))
failed.clear()


def pack_file(kind: str):
    def make() -> bytes:  # runs when the button is clicked, outside the page's run
        try:
            return pack.render(document, kind)
        except Exception as problem:  # the server's log keeps the details; the officer gets a sentence
            failed[kind] = (str(problem) if isinstance(problem, pack.PackError) else
                            f"The {pack.FILE_WORDS[kind]} could not be made: something went wrong while it was "
                            "written. Try again; if it happens again, the server's log says what.")
            raise
    return make


stem = f"board-pack-{today:%Y-%m-%d}"
left, right = st.columns(2)
left.download_button("Download Word (.docx)", pack_file(".docx"), file_name=f"{stem}.docx",
                     mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     key="pack_docx", on_click="ignore")
right.download_button("Download PDF", pack_file(".pdf"), file_name=f"{stem}.pdf",
                      mime="application/pdf", key="pack_pdf", on_click="ignore")
