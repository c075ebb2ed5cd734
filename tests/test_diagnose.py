"""Errors that say what is likely wrong (issue 11, problem 6): a forgotten ``--check
hand`` is not a forgery, a forgotten ``--lang es`` is not a garbled group, French typed
into an English encrypt wants ``--lang fr`` before ``--fold``. In process, with real
books; nothing is consumed or marked by a refusal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cinq import checkerboard as cb
from cinq import language as lg
from cinq import procedure
from cinq.book import PadBook
from cinq.diagnose import WrongOption, undecodable
from cinq.errors import AuthenticationFailed, BadInput
from tests.clirun import cinq as run_cli


def run(*args: str | Path, input: str | None = None) -> tuple[int, str, str]:
    """``cinq ARGS`` in process, through the console script's ``run()``."""
    r = run_cli(*args, input=input)
    return r.returncode, r.stdout, r.stderr


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path / "net", pages=20, groups=30)


def encrypt(send: Path, text: str, *options: str) -> str:
    code, out, err = run("encrypt", "--book", send, *options, input=text + "\n")
    assert code == 0, err
    return out


def unread(receive: Path) -> bool:
    with PadBook.open(receive) as book:
        return all(p.used_at is None for p in book.pages())


# -- the check scheme ------------------------------------------------------------------------


@pytest.mark.parametrize(("sent_with", "read_with"), [("hand", "strong"), ("strong", "hand")])
def test_the_wrong_check_scheme_is_named_not_called_a_forgery(
    books: tuple[Path, Path], sent_with: str, read_with: str
) -> None:
    send, receive = books
    doc = encrypt(send, "MEET AT NOON", "--check", sent_with)
    code, out, err = run("decrypt", "--book", receive, "--check", read_with, "-", input=doc)
    assert code == 2 and out == ""
    assert f"verify under the {sent_with} scheme: did you forget --check {sent_with}?" in err
    assert "altered" not in err and unread(receive)
    # The weaker scheme is easier to forge: the user is told what it means if not expected.
    caution = f"if your sender uses the {read_with} scheme, treat the message as forged"
    assert (caution in err) is (sent_with == "hand")
    code, out, err = run("decrypt", "--book", receive, "--check", sent_with, "-", input=doc)
    assert (code, out) == (0, "MEET AT NOON\n"), err


def test_a_real_forgery_is_still_a_forgery(books: tuple[Path, Path]) -> None:
    send, receive = books
    doc = encrypt(send, "MEET AT NOON")
    groups = doc.split()
    groups[2] = f"{(int(groups[2]) + 1) % 100000:05d}"
    code, _, err = run("decrypt", "--book", receive, "-", input="\n".join(groups) + "\n")
    assert code == 4 and "altered or forged" in err and "--check" not in err
    with PadBook.open(receive) as book, pytest.raises(AuthenticationFailed):
        procedure.decrypt("\n".join(groups), book)


def test_the_library_raises_wrong_option_for_the_wrong_scheme(books: tuple[Path, Path]) -> None:
    send, receive = books
    doc = encrypt(send, "MEET AT NOON", "--check", "hand")
    with PadBook.open(receive) as book, pytest.raises(WrongOption, match="--check hand"):
        procedure.decrypt(doc, book)


# -- the board and the language --------------------------------------------------------------


def test_a_forgotten_lang_is_named_after_the_check_groups_verified(
    books: tuple[Path, Path],
) -> None:
    send, receive = books
    doc = encrypt(send, "¿DÓNDE ESTÁ EL NIÑO? MAÑANA A LAS OCHO EN LA ESTACIÓN", "--lang", "es")
    code, out, err = run("decrypt", "--book", receive, "-", input=doc)
    assert code == 2 and out == ""
    assert "the check groups verified" in err and "the board or language is likely wrong" in err
    assert "they read as Spanish with --lang es (board ES-1)" in err
    assert "a garbled group" not in err and unread(receive)
    code, out, _ = run("decrypt", "--book", receive, "--lang", "es", "-", input=doc)
    assert (code, out) == (0, "DONDE ESTA EL NIÑO? MAÑANA A LAS OCHO EN LA ESTACION\n")


def test_a_forgotten_board_is_named(books: tuple[Path, Path]) -> None:
    send, receive = books
    doc = encrypt(send, "ВСТРЕЧА ЗАВТРА В ДЕСЯТЬ У СТАРОГО ВОКЗАЛА", "--lang", "ru")
    with PadBook.open(receive) as book, pytest.raises(BadInput) as e:
        procedure.decrypt(doc, book, board=None, lang="en")
    assert "they read as Russian with --lang ru (board RU-1)" in e.value.message


# -- encrypt: the language of the text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("Rendez-vous à la gare à midi, apportez les documents", "fr", "French"),
        ("Wir treffen uns morgen an der Straße über dem Fluss", "de", "German"),
        ("¿Dónde está el niño? Mañana a las ocho", "es", "Spanish"),
        ("Встреча завтра в десять у старого вокзала", "ru", "Russian"),
    ],
)
def test_encrypt_suggests_the_language_before_fold(
    books: tuple[Path, Path], text: str, lang: str, name: str
) -> None:
    send, _ = books
    code, out, err = run("encrypt", "--book", send, input=text + "\n")
    assert code == 2 and out == ""
    assert f"the text looks {name}: use --lang {lang}" in err
    assert "use --fold" not in err
    with PadBook.open(send) as book:
        assert all(p.used_at is None for p in book.pages())  # nothing consumed
    code, out, err = run("encrypt", "--book", send, "--lang", lang, input=text + "\n")
    assert code == 0, err


def test_an_unencodable_sign_still_suggests_fold(books: tuple[Path, Path]) -> None:
    send, _ = books
    code, _, err = run("encrypt", "--book", send, input="MEET AT NOON; BRING IT\n")
    assert code == 2 and "--fold" in err and "--lang" not in err


def test_a_forgotten_convention_is_named() -> None:
    board = cb.board("CT-55")
    plain = lg.encode("MEET AT THE OLD STATION AT NOON, BRING THE DOCUMENTS", board)
    rng = np.random.default_rng(11)
    while True:  # cipher digits whose wrong-convention reading does not decode
        cipher = rng.integers(0, 10, len(plain), dtype=np.uint8)
        wrong = ((2 * cipher.astype(np.int16) - plain) % 10).astype(np.uint8)
        try:
            board.decode(wrong, padded=True)
        except cb.DecodeError:
            break
    error = undecodable(wrong, board, "group 2, figure 1", verified=True, cipher=cipher)
    assert "they read as English with the other --convention" in error.message


def test_with_fold_given_the_language_hint_does_not_suggest_fold(
    books: tuple[Path, Path],
) -> None:
    send, _ = books
    code, _, err = run("encrypt", "--book", send, "--fold", input="Встреча завтра\n")
    assert code == 2 and "the text looks Russian: use --lang ru" in err
    assert "--fold would" not in err
