"""The message: an indicator group in clear, the enciphered groups, the check groups.

The indicator is the page-ID group of the first pad page used; a message longer than a
page continues on the following pages of the book. The plaintext digits are padded
to whole groups with the board's fill, which decodes to nothing. The check groups
(:mod:`cinq.auth`) close the message.

A copy with unreadable digits (``?`` in its groups, see :mod:`cinq.document`) is never a
:class:`Message`: what does arithmetic on a message (the check groups, the cipher) would
silently compute with a digit nobody knows. ``Message.from_groups`` refuses it with
:class:`UnreadableDigits` (exit 2); :class:`PartialMessage` holds such a copy as digit
arrays plus ``known`` masks (a digit where the mask is False is stored as 0 and means
nothing), for :mod:`cinq.partial` to read as far as it can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from . import digits as dg
from .checkerboard import Board
from .digits import GROUP, Digits
from .document import UNKNOWN, UNKNOWN_BYTE, Document
from .errors import BadInput


def pad_to_groups(plain: Digits, board: Board) -> Digits:
    """Append the board's fill so the length is a whole number of groups."""
    k = -len(plain) % GROUP
    if not k:
        return plain
    return np.concatenate([plain, dg.from_str(board.fill(k))])


@dataclass(frozen=True, eq=False)
class Message:
    """An indicator, the cipher digits that follow it and the check digits, if any
    (each a whole number of groups)."""

    indicator: str
    body: Digits
    check: Digits = field(default_factory=dg.empty)

    def __post_init__(self) -> None:
        dg.check_group(self.indicator, unknown_allowed=False, name="indicator")
        if len(self.body) == 0 or len(self.body) % GROUP:
            raise BadInput(f"message body of {len(self.body)} digits is not whole groups")
        if len(self.check) % GROUP:
            raise BadInput(f"{len(self.check)} check digits are not whole groups")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Message)
            and self.indicator == other.indicator
            and np.array_equal(self.body, other.body)
            and np.array_equal(self.check, other.check)
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def groups(self) -> tuple[str, ...]:
        """Indicator first, then the body, then the check groups."""
        return (self.indicator, *dg.to_groups(self.body), *dg.to_groups(self.check))

    @classmethod
    def from_groups(cls, groups: Sequence[str], check_groups: int = 0) -> Message:
        """Read a message from its groups: the first is the indicator, the last
        ``check_groups`` are the check groups."""
        refuse_unreadable(groups, check_groups)
        if len(groups) < 2 + check_groups:
            raise BadInput(
                f"a message needs an indicator group, at least one cipher group and "
                f"{check_groups} check groups: {2 + check_groups} in all; got {len(groups)}"
            )
        cut = len(groups) - check_groups
        return cls(groups[0], dg.from_groups(groups[1:cut]), dg.from_groups(groups[cut:]))

    @classmethod
    def from_document(cls, doc: Document, check_groups: int = 0) -> Message:
        """:meth:`from_groups` for ``doc``'s groups, read from its figures as one array
        (no string per group)."""
        figures = doc.figures
        n = len(figures) // GROUP
        if UNKNOWN_BYTE in figures:  # found on the figures, worded as from_groups words it
            raise _unreadable(doc.unreadable, doc.unknown_digits, check_groups)
        if n < 2 + check_groups:
            return cls.from_groups(doc.groups, check_groups)  # the error about the count
        digits = np.frombuffer(figures, dtype=np.uint8, offset=GROUP) - np.uint8(ord("0"))
        cut = (n - 1 - check_groups) * GROUP
        return cls(figures[:GROUP].decode("ascii"), digits[:cut], digits[cut:])

    @property
    def figures(self) -> bytes:
        """Every group's figures back to back as ASCII bytes, indicator first (what
        :meth:`cinq.document.Document.from_figures` takes)."""
        digits = np.concatenate([self.body, self.check]) + np.uint8(ord("0"))
        return self.indicator.encode("ascii") + digits.tobytes()

    @property
    def canonical(self) -> str:
        """The groups joined by spaces: what identifies a message (for replay checks)."""
        rows = np.frombuffer(self.figures, dtype=np.uint8).reshape(-1, GROUP)
        spaced = np.empty((len(rows), GROUP + 1), dtype=np.uint8)
        spaced[:, :GROUP] = rows
        spaced[:, GROUP] = ord(" ")
        return spaced.tobytes()[:-1].decode("ascii")

    def locate(self, digit_index: int) -> str:
        """Where body digit ``digit_index`` sits, as a reader counts groups."""
        return f"group {digit_index // GROUP + 2}, figure {digit_index % GROUP + 1}"


