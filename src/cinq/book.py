"""Pad books: one-time-pad pages in an SQLite file, issued in matched send/receive pairs.

A book holds N pages of G five-figure groups (default 50, like a printed pad). Each
page has a random five-figure page-ID group, unique within the book, which travels in
clear as the message indicator. Books come in pairs with the same digits, page IDs and
book serial: ``NAME.send.pad`` may only encrypt, ``NAME.receive.pad`` may only decrypt
(the IN/OUT practice of printed pads).

The life of a page (:class:`PageState`): *unused*, then *used* (a message was sent or
read on it); or *issued* (a send book's page handed out to paper by ``pad export``);
or *spoiled* (taken for a message that could not be delivered); and in the end
*burned*. Issued, spoiled and burned pages have no digits left in the book and keep
nothing but their page ID and their state: no time, no message serial, no digest.

Safety rules kept here:

* a send book hands out each page at most once, even with many processes on one file:
  pages are taken in a single ``BEGIN IMMEDIATE`` transaction;
* a receive book checks that a page was not used for a different message and marks it
  read (and burns it, if asked) in one ``BEGIN IMMEDIATE`` transaction, around the
  verification and deciphering (:meth:`PadBook.receive`): two receivers at once can
  never both accept different messages on one page;
* burning a page overwrites its digits; every connection runs with
  ``PRAGMA secure_delete = ON`` and the rollback journal (never WAL), so the old digits
  do not survive anywhere in the file. A hot journal left by a killed process is rolled
  back (and deleted) by the next open, which reads the file before anything else;
* files are created mode 0600, fully built in a temporary file and then hard-linked
  into place, so an existing book is never overwritten and no half-written book exists;
  the temporary file has a name the next run recognises and scrubs if its process was
  killed (:mod:`cinq.tempfiles`);
* pad digits never appear in a ``repr``, ``str``, log or error message.

Format version 2 added the *issued* and *spoiled* states and dropped ``burned_at``;
version-1 books are migrated in place, in one transaction, when they are opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sqlite3
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from . import files, tempfiles
from .digits import GROUP, Digits, group_problem, to_groups
from .errors import BadInput, KeyManagementError, Location
from .hazmat.pad import random_digits
from .sqlitefile import SqliteHandle, check_sqlite_file, closed_on_failure, connect, read_meta

FORMAT = "cinq-pad-book"
VERSION = "2"
MAX_GROUPS = 1000
MAX_PAGES = 10**GROUP  # every page needs its own five-figure page ID
BUSY_TIMEOUT = 60.0  # seconds to wait for another process holding the book
_SERIAL_KEY = "last_message_serial"  # send books: message serials never repeat

_PAGE_TABLE = """CREATE TABLE page (
        number INTEGER PRIMARY KEY CHECK (number >= 1),
        page_id TEXT UNIQUE NOT NULL CHECK (page_id GLOB '[0-9][0-9][0-9][0-9][0-9]'),
        digits BLOB,
        state TEXT NOT NULL DEFAULT 'unused'
            CHECK (state IN ('unused', 'used', 'issued', 'burned', 'spoiled')),
        used_at TEXT,
        message_serial INTEGER,
        received TEXT,
        CHECK ((state IN ('unused', 'used')) = (digits IS NOT NULL)),
        CHECK (state IN ('unused', 'used')
               OR (used_at IS NULL AND message_serial IS NULL AND received IS NULL))
    )"""
# The indexes that make taking a page O(log N): the take query walks the unused pages
# in book order and probes each candidate's run; the next message serial is the
# largest one. ``IF NOT EXISTS``: :meth:`PadBook.open` adds them to books made before
# them (the format stays version 2; older cinq versions read such books unchanged).
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS page_by_state ON page (state, number)",
    "CREATE INDEX IF NOT EXISTS page_by_serial ON page (message_serial) "
    "WHERE message_serial IS NOT NULL",
)
_TABLES = ("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", _PAGE_TABLE)
_SCHEMA = (*_TABLES, *_INDEXES)
_INFO = "number, page_id, state, used_at, message_serial, received"
_GONE = "state = 'burned', digits = NULL, used_at = NULL, message_serial = NULL, received = NULL"


class Role(StrEnum):
    """What a book may be used for."""

    SEND = "send"
    RECEIVE = "receive"


class PageState(StrEnum):
    """The life of a page (see the module docstring)."""

    UNUSED = "unused"
    USED = "used"
    ISSUED = "issued"  # a send book's page handed out to paper: never enciphered on here
    BURNED = "burned"
    SPOILED = "spoiled"  # taken, but the message could not be delivered: never reused

    @property
    def has_digits(self) -> bool:
        return self is PageState.UNUSED or self is PageState.USED


@dataclass(frozen=True)
class PageInfo:
    """Everything about a page except its digits."""

    number: int  # 1-based position in the book
    page_id: str  # five-figure page-ID group
    state: PageState
    used_at: str | None  # ISO-8601 UTC
    message_serial: int | None
    received: str | None = None  # receive books: SHA-256 of the message read on it

    @classmethod
    def _of(cls, row: Sequence[Any]) -> PageInfo:
        return cls(
            number=row[0],
            page_id=row[1],
            state=PageState(row[2]),
            used_at=row[3],
            message_serial=row[4],
            received=row[5],
        )

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "page_id": self.page_id,
            "state": self.state.value,
            "used_at": self.used_at,
            "message_serial": self.message_serial,
        }


@dataclass(frozen=True)
class PageSpec:
    """A page to put into a new book: its ID, its digits (None for a page that has
    none: issued, burned or spoiled) and its state."""

    page_id: str
    digits: Digits | None
    state: PageState = PageState.UNUSED

    def __repr__(self) -> str:
        held = "None" if self.digits is None else f"<{np.asarray(self.digits).size} digits>"
        return f"PageSpec(page_id={self.page_id!r}, state={self.state.value}, digits={held})"


@dataclass(frozen=True)
class ExportedPage:
    """A page as ``pad export`` writes it: its info *before* the export, and its
    digits (None when the book has none: issued earlier, burned or spoiled)."""

    info: PageInfo
    digits: Digits | None

    def __repr__(self) -> str:
        held = "None" if self.digits is None else f"<{self.digits.size} digits>"
        return f"ExportedPage(info={self.info!r}, digits={held})"


@dataclass(frozen=True)
class BookStatus:
    """Counts and identity of a book; ``next_page`` is the next unused page (send books)."""

    path: Path
    name: str
    serial: str
    role: Role
    pages: int
    groups_per_page: int
    unused: int
    used: int
    burned: int
    next_page: PageInfo | None
    issued: int = 0
    spoiled: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "book": str(self.path),
            "name": self.name,
            "serial": self.serial,
            "role": self.role.value,
            "pages": self.pages,
            "groups_per_page": self.groups_per_page,
            "unused": self.unused,
            "used": self.used,
            "issued": self.issued,
            "burned": self.burned,
            "spoiled": self.spoiled,
            "next_page": self.next_page.page_id if self.next_page else None,
        }

    def to_json_text(self, pages: Iterable[PageInfo] | None = None) -> Iterator[str]:
        """:meth:`to_json` as JSON text indented by two, in pieces; with ``pages``, their
        :meth:`PageInfo.to_json` in a list under ``"page_list"``, written as the pages
        come, so a 100,000-page book is never held in memory. The pieces join to
        ``json.dumps(self.to_json() | {"page_list": [...]}, indent=2)``."""
        head = json.dumps(self.to_json(), indent=2)
        if pages is None:
            yield head
            return
        yield head[: -len("\n}")] + ',\n  "page_list": ['
        # A page's fields are flat: the C encoder with the indentation as its item
        # separator writes what indent=2 would, several times faster.
        sep = "\n    "
        for info in pages:
            flat = json.dumps(info.to_json(), separators=(",\n      ", ": "))
            yield sep + "{\n      " + flat[1:-1] + "\n    }"
            sep = ",\n    "
        yield "]\n}" if sep == "\n    " else "\n  ]\n}"


T = TypeVar("T")


@dataclass(frozen=True)
class Receipt(Generic[T]):
    """What :meth:`PadBook.receive` did: the value ``accept`` returned, the pages, their
    infos before the reading, and whether they were marked read and burned."""

    value: T
    page_ids: tuple[str, ...]
    previously: tuple[PageInfo, ...]
    marked: bool
    burned: bool


class KeyPages:
    """Consecutive pages handed to the cipher: their IDs, numbers and concatenated digits.

    ``page_ids[0]`` is the indicator group. ``key`` holds ``5 * G`` digits per page. The
    ``repr`` shows page IDs and the digit count, never the digits.
    """

    __slots__ = ("book_serial", "key", "message_serial", "numbers", "page_ids")

    def __init__(
        self,
        page_ids: Sequence[str],
        numbers: Sequence[int],
        key: Digits,
        message_serial: int | None = None,
        book_serial: str | None = None,
    ) -> None:
        if not page_ids or len(page_ids) != len(numbers):
            raise ValueError("KeyPages needs one number for each of at least one page ID")
        self.page_ids: tuple[str, ...] = tuple(page_ids)
        self.numbers: tuple[int, ...] = tuple(numbers)
        self.key: Digits = key
        self.message_serial = message_serial
        self.book_serial = book_serial

    @property
    def indicator(self) -> str:
        """The page ID of the first page, sent in clear to name the key."""
        return self.page_ids[0]

    def __repr__(self) -> str:
        return (
            f"KeyPages(page_ids={self.page_ids!r}, numbers={self.numbers!r}, "
            f"message_serial={self.message_serial!r}, key=<{len(self.key)} digits>)"
        )

    __str__ = __repr__


def check_page_id(page_id: str, *, what: str = "page ID") -> str:
    """``page_id`` if it is a five-figure group (the one rule,
    :func:`cinq.digits.group_problem`, with no ``?``), else :class:`BadInput`."""
    if not isinstance(page_id, str):
        raise BadInput(f"{what} must be a string of {GROUP} digits")
    problem = group_problem(page_id, unknown_allowed=False)
    if problem is None:
        return page_id
    if problem.offset < len(page_id) and not "0" <= page_id[problem.offset] <= "9":
        loc = Location.of_offset(page_id, problem.offset, source=what)
        raise BadInput(f"{what} must be {GROUP} digits", location=loc)
    raise BadInput(f"{what} {page_id!r} has {len(page_id)} digits, not {GROUP}")


def message_digest(message: str) -> str:
    """What a receive book remembers of a message: a SHA-256 of its groups."""
    data = message.encode("ascii") if message.isascii() else b""
    if not _single_spaced(data):  # split only when needed: a message has millions of groups
        data = " ".join(message.split()).encode("ascii")
    return hashlib.sha256(data).hexdigest()


def _single_spaced(data: bytes) -> bool:
    """Whether ``data`` is words separated by single spaces (what ``split`` and a join
    with one space would give back unchanged)."""
    return (
        bool(data)
        and data[:1] != b" "
        and data[-1:] != b" "
        and b"  " not in data
        and not any(c in data for c in b"\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")
    )


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_page_ids(n: int) -> list[str]:
    """``n`` distinct random five-figure groups, in the order first drawn."""
    ids: dict[str, None] = {}
    while len(ids) < n:
        for group in to_groups(random_digits(GROUP * max(1000, 2 * (n - len(ids))))):
            ids.setdefault(group)
            if len(ids) == n:
                break
    return list(ids)


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA secure_delete = ON")
    mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    if str(mode).lower() != "delete":
        raise sqlite3.DatabaseError(f"cannot use the rollback journal (journal mode {mode})")


_Row = tuple[int, str, bytes | None, str]  # number, page ID, digits, state: for INSERT


def _build(temp: files.TempFile, meta: dict[str, str], rows: Sequence[_Row]) -> None:
    """Write a whole book into ``temp`` (a mode-0600 temp file beside the book)."""
    conn = sqlite3.connect(temp.path, isolation_level=None)
    try:
        _configure(conn)
        conn.execute("BEGIN")
        for statement in _TABLES:
            conn.execute(statement)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.executemany(
            "INSERT INTO page (number, page_id, digits, state) VALUES (?, ?, ?, ?)", rows
        )
        for statement in _INDEXES:  # built once over all rows: faster than row by row
            conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _check_name(base: Path, name: str | None) -> str:
    name = base.name if name is None else name
    if not name.strip() or not name.isprintable():
        raise BadInput(f"book name {name!r} must be printable and not empty")
    return name


def _create(
    base: str | Path,
    rows: Sequence[_Row],
    groups: int,
    roles: Sequence[Role],
    name: str | None,
    serial: str | None = None,
) -> list[Path]:
    """Create one book per role, all-or-nothing, never overwriting an existing file."""
    roles = [Role(r) for r in roles]
    if not roles or len(set(roles)) != len(roles):
        raise BadInput("give each book role at most once, and at least one role")
    base = Path(base)
    name = _check_name(base, name)
    finals = [base.with_name(f"{base.name}.{role.value}.pad") for role in roles]
    for final in finals:
        if os.path.lexists(final):
            raise BadInput(f"{final} already exists: refusing to overwrite a pad book")
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "serial": serial or to_groups(random_digits(GROUP))[0],
        "groups_per_page": str(groups),
        "created": _now(),
    }
    with contextlib.ExitStack() as stack:
        temps = [_temp_beside(stack, final) for final in finals]
        for role, temp in zip(roles, temps, strict=True):
            _build(temp, meta | {"role": role.value}, rows)
        _put_all_in_place(temps, finals)
    return finals


def _temp_beside(stack: contextlib.ExitStack, final: Path) -> files.TempFile:
    """A temp file for ``final`` (:func:`cinq.files.temp_beside`), removed with ``stack``;
    its name lets the next run scrub it if this process is killed."""
    try:
        return stack.enter_context(files.temp_beside(final))
    except OSError as exc:
        raise BadInput(f"cannot create a pad book in {final.parent}: {exc.strerror}") from None


def _put_all_in_place(temps: Sequence[files.TempFile], finals: Sequence[Path]) -> None:
    """Link every temp file to its final name, or none of them; never over a file."""
    linked: list[Path] = []
    try:
        for temp, final in zip(temps, finals, strict=True):
            try:
                files.put_in_place(temp, final, replace=False)
            except FileExistsError:
                raise BadInput(f"{final} already exists: refusing to overwrite") from None
            except OSError as exc:
                raise BadInput(f"cannot create {final}: {exc.strerror}") from None
            linked.append(final)
    except BaseException:
        for final in linked:
            os.unlink(final)
        raise


def _specs(pages: Sequence[tuple[str, Digits] | PageSpec]) -> list[PageSpec]:
    """Pages as :class:`PageSpec`, with unique, well-formed page IDs (linear time)."""
    specs = [p if isinstance(p, PageSpec) else PageSpec(p[0], p[1]) for p in pages]
    for n, spec in enumerate(specs, 1):
        check_page_id(spec.page_id, what=f"page ID of page {n}")
        if spec.state.has_digits != (spec.digits is not None):
            held = "has digits" if spec.digits is not None else "has no digits"
            raise BadInput(f"page {n} (ID {spec.page_id}) is {spec.state.value} but {held}")
    counts = Counter(spec.page_id for spec in specs)
    dup = next((pid for pid, k in counts.items() if k > 1), None)
    if dup is not None:
        raise BadInput(f"page ID {dup} occurs more than once")
    return specs


def _page_digits(specs: Sequence[PageSpec]) -> tuple[int, list[bytes | None]]:
    """The common page size in digits, and each page's digits as bytes (or None)."""
    held = [(n, s) for n, s in enumerate(specs, 1) if s.digits is not None]
    if not held:
        raise BadInput("no page has digits: a pad book needs at least one")
    rows = [np.asarray(s.digits) for _, s in held]
    size = rows[0].size
    if not size or size % GROUP or size > MAX_GROUPS * GROUP:
        raise BadInput(f"a page must hold 1 to {MAX_GROUPS} whole groups, not {size} digits")
    for (n, spec), row in zip(held, rows, strict=True):
        if row.ndim != 1 or row.size != size:
            raise BadInput(f"page {n} (ID {spec.page_id}) does not have {size} digits")
    table = np.stack(rows)
    if table.dtype.kind not in "iu" or table.min() < 0 or table.max() > 9:
        ok = (table >= 0) & (table <= 9) if table.dtype.kind in "iu" else np.zeros_like(table)
        n, spec = held[int(np.argmin(ok.all(axis=1)))]
        raise BadInput(f"page {n} (ID {spec.page_id}) holds values other than digits 0-9")
    raw = iter(table.astype(np.uint8))
    return size, [None if s.digits is None else next(raw).tobytes() for s in specs]


