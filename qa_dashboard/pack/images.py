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
from pathlib import Path

from qa_dashboard.chart_printer import draw, printable

__all__ = ["Renderer", "helper_count", "printable"]
HELPER_TIMEOUT_S = 300.0
_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # where `python -m qa_dashboard...` finds the package


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

    def draw(self, spec: dict, kind: str = "png") -> bytes:
        key = self._key(spec, kind)
        if key not in self._made:
            started = time.perf_counter()
            self._made[key] = draw(spec, kind)
            self.seconds.append(time.perf_counter() - started)
        return self._made[key]

    def start(self, kind: str) -> None:
        if kind in self._started or not self.helpers:
            return
        self._started[kind] = [
            subprocess.Popen([sys.executable, "-m", "qa_dashboard.chart_printer", kind], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=_PACKAGE_PARENT,
                             start_new_session=True)
            for _ in range(self.helpers)]

    def draw_all(self, specs: list[dict], kind: str) -> None:
        """Draw every chart of a document before it is written."""
        waiting = list({self._key(spec, kind): spec for spec in specs if self._key(spec, kind) not in self._made}.values())
        if len(waiting) > 1:
            self.start(kind)
        started = self._started.pop(kind, [])
        helpers, spare = started[:max(len(waiting) - 1, 0)], started[max(len(waiting) - 1, 0):]
        _end(spare)  # more helpers than charts to share
        shares = _shares(waiting, len(helpers) + 1)
        # Each helper is given its whole share before this process draws its own: vl-convert
        # holds Python's lock while it draws, so a thread here could not feed a helper meanwhile.
        exchanges = [_Exchange(helper, [waiting[i] for i in share]) for helper, share in zip(helpers, shares[1:])]
        for index in shares[0]:
            self.draw(waiting[index], kind)
        for exchange, share in zip(exchanges, shares[1:]):
            for index, (image, seconds) in zip(share, exchange.result()):
                self._made[self._key(waiting[index], kind)] = base64.b64decode(image)
                self.seconds.append(seconds)
        for spec in waiting:  # whatever a helper could not draw
            self.draw(spec, kind)
        self.close()

    def close(self) -> None:
        """End helpers started and never given charts."""
        for helpers in self._started.values():
            _end(helpers)
        self._started.clear()


def _end(helpers: list[subprocess.Popen]) -> None:
    for helper in helpers:
        helper.kill()
        helper.communicate()


class _Exchange:
    """One helper's share sent, and its drawings read back on a thread of its own."""

    def __init__(self, helper: subprocess.Popen, specs: list[dict]) -> None:
        self._helper, self._drawn = helper, []
        try:  # the helper reads as soon as it is warm; a share is a few hundred kB
            helper.stdin.write(json.dumps(specs, default=str).encode())
            helper.stdin.close()
        except OSError:
            pass  # a helper that died: its share is drawn here
        helper.stdin = None  # closed: `communicate` only reads
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            out, _ = self._helper.communicate(timeout=HELPER_TIMEOUT_S)
            self._drawn = json.loads(out) if self._helper.returncode == 0 else []
        except (subprocess.TimeoutExpired, ValueError, OSError):
            self._helper.kill()
            self._drawn = []

    def result(self) -> list:
        self._thread.join()
        return self._drawn
