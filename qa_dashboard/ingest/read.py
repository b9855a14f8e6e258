"""Bytes -> raw sheets: refuse what is not a workbook we can read safely, then read cells.

A file is judged by its content, never its extension. Sizes are checked from the zip's
directory before anything is expanded, so a zip bomb is refused without being opened.
Cells are read with calamine (fast, takes the value Excel saved for a formula); what calamine
cannot tell us (a formula with no saved value, a cell formatted as a percentage) comes from a
scan of the sheet's XML, which only looks, never evaluates.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree import ElementTree

import python_calamine

from qa_dashboard.ingest.problems import Problem

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_EXPANDED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 250_000
MAX_COLUMNS = 250

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BUILTIN_PERCENT_FORMATS = {9, 10}


@dataclass
class RawSheet:
    """The cells of one sheet as read: `rows[i][j]` is Excel row `first_row + i`, column `first_col + j`."""

    name: str
    rows: list[list]
    first_row: int = 1
    first_col: int = 1
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (excel row, excel col)
    error_cells: set[tuple[int, int]] = field(default_factory=set)  # (excel row, excel col): #N/A and kin, read as ''
    from_csv: bool = False

    def excel_row(self, index: int) -> int:
        return self.first_row + index


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _file_problem(file_name: str, message: str) -> Problem:
    return Problem(sheet="", row=None, column="", value="", message=message, file=file_name)


def read_file(file_name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    """Return the sheets of one uploaded file, or the reasons it cannot be read."""
    if not data or not data.strip():
        return [], [_file_problem(file_name, "The file is empty. Export the extract again and upload the saved file.")]
    if len(data) > MAX_FILE_BYTES:
        return [], [_file_problem(file_name, f"The file is {len(data) / 1e6:.0f} MB, above the {MAX_FILE_BYTES // 2**20} MB limit. Split it by year or by sheet.")]
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            return [], [_file_problem(file_name, "The workbook is protected with a password, so it cannot be read. Remove the password in Excel (File > Info > Protect Workbook), save, and upload again.")]
        return [], [_file_problem(file_name, "This is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as an Excel Workbook (.xlsx), then upload that.")]
    if data.startswith(_ZIP):
        return _read_xlsx(file_name, data)
    if data.startswith(b"PK"):
        return [], [_file_problem(file_name, "The file looks like a damaged or empty zip, not a workbook. Save it again from Excel as .xlsx.")]
    if _looks_like_text(data):
        return _read_csv(file_name, data)
    return [], [_file_problem(file_name, "This is not an Excel workbook (.xlsx) or a CSV file, whatever its name says. Save the extract from Excel as .xlsx or .csv.")]


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8")):
        return False
    return True


# ----------------------------------------------------------------------------------- CSV --
def _read_csv(file_name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes almost anything; latin-1 decodes everything.
        text = data.decode("latin-1")
    # Only the delimiter is sniffed: quoting is Excel's (a doubled "" inside quotes is one "),
    # which the sniffer can get wrong when the first lines happen to hold no doubled quote.
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter))
    if len(rows) > MAX_ROWS:
        return [], [_file_problem(file_name, f"The file has {len(rows):,} rows, above the limit of {MAX_ROWS:,}. Split it by year.")]
    widest = max((len(r) for r in rows), default=0)
    if widest > MAX_COLUMNS:
        return [], [_file_problem(file_name, f"The file has {widest} columns, above the limit of {MAX_COLUMNS}.")]
    stem = PurePath(file_name).stem
    return [RawSheet(name=stem, rows=rows, from_csv=True)], []


# ---------------------------------------------------------------------------------- XLSX --
def _read_xlsx(file_name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        return [], [_file_problem(file_name, "The workbook is damaged (its zip structure cannot be read). Open it in Excel, save it again, and upload the new file.")]
    if "xl/workbook.bin" in members:
        return [], [_file_problem(file_name, "This is an Excel binary workbook (.xlsb). Save it as an Excel Workbook (.xlsx) and upload that.")]
    if "xl/workbook.xml" not in members:
        return [], [_file_problem(file_name, "This zip file is not an Excel workbook (it may be a Word or other Office file). Upload the .xlsx extract.")]
    content_types = _read_member(archive, "[Content_Types].xml") or b""
    if "xl/vbaProject.bin" in members or b"macroEnabled" in content_types:
        return [], [_file_problem(file_name, "This is a macro-enabled workbook (.xlsm). Macros are never run here: save a copy as an Excel Workbook (.xlsx) and upload that.")]
    expanded = sum(info.file_size for info in members.values())
    if expanded > MAX_EXPANDED_BYTES:
        return [], [_file_problem(file_name, f"The workbook would expand to {expanded / 1e6:,.0f} MB, above the {MAX_EXPANDED_BYTES // 2**20} MB limit, so it was not opened. Remove unused sheets or split it.")]
    try:
        sheet_paths = _sheet_xml_paths(archive)
        percent_styles = _percent_style_ids(archive)
    except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError, ValueError):
        return [], [_file_problem(file_name, "The workbook is damaged (its sheet list cannot be read). Open it in Excel, save it again, and upload the new file.")]

    problems: list[Problem] = []
    sheets: list[RawSheet] = []
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            xml_path = sheet_paths.get(name)
            xml = _read_member(archive, xml_path) if xml_path else None
            if xml is not None:
                size_problem = _dimension_problem(file_name, name, xml)
                if size_problem:
                    problems.append(size_problem)
                    continue
            sheet = book.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
                problems.append(Problem(sheet=name, row=None, column="", value="", file=file_name,
                    message=f"The sheet has {sheet.height:,} rows and {sheet.width} columns, above the limits of {MAX_ROWS:,} rows and {MAX_COLUMNS} columns. Delete unused rows or split the file."))
                continue
            rows = sheet.to_python()
            first_row, first_col = (sheet.start or (0, 0))
            raw = RawSheet(name=name, rows=rows, first_row=first_row + 1, first_col=first_col + 1)
            if xml is not None:
                problems.extend(_formula_problems(file_name, name, xml))
                if percent_styles:
                    raw.percent_cells = _percent_cells(xml, percent_styles)
                if b't="e"' in xml:
                    raw.error_cells = _error_cells(xml)
            sheets.append(raw)
    except (python_calamine.CalamineError, ValueError, OSError, zipfile.BadZipFile) as error:
        return [], [_file_problem(file_name, f"The workbook is damaged and cannot be read ({type(error).__name__}). Open it in Excel, save it again, and upload the new file.")]
    return sheets, problems


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None


def _sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in relations.iter(f"{_REL_NS}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    paths = {}
    for sheet in workbook.iter(f"{{{_NS['m']}}}sheet"):
        rel_id = sheet.get(f"{{{_NS['r']}}}id")
        if rel_id in targets:
            paths[sheet.get("name")] = targets[rel_id]
    return paths


def _percent_style_ids(archive: zipfile.ZipFile) -> frozenset[int]:
    """Indexes of cell styles whose number format shows a percentage."""
    styles_xml = _read_member(archive, "xl/styles.xml")
    if not styles_xml:
        return frozenset()
    styles = ElementTree.fromstring(styles_xml)
    m = f"{{{_NS['m']}}}"
    percent_formats = set(_BUILTIN_PERCENT_FORMATS)
    for fmt in styles.iter(f"{m}numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_formats.add(int(fmt.get("numFmtId", -1)))
    cell_xfs = styles.find(f"{m}cellXfs")
    if cell_xfs is None:
        return frozenset()
    return frozenset(
        index for index, xf in enumerate(cell_xfs.findall(f"{m}xf")) if int(xf.get("numFmtId", 0)) in percent_formats
    )


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _dimension_problem(file_name: str, sheet: str, xml: bytes) -> Problem | None:
    match = _DIMENSION.search(xml, 0, 4096)
    if not match or not match.group(3):
        return None
    rows = int(match.group(4))
    columns = column_number(match.group(3).decode())
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        return Problem(sheet=sheet, row=None, column="", value="", file=file_name,
            message=f"The sheet reaches row {rows:,} and column {match.group(3).decode()}, above the limits of {MAX_ROWS:,} rows and {MAX_COLUMNS} columns. Delete unused rows and columns or split the file.")
    return None


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")
# A saved value: a non-empty <v>, or an inline string. An empty <v/> or <v></v> is no value.
_HAS_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>[^<]|<(?:\w+:)?is[\s>]")


def _formula_problems(file_name: str, sheet: str, xml: bytes) -> list[Problem]:
    """A formula with no value saved beside it: Excel never calculated it, so there is nothing to read."""
    if b"<f" not in xml and b":f" not in xml:  # one fast scan; the exact check only when needed
        return []
    problems = []
    for match in _CELL.finditer(xml):
        body = match.group(2) or b""
        if _HAS_FORMULA.search(body) and not _HAS_VALUE.search(body):
            ref = _REF.search(match.group(1))
            column, row = (ref.group(1).decode(), int(ref.group(2))) if ref else ("", None)
            formula = re.search(rb"<(?:\w+:)?f[^>]*>(.*?)</", body, re.S)
            problems.append(Problem(sheet=sheet, row=row, column=column, file=file_name,
                value="=" + formula.group(1).decode("utf-8", "replace") if formula else "(formula)",
                message="This formula has no saved value (the file was written by a program that does not calculate). Open the file in Excel, let it calculate, save it, and upload again."))
    return problems


def _percent_cells(xml: bytes, percent_styles: frozenset[int]) -> set[tuple[int, int]]:
    wanted = b"|".join(str(s).encode() for s in sorted(percent_styles))
    if not re.search(rb'\bs="(?:' + wanted + rb')"', xml):
        return set()
    cells = set()
    for match in re.finditer(rb"<(?:\w+:)?c\b([^>]*)>", xml):
        attributes = match.group(1)
        style = _STYLE.search(attributes)
        if style and int(style.group(1)) in percent_styles:
            ref = _REF.search(attributes)
            if ref:
                cells.add((int(ref.group(2)), column_number(ref.group(1).decode())))
    return cells


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*\bt="e"[^>]*>')


def _error_cells(xml: bytes) -> set[tuple[int, int]]:
    """Cells holding an Excel error (#N/A, #REF!, ...): calamine reads them as blank."""
    cells = set()
    for match in _ERROR_CELL.finditer(xml):
        ref = _REF.search(match.group(0))
        if ref:
            cells.add((int(ref.group(2)), column_number(ref.group(1).decode())))
    return cells
