"""The pack's charts: the pages' own Vega-Lite specs, drawn for print by `chart_printer`, each
once per format, in helper processes only, never in this one.

vl-convert aborts its whole process on some input (a control character in a label is a Rust
panic, exit 134) and holds Python's lock while it draws: drawing in the app's server would let
one chart stop the server for every reader, and stall its other sessions while a pack is made.
So every chart is drawn by a helper process (one per core this process may use, at most
three, and at most three in the whole process however many packs are being made). A helper
that dies fails the chart it was drawing, which is named in a sentence (`PackError`); the rest
of its share is drawn by a new helper. Pictures drawn are kept in this process (bounded, least
recently used dropped) and on disk beside the database (`chart_cache.py`), where the charts of
the default pack are drawn ahead after each load (`ahead.py`)."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from qa_dashboard.chart_printer import _iso, printable
from qa_dashboard.pack.build import PackError
from qa_dashboard.chart_cache import ChartCache, chart_key

__all__ = ["IMAGE_KIND", "Renderer", "forget_drawn", "helper_count", "printable", "chart_labels"]
IMAGE_KIND = {".docx": "png", ".pdf": "svg"}  # the pictures each document takes
START_TIMEOUT_S = 60.0       # a helper ready, its engine warm (about a second)
CHART_TIMEOUT_S = 120.0      # one chart (the largest, a 69-bar team chart, takes 1.3 to 2.5 s)
SLOT_WAIT_S = 300.0          # a pack waiting for another pack's helpers to finish
_SLOTS = threading.BoundedSemaphore(3)
_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # where `python -m qa_dashboard...` finds the package

Progress = Callable[[str, int, int], None]   # (section, chart n, of m)

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
    """Forget every chart kept in this process (the tests start each from nothing)."""
    global _drawn_bytes
    with _drawn_lock:
        _drawn.clear()
        _drawn_bytes = 0


def helper_count() -> int:
    """Helper processes: one per core this process may use, at most three, at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 3))


def chart_labels(doc) -> list[tuple[str, str]]:
    """Each chart of a document with its section (the heading it is under) and caption."""
    from qa_dashboard.pack.model import Chart, Heading

    section, labels = "Cover", []
    for block in doc.blocks:
        if isinstance(block, Heading) and block.level == 1:
            section = block.text
        elif isinstance(block, Chart):
            labels.append((section, block.caption))
    return labels


