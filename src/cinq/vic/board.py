"""The VIC straddling checkerboards, keyed by line S, and text to and from their digits.

Each is a :class:`cinq.checkerboard.Board` (the same engine and cells as every other
board) seen through line S: :class:`VicBoard` adds the language and the column digits,
and the VIC's conventions on top of the board.

English (Savard's reconstruction): ``AT ONE SIR`` on the top row under the ten digits of
line S; its two blank cells' digits label the two lower rows, which hold the other
letters in alphabetical order, then ``.`` and the figure sign ``/``. It is the built-in
``AT-ONE-SIR`` board with its columns relabelled by line S
(``checkerboard.keyed(top="AT ONE SIR", header=S)``).

Russian (Häyhänen's board, as Kahn prints it): the first seven different letters of a
keyword (СНЕГОПАД, "snowfall", gives СНЕГОПА) on the top row; its three blank cells'
digits label three lower rows. Column 3 holds ``.``, ``,`` and П/Л; column 5 holds
``№``, Н/Ц (the figure shift) and Н/Т (the marker where the message starts); the last
cell holds ПВТ ("repeat"). The other 23 letters, without Ё Й Ъ, run down the columns in
alphabetical order. The layout is ``HAYHANEN`` in ``checkerboard/boards.toml``.

Figures are written between two figure signs, each digit three times: ``/333/`` in
English, ``Н/Ц 333 Н/Ц`` in Russian: the board's own figure mode. The VIC writes both
signs even where one figure run follows another, and reads a run that is not tripled
(a garbled group) as ``?`` instead of failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .. import checkerboard as cb
from .. import digits as dg
from ..checkerboard import tables
from ..errors import BadInput, Location
from .keys import RUSSIAN, RUSSIAN_FOLD

Lang = Literal["en", "ru"]

FIG_EN = "/"
NUMBER_SIGN = "№"
FIG_RU = "Н/Ц"  # нач. цифр: figures begin / end
START = "Н/Т"  # начало текста: the message starts here
REPEAT = "ПВТ"  # повторить: repeat
PL = "П/Л"  # reserved by the original; its meaning is not recorded
DEFAULT_KEYWORD = "СНЕГОПАД"
LAYOUT_RU = "HAYHANEN"  # the Russian board's layout in boards.toml
# Symbols a user writes in braces, since they are not single characters.
BRACED = {"ru": (REPEAT, PL)}


@dataclass(frozen=True)
class VicBoard:
    """A checkerboard under line S: ``board`` is the engine's board, its codes already
    in line S's digits; ``header`` (line S) says which digit heads each column.

    A *symbol* is what a cell shows: a letter or sign, the figure sign (``/`` or Н/Ц)
    for the shift cell, Н/Т, ПВТ, П/Л for the Russian procedure cells."""

    lang: Lang
    header: tuple[int, ...]
    board: cb.Board
    codes: dict[str, str] = field(init=False, repr=False, compare=False)
    symbols: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        letters = self.board.modes[0].codes
        symbols = {code: self.symbol(cell) for code, cell in letters.items()}
        object.__setattr__(self, "symbols", symbols)
        object.__setattr__(self, "codes", {s: code for code, s in symbols.items()})

    def __repr__(self) -> str:  # line S is key material
        return f"VicBoard({self.lang!r})"

    @property
    def figures(self) -> str:
        """The figure-shift symbol."""
        return FIG_RU if self.lang == "ru" else FIG_EN

    def symbol(self, cell: cb.Cell) -> str:
        """What ``cell`` shows on the VIC board."""
        return self.figures if cell.kind is cb.Kind.SHIFT else cell.display

    @property
    def labels(self) -> set[str]:
        """The digits that start a two-digit code."""
        return {code[0] for code in self.codes.values() if len(code) == 2}

    @property
    def top(self) -> tuple[str, ...]:
        """The top row, column by column; ``""`` for a blank cell."""
        return tuple(self.symbols.get(str(d), "") for d in self.header)

    @property
    def rows(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """The rows below the top, in the order of their blank columns: ``(label, cells)``,
        ``""`` for an empty cell."""
        blanks = [d for d, s in zip(self.header, self.top, strict=True) if not s]
        return tuple(
            (b, tuple(self.symbols.get(f"{b}{d}", "") for d in self.header)) for b in blanks
        )

    def cell(self, symbol: str) -> cb.Cell:
        """The board's cell for a symbol (not a figure)."""
        return self.board.modes[0].codes[self.codes[symbol]]


def english(header: Sequence[int], top: str = "AT ONE SIR") -> VicBoard:
    """The English board: ``top`` (two spaces for the blank cells) over line S."""
    return VicBoard("en", tuple(header), cb.keyed("", top=top, header=header))


