"""The built-in boards (Standard Table No. 1, CT-37, CT-46, CT-55, AT ONE SIR, RU-1,
ES-1) and boards built from a key.

The tables are data: ``boards.toml`` next to this module holds every built-in board's
cells, row by row, and the keyed layouts (Häyhänen's Russian VIC board). It is read on
first use, not at import, so a command that needs no board does not pay for it.
:data:`BOARDS` and the names ``STANDARD_TABLE_1`` ... ``ES_1`` load it when touched.

Boards from a key share one builder, :func:`grid`: a top row with blank columns, the
other symbols in the rows under them, and optionally a *header*, the digits written
over the ten columns (the VIC's line S), which the codes then use instead of 0-9.
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BadInput
from .board import Board
from .cells import FIG_TO, SPC, Cell, Kind, Mode, char

DATA = Path(__file__).with_name("boards.toml")
"""The built-in tables and keyed layouts."""

# The module attributes for the built-in boards, loaded on first access (PEP 562).
CONSTANTS = {
    "STANDARD_TABLE_1": "STANDARD-TABLE-1",
    "CT_37": "CT-37",
    "CT_46": "CT-46",
    "CT_55": "CT-55",
    "AT_ONE_SIR": "AT-ONE-SIR",
    "RU_1": "RU-1",
    "ES_1": "ES-1",
}
if TYPE_CHECKING:
    STANDARD_TABLE_1: Board
    CT_37: Board
    CT_46: Board
    CT_55: Board
    AT_ONE_SIR: Board
    RU_1: Board
    ES_1: Board

Symbol = str | Cell  # a cell, or one character that stands for itself


@dataclass(frozen=True)
class Layout:
    """A keyed layout from ``boards.toml``: which columns are blank, the cells fixed in
    the rows below (``None``: a cell the key's letters fill), and the fill order."""

    name: str
    description: str
    source: str
    blanks: tuple[int, ...]
    below: tuple[tuple[Cell | None, ...], ...]
    down: bool  # fill down the columns (else along the rows)


@dataclass(frozen=True)
class _Tables:
    boards: dict[str, Board]
    aliases: dict[str, str]
    layouts: dict[str, Layout]


# -- reading the data -----------------------------------------------------------------


def _vocabulary(raw: Mapping[str, Mapping[str, str]]) -> dict[str, Cell]:
    return {
        name: Cell(Kind[spec["kind"].upper()], spec.get("text", ""), spec.get("label", ""))
        for name, spec in raw.items()
    }


def _cell(spec: str, vocab: Mapping[str, Cell], where: str) -> Cell | None:
    """One cell of the data: ``""`` none, a name from ``[cells]``, or a character."""
    if not spec:
        return None
    if spec in vocab:
        return vocab[spec]
    if len(spec) == 1:
        return char(spec)
    raise ValueError(f"{DATA.name}: {where}: {spec!r} is neither one character nor a named cell")


def _placed(cell: Cell, mode: int) -> Cell:
    """A shift cell leads to the other mode: figures from letters, letters from figures."""
    if cell.kind is not Kind.SHIFT:
        return cell
    return Cell(cell.kind, cell.text, cell.label, target=1 if mode == 0 else 0)


def _mode(name: str, index: int, table: Mapping[str, Any], vocab: Mapping[str, Cell]) -> Mode:
    """A mode from its table: ``doubled`` digits, the ``top`` row, then each prefix row."""
    codes: dict[str, Cell] = {}
    if table.get("doubled"):
        codes.update({d * 2: char(d) for d in string.digits})
    for prefix, row in table.items():
        if prefix == "doubled":
            continue
        if len(row) != 10:
            raise ValueError(f"{DATA.name}: {name} row {prefix!r} has {len(row)} cells, not 10")
        for col, spec in enumerate(row):
            cell = _cell(spec, vocab, f"{name} row {prefix!r}")
            if cell is not None:
                codes[("" if prefix == "top" else prefix) + str(col)] = _placed(cell, index)
    return Mode(name, codes)


def tripled_figures(fig_code: str, fig: Cell) -> Mode:
    """The figure mode of the FIG boards: each digit three times, the FIG cell to leave."""
    codes: dict[str, Cell] = {d * 3: char(d) for d in string.digits}
    codes[fig_code] = _placed(fig, 1)
    return Mode("figures", codes)


def _fig_code(letters: Mode, board: str) -> tuple[str, Cell]:
    for code, cell in letters.codes.items():
        if cell.kind is Kind.SHIFT:
            return code, cell
    raise ValueError(f"{board}: a board with tripled figures needs a figure shift cell")


def _builtin(name: str, entry: Mapping[str, Any], vocab: Mapping[str, Cell]) -> Board:
    letters = _mode("letters", 0, entry["letters"], vocab)
    modes = [letters]
    if entry.get("figures") == "tripled":
        modes.append(tripled_figures(*_fig_code(letters, name)))
    elif "figures" in entry:
        modes.append(_mode("figures", 1, entry["figures"], vocab))
    return Board(
        name,
        tuple(modes),
        fill_pattern=entry["fill"],
        description=entry["description"],
        source=entry["source"],
    )


def _layout(name: str, entry: Mapping[str, Any], vocab: Mapping[str, Cell]) -> Layout:
    below = tuple(
        tuple(_cell(spec, vocab, f"layout {name}") for spec in row) for row in entry["below"]
    )
    return Layout(
        name,
        entry["description"],
        entry["source"],
        tuple(entry["blanks"]),
        below,
        down=entry["order"] == "columns",
    )


@functools.cache
def _tables() -> _Tables:
    """Read ``boards.toml`` once and build every built-in board from it."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    vocab = _vocabulary(data["cells"])
    boards = {name: _builtin(name, e, vocab) for name, e in data["board"].items()}
    aliases = {alias: name for name, e in data["board"].items() for alias in e["aliases"]}
    layouts = {name: _layout(name, e, vocab) for name, e in data["keyed"].items()}
    return _Tables(boards, aliases, layouts)


def __getattr__(name: str) -> Board:
    if name in CONSTANTS:
        return _tables().boards[CONSTANTS[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Builtin(Mapping[str, Board]):
    """The built-in boards by name, in the order of ``boards.toml``; read on first use."""

    def __getitem__(self, name: str) -> Board:
        return _tables().boards[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_tables().boards)

    def __len__(self) -> int:
        return len(_tables().boards)

    def __repr__(self) -> str:
        return f"BOARDS({', '.join(self)})"


BOARDS: Mapping[str, Board] = _Builtin()


def board(name: str) -> Board:
    """A built-in board by name (case and spaces do not matter): ``STANDARD-TABLE-1``,
    ``CT-37``, ``CT-46``, ``CT-55``, ``AT-ONE-SIR``, ``RU-1``, ``ES-1``."""
    aliases = _tables().aliases
    key = re.sub(r"[\s_.]+", "-", name.strip().upper())
    key = aliases.get(key, aliases.get(key.replace("-", ""), key))
    try:
        return BOARDS[key]
    except KeyError:
        raise BadInput(f"unknown board {name!r}; built-in boards: {', '.join(BOARDS)}") from None


def all_boards() -> list[Board]:
    return list(BOARDS.values())


def layout(name: str) -> Layout:
    """A keyed layout of ``boards.toml`` by name (``HAYHANEN``)."""
    return _tables().layouts[name]


# -- keyed boards -------------------------------------------------------------------

LATIN = string.ascii_uppercase
CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
_TOP_LETTERS = {LATIN: "ETAOINSR", CYRILLIC: "ОЕАИНТС"}


def _header(header: Sequence[int] | None) -> tuple[str, ...]:
    if header is None:
        return tuple(string.digits)
    if sorted(header) != list(range(10)):
        raise BadInput("the header over the columns must hold each digit 0-9 once")
    return tuple(str(d) for d in header)


def _fill(
    shape: Sequence[Sequence[Cell | None]],
    rest: Sequence[Symbol],
    blanks: Sequence[int],
    *,
    down: bool,
) -> list[list[Cell | None]]:
    """The rows below the top: the fixed cells of ``shape``, then ``rest`` in the free
    cells in order, along the rows or down the columns; free cells left over stay empty.

    The figure shift never goes in the column of its own row's label: its code would be
    two equal digits, the start of a tripled figure. It changes places with the symbol
    before it."""
    rows = [list(row) for row in shape]
    free = [(r, c) for r in range(len(rows)) for c in range(10) if rows[r][c] is None]
    if down:
        free.sort(key=lambda rc: (rc[1], rc[0]))
    if len(rest) > len(free):
        raise BadInput(f"{len(rest)} symbols do not fit the {len(free)} free cells of the board")
    cells = [sym if isinstance(sym, Cell) else char(sym) for sym in rest]
    for i, (r, c) in enumerate(free[: len(cells)]):
        if cells[i].kind is Kind.SHIFT and c == blanks[r] and i > 0:
            cells[i - 1], cells[i] = cells[i], cells[i - 1]
    for (r, c), cell in zip(free, cells, strict=False):
        rows[r][c] = cell
    return rows


def grid(
    top: Sequence[Symbol | None],
    rest: Sequence[Symbol],
    *,
    name: str,
    description: str,
    source: str,
    header: Sequence[int] | None = None,
    below: Sequence[Sequence[Cell | None]] | None = None,
    down: bool = False,
) -> Board:
    """A board from its top row and the symbols under it.

    ``top`` is ten cells, ``None`` for each blank column; the blank columns, left to
    right, head the rows below. ``below`` fixes some of those rows' cells (``None``:
    free); ``rest`` fills the free cells along the rows, or down the columns with
    ``down``. ``header`` is the digit over each column (default 0-9): a top-row cell's
    code is its column's digit; any other cell's, its row's blank-column digit, then its
    column's. One cell must be the figure shift: figures are written three times.
    """
    digits = _header(header)
    if len(top) != 10:
        raise BadInput(f"a top row has 10 cells, not {len(top)}")
    blanks = [c for c, sym in enumerate(top) if sym is None]
    shape = below if below is not None else [[None] * 10 for _ in blanks]
    if len(shape) != len(blanks) or any(len(row) != 10 for row in shape):
        raise BadInput(f"{len(blanks)} blank columns need {len(blanks)} rows of 10 below")
    codes: dict[str, Cell] = {
        digits[c]: sym if isinstance(sym, Cell) else char(sym)
        for c, sym in enumerate(top)
        if sym is not None
    }
    for b, row in zip(blanks, _fill(shape, rest, blanks, down=down), strict=True):
        codes.update(
            {
                digits[b] + digits[c]: _placed(cell, 0)
                for c, cell in enumerate(row)
                if cell is not None
            }
        )
    letters = Mode("letters", codes)
    fig_code, fig = _fig_code(letters, name)
    return Board(
        name,
        (letters, tripled_figures(fig_code, fig)),
        fill_pattern=fig_code * 2,
        description=description,
        source=source,
    )


def from_layout(
    name: str, top: Sequence[str], rest: Sequence[Symbol], *, header: Sequence[int] | None = None
) -> Board:
    """A board in a keyed layout of ``boards.toml``: ``top`` fills the top row's
    non-blank columns left to right, ``rest`` the free cells below in the layout's order."""
    lay = layout(name)
    letters = iter(top)
    cells = [None if c in lay.blanks else next(letters) for c in range(10)]
    return grid(cells, rest, name=f"KEYED:{name}", description=lay.description,
                source=lay.source, header=header, below=lay.below, down=lay.down)  # fmt: skip


