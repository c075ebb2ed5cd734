"""The depth workbench: messages pasted from an intercept log, depths found among them
(``cinq depth find``), and a crib dragged along one message of a depth with every
message's reading and the key updated as it moves (:mod:`cinq.depth.crib`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from .. import language as lg
from ..checkerboard import Board
from ..checkerboard import board as builtin_board
from ..checkerboard.tables import BOARDS
from ..document import Document
from ..errors import BadInput, CinqError
from .app import CsrfChecked, console

router = APIRouter()

Field = Annotated[str, Form(max_length=200_000)]
MAX_MESSAGES = 50
"""Messages the workbench takes (a find over more belongs on the command line)."""


def messages_of(text: str) -> list[tuple[str, ...]]:
    """The messages of ``text``: blocks of groups separated by blank lines, each parsed
    as a document (quoted, with a signature or not)."""
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if len(blocks) > MAX_MESSAGES:
        raise BadInput(f"{len(blocks)} messages; the workbench takes at most {MAX_MESSAGES}")
    found = [Document.parse(b, source=f"message {i}").groups for i, b in enumerate(blocks, 1)]
    if len(found) < 2:
        raise BadInput("a depth needs at least two messages, separated by a blank line")
    return found


def _board(name: str, lang: str) -> Board:
    if not name:
        return lg.language(lang).board
    if name not in BOARDS:
        raise BadInput(f"unknown board {name!r}; built-in boards: {', '.join(BOARDS)}")
    return builtin_board(name)


def _offsets(text: str, n: int) -> list[int]:
    values = text.replace(",", " ").split()
    if not values:
        return [0] * n
    if len(values) != n or not all(v.isdigit() for v in values):
        raise BadInput(f"the offsets are {n} numbers of digits (one per message), not {text!r}")
    return [int(v) for v in values]


def _context(**form: str) -> dict[str, object]:
    return {**form, "boards": list(BOARDS), "langs": lg.LANGUAGES}


LOG_SUFFIXES = (".db", ".sqlite", ".sqlite3")
"""The file names an intercept log in the folder may have (``cinq intercepts add LOG``)."""


def logs(folder: Path) -> list[str]:
    """The intercept logs of ``folder``, by file name: the files with a log's suffix
    that open as cinq's intercept logs."""
    from ..analysis.intercepts import InterceptLog

    found = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in LOG_SUFFIXES and p.is_file()):
        try:
            with InterceptLog.open(path, create=False):
                found.append(path.name)
        except CinqError:
            continue  # not a log: not offered
    return found


@router.get("/depth", response_class=HTMLResponse)
def workbench(request: Request) -> Response:
    ctx = _context(lang="en", board="CT-37")
    return console(request).page(
        request, "depth.html", {**ctx, "logs": logs(console(request).folder)}
    )


@router.post("/depth/load", response_class=HTMLResponse, dependencies=[CsrfChecked])
def load(request: Request, log: Field, board: Field = "CT-37", lang: Field = "en") -> Response:
    """The messages of an intercept log of the folder, a blank line between them, in
    the order heard (``cinq intercepts list``)."""
    from ..analysis.intercepts import InterceptLog

    c = console(request)
    known = logs(c.folder)
    ctx = {**_context(board=board, lang=lang), "logs": known}
    try:
        if log not in known:
            raise BadInput(f"{log!r} is not an intercept log of the folder")
        with InterceptLog.open(c.folder / log, create=False) as opened:
            heard = opened.list()
    except CinqError as e:
        return c.page(request, "depth.html", {**ctx, "refusal": e}, 400)
    text = "\n\n".join("\n".join(i.groups) for i in heard)
    labels = [f"{n}: {i.label} ({i.station}, {i.when})" for n, i in enumerate(heard, 1)]
    return c.page(request, "depth.html", {**ctx, "messages": text, "labels": labels})


@router.post("/depth/find", response_class=HTMLResponse, dependencies=[CsrfChecked])
def find(request: Request, messages: Field, board: Field = "", lang: Field = "en") -> Response:
    """The depths among the messages, on the chosen board (``cinq depth find``)."""
    from ..depth.find import find as run

    c = console(request)
    ctx = _context(messages=messages, board=board, lang=lang)
    try:
        found = messages_of(messages)
        report = run(found, boards=[_board(board, lang)])
    except CinqError as e:
        return c.page(request, "depth.html", {**ctx, "refusal": e}, 400)
    longest = 5 * max(len(m) for m in found)
    return c.page(request, "depth.html", {**ctx, "report": report, "longest": longest})


@router.post("/depth/drag", dependencies=[CsrfChecked])
def drag(
    request: Request,
    messages: Field,
    crib: Field,
    on: Field = "1",
    position: Field = "1",
    offsets: Field = "",
    board: Field = "",
    lang: Field = "en",
) -> Response:
    """The crib at ``position`` (1 = the first digit) of message ``on`` (1 = the first),
    as JSON for the page's script."""
    from ..depth.crib import drag as put
    from ..depth.stream import streams

    try:
        found = messages_of(messages)
        if not (on.isdigit() and position.isdigit()):
            raise BadInput("the message and the position are numbers from 1")
        starts = _offsets(offsets, len(found))
        b = _board(board, lang)
        at = int(position) - 1
        got = put(
            streams(found), crib, on=int(on) - 1, position=at, board=b, lang=lang, offsets=starts
        )
    except CinqError as e:
        return JSONResponse({"refusal": str(e)}, status_code=400)
    return JSONResponse(got.to_json())
