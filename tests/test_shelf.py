"""A folder of pad books (cinq.shelf): every book's status, the files that are not
books named, books running low, and names that reach outside the folder refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import procedure
from cinq.book import PadBook, Role
from cinq.errors import BadInput
from cinq.shelf import LOW_PAGES, book_in, shelf


def test_every_book_with_its_status_and_what_is_not_a_book_named(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "station", pages=5, groups=20)
    PadBook.create_pair(tmp_path / "big", pages=40, groups=20)
    (tmp_path / "junk.pad").write_bytes(b"\x00not sqlite")
    (tmp_path / "notes.txt").write_text("not a .pad file: not listed")
    (tmp_path / "dir.pad").mkdir()
    got = shelf(tmp_path)
    assert [s.file for s in got] == [
        "big.receive.pad", "big.send.pad", "junk.pad", "station.receive.pad", "station.send.pad"
    ]  # fmt: skip
    by_file = {s.file: s for s in got}
    assert by_file["junk.pad"].status is None and by_file["junk.pad"].problem
    assert by_file["station.send.pad"].status.role is Role.SEND  # type: ignore[union-attr]
    assert not by_file["station.send.pad"].low and not by_file["big.send.pad"].low
    with PadBook.open(send) as book:
        procedure.encrypt("One page.", book)
        procedure.encrypt("Another.", book)
    after = {s.file: s for s in shelf(tmp_path)}["station.send.pad"]
    assert after.status and after.status.used == 2 and after.status.unused == 3 and after.low
    text = json.dumps([s.to_json() for s in shelf(tmp_path)])
    assert '"low": true' in text and '"problem": null' in text and receive.name in text


def test_a_book_runs_low_at_a_tenth_or_three_pages(tmp_path: Path) -> None:
    PadBook.create_pair(tmp_path / "b", pages=40, groups=20)
    send = tmp_path / "b.send.pad"
    with PadBook.open(send) as book:
        for _ in range(40 - max(LOW_PAGES, 4) - 1):
            procedure.encrypt("x", book)
    assert not {s.file: s for s in shelf(tmp_path)}["b.send.pad"].low
    with PadBook.open(send) as book:
        procedure.encrypt("x", book)
    assert {s.file: s for s in shelf(tmp_path)}["b.send.pad"].low


def test_not_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="is not a folder of pad books"):
        shelf(tmp_path / "missing")


@given(st.text(max_size=30))
def test_book_in_never_reaches_outside_the_folder(name: str) -> None:
    folder = Path("/nonexistent-folder-for-cinq")
    try:
        path = book_in(folder, name)
    except BadInput:
        return
    assert path.parent == folder and path.name == name  # pragma: no cover (no such file)


def test_book_in_takes_a_book_of_the_folder_and_refuses_paths(tmp_path: Path) -> None:
    PadBook.create_pair(tmp_path / "s", pages=2, groups=20)
    assert book_in(tmp_path, "s.send.pad") == tmp_path / "s.send.pad"
    for name in ("../s.send.pad", str(tmp_path / "s.send.pad"), "s.send", "..", "", "x.pad"):
        with pytest.raises(BadInput):
            book_in(tmp_path, name)
