"""cinq: five-figure-group messages in the numbers-station tradition.

The few names most users need::

    import cinq

    cinq.PadBook.create_pair("station")                     # station.send.pad + .receive.pad
    news = "Le marché de Noël ouvre samedi place Kléber."   # the cover text
    with cinq.PadBook.open("station.send.pad") as book:
        doc = cinq.encrypt("Meet at dawn", book, cover=news, signature="KESTREL")
    print(doc.render())

    print(cinq.decrypt(doc.render(), "station.receive.pad").text)  # a path works too

``create_pair`` refuses to overwrite existing books: run it once per pair. The README's
"Library" section has the same example, run by the test suite.

The top level holds the safe recipes (:func:`encrypt`, :func:`send`, :func:`decrypt`,
:func:`make_decoy`), every type their signatures use and every error they raise. The
bare primitives, which do nothing to stop a pad page being used twice, are apart in
:mod:`cinq.hazmat`.

Every refusal is a :class:`CinqError` naming what is wrong and where: ``BadInput``
(``CannotWrite``, ``UnencodableText``, ``DecodeError`` ... among them),
``KeyManagementError`` (``PageSpoiled`` among them) and ``AuthenticationFailed``; the
CLI maps them to exit codes 2, 3 and 4. ``MissingExtra`` (exit code 2) names the extra
to install when an optional stack (``cinq[print]``, ``cinq[radio]``,
``cinq[analysis]``) is missing.

The pipeline, module by module: :mod:`cinq.language` (folding) ->
:mod:`cinq.checkerboard` (digits) -> :mod:`cinq.hazmat.cipher` (mod-10 pad) ->
:mod:`cinq.message` (indicator and groups) -> :mod:`cinq.document` (cover text and
signature); :mod:`cinq.book` keeps the keys and :mod:`cinq.procedure` holds the recipes.

``import cinq`` is cheap: each name is imported from its module the first time it is
used (PEP 562), so a command that needs only the documents never loads the pad books.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
"""The one place the version is written (``pyproject.toml`` reads it from here)."""

# Each public name and the module (relative to this package) that defines it.
_EXPORTS: dict[str, str] = {
    # the recipes
    "encrypt": "procedure",
    "send": "procedure",
    "plan": "procedure",
    "decrypt": "procedure",
    "make_decoy": "decoy",
    # their types
    "Sent": "procedure",
    "Plan": "procedure",
    "Received": "procedure",
    "PadBook": "book",
    "Role": "book",
    "PageState": "book",
    "PageInfo": "book",
    "BookStatus": "book",
    "KeyPages": "book",
    "Receipt": "book",
    "PageSpec": "book",
    "ExportedPage": "book",
    "Board": "checkerboard",
    "board": "checkerboard",
    "keyed": "checkerboard",
    "Mode": "checkerboard",
    "Cell": "checkerboard",
    "Kind": "checkerboard",
    "Document": "document",
    "Language": "language",
    "Policy": "language",
    "Convention": "hazmat.cipher",
    "Scheme": "auth",
    "STRONG": "auth",
    "HAND": "auth",
    "scheme": "auth",
    "Codebook": "codebook",
    # the errors they raise
    "CinqError": "errors",
    "BadInput": "errors",
    "KeyManagementError": "errors",
    "AuthenticationFailed": "errors",
    "UnencodableText": "errors",
    "CannotWrite": "errors",
    "PageSpoiled": "errors",
    "MissingExtra": "errors",
    "Location": "errors",
    "DecodeError": "checkerboard",
    "UnreadableDigits": "message",
    "WrongOption": "diagnose",
}

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ loads them
    from .auth import HAND, STRONG, Scheme, scheme
    from .book import (
        BookStatus,
        ExportedPage,
        KeyPages,
        PadBook,
        PageInfo,
        PageSpec,
        PageState,
        Receipt,
        Role,
    )
    from .checkerboard import Board, Cell, DecodeError, Kind, Mode
    from .checkerboard.tables import board, keyed  # (.checkerboard.board is a module)
    from .codebook import Codebook
    from .decoy import make_decoy
    from .diagnose import WrongOption
    from .document import Document
    from .errors import (
        AuthenticationFailed,
        BadInput,
        CannotWrite,
        CinqError,
        KeyManagementError,
        Location,
        MissingExtra,
        PageSpoiled,
        UnencodableText,
    )
    from .hazmat.cipher import Convention
    from .language import Language, Policy
    from .message import UnreadableDigits
    from .procedure import Plan, Received, Sent, decrypt, encrypt, plan, send

__all__ = [
    "HAND",
    "STRONG",
    "AuthenticationFailed",
    "BadInput",
    "Board",
    "BookStatus",
    "CannotWrite",
    "Cell",
    "CinqError",
    "Codebook",
    "Convention",
    "DecodeError",
    "Document",
    "ExportedPage",
    "KeyManagementError",
    "KeyPages",
    "Kind",
    "Language",
    "Location",
    "MissingExtra",
    "Mode",
    "PadBook",
    "PageInfo",
    "PageSpec",
    "PageSpoiled",
    "PageState",
    "Plan",
    "Policy",
    "Receipt",
    "Received",
    "Role",
    "Scheme",
    "Sent",
    "UnencodableText",
    "UnreadableDigits",
    "WrongOption",
    "__version__",
    "board",
    "decrypt",
    "encrypt",
    "keyed",
    "make_decoy",
    "plan",
    "scheme",
    "send",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (then cached here); a
    submodule (``cinq.checkerboard``) also works without importing it first."""
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise  # the submodule exists but something it imports does not
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
