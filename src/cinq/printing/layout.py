"""Shared furniture of cinq's printed PDFs: paper, fonts, guarded drawing, the board.

Every PDF embeds its fonts (DejaVu Sans and DejaVu Sans Mono, subset into the file), so
what comes out of the printer does not depend on the printer's own fonts: a core font
substituted by the printer could turn a pad's ``0`` into something that reads as ``O``.

All drawing goes through :class:`Sheet`, which refuses (:class:`LayoutError`) to put
anything outside the printable area: a group that runs off the paper is a group the
operator never sees, and a silently truncated key page is worse than no page at all.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from fpdf import FPDF

from .. import __version__
from ..checkerboard import Board, Kind
from ..digits import to_str
from ..errors import BadInput, CinqError
from ..files import atomic_write

Paper = Literal["A4", "letter"]
"""A paper size name: ``"A4"`` (210 x 297 mm) or ``"letter"`` (US Letter, 8.5 x 11 in)."""

PAPER_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN = 12.0  # mm on every side: inside what every office printer can reach
PT = 25.4 / 72  # millimetres per typographic point
EPS = 0.01  # mm of slack for floating-point layout sums

Face = Literal["sans", "mono"]
Align = Literal["L", "C", "R"]

BLACK = 0
GREY = 95  # secondary text: still dark enough to photocopy
LIGHT = 235  # row shading and empty cells

_FONT_FILES: dict[tuple[Face, str], str] = {
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("mono", ""): "DejaVuSansMono.ttf",
    ("mono", "B"): "DejaVuSansMono-Bold.ttf",
}
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu",  # Fedora, Arch
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/usr/local/share/fonts/dejavu",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
    str(Path.home() / ".fonts"),
    str(Path.home() / ".local/share/fonts"),
)


class LayoutError(CinqError):
    """Something would have been drawn outside the printable area (a bug, not bad input)."""


def paper_size(paper: str) -> tuple[float, float]:
    """Width and height in mm of ``paper`` (case does not matter); :class:`BadInput` if unknown."""
    for name, size in PAPER_MM.items():
        if isinstance(paper, str) and paper.strip().lower() == name.lower():
            return size
    raise BadInput(f"unknown paper size {paper!r}; use one of: {', '.join(PAPER_MM)}")


def paper_name(paper: str) -> Paper:
    """The canonical spelling of a paper name (``"a4"`` -> ``"A4"``)."""
    size = paper_size(paper)
    return "A4" if size == PAPER_MM["A4"] else "letter"


def font_file(name: str) -> Path:
    """Where a DejaVu TTF file is: ``$CINQ_FONT_DIR`` first, then the usual system places."""
    dirs = [os.environ["CINQ_FONT_DIR"]] if os.environ.get("CINQ_FONT_DIR") else []
    for directory in [*dirs, *_FONT_DIRS]:
        candidate = Path(directory) / name
        if candidate.is_file():
            return candidate
    raise CinqError(
        f"font {name} not found (looked in {', '.join([*dirs, *_FONT_DIRS])}); install the "
        "DejaVu fonts (Debian: fonts-dejavu-core) or set CINQ_FONT_DIR"
    )


def row_label(index: int) -> str:
    """The letter(s) of row ``index`` (0-based): A..Z, then AA, AB, ... like spreadsheet
    columns, so every row of a page has a short unique name an operator can say aloud."""
    label = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        label = chr(ord("A") + rem) + label
    return label


def printed_note() -> str:
    """When and with what a document was printed (UTC, to the minute)."""
    return f"printed {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by cinq {__version__}"


@dataclass(frozen=True)
class RowPlan:
    """How a column of ``rows`` equal rows is spread over sheets.

    ``scale`` is the chosen size (points of type, or mm of box), ``pitch`` the distance
    between rows in mm, ``per_sheet`` the rows on each sheet (the last may hold fewer).
    """

    scale: float
    pitch: float
    per_sheet: int
    sheets: int


def plan_rows(
    rows: int,
    avail: float,
    scales: Sequence[float],
    min_pitch: Callable[[float], float],
    max_pitch: Callable[[float], float],
) -> RowPlan:
    """The largest of ``scales`` (given largest first) at which ``rows`` fit in ``avail`` mm.

    If the rows do not fit on one sheet even at the smallest scale, they are spread
    evenly over as few sheets as needed, each "continued" from the one before; the scale
    is then the largest at which that share fits. Readability wins over paper: type is
    never set below ``scales[-1]``.
    """
    if rows < 1:
        raise ValueError("a grid needs at least one row")
    smallest = scales[-1]
    if rows * min_pitch(smallest) <= avail + EPS:
        sheets, per = 1, rows
    else:
        capacity = max(1, math.floor((avail + EPS) / min_pitch(smallest)))
        sheets = math.ceil(rows / capacity)
        per = math.ceil(rows / sheets)  # balanced: no near-empty last sheet
    scale = next(s for s in scales if per * min_pitch(s) <= avail + EPS)
    pitch = min(avail / per, max_pitch(scale))
    return RowPlan(scale, pitch, per, sheets)


class Sheet(FPDF):
    """An fpdf2 document with cinq's fonts, margins and guarded drawing helpers.

    Coordinates are in mm from the top-left corner of the page. Helpers raise
    :class:`LayoutError` instead of drawing outside the margins.
    """

    def __init__(self, paper: Paper, *, title: str, subject: str = "") -> None:
        size = paper_size(paper)
        super().__init__(orientation="P", unit="mm", format=size)
        self.paper: Paper = paper_name(paper)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        # Pages are laid out explicitly; an automatic break would split a grid anywhere.
        self.set_auto_page_break(False)
        self.c_margin = 0  # cells put text exactly where asked; padding is explicit
        for (family, style), name in _FONT_FILES.items():
            self.add_font(family, style, font_file(name))
        self.set_title(title)
        self.set_subject(subject or title)
        self.set_author("cinq")
        self.set_creator(f"cinq {__version__}")

    # -- the printable area -------------------------------------------------------------

    @property
    def left(self) -> float:
        return MARGIN

    @property
    def right(self) -> float:
        return float(self.w) - MARGIN

    @property
    def top(self) -> float:
        return MARGIN

    @property
    def bottom(self) -> float:
        return float(self.h) - MARGIN

    @property
    def width(self) -> float:
        """Width of the printable area in mm."""
        return self.right - self.left

    def new_page(self) -> None:
        self.add_page()
        self.set_line_width(0.2)
        self.set_draw_color(BLACK)
        self.set_text_color(BLACK)

    def check_inside(self, x: float, y: float, w: float, h: float, what: str) -> None:
        """Refuse a box that is not wholly inside the margins.

        ``what`` names the thing drawn; it must never contain pad digits, since it ends
        up in an error message.
        """
        if (
            x < self.left - EPS
            or y < self.top - EPS
            or x + w > self.right + EPS
            or y + h > self.bottom + EPS
            or w < 0
            or h < 0
        ):
            raise LayoutError(
                f"{what} at ({x:.1f}, {y:.1f}) mm, {w:.1f} x {h:.1f} mm, leaves the printable "
                f"area of the {self.paper} page (margins {MARGIN:g} mm)"
            )

    # -- text ---------------------------------------------------------------------------

    def style(self, face: Face, size: float, *, bold: bool = False) -> None:
        self.set_font(face, "B" if bold else "", size)

    def text_width(self, text: str, face: Face, size: float, *, bold: bool = False) -> float:
        self.style(face, size, bold=bold)
        return float(self.get_string_width(text))

    def put(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        *,
        face: Face = "sans",
        size: float = 10.0,
        bold: bool = False,
        align: Align = "L",
        color: int = BLACK,
        what: str = "text",
    ) -> None:
        """Write one line of ``text`` in the box (x, y, w, h), vertically centred.

        The text must fit the box's width; the box (grown to the type's full height if
        it is shorter) must lie inside the margins.
        """
        if self.text_width(text, face, size, bold=bold) > w + EPS:
            raise LayoutError(f"{what} is wider than its {w:.1f} mm box")
        glyphs = size * PT * 1.2  # ascender to descender of DejaVu, with a little air
        self.check_inside(x, y + min(0.0, (h - glyphs) / 2), w, max(h, glyphs), what)
        self.set_text_color(color)
        self.set_xy(x, y)
        self.cell(w, h, text, align=align)

    def fit_size(
        self,
        text: str,
        width: float,
        *,
        face: Face = "sans",
        size: float,
        bold: bool = False,
        min_size: float = 6.0,
    ) -> float:
        """The largest size <= ``size`` (in half points) at which ``text`` fits ``width``."""
        s = size
        while s > min_size and self.text_width(text, face, s, bold=bold) > width:
            s -= 0.5
        return s

    def fit_text(
        self,
        text: str,
        width: float,
        *,
        face: Face = "sans",
        size: float,
        bold: bool = False,
        min_size: float = 6.0,
    ) -> tuple[str, float]:
        """``text`` at the largest size that fits ``width``; cut with an ellipsis if even
        ``min_size`` is too big (for free text such as a book name, never for digits)."""
        s = self.fit_size(text, width, face=face, size=size, bold=bold, min_size=min_size)
        if self.text_width(text, face, s, bold=bold) <= width:
            return text, s
        while text and self.text_width(text + "…", face, s, bold=bold) > width:
            text = text[:-1]
        return text + "…", s

    def wrap(
        self, text: str, width: float, *, face: Face = "sans", size: float, bold: bool = False
    ) -> list[str]:
        """Break ``text`` into lines no wider than ``width`` (at spaces; very long words are
        cut where they must be). Explicit newlines are kept."""
        lines: list[str] = []
        for para in text.split("\n"):
            line = ""
            for word in para.split():
                trial = f"{line} {word}" if line else word
                if self.text_width(trial, face, size, bold=bold) <= width:
                    line = trial
                    continue
                if line:
                    lines.append(line)
                while self.text_width(word, face, size, bold=bold) > width and len(word) > 1:
                    cut = len(word) - 1
                    while cut > 1 and self.text_width(word[:cut], face, size, bold=bold) > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines

    def paragraph(
        self,
        x: float,
        y: float,
        w: float,
        text: str,
        *,
        size: float = 10.0,
        bold: bool = False,
        face: Face = "sans",
        color: int = BLACK,
        leading: float = 1.35,
        indent: str = "",
        draw: bool = True,
    ) -> float:
        """Write wrapped ``text`` from (x, y); returns the y below it. ``indent`` (e.g.
        ``"3."``) is hung in the left margin of the paragraph. ``draw=False`` measures only."""
        line_h = size * PT * leading
        hang = self.text_width(indent + " ", face, size, bold=True) if indent else 0.0
        if indent and draw:
            self.put(x, y, hang, line_h, indent, size=size, bold=True, color=color, what="number")
        for line in self.wrap(text, w - hang, face=face, size=size, bold=bold):
            if draw:
                self.put(
                    x + hang, y, w - hang, line_h, line, face=face, size=size, bold=bold,
                    color=color, what="paragraph",
                )  # fmt: skip
            y += line_h
        return y

    # -- lines and boxes -----------------------------------------------------------------

    def frame(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: int | None = None,
        line: float | None = 0.2,
        color: int = BLACK,
        what: str = "box",
    ) -> None:
        """A rectangle: outlined (``line`` mm), filled (``fill`` grey), or both."""
        self.check_inside(x, y, w, h, what)
        if fill is not None:
            self.set_fill_color(fill)
        if line is not None:
            self.set_line_width(line)
            self.set_draw_color(color)
        style = ("F" if line is None else "DF") if fill is not None else "D"
        if fill is None and line is None:
            return
        self.rect(x, y, w, h, style=style)

    def rule(
        self, x1: float, x2: float, y: float, *, width: float = 0.3, color: int = BLACK
    ) -> None:
        """A horizontal line from ``x1`` to ``x2`` at ``y``."""
        self.check_inside(x1, y, x2 - x1, 0.0, "rule")
        self.set_line_width(width)
        self.set_draw_color(color)
        self.line(x1, y, x2, y)

    def dotted(self, x1: float, x2: float, y: float) -> None:
        """A dotted leader (drawn, not typed, so it never pollutes extracted text)."""
        if x2 - x1 < 2:
            return
        self.check_inside(x1, y, x2 - x1, 0.0, "leader")
        self.set_line_width(0.2)
        self.set_draw_color(150)
        self.set_dash_pattern(dash=0.3, gap=1.2)
        self.line(x1, y, x2, y)
        self.set_dash_pattern()

    def digit_boxes(
        self,
        x: float,
        y: float,
        count: int,
        box_w: float,
        box_h: float,
        *,
        fill: int = 255,
        what: str,
    ) -> None:
        """``count`` adjoining empty boxes, one per handwritten digit (filled white, so
        row shading never makes them harder to write in)."""
        self.frame(x, y, count * box_w, box_h, fill=fill, line=0.3, what=what)
        self.set_line_width(0.15)
        for i in range(1, count):
            self.line(x + i * box_w, y, x + i * box_w, y + box_h)

    def role_block(self, x: float, y: float, h: float, role: str, *, max_w: float) -> float:
        """SEND / RECEIVE as a large white-on-black block (so the two books of a pair
        cannot be confused across a room); returns its width."""
        size = self.fit_size(role, max_w - 8, size=h / PT * 0.62, bold=True, min_size=10)
        w = self.text_width(role, "sans", size, bold=True) + 8
        self.frame(x, y, w, h, fill=BLACK, line=None, what="role block")
        self.put(x + 4, y, w - 8, h, role, size=size, bold=True, color=255, what="role")
        return w

    # -- output ---------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str], *, secret: bool) -> int:
        """Write the PDF atomically (mode 0600 if it holds key material); returns the
        number of pages."""
        try:
            data = bytes(self.output())
        finally:
            self.close_fonts()
        atomic_write(path, data, mode=0o600 if secret else 0o644)
        return int(self.page_no())

    def close_fonts(self) -> None:
        """Close the TTF files fpdf2 (through fontTools, lazily) keeps open."""
        for font in self.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()


# -- the checkerboard card ----------------------------------------------------------------


def _legend(board: Board) -> list[str]:
    """What the special cells of ``board`` mean, in the order an operator meets them."""
    cells = [cell for mode in board.modes for cell in mode.codes.values()]
    labels = {cell.display for cell in cells}
    lines = [
        "Top-row letters take one digit; every other cell two: its row digit, then its "
        "column digit. The grey top-row cells are row digits and never stand alone."
    ]
    letters = board.modes[0].codes
    # A figures mode in which every figure is three digits: the FIG boards' 777 for 7.
    fig_modes = [
        mode
        for mode in board.modes[1:]
        if all(len(code) == 3 for code, cell in mode.codes.items() if cell.kind is Kind.CHAR)
    ]
    if "FIG" in labels and fig_modes:
        lines.append(
            "FIG: figures follow, each digit written three times (7 = 777), "
            "until FIG again; e.g. 25 = FIG 222 555 FIG."
        )
    if "L/F" in labels:
        lines.append(
            "L/F: shift between letters and figures. In figures each digit is written twice "
            "(7 = 77) and the figures rows hold the signs shown; L/F again returns to letters."
        )
    if all(letters.get(f"0{d}") is not None and letters[f"0{d}"].text == str(d) for d in range(10)):
        lines.append("Figures: row 0, e.g. 7 = 07.")
    if any(cell.kind is Kind.CODE for cell in cells):
        lines.append("CODE: a three-digit codebook group follows (CODE 123).")
    if "SPC" in labels:
        lines.append("SPC: space between words.")
    if any(cell.kind is Kind.PAREN for cell in cells):
        lines.append("(): one cell for both parentheses, opening and closing in turn.")
    if "REQ" in labels:
        lines.append("REQ: question mark (request).")
    if "RPT" in labels:
        lines.append("RPT: repeat sign.")
    lines.append(
        f"Fill the last group with {board.fill(4)} as far as needed: it decodes to nothing."
    )
    return lines


def _row_name(label: str) -> str:
    """A board-table row label as printed: ``"figures: 8"`` -> ``"fig 8"``."""
    if not label:
        return ""
    mode, _, prefix = label.rpartition(": ")
    if not mode and not prefix.isdigit():
        return prefix[:3]  # a figures mode's single-digit row, labelled by mode name
    return f"{mode[:3]} {prefix}".strip()


_SAMPLES = ("MEET AT DAWN", "MEETATDAWN", "ВСТРЕЧА НА РАССВЕТЕ", "ENCUENTRO AL ALBA")


def board_example(board: Board) -> str:
    """A short worked example, one cell at a time: ``"M 79 · E 1 · E 1 · T 6 ..."``; empty
    if none of the sample phrases can be written on ``board`` letter by letter."""
    for sample in _SAMPLES:
        if not all(board.can_encode(ch) for ch in sample):
            continue
        parts: list[str] = []
        for ch in sample:
            code = to_str(board.encode(ch))
            if len(code) > 2:  # needs a shift: not a one-cell example
                break
            parts.append(f"{'SPC' if ch == ' ' else ch} {code}")
        else:
            return " · ".join(parts)
    return ""


@dataclass(frozen=True)
class _BoardGrid:
    """The measures of a checkerboard table as :func:`draw_board` lays it out."""

    cells: list[list[str]]  # ten cells a row: the single-digit row, then the prefix rows
    names: list[str]  # each row's label as printed ("" for the single-digit row)
    big: float  # pt: a single letter, as large as the cell allows
    small: float  # pt: SPC, CODE, L/F ...
    label_w: float  # mm: the row-label column
    cell_w: float
    cell_h: float

    @property
    def height(self) -> float:
        """The table with its 0-9 header row."""
        return self.cell_h * (len(self.cells) + 1)


def _board_grid(sheet: Sheet, board: Board, w: float, cell_h: float) -> _BoardGrid:
    """Measure ``board``'s table for a card ``w`` wide with rows ``cell_h`` high."""
    rows = board.table()
    big = min(16.0, cell_h / PT * 0.5)
    small = big * 0.72
    names = [_row_name(label) for label, _ in rows]
    # Row digits are coordinates just like the 0-9 header, and as large; a figures-mode
    # row ("fig 8") gets a label column wide enough for its name in small type.
    label_w = max(cell_h * 1.2, *(sheet.text_width(n, "mono", small, bold=True) + 3 for n in names))
    return _BoardGrid(
        cells=[cells for _, cells in rows],
        names=names,
        big=big,
        small=small,
        label_w=label_w,
        cell_w=(w - label_w) / 10,
        cell_h=cell_h,
    )


