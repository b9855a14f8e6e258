"""The ways people write a date or a month, shared by the two steps that need them:
`recognise` (is this header cell a month? which one?) and `normalise` (this cell's date).

Everything here answers with a date or None; the messages that explain a None to an officer
are normalise's. UK order always: `04/05/2024` is 4 May, never 5 April.
"""
from __future__ import annotations

import datetime as dt
import re

EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST = dt.date(2000, 1, 1)  # an earlier date is a typing mistake in these extracts
_MONTHS = {m.lower(): n for n, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTHS.update({name.lower(): n for n, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)})
_MONTHS["sept"] = 9

ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
UK_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: .*)?$")
_WORDY_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([a-z]+)\.?[\s\-/,]+(\d{2}|\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-/']+(\d{2}|\d{4})$")
_NUMERIC_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")


def excel_serial(serial: float) -> dt.date | None:
    if 1 <= serial < 2958466:  # Excel's last date is 31/12/9999
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) <= 2 else year  # `Dec 24` is 2024; `Dec 0000` is year 0, not 2000


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def day_from_text(text: str) -> dt.date | None:
    """ISO, UK dd/mm/yyyy or `13 May 2024`; None when the text is none of them."""
    lowered = text.lower().strip()
    if match := ISO_DATE.match(lowered):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := UK_DATE.match(lowered):
        return _make_date(_year(match[3]), int(match[2]), int(match[1]))
    if match := _WORDY_DATE.match(lowered):
        month = _MONTHS.get(match[2])
        return _make_date(_year(match[3]), month, int(match[1])) if month else None
    return None


def cell_date(raw: object) -> dt.date | None:
    """A date, a datetime or an Excel serial number as a date; None for anything else."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return excel_serial(float(raw))
    return None


def month_named(text: str) -> dt.date | None:
    """`2024-05`, `05/2024`, `May-24`, `May 2024` -> the 1st of that month; None for anything else,
    a whole date or a serial number included (a period typed by a person names a month)."""
    text = text.strip().lower()
    if match := _ISO_MONTH.match(text):
        return _make_date(int(match[1]), int(match[2]), 1)
    if match := _NUMERIC_MONTH_YEAR.match(text):
        return _make_date(int(match[2]), int(match[1]), 1)
    if (match := _MONTH_YEAR.match(text)) and match[1] in _MONTHS:
        return _make_date(_year(match[2]), _MONTHS[match[1]], 1)
    return None


def month_from_text(text: str) -> dt.date | None:
    """A month as `month_named` reads it, a serial or a whole date -> that day (or the 1st)."""
    if month := month_named(text):
        return month
    text = text.strip().lower()
    if text.replace(".", "", 1).isdigit():
        return excel_serial(float(text))
    return day_from_text(text)


def month_of(raw: object) -> dt.date | None:
    """The month (its first day) a cell names, or None: not a month, or before EARLIEST."""
    value = cell_date(raw)
    if value is None and isinstance(raw, str):
        value = month_from_text(raw)
    if value is None or value < EARLIEST:
        return None
    return value.replace(day=1)


def looks_like_month(raw: object) -> bool:
    """For spotting the month columns of a wide scorecard header."""
    if isinstance(raw, (dt.date, dt.datetime)):
        return True
    if not isinstance(raw, str):
        return False
    text = raw.strip().lower()
    if _ISO_MONTH.match(text) or _NUMERIC_MONTH_YEAR.match(text):
        return True
    match = _MONTH_YEAR.match(text)
    if match and match[1] in _MONTHS:
        return True
    return bool(ISO_DATE.match(text) or UK_DATE.match(text))
