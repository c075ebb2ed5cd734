"""Pad books: one-time-pad pages in an SQLite file, issued in matched send/receive pairs.

A book holds N pages of G five-figure groups (default 50, like a printed pad). Each
page has a random five-figure page-ID group, unique within the book, which travels in
clear as the message indicator. Books come in pairs with the same digits, page IDs and
book serial: ``NAME.send.pad`` may only encrypt, ``NAME.receive.pad`` may only decrypt
(the IN/OUT practice of printed pads).

Safety rules kept here:

* a send book hands out each page at most once, even with many processes on one file:
  pages are taken in a single ``BEGIN IMMEDIATE`` transaction;
* burning a page overwrites its digits; every connection runs with
  ``PRAGMA secure_delete = ON`` and the rollback journal (never WAL), so the old digits
  do not survive anywhere in the file;
* files are created mode 0600, fully built in a temporary file and then hard-linked
  into place, so an existing book is never overwritten and no half-written book exists;
* pad digits never appear in a ``repr``, ``str``, log or error message.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from .digits import GROUP, Digits, to_groups
from .errors import BadInput, KeyManagementError, Location
from .pad import random_digits
from .sqlitefile import SqliteHandle, check_sqlite_file, closed_on_failure, connect, read_meta

FORMAT = "cinq-pad-book"
VERSION = "1"
MAX_GROUPS = 1000
MAX_PAGES = 10**GROUP  # every page needs its own five-figure page ID
BUSY_TIMEOUT = 60.0  # seconds to wait for another process holding the book

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE page (
        number INTEGER PRIMARY KEY CHECK (number >= 1),
        page_id TEXT UNIQUE NOT NULL CHECK (page_id GLOB '[0-9][0-9][0-9][0-9][0-9]'),
        digits BLOB,
        state TEXT NOT NULL DEFAULT 'unused' CHECK (state IN ('unused', 'used', 'burned')),
        used_at TEXT,
        message_serial INTEGER,
        burned_at TEXT,
        received TEXT,
        CHECK ((state = 'burned') = (digits IS NULL))
    )""",
)
_INFO = "number, page_id, state, used_at, message_serial, burned_at, received"


class Role(StrEnum):
    """What a book may be used for."""

    SEND = "send"
    RECEIVE = "receive"


class PageState(StrEnum):
    """The life of a page: unused, then used (sent or read), then burned."""

    UNUSED = "unused"
    USED = "used"
    BURNED = "burned"


@dataclass(frozen=True)
class PageInfo:
    """Everything about a page except its digits."""

    number: int  # 1-based position in the book
    page_id: str  # five-figure page-ID group
    state: PageState
    used_at: str | None  # ISO-8601 UTC
    message_serial: int | None
    burned_at: str | None  # ISO-8601 UTC
    received: str | None = None  # receive books: SHA-256 of the message read on it

    @classmethod
    def _of(cls, row: Sequence[Any]) -> PageInfo:
        return cls(row[0], row[1], PageState(row[2]), row[3], row[4], row[5], row[6])


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
    """``page_id`` if it is exactly five ASCII digits, else :class:`BadInput`."""
    if not isinstance(page_id, str):
        raise BadInput(f"{what} must be a string of {GROUP} digits")
    for i, ch in enumerate(page_id):
        if not "0" <= ch <= "9":
            loc = Location.of_offset(page_id, i, source=what)
            raise BadInput(f"{what} must be {GROUP} digits", location=loc)
    if len(page_id) != GROUP:
        raise BadInput(f"{what} {page_id!r} has {len(page_id)} digits, not {GROUP}")
    return page_id


def message_digest(message: str) -> str:
    """What a receive book remembers of a message: a SHA-256 of its groups."""
    return hashlib.sha256(" ".join(message.split()).encode("ascii")).hexdigest()


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