def draw_board(
    sheet: Sheet,
    board: Board,
    x: float,
    y: float,
    w: float,
    *,
    cell_h: float = 8.0,
    text_size: float = 8.5,
    legend: bool = True,
    example: bool = False,
    draw: bool = True,
) -> float:
    """The checkerboard as a card: name, the 0-9 header, the single-digit row, the prefix
    rows, then description, legend and (``example``) a worked example. Returns the y
    below it; ``draw=False`` only measures."""
    g = _board_grid(sheet, board, w, cell_h)
    top = y
    if draw:
        sheet.put(x, y, w, 7, f"CHECKERBOARD {board.name}", size=13, bold=True, what="board name")
    y += 8.5
    if draw:
        _board_table(sheet, g, x, y, w)
    y += g.height + 2.5
    if board.description:
        y = sheet.paragraph(x, y, w, board.description, size=text_size, color=GREY, draw=draw)
    if legend:
        y += 1
        for line in _legend(board):
            y = sheet.paragraph(x, y, w, line, size=text_size, indent="•", draw=draw)
    sample = board_example(board) if example else ""
    if sample:
        y = sheet.paragraph(x, y + 1, w, f"Example: {sample}", size=text_size, bold=True,
                            draw=draw)  # fmt: skip
    return max(y, top)


