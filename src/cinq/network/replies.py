"""Reading what an agent sends back, on the agent's receive book at the station.

The agent enciphers with the send book exported for it (:mod:`.books`) and
``cinq encrypt``: a message of any length, on as many consecutive pages as it needs,
with check groups. The station reads it like a pad book reads (:func:`cinq.decrypt`):
the pages from the indicator on are locked, the check groups verified before anything
is deciphered, and the pages marked read, with a digest of the message, and burned (the
digits erased, their keys destroyed) in the transaction that releases the text. Nothing
is marked when the check fails. A page already read refuses any message, and says
whether it is the same one again or a different one (a replay, or a forgery).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import language as lg
from ..book import message_digest
from ..digits import GROUP
from ..document import Document
from ..errors import KeyManagementError
from ..message import Message
from ..procedure import open_message
from .station import CHECK, Action, now

if TYPE_CHECKING:
    from .station import Station
    from .store import Cursor


@dataclass(frozen=True)
class Reply:
    """A message read from an agent: its text and the pages it was on."""

    agent: str
    text: str
    page_ids: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"agent": self.agent, "text": self.text, "page_ids": list(self.page_ids)}


@dataclass(frozen=True)
class _Page:
    row: int
    page_id: str
    stored: bytes | None
    slot: int | None
    state: str
    received: str | None

    def __repr__(self) -> str:
        return f"_Page(page_id={self.page_id!r}, state={self.state!r})"


def read_reply(station: Station, call: str, document: Document | str) -> Reply:
    """Read agent ``call``'s message ``document`` (see the module docstring)."""
    doc = Document.parse(document) if isinstance(document, str) else document
    message = Message.from_document(doc, CHECK.check_groups)
    digest = message_digest(message.canonical)
    with station.db.write() as cur:
        lang, groups = station._agent(cur, call)
        pages_needed = -(-(len(message.body) + CHECK.key_digits) // (groups * GROUP))
        pages = _pages(station, cur, call, message.indicator, pages_needed)
        _refuse_read(call, pages, digest)
        key = np.concatenate([_digits(station, call, p) for p in pages])
        text = open_message(message, key, lg.language(lang).board, check=CHECK)
        for p in pages:
            cur.execute(
                "UPDATE page SET state = 'used', digits = NULL, received = ?, taken_at = ? "
                "WHERE id = ?",
                (digest, now(), p.row),
            )
        station._audit(cur, Action.READ, agent=call, page_id=message.indicator,
                       detail=f"{len(pages)} page(s)")  # fmt: skip
    station.db.shred([p.slot for p in pages])
    return Reply(call, text, tuple(p.page_id for p in pages))


def _pages(station: Station, cur: Cursor, call: str, indicator: str, n: int) -> list[_Page]:
    first = cur.execute(
        "SELECT number FROM page WHERE agent = ? AND book = 'receive' AND page_id = ?",
        (call, indicator),
    ).fetchone()
    if first is None:
        raise KeyManagementError(f"page {indicator} is not in agent {call}'s receive book")
    rows = cur.execute(
        "SELECT id, page_id, digits, key_slot, state, received FROM page WHERE agent = ? "
        "AND book = 'receive' AND number BETWEEN ? AND ? ORDER BY number"
        + (" FOR UPDATE" if station.db.engine == "postgresql" else ""),
        (call, int(first[0]), int(first[0]) + n - 1),
    ).fetchall()
    if len(rows) < n:
        raise KeyManagementError(
            f"the message needs {n} pages from page {indicator}, but agent {call}'s "
            "receive book ends before"
        )
    return [
        _Page(int(r[0]), r[1], None if r[2] is None else bytes(r[2]), r[3], r[4], r[5])
        for r in rows
    ]


def _refuse_read(call: str, pages: list[_Page], digest: str) -> None:
    for p in pages:
        if p.state == "unused":
            continue
        if p.received == digest:
            raise KeyManagementError(
                f"this message was already read (page {p.page_id} of agent {call}); its "
                "pages are burned, so it cannot be read again"
            )
        why = "read for a different message: a replay, a forgery or a reused pad"
        raise KeyManagementError(
            f"page {p.page_id} of agent {call} was {why if p.received else p.state}; refused"
        )


def _digits(station: Station, call: str, page: _Page) -> np.ndarray:
    assert page.stored is not None
    raw = station.db.unseal(page.slot, page.stored, station._aad(call, "receive", page.page_id))
    return np.frombuffer(raw, np.uint8).copy()
