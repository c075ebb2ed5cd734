"""The console's web application: the guard in front, the pages behind it.

:func:`create_app` builds one FastAPI application for a folder of pad books and one
:class:`~cinq.console.guard.Guard`. Every request passes :func:`_guarded` first (Host,
session, token swap, the security headers); every POST route depends on
:func:`csrf_checked`.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Mapping
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .guard import COOKIE, CSRF_FIELD, CSRF_HEADER, HEADERS, Guard

if TYPE_CHECKING:
    from .copying import Copying

__all__ = ["Console", "create_app", "csrf_checked", "routers"]

V = TypeVar("V")
HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")


class Console:
    """What the pages share: the folder of pad books and the guard."""

    def __init__(self, folder: Path, guard: Guard) -> None:
        self.folder = folder
        self.guard = guard
        self.documents: dict[str, str] = {}  # enciphered this session, by indicator
        self.audio: dict[str, bytes] = {}  # broadcasts to play (WAV), by a random key
        self.copies: dict[str, Copying] = {}  # recordings being copied, by a random key
        self._lock = threading.Lock()  # the pages run on the server's thread pool

    def keep(self, store: dict[str, V], key: str, value: V, most: int) -> None:
        """``store[key] = value``, the oldest entries dropped beyond ``most``."""
        with self._lock:
            store[key] = value
            while len(store) > most:
                store.pop(next(iter(store)))

    def page(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
    ) -> Response:
        """The template ``name`` rendered with the session's CSRF token and ``context``."""
        session = request.cookies.get(COOKIE)
        csrf = self.guard.csrf(session) if self.guard.known(session) and session else ""
        values = {"csrf": csrf, "csrf_field": CSRF_FIELD, "folder": self.folder, **(context or {})}
        return TEMPLATES.TemplateResponse(request, name, values, status_code=status)


def console(request: Request) -> Console:
    """The :class:`Console` of the application serving ``request``."""
    got: Console = request.app.state.console
    return got


async def csrf_checked(request: Request, csrf: Annotated[str | None, Form()] = None) -> None:
    """Refuse (403) a state-changing request without the session's CSRF token, in the
    form field or the header, or from another origin."""
    guard = console(request).guard
    sent = csrf or request.headers.get(CSRF_HEADER)
    origin = request.headers.get("origin")
    if origin is not None and origin not in guard.origins:
        raise Refused("the request came from another site's page")
    if not guard.csrf_ok(request.cookies.get(COOKIE), sent):
        raise Refused("the request carries no valid CSRF token: reload the page and try again")


class Refused(Exception):
    """A request the guard refuses (403), with the reason shown."""


def create_app(folder: str | Path, guard: Guard) -> FastAPI:
    """The console for the pad books in ``folder``, guarded by ``guard``."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = Console(Path(folder), guard)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.middleware("http")(_guarded)
    app.exception_handler(Refused)(_refused)
    app.exception_handler(RequestValidationError)(_invalid)
    app.exception_handler(StarletteHTTPException)(_http)
    app.exception_handler(Exception)(_bug)
    app.get("/", response_class=HTMLResponse)(home)
    for router in routers():
        app.include_router(router)
    return app


def routers() -> list[APIRouter]:
    """The pages' routers, each a concept of its own module."""
    from . import boards, books, compose, depth, radio, reading, triage, vic

    pages = (books, compose, reading, radio, triage, depth, boards, vic)
    return [page.router for page in pages]


async def home(request: Request) -> Response:
    return console(request).page(request, "home.html")


async def _refused(request: Request, exc: Exception) -> Response:
    return _refusal(str(exc))


async def _invalid(request: Request, exc: Exception) -> Response:
    """A form the page did not send (a field missing, too long, of the wrong kind): the
    fields named, their values not echoed (FastAPI's own answer repeats them)."""
    problems = exc.errors() if isinstance(exc, RequestValidationError) else []
    said = "; ".join(
        f"{'.'.join(str(part) for part in p.get('loc', ())[1:]) or 'the form'}: {p.get('msg', '')}"
        for p in problems
    )
    return _refusal(f"bad input: {said or 'the form is not the page’s'}", 422)


async def _http(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such page, a form part over its size) as pages."""
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 400
    detail = exc.detail if isinstance(exc, StarletteHTTPException) else ""
    return _refusal(f"{status}: {detail}", status)


async def _bug(request: Request, exc: Exception) -> Response:
    """A bug in cinq: said plainly (as the CLI's exit 70), no traceback in the page."""
    return _refusal(
        f"internal error ({type(exc).__name__}): a bug in cinq; report it with what you did", 500
    )


def _refusal(reason: str, status: int = 403) -> Response:
    """A plain refusal page (no template: it must not depend on a session)."""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cinq console: '
        f"refused</title></head><body><main><h1>Refused</h1><p>{escape(reason)}</p></main>"
        "</body></html>"
    )
    return HTMLResponse(body, status_code=status, headers=dict(HEADERS))


async def _guarded(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """The guard in front of every request (:mod:`cinq.console.guard`)."""
    guard = console(request).guard
    if request.headers.get("host") not in guard.hosts:
        return _refusal("this console answers only on 127.0.0.1 and localhost", 421)
    token = request.query_params.get("token")
    if token is not None:
        return _login(guard, token)
    if not guard.known(request.cookies.get(COOKIE)):
        return _refusal("open the console with the URL cinq console printed (it works once)")
    response = await call_next(request)
    response.headers.update(HEADERS)
    return response


def _login(guard: Guard, token: str) -> Response:
    """The token swapped for a session cookie, and the browser sent to a URL without it."""
    session = guard.login(token)
    if session is None:
        return _refusal("this console link was used already, or is not this console's")
    response = RedirectResponse("/", status_code=303, headers=dict(HEADERS))
    response.set_cookie(COOKIE, session, httponly=True, samesite="strict", path="/")
    return response


CsrfChecked = Depends(csrf_checked)
"""The dependency every POST route declares."""
