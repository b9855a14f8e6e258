"""The pack as a PDF, typeset by Typst (the `typst` package: a compiler in one wheel, no
LibreOffice, no browser). Chosen by measurement over fpdf2 (README, "Board pack"): it writes
tagged PDF (headings, tables, figures with their alternative text), embeds its fonts, and lays
out tables that break across pages with their header repeated.

The model goes to Typst as JSON data that the template (`pack.typ`) reads: every text is a
string value, never Typst markup, so a comment holding `*bold*`, `#set` or `<script>` is
printed exactly as written. Charts go in as SVG, so they stay sharp at any zoom."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import typst

from qa_dashboard.pack.docx_writer import RAG_FILLS, clean
from qa_dashboard.pack.images import Renderer
from qa_dashboard.pack.model import (Bullets, Chart, Document, Heading, PageBreak, Paragraph, Table, breakable,
                                     chart_size_mm, column_widths)

TEMPLATE = Path(__file__).with_name("pack.typ")


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")


def _svg_size(image: bytes) -> tuple[float, float]:
    """The drawing's width and height in pixels, from its root element's width and height (or
    its viewBox), in whatever order vl-convert writes them."""
    root = _SVG_ROOT.search(image[:4000])
    tag = root.group(0) if root else b""
    found = {name: re.search(rb"\s" + name + rb'="([0-9.]+)"', tag) for name in (b"width", b"height")}
    if all(found.values()):
        return float(found[b"width"].group(1)), float(found[b"height"].group(1))
    box = re.search(rb'viewBox="[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)"', tag)
    if box is None:
        raise ValueError("A chart's SVG gives neither its size nor a viewBox.")
    return float(box.group(1)), float(box.group(2))


def _block(block, folder: Path, renderer: Renderer, number: int) -> dict:
    if isinstance(block, Heading):
        return {"kind": "heading", "level": block.level, "text": clean(block.text)}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "style": block.kind, "text": clean(block.text)}
    if isinstance(block, Bullets):
        return {"kind": "bullets", "items": [clean(item) for item in block.items]}
    if isinstance(block, Table):
        fills = [["#" + RAG_FILLS[v.lower()] if i == block.rag_column and v.lower() in RAG_FILLS else None
                  for i, v in enumerate(row)] for row in block.rows]
        return {"kind": "table", "caption": clean(block.caption), "columns": [breakable(clean(c)) for c in block.columns],
                "rows": [[breakable(clean(v)) for v in row] for row in block.rows], "fills": fills,
                "widths": column_widths(block.columns, block.rows)}
    if isinstance(block, Chart):
        name = f"chart-{number}.svg"
        image = renderer.draw(block.spec, "svg")
        (folder / name).write_bytes(image)
        width, height = chart_size_mm(*_svg_size(image))
        return {"kind": "chart", "path": name, "alt": clean(block.alt), "caption": clean(block.caption),
                "width_mm": round(width, 1)}
    if isinstance(block, PageBreak):
        return {"kind": "pagebreak"}
    raise TypeError(f"The pack has no way to print {type(block).__name__}")


def write_pdf(doc: Document, renderer: Renderer | None = None) -> bytes:
    renderer = renderer or Renderer()
    renderer.draw_all([chart.spec for chart in doc.charts()], "svg")
    with tempfile.TemporaryDirectory(prefix="qa-pack-") as scratch:
        folder = Path(scratch)
        data = {"title": clean(doc.title), "period": clean(doc.period_label), "scope": clean(doc.scope_label),
                "footer": clean(f"{doc.title}, {doc.period_label}" + (" (demo data)" if doc.demo else "")),
                "blocks": [_block(block, folder, renderer, n) for n, block in enumerate(doc.blocks)]}
        (folder / "pack.json").write_text(json.dumps(data), encoding="utf-8")
        (folder / "pack.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        return typst.compile(str(folder / "pack.typ"), root=str(folder), pdf_tags=True)
