"""Where a station keeps its network: one schema, two engines.

* **SQLite** (the default: a station is one file, like a pad book). Page digits are
  stored as they are; the file runs with ``secure_delete`` and a rollback journal, so
  a burned page's digits are overwritten in the file itself (as in :mod:`cinq.book`).
  Writers take the whole file (``BEGIN IMMEDIATE``), so pages are handed out one
  writer at a time. SQLite has no users: whoever can write the file is supervisor.
* **PostgreSQL** (``postgresql://...``): several operators on several machines. A page
  is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` and marked *taken* in a
  transaction committed before its digits are used: a process killed after that wastes
  the page (it is found and spoiled later), it never gives it out twice. Page digits
  are sealed under per-page keys held in a key file outside the database
  (:mod:`.keys`); burning destroys the key. Roles are the database's own: members of
  the station's operator role may queue, transmit and read replies, members of its
  supervisor role may also add, import and export agents; the audit log accepts
  inserts only, from anyone, and names the database user who acted. The roles are
  the station's own (:func:`role_names`), and nobody else may connect to its database.

In both engines the database itself refuses what must never happen, whatever client
writes to it: a page goes ``unused → taken → used`` or ``→ spoiled`` and never back,
its digits can only be erased, no page or audit entry is ever deleted, and a page is in
at most one message (``UNIQUE``).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .. import files
from ..errors import BadInput, CinqError, KeyManagementError
from .keys import KeyFile

FORMAT = "cinq-network"
VERSION = "1"

# The states of a page and the only moves between them (enforced by triggers).
# unused -> used: a receive page, read (in the transaction that verifies the message).
MOVES = (
    ("unused", "taken"),
    ("taken", "used"),
    ("taken", "spoiled"),
    ("unused", "spoiled"),
    ("unused", "used"),
)


class NotPermitted(KeyManagementError):
    """The database refused the action to this user (its role). Exit code 3."""


class Unreachable(BadInput):
    """The database cannot be reached or opened. Exit code 2."""


class Row(Protocol):
    def __getitem__(self, i: int) -> Any: ...


class Cursor(Protocol):
    """What both engines' connections offer inside a transaction."""

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any: ...


_MOVES_SQL = " OR ".join(f"(OLD.state = '{a}' AND NEW.state = '{b}')" for a, b in MOVES)
_SAME = (
    "NEW.id = OLD.id AND NEW.agent = OLD.agent AND NEW.book = OLD.book "
    "AND NEW.number = OLD.number AND NEW.page_id = OLD.page_id "
    "AND (OLD.received IS NULL OR NEW.received = OLD.received)"
)


def _tables(serial: str, blob: str, boolean: str) -> list[str]:
    return [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE agent (
            name TEXT PRIMARY KEY, lang TEXT NOT NULL, groups_per_page INTEGER NOT NULL,
            created_at TEXT NOT NULL, exported_at TEXT, burned_at TEXT)""",
        f"""CREATE TABLE page (
            id {serial}, agent TEXT NOT NULL REFERENCES agent (name),
            book TEXT NOT NULL CHECK (book IN ('send', 'receive')),
            number INTEGER NOT NULL, page_id TEXT NOT NULL, digits {blob}, key_slot INTEGER,
            state TEXT NOT NULL DEFAULT 'unused'
                CHECK (state IN ('unused', 'taken', 'used', 'spoiled')),
            taken_by TEXT, taken_at TEXT, received TEXT,
            UNIQUE (agent, book, number), UNIQUE (agent, book, page_id),
            CHECK ((state IN ('unused', 'taken')) = (digits IS NOT NULL)))""",
        "CREATE INDEX page_free ON page (agent, book, state, number)",
        f"""CREATE TABLE message (
            id {serial}, agent TEXT NOT NULL REFERENCES agent (name),
            page INTEGER NOT NULL UNIQUE REFERENCES page (id), dummy {boolean} NOT NULL,
            groups TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'cancelled')),
            queued_by TEXT NOT NULL, queued_at TEXT NOT NULL)""",
        "CREATE INDEX message_queue ON message (agent, state, dummy, id)",
        f"""CREATE TABLE transmission (
            id {serial}, agent TEXT NOT NULL REFERENCES agent (name), at TEXT NOT NULL,
            frequency_khz INTEGER, message INTEGER NOT NULL UNIQUE REFERENCES message (id),
            sent_by TEXT NOT NULL, UNIQUE (agent, at))""",
        """CREATE TABLE slot_claim (
            agent TEXT NOT NULL REFERENCES agent (name), at TEXT NOT NULL,
            claimed_by TEXT NOT NULL, claimed_at TEXT NOT NULL, PRIMARY KEY (agent, at))""",
        f"""CREATE TABLE audit (
            id {serial}, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            agent TEXT, page_id TEXT, message INTEGER, detail TEXT)""",
    ]


_SQLITE_GUARDS = [
    f"""CREATE TRIGGER page_moves BEFORE UPDATE ON page
        WHEN NOT (({_MOVES_SQL}) AND {_SAME}
                  AND (NEW.digits IS NULL OR NEW.digits = OLD.digits))
        BEGIN SELECT RAISE(ABORT, 'a page never moves back, changes identity or gains digits');
        END""",
    """CREATE TRIGGER page_kept BEFORE DELETE ON page
        BEGIN SELECT RAISE(ABORT, 'pages are never deleted'); END""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

