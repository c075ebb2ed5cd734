"""The whole path with real pad books on disk: plaintext -> document -> plaintext."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cinq
from cinq import checkerboard as cb
from cinq import digits as dg
from cinq import language as lg
from cinq.book import PadBook
from cinq.errors import AuthenticationFailed, BadInput, KeyManagementError, UnencodableText
from cinq.hazmat.cipher import Convention, add, subtract
from cinq.message import Message

MESSAGES = {
    "en": "Meet at the old mill, 23:45. Bring 2 copies (signed)!",
    "fr": "Rendez-vous à l’église Saint-Étienne à 14 h 30, apportez « le colis ».",
    "de": "Treffpunkt: Brücke über die Spree, 17 Uhr. Größte Vorsicht!",
    "es": "¿Dónde está el niño? Mañana a las 9, en la estación.",
    "ru": "Встреча в 12:30 у моста. Объект прибыл, ждём приказа!",
}


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path / "net", pages=40, groups=10)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_round_trip_in_every_language(code: str, books: tuple[Path, Path]) -> None:
    send, receive = books
    with PadBook.open(send) as b:
        doc = cinq.encrypt(MESSAGES[code], b, lang=code, cover="Cover.", signature="mrtrv")
    rendered = doc.render()
    assert rendered.startswith("Cover.\n\n") and rendered.endswith("\nBy mrtrv\n")
    with PadBook.open(receive) as b:
        got = cinq.decrypt(rendered, b, lang=code)
    profile = lg.language(code)
    assert got.text == lg.prepare(MESSAGES[code], profile.board, profile).text
    assert not got.already_read


def test_indicator_is_the_page_id_and_long_messages_span_pages(
    books: tuple[Path, Path],
) -> None:
    send, receive = books
    text = "A LONG MESSAGE " * 20  # > 1 page of 10 groups
    with PadBook.open(send) as b:
        first = b.status().next_page
        doc = cinq.encrypt(text, b, board=cb.board("CT-37"))
        st = b.status()
    assert first is not None and doc.groups[0] == first.page_id
    assert st.used >= 3
    with PadBook.open(receive) as b:
        assert cinq.decrypt(doc, b, board=cb.board("CT-37")).text == text
        assert b.status().used == st.used


def test_add_convention_round_trips_and_differs(books: tuple[Path, Path]) -> None:
    send, receive = books
    with PadBook.open(send) as b:
        doc = cinq.encrypt("HELLO", b, convention=Convention.ADD)
    with PadBook.open(receive) as b:
        assert cinq.decrypt(doc, b, convention=Convention.ADD).text == "HELLO"


def test_refused_input_consumes_nothing(books: tuple[Path, Path]) -> None:
    send, _ = books
    with PadBook.open(send) as b:
        before = b.status()
        with pytest.raises(UnencodableText):
            cinq.encrypt("naïve ☃", b, lang="en")
        with pytest.raises(BadInput):
            cinq.encrypt("", b)
        with pytest.raises(BadInput):
            cinq.encrypt("OK", b, signature="two\nlines")
        with pytest.raises(KeyManagementError):
            cinq.encrypt("X" * 5000, b)  # more than the 40 pages hold
        assert b.status() == before


def test_receiver_refuses_unknown_and_burned_pages(books: tuple[Path, Path]) -> None:
    send, receive = books
    with PadBook.open(send) as b:
        doc = cinq.encrypt("HELLO", b)
    with PadBook.open(receive) as b:
        b.burn(doc.groups[0])
        with pytest.raises(KeyManagementError, match="burned"):
            cinq.decrypt(doc, b)
        stranger = cinq.Document(groups=("99999", *doc.groups[1:]))
        if "99999" not in {p.page_id for p in b.pages()}:
            with pytest.raises(KeyManagementError, match="99999"):
                cinq.decrypt(stranger, b)


def test_roles_cannot_be_swapped(books: tuple[Path, Path]) -> None:
    send, receive = books
    with PadBook.open(receive) as b, pytest.raises(KeyManagementError, match="receive"):
        cinq.encrypt("HELLO", b)
    with PadBook.open(send) as b:
        doc = cinq.encrypt("HELLO", b)
        with pytest.raises(KeyManagementError, match="send"):
            cinq.decrypt(doc, b)


def garble_to_99(doc: cinq.Document, board: cb.Board, text: str) -> cinq.Document:
    """Change group 2 so that its plaintext starts with 99 (a blank cell of CT-55):
    with cipher = plain - key, adding (new plain - old plain) to the cipher does it."""
    plain = lg.encode(text, board)[:5]
    wanted = dg.from_str("99" + dg.to_str(plain)[2:5])
    group = dg.to_str(add(dg.from_str(doc.groups[1]), subtract(wanted, plain)))
    return cinq.Document(groups=(doc.groups[0], group, *doc.groups[2:]))


def test_garbled_message_without_checks_is_a_decode_error_and_the_page_stays_unread(
    books: tuple[Path, Path],
) -> None:
    send, receive = books
    ct55 = cb.board("CT-55")
    with PadBook.open(send) as b:
        doc = cinq.encrypt("HELLO WORLD", b, board=ct55, check=None)
    garbled = garble_to_99(doc, ct55, "HELLO WORLD")
    with PadBook.open(receive) as b:
        with pytest.raises(BadInput, match="group 2, figure 1"):
            cinq.decrypt(garbled, b, board=ct55, check=None)
        assert b.status().used == 0
        assert cinq.decrypt(doc, b, board=ct55, check=None).text == "HELLO WORLD"


def test_garbled_message_with_checks_fails_authentication_first(
    books: tuple[Path, Path],
) -> None:
    send, receive = books
    ct55 = cb.board("CT-55")
    with PadBook.open(send) as b:
        doc = cinq.encrypt("HELLO WORLD", b, board=ct55)
    with PadBook.open(receive) as b:
        with pytest.raises(AuthenticationFailed, match="altered or forged"):
            cinq.decrypt(garble_to_99(doc, ct55, "HELLO WORLD"), b, board=ct55)
        assert b.status().used == 0


def test_decrypting_twice_is_allowed_and_reported(books: tuple[Path, Path]) -> None:
    send, receive = books
    with PadBook.open(send) as b:
        doc = cinq.encrypt("HELLO", b)
    with PadBook.open(receive) as b:
        assert not cinq.decrypt(doc, b).already_read
        again = cinq.decrypt(doc, b)
    assert again.already_read and again.text == "HELLO"


@settings(max_examples=40)
@given(data=st.data(), name=st.sampled_from(["CT-55", "CT-37", "CT-46", "STANDARD-TABLE-1"]))
def test_encrypt_decrypt_property(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, name: str
) -> None:
    b = cb.board(name)
    alphabet = sorted((b.characters - set("()")) | set("abcxyz"))
    text = data.draw(st.text(st.sampled_from(alphabet), min_size=1, max_size=120))
    folder = tmp_path_factory.mktemp("prop")
    send, receive = PadBook.create_pair(folder / "p", pages=8, groups=10)
    with PadBook.open(send) as book:
        doc = cinq.encrypt(text, book, board=b)
    with PadBook.open(receive) as book:
        got = cinq.decrypt(doc.render(data.draw(st.integers(1, 8))), book, board=b)
    assert got.text == text.upper()


# -- messages to and from documents as arrays ---------------------------------------------

GROUPS = st.lists(st.text("0123456789", min_size=5, max_size=5), min_size=2, max_size=40)


@given(groups=GROUPS, check_groups=st.integers(0, 4), unreadable=st.booleans())
def test_a_message_from_a_document_is_the_message_from_its_groups(
    groups: list[str], check_groups: int, unreadable: bool
) -> None:
    if unreadable:
        groups[-1] = "1?345"
    doc = cinq.Document(groups=groups)

    def read(from_document: bool) -> Message | str:
        try:
            if from_document:
                return Message.from_document(doc, check_groups)
            return Message.from_groups(groups, check_groups)
        except BadInput as e:
            return f"{type(e).__name__}: {e}"

    by_groups, by_document = read(False), read(True)
    assert by_document == by_groups
    if isinstance(by_document, Message):
        assert by_document.figures == "".join(groups).encode("ascii")
        assert by_document.canonical == " ".join(groups)
        assert cinq.Document.from_figures(by_document.figures) == doc


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet="ABCDEFGHIJ KLMNOP.,0123456789", min_size=1, max_size=400),
    check=st.sampled_from([cinq.STRONG, cinq.HAND, None]),
)
def test_plan_is_what_send_takes(
    tmp_path_factory: pytest.TempPathFactory, text: str, check: cinq.Scheme | None
) -> None:
    folder = tmp_path_factory.mktemp("plan")
    send, _ = PadBook.create_pair(folder / "p", pages=12, groups=10)
    with PadBook.open(send) as book:
        try:
            planned = cinq.plan(text, book, check=check)
        except BadInput:
            with pytest.raises(BadInput):
                cinq.send(text, book, check=check)
            return
        before = book.status().unused
        assert planned.unused == before and planned.fits == (planned.pages <= before)
        if not planned.fits:
            with pytest.raises(KeyManagementError):
                cinq.send(text, book, check=check)
            return
        sent = cinq.send(text, book, check=check)
        assert planned.pages == len(sent.page_ids) == before - book.status().unused
    assert planned.groups == len(sent.document.groups)
    assert planned.to_json()["fits"] is True
