"""The safe recipes: plaintext -> document with a send book, document -> plaintext
with a receive book.

These are what most users want. Every step is checked before a pad page is touched:
text that cannot be encoded is refused with nothing consumed, and on the receiving side
the page is marked read only once the digits decoded cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import language as lg
from .book import PadBook, PageInfo
from .checkerboard import Board, DecodeError
from .cipher import Convention, decipher, encipher
from .document import Document
from .errors import BadInput
from .message import Message, pad_to_groups


def _board(board: Board | None, lang: lg.Language | str) -> tuple[Board, lg.Language]:
    profile = lg.language(lang) if isinstance(lang, str) else lang
    return board or profile.board, profile


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
) -> Document:
    """Encipher ``text`` on the next unused page(s) of a send book.

    The text is encoded on ``board`` (default: the language's board), padded to whole
    groups, and enciphered on as many consecutive pages as it needs, taken in one
    transaction. The first group of the message is the first page's ID in clear.
    """
    b, profile = _board(board, lang)
    plain = lg.encode(text, b, profile, policy)
    if len(plain) == 0:
        raise BadInput("the message is empty")
    plain = pad_to_groups(plain, b)
    # Validate the rest of the document before a page is consumed.
    Document(groups=("00000",), cover=cover, signature=signature)
    pages = book.take_for_sending(len(plain))
    message = Message(pages.page_ids[0], encipher(plain, pages.key, convention))
    return Document(groups=message.groups, cover=cover, signature=signature)


@dataclass(frozen=True)
class Received:
    """A deciphered message and what the book knew of its pages before."""

    text: str
    page_ids: tuple[str, ...]
    previously: tuple[PageInfo, ...]

    @property
    def already_read(self) -> bool:
        return any(p.used_at is not None for p in self.previously)


def decrypt(
    document: Document | str,
    book: PadBook,
    *,
    board: Board | None = None,
    lang: lg.Language | str = "en",
    convention: Convention = Convention.SUBTRACT,
) -> Received:
    """Find the indicator's page in a receive book, decipher and decode.

    The pages are marked read only after the digits decoded without error.
    """
    doc = Document.parse(document) if isinstance(document, str) else document
    b, _ = _board(board, lang)
    message = Message.from_groups(doc.groups)
    pages = book.pages_for_receiving(message.indicator, len(message.body))
    plain = decipher(message.body, pages.key, convention)
    try:
        text = b.decode(plain, padded=True)
    except DecodeError as e:
        raise BadInput(
            f"the deciphered digits do not decode on board {b.name} at "
            f"{message.locate(e.index)}: a garbled group, or the wrong board or convention"
        ) from None
    previously = book.mark_received(pages)
    return Received(text, pages.page_ids, tuple(previously))
