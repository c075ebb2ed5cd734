"""A burned page keeps nothing but its ID and the fact that it was burned (issue #11,
problem 10), in new books and in version-1 books migrated on open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

import cinq
from cinq.book import PadBook, PageState

V1_PAGE = """CREATE TABLE page (
        number INTEGER PRIMARY KEY CHECK (number >= 1),
        page_id TEXT UNIQUE NOT NULL CHECK (page_id GLOB '[0-9][0-9][0-9][0-9][0-9]'),
        digits BLOB,
        state TEXT NOT NULL DEFAULT 'unused' CHECK (state IN ('unused', 'used', 'burned')),
        used_at TEXT,
        message_serial INTEGER,
        burned_at TEXT,
        received TEXT,
        CHECK ((state = 'burned') = (digits IS NULL))
    )"""


def raw_rows(book: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(book)
    try:
        return list(db.execute("SELECT * FROM page ORDER BY number").fetchall())
    finally:
        db.close()


def columns(book: Path) -> list[str]:
    db = sqlite3.connect(book)
    try:
        return [r[1] for r in db.execute("PRAGMA table_info(page)")]
    finally:
        db.close()


def test_a_burned_page_keeps_only_its_id(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "net", pages=4, groups=20)
    with PadBook.open(send) as sender:
        docs = [cinq.encrypt(f"MESSAGE {n}", sender) for n in range(2)]
    with PadBook.open(receive) as book:
        cinq.decrypt(docs[0], book)
        read_at = "2001-02-03T04:05:06Z"  # a read time found nowhere else in the file
        with sqlite3.connect(receive) as db:
            db.execute("UPDATE page SET used_at = ? WHERE number = 1", (read_at,))
        db.close()
        digest = raw_rows(receive)[0][-1]
        assert isinstance(digest, str) and read_at.encode() in receive.read_bytes()
        book.burn(docs[0].groups[0])
        got = cinq.decrypt(docs[1], book, burn=True)  # --burn: in the reading transaction
        assert got.burned and got.text == "MESSAGE 1"
    assert "burned_at" not in columns(receive)
    rows = raw_rows(receive)
    for page_id, row in zip((d.groups[0] for d in docs), rows[:2], strict=True):
        assert row == (row[0], page_id, None, "burned", None, None, None)
    data = receive.read_bytes()
    assert digest.encode() not in data and read_at.encode() not in data
    with PadBook.open(send) as book:
        book.burn_used()
        assert [r[3:] for r in raw_rows(send)[:2]] == [("burned", None, None, None)] * 2
        # the message serial keeps counting: a burned book never repeats one
        assert book.take_for_sending(1).message_serial == 3


def make_v1_book(path: Path, role: str) -> tuple[bytes, str]:
    """A book as cinq wrote it before format version 2: page 1 used (serial 7), page 2
    burned with everything old cinq kept, pages 3-4 unused. Returns page 3's digits and
    page 2's digest."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA secure_delete = ON")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(V1_PAGE)
    meta = {
        "format": "cinq-pad-book",
        "version": "1",
        "name": "old",
        "serial": "12345",
        "groups_per_page": "1",
        "created": "2020-01-01T00:00:00Z",
        "role": role,
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    digest = "ab" * 32
    page3 = np.arange(5, dtype=np.uint8).tobytes()
    rows = [
        (1, "11111", page3, "used", "2020-02-02T00:00:00Z", 7, None, "cd" * 32),
        (2, "22222", None, "burned", "2020-03-03T00:00:00Z", 6, "2020-04-04T04:04:04Z", digest),
        (3, "33333", page3, "unused", None, None, None, None),
        (4, "44444", page3, "unused", None, None, None, None),
    ]
    db.executemany("INSERT INTO page VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()
    return page3, digest


def test_a_version_1_book_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.send.pad"
    page3, digest = make_v1_book(path, "send")
    assert digest.encode() in path.read_bytes()
    with PadBook.open(path) as book:
        infos = book.pages()
        assert [p.state for p in infos] == [
            PageState.USED,
            PageState.BURNED,
            PageState.UNUSED,
            PageState.UNUSED,
        ]
        assert (infos[1].used_at, infos[1].message_serial, infos[1].received) == (None,) * 3
        assert infos[0].message_serial == 7 and infos[0].used_at == "2020-02-02T00:00:00Z"
        key = book.take_for_sending(1)
        assert key.numbers == (3,) and key.key.tobytes() == page3
        assert key.message_serial == 8  # after the highest serial the old book had used
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() == ("2",)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    data = path.read_bytes()
    assert digest.encode() not in data and b"2020-04-04T04:04:04Z" not in data
    assert "burned_at" not in columns(path)
    # the migrated book has the table a new book has, to the letter
    fresh, _ = PadBook.create_pair(tmp_path / "fresh", pages=1, groups=1)
    schema = "SELECT sql FROM sqlite_master WHERE name = 'page'"
    with sqlite3.connect(path) as a, sqlite3.connect(fresh) as b:
        assert a.execute(schema).fetchall() == b.execute(schema).fetchall()
    a.close()
    b.close()
