"""User files: read bounded and as UTF-8; written atomically (a temp file in the same
folder, then a rename)."""

from __future__ import annotations

import contextlib
import os
import stat
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
    fd, tmp = tempfiles.create(target)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _reason(e: OSError) -> str:
    """Why a write failed, in words (the folder, not the temp file, is what the user
    knows about)."""
    if isinstance(e, FileNotFoundError):
        return "the folder does not exist"
    if isinstance(e, IsADirectoryError):
        return "it is a folder"
    return e.strerror or str(e)
