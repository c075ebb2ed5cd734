"""The radio page: a document's broadcast played in the page with the group being read
highlighted; a recording uploaded and copied (``cinq receive``), its unsure figures
marked, corrected by hand, and the copy sent to the read page."""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..document import Document
from ..errors import BadInput, CinqError
from .app import CsrfChecked, console

router = APIRouter()

MAX_RECORDING = 64 << 20
"""The largest recording the page takes (bytes): about an hour of 8 kHz WAV."""
KEPT = 4
"""Broadcasts kept in memory to play (the oldest dropped first)."""

Field = Annotated[str, Form(max_length=200_000)]


def _stations() -> list[str]:
    from ..radio import profiles

    return profiles.names()


@router.get("/radio", response_class=HTMLResponse)
def radio(request: Request) -> Response:
    return console(request).page(request, "radio.html", {"stations": _stations()})


@router.post("/radio/broadcast", response_class=HTMLResponse, dependencies=[CsrfChecked])
def broadcast(request: Request, document: Field, station: Field) -> Response:
    """The document's groups as the station sends them (``cinq broadcast --short``),
    to play with each group marked while it is read."""
    from ..radio import profiles, synth

    c = console(request)
    context: dict[str, object] = {"stations": _stations(), "document": document, "station": station}
    try:
        doc = Document.parse(document, source="the document")
        if len(doc.groups) > synth.MAX_GROUPS:
            raise BadInput(
                f"{len(doc.groups)} groups; a broadcast carries at most {synth.MAX_GROUPS}"
            )
        tx = synth.broadcast(doc.groups, profiles.load(station), short=True)
    except CinqError as e:
        return c.page(request, "radio.html", {**context, "refusal": e}, 400)
    key = secrets.token_urlsafe(12)
    c.keep(c.audio, key, tx.wav(), KEPT)
    groups = [e for e in tx.timeline if e.kind == "group"]
    return c.page(
        request, "radio.html", {**context, "audio": key, "groups": groups, "voice": tx.voice}
    )


@router.get("/radio/audio/{key}.wav")
def audio(request: Request, key: str) -> Response:
    wav = console(request).audio.get(key)
    if wav is None:
        return Response(
            "no such broadcast in this session\n", status_code=404, media_type="text/plain"
        )
    return ranged(wav, request.headers.get("range"), "audio/wav")


def ranged(data: bytes, asked: str | None, kind: str) -> Response:
    """``data``, or the one byte range ``asked`` (``bytes=a-b``, ``bytes=a-`` or
    ``bytes=-n``; RFC 9110): a player seeks only in media served by ranges."""
    whole = {"accept-ranges": "bytes"}
    found = re.fullmatch(r"bytes=(\d*)-(\d*)", asked.strip()) if asked else None
    if found is None or found.groups() == ("", ""):
        return Response(data, media_type=kind, headers=whole)
    first, last = found.groups()
    n = len(data)
    start = int(first) if first else max(n - int(last), 0)
    end = min(int(last), n - 1) if first and last else n - 1
    if start >= n or start > end:
        return Response(status_code=416, headers={"content-range": f"bytes */{n}", **whole})
    headers = {"content-range": f"bytes {start}-{end}/{n}", **whole}
    return Response(data[start : end + 1], status_code=206, media_type=kind, headers=headers)


@router.post("/radio/receive", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def receive(
    request: Request, recording: Annotated[UploadFile, File()], station: Field
) -> Response:
    """The uploaded recording copied as ``cinq receive`` copies it, in the background
    (:mod:`cinq.console.copying`): the browser is sent to the copy's page, which shows
    it as it builds."""
    from ..radio import RATE, profiles
    from ..radio import audio as sound
    from .copying import Copying

    c = console(request)
    context: dict[str, object] = {"stations": _stations(), "station": station}
    try:
        data = await recording.read(MAX_RECORDING + 1)
        if len(data) > MAX_RECORDING:
            raise BadInput(f"the recording is over {MAX_RECORDING >> 20} MiB")
        name = recording.filename or "the recording"
        job = Copying(sound.decode(data, name=name), profiles.load(station), RATE).start()
    except CinqError as e:
        return c.page(request, "radio.html", {**context, "refusal": e}, 400)
    key = secrets.token_urlsafe(12)
    c.keep(c.copies, key, job, KEPT)
    return RedirectResponse(f"/radio/copy/{key}?station={station}", status_code=303)


@router.get("/radio/copy/{key}.json")
def copy_state(request: Request, key: str) -> Response:
    """How far the copy has got, for the page's script."""
    job = console(request).copies.get(key)
    if job is None:
        return JSONResponse({"refusal": "no such copy in this session"}, status_code=404)
    return JSONResponse(job.progress().to_json())


@router.get("/radio/copy/{key}", response_class=HTMLResponse)
def copy_page(request: Request, key: str, station: str = "") -> Response:
    """The copy of an uploaded recording: as far as it has got, or finished."""
    c = console(request)
    job = c.copies.get(key)
    context: dict[str, object] = {"stations": _stations(), "station": station}
    if job is None:
        return c.page(request, "radio.html", {**context, "gone": True}, 404)
    now = job.progress()
    return c.page(request, "radio.html", {**context, "job": key, "progress": now, "copy": now.copy})


@router.post("/radio/to-read", response_class=HTMLResponse, dependencies=[CsrfChecked])
def to_read(request: Request, group: Annotated[list[str], Form()]) -> Response:
    """The copy's groups, as corrected, on the read page (not yet deciphered)."""
    from .reading import read_page

    return read_page(request, "\n".join(g.strip() for g in group))
