"""`pad status --pages`: the page list streams from the book, as text and as JSON."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cinq.book import PadBook, PageState
from cinq.cli import app


def _book(tmp_path: Path, pages: int = 7) -> tuple[Path, Path]:
    send, receive = PadBook.create_pair(tmp_path / "net", pages=pages, groups=1)
    with PadBook.open(send) as book:
        book.take_for_sending(1)
        book.take_for_sending(6)  # pages 2 and 3
        book.burn(book.pages()[4].page_id)
    return send, receive


@given(chunk=st.integers(1, 9), pages=st.integers(1, 8))
def test_iter_pages_lists_what_pages_lists_in_any_chunk_size(chunk: int, pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        send, _ = PadBook.create_pair(Path(tmp) / "b", pages=pages, groups=1)
        with PadBook.open(send) as book:
            book.take_for_sending(1)
            assert list(book.iter_pages(chunk=chunk)) == book.pages()


def test_iter_pages_is_lazy_and_holds_no_lock_between_chunks(tmp_path: Path) -> None:
    send, _ = _book(tmp_path)
    with PadBook.open(send) as book:
        listing = book.iter_pages(chunk=2)
        first = next(listing)
        assert first.number == 1 and first.state is PageState.USED
        # Another process writes while the listing is paused (a pager): with the
        # rollback journal, a reader still holding its lock would make this commit fail
        # at once (timeout 0) with "database is locked".
        other = sqlite3.connect(send, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE page SET state = 'spoiled', digits = NULL WHERE number = 7")
            other.execute("COMMIT")
        finally:
            other.close()
        rest = list(listing)
    assert [p.number for p in rest] == [2, 3, 4, 5, 6, 7]
    assert rest[-1].state is PageState.SPOILED  # read after the change: its chunk came later
    with pytest.raises(ValueError, match="chunk"), PadBook.open(send) as book:
        next(book.iter_pages(chunk=0))


@pytest.mark.parametrize("with_pages", [True, False])
def test_status_json_text_is_the_indented_json_of_the_status(
    tmp_path: Path, with_pages: bool
) -> None:
    send, _ = _book(tmp_path)
    with PadBook.open(send) as book:
        status, pages = book.status(), book.pages()
        text = "".join(status.to_json_text(book.iter_pages(chunk=3) if with_pages else None))
    whole = status.to_json() | ({"page_list": [p.to_json() for p in pages]} if with_pages else {})
    assert text == json.dumps(whole, indent=2)
    assert "".join(status.to_json_text([])) == json.dumps(
        status.to_json() | {"page_list": []}, indent=2
    )


def test_cli_status_pages_as_aligned_lines(tmp_path: Path) -> None:
    send, receive = _book(tmp_path)
    result = CliRunner().invoke(app, ["pad", "status", str(send), "--pages"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    head = lines.index(next(x for x in lines if x.startswith("page")))
    table = lines[head:]
    assert table[0].split() == ["page", "ID", "state", "used", "serial"]
    with PadBook.open(send) as book:
        pages = book.pages()
    assert len(table) == 1 + len(pages)
    for line, page in zip(table[1:], pages, strict=True):
        fields = line.split()
        assert fields[:3] == [str(page.number), page.page_id, page.state.value]
        if page.message_serial is not None:
            assert fields[3:] == [str(page.used_at), str(page.message_serial)]
        assert line == line.rstrip()
    # Aligned: every row puts its page ID in the same columns.
    starts = {line.index(p.page_id) for line, p in zip(table[1:], pages, strict=True)}
    assert len(starts) == 1
    result = CliRunner().invoke(app, ["pad", "status", str(receive), "--pages"])
    assert result.exit_code == 0 and "no page left" not in result.stdout


def test_cli_status_pages_json_is_the_library_json(tmp_path: Path) -> None:
    send, _ = _book(tmp_path)
    result = CliRunner().invoke(app, ["pad", "status", str(send), "--pages", "--json"])
    assert result.exit_code == 0, result.output
    with PadBook.open(send) as book:
        status, pages = book.status(), book.pages()
    want = status.to_json() | {"page_list": [p.to_json() for p in pages]}
    assert result.stdout == json.dumps(want, indent=2) + "\n"
    plain = CliRunner().invoke(app, ["pad", "status", str(send), "--json"])
    assert json.loads(plain.stdout) == status.to_json()
