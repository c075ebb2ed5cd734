"""Reference cards for working by hand: the checkerboard card and the worksheet.

With a printed pad, the card and the worksheet an operator needs nothing else: no
computer ever sees the plain text. The worksheet follows the manuals' procedure:
text -> digits on the board, the pad's digits underneath, subtraction without
borrowing (``cipher = plain - key``), the page ID in clear in front.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..checkerboard import Board
from ..checkerboard import board as builtin_board
from ..errors import BadInput
from .layout import GREY, LIGHT, Paper, Sheet, draw_board, plan_rows, printed_note

MINUS = "\u2212"  # a real minus sign: a hyphen is easily missed on paper
MAX_ROWS = 200


def _secret(board: Board) -> bool:
    # A keyed board is part of the key; the built-in boards are published.
    return board.name.startswith("KEYED:")


def board_card(board: Board, path: str | os.PathLike[str], *, paper: Paper = "A4") -> int:
    """Print ``board`` as a card: the 0-9 header, the single-digit row, the prefix rows,
    the board's name and description, a legend of its special cells and a worked example.

    Returns the number of PDF pages written (one).
    """
    sheet = Sheet(paper, title=f"Checkerboard {board.name}")
    sheet.new_page()
    x, y = sheet.left, sheet.top
    sheet.put(x, y, sheet.width, 6, "cinq · straddling checkerboard card", size=9, color=GREY)
    y += 9

    def card(draw: bool) -> float:
        return draw_board(sheet, board, x + 6, y + 6, sheet.width - 12, cell_h=13.0,
                          text_size=10.0, example=True, draw=draw)  # fmt: skip

    height = card(draw=False) - y + 4
    sheet.frame(x, y, sheet.width, height + 6, line=0.8, what="card border")
    card(draw=True)
    y += height + 12
    if board.source:
        y = sheet.paragraph(x, y, sheet.width, f"Source: {board.source}.", size=8, color=GREY)
    sheet.paragraph(x, y + 1, sheet.width, printed_note(), size=8, color=GREY)
    return sheet.save(path, secret=_secret(board))


# -- the worksheet -------------------------------------------------------------------------------


def _table(sheet: Sheet, x: float, y: float, cell: float, *, subtract: bool) -> float:
    """The 10 x 10 mod-10 table: rows are the first operand (plain, or cipher), columns the
    key. Returns the y below it."""
    title = f"SUBTRACT: cipher = plain {MINUS} key" if subtract else "ADD: plain = cipher + key"
    w = 11 * cell
    size = sheet.fit_size(title, w, size=10, bold=True, min_size=7)
    sheet.put(x, y, w, 6, title, size=size, bold=True, what="table title")
    y += 6.5
    row_name = "plain" if subtract else "cipher"
    sheet.put(x, y, w, 4, f"row: {row_name}   column: key", size=7.5, color=GREY)
    y += 4.5
    sheet.frame(x, y, w, w, line=0.5, what="table")
    sheet.frame(x, y, cell, w, fill=LIGHT, line=None, what="table row heads")
    sheet.frame(x + cell, y, w - cell, cell, fill=LIGHT, line=None, what="table column heads")
    sheet.put(x, y, cell, cell, MINUS if subtract else "+", size=11, bold=True, align="C")
    for k in range(10):
        sheet.put(x + (k + 1) * cell, y, cell, cell, str(k), face="mono", size=11, bold=True,
                  align="C", what="table head")  # fmt: skip
    for a in range(10):
        ry = y + (a + 1) * cell
        sheet.put(x, ry, cell, cell, str(a), face="mono", size=11, bold=True, align="C",
                  what="table head")  # fmt: skip
        for k in range(10):
            value = (a - k) % 10 if subtract else (a + k) % 10
            sheet.put(x + (k + 1) * cell, ry, cell, cell, str(value), face="mono", size=11,
                      align="C", what="table cell")  # fmt: skip
    sheet.set_line_width(0.12)
    sheet.set_draw_color(150)
    for i in range(1, 11):
        sheet.line(x + i * cell, y, x + i * cell, y + w)
        sheet.line(x, y + i * cell, x + w, y + i * cell)
    return y + w


def _instructions(board: Board) -> list[str]:
    return [
        "Write the message in capital letters; figures and signs as the card below says.",
        f"Convert it to digits with board {board.name}: a top-row letter is its column "
        "digit; any other cell is its row digit, then its column digit. Write the digits on "
        'the "plain" lines, one per box, five to a group.',
        f"Fill the last group with the board's fill digits ({board.fill(4)}...) so that every "
        "group has five digits.",
        'Write the groups of your pad page under them on the "key" lines, from row A on. '
        "Use a page for one message only.",
        f"Subtract each key digit from the plain digit above it, without borrowing: cipher = "
        f"plain {MINUS} key (mod 10), e.g. 3 {MINUS} 7 = 6. The subtraction table gives it.",
        "The first group of the message is the page ID, in clear; then the cipher groups.",
        "Check groups (cinq --check hand): the four key groups after the ones you used are "
        "r1 s1 r2 s2. Start with h = 0; for the number of cipher digits, the page ID and each "
        "cipher group in turn: h = (h + it) \u00d7 r1, keep the remainder of h \u00f7 100003. "
        "Check group 1 = the last five digits of h + s1; check group 2 likewise with r2, s2. "
        "Send both after the cipher groups.",
        "To decrypt, write the received groups (after the page ID) on the first line, the key "
        "of that page under them, and add without carrying: plain = cipher + key. Read the "
        "digits back with the board.",
        "Burn the pad page and this worksheet when done.",
    ]


_LABEL_W = 19.0  # worksheet rows: row number, then plain / key / cipher
_BOX_W = 6.0  # one digit box of a worksheet group
_HEAD_H = 22.0  # a worksheet sheet's title and note, above the rows


def _work_rows(sheet: Sheet, rows: int, sheets_done: int) -> None:
    """The triples of boxed lines (plain / key / cipher), on as many sheets as needed."""
    avail = sheet.bottom - 8 - (sheet.top + _HEAD_H)
    plan = plan_rows(
        rows,
        avail,
        [h / 4 for h in range(26, 19, -1)],  # box height 6.5 mm down to 5 mm
        min_pitch=lambda h: 3 * h + 3,
        max_pitch=lambda h: 3 * h + 4.5,
    )
    for part in range(plan.sheets):
        sheet.new_page()
        _work_head(sheet, part, plan.sheets)
        first = part * plan.per_sheet
        for r in range(first, min(rows, first + plan.per_sheet)):
            _work_row(sheet, sheet.top + _HEAD_H + (r - first) * plan.pitch, r, plan.scale)
        foot = f"Burn with the pad page. · {printed_note()} · sheet {sheets_done + part + 1}"
        text, size = sheet.fit_text(foot, sheet.width, size=7.5)
        sheet.put(sheet.left, sheet.bottom - 5, sheet.width, 5, text, size=size, color=GREY)


def _work_head(sheet: Sheet, part: int, sheets: int) -> None:
    """A worksheet sheet's title, its PAGE ID boxes and the one-line reminder of the sums."""
    x, y = sheet.left, sheet.top
    title = "WORKSHEET" + (f" (continued, sheet {part + 1} of {sheets})" if part else "")
    sheet.put(x, y, sheet.width - 70, 8, title, size=15, bold=True, what="title")
    sheet.put(sheet.right - 68, y, 20, 8, "PAGE ID", size=8, bold=True, color=GREY)
    sheet.digit_boxes(sheet.right - 47.5, y, 5, 9.5, 8, what="page-ID boxes")
    note = (
        f"Encrypt: plain, key, cipher = plain {MINUS} key.   Decrypt: the same lines "
        "read cipher, key, plain: plain = cipher + key."
    )
    text, size = sheet.fit_text(note, sheet.width, size=9)
    sheet.put(x, y + 10, sheet.width, 5, text, size=size, color=GREY, what="note")


