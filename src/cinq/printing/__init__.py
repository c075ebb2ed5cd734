"""Printable PDFs: pad pages, blank pads for dice, checkerboard cards, worksheets and
codebooks, in the layout of the printed one-time pads of the numbers-station era.

Every PDF embeds its fonts (DejaVu), keeps everything inside a 12 mm margin and is
written atomically; files holding key material are created mode 0600. ::

    from cinq import PadBook, board
    from cinq import printing

    with PadBook.open("station.send.pad") as book:
        printing.pads(book, "station-send.pdf", board=board("CT-55"))
    printing.worksheet("worksheet.pdf", paper="letter")

Each function returns the number of PDF pages it wrote.
"""

from __future__ import annotations

from .cards import board_card, worksheet
from .codes import CodebookLike, codebook
from .layout import PAPER_MM, LayoutError, Paper
from .pads import blank_pads, pads
from .vicsheet import vic_worksheet

__all__ = [
    "PAPER_MM",
    "CodebookLike",
    "LayoutError",
    "Paper",
    "blank_pads",
    "board_card",
    "codebook",
    "pads",
    "vic_worksheet",
    "worksheet",
]
