"""Reading a copy with unreadable digits as far as it can be read.

A copy taken off the air may have a digit nobody could make out, written ``?``. The
check groups cannot verify such a copy, so :func:`cinq.procedure.decrypt` refuses it
unless the user asks for an unverified reading; this module gives that reading:

* each cipher digit that is known is deciphered with its pad digit; an unknown cipher
  digit gives an unknown plaintext digit (the pad cannot help);
* the plaintext digits are decoded on the board with
  :func:`cinq.checkerboard.decode_partial`, which tries every value of an unknown digit
  and keeps what all readings agree on; the rest is marked U+FFFD (``�``);
* nothing is verified and nothing is marked in the book: the page stays unread, so the
  clean copy, when it comes, is read and marked as usual.

Pad digits stay inside: the result holds the text and page IDs only.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import auth
from .auth import Scheme
from .book import PadBook
from .checkerboard import UNREADABLE, Board, DecodeError, decode_partial
from .codebook import Codebook
from .document import Document
from .errors import BadInput
from .hazmat.cipher import Convention, decipher
from .hazmat.pages import peek_key
from .message import PartialMessage

__all__ = ["PartialReading", "read_partial"]


@dataclass(frozen=True)
class PartialReading:
    """What an unverified reading of a copy with unreadable digits gave.

    ``text`` has U+FFFD where the unknown digits leave a character undecided;
    ``unknown_digits`` counts the ``?`` of the copy, ``unreadable_groups`` names their
    groups (1-based, the indicator is group 1)."""

    text: str
    page_ids: tuple[str, ...]
    unknown_digits: int
    unreadable_groups: tuple[int, ...]

    @property
    def marked(self) -> int:
        """How many characters of the text are marked undecided."""
        return self.text.count(UNREADABLE)

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "page_ids": list(self.page_ids),
            "verified": False,
            "unknown_digits": self.unknown_digits,
            "unreadable_groups": list(self.unreadable_groups),
            "marked_characters": self.marked,
        }


def read_partial(
    doc: Document,
    book: PadBook,
    board: Board,
    *,
    convention: Convention = Convention.SUBTRACT,
    check: Scheme | None = auth.STRONG,
    codebook: Codebook | None = None,
) -> PartialReading:
    """Decipher ``doc`` (whose groups may hold ``?``) as far as it can be; changes
    nothing in ``book``.

    Raises:
        BadInput: The indicator is unreadable, or no value of the unknown digits makes
            the digits decode on ``board``.
        KeyManagementError: The indicator's page is unknown or burned.
    """
    copy = PartialMessage.from_groups(doc.groups, check.check_groups if check else 0)
    n = len(copy.body)
    # No replay check: nothing is marked, and the copy (with "?") cannot equal the text
    # of the message read on that page.
    pages = peek_key(book, copy.indicator, n)
    plain = decipher(copy.body, pages.key[:n], convention)
    try:
        text = decode_partial(board, plain, copy.body_known.tolist())
    except DecodeError as e:
        raise BadInput(
            f"{e.message}: a garbled group besides the unreadable ones, or the wrong "
            "board or convention"
        ) from None
    if codebook is not None:
        text = codebook.expand(text)
    return PartialReading(text, pages.page_ids, doc.unknown_digits, doc.unreadable)
