"""The VIC straddling checkerboards, keyed by line S, and text to and from their digits.

English (Savard's reconstruction): ``AT ONE SIR`` on the top row under the ten digits of
line S; its two blank cells' digits label the two lower rows, which hold the other
letters in alphabetical order, then ``.`` and the figure sign ``/``.

Russian (Häyhänen's board, as Kahn prints it): the first seven different letters of a
keyword (СНЕГОПАД, "snowfall", gives СНЕГОПА) on the top row; its three blank cells'
digits label three lower rows. Column 3 holds ``.``, ``,`` and П/Л; column 5 holds
``№``, Н/Ц (the figure shift) and Н/Т (the marker where the message starts); the last
cell holds ПВТ ("repeat"). The other 23 letters, without Ё Й Ъ, run down the columns in
alphabetical order.

Figures are written between two figure signs, each digit three times: ``/333/`` in
English, ``Н/Ц 333 Н/Ц`` in Russian. The tripled digits go into the stream as they are,
not through the board.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..errors import BadInput, Location
from .keys import LATIN, RUSSIAN, RUSSIAN_FOLD

Lang = Literal["en", "ru"]

FIG_EN = "/"
NUMBER_SIGN = "№"
FIG_RU = "Н/Ц"  # нач. цифр: figures begin / end
START = "Н/Т"  # начало текста: the message starts here
REPEAT = "ПВТ"  # повторить: repeat
PL = "П/Л"  # reserved by the original; its meaning is not recorded
DEFAULT_KEYWORD = "СНЕГОПАД"
# Symbols a user writes in braces, since they are not single characters.
BRACED = {"ru": (REPEAT, PL)}


@dataclass(frozen=True)
class Board:
    """A keyed checkerboard: ``header`` (line S) over ``top`` (blank cells are ``""``),
    then ``rows`` of ``(label, cells)``."""

    lang: Lang
    header: tuple[int, ...]
    top: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    codes: dict[str, str] = field(init=False, repr=False, compare=False)
    symbols: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = {s: str(d) for s, d in zip(self.top, self.header, strict=True) if s}
        for label, cells in self.rows:
            codes.update({s: f"{label}{d}" for s, d in zip(cells, self.header, strict=True) if s})
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "symbols", {v: k for k, v in codes.items()})

    @property
    def figures(self) -> str:
        """The figure-shift symbol."""
        return FIG_RU if self.lang == "ru" else FIG_EN

    @property
    def labels(self) -> set[str]:
        """The digits that start a two-digit code."""
        return {str(label) for label, _ in self.rows}


def english(header: list[int], top: str = "AT ONE SIR") -> Board:
    """The English board: ``top`` (two spaces for the blank cells) over line S."""
    cells = tuple("" if c == " " else c for c in top)
    blanks = [header[i] for i, c in enumerate(cells) if not c]
    rest = [c for c in LATIN if c not in cells] + [".", FIG_EN]
    rows = tuple((label, tuple(rest[i * 10 : i * 10 + 10])) for i, label in enumerate(blanks))
    return Board("en", tuple(header), cells, rows)


def russian(header: list[int], keyword: str = DEFAULT_KEYWORD) -> Board:
    """Häyhänen's board: the keyword's first seven different letters over line S."""
    letters: list[str] = []
    for i, c in enumerate(keyword.upper().translate(RUSSIAN_FOLD), 1):
        if c not in RUSSIAN:  # the keyword is a secret: name the place, not the word
            raise BadInput(f"letter {i} of the keyword is not a Russian letter")
        if c not in letters:
            letters.append(c)
    if len(letters) < 7:
        raise BadInput(f"the keyword has {len(letters)} different letters; the top row needs seven")
    top = (*letters[:7], "", "", "")
    grid: list[list[str]] = [["", "", ".", "", NUMBER_SIGN, *[""] * 5] for _ in range(3)]
    grid[1][2], grid[2][2], grid[1][4], grid[2][4], grid[2][9] = ",", PL, FIG_RU, START, REPEAT
    rest = iter(c for c in RUSSIAN if c not in top)
    for col in range(10):
        for row in range(3):
            if not grid[row][col]:
                grid[row][col] = next(rest)
    rows = tuple((header[7 + i], tuple(grid[i])) for i in range(3))
    return Board("ru", tuple(header), top, rows)


def tokenize(text: str, board: Board, *, drop: bool = False) -> list[str]:
    """Text to the board's symbols: white space is dropped (the VIC cipher has no word
    space), figure runs are framed by the figure sign. Anything else the board cannot
    write is an error naming its place, or is left out with ``drop``."""
    upper = text.upper().translate(RUSSIAN_FOLD) if board.lang == "ru" else text.upper()
    out: list[str] = []
    in_figures = False
    i = 0
    while i < len(upper):
        ch = upper[i]
        if ch.isdigit() and ch in "0123456789":
            if not in_figures:
                out.append(board.figures)
                in_figures = True
            out.append(ch)
            i += 1
            continue
        if in_figures:
            out.append(board.figures)
            in_figures = False
        if ch == "{" and board.lang in BRACED:
            end = upper.find("}", i)
            name = upper[i + 1 : end] if end > 0 else ""
            if name in BRACED[board.lang]:
                out.append(name)
                i = end + 1
                continue
        if ch.isspace():
            pass
        elif ch in board.codes and ch != board.figures and len(ch) == 1:
            out.append(ch)
        elif not drop:
            raise BadInput(_cannot(ch, board), location=Location.of_offset(text, i))
        i += 1
    if in_figures:
        out.append(board.figures)
    return out


def _cannot(ch: str, board: Board) -> str:
    if board.lang == "ru":
        what = "Russian letters, . , №, figures and {ПВТ}"
    else:
        what = "Latin letters A-Z, '.' and figures"
    return f"the VIC {board.lang} checkerboard cannot write this character; it has {what}"


def to_digits(symbols: list[str], board: Board) -> str:
    """Symbols to the digit stream: codes from the board, figures tripled."""
    return "".join(s * 3 if s.isdigit() else board.codes[s] for s in symbols)


@dataclass(frozen=True)
class Decoded:
    """Symbols read back from digits (``?`` where figures were not tripled: a garbled
    group or the wrong keys), the digit offset each starts at, and ``tail``: an
    unfinished code at the end (fill)."""

    symbols: list[str]
    starts: list[int]
    tail: str


def from_digits(digits: str, board: Board) -> Decoded:
    """Read a digit stream back into symbols."""
    out: list[str] = []
    starts: list[int] = []
    fig = board.codes[board.figures]
    labels = board.labels
    i = 0
    while i < len(digits):
        size = 2 if digits[i] in labels else 1
        if i + size > len(digits):
            return Decoded(out, starts, digits[i:])
        sym = board.symbols[digits[i : i + size]]
        starts.append(i)
        i += size
        out.append(sym)
        if sym != board.figures:
            continue
        # Figures: each digit three times, until the figure sign again. The sign's two
        # digits differ (a row label never heads a column of its own row), so it is never
        # taken for a tripled digit.
        while i < len(digits):
            starts.append(i)
            if digits[i : i + 3] == digits[i] * 3:
                out.append(digits[i])
                i += 3
            elif digits.startswith(fig, i):
                out.append(board.figures)
                i += 2
                break
            elif len(digits) - i < 3 and fig.startswith(digits[i:]):
                starts.pop()
                return Decoded(out, starts, digits[i:])
            else:
                out.append("?")
                i += 1
                break
    return Decoded(out, starts, "")


def text_of(symbols: list[str], board: Board) -> str:
    """Symbols as text: figure signs dropped, other multi-letter symbols in braces."""
    return "".join("" if s == board.figures else f"{{{s}}}" if len(s) > 1 else s for s in symbols)
