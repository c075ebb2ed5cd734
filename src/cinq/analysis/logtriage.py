"""Triage of a whole intercept log: each message's verdict, and what the messages show
together -- copies of one message (heard twice, merged by a vote) and depths (one pad
used twice) -- from :func:`cinq.depth.find.find`.

Messages are named by their log label (:attr:`~.intercepts.Intercept.label`: the
monitor's own id when it came with one, else cinq's numeric id as text), in every
finding. The depth search runs first, so that a bad group is refused before any message
is triaged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..checkerboard import Board
from ..depth.copies import CopySet
from ..depth.find import OFFSETS, Depth, DepthReport, find
from ..document import Document
from .intercepts import Intercept
from .triage import Triage, triage

__all__ = ["LogTriage", "TriagedIntercept", "triage_log"]


@dataclass(frozen=True)
class TriagedIntercept:
    """One logged message and what triage made of it."""

    intercept: Intercept
    triage: Triage

    def to_json(self) -> dict[str, object]:
        """The message's id, label, station and time, then its triage
        (:meth:`Triage.to_json`)."""
        i = self.intercept
        return {
            "id": i.id,
            "label": i.label,
            "station": i.station,
            "when": i.when,
            **self.triage.to_json(),
        }


@dataclass(frozen=True)
class LogTriage:
    """The triage of every message of a log, in the log's order, and the depth search
    over them all (``found``: depths and copy sets, messages named by label)."""

    messages: tuple[TriagedIntercept, ...]
    found: DepthReport

    @property
    def depths(self) -> tuple[Depth, ...]:
        """Pairs of messages on one key (:class:`cinq.depth.find.Depth`)."""
        return self.found.depths

    @property
    def copies(self) -> tuple[CopySet, ...]:
        """Sets of copies of one message; :meth:`members` names them."""
        return self.found.copies

    def members(self, copies: CopySet) -> tuple[str, ...]:
        """The labels of a copy set's members."""
        return tuple(self.found.ids[m] for m in copies.members)

    def to_json(self) -> dict[str, object]:
        """Every message's triage, then ``depths`` and ``copies`` as ``cinq depth find
        --json`` gives them, and the depth search's summary."""
        return {
            "messages": [m.to_json() for m in self.messages],
            **self.found.to_json(),
            "depth_search": self.found.summary(),
        }


def triage_log(
    intercepts: Sequence[Intercept],
    *,
    progress: Callable[[int, int], None] | None = None,
    boards: Sequence[Board] | None = None,
    offsets: int | None = OFFSETS,
) -> LogTriage:
    """Triage every message of an intercept log, and look for copies and depths.

    Parameters
    ----------
    intercepts
        The logged messages (:meth:`InterceptLog.list`), in the order to report them.
    progress
        Called as ``progress(done, total)`` after each message is triaged.
    boards, offsets
        The depth search's boards (default: every built-in board) and group offsets
        (:func:`cinq.depth.find.find`).

    Returns
    -------
    LogTriage
        One :class:`TriagedIntercept` per message, in order; the depths and copies.

    Raises
    ------
    BadInput
        A group that is not five digits or ``?`` (before any message is triaged).
    """
    labels = [item.label for item in intercepts]
    found = find([item.groups for item in intercepts], ids=labels, boards=boards, offsets=offsets)
    messages = []
    for n, item in enumerate(intercepts, 1):
        t = triage(Document(groups=item.groups, signature=item.signature))
        messages.append(TriagedIntercept(item, t))
        if progress:
            progress(n, len(intercepts))
    return LogTriage(tuple(messages), found)
