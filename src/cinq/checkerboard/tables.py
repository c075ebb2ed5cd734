"""The built-in boards (Standard Table No. 1, CT-37, CT-46, CT-55, AT ONE SIR, RU-1,
ES-1) as data, and boards built from a keyword."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence

from ..errors import BadInput
from .board import Board
from .cells import CODE, FIG_BACK, FIG_TO, PAREN, SPC, Cell, Kind, Mode, char


def _tripled_figures(fig_code: str) -> Mode:
    """The figure mode of the FIG boards: each digit three times, FIG to leave."""
    codes: dict[str, Cell] = {d * 3: char(d) for d in string.digits}
    codes[fig_code] = FIG_BACK
    return Mode("figures", codes)


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
