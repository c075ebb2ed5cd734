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
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from . import digits as dg
from .digits import Digits
from .errors import BadInput, Location, UnencodableText, describe_char


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


@dataclass(frozen=True)
class Mode:
    """One mode of a board: a prefix-free map from digit codes to cells."""

    name: str
    codes: Mapping[str, Cell]


def _tripled_figures(fig_code: str) -> Mode:
    """The figure mode of the FIG boards: each digit three times, FIG to leave."""
    codes: dict[str, Cell] = {d * 3: char(d) for d in string.digits}
    codes[fig_code] = FIG_BACK
    return Mode("figures", codes)


MAX_TEXT_CHARS = 1_000_000
"""The longest text a board encodes (about two seconds and 150 MB): far beyond any
message a pad book holds, and refused before any work is done."""


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


# -- building boards ----------------------------------------------------------------


def _cells(symbols: Iterable[str | Cell]) -> list[Cell]:
    return [s if isinstance(s, Cell) else char(s) for s in symbols]


def _layout(
    singles: Mapping[str, str | Cell], rows: Mapping[str, Sequence[str | Cell | None]]
) -> dict[str, Cell]:
    codes: dict[str, Cell] = {d: c if isinstance(c, Cell) else char(c) for d, c in singles.items()}
    for prefix, cells in rows.items():
        for col, c in enumerate(cells):
            if c is not None:
                codes[prefix + str(col)] = c if isinstance(c, Cell) else char(c)
    return codes


def _fig_board(
    name: str,
    singles: Mapping[str, str | Cell],
    rows: Mapping[str, Sequence[str | Cell | None]],
    *,
    description: str,
    source: str,
) -> Board:
    letters = _layout(singles, rows)
    fig_code = next(code for code, cell in letters.items() if cell is FIG_TO)
    return Board(
        name,
        (Mode("letters", letters), _tripled_figures(fig_code)),
        fill_pattern=fig_code * 2,
        description=description,
        source=source,
    )


def _row(symbols: str) -> list[str | Cell | None]:
    return list(symbols)


_RIJMENANTS = "D. Rijmenants, Cipher Machines and Cryptology; as reproduced in padgen"

STANDARD_TABLE_1 = _fig_board(
    "STANDARD-TABLE-1",
    {"0": CODE, "1": "A", "2": "E", "3": "I", "4": "N", "5": "O", "6": "T"},
    {
        "7": _row("BCDFGHJKLM"),
        "8": _row("PQRSUVWXYZ"),
        "9": [FIG_TO, ".", ":", "'", PAREN, "+", "-", "=", char("?", "REQ"), SPC],
    },
    description="Standard Table No. 1: CODE 0, A E I N O T single digits, rows 7 8 9.",
    source=_RIJMENANTS,
)

CT_37 = _fig_board(
    "CT-37",
    {"0": "E", "1": "S", "2": "T", "3": "O", "4": "N", "5": "I", "6": "A"},
    {
        "7": _row("BCDFGHJKLM"),
        "8": [*_row("PQRUVWXYZ"), FIG_TO],
        "9": [SPC, ".", ",", "'", "?", "/", "+", "-", '"', CODE],
    },
    description="CT-37: ESTONIA on single digits, FIG 89, CODE 99.",
    source=_RIJMENANTS,
)

CT_46 = Board(
    "CT-46",
    (
        Mode(
            "letters",
            _layout(
                {"1": "A", "2": "E", "3": "I", "4": "N", "5": "O", "6": "R"},
                {
                    "0": _row(string.digits),
                    "7": _row("BCDFGHJKLM"),
                    "8": _row("PQSTUVWXYZ"),
                    "9": [SPC, ".", ",", ":", "?", "/", "(", ")", '"', CODE],
                },
            ),
        ),
    ),
    # CT-46 has no FIG: the fill is an unfinished CODE escape (99 and up to 2 digits).
    fill_pattern="9900",
    description="CT-46: AEINOR on single digits, figures as 00-09, CODE 99; no FIG.",
    source=_RIJMENANTS,
)

