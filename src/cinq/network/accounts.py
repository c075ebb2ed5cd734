"""A station's accounts: what each agent's pad holds and has spent, the audit log, the
pages abandoned by killed operators, and the check that the books balance.

The rule the check proves: every send page is *unused*, *taken* (by an operator at
work), *used* for exactly one message, or *spoiled*; no page is in two messages; every
message was queued once and sent at most once, in one slot; every receive page read
holds the digest of the message read on it; and the audit log holds an entry for each
of these moves, written in the transaction that made it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .station import Action

if TYPE_CHECKING:
    from .station import Station
    from .store import Cursor


@dataclass(frozen=True)
class AgentAccount:
    """One agent's pad and traffic at the station."""

    agent: str
    lang: str
    groups_per_page: int
    pages: dict[str, dict[str, int]]  # book -> state -> count
    queued: int
    sent: int
    dummies_sent: int
    burned_at: str | None = None  # when the agent was burned (cinq.network.agents)

    def to_json(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "lang": self.lang,
            "groups_per_page": self.groups_per_page,
            "pages": self.pages,
            "queued": self.queued,
            "sent": self.sent,
            "dummies_sent": self.dummies_sent,
            "burned_at": self.burned_at,
        }


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: str
    actor: str
    action: Action
    agent: str | None
    page_id: str | None
    message: int | None
    detail: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action.value,
            "agent": self.agent,
            "page_id": self.page_id,
            "message": self.message,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Balance:
    """The outcome of :func:`balance`: each broken rule, in words (empty: balanced),
    and the counts it was checked on."""

    problems: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {"balanced": self.ok, "problems": list(self.problems), "counts": self.counts}


def accounts(station: Station) -> list[AgentAccount]:
    """Each agent's pages by book and state, and its messages."""
    with station.db.read() as cur:
        agents = cur.execute(
            "SELECT name, lang, groups_per_page, burned_at FROM agent ORDER BY name"
        ).fetchall()
        pages = cur.execute(
            "SELECT agent, book, state, COUNT(*) FROM page GROUP BY agent, book, state"
        ).fetchall()
        msgs = cur.execute(
            "SELECT agent, state, dummy, COUNT(*) FROM message GROUP BY agent, state, dummy"
        ).fetchall()
    by_agent: dict[str, dict[str, dict[str, int]]] = {}
    for agent, book, state, n in pages:
        by_agent.setdefault(agent, {}).setdefault(book, {})[state] = int(n)
    traffic: Counter[tuple[str, str, bool]] = Counter(
        {(a, s, bool(d)): int(n) for a, s, d, n in msgs}
    )
    return [
        AgentAccount(
            agent=name,
            lang=lang,
            groups_per_page=int(g),
            pages=by_agent.get(name, {}),
            queued=traffic[(name, "queued", False)] + traffic[(name, "queued", True)],
            sent=traffic[(name, "sent", False)] + traffic[(name, "sent", True)],
            dummies_sent=traffic[(name, "sent", True)],
            burned_at=burned,
        )
        for name, lang, g, burned in agents
    ]


