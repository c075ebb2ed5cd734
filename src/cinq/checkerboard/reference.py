"""The reference encoder and decoder: one character, one code at a time.

This is the engine cinq had before :mod:`cinq.checkerboard.engine`, kept as plain
Python so that its behaviour is easy to read and check. It is **not** used by the
library at run time: the property tests compare the vectorised engine with it on
every board, every language and every error.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import digits as dg
from ..digits import Digits
from ..errors import Location, UnencodableText, describe_char
from .board import Board
from .cells import CODE_DIGITS, Cell, DecodeError, Kind, check_length
from .tokens import Token, TokenKind, tokenize


@dataclass(frozen=True)
class _Tables:
    """Per mode: what each token key encodes to, the shift codes, the code prefixes."""

    enc: tuple[dict[str, str], ...]
    shift: tuple[dict[int, str], ...]
    prefixes: tuple[frozenset[str], ...]


def _key(cell: Cell) -> str:
    if cell.kind is Kind.CODE:
        return "{CODE}"
    if cell.kind is Kind.SPECIAL:
        return "{" + cell.text + "}"
    if cell.kind is Kind.PAREN:
        return "()"
    return cell.text


def _token_key(tok: Token) -> str:
    return "{CODE}" if tok.kind is TokenKind.CODE else tok.written


def _tables(board: Board) -> _Tables:
    enc: list[dict[str, str]] = []
    shifts: list[dict[int, str]] = []
    prefixes: list[frozenset[str]] = []
    for mode in board.modes:
        e: dict[str, str] = {}
        s: dict[int, str] = {}
        for code, cell in mode.codes.items():
            if cell.kind is Kind.SHIFT:
                s[cell.target] = code
            else:
                e.setdefault(_key(cell), code)
                if cell.kind is Kind.PAREN:
                    e.setdefault("(", code)
                    e.setdefault(")", code)
        enc.append(e)
        shifts.append(s)
        prefixes.append(frozenset(c[:i] for c in mode.codes for i in range(1, len(c))))
    return _Tables(tuple(enc), tuple(shifts), tuple(prefixes))


def encode(board: Board, text: str) -> Digits:
    """``board.encode(text)``, one token at a time."""
    check_length(text)
    t = _tables(board)
    out: list[str] = []
    mode = 0
    paren_open = False
    for tok in tokenize(text):
        key = _token_key(tok)
        if key in "()" and board.paren_toggle:
            if (key == "(") == paren_open:
                raise UnencodableText(
                    f"board {board.name} has one cell for both parentheses, so they must "
                    f"alternate ( ) ( ): this {key!r} is "
                    + ("nested" if paren_open else "not opened"),
                    location=Location.of_offset(text, tok.offset),
                )
            paren_open = not paren_open
        code = t.enc[mode].get(key)
        if code is None:
            target = next((m for m, e in enumerate(t.enc) if key in e), None)
            if target is None:
                raise _unencodable(board, text, tok)
            out.append(t.shift[mode][target])
            mode = target
            code = t.enc[mode][key]
        out.append(code)
        if tok.kind is TokenKind.CODE:
            out.append(tok.text)
    if mode != 0:
        out.append(t.shift[mode][0])
    return dg.from_str("".join(out))


def _unencodable(board: Board, text: str, tok: Token) -> UnencodableText:
    loc = Location.of_offset(text, tok.offset)
    if tok.kind is TokenKind.CODE:
        what = "a CODE escape: this board has no CODE cell"
    elif tok.kind is TokenKind.SIGN:
        what = f"the sign {tok.written}: this board has no such cell"
    else:
        what = f"{describe_char(tok.text)}: no cell for it"
    return UnencodableText(f"board {board.name} cannot encode {what}", location=loc)


def decode(
    board: Board, digits: Digits, *, padded: bool = False, replace: str | None = None
) -> str:
    """``board.decode(digits, padded=..., replace=...)``, one code at a time."""
    t = _tables(board)
    s = dg.to_str(digits)
    out: list[str] = []
    mode = 0
    paren_open = False
    pos = 0
    n = len(s)
    lenient = padded or replace is not None
    while pos < n:
        code = _read_code(s, pos, t.prefixes[mode])
        end = pos + len(code)
        cell = board.modes[mode].codes.get(code)
        if cell is None:
            if code in t.prefixes[mode]:  # ran out of digits inside a code
                return _end_unfinished(out, pos, n, lenient)
            if replace is None:
                raise DecodeError(
                    f"code {code} at digit {pos + 1} is not used on board {board.name} "
                    f"({board.modes[mode].name} mode)",
                    pos,
                )
            out.append(replace)
        elif cell.kind is Kind.CODE:
            if end + CODE_DIGITS > n:
                return _end_unfinished(out, pos, n, lenient)
            out.append("{" + s[end : end + CODE_DIGITS] + "}")
            end += CODE_DIGITS
        elif cell.kind is Kind.PAREN:
            out.append(")" if paren_open else "(")
            paren_open = not paren_open
        elif cell.kind is Kind.SHIFT:
            mode = cell.target
        else:
            out.append(cell.text if cell.kind is Kind.CHAR else "{" + cell.text + "}")
        pos = end
    return "".join(out)


def _read_code(s: str, pos: int, prefixes: frozenset[str]) -> str:
    """The digits from ``pos`` up to the first that ends a code (or the end)."""
    end = pos + 1
    while s[pos:end] in prefixes and end < len(s):
        end += 1
    return s[pos:end]


def _end_unfinished(out: list[str], pos: int, n: int, padded: bool) -> str:
    if padded:
        return "".join(out)
    raise DecodeError(f"the digits end inside a code (digit {pos + 1} of {n})", pos)
