"""Bytes -> raw sheets: refuse what is not a workbook we can read safely, then read cells.

A file is judged by its content, never its extension. Sizes are checked from the zip's
directory before anything is expanded, so a zip bomb is refused without being opened, and a
sheet's cells are counted from its XML before calamine builds them. Cells are read with
calamine (fast, takes the value Excel saved for a formula); what calamine cannot tell us (a
formula with no saved value, an error cell, a cell formatted as a percentage, a hidden sheet)
comes from `sheet_xml`, which reads the XML in one linear pass and never evaluates.

The row, column and cell caps live in this module's reading functions (`size_problem`,
`read_text`), so every reader, the DfE one included, refuses the same files.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import python_calamine

from qa_dashboard.ingest import sheet_xml
from qa_dashboard.ingest.problems import Problem

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_EXPANDED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 250_000
MAX_COLUMNS = 250
MAX_CELLS = 2_000_000          # per sheet: about twice the largest authority's biggest sheet
MAX_FIELD_CHARACTERS = 131_072  # one CSV cell; Python's own csv limit, kept on purpose
LIMIT_NAMES = ("MAX_FILE_BYTES", "MAX_EXPANDED_BYTES", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS", "MAX_FIELD_CHARACTERS")

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_BINARY_STARTS = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8")
_STATE_WORDS = {"hidden": "hidden", "veryHidden": "very hidden (it can only be shown with a macro)"}


@dataclass
class RawSheet:
    """The cells of one sheet as read: `rows[i][j]` is Excel row `first_row + i`, column `first_col + j`."""

    name: str
    rows: list[list]
    first_row: int = 1
    first_col: int = 1
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (excel row, excel col)
    from_csv: bool = False
    state: str = "visible"                                  # or hidden, veryHidden
    error_cells: list = field(default_factory=list)          # sheet_xml.CellNote, Excel row and column
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col

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


def size_problem(file_name: str, sheet: str, rows: int, columns: int) -> Problem | None:
    """The row, column and cell caps every reader applies, as one sentence (None within them)."""
    if rows > MAX_ROWS:
        message = f"The sheet has {rows:,} rows, above the limit of {MAX_ROWS:,}. Split it by year or delete unused rows."
    elif columns > MAX_COLUMNS:
        message = f"The sheet has {columns:,} columns, above the limit of {MAX_COLUMNS}. Delete unused columns or split it."
    elif rows * columns > MAX_CELLS:
        message = (f"The sheet spans {rows:,} rows by {columns:,} columns, above the limit of {MAX_CELLS:,} cells. "
                   "Delete unused rows and columns or split it.")
    else:
        return None
    return Problem(sheet=sheet, row=None, column="", value="", message=message, file=file_name)


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
    text, problem = read_text(file_name, data)
    if problem:
        return [], [problem]
    if text is None:
        return [], [_file_problem(file_name, "This is not an Excel workbook (.xlsx) or a CSV file, whatever its name says. Save the extract from Excel as .xlsx or .csv.")]
    return _read_csv(file_name, text)


# ---------------------------------------------------------------------------------- text --
def utf16_codec(data: bytes) -> str | None:
    """Excel's "Unicode text" is UTF-16 with a byte-order mark; without one, every other byte is 0."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:2000]
    if len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def read_text(file_name: str, data: bytes) -> tuple[str | None, Problem | None]:
    """A text file's characters (UTF-8, UTF-16 or Windows-1252); (None, None) when it is not text.

    A NUL character refuses the file wherever it is, naming its row: it is never text a person
    typed, and it would otherwise end up inside a comment."""
    codec = utf16_codec(data)
    if codec:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            return None, _file_problem(file_name, "The file looks like UTF-16 text (Excel's \"Unicode text\") but cannot be decoded. Save it from Excel as \"CSV UTF-8\" and upload that.")
    else:
        head = data[:65536]
        if head.startswith(_BINARY_STARTS) or head.count(0) > len(head) // 100:
            return None, None
        text = _decode_8bit(data)
    nul = text.find("\x00")
    if nul >= 0:
        row = text.count("\n", 0, nul) + 1
        return None, Problem(sheet=PurePath(file_name).stem, row=row, column="", value="", file=file_name,
                             message=f"Row {row} holds a NUL character (an invisible zero byte), which is never part of an extract. Export the file again from its source system.")
    return text.lstrip("\ufeff"), None


