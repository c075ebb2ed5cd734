"""``cinq print``: pad booklets, blank pads, codebooks, worksheets and board cards as PDF."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer

from .. import checkerboard as cb
from ..book import PadBook, PageState
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
        typer.Option(help="Only these page numbers, e.g. '1-10,15' (default: every unburned)."),
    ] = None,
) -> None:
    """One printed page per pad page: page ID, lettered rows of groups, SEND/RECEIVE.

    Used pages are marked USED; burned pages have no digits left and are not printed."""
    _start(out)
    numbers = page_numbers(pages) if pages else None
    the_board = cb.board(board) if board else None
    with PadBook.open(book) as b, progress(f"printing {b.name}"):
        _bound(_count(b, numbers), b.groups_per_page)
        n = _pdf().pads(
            b, out, paper=_paper(paper), title_card=title, board=the_board, pages=numbers
        )
        burned = _burned(b, numbers)
    if burned:
        notice(f"not printed: burned page(s) {', '.join(map(str, burned))}")
    _done(out, n)


def _count(book: PadBook, numbers: list[int] | None) -> int:
    """How many pages would be printed (burned ones are not)."""
    wanted = None if numbers is None else set(numbers)
    infos = book.pages()
    return sum(
        1
        for p in infos
        if p.state is not PageState.BURNED and (wanted is None or p.number in wanted)
    )


def _burned(book: PadBook, numbers: list[int] | None) -> list[int]:
    """The burned pages among ``numbers`` (None: the whole book)."""
    wanted = None if numbers is None else set(numbers)
    return [
        p.number
        for p in book.pages()
        if p.state is PageState.BURNED and (wanted is None or p.number in wanted)
    ]


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
