"""A decoy book cannot be told from the real one by anything cinq writes or says
(issue 11, problems 11 and 12): a real receive book after real traffic, and its decoy,
compared field by field, and their SQLite headers byte by byte."""

from __future__ import annotations

import sqlite3
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import cinq
from cinq.book import PadBook, PageState, Role
from cinq.decoy import make_decoy
from cinq.errors import BadInput
from tests.clirun import cinq as run_cli

DECOY = "BUY BREAD AND MILK, THEN CALL AUNT MARY AT 6. SEE YOU ON SUNDAY."
TRUTH = "THE DROP IS UNDER THE THIRD BRIDGE AT MIDNIGHT. COME ALONE AND BRING THE FILM."


def send(path: Path, text: str) -> cinq.Document:
    with PadBook.open(path) as b:
        return cinq.encrypt(text, b)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[cinq.Document]]:
    """A real receive book that has read three messages of four (two of them on two
    pages) and burned the first one's page, as an agent's book looks after a while."""
    folder = tmp_path_factory.mktemp("real")
    send_book, receive = PadBook.create_pair(folder / "net", pages=12, groups=20)
    docs = [
        send(send_book, "FIRST MESSAGE, READ AND BURNED."),
        send(send_book, TRUTH),
        send(send_book, "A LONGER ONE THAT NEEDS TWO PAGES OF TWENTY GROUPS EACH. " * 3),
        send(send_book, "NOT READ YET."),
    ]
    with PadBook.open(receive) as b:
        for doc in docs[:3]:
            cinq.decrypt(doc, b)
        b.burn(docs[0].groups[0])
    time.sleep(1.1)  # whatever is made later has a later time stamp
    return receive, docs


@pytest.fixture
def traffic(
    history: tuple[Path, list[cinq.Document]], tmp_path: Path
) -> tuple[Path, list[cinq.Document]]:
    """A copy of the real book for one test (the real book's history is made once)."""
    real, docs = history
    copy = tmp_path / real.name
    copy.write_bytes(real.read_bytes())
    copy.chmod(0o600)
    return copy, docs


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


def columns(path: Path) -> list[str]:
    return [r[1] for r in rows(path, "PRAGMA table_info(page)")]


def decoy_of(real: Path, doc: cinq.Document, out: Path, says: str = DECOY) -> Path:
    with PadBook.open(real) as like:
        return make_decoy(doc, says, out, like=like)


def test_a_like_decoy_matches_the_real_book_field_by_field(
    traffic: tuple[Path, list[cinq.Document]], tmp_path: Path
) -> None:
    real, docs = traffic
    decoy = decoy_of(real, docs[1], tmp_path / "decoy")
    assert rows(real, "SELECT * FROM meta ORDER BY key") == rows(
        decoy, "SELECT * FROM meta ORDER BY key"
    )  # name, serial, role, created, version, ...
    schema = "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"
    assert rows(real, schema) == rows(decoy, schema)
    others = ", ".join(c for c in columns(real) if c != "digits")
    info = f"SELECT {others} FROM page ORDER BY number"
    assert rows(real, info) == rows(decoy, info)  # states, read times, digests, order
    held = "SELECT number, digits FROM page ORDER BY number"
    for (n, a), (m, b) in zip(rows(real, held), rows(decoy, held), strict=True):
        assert n == m and (a is None) == (b is None)
        assert a is None or (len(a) == len(b) and a != b)  # only the digits differ


def test_a_like_decoy_has_the_real_sqlite_header_and_no_real_digits(
    traffic: tuple[Path, list[cinq.Document]], tmp_path: Path
) -> None:
    real, docs = traffic
    decoy = decoy_of(real, docs[1], tmp_path / "decoy")
    a, b = real.read_bytes(), decoy.read_bytes()
    assert len(a) == len(b)
    assert a[:100] == b[:100]  # write counter, schema cookie, page count, freelist, ...
    assert decoy.stat().st_mode & 0o777 == 0o600
    assert decoy.stat().st_mtime_ns == real.stat().st_mtime_ns
    for (digits,) in rows(real, "SELECT digits FROM page WHERE digits IS NOT NULL"):
        assert digits[:40] not in b  # not one page of the real pad leaks into the decoy


def test_the_decoy_says_what_the_real_book_says_about_the_message(
    traffic: tuple[Path, list[cinq.Document]], tmp_path: Path
) -> None:
    real, docs = traffic
    with PadBook.open(real) as b:
        truth = cinq.decrypt(docs[1], b)
    decoy = decoy_of(real, docs[1], tmp_path / "decoy")
    with PadBook.open(decoy) as b:
        lie = cinq.decrypt(docs[1], b)
    assert truth.text == TRUTH and lie.text == DECOY and lie.verified
    assert lie.page_ids == truth.page_ids and lie.page_ids[0] == docs[1].groups[0]
    assert lie.previously == truth.previously  # "already read on <the real read time>"
    assert lie.already_read


