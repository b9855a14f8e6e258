"""How the board pack's PDF route was chosen: the same content written by Typst (the `typst`
package) and by fpdf2, both pip-installable with no LibreOffice or browser. Content: 40
headings with paragraphs, 8 tables of 40 rows with a header row, 10 chart images (PNG) with
alternative text. Reported: time, size, whether the PDF is tagged, whether every font is
embedded (poppler's pdfinfo and pdffonts).

    python bench/pdf_writers.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import vl_convert as vlc

FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"
TEXT = "Re-referrals within 12 months fell from 22.3% to 21.7% (764 of 3,526), meeting the 22.0% target. " * 3
ROWS = [[f"Team {r}", f"{r * 1.7:.1f}", f"{r % 9} of 12", "Green" if r % 3 else "Red", "17.0", "–"] for r in range(40)]
COLUMNS = ["Team", "Caseload", "Audits good", "RAG", "Target", "Comparator"]


def chart_png() -> bytes:
    spec = {"width": 600, "height": 260, "data": {"values": [{"m": i, "v": 20 + (i * 7) % 5} for i in range(24)]},
            "mark": "line", "encoding": {"x": {"field": "m", "type": "quantitative"},
                                         "y": {"field": "v", "type": "quantitative"}}}
    return vlc.vegalite_to_png(spec, scale=2)


def with_typst(folder: Path, png: bytes) -> bytes:
    import typst

    (folder / "chart.png").write_bytes(png)
    (folder / "data.json").write_text(json.dumps({"text": TEXT, "rows": ROWS, "columns": COLUMNS}))
    parts = ['#let d = json("data.json")', '#set page(paper: "a4", footer: context counter(page).display())',
             '#set text(font: "Liberation Sans", size: 10pt)']
    for n in range(40):
        parts += [f"= Heading {n}", "#d.text"]
        if n % 5 == 0:
            parts.append("#table(columns: 6, table.header(repeat: true, ..d.columns), ..d.rows.flatten())")
        if n % 4 == 0:
            parts.append('#image("chart.png", width: 100%, alt: "A line chart; latest figure 21.7%")')
    (folder / "doc.typ").write_text("\n".join(parts))
    return typst.compile(str(folder / "doc.typ"), root=str(folder))


def with_fpdf2(folder: Path, png: bytes) -> bytes:
    from fpdf import FPDF

    (folder / "chart.png").write_bytes(png)
    pdf = FPDF(format="A4")
    pdf.add_font("Liberation", "", FONT)
    pdf.add_font("Liberation", "B", FONT_BOLD)
    pdf.set_font("Liberation", size=10)
    pdf.add_page()
    for n in range(40):
        pdf.start_section(f"Heading {n}")
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, 5, TEXT, new_x="LMARGIN", new_y="NEXT")
        if n % 5 == 0:
            with pdf.table(repeat_headings=1) as table:
                for row in [COLUMNS, *ROWS]:
                    table.row(row)
        if n % 4 == 0:
            pdf.image(str(folder / "chart.png"), w=170, alt_text="A line chart; latest figure 21.7%")
    return bytes(pdf.output())


def describe(path: Path) -> tuple[str, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    tagged = "yes" if "Tagged:          yes" in info else "no"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    embedded = "yes" if fonts and all(line.split()[-5] == "yes" for line in fonts) else "no"
    return tagged, embedded


def main() -> int:
    png = chart_png()
    print("| writer | time | size | tagged | fonts embedded |\n|---|---|---|---|---|")
    for name, write in (("typst", with_typst), ("fpdf2", with_fpdf2)):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            started = time.perf_counter()
            data = write(folder, png)
            seconds = time.perf_counter() - started
            (folder / "out.pdf").write_bytes(data)
            tagged, embedded = describe(folder / "out.pdf")
            print(f"| {name} | {seconds:.2f} s | {len(data) / 1e3:.0f} kB | {tagged} | {embedded} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
