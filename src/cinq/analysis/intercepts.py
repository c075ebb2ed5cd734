"""The intercept log: messages heard on the air, kept in an SQLite file.

Each intercept records the station designation ("E11"), when it was heard (ISO 8601,
stored in UTC), the frequency in kHz, its five-figure groups and optional cover text,
signature and notes; a digit nobody could read is logged as ``?``. A new log is built
in a temporary file and linked into place, so no half-created log ever exists and an
existing file is never overwritten.
"""

from __future__ import annotations

import builtins
import contextlib
import math
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .. import files
from ..digits import check_group
from ..errors import BadInput
from ..sqlitefile import SqliteHandle, check_sqlite_file, closed_on_failure, connect, read_meta

__all__ = ["FORMAT", "VERSION", "Intercept", "InterceptLog"]

FORMAT = "cinq-intercepts"
VERSION = "1"
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE intercept (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        station TEXT NOT NULL,
        heard_at TEXT NOT NULL,
        khz REAL CHECK (khz IS NULL OR khz > 0),
        groups TEXT NOT NULL,
        cover TEXT,
        signature TEXT,
        notes TEXT,
        added_at TEXT NOT NULL
    )""",
)
_COLUMNS = "id, station, heard_at, khz, groups, signature, notes, cover, added_at"


@dataclass(frozen=True)
class Intercept:
    """One logged message. ``when`` and ``added_at`` are ISO 8601 UTC."""

    id: int
    station: str
    when: str
    khz: float | None
    groups: tuple[str, ...]
    signature: str | None
    notes: str | None
    cover: str | None = None
    added_at: str = ""

    @classmethod
    def _of(cls, row: Sequence[Any]) -> Intercept:
        return cls(row[0], row[1], row[2], row[3], tuple(row[4].split()), *row[5:])

    def to_json(self) -> dict[str, object]:
        """Every field as a JSON-ready dict (``cinq intercepts export``)."""
        return asdict(self) | {"groups": list(self.groups)}

    def summary(self) -> dict[str, object]:
        """Id, station, time, frequency, how many groups and the first one (the
        indicator), as a JSON-ready dict (a row of ``cinq intercepts list --json``)."""
        return {
            "id": self.id,
            "station": self.station,
            "when": self.when,
            "khz": self.khz,
            "groups": len(self.groups),
            "first_group": self.groups[0] if self.groups else None,
        }


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(text: str | None) -> str:
    """``text`` (ISO 8601; naive means UTC) as UTC; a bare date stays a date."""
    if text is None:
        return _utc(datetime.now(UTC))
    if not isinstance(text, str):
        raise BadInput(f"date and time {text!r} must be ISO 8601 text")
    s = text.strip()
    try:
        if len(s) == 10:
            return date.fromisoformat(s).isoformat()
        moment = datetime.fromisoformat(s)
    except (ValueError, TypeError):
        raise BadInput(f"date and time {text!r} is not ISO 8601 (e.g. 2026-11-20T18:00Z)") from None
    return _utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _check_groups(groups: Sequence[str]) -> tuple[str, ...]:
    if isinstance(groups, str):
        groups = groups.split()
    out = tuple(groups)
    if not out:
        raise BadInput("an intercept needs at least one group")
    for n, g in enumerate(out, 1):
        # "?" is a digit the monitor could not read: logged as heard.
        check_group(g, unknown_allowed=True, name=f"group {n}")
    return out


def _text(value: str | None, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadInput(f"{what} must be text")
    return value if value and value.strip() else None


class InterceptLog(SqliteHandle):
    """An open intercept log; use :meth:`open`, then :meth:`close` or a ``with`` block."""

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> InterceptLog:
        """Open the log at ``path``, creating it if missing and ``create`` is true.

        Raises:
            BadInput: The file is missing (``create=False``) or is not an intercept log.
        """
        p = Path(path)
        if not os.path.lexists(p):
            if not create:
                raise BadInput(f"no intercept log at {p}: the file does not exist")
            _create(p)
        check_sqlite_file(p, short="an intercept log", full="an intercept log")
        conn = connect(p, lambda: sqlite3.connect(p, timeout=30.0))
        with closed_on_failure(conn, p, full="an intercept log"):
            read_meta(conn, p, full="an intercept log", format=FORMAT, version=VERSION)
            conn.execute(f"SELECT {_COLUMNS} FROM intercept LIMIT 0")
        return cls(p, conn)

    def __repr__(self) -> str:
        return f"InterceptLog({str(self._path)!r})"

    @property
    def path(self) -> Path:
        return self._path

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError(f"intercept log {self._path} is closed")
        return self._conn

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection; a damaged file found only now (a page deep inside) is a
        :class:`BadInput` naming the log, not an internal error."""
        try:
            yield self._db()
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"intercept log {self._path} is damaged: {exc}") from None

    def add(
        self,
        station: str,
        groups: Sequence[str],
        *,
        when: str | None = None,
        khz: float | None = None,
        signature: str | None = None,
        notes: str | None = None,
        cover: str | None = None,
    ) -> Intercept:
        """Log a message; ``when`` defaults to now. Raises :class:`BadInput` if invalid."""
        if not isinstance(station, str) or not station.strip() or not station.isprintable():
            raise BadInput(f"station {station!r} must be printable and not empty")
        gs = _check_groups(groups)
        heard = _when(when)
        if khz is not None:
            if isinstance(khz, bool) or not isinstance(khz, int | float) or not math.isfinite(khz):
                raise BadInput(f"frequency {khz!r} is not a number of kHz")
            if khz <= 0:
                raise BadInput(f"frequency {khz:g} kHz must be positive")
            khz = float(khz)
        texts = (_text(cover, "cover"), _text(signature, "signature"), _text(notes, "notes"))
        row = (station.strip(), heard, khz, " ".join(gs), *texts, _utc(datetime.now(UTC)))
        with self._reading() as db, db:
            cur = db.execute(
                "INSERT INTO intercept (station, heard_at, khz, groups, cover, signature, notes, "
                "added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return self.get(cur.lastrowid or 0)

    def list(self, *, station: str | None = None) -> list[Intercept]:
        """Logged messages by time heard (then id), optionally only one station's.

        A designation matches in any case (``e11`` finds ``E11``): monitors write them
        both ways.
        """
        sql = f"SELECT {_COLUMNS} FROM intercept ORDER BY heard_at, id"
        with self._reading() as db:
            rows = db.execute(sql).fetchall()
        items = [self._intercept(r) for r in rows]
        if station is None:
            return items
        wanted = station.strip().casefold()
        return [i for i in items if i.station.casefold() == wanted]

    def get(self, id: int) -> Intercept:
        """The intercept with this id; :class:`BadInput` if there is none."""
        sql = f"SELECT {_COLUMNS} FROM intercept WHERE id = ?"
        with self._reading() as db:
            row = db.execute(sql, (id,)).fetchone()
        if row is None:
            raise BadInput(f"intercept log {self._path} has no message {id}")
        return self._intercept(row)

    def _intercept(self, row: Sequence[Any]) -> Intercept:
        """The row as an :class:`Intercept`; a row no cinq wrote (NULL groups, a number
        where text belongs) is a :class:`BadInput` naming the log and the row."""
        try:
            item = Intercept._of(row)
            _check_groups(item.groups)
            if not all(isinstance(x, str) for x in (item.station, item.when)):
                raise TypeError
        except (AttributeError, TypeError, ValueError, BadInput):
            raise BadInput(f"intercept log {self._path}: message {row[0]!r} is damaged") from None
        return item

    def export(self) -> builtins.list[dict[str, object]]:
        """Every intercept as a JSON-ready dict, in :meth:`list` order."""
        return [i.to_json() for i in self.list()]


def _create(final: Path) -> None:
    """Build an empty log in a temporary file beside ``final`` and link it into place
    (:func:`cinq.files.temp_beside`, :func:`cinq.files.put_in_place`)."""
    with contextlib.ExitStack() as stack:
        try:
            temp = stack.enter_context(files.temp_beside(final))
        except OSError as exc:
            raise BadInput(
                f"cannot create an intercept log in {final.parent}: {exc.strerror}"
            ) from None
        try:
            _write_empty_log(temp.path)
            with contextlib.suppress(FileExistsError):  # someone else created it: use theirs
                files.put_in_place(temp, final, replace=False)
        except OSError as exc:
            raise BadInput(f"cannot create {final}: {exc.strerror}") from None


def _write_empty_log(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            for statement in _SCHEMA:
                conn.execute(statement)
            meta = {"format": FORMAT, "version": VERSION, "created": _utc(datetime.now(UTC))}
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    finally:
        conn.close()
