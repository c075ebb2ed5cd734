"""Straddling checkerboards: text <-> digits.

A board gives each symbol a code of one or two digits (more inside figure mode); the
row-prefix digits never stand alone, so the digit stream decodes without separators.
A board has one or more *modes* (letters, figures); a shift cell moves between them.
Every mode's codes form a prefix-free set, which :class:`Board` checks when built.

Conventions that hold on every board, so that encode -> decode is exact:

* Figures (the digits 0-9 in the text) are written in the board's own way: between FIG
  markers with each digit written three times (``2017`` -> ``90 222 000 111 777 90`` on
  Standard Table No. 1), doubled in CT-55's figures mode, or as ``0d`` on CT-46.
  The encoder always shifts back to letters at the end.
* CODE escape: the CODE cell followed by three digits of a codebook. Without a codebook
  a code is written in the text as ``{123}``.
* Standard Table No. 1 has one cell for both parentheses: they must alternate, ``(``
  first; REQ (request) is that board's question mark.
* Padding to whole groups: :meth:`Board.fill` gives digits that decode to nothing (the
  start of an empty figure section, or an unfinished CODE escape on CT-46), and
  ``decode(..., padded=True)`` drops an unfinished code at the very end.
* Unreadable digits (a ``?`` in a copy): :func:`decode_partial` tries every value of
  each, keeps the text all readings agree on and marks the rest U+FFFD.
* Bounded work: a text over :data:`MAX_TEXT_CHARS` characters is refused before it is
  encoded.

The modules: :mod:`.cells` (what a code stands for), :mod:`.tokens` (a text as typed
tokens), :mod:`.board` (the immutable :class:`Board`), :mod:`.engine` (the vectorised
encoder and decoder the board uses), :mod:`.machine` (the board as a finite-state
machine), :mod:`.partial` (digits some of which are unreadable), :mod:`.tables` (the
built-in boards) and :mod:`.reference` (the one-code-at-a-time engine the tests
compare with; not used at run time).
"""

from typing import TYPE_CHECKING

from . import tables
from .board import Board
from .cells import (
    CODE,
    CODE_DIGITS,
    ESCAPE,
    FIG_BACK,
    FIG_TO,
    MAX_TEXT_CHARS,
    PAREN,
    SPC,
    Cell,
    Codes,
    DecodeError,
    Kind,
    Mode,
    char,
    check_length,
)
from .machine import Emitted, Machine, State, Transition
from .partial import UNREADABLE, decode_partial
from .tables import (
    BOARDS,
    CYRILLIC,
    LATIN,
    all_boards,
    board,
    keyed,
    sequence,
)
from .tokens import Token, TokenKind, tokenize

if TYPE_CHECKING:
    from .tables import AT_ONE_SIR, CT_37, CT_46, CT_55, ES_1, RU_1, STANDARD_TABLE_1


def __getattr__(name: str) -> Board:
    # The built-in boards (STANDARD_TABLE_1 ... ES_1) are read from boards.toml on first use.
    if name in tables.CONSTANTS:
        return tables.BOARDS[tables.CONSTANTS[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AT_ONE_SIR",
    "BOARDS",
    "CODE",
    "CODE_DIGITS",
    "CT_37",
    "CT_46",
    "CT_55",
    "CYRILLIC",
    "ESCAPE",
    "ES_1",
    "FIG_BACK",
    "FIG_TO",
    "LATIN",
    "MAX_TEXT_CHARS",
    "PAREN",
    "RU_1",
    "SPC",
    "STANDARD_TABLE_1",
    "UNREADABLE",
    "Board",
    "Cell",
    "Codes",
    "DecodeError",
    "Emitted",
    "Kind",
    "Machine",
    "Mode",
    "State",
    "Token",
    "TokenKind",
    "Transition",
    "all_boards",
    "board",
    "char",
    "check_length",
    "decode_partial",
    "keyed",
    "sequence",
    "tokenize",
]
