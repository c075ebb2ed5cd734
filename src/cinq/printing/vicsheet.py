"""A blank VIC worksheet: the key derivation lines A to S, the checkerboard and both
transposition tables, as a hand-worker would lay them out on paper.

Page 1 holds lines A to S and the blank checkerboard (English: AT ONE SIR; Russian:
СНЕГОПА with Häyhänen's reserved cells), page 2 the first (columnar) transposition
table for key Q, page 3 the second (disrupted) table for key R and the rule for
inserting the keygroup. Nothing on it is secret until the operator writes on it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from ..errors import BadInput
from ..vic.board import VicBoard, english, russian
from ..vic.transposition import triangles
from .cards import MINUS
from .layout import GREY, LIGHT, PT, LayoutError, Paper, Sheet, paper_name, printed_note

PAGES = 3
LABEL_W = 8.0  # mm: the line letters A to S
KEY_BOXES = 25  # Q and R: personal number + a digit is normally 10 to 25
COLUMNS = 20  # the transposition tables: keys wider than this are rare in practice
NOTE_MIN = 40.0  # mm kept beside the widest line (Q, R) for its note
FOOT_H = 6.0
TRIANGLE = 200  # grey of the example's triangle cells: must survive a photocopier


@dataclass(frozen=True)
class _Line:
    label: str
    boxes: int  # 20: two halves of ten; 25: a key line, ticked every five boxes
    note: str


_LINES = (
    _Line("A", 5, "the keygroup: five random digits, new for every message"),
    _Line("B", 5, "the date, first five digits"),
    _Line("C", 5, f"A {MINUS} B without borrowing"),
    _Line("D", 20, "the phrase, first 20 letters, in two halves"),
    _Line("E", 20, "E1 | E2: each half sequenced (alphabetical, ties left to right, 10 written 0)"),
    _Line("F", 20, "F1: C chain-added to ten digits | F2: 1234567890"),
    _Line("G", 10, "E1 + F1 without carrying"),
    _Line(
        "H", 10, "G read through F2 → E2: find each digit of G in F2, write the E2 digit under it"
    ),
    _Line("J", 10, "H sequenced (0 counts as 10, ties left to right)"),
    _Line(
        "K",
        10,
        "chain addition of H, fifty digits K to P: K1 = H1 + H2, K2 = H2 + H3 ... "
        "K10 = H10 + K1, and so on, without carrying",
    ),
    _Line("L", 10, ""),
    _Line("M", 10, ""),
    _Line("N", 10, ""),
    _Line("P", 10, "its last two unequal digits set the key widths below"),
    _Line("Q", KEY_BOXES, "first key: K to P read down the columns in J order"),
    _Line("R", KEY_BOXES, "second key: the next digits, read on"),
    _Line("S", 10, "P sequenced (0 counts as 10): the checkerboard's column numbers"),
)
_BLOCK = "KLMNP"  # written as one block: Q and R are read down its columns
_WIDTHS_NOTE = "widths: personal number + P's last two unequal digits, in turn"


_COLUMNS = tuple(range(10))  # the board before line S is written over it


@dataclass(frozen=True)
class _Language:
    """One language's page: its board (the VIC's own, under columns 0-9 until line S is
    known) and how to fill it in."""

    name: str
    make: Callable[[Sequence[int]], VicBoard]  # the board under a header (line S)
    steps: tuple[str, ...]
    signs: bool  # print the board's fixed signs (Russian), or only its top row (English)

    @cached_property
    def board(self) -> VicBoard:
        return self.make(_COLUMNS)

    @property
    def top(self) -> str:
        """The top row, ten cells, a space for each blank: its digit labels a row below."""
        return "".join(c or " " for c in self.board.top)

    @property
    def rows(self) -> int:
        return len(self.board.rows)

    @property
    def fixed(self) -> dict[tuple[int, int], str]:
        """The cells below the top row that hold signs, not letters: fixed whatever the
        key. ``(row, column)``, row 0 the first row below the top."""
        if not self.signs:
            return {}
        return {
            (r, c): sym
            for r, (_, cells) in enumerate(self.board.rows)
            for c, sym in enumerate(cells)
            if not (len(sym) == 1 and sym.isalpha())
        }


_CELLS = (
    "A top-row letter is its column digit; any other cell is its row label, then its column digit."
)
_LANGUAGES = {
    "en": _Language(
        "English checkerboard: AT ONE SIR",
        english,
        (
            "Header: line S, one digit per column.",
            "Top row: AT ONE SIR. The header digits over its two blank cells label the two "
            "rows below, in order: write them in the boxes on the left.",
            "Then the remaining letters in alphabetical order along the rows, then . and / "
            "(figures: / then each digit three times, then /).",
            _CELLS,
        ),
        signs=False,
    ),
    "ru": _Language(
        "Russian checkerboard: СНЕГОПА",
        russian,
        (
            "Header: line S, one digit per column.",
            "Top row: СНЕГОПА, the first 7 letters of СНЕГОПАД (snowfall). The header digits "
            "over its three blank cells label the three rows below, in order.",
            "The other 23 letters (no Ё Й Ъ) down the columns, skipping columns 3 and 5; "
            "column 3: . , П/Л; column 5: № Н/Ц Н/Т; last cell ПВТ (repeat).",
            "Figures: Н/Ц, each digit three times, Н/Ц. Н/Т marks where the text begins: "
            "send its second part first, then Н/Т, then the first part.",
            _CELLS,
        ),
        signs=True,
    ),
}

INSERTION = (
    "The keygroup goes in as the N-th group from the end, N = the date's last digit (0 = 10)."
)
_FIRST_STEPS = (
    "Write key Q in the key row, one digit per column from the left: use as many columns "
    "as the key has digits (normally 10 to 20).",
    "Rank the columns: 1 under the lowest digit, 0 counts as 10, ties left to right "
    "(key 3 1 0 4 1 gives ranks 3 1 5 4 2).",
    "Write the checkerboard digits of the message (nulls at the end to make whole groups "
    "of five) in the rows, left to right, row after row.",
    "Read the columns out in rank order, each from top to bottom: these digits go into the "
    "second table (page 3).",
)
_SECOND_STEPS = (
    "Write key R and rank it as on page 2; use as many columns as the key has digits. "
    "The digits from page 2 fill as many cells as there are digits: mark where they end.",
    "Mark the triangles (shaded in the example): the first starts in the top row in the "
    "column ranked 1 and runs to the right edge; each next row starts one column further "
    "right, until it reaches the edge. After one full row the next triangle starts in the "
    "column ranked 2, and so on.",
    "Write the digits row by row into the cells outside the triangles; then fill the "
    "triangle cells, row by row.",
    "Read the columns out in rank order, each from top to bottom, in groups of five.",
)
_SENDING = (
    f"{INSERTION} To decrypt, take the keygroup out at the same place, derive lines A to S, "
    "undo the second and then the first transposition, and read the checkerboard. "
    "Burn this worksheet when done."
)
# The triangle example: a 7-column key and its ranks, ten rows (two triangles).
_EXAMPLE_RANKS = (4, 6, 1, 7, 2, 5, 3)
_EXAMPLE_ROWS = 10


def _language(lang: str) -> _Language:
    name = lang.strip().lower() if isinstance(lang, str) else ""
    if name not in _LANGUAGES:
        raise BadInput(f"unknown VIC worksheet language {lang!r}; use one of: en, ru")
    return _LANGUAGES[name]


# -- page 1: lines A to S, the checkerboard ---------------------------------------------------


def _note(sheet: Sheet, x: float, y: float, w: float, h: float, text: str) -> None:
    """A line's note beside its boxes, on one line or two."""
    # One line if it fits at 6.5 pt or more: a note broken after two words reads badly.
    tries = [(size, 1) for size in (7.5, 7.0, 6.5)] + [(size, 2) for size in (7.5, 7.0, 6.5, 6.0)]
    for size, count in tries:
        lines = sheet.wrap(text, w, size=size)
        line_h = size * PT * 1.2
        if len(lines) == count and count * line_h <= max(h, line_h) + 0.1:
            break
    else:
        raise LayoutError(f"the note of a worksheet line does not fit its {w:.1f} mm")
    top = y + (h - len(lines) * line_h) / 2
    for i, line in enumerate(lines):
        sheet.put(x, top + i * line_h, w, line_h, line, size=size, color=GREY, what="note")


