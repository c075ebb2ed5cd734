"""The hand-worker's notebook: every step of a VIC message laid out as on paper."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .board import START, VicBoard
from .keys import rank
from .transposition import fill_order, table, triangles

if TYPE_CHECKING:
    from . import Worked


def _ds(digits: Sequence[int]) -> str:
    return "".join(map(str, digits))


def _grouped(s: str, indent: int) -> str:
    """Digits in groups of five, ten groups a line, continuation lines indented."""
    groups = [s[i : i + 5] for i in range(0, len(s), 5)]
    return _lines(groups, indent)


def _lines(groups: Sequence[str], indent: int) -> str:
    rows = [" ".join(groups[i : i + 10]) for i in range(0, len(groups), 10)]
    return ("\n" + " " * indent).join(rows)


def key_lines(w: Worked) -> list[str]:
    """Lines A to S with what each one is."""
    k = w.keys
    return [
        "KEY DERIVATION",
        f"A  {_ds(k.A):<24} the keygroup",
        f"B  {_ds(k.B):<24} the date, first five digits",
        f"C  {_ds(k.C):<24} A - B, without borrowing",
        f"D  {k.D[0]} {k.D[1]:<13} the phrase, first twenty letters",
        f"E  {_ds(k.E1)} {_ds(k.E2):<13} each half sequenced (0 = 10)",
        f"F  {_ds(k.F1)} {_ds(k.F2):<13} C by chain addition; 1234567890",
        f"G  {_ds(k.G):<24} E1 + F1, without carrying",
        f"H  {_ds(k.H):<24} G read through F2 -> E2",
        f"J  {_ds(k.J):<24} H sequenced",
        f"K  {_ds(k.block[0]):<24} H by chain addition, fifty digits",
        *(f"{c}  {_ds(row)}" for c, row in zip("LMNP", k.block[1:], strict=True)),
        f"   widths {len(k.Q)} and {len(k.R)}: the personal number plus {k.unequal[0]} and "
        f"{k.unequal[1]}, P's last two unequal digits",
        f"Q  {_ds(k.Q):<24} first transposition key: K-P by columns in J order",
        f"R  {_ds(k.R):<24} second transposition key: the digits after Q",
        f"S  {_ds(k.S):<24} P sequenced: the checkerboard's column numbers",
    ]


def board_lines(board: VicBoard) -> list[str]:
    """The checkerboard: line S on top, row labels on the left."""
    width = max(3, max(len(s) for s in board.codes) + 1)
    cell = f"{{:>{width}}}"

    def row(label: str, cells: Sequence[object]) -> str:
        return (f"{label:>2} " + "".join(cell.format(str(c)) for c in cells)).rstrip()

    lines = ["CHECKERBOARD", row("", board.header), row("", board.top)]
    lines += [row(str(label), cells) for label, cells in board.rows]
    return lines


def substitution_lines(symbols: Sequence[str], board: VicBoard, per_line: int = 14) -> list[str]:
    """Symbols with their codes written under them, as in Kahn's figure 2."""
    out: list[str] = []
    for i in range(0, len(symbols), per_line):
        chunk = symbols[i : i + per_line]
        codes = [s * 3 if s.isdigit() else board.codes.get(s, "?") for s in chunk]
        widths = [max(len(s), len(c), 2) + 1 for s, c in zip(chunk, codes, strict=True)]
        out.append("   " + "".join(f"{s:>{n}}" for s, n in zip(chunk, widths, strict=True)))
        out.append("   " + "".join(f"{c:>{n}}" for c, n in zip(codes, widths, strict=True)))
    return out


def _text(label: str, text: str, width: int = 70) -> str:
    """Unspaced text cut into lines of ``width``, under its label."""
    rows = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    return label + ("\n" + " " * len(label)).join(rows)


def _key_header(key: Sequence[int], cell: int = 3) -> list[str]:
    pad = " " * (cell - 3)
    return [
        "   " + "".join(f"{d:>3}{pad}" for d in key),
        "   " + "".join(f"{r:>3}{pad}" for r in rank(key)),
        "   " + "-" * cell * len(key),
    ]


def first_table(plain: str, key: Sequence[int]) -> list[str]:
    """The first transposition table, filled row by row."""
    rows = table(plain, key)
    return _key_header(key) + ["   " + "".join(f"{d:>3}" for d in r) for r in rows]


def second_table(first: str, key: Sequence[int]) -> list[str]:
    """The disrupted table: triangle cells in brackets."""
    n = len(first)
    inside = triangles(n, key)
    rows = table(first, key, fill_order(n, key))
    lines = _key_header(key, cell=4)
    for r, digits in enumerate(rows):
        cells = [
            f" [{d}]" if (r, c) in inside else f"  {d} " for c, d in enumerate(digits) if d != " "
        ]
        lines.append("   " + "".join(cells).rstrip())
    return lines


def explain(w: Worked, *, decrypting: bool = False) -> str:
    """Every step as a hand-worker writes it in a notebook."""
    lines = ["VIC CIPHER, " + ("DECIPHERING" if decrypting else "ENCIPHERING"), ""]
    if decrypting:
        lines += [
            "MESSAGE  " + _lines(w.groups, 9),
            f"KEYGROUP {_ds(w.keys.A)}: group {w.insert} from the end (the date's last digit)",
            "",
        ]
    lines += [*key_lines(w), "", *board_lines(w.board), ""]
    lines += _substitution_part(w)
    lines += _transposition_part(w)
    if decrypting:
        lines.append(_text("PLAINTEXT  ", w.text))
        if w.broken:
            lines.append(f"   {w.broken} figures were not tripled (marked ?): a garbled group")
    else:
        lines += [
            f"KEYGROUP {_ds(w.keys.A)}: inserted as group {w.insert} from the end "
            "(the date's last digit)",
            "MESSAGE  " + _lines(w.groups, 9),
        ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _substitution_part(w: Worked) -> list[str]:
    """The text (and a Russian message's cut), each symbol over its code, the nulls, and
    the digits they make."""
    lines = [_text("TEXT  ", w.text)]
    if w.lang == "ru" and w.cut is not None:
        lines[0] += (
            f"\n      cut after {w.cut} symbols: the part after the cut is sent "
            f"first, then {START}, then the part before it"
        )
    lines += ["", "SUBSTITUTION (each symbol over its code; figures three times)"]
    lines += substitution_lines(w.symbols, w.board)
    if w.nulls:
        kind = "null letters R" if w.lang == "en" else f"nulls, starting with a second {START}"
        lines.append(f"   + {w.nulls} digits of {kind}: {w.plain[-w.nulls :]}")
    head = f"   {len(w.plain)} digits: "
    return [*lines, head + _grouped(w.plain, len(head)), ""]


def _transposition_part(w: Worked) -> list[str]:
    """Both transposition tables, each with the digits read off it."""
    lines = [
        f"FIRST TRANSPOSITION (key Q, {len(w.keys.Q)} columns)",
        "   write the digits in rows; read the columns in numbered order",
    ]
    lines += first_table(w.plain, w.keys.Q)
    lines += ["", f"   read off: {_grouped(w.first, 13)}", ""]
    lines += [
        f"SECOND TRANSPOSITION (key R, {len(w.keys.R)} columns)",
        "   write the digits in rows around the triangles, then into the [triangles];",
        "   read the columns in numbered order",
    ]
    lines += second_table(w.first, w.keys.R)
    return [*lines, "", f"   read off: {_grouped(w.second, 13)}", ""]
