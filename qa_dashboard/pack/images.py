"""The pack's charts: the pages' own Vega-Lite specs, drawn for print by `chart_printer`, each
once per format, shared out between this process and helper processes on the other cores."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path

from qa_dashboard.chart_printer import _iso, draw, png_from_svg, printable

__all__ = ["IMAGE_KIND", "Renderer", "forget_drawn", "helper_count", "printable"]
IMAGE_KIND = {".docx": "png", ".pdf": "svg"}  # the pictures each document takes
HELPER_TIMEOUT_S = 120.0     # a helper's whole share (the large authority's is about 5 s)
SEND_TIMEOUT_S = 30.0        # a helper reads its share once warm (about a second)
# Helpers across the whole process (the app's server may make several packs at once): beyond
# these, charts are drawn in the pack's own process.
_SLOTS = threading.BoundedSemaphore(3)
_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # where `python -m qa_dashboard...` finds the package

# Charts drawn in this process, kept for the next pack (the app's server makes many: the .docx
# after the .pdf, the same pack for another board member): keyed on the whole spec, its figures
# included, so a new load draws afresh. Only what the pages show anyway (counts and shares by
# team); bounded in size, the least recently used dropped first.
DRAWN_MAX_BYTES = 96 * 2**20
_drawn: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_drawn_bytes = 0
_drawn_lock = threading.Lock()


def _recall(key: tuple[str, str]) -> bytes | None:
    with _drawn_lock:
        image = _drawn.get(key)
        if image is not None:
            _drawn.move_to_end(key)
        return image


def _keep(key: tuple[str, str], image: bytes) -> None:
    global _drawn_bytes
    with _drawn_lock:
        if key in _drawn or len(image) > DRAWN_MAX_BYTES:
            return
        _drawn[key] = image
        _drawn_bytes += len(image)
        while _drawn_bytes > DRAWN_MAX_BYTES:
            _, dropped = _drawn.popitem(last=False)
            _drawn_bytes -= len(dropped)


def forget_drawn() -> None:
    """Forget every chart kept (the tests start each from nothing)."""
    global _drawn_bytes
    with _drawn_lock:
        _drawn.clear()
        _drawn_bytes = 0


def helper_count() -> int:
    """Helper processes beside this one: one per further core this process may use, at most three."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(0, min(cores, 4) - 1)