def _boxes(sheet: Sheet, x: float, y: float, line: _Line, bw: float, bh: float) -> float:
    """The boxes of one line; returns their right edge."""
    what = f"line {line.label}"
    if line.boxes == 20:  # two halves of ten, a gap between: E1 | E2, F1 | F2
        sheet.digit_boxes(x, y, 10, bw, bh, what=what)
        sheet.digit_boxes(x + 10 * bw + bw / 2, y, 10, bw, bh, what=what)
        return x + 20 * bw + bw / 2
    sheet.digit_boxes(x, y, line.boxes, bw, bh, what=what)
    if line.boxes == KEY_BOXES:  # ticks every five boxes: a key's width is counted, not guessed
        sheet.set_line_width(0.4)
        for i in range(5, line.boxes, 5):
            sheet.line(x + i * bw, y, x + i * bw, y + bh)
    return x + line.boxes * bw


def _widths(sheet: Sheet, x: float, y: float, bw: float, bh: float) -> float:
    """Q [..] + [.] = [..]   R [..] + [.] = [..]; returns the right edge."""
    for key in ("Q", "R"):
        sheet.put(x, y, bw, bh, key, size=8, bold=True, color=GREY, what="width label")
        x += bw
        for count, sign in ((2, "+"), (1, "="), (2, "")):
            sheet.digit_boxes(x, y, count, bw, bh, what="key width")
            x += count * bw
            if sign:
                sheet.put(x, y, bw, bh, sign, size=9, align="C", what="width sign")
                x += bw
        x += bw
    return x - bw


