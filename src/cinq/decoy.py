"""Deniable decoys: a receive book under which an intercepted message says something else.

A one-time pad gives no way to tell the true key from any other: for every ciphertext
and every plaintext of the same length there is a key that turns one into the other.
The one-time MAC keeps that property (for every ``r`` there is exactly one ``s``), so
the decoy's check groups verify too. A decoy book has the same layout as a real
receive book: the message's pages hold the decoy key, already marked read; every
other page is fresh CSPRNG digits. With ``like=`` it copies a real book's name,
serial, page IDs and page size, so that its pages match the indicators of other
intercepted traffic.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import numpy as np

from . import auth
from . import digits as dg
from . import language as lg
from .auth import Scheme
from .book import PadBook, Role, new_page_ids
from .checkerboard import Board
from .cipher import Convention, subtract
from .codebook import Codebook
from .digits import GROUP, Digits
from .document import Document
from .errors import BadInput
from .message import Message
from .pad import random_digits


def decoy_key(
    message: Message,
    decoy_text: str,
    *,
    board: Board,
    lang: lg.Language,
    policy: lg.Policy = lg.Policy.STRICT,
    convention: Convention = Convention.SUBTRACT,
    check: Scheme | None = auth.STRONG,
    codebook: Codebook | None = None,
) -> Digits:
    """The key stream (cipher digits, then check-group key) that makes ``message``
    decrypt to ``decoy_text`` and verify."""
    n = len(message.body)
    plain = _encode(decoy_text, board, lang, policy, codebook)
    if len(plain) > n:
        fits = _characters_that_fit(decoy_text, n, board, lang, policy, codebook)
        raise BadInput(
            f"the decoy needs {len(plain)} digits but the message has {n}: "
            f"only the first {fits} characters of the decoy fit"
        )
    short = n - len(plain)
    filled = np.concatenate([plain, dg.from_str(board.fill(short))]) if short else plain
    if board.decode(filled, padded=True) != board.decode(plain):
        raise BadInput(
            f"the decoy is {short} digits shorter than the message, more than board "
            f"{board.name} can pad with nothing: make it longer (the message holds {n} digits)"
        )
    # cipher = plain - key  =>  key = plain - cipher;   cipher = plain + key => key = c - p
    if convention is Convention.SUBTRACT:
        key = subtract(filled, message.body)
    else:
        key = subtract(message.body, filled)
    if check is None:
        return key
    r = [secrets.randbelow(10**check.width) for _ in range(check.evaluations)]
    mac_key = auth.key_for(check, message.indicator, message.body, message.check, r)
    return np.concatenate([key, mac_key])


def _encode(
    text: str, board: Board, lang: lg.Language, policy: lg.Policy, codebook: Codebook | None
) -> Digits:
    plain = lg.encode(text, board, lang, policy)
    if codebook is None:
        return plain
    return board.encode(codebook.compress(lg.prepare(text, board, lang, policy).text, board))


def _characters_that_fit(
    text: str,
    n: int,
    board: Board,
    lang: lg.Language,
    policy: lg.Policy,
    codebook: Codebook | None,
) -> int:
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that encodes to at most n digits
        mid = (lo + hi + 1) // 2
        if len(_encode(text[:mid], board, lang, policy, codebook)) <= n:
            lo = mid
        else:
            hi = mid - 1
    return lo


def make_decoy(
    document: Document | str,
    decoy_text: str,
    base: str | Path,
    *,
    board: Board | None = None,
    lang: lg.Language | str = "en",
    policy: lg.Policy = lg.Policy.STRICT,
    convention: Convention = Convention.SUBTRACT,
    check: Scheme | None = auth.STRONG,
    like: PadBook | None = None,
    codebook: Codebook | None = None,
    pages: int = 100,
    groups: int = 50,
) -> Path:
    """Write ``base.receive.pad``: a receive book that reads ``document`` as
    ``decoy_text``. Returns its path; refuses to overwrite."""
    doc = Document.parse(document) if isinstance(document, str) else document
    profile = lg.language(lang) if isinstance(lang, str) else lang
    b = board or profile.board
    message = Message.from_groups(doc.groups, check.check_groups if check else 0)
    key = decoy_key(
        message, decoy_text, board=b, lang=profile, policy=policy, convention=convention,
        check=check, codebook=codebook,
    )  # fmt: skip
    if like is not None:
        ids = [p.page_id for p in like.pages()]
        groups, name, serial = like.groups_per_page, like.name, like.serial
        if message.indicator not in ids:
            raise BadInput(f"page {message.indicator} is not in book {like.name}")
        first = ids.index(message.indicator)
    else:
        name, serial = Path(base).name, None
        ids = _page_ids(pages, message.indicator)
        first = -1
    size = groups * GROUP
    span = -(-len(key) // size)
    if like is None:
        if span > len(ids):
            raise BadInput(f"the message needs {span} pages of {groups} groups; pages={pages}")
        first = secrets.randbelow(len(ids) - span + 1)
        ids.remove(message.indicator)
        ids.insert(first, message.indicator)
    if first + span > len(ids):
        raise BadInput(f"the message runs past the end of book {name}")
    digits = random_digits(len(ids) * size).reshape(len(ids), size)
    stream = digits[first : first + span].reshape(-1)
    stream[: len(key)] = key
    digits[first : first + span] = stream.reshape(span, size)
    (path,) = PadBook.create_from_pages(
        base, list(zip(ids, digits, strict=True)), roles=(Role.RECEIVE,), name=name, serial=serial
    )
    with PadBook.open(path) as book:
        read = book.pages_for_receiving(message.indicator, len(key))
        book.mark_received(read, message.canonical)
        if like is not None:
            for info in like.pages():
                if info.state.value == "burned" and info.page_id not in read.page_ids:
                    book.burn(info.page_id)
    return path


def _page_ids(n: int, must: str) -> list[str]:
    """``n`` distinct random page IDs, ``must`` among them."""
    ids = new_page_ids(n)
    if must not in ids:
        ids[secrets.randbelow(n)] = must
    return ids
