"""The board pack as a document model: an ordered list of blocks that the .docx and .pdf
writers both render, so the two files say the same thing.

Every text is plain: writers put it in as text, never as markup. Cells are strings already
worded (a missing figure is "–", never 0)."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

MISSING = "–"
SMALL_N = 5
SUPPRESSED = "fewer than 5"


@dataclass(frozen=True)
class Heading:
    level: int          # 1: a section, 2: a part of it
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "body"  # body, note (how to read), quote (people's or officers' own words), byline


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str
    rag_column: int | None = None   # a column whose cells are RAG words, shaded as well as written


@dataclass(frozen=True)
class Chart:
    spec: dict          # the Vega-Lite spec the page draws
    alt: str            # what the chart shows and its latest figure, for screen readers
    caption: str


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass
class Document:
    title: str
    authority: str
    period_label: str
    scope_label: str
    made_on: dt.date
    demo: bool
    publish: bool
    blocks: list = field(default_factory=list)

    def outline(self) -> list[tuple[int, str]]:
        return [(b.level, b.text) for b in self.blocks if isinstance(b, Heading)]

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]


# --------------------------------------------------------------------------- cell wording --
def cell(value) -> str:
    """A table cell in words: missing is a dash (never 0), dates as months, numbers with commas."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        day = value.date() if isinstance(value, (pd.Timestamp, dt.datetime)) else value
        return f"{day:%B %Y}" if day.day == 1 else f"{day:%d %B %Y}"
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value, "dtype").kind in "iu"):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    text = str(value)
    return text if text.strip() else MISSING


_SHARE_WITH_N = re.compile(r"(\d+(?:\.\d+)?)% \(n = ([\d,]+)\)")
_COUNT_OF_N = re.compile(r"\b([\d,]+) of ([\d,]+)\b")
_BARE_N = re.compile(r"\(n = ([\d,]+)\)")


def _small(number: str) -> bool:
    value = int(number.replace(",", ""))
    return 0 < value < SMALL_N


def suppress_text(text: str) -> str:
    """For a paper that goes on a public website: a count under 5, and a share built on one,
    becomes "fewer than 5"."""
    text = _SHARE_WITH_N.sub(lambda m: f"suppressed (n {SUPPRESSED})" if _small(m.group(2)) else m.group(0), text)
    text = _BARE_N.sub(lambda m: f"(n {SUPPRESSED})" if _small(m.group(1)) else m.group(0), text)
    return _COUNT_OF_N.sub(lambda m: f"{SUPPRESSED} of {m.group(2)}" if _small(m.group(1)) and not _small(m.group(2))
                           else (f"suppressed (n {SUPPRESSED})" if _small(m.group(2)) else m.group(0)), text)


