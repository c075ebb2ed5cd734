"""Cells and modes: what a code on a board stands for, and the bounds on the work."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum

from ..errors import BadInput


class Kind(Enum):
    CHAR = "char"  # stands for one character of text
    SHIFT = "shift"  # switches to another mode (FIG, L/F)
    CODE = "code"  # CODE escape: three codebook digits follow
    PAREN = "paren"  # one cell for both parentheses, alternating ( and )
    SPECIAL = "special"  # a procedural sign with no character, e.g. RPT; text form {RPT}


@dataclass(frozen=True)
class Cell:
    """What one code stands for."""

    kind: Kind
    text: str = ""  # CHAR: the character; SPECIAL: its name
    label: str = ""  # as printed on the card: "A", "SPC", "FIG", "REQ", "()"
    target: int = 0  # SHIFT: the mode it switches to

    @property
    def display(self) -> str:
        return self.label or self.text


def char(c: str, label: str = "") -> Cell:
    return Cell(Kind.CHAR, c, label or ("SPC" if c == " " else c))


FIG_TO = Cell(Kind.SHIFT, label="FIG", target=1)
FIG_BACK = Cell(Kind.SHIFT, label="FIG", target=0)
CODE = Cell(Kind.CODE, label="CODE")
PAREN = Cell(Kind.PAREN, label="()")
SPC = char(" ")

# Text forms of what has no character: {123} a CODE escape, {RPT} a procedural sign.
ESCAPE = re.compile(r"\{(?:([0-9]{3})|([A-Z]{2,5}))\}")
CODE_DIGITS = 3


class Codes(Mapping[str, Cell]):
    """An immutable, hashable map from digit codes to cells (equal by content)."""

    __slots__ = ("_items", "_map")

    def __init__(self, codes: Mapping[str, Cell]) -> None:
        self._map = dict(codes)
        self._items = tuple(sorted(self._map.items()))

    def __getitem__(self, code: str) -> Cell:
        return self._map[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Codes):
            return self._items == other._items
        return isinstance(other, Mapping) and self._map == dict(other)

    def __repr__(self) -> str:
        return f"Codes({self._map!r})"


@dataclass(frozen=True)
class Mode:
    """One mode of a board: a prefix-free map from digit codes to cells (any mapping
    given is kept as an immutable :class:`Codes`)."""

    name: str
    codes: Mapping[str, Cell]

    def __post_init__(self) -> None:
        if not isinstance(self.codes, Codes):
            object.__setattr__(self, "codes", Codes(self.codes))


MAX_TEXT_CHARS = 16_000_000
"""The longest text a board encodes, refused before any work is done: far beyond any
message a pad book holds, and room for the 10 MB text of the benchmarks. The engine
needs about 30 bytes a character to encode and about 10 bytes a digit to decode, so
the largest text costs well under a gigabyte (most texts: a few kilobytes)."""


def check_length(text: str) -> None:
    """:class:`BadInput` if ``text`` is longer than :data:`MAX_TEXT_CHARS`."""
    if len(text) > MAX_TEXT_CHARS:
        raise BadInput(
            f"the text has {len(text):,} characters; at most {MAX_TEXT_CHARS:,} can be "
            "encoded in one message"
        )


class DecodeError(BadInput):
    """Digits that do not decode on a board; ``index`` is the 0-based digit position."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index
