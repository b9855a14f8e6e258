"""Vega-Lite specs drawn for print with vl-convert (no browser, no network): PNG at twice screen
resolution for Word, SVG (vectors) for the PDF.

Drawing happens only in helper processes, `python -m qa_dashboard.chart_printer [--nice N]`,
started by the pack (`pack/images.py`), never in the app's server or the command line's own
process: vl-convert aborts the whole process on some input (a Rust panic, exit 134, on a control
character in a label), and holds Python's lock while it draws. A helper warms its engine up as
soon as it starts and says so (`{"ready": true}`), reads one JSON list of jobs on stdin
(`{"kind": "png"|"svg", "spec": ...}` or `{"kind": "png-from-svg", "svg": ...}`), and writes
one JSON line per job as it is drawn (`{"i": 0, "image": base64, "seconds": 0.3}`), in order:
when it dies, the job after the last line written is the one it died on. It imports nothing
but vl-convert, so it starts in a moment."""
from __future__ import annotations

import base64
import json
import os
import sys
import time

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
    """Draw one chart. Only in a helper process (see the module's docstring)."""
    import vl_convert as vlc

    ready = printable(spec)
    if kind == "png":
        return vlc.vegalite_to_png(ready, scale=PNG_SCALE)
    return vlc.vegalite_to_svg(ready).encode("utf-8")


def png_from_svg(svg: bytes) -> bytes:
    """The PNG `draw(spec, "png")` gives, from that spec's SVG (byte for byte the same: vl-convert
    draws a PNG by rasterising its SVG), for about a third of the time."""
    import vl_convert as vlc

    return vlc.svg_to_png(svg.decode("utf-8"), scale=PNG_SCALE)


def lower_priority(nice: int) -> None:
    """Give way to every other process: `nice` added to this process's niceness, and, on Linux,
    to its session's scheduling group (with autogroup on, a process in a session of its own, as
    these children are, competes with the app's server as a whole group, whatever its own nice);
    at 19, the idle policy too (the CPU only when no one else wants it)."""
    if nice <= 0:
        return
    try:
        os.nice(nice)
        with open("/proc/self/autogroup", "w") as group:
            group.write(str(min(19, os.nice(0))))
    except OSError:
        pass
    if os.nice(0) >= 19 and hasattr(os, "sched_setscheduler"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass


def _job(job: dict) -> bytes:
    if job["kind"] == "png-from-svg":
        return png_from_svg(job["svg"].encode("utf-8"))
    return draw(job["spec"], job["kind"])


def _helper(nice: int) -> int:
    # The answers go to a private copy of stdout; anything the library prints goes to stderr.
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    lower_priority(nice)
    import vl_convert as vlc

    vlc.vegalite_to_svg(_WARM_UP)  # the engine's start-up, paid while the parent builds the document
    answers.write('{"ready": true}\n')
    answers.flush()
    jobs = json.loads(sys.stdin.buffer.read() or b"[]")
    for number, job in enumerate(jobs):
        started = time.perf_counter()
        image = _job(job)
        answers.write(json.dumps({"i": number, "image": base64.b64encode(image).decode("ascii"),
                                  "seconds": time.perf_counter() - started}) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--nice"] and len(arguments) == 2 and arguments[1].isdigit():
        sys.exit(_helper(int(arguments[1])))
    if arguments:
        sys.stderr.write("usage: python -m qa_dashboard.chart_printer [--nice N] (jobs as JSON on stdin)\n")
        sys.exit(2)
    sys.exit(_helper(0))
