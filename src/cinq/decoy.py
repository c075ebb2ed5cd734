"""Deniable decoys: a receive book under which an intercepted message says something else.

A one-time pad gives no way to tell the true key from any other: for every ciphertext
and every plaintext of the same length there is a key that turns one into the other.
The one-time MAC keeps that property (for every ``r`` there is exactly one ``s``), so
the decoy's check groups verify too.

A decoy must not be told from a real book by anything cinq writes or says.

* ``like=`` a real receive book (the usual case): the decoy is that book's SQLite file
  image with new digits. The image is read into memory (never written to disk), every
  page's digits are overwritten in place with fresh CSPRNG digits, or with the decoy
  key on the message's pages, and the file is written once. Name, serial, creation
  time, page IDs, page order, every page's state, read time and message digest, the
  SQLite layout and its header (write counter, schema cookie, page count, freelist),
  and the file's modification time are the real book's. The message's pages are the
  ones its indicator names; if the real book read this message there, the decoy says
  so with the real read time. If those pages were burned (or spoiled), the decoy has
  them unread.
* without ``like``: a new receive book, made like any other (:meth:`PadBook.
  create_from_pages`), with the message on its first pages, as a real book is filled,
  and not yet read. Its creation time is now, which is later than the traffic it
  reads: use ``like=`` where that matters.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import urllib.parse
from pathlib import Path

import numpy as np

from . import auth, files
from . import digits as dg
from . import language as lg
from .auth import Scheme
from .book import BUSY_TIMEOUT, MAX_GROUPS, MAX_PAGES, PadBook, Role, message_digest, new_page_ids
from .checkerboard import Board
from .codebook import Codebook
from .digits import GROUP, Digits
from .document import Document
from .errors import BadInput
from .hazmat.cipher import Convention, subtract
from .hazmat.forge import key_for
from .hazmat.pad import random_digits
from .message import Message

# SQLite header fields a decoy copies from the real book's header as they are: the file
# change counter (24-27), the "version valid for" number (92-95) that must equal it,
# and the SQLite version that last wrote the file (96-99). Everything else in the
# header follows from the layout, which the decoy shares with the real book.
_COUNTERS = (slice(24, 28), slice(92, 100))


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
    mac_key = key_for(check, message.indicator, message.body, message.check, r)
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
    ``decoy_text``. Returns its path; refuses to overwrite. ``pages`` and ``groups``
    (bounded as for :meth:`PadBook.create_pair`) apply only without ``like``."""
    if like is None:
        _check_size(pages, groups)  # before anything is allocated
    elif like.role is not Role.RECEIVE:
        raise BadInput(
            f"book {like.name} is a {like.role.value} book: a decoy copies a receive book"
        )
    doc = Document.parse(document) if isinstance(document, str) else document
    profile = lg.language(lang) if isinstance(lang, str) else lang
    message = Message.from_document(doc, check.check_groups if check else 0)
    key = decoy_key(
        message, decoy_text, board=board or profile.board, lang=profile, policy=policy,
        convention=convention, check=check, codebook=codebook,
    )  # fmt: skip
    if like is None:
        return _fresh_decoy(Path(base), message, key, pages, groups)
    return _decoy_like(Path(base), message, key, like)


def _check_size(pages: int, groups: int) -> None:
    if not 1 <= pages <= MAX_PAGES:
        raise BadInput(f"a book has 1 to {MAX_PAGES} pages, not {pages}")
    if not 1 <= groups <= MAX_GROUPS:
        raise BadInput(f"a page has 1 to {MAX_GROUPS} groups, not {groups}")