_LF_TO = Cell(Kind.SHIFT, label="L/F", target=1)
_LF_BACK = Cell(Kind.SHIFT, label="L/F", target=0)
_CT55_SHARED: list[str | Cell | None] = [
    SPC,
    CODE,
    Cell(Kind.SPECIAL, "RPT", "RPT"),
    ".",
    ",",
    "'",
    ":",
    "(",
    ")",
    None,
]
CT_55 = Board(
    "CT-55",
    (
        Mode(
            "letters",
            _layout(
                {"0": "A", "1": "E", "2": "I", "3": "N", "4": "O", "5": "S", "6": "T"},
                {
                    "7": _row("BCDFGHJKLM"),
                    "8": [*_row("PQRUVWXYZ"), _LF_TO],
                    "9": _CT55_SHARED,
                },
            ),
        ),
        Mode(
            "figures",
            {
                **{d * 2: char(d) for d in string.digits},
                **_layout({}, {"8": [*_row("?!/+-*=^"), None, _LF_BACK], "9": _CT55_SHARED}),
                "88": char("8"),
                "99": char("9"),
            },
        ),
    ),
    fill_pattern="8989",
    description=(
        "CT-55: AEINOST on single digits, letters/figures shift L/F 89; in figures mode "
        "digits are doubled and row 8 holds ? ! / + - * = ^; row 9 serves both modes."
    ),
    source=_RIJMENANTS,
)

AT_ONE_SIR = _fig_board(
    "AT-ONE-SIR",
    {"0": "A", "1": "T", "3": "O", "4": "N", "5": "E", "7": "S", "8": "I", "9": "R"},
    {"2": _row("BCDFGHJKLM"), "6": [*_row("PQUVWXYZ."), FIG_TO]},
    description=(
        "The VIC-style board: AT ONE SIR with blank columns 2 and 6; '/' (69) is the "
        "figure shift; no space cell, as in the original traffic."
    ),
    source="Kahn, The Codebreakers; D. Rijmenants; Wikipedia 'VIC cipher'",
)

RU_1 = Board(
    "RU-1",
    (
        Mode(
            "letters",
            _layout(
                {"0": CODE, "1": "О", "2": "Е", "3": "А", "4": "И", "5": "Н"},
                {
                    "6": _row("ТСРВЛКМДПУ"),
                    "7": _row("ЯЫЬГЗБЧЙХЖ"),
                    "8": [*_row("ШЮЦЩЭФЪЁ"), ".", ","],
                    "9": [FIG_TO, "?", "!", "-", ":", "(", ")", '"', "'", SPC],
                },
            ),
        ),
        _tripled_figures("90"),
    ),
    fill_pattern="9090",
    description=(
        "cinq's Cyrillic board: all 33 letters in order of Russian frequency, "
        "CODE 0, О Е А И Н on single digits, rows 6-9, FIG 90, SPC 99."
    ),
    source="cinq (letter frequencies of Russian text)",
)

ES_1 = _fig_board(
    "ES-1",
    {"0": CODE, "1": "E", "2": "A", "3": "O", "4": "S", "5": "R", "6": "N"},
    {
        "7": _row("IDLCTUMPBG"),
        "8": _row("VYQHFZJÑXK"),
        "9": [FIG_TO, ".", ",", ":", "?", "!", "-", "'", "W", SPC],
    },
    description="cinq's Spanish board: CODE 0, E A O S R N single digits, Ñ at 87.",
    source="cinq (letter frequencies of Spanish text)",
)

BOARDS: dict[str, Board] = {
    b.name: b for b in (STANDARD_TABLE_1, CT_37, CT_46, CT_55, AT_ONE_SIR, RU_1, ES_1)
}
_ALIASES = {
    "STANDARD": "STANDARD-TABLE-1",
    "STANDARD-TABLE-NO-1": "STANDARD-TABLE-1",
    "ST1": "STANDARD-TABLE-1",
    "CT37": "CT-37",
    "CT46": "CT-46",
    "CT55": "CT-55",
    "ATONESIR": "AT-ONE-SIR",
    "VIC": "AT-ONE-SIR",
    "RU": "RU-1",
    "ES": "ES-1",
}


