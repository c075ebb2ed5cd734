"""A page is spent only when the message is out (issue #11, problem 2).

Every output is checked before a page is taken; a write that still fails after the page
was taken spoils the page: never reusable, its digits destroyed, named in the error
(exit 3), counted by ``pad status``. Real files, real /dev/full, real subprocesses where
the failure is the process's own standard output.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import cinq
from cinq import procedure
from cinq.book import PadBook, PageState
from cinq.errors import PageSpoiled
from cinq.hazmat.pages import peek_key
from tests.clirun import cinq as run_cli

SRC = Path(__file__).resolve().parents[1] / "src"
FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full here")


def run(*args: str | Path, input: str | None = None) -> tuple[int, str, str]:
    """``cinq ARGS`` in process, through the console script's ``run()``."""
    r = run_cli(*args, input=input)
    return r.returncode, r.stdout, r.stderr


def to_dev_full(*args: str | Path, input: str) -> subprocess.CompletedProcess[str]:
    """``cinq ARGS`` in a real process whose standard output is /dev/full."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    with FULL.open("w") as full:
        return subprocess.run(
            [sys.executable, "-m", "cinq", *map(str, args)],
            input=input,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )


def status(book: Path) -> dict[str, object]:
    code, out, err = run("pad", "status", book, "--json", "--pages")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def row(book: Path, page_id: str) -> tuple[object, ...]:
    db = sqlite3.connect(book)
    try:
        got: tuple[object, ...] = db.execute(
            "SELECT state, digits, used_at, message_serial, received FROM page WHERE page_id = ?",
            (page_id,),
        ).fetchone()
    finally:
        db.close()
    return got


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path / "net", pages=6, groups=20)


def first_id(book: Path) -> str:
    with PadBook.open(book) as b:
        return b.pages()[0].page_id


# -- encrypt ----------------------------------------------------------------------------


def test_encrypt_into_a_missing_folder_takes_no_page(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    send, _ = pair
    code, _, err = run(
        "encrypt", "--book", send, "-o", tmp_path / "missing" / "doc.txt", input="HI\n"
    )
    assert code == 2 and "there is no folder" in err and "Traceback" not in err
    st = status(send)
    assert (st["unused"], st["used"], st["spoiled"]) == (6, 0, 0)


@needs_dev_full
def test_encrypt_to_a_full_stdout_spoils_and_names_the_page(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    page = first_id(send)
    r = to_dev_full("encrypt", "--book", send, input="HI\n")
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    assert page in r.stderr and "spoiled" in r.stderr
    st = status(send)
    assert (st["used"], st["spoiled"], st["unused"]) == (0, 1, 5)
    assert row(send, page) == ("spoiled", None, None, None, None)  # digits destroyed
    # never reused: the next message goes on page 2
    code, doc, err = run("encrypt", "--book", send, input="AGAIN\n")
    assert code == 0, err
    assert doc.split()[0] != page and doc.split()[0] == status(send)["page_list"][1]["page_id"]  # type: ignore[index]
    code, text, err = run("decrypt", "--book", receive, input=doc)
    assert (code, text) == (0, "AGAIN\n"), err


def test_library_send_spoils_every_page_when_delivery_fails(pair: tuple[Path, Path]) -> None:
    send, _ = pair

    def disk_full(sent: procedure.Sent) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with PadBook.open(send) as book:
        ids = [p.page_id for p in book.pages()]
        with pytest.raises(PageSpoiled) as e:
            procedure.send("TWO PAGES OF KEY " * 4, book, deliver=disk_full)
        infos = book.pages()
        assert e.value.page_ids == tuple(ids[:2]) and e.value.exit_code == 3
        assert ids[0] in str(e.value) and ids[1] in str(e.value)
        assert "No space left" in str(e.value)
        assert [p.state for p in infos[:3]] == [PageState.SPOILED] * 2 + [PageState.UNUSED]
        sent = procedure.send("NEXT", book)
        assert sent.page_ids == (ids[2],) and sent.document.groups[0] == ids[2]


def test_spoil_is_part_of_the_library(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    with PadBook.open(send) as book:
        pages = book.take_for_sending(1)
        infos = book.spoil(pages)
        assert [i.state for i in infos] == [PageState.SPOILED]
        assert book.status().spoiled == 1 and book.status().used == 0
        assert book.take_for_sending(1).numbers == (2,)
    with PadBook.open(receive) as book:
        doc_page = book.pages()[0].page_id
        book.spoil([doc_page])
        with pytest.raises(cinq.KeyManagementError, match="spoiled"):
            peek_key(book, doc_page, 1)


# -- decrypt ----------------------------------------------------------------------------


def test_decrypt_into_a_missing_folder_marks_nothing(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    send, receive = pair
    _, doc, _ = run("encrypt", "--book", send, input="HELLO\n")
    for burn in ([], ["--burn"]):
        code, _, err = run(
            "decrypt", "--book", receive, *burn, "-o", tmp_path / "nowhere" / "x.txt", input=doc
        )
        assert code == 2 and "there is no folder" in err
        st = status(receive)
        assert (st["unused"], st["used"], st["burned"]) == (6, 0, 0)


@needs_dev_full
def test_decrypt_to_a_full_stdout_can_be_read_again(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    _, doc, _ = run("encrypt", "--book", send, input="HELLO\n")
    r = to_dev_full("decrypt", "--book", receive, input=doc)
    assert r.returncode == 2 and "cannot write standard output" in r.stderr
    assert "Traceback" not in r.stderr
    code, text, _ = run("decrypt", "--book", receive, input=doc)
    assert (code, text) == (0, "HELLO\n")


@needs_dev_full
def test_decrypt_burn_to_a_full_stdout_says_the_message_is_gone(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    _, doc, _ = run("encrypt", "--book", send, input="HELLO\n")
    page = doc.split()[0]
    r = to_dev_full("decrypt", "--book", receive, "--burn", input=doc)
    assert r.returncode == 3, r.stderr
    assert page in r.stderr and "burned" in r.stderr and "cannot be read again" in r.stderr
    assert "Traceback" not in r.stderr
    assert status(receive)["burned"] == 1


# -- pad export -------------------------------------------------------------------------


def test_export_into_a_missing_folder_issues_nothing(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    send, _ = pair
    code, _, err = run("pad", "export", send, "-o", tmp_path / "gone" / "pad.txt")
    assert code == 2 and "there is no folder" in err
    st = status(send)
    assert (st["unused"], st["issued"], st["spoiled"]) == (6, 0, 0)


@needs_dev_full
def test_export_to_a_full_stdout_spoils_the_pages_it_took(pair: tuple[Path, Path]) -> None:
    send, _ = pair
    with PadBook.open(send) as b:
        ids = [p.page_id for p in b.pages()]
    r = to_dev_full("pad", "export", send, "--pages", "2-3", input="")
    assert r.returncode == 3, r.stderr
    assert ids[1] in r.stderr and ids[2] in r.stderr and "spoiled" in r.stderr
    st = status(send)
    assert (st["unused"], st["issued"], st["spoiled"]) == (4, 0, 2)


def test_status_counts_issued_and_spoiled_pages(pair: tuple[Path, Path], tmp_path: Path) -> None:
    send, _ = pair
    with PadBook.open(send) as b:
        b.spoil(b.take_for_sending(1))
        b.issue_pages([4, 5])
    st = status(send)
    assert (st["unused"], st["used"], st["issued"], st["spoiled"], st["burned"]) == (3, 0, 2, 1, 0)
    states = [p["state"] for p in st["page_list"]]  # type: ignore[attr-defined]
    assert states == ["spoiled", "unused", "unused", "issued", "issued", "unused"]
    code, out, _ = run("pad", "status", send)
    assert code == 0 and "issued 2" in out and "spoiled 1" in out
