"""Vega-Lite specs drawn for print with vl-convert (no browser, no network): PNG at twice screen
resolution for Word, SVG (vectors) for the PDF.

The board pack (`pack/images.py`) draws here, and also runs this module as helper processes,
`python -m qa_dashboard.chart_printer png|svg`, one per further core: vl-convert draws one chart
at a time per process (its JavaScript engine is single-threaded). A helper warms its engine up
as soon as it starts, then reads one JSON list of specs on stdin and writes one JSON list of
[base64 image, seconds] on stdout. It imports nothing but vl-convert, so it starts in a moment."""
from __future__ import annotations

import base64
import json
import sys
import time

import vl_convert as vlc

PRINT_WIDTH = 620       # pixels of the chart's plotting width; a Word page is about 16 cm wide
PNG_SCALE = 2           # 2 x 96 dpi: sharp when printed at the page's width
KINDS = ("png", "svg")
_COMPOUND = ("facet", "hconcat", "vconcat", "concat", "repeat")
_WARM_UP = {"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}


def printable(spec: dict) -> dict:
    """The spec with a fixed width (the page's charts stretch to their container, which a
    printed page does not have) and a white background."""
    # A JSON round trip: frames can leave dates and timestamps in the data, which Vega reads as ISO text.
    spec = json.loads(json.dumps(spec, default=_iso))
    if not any(key in spec for key in _COMPOUND) and not isinstance(spec.get("width"), (int, float)):
        spec["width"] = PRINT_WIDTH
    spec.setdefault("background", "white")
    spec.setdefault("padding", 8)
    return spec


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def draw(spec: dict, kind: str) -> bytes:
    ready = printable(spec)
    if kind == "png":
        return vlc.vegalite_to_png(ready, scale=PNG_SCALE)
    return vlc.vegalite_to_svg(ready).encode("utf-8")


def png_from_svg(svg: bytes) -> bytes:
    """The PNG `draw(spec, "png")` gives, from that spec's SVG (byte for byte the same: vl-convert
    draws a PNG by rasterising its SVG), for about a third of the time."""
    return vlc.svg_to_png(svg.decode("utf-8"), scale=PNG_SCALE)


def _helper(kind: str) -> int:
    vlc.vegalite_to_svg(_WARM_UP)  # the engine's start-up, paid while the parent builds the document
    specs = json.loads(sys.stdin.buffer.read() or b"[]")
    drawn = []
    for spec in specs:
        started = time.perf_counter()
        image = draw(spec, kind)
        drawn.append([base64.b64encode(image).decode("ascii"), time.perf_counter() - started])
    sys.stdout.write(json.dumps(drawn))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in KINDS:
        sys.stderr.write("usage: python -m qa_dashboard.chart_printer png|svg (specs as JSON on stdin)\n")
        sys.exit(2)
    sys.exit(_helper(sys.argv[1]))
