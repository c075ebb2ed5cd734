"""The safe recipes: plaintext -> document with a send book, document -> plaintext
with a receive book.

These are what most users want. Every step is checked before a pad page is touched:
text that cannot be encoded is refused with nothing consumed. On the receiving side the
check groups are verified before anything is deciphered, a page already used for a
different message is refused, and the page is marked read only once the message
verified and decoded cleanly.

The key stream of a message is its pages' digits in order: the first digits encipher
the text, the digits right after them key the check groups (:mod:`cinq.auth`).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import auth
from . import digits as dg
from . import language as lg
from .auth import Scheme
from .book import PadBook, PageInfo
from .checkerboard import Board, DecodeError
from .cipher import Convention, decipher, encipher
from .codebook import Codebook
from .document import Document
from .errors import AuthenticationFailed, BadInput
from .message import Message, pad_to_groups
from .paths import accepts_paths


def _board(board: Board | None, lang: lg.Language | str) -> tuple[Board, lg.Language]:
    profile = lg.language(lang) if isinstance(lang, str) else lang
    return board or profile.board, profile


@accepts_paths  # book may be a path, cover a Path (cinq.paths)
def encrypt(
    text: str,
    book: PadBook,
    *,
    board: Board | None = None,
    lang: lg.Language | str = "en",
    policy: lg.Policy = lg.Policy.STRICT,
    convention: Convention = Convention.SUBTRACT,
    cover: str | None = None,
    signature: str | None = None,
    check: Scheme | None = auth.STRONG,
    codebook: Codebook | None = None,
) -> Document:
    """Encipher ``text`` on the next unused page(s) of a send book.

    The text is encoded on ``board`` (default: the language's board), padded to whole
    groups, and enciphered on as many consecutive pages as it needs, taken in one
    transaction. The first group of the message is the first page's ID in clear; the
    check groups of ``check`` close it (``None``: no check groups). With a
    ``codebook``, words and phrases it holds are sent as CODE groups where that is
    shorter.
    """
    b, profile = _board(board, lang)
    plain = lg.encode(text, b, profile, policy)  # validates, with errors in the user's text
    if codebook is not None:
        canonical = lg.prepare(text, b, profile, policy).text
        plain = b.encode(codebook.compress(canonical, b))
    if len(plain) == 0:
        raise BadInput("the message is empty")
    plain = pad_to_groups(plain, b)
    # Validate the rest of the document before a page is consumed.
    Document(groups=("00000",), cover=cover, signature=signature)
    n = len(plain)
    pages = book.take_for_sending(n + (check.key_digits if check else 0))
    body = encipher(plain, pages.key[:n], convention)
    tag = dg.empty()
    if check:
        tag = auth.check_values(check, pages.indicator, body, pages.key[n : n + check.key_digits])
    message = Message(pages.indicator, body, tag)
    return Document(groups=message.groups, cover=cover, signature=signature)


@dataclass(frozen=True)
class Received:
    """A deciphered message and what the book knew of its pages before.

    ``verified`` is True when the check groups matched, None when the message had none
    (``check=None``) and False only for ``unverified=True`` reads of a message that
    failed; such a read does not mark the pages.
    """

    text: str
    page_ids: tuple[str, ...]
    previously: tuple[PageInfo, ...]
    verified: bool | None

    @property
    def already_read(self) -> bool:
        return any(p.used_at is not None for p in self.previously)


@accepts_paths  # book may be a path (cinq.paths)
def decrypt(
    document: Document | str,
    book: PadBook,
    *,
    board: Board | None = None,
    lang: lg.Language | str = "en",
    convention: Convention = Convention.SUBTRACT,
    check: Scheme | None = auth.STRONG,
    unverified: bool = False,
    codebook: Codebook | None = None,
) -> Received:
    """Find the indicator's page in a receive book, verify, decipher and decode.

    Raises :class:`AuthenticationFailed` when the check groups do not match (unless
    ``unverified``), and :class:`KeyManagementError` for an unknown or burned page or a
    page already used for a different message. The pages are marked read only after
    the message verified and decoded without error.
    """
    doc = Document.parse(document) if isinstance(document, str) else document
    b, _ = _board(board, lang)
    message = Message.from_groups(doc.groups, check.check_groups if check else 0)
    n = len(message.body)
    pages = book.pages_for_receiving(
        message.indicator, n + (check.key_digits if check else 0), message=message.canonical
    )
    verified = None
    if check:
        mac_key = pages.key[n : n + check.key_digits]
        verified = auth.verify(check, message.indicator, message.body, mac_key, message.check)
        if not verified and not unverified:
            raise AuthenticationFailed(
                f"authentication failed: the message was altered or forged (indicator "
                f"{message.indicator}, {check.name} check groups); nothing was deciphered"
            )
    plain = decipher(message.body, pages.key[:n], convention)
    try:
        text = b.decode(plain, padded=True)
    except DecodeError as e:
        raise BadInput(
            f"the deciphered digits do not decode on board {b.name} at "
            f"{message.locate(e.index)}: a garbled group, or the wrong board or convention"
        ) from None
    if codebook is not None:
        text = codebook.expand(text)
    previously = book.mark_received(pages, message.canonical) if verified is not False else []
    return Received(text, pages.page_ids, tuple(previously), verified)
