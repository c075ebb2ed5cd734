"""What cinq's SQLite files (pad books, intercept logs) share: checking that a file is
an SQLite database before opening it, and the open/close life of the connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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


def connect(p: Path, how: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    """``how()``, with an SQLite error turned into :class:`BadInput` naming ``p``."""
    try:
        return how()
    except sqlite3.Error as exc:
        raise BadInput(f"cannot open {p}: {exc}") from None


@contextmanager
def closed_on_failure(conn: sqlite3.Connection, p: Path, *, full: str) -> Iterator[None]:
    """Close ``conn`` if the block fails; an SQLite error there (a missing table, a
    damaged file) becomes :class:`BadInput`: ``p`` is not ``full``."""
    try:
        yield
    except sqlite3.Error as exc:
        conn.close()
        raise BadInput(f"{p} is not {full} ({exc})") from None
    except UnicodeDecodeError:  # a damaged header can make SQLite answer a PRAGMA in bytes
        conn.close()
        raise BadInput(f"{p} is not {full} (its header is damaged)") from None
    except BaseException:
        conn.close()
        raise


def read_meta(
    conn: sqlite3.Connection,
    p: Path,
    *,
    full: str,
    format: str,
    version: str,
    older: Sequence[str] = (),
) -> dict[str, str]:
    """The ``meta`` table, after checking its format and version (``version``, or one
    of the ``older`` versions the caller migrates)."""
    meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("format") != format:
        raise BadInput(f"{p} is not {full} (format {meta.get('format')!r})")
    if meta.get("version") != version and meta.get("version") not in older:
        raise BadInput(
            f"{p} is {full} of format version {meta.get('version')!r}; "
            f"this cinq reads version {version}"
        )
    return meta


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