def _derivation(sheet: Sheet, y: float, bw: float, bh: float, pitch: float) -> float:
    """Lines A to S; returns the y below them."""
    x = sheet.left
    for line in _LINES:
        sheet.put(x, y, LABEL_W, bh, line.label, size=11, bold=True, what="line label")
        right = _boxes(sheet, x + LABEL_W, y, line, bw, bh) + 3
        if line.note:
            _note(sheet, right, y, sheet.right - right, bh, line.note)
        y += bh if line.label in _BLOCK[:-1] else pitch
        if line.label == "P":
            right = _widths(sheet, x + LABEL_W, y, bw, bh) + 3
            _note(sheet, right, y, sheet.right - right, bh, _WIDTHS_NOTE)
            y += pitch
    return y


def _board_steps(sheet: Sheet, board: _Language, x: float, y: float, *, draw: bool) -> float:
    """How to fill the board, numbered; returns the y below."""
    for n, step in enumerate(board.steps, 1):
        w = sheet.right - x
        y = sheet.paragraph(x, y, w, step, size=7.5, indent=f"{n}.", draw=draw) + 0.4
    return y


def _checkerboard(sheet: Sheet, board: _Language, y: float, cell_w: float, cell_h: float) -> None:
    """The blank board: header row for S, the top row, the lower rows with a box for each
    row's label; instructions to its right."""
    x = sheet.left
    w = 11 * cell_w  # the label column, then ten cells
    rows = 2 + board.rows
    height = rows * cell_h
    big = min(13.0, cell_h / PT * 0.55)
    sheet.frame(x, y, cell_w, cell_h * 2, fill=LIGHT, line=None, what="board corner")
    sheet.put(x, y, cell_w, cell_h, "S", size=7, color=GREY, align="C", what="board corner")
    for col, letter in enumerate(board.top):
        cx = x + (col + 1) * cell_w
        if letter == " ":  # a row label's column: shaded, like the board card's
            sheet.frame(cx, y + cell_h, cell_w, cell_h, fill=LIGHT, line=None, what="blank")
            continue
        sheet.put(cx, y + cell_h, cell_w, cell_h, letter, size=big, bold=True, align="C")
    for (row, col), text in board.fixed.items():
        size = sheet.fit_size(text, cell_w - 1.2, size=big * 0.75, min_size=5)
        cx, cy = x + (col + 1) * cell_w, y + (row + 2) * cell_h
        sheet.put(cx, cy, cell_w, cell_h, text, size=size, align="C", what="reserved cell")
    sheet.set_line_width(0.15)
    for r in range(1, rows):
        sheet.line(x, y + r * cell_h, x + w, y + r * cell_h)
    for c in range(2, 11):
        sheet.line(x + c * cell_w, y, x + c * cell_w, y + height)
    sheet.frame(x, y, w, height, line=0.4, what="checkerboard")
    sheet.rule(x, x + w, y + cell_h, width=0.4)
    sheet.set_line_width(0.4)
    sheet.line(x + cell_w, y, x + cell_w, y + height)
    for r in range(board.rows):  # the row labels are written in: heavy boxes
        inset = 0.8
        sheet.frame(
            x + inset,
            y + (r + 2) * cell_h + inset,
            cell_w - 2 * inset,
            cell_h - 2 * inset,
            line=0.4,
            what="row label box",
        )
    _board_steps(sheet, board, x + w + 5, y, draw=True)


