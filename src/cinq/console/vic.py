"""The VIC notebook: a message enciphered or deciphered with the VIC cipher, and every
step as the hand worker writes it (``cinq vic ... --explain``), one step at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from .. import vic
from ..errors import BadInput, CinqError
from ..vic.board import Lang
from .app import CsrfChecked, console

router = APIRouter()

Field = Annotated[str, Form(max_length=20_000)]


def steps(notebook: str) -> list[str]:
    """The notebook cut at its blank lines: one step each (key derivation, the board,
    the substitution, each transposition, the message)."""
    return [block.strip("\n") for block in notebook.split("\n\n") if block.strip()]


@router.get("/vic", response_class=HTMLResponse)
def vic_form(request: Request) -> Response:
    return console(request).page(request, "vic.html", {"direction": "encrypt", "lang": "en"})


@router.post("/vic", response_class=HTMLResponse, dependencies=[CsrfChecked])
def worked(
    request: Request,
    message: Field,
    date: Field,
    phrase: Field,
    personal: Field,
    keygroup: Field = "",
    lang: Field = "en",
    direction: Field = "encrypt",
) -> Response:
    """``cinq vic encrypt|decrypt --explain`` as a stepped notebook."""
    c = console(request)
    form = {"message": message, "date": date, "phrase": phrase, "personal": personal,
            "keygroup": keygroup, "lang": lang, "direction": direction}  # fmt: skip
    try:
        notebook = _notebook(message, date, phrase, personal, keygroup, lang, direction)
        return c.page(request, "vic.html", {**form, "steps": steps(notebook)})
    except CinqError as e:
        return c.page(request, "vic.html", {**form, "refusal": e}, 400)


def _notebook(
    message: str, date: str, phrase: str, personal: str, keygroup: str, lang: str, direction: str
) -> str:
    if not personal.strip().isdigit():
        raise BadInput(f"the personal number must be a number, not {personal!r}")
    if lang not in ("en", "ru"):
        raise BadInput(f"the VIC cipher is worked in English or Russian, not {lang!r}")
    code: Lang = "ru" if lang == "ru" else "en"
    number = int(personal)
    if direction == "decrypt":
        w = vic.decrypt(message.split(), date=date, phrase=phrase, personal=number, lang=code)
        return vic.explain(w, decrypting=True)
    if direction != "encrypt":
        raise BadInput(f"encrypt or decrypt, not {direction!r}")
    w = vic.encrypt(message, date=date, phrase=phrase, personal=number, lang=code,
                    keygroup=keygroup.strip() or None)  # fmt: skip
    return vic.explain(w)
