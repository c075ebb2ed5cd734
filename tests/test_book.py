"""Pad books on real SQLite files: creation, sending, receiving, burning, concurrency."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cinq.book
from cinq.book import KeyPages, PadBook, PageInfo, PageState, Role
from cinq.digits import to_str
from cinq.errors import BadInput, KeyManagementError
from cinq.hazmat.pages import peek_key, peek_pages

WORKER = Path(__file__).with_name("_book_worker.py")


def make_pair(tmp_path: Path, pages: int = 10, groups: int = 50) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path / "station", pages=pages, groups=groups)


def peek_pairs(
    book: PadBook, numbers: list[int] | None = None
) -> list[tuple[PageInfo, np.ndarray]]:
    """(info, digits) of the pages with digits (:func:`cinq.hazmat.pages.peek_pages`)."""
    return [(p.info, p.digits) for p in peek_pages(book, numbers)]


def all_digits(path: Path) -> dict[int, np.ndarray]:
    """Page number -> digits of every unburned page."""
    with PadBook.open(path) as book:
        return {info.number: digits for info, digits in peek_pairs(book)}


# -- creation -----------------------------------------------------------------------------


def test_create_pair_writes_matching_private_books(tmp_path: Path) -> None:
    send, receive = make_pair(tmp_path, pages=30)
    assert (send.name, receive.name) == ("station.send.pad", "station.receive.pad")
    assert sorted(os.listdir(tmp_path)) == ["station.receive.pad", "station.send.pad"]
    for path in (send, receive):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with PadBook.open(send) as s, PadBook.open(receive) as r:
        assert (s.role, r.role) == (Role.SEND, Role.RECEIVE)
        assert s.serial == r.serial and len(s.serial) == 5 and s.serial.isdigit()
        assert s.name == r.name == "station"
        assert s.groups_per_page == r.groups_per_page == 50
        s_pages, r_pages = peek_pairs(s), peek_pairs(r)
    ids = [info.page_id for info, _ in s_pages]
    assert ids == [info.page_id for info, _ in r_pages]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert all(len(i) == 5 and i.isdigit() for i in ids)
    assert [info.number for info, _ in s_pages] == list(range(1, 31))
    for (_, a), (_, b) in zip(s_pages, r_pages, strict=True):
        assert a.dtype == np.uint8 and len(a) == 250 and a.max() <= 9
        assert np.array_equal(a, b)
    # Different pages have different digits (fresh CSPRNG output per page).
    assert len({d.tobytes() for _, d in s_pages}) == 30


def test_create_pair_uses_the_rollback_journal(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path)
    header = send.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01"  # legacy (rollback) file format, not WAL
    with PadBook.open(send) as book:
        book.take_for_sending(1)
    assert send.read_bytes()[18:20] == b"\x01\x01"
    assert not list(tmp_path.glob("*-wal")) and not list(tmp_path.glob("*-journal"))


@pytest.mark.parametrize("existing", ["send", "receive"])
def test_create_pair_refuses_to_overwrite(tmp_path: Path, existing: str) -> None:
    other = "receive" if existing == "send" else "send"
    victim = tmp_path / f"station.{existing}.pad"
    victim.write_bytes(b"precious")
    with pytest.raises(BadInput, match="already exists"):
        make_pair(tmp_path)
    assert victim.read_bytes() == b"precious"
    assert not (tmp_path / f"station.{other}.pad").exists()
    assert os.listdir(tmp_path) == [victim.name]  # no temporary files left behind


def test_create_pair_refuses_a_second_time(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path)
    before = send.read_bytes()
    with pytest.raises(BadInput):
        make_pair(tmp_path)
    assert send.read_bytes() == before


@pytest.mark.parametrize(
    ("pages", "groups"), [(0, 50), (-1, 50), (10, 0), (10, 1001), (100_001, 1)]
)
def test_create_pair_checks_sizes(tmp_path: Path, pages: int, groups: int) -> None:
    with pytest.raises(BadInput):
        PadBook.create_pair(tmp_path / "x", pages=pages, groups=groups)
    assert os.listdir(tmp_path) == []


def test_create_pair_name_and_missing_directory(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "b", pages=1, groups=1, name="Kestrel net")
    with PadBook.open(send) as book:
        assert book.name == "Kestrel net"
        assert book.status().pages == 1
    with pytest.raises(BadInput, match="cannot create"):
        PadBook.create_pair(tmp_path / "nowhere" / "b", pages=1)


# -- sending ------------------------------------------------------------------------------


def test_send_takes_consecutive_pages_in_order(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=10)
    digits = all_digits(send)
    with PadBook.open(send) as book:
        ids = [p.page_id for p in book.pages()]
        first = book.take_for_sending(100)
        second = book.take_for_sending(251)  # two pages
        third = book.take_for_sending(0)  # still one page
        fourth = book.take_for_sending(750)  # exactly three pages
        st_ = book.status()
        infos = book.pages()
    assert [k.numbers for k in (first, second, third, fourth)] == [(1,), (2, 3), (4,), (5, 6, 7)]
    assert [k.message_serial for k in (first, second, third, fourth)] == [1, 2, 3, 4]
    assert second.page_ids == (ids[1], ids[2]) and second.indicator == ids[1]
    assert len(second.key) == 500
    assert np.array_equal(second.key, np.concatenate([digits[2], digits[3]]))
    assert (st_.pages, st_.unused, st_.used, st_.burned) == (10, 3, 7, 0)
    assert st_.next_page is not None and st_.next_page.number == 8
    assert st_.role is Role.SEND and st_.groups_per_page == 50 and st_.path == send
    assert [p.state for p in infos] == [PageState.USED] * 7 + [PageState.UNUSED] * 3
    assert [p.message_serial for p in infos] == [1, 2, 2, 3, 4, 4, 4, None, None, None]
    assert all(p.used_at and p.used_at.endswith("Z") for p in infos[:7])


def test_pages_taken_survive_reopening(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=5)
    with PadBook.open(send) as book:
        book.take_for_sending(1)
    with PadBook.open(send) as book:
        again = book.take_for_sending(1)
    assert again.numbers == (2,) and again.message_serial == 2


def test_not_enough_pages_consumes_nothing(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=3, groups=10)
    with PadBook.open(send) as book:
        book.take_for_sending(1)
        before = book.pages()
        with pytest.raises(KeyManagementError, match="needs 3 consecutive") as err:
            book.take_for_sending(101)
        assert "2 unused" in str(err.value) and err.value.exit_code == 3
        assert book.pages() == before
        assert book.take_for_sending(100).numbers == (2, 3)  # still usable afterwards


def test_send_skips_burned_pages_and_needs_a_run(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=7, groups=1)
    with PadBook.open(send) as book:
        ids = [p.page_id for p in book.pages()]
        book.burn(ids[1])
        book.burn(ids[5])
        assert book.take_for_sending(1).numbers == (1,)
        assert book.take_for_sending(6).numbers == (3, 4)  # page 2 is burned
        before = book.pages()
        with pytest.raises(KeyManagementError, match=r"2 unused page\(s\), not in a row"):
            book.take_for_sending(10)  # pages 5 and 7 are left, 6 is burned
        assert book.pages() == before
        assert book.take_for_sending(5).numbers == (5,)
        assert book.take_for_sending(5).numbers == (7,)
        assert book.status().next_page is None


def test_receive_book_cannot_send(tmp_path: Path) -> None:
    _, receive = make_pair(tmp_path)
    with PadBook.open(receive) as book:
        with pytest.raises(KeyManagementError, match="receive book: it may only decrypt") as err:
            book.take_for_sending(10)
        assert err.value.exit_code == 3
        assert book.status().used == 0
        assert book.status().next_page is None


def test_send_book_cannot_receive(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path)
    with PadBook.open(send) as book:
        page_id = book.pages()[0].page_id
        with pytest.raises(KeyManagementError, match="send book: it may only encrypt") as err:
            peek_key(book, page_id, 10)
        assert err.value.exit_code == 3
        key = book.take_for_sending(1)
        with pytest.raises(KeyManagementError, match="may only encrypt"):
            book.mark_received(key)


# -- receiving ----------------------------------------------------------------------------


def test_receive_gets_the_senders_key(tmp_path: Path) -> None:
    send, receive = make_pair(tmp_path, pages=8)
    with PadBook.open(send) as s:
        s.take_for_sending(1)
        sent = s.take_for_sending(400)
    with PadBook.open(receive) as r:
        got = peek_key(r, sent.indicator, 400)
        assert got.page_ids == sent.page_ids and got.numbers == sent.numbers == (2, 3)
        assert np.array_equal(got.key, sent.key)
        assert got.book_serial == sent.book_serial == r.serial
        assert r.status().used == 0  # looking up changes nothing
        previously = r.mark_received(got)
        assert [p.state for p in previously] == [PageState.UNUSED] * 2
        assert all(p.used_at is None for p in previously)
        assert r.pages()[1].state is PageState.USED and r.pages()[1].used_at
        first_read = "2001-02-03T04:05:06Z"  # pretend the first reading was long ago
        with sqlite3.connect(receive) as other:
            other.execute("UPDATE page SET used_at = ? WHERE number IN (2, 3)", (first_read,))
        other.close()
        again = r.mark_received(peek_key(r, sent.indicator, 400))
        assert [p.used_at for p in again] == [first_read, first_read]
        assert r.pages()[1].used_at == first_read  # the first reading is kept
        assert r.status().used == 2


def test_receive_lookup_errors(tmp_path: Path) -> None:
    _, receive = make_pair(tmp_path, pages=4)
    with PadBook.open(receive) as r:
        ids = [p.page_id for p in r.pages()]
        unknown = next(f"{i:05d}" for i in range(100_000) if f"{i:05d}" not in ids)
        with pytest.raises(KeyManagementError, match=f"page {unknown} is not in book station"):
            peek_key(r, unknown, 10)
        with pytest.raises(KeyManagementError, match="ends at page 4"):
            peek_key(r, ids[3], 251)
        assert peek_key(r, ids[2], 500).numbers == (3, 4)
        with pytest.raises(BadInput) as bad:
            peek_key(r, "12a45", 10)
        assert bad.value.location is not None and bad.value.location.column == 3
        for wrong in ("1234", "123456", "", "1234\n"):
            with pytest.raises(BadInput):
                peek_key(r, wrong, 10)
        with pytest.raises(BadInput):
            peek_key(r, ids[0], -1)


def test_burned_pages_cannot_be_received(tmp_path: Path) -> None:
    _, receive = make_pair(tmp_path, pages=4)
    with PadBook.open(receive) as r:
        ids = [p.page_id for p in r.pages()]
        key = peek_key(r, ids[0], 500)
        info = r.burn(ids[1])
        assert info.state is PageState.BURNED
        # nothing but the ID and the fact of the burning is kept
        assert (info.used_at, info.message_serial, info.received) == (None, None, None)
        with pytest.raises(KeyManagementError, match=f"page {ids[1]} .* was burned"):
            peek_key(r, ids[0], 500)  # runs into the burned page
        with pytest.raises(KeyManagementError, match="burned"):
            peek_key(r, ids[1], 1)
        with pytest.raises(KeyManagementError, match="burned"):
            r.mark_received(key)
        assert r.status().used == 0  # the failed mark changed nothing


def test_mark_received_rejects_pages_of_another_book(tmp_path: Path) -> None:
    _, receive = make_pair(tmp_path, pages=2)
    with PadBook.open(receive) as r:
        real = peek_key(r, r.pages()[0].page_id, 1)
        other_id = "99999" if real.indicator != "99999" else "99998"
        forged = KeyPages((other_id,), real.numbers, real.key, None, r.serial)
        with pytest.raises(KeyManagementError, match="is not page 1"):
            r.mark_received(forged)
        foreign = KeyPages(real.page_ids, real.numbers, real.key, None, "xxxxx")
        with pytest.raises(KeyManagementError):
            r.mark_received(foreign)
        assert r.status().used == 0


# -- burning ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SEND, Role.RECEIVE])
def test_burn_removes_the_digits_from_the_file(tmp_path: Path, role: Role) -> None:
    paths = dict(zip(Role, make_pair(tmp_path, pages=20), strict=True))
    path = paths[role]
    digits = all_digits(path)
    raw = {n: d.tobytes() for n, d in digits.items()}
    assert all(len(b) == 250 and b in path.read_bytes() for b in raw.values())
    with PadBook.open(path) as book:
        ids = [p.page_id for p in book.pages()]
        if role is Role.SEND:
            for _ in range(4):
                book.take_for_sending(260)  # pages 1-8 used, in pairs; rows grow
        else:
            for n in (1, 3, 4):
                book.mark_received(peek_key(book, ids[n - 1], 1))
        book.burn(ids[9])  # page 10: unused
    data = path.read_bytes()
    assert raw[10] not in data
    assert all(raw[n] in data for n in raw if n != 10)
    with PadBook.open(path) as book:
        burned = {p.number for p in book.burn_used()}
        assert burned == ({1, 2, 3, 4, 5, 6, 7, 8} if role is Role.SEND else {1, 3, 4})
        assert book.status().burned == len(burned) + 1
    data = path.read_bytes()
    for n, b in raw.items():
        assert (b in data) == (n not in burned | {10}), n
    assert sorted(os.listdir(tmp_path)) == ["station.receive.pad", "station.send.pad"]


def test_burn_with_overflow_pages_leaves_no_fragment(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=6, groups=1000)  # 5000-digit pages span db pages
    raw = {n: d.tobytes() for n, d in all_digits(send).items()}
    with PadBook.open(send) as book:
        book.take_for_sending(5001)
        book.burn_used()
    data = send.read_bytes()
    for n, b in raw.items():
        chunks = [b[i : i + 32] for i in range(0, len(b), 32)]
        found = sum(c in data for c in chunks)
        assert found == 0 if n in (1, 2) else found >= len(chunks) - 2


def test_burn_errors_and_export_skips_burned(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=3)
    with PadBook.open(send) as book:
        ids = [p.page_id for p in book.pages()]
        assert book.burn_used() == []
        book.burn(ids[0])
        with pytest.raises(KeyManagementError, match="already burned"):
            book.burn(ids[0])
        unknown = "00000" if "00000" not in ids else "00001"
        if unknown not in ids:
            with pytest.raises(KeyManagementError, match="not in book"):
                book.burn(unknown)
        with pytest.raises(BadInput):
            book.burn("abcde")
        assert [i.number for i, _ in peek_pairs(book)] == [2, 3]
        assert [i.number for i, _ in peek_pairs(book, [3, 1])] == [3]
        with pytest.raises(KeyManagementError, match="no page number 4"):
            peek_pairs(book, [4])
        assert book.take_for_sending(1).numbers == (2,)


# -- secrecy in repr and messages -----------------------------------------------------------


def test_repr_and_errors_never_show_digits(tmp_path: Path) -> None:
    send, receive = make_pair(tmp_path, pages=2)
    first = to_str(all_digits(send)[1])
    assert len(first) == 250
    with PadBook.open(send) as book:
        key = book.take_for_sending(10)
        assert to_str(key.key) == first
        assert "key=<250 digits>" in repr(key) and key.page_ids[0] in repr(key)
        texts = [repr(key), str(key), repr(book), str(book), str(book.status()), str(book.pages())]
        try:
            book.take_for_sending(10_000)
        except KeyManagementError as e:
            texts.append(str(e))
    with PadBook.open(receive) as book:
        got = peek_key(book, key.indicator, 10)
        texts += [repr(got), str(got)]
    for text in texts:
        assert first not in text
        assert first[:20] not in text


# -- opening ------------------------------------------------------------------------------


def test_open_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        PadBook.open(tmp_path / "nope.pad")
    assert not (tmp_path / "nope.pad").exists()


def test_open_directory_text_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="not a file"):
        PadBook.open(tmp_path)
    text = tmp_path / "notes.pad"
    text.write_text("PAGE 12345\n11111 22222\n")
    with pytest.raises(BadInput, match=r"not a cinq pad book \(not an SQLite database\)"):
        PadBook.open(text)
    empty = tmp_path / "empty.pad"
    empty.touch()
    with pytest.raises(BadInput, match="not a cinq pad book"):
        PadBook.open(empty)


def test_open_other_sqlite_databases(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(BadInput, match=r"not a cinq pad book \(no such table: meta\)"):
        PadBook.open(other)

    def altered(name: str, sql: str) -> Path:
        send, _ = PadBook.create_pair(tmp_path / name, pages=1, groups=1)
        conn = sqlite3.connect(send)
        with conn:
            conn.execute(sql)
        conn.close()
        return send

    wrong_format = altered("f", "UPDATE meta SET value = 'other' WHERE key = 'format'")
    with pytest.raises(BadInput, match=r"not a cinq pad book \(format 'other'\)"):
        PadBook.open(wrong_format)
    wrong_version = altered("v", "UPDATE meta SET value = '3' WHERE key = 'version'")
    with pytest.raises(BadInput, match="format version '3'; this cinq reads version 2"):
        PadBook.open(wrong_version)
    no_role = altered("r", "DELETE FROM meta WHERE key = 'role'")
    with pytest.raises(BadInput, match="damaged"):
        PadBook.open(no_role)
    no_pages = altered("p", "DROP TABLE page")
    with pytest.raises(BadInput, match="no such table: page"):
        PadBook.open(no_pages)


def test_closed_book_refuses_work(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path)
    with PadBook.open(send) as book:
        pass
    book.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        book.take_for_sending(1)


# -- concurrency --------------------------------------------------------------------------


def test_concurrent_senders_never_share_a_page(tmp_path: Path) -> None:
    workers, per_worker = 8, 10
    send, _ = PadBook.create_pair(tmp_path / "busy", pages=200, groups=2)
    go = tmp_path / "go"
    src = Path(cinq.book.__file__).absolute().parents[1]  # the package under test
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(send), str(per_worker), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(workers)
    ]
    time.sleep(0.3)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    messages = [m for result in results for m in result]
    assert len(messages) == workers * per_worker
    numbers = [n for m in messages for n in m["numbers"]]
    assert len(numbers) == len(set(numbers)), "a page was issued twice"
    for m in messages:
        assert m["numbers"] == list(range(m["numbers"][0], m["numbers"][0] + len(m["numbers"])))
    assert sorted(m["serial"] for m in messages) == list(range(1, len(messages) + 1))
    assert {len(m["numbers"]) for m in messages} == {1, 2}
    with PadBook.open(send) as book:
        status = book.status()
        infos = book.pages()
    assert status.used == len(numbers)
    assert {p.number for p in infos if p.state is PageState.USED} == set(numbers)
    assert set(numbers) == set(range(1, len(numbers) + 1))  # taken from the front, no gaps


# -- import and export --------------------------------------------------------------------


def test_create_from_pages_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    pages = [(f"{10000 + i * 7:05d}", rng.integers(0, 10, 25, dtype=np.uint8)) for i in range(6)]
    paths = PadBook.create_from_pages(tmp_path / "paper", pages, name="dice")
    assert [p.name for p in paths] == ["paper.send.pad", "paper.receive.pad"]
    serials = set()
    for path, role in zip(paths, Role, strict=True):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with PadBook.open(path) as book:
            assert (book.role, book.name, book.groups_per_page) == (role, "dice", 5)
            serials.add(book.serial)
            exported = peek_pairs(book)
        assert [(i.page_id, i.number) for i, _ in exported] == [
            (pid, n) for n, (pid, _) in enumerate(pages, 1)
        ]
        for (_, got), (_, want) in zip(exported, pages, strict=True):
            assert np.array_equal(got, want)
    assert len(serials) == 1


def test_create_from_pages_single_role(tmp_path: Path) -> None:
    pages = [("00001", np.zeros(5, dtype=np.uint8))]
    paths = PadBook.create_from_pages(tmp_path / "one", pages, roles=(Role.RECEIVE,))
    assert [p.name for p in paths] == ["one.receive.pad"]
    assert os.listdir(tmp_path) == ["one.receive.pad"]


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([], "at least one page"),
        ([("1234", np.zeros(5, np.uint8))], "has 4 digits"),
        ([("12x45", np.zeros(5, np.uint8))], "must be 5 digits"),
        ([("12345", np.zeros(5, np.uint8)), ("12345", np.zeros(5, np.uint8))], "more than once"),
        ([("12345", np.zeros(5, np.uint8)), ("12346", np.zeros(10, np.uint8))], "does not have"),
        ([("12345", np.zeros(7, np.uint8))], "whole groups"),
        ([("12345", np.zeros(0, np.uint8))], "whole groups"),
        ([("12345", np.full(5, 10, np.uint8))], "other than digits"),
        ([("12345", np.full(5, -1, np.int64))], "other than digits"),
        ([("12345", np.zeros(5, np.float64))], "other than digits"),
    ],
)
def test_create_from_pages_validates(
    tmp_path: Path, pages: list[tuple[str, np.ndarray]], message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        PadBook.create_from_pages(tmp_path / "bad", pages)
    assert os.listdir(tmp_path) == []


def test_create_from_pages_roles_must_be_distinct(tmp_path: Path) -> None:
    pages = [("00001", np.zeros(5, dtype=np.uint8))]
    with pytest.raises(BadInput, match="role"):
        PadBook.create_from_pages(tmp_path / "x", pages, roles=(Role.SEND, Role.SEND))
    with pytest.raises(BadInput, match="role"):
        PadBook.create_from_pages(tmp_path / "x", pages, roles=())
    assert os.listdir(tmp_path) == []


# -- properties ---------------------------------------------------------------------------


# Each example of these two makes real books on disk: their time goes to fsync. The
# take query's logic has its own in-memory property test (test_the_indexed_take_...).
ON_DISK = settings(max_examples=30)


@ON_DISK
@given(
    groups=st.integers(1, 4),
    sizes=st.lists(st.integers(0, 60), min_size=1, max_size=12),
)
def test_send_and_receive_agree(groups: int, sizes: list[int]) -> None:
    per_page = 5 * groups
    with tempfile.TemporaryDirectory() as tmp:
        send, receive = PadBook.create_pair(Path(tmp) / "p", pages=30, groups=groups)
        with PadBook.open(send) as s, PadBook.open(receive) as r:
            expected_next, seen = 1, set()
            for serial, size in enumerate(sizes, 1):
                n = max(1, -(-size // per_page))
                if expected_next + n - 1 > 30:
                    with pytest.raises(KeyManagementError):
                        s.take_for_sending(size)
                    break
                key = s.take_for_sending(size)
                assert key.numbers == tuple(range(expected_next, expected_next + n))
                assert key.message_serial == serial and len(key.key) == n * per_page
                assert seen.isdisjoint(key.numbers)
                seen.update(key.numbers)
                expected_next += n
                got = peek_key(r, key.indicator, size)
                assert got.page_ids == key.page_ids and np.array_equal(got.key, key.key)
            assert s.status().used == len(seen)


@ON_DISK
@given(
    groups=st.integers(1, 6),
    count=st.integers(1, 8),
    ids=st.sets(st.integers(0, 99_999), min_size=8, max_size=8),
    seed=st.integers(0, 2**32 - 1),
)
def test_create_from_pages_round_trip_property(
    groups: int, count: int, ids: set[int], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    page_ids = [f"{i:05d}" for i in sorted(ids)][:count]
    pages = [(pid, rng.integers(0, 10, 5 * groups, dtype=np.uint8)) for pid in page_ids]
    with tempfile.TemporaryDirectory() as tmp:
        send, receive = PadBook.create_from_pages(Path(tmp) / "imp", pages)
        for path in (send, receive):
            with PadBook.open(path) as book:
                exported = peek_pairs(book)
            assert [i.page_id for i, _ in exported] == page_ids
            assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(exported, pages, strict=True))


# -- taking a page is an index search, whatever the size of the book ----------------------


def _plan(db: sqlite3.Connection, sql: str, params: dict[str, int] | tuple[()] = ()) -> str:
    return "\n".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_the_take_queries_search_the_indexes(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=50, groups=1)
    with sqlite3.connect(send) as db:
        run = _plan(db, cinq.book.FIRST_RUN_SQL, {"n": 3})
        serial = _plan(db, cinq.book.HIGHEST_SERIAL_SQL)
    db.close()
    # Both the walk over the unused pages and each candidate's run count are searches
    # of (state, number): never a scan of the page table.
    assert run.count("USING COVERING INDEX page_by_state (state=?") == 2, run
    assert "SCAN" not in run and "TEMP B-TREE" not in run, run
    assert "USING COVERING INDEX page_by_serial" in serial and "SCAN" not in serial, serial


def _index_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    return names


def test_opening_a_book_made_without_the_indexes_adds_them(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=6, groups=1)
    with PadBook.open(send) as book:
        book.take_for_sending(1)
    with sqlite3.connect(send) as db:
        db.execute("DROP INDEX page_by_state")
        db.execute("DROP INDEX page_by_serial")
    db.close()
    assert not {"page_by_state", "page_by_serial"} & _index_names(send)
    with PadBook.open(send) as book:
        assert book.take_for_sending(6).numbers == (2, 3)
        assert book.take_for_sending(1).message_serial == 3
    assert {"page_by_state", "page_by_serial"} <= _index_names(send)
    with sqlite3.connect(send) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() == ("2",)
    db.close()


def test_a_book_open_only_for_reading_keeps_working_without_the_indexes(tmp_path: Path) -> None:
    send, _ = make_pair(tmp_path, pages=3, groups=1)
    with sqlite3.connect(send) as db:
        db.execute("DROP INDEX page_by_state")
    db.close()
    ro = sqlite3.connect(f"file:{send}?mode=ro", uri=True, isolation_level=None)
    try:
        cinq.book._add_indexes(ro)  # cannot write: no error, nothing added
        assert not ro.in_transaction
        assert cinq.book._first_run(ro, 2) == 1
    finally:
        ro.close()
    assert "page_by_state" not in _index_names(send)


def _reference_first_run(states: list[str], n: int) -> int | None:
    """The first page number starting ``n`` consecutive unused pages, by counting."""
    run = 0
    for number, state in enumerate(states, 1):
        run = run + 1 if state == "unused" else 0
        if run == n:
            return number - n + 1
    return None


@given(
    states=st.lists(st.sampled_from([s.value for s in PageState]), min_size=1, max_size=40),
    n=st.integers(1, 6),
)
def test_the_indexed_take_finds_the_first_run(states: list[str], n: int) -> None:
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statement in cinq.book._SCHEMA:
            db.execute(statement)
        db.executemany(
            "INSERT INTO page (number, page_id, digits, state) VALUES (?, ?, ?, ?)",
            [
                (i, f"{i:05d}", b"\x00" if s in ("unused", "used") else None, s)
                for i, s in enumerate(states, 1)
            ],
        )
        assert cinq.book._first_run(db, n) == _reference_first_run(states, n)
    finally:
        db.close()


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="0123456789", min_size=1, max_size=6),
            st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=30,
    ).map("".join)
)
def test_message_digest_is_the_digest_of_the_groups_single_spaced(message: str) -> None:
    want = hashlib.sha256(" ".join(message.split()).encode("ascii")).hexdigest()
    assert cinq.book.message_digest(message) == want
    assert cinq.book.message_digest(" ".join(message.split())) == want


def test_peeking_at_pages_marks_nothing_and_is_hazmat(tmp_path: Path) -> None:
    import cinq.hazmat.pages

    assert ".. warning::" in (cinq.hazmat.pages.__doc__ or "")
    assert not hasattr(PadBook, "export_pages") and not hasattr(PadBook, "pages_for_receiving")
    send, receive = make_pair(tmp_path, pages=3, groups=1)
    with PadBook.open(send) as s, PadBook.open(receive) as r:
        before = s.pages(), r.pages()
        peeked = peek_pages(s)
        key = peek_key(r, peeked[1].info.page_id, 10)
        assert np.array_equal(key.key, np.concatenate([p.digits for p in peeked[1:]]))
        assert (s.pages(), r.pages()) == before  # nothing marked used or issued
        assert s.take_for_sending(1).numbers == (1,)  # page 1 was only looked at