def _header(sheet: Sheet, title: str, page: int, subtitle: str) -> float:
    """Title, subtitle and (page 1) the date and personal-number boxes; returns the y below."""
    x, y = sheet.left, sheet.top
    sheet.put(x, y, sheet.width, 8, title, size=15, bold=True, what="title")
    if page == 1:  # the two secrets not written on a line: laid out from the right edge
        bx = sheet.right
        for name, count in (("personal no.", 2), ("date", 6)):
            bx -= count * 6.0
            sheet.digit_boxes(bx, y, count, 6.0, 7, what=f"{name} boxes")
            label_w = sheet.text_width(name, "sans", 7.5) + 1.5
            bx -= label_w
            sheet.put(bx, y, label_w, 7, name, size=7.5, color=GREY, what="box label")
            bx -= 4
    sheet.put(x, y + 8.5, sheet.width, 5, subtitle, size=8.5, color=GREY, what="subtitle")
    return y + 16


def _footer(sheet: Sheet, page: int) -> None:
    foot = f"VIC worksheet · page {page} of {PAGES} · burn after use · {printed_note()}"
    text, size = sheet.fit_text(foot, sheet.width, size=7)
    sheet.put(sheet.left, sheet.bottom - 4, sheet.width, 4, text, size=size, color=GREY)


