"""The read page: a document pasted, verified and deciphered with a receive book, and
burned afterwards if asked; every refusal in the command line's words."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from .. import procedure
from ..book import PadBook, Role
from ..document import Document
from ..errors import BadInput, CinqError
from ..language import LANGUAGES
from ..shelf import book_in, shelf
from .app import CsrfChecked, console

router = APIRouter()

MAX_DOCUMENT = 1 << 20
"""The longest document the page takes (characters): a pasted e-mail, not a book."""


def _receive_books(request: Request) -> list[str]:
    """The receive books of the folder, by file name."""
    return [
        s.file for s in shelf(console(request).folder) if s.status and s.status.role is Role.RECEIVE
    ]


@router.get("/read", response_class=HTMLResponse)
def read_form(request: Request) -> Response:
    return read_page(request)


def read_page(request: Request, document: str = "") -> Response:
    """The read form, with ``document`` in it (a copy sent from the radio page)."""
    context = {"books": _receive_books(request), "langs": LANGUAGES, "document": document}
    return console(request).page(request, "read.html", context)


@router.post("/read", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def read(
    request: Request,
    book: Annotated[str, Form()],
    document: Annotated[str, Form(max_length=MAX_DOCUMENT)] = "",
    upload: Annotated[UploadFile | None, File()] = None,
    lang: Annotated[str, Form()] = "en",
    burn: Annotated[bool, Form()] = False,
) -> Response:
    """``cinq decrypt --book BOOK [--burn]`` of the pasted ``document``, or of the file
    dropped or chosen (``upload``: text, an e-mail, a web page, or a PDF)."""
    c = console(request)
    form = {"books": _receive_books(request), "langs": LANGUAGES, "document": document,
            "book": book, "lang": lang, "burn": burn}  # fmt: skip
    try:
        if upload is not None and upload.filename:
            document = await _uploaded(upload)
            form["document"] = document
        doc = Document.parse(document, source="the pasted document")
        with PadBook.open(book_in(c.folder, book)) as pad:
            received = procedure.decrypt(doc, pad, lang=lang, burn=burn)
        return c.page(request, "read.html", {**form, "received": received})
    except CinqError as e:
        return c.page(request, "read.html", {**form, "refusal": e}, 400)


async def _uploaded(upload: UploadFile) -> str:
    """The text of an uploaded document (a PDF through pdftotext), bounded as the
    command line bounds it."""
    from ..pdftext import MAX_PDF_BYTES, document_text

    raw = await upload.read(MAX_PDF_BYTES + 1)
    name = upload.filename or "the file"
    if len(raw) > MAX_PDF_BYTES:
        raise BadInput(f"{name} is over {MAX_PDF_BYTES >> 20} MiB")
    return document_text(raw, name)


@router.post("/read/decoy", response_class=HTMLResponse, dependencies=[CsrfChecked])
def decoy(
    request: Request,
    document: Annotated[str, Form(max_length=MAX_DOCUMENT)],
    book: Annotated[str, Form()],
    innocent: Annotated[str, Form(max_length=MAX_DOCUMENT)],
    name: Annotated[str, Form(max_length=100)] = "decoy",
    lang: Annotated[str, Form()] = "en",
) -> Response:
    """A decoy of ``book`` (``cinq pad decoy``): a receive book written beside it, alike
    but for its digits, under which ``document`` reads, and verifies, as ``innocent``."""
    from ..decoy import make_decoy

    c = console(request)
    form = {"books": _receive_books(request), "langs": LANGUAGES, "document": document,
            "book": book, "lang": lang}  # fmt: skip
    try:
        if not name or Path(name).name != name or name.startswith(".") or name.endswith(".pad"):
            raise BadInput(
                f"{name!r} is not a plain name for the decoy book (it becomes NAME.receive.pad)"
            )
        doc = Document.parse(document, source="the pasted document")
        with PadBook.open(book_in(c.folder, book)) as real:
            made = make_decoy(doc, innocent, c.folder / name, lang=lang, like=real)
    except CinqError as e:
        return c.page(request, "read.html", {**form, "refusal": e}, 400)
    done = f"{made.name} written: under it this message reads, and verifies, as the innocent text"
    return c.page(request, "read.html", {**form, "done": done})
