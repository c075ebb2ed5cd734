"""The compose page: a text in any of the five languages, on a board, counted as it is
typed (digits, groups, pad pages), then enciphered on a send book with one click,
under a cover text and a signature; the document shown and offered as a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from pydantic import Field as Length

from .. import procedure
from ..book import PadBook, Role
from ..checkerboard import Board
from ..checkerboard import board as builtin_board
from ..checkerboard.tables import BOARDS
from ..codebook import Codebook
from ..document import Document
from ..errors import BadInput, CinqError
from ..language import LANGUAGES
from ..shelf import book_in, shelf
from .app import CsrfChecked, console

router = APIRouter()

KEPT_DOCUMENTS = 100
"""Documents enciphered this session kept to download (the oldest dropped first)."""
MAX_TEXT = 100_000
"""The longest plaintext the page takes (characters)."""


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
def compose_form(request: Request) -> Response:
    return console(request).page(request, "compose.html", _choices(request))


class Message(BaseModel):
    """The message fields of the compose form: the text, the send book, its encoding."""

    text: str = Length(max_length=MAX_TEXT)
    book: str = Length(max_length=1000)
    lang: str = Length("en", max_length=10)
    board: str = Length("", max_length=100)
    codebook: str = Length("", max_length=1000)

    def plan(self, folder: Path, pad: PadBook) -> procedure.Plan:
        return procedure.plan(self.text, pad, **self._encoding(folder))

    def send(self, folder: Path, pad: PadBook, cover: str, signature: str) -> procedure.Sent:
        return procedure.send(self.text, pad, cover=cover or None, signature=signature or None,
                              **self._encoding(folder))  # fmt: skip

    def _encoding(self, folder: Path) -> dict[str, Any]:
        return {"lang": self.lang, "board": _board(self.board),
                "codebook": _codebook(folder, self.codebook)}  # fmt: skip


class Outgoing(Message):
    """The whole compose form: the message, its cover and signature, and the button."""

    cover: str = Length("", max_length=MAX_TEXT)
    signature: str = Length("", max_length=1000)
    action: str = Length("send", max_length=10)


@router.post("/compose/plan", dependencies=[CsrfChecked])
def plan(request: Request, form: Annotated[Message, Form()]) -> Response:
    """What the text would take (:func:`cinq.procedure.plan`), as JSON: the live count."""
    folder = console(request).folder
    try:
        with PadBook.open(book_in(folder, form.book)) as pad:
            got = form.plan(folder, pad)
        return JSONResponse(got.to_json())
    except CinqError as e:
        return JSONResponse({"refusal": e.message, "exit": e.exit_code}, status_code=400)


@router.post("/compose", response_class=HTMLResponse, dependencies=[CsrfChecked])
def send(request: Request, form: Annotated[Outgoing, Form()]) -> Response:
    """``cinq encrypt --book BOOK`` of the text (``action`` "count": only counted)."""
    c = console(request)
    shown = {**_choices(request), **form.model_dump(exclude={"action"})}
    try:
        if form.action not in ("count", "send"):
            raise BadInput(f"unknown action {form.action!r}: count or send")
        with PadBook.open(book_in(c.folder, form.book)) as pad:
            if form.action == "count":
                counted = form.plan(c.folder, pad)
                preview = _preview(counted, form.cover, form.signature)
                return c.page(
                    request, "compose.html", {**shown, "plan": counted, "preview": preview}
                )
            sent = form.send(c.folder, pad, form.cover, form.signature)
            numbers = [p.number for p in pad.pages() if p.page_id in sent.page_ids]
        c.keep(c.documents, sent.page_ids[0], sent.document.render(), KEPT_DOCUMENTS)
        done = {"sent": sent, "numbers": ",".join(map(str, numbers)), "stations": _stations()}
        return c.page(request, "compose.html", {**shown, **done, "text": ""})
    except CinqError as e:
        return c.page(request, "compose.html", {**shown, "refusal": e}, 400)


@router.get("/compose/sent/{indicator}.txt")
def document(request: Request, indicator: str) -> Response:
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


def _preview(plan: procedure.Plan, cover: str, signature: str) -> str:
    """The document as it will look: the cover, as many groups as the plan counts
    (``?????``: their figures are the pad's to make), the signature."""
    groups = ["?????"] * plan.groups
    return Document(groups, cover=cover or None, signature=signature or None).render()


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