def _page_one(sheet: Sheet, board: _Language) -> None:
    sheet.new_page()
    y = _header(sheet, "VIC CIPHER WORKSHEET", 1, f"Key derivation and checkerboard · {board.name}")
    bw = min(6.0, (sheet.width - LABEL_W - NOTE_MIN) / KEY_BOXES)
    cell_w, cell_h = 8.5, 7.5
    steps_x = sheet.left + 11 * cell_w + 5
    board_h = max((2 + board.rows) * cell_h, _board_steps(sheet, board, steps_x, 0, draw=False))
    # Lines A to J, P, the widths and Q to S are spaced; K to N sit on the next one.
    spaced = len(_LINES) - len(_BLOCK) + 2
    head_h, gap, board_head = 7.0, 4.0, 8.0
    avail = sheet.bottom - FOOT_H - board_h - board_head - gap - (y + head_h)
    rows = spaced + len(_BLOCK) - 1
    # Boxes taller than wide where the page allows: handwriting needs height more than width.
    bh = min(7.0, (avail - 2.0 * spaced) / rows)
    if bh < 5.0:
        raise LayoutError(f"lines A to S do not fit the {sheet.paper} page")
    pitch = bh + min(3.0, (avail - rows * bh) / spaced)
    sheet.put(sheet.left, y, sheet.width, 6, "KEY DERIVATION", size=10, bold=True)
    hint = "one digit per box; without borrowing or carrying = mod 10"
    sheet.put(sheet.left + 40, y, sheet.width - 40, 6, hint, size=7.5, color=GREY, what="hint")
    y = _derivation(sheet, y + head_h, bw, bh, pitch) + gap
    sheet.put(sheet.left, y, sheet.width, 6, "CHECKERBOARD", size=10, bold=True)
    _checkerboard(sheet, board, y + board_head, cell_w, cell_h)
    _footer(sheet, 1)


# -- pages 2 and 3: the transposition tables --------------------------------------------------


def _example(sheet: Sheet, x: float, y: float, cell: float) -> float:
    """The disrupted table's triangles for a small key, shaded; returns its width."""
    width = len(_EXAMPLE_RANKS)
    sheet.put(x, y, width * cell, 3.5, "example", size=6.5, color=GREY, align="C")
    y += 3.8
    for c, r in enumerate(_EXAMPLE_RANKS):
        sheet.put(
            x + c * cell,
            y,
            cell,
            cell,
            str(r),
            face="mono",
            size=7,
            bold=True,
            align="C",
            what="example rank",
        )
    y += cell
    # Ranks 1..7 are their own key digits.
    for r, c in triangles(len(_EXAMPLE_RANKS) * _EXAMPLE_ROWS, _EXAMPLE_RANKS):
        sheet.frame(x + c * cell, y + r * cell, cell, cell, fill=TRIANGLE, line=None)
    sheet.frame(x, y, width * cell, _EXAMPLE_ROWS * cell, line=0.3, what="example")
    sheet.set_line_width(0.1)
    for c in range(1, width):
        sheet.line(x + c * cell, y, x + c * cell, y + _EXAMPLE_ROWS * cell)
    for r in range(1, _EXAMPLE_ROWS):
        sheet.line(x, y + r * cell, x + width * cell, y + r * cell)
    return width * cell


def _steps(sheet: Sheet, y: float, width: float, steps: Sequence[str]) -> float:
    x = sheet.left
    for n, step in enumerate(steps, 1):
        y = sheet.paragraph(x, y, width, step, size=8.5, indent=f"{n}.") + 0.5
    return y


@dataclass(frozen=True)
class _Table:
    """The measures of a transposition table: the row-label column and the cells."""

    label_w: float
    cell_w: float
    cell_h: float
    x: float  # the left edge of the labels
    gx: float  # the left edge of the cells

    @classmethod
    def of(cls, sheet: Sheet) -> _Table:
        label_w = 11.0
        cell_w = (sheet.width - label_w) / COLUMNS
        x = sheet.left
        return cls(label_w, cell_w, min(7.0, cell_w), x, x + label_w)


def _grid(sheet: Sheet, y: float, bottom: float) -> None:
    """Column numbers, the key and rank rows, then as many numbered rows as fit."""
    t = _Table.of(sheet)
    _grid_columns(sheet, t, y)
    y += 4
    for name in ("key", "rank"):
        sheet.frame(t.x, y, t.label_w, t.cell_h, fill=LIGHT, line=None, what="row name")
        sheet.put(t.x + 1, y, t.label_w - 2, t.cell_h, name, size=7.5, bold=True,
                  what="row name")  # fmt: skip
        sheet.digit_boxes(t.gx, y, COLUMNS, t.cell_w, t.cell_h, fill=LIGHT, what=f"{name} row")
        y += t.cell_h
    y += 1.2
    rows = math.floor((bottom - y) / t.cell_h)
    if rows < 10:
        raise LayoutError(f"a transposition table would have only {rows} rows")
    _grid_rows(sheet, t, y, rows)