def _work_row(sheet: Sheet, ty: float, r: int, box_h: float) -> None:
    """Row ``r`` (from 0) at ``ty``: its number, then the plain, key and cipher lines."""
    x = sheet.left
    col_w = (sheet.width - _LABEL_W) / 5
    sheet.put(x, ty, 5.5, box_h, f"{r + 1}", size=8, bold=True, color=GREY,
              what="row number")  # fmt: skip
    for line, name in enumerate(("plain", "key", "cipher")):
        ly = ty + line * box_h
        sheet.put(x + 6, ly, _LABEL_W - 7, box_h, name, size=8, bold=line != 1,
                  what="line label")  # fmt: skip
        for c in range(5):
            gx = x + _LABEL_W + c * col_w + (col_w - 5 * _BOX_W) / 2
            # The key line is shaded: those digits come from the pad page.
            sheet.digit_boxes(gx, ly, 5, _BOX_W, box_h, fill=LIGHT if line == 1 else 255,
                              what="worksheet group")  # fmt: skip


def worksheet(
    path: str | os.PathLike[str],
    *,
    board: Board | None = None,
    paper: Paper = "A4",
    rows: int = 12,
) -> int:
    """Print a blank encryption worksheet for doing the procedure with pencil and paper.

    Sheet 1: numbered instructions, the checkerboard card (``board``, default CT-55) and
    the mod-10 subtraction and addition tables. Then ``rows`` triples of boxed lines in
    groups of five, labelled plain / key / cipher. Returns the number of PDF pages written.
    """
    if not 1 <= rows <= MAX_ROWS:
        raise BadInput(f"a worksheet has 1 to {MAX_ROWS} rows, not {rows}")
    b = board or builtin_board("CT-55")
    sheet = Sheet(paper, title=f"One-time pad worksheet ({b.name})")
    sheet.new_page()
    # The reference side should be one sheet: try generous type first, then tighter.
    density = next(
        (d for d in _DENSITIES if _reference(sheet, b, d, draw=False) <= sheet.bottom),
        _DENSITIES[-1],
    )
    _reference(sheet, b, density, draw=True)
    _work_rows(sheet, rows, sheet.page_no())
    return sheet.save(path, secret=_secret(b))


