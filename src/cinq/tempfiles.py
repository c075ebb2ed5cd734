"""Temporary files that may hold secrets (pad digits), named so that the next run can
clean up after a process that was killed.

A file that is being built before it is linked or renamed into place cannot be unlinked
at once, so it is named ``.<final name>.cinq-tmp-<pid>-<random>``. Whoever creates
such a file, or opens a pad book, in a folder first sweeps that folder: a temp file of
a process that no longer runs is overwritten with zeros and removed (only its name is
removed when it has already been linked into place under another name). SQLite's own
``-journal`` beside such a temp file has the same prefix and is swept with it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

MARK = ".cinq-tmp-"


def create(final: Path) -> tuple[int, Path]:
    """A new mode-0600 temp file beside ``final`` (after sweeping its folder): an open
    file descriptor and its path."""
    folder = final.parent if str(final.parent) else Path(".")
    sweep(folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}{MARK}{os.getpid()}-", dir=folder)
    return fd, Path(tmp)


def _owner(name: str) -> int | None:
    """The process ID written into a temp file's name, or None if it is not one."""
    if not name.startswith(".") or MARK not in name:
        return None
    pid = name.rsplit(MARK, 1)[1].split("-", 1)[0]
    return int(pid) if pid.isascii() and pid.isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or a pid we cannot ask about): keep
    return True


def sweep(folder: Path) -> list[Path]:
    """Scrub and remove the temp files in ``folder`` left by processes that are gone;
    returns their paths. Errors (a folder we cannot list or write) are ignored: the
    sweep is a courtesy, the next run tries again."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = _owner(entry.name)
        if pid is None or _alive(pid) or not entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            scrub(Path(entry.path))
            removed.append(Path(entry.path))
    return removed


def scrub(path: Path) -> None:
    """Overwrite a file with zeros, then remove it.

    A temp file that already has another name (a process killed after linking a new
    pad book into place but before removing the temp name) only loses its temp name:
    zeroing it would zero the book it became.
    """
    with path.open("r+b") as f:
        if os.fstat(f.fileno()).st_nlink > 1:
            path.unlink()
            return
        size = f.seek(0, os.SEEK_END)
        f.seek(0)
        block = bytes(min(size, 1 << 20))
        while size > 0:
            f.write(block[: min(size, len(block))])
            size -= len(block)
        f.flush()
        os.fsync(f.fileno())
    path.unlink()