def _first_run(free: Sequence[int], n: int) -> int | None:
    """The first number starting ``n`` consecutive numbers in sorted ``free``."""
    start, length, prev = 0, 0, -1
    for number in free:
        start, length = (start, length + 1) if number == prev + 1 else (number, 1)
        prev = number
        if length == n:
            return start
    return None


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA secure_delete = ON")
    mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    if str(mode).lower() != "delete":
        raise sqlite3.DatabaseError(f"cannot use the rollback journal (journal mode {mode})")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _build_temp(final: Path, meta: dict[str, str], ids: list[str], pages: Digits) -> Path:
    """Write a whole book to a new mode-0600 temporary file beside ``final``."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    except OSError as exc:
        raise BadInput(f"cannot create a pad book in {final.parent}: {exc.strerror}") from None
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _configure(conn)
            conn.execute("BEGIN")
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            conn.executemany(
                "INSERT INTO page (number, page_id, digits) VALUES (?, ?, ?)",
                ((i, pid, pages[i - 1].tobytes()) for i, pid in enumerate(ids, 1)),
            )
            conn.execute("COMMIT")
        finally:
            conn.close()
        os.fsync(fd)
    except BaseException:
        os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    return Path(tmp)


def _create(
    base: str | Path,
    ids: list[str],
    pages: Digits,
    roles: Sequence[Role],
    name: str | None,
    serial: str | None = None,
) -> list[Path]:
    """Create one book per role, all-or-nothing, never overwriting an existing file."""
    roles = [Role(r) for r in roles]
    if not roles or len(set(roles)) != len(roles):
        raise BadInput("give each book role at most once, and at least one role")
    base = Path(base)
    name = base.name if name is None else name
    if not name.strip() or not name.isprintable():
        raise BadInput(f"book name {name!r} must be printable and not empty")
    finals = [base.with_name(f"{base.name}.{role.value}.pad") for role in roles]
    for final in finals:
        if os.path.lexists(final):
            raise BadInput(f"{final} already exists: refusing to overwrite a pad book")
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "serial": serial or to_groups(random_digits(GROUP))[0],
        "groups_per_page": str(pages.shape[1] // GROUP),
        "created": _now(),
    }
    temps: list[Path] = []
    linked: list[Path] = []
    try:
        for role, final in zip(roles, finals, strict=True):
            temps.append(_build_temp(final, meta | {"role": role.value}, ids, pages))
        for temp, final in zip(temps, finals, strict=True):
            try:
                os.link(temp, final)
            except FileExistsError:
                raise BadInput(f"{final} already exists: refusing to overwrite") from None
            except OSError as exc:
                raise BadInput(f"cannot create {final}: {exc.strerror}") from None
            linked.append(final)
        _fsync_dir(base.parent)
    except BaseException:
        for final in linked:
            os.unlink(final)
        raise
    finally:
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
    return finals


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
        digits = random_digits(pages * groups * GROUP).reshape(pages, groups * GROUP)
        send, receive = _create(base, new_page_ids(pages), digits, (Role.SEND, Role.RECEIVE), name)
        return send, receive

    @staticmethod
    def create_from_pages(
        base: str | Path,
        pages: Sequence[tuple[str, Digits]],
        *,
        roles: Sequence[Role] = (Role.SEND, Role.RECEIVE),
        name: str | None = None,
        serial: str | None = None,
    ) -> list[Path]:
        """Create books (one per role) from given page IDs and digits, e.g. a paper pad.

        ``serial`` (a five-figure group) is the book serial; random if not given.
        """
        if serial is not None:
            serial = check_page_id(serial, what="book serial")
        if not pages:
            raise BadInput("a pad book needs at least one page")
        ids = [
            check_page_id(pid, what=f"page ID of page {n}") for n, (pid, _) in enumerate(pages, 1)
        ]
        if len(set(ids)) != len(ids):
            dup = next(pid for pid in ids if ids.count(pid) > 1)
            raise BadInput(f"page ID {dup} occurs more than once")
        rows = [np.asarray(d) for _, d in pages]
        size = rows[0].size
        if not size or size % GROUP or size > MAX_GROUPS * GROUP:
            raise BadInput(f"a page must hold 1 to {MAX_GROUPS} whole groups, not {size} digits")
        for n, row in enumerate(rows, 1):
            if row.ndim != 1 or row.size != size:
                raise BadInput(f"page {n} (ID {ids[n - 1]}) does not have {size} digits")
            if row.dtype.kind not in "iu" or row.min() < 0 or row.max() > 9:
                raise BadInput(f"page {n} (ID {ids[n - 1]}) holds values other than digits 0-9")
        return _create(base, ids, np.stack(rows).astype(np.uint8), roles, name, serial)

    # -- opening and closing --------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> PadBook:
        """Open an existing book; :class:`BadInput` if it is missing or not a cinq pad book."""
        p = Path(path)
        if not p.exists():
            raise BadInput(f"no pad book at {p}: the file does not exist")
        check_sqlite_file(p, short="a pad book", full="a cinq pad book")
        uri = f"file:{urllib.parse.quote(str(p.resolve()))}?mode=rw"
        conn = connect(
            p,
            lambda: sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None),
        )
        with closed_on_failure(conn, p, full="a cinq pad book"):
            _configure(conn)
            meta = read_meta(conn, p, full="a cinq pad book", format=FORMAT, version=VERSION)
            conn.execute(f"SELECT {_INFO}, digits FROM page LIMIT 0")
            groups = meta.get("groups_per_page", "")
            if (
                {"name", "serial", "role"} - meta.keys()
                or meta["role"] not in {r.value for r in Role}
                or not (groups.isascii() and groups.isdigit() and 1 <= int(groups) <= MAX_GROUPS)
            ):
                raise BadInput(f"{p} is a damaged cinq pad book (bad or missing metadata)")
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
    def _burn(db: sqlite3.Connection, numbers: Sequence[int]) -> None:
        db.executemany(
            "UPDATE page SET state = 'burned', digits = NULL, burned_at = ? WHERE number = ?",
            [(_now(), n) for n in numbers],
        )

    # -- queries --------------------------------------------------------------------------

    def status(self) -> BookStatus:
        """Page counts by state, and the next unused page of a send book."""
        with self._transaction(write=False) as db:
            counts = dict(db.execute("SELECT state, COUNT(*) FROM page GROUP BY state").fetchall())
            row = db.execute(
                f"SELECT {_INFO} FROM page WHERE state = 'unused' ORDER BY number LIMIT 1"
            ).fetchone()
        nxt = PageInfo._of(row) if row and self._role is Role.SEND else None
        unused, used, burned = (counts.get(s.value, 0) for s in PageState)
        return BookStatus(
            path=self._path,
            name=self._name,
            serial=self._serial,
            role=self._role,
            pages=unused + used + burned,
            groups_per_page=self._groups,
            unused=unused,
            used=used,
            burned=burned,
            next_page=nxt,
        )

    def pages(self) -> list[PageInfo]:
        """Every page, in book order (without digits)."""
        with self._transaction(write=False) as db:
            rows = db.execute(f"SELECT {_INFO} FROM page ORDER BY number").fetchall()
        return [PageInfo._of(r) for r in rows]

    # -- sending and receiving ------------------------------------------------------------

    def take_for_sending(self, digits_needed: int) -> KeyPages:
        """Take the first run of consecutive unused pages covering ``digits_needed`` digits.

        The pages are marked used, with a new message serial, in one immediate
        transaction before the digits are returned, so no page is ever issued twice.
        """
        self._require(Role.SEND)
        n = self.pages_needed(digits_needed)
        with self._transaction(write=True) as db:
            free = [r[0] for r in db.execute("SELECT number FROM page WHERE state = 'unused'")]
            start = _first_run(sorted(free), n)
            if start is None:
                page = f"page(s) of {GROUP * self._groups} digits"
                has = f"{len(free)} unused page(s)" + (
                    " left" if len(free) < n else ", not in a row"
                )
                raise KeyManagementError(
                    f"the message needs {n} consecutive {page}; book {self._name} has {has}; "
                    "nothing was taken"
                )
            serial = db.execute("SELECT COALESCE(MAX(message_serial), 0) + 1 FROM page").fetchone()
            span = (start, start + n - 1)
            db.execute(
                "UPDATE page SET state = 'used', used_at = ?, message_serial = ? "
                "WHERE number BETWEEN ? AND ?",
                (_now(), serial[0], *span),
            )
            rows = db.execute(
                f"SELECT {_INFO}, digits FROM page WHERE number BETWEEN ? AND ? ORDER BY number",
                span,
            ).fetchall()
            return self._key_pages(rows, serial[0])

    def pages_for_receiving(
        self, page_id: str, digits_needed: int, *, message: str | None = None
    ) -> KeyPages:
        """The key starting at page ``page_id`` (the indicator); changes nothing.

        With ``message`` (the message's groups as text), a page already used for a
        *different* message is refused: that is a replay, a forgery or an accidental
        reuse of the pad. The same message again is allowed.
        """
        self._require(Role.RECEIVE)
        pid = check_page_id(page_id)
        n = self.pages_needed(digits_needed)
        with self._transaction(write=False) as db:
            row = db.execute("SELECT number FROM page WHERE page_id = ?", (pid,)).fetchone()
            if row is None:
                raise KeyManagementError(f"page {pid} is not in book {self._name}")
            first, last = row[0], row[0] + n - 1
            (total,) = db.execute("SELECT MAX(number) FROM page").fetchone()
            if last > total:
                raise KeyManagementError(
                    f"the message needs {n} pages from page {pid} (no. {first}), "
                    f"but book {self._name} ends at page {total}"
                )
            rows = db.execute(
                f"SELECT {_INFO}, digits FROM page WHERE number BETWEEN ? AND ? ORDER BY number",
                (first, last),
            ).fetchall()
        digest = None if message is None else message_digest(message)
        for r in rows:
            info = PageInfo._of(r)
            if info.state is PageState.BURNED:
                raise KeyManagementError(
                    f"page {info.page_id} (no. {info.number}) of book {self._name} was burned "
                    f"on {info.burned_at}"
                )
            if digest and info.state is PageState.USED and info.received != digest:
                raise KeyManagementError(
                    f"page {info.page_id} (no. {info.number}) of book {self._name} was already "
                    f"used on {info.used_at} for a different message: refused as a replay, a "
                    "forgery or an accidental reuse of the pad"
                )
        return self._key_pages(rows, None)

    def mark_received(self, pages: KeyPages, message: str | None = None) -> list[PageInfo]:
        """Mark pages read (keeping an earlier ``used_at``), remembering which ``message``
        was read on them; returns their previous infos."""
        self._require(Role.RECEIVE)
        if pages.book_serial not in (None, self._serial):
            raise KeyManagementError(f"those pages are not from book {self._name}")
        before: list[PageInfo] = []
        with self._transaction(write=True) as db:
            for number, pid in zip(pages.numbers, pages.page_ids, strict=True):
                row = db.execute(f"SELECT {_INFO} FROM page WHERE number = ?", (number,)).fetchone()
                if row is None or row[1] != pid:
                    raise KeyManagementError(f"page {pid} is not page {number} of {self._name}")
                info = PageInfo._of(row)
                if info.state is PageState.BURNED:
                    raise KeyManagementError(f"page {pid} was burned on {info.burned_at}")
                before.append(info)
            digest = None if message is None else message_digest(message)
            db.executemany(
                "UPDATE page SET state = 'used', used_at = COALESCE(used_at, ?), "
                "received = COALESCE(received, ?) WHERE number = ?",
                [(_now(), digest, n) for n in pages.numbers],
            )
        return before

    # -- destruction and export -----------------------------------------------------------

    def burn(self, page_id: str) -> PageInfo:
        """Destroy a page's digits for good; returns the page's new (burned) info."""
        pid = check_page_id(page_id)
        with self._transaction(write=True) as db:
            row = db.execute(f"SELECT {_INFO} FROM page WHERE page_id = ?", (pid,)).fetchone()
            if row is None:
                raise KeyManagementError(f"page {pid} is not in book {self._name}")
            if row[2] == PageState.BURNED.value:
                raise KeyManagementError(f"page {pid} was already burned on {row[5]}")
            self._burn(db, [row[0]])
            row = db.execute(f"SELECT {_INFO} FROM page WHERE number = ?", (row[0],)).fetchone()
        return PageInfo._of(row)

    def burn_used(self) -> list[PageInfo]:
        """Burn every used page; returns their new (burned) infos."""
        with self._transaction(write=True) as db:
            numbers = [r[0] for r in db.execute("SELECT number FROM page WHERE state = 'used'")]
            self._burn(db, numbers)
            rows = [
                db.execute(f"SELECT {_INFO} FROM page WHERE number = ?", (n,)).fetchone()
                for n in sorted(numbers)
            ]
        return [PageInfo._of(r) for r in rows]

    def export_pages(self, numbers: Sequence[int] | None = None) -> list[tuple[PageInfo, Digits]]:
        """Pages with their digits (all, or the given numbers), skipping burned pages."""
        size = GROUP * self._groups
        with self._transaction(write=False) as db:
            if numbers is None:
                rows = db.execute(f"SELECT {_INFO}, digits FROM page ORDER BY number").fetchall()
            else:
                rows = []
                for n in numbers:
                    row = db.execute(
                        f"SELECT {_INFO}, digits FROM page WHERE number = ?", (n,)
                    ).fetchone()
                    if row is None:
                        raise KeyManagementError(f"book {self._name} has no page number {n}")
                    rows.append(row)
        out: list[tuple[PageInfo, Digits]] = []
        for r in rows:
            if r[2] != PageState.BURNED.value:
                digits = np.frombuffer(r[-1], dtype=np.uint8).copy()
                if len(digits) != size:
                    raise KeyManagementError(f"book {self._name} is damaged: bad page {r[0]}")
                out.append((PageInfo._of(r), digits))
        return out