@dataclass(frozen=True)
class _Density:
    text: float  # instructions, pt
    board_cell: float  # checkerboard cell height, mm
    board_text: float  # legend, pt
    table_cell: float  # 10 x 10 table cell, mm


_DENSITIES = (
    _Density(9.5, 7.0, 8.0, 6.4),
    _Density(9.0, 6.5, 7.5, 6.0),
    _Density(8.5, 6.0, 7.0, 5.6),
    _Density(8.0, 5.6, 6.8, 5.4),
)


def _reference(sheet: Sheet, b: Board, d: _Density, *, draw: bool) -> float:
    """Sheet 1 of the worksheet: instructions, the card, the two tables. Returns the y
    below it (on the last sheet used); ``draw=False`` only measures, on one sheet."""
    x, y = sheet.left, sheet.top
    if draw:
        sheet.put(x, y, sheet.width, 9, "ONE-TIME PAD WORKSHEET", size=17, bold=True)
        sub = f"board {b.name} · cipher = plain {MINUS} key, plain = cipher + key (mod 10)"
        sheet.put(x, y + 10, sheet.width, 5, sub, size=9.5, color=GREY, what="subtitle")
    y += 17
    for n, text in enumerate(_instructions(b), 1):
        y = sheet.paragraph(x, y, sheet.width, text, size=d.text, indent=f"{n}.", draw=draw)
        y += 0.6
    y += 3

    def card(y: float, draw: bool) -> float:
        return draw_board(sheet, b, x, y, sheet.width, cell_h=d.board_cell,
                          text_size=d.board_text, example=True, draw=draw)  # fmt: skip

    if draw and card(y, draw=False) > sheet.bottom:  # a tall keyed board: a sheet of its own
        sheet.new_page()
        y = sheet.top
    y = card(y, draw=draw) + 4
    tables_h = 11 + 11 * d.table_cell
    if draw and y + tables_h > sheet.bottom:
        sheet.new_page()
        y = sheet.top
    if draw:
        gap = (sheet.width - 2 * 11 * d.table_cell) / 3
        _table(sheet, x + gap, y, d.table_cell, subtract=True)
        _table(sheet, x + 2 * gap + 11 * d.table_cell, y, d.table_cell, subtract=False)
    return y + tables_h
