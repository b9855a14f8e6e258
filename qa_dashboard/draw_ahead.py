"""The default pack's charts drawn ahead, after every load and undo (and when the app finds them
missing), so that the first pack of the new figures finds them drawn.

The default pack is the one the Board pack page opens on and `pack OUT` makes: the latest 12
months, the whole authority, every section. `start(db)` starts a detached child,
`python -m qa_dashboard.draw_ahead DB`, and returns at once: the command line exits without
waiting for it, and the app's server does none of its work. The child builds the document at
low priority (nice 10), draws its charts as SVG and PNG at the lowest (nice 19, and the idle
scheduling policy: `chart_printer.lower_priority`) in one helper process, keeps them on disk
beside the database (`chart_cache.py`), writes a note naming them for the data version, and
exits. One such child draws at a time (a lock in the folder); one started while the charts are
already drawn exits at once. $QA_DASHBOARD_DRAW_AHEAD=0 turns it off (the test suite does,
except in the tests of this)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from qa_dashboard import store
from qa_dashboard.chart_cache import ChartCache, chart_key
from qa_dashboard.chart_printer import lower_priority

ENV_VAR = "QA_DASHBOARD_DRAW_AHEAD"
MODEL_NICE = 10      # building the document: short, and it holds a read of the database
DRAWING_NICE = 19    # drawing: only what the readers' pages leave over
NOTES_KEPT = 20
_PACKAGE_PARENT = Path(__file__).resolve().parents[1]
_started: set[tuple[str, str]] = set()
_started_lock = threading.Lock()


def enabled() -> bool:
    return os.environ.get(ENV_VAR, "1").strip() != "0"


def _note(cache: ChartCache, db, version: str) -> Path:
    name = hashlib.sha256(f"{Path(db).resolve()}\0{version}".encode()).hexdigest()[:32]
    return cache.note_path(f"ahead-{name}.json")


def complete(db) -> bool:
    """Whether the default pack's charts of the data as it is are all on disk, drawn ahead."""
    try:
        version = store.data_version(db)
    except store.DatabaseUnavailable:
        return False
    if not version:
        return False
    cache = ChartCache.beside(db)
    try:
        charts = json.loads(_note(cache, db, version).read_text())["charts"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all(cache.has(key, kind) for key, kind in charts)


def start(db) -> subprocess.Popen | None:
    """Start drawing ahead for the database at `db` in a detached low-priority child; None when
    turned off or there is no database."""
    if not enabled() or not store.exists(db):
        return None
    try:
        return subprocess.Popen([sys.executable, "-m", "qa_dashboard.draw_ahead", str(Path(db).resolve())],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=_PACKAGE_PARENT, start_new_session=True)
    except OSError:
        return None  # nothing drawn ahead: the first pack draws its charts


def start_once(db) -> subprocess.Popen | None:
    """The app's way (every rerun calls it): once per data version in this process, and only when
    the charts are missing (a load made elsewhere, a restarted app, a folder emptied)."""
    if not enabled() or not store.exists(db):
        return None
    try:
        key = (str(db), store.data_version(db))
    except store.DatabaseUnavailable:
        return None
    with _started_lock:
        if key in _started:
            return None
        _started.add(key)
    return None if complete(db) else start(db)


def draw(db) -> int:
    """The child's work: the default pack's charts, drawn and kept. Returns how many were drawn."""
    from qa_dashboard import pack
    from qa_dashboard.pack.images import Renderer

    cache = ChartCache.beside(db)
    with cache.lock():
        if complete(db):
            return 0
        version = store.data_version(db)
        try:
            document = pack.build(db, pack.filters_for(db, None, None, None))
        except (pack.PackError, store.DatabaseUnavailable):
            return 0  # no figures yet, or the file is busy: the first pack draws its charts
        lower_priority(DRAWING_NICE - MODEL_NICE)
        renderer = Renderer(helpers=1, cache=cache, nice=DRAWING_NICE)  # its helper gives way as this does
        specs = [chart.spec for chart in document.charts()]
        kept = []
        try:
            for kind in ("svg", "png"):  # the PNGs rasterised from the SVGs
                with contextlib.suppress(pack.PackError):  # a chart that cannot be drawn: the rest are kept
                    renderer.draw_all(specs, kind)
                kept += [[key, kind] for key in dict.fromkeys(chart_key(spec, kind) for spec in specs)
                         if cache.has(key, kind)]
        finally:
            renderer.close()
        note = _note(cache, db, version)
        temporary = note.with_name("." + note.name)
        temporary.write_text(json.dumps({"charts": kept}))
        os.chmod(temporary, 0o600)
        os.replace(temporary, note)
        notes = sorted(cache.folder.glob("ahead-*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in notes[NOTES_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()
        return len(renderer.seconds)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m qa_dashboard.draw_ahead DB\n")
        return 2
    lower_priority(MODEL_NICE)
    try:
        draw(Path(argv[0]))
    except Exception:  # noqa: BLE001 - a background child: nothing to tell, the first pack draws instead
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
