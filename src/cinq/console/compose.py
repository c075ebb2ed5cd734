"""The compose page: a text in any of the five languages, on a board, counted as it is
typed (digits, groups, pad pages), then enciphered on a send book with one click,
under a cover text and a signature; the document shown and offered as a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from .. import procedure
from ..book import PadBook, Role
from ..checkerboard import Board
from ..checkerboard import board as builtin_board
from ..checkerboard.tables import BOARDS
from ..codebook import Codebook
from ..errors import BadInput, CinqError
from ..language import LANGUAGES
from ..shelf import book_in, shelf
from .app import CsrfChecked, console

router = APIRouter()

MAX_TEXT = 100_000
"""The longest plaintext the page takes (characters)."""

Text = Annotated[str, Form(max_length=MAX_TEXT)]
Field = Annotated[str, Form(max_length=MAX_TEXT)]


def _choices(request: Request) -> dict[str, object]:
    """The send books of the folder, the languages and the built-in boards."""
    books = [
        s.file for s in shelf(console(request).folder) if s.status and s.status.role is Role.SEND
    ]
    return {
        "books": books,
        "langs": LANGUAGES,
        "boards": list(BOARDS),
        "codebooks": codebooks(console(request).folder),
    }


@router.get("/compose", response_class=HTMLResponse)
async def compose_form(request: Request) -> Response:
    return console(request).page(request, "compose.html", _choices(request))


@router.post("/compose/plan", dependencies=[CsrfChecked])
async def plan(
    request: Request,
    text: Text,
    book: Field,
    lang: Field = "en",
    board: Field = "",
    codebook: Field = "",
) -> Response:
    """What the text would take (:func:`cinq.procedure.plan`), as JSON: the live count."""
    folder = console(request).folder
    try:
        with PadBook.open(book_in(folder, book)) as pad:
            got = procedure.plan(
                text, pad, lang=lang, board=_board(board), codebook=_codebook(folder, codebook)
            )
        return JSONResponse(got.to_json())
    except CinqError as e:
        return JSONResponse({"refusal": e.message, "exit": e.exit_code}, status_code=400)


@router.post("/compose", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def send(
    request: Request,
    text: Text,
    book: Field,
    lang: Field = "en",
    board: Field = "",
    codebook: Field = "",
    cover: Field = "",
    signature: Field = "",
    action: Field = "send",
) -> Response:
    """``cinq encrypt --book BOOK`` of ``text`` (``action`` "count": only counted)."""
    c = console(request)
    form = {**_choices(request), "text": text, "book": book, "lang": lang, "board": board,
            "codebook": codebook, "cover": cover, "signature": signature}  # fmt: skip
    try:
        if action not in ("count", "send"):
            raise BadInput(f"unknown action {action!r}: count or send")
        b, cb = _board(board), _codebook(c.folder, codebook)
        with PadBook.open(book_in(c.folder, book)) as pad:
            if action == "count":
                counted = procedure.plan(text, pad, lang=lang, board=b, codebook=cb)
                return c.page(request, "compose.html", {**form, "plan": counted})
            sent = procedure.send(text, pad, lang=lang, board=b, codebook=cb,
                                  cover=cover or None, signature=signature or None)  # fmt: skip
            numbers = [p.number for p in pad.pages() if p.page_id in sent.page_ids]
        c.documents[sent.page_ids[0]] = sent.document.render()
        done = {"sent": sent, "numbers": ",".join(map(str, numbers)), "stations": _stations()}
        return c.page(request, "compose.html", {**form, **done, "text": ""})
    except CinqError as e:
        return c.page(request, "compose.html", {**form, "refusal": e}, 400)


@router.get("/compose/sent/{indicator}.txt")
async def document(request: Request, indicator: str) -> Response:
    """A document enciphered in this session, as a file to save."""
    text = console(request).documents.get(indicator)
    if text is None:
        return PlainTextResponse("no such document in this session\n", status_code=404)
    disposition = f'attachment; filename="message-{indicator}.txt"'
    return PlainTextResponse(text, headers={"content-disposition": disposition})


def codebooks(folder: Path) -> list[str]:
    """The codebooks of the folder (``cinq codebook new``), by file name: the ``*.json``
    files that load as one."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            Codebook.load(path)
        except CinqError:
            continue  # another JSON file: not offered
        found.append(path.name)
    return found


def _codebook(folder: Path, name: str) -> Codebook | None:
    if not name:
        return None
    if name not in codebooks(folder):
        raise BadInput(f"{name!r} is not a codebook of the folder")
    return Codebook.load(folder / name)


def _stations() -> list[str]:
    from ..radio import profiles

    return profiles.names()


def _board(name: str) -> Board | None:
    """The built-in board ``name``, or None for the language's own."""
    if not name:
        return None
    if name not in BOARDS:
        raise BadInput(f"unknown board {name!r}; built-in boards: {', '.join(BOARDS)}")
    return builtin_board(name)
