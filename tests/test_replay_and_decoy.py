"""Receive books remember what they read; decoy books read a message as something else."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import cinq
from cinq import auth
from cinq import checkerboard as cb
from cinq.book import PadBook, PageState, Role
from cinq.decoy import make_decoy
from cinq.errors import BadInput, KeyManagementError
from cinq.hazmat.pages import peek_pages


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path / "net", pages=20, groups=50)


def send(path: Path, text: str, **kw: object) -> cinq.Document:
    with PadBook.open(path) as b:
        return cinq.encrypt(text, b, **kw)  # type: ignore[arg-type]


def test_the_same_message_again_is_allowed_and_noticed(pair: tuple[Path, Path]) -> None:
    doc = send(pair[0], "HELLO")
    with PadBook.open(pair[1]) as b:
        first = cinq.decrypt(doc, b)
        again = cinq.decrypt(doc.render(per_line=5), b)
    assert not first.already_read and again.already_read and again.text == "HELLO"


def test_a_different_message_on_a_used_page_is_refused(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    # The classic accident: a second send book with the same digits (a copied pad).
    with PadBook.open(pair[0]) as b:
        pages = peek_pages(b)
    (copy,) = PadBook.create_from_pages(
        tmp_path / "copy", [(p.info.page_id, p.digits) for p in pages], roles=(Role.SEND,)
    )
    first = send(pair[0], "HELLO")
    second = send(copy, "GOODBYE")
    assert first.groups[0] == second.groups[0]
    with PadBook.open(pair[1]) as b:
        cinq.decrypt(first, b)
        used_at = b.pages()[0].used_at
        with pytest.raises(KeyManagementError) as e:
            cinq.decrypt(second, b)
    msg = str(e.value)
    assert first.groups[0] in msg and str(used_at) in msg
    assert "replay, a forgery or an accidental reuse" in msg


def test_a_later_message_on_the_second_page_of_an_earlier_one_is_refused(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    long_text = "A LONG MESSAGE THAT NEEDS TWO PAGES " * 8
    doc = send(pair[0], long_text)
    with PadBook.open(pair[1]) as b:
        assert cinq.decrypt(doc, b).text == long_text
        second_page = b.pages()[1]
    assert second_page.state is PageState.USED
    forged = cinq.Document(groups=(second_page.page_id, *doc.groups[1:6]))
    with PadBook.open(pair[1]) as b, pytest.raises(KeyManagementError, match="already used"):
        cinq.decrypt(forged, b)


def test_receive_book_keeps_a_digest_not_the_message(pair: tuple[Path, Path]) -> None:
    doc = send(pair[0], "HELLO")
    with PadBook.open(pair[1]) as b:
        cinq.decrypt(doc, b)
    with sqlite3.connect(pair[1]) as db:
        (received,) = db.execute("SELECT received FROM page WHERE number = 1").fetchone()
    assert len(received) == 64 and doc.groups[1] not in received


# -- decoys -------------------------------------------------------------------------------


DECOY = "BUY BREAD AND MILK, THEN CALL AUNT MARY AT 6."
TRUTH = "THE DROP IS UNDER THE THIRD BRIDGE AT MIDNIGHT. COME ALONE AND BRING THE FILM."


@pytest.mark.parametrize("check", [auth.STRONG, auth.HAND, None], ids=str)
def test_decoy_book_reads_the_message_as_the_decoy_and_verifies(
    pair: tuple[Path, Path], tmp_path: Path, check: auth.Scheme | None
) -> None:
    doc = send(pair[0], TRUTH, check=check)
    path = make_decoy(doc, DECOY, tmp_path / "decoy", check=check, pages=30, groups=50)
    assert path.name == "decoy.receive.pad"
    with PadBook.open(path) as b:
        got = cinq.decrypt(doc, b, check=check)
        st = b.status()
    assert got.text == DECOY
    assert got.verified is (None if check is None else True)
    assert not got.already_read  # no "already read on <when the decoy was made>"
    assert (st.role, st.pages, st.groups_per_page) == (Role.RECEIVE, 30, 50)
    # the real receive book still reads the truth
    with PadBook.open(pair[1]) as b:
        assert cinq.decrypt(doc, b, check=check).text.startswith("THE DROP")


def test_decoy_like_a_real_book_copies_its_identity(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    doc = send(pair[0], TRUTH)
    with PadBook.open(pair[1]) as real:
        real.burn(real.pages()[-1].page_id)
        path = make_decoy(doc, DECOY, tmp_path / "decoy", like=real)
        real_pages, real_serial, real_name = real.pages(), real.serial, real.name
    with PadBook.open(path) as b:
        pages = b.pages()
        assert (b.serial, b.name) == (real_serial, real_name)
    assert [p.page_id for p in pages] == [p.page_id for p in real_pages]
    assert pages[-1].state is PageState.BURNED
    with sqlite3.connect(pair[1]) as a, sqlite3.connect(path) as d:
        schema = "SELECT sql FROM sqlite_master ORDER BY name"
        assert a.execute(schema).fetchall() == d.execute(schema).fetchall()
        meta = "SELECT key FROM meta ORDER BY key"
        assert a.execute(meta).fetchall() == d.execute(meta).fetchall()


def test_decoy_that_does_not_fit_says_how_much_fits(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    doc = send(pair[0], "SHORT.")
    with pytest.raises(BadInput, match=r"only the first \d+ characters of the decoy fit"):
        make_decoy(doc, DECOY, tmp_path / "decoy")
    assert not (tmp_path / "decoy.receive.pad").exists()


def test_decoy_on_a_board_without_figure_shift_must_be_near_the_length(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    ct46 = cb.board("CT-46")
    doc = send(pair[0], "A MESSAGE OF SOME LENGTH, TO BE DENIED.", board=ct46)
    with pytest.raises(BadInput, match="make it longer"):
        make_decoy(doc, "HI", tmp_path / "decoy", board=ct46)
    path = make_decoy(doc, "A MESSAGE OF SOME LENGTH, TO BE DENIED?", tmp_path / "d2", board=ct46)
    with PadBook.open(path) as b:
        assert cinq.decrypt(doc, b, board=ct46).text == "A MESSAGE OF SOME LENGTH, TO BE DENIED?"