def _shares(sizes: list[int], parts: int) -> list[list[int]]:
    """Indexes split into `parts` shares of about equal work (a chart's work grows with its
    spec's size: its rows and labels), largest first; each share in its first order."""
    shares: list[list[int]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += sizes[index]
    return [sorted(share) for share in shares if share]


class Renderer:
    """Draws each spec once per format, in helper processes, remembering the time each drawing took.

    `start(kind)` starts the helpers early (each warms its engine up, about a second, while the
    document is being built); `draw_all` shares the charts not kept out between them."""

    def __init__(self, helpers: int | None = None, cache: ChartCache | None = None, nice: int = 0) -> None:
        self._made: dict[tuple[str, str], bytes] = {}
        self.seconds: list[float] = []   # each chart drawn (or rasterised) by a helper for this renderer
        self.helpers = helper_count() if helpers is None else max(1, helpers)
        self.cache = cache
        self.nice = nice
        self._idle: list[subprocess.Popen] = []

    # ------------------------------------------------------------------ what is kept --
    def _key(self, spec: dict, kind: str) -> tuple[str, str]:
        return chart_key(spec, kind), kind

    def _kept(self, key: tuple[str, str]) -> bytes | None:
        image = _recall(key)
        if self.cache is not None:
            if image is None:
                image = self.cache.get(*key)
                if image is not None:
                    _keep(key, image)
            elif not self.cache.has(*key):  # drawn for a pack that kept nothing on disk
                self.cache.put(*key, image)
        return image

    def _lookup(self, key: tuple[str, str]) -> bytes | None:
        """Drawn for this pack, or kept from an earlier one (then taken into this pack)."""
        if key not in self._made and (image := self._kept(key)) is not None:
            self._made[key] = image
        return self._made.get(key)

    def missing(self, specs: list[dict], kind: str) -> int:
        """How many of these charts are not drawn yet (kept neither here nor on disk)."""
        keys = {self._key(spec, kind) for spec in specs}
        return sum(1 for key in keys if key not in self._made and _recall(key) is None
                   and not (self.cache is not None and self.cache.has(*key)))

    def _store(self, key: tuple[str, str], image: bytes, seconds: float) -> None:
        self._made[key] = image
        self.seconds.append(seconds)
        _keep(key, image)
        if self.cache is not None:
            self.cache.put(*key, image)

    def _job(self, key: tuple[str, str], spec: dict) -> dict:
        if key[1] == "png" and (svg := self._kept((chart_key(spec, "svg"), "svg"))) is not None:
            return {"kind": "png-from-svg", "svg": svg.decode("utf-8")}  # rasterised, not drawn again
        return {"kind": key[1], "spec": json.loads(json.dumps(spec, default=_iso))}

    # ------------------------------------------------------------------------ drawing --
    def draw(self, spec: dict, kind: str = "png") -> bytes:
        key = self._key(spec, kind)
        if self._lookup(key) is None:
            self.draw_all([spec], kind)
        return self._made[key]

    def start(self, kind: str) -> None:
        """Start the helpers (for a document taking `kind` pictures), each warming its engine up at once."""
        if kind not in IMAGE_KIND.values():
            raise ValueError(f"Charts are drawn as png or svg, not {kind!r}.")
        while len(self._idle) < self.helpers and (helper := self._new_helper(wait=False)) is not None:
            self._idle.append(helper)

    def _new_helper(self, wait: bool) -> subprocess.Popen | None:
        slot = _SLOTS.acquire(timeout=SLOT_WAIT_S) if wait else _SLOTS.acquire(blocking=False)
        if not slot:
            return None
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "qa_dashboard.chart_printer", "--nice", str(self.nice)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=_PACKAGE_PARENT,
                start_new_session=True)
        except OSError:
            _SLOTS.release()
            return None

    def _helpers_for(self, charts: int) -> list[subprocess.Popen]:
        wanted = min(self.helpers, charts)
        taken, self._idle = self._idle[:wanted], self._idle[wanted:]
        _end(self._idle)  # more helpers than charts to share
        self._idle = []
        while len(taken) < wanted and (helper := self._new_helper(wait=not taken)) is not None:
            taken.append(helper)
        if not taken:
            raise PackError("The charts could not be drawn: the server is busy drawing other packs. "
                            "Try again in a few minutes.")
        return taken

    def draw_all(self, specs: list[dict], kind: str, progress: Progress | None = None,
                 labels: list[tuple[str, str]] | None = None) -> None:
        """Draw every chart not kept yet. `progress(section, n, m)` is called, in this thread, as
        each is found or drawn; `labels` (section, caption) name them in it and in a failure's
        sentence. Raises PackError naming a chart the drawing library failed on, once the others
        are drawn."""
        keyed: dict[tuple[str, str], tuple[dict, tuple[str, str]]] = {}
        for index, spec in enumerate(specs):  # each spec serialised and hashed once
            key = self._key(spec, kind)
            keyed.setdefault(key, (spec, labels[index] if labels else ("", "")))
        total, done = len(keyed), 0
        waiting = []
        for key, (_, (section, _)) in keyed.items():
            if self._lookup(key) is None:
                waiting.append(key)
            else:
                done += 1
                if progress:
                    progress(section, done, total)
        failed: list[tuple[str, str]] = []
        false_starts = 0
        while waiting:
            helpers = self._helpers_for(len(waiting))
            jobs = [self._job(key, keyed[key][0]) for key in waiting]
            shares = _shares([len(json.dumps(job)) for job in jobs], len(helpers))
            _end(helpers[len(shares):])
            results: queue.Queue = queue.Queue()
            exchanges = [_Exchange(number, helper, [jobs[i] for i in share], results)
                         for number, (helper, share) in enumerate(zip(helpers, shares))]
            returned: list[set[int]] = [set() for _ in exchanges]
            running = len(exchanges)
            try:
                while running:
                    try:
                        number, local, answer = results.get(timeout=1.0)
                    except queue.Empty:
                        for exchange in exchanges:
                            exchange.end_if_stuck()
                        continue
                    if local is None:
                        running -= 1
                        continue
                    key = waiting[shares[number][local]]
                    returned[number].add(local)
                    self._store(key, *answer)
                    done += 1
                    if progress:
                        progress(keyed[key][1][0], done, total)
            finally:
                _end(helpers)
            again = []
            for number, exchange in enumerate(exchanges):
                undone = [waiting[i] for local, i in enumerate(shares[number]) if local not in returned[number]]
                if not undone:
                    continue
                if exchange.ready:  # it died (or was stopped) drawing the first chart it did not return
                    failed.append(undone[0])
                    again += undone[1:]
                else:
                    false_starts += 1
                    again += undone
            if false_starts >= 3:
                raise PackError("The charts could not be drawn: the drawing process would not start. "
                                "Nothing was written.")
            waiting = again
        if failed:
            section, caption = keyed[failed[0]][1]
            named = f"The chart '{caption}' in {section}" if caption else "A chart"
            others = len(failed) - 1
            raise PackError(f"{named} could not be drawn: the drawing library failed on it (a name in its "
                            "figures may hold a character that cannot be printed). Nothing was written"
                            + ("." if not others else "; another chart failed too." if others == 1
                               else f"; {others} other charts failed too."))

    def close(self) -> None:
        """End helpers started and never given charts."""
        _end(self._idle)
        self._idle = []


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
                try:
                    stream.close()
                except OSError:
                    pass
        _SLOTS.release()


class _Exchange:
    """One helper's share, sent and read back on threads of its own; each drawing is put on
    `results` as (number, index in the share, (image, seconds)), then (number, None, None) at
    the end."""

    def __init__(self, number: int, helper: subprocess.Popen, jobs: list[dict], results: queue.Queue) -> None:
        self.number, self._helper, self._results = number, helper, results
        self.ready = False
        self._last = time.monotonic()
        payload = json.dumps(jobs).encode()
        threading.Thread(target=self._send, args=(payload,), daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, payload: bytes) -> None:
        try:
            self._helper.stdin.write(payload)
            self._helper.stdin.close()
        except (OSError, ValueError):
            pass  # a helper that died: its share is drawn by another

    def _read(self) -> None:
        import base64

        try:
            for line in self._helper.stdout:
                self._last = time.monotonic()
                answer = json.loads(line)
                if answer.get("ready"):
                    self.ready = True
                    continue
                self._results.put((self.number, answer["i"], (base64.b64decode(answer["image"]), answer["seconds"])))
        except (ValueError, KeyError, TypeError, OSError):
            pass
        finally:
            try:
                self._helper.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._helper.kill()
            self._results.put((self.number, None, None))

    def end_if_stuck(self) -> None:
        """End a helper that has not warmed up, or not finished a chart, in its time."""
        limit = CHART_TIMEOUT_S if self.ready else START_TIMEOUT_S
        if self._helper.poll() is None and time.monotonic() - self._last > limit:
            self._helper.kill()