class UnreadableDigits(BadInput):
    """The copy holds digits that could not be read (``?``). Exit code 2."""

    def __init__(self, message: str, *, groups: tuple[int, ...], digits: int) -> None:
        super().__init__(message)
        self.groups = groups
        self.digits = digits


def _numbers(groups: tuple[int, ...], most: int = 8) -> str:
    shown = ", ".join(map(str, groups[:most]))
    return shown + (f" and {len(groups) - most} more" if len(groups) > most else "")


def refuse_unreadable(groups: Sequence[str], check_groups: int = 0) -> None:
    """:class:`UnreadableDigits` if any of ``groups`` holds a ``?``, saying which."""
    where = tuple(n for n, g in enumerate(groups, 1) if isinstance(g, str) and UNKNOWN in g)
    if where:
        count = sum(groups[n - 1].count(UNKNOWN) for n in where)
        raise _unreadable(where, count, check_groups)


def _unreadable(where: tuple[int, ...], count: int, check_groups: int) -> UnreadableDigits:
    """The refusal of a copy with ``count`` unreadable digits in groups ``where``."""
    digits = "1 unreadable digit" if count == 1 else f"{count} unreadable digits"
    noun = "group" if len(where) == 1 else "groups"
    why = "the check groups cannot verify it; " if check_groups else ""
    return UnreadableDigits(
        f"the copy has {digits} ({noun} {_numbers(where)}); {why}"
        "use --unverified to decipher as far as possible",
        groups=where,
        digits=count,
    )


@dataclass(frozen=True, eq=False)
class PartialMessage:
    """A copy with unreadable digits: indicator, body and check digits as arrays, and
    for body and check a ``known`` mask. An unknown digit is stored as 0 and must be
    read through the mask; nothing here verifies or deciphers."""

    indicator: str
    body: Digits
    body_known: NDArray[np.bool_]
    check: Digits
    check_known: NDArray[np.bool_]

    @classmethod
    def from_groups(cls, groups: Sequence[str], check_groups: int = 0) -> PartialMessage:
        """Read a copy whose groups may hold ``?``; the indicator must be readable (it
        names the page)."""
        if len(groups) < 2 + check_groups:
            Message.from_groups(groups, check_groups)  # the usual error about the count
        head = groups[0]
        if UNKNOWN in head:
            raise BadInput(
                f"the indicator group {head!r} has an unreadable digit: the page it names "
                "cannot be known, so the copy cannot be deciphered"
            )
        cut = len(groups) - check_groups
        body, body_known = _masked(groups[1:cut])
        check, check_known = _masked(groups[cut:])
        Message(head, body, check)  # validates the shape
        return cls(head, body, body_known, check, check_known)

    @property
    def unknown_digits(self) -> int:
        return int((~self.body_known).sum() + (~self.check_known).sum())


def _masked(groups: Sequence[str]) -> tuple[Digits, NDArray[np.bool_]]:
    """Digits of ``groups`` with 0 where a ``?`` was, and the mask of known digits."""
    text = "".join(groups)
    known = np.array([c != UNKNOWN for c in text], dtype=np.bool_)
    digits = dg.from_groups([g.replace(UNKNOWN, "0") for g in groups])
    return digits, known
