"""A received document's text, from a text file or from a PDF.

A PDF is turned into text by ``pdftotext -layout`` (poppler-utils): its groups keep
their lines, so :meth:`cinq.document.Document.parse` finds them as in a text file. The
tool runs bounded: at most :data:`PDFTOTEXT_SECONDS`, and no more text read from it
than the limit the text itself is held to (a small PDF can expand to far more text).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import BadInput
from .files import MAX_TEXT_BYTES, MiB, decode_text, read_file, size_name

__all__ = [
    "MAX_PDF_BYTES",
    "PDFTOTEXT_SECONDS",
    "document_text",
    "is_pdf",
    "pdf_to_text",
    "read_document_file",
]

MAX_PDF_BYTES = 64 * MiB
"""The largest PDF handed to ``pdftotext`` (scans of a few hundred pages)."""
PDFTOTEXT_SECONDS = 60
"""How long ``pdftotext`` may run before the document is refused."""


def is_pdf(raw: bytes, name: str | os.PathLike[str] | None = None) -> bool:
    """Whether a document is a PDF: its name ends in ``.pdf`` (any case), or its bytes
    start as a PDF's do (``%PDF-``: a PDF on standard input)."""
    named = name is not None and Path(name).suffix.lower() == ".pdf"
    return named or raw.startswith(b"%PDF-")


def document_text(
    raw: bytes, name: str, *, pdf: bool | None = None, limit: int = MAX_TEXT_BYTES
) -> str:
    """The text of a received document, held as bytes.

    Parameters
    ----------
    raw
        The document: UTF-8 text, or a PDF.
    name
        What to call it in an error (a file name, "standard input").
    pdf
        Whether it is a PDF; None: :func:`is_pdf` decides from ``raw`` and ``name``.
    limit
        The most bytes of text (a PDF's text is held to it too).

    Raises
    ------
    BadInput
        Bad UTF-8 (with its byte offset), or a PDF ``pdftotext`` cannot read, would take
        too long over, or whose text is over ``limit``.
    """
    if not (is_pdf(raw, name) if pdf is None else pdf):
        return decode_text(raw, name)
    return decode_text(pdf_to_text(raw, name, limit=limit), f"the text of {name}")


def read_document_file(
    path: str | os.PathLike[str], *, what: str = "document", limit: int = MAX_TEXT_BYTES
) -> str:
    """The text of the document in the file at ``path``: a PDF (``.pdf``, up to
    :data:`MAX_PDF_BYTES`) through ``pdftotext``, any other file as UTF-8 of at most
    ``limit`` bytes. :class:`BadInput` naming the file for any problem."""
    p = Path(path)
    pdf_name = is_pdf(b"", p)
    raw = read_file(p, what=what, limit=max(limit, MAX_PDF_BYTES) if pdf_name else limit)
    return document_text(raw, str(p), limit=limit)


@dataclass(frozen=True)
class _Ran:
    """What a bounded run of a tool gave."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool


def pdf_to_text(pdf: bytes, name: str, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The text of a PDF, laid out as on the page (``pdftotext -layout``): at most
    ``limit`` bytes of it, within :data:`PDFTOTEXT_SECONDS`.

    Raises
    ------
    BadInput
        ``pdftotext`` is not installed, fails on the PDF, runs too long, or its text is
        over ``limit``; the error names the PDF.
    """
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