class PadBook(SqliteHandle):
    """An open pad book. Use :meth:`open`; create books with :meth:`create_pair`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, meta: dict[str, str]) -> None:
        super().__init__(path, conn)
        self._name = meta["name"]
        self._serial = meta["serial"]
        self._role = Role(meta["role"])
        self._groups = int(meta["groups_per_page"])

    # -- creation -------------------------------------------------------------------------

    @staticmethod
    def create_pair(
        base: str | Path, *, pages: int = 100, groups: int = 50, name: str | None = None
    ) -> tuple[Path, Path]:
        """Create ``base.send.pad`` and ``base.receive.pad`` with fresh CSPRNG digits.

        Refuses with :class:`BadInput` (writing nothing) if either file exists.
        """
        if not 1 <= pages <= MAX_PAGES:
            raise BadInput(f"a book has 1 to {MAX_PAGES} pages, not {pages}")
        if not 1 <= groups <= MAX_GROUPS:
            raise BadInput(f"a page has 1 to {MAX_GROUPS} groups, not {groups}")
        _check_name(Path(base), name)
        digits = random_digits(pages * groups * GROUP).reshape(pages, groups * GROUP)
        rows = [
            (i, pid, digits[i - 1].tobytes(), PageState.UNUSED.value)
            for i, pid in enumerate(new_page_ids(pages), 1)
        ]
        send, receive = _create(base, rows, groups, (Role.SEND, Role.RECEIVE), name)
        return send, receive

    @staticmethod
    def create_from_pages(
        base: str | Path,
        pages: Sequence[tuple[str, Digits] | PageSpec],
        *,
        roles: Sequence[Role] = (Role.SEND, Role.RECEIVE),
        name: str | None = None,
        serial: str | None = None,
    ) -> list[Path]:
        """Create books (one per role) from given page IDs and digits, e.g. a paper pad.

        A page is ``(page_id, digits)`` (unused) or a :class:`PageSpec`, which may be
        used (with digits) or issued, burned or spoiled (without). ``serial`` (a
        five-figure group) is the book serial; random if not given. Linear in the
        number of pages.
        """
        if serial is not None:
            serial = check_page_id(serial, what="book serial")
        if not pages:
            raise BadInput("a pad book needs at least one page")
        if len(pages) > MAX_PAGES:
            raise BadInput(f"a book has 1 to {MAX_PAGES} pages, not {len(pages)}")
        specs = _specs(pages)
        size, raw = _page_digits(specs)
        rows = [
            (n, spec.page_id, data, spec.state.value)
            for n, (spec, data) in enumerate(zip(specs, raw, strict=True), 1)
        ]
        return _create(base, rows, size // GROUP, roles, name, serial)

    # -- opening and closing --------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> PadBook:
        """Open an existing book; :class:`BadInput` if it is missing or not a cinq pad book.

        Opening reads the file first, which makes SQLite roll back (and delete) a hot
        journal left by a killed process; a version-1 book is migrated to version 2;
        temp files of killed cinq processes in the book's folder are scrubbed.
        """
        p = Path(path)
        if not p.exists():
            raise BadInput(f"no pad book at {p}: the file does not exist")
        check_sqlite_file(p, short="a pad book", full="a cinq pad book")
        tempfiles.sweep(p.parent if str(p.parent) else Path("."))
        uri = f"file:{urllib.parse.quote(str(p.resolve()))}?mode=rw"
        conn = connect(
            p,
            lambda: sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None),
        )
        with closed_on_failure(conn, p, full="a cinq pad book"):
            _configure(conn)
            meta = read_meta(
                conn, p, full="a cinq pad book", format=FORMAT, version=VERSION, older=("1",)
            )
            if meta["version"] != VERSION:
                meta = _migrate(conn, p)
            _add_indexes(conn)
            conn.execute(f"SELECT {_INFO}, digits FROM page LIMIT 0")
            _check_meta(meta, p)
        return cls(p, conn, meta)

    def __repr__(self) -> str:
        return (
            f"PadBook({str(self._path)!r}, name={self._name!r}, serial={self._serial!r}, "
            f"role={self._role.value})"
        )

    # -- identity -------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def name(self) -> str:
        return self._name

    @property
    def serial(self) -> str:
        """The five-figure book serial shared by the send and receive book of a pair."""
        return self._serial

    @property
    def role(self) -> Role:
        return self._role

    @property
    def groups_per_page(self) -> int:
        return self._groups

    def pages_needed(self, digits_needed: int) -> int:
        """Pages for a message of ``digits_needed`` key digits (at least one)."""
        if digits_needed < 0:
            raise BadInput(f"cannot take key for {digits_needed} digits")
        return max(1, math.ceil(digits_needed / (GROUP * self._groups)))

    # -- internals ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        if self._conn is None:
            raise ValueError(f"book {self._name} is closed")
        db = self._conn
        try:
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            raise KeyManagementError(f"book {self._name} is busy: {exc}") from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise KeyManagementError(f"book {self._name}: {exc}; nothing changed") from None
            if isinstance(exc, sqlite3.DatabaseError):  # e.g. "disk image is malformed"
                raise BadInput(
                    f"pad book {self._path} is damaged ({exc}); nothing changed"
                ) from None
            raise

    def _require(self, role: Role) -> None:
        if self._role is not role:
            may = "encrypt" if self._role is Role.SEND else "decrypt"
            raise KeyManagementError(
                f"book {self._name} is a {self._role.value} book: it may only {may}"
            )

    def _key_pages(self, rows: Sequence[Sequence[Any]], serial: int | None) -> KeyPages:
        size = GROUP * self._groups
        key = np.frombuffer(b"".join(r[-1] for r in rows), dtype=np.uint8).copy()
        if len(key) != size * len(rows) or (key.size and key.max() > 9):
            raise KeyManagementError(f"book {self._name} is damaged: bad page digits")
        return KeyPages([r[1] for r in rows], [r[0] for r in rows], key, serial, self._serial)

    @staticmethod
    def _burn(db: sqlite3.Connection, numbers: Iterable[int]) -> None:
        # Nothing but the page ID and the fact of the burning is kept: no time (it
        # would date the reading), no serial, no digest of the message.
        db.executemany(f"UPDATE page SET {_GONE} WHERE number = ?", [(n,) for n in numbers])

    def _infos(self, db: sqlite3.Connection, numbers: Iterable[int]) -> list[PageInfo]:
        return [
            PageInfo._of(db.execute(f"SELECT {_INFO} FROM page WHERE number = ?", (n,)).fetchone())
            for n in numbers
        ]

    # -- queries --------------------------------------------------------------------------

    def status(self) -> BookStatus:
        """Page counts by state, and the next unused page of a send book."""
        with self._transaction(write=False) as db:
            counts = dict(db.execute("SELECT state, COUNT(*) FROM page GROUP BY state").fetchall())
            row = db.execute(
                f"SELECT {_INFO} FROM page WHERE state = 'unused' ORDER BY number LIMIT 1"
            ).fetchone()
        nxt = PageInfo._of(row) if row and self._role is Role.SEND else None
        by = {s: int(counts.get(s.value, 0)) for s in PageState}
        return BookStatus(
            path=self._path,
            name=self._name,
            serial=self._serial,
            role=self._role,
            pages=sum(by.values()),
            groups_per_page=self._groups,
            unused=by[PageState.UNUSED],
            used=by[PageState.USED],
            burned=by[PageState.BURNED],
            next_page=nxt,
            issued=by[PageState.ISSUED],
            spoiled=by[PageState.SPOILED],
        )

    def pages(self) -> list[PageInfo]:
        """Every page, in book order (without digits), read in one transaction."""
        with self._transaction(write=False) as db:
            rows = db.execute(f"SELECT {_INFO} FROM page ORDER BY number").fetchall()
        return [PageInfo._of(r) for r in rows]

    def iter_pages(self, *, chunk: int = 1000) -> Iterator[PageInfo]:
        """Every page, in book order (without digits), read lazily ``chunk`` pages at a
        time, each chunk in a short read transaction of its own.

        Memory stays bounded whatever the size of the book, and a slow consumer (a
        pager reading ``pad status --pages``) never holds a lock that would keep a
        sender waiting. A page that changes while the listing runs shows as it was
        when its chunk was read.
        """
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        after = 0
        while True:
            with self._transaction(write=False) as db:
                rows = db.execute(
                    f"SELECT {_INFO} FROM page WHERE number > ? ORDER BY number LIMIT ?",
                    (after, chunk),
                ).fetchall()
            yield from map(PageInfo._of, rows)
            if len(rows) < chunk:
                return
            after = rows[-1][0]

    # -- sending --------------------------------------------------------------------------

    def take_for_sending(self, digits_needed: int) -> KeyPages:
        """Take the first run of consecutive unused pages covering ``digits_needed`` digits.

        The pages are marked used, with a new message serial, in one immediate
        transaction before the digits are returned, so no page is ever issued twice.
        The run is found by one indexed SQLite query (:data:`FIRST_RUN_SQL`): its cost
        does not grow with the size of the book.
        """
        self._require(Role.SEND)
        n = self.pages_needed(digits_needed)
        with self._transaction(write=True) as db:
            start = _first_run(db, n)
            if start is None:
                raise self._no_run(db, n)
            serial = _next_serial(db)
            span = (start, start + n - 1)
            db.execute(
                "UPDATE page SET state = 'used', used_at = ?, message_serial = ? "
                "WHERE number BETWEEN ? AND ?",
                (_now(), serial, *span),
            )
            rows = db.execute(
                f"SELECT {_INFO}, digits FROM page WHERE number BETWEEN ? AND ? ORDER BY number",
                span,
            ).fetchall()
            return self._key_pages(rows, serial)

    def _no_run(self, db: sqlite3.Connection, n: int) -> KeyManagementError:
        (free,) = db.execute("SELECT COUNT(*) FROM page WHERE state = 'unused'").fetchone()
        page = f"page(s) of {GROUP * self._groups} digits"
        has = f"{free} unused page(s)" + (" left" if free < n else ", not in a row")
        return KeyManagementError(
            f"the message needs {n} consecutive {page}; book {self._name} has {has}; "
            "nothing was taken"
        )

    def spoil(self, pages: KeyPages | Iterable[str]) -> list[PageInfo]:
        """Mark pages spoiled: taken (or issued) but the message never went out.

        Their digits are destroyed and nothing else is kept, so they can never be used
        again, and ``pad status`` counts them. Burned pages stay burned. Returns the
        pages' new infos.
        """
        if isinstance(pages, KeyPages):
            if pages.book_serial not in (None, self._serial):
                raise KeyManagementError(f"those pages are not from book {self._name}")
            ids: Sequence[str] = pages.page_ids
        else:
            ids = [check_page_id(pid) for pid in pages]
        with self._transaction(write=True) as db:
            numbers = [self._number(db, pid) for pid in ids]
            db.executemany(
                "UPDATE page SET state = 'spoiled', digits = NULL, used_at = NULL, "
                "message_serial = NULL, received = NULL WHERE number = ? AND state != 'burned'",
                [(n,) for n in numbers],
            )
            return self._infos(db, numbers)

    def _number(self, db: sqlite3.Connection, page_id: str) -> int:
        row = db.execute("SELECT number FROM page WHERE page_id = ?", (page_id,)).fetchone()
        if row is None:
            raise KeyManagementError(f"page {page_id} is not in book {self._name}")
        return int(row[0])

    # -- receiving ------------------------------------------------------------------------

    def _rows_for_receiving(
        self, db: sqlite3.Connection, page_id: str, n: int
    ) -> list[Sequence[Any]]:
        first = self._number(db, page_id)
        last = first + n - 1
        (total,) = db.execute("SELECT MAX(number) FROM page").fetchone()
        if last > total:
            raise KeyManagementError(
                f"the message needs {n} pages from page {page_id} (no. {first}), "
                f"but book {self._name} ends at page {total}"
            )
        rows: list[Sequence[Any]] = db.execute(
            f"SELECT {_INFO}, digits FROM page WHERE number BETWEEN ? AND ? ORDER BY number",
            (first, last),
        ).fetchall()
        return rows

    def _refuse_spent(self, infos: Sequence[PageInfo], digest: str | None) -> None:
        """Refuse pages without digits, and (with ``digest``) pages read for a
        different message."""
        for info in infos:
            page = f"page {info.page_id} (no. {info.number}) of book {self._name}"
            if not info.state.has_digits:
                why = {PageState.ISSUED: "issued to paper"}.get(info.state, info.state.value)
                raise KeyManagementError(f"{page} was {why}: its digits are gone")
            if digest and info.state is PageState.USED and info.received != digest:
                when = f" on {info.used_at}" if info.used_at else ""
                raise KeyManagementError(
                    f"{page} was already used{when} for a different message: refused as a "
                    "replay, a forgery or an accidental reuse of the pad"
                )

    def _peek_key(
        self, page_id: str, digits_needed: int, *, message: str | None = None
    ) -> KeyPages:
        """The key starting at page ``page_id``, read without recording it: the hazmat
        :func:`cinq.hazmat.pages.peek_key` (see there). To read a message, use
        :meth:`receive`, which checks and marks in one transaction."""
        self._require(Role.RECEIVE)
        pid = check_page_id(page_id)
        n = self.pages_needed(digits_needed)
        with self._transaction(write=False) as db:
            rows = self._rows_for_receiving(db, pid, n)
        digest = None if message is None else message_digest(message)
        self._refuse_spent([PageInfo._of(r) for r in rows], digest)
        return self._key_pages(rows, None)

    def receive(
        self,
        page_id: str,
        digits_needed: int,
        *,
        message: str,
        accept: Callable[[KeyPages], T],
        mark: Callable[[T], bool] = lambda _: True,
        burn: bool = False,
    ) -> Receipt[T]:
        """Read a message on the pages from ``page_id``, all in one immediate transaction.

        Looks the pages up, refuses burned (issued, spoiled) pages and pages already used
        for a different ``message``, calls ``accept(key_pages)`` (verify, decipher and
        decode: if it raises, nothing is marked and the error propagates), then, if
        ``mark(value)``, marks the pages read for ``message`` (keeping an earlier read
        time) and burns them if ``burn``, and commits. Only then is the value returned:
        two receivers at once can never both accept different messages on one page, and
        with ``burn`` the pages are burned before the plaintext is released.
        """
        self._require(Role.RECEIVE)
        pid = check_page_id(page_id)
        n = self.pages_needed(digits_needed)
        digest = message_digest(message)
        with self._transaction(write=True) as db:
            rows = self._rows_for_receiving(db, pid, n)
            infos = [PageInfo._of(r) for r in rows]
            self._refuse_spent(infos, digest)
            keys = self._key_pages(rows, None)
            value = accept(keys)
            marked = mark(value)
            if marked:
                self._mark_read(db, keys.numbers, digest)
            if marked and burn:
                self._burn(db, keys.numbers)
        return Receipt(value, keys.page_ids, tuple(infos), marked, marked and burn)

    @staticmethod
    def _mark_read(db: sqlite3.Connection, numbers: Iterable[int], digest: str | None) -> None:
        db.executemany(
            "UPDATE page SET state = 'used', used_at = COALESCE(used_at, ?), "
            "received = COALESCE(received, ?) WHERE number = ?",
            [(_now(), digest, n) for n in numbers],
        )

    def mark_received(self, pages: KeyPages, message: str | None = None) -> list[PageInfo]:
        """Mark pages read (keeping an earlier ``used_at``), remembering which ``message``
        was read on them; returns their previous infos. (:meth:`receive` does the check
        and the marking in one transaction; this is for tools such as decoys.)"""
        self._require(Role.RECEIVE)
        if pages.book_serial not in (None, self._serial):
            raise KeyManagementError(f"those pages are not from book {self._name}")
        with self._transaction(write=True) as db:
            before = self._infos(db, pages.numbers)
            for info, pid in zip(before, pages.page_ids, strict=True):
                if info.page_id != pid:
                    raise KeyManagementError(
                        f"page {pid} is not page {info.number} of {self._name}"
                    )
            self._refuse_spent(before, None)
            digest = None if message is None else message_digest(message)
            self._mark_read(db, pages.numbers, digest)
        return before

    # -- destruction and export -----------------------------------------------------------

    def burn(self, page_id: str) -> PageInfo:
        """Destroy a page's digits for good; returns the page's new (burned) info."""
        pid = check_page_id(page_id)
        with self._transaction(write=True) as db:
            number = self._number(db, pid)
            (info,) = self._infos(db, [number])
            if info.state is PageState.BURNED:
                raise KeyManagementError(f"page {pid} was already burned")
            self._burn(db, [number])
            (after,) = self._infos(db, [number])
        return after

    def burn_used(self) -> list[PageInfo]:
        """Burn every used page; returns their new (burned) infos."""
        with self._transaction(write=True) as db:
            numbers = [
                r[0] for r in db.execute("SELECT number FROM page WHERE state = 'used' ORDER BY 1")
            ]
            self._burn(db, numbers)
            return self._infos(db, numbers)

    def _peek_pages(self, numbers: Sequence[int] | None = None) -> list[ExportedPage]:
        """Pages with their digits, read without recording it: the hazmat
        :func:`cinq.hazmat.pages.peek_pages` (see there). ``pad export`` uses
        :meth:`issue_pages`."""
        with self._transaction(write=False) as db:
            rows = self._export_rows(db, numbers)
        return [e for e in map(self._exported, rows) if e.digits is not None]

    def issue_pages(self, numbers: Sequence[int] | None = None) -> list[ExportedPage]:
        """Every page asked for (all, or the given numbers, in that order), as it was,
        with its digits where the book has them; in a send book the unused pages among
        them are marked *issued* in the same transaction (their digits leave the book:
        the paper holds them now), so the book never enciphers on them again.

        A receive book changes nothing: reading a message on a paper copy and on the
        book is no reuse of the pad.
        """
        with self._transaction(write=True) as db:
            rows = self._export_rows(db, numbers)
            out = [self._exported(r) for r in rows]
            if self._role is Role.SEND:
                db.executemany(
                    "UPDATE page SET state = 'issued', digits = NULL WHERE number = ?",
                    [(e.info.number,) for e in out if e.info.state is PageState.UNUSED],
                )
        return out

    def _export_rows(
        self, db: sqlite3.Connection, numbers: Sequence[int] | None
    ) -> list[Sequence[Any]]:
        query = f"SELECT {_INFO}, digits FROM page"
        if numbers is None:
            return list(db.execute(query + " ORDER BY number").fetchall())
        wanted = list(dict.fromkeys(numbers))
        if not wanted:
            return []
        (total,) = db.execute("SELECT COUNT(*) FROM page").fetchone()
        missing = next((n for n in wanted if not 1 <= n <= total), None)
        if missing is not None:
            raise KeyManagementError(
                f"book {self._name} has no page number {missing} (it has pages 1-{total})"
            )
        lo, hi = min(wanted), max(wanted)
        by_number = {r[0]: r for r in db.execute(query + " WHERE number BETWEEN ? AND ?", (lo, hi))}
        return [by_number[n] for n in wanted]

    def _exported(self, row: Sequence[Any]) -> ExportedPage:
        info = PageInfo._of(row)
        if row[-1] is None:
            return ExportedPage(info, None)
        digits = np.frombuffer(row[-1], dtype=np.uint8).copy()
        if len(digits) != GROUP * self._groups:
            raise KeyManagementError(f"book {self._name} is damaged: bad page {info.number}")
        return ExportedPage(info, digits)


#: The first page number starting ``:n`` consecutive unused pages. Both the walk over
#: the unused pages (in book order, stopping at the first fit) and each candidate's
#: count of its next ``:n`` pages are searches of ``page_by_state``: a book whose
#: unused pages start with a run costs O(n log N), whatever its size.
FIRST_RUN_SQL = """
    SELECT a.number FROM page AS a
    WHERE a.state = 'unused'
      AND (SELECT COUNT(*) FROM page AS b
           WHERE b.state = 'unused' AND b.number BETWEEN a.number AND a.number + :n - 1) = :n
    ORDER BY a.number LIMIT 1"""

#: The highest message serial on any page (``page_by_serial``: one index lookup).
HIGHEST_SERIAL_SQL = (
    "SELECT COALESCE(MAX(message_serial), 0) FROM page WHERE message_serial IS NOT NULL"
)


def _first_run(db: sqlite3.Connection, n: int) -> int | None:
    """The first page number starting ``n`` consecutive unused pages."""
    row = db.execute(FIRST_RUN_SQL, {"n": n}).fetchone()
    return None if row is None else int(row[0])


def _add_indexes(conn: sqlite3.Connection) -> None:
    """Add the indexes (:data:`_INDEXES`) a book made before them lacks, in one
    transaction. A book the user may only read keeps going without them (its
    queries scan, as before); a busy one waits as any write does."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    if {"page_by_state", "page_by_serial"} <= names:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return  # read-only (a file without write permission): nothing to add
    try:
        for statement in _INDEXES:
            conn.execute(statement)
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _next_serial(db: sqlite3.Connection) -> int:
    """The next message serial: never one used before, even if its pages were burned."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (_SERIAL_KEY,)).fetchone()
    (highest,) = db.execute(HIGHEST_SERIAL_SQL).fetchone()
    last = int(row[0]) if row and str(row[0]).isdigit() else 0
    serial = max(last, int(highest)) + 1
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_SERIAL_KEY, str(serial)))
    return serial


def _check_meta(meta: dict[str, str], p: Path) -> None:
    groups = meta.get("groups_per_page", "")
    if (
        {"name", "serial", "role"} - meta.keys()
        or meta["role"] not in {r.value for r in Role}
        or not (groups.isascii() and groups.isdigit() and 1 <= int(groups) <= MAX_GROUPS)
    ):
        raise BadInput(f"{p} is a damaged cinq pad book (bad or missing metadata)")


def _migrate(conn: sqlite3.Connection, p: Path) -> dict[str, str]:
    """Bring a version-1 book to version 2 in one transaction: the new page table (with
    the issued and spoiled states, without ``burned_at``), burned pages stripped of
    everything but their ID, and the highest message serial kept in the meta table.
    The old table is dropped under ``secure_delete``, so its rows leave the file."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        meta = read_meta(
            conn, p, full="a cinq pad book", format=FORMAT, version=VERSION, older=("1",)
        )
        if meta["version"] == VERSION:  # another process migrated it meanwhile
            conn.execute("COMMIT")
            return meta
        (highest,) = conn.execute("SELECT COALESCE(MAX(message_serial), 0) FROM page").fetchone()
        conn.execute("ALTER TABLE page RENAME TO page_v1")
        conn.execute(_PAGE_TABLE)
        conn.execute(
            "INSERT INTO page (number, page_id, digits, state, used_at, message_serial, received) "
            "SELECT number, page_id, digits, state, used_at, message_serial, received "
            "FROM page_v1 WHERE state != 'burned'"
        )
        conn.execute(
            "INSERT INTO page (number, page_id, state) "
            "SELECT number, page_id, 'burned' FROM page_v1 WHERE state = 'burned'"
        )
        conn.execute("DROP TABLE page_v1")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'version'", (VERSION,))
        if highest:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_SERIAL_KEY, str(highest)))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return read_meta(conn, p, full="a cinq pad book", format=FORMAT, version=VERSION)