_PG_GUARDS = [
    f"""CREATE FUNCTION cinq_page_moves() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'pages are never deleted'; END IF;
            IF NOT (({_MOVES_SQL}) AND {_SAME}
                    AND (NEW.digits IS NULL OR NEW.digits = OLD.digits)) THEN
                RAISE EXCEPTION 'a page never moves back, changes identity or gains digits';
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER page_moves BEFORE UPDATE OR DELETE ON page
        FOR EACH ROW EXECUTE FUNCTION cinq_page_moves()""",
    """CREATE FUNCTION cinq_audit_append() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN RAISE EXCEPTION 'the audit log is append-only'; END IF;
            -- who acted, and when, is the database's word, not the client's
            NEW.actor := session_user;
            NEW.at := to_char(clock_timestamp() AT TIME ZONE 'UTC',
                              'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00';
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER audit_append BEFORE INSERT OR UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION cinq_audit_append()""",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION cinq_audit_append()",
]


def role_names(station_id: str) -> tuple[str, str]:
    """The operator and supervisor roles of one station: its own, so that a user
    granted a role at one station of a server has none at another."""
    return f"cinq_{station_id}_operator", f"cinq_{station_id}_supervisor"


def _pg_roles(station_id: str) -> list[str]:
    """The station's roles and what each may do; the database is closed to everyone
    else (``CONNECT`` is taken from ``PUBLIC``)."""
    op, sup = role_names(station_id)
    return [
        f"CREATE ROLE {op} NOLOGIN",
        f"CREATE ROLE {sup} NOLOGIN",
        f"GRANT {op} TO {sup}",
        """DO $$ BEGIN
            EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC',
                           current_database());
        END $$""",
        f"""DO $$ BEGIN
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO {op}', current_database());
        END $$""",
        f"GRANT SELECT ON meta, agent, page, message, transmission, audit, slot_claim TO {op}",
        f"GRANT UPDATE (state, digits, taken_by, taken_at, received) ON page TO {op}",
        f"GRANT INSERT ON message, transmission, audit, slot_claim TO {op}",
        f"GRANT UPDATE (claimed_by, claimed_at) ON slot_claim TO {op}",
        f"GRANT UPDATE (state) ON message TO {op}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {op}",
        f"GRANT INSERT ON agent, page TO {sup}",
        f"GRANT UPDATE (exported_at, burned_at) ON agent TO {sup}",
    ]


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


class Database:
    """A station's database: a connection, its dialect, and its page keys (PostgreSQL).

    ``write()`` is a transaction that takes what it needs (``BEGIN IMMEDIATE`` on
    SQLite, row locks on PostgreSQL); ``lock_free`` is the clause that makes a page
    query skip pages another transaction holds.
    """

    engine: str
    lock_free: str
    address: str

    def write(self) -> contextlib.AbstractContextManager[Cursor]:
        raise NotImplementedError

    def read(self) -> contextlib.AbstractContextManager[Cursor]:
        raise NotImplementedError

    def seal(self, slot: int | None, digits: bytes, aad: bytes) -> bytes:
        return digits

    def unseal(self, slot: int | None, stored: bytes, aad: bytes) -> bytes:
        return stored

    def new_slots(self, count: int) -> list[int | None]:
        return [None] * count

    def shred(self, slots: Sequence[int | None]) -> None:
        """Nothing to do on SQLite: erasing the digits overwrites them in the file."""

    def close(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.address!r})"


