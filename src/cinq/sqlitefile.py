"""What cinq's SQLite files (pad books, intercept logs) share: checking that a file is
an SQLite database before opening it, and the open/close life of the connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Self

from .errors import BadInput

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_sqlite_file(p: Path, *, short: str, full: str) -> None:
    """:class:`BadInput` unless ``p`` is a readable SQLite file. ``short`` and ``full``
    name the kind of file in the messages ("a pad book", "a cinq pad book")."""
    if not p.is_file():
        raise BadInput(f"{p} is not a file, so not {short}")
    try:
        with p.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BadInput(f"cannot read {p}: {exc.strerror}") from None
    if head != SQLITE_MAGIC:
        raise BadInput(f"{p} is not {full} (not an SQLite database)")


class SqliteHandle:
    """An open SQLite file: ``close()`` (idempotent) or a ``with`` block."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = conn

    def close(self) -> None:
        """Close the database connection (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
