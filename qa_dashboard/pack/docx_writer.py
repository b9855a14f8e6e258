"""The pack as a Word document (python-docx): councils' committee reports are Word documents, so
officers can add their own pages around it.

Accessible as Word checks it: real Heading styles (the navigation pane shows the outline),
tables with a header row repeated on every page, every chart with alternative text saying what
it shows and its latest figure, A4, page numbers in the footer, the document's language set."""
from __future__ import annotations

import io
import re
import struct

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from qa_dashboard.pack.images import Renderer
from qa_dashboard.pack.model import Bullets, Chart, Document, Heading, PageBreak, Paragraph, Table, chart_size_mm

# RAG shading, light enough for black text; the word is always written too.
RAG_FILLS = {"green": "C6E5D9", "amber": "FBE3B5", "red": "F4C7BE", "blue": "C9DDF0"}
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text as written, less the few control characters XML cannot hold."""
    return _NOT_XML.sub("", str(text))


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-GB")
    normal.element.get_or_add_rPr().append(language)


def _paragraph(document, block: Paragraph) -> None:
    style = {"quote": "Quote", "note": "Normal", "byline": "Normal"}.get(block.kind, "Normal")
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(clean(block.text))
    if block.kind == "note":
        run.italic = True
    elif block.kind == "byline":
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0x40, 0x40, 0x40)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document, block: Table) -> None:
    document.add_paragraph(clean(block.caption), style="Caption")
    table = document.add_table(rows=1, cols=len(block.columns), style="Table Grid")
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name in zip(header.cells, block.columns):
        cell.text = ""
        cell.paragraphs[0].add_run(clean(name)).bold = True
        _shade(cell, "E7E6E6")
    for values in block.rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values)):
            cell.text = clean(value)
            if index == block.rag_column and value.lower() in RAG_FILLS:
                _shade(cell, RAG_FILLS[value.lower()])
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    document.add_paragraph()


def _chart(document, block: Chart, renderer: Renderer) -> None:
    image = renderer.draw(block.spec, "png")
    width_px, height_px = struct.unpack(">II", image[16:24])  # the PNG's IHDR
    width, height = chart_size_mm(width_px, height_px)
    document.add_picture(io.BytesIO(image), width=Mm(width), height=Mm(height))
    picture = document.inline_shapes[-1]._inline
    picture.docPr.set("descr", clean(block.alt))
    picture.docPr.set("title", clean(block.caption))
    document.add_paragraph(clean(block.caption), style="Caption")


def write_docx(doc: Document, renderer: Renderer | None = None) -> bytes:
    renderer = renderer or Renderer()
    renderer.draw_all([chart.spec for chart in doc.charts()], "png")
    document = new_document()
    _page_setup(document)
    _styles(document)
    document.core_properties.title = f"{doc.title}: {doc.period_label}"
    document.core_properties.subject = doc.scope_label
    document.core_properties.author = "QA dashboard"
    first_heading = True
    for block in doc.blocks:
        if isinstance(block, Heading):
            style_level = 0 if first_heading else min(block.level, 4)
            first_heading = False
            document.add_heading(clean(block.text), level=style_level)
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(clean(item), style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Chart):
            _chart(document, block, renderer)
        elif isinstance(block, PageBreak):
            document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
