"""Reading digits some of which are unknown (a ``?`` in a copy)."""

from __future__ import annotations

import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .. import digits as dg
from ..digits import Digits
from .board import Board
from .cells import CODE_DIGITS, DecodeError, Kind

UNREADABLE = "\ufffd"
"""What :func:`decode_partial` writes for text that unknown digits leave undecided
(U+FFFD, the replacement character: a board may itself have a ``?`` cell)."""
_MAX_READINGS = 64  # distinct pending texts kept per state before the stretch is undecided


_PAREN = "\x00"  # a parenthesis cell, ( or ) decided once the readings are merged


@dataclass(frozen=True, order=True)
class _At:
    """Where a reading of the digits stands: digit position and mode. (Not whether a
    parenthesis is open: readings that differ only in that would never meet again.)"""

    pos: int
    mode: int


def decode_partial(board: Board, digits: Digits, known: Sequence[bool]) -> str:
    """Decode ``digits`` where ``known[i]`` is False for a digit nobody could read.

    Every value an unknown digit could have is tried; readings that hit a code the
    board does not use are dropped, and where the remaining readings meet again (same
    digit, same mode) decoding goes on as one. Text every reading agrees on is kept;
    a stretch they disagree on is :data:`UNREADABLE`, one per character when all
    readings give it the same length, else one. An unknown digit inside a CODE escape
    shows there (``{1\ufffd3}``). An unfinished code at the very end is the fill
    (as ``decode(..., padded=True)``). With every digit known this is
    ``board.decode(digits, padded=True)``.

    Raises :class:`DecodeError` when no reading decodes at all.
    """
    s = "".join(str(d) if k else UNREADABLE for d, k in zip(dg.to_str(digits), known, strict=True))
    frontier: dict[_At, set[str] | None] = {_At(0, 0): {""}}
    out: list[str] = []
    while not all(at.pos >= len(s) for at in frontier):
        if len(frontier) == 1:  # all readings meet here: what they agree on is final
            ((at, texts),) = frontier.items()
            out.append(_agreed(texts))
            frontier = {at: {""}}
        at = min(a for a in frontier if a.pos < len(s))
        texts = frontier.pop(at)
        for piece, nxt in _readings(board, s, at):
            frontier[nxt] = _merge(frontier.get(nxt, set()), texts, piece)
        if not frontier:
            anyhow = " with any value of the unreadable digits" if UNREADABLE in s else ""
            raise DecodeError(
                f"the digits at digit {at.pos + 1} do not decode on board {board.name}{anyhow}",
                at.pos,
            )
    readings = {t for texts in frontier.values() for t in (texts or {UNREADABLE})}
    out.append(_agreed(readings if len(readings) <= _MAX_READINGS else None))
    return _parentheses("".join(out))


def _parentheses(text: str) -> str:
    """Parenthesis cells as ( and ), alternating from the start; after an undecided
    stretch (which may hide one) which of the two comes next is not known."""
    out = []
    opened = unsure = False
    for ch in text:
        if ch == _PAREN:
            ch = UNREADABLE if unsure else ")" if opened else "("
            opened = not opened
        unsure = unsure or ch == UNREADABLE
        out.append(ch)
    return "".join(out)


def _merge(into: set[str] | None, texts: set[str] | None, piece: str) -> set[str] | None:
    """Readings ``texts`` each followed by ``piece``, added to ``into``; None once there
    are too many to tell apart (the stretch is then undecided)."""
    if into is None or texts is None:
        return None
    into |= {t + piece for t in texts}
    return into if len(into) <= _MAX_READINGS else None


def _agreed(texts: set[str] | None) -> str:
    """What a set of readings of one stretch agree on, the rest marked unreadable."""
    if texts is None:
        return UNREADABLE
    if len(texts) == 1:
        return next(iter(texts))
    head = _common_prefix(texts)
    tail = _common_prefix({t[len(head) :][::-1] for t in texts})[::-1]
    widths = {len(t) - len(head) - len(tail) for t in texts}
    width = widths.pop() if len(widths) == 1 else 1
    return head + UNREADABLE * max(width, 1) + tail


def _common_prefix(texts: set[str]) -> str:
    first, last = min(texts), max(texts)  # the sorted extremes differ first, if any do
    k = 0
    while k < min(len(first), len(last)) and first[k] == last[k]:
        k += 1
    return first[:k]


def _codes_at(board: Board, s: str, at: _At) -> Iterator[str]:
    """Every code (or unfinished code at the end) the digits at ``at`` can be read as."""
    codes, prefixes = board.modes[at.mode].codes, board.prefixes(at.mode)
    stack = [""]
    while stack:
        code = stack.pop()
        if code and code in codes:
            yield code
        elif code and code not in prefixes:
            continue  # a code the board does not use: this reading dies here
        elif at.pos + len(code) >= len(s):
            yield code  # the digits end inside a code
        else:
            digit = s[at.pos + len(code)]
            stack += [code + d for d in (string.digits if digit == UNREADABLE else digit)]


def _readings(board: Board, s: str, at: _At) -> Iterator[tuple[str, _At]]:
    """``(text, where next)`` for each code the digits at ``at`` can be read as."""
    n = len(s)
    for code in _codes_at(board, s, at):
        cell = board.modes[at.mode].codes.get(code)
        pos = at.pos + len(code)
        if cell is None:  # unfinished at the very end: the fill, decodes to nothing
            yield "", _At(n, at.mode)
        elif cell.kind is Kind.CHAR:
            yield cell.text, _At(pos, at.mode)
        elif cell.kind is Kind.SHIFT:
            yield "", _At(pos, cell.target)
        elif cell.kind is Kind.PAREN:
            yield _PAREN, _At(pos, at.mode)
        elif cell.kind is Kind.CODE:
            if pos + CODE_DIGITS > n:
                yield "", _At(n, at.mode)
            else:
                yield (
                    "{" + s[pos : pos + CODE_DIGITS] + "}",
                    _At(pos + CODE_DIGITS, at.mode),
                )
        else:
            yield "{" + cell.text + "}", _At(pos, at.mode)
