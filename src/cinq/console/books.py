"""The pad books page: every book of the folder, its pages, and burning used pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ..book import PadBook
from ..errors import CinqError
from ..shelf import book_in, shelf
from .app import CsrfChecked, console

router = APIRouter()


@router.get("/books", response_class=HTMLResponse)
async def books(request: Request) -> Response:
    """Every ``*.pad`` file of the folder: pages left, used, issued, burned, spoiled;
    a warning for a book running low; files that are not books named."""
    c = console(request)
    return c.page(request, "books.html", {"shelved": shelf(c.folder)})


@router.post("/books/burn", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def burn_used(request: Request, book: Annotated[str, Form()]) -> Response:
    """Burn every used page of ``book`` (as ``cinq pad burn --used``)."""
    c = console(request)
    try:
        with PadBook.open(book_in(c.folder, book)) as pad:
            burned = pad.burn_used()
        done = f"{len(burned)} used page(s) of {book} burned: their digits are gone"
        return c.page(request, "books.html", {"shelved": shelf(c.folder), "done": done})
    except CinqError as e:
        return c.page(request, "books.html", {"shelved": shelf(c.folder), "refusal": e}, 400)
