"""The pack as a Word document (python-docx): councils' committee reports are Word documents, so
officers can add their own pages around it.

Accessible as Word checks it: real Heading styles (the navigation pane shows the outline),
tables with a header row repeated on every page, every chart with alternative text saying what
it shows and its latest figure, A4, page numbers in the footer, the document's language set."""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
import struct

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree  # python-docx's own XML library

from qa_dashboard.pack.images import Renderer
from qa_dashboard.pack.model import (Bullets, Chart, Document, Heading, PageBreak, Paragraph, Table, chart_size_mm,
                                     column_widths)

TEXT_WIDTH_MM = 170  # an A4 page inside 20 mm margins

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


class _Styles:
    """Style ids looked up once per document: python-docx looks a style up by name on every
    paragraph, walking every style the template has (a quarter of the writer's time)."""

    def __init__(self, document) -> None:
        self._document = document
        self._ids: dict[str, str] = {}

    def paragraph(self, text: str, name: str | None = None):
        paragraph = self._document.add_paragraph()
        if name is not None:
            if name not in self._ids:
                self._ids[name] = self._document.styles[name].style_id
            paragraph._p.get_or_add_pPr().style = self._ids[name]
        if text:
            paragraph.add_run(text)
        return paragraph


def _paragraph(styles: _Styles, block: Paragraph) -> None:
    paragraph = styles.paragraph("", "Quote" if block.kind == "quote" else None)
    run = paragraph.add_run(clean(block.text))
    if block.kind == "note":
        run.italic = True
    elif block.kind == "byline":
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0x40, 0x40, 0x40)


def _shade(tc, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shading)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _fill_cell(tc, text: str, bold: bool = False) -> None:
    """One cell's text in 9 pt, a line break in the text kept as one. Written as plain XML
    elements: python-docx's helpers search the cell with XPath at every step."""
    for child in list(tc):
        if child.tag != _W + "tcPr":
            tc.remove(child)
    run = etree.SubElement(etree.SubElement(tc, _W + "p"), _W + "r")
    properties = etree.SubElement(run, _W + "rPr")
    if bold:
        etree.SubElement(properties, _W + "b")
    etree.SubElement(properties, _W + "sz").set(_W + "val", "18")  # half-points: 9 pt
    for number, line in enumerate(text.split("\n")):
        if number:
            etree.SubElement(run, _W + "br")
        words = etree.SubElement(run, _W + "t")
        words.set(_SPACE, "preserve")
        words.text = line


def _fix_widths(table, shares: list[int]) -> None:
    """The columns' widths as the PDF's, fixed: Word would otherwise widen a column to fit its
    longest word (one long link squeezed every other column to nothing); in a fixed column Word
    breaks a word longer than the column instead."""
    table.autofit = False  # w:tblLayout fixed
    widths = [Mm(TEXT_WIDTH_MM * share / sum(shares)) for share in shares]
    for column, width in zip(table.columns, widths):
        column.width = width
    for tc, width in zip(table.rows[0]._tr.tc_lst, widths):  # the body rows are copies of this row
        tc.width = width


def _table(document, styles: _Styles, block: Table) -> None:
    """A real table, its header row repeated on every page. Rows are copies of the header row's
    XML (its cells' widths), filled in: python-docx's own `add_row().cells` re-reads the whole
    table for every row, which made a 70-row table take a second."""
    styles.paragraph(clean(block.caption), "Caption")
    table = document.add_table(rows=1, cols=len(block.columns), style="Table Grid")
    _fix_widths(table, column_widths(block.columns, block.rows))
    header = table.rows[0]._tr
    for tc, name in zip(header.tc_lst, block.columns):
        _fill_cell(tc, clean(name), bold=True)
    body = copy.deepcopy(header)  # the template of a body row, before the header gets its own marks
    for tc in header.tc_lst:
        _shade(tc, "E7E6E6")
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.get_or_add_trPr().append(repeat)
    for values in block.rows:
        row = copy.deepcopy(body)
        for index, (tc, value) in enumerate(zip(row.tc_lst, values)):
            _fill_cell(tc, clean(value))
            if index == block.rag_column and value.lower() in RAG_FILLS:
                _shade(tc, RAG_FILLS[value.lower()])
        table._tbl.append(row)
    styles.paragraph("")


def _chart(document, styles: _Styles, block: Chart, renderer: Renderer) -> None:
    image = renderer.draw(block.spec, "png")
    width_px, height_px = struct.unpack(">II", image[16:24])  # the PNG's IHDR
    width, height = chart_size_mm(width_px, height_px)
    document.add_picture(io.BytesIO(image), width=Mm(width), height=Mm(height))
    picture = document.inline_shapes[-1]._inline
    picture.docPr.set("descr", clean(block.alt))
    picture.docPr.set("title", clean(block.caption))
    styles.paragraph(clean(block.caption), "Caption")


PRODUCT = "QA dashboard"


def _properties(document, doc: Document) -> None:
    """The file's own description as Word's File > Info shows it: made now, by the product (never
    by a person's name), not the 2013 dates and "python-docx" of the library's blank template."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    properties = document.core_properties
    properties.title = clean(f"{doc.title}: {doc.period_label}")
    properties.subject = clean(doc.scope_label)
    properties.author = properties.last_modified_by = PRODUCT
    properties.comments = "Made by the QA dashboard from its database."
    properties.created = properties.modified = now
    properties.revision = 1
    properties.keywords = properties.category = ""
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":  # the template says "Microsoft Macintosh Word"
            part._blob = re.sub(rb"<Application>[^<]*</Application>", b"<Application>" + PRODUCT.encode() +
                                b"</Application>", part.blob)


def write_docx(doc: Document, renderer: Renderer | None = None) -> bytes:
    renderer = renderer or Renderer()
    renderer.draw_all([chart.spec for chart in doc.charts()], "png")
    document = new_document()
    _page_setup(document)
    _styles(document)
    _properties(document, doc)
    styles = _Styles(document)
    first_heading = True
    for block in doc.blocks:
        if isinstance(block, Heading):
            style_level = 0 if first_heading else min(block.level, 4)
            first_heading = False
            styles.paragraph(clean(block.text), "Title" if style_level == 0 else f"Heading {style_level}")
        elif isinstance(block, Paragraph):
            _paragraph(styles, block)
        elif isinstance(block, Bullets):
            for item in block.items:
                styles.paragraph(clean(item), "List Bullet")
        elif isinstance(block, Table):
            _table(document, styles, block)
        elif isinstance(block, Chart):
            _chart(document, styles, block, renderer)
        elif isinstance(block, PageBreak):
            document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