def _decode_8bit(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # cp1252 leaves five bytes undefined; latin-1 decodes everything


# ----------------------------------------------------------------------------------- CSV --
def _read_csv(file_name: str, text: str) -> tuple[list[RawSheet], list[Problem]]:
    # Only the delimiter is sniffed: quoting is Excel's (a doubled "" inside quotes is one "),
    # which the sniffer can get wrong when the first lines happen to hold no doubled quote.
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    stem = PurePath(file_name).stem
    rows, problem = csv_rows(file_name, stem, text, delimiter)
    if problem:
        return [], [problem]
    return [RawSheet(name=stem, rows=rows, from_csv=True)], []


def csv_rows(file_name: str, sheet: str, text: str, delimiter: str = ",") -> tuple[list[list[str]], Problem | None]:
    """Every row of a CSV, read one at a time so the caps hold before the rows are all in memory."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    previous_limit = csv.field_size_limit(MAX_FIELD_CHARACTERS)
    try:
        for row in reader:
            if len(rows) == MAX_ROWS:  # stop reading: the rest need not be held to be refused
                return [], Problem(sheet=sheet, row=None, column="", value="", file=file_name,
                                   message=f"The file has more than {MAX_ROWS:,} rows, above the limit. Split it by year.")
            too_wide = size_problem(file_name, sheet, 0, len(row))
            if too_wide:
                return [], too_wide
            rows.append(row)
    except csv.Error as error:
        row_number = len(rows) + 1
        if "field larger than field limit" in str(error):
            message = (f"Row {row_number} has a cell longer than {MAX_FIELD_CHARACTERS:,} characters, above the limit for one cell. "
                       "Shorten it, or check that a quote mark opened in that row is closed.")
        else:
            message = f"Row {row_number} cannot be read as CSV ({error}). Save the file from Excel as CSV again."
        return [], Problem(sheet=sheet, row=row_number, column="", value="", message=message, file=file_name)
    finally:
        csv.field_size_limit(previous_limit)
    widest = max((len(r) for r in rows), default=0)
    return rows, size_problem(file_name, sheet, len(rows), widest)


# ---------------------------------------------------------------------------------- XLSX --
def _damaged(file_name: str, what: str) -> tuple[list, list[Problem]]:
    return [], [_file_problem(file_name, f"The workbook is damaged ({what}). Open it in Excel, save it again, and upload the new file.")]


def _read_xlsx(file_name: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        return _damaged(file_name, "its zip structure cannot be read")
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
        entries = sheet_xml.workbook_sheets(archive)
        percent_styles = sheet_xml.percent_style_ids(_read_member(archive, "xl/styles.xml"))
    except (sheet_xml.DamagedXml, KeyError, zipfile.BadZipFile, OSError, ValueError):
        return _damaged(file_name, "its sheet list cannot be read")
    problems: list[Problem] = []
    sheets: list[RawSheet] = []
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        by_name = {entry.name: entry for entry in entries}
        for name in book.sheet_names:
            entry = by_name.get(name) or sheet_xml.SheetEntry(name, None, "visible")
            raw, sheet_problems = _read_sheet(file_name, archive, book, entry, percent_styles)
            problems.extend(sheet_problems)
            if raw is not None:
                sheets.append(raw)
    except sheet_xml.DamagedXml:
        return _damaged(file_name, "a sheet's XML is not well formed")
    except (python_calamine.CalamineError, ValueError, OSError, zipfile.BadZipFile) as error:
        return _damaged(file_name, f"it cannot be read: {type(error).__name__}")
    return sheets, problems


def _read_sheet(file_name, archive, book, entry, percent_styles) -> tuple[RawSheet | None, list[Problem]]:
    """One sheet: its size checked from the XML before calamine builds its cells, then read."""
    xml = _read_member(archive, entry.xml_path) if entry.xml_path else None
    if xml is not None:
        cells = sheet_xml.cell_tags_at_most(xml) if len(xml) > 16 * MAX_CELLS else 0
        if cells > MAX_CELLS:
            return None, [Problem(sheet=entry.name, row=None, column="", value="", file=file_name,
                message=f"The sheet holds about {cells:,} cells, above the limit of {MAX_CELLS:,}. Delete unused rows and columns or split the file.")]
        dimension = sheet_xml.dimension(xml)
        too_big = dimension and size_problem(file_name, entry.name, *dimension)
        if too_big:
            return None, [too_big]
    sheet = book.get_sheet_by_name(entry.name)
    too_big = size_problem(file_name, entry.name, sheet.height, sheet.width)
    if too_big:
        return None, [too_big]
    first_row, first_col = (sheet.start or (0, 0))
    raw = RawSheet(name=entry.name, rows=sheet.to_python(), first_row=first_row + 1, first_col=first_col + 1,
                   state=entry.state,
                   merged=[(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])])
    problems = []
    if xml is not None:
        scan = sheet_xml.scan_sheet(xml, percent_styles)
        raw.percent_cells = scan.percent_cells
        raw.error_cells = scan.error_cells
        problems = [Problem(sheet=entry.name, row=note.row, column=column_letter(note.column), file=file_name,
                            value=note.text,
                            message="This formula has no saved value (the file was written by a program that does not calculate). Open the file in Excel, let it calculate, save it, and upload again.")
                    for note in scan.formulas_without_value]
    return raw, problems


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None


# ------------------------------------------------------ what only shows once the header is known --
def layout_problems(file_name: str, raw: RawSheet, header_row: int) -> list[Problem]:
    """A recognised sheet's hidden state, merged cells and error cells, given its header's Excel row.

    A hidden sheet is refused rather than loaded with a warning: what is hidden is usually old or
    working data that nobody checked on screen, and figures for the board must be ones an officer
    has seen. Merged cells from the header down are refused because only the first cell of a
    merge keeps a value: the rest would be read as blanks. Error cells are refused because
    calamine reads them as blanks, and a blank is not what Excel shows."""
    problems = []
    if raw.state in _STATE_WORDS:
        problems.append(Problem(sheet=raw.name, row=None, column="", value="", file=file_name, message=(
            f"The sheet '{raw.name}' is {_STATE_WORDS[raw.state]} in Excel, so its figures cannot be checked on screen before they "
            "are loaded. Unhide it (right-click a sheet tab > Unhide) and check it, or delete it, then upload again.")))
    for first_row, first_col, last_row, last_col in raw.merged:
        if last_row < header_row or (first_row, first_col) == (last_row, last_col):
            continue
        span = f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"
        where = "header" if first_row <= header_row else "data"
        problems.append(Problem(sheet=raw.name, row=first_row, column=column_letter(first_col), value=span, file=file_name,
            message=f"The {where} cells {span} are merged, so only the first keeps its value and the figures under the others would be lost. "
                    "Unmerge them (Home > Merge & Center) and give each column its own heading and value."))
    for note in raw.error_cells:
        if note.row > header_row:
            problems.append(Problem(sheet=raw.name, row=note.row, column=column_letter(note.column), value=note.text, file=file_name,
                message=f"This cell shows Excel's error {note.text} instead of a value. Correct the formula or type the figure, save, and upload again."))
    return problems
