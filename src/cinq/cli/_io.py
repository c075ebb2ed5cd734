"""Shared plumbing of the CLI commands: reading input, writing output."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ..errors import BadInput, CannotWrite
from ..files import atomic_write

err = Console(stderr=True, highlight=False)


def notice(text: str) -> None:
    """A line for the user on stderr (never data)."""
    err.print(escape(text), soft_wrap=True)


def read_text(path: Path | None, *, what: str = "input") -> str:
    """UTF-8 text from a file or stdin ('-' or None); bad UTF-8 is an error with its
    byte offset."""
    if path is None or str(path) == "-":
        raw = sys.stdin.buffer.read()
        name = "standard input"
    else:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise BadInput(f"cannot read {what} {path}: {e.strerror}") from None
        name = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise BadInput(
            f"{name} is not UTF-8 text: byte 0x{raw[e.start]:02x} at line {line}, byte column {col}"
        ) from None
    return text.removeprefix("\ufeff")


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
    if out.is_dir():
        raise CannotWrite(f"cannot write {what} {out}: it is a folder")
    if not parent.is_dir():
        raise CannotWrite(f"cannot write {what} {out}: there is no folder {parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CannotWrite(f"cannot write {what} {out}: folder {parent} is not writable")
    if out.exists() and not os.access(out, os.W_OK):
        raise CannotWrite(f"cannot write {what} {out}: the file is read-only")


def write_output(text: str, out: Path | None, *, mode: int = 0o644) -> None:
    """To stdout, or atomically to a file. :class:`CannotWrite` if that fails (a full
    disk, a closed pipe, a folder removed meanwhile); a file is then left untouched."""
    try:
        if is_stdout(out):
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            assert out is not None
            atomic_write(out, text, mode=mode)
    except OSError as e:
        where = "standard output" if is_stdout(out) else str(out)
        raise CannotWrite(f"cannot write {where}: {e.strerror or e}") from None
