"""Turn the values people really type into one form each, or say why a value cannot be read.

Every parser takes one cell as read (str, float, int, bool, date or datetime) and returns
`(value, None)` or `(None, message)`. Missing cells (blank, `-`, `n/a`) become None, never 0.
Parsers are memoised per distinct cell value, because extracts repeat the same months, teams
and grades thousands of times.

`ingest.sheet.normalise_sheet` applies them to a whole recognised sheet.
"""
from __future__ import annotations

import datetime as dt
from functools import cache

from qa_dashboard import contract
from qa_dashboard.contract import squash
from qa_dashboard.ingest import dates

Parsed = tuple[object, str | None]


@cache
def _missing_text(text: str) -> bool:
    return squash(text) in contract.load().missing


def missing(raw: object) -> bool:
    """Blank, `-`, `n/a` and friends: a missing value, never zero."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return _missing_text(raw.strip())
    return isinstance(raw, float) and raw != raw


# ------------------------------------------------------------------------------- numbers --
def number(raw: object) -> Parsed:
    """`1,234` -> 1234.0; `83%` -> 83.0; a number stays a number."""
    if isinstance(raw, bool):
        return None, "is TRUE/FALSE, not a number"
    if isinstance(raw, (int, float)):
        return (float(raw), None) if raw == raw else (None, None)
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return None, "is a date, not a number: check the column holds the figure"
    text = str(raw).strip()
    if missing(text):
        return None, None
    cleaned = text.replace(",", "").replace("£", "").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.rstrip("%")
    try:
        return float(cleaned), None
    except ValueError:
        return None, "is not a number: give a figure such as 83, 83% or 1,234, or leave it blank if not known"


def count(raw: object) -> Parsed:
    value, problem = number(raw)
    if value is not None and value < 0:
        return None, "is negative: a count or FTE cannot be below zero"
    return value, problem


def integer(raw: object) -> Parsed:
    value, problem = count(raw)
    if value is not None and not float(value).is_integer():
        return None, "is not a whole number: give a count of children, audits or actions"
    return (int(value) if value is not None else None), problem


def has_percent_sign(raw: object) -> bool:
    return isinstance(raw, str) and raw.strip().endswith("%")


# --------------------------------------------------------------------------------- dates --
def date(raw: object) -> Parsed:
    """ISO, UK dd/mm/yyyy, `13 May 2024`, an Excel date or serial. Never US mm/dd."""
    if raw is None:
        return None, None
    value = dates.cell_date(raw)
    if value is None and isinstance(raw, str):
        text = raw.strip()
        if missing(text):
            return None, None
        if text.replace(".", "", 1).isdigit():
            value = dates.excel_serial(float(text))
        else:
            value = dates.day_from_text(text)
    if value is None:
        if isinstance(raw, str) and dates.UK_DATE.match(raw.strip().lower()):
            return None, "is not a real date as day/month/year (dates are read the UK way, dd/mm/yyyy, never mm/dd)"
        return None, "is not a date: write it as dd/mm/yyyy (e.g. 13/05/2024) or use an Excel date"
    if value < dates.EARLIEST:
        return None, f"is before {dates.EARLIEST:%Y}: check the date"
    return value, None


def month(raw: object) -> Parsed:
    """`2024-05`, `May-24`, `May 2024`, `01/05/2024`, an Excel date or serial -> 2024-05-01."""
    if raw is None or (isinstance(raw, str) and missing(raw.strip())):
        return None, None
    value = dates.month_of(raw)
    if value is not None:
        return value, None
    anything = dates.cell_date(raw) or (dates.month_from_text(raw) if isinstance(raw, str) else None)
    if anything is not None:  # a real month, but before EARLIEST
        return None, f"is before {dates.EARLIEST:%Y}: check the month"
    return None, "is not a month: write it as 2024-05, May-24, May 2024 or 01/05/2024"


# ------------------------------------------------------------------------ vocabularies --
@cache
def _grade_lookup() -> dict[str, str]:
    return {squash(s): g.label for g in contract.load().grades for s in (g.label, *g.spellings)}


def grade(raw: object) -> Parsed:
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))
    text = str(raw).strip() if raw is not None else ""
    if missing(text):
        return None, None
    key = squash(text)
    if key in _grade_lookup():
        return _grade_lookup()[key], None
    spec = contract.load()
    if key in spec.not_grades:
        return None, spec.not_grades[key]
    return None, "is not a grade: use Outstanding, Good, Requires improvement or Inadequate (or 1-4), or N/A when not judged"


def yesno(raw: object) -> Parsed:
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))
    text = str(raw).strip()
    if missing(text):
        return None, None
    spec = contract.load()
    key = squash(text)
    if key in spec.yes:
        return True, None
    if key in spec.no:
        return False, None
    return None, "is not yes or no"


def answer(raw: object) -> Parsed:
    """An answer keeps its words; its sentiment is positive, negative, neutral or excluded."""
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))
    text = str(raw).strip()
    if missing(text):
        return None, None
    sentiment = contract.load().answers.get(squash(text))
    if sentiment is None:
        return None, "is not an answer the dashboard can count: use Yes, No, Partly, Don't know, an agree scale (Strongly agree ... Strongly disagree) or 1-5"
    return text, None


@cache
def sentiment(answer_text: str | None) -> str | None:
    if answer_text is None:
        return None
    return contract.load().answers.get(squash(answer_text))


def _canonical(options: tuple[str, ...]):
    lookup = {squash(o): o for o in options}

    def parse(raw: object) -> Parsed:
        text = text_value(raw)
        if text is None:
            return None, None
        return lookup.get(squash(text), text), None

    return parse


def _one_of(options: tuple[str, ...], what: str, extra: dict[str, str] | None = None):
    lookup = {squash(o): o for o in options} | (extra or {})

    def parse(raw: object) -> Parsed:
        text = text_value(raw)
        if text is None:
            return None, None
        found = lookup.get(squash(text))
        if found is None:
            return None, f"is not a {what}: use one of {', '.join(options)}"
        return found, None

    return parse


def text_value(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float):
        if raw != raw:
            return None
        if raw.is_integer():
            return str(int(raw))
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.strftime("%d/%m/%Y")
    text = str(raw).strip()
    return text or None


def text(raw: object) -> Parsed:
    return text_value(raw), None


def polarity(raw: object) -> Parsed:
    value = text_value(raw)
    if value is None:
        return None, None
    found = contract.load().polarities.get(squash(value))
    if found is None:
        return None, "is not a direction: use higher, lower or neutral"
    return found, None


def indicators(raw: object) -> Parsed:
    """Catalogue codes or labels, several separated by `;` -> their codes, in the order written.
    A name the catalogue does not know is refused (a link to an indicator nobody loads is lost)."""
    text = text_value(raw)
    if text is None:
        return None, None
    lookup = contract.indicator_lookup()
    codes, unknown = [], []
    for name in (part.strip() for part in text.split(";")):
        if not name:
            continue
        found = lookup.get(squash(name))
        if found is None:
            unknown.append(name)
        elif found.code not in codes:
            codes.append(found.code)
    if unknown:
        advice = "use catalogue codes or labels (see the template's README sheet), several separated by ;"
        if unknown == [text]:
            return None, f"is not in the indicator catalogue: {advice}"
        named = ", ".join(f"'{name}'" for name in unknown)
        return None, f"names {named}, which the indicator catalogue does not know: {advice}"
    return codes or None, None


def _parsers() -> dict:
    spec = contract.load()
    rag_letters = {squash(r[0]): r for r in spec.rags}
    return {
        "text": text, "number": number, "count": count, "integer": integer, "month": month,
        "date": date, "grade": grade, "yesno": yesno, "answer": answer, "polarity": polarity,
        "respondent": _canonical(spec.respondents), "audit_type": _canonical(spec.audit_types),
        "source": _canonical(spec.sources),
        "status": _one_of(spec.statuses, "status"),
        "rag": _one_of(spec.rags, "RAG rating", rag_letters),
        "indicator": text,  # matched to the catalogue where the whole sheet is known
        "indicators": indicators,
    }


@cache
def parser(kind: str):
    return _parsers()[kind]


def parse_column(kind: str, values: list) -> tuple[list, dict[int, str]]:
    """Parse a column of cells; returns the values and {index: message} for the bad ones.

    Each distinct cell is parsed once, so a column of 50,000 repeated months costs a few
    hundred parses and one C-speed lookup per cell.
    """
    parse = parser(kind)
    distinct = set(values)
    if any(type(v) is bool for v in distinct):
        # True == 1.0 in a set: keep the types apart for the rare column that mixes them.
        results = [parse(v) for v in values]
        return [r[0] for r in results], {i: r[1] for i, r in enumerate(results) if r[1] is not None}
    parsed = {v: parse(v) for v in distinct}
    out = list(map({v: r[0] for v, r in parsed.items()}.__getitem__, values))
    bad_values = {v: r[1] for v, r in parsed.items() if r[1] is not None}
    bad = {i: bad_values[v] for i, v in enumerate(values) if v in bad_values} if bad_values else {}
    return out, bad


