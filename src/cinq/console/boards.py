"""The checkerboard explorer: a text encoded on two boards side by side, each board's
card, and digits decoded on a board; no pad, no key (``cinq board``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from .. import digits as dg
from .. import language as lg
from ..checkerboard import Board
from ..checkerboard import board as builtin_board
from ..checkerboard.tables import BOARDS
from ..errors import CinqError
from .app import CsrfChecked, console

router = APIRouter()

MAX_TEXT = 20_000
Field = Annotated[str, Form(max_length=MAX_TEXT)]


@dataclass(frozen=True)
class Side:
    """One board of the explorer and what it made of the text (or why it could not)."""

    board: Board
    groups: list[str]
    refusal: CinqError | None = None


def _side(name: str, text: str, lang: str) -> Side:
    b = builtin_board(name) if name else lg.language(lang).board
    if not text:
        return Side(b, [])
    try:
        digits = dg.to_str(lg.encode(text, b, lang, lg.Policy.FOLD))
    except CinqError as e:
        return Side(b, [], e)
    run = digits + b.fill(-len(digits) % dg.GROUP)
    return Side(b, [run[i : i + dg.GROUP] for i in range(0, len(run), dg.GROUP)])


def _context(
    text: str = "", lang: str = "en", left: str = "", right: str = "CT-37"
) -> dict[str, object]:
    return {"text": text, "lang": lang, "left": left, "right": right,
            "langs": lg.LANGUAGES, "boards": list(BOARDS)}  # fmt: skip


@router.get("/boards", response_class=HTMLResponse)
def explorer(request: Request) -> Response:
    ctx = _context()
    sides = [_side(str(ctx["left"]), "", "en"), _side(str(ctx["right"]), "", "en")]
    return console(request).page(request, "boards.html", {**ctx, "sides": sides})


@router.post("/boards", response_class=HTMLResponse, dependencies=[CsrfChecked])
def encode(
    request: Request,
    text: Field = "",
    lang: Field = "en",
    left: Field = "",
    right: Field = "",
    digits: Field = "",
    decode_on: Field = "",
) -> Response:
    """The text on both boards (folded to each board's characters), and ``digits``
    decoded on ``decode_on``."""
    c = console(request)
    ctx = _context(text, lang, left, right)
    try:
        sides = [_side(left, text, lang), _side(right, text, lang)]
        decoded = _decoded(digits, decode_on, lang) if digits.strip() else None
    except CinqError as e:
        return c.page(request, "boards.html", {**ctx, "sides": [], "refusal": e}, 400)
    extra = {"sides": sides, "digits": digits, "decode_on": decode_on, "decoded": decoded}
    return c.page(request, "boards.html", {**ctx, **extra})


def _decoded(digits: str, name: str, lang: str) -> str:
    b = builtin_board(name) if name else lg.language(lang).board
    return b.decode_text(digits, source="the digits")
