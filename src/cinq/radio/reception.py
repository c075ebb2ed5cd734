"""What was copied from a recording: the groups, the call-up, the figures not sure.

A copy is *clean* -- to be trusted as it is, exit 0 -- only when every figure is sure,
the call-up's group count was read, and as many groups were copied as it announces. A
copy shorter than the count, or one whose count was never read, is never clean: a
monitor cannot tell a complete copy from a truncated one otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..document import UNKNOWN, Document
from ..errors import BadInput


class Unsure(NamedTuple):
    """A figure of the copy that is not sure (written ``?``): where it is, 1-based."""

    group: int
    figure: int


@dataclass(frozen=True)
class Reception:
    """What was copied from a recording of one station.

    Attributes
    ----------
    station
        The station's name (its profile's), which signs the received document.
    groups
        The groups copied, in order; a digit not sure is ``?``.
    station_id, count
        What the call-up said (None when it could not be read).
    uncertain
        Every ``?`` of ``groups``, in order.
    notes
        What the receiver noticed on the way (passes voted, the count not read, a
        recording that starts late, the tape's speed).
    """

    station: str
    groups: tuple[str, ...]
    station_id: str | None
    count: int | None
    uncertain: tuple[Unsure, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def count_ok(self) -> bool:
        """Whether the call-up's count was read and as many groups were copied."""
        return self.count is not None and self.count == len(self.groups)

    @property
    def clean(self) -> bool:
        """A copy to trust as it is: every figure sure, the call-up's count read, and
        exactly that many groups copied."""
        return not self.uncertain and self.count_ok

    def document(self, *, source: str | None = None) -> Document:
        """The received document, as ``cinq decrypt`` reads it: the groups one per line
        (:meth:`Document.render`), signed with the station's name.

        Raises
        ------
        BadInput
            No group was copied; the message names ``source`` (the recording) if given.
        """
        if not self.groups:
            where = f"{source}: " if source else ""
            raise BadInput(f"{where}no message groups found for station {self.station}")
        return Document(groups=self.groups, signature=self.station)

    def to_json(self) -> dict[str, object]:
        """The copy as a JSON-ready dict: station, call-up, groups, the figures not sure
        (``{"group", "figure"}``, 1-based), the receiver's notes and whether the copy is
        clean."""
        return {
            "station": self.station,
            "station_id": self.station_id,
            "count": self.count,
            "groups": list(self.groups),
            "uncertain": [u._asdict() for u in self.uncertain],
            "notes": list(self.notes),
            "clean": self.clean,
        }


def reception(
    station: str,
    groups: Sequence[str],
    station_id: str | None,
    count: int | None,
    notes: Sequence[str] = (),
    *,
    counted: bool = True,
) -> Reception:
    """The reception of ``groups``: every ``?`` in them is an :class:`Unsure`; a count
    not read, or one that differs from the groups copied, is noted (``counted`` False:
    the station sends no count at all)."""
    said = list(notes)
    if count is None and not counted:
        said.append("the station sends no group count: the copy cannot be checked complete")
    elif count is None:
        said.append("count not read: the copy may be incomplete")
    elif count != len(groups):
        said.append(f"the call-up announces {count} groups but {len(groups)} were copied")
    unsure = tuple(
        Unsure(g, i)
        for g, group in enumerate(groups, 1)
        for i, c in enumerate(group, 1)
        if c == UNKNOWN
    )
    return Reception(station, tuple(groups), station_id, count, unsure, tuple(said))
