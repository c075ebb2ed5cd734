"""Shared plumbing of the CLI commands: reading input, writing output, waiting.

Every input is bounded: a file larger than its limit is refused before it is read
whole, so no command can be made to allocate without end.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CannotWrite
from ..files import (
    MAX_TEXT_BYTES,
    atomic_write,
    decode_text,
    is_special,
    read_file,
    read_limited,
    refuse_a_database,
)
from ..pdftext import MAX_PDF_BYTES, document_text, is_pdf

if TYPE_CHECKING:
    from rich.console import Console

    err: Console  # made by __getattr__ on first use


@functools.cache
def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def __getattr__(name: str) -> Console:
    """``err``, the Rich console on stderr, made on first use (PEP 562): Rich takes
    about as long to load as a quiet command takes to run, and a command that succeeds
    says at most a plain line (:func:`notice`)."""
    if name == "err":
        return _stderr_console()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def notice(text: str) -> None:
    """A line for the user on stderr (never data), as is: no markup, no Rich."""
    print(text, file=sys.stderr)


def read_bytes(path: Path | None, *, what: str = "input", limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a file or of stdin ('-' or None), at most ``limit`` of them.

    :class:`BadInput` naming the file for a missing file, a folder, no permission or a
    file over the limit. On a terminal, stdin is prompted for first.
    """
    if path is None or str(path) == "-":
        _prompt(what)
        return read_limited(sys.stdin.buffer, "on standard input", what, limit)
    return read_file(path, what=what, limit=limit)


def _prompt(what: str) -> None:
    # A user who typed `cinq encrypt --book b.pad` and nothing else sees a hint, not
    # a silent wait; a pipe or a file on stdin gets no prompt.
    with contextlib.suppress(ValueError, OSError):
        if sys.stdin.isatty():
            print(f"Type the {what}, then Ctrl-D on a new line:", file=sys.stderr)


def _name(path: Path | None) -> str:
    return "standard input" if path is None or str(path) == "-" else str(path)


def read_text(path: Path | None, *, what: str = "input", limit: int = MAX_TEXT_BYTES) -> str:
    """UTF-8 text from a file or stdin ('-' or None), at most ``limit`` bytes (16 MiB
    by default); bad UTF-8 is an error with its byte offset."""
    return decode_text(read_bytes(path, what=what, limit=limit), _name(path))


def read_document(path: Path | None, *, what: str = "document", limit: int = MAX_TEXT_BYTES) -> str:
    """Like :func:`read_text`, but a PDF (a ``.pdf`` file, or PDF bytes on stdin) is
    turned into text by ``pdftotext -layout`` (poppler-utils) first; its text is held
    to the same ``limit`` (:func:`cinq.pdftext.document_text`)."""
    pdf_name = path is not None and is_pdf(b"", path)
    raw = read_bytes(path, what=what, limit=max(limit, MAX_PDF_BYTES) if pdf_name else limit)
    return document_text(raw, _name(path), limit=limit)


def strip_final_newline(text: str) -> str:
    """Drop one trailing line break, the one every Unix text file ends with."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text.removesuffix("\n")


def is_stdout(out: Path | None) -> bool:
    return out is None or str(out) == "-"


def check_writable(out: Path | None, *, what: str = "output") -> None:
    """:class:`CannotWrite` unless ``out`` can be written (stdout always can, as far as
    can be known in advance). Call it before any work, above all before a pad page is
    taken: a missing folder, a directory in the way or a read-only folder is refused
    with nothing consumed."""
    if is_stdout(out):
        return
    assert out is not None
    parent = out.parent if str(out.parent) else Path(".")
    if is_special(out):  # /dev/null, /dev/stdout, a FIFO: written through, in place
        if not os.access(out, os.W_OK):
            raise CannotWrite(f"cannot write {what} {out}: permission denied")
        return
    if out.is_dir():
        raise CannotWrite(f"cannot write {what} {out}: it is a folder")
    refuse_a_database(out)
    if parent.exists() and not parent.is_dir():
        raise CannotWrite(f"cannot write {what} {out}: {parent} is a file, not a folder")
    if not parent.is_dir():
        raise CannotWrite(f"cannot write {what} {out}: there is no folder {parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CannotWrite(f"cannot write {what} {out}: folder {parent} is not writable")
    if out.exists() and not os.access(out, os.W_OK):
        raise CannotWrite(f"cannot write {what} {out}: the file is read-only")


def check_folder(folder: Path, *, what: str = "output folder") -> None:
    """:class:`CannotWrite` unless ``folder`` is a writable folder or can be made as a
    new folder in one that exists (a typo in a parent is refused rather than a tree of
    folders created)."""
    if folder.exists():
        if not folder.is_dir():
            raise CannotWrite(f"cannot write {what} {folder}: it is a file, not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise CannotWrite(f"cannot write {what} {folder}: the folder is not writable")
        return
    check_writable(folder, what=what)


def write_output(text: str, out: Path | None, *, mode: int = 0o644) -> None:
    """To stdout, or atomically to a file. :class:`CannotWrite` if that fails (a full
    disk, a closed pipe, a folder removed meanwhile); a file is then left untouched."""
    if not is_stdout(out):
        assert out is not None
        atomic_write(out, text, mode=mode)  # CannotWrite naming the file
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as e:
        raise CannotWrite(f"cannot write standard output: {stdout_reason(e)}") from None


def stdout_reason(e: OSError) -> str:
    """Why standard output failed, in words."""
    if isinstance(e, BrokenPipeError):
        return "the pipe was closed (the command reading it stopped)"
    return e.strerror or str(e)


@contextlib.contextmanager
def progress(what: str) -> Iterator[None]:
    """A spinner with ``what`` on stderr while the block runs, when stderr is a
    terminal (never in a pipe or a log file, never on stdout)."""
    from rich.markup import escape

    err = _stderr_console()
    if not err.is_terminal:
        yield
        return
    with err.status(escape(what)):
        yield