def table_from(frame: pd.DataFrame, caption: str, publish: bool, rag_column: str | None = None) -> Table:
    """A page's table as a pack table. With `publish`, whole-number cells of 1 to 4 (counts)
    and the shares built on them are suppressed."""
    rows = []
    for record in frame.itertuples(index=False):
        worded = []
        for value in record:
            text = cell(value)
            if publish:
                is_count = not isinstance(value, bool) and (
                    isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"))
                text = SUPPRESSED if is_count and 0 < float(value) < SMALL_N else suppress_text(text)
            worded.append(text)
        rows.append(tuple(worded))
    columns = tuple(str(c) for c in frame.columns)
    return Table(columns, tuple(rows), caption,
                 columns.index(rag_column) if rag_column in columns else None)


def words(text: str, publish: bool) -> str:
    return suppress_text(text) if publish else text


# A table's columns share the page's width by their words: a column of sentences gets room, a
# column of numbers no more than its heading needs. A word longer than LONGEST_WORD characters
# (a link, a file name) counts as that long and is broken across lines instead, so one long link
# cannot squeeze every other column to a letter a line.
LONGEST_WORD = 20
_CELL_PADDING = 2       # characters' worth of room for a cell's inner margins


def column_widths(columns, rows) -> list[int]:
    """Each column's share of the table's width (the same in the .docx and the PDF)."""
    widths = []
    for index, heading in enumerate(columns):
        cells = [str(row[index]) for row in rows] or [""]
        longest_word = max(len(word) for text in [str(heading), *cells] for word in (text.split() or [""]))
        typical = sorted(len(text) for text in cells)[len(cells) // 2]
        widths.append(max(min(longest_word, LONGEST_WORD), min(typical, 60) // 2, 4) + _CELL_PADDING)
    return widths


_LONG_WORD = re.compile(r"\S{%d,}" % (LONGEST_WORD + 1))


def breakable(text: str) -> str:
    """Text with a zero-width space after every LONGEST_WORD characters of a longer word, where a
    line may break: the PDF's typesetter breaks words only where their letters allow it."""
    return _LONG_WORD.sub(lambda m: "\u200b".join(m.group(0)[i:i + LONGEST_WORD]
                                                  for i in range(0, len(m.group(0)), LONGEST_WORD)), text)


# A printed page holds a chart of about 900 pixels high at the page's width (165 mm for 620
# pixels), of which title, axis, legend and padding take about 150. A bar chart sized by a step
# per row (a bar per team) beyond that is printed in parts, each a page at most.
PRINTABLE_PLOT_PX = 700
CHART_WIDTH_MM = 165        # the width of an A4 page inside 20 mm margins, less a little
CHART_MAX_HEIGHT_MM = 225   # the height left on a page for a chart and its caption


def chart_size_mm(width_px: float, height_px: float) -> tuple[float, float]:
    """A chart's printed (width, height): the page's width, or less when it would be taller
    than a page, so no chart is ever cut off at the page's foot."""
    height = CHART_WIDTH_MM * height_px / width_px
    if height <= CHART_MAX_HEIGHT_MM:
        return CHART_WIDTH_MM, height
    return CHART_WIDTH_MM * CHART_MAX_HEIGHT_MM / height, CHART_MAX_HEIGHT_MM


def _data_rows(spec: dict) -> list[dict]:
    """Every data row the spec holds (named datasets, inline values at the top or in a layer)."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    for holder in [spec, *spec.get("layer", [])]:
        data = holder.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            rows += data["values"]
    return [row for row in rows if isinstance(row, dict)]


def _fixed_x(spec: dict) -> bool:
    """Whether the parts would share the whole chart's x scale: one explicit domain, shared."""
    if (spec.get("resolve") or {}).get("scale", {}).get("x") == "independent":
        return False
    return any(isinstance(((layer.get("encoding") or {}).get("x") or {}).get("scale", {}).get("domain"), list)
               for layer in spec.get("layer", []))


def _rows_field(spec: dict) -> tuple[str, list, int] | None:
    """(field, its values in order, pixels per value) of a spec whose height grows with a nominal
    y; None when the chart cannot be cut into parts on the same scale (it is shrunk to the page)."""
    height = spec.get("height")
    if not isinstance(height, dict) or not isinstance(height.get("step"), (int, float)) or "layer" not in spec \
            or not _fixed_x(spec):
        return None
    for layer in spec["layer"]:
        encoding = layer.get("encoding", {})
        y = encoding.get("y", {})
        if y.get("type") == "nominal" and isinstance(y.get("sort"), list) and y.get("field"):
            per_value = 1
            if "yOffset" in encoding:  # sub-bars within each row: the step is per sub-bar
                offset = encoding["yOffset"]
                per_value = len(offset["sort"]) if isinstance(offset.get("sort"), list) else 2
            # The values in the chart's order, each once: those the data holds, then any the
            # sort list leaves out (Vega-Lite draws them after the rest), none the data lacks.
            present = dict.fromkeys(row[y["field"]] for row in _data_rows(spec) if y["field"] in row)
            order = list(dict.fromkeys([*(value for value in y["sort"] if value in present), *present]))
            return y["field"], order, height["step"] * per_value
    return None


def _part(spec: dict, field: str, values: list, part: int, parts: int) -> dict:
    chosen = set(values)

    def kept(rows: list) -> list:  # the part's rows; rows without the field (a reference line) stay
        return [row for row in rows if not isinstance(row, dict) or field not in row or row[field] in chosen]

    def data_of(holder: dict) -> dict:
        data = holder.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            return {**holder, "data": {**data, "values": kept(data["values"])}}
        return holder

    piece = data_of({key: value for key, value in spec.items() if key not in ("layer", "datasets", "title")})
    piece["layer"] = []
    for layer in spec["layer"]:
        layer = data_of({**layer, "encoding": dict(layer.get("encoding", {}))})
        y = layer["encoding"].get("y")
        if isinstance(y, dict) and y.get("field") == field:
            layer["encoding"]["y"] = {**y, "sort": list(values)}
        piece["layer"].append(layer)
    if "datasets" in spec:
        piece["datasets"] = {name: kept(rows) for name, rows in spec["datasets"].items()}
    title = spec.get("title")
    suffix = f" (part {part} of {parts})"
    if isinstance(title, str):
        piece["title"] = title + suffix
    elif isinstance(title, dict) and isinstance(title.get("text"), str):
        piece["title"] = {**title, "text": title["text"] + suffix}
    elif isinstance(title, dict) and isinstance(title.get("text"), list) and title["text"]:
        piece["title"] = {**title, "text": [*title["text"][:-1], str(title["text"][-1]) + suffix]}
    elif title is not None:
        piece["title"] = title
    return piece


def printable_parts(chart: Chart) -> list[Chart]:
    """The chart as it prints: itself, or, when its rows would run off the page, parts of about
    equal length, each the same spec (scales, colours, words) over a run of its rows, in order,
    saying which part it is and which rows it holds."""
    found = _rows_field(chart.spec)
    if found is None:
        return [chart]
    field, order, pixels = found
    per_page = max(1, int(PRINTABLE_PLOT_PX // pixels))
    if len(order) <= per_page:
        return [chart]
    parts = math.ceil(len(order) / per_page)
    size = math.ceil(len(order) / parts)
    runs = [order[start:start + size] for start in range(0, len(order), size)]
    return [Chart(_part(chart.spec, field, run, number, len(runs)),
                  f"Part {number} of {len(runs)} of the chart, {run[0]} to {run[-1]}. {chart.alt}",
                  f"{chart.caption} (part {number} of {len(runs)})")
            for number, run in enumerate(runs, 1)]
