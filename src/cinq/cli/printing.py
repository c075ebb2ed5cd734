"""``cinq print``: pad booklets, blank pads, codebooks, worksheets and board cards as PDF."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer

from .. import checkerboard as cb
from ..book import PadBook, PageInfo, PageState, Role
from ..codebook import Codebook
from ..errors import BadInput
from ._io import check_writable, notice, progress
from .options import BoardOpt, lowered, page_numbers

if TYPE_CHECKING:
    from ..printing import Paper


def _pdf() -> ModuleType:
    """The PDF stack (fpdf2), loaded only when something is printed."""
    from .. import printing

    return printing


app = typer.Typer(help="Print what a station would issue, as PDF.", no_args_is_help=True)

OutPdf = Annotated[Path, typer.Option("--out", "-o", help="The PDF file to write.")]
PaperOpt = Annotated[str, typer.Option(help="A4 or letter (any case).")]


#: The most groups one print job lays out (a thousand pages of 100 groups, about
#: 2,000 sheets): a bigger job is split with --pages rather than run for minutes.
MAX_PRINT_GROUPS = 100_000


def _bound(pages: int, groups: int) -> None:
    if pages * groups > MAX_PRINT_GROUPS:
        raise BadInput(
            f"{pages} pages of {groups} groups is more than {MAX_PRINT_GROUPS} groups in one "
            "PDF; print fewer pages at a time (--pages)"
        )


def _start(out: Path) -> None:
    """Refuse an output that cannot be written before any work (a big print job would
    otherwise be thrown away at the end)."""
    check_writable(out, what="PDF")


def _paper(name: str) -> Paper:
    # The library takes any case and names an unknown size in its error.
    return cast("Paper", name.strip())


def _done(path: Path, pages: int) -> None:
    typer.echo(str(path))
    notice(f"{pages} page(s)")


@app.command("pads")
def pads(
    book: Annotated[Path, typer.Argument(help="The pad book to print.")],
    out: OutPdf,
    paper: PaperOpt = "A4",
    title: Annotated[bool, typer.Option(help="Start with a title card.")] = True,
    board: BoardOpt = None,
    pages: Annotated[
        str | None,
        typer.Option(help="Only these page numbers, e.g. '1-10,15' (default: all)."),
    ] = None,
) -> None:
    """One printed page per pad page: page ID, lettered rows of groups, SEND/RECEIVE.

    Paper pads are issued, not copied: the unused pages of a SEND book that are
    printed are marked issued, and the book never enciphers on them again. Used pages
    are printed marked USED; burned, issued and spoiled pages have no digits left and
    are not printed. If the PDF cannot be written, the pages just issued are spoiled
    and named (exit 3)."""
    _start(out)
    numbers = page_numbers(pages) if pages else None
    the_board = cb.board(board) if board else None
    with PadBook.open(book) as b, progress(f"printing {b.name}"):
        wanted = None if numbers is None else set(numbers)
        before = [p for p in b.pages() if wanted is None or p.number in wanted]
        _bound(sum(1 for p in before if p.state.has_digits), b.groups_per_page)
        n = _pdf().pads(
            b, out, paper=_paper(paper), title_card=title, board=the_board, pages=numbers
        )
        send = b.role is Role.SEND
    _report(before, send)
    _done(out, n)


def _report(pages: list[PageInfo], send: bool) -> None:
    """What the print did to the book, and what it left out."""
    from ..pagelist import format as number_ranges

    issued = [p.number for p in pages if send and p.state is PageState.UNUSED]
    if issued:
        notice(f"issued page(s) {number_ranges(issued)} to paper: the book will not "
               "encipher on them")  # fmt: skip
    for state in (PageState.BURNED, PageState.ISSUED, PageState.SPOILED):
        left = [p.number for p in pages if p.state is state]
        if left:
            notice(f"not printed: page(s) {number_ranges(left)} ({state.value})")


@app.command("blank")
def blank(
    out: OutPdf,
    pages: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    groups: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    role: Annotated[
        Literal["SEND", "RECEIVE"], typer.Option(case_sensitive=False, help="SEND or RECEIVE.")
    ] = "SEND",
    paper: PaperOpt = "A4",
) -> None:
    """Blank pad pages to fill with a ten-sided die."""
    _start(out)
    _bound(pages, groups)
    with progress(f"printing {pages} blank page(s)"):
        n = _pdf().blank_pads(out, pages=pages, groups=groups, paper=_paper(paper), role=role)
    _done(out, n)


@app.command("board")
def board_card(
    name: Annotated[str, typer.Argument(help="A built-in board (see `cinq board list`).")],
    out: OutPdf,
    paper: PaperOpt = "A4",
) -> None:
    """A checkerboard card."""
    _start(out)
    _done(out, _pdf().board_card(cb.board(name), out, paper=_paper(paper)))


@app.command("worksheet")
def worksheet(out: OutPdf, board: BoardOpt = None, paper: PaperOpt = "A4") -> None:
    """A blank worksheet for the whole procedure by hand: boxes, mod-10 tables, the board."""
    _start(out)
    b = cb.board(board) if board else None
    _done(out, _pdf().worksheet(out, board=b, paper=_paper(paper)))


@app.command("codebook")
def codebook(
    book: Annotated[Path, typer.Argument(help="A codebook file (cinq codebook new).")],
    out: OutPdf,
    paper: PaperOpt = "A4",
) -> None:
    """A two-part codebook: by phrase for encoding, by code for decoding."""
    _start(out)
    _done(out, _pdf().codebook(Codebook.load(book), out, paper=_paper(paper)))


@app.command("vic-worksheet")
def vic_worksheet(
    out: OutPdf,
    paper: PaperOpt = "A4",
    lang: Annotated[
        str,
        typer.Option(callback=lowered, help="en (AT ONE SIR board) or ru (СНЕГОПА board)."),
    ] = "en",
) -> None:
    """A blank VIC worksheet: lines A to S and the checkerboard, then the two
    transposition tables, one page each."""
    _start(out)
    _done(out, _pdf().vic_worksheet(out, paper=_paper(paper), lang=lang))
