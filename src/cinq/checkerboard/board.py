"""The board engine: a :class:`Board` encodes text to digits and decodes them back."""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import digits as dg
from ..digits import Digits
from ..errors import Location, UnencodableText, describe_char
from .cells import CODE_DIGITS, ESCAPE, Cell, DecodeError, Kind, Mode, check_length


@dataclass(frozen=True)
class Board:
    """A straddling checkerboard.

    Build one with :func:`board` (a built-in by name) or :func:`keyed` (from a key).
    """

    name: str
    modes: tuple[Mode, ...]
    fill_pattern: str
    description: str = ""
    source: str = ""
    _enc: tuple[dict[str, str], ...] = field(init=False, repr=False, compare=False)
    _shift: tuple[dict[int, str], ...] = field(init=False, repr=False, compare=False)
    _prefixes: tuple[frozenset[str], ...] = field(init=False, repr=False, compare=False)
    _chars: frozenset[str] = field(init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Board({self.name!r})"

    def __post_init__(self) -> None:
        enc: list[dict[str, str]] = []
        shifts: list[dict[int, str]] = []
        prefixes: list[frozenset[str]] = []
        for mode in self.modes:
            codes = sorted(mode.codes)
            for a, b in itertools.pairwise(codes):
                if b.startswith(a):
                    raise ValueError(f"{self.name}: code {a} is a prefix of {b}")
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
        object.__setattr__(self, "_enc", tuple(enc))
        object.__setattr__(self, "_shift", tuple(shifts))
        object.__setattr__(self, "_prefixes", tuple(prefixes))
        object.__setattr__(self, "_chars", frozenset(k for e in enc for k in e if len(k) == 1))
        # The fill must decode to nothing, whatever length of it is used.
        for k in range(1, 5):
            if self.decode(dg.from_str(self.fill(k)), padded=True):
                raise ValueError(f"{self.name}: fill pattern decodes to text")

    # -- what the board can write -------------------------------------------------

    @property
    def characters(self) -> frozenset[str]:
        """Every single character this board can encode (in some mode)."""
        return self._chars

    @property
    def has_code(self) -> bool:
        return any("{CODE}" in e for e in self._enc)

    @property
    def specials(self) -> frozenset[str]:
        return frozenset(
            c.text for m in self.modes for c in m.codes.values() if c.kind is Kind.SPECIAL
        )

    @property
    def paren_toggle(self) -> bool:
        return any(c.kind is Kind.PAREN for m in self.modes for c in m.codes.values())

    def can_encode(self, ch: str) -> bool:
        return ch in self._chars

    def fill(self, k: int) -> str:
        """``k`` digits that decode to nothing, to pad a message to whole groups."""
        reps = -(-k // len(self.fill_pattern)) + 1
        return (self.fill_pattern * reps)[:k]

    # -- encode ---------------------------------------------------------------------

    def tokens(self, text: str) -> Iterator[tuple[int, str]]:
        """``(offset, token)`` pairs: single characters, ``{CODE}`` + digits, ``{RPT}``."""
        i = 0
        while i < len(text):
            if text[i] == "{" and (m := ESCAPE.match(text, i)):
                if m.group(1):
                    yield i, "{CODE}" + m.group(1)
                else:
                    yield i, "{" + m.group(2) + "}"
                i = m.end()
            else:
                yield i, text[i]
                i += 1

    def encode(self, text: str) -> Digits:
        """Encode ``text`` (upper-case letters, figures, the board's signs).

        Raises :class:`UnencodableText` naming the first character the board has no
        cell for (use :mod:`cinq.language` to fold or drop such characters first), and
        :class:`BadInput` for a text over :data:`MAX_TEXT_CHARS` characters.
        """
        check_length(text)
        out: list[str] = []
        mode = 0
        paren_open = False
        for offset, tok in self.tokens(text):
            key = tok[:6] if tok.startswith("{CODE}") else tok
            if tok in "()" and self.paren_toggle:
                if (tok == "(") == paren_open:
                    raise UnencodableText(
                        f"board {self.name} has one cell for both parentheses, so they must "
                        f"alternate ( ) ( ): this {tok!r} is "
                        + ("nested" if paren_open else "not opened"),
                        location=Location.of_offset(text, offset),
                    )
                paren_open = not paren_open
            code = self._enc[mode].get(key)
            if code is None:
                target = next((m for m, e in enumerate(self._enc) if key in e), None)
                if target is None:
                    raise self._unencodable(text, offset, tok)
                out.append(self._shift_code(mode, target))
                mode = target
                code = self._enc[mode][key]
            out.append(code)
            if key == "{CODE}":
                out.append(tok[6:])
        if mode != 0:
            out.append(self._shift_code(mode, 0))
        return dg.from_str("".join(out))

    def _shift_code(self, mode: int, target: int) -> str:
        return self._shift[mode][target]

    def _unencodable(self, text: str, offset: int, tok: str) -> UnencodableText:
        loc = Location.of_offset(text, offset)
        if tok.startswith("{CODE}"):
            what = "a CODE escape: this board has no CODE cell"
        elif tok.startswith("{"):
            what = f"the sign {tok}: this board has no such cell"
        else:
            what = f"{describe_char(tok)}: no cell for it"
        return UnencodableText(f"board {self.name} cannot encode {what}", location=loc)

    # -- decode ---------------------------------------------------------------------

    def decode(self, digits: Digits, *, padded: bool = False, replace: str | None = None) -> str:
        """Decode digits back to text.

        ``padded=True`` accepts an unfinished code at the very end (the fill that
        makes whole groups) and drops it; otherwise that is an error. With
        ``replace``, a code the board does not use becomes that character instead of an
        error (for analysis of digits that may not be plaintext at all).
        """
        s = dg.to_str(digits)
        out: list[str] = []
        mode = 0
        paren_open = False
        pos = 0
        n = len(s)
        while pos < n:
            codes = self.modes[mode].codes
            prefixes = self._prefixes[mode]
            end = pos + 1
            while s[pos:end] in prefixes and end < n:
                end += 1
            code = s[pos:end]
            cell = codes.get(code)
            if cell is None:
                if code in prefixes:  # ran out of digits inside a code
                    return self._end_unfinished(out, pos, n, padded or replace is not None)
                if replace is not None:
                    out.append(replace)
                    pos = end
                    continue
                raise DecodeError(
                    f"code {code} at digit {pos + 1} is not used on board {self.name} "
                    f"({self.modes[mode].name} mode)",
                    pos,
                )
            pos = end
            if cell.kind is Kind.CHAR:
                out.append(cell.text)
            elif cell.kind is Kind.SHIFT:
                mode = cell.target
            elif cell.kind is Kind.PAREN:
                out.append(")" if paren_open else "(")
                paren_open = not paren_open
            elif cell.kind is Kind.CODE:
                if pos + CODE_DIGITS > n:
                    return self._end_unfinished(
                        out, pos - len(code), n, padded or replace is not None
                    )
                out.append("{" + s[pos : pos + CODE_DIGITS] + "}")
                pos += CODE_DIGITS
            else:
                out.append("{" + cell.text + "}")
        return "".join(out)

    def _end_unfinished(self, out: list[str], pos: int, n: int, padded: bool) -> str:
        if padded:
            return "".join(out)
        raise DecodeError(f"the digits end inside a code (digit {pos + 1} of {n})", pos)

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


def _key(cell: Cell) -> str:
    if cell.kind is Kind.CODE:
        return "{CODE}"
    if cell.kind is Kind.SPECIAL:
        return "{" + cell.text + "}"
    if cell.kind is Kind.PAREN:
        return "()"
    return cell.text