def russian(header: Sequence[int], keyword: str = DEFAULT_KEYWORD) -> VicBoard:
    """Häyhänen's board: the keyword's first seven different letters over line S."""
    letters: list[str] = []
    for i, c in enumerate(keyword.upper().translate(RUSSIAN_FOLD), 1):
        if c not in RUSSIAN:  # the keyword is a secret: name the place, not the word
            raise BadInput(f"letter {i} of the keyword is not a Russian letter")
        if c not in letters:
            letters.append(c)
    if len(letters) < 7:
        raise BadInput(f"the keyword has {len(letters)} different letters; the top row needs seven")
    rest = [c for c in RUSSIAN if c not in letters[:7]]
    board = tables.from_layout(LAYOUT_RU, letters[:7], rest, header=header)
    return VicBoard("ru", tuple(header), board)


def tokenize(text: str, board: VicBoard, *, drop: bool = False) -> list[str]:
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


def _cannot(ch: str, board: VicBoard) -> str:
    if board.lang == "ru":
        what = "Russian letters, . , №, figures and {ПВТ}"
    else:
        what = "Latin letters A-Z, '.' and figures"
    return f"the VIC {board.lang} checkerboard cannot write this character; it has {what}"


def engine_text(symbols: Sequence[str], board: VicBoard) -> str:
    """Symbols as the engine's text: figure signs left out (the engine writes them),
    procedure cells in braces by their cell names (Н/Т is ``{START}``)."""
    out: list[str] = []
    for s in symbols:
        if s == board.figures or s.isdigit():
            out.append("" if s == board.figures else s)
            continue
        cell = board.cell(s)
        out.append("{" + cell.text + "}" if cell.kind is cb.Kind.SPECIAL else cell.text)
    return "".join(out)


def _rejoins(symbols: Sequence[str], board: VicBoard) -> list[int]:
    """Where one figure run closes and the next opens at once (``/1//2/``): the offsets
    in the engine's stream, which writes the two runs as one (``/12/``)."""
    out: list[int] = []
    width = 0
    inside = False
    for i, s in enumerate(symbols):
        if s == board.figures:
            rejoin = not inside and i > 0 and symbols[i - 1] == board.figures
            if rejoin:
                width -= len(board.codes[s])  # the closing sign is not in the stream
                out.append(width)
            inside = not inside
            width += 0 if rejoin else len(board.codes[s])
        else:
            width += 3 if s.isdigit() else len(board.codes[s])
    return out


def to_digits(symbols: Sequence[str], board: VicBoard) -> str:
    """Symbols (as :func:`tokenize` gives them: figure runs framed by figure signs) to
    the digit stream, through the board's engine: codes from the board, figures
    tripled in its figure mode. Where one figure run follows another the VIC writes
    both signs between them, the engine none: they are put back."""
    stream = dg.to_str(board.board.encode(engine_text(symbols, board)))
    sign = board.codes[board.figures] * 2
    pieces: list[str] = []
    last = 0
    for at in _rejoins(symbols, board):
        pieces += [stream[last:at], sign]
        last = at
    return "".join(pieces) + stream[last:]


@dataclass(frozen=True)
class Decoded:
    """Symbols read back from digits (``?`` where figures were not tripled: a garbled
    group or the wrong keys), the digit offset each starts at, and ``tail``: an
    unfinished code at the end (fill)."""

    symbols: list[str]
    starts: list[int]
    tail: str


def from_digits(digits: str, board: VicBoard) -> Decoded:
    """Read a digit stream back into symbols, walking the board's letter and figure
    modes; a figure run that is not tripled ends as ``?`` and the letters go on."""
    out: list[str] = []
    starts: list[int] = []
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
        if sym == board.figures:
            i, tail = _figures(digits, i, board, out, starts)
            if tail is not None:
                return Decoded(out, starts, tail)
    return Decoded(out, starts, "")


def _figures(
    digits: str, i: int, board: VicBoard, out: list[str], starts: list[int]
) -> tuple[int, str | None]:
    """Figures from ``i``: each digit three times, until the figure sign again. The
    sign's two digits differ (a row label never heads a column of its own row), so it
    is never taken for a tripled digit. Returns where the letters go on, and the
    unfinished end of the stream if it ends inside the sign."""
    mode = board.board.modes[1].codes
    fig = board.codes[board.figures]
    while i < len(digits):
        starts.append(i)
        cell = mode.get(digits[i : i + 3])
        if cell is not None and cell.kind is cb.Kind.CHAR:
            out.append(cell.text)
            i += 3
        elif digits.startswith(fig, i):
            out.append(board.figures)
            return i + 2, None
        elif len(digits) - i < 3 and fig.startswith(digits[i:]):
            starts.pop()
            return i, digits[i:]
        else:
            out.append("?")
            return i + 1, None
    return i, None


def text_of(symbols: list[str], board: VicBoard) -> str:
    """Symbols as text: figure signs dropped, other multi-letter symbols in braces."""
    return "".join("" if s == board.figures else f"{{{s}}}" if len(s) > 1 else s for s in symbols)
