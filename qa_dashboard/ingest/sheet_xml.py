"""What calamine does not tell us about a workbook, read from its XML in one linear pass.

Calamine gives the value Excel saved in each cell, but not: a formula with no saved value
(a file written by a program that does not calculate), an error cell (`#REF!`, which calamine
reads as a blank), a cell formatted as a percentage, or whether a sheet is hidden. Those come
from here. Every pass over the bytes is linear in their length: a byte search decides whether
a sheet needs looking at, and the look is one streaming pass of the expat XML parser, which
only reads (no entity from outside the file is fetched, nothing is evaluated). Element names
are matched by their local part, so a sheet written with namespace prefixes (`<x:c>`) reads as
one without.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_BUILTIN_PERCENT_FORMATS = {9, 10}
_SEPARATOR = "\x01"
# Cheap tests first: a formula element starts `<f` or `prefix:f`; an error cell has t="e" (or 'e').
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")
_DIMENSION = re.compile(rb'<(?:\w{1,20}:)?dimension ref="[A-Z]{0,3}\d{0,7}:([A-Z]{1,3})(\d{1,7})"')


class DamagedXml(ValueError):
    """A workbook part is not well-formed XML."""


@dataclass
class CellNote:
    row: int
    column: int
    text: str  # the formula for a formula without a value; the error code for an error cell


@dataclass
class SheetScan:
    formulas_without_value: list[CellNote] = field(default_factory=list)
    error_cells: list[CellNote] = field(default_factory=list)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)


def _local(name: str) -> str:
    return name.rsplit(_SEPARATOR, 1)[-1]


def _parse(xml: bytes, start=None, end=None, text=None) -> None:
    """Feed `xml` through expat with these handlers; refuses DTDs (no workbook part has one)."""
    parser = expat.ParserCreate(namespace_separator=_SEPARATOR)
    parser.buffer_text = True

    def no_doctype(*_):
        raise DamagedXml("a document type declaration inside a workbook part")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise DamagedXml(str(error)) from error


def _elements(xml: bytes, wanted: str) -> list[dict]:
    """The attributes (by local name) of every element named `wanted`, in document order."""
    found = []

    def start(name, attributes):
        if _local(name) == wanted:
            found.append({_local(k): v for k, v in attributes.items()})

    _parse(xml, start=start)
    return found


@dataclass(frozen=True)
class SheetEntry:
    name: str
    xml_path: str | None
    state: str  # visible, hidden or veryHidden


def workbook_sheets(archive: zipfile.ZipFile) -> list[SheetEntry]:
    """Each sheet's name, the path of its XML in the zip, and whether Excel shows it."""
    targets = {}
    for rel in _elements(archive.read("xl/_rels/workbook.xml.rels"), "Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    sheets = []
    for sheet in _elements(archive.read("xl/workbook.xml"), "sheet"):
        sheets.append(SheetEntry(sheet.get("name", ""), targets.get(sheet.get("id")), sheet.get("state", "visible")))
    return sheets


def percent_style_ids(styles_xml: bytes | None) -> frozenset[int]:
    """Indexes of cell styles whose number format shows a percentage."""
    if not styles_xml:
        return frozenset()
    percent_formats = set(_BUILTIN_PERCENT_FORMATS)
    cell_styles: list[int] = []
    depth_in_cell_xfs = [0]

    def start(name, attributes):
        local = _local(name)
        if local == "numFmt":
            code = re.sub(r'"[^"]*"|\\.', "", attributes.get("formatCode", ""))
            if "%" in code and attributes.get("numFmtId", "").isdigit():
                percent_formats.add(int(attributes["numFmtId"]))
        elif local == "cellXfs":
            depth_in_cell_xfs[0] += 1
        elif local == "xf" and depth_in_cell_xfs[0]:
            number_format = attributes.get("numFmtId", "0")
            cell_styles.append(int(number_format) if number_format.isdigit() else 0)

    def end(name):
        if _local(name) == "cellXfs":
            depth_in_cell_xfs[0] -= 1

    _parse(styles_xml, start=start, end=end)
    return frozenset(index for index, number_format in enumerate(cell_styles) if number_format in percent_formats)


def needs_scan(xml: bytes, percent_styles: frozenset[int]) -> bool:
    """Whether the sheet can hold anything `scan_sheet` looks for (each test one linear search)."""
    if b"<f" in xml or b":f" in xml or b'"e"' in xml or b"'e'" in xml:
        return True
    if percent_styles:
        return any(b's=' + quote + str(style).encode() + quote in xml for style in percent_styles for quote in (b'"', b"'"))
    return False


class _SheetReader:
    """expat handlers that follow rows and cells (a cell without `r` comes after the one before)."""

    def __init__(self, percent_styles: frozenset[int]) -> None:
        self.scan = SheetScan()
        self.percent_styles = percent_styles
        self.row = 0
        self.column = 0
        self.cell: dict | None = None
        self.reading: str | None = None  # "f" or "v" while inside one

    def start(self, name, attributes):
        local = _local(name)
        if local == "row":
            self.row = int(attributes["r"]) if attributes.get("r", "").isdigit() else self.row + 1
            self.column = 0
        elif local == "c":
            self._place(attributes.get("r", ""))
            self.cell = {"t": attributes.get("t", ""), "s": attributes.get("s", ""), "f": None, "v": "", "is": False}
        elif self.cell is not None and local in ("f", "v"):
            self.reading = local
            if local == "f" and self.cell["f"] is None:
                self.cell["f"] = ""
        elif self.cell is not None and local == "is":
            self.cell["is"] = True

    def _place(self, ref: str) -> None:
        match = _CELL_REF.match(ref)
        if match:
            letters, row = match.groups()
            self.column = 0
            for char in letters:
                self.column = self.column * 26 + ord(char) - 64
            self.row = int(row)
        else:
            self.column += 1

    def text(self, data):
        if self.cell is not None and self.reading:
            self.cell[self.reading] += data

    def end(self, name):
        local = _local(name)
        if local in ("f", "v"):
            self.reading = None
        elif local == "c" and self.cell is not None:
            self._finish(self.cell)
            self.cell = None

    def _finish(self, cell: dict) -> None:
        has_value = bool(cell["v"].strip()) or cell["is"]
        if cell["f"] is not None and not has_value:
            self.scan.formulas_without_value.append(CellNote(self.row, self.column, "=" + cell["f"] if cell["f"] else "(formula)"))
        if cell["t"] == "e":
            self.scan.error_cells.append(CellNote(self.row, self.column, cell["v"].strip() or "#ERROR"))
        if cell["s"].isdigit() and int(cell["s"]) in self.percent_styles:
            self.scan.percent_cells.add((self.row, self.column))


def scan_sheet(xml: bytes, percent_styles: frozenset[int]) -> SheetScan:
    """Formulas without a saved value, error cells and percentage cells, in one pass."""
    if not needs_scan(xml, percent_styles):
        return SheetScan()
    reader = _SheetReader(percent_styles)
    _parse(xml, start=reader.start, end=reader.end, text=reader.text)
    return reader.scan


def dimension(xml: bytes) -> tuple[int, int] | None:
    """The (rows, columns) the sheet says it reaches, from its opening bytes; None when it does not say."""
    match = _DIMENSION.search(xml, 0, 4096)
    if not match:
        return None
    columns = 0
    for char in match.group(1).decode():
        columns = columns * 26 + ord(char) - 64
    return int(match.group(2)), columns


def cell_tags_at_most(xml: bytes) -> int:
    """An upper bound on the number of cells in a sheet's XML, from two byte counts."""
    return xml.count(b"<c") + xml.count(b":c")
