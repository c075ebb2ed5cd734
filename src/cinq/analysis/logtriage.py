"""Triage of a whole intercept log: each message's verdict, and what the messages show
together: copies of one message (heard twice), and depths (one pad used twice).

Copies and depths are looked for first, so that a log over their bound
(:data:`~cinq.analysis.triage.MAX_MESSAGES`) is refused before any message is triaged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..document import Document
from .intercepts import Intercept
from .triage import Copies, Depth, Triage, copies, copy_sets, depths, triage

__all__ = ["LogTriage", "TriagedIntercept", "triage_log"]


@dataclass(frozen=True)
class TriagedIntercept:
    """One logged message and what triage made of it."""

    intercept: Intercept
    triage: Triage

    def to_json(self) -> dict[str, object]:
        """The message's id, station and time, then its triage (:meth:`Triage.to_json`)."""
        i = self.intercept
        return {"id": i.id, "station": i.station, "when": i.when, **self.triage.to_json()}


@dataclass(frozen=True)
class LogTriage:
    """The triage of every message of a log, in the log's order.

    ``depths`` and ``copies`` name their messages by position in ``messages``;
    :meth:`id_of` turns a position into the log's id.
    """

    messages: tuple[TriagedIntercept, ...]
    depths: tuple[Depth, ...]
    copies: tuple[Copies, ...]

    @property
    def ids(self) -> tuple[int, ...]:
        """The log's id of each message, by position."""
        return tuple(m.intercept.id for m in self.messages)

    def id_of(self, position: int) -> int:
        """The log's id of the message at ``position``."""
        return self.messages[position].intercept.id

    def copy_sets(self) -> list[tuple[int, ...]]:
        """The messages that are copies of one message, as sets of log ids (see
        :func:`~cinq.analysis.triage.copy_sets`)."""
        return [tuple(self.id_of(i) for i in members) for members in copy_sets(self.copies)]

    def to_json(self) -> dict[str, object]:
        """Every message's triage, then the depths, copies and copy sets, messages named
        by their log ids."""
        ids = self.ids
        return {
            "messages": [m.to_json() for m in self.messages],
            "depths": [d.to_json(ids) for d in self.depths],
            "copies": [c.to_json(ids) for c in self.copies],
            "copy_sets": [list(members) for members in self.copy_sets()],
        }


def triage_log(
    intercepts: Sequence[Intercept], *, progress: Callable[[int, int], None] | None = None
) -> LogTriage:
    """Triage every message of an intercept log, and compare them all.

    Parameters
    ----------
    intercepts
        The logged messages (:meth:`InterceptLog.list`), in the order to report them.
    progress
        Called as ``progress(done, total)`` after each message is triaged.

    Returns
    -------
    LogTriage
        One :class:`TriagedIntercept` per message, in order; the depths and copies.

    Raises
    ------
    BadInput
        More messages than copies and depths compare (before any is triaged).
    """
    groups = [item.groups for item in intercepts]
    # Copies and depths first: they refuse a log over their bound before any work.
    found_depths = tuple(depths(groups))
    found_copies = tuple(copies(groups))
    messages = []
    for n, item in enumerate(intercepts, 1):
        t = triage(Document(groups=item.groups, signature=item.signature))
        messages.append(TriagedIntercept(item, t))
        if progress:
            progress(n, len(intercepts))
    return LogTriage(tuple(messages), found_depths, found_copies)
