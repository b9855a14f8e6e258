"""The board pack: the paper the committee reads, made from the same figures the pages show.

`make_pack(db, out)` builds the document model (`build.py`) and writes it as .docx
(`docx_writer.py`) or .pdf (`pdf_writer.py`), replacing OUT in one step (`output.py`); the
command line calls it, the Board pack page calls `render`. No Streamlit here."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from qa_dashboard.pack.build import SECTIONS, PackError, build, choose_sections, filters_for, last_pack_default, since_from
from qa_dashboard.pack import output
from qa_dashboard.pack.images import IMAGE_KIND, Renderer

FORMATS = (".docx", ".pdf")

__all__ = ["SECTIONS", "FORMATS", "FILE_WORDS", "PackError", "build", "choose_sections", "filters_for", "last_pack_default", "render",
           "make_pack", "since_from"]


FILE_WORDS = {".docx": "Word file", ".pdf": "PDF"}


def render(doc, kind: str, renderer: Renderer | None = None) -> bytes:
    """The document as the bytes of a .docx or .pdf file. A PackError in a sentence when the
    server cannot write its working files (the PDF is typeset in a temporary folder)."""
    if kind not in FILE_WORDS:
        raise PackError(f"A pack is written as .docx or .pdf, not {kind or 'a file without an ending'}.")
    try:
        if kind == ".docx":
            from qa_dashboard.pack.docx_writer import write_docx

            return write_docx(doc, renderer)
        from qa_dashboard.pack.pdf_writer import write_pdf

        return write_pdf(doc, renderer)
    except OSError as problem:
        raise PackError(f"The {FILE_WORDS[kind]} could not be made: the server could not write its working files "
                        f"({problem.strerror or problem}). Try again later, or ask IT to free some disk space.") from None


@dataclass(frozen=True)
class Written:
    path: Path
    charts: int
    sections: list[str]


def make_pack(db: str | os.PathLike, out: str | os.PathLike, *, period: str | None = None, service: str | None = None,
              team: str | None = None, sections=None, publish: bool = False, since: dt.date | None = None) -> Written:
    """Build and write the pack; raises PackError with a plain sentence when it cannot."""
    out = Path(out)
    kind = out.suffix.lower()
    if kind not in FORMATS:
        raise PackError(f"Name the file .docx or .pdf (not {output.shown(Path(out.name))}).")
    output.check_out(out)  # before the seconds of building: a pack that cannot be written is not made
    renderer = Renderer()
    renderer.start(IMAGE_KIND[kind])  # the chart helpers warm up while the document is built
    try:
        chosen = filters_for(db, period, service, team)
        doc = build(db, chosen, sections, publish, since=since)
        data = render(doc, kind, renderer)
    finally:
        renderer.close()
    output.write_atomically(out, data)  # last month's pack stays whole if this fails
    return Written(out, len(doc.charts()), choose_sections(sections))