def _board_table(sheet: Sheet, g: _BoardGrid, x: float, y: float, w: float) -> None:
    """The shaded 0-9 header and row labels, every row's cells, then the rules."""
    # Header row and row labels shaded: they are coordinates, not cells.
    sheet.frame(x, y, w, g.cell_h, fill=LIGHT, line=None, what="board header")
    sheet.frame(x, y, g.label_w, g.height, fill=LIGHT, line=None, what="board row labels")
    for col in range(10):
        sheet.put(x + g.label_w + col * g.cell_w, y, g.cell_w, g.cell_h, str(col), face="mono",
                  size=g.big, bold=True, align="C", what="board header")  # fmt: skip
    for r, (cells, name) in enumerate(zip(g.cells, g.names, strict=True), 1):
        _board_row(sheet, g, x, y + r * g.cell_h, cells, name, first=r == 1)
    _board_rules(sheet, g, x, y, w)


def _board_row(
    sheet: Sheet, g: _BoardGrid, x: float, ry: float, cells: list[str], name: str, *, first: bool
) -> None:
    """One row of the table at ``ry``: its label, then its ten cells."""
    if name:
        size = sheet.fit_size(name, g.label_w - 2, face="mono", size=g.big, bold=True)
        sheet.put(x + 1, ry, g.label_w - 2, g.cell_h, name, face="mono", size=size,
                  bold=True, align="C", what="row name")  # fmt: skip
    for col, text in enumerate(cells):
        cx = x + g.label_w + col * g.cell_w
        if not text and first:  # the blank top-row columns: the row prefixes
            sheet.frame(cx, ry, g.cell_w, g.cell_h, fill=LIGHT, line=None, what="prefix")
        if text:
            one = len(text) == 1
            size = sheet.fit_size(text, g.cell_w - 1.5, size=g.big if one else g.small,
                                  bold=one, min_size=5)  # fmt: skip
            sheet.put(cx, ry, g.cell_w, g.cell_h, text, size=size, bold=one, align="C",
                      what="board cell")  # fmt: skip


def _board_rules(sheet: Sheet, g: _BoardGrid, x: float, y: float, w: float) -> None:
    """Thin rules between rows and columns; heavier ones under the header, after the labels
    and round the table."""
    sheet.set_line_width(0.15)
    sheet.set_draw_color(BLACK)
    for r in range(2, len(g.cells) + 1):
        sheet.line(x, y + r * g.cell_h, x + w, y + r * g.cell_h)
    for col in range(1, 10):
        lx = x + g.label_w + col * g.cell_w
        sheet.line(lx, y, lx, y + g.height)
    sheet.rule(x, x + w, y + g.cell_h, width=0.4)
    sheet.frame(x, y, w, g.height, line=0.4, what="board table")
    sheet.set_line_width(0.4)
    sheet.line(x + g.label_w, y, x + g.label_w, y + g.height)
