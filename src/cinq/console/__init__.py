"""``cinq console``: the station and the analyst's bench in a browser, for one person on
their own machine.

A thin web layer over the library, as the command line is: the pages call the same
functions (:mod:`cinq.shelf`, :mod:`cinq.procedure`, :class:`cinq.document.Document`)
and show their refusals in the command line's words. It is served by uvicorn on
127.0.0.1 only, and guarded as :mod:`cinq.console.guard` describes: a one-time token
swapped for a strict cookie, the Host header checked, CSRF tokens, a strict
Content-Security-Policy. Every asset is served from the package: no network needed.

Needs the ``console`` extra (FastAPI, uvicorn, Jinja2, python-multipart).
"""

from __future__ import annotations

from ..extras import require

require("console", feature="cinq console")

from .app import create_app  # noqa: E402  (after the extra is checked)
from .guard import Guard  # noqa: E402
from .serve import Server  # noqa: E402

__all__ = ["Guard", "Server", "create_app"]
