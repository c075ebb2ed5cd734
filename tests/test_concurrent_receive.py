"""Replay refusal holds under concurrency (issue #11, problem 8).

Two *different* valid messages enciphered on the same page (what a copied pad or a
forger holding one page would produce) are given to many receivers at once: threads
with a connection each, all released together, and real ``cinq decrypt`` processes.
Exactly one of the two messages may ever be accepted; the other is refused (exit 3).
The old code checked in one transaction and marked in another: 37 of 100 synchronised
library calls accepted both.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import cinq
from cinq import auth
from cinq import language as lg
from cinq.book import PadBook
from cinq.errors import KeyManagementError
from cinq.hazmat.cipher import encipher
from cinq.hazmat.pages import peek_key
from cinq.message import Message, pad_to_groups

SRC = Path(__file__).resolve().parents[1] / "src"
TEXTS = ("MEET AT THE MILL AT NINE", "MEET AT THE PIER AT FIVE")


def two_messages_on_one_page(receive: Path) -> tuple[str, str]:
    """Two valid documents, different texts, both enciphered on the book's first page,
    with check groups that verify (built from the pad as a second send book would)."""
    board = lg.language("en").board
    docs = []
    with PadBook.open(receive) as book:
        page_id = book.pages()[0].page_id
        for text in TEXTS:
            plain = pad_to_groups(lg.encode(text, board), board)
            n = len(plain)
            key = peek_key(book, page_id, n + auth.STRONG.key_digits).key
            body = encipher(plain, key[:n])
            tag = auth.check_values(auth.STRONG, page_id, body, key[n : n + auth.STRONG.key_digits])
            docs.append(cinq.Document(groups=Message(page_id, body, tag).groups).render())
    assert docs[0] != docs[1]
    return docs[0], docs[1]


def race(receive: Path, docs: tuple[str, str], receivers: int) -> list[str]:
    """The texts accepted by ``receivers`` threads, each with its own connection, all
    released at once, half of them given each document."""
    barrier = threading.Barrier(receivers)
    accepted: list[str] = []
    errors: list[BaseException] = []

    def receiver(doc: str) -> None:
        with PadBook.open(receive) as book:
            barrier.wait()
            try:
                accepted.append(cinq.decrypt(doc, book).text)
            except KeyManagementError as e:
                assert "already used" in str(e), e
            except BaseException as e:  # anything else fails the test below
                errors.append(e)

    threads = [threading.Thread(target=receiver, args=(docs[i % 2],)) for i in range(receivers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return accepted


def test_threads_never_accept_two_messages_on_one_page(tmp_path: Path) -> None:
    for round_ in range(25):
        _, receive = PadBook.create_pair(tmp_path / f"r{round_}", pages=2, groups=10)
        docs = two_messages_on_one_page(receive)
        accepted = race(receive, docs, receivers=8)
        assert accepted, "nobody accepted either message"
        assert len(set(accepted)) == 1, f"round {round_}: both messages accepted"
        # and afterwards the book agrees: the accepted message again, the other refused
        with PadBook.open(receive) as book:
            won = docs[TEXTS.index(accepted[0])]
            lost = docs[1 - TEXTS.index(accepted[0])]
            assert cinq.decrypt(won, book).already_read
            with pytest.raises(KeyManagementError, match="already used"):
                cinq.decrypt(lost, book)


def test_cinq_decrypt_processes_never_accept_two_messages_on_one_page(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for round_ in range(2):
        _, receive = PadBook.create_pair(tmp_path / f"p{round_}", pages=2, groups=10)
        docs = two_messages_on_one_page(receive)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "cinq", "decrypt", "--book", str(receive)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(4)
        ]
        results = [p.communicate(docs[i % 2], timeout=120) for i, p in enumerate(procs)]
        codes = [p.returncode for p in procs]
        assert set(codes) <= {0, 3}, [err for _, err in results]
        accepted = {out for (out, _), code in zip(results, codes, strict=True) if code == 0}
        assert len(accepted) == 1, f"round {round_}: {accepted}"
        for (_, err), code in zip(results, codes, strict=True):
            assert code == 0 or "already used" in err