def audit_log(station: Station, *, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
    """The audit log from entry ``after + 1`` on, in order."""
    sql = (
        "SELECT id, at, actor, action, agent, page_id, message, detail FROM audit "
        "WHERE id > ? ORDER BY id"
    )
    params: tuple[object, ...] = (after,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (after, limit)
    with station.db.read() as cur:
        rows = cur.execute(sql, params).fetchall()
    return [
        AuditEntry(int(r[0]), str(r[1]), str(r[2]), Action(r[3]), r[4], r[5], r[6], r[7])
        for r in rows
    ]


def reconcile(station: Station, *, older_than: timedelta = timedelta(minutes=10)) -> list[str]:
    """Spoil the pages taken more than ``older_than`` ago and never used (their
    operator was killed, or lost the database), and destroy the key of every page that
    has no digits left (a process killed between erasing and shredding). The page IDs
    spoiled, as ``agent/page``. ``older_than=0``: every taken page, when no operator is
    at work."""
    cutoff = (datetime.now(UTC) - older_than).isoformat(timespec="microseconds")
    with station.db.write() as cur:
        rows = cur.execute(
            "SELECT id, agent, page_id FROM page WHERE state = 'taken' AND taken_at <= ?"
            + station.db.lock_free,
            (cutoff,),
        ).fetchall()
        for row_id, agent, page_id in rows:
            cur.execute("UPDATE page SET state = 'spoiled', digits = NULL WHERE id = ?", (row_id,))
            station._audit(cur, Action.SPOIL, agent=agent, page_id=page_id, detail="abandoned")
        spent = cur.execute(
            "SELECT key_slot FROM page WHERE state IN ('used', 'spoiled') AND key_slot IS NOT NULL"
        ).fetchall()
    station.db.shred([int(s) for (s,) in spent])
    return [f"{a}/{p}" for _, a, p in rows]


def balance(station: Station) -> Balance:
    """Check the rule of the module docstring against the database."""
    problems: list[str] = []
    with station.db.read() as cur:
        counts = _counts(cur)
        problems += _page_problems(cur)
        problems += _audit_problems(cur, counts)
    return Balance(tuple(problems), counts)


def _counts(cur: Cursor) -> dict[str, int]:
    q = {
        "pages_unused": "SELECT COUNT(*) FROM page WHERE state = 'unused'",
        "pages_taken": "SELECT COUNT(*) FROM page WHERE state = 'taken'",
        "pages_used": "SELECT COUNT(*) FROM page WHERE state = 'used' AND book = 'send'",
        "pages_read": "SELECT COUNT(*) FROM page WHERE state = 'used' AND book = 'receive'",
        "pages_spoiled": "SELECT COUNT(*) FROM page WHERE state = 'spoiled'",
        "messages_queued": "SELECT COUNT(*) FROM message WHERE state = 'queued'",
        "messages_sent": "SELECT COUNT(*) FROM message WHERE state = 'sent'",
        "messages_cancelled": "SELECT COUNT(*) FROM message WHERE state = 'cancelled'",
        "dummies_sent": "SELECT COUNT(*) FROM message WHERE state = 'sent' AND dummy",
        "transmissions": "SELECT COUNT(*) FROM transmission",
        "audit_entries": "SELECT COUNT(*) FROM audit",
    }
    return {k: int(cur.execute(sql).fetchone()[0]) for k, sql in q.items()}


def _page_problems(cur: Cursor) -> list[str]:
    checks = {
        "used send pages in no message": "SELECT COUNT(*) FROM page p WHERE p.state = 'used' "
        "AND p.book = 'send' AND NOT EXISTS (SELECT 1 FROM message m WHERE m.page = p.id)",
        "messages on a page not used": "SELECT COUNT(*) FROM message m JOIN page p "
        "ON p.id = m.page WHERE p.state <> 'used'",
        "pages in more than one message": "SELECT COUNT(*) FROM (SELECT page FROM message "
        "GROUP BY page HAVING COUNT(*) > 1) AS twice",
        "messages on another agent's page": "SELECT COUNT(*) FROM message m JOIN page p "
        "ON p.id = m.page WHERE p.agent <> m.agent OR p.book <> 'send'",
        "sent messages without one transmission": "SELECT COUNT(*) FROM message m WHERE "
        "m.state = 'sent' AND (SELECT COUNT(*) FROM transmission t WHERE t.message = m.id) <> 1",
        "transmissions of a message not sent": "SELECT COUNT(*) FROM transmission t JOIN "
        "message m ON m.id = t.message WHERE m.state <> 'sent'",
        "pages with digits left after use": "SELECT COUNT(*) FROM page WHERE "
        "state IN ('used', 'spoiled') AND digits IS NOT NULL",
        "receive pages read without a message digest": "SELECT COUNT(*) FROM page WHERE "
        "book = 'receive' AND state = 'used' AND received IS NULL",
    }
    out = []
    for what, sql in checks.items():
        n = int(cur.execute(sql).fetchone()[0])
        if n:
            out.append(f"{n} {what}")
    return out


def _audit_problems(cur: Cursor, counts: dict[str, int]) -> list[str]:
    rows = cur.execute("SELECT action, COUNT(*) FROM audit GROUP BY action").fetchall()
    logged = Counter({str(a): int(n) for a, n in rows})
    expect = {
        Action.TAKE: counts["pages_taken"] + counts["pages_used"] + _spoiled_taken(cur),
        Action.QUEUE: counts["messages_queued"]
        + counts["messages_sent"]
        + counts["messages_cancelled"],
        Action.SEND: counts["transmissions"],
        Action.SPOIL: counts["pages_spoiled"],
    }
    return [
        f"audit log has {logged[a.value]} {a.value} entries for {n} such moves"
        for a, n in expect.items()
        if logged[a.value] != n
    ]


def _spoiled_taken(cur: Cursor) -> int:
    """Spoiled pages that had been taken (a page can also be spoiled unused)."""
    sql = "SELECT COUNT(*) FROM page WHERE state = 'spoiled' AND taken_by IS NOT NULL"
    return int(cur.execute(sql).fetchone()[0])


__all__ = [
    "AgentAccount",
    "AuditEntry",
    "Balance",
    "accounts",
    "audit_log",
    "balance",
    "reconcile",
]