def _shares(specs: list[dict], parts: int) -> list[list[int]]:
    """Chart indexes split into `parts` shares of about equal work (a chart's work grows with its
    spec's size: its rows and labels), largest first."""
    sizes = [len(json.dumps(spec, default=str)) for spec in specs]
    shares: list[list[int]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for index in sorted(range(len(specs)), key=lambda i: -sizes[i]):
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += sizes[index]
    return shares


class Renderer:
    """Draws each spec once per format, remembering the time each drawing took.

    `start(kind)` starts the helpers early (each warms its engine up, about a second, while the
    document is being built); `draw_all` shares the document's charts out between them and this
    process. Without helpers, or when one fails, charts are drawn here, one by one."""

    def __init__(self, helpers: int | None = None) -> None:
        self._made: dict[tuple[str, str], bytes] = {}
        self.seconds: list[float] = []
        self.helpers = helper_count() if helpers is None else helpers
        self._started: dict[str, list[subprocess.Popen]] = {}

    def _key(self, spec: dict, kind: str) -> tuple[str, str]:
        return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest(), kind

    def _known(self, key: tuple[str, str]) -> bool:
        """Drawn for this pack, or kept from an earlier one (then taken into this pack)."""
        if key in self._made:
            return True
        image = _recall(key)
        if image is None and key[1] == "png" and (svg := _recall((key[0], "svg"))) is not None:
            started = time.perf_counter()  # the same chart drawn as SVG before: rasterised, not drawn again
            image = png_from_svg(svg)
            self.seconds.append(time.perf_counter() - started)
            _keep(key, image)
        if image is not None:
            self._made[key] = image
        return image is not None

    def _store(self, key: tuple[str, str], image: bytes, seconds: float) -> None:
        self._made[key] = image
        self.seconds.append(seconds)
        _keep(key, image)

    def draw(self, spec: dict, kind: str = "png") -> bytes:
        return self._draw(self._key(spec, kind), spec)

    def _draw(self, key: tuple[str, str], spec: dict) -> bytes:
        if not self._known(key):
            started = time.perf_counter()
            image = draw(spec, key[1])
            self._store(key, image, time.perf_counter() - started)
        return self._made[key]

    def start(self, kind: str) -> None:
        """Start the helpers for `kind` ('png' or 'svg'), each warming its engine up at once."""
        if kind not in IMAGE_KIND.values():
            raise ValueError(f"Charts are drawn as png or svg, not {kind!r}.")
        if kind in self._started or not self.helpers:
            return
        started = []
        for _ in range(self.helpers):
            if not _SLOTS.acquire(blocking=False):
                break
            try:
                started.append(subprocess.Popen(
                    [sys.executable, "-m", "qa_dashboard.chart_printer", kind], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=_PACKAGE_PARENT, start_new_session=True))
            except OSError:
                _SLOTS.release()  # no helper: its charts are drawn here
                break
        self._started[kind] = started

    def draw_all(self, specs: list[dict], kind: str) -> None:
        """Draw every chart of a document before it is written."""
        keyed = {self._key(spec, kind): spec for spec in specs}  # each spec serialised and hashed once
        keys = [key for key in keyed if not self._known(key)]
        waiting = [keyed[key] for key in keys]
        if len(waiting) > 1:
            self.start(kind)
        started = self._started.pop(kind, [])
        helpers, spare = started[:max(len(waiting) - 1, 0)], started[max(len(waiting) - 1, 0):]
        _end(spare)  # more helpers than charts to share
        try:
            shares = _shares(waiting, len(helpers) + 1)
            # Each helper is given its whole share before this process draws its own: vl-convert
            # holds Python's lock while it draws, so a thread here could not feed a helper meanwhile.
            exchanges = [_Exchange(helper, [waiting[i] for i in share]) for helper, share in zip(helpers, shares[1:])]
            for index in shares[0]:
                self._draw(keys[index], waiting[index])
            for exchange, share in zip(exchanges, shares[1:]):
                for index, (image, seconds) in zip(share, exchange.result()):
                    self._store(keys[index], base64.b64decode(image), seconds)
        finally:
            _end(helpers)  # finished ones are only reaped; any still drawing (an error here) are ended
        for key, spec in zip(keys, waiting):  # whatever a helper could not draw
            self._draw(key, spec)
        self.close()

    def close(self) -> None:
        """End helpers started and never given charts."""
        for helpers in self._started.values():
            _end(helpers)
        self._started.clear()


def _end(helpers: list[subprocess.Popen]) -> None:
    """Kill (when still running) and reap each helper, and give back its slot, once."""
    for helper in helpers:
        if getattr(helper, "_qa_ended", False):
            continue
        helper._qa_ended = True
        if helper.poll() is None:
            helper.kill()
        try:
            helper.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (helper.stdin, helper.stdout):
            if stream is not None and not stream.closed:
                stream.close()
        _SLOTS.release()


class _Exchange:
    """One helper's share sent, and its drawings read back on a thread of its own."""

    def __init__(self, helper: subprocess.Popen, specs: list[dict]) -> None:
        self._helper, self._drawn = helper, []
        # The share is written on a thread, waited for here with a deadline: the helper reads it
        # once warm (a share is a few hundred kB, more than a pipe holds), and one that never
        # reads is ended, its share drawn here.
        payload = json.dumps([json.loads(json.dumps(spec, default=_iso)) for spec in specs]).encode()
        sender = threading.Thread(target=self._send, args=(payload,), daemon=True)
        sender.start()
        sender.join(SEND_TIMEOUT_S)
        if sender.is_alive():
            helper.kill()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _send(self, payload: bytes) -> None:
        try:
            self._helper.stdin.write(payload)
            self._helper.stdin.close()
        except (OSError, ValueError):
            pass  # a helper that died: its share is drawn here

    def _run(self) -> None:
        try:
            out = self._helper.stdout.read()  # until the helper ends (or is killed)
            self._helper.wait(timeout=HELPER_TIMEOUT_S)
            self._drawn = json.loads(out) if self._helper.returncode == 0 else []
        except (subprocess.TimeoutExpired, ValueError, OSError):
            self._drawn = []

    def result(self) -> list:
        self._thread.join(HELPER_TIMEOUT_S)
        if self._thread.is_alive():  # a helper drawing for too long: ended, its share drawn here
            self._helper.kill()
            self._thread.join()
            return []
        return self._drawn
