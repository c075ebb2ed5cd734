"""A station's network: agents with their pad books, a queue, transmissions, an audit.

Each agent has two books at the station: the *send* book enciphers what the station
broadcasts to the agent (the agent holds its twin as a receive book), the *receive*
book reads what the agent sends back (the agent holds its twin as a send book). An
agent is named by its call number, the digits the station calls before the message.

**A message is one page, always.** Every transmission to an agent is exactly as long
as one page allows: the indicator (the page ID), the text padded with the board's fill
to the page's capacity, and the check groups keyed by the page's last digits
(:mod:`cinq.auth`). So lengths say nothing; a text longer than one page is refused,
with its length and the limit (split it and queue the parts).

**Enciphered when queued.** :meth:`Station.queue` takes a page (committed before its
digits are read), enciphers at once, and stores only the cipher groups; the page's
digits are erased in the same transaction (and its key destroyed on PostgreSQL). The
plaintext never enters the database, and no key material waits in the queue.

**Dummies on real pages.** A slot with nothing queued for its agent carries a dummy:
the board's fill alone, enciphered on the agent's next page, which is then spent like
any other. The other choice, random digits under a random indicator, costs no pad but
is not the same thing seen from the agent's side: an indicator that is no page of the
book marks a dummy to anyone who later reads the agent's book, and the agent's book and
the station's would drift apart. Pad is cheap; a dummy costs one page a slot, and the
pad an agent needs is one page for every slot of its schedule (``network status``
reports it). The agent's receiver reads a dummy as an empty message.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum, StrEnum
from pathlib import Path

import numpy as np

from .. import auth
from .. import language as lg
from ..book import PageSpec, PageState, new_page_ids
from ..digits import GROUP, Digits, from_str
from ..document import Document
from ..errors import BadInput, KeyManagementError
from ..hazmat.pad import random_digits
from ..procedure import compose, text_digits
from .keys import KeyFile
from .schedule import Schedule, Slot
from .store import (
    FORMAT,
    VERSION,
    Address,
    Cursor,
    Database,
    PostgresDatabase,
    SqliteDatabase,
    role_names,
)

CHECK = auth.STRONG
MAX_PAGES = 10_000
CLAIM_SECONDS = 120  # how long an operator's claim on a slot keeps the others off it
_CALL = re.compile(r"[0-9]{1,5}")
_USER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Role(StrEnum):
    """Who may do what at a station on PostgreSQL (the database enforces it)."""

    OPERATOR = "operator"  # queue and transmit
    SUPERVISOR = "supervisor"  # and add, import and export agents

    def database_role(self, station_id: str) -> str:
        """This role's name in the database of the station ``station_id``."""
        operator, supervisor = role_names(station_id)
        return operator if self is Role.OPERATOR else supervisor


class Action(StrEnum):
    """What an audit entry records."""

    CREATE = "create"
    ADD_AGENT = "add-agent"
    IMPORT = "import"
    EXPORT = "export"
    TAKE = "take"
    QUEUE = "queue"
    SEND = "send"
    SPOIL = "spoil"
    GRANT = "grant"
    READ = "read"
    EXTEND = "extend"
    BURN = "burn"
    CANCEL = "cancel"


def now() -> str:
    """The time, as the station writes it (UTC, ISO 8601, microseconds)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _stamp(at: datetime | None) -> str:
    if at is None:
        return now()
    if at.tzinfo is None:
        raise BadInput(f"time {at.isoformat()} has no time zone: give it in UTC")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Queued:
    """A message enciphered and waiting for its agent's next slot."""

    message: int
    agent: str
    page_id: str
    groups: int
    dummy: bool

    def to_json(self) -> dict[str, object]:
        return {
            "message": self.message,
            "agent": self.agent,
            "indicator": self.page_id,
            "groups": self.groups,
            "dummy": self.dummy,
        }


@dataclass(frozen=True)
class Transmission:
    """What went out in a slot: the slot, the message and its groups."""

    slot: Slot
    message: int
    groups: tuple[str, ...]
    dummy: bool

    @property
    def document(self) -> Document:
        return Document(groups=self.groups)

    def to_json(self) -> dict[str, object]:
        return {
            **self.slot.to_json(),
            "message": self.message,
            "groups": " ".join(self.groups),
            "dummy": self.dummy,
        }


