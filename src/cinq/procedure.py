"""The safe recipes: plaintext -> document with a send book, document -> plaintext
with a receive book.

These are what most users want. Every step is checked before a pad page is touched:
text that cannot be encoded is refused with nothing consumed. On the receiving side the
check groups are verified before anything is deciphered, a page already used for a
different message is refused, and the page is marked read only once the message
verified and decoded cleanly, all in one transaction. A page is spent only when the
message is out: a document that cannot be delivered spoils its pages, and says so.

The key stream of a message is its pages' digits in order: the first digits encipher
the text, the digits right after them key the check groups (:mod:`cinq.auth`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import auth, diagnose, partial
from . import digits as dg
from . import language as lg
from .auth import Scheme
from .book import KeyPages, PadBook, PageInfo, Receipt
from .checkerboard import Board, DecodeError
from .codebook import Codebook
from .digits import Digits
from .document import Document
from .errors import AuthenticationFailed, BadInput, CinqError, PageSpoiled, UnencodableText
from .hazmat.cipher import Convention, decipher, encipher
from .message import Message, pad_to_groups
from .paths import accepts_paths


def _board(board: Board | None, lang: lg.Language | str) -> tuple[Board, lg.Language]:
    profile = lg.language(lang) if isinstance(lang, str) else lang
    return board or profile.board, profile


@dataclass(frozen=True)
class Sent:
    """An enciphered message: its document and the pages it was enciphered on."""

    document: Document
    page_ids: tuple[str, ...]
    message_serial: int | None
    book: str  # the book's name

    @property
    def groups(self) -> int:
        return self.document.group_count

    def to_json(self, per_line: int = 1) -> dict[str, object]:
        return {
            "document": self.document.render(per_line),
            "groups": self.groups,
            "indicator": self.page_ids[0],
            "page_ids": list(self.page_ids),
            "message_serial": self.message_serial,
            "book": self.book,
        }


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
    shorter. :func:`send` does the same and also says which pages were used.
    """
    return send(
        text, book, board=board, lang=lang, policy=policy, convention=convention,
        cover=cover, signature=signature, check=check, codebook=codebook,
    ).document  # fmt: skip


@accepts_paths  # book may be a path, cover a Path (cinq.paths)
def send(
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
    deliver: Callable[[Sent], None] | None = None,
) -> Sent:
    """:func:`encrypt`, returning the pages used with the document.

    A page is spent only when the message is out: ``deliver(sent)`` (write the
    document) is called once the pages are taken, and if it fails, or anything else
    fails after the pages were taken, the pages are marked spoiled in the book (never
    used again, their digits destroyed) and :class:`PageSpoiled` names them (the
    original exception if it was not an error of cinq's or of the OS, e.g. Ctrl-C).
    """
    plain = text_digits(text, board, lang, policy, codebook)
    # Validate the rest of the document before a page is consumed.
    Document(groups=("00000",), cover=cover, signature=signature)
    n = len(plain)
    pages = book.take_for_sending(n + (check.key_digits if check else 0))
    try:
        message = compose(plain, pages.indicator, pages.key, convention=convention, check=check)
        doc = Document.from_figures(message.figures, cover=cover, signature=signature)
        sent = Sent(doc, pages.page_ids, pages.message_serial, book.name)
        if deliver is not None:
            deliver(sent)
    except BaseException as exc:
        raise _spoiled(book, pages, exc, "the message could not be delivered") from None
    return sent


@dataclass(frozen=True)
class Plan:
    """What a message will take, worked out before any page is: :func:`plan`.

    Attributes
    ----------
    digits
        Plaintext digits on the board, padded to whole groups.
    groups
        Groups of the message: the indicator, the text, the check groups.
    pages
        Pad pages it will take (text and check key together).
    unused
        Unused pages the book has left.
    """

    digits: int
    groups: int
    pages: int
    unused: int

    @property
    def fits(self) -> bool:
        """Whether the book has the pages (consecutive pages are needed: :func:`send`
        says so if the unused ones are split by pages issued to paper)."""
        return self.pages <= self.unused

    def to_json(self) -> dict[str, object]:
        return {
            "digits": self.digits,
            "groups": self.groups,
            "pages": self.pages,
            "unused": self.unused,
            "fits": self.fits,
        }


@accepts_paths  # book may be a path
def plan(
    text: str,
    book: PadBook,
    *,
    board: Board | None = None,
    lang: lg.Language | str = "en",
    policy: lg.Policy = lg.Policy.STRICT,
    check: Scheme | None = auth.STRONG,
    codebook: Codebook | None = None,
) -> Plan:
    """How many digits, groups and pages :func:`send` of ``text`` would take on
    ``book``, with the same refusals (text that cannot be encoded, an empty message);
    nothing is taken."""
    plain = text_digits(text, board, lang, policy, codebook)
    key = len(plain) + (check.key_digits if check else 0)
    groups = 1 + len(plain) // dg.GROUP + (check.check_groups if check else 0)
    return Plan(len(plain), groups, book.pages_needed(key), book.status().unused)