def sequence(key: str, alphabet: str) -> list[int]:
    """Number the letters of ``key`` in alphabetical order, ties left to right,
    1..n (the VIC "sequencing" step)."""
    order = sorted(range(len(key)), key=lambda i: (alphabet.index(key[i]), i))
    ranks = [0] * len(key)
    for rank, i in enumerate(order, 1):
        ranks[i] = rank
    return ranks


def _top_row(top: str) -> tuple[tuple[int, ...], list[str]]:
    top = top.upper()
    if len(top) != 10:
        raise BadInput(f"top row {top!r} must be 10 cells, blanks written as spaces")
    return tuple(i for i, c in enumerate(top) if c == " "), [c for c in top if c != " "]


def keyed(
    key: str,
    *,
    top: str | None = None,
    blanks: tuple[int, ...] | None = None,
    alphabet: str = LATIN,
    header: Sequence[int] | None = None,
) -> Board:
    """A board built from a keyword.

    The mixed alphabet is the key's letters (each once) followed by the rest of the
    alphabet, then ``.`` and FIG. The top row holds ``top`` (e.g. ``"AT ONE SIR"``,
    whose spaces are the blank columns) or, by default, the language's most frequent
    letters (ETAOINSR / ОЕАИНТС) in mixed-alphabet order; the blank columns are
    ``blanks`` or the first numbers of the key's sequencing (mod 10). The other
    symbols fill the rows under the blank columns, in mixed-alphabet order. ``header``
    relabels the columns, as the VIC's line S does (see :func:`grid`).
    """
    word = "".join(c for c in key.upper() if c in alphabet)
    n_blanks = 2 if alphabet == LATIN else 3
    letters: list[str] = []
    if top is not None:
        blanks, letters = _top_row(top)
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
    rest: list[Symbol] = [c for c in mixed if c not in letters]
    rest += ["."] if alphabet == LATIN else [".", ",", SPC]
    rest.append(FIG_TO)
    it = iter(letters)
    cells = [None if col in blanks else next(it) for col in range(10)]
    label = top.upper().replace(" ", "_") if top else word
    return grid(cells, rest, name=f"KEYED:{label}", header=header,
                description=f"keyed board from {key!r}, blank columns {sorted(blanks)}",
                source="cinq keyed board")  # fmt: skip
