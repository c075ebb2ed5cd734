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

Every refusal is a :class:`CinqError` naming what is wrong and where: ``BadInput``
(``CannotWrite`` among them), ``KeyManagementError`` (``PageSpoiled`` among them) and
``AuthenticationFailed``; the CLI maps them to exit codes 2, 3 and 4.

The pipeline, module by module: :mod:`cinq.language` (folding) ->
:mod:`cinq.checkerboard` (digits) -> :mod:`cinq.cipher` (mod-10 pad) ->
:mod:`cinq.message` (indicator and groups) -> :mod:`cinq.document` (cover text and
signature); :mod:`cinq.pad` and :mod:`cinq.book` keep the keys.
"""

from .book import PadBook, Role
from .checkerboard import Board, board, keyed
from .document import Document
from .errors import (
    AuthenticationFailed,
    BadInput,
    CannotWrite,
    CinqError,
    KeyManagementError,
    Location,
    PageSpoiled,
)
from .hazmat.cipher import Convention
from .language import Policy
from .procedure import Received, decrypt, encrypt

__all__ = [
    "AuthenticationFailed",
    "BadInput",
    "Board",
    "CannotWrite",
    "CinqError",
    "Convention",
    "Document",
    "KeyManagementError",
    "Location",
    "PadBook",
    "PageSpoiled",
    "Policy",
    "Received",
    "Role",
    "board",
    "decrypt",
    "encrypt",
    "keyed",
]

__version__ = "0.1.0"