def board(name: str) -> Board:
    """A built-in board by name (case and spaces do not matter): ``STANDARD-TABLE-1``,
    ``CT-37``, ``CT-46``, ``CT-55``, ``AT-ONE-SIR``, ``RU-1``, ``ES-1``."""
    key = re.sub(r"[\s_.]+", "-", name.strip().upper())
    key = _ALIASES.get(key, _ALIASES.get(key.replace("-", ""), key))
    try:
        return BOARDS[key]
    except KeyError:
        raise BadInput(f"unknown board {name!r}; built-in boards: {', '.join(BOARDS)}") from None


# -- keyed boards -------------------------------------------------------------------

LATIN = string.ascii_uppercase
CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
_TOP_LETTERS = {LATIN: "ETAOINSR", CYRILLIC: "ОЕАИНТС"}


def sequence(key: str, alphabet: str) -> list[int]:
    """Number the letters of ``key`` in alphabetical order, ties left to right,
    1..n (the VIC "sequencing" step)."""
    order = sorted(range(len(key)), key=lambda i: (alphabet.index(key[i]), i))
    ranks = [0] * len(key)
    for rank, i in enumerate(order, 1):
        ranks[i] = rank
    return ranks


def keyed(
    key: str,
    *,
    top: str | None = None,
    blanks: tuple[int, ...] | None = None,
    alphabet: str = LATIN,
) -> Board:
    """A board built from a keyword.

    The mixed alphabet is the key's letters (each once) followed by the rest of the
    alphabet, then ``.`` and FIG. The top row holds ``top`` (e.g. ``"AT ONE SIR"``,
    whose spaces are the blank columns) or, by default, the language's most frequent
    letters (ETAOINSR / ОЕАИНТС) in mixed-alphabet order; the blank columns are
    ``blanks`` or the first numbers of the key's sequencing (mod 10). The other
    symbols fill the rows under the blank columns, in mixed-alphabet order.
    """
    word = "".join(c for c in key.upper() if c in alphabet)
    n_blanks = 2 if alphabet == LATIN else 3
    if top is not None:
        top = top.upper()
        if len(top) != 10:
            raise BadInput(f"top row {top!r} must be 10 cells, blanks written as spaces")
        blanks = tuple(i for i, c in enumerate(top) if c == " ")
        letters = [c for c in top if c != " "]
    else:
        letters = []
    if blanks is None:
        if len(word) < n_blanks:
            raise BadInput(f"key {key!r} needs at least {n_blanks} letters of the alphabet")
        blanks = tuple(r % 10 for r in sequence(word[:10], alphabet)[:n_blanks])
    if len(set(blanks)) != n_blanks or not all(0 <= b <= 9 for b in blanks):
        raise BadInput(f"need {n_blanks} different blank columns 0-9, got {blanks}")
    mixed = list(dict.fromkeys(word + alphabet))
    if top is None:
        letters = [c for c in mixed if c in _TOP_LETTERS[alphabet]]
    bad = [c for c in letters if c not in alphabet]
    if bad or len(set(letters)) != len(letters):
        raise BadInput(f"top row {top!r} must hold distinct letters of the alphabet")
    rest: list[str | Cell] = [c for c in mixed if c not in letters]
    rest += ["."] if alphabet == LATIN else [".", ",", SPC]
    rest.append(FIG_TO)
    singles: dict[str, str | Cell] = {}
    it = iter(letters)
    for col in range(10):
        if col not in blanks:
            singles[str(col)] = next(it)
    rows: dict[str, list[str | Cell | None]] = {}
    for i, b in enumerate(sorted(blanks)):
        rows[str(b)] = list(rest[10 * i : 10 * i + 10])
    label = top.replace(" ", "_") if top else word
    return _fig_board(
        f"KEYED:{label}",
        singles,
        rows,
        description=f"keyed board from {key!r}, blank columns {sorted(blanks)}",
        source="cinq keyed board",
    )


def all_boards() -> list[Board]:
    return list(BOARDS.values())


# -- reading digits some of which are unknown ------------------------------------------

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
    codes, prefixes = board.modes[at.mode].codes, board._prefixes[at.mode]
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