def compose(
    plain: Digits,
    indicator: str,
    key: Digits,
    *,
    convention: Convention = Convention.SUBTRACT,
    check: Scheme | None = auth.STRONG,
) -> Message:
    """The message of ``plain`` (whole groups) on ``key``: the indicator, ``plain``
    enciphered on the first digits of ``key``, and the check groups keyed by the
    digits right after them (``key`` may be longer: the rest is not used)."""
    n = len(plain)
    body = encipher(plain, key[:n], convention)
    tag = dg.empty()
    if check:
        tag = auth.check_values(check, indicator, body, key[n : n + check.key_digits])
    return Message(indicator, body, tag)


def open_message(
    message: Message,
    key: Digits,
    board: Board,
    *,
    convention: Convention = Convention.SUBTRACT,
    check: Scheme | None = auth.STRONG,
) -> str:
    """The text of ``message`` on ``key`` (its pages' digits, in order), after its
    check groups verify: :class:`AuthenticationFailed` if they do not (nothing is
    deciphered), :class:`BadInput` if the digits do not decode on ``board``."""
    n = len(message.body)
    verified = _verify(message, key[n:], check, unverified=False)
    return _decode(message, decipher(message.body, key[:n], convention), board, verified)


def text_digits(
    text: str,
    board: Board | None,
    lang: lg.Language | str,
    policy: lg.Policy,
    codebook: Codebook | None,
    *,
    padded: bool = True,
) -> Digits:
    """The text encoded on the board, in whole groups (``padded=False``: as encoded,
    for a caller that fills it itself); refused (nothing taken yet) if it cannot be
    encoded, with a hint when it looks like another language."""
    b, profile = _board(board, lang)
    try:
        plain = lg.encode(text, b, profile, policy)  # validates, with errors in the user's text
    except UnencodableText as e:
        raise diagnose.language_hint(e, text, profile, board) from None
    if codebook is not None:
        canonical = lg.prepare(text, b, profile, policy).text
        plain = b.encode(codebook.compress(canonical, b))
    if len(plain) == 0:
        raise BadInput("the message is empty")
    return pad_to_groups(plain, b) if padded else plain


def _spoiled(book: PadBook, pages: KeyPages, exc: BaseException, what: str) -> BaseException:
    """Mark ``pages`` spoiled after ``exc``; the error to raise in its place."""
    ids = ", ".join(pages.page_ids)
    try:
        book.spoil(pages)
        marked = f"page(s) {ids} of book {book.name} are spoiled: never to be used again"
    except CinqError:  # e.g. the disk is full: the pages stay 'used', never reused either
        marked = f"page(s) {ids} of book {book.name} are used up (could not mark them spoiled)"
    if not isinstance(exc, CinqError | OSError):
        return exc  # Ctrl-C, a bug: the pages are spoiled, the original error goes on
    reason = exc.message if isinstance(exc, CinqError) else (exc.strerror or str(exc))
    return PageSpoiled(f"{what} ({reason}); {marked}", page_ids=pages.page_ids)


@dataclass(frozen=True)
class Received:
    """A deciphered message and what the book knew of its pages before.

    ``verified`` is True when the check groups matched, None when the message had none
    (``check=None``) and False only for ``unverified=True`` reads of a message that
    failed; such a read does not mark the pages. ``burned``: the pages were burned
    (in the transaction that marked them read, before the text was released).
    ``unknown_digits``: the ``?`` of a copy read unverified as far as it could be
    (:mod:`cinq.partial`).
    """

    text: str
    page_ids: tuple[str, ...]
    previously: tuple[PageInfo, ...]
    verified: bool | None
    burned: bool = False
    unknown_digits: int = 0

    @property
    def already_read(self) -> bool:
        return any(p.used_at is not None for p in self.previously)

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "indicator": self.page_ids[0],
            "page_ids": list(self.page_ids),
            "verified": self.verified,
            "already_read": self.already_read,
            "previously_read": [
                {"page_id": p.page_id, "read_at": p.used_at}
                for p in self.previously
                if p.used_at is not None
            ],
            "burned": self.burned,
            "unknown_digits": self.unknown_digits,
        }