class SqliteDatabase(Database):
    engine = "sqlite"
    lock_free = ""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.address = str(path)
        self._conn = conn

    @classmethod
    def create(cls, path: Path, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        """A new station file holding ``statements`` run in order: built whole in a
        temporary file (0600) and then linked into place, never over an existing file,
        so no half-made station is ever seen."""
        try:
            with files.temp_beside(path) as temp:
                conn = sqlite3.connect(temp.path, isolation_level=None)
                try:
                    conn.execute("PRAGMA secure_delete = ON")
                    conn.execute("BEGIN")
                    for sql, params in statements:
                        conn.execute(sql, params)
                    conn.execute("COMMIT")
                finally:
                    conn.close()
                files.put_in_place(temp, path, replace=False)
        except FileExistsError:
            raise BadInput(f"{path} exists: a station is never overwritten") from None
        except (OSError, sqlite3.Error) as exc:
            raise Unreachable(f"cannot create station {path}: {exc}") from None

    @classmethod
    def open(cls, path: Path) -> SqliteDatabase:
        if not path.is_file():
            raise Unreachable(f"no station at {path}: the file does not exist")
        uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=rw"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=60.0, isolation_level=None)
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise Unreachable(f"cannot open station {path}: {exc}") from None
        return cls(path, conn)

    @contextlib.contextmanager
    def _tx(self, begin: str) -> Iterator[Cursor]:
        self._conn.execute(begin)
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def write(self) -> contextlib.AbstractContextManager[Cursor]:
        return _translated(self._tx("BEGIN IMMEDIATE"), self.address)

    def read(self) -> contextlib.AbstractContextManager[Cursor]:
        return _translated(self._tx("BEGIN"), self.address)

    @staticmethod
    def schema() -> list[str]:
        return [*_tables("INTEGER PRIMARY KEY", "BLOB", "INTEGER"), *_SQLITE_GUARDS]

    def close(self) -> None:
        self._conn.close()


class _PgCursor:
    """A psycopg cursor taking ``?`` placeholders, as SQLite's do."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        if not params:  # no placeholders: '%' is SQL's own (format('%I', ...))
            return self._conn.execute(sql)
        return self._conn.execute(_pg(sql), params)


class PostgresDatabase(Database):
    engine = "postgresql"
    lock_free = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str, conn: Any, keys: KeyFile | None) -> None:
        self.address = _without_password(url)
        self._url = url
        self._conn = conn
        self.keys = keys

    @classmethod
    def open(cls, url: str, keys: KeyFile | None) -> PostgresDatabase:
        import psycopg

        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise Unreachable(
                f"cannot reach {_without_password(url)}: {_first_line(exc)}"
            ) from None
        return cls(url, conn, keys)

    def _keys(self) -> KeyFile:
        if self.keys is None:
            raise KeyManagementError(
                "this station keeps its page keys in a key file: give it (--key-file)"
            )
        return self.keys

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Cursor]:
        with self._conn.transaction():
            yield _PgCursor(self._conn)

    def write(self) -> contextlib.AbstractContextManager[Cursor]:
        return _translated(self._tx(), self.address)

    read = write

    def seal(self, slot: int | None, digits: bytes, aad: bytes) -> bytes:
        assert slot is not None
        return self._keys().seal(slot, digits, aad)

    def unseal(self, slot: int | None, stored: bytes, aad: bytes) -> bytes:
        assert slot is not None
        return self._keys().open(slot, bytes(stored), aad)

    def new_slots(self, count: int) -> list[int | None]:
        return list(self._keys().allocate(count))

    def shred(self, slots: Sequence[int | None]) -> None:
        self._keys().shred([s for s in slots if s is not None])

    @staticmethod
    def schema(station_id: str) -> list[str]:
        return [
            *_tables("BIGSERIAL PRIMARY KEY", "BYTEA", "BOOLEAN"),
            *_PG_GUARDS,
            *_pg_roles(station_id),
        ]

    def close(self) -> None:
        self._conn.close()


@contextlib.contextmanager
def _translated(tx: contextlib.AbstractContextManager[Cursor], where: str) -> Iterator[Cursor]:
    """The engines' errors as cinq's: a refused privilege is :class:`NotPermitted`, a
    lost connection :class:`Unreachable`, a broken rule :class:`KeyManagementError`."""
    try:
        with tx as cur:
            yield cur
    except sqlite3.IntegrityError as exc:
        raise KeyManagementError(f"station {where} refused the change: {exc}") from None
    except sqlite3.Error as exc:
        raise Unreachable(f"station {where}: {exc}") from None
    except CinqError:
        raise
    except Exception as exc:
        raise _pg_error(exc, where) from None


def _pg_error(exc: Exception, where: str) -> Exception:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - only PostgreSQL errors reach here
        return exc
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return NotPermitted(f"the database refused: {_first_line(exc)}")
    if isinstance(exc, psycopg.errors.IntegrityError | psycopg.errors.RaiseException):
        return KeyManagementError(f"station {where} refused the change: {_first_line(exc)}")
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return Unreachable(f"lost the database {where}: {_first_line(exc)}")
    return exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _without_password(url: str) -> str:
    return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", url)


@dataclass(frozen=True)
class Address:
    """Where a station lives: an SQLite file or a PostgreSQL URL."""

    text: str

    @property
    def is_postgres(self) -> bool:
        return self.text.startswith(("postgresql://", "postgres://"))

    def open(self, *, keys: KeyFile | None) -> Database:
        if self.is_postgres:
            try:
                return PostgresDatabase.open(self.text, keys)
            except ImportError:
                from ..extras import require

                require("network", feature="a station on PostgreSQL")
                raise
        return SqliteDatabase.open(Path(self.text))