def test_a_decoy_on_a_burned_page_has_it_unread(
    traffic: tuple[Path, list[cinq.Document]], tmp_path: Path
) -> None:
    real, docs = traffic
    decoy = decoy_of(real, docs[0], tmp_path / "decoy", says="ALL IS WELL HERE.")
    with PadBook.open(decoy) as b:
        assert b.pages()[0].state is PageState.UNUSED
        got = cinq.decrypt(docs[0], b)
    assert got.text == "ALL IS WELL HERE." and not got.already_read


def test_a_decoy_copies_only_a_receive_book(tmp_path: Path) -> None:
    send_book, _ = PadBook.create_pair(tmp_path / "net", pages=3, groups=50)
    doc = send(send_book, TRUTH)
    with PadBook.open(send_book) as like, pytest.raises(BadInput, match="receive book"):
        make_decoy(doc, DECOY, tmp_path / "decoy", like=like)
    assert not (tmp_path / "decoy.receive.pad").exists()


def test_a_decoy_without_like_fills_its_pages_in_order_and_is_unread(tmp_path: Path) -> None:
    send_book, _ = PadBook.create_pair(tmp_path / "net", pages=5, groups=50)
    doc = send(send_book, TRUTH)
    path = make_decoy(doc, DECOY, tmp_path / "decoy", pages=30, groups=50)
    with PadBook.open(path) as b:
        pages = b.pages()
        assert b.role is Role.RECEIVE
        got = cinq.decrypt(doc, b)
    assert pages[0].page_id == doc.groups[0]  # the first page, as a real book is read
    assert all(p.state is PageState.UNUSED and p.used_at is None for p in pages)
    assert got.text == DECOY and not got.already_read  # no "already read" note at all


@pytest.mark.parametrize(
    ("pages", "groups"), [(100_001, 50), (0, 50), (10, 2_000_000), (10, 1001), (10, 0)]
)
def test_decoy_sizes_are_bounded_before_anything_is_allocated(
    tmp_path: Path, pages: int, groups: int
) -> None:
    send_book, _ = PadBook.create_pair(tmp_path / "net", pages=1, groups=10)
    doc = send(send_book, "HI")
    tracemalloc.start()
    try:
        with pytest.raises(BadInput, match=r"pages|groups"):
            make_decoy(doc, "HI", tmp_path / "decoy", pages=pages, groups=groups)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert not (tmp_path / "decoy.receive.pad").exists()


@pytest.mark.parametrize("option", [["--groups", "2000000"], ["--pages", "100001"]])
def test_pad_decoy_refuses_huge_sizes_at_once(tmp_path: Path, option: list[str]) -> None:
    send_book, _ = PadBook.create_pair(tmp_path / "net", pages=1, groups=10)
    (tmp_path / "doc.txt").write_text(send(send_book, "HI").render())
    (tmp_path / "says.txt").write_text("HI")
    args = ["pad", "decoy", "--document", str(tmp_path / "doc.txt")]
    args += ["--says", str(tmp_path / "says.txt"), "--out", str(tmp_path / "decoy"), *option]
    result = run_cli(*args)  # the library refuses before allocating (above)
    assert result.returncode == 2, result.stderr
    assert not (tmp_path / "decoy.receive.pad").exists()


def test_the_cli_note_on_a_like_decoy_gives_the_real_read_time(
    traffic: tuple[Path, list[cinq.Document]], tmp_path: Path
) -> None:
    real, docs = traffic
    (tmp_path / "doc.txt").write_text(docs[1].render())
    (tmp_path / "says.txt").write_text(DECOY + "\n")
    args = ["pad", "decoy", "--document", str(tmp_path / "doc.txt")]
    args += ["--says", str(tmp_path / "says.txt"), "--out", str(tmp_path / "decoy")]
    made = run_cli(*args, "--like", real)
    assert made.returncode == 0, made.stderr
    with PadBook.open(real) as b:
        read_at = {p.used_at for p in b.pages() if p.page_id == docs[1].groups[0]}
    got = run_cli("decrypt", "--book", tmp_path / "decoy.receive.pad", tmp_path / "doc.txt")
    assert got.returncode == 0, got.stderr
    assert DECOY in got.stdout
    (when,) = read_at
    assert f"already read on {when}" in got.stderr
