"""One cell of an Annex A list, read as the case systems write it.

Dates come as Excel dates, Excel serial numbers or UK `dd/mm/yyyy` text (never US `mm/dd`);
codes as `a) Yes`, `Yes`, `Y`, `q) 6: Police`, `f) U6: Foster placement`. Every reader returns a
value or raises `CellError` with a sentence saying what is wrong (never the cell's value: the
caller decides whether the column may be shown).
"""
from __future__ import annotations

import datetime as dt
import re

from qa_dashboard import plain_text
from qa_dashboard.contract import squash

_EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST = dt.date(1950, 1, 1)
_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
_LETTER_PREFIX = re.compile(r"^\s*[a-z]{1,2}\)\s*", re.I)
_CODE_PREFIX = re.compile(r"^\s*[A-Z0-9]{1,6}\s*:\s*", re.I)
_BLANK = {"", "-", "n/a", "na", "null", "none", "not applicable", "not recorded"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
ERROR_CELLS = {"#n/a", "#value!", "#ref!", "#div/0!", "#num!", "#name?", "#null!", "#spill!", "#calc!", "#getting_data"}


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in plain words, without the value."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _BLANK)


def is_error_cell(value) -> bool:
    return isinstance(value, str) and value.strip().lower() in ERROR_CELLS or type(value).__name__ == "CellError"


def read_date(value) -> dt.date | None:
    """A date, or None for a blank cell."""
    if is_blank(value):
        return None
    if is_error_cell(value):
        raise CellError("is an Excel error, not a date")
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466:
            raise CellError("is a number that is not an Excel date")
        value = _EXCEL_EPOCH + dt.timedelta(days=int(value))
    elif isinstance(value, str):
        value = _date_from_text(value.strip())
    elif not isinstance(value, dt.date):
        raise CellError("is not a date")
    if value < EARLIEST:
        raise CellError(f"is before {EARLIEST:%Y}, which cannot be right for this list")
    return value


def _date_from_text(text: str) -> dt.date:
    uk, iso = _UK_DATE.match(text), _ISO_DATE.match(text)
    if not uk and not iso:
        raise CellError("is not a date: write it as dd/mm/yyyy or store it as an Excel date")
    if uk:
        day, month, year = int(uk.group(1)), int(uk.group(2)), int(uk.group(3))
        year += 2000 if year < 100 else 0
    else:
        year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("is not a real date (day or month out of range; dates are read as dd/mm/yyyy)") from None


def code_text(value) -> str:
    """The label of a coded answer: `a) Yes` -> `yes`, `q) 6: Police` -> `police`."""
    text = _LETTER_PREFIX.sub("", str(value))
    text = _CODE_PREFIX.sub("", text)
    return squash(text)


def read_yes_no(value) -> bool | None:
    """True / False, or None when blank or not a yes/no answer (the caller counts unknowns)."""
    if is_blank(value) or is_error_cell(value):
        return None
    for text in (code_text(value), squash(value)):
        if text in _YES:
            return True
        if text in _NO:
            return False
    return None


def read_count(value) -> int | None:
    """A whole number of 0 or more, or None when blank; raises when it is not one."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            raise CellError("is not a whole number") from None
    if number < 0 or not number.is_integer():
        raise CellError("is not a whole number of 0 or more")
    return int(number)


def read_number(value) -> float | None:
    if is_blank(value) or isinstance(value, bool):
        return None
    try:
        return float(str(value).replace(",", "").strip()) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        return None


def read_text(value) -> str | None:
    if is_blank(value) or is_error_cell(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(plain_text.clean_name(str(value))[0].replace("\xa0", " ").split())  # no control character
    return text or None


def read_id(value) -> str | None:
    """A child's identifier as text (1234.0 and '1234' are the same child), or None when blank."""
    if type(value) is float and value.is_integer():  # the common cases first: this runs per row
        return str(int(value))
    if type(value) is str and value and not value[0].isspace() and not value[-1].isspace() \
            and value[0] not in "#-" and value.lower() not in _BLANK:
        return value
    return read_text(value)
