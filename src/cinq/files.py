"""User files: read bounded and as UTF-8; written atomically.

Every file cinq writes is built in a temp file beside it (:func:`temp_beside`, named so
that the next run scrubs it if this one is killed: :mod:`cinq.tempfiles`), flushed to
disk, then put in place by :func:`put_in_place`: renamed over the old file
(:func:`atomic_write`: readers see the old file or the whole new one), or hard-linked
to a name that must be new (:func:`write_new`, pad books, intercept logs: an existing
file is never replaced). These are the only places cinq writes a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import tempfiles
from .errors import BadInput, CannotWrite

MiB = 1024 * 1024
#: The largest text (plaintext, document, cover text, pad text) cinq reads: a
#: numbers-station document is a few kilobytes; 16 MiB leaves room for whole mailboxes.
MAX_TEXT_BYTES = 16 * MiB


def size_name(limit: int) -> str:
    return f"{limit // MiB} MiB" if limit % MiB == 0 else f"{limit} bytes"


def read_limited(f: BinaryIO, name: str, what: str, limit: int) -> bytes:
    """At most ``limit`` bytes; one more is read to tell a file of exactly ``limit``
    bytes from a larger one, and nothing beyond."""
    raw = f.read(limit + 1)
    if len(raw) > limit:
        raise BadInput(f"{what} {name} is larger than {size_name(limit)}, the limit for a {what}")
    return raw


def read_file(path: Path, *, what: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of ``path``, at most ``limit``; :class:`BadInput` naming the file for a
    missing file, a folder, no permission or a file over the limit."""
    try:
        with path.open("rb") as f:
            return read_limited(f, str(path), what, limit)
    except IsADirectoryError:
        raise BadInput(f"cannot read {what} {path}: it is a folder, not a file") from None
    except FileNotFoundError:
        raise BadInput(f"cannot read {what} {path}: there is no such file") from None
    except OSError as e:
        raise BadInput(f"cannot read {what} {path}: {e.strerror or e}") from None


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark dropped); bad UTF-8 is an error with its line
    and byte column."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise BadInput(
            f"{name} is not UTF-8 text: byte 0x{raw[e.start]:02x} at line {line}, byte column {col}"
        ) from None
    return text.removeprefix("\ufeff")


def read_text_file(path: Path, *, what: str, limit: int = MAX_TEXT_BYTES) -> str:
    """:func:`read_file`, then :func:`decode_text`."""
    return decode_text(read_file(path, what=what, limit=limit), str(path))


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    The file is created with ``mode`` (before any data is in it), flushed to disk,
    then renamed over ``path``; a device or a pipe (``/dev/null``, ``/dev/stdout``) is
    written through instead. :class:`CannotWrite` naming ``path`` if that fails (a
    missing folder, a full disk, no permission): every caller, the CLI's and the
    library's, reports a failed write the same way, and ``path`` is left as it was.
    """
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    refuse_a_database(target)
    try:
        if is_special(target):
            _write_in_place(target, raw)
        else:
            _write_and_rename(target, raw, mode)
    except OSError as e:
        raise CannotWrite(f"cannot write {target}: {_reason(e)}") from None
    return target


#: The first bytes of every SQLite file: pad books and intercept logs.
SQLITE_HEADER = b"SQLite format 3\x00"


def refuse_a_database(path: Path) -> None:
    """:class:`CannotWrite` if ``path`` is a pad book or an intercept log (any SQLite
    file): no output of cinq ever replaces one. A lost receive book is every unread
    message lost, and `-o net.receive.pad` is one slip of the Tab key away."""
    try:
        # Only a regular file is opened: opening a FIFO to read would wait for a writer.
        if not stat.S_ISREG(path.stat().st_mode):
            return
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError:
        return  # nothing there (or unreadable): the write itself will say
    if head == SQLITE_HEADER:
        what = "a pad book" if path.suffix == ".pad" else "an SQLite database (a pad book or log)"
        raise CannotWrite(f"will not overwrite {path}: it is {what}; write to another file")


def is_special(path: Path) -> bool:
    """A device, a pipe or a socket (``/dev/null``, ``/dev/stdout``, a FIFO): written
    through, never renamed over (a rename would replace ``/dev/null`` itself)."""
    try:
        st = path.stat()  # through symlinks: /dev/stdout -> /proc/self/fd/1
    except OSError:
        return False
    return not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode))


def _write_in_place(target: Path, raw: bytes) -> None:
    with target.open("wb") as f:
        f.write(raw)
        f.flush()


def _write_and_rename(target: Path, raw: bytes, mode: int) -> None:
    # A name the next run recognises and scrubs if this process is killed before the
    # rename (the data may be pad digits: pad export, print pads).
    with temp_beside(target, mode=mode) as temp:
        temp.write(raw)
        put_in_place(temp, target, replace=True)


@dataclass(frozen=True)
class TempFile:
    """A temp file being built beside its final name: an open descriptor and a path."""

    fd: int
    path: Path

    def write(self, data: bytes) -> None:
        """Append all of ``data`` (``os.write`` may write less than it is given)."""
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]


@contextlib.contextmanager
def temp_beside(final: Path, *, mode: int = 0o600) -> Iterator[TempFile]:
    """A new temp file, mode ``mode`` from the start, in the folder of ``final`` (after
    sweeping that folder of temp files left by killed runs). When the block ends,
    however it ends, the descriptor is closed and the temp name removed: what
    :func:`put_in_place` put in place stays. ``OSError`` if it cannot be created."""
    fd, tmp = tempfiles.create(final)
    try:
        if mode != 0o600:  # mkstemp's own mode
            os.fchmod(fd, mode)
        yield TempFile(fd, tmp)
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def put_in_place(temp: TempFile, final: Path, *, replace: bool) -> None:
    """Flush ``temp`` to disk, then make it ``final``: renamed over whatever is there
    (``replace``), or hard-linked to a name that must not exist yet
    (``FileExistsError`` if it does; nothing is ever overwritten). The folder is
    flushed too, so the new name survives a power cut."""
    os.fsync(temp.fd)
    if replace:
        os.replace(temp.path, final)
    else:
        os.link(temp.path, final)
    fsync_folder(final.parent if str(final.parent) else Path("."))


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a new or renamed name in it) to disk, where the
    filesystem can (some cannot sync a folder: that is no failure of the write)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def write_new(
    final: Path, data: bytes, *, mode: int = 0o600, times: tuple[int, int] | None = None
) -> Path:
    """``data`` as a new file ``final`` (mode ``mode``, access and modification
    ``times`` in ns if given), never over an existing one: ``FileExistsError`` then,
    ``OSError`` for any other failure, and no file is left behind either way."""
    with temp_beside(final, mode=mode) as temp:
        temp.write(data)
        if times is not None:
            os.utime(temp.fd, ns=times)
        put_in_place(temp, final, replace=False)
    return final


def _reason(e: OSError) -> str:
    """Why a write failed, in words (the folder, not the temp file, is what the user
    knows about)."""
    if isinstance(e, FileNotFoundError):
        return "the folder does not exist"
    if isinstance(e, IsADirectoryError):
        return "it is a folder"
    return e.strerror or str(e)
