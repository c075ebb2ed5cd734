"""The board: a :class:`Board` encodes text to digits and decodes them back.

A board is an immutable value (equal and hashable by its content). The work is done by
the vectorised :mod:`~cinq.checkerboard.engine` from lookup tables the board compiles
on first use; :meth:`Board.machine` gives the same board as a finite-state machine.
"""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..digits import Digits, digits_in, from_str
from ..errors import BadInput, Location
from . import engine
from .cells import Cell, DecodeError, Kind, Mode, check_length
from .machine import Machine


@dataclass(frozen=True)
class Board:
    """A straddling checkerboard.

    Build one with :func:`board` (a built-in by name) or :func:`keyed` (from a key).
    Equal boards (same name, modes, fill, description and source) hash alike; the
    compiled tables are a cache, not part of the value.
    """

    name: str
    modes: tuple[Mode, ...]
    fill_pattern: str
    description: str = ""
    source: str = ""

    def __repr__(self) -> str:
        return f"Board({self.name!r})"

    def __post_init__(self) -> None:
        object.__setattr__(self, "modes", tuple(self.modes))
        for mode in self.modes:
            codes = sorted(mode.codes)
            for a, b in itertools.pairwise(codes):
                if b.startswith(a):
                    raise ValueError(f"{self.name}: code {a} is a prefix of {b}")
        # The fill must decode to nothing, whatever length of it is used.
        for k in range(1, 5):
            if self.machine().walk((int(d) for d in self.fill(k)), padded=True):
                raise ValueError(f"{self.name}: fill pattern decodes to text")

    @cached_property
    def _compiled(self) -> engine.Compiled:
        return engine.compile_board(self.name, self.modes, self.paren_toggle)

    @cached_property
    def _prefixes(self) -> tuple[frozenset[str], ...]:
        return tuple(
            frozenset(c[:i] for c in mode.codes for i in range(1, len(c))) for mode in self.modes
        )

    @cached_property
    def _machine(self) -> Machine:
        return Machine(self)

    # -- what the board can write -------------------------------------------------

    @cached_property
    def characters(self) -> frozenset[str]:
        """Every single character this board can encode (in some mode)."""
        out: set[str] = set()
        for mode in self.modes:
            for cell in mode.codes.values():
                if cell.kind is Kind.CHAR and len(cell.text) == 1:
                    out.add(cell.text)
                elif cell.kind is Kind.PAREN:
                    out |= {"(", ")"}
        return frozenset(out)

    @cached_property
    def has_code(self) -> bool:
        return any(c.kind is Kind.CODE for m in self.modes for c in m.codes.values())

    @cached_property
    def specials(self) -> frozenset[str]:
        return frozenset(
            c.text for m in self.modes for c in m.codes.values() if c.kind is Kind.SPECIAL
        )

    @cached_property
    def paren_toggle(self) -> bool:
        return any(c.kind is Kind.PAREN for m in self.modes for c in m.codes.values())

    def can_encode(self, ch: str) -> bool:
        return ch in self.characters

    def fill(self, k: int) -> str:
        """``k`` digits that decode to nothing, to pad a message to whole groups."""
        reps = -(-k // len(self.fill_pattern)) + 1
        return (self.fill_pattern * reps)[:k]

    def prefixes(self, mode: int) -> frozenset[str]:
        """The digits that begin a longer code in ``mode`` (row prefixes and the like)."""
        return self._prefixes[mode]

    def machine(self) -> Machine:
        """This board as a finite-state machine over digits (see :mod:`.machine`)."""
        return self._machine

    # -- encode and decode ----------------------------------------------------------

    def encode(self, text: str) -> Digits:
        """Encode ``text`` (upper-case letters, figures, the board's signs, CODE escapes
        written ``{123}`` and signs such as ``{RPT}``).

        Raises :class:`UnencodableText` naming the first character the board has no
        cell for (use :mod:`cinq.language` to fold or drop such characters first), and
        :class:`BadInput` for a text over :data:`MAX_TEXT_CHARS` characters.
        """
        check_length(text)
        return engine.encode(self._compiled, text)

    def decode(self, digits: Digits, *, padded: bool = False, replace: str | None = None) -> str:
        """Decode digits back to text.

        ``padded=True`` accepts an unfinished code at the very end (the fill that
        makes whole groups) and drops it; otherwise that is an error. With
        ``replace``, a code the board does not use becomes that character instead of an
        error (for analysis of digits that may not be plaintext at all). Errors are
        :class:`DecodeError` with the 0-based digit ``index``.
        """
        return engine.decode(self._compiled, digits, padded=padded, replace=replace)

    def decode_text(self, text: str, *, source: str | None = None) -> str:
        """:meth:`decode` (``padded``) of the digits written in ``text``, blanks between
        them ignored; a character that is not a digit, or a code the board does not use,
        is a :class:`~cinq.errors.BadInput` naming its line and column in ``text``."""
        digits, offsets = digits_in(text, source=source)
        try:
            return self.decode(from_str(digits), padded=True)
        except DecodeError as e:
            at = Location.of_offset(text, offsets[e.index], source=source)
            raise BadInput(e.message, location=at) from None

    # -- display --------------------------------------------------------------------

    def table(self) -> list[tuple[str, list[str]]]:
        """The card, one ``(row label, ten cells)`` row each: the single-digit row
        (label ``""``), then each prefix row; figure modes follow, labelled by mode."""
        rows: list[tuple[str, list[str]]] = []
        for m, mode in enumerate(self.modes):
            lengths = {len(c) for c in mode.codes}
            if m > 0 and lengths == {3}:
                continue  # tripled figures: described, not tabulated
            tag = "" if m == 0 else f"{mode.name}: "
            singles = [mode.codes[d].display if d in mode.codes else "" for d in string.digits]
            if any(singles) or m == 0:
                rows.append((tag.strip(": ") if tag else "", singles))
            for p in sorted({c[0] for c in mode.codes if len(c) == 2}):
                row = [mode.codes.get(p + d) for d in string.digits]
                if m > 0 and all(c is None or c.text in string.digits for c in row):
                    continue  # doubled figures: described, not tabulated
                rows.append((f"{tag}{p}", [c.display if c else "" for c in row]))
        return rows

    def to_json(self) -> dict[str, Any]:
        """The board as JSON: name, description, source, the fill, every mode with its
        codes and cells, the card as printed (``rows``) and the characters it writes."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "fill": self.fill_pattern,
            "modes": [
                {
                    "name": mode.name,
                    "codes": [
                        _cell_json(self, code, cell) for code, cell in sorted(mode.codes.items())
                    ],
                }
                for mode in self.modes
            ],
            "rows": [{"prefix": p, "cells": cells} for p, cells in self.table()],
            "characters": "".join(sorted(self.characters)),
        }


def _cell_json(board: Board, code: str, cell: Cell) -> dict[str, str]:
    out = {"code": code, "kind": cell.kind.value, "label": cell.display}
    if cell.kind in (Kind.CHAR, Kind.SPECIAL):
        out["text"] = cell.text
    if cell.kind is Kind.SHIFT:
        out["to"] = board.modes[cell.target].name
    return out
