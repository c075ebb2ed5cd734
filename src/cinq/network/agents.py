"""An agent's life after it is made: more pages when its books run low, and burning
it when it is lost (captured, turned, or simply gone).

**Extending.** New CSPRNG pages are appended to both of the agent's books, numbered on
from the last, with page IDs the books do not have yet. The agent needs them: export
its books again (the pages already spent go out burned, the new ones with digits).

**Burning.** Every unused page of both books is spoiled (its digits erased, its key
destroyed on PostgreSQL), every message still queued for the agent is cancelled, and
the agent is marked burned: nothing is queued or sent to it again, schedules that call
"all" agents leave it out and a schedule that names it is refused. Its audit entries
and its past traffic stay. Supervisors only, on PostgreSQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..book import PageSpec, new_page_ids
from ..digits import GROUP
from ..errors import BadInput, KeyManagementError
from ..hazmat.pad import random_digits
from .station import MAX_PAGES, Action, now

if TYPE_CHECKING:
    from .station import Station
    from .store import Cursor


def extend_agent(station: Station, call: str, pages: int) -> int:
    """Append ``pages`` new pages to each of agent ``call``'s books; the first new
    page's number."""
    if not 1 <= pages <= MAX_PAGES:
        raise BadInput(f"an agent gets 1 to {MAX_PAGES} pages at a time, not {pages}")
    _, groups = station._agent_info(call)
    with station.db.read() as cur:
        _refuse_burned(cur, call)
        have = {str(r[0]) for r in cur.execute("SELECT page_id FROM page WHERE agent = ?", (call,))}
        first = (
            int(cur.execute("SELECT MAX(number) FROM page WHERE agent = ?", (call,)).fetchone()[0])
            + 1
        )
    if first - 1 + pages > MAX_PAGES:
        raise BadInput(f"agent {call}'s books would pass {MAX_PAGES} pages")
    books = {book: _fresh(pages, groups, have) for book in ("send", "receive")}
    slots = station.db.new_slots(2 * pages)
    try:
        with station.db.write() as cur:
            station._insert_pages(cur, call, books, slots, first)
            station._audit(cur, Action.EXTEND, agent=call, detail=f"{pages} pages from no. {first}")
    except BaseException:
        station.db.shred(slots)
        raise
    return first


def _fresh(pages: int, groups: int, taken: set[str]) -> list[PageSpec]:
    ids = [i for i in new_page_ids(pages + len(taken)) if i not in taken][:pages]
    taken.update(ids)
    return [PageSpec(i, random_digits(groups * GROUP)) for i in ids]


def burn_agent(station: Station, call: str) -> int:
    """Burn agent ``call`` (see the module docstring); the pages spoiled."""
    station._agent_info(call)
    with station.db.write() as cur:
        _refuse_burned(cur, call)
        cur.execute("UPDATE agent SET burned_at = ? WHERE name = ?", (now(), call))
        rows = cur.execute(
            "SELECT id, page_id, key_slot FROM page WHERE agent = ? AND state = 'unused'",
            (call,),
        ).fetchall()
        cur.execute(
            "UPDATE page SET state = 'spoiled', digits = NULL WHERE agent = ? AND state = 'unused'",
            (call,),
        )
        for _, page_id, _ in rows:
            station._audit(cur, Action.SPOIL, agent=call, page_id=page_id, detail="agent burned")
        cancelled = cur.execute(
            "UPDATE message SET state = 'cancelled' WHERE agent = ? AND state = 'queued'", (call,)
        ).rowcount
        station._audit(
            cur,
            Action.BURN,
            agent=call,
            detail=f"{len(rows)} pages, {cancelled} queued messages cancelled",
        )
    station.db.shred([r[2] for r in rows])
    return len(rows)


def _refuse_burned(cur: Cursor, call: str) -> None:
    row = cur.execute("SELECT burned_at FROM agent WHERE name = ?", (call,)).fetchone()
    if row is not None and row[0] is not None:
        raise KeyManagementError(f"agent {call} was burned on {row[0]}")
