"""Pad books in and out of a station: an existing pad pair imported as an agent's, and
an agent's books exported for the agent to carry.

**Import.** A station takes over the *send* book of a pair whose receive book the agent
already holds (and, optionally, the *receive* book of a second pair whose send book the
agent holds). The send book's unused pages are marked *issued* in that file in the
same transaction that reads them (:meth:`cinq.book.PadBook.issue_pages`), before the
station stores them: if anything fails after that, pages are wasted, never enciphered
on twice, by the file and the station both.

**Export.** The agent's receive book is the station's send book as it is (each page
the station has not used, with its digits); the agent's send book is the station's
receive book. Pages the station already spent have no digits left to export: they go
out burned, and :class:`Exported` counts them. Export before the first message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..book import ExportedPage, PadBook, PageSpec, PageState, Role
from ..digits import GROUP
from ..errors import BadInput
from .station import Action

if TYPE_CHECKING:
    from .station import Station


@dataclass(frozen=True)
class Exported:
    """The agent's two books as written, and how many pages of each went out burned."""

    agent: str
    receive_book: Path  # the station's send book: the agent reads the broadcasts with it
    send_book: Path  # the station's receive book: the agent enciphers replies with it
    burned: dict[str, int]

    def to_json(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "receive_book": str(self.receive_book),
            "send_book": str(self.send_book),
            "burned": self.burned,
        }


def import_books(
    station: Station, call: str, send: PadBook, receive: PadBook | None = None, *, lang: str = "en"
) -> dict[str, int]:
    """Make ``call`` an agent with the unused pages of ``send`` (a send book) and of
    ``receive`` (a receive book); the pages imported per book."""
    if send.role is not Role.SEND:
        raise BadInput(f"{send.path} is a {send.role.value} book: import a send book as --send")
    if receive is not None and receive.role is not Role.RECEIVE:
        raise BadInput(f"{receive.path} is a {receive.role.value} book: give a receive book")
    groups = send.groups_per_page
    if receive is not None and receive.groups_per_page != groups:
        raise BadInput("both books of an agent must have pages of the same size")
    station.check_new_agent(call, lang, groups)
    books = {"send": _unused(send.issue_pages())}
    books["receive"] = _unused(receive.issue_pages()) if receive is not None else []
    station.insert_agent(call, lang, groups, books, Action.IMPORT)
    return {book: len(pages) for book, pages in books.items()}


def _unused(pages: list[ExportedPage]) -> list[PageSpec]:
    return [
        PageSpec(p.info.page_id, p.digits)
        for p in pages
        if p.info.state is PageState.UNUSED and p.digits is not None
    ]


def export_books(station: Station, call: str, base: str | Path) -> Exported:
    """Write ``base.receive.pad`` and ``base.send.pad``: agent ``call``'s books."""
    specs, groups = station.page_specs(call)
    size = groups * GROUP
    for book in specs:
        if not specs[book]:
            raise BadInput(f"agent {call} has no {book} pages to export")
    base = Path(base)
    burned = {b: sum(s.digits is None for s in pages) for b, pages in specs.items()}
    # Recorded first, in the transaction the files are written in: the database refuses
    # an operator before any file exists, and a failed write leaves no record.
    with station.exporting(call, f"{size // GROUP}-group pages; burned {burned}"):
        receive = PadBook.create_from_pages(base, specs["send"], roles=(Role.RECEIVE,))[0]
        try:
            send = PadBook.create_from_pages(base, specs["receive"], roles=(Role.SEND,))[0]
        except BaseException:
            receive.unlink(missing_ok=True)
            raise
    return Exported(call, receive, send, burned)
