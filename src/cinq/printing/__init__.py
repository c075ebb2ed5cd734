"""Printable PDFs: pad pages, blank pads for dice, checkerboard cards, worksheets and
codebooks, in the layout of the printed one-time pads of the numbers-station era.

Every PDF embeds its fonts (DejaVu), keeps everything inside a 12 mm margin and is
written atomically; files holding key material are created mode 0600. ::

    from cinq import PadBook, board
    from cinq import printing

    with PadBook.open("station.send.pad") as book:
        printing.pads(book, "station-send.pdf", board=board("CT-55"))
    printing.worksheet("worksheet.pdf", paper="letter")

Each function returns the number of PDF pages it wrote. The PDF stack is the
``print`` extra (``pip install 'cinq[print]'``): without it, importing this package
raises :class:`~cinq.errors.MissingExtra`.
"""

from __future__ import annotations

from ..extras import require

require("print", feature="printing PDFs (cinq.printing)")

# The PDF stack is known to be there only from here on.
from .cards import board_card, worksheet  # noqa: E402
from .codes import CodebookLike, codebook  # noqa: E402
from .layout import PAPER_MM, LayoutError, Paper  # noqa: E402
from .pads import blank_pads, pads  # noqa: E402
from .vicsheet import vic_worksheet  # noqa: E402

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