@dataclass(frozen=True)
class _Taken:
    """A page taken for a message: its row, ID, stored digits (sealed on PostgreSQL,
    as they are on SQLite: never in the ``repr``) and key slot."""

    row: int
    page_id: str
    stored: bytes
    slot: int | None

    def __repr__(self) -> str:
        return (
            f"_Taken(row={self.row}, page_id={self.page_id!r}, stored=<{len(self.stored)} bytes>)"
        )


class _Slot(Enum):
    """Why a slot was not filled from the queue."""

    ALREADY = "already transmitted"
    EMPTY = "nothing queued for the agent"


@dataclass(frozen=True)
class Capacity:
    """What one page of ``groups_per_page`` groups carries."""

    groups_per_page: int

    @property
    def text_digits(self) -> int:
        return (self.groups_per_page * GROUP - CHECK.key_digits) // GROUP * GROUP

    @property
    def message_groups(self) -> int:
        return 1 + self.text_digits // GROUP + CHECK.check_groups


class Station:
    """An open station. :meth:`create` or :meth:`open` it; ``with`` closes it.

    ``actor`` names who acts in the audit log on SQLite (default: the login name); on
    PostgreSQL the database writes its own user name there, whatever ``actor`` says.
    """

    def __init__(self, db: Database, meta: dict[str, str], actor: str | None = None) -> None:
        self.db = db
        self.name = meta["name"]
        self._id = meta["station_id"]
        self.actor = actor or getpass.getuser()
        # who holds a page taken and not yet used: this process, this opening
        self.session = f"{self.actor}/{os.getpid()}/{secrets.token_hex(4)}"
        self._agents: dict[str, tuple[str, int]] = {}  # call -> (language, page size)

    def __repr__(self) -> str:
        return f"Station({self.name!r}, {self.db!r})"

    def __enter__(self) -> Station:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- creating and opening -----------------------------------------------------------

    @classmethod
    def create(
        cls,
        address: str | Path,
        *,
        name: str = "cinq",
        key_file: str | Path | None = None,
        actor: str | None = None,
    ) -> Station:
        """A new station at ``address`` (a file, or ``postgresql://...`` of an existing,
        empty database, which then also needs a new ``key_file``)."""
        where = Address(str(address))
        meta = {"format": FORMAT, "version": VERSION, "name": name}
        meta["station_id"] = secrets.token_hex(8)
        if not where.is_postgres:
            if key_file is not None:
                raise BadInput("a station in an SQLite file keeps no key file: leave it out")
            rows = [(k, v) for k, v in meta.items()]
            SqliteDatabase.create(Path(where.text), [*_ddl(SqliteDatabase.schema()), *_meta(rows)])
            station = cls.open(address, actor=actor)
        else:
            if key_file is None:
                raise BadInput("a station on PostgreSQL needs a new key file (--key-file)")
            station = cls._create_postgres(where, Path(key_file), meta, actor)
        station._audit_alone(Action.CREATE, detail=f"station {name}")
        return station

    @classmethod
    def _create_postgres(
        cls, where: Address, key_file: Path, meta: dict[str, str], actor: str | None
    ) -> Station:
        """The schema, roles and meta in one transaction; the key file is made once
        the database is reached and removed again if the station is not made."""
        db = where.open(keys=None)
        assert isinstance(db, PostgresDatabase)
        try:
            db.keys = KeyFile.create(key_file)
        except BaseException:
            db.close()
            raise
        meta["key_file"] = str(key_file.resolve())
        try:
            with db.write() as cur:
                if cur.execute("SELECT to_regclass('public.meta')").fetchone()[0] is not None:
                    raise BadInput(f"{db.address} already holds a station")
                for sql in db.schema(meta["station_id"]):
                    cur.execute(sql)
                for k, v in meta.items():
                    cur.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (k, v))
        except BaseException:
            db.close()
            key_file.unlink(missing_ok=True)  # it holds no key yet
            raise
        return cls(db, meta, actor)

    @classmethod
    def open(
        cls, address: str | Path, *, key_file: str | Path | None = None, actor: str | None = None
    ) -> Station:
        """The station at ``address``; on PostgreSQL its key file is ``key_file`` or
        the one it was created with."""
        where = Address(str(address))
        keys = KeyFile.open_existing(key_file) if key_file is not None else None
        db = where.open(keys=keys)
        try:
            with db.read() as cur:
                meta = {k: v for k, v in cur.execute("SELECT key, value FROM meta").fetchall()}
        except KeyManagementError:
            db.close()
            raise
        except Exception:
            db.close()
            raise BadInput(f"{db.address} is not a cinq station") from None
        if meta.get("format") != FORMAT or meta.get("version") != VERSION:
            db.close()
            raise BadInput(f"{db.address} is not a cinq station of format version {VERSION}")
        if isinstance(db, PostgresDatabase) and db.keys is None and "key_file" in meta:
            try:
                db.keys = KeyFile.open_existing(meta["key_file"])
            except BadInput:
                db.close()
                raise
        return cls(db, meta, actor)

    def grant(self, user: str, role: Role) -> None:
        """Let database user ``user`` (created, able to log in, if new) act as
        ``role`` at this station. PostgreSQL only; needs a user allowed to create
        roles (the station's owner)."""
        if not isinstance(self.db, PostgresDatabase):
            raise BadInput("an SQLite station has no users: whoever can write its file acts")
        if not _USER.fullmatch(user):
            raise BadInput(f"a database user name is letters, digits and _, not {user!r}")
        with self.db.write() as cur:
            if not cur.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (user,)).fetchone():
                cur.execute(f'CREATE ROLE "{user}" LOGIN')
            cur.execute(f'GRANT {role.database_role(self._id)} TO "{user}"')
            self._audit(cur, Action.GRANT, detail=f"{user} {role.value}")

    # -- the audit log -------------------------------------------------------------------

    def _audit(
        self,
        cur: Cursor,
        action: Action,
        *,
        agent: str | None = None,
        page_id: str | None = None,
        message: int | None = None,
        detail: str | None = None,
    ) -> None:
        cur.execute(
            "INSERT INTO audit (at, actor, action, agent, page_id, message, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now(), self.actor, action.value, agent, page_id, message, detail),
        )

    def _audit_alone(self, action: Action, *, detail: str) -> None:
        with self.db.write() as cur:
            self._audit(cur, action, detail=detail)

    # -- agents --------------------------------------------------------------------------

    def add_agent(self, call: str, *, pages: int = 100, groups: int = 50, lang: str = "en") -> None:
        """A new agent with fresh CSPRNG send and receive books of ``pages`` pages of
        ``groups`` groups (supervisors only, on PostgreSQL)."""
        self.check_new_agent(call, lang, groups)
        if not 1 <= pages <= MAX_PAGES:
            raise BadInput(f"an agent's book has 1 to {MAX_PAGES} pages, not {pages}")
        size = groups * GROUP
        books = {
            book: [PageSpec(pid, random_digits(size)) for pid in new_page_ids(pages)]
            for book in ("send", "receive")
        }
        self.insert_agent(call, lang, groups, books, Action.ADD_AGENT)

    def check_new_agent(self, call: str, lang: str, groups: int) -> None:
        """Refuse a call number, language or page size an agent cannot have, or a call
        number the station already has (before any page is made or moved)."""
        _check_call(call)
        lg.language(lang)
        if not 10 <= groups <= 1000:
            raise BadInput(f"a network page has 10 to 1000 groups, not {groups}")
        with self.db.read() as cur:
            if cur.execute("SELECT 1 FROM agent WHERE name = ?", (call,)).fetchone():
                raise BadInput(f"agent {call} already exists in station {self.name}")

    def insert_agent(
        self,
        call: str,
        lang: str,
        groups: int,
        books: dict[str, list[PageSpec]],
        action: Action,
    ) -> None:
        """Store agent ``call`` with ``books`` (book name -> unused pages), audited as
        ``action``, in one transaction."""
        slots = self.db.new_slots(sum(len(p) for p in books.values()))
        try:
            with self.db.write() as cur:
                if cur.execute("SELECT 1 FROM agent WHERE name = ?", (call,)).fetchone():
                    raise BadInput(f"agent {call} already exists in station {self.name}")
                cur.execute(
                    "INSERT INTO agent (name, lang, groups_per_page, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (call, lang, groups, now()),
                )
                self._insert_pages(cur, call, books, slots)
                counts = ", ".join(f"{len(p)} {b} pages" for b, p in books.items())
                self._audit(cur, action, agent=call, detail=counts)
        except BaseException:
            self.db.shred(slots)
            raise

    def page_specs(self, call: str) -> tuple[dict[str, list[PageSpec]], int]:
        """Agent ``call``'s pages as they would go into pad books: the unused ones with
        their digits, the others burned; and the page size in groups."""
        with self.db.read() as cur:
            _, groups = self._agent(cur, call)
            rows = cur.execute(
                "SELECT book, page_id, digits, key_slot, state FROM page WHERE agent = ? "
                "ORDER BY book, number",
                (call,),
            ).fetchall()
        specs: dict[str, list[PageSpec]] = {"send": [], "receive": []}
        for book, page_id, stored, slot, state in rows:
            if state == "unused":
                raw = self.db.unseal(slot, bytes(stored), self._aad(call, book, page_id))
                specs[book].append(PageSpec(page_id, np.frombuffer(raw, np.uint8).copy()))
            else:
                specs[book].append(PageSpec(page_id, None, PageState.BURNED))
        return specs, groups

    @contextlib.contextmanager
    def exporting(self, call: str, detail: str) -> Iterator[None]:
        """A transaction recording an export of agent ``call``'s books, around the
        writing of them (supervisors only, on PostgreSQL: the database refuses an
        operator's update of the agent before anything is written)."""
        with self.db.write() as cur:
            cur.execute("UPDATE agent SET exported_at = ? WHERE name = ?", (now(), call))
            self._audit(cur, Action.EXPORT, agent=call, detail=detail)
            yield

    def _insert_pages(
        self,
        cur: Cursor,
        call: str,
        books: dict[str, list[PageSpec]],
        slots: list[int | None],
        first: int = 1,
    ) -> None:
        """Store ``books``' pages, numbered from ``first``, sealed under ``slots``."""
        it = iter(slots)
        for book, specs in books.items():
            for number, spec in enumerate(specs, first):
                slot = next(it)
                assert spec.digits is not None
                aad = self._aad(call, book, spec.page_id)
                stored = self.db.seal(slot, np.asarray(spec.digits).tobytes(), aad)
                cur.execute(
                    "INSERT INTO page (agent, book, number, page_id, digits, key_slot) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (call, book, number, spec.page_id, stored, slot),
                )

    def _aad(self, call: str, book: str, page_id: str) -> bytes:
        return f"cinq-network/{self._id}/{call}/{book}/{page_id}".encode()

    def _agent_info(self, call: str) -> tuple[str, int]:
        """Agent ``call``'s language and page size, read once a session: neither ever
        changes, and every message needs them before its page is taken."""
        if call not in self._agents:
            with self.db.read() as cur:
                self._agents[call] = self._agent(cur, call)
        return self._agents[call]

    def _agent(self, cur: Cursor, call: str) -> tuple[str, int]:
        _check_call(call)
        row = cur.execute(
            "SELECT lang, groups_per_page FROM agent WHERE name = ?", (call,)
        ).fetchone()
        if row is None:
            raise BadInput(f"station {self.name} has no agent {call}")
        return str(row[0]), int(row[1])

    # -- queueing ------------------------------------------------------------------------

    def queue(
        self,
        call: str,
        text: str,
        *,
        at: datetime | None = None,
        policy: lg.Policy = lg.Policy.STRICT,
    ) -> Queued:
        """Encipher ``text`` for agent ``call`` on its next page and queue it for the
        agent's next slot (``at``: as of that time). Refused, with nothing taken, if
        the text cannot be encoded (``policy``: what to do with characters the board
        lacks) or does not fit one page."""
        lang, groups = self._agent_info(call)
        cap = Capacity(groups)
        board = lg.language(lang).board
        plain = text_digits(text, None, lang, policy, None, padded=False)
        if len(plain) > cap.text_digits:
            raise BadInput(
                f"the message takes {len(plain)} digits on board {board.name}; a message to "
                f"agent {call} is one page of {groups} groups, {cap.text_digits} digits: "
                "split it and queue the parts"
            )
        plain = np.concatenate([plain, from_str(board.fill(cap.text_digits - len(plain)))])
        return self._queue(call, plain, dummy=False, at=at)

    def _queue(self, call: str, full: Digits, *, dummy: bool, at: datetime | None) -> Queued:
        taken = self._take(call)
        try:
            key = self._key(call, taken)
            message = compose(full, taken.page_id, key, check=CHECK)
            groups = " ".join(message.groups)
            number = self._record(call, taken, groups, dummy, _stamp(at))
        except BaseException as exc:
            self._spoil_after(call, taken, exc)
            raise
        self.db.shred([taken.slot])
        return Queued(number, call, taken.page_id, len(message.groups), dummy)

    def _key(self, call: str, taken: _Taken) -> np.ndarray:
        raw = self.db.unseal(taken.slot, taken.stored, self._aad(call, "send", taken.page_id))
        return np.frombuffer(raw, np.uint8).copy()

    def _take(self, call: str) -> _Taken:
        """The agent's next unused send page, marked taken by this session and
        committed before its digits are used."""
        with self.db.write() as cur:
            row = cur.execute(
                "SELECT id, page_id, digits, key_slot FROM page WHERE agent = ? AND "
                "book = 'send' AND state = 'unused' ORDER BY number LIMIT 1" + self.db.lock_free,
                (call,),
            ).fetchone()
            if row is None:
                self._agent(cur, call)
                raise KeyManagementError(self._no_page_why(cur, call))
            cur.execute(
                "UPDATE page SET state = 'taken', taken_by = ?, taken_at = ? WHERE id = ?",
                (self.session, now(), row[0]),
            )
            self._audit(cur, Action.TAKE, agent=call, page_id=row[1])
        return _Taken(int(row[0]), str(row[1]), bytes(row[2]), row[3])

    @staticmethod
    def _no_page_why(cur: Cursor, call: str) -> str:
        burned = cur.execute("SELECT burned_at FROM agent WHERE name = ?", (call,)).fetchone()
        if burned is not None and burned[0] is not None:
            return f"agent {call} was burned on {burned[0]}: nothing more goes to it"
        return (
            f"agent {call}'s send book is used up: `cinq network agent extend {call}` adds "
            "pages (export the agent's books again for it)"
        )

    def _record(self, call: str, taken: _Taken, groups: str, dummy: bool, at: str) -> int:
        with self.db.write() as cur:
            done = cur.execute(
                "UPDATE page SET state = 'used', digits = NULL "
                "WHERE id = ? AND state = 'taken' AND taken_by = ?",
                (taken.row, self.session),
            )
            if done.rowcount != 1:
                raise KeyManagementError(
                    f"page {taken.page_id} of agent {call} was spoiled while it was being "
                    "enciphered on (taken too long): the message was not queued"
                )
            number = cur.execute(
                "INSERT INTO message (agent, page, dummy, groups, state, queued_by, queued_at) "
                "VALUES (?, ?, ?, ?, 'queued', ?, ?) RETURNING id",
                (call, taken.row, dummy, groups, self.actor, at),
            ).fetchone()[0]
            self._audit(
                cur, Action.QUEUE, agent=call, page_id=taken.page_id, message=number,
                detail="dummy" if dummy else None,
            )  # fmt: skip
        return int(number)

    def _spoil_after(self, call: str, taken: _Taken, exc: BaseException) -> None:
        """Spoil a taken page after ``exc``, if the database can still be told; if not,
        the page stays taken and :meth:`reconcile` spoils it later."""
        with contextlib.suppress(Exception):  # the first error is the one to report
            self._spoil(call, [taken], reason=type(exc).__name__)

    def _spoil(self, call: str, pages: Sequence[_Taken], *, reason: str) -> None:
        with self.db.write() as cur:
            for p in pages:
                done = cur.execute(
                    "UPDATE page SET state = 'spoiled', digits = NULL "
                    "WHERE id = ? AND state IN ('unused', 'taken')",
                    (p.row,),
                )
                if done.rowcount == 1:  # a page spoiled already (by reconcile) is logged once
                    self._audit(cur, Action.SPOIL, agent=call, page_id=p.page_id, detail=reason)
        self.db.shred([p.slot for p in pages])

    def slots(self, schedule: Schedule, start: datetime, end: datetime) -> list[Slot]:
        """The slots of ``schedule`` from ``start`` to ``end`` for this station's
        agents (those burned left out of "all"); refused if the schedule names an agent
        the station does not have, or one burned."""
        with self.db.read() as cur:
            rows = cur.execute("SELECT name, burned_at FROM agent").fetchall()
        agents = [str(name) for name, burned in rows if burned is None]
        slots = schedule.slots(start, end, agents)
        unknown = sorted({s.agent for s in slots} - set(agents))
        if unknown:
            burned = unknown[0] in {str(name) for name, _ in rows}
            why = (
                "was burned: take it off the schedule"
                if burned
                else f"is not in station {self.name}"
            )
            raise BadInput(f"the schedule calls agent {unknown[0]}, which {why}")
        return slots

    # -- transmitting --------------------------------------------------------------------

    def transmit(
        self, slot: Slot, *, deliver: Callable[[Transmission], None] | None = None
    ) -> Transmission | None:
        """Fill ``slot``: the agent's oldest real message queued by then, else a queued
        dummy, else a new dummy. ``deliver(transmission)`` (write the document) runs
        inside the transaction that marks the message sent: if it fails, nothing is
        marked. None if the slot was already transmitted, or is being transmitted, by
        another operator.

        Operators claim a slot before they fill it, so that of several operators
        working one schedule only one makes its dummy. A claim lasts
        :data:`CLAIM_SECONDS`: the slot of an operator killed after claiming it can be
        filled by another after that."""
        if not self._claim(slot):
            return None
        for _ in range(3):
            try:
                sent = self._transmit_queued(slot, deliver)
            except KeyManagementError:
                if self._transmitted(slot):
                    return None  # another operator filled it first: its transaction won
                raise
            if isinstance(sent, Transmission):
                return sent
            if sent is _Slot.ALREADY:
                return None
            self._dummy(slot)
        raise KeyManagementError(f"could not fill the slot of agent {slot.agent} at {slot.at}")

    def _claim(self, slot: Slot) -> bool:
        """Whether this session holds ``slot`` now (a new claim, or one expired)."""
        expired = (datetime.now(UTC) - timedelta(seconds=CLAIM_SECONDS)).isoformat()
        with self.db.write() as cur:
            row = cur.execute(
                "INSERT INTO slot_claim (agent, at, claimed_by, claimed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (agent, at) DO UPDATE SET claimed_by = excluded.claimed_by, "
                "claimed_at = excluded.claimed_at "
                "WHERE slot_claim.claimed_at < ? OR slot_claim.claimed_by = excluded.claimed_by "
                "RETURNING claimed_by",
                (slot.agent, _stamp(slot.at), self.session, now(), expired),
            ).fetchone()
        return row is not None and row[0] == self.session

    def _transmitted(self, slot: Slot) -> bool:
        with self.db.read() as cur:
            sql = "SELECT 1 FROM transmission WHERE agent = ? AND at = ?"
            return cur.execute(sql, (slot.agent, _stamp(slot.at))).fetchone() is not None

    def _dummy(self, slot: Slot) -> Queued:
        lang, groups = self._agent_info(slot.agent)
        fill = lg.language(lang).board.fill(Capacity(groups).text_digits)
        return self._queue(slot.agent, from_str(fill), dummy=True, at=slot.at)

    def _transmit_queued(
        self, slot: Slot, deliver: Callable[[Transmission], None] | None
    ) -> Transmission | _Slot:
        at = _stamp(slot.at)
        with self.db.write() as cur:
            if cur.execute(
                "SELECT 1 FROM transmission WHERE agent = ? AND at = ?", (slot.agent, at)
            ).fetchone():
                return _Slot.ALREADY
            row = cur.execute(
                "SELECT id, groups, dummy FROM message WHERE agent = ? AND state = 'queued' "
                "AND queued_at <= ? ORDER BY dummy, id LIMIT 1" + self.db.lock_free,
                (slot.agent, at),
            ).fetchone()
            if row is None:
                return _Slot.EMPTY
            sent = Transmission(slot, int(row[0]), tuple(str(row[1]).split()), bool(row[2]))
            cur.execute("UPDATE message SET state = 'sent' WHERE id = ?", (sent.message,))
            cur.execute(
                "INSERT INTO transmission (agent, at, frequency_khz, message, sent_by) "
                "VALUES (?, ?, ?, ?, ?)",
                (slot.agent, at, slot.frequency_khz, sent.message, self.actor),
            )
            self._audit(cur, Action.SEND, agent=slot.agent, message=sent.message, detail=at)
            if deliver is not None:
                deliver(sent)
        return sent


def _check_call(call: str) -> None:
    if not isinstance(call, str) or not _CALL.fullmatch(call):
        raise BadInput(f"an agent is named by its call number, 1 to 5 digits, not {call!r}")


def _ddl(statements: Sequence[str]) -> list[tuple[str, Sequence[object]]]:
    return [(s, ()) for s in statements]


def _meta(rows: Sequence[tuple[str, str]]) -> list[tuple[str, Sequence[object]]]:
    return [("INSERT INTO meta (key, value) VALUES (?, ?)", r) for r in rows]
