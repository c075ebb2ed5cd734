"""Who may use the console, and what every response carries: the console's security.

The console serves one person on their own machine, so it is guarded as Jupyter's
server is, and more strictly:

- **Loopback only.** It listens on 127.0.0.1 (:mod:`cinq.console.serve`), never on
  another address.
- **A one-time token per start.** ``cinq console`` prints a URL holding a random token
  (:func:`secrets.token_urlsafe`, 256 bits). The first request that carries it is
  answered with a session cookie and a redirect to a URL without the token. The token
  is then spent: a second use, a copy of the URL from the browser's history, or a
  token read from the terminal later, open nothing.
- **The cookie** is ``HttpOnly`` (no script reads it) and ``SameSite=Strict`` (no other
  site's page sends it). Its value is another random 256-bit string, unrelated to the
  token.
- **Host header against DNS rebinding.** A page elsewhere may make its own host name
  resolve to 127.0.0.1; the browser then sends that name as ``Host``. Only
  ``127.0.0.1:PORT`` and ``localhost:PORT`` are answered.
- **CSRF.** Every state-changing request (POST) carries the session's CSRF token in a
  form field or the ``X-CSRF-Token`` header, compared in constant time, and an
  ``Origin`` header, when the browser sends one, must be the console's own.
- **Headers.** A strict Content-Security-Policy (scripts, styles, images and media from
  the console itself only; no inline script; no framing; forms post only to it),
  ``nosniff``, no referrer sent to another site, and ``no-store`` so that no page (a
  plaintext read) is kept in the browser's cache.

Nothing secret is logged: the server's access log is off (:mod:`cinq.console.serve`),
and refusals name what was wrong, not the values sent.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["COOKIE", "CSRF_FIELD", "CSRF_HEADER", "HEADERS", "Guard"]

COOKIE = "cinq_console"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

HEADERS: Mapping[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # not "no-referrer": with it, Chromium sends "Origin: null" on the console's own form
    # posts (found by the browser test), which the origin check must refuse.
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
"""The headers on every response, refusals included."""


@dataclass
class Guard:
    """The console's keys for one start: the token, then the sessions it opened.

    ``repr`` shows no secret (the fields that hold them are left out of it).
    """

    port: int
    token: str | None = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    _sessions: dict[str, str] = field(default_factory=dict, repr=False)  # session -> csrf

    @property
    def hosts(self) -> frozenset[str]:
        """The ``Host`` headers answered."""
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    @property
    def origins(self) -> frozenset[str]:
        """The ``Origin`` headers a state-changing request may carry."""
        return frozenset(f"http://{host}" for host in self.hosts)

    def url(self) -> str:
        """The URL to open once: the console with its token.

        Raises
        ------
        RuntimeError
            The token was spent already.
        """
        if self.token is None:
            raise RuntimeError("the console's token was used already")
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    def login(self, token: str) -> str | None:
        """A new session for ``token`` if it is this start's token and still unspent
        (it is spent by this), else None."""
        if self.token is None or not hmac.compare_digest(token.encode(), self.token.encode()):
            return None
        self.token = None
        session = secrets.token_urlsafe(32)
        self._sessions[session] = secrets.token_urlsafe(32)
        return session

    def known(self, session: str | None) -> bool:
        """Whether ``session`` (a cookie's value) is a session this start opened."""
        return session is not None and any(
            hmac.compare_digest(session.encode(), s.encode()) for s in self._sessions
        )

    def csrf(self, session: str) -> str:
        """The CSRF token of a known ``session``."""
        return self._sessions[session]

    def csrf_ok(self, session: str | None, sent: str | None) -> bool:
        """Whether ``sent`` is the CSRF token of the known ``session``."""
        if session is None or sent is None or not self.known(session):
            return False
        return hmac.compare_digest(sent.encode(), self._sessions[session].encode())