def _fresh_decoy(base: Path, message: Message, key: Digits, pages: int, groups: int) -> Path:
    """A new receive book with the key on its first pages, unread."""
    size = groups * GROUP
    span = -(-len(key) // size)
    if span > pages:
        raise BadInput(f"the message needs {span} pages of {groups} groups; pages={pages}")
    ids = new_page_ids(pages)
    if message.indicator in ids:
        ids.remove(message.indicator)
    else:
        ids.pop()
    ids.insert(0, message.indicator)  # a real book is read from its first page on
    digits = random_digits(pages * size)
    digits[: len(key)] = key
    (path,) = PadBook.create_from_pages(
        base,
        list(zip(ids, digits.reshape(pages, size), strict=True)),
        roles=(Role.RECEIVE,),
        name=base.name,
    )
    return path


def _decoy_like(base: Path, message: Message, key: Digits, like: PadBook) -> Path:
    """The real book's file image with new digits (see the module docstring)."""
    final = base.with_name(f"{base.name}.receive.pad")
    if os.path.lexists(final):
        raise BadInput(f"{final} already exists: refusing to overwrite a pad book")
    image = _image(like.path)
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.deserialize(image)
        db.execute("PRAGMA secure_delete = ON")  # freed cell space is zeroed
        db.execute("BEGIN")
        numbers = _put_message(db, message, key, like)
        _refill(db, numbers)
        db.execute("COMMIT")
        decoy = bytearray(db.serialize())
    finally:
        db.close()
    for field in _COUNTERS:
        decoy[field] = image[field]
    real = like.path.stat()
    return _write_new(final, bytes(decoy), times=(real.st_atime_ns, real.st_mtime_ns))


def _image(path: Path) -> bytes:
    """The book's file as SQLite reads it, in one read transaction (changes nothing)."""
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT COUNT(*) FROM page").fetchone()
        return conn.serialize()
    except sqlite3.DatabaseError as e:
        raise BadInput(f"cannot read pad book {path}: {e}") from None
    finally:
        conn.close()


def _put_message(db: sqlite3.Connection, message: Message, key: Digits, like: PadBook) -> set[int]:
    """Write the key on the pages the indicator names; returns their numbers."""
    size = like.groups_per_page * GROUP
    row = db.execute("SELECT number FROM page WHERE page_id = ?", (message.indicator,)).fetchone()
    if row is None:
        raise BadInput(f"page {message.indicator} is not in book {like.name}")
    span = -(-len(key) // size)
    numbers = list(range(row[0], row[0] + span))
    (last,) = db.execute("SELECT MAX(number) FROM page").fetchone()
    if numbers[-1] > last:
        raise BadInput(f"the message runs past the end of book {like.name}")
    stream = np.concatenate([key, random_digits(span * size - len(key))]).reshape(span, size)
    digest = message_digest(message.canonical)
    for number, page in zip(numbers, stream, strict=True):
        (state,) = db.execute("SELECT state FROM page WHERE number = ?", (number,)).fetchone()
        if state == "used":  # read here: keep the real read time; the digest is this message's
            db.execute(
                "UPDATE page SET digits = ?, received = ? WHERE number = ?",
                (page.tobytes(), digest, number),
            )
        elif state == "unused":
            db.execute("UPDATE page SET digits = ? WHERE number = ?", (page.tobytes(), number))
        else:  # burned or spoiled: nothing left to read it with; the decoy has it unread
            db.execute(
                "UPDATE page SET state = 'unused', digits = ?, used_at = NULL, "
                "message_serial = NULL, received = NULL WHERE number = ?",
                (page.tobytes(), number),
            )
    return set(numbers)


def _refill(db: sqlite3.Connection, skip: set[int]) -> None:
    """Fresh CSPRNG digits, of the same length, on every other page that has digits:
    the same size lets SQLite overwrite each in place, so the layout stays the real one."""
    rows = [
        (number, length)
        for number, length in db.execute(
            "SELECT number, length(digits) FROM page WHERE digits IS NOT NULL ORDER BY number"
        )
        if number not in skip
    ]
    db.executemany(
        "UPDATE page SET digits = ? WHERE number = ?",
        ((random_digits(length).tobytes(), number) for number, length in rows),
    )


def _write_new(final: Path, data: bytes, *, times: tuple[int, int]) -> Path:
    """``data`` as a new mode-0600 file ``final`` with the access and modification
    ``times`` (ns) of the real book, never over an existing one
    (:func:`cinq.files.write_new`: a temp file the next run sweeps if this one is
    killed, then a hard link)."""
    try:
        return files.write_new(final, data, times=times)
    except FileExistsError:
        raise BadInput(f"{final} already exists: refusing to overwrite a pad book") from None
    except OSError as e:
        raise BadInput(f"cannot create {final}: {e.strerror}") from None
