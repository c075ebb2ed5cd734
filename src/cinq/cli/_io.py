"""Shared plumbing of the CLI commands: reading input, writing output."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ..errors import BadInput
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


def write_output(text: str, out: Path | None, *, mode: int = 0o644) -> None:
    """To stdout, or atomically to a file."""
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(out, text, mode=mode)
