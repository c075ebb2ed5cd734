"""Pad pages read out of a book without recording that they were read.

.. warning::
   A hazmat primitive: see :mod:`cinq.hazmat`. The recipes are :func:`cinq.encrypt`
   and :func:`cinq.decrypt`: they take a send book's pages exactly once
   (:meth:`cinq.PadBook.take_for_sending`) and mark a receive book's pages read, or
   burn them, in the transaction that reads them (:meth:`cinq.PadBook.receive`).
   Nothing here changes the book: digits read here can be read again, enciphered on
   or copied to paper, and the book keeps no trace of it.

Inside cinq they serve what must not mark a page: telling which check scheme a
message that fails to verify was made with (:mod:`cinq.diagnose`), the unverified
reading of a copy with unreadable digits (:mod:`cinq.partial`), and printing a receive
book (:mod:`cinq.printing.pads`; a send book's printed pages are issued instead).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..book import ExportedPage, KeyPages, PadBook


def peek_key(
    book: PadBook, page_id: str, digits_needed: int, *, message: str | None = None
) -> KeyPages:
    """The key of receive book ``book`` starting at page ``page_id`` (the indicator),
    for ``digits_needed`` digits; marks nothing.

    Pages without digits (burned, issued, spoiled) are refused, and with ``message``
    (the message's groups as text) so is a page already used for a *different*
    message: a replay, a forgery or an accidental reuse of the pad. The same message
    again is allowed. :class:`~cinq.errors.KeyManagementError` for a send book.
    """
    return book._peek_key(page_id, digits_needed, message=message)


def peek_pages(book: PadBook, numbers: Sequence[int] | None = None) -> list[ExportedPage]:
    """The pages of ``book`` that have digits (all, or the page ``numbers`` given),
    with their digits, in book order (or in the order of ``numbers``); marks nothing:
    a send book's pages stay unused. :class:`~cinq.errors.KeyManagementError` for a
    number the book lacks."""
    return book._peek_pages(numbers)
