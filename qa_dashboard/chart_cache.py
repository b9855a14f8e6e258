"""Charts drawn for print, kept on disk beside the database (`data/chart-cache/`), so the app's
next process, its other replicas and the command line find what was drawn ahead after a load.

Each picture is one file named by the sha256 of its chart's whole spec (figures included: a
new load draws afresh), its format and the printer's settings. A file is written whole or not
at all (a temporary file, then renamed); one that is damaged is ignored, removed and drawn
again. The folder is bounded in size: the files used longest ago are dropped first. The specs
hold aggregate figures only, but they name teams, so the folder is its owner's alone (0700)."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

from qa_dashboard.chart_printer import PNG_SCALE, PRINT_WIDTH

FOLDER_NAME = "chart-cache"
ENV_VAR = "QA_DASHBOARD_CHART_CACHE"   # another folder (the tests give each their own)
MAX_BYTES = 128 * 2**20                # about 30 loads' default packs, both formats
_PNG_HEAD, _PNG_TAIL = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"


def _printer() -> str:
    try:
        version = metadata.version("vl-convert-python")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"vl-convert {version}, width {PRINT_WIDTH}, scale {PNG_SCALE}"


PRINTER = _printer()


def _steady(value):
    """The spec with each fraction to 10 significant figures: the database adds a column's values
    in no fixed order, so the same load gives 16.2 one time and 16.200000000000003 the next, which
    print alike and must find the same picture."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {key: _steady(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_steady(item) for item in value]
    return value


def chart_key(spec: dict, kind: str) -> str:
    """The name a chart's picture is kept under: its whole spec, the format and the printer."""
    text = json.dumps(_steady(spec), sort_keys=True, default=str)
    return hashlib.sha256(f"{text}\0{kind}\0{PRINTER}".encode()).hexdigest()


def whole(image: bytes, kind: str) -> bool:
    """Whether a picture read back is complete (a file cut short or overwritten is not)."""
    if kind == "png":
        return image.startswith(_PNG_HEAD) and image.endswith(_PNG_TAIL)
    stripped = image.strip()
    return stripped.startswith(b"<svg") and stripped.endswith(b"</svg>")


class ChartCache:
    def __init__(self, folder: str | os.PathLike, max_bytes: int | None = None) -> None:
        self.folder = Path(folder)
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes

    @classmethod
    def beside(cls, db: str | os.PathLike) -> "ChartCache":
        """The cache of the database at `db`: `chart-cache/` in its folder ($QA_DASHBOARD_CHART_CACHE when set)."""
        return cls(os.environ.get(ENV_VAR) or Path(db).expanduser().resolve().parent / FOLDER_NAME)

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / f"{key}.{kind}"

    def get(self, key: str, kind: str) -> bytes | None:
        path = self._path(key, kind)
        try:
            image = path.read_bytes()
        except OSError:
            return None
        if not whole(image, kind):
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be dropped
        return image

    def has(self, key: str, kind: str) -> bool:
        return self._path(key, kind).is_file()

    def _ready(self) -> bool:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)
            return True
        except OSError:
            return False

    def put(self, key: str, kind: str, image: bytes) -> None:
        """Keep a picture; a folder that cannot be written (read-only, full) keeps nothing, silently:
        the pack is made all the same."""
        if len(image) > self.max_bytes or not self._ready():
            return
        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".part-")  # 0600
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(image)
                os.replace(temporary, self._path(key, kind))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return
        self.trim()

    def trim(self) -> None:
        """Drop the files used longest ago until the folder is within its size."""
        entries = []
        for path in self.folder.glob("*.*"):
            if path.suffix not in (".png", ".svg") or path.name.startswith("."):
                continue
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            total -= size

    def note_path(self, name: str) -> Path:
        return self.folder / name

    @contextlib.contextmanager
    def lock(self, name: str = ".drawing.lock"):
        """Held by one process at a time (the drawing ahead: one after another, never two at once)."""
        if not self._ready():
            raise OSError(f"The chart folder {self.folder} cannot be written.")
        handle = os.open(self.folder / name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)