def _grid_columns(sheet: Sheet, t: _Table, y: float) -> None:
    """The column numbers, to count the columns a key needs."""
    for c in range(COLUMNS):
        sheet.put(t.gx + c * t.cell_w, y, t.cell_w, 3.5, str(c + 1), size=6.5, color=GREY,
                  align="C", what="column number")  # fmt: skip


def _grid_rows(sheet: Sheet, t: _Table, y: float, rows: int) -> None:
    """``rows`` numbered rows of empty cells from ``y``, framed and ruled."""
    height = rows * t.cell_h
    sheet.frame(t.gx, y, COLUMNS * t.cell_w, height, line=0.4, what="table")
    for r in range(rows):
        sheet.put(t.x, y + r * t.cell_h, t.label_w - 2, t.cell_h, str(r + 1), size=6.5,
                  color=GREY, align="R", what="row number")  # fmt: skip
    for r in range(1, rows):  # heavier every five rows and columns, for counting
        sheet.set_line_width(0.35 if r % 5 == 0 else 0.12)
        sheet.line(t.gx, y + r * t.cell_h, t.gx + COLUMNS * t.cell_w, y + r * t.cell_h)
    for c in range(1, COLUMNS):
        sheet.set_line_width(0.35 if c % 5 == 0 else 0.12)
        sheet.line(t.gx + c * t.cell_w, y, t.gx + c * t.cell_w, y + height)


def _first_page(sheet: Sheet, board: _Language) -> None:
    sheet.new_page()
    sub = f"Plain columnar transposition · key Q · {board.name}"
    y = _header(sheet, "FIRST TRANSPOSITION (key Q)", 2, sub)
    y = _steps(sheet, y, sheet.width, _FIRST_STEPS) + 2
    _grid(sheet, y, sheet.bottom - FOOT_H)
    _footer(sheet, 2)


def _second_page(sheet: Sheet, board: _Language) -> None:
    sheet.new_page()
    sub = f"Disrupted transposition: triangles filled last · key R · {board.name}"
    y = _header(sheet, "SECOND TRANSPOSITION (key R)", 3, sub)
    cell = 3.4
    example_w = _example(sheet, sheet.right - len(_EXAMPLE_RANKS) * cell, y, cell)
    example_h = 3.8 + (1 + _EXAMPLE_ROWS) * cell
    y = max(_steps(sheet, y, sheet.width - example_w - 6, _SECOND_STEPS), y + example_h) + 2
    # The sending rule is measured first, so the table stops above it.
    text_w = sheet.width - 4
    send_h = sheet.paragraph(0, 0, text_w, _SENDING, size=8.5, draw=False) + 7
    send_y = sheet.bottom - FOOT_H - send_h
    _grid(sheet, y, send_y - 3)
    sheet.frame(sheet.left, send_y, sheet.width, send_h, line=0.5, what="sending box")
    sheet.put(sheet.left + 2, send_y + 1, text_w, 5, "SENDING", size=9.5, bold=True)
    sheet.paragraph(sheet.left + 2, send_y + 6, text_w, _SENDING, size=8.5)
    _footer(sheet, 3)


def vic_worksheet(path: str | os.PathLike[str], *, paper: Paper = "A4", lang: str = "en") -> int:
    """Write the blank worksheet for the English (``lang="en"``, AT ONE SIR) or Russian
    (``"ru"``, СНЕГОПА) checkerboard; returns the number of pages (three)."""
    board = _language(lang)
    sheet = Sheet(paper_name(paper), title="VIC worksheet", subject=board.name)
    try:
        _page_one(sheet, board)
        _first_page(sheet, board)
        _second_page(sheet, board)
    except BaseException:
        sheet.close_fonts()
        raise
    return sheet.save(path, secret=False)
