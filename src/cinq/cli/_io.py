"""Shared plumbing of the CLI commands: reading input, writing output, waiting.

Every input is bounded: a file larger than its limit is refused before it is read
whole, so no command can be made to allocate without end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.markup import escape

from ..errors import BadInput, CannotWrite
from ..files import (
    MAX_TEXT_BYTES,
    MiB,
    atomic_write,
    decode_text,
    is_special,
    read_file,
    read_limited,
    refuse_a_database,
    size_name,
)

err = Console(stderr=True, highlight=False)

#: The largest PDF handed to ``pdftotext`` (scans of a few hundred pages).
MAX_PDF_BYTES = 64 * MiB
#: How long ``pdftotext`` may run before the document is refused.
PDFTOTEXT_SECONDS = 60


def notice(text: str) -> None:
    """A line for the user on stderr (never data)."""
    err.print(escape(text), soft_wrap=True)


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
            err.print(f"Type the {escape(what)}, then Ctrl-D on a new line:")


def _name(path: Path | None) -> str:
    return "standard input" if path is None or str(path) == "-" else str(path)


def read_text(path: Path | None, *, what: str = "input", limit: int = MAX_TEXT_BYTES) -> str:
    """UTF-8 text from a file or stdin ('-' or None), at most ``limit`` bytes (16 MiB
    by default); bad UTF-8 is an error with its byte offset."""
    return decode_text(read_bytes(path, what=what, limit=limit), _name(path))


def read_document(path: Path | None, *, what: str = "document", limit: int = MAX_TEXT_BYTES) -> str:
    """Like :func:`read_text`, but a PDF (a ``.pdf`` file, or PDF bytes on stdin) is
    turned into text by ``pdftotext -layout`` (poppler-utils) first; its text is held
    to the same ``limit``."""
    is_pdf_name = path is not None and path.suffix.lower() == ".pdf"
    raw = read_bytes(path, what=what, limit=max(limit, MAX_PDF_BYTES) if is_pdf_name else limit)
    if not (is_pdf_name or raw.startswith(b"%PDF-")):
        return decode_text(raw, _name(path))
    return decode_text(pdf_to_text(raw, _name(path), limit=limit), f"the text of {_name(path)}")


@dataclass(frozen=True)
class _Ran:
    """What a bounded run of a tool gave."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool


def pdf_to_text(pdf: bytes, name: str, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The text of a PDF, laid out as on the page (``pdftotext -layout``): at most
    ``limit`` bytes of it, within :data:`PDFTOTEXT_SECONDS`."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise BadInput(
            f"cannot read PDF {name}: pdftotext is not installed "
            "(install poppler-utils, or save the document as text)"
        )
    try:
        ran = _run_bounded([exe, "-layout", "-enc", "UTF-8", "-", "-"], pdf, limit)
    except OSError as e:
        raise BadInput(f"cannot read PDF {name}: cannot run pdftotext: {e.strerror}") from None
    if ran.timed_out:
        raise BadInput(f"cannot read PDF {name}: pdftotext ran over {PDFTOTEXT_SECONDS} s")
    if len(ran.stdout) > limit:
        raise BadInput(f"the text of PDF {name} is larger than {size_name(limit)}")
    if ran.returncode != 0:
        why = ran.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BadInput(f"cannot read PDF {name}: " + (why[-1] if why else "pdftotext failed"))
    return ran.stdout


def _run_bounded(cmd: list[str], data: bytes, limit: int) -> _Ran:
    """Run ``cmd`` on ``data``; read at most ``limit`` + 1 bytes of its output (a PDF
    can expand to far more text than it is big) and kill it after the time limit."""
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdin and proc.stdout and proc.stderr
    stderr = proc.stderr
    killed: list[str] = []

    def kill(why: str) -> None:
        killed.append(why)
        proc.kill()

    timer = threading.Timer(PDFTOTEXT_SECONDS, kill, args=("time",))
    feeder = threading.Thread(target=_feed, args=(proc.stdin, data), daemon=True)
    errors: list[bytes] = []
    drain = threading.Thread(target=lambda: errors.append(_bounded_read(stderr)))
    for t in (timer, feeder, drain):
        t.start()
    out = proc.stdout.read(limit + 1)  # all of it (EOF) or one byte too many
    if len(out) > limit:
        kill("size")
    proc.stdout.close()
    proc.wait()
    timer.cancel()
    drain.join()
    return _Ran(proc.returncode, out, b"".join(errors), timed_out="time" in killed)


def _feed(pipe: IO[bytes], data: bytes) -> None:
    with contextlib.suppress(OSError):  # the tool may stop reading early
        pipe.write(data)
    with contextlib.suppress(OSError):
        pipe.close()


def _bounded_read(pipe: IO[bytes], limit: int = 64 * 1024) -> bytes:
    """Up to ``limit`` bytes, then the rest read and dropped so the writer never
    blocks."""
    kept = pipe.read(limit)
    while pipe.read(64 * 1024):
        pass
    return kept


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
    if not err.is_terminal:
        yield
        return
    with err.status(escape(what)):
        yield
