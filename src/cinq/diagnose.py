"""Errors that say what is likely wrong, not only that something is.

A user who forgets ``--check hand`` should not be told the message was forged; one who
forgets ``--lang es`` should not be told a group is garbled; one who types French into
an English encrypt should be pointed at ``--lang fr`` before ``--fold``. Each function
here is called on a failure path, tries the likely alternatives, and returns the error
to raise, saying which alternative works. None of them changes a book or reveals a pad
digit: they name schemes, boards and languages only.

Exit codes: a message whose check groups verify under another scheme than the one asked
for is a usage error (exit 2, :class:`WrongOption`), not a forgery (exit 4): the sender's
key produced those check groups. Nothing is deciphered in that case either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import auth
from . import language as lg
from .auth import Scheme
from .book import PadBook
from .checkerboard import BOARDS, Board, DecodeError
from .digits import Digits
from .document import Document
from .errors import BadInput, CinqError, UnencodableText
from .hazmat.pages import peek_key
from .message import Message

__all__ = [
    "WrongOption",
    "language_hint",
    "other_scheme",
    "undecodable",
    "verifying_scheme",
]


class WrongOption(BadInput):
    """The input is fine but an option does not fit it (e.g. ``--check``). Exit code 2."""


# -- the check scheme ----------------------------------------------------------------------


def verifying_scheme(doc: Document, book: PadBook, asked: Scheme | None) -> Scheme | None:
    """Another check scheme under which ``doc``'s check groups verify, if one does.

    Reads the key through :func:`cinq.hazmat.pages.peek_key` (which marks nothing); any
    error while trying a scheme (too few groups, a page that is not there) means that
    scheme does not fit."""
    for alt in auth.SCHEMES.values():
        if asked is not None and alt.name == asked.name:
            continue
        try:
            message = Message.from_document(doc, alt.check_groups)
            n = len(message.body)
            pages = peek_key(book, message.indicator, n + alt.key_digits)
            mac_key = pages.key[n : n + alt.key_digits]
            if auth.verify(alt, message.indicator, message.body, mac_key, message.check):
                return alt
        except CinqError:
            continue
    return None


def other_scheme(doc: Document, book: PadBook, asked: Scheme | None) -> WrongOption | None:
    """The error to raise instead of "altered or forged" when the check groups verify
    under another scheme; None when no other scheme verifies them.

    A weaker scheme is easier to forge: when the one that verifies is weaker than the
    one asked for (hand for strong), the error says that a sender who uses the asked
    scheme did not send this message."""
    alt = verifying_scheme(doc, book, asked)
    if alt is None:
        return None
    under = f"the {asked.name} scheme" if asked else "no check groups (--check none)"
    weaker = asked is not None and alt.forgery_bound(1) > asked.forgery_bound(1)
    caution = (
        f" (if your sender uses the {asked.name} scheme, treat the message as forged)"
        if weaker and asked is not None
        else ""
    )
    return WrongOption(
        f"the message was read with {under}, but its check groups verify under the "
        f"{alt.name} scheme: did you forget --check {alt.name}?{caution} Nothing was "
        "deciphered"
    )


# -- the board and the language ----------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    """A board that decodes the digits: the language its text reads best in (its
    per-character score) and the languages whose default board it is."""

    board: str
    lang: str
    score: float
    langs: tuple[str, ...]

    @property
    def option(self) -> str:
        if self.langs:
            return " or ".join(f"--lang {code}" for code in self.langs) + f" (board {self.board})"
        return f"--board {self.board}"


def _decoding_boards(plain: Digits, tried: Board) -> list[_Fit]:
    """The built-in boards other than ``tried`` on which ``plain`` decodes, the best
    reading (by the language models) first."""
    from .language.model import model

    fits = []
    for b in BOARDS.values():
        try:
            text = b.decode(plain, padded=True)
        except DecodeError:
            continue
        if b.name == tried.name or not text:
            continue
        langs = tuple(code for code, p in lg.LANGUAGES.items() if p.default_board == b.name)
        candidates = langs or tuple(c for c in lg.LANGUAGES if c != "ru")
        score, lang = max((model(code).score(text), code) for code in candidates)
        fits.append(_Fit(b.name, lang, score, langs))
    return sorted(fits, key=lambda f: -f.score)


def _other_convention(plain: Digits, cipher: Digits, board: Board) -> str | None:
    """The language the text reads in under the other convention, if it does: with
    ``p = c + k`` one way and ``c - k`` the other, the other reading is ``2c - p``."""
    from .analysis.plaintext import THRESHOLD
    from .language.model import model

    other = (2 * cipher.astype(np.int16) - plain.astype(np.int16)) % 10
    try:
        text = board.decode(other.astype(np.uint8), padded=True)
    except DecodeError:
        return None
    if not text:
        return None
    langs = [code for code, p in lg.LANGUAGES.items() if p.default_board == board.name]
    score, lang = max((model(c).score(text), c) for c in langs or ["en"])
    return lang if score > THRESHOLD else None


def undecodable(
    plain: Digits,
    board: Board,
    where: str,
    *,
    verified: bool | None,
    cipher: Digits | None = None,
) -> BadInput:
    """The error for deciphered digits that do not decode on ``board`` at ``where``.

    After the check groups verified, the digits are what the sender sent: a wrong board
    or language is far likelier than a garbled group, so the error says so and names
    the built-in boards (and the languages that use them) on which the digits decode,
    those whose text reads as language (:data:`cinq.analysis.plaintext.THRESHOLD`)
    first. Given the ``cipher`` digits, the other convention (add/subtract) is tried
    first, on the same board."""
    from .analysis.plaintext import THRESHOLD

    if verified:
        head = (
            f"the check groups verified, but the deciphered digits do not decode on board "
            f"{board.name} (at {where}): the board or language is likely wrong"
        )
    else:
        head = (
            f"the deciphered digits do not decode on board {board.name} at {where}: "
            "a garbled group, or the wrong board, language or convention"
        )
    lang = _other_convention(plain, cipher, board) if cipher is not None else None
    if lang is not None:
        name = lg.LANGUAGES[lang].name
        return BadInput(f"{head}; they read as {name} with the other --convention")
    fits = _decoding_boards(plain, board)
    reads = [f for f in fits if f.score > THRESHOLD]
    if reads:
        name = lg.LANGUAGES[reads[0].lang].name
        more = "".join(f"; also with {f.option}" for f in reads[1:3])
        return BadInput(f"{head}; they read as {name} with {reads[0].option}{more}")
    if fits:
        ways = ", ".join(f.option for f in fits[:4])
        return BadInput(f"{head}; they decode, though not clearly as language, with {ways}")
    return BadInput(f"{head}; no built-in board decodes them (a keyed board? --key)")


# -- encrypt: the language of the text ---------------------------------------------------


def _fits(text: str, board: Board, profile: lg.Language) -> bool:
    try:
        lg.prepare(text, board, profile)
    except UnencodableText:
        return False
    return True


def _own_characters(text: str, profile: lg.Language) -> int:
    """How many distinct letters of ``text`` that profile handles itself (its board's
    cells or its own foldings): how much the text looks like that language."""
    board = profile.board
    letters = {c for c in text.upper() if c.isalpha() and not c.isascii()}
    return sum(board.can_encode(c) or c in profile.folds for c in letters)


def language_hint(
    error: UnencodableText,
    text: str,
    asked: lg.Language,
    board: Board | None,
) -> UnencodableText:
    """``error`` again, suggesting ``--lang xx`` when the text is evidently in a language
    whose board (or, with an explicit ``board``, whose foldings) encode it all, where
    the profile ``asked`` did not. Unchanged when no language fits better."""
    fits = [
        p
        for code, p in lg.LANGUAGES.items()
        if code != asked.code and _fits(text, board or p.board, p)
    ]
    if not fits:
        return error
    best = max(_own_characters(text, p) for p in fits)
    if best == 0:
        return error
    names = [p for p in fits if _own_characters(text, p) == best]
    how = " or ".join(f"--lang {p.code}" for p in names)
    what = " or ".join(p.name for p in names)
    cell = error.message.split(";")[0]
    folded = "no folding" in error.message  # language._hint: --fold was given, in vain
    instead = "--drop would leave it out" if folded else "--fold would approximate it"
    return UnencodableText(
        f"{cell}; the text looks {what}: use {how} ({instead} in {asked.name})",
        location=error.location,
    )


# -- unverified readings ---------------------------------------------------------------


def unverified_warning(unknown_digits: int) -> str:
    """What to tell the user above an unverified reading: a copy with ``unknown_digits``
    unreadable digits could not be checked; otherwise the check groups failed."""
    if unknown_digits:
        digits = (
            "1 unreadable digit" if unknown_digits == 1 else f"{unknown_digits} unreadable digits"
        )
        return (
            f"WARNING: the copy has {digits}: the check groups cannot verify it and the "
            "page is not marked read. The text below is NOT verified; \ufffd marks what "
            "could not be read."
        )
    return (
        "WARNING: authentication failed: the message was altered or forged. "
        "The text below is NOT authentic."
    )
