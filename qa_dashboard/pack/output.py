"""Where a pack is written: OUT is checked before anything is built (building a pack takes
seconds), and written to a temporary file beside it that then replaces OUT in one step, so a
failed write (a full disk, a folder that cannot be written) leaves last month's pack as it was
and no half-written file behind. Every failure is a PackError in one sentence."""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from qa_dashboard.pack.build import PackError

_PART = ".part"   # the temporary file's ending, beside OUT until it replaces it


def shown(path: Path) -> str:
    """A path as a one-line sentence names it: a line break, tab or other character that is not
    printed written as its escape (`\\n`, `\\x0b`, `\\u202e`), a very long one shortened in the middle."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(path))
    return text if len(text) <= 120 else f"{text[:60]}…{text[-50:]}"


def _nearest_existing(path: Path) -> Path:
    for folder in path.parents:
        if folder.exists() or folder.is_symlink():
            return folder
    return Path(path.anchor or ".")


def _sentence(problem: OSError, out: Path, folder: Path | None = None) -> str:
    """What went wrong, in words a person can act on; the earlier file, if any, is as it was.
    `folder`: the one tried, when OUT's own folder is still to be made."""
    folder = folder or out.parent
    kept = " The file that was there is unchanged." if out.is_file() else ""
    code = problem.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"There is no room left on the disk to write {shown(out)}, so the pack was not written.{kept}"
    if code == errno.ENAMETOOLONG:
        return (f"The name {shown(out)} is too long for the file system (a file's name can be at most "
                f"255 bytes); choose a shorter one.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or (code == errno.ENOENT and folder.is_dir()):
        return (f"The folder {shown(folder)} cannot be written to (it is read-only or not yours), so the "
                f"pack was not written there; choose another place.{kept}")
    if code == errno.ENOTDIR:
        return f"{shown(out)} cannot be written: part of its path is a file, not a folder."
    if code == errno.EISDIR:
        return f"{shown(out)} is a folder; give the pack a file name such as {shown(out / 'board-pack.docx')}."
    return f"{shown(out)} could not be written ({problem.strerror or problem}), so the pack was not written.{kept}"


def check_out(out: Path) -> None:
    """Refuse, before the pack is built, an OUT that cannot be written: a folder, a name too long,
    a path under a file, a place that cannot be written to (tried by making and removing a file
    there, as the real write will)."""
    if "\x00" in str(out):
        raise PackError("A file name cannot hold a NUL character; choose another name.")
    if any(len(os.fsencode(part)) > 255 for part in out.parts) or len(os.fsencode(str(out))) >= 4096:
        raise PackError(f"The name {shown(out)} is too long for the file system (a name can be at most 255 "
                        "bytes, a whole path 4,095); choose a shorter one.")
    try:
        _try_the_place(out)
    except OSError as problem:
        raise PackError(_sentence(problem, out)) from None


def _try_the_place(out: Path) -> None:
    if out.is_dir():
        raise PackError(f"{shown(out)} is a folder; give the pack a file name such as "
                        f"{shown(out / ('board-pack' + out.suffix))}.")
    folder = _nearest_existing(out)
    if not folder.is_dir():
        raise PackError(f"{shown(out)} cannot be written: {shown(folder)} is a file, not a folder.")
    if out.exists() and not out.is_file():
        raise PackError(f"{shown(out)} is not a file the pack can replace.")
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".qa-pack-check-", suffix=_PART)
        os.close(handle)
        os.unlink(probe)
    except OSError as problem:
        raise PackError(_sentence(problem, out, folder)) from None


def _mode_for(out: Path) -> int:
    """The replaced file's permissions, or the usual ones for a new file (mkstemp's are 0600)."""
    try:
        return out.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(out: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside OUT and put it in OUT's place in one step."""
    temporary = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name[:40]}-", suffix=_PART)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _mode_for(out))
        os.replace(temporary, out)
        temporary = None
    except OSError as problem:
        raise PackError(_sentence(problem, out)) from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