@dataclass(frozen=True)
class _Reading:
    text: str
    verified: bool | None


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
    burn: bool = False,
    deliver: Callable[[Received], None] | None = None,
) -> Received:
    """Find the indicator's page in a receive book, verify, decipher and decode.

    Raises :class:`AuthenticationFailed` when the check groups do not match (unless
    ``unverified``), and :class:`KeyManagementError` for an unknown or burned page or a
    page already used for a different message. The check that the pages were not read
    for a different message, the verifying, deciphering and decoding, and the marking
    of the pages (and their burning, with ``burn``) are one transaction
    (:meth:`PadBook.receive`): of two different messages on one page only one is ever
    accepted, even by receivers running at once. ``deliver(received)`` (write the
    text) is called after that; if it fails once the pages were burned, the message
    is gone and :class:`PageSpoiled` says so.
    """
    doc = Document.parse(document) if isinstance(document, str) else document
    b, _ = _board(board, lang)
    if doc.unreadable and unverified:  # "?" digits: as far as it can be read, unmarked
        return _delivered(book, _partial(doc, book, b, convention, check, codebook), deliver)
    message = Message.from_document(doc, check.check_groups if check else 0)
    n = len(message.body)

    def read(pages: KeyPages) -> _Reading:
        verified = _verify(message, pages.key[n:], check, unverified=unverified)
        text = _decode(message, decipher(message.body, pages.key[:n], convention), b, verified)
        return _Reading(codebook.expand(text) if codebook else text, verified)

    receipt = _receive(book, doc, message, check, read, burn)
    previously = receipt.previously if receipt.marked else ()
    got = Received(
        receipt.value.text, receipt.page_ids, previously, receipt.value.verified, receipt.burned
    )
    return _delivered(book, got, deliver)


def _receive(
    book: PadBook,
    doc: Document,
    message: Message,
    check: Scheme | None,
    read: Callable[[KeyPages], _Reading],
    burn: bool,
) -> Receipt[_Reading]:
    """:meth:`PadBook.receive` for ``message``; a failure that another check scheme
    explains is reported as such (:func:`cinq.diagnose.other_scheme`)."""
    try:
        return book.receive(
            message.indicator,
            len(message.body) + (check.key_digits if check else 0),
            message=message.canonical,
            accept=read,
            mark=lambda reading: reading.verified is not False,
            burn=burn,
        )
    except (AuthenticationFailed, BadInput) as e:
        # Outside the transaction: the diagnosis reads the book itself.
        wrong = None
        if isinstance(e, AuthenticationFailed) or check is None:
            wrong = diagnose.other_scheme(doc, book, check)
        raise wrong or e from None


def _verify(
    message: Message, mac_digits: Digits, check: Scheme | None, *, unverified: bool
) -> bool | None:
    """True/False: the check groups match or not (False raises unless ``unverified``);
    None without check groups."""
    if check is None:
        return None
    mac_key = mac_digits[: check.key_digits]
    verified = auth.verify(check, message.indicator, message.body, mac_key, message.check)
    if not verified and not unverified:
        raise AuthenticationFailed(
            f"authentication failed: the message was altered or forged (indicator "
            f"{message.indicator}, {check.name} check groups); nothing was deciphered"
        )
    return verified


def _decode(message: Message, plain: Digits, b: Board, verified: bool | None) -> str:
    try:
        return b.decode(plain, padded=True)
    except DecodeError as e:  # say which board, language or convention reads it
        where = message.locate(e.index)
        cipher = message.body
        raise diagnose.undecodable(plain, b, where, verified=verified, cipher=cipher) from None


def _partial(
    doc: Document,
    book: PadBook,
    b: Board,
    convention: Convention,
    check: Scheme | None,
    codebook: Codebook | None,
) -> Received:
    """An unverified reading of a copy with unreadable digits; marks nothing."""
    r = partial.read_partial(doc, book, b, convention=convention, check=check, codebook=codebook)
    return Received(r.text, r.page_ids, (), False, unknown_digits=r.unknown_digits)


def _delivered(
    book: PadBook, got: Received, deliver: Callable[[Received], None] | None
) -> Received:
    """``got``, after ``deliver(got)``; if that fails after the pages were burned,
    :class:`PageSpoiled` (the text is lost for good). Unburned pages can be read
    again: the error stays what it was."""
    if deliver is None:
        return got
    try:
        deliver(got)
    except (CinqError, OSError) as exc:
        if not got.burned:
            raise
        reason = exc.message if isinstance(exc, CinqError) else (exc.strerror or str(exc))
        raise PageSpoiled(
            f"the plaintext could not be written ({reason}), and page(s) "
            f"{', '.join(got.page_ids)} of book {book.name} were already burned: the "
            "message cannot be read again",
            page_ids=got.page_ids,
        ) from None
    return got
