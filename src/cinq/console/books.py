"""The pad books page: every book of the folder, its pages, and burning used pages."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from .. import padtext, pagelist, tempfiles
from ..book import PadBook
from ..errors import BadInput, CinqError
from ..shelf import book_in, shelf
from .app import CsrfChecked, console

router = APIRouter()


@router.get("/books", response_class=HTMLResponse)
def books(request: Request) -> Response:
    """Every ``*.pad`` file of the folder: pages left, used, issued, burned, spoiled;
    a warning for a book running low; files that are not books named."""
    c = console(request)
    return c.page(request, "books.html", {"shelved": shelf(c.folder)})


@router.post("/books/burn", response_class=HTMLResponse, dependencies=[CsrfChecked])
def burn_used(request: Request, book: Annotated[str, Form()]) -> Response:
    """Burn every used page of ``book`` (as ``cinq pad burn --used``)."""
    c = console(request)
    try:
        with PadBook.open(book_in(c.folder, book)) as pad:
            burned = pad.burn_used()
        done = f"{len(burned)} used page(s) of {book} burned: their digits are gone"
        return c.page(request, "books.html", {"shelved": shelf(c.folder), "done": done})
    except CinqError as e:
        return c.page(request, "books.html", {"shelved": shelf(c.folder), "refusal": e}, 400)


Pages = Annotated[str, Form(max_length=2000)]


@router.post("/books/print", dependencies=[CsrfChecked])
def print_booklet(
    request: Request,
    book: Annotated[str, Form()],
    pages: Pages = "",
    paper: Annotated[Literal["A4", "letter"], Form()] = "A4",
) -> Response:
    """The book's pages with digits as a PDF booklet (``cinq print pads``): the one
    request on which pad digits leave for the browser. A send book's printed pages are
    issued to paper, never enciphered on again."""
    from ..printing import pads

    c = console(request)
    try:
        with PadBook.open(book_in(c.folder, book)) as pad, _private() as folder:
            out = folder / f"{Path(book).stem}.pdf"
            pads(pad, out, paper=paper, pages=_numbers(pages))
            data = _taken(out)
    except CinqError as e:
        return c.page(request, "books.html", {"shelved": shelf(c.folder), "refusal": e}, 400)
    return _attachment(data, f"{Path(book).stem}.pdf", "application/pdf")


@router.post("/books/export", dependencies=[CsrfChecked])
def export(request: Request, book: Annotated[str, Form()], pages: Pages = "") -> Response:
    """The book's pages as plain text to copy onto paper (``cinq pad export``): pad
    digits, on this explicit request only; a send book's exported pages are issued."""
    c = console(request)
    delivered: list[str] = []
    try:
        with PadBook.open(book_in(c.folder, book)) as pad:
            padtext.export(pad, _numbers(pages), delivered.append)
    except CinqError as e:
        return c.page(request, "books.html", {"shelved": shelf(c.folder), "refusal": e}, 400)
    return _attachment(delivered[0].encode(), f"{Path(book).stem}.txt", "text/plain; charset=utf-8")


def _numbers(spec: str) -> list[int] | None:
    return pagelist.parse(spec, source="the pages") if spec.strip() else None


def _attachment(data: bytes, name: str, kind: str) -> Response:
    return Response(
        data, media_type=kind, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


class _private:
    """A folder only this process reads (0700), its files scrubbed when done."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="cinq-console-"))
        return self.path

    def __exit__(self, *exc: object) -> None:
        for f in self.path.iterdir():
            tempfiles.scrub(f)
        self.path.rmdir()


def _taken(path: Path) -> bytes:
    """The file's bytes, the file scrubbed (it holds key material)."""
    if not path.is_file():
        raise BadInput("the booklet was not written")
    data = path.read_bytes()
    tempfiles.scrub(path)
    return data
