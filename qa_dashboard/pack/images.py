"""The pages' Vega-Lite specs drawn as images for print, with vl-convert (no browser, no
network): PNG at twice screen resolution for Word, SVG (vectors) for the PDF."""
from __future__ import annotations

import hashlib
import json
import time

import vl_convert as vlc

PRINT_WIDTH = 620       # pixels of the chart's plotting width; a Word page is about 16 cm wide
PNG_SCALE = 2           # 2 x 96 dpi: sharp when printed at the page's width
_COMPOUND = ("facet", "hconcat", "vconcat", "concat", "repeat")


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


class Renderer:
    """Draws each spec once per format, remembering the time each drawing took."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], bytes] = {}
        self.seconds: list[float] = []

    def _key(self, spec: dict, kind: str) -> tuple[str, str]:
        return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest(), kind

    def draw(self, spec: dict, kind: str = "png") -> bytes:
        key = self._key(spec, kind)
        if key not in self._made:
            started = time.perf_counter()
            ready = printable(spec)
            if kind == "png":
                self._made[key] = vlc.vegalite_to_png(ready, scale=PNG_SCALE)
            else:
                self._made[key] = vlc.vegalite_to_svg(ready).encode("utf-8")
            self.seconds.append(time.perf_counter() - started)
        return self._made[key]
