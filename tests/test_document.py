"""Documents: render the standard layout, and find it again in any text."""

from __future__ import annotations

import html
import pickle
import string

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cinq import document
from cinq.document import Document
from cinq.errors import BadInput
from cinq.sourcetext import looks_like_html, needs_unwrapping
from tests.fixtures import SEED_GROUPS

NBSP = "\u00a0"  # French typography puts one inside guillemets

COVER = (
    "Réouverture de la ligne des Causses : le premier train est arrivé à l’heure\n"
    "\n"
    "Fermée au trafic depuis le printemps 2017, la ligne régionale entre Millau et\n"
    "Sévérac a rouvert samedi après trois ans de travaux sur les voies et les tunnels.\n"
    f"«{NBSP}On n’y croyait plus, mais nous voilà{NBSP}», confiait une habituée sur le quai.\n"
    "Six allers-retours quotidiens sont prévus, dont deux le dimanche.\n"
    "Les billets sont en vente dès aujourd’hui, à un tarif réduit jusqu’en décembre."
)

SEED_TEXT = COVER + "\n\n" + "\n".join(SEED_GROUPS) + "\n\nBy mrtrv\n"


def seed_document(**changes: object) -> Document:
    fields: dict[str, object] = {
        "groups": SEED_GROUPS,
        "cover": COVER,
        "signature": "mrtrv",
        "trailer": None,
    }
    fields.update(changes)
    return Document(**fields)  # type: ignore[arg-type]


# -- the seed fixture (its copy is checked in tests/test_fixtures.py) --------------------


def test_parse_finds_cover_groups_and_signature() -> None:
    doc = Document.parse(SEED_TEXT)
    assert doc.groups == SEED_GROUPS
    assert doc.cover == COVER
    assert doc.signature == "mrtrv"
    assert doc.trailer is None
    # and the standard layout is exactly what render writes
    assert doc.render() == SEED_TEXT


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_parse_normalises_line_endings(newline: str) -> None:
    doc = Document.parse(SEED_TEXT.replace("\n", newline))
    assert doc == seed_document()
    assert "\r" not in (doc.cover or "")


def test_parse_five_groups_per_line() -> None:
    text = seed_document().render(per_line=5)
    assert "58523 45006 90803 56530 93701\n16204" in text
    assert text.endswith("\n47443 97453 56808 50086\n\nBy mrtrv\n")
    assert Document.parse(text) == seed_document()


def test_parse_tolerates_messy_layout_in_the_block() -> None:
    rows = ["  58523\t45006   90803", "", "", "56530 93701 ", "\t16204", *SEED_GROUPS[6:]]
    rows[8:8] = ["   ", ""]  # blank lines with spaces, between two group lines
    text = "\ufeff\n\n" + COVER + "\n\n\n" + "\n".join(rows) + "\n\n\n   By mrtrv  \n\n\n"
    assert Document.parse(text) == seed_document()


def test_parse_email_with_headers_and_footer() -> None:
    headers = (
        "From: Service presse <presse@example.fr>\n"
        "To: redaction@example.fr\n"
        "Date: Mon, 24 Nov 2026 14:30:00 +0100\n"
        "Subject: Re: ligne des Causses"
    )
    footer = (
        "-- \n"
        "Service presse de la Région\n"
        "Tél. 05 61 33 50 50\n"
        "01 23 45 67 89\n"  # a bare phone number: group-like, but not in the block
        "\n"
        "Ce message et ses pièces jointes sont confidentiels."
    )
    text = f"{headers}\n\n{SEED_TEXT}\n{footer}\n".replace("\n", "\r\n")
    doc = Document.parse(text)
    assert doc == seed_document(cover=f"{headers}\n\n{COVER}", trailer=footer)
    assert Document.parse(doc.render(3)) == doc


def test_numbers_in_the_cover_stay_in_the_cover() -> None:
    cover = f"{COVER}\n\nRenseignements :\n63000 12100\n\nou au 05 65 12 34 56, de 9 h à 18 h."
    doc = Document.parse(cover + "\n\n" + "\n".join(SEED_GROUPS) + "\n\nBy mrtrv\n")
    assert doc.groups == SEED_GROUPS
    assert doc.cover == cover


def test_the_largest_block_wins_and_the_earliest_on_a_tie() -> None:
    doc = Document.parse("11111 22222\n\nvoir aussi\n\n33333\n44444\n")
    assert doc.groups == ("11111", "22222")
    assert doc.cover is None
    assert doc.signature is None
    assert doc.trailer == "voir aussi\n\n33333\n44444"
    assert Document.parse("11111\n\nvoir aussi\n\n33333\n44444\n").groups == ("33333", "44444")


def test_signature_only_right_after_the_block() -> None:
    doc = Document.parse("12345\n\nmerci\nBy mrtrv\n")
    assert doc.signature is None
    assert doc.trailer == "merci\nBy mrtrv"
    assert Document.parse("12345\n\nBY 12345\n").signature == "12345"
    assert Document.parse("12345\nby\n").signature is None


# -- malformed blocks --------------------------------------------------------------------


def test_short_group_in_the_block_is_located() -> None:
    text = "Titre\n\n58523\n45006\n\n  5852\n56530\n\nBy mrtrv\n"
    with pytest.raises(BadInput, match=r"malformed group '5852': 4 digits, a group has 5") as e:
        Document.parse(text, source="msg.txt")
    loc = e.value.location
    assert loc is not None
    assert (loc.line, loc.column, loc.char, loc.source) == (6, 3, "5", "msg.txt")
    assert str(e.value).startswith("msg.txt: line 6, column 3")


def test_letter_in_a_group_is_located_in_the_original_text() -> None:
    text = "\ufeffTitre\r\n\r\n58523 45006\r\n90803 58a23\r\n56530\r\n"
    with pytest.raises(BadInput, match=r"malformed group '58a23': 'a' is not a digit") as e:
        Document.parse(text)
    loc = e.value.location
    assert loc is not None
    assert (loc.line, loc.column, loc.char) == (4, 9, "a")


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("585234", 1, "malformed group '585234': 6 digits, a group has 5"),
        ("58523 45006 9080", 13, "malformed group '9080': 4 digits, a group has 5"),
        ("58523 4500", 7, "malformed group '4500': 4 digits, a group has 5"),
        ("58523 45O06", 9, "malformed group '45O06': 'O' is not a digit"),
        ("58523 ４5006", 7, "malformed group '４5006': '４' is not an ASCII digit"),
    ],
)
def test_malformed_lines_inside_the_block(line: str, column: int, message: str) -> None:
    block = [*SEED_GROUPS[:10], "", line, *SEED_GROUPS[10:]]
    text = COVER + "\n\n" + "\n".join(block) + "\n"
    with pytest.raises(BadInput, match=message) as e:
        Document.parse(text)
    loc = e.value.location
    assert loc is not None
    assert (loc.line, loc.column) == (COVER.count("\n") + 14, column)


def test_group_like_lines_outside_the_block_are_not_errors() -> None:
    doc = Document.parse("Page 2017\n1234 5678\n\nsuite\n\n58523\n45006\n\nBy x\n\n01 23\n")
    assert doc.groups == ("58523", "45006")
    assert doc.cover == "Page 2017\n1234 5678\n\nsuite"
    assert doc.trailer == "01 23"


@pytest.mark.parametrize(
    "text", ["", "\n\n", COVER, "5852\n4500\n", "En 2017, le 24.11.2026 à 14 h 30\n"]
)
def test_no_block(text: str) -> None:
    with pytest.raises(BadInput, match="no block of five-figure groups found"):
        Document.parse(text)
    with pytest.raises(BadInput, match=r"found in msg\.txt"):
        Document.parse(text, source="msg.txt")


# -- construction and rendering ----------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ((), "at least one group"),
        (("12345", "1234"), r"group 2 \('1234'\)"),
        (("12345", "67890", "1234a"), r"group 3 \('1234a'\)"),
        (("123456",), r"group 1 \('123456'\)"),
        (("١٢٣٤٥",), "group 1"),  # Arabic-Indic digits are not ASCII
    ],
)
def test_constructor_rejects_bad_groups(groups: tuple[str, ...], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Document(groups=groups)


@pytest.mark.parametrize("signature", ["", "   ", "mr\ntrv", "mr\rtrv"])
def test_constructor_rejects_bad_signatures(signature: str) -> None:
    with pytest.raises(BadInput, match="signature"):
        Document(groups=("12345",), signature=signature)


def test_constructor_normalises() -> None:
    doc = Document(groups=["12345"], cover="Titre\r\n\n", signature=" mrtrv ", trailer="\n")
    assert doc == Document(groups=("12345",), cover="Titre", signature="mrtrv")
    assert Document(groups=("12345",), cover="").cover is None


def test_render_layout() -> None:
    doc = Document(
        groups=("11111", "22222", "33333"),
        cover="Titre\n\n  texte ",
        signature="x",
        trailer="--\nf",
    )
    assert doc.render(2) == "Titre\n\n  texte \n\n11111 22222\n33333\n\nBy x\n\n--\nf\n"
    assert Document(groups=("11111",)).render() == "11111\n"
    assert Document(groups=("11111",), trailer="pied").render() == "11111\n\npied\n"
    with pytest.raises(BadInput, match="at least 1"):
        doc.render(0)


def test_to_json() -> None:
    assert seed_document(trailer="pied").to_json() == {
        "cover": COVER,
        "groups": list(SEED_GROUPS),
        "signature": "mrtrv",
        "trailer": "pied",
    }


# -- properties --------------------------------------------------------------------------

LETTERS = string.ascii_letters + "éèêëàâçôûùîïœÉÈÀÇŒ"
WORDS = st.text(st.sampled_from(LETTERS), min_size=1, max_size=10).filter(
    lambda w: w.lower() != "by"  # an unsigned trailer must not start like a signature
)
# Tokens that prose mixes with words: numbers, dates, punctuation, even a group.
TOKENS = st.one_of(
    WORDS,
    st.sampled_from(["«", "»", "l’été", "2017,", "14", "h", "30", "24.11.2026", "—", "58523"]),
)


@st.composite
def prose_lines(draw: st.DrawFn) -> str:
    """A line of prose: always at least one long plain word, so it classifies as text
    (a line of groups and group-sized words is a damaged group line)."""
    tokens = draw(st.lists(TOKENS, max_size=8))
    long_word = st.text(st.sampled_from(LETTERS), min_size=7, max_size=12)
    tokens.insert(draw(st.integers(0, len(tokens))), draw(long_word))
    indent = draw(st.sampled_from(["", "", "  ", "\t"]))
    return indent + draw(st.sampled_from([" ", " ", "\t", NBSP])).join(tokens)


PROSE = st.lists(st.lists(prose_lines(), min_size=1, max_size=4), min_size=1, max_size=3).map(
    lambda paragraphs: "\n\n".join("\n".join(p) for p in paragraphs)
)

DOCUMENTS = st.builds(
    Document,
    groups=st.lists(st.text("0123456789", min_size=5, max_size=5), min_size=1, max_size=120).map(
        tuple
    ),
    cover=st.none() | PROSE,
    signature=st.none() | st.text(string.ascii_letters + string.digits, min_size=1, max_size=8),
    trailer=st.none() | PROSE,
)


@given(doc=DOCUMENTS, per_line=st.integers(1, 10))
def test_render_parse_round_trip(doc: Document, per_line: int) -> None:
    text = doc.render(per_line)
    assert text.endswith("\n")
    assert Document.parse(text) == doc


@given(doc=DOCUMENTS, data=st.data())
def test_parse_survives_any_block_layout(doc: Document, data: st.DataObject) -> None:
    newline = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows, rest = [], list(doc.groups)
    while rest:
        k = data.draw(st.integers(1, 8))
        space = data.draw(st.sampled_from([" ", "  ", "\t", " \t "]))
        rows.append(data.draw(st.sampled_from(["", " ", "\t"])) + space.join(rest[:k]))
        rows += [""] * data.draw(st.integers(0, 2))
        rest = rest[k:]
    text = doc.render()
    head = "" if doc.cover is None else doc.cover + "\n\n"
    text = head + "\n".join(rows) + "\n" + text[len(head) + len("\n".join(doc.groups)) + 1 :]
    assert Document.parse(text.replace("\n", newline)) == doc


def test_a_group_line_with_a_word_in_it_is_an_error_not_a_split_block() -> None:
    text = "Cover.\n\n58523 45006\n90803 ABCDE\n56530 93701\n\nBy 12345\n"
    with pytest.raises(BadInput) as e:
        Document.parse(text)
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (4, 7, "A")
    ok = Document.parse(text.replace("ABCDE", "12345"))
    assert ok.signature == "12345" and len(ok.groups) == 6


# The usual "> " quoting: one space after ">" is the quote's (tight ">" quoting, which
# cannot tell that space from an indent of the text, is in tests/test_pasted.py).
@given(doc=DOCUMENTS, prefix=st.sampled_from(["> ", "> > ", " > ", ">> ", ">> > "]))
def test_a_quoted_document_parses_as_the_document(doc: Document, prefix: str) -> None:
    lines = doc.render(3).splitlines()
    quoted = "\n".join(prefix + line if line else prefix.rstrip() for line in lines)
    reply = f"Here it is again.\n\nOn Monday, Alice <alice@example.org> wrote:\n{quoted}\n\nBob\n"
    assert Document.parse(reply) == doc


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<p>58523</p>", True),
        ("<!DOCTYPE html><title>x</title>", True),
        ("58523<br/>45006", True),
        ("<TD class=g>58523</TD>", True),
        ("Alice <alice@example.org> wrote:", False),
        ("mail <b@example.org> or <paul@example.org>", False),
        ("if a < b and c > d", False),
    ],
)
def test_html_is_told_from_text_with_angle_brackets(text: str, html: bool) -> None:
    assert looks_like_html(text) is html


def as_html(doc: Document) -> str:
    """``doc`` as a web page: paragraphs, <br> line breaks, escaped text."""

    def para(text: str) -> str:
        return "<p>" + html.escape(text).replace("\n", "<br>\n") + "</p>\n"

    rows = [" ".join(doc.groups[i : i + 4]) for i in range(0, len(doc.groups), 4)]
    parts = ["<!DOCTYPE html>\n<html><head><title>Numbers</title></head><body>\n"]
    parts += [para(doc.cover)] if doc.cover else []
    parts.append(para("\n".join(rows)))
    parts += [para(f"By {doc.signature}")] if doc.signature else []
    parts += [para(doc.trailer)] if doc.trailer else []
    return "".join(parts) + "</body></html>\n"


@given(doc=DOCUMENTS)
def test_a_document_published_as_a_web_page_parses_as_the_document(doc: Document) -> None:
    page = as_html(doc)
    got = Document.parse(page)
    assert got.groups == doc.groups and got.signature == doc.signature
    assert got.trailer == doc.trailer
    assert got.cover == ("Numbers" + ("\n\n" + doc.cover if doc.cover else ""))


def test_a_message_on_one_damaged_line_is_located_not_missed() -> None:
    with pytest.raises(BadInput, match="malformed group '9O803'") as e:
        Document.parse("Tonight:\n58523 45006 9O803 12345 56530\n")
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (2, 14, "O")
    with pytest.raises(BadInput, match="no block"):
        Document.parse("Call 01 23 45 67 or 06 12 34 56 78\n")


# -- the whole-text reader of plain text against the line-by-line reader ------------------

# Lines of every kind the reader tells apart: groups in odd layouts, short and long
# runs, '?' digits, groups next to words, blanks beyond ASCII, signatures, prose with
# numbers, non-ASCII digits, control characters.
GROUPISH = ["58523", "45006", "4?006", "?????", "5852", "585234", "9O803", "ABCDE", "١٢٣٤٥"]
WORDISH = ["By", "by", "mrtrv", "Tél.", "05", "61", "14", "h", "30", "2017,", "«", "l’été"]
LINE_PIECES = st.sampled_from([*GROUPISH, "４5006", *WORDISH])
SEPARATORS = st.sampled_from([" ", " ", "  ", "\t", NBSP, "\x0b", "\u2003", "\x1c"])


@st.composite
def any_line(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(LINE_PIECES, max_size=6))
    seps = [draw(SEPARATORS) for _ in pieces]
    line = "".join(s + p for s, p in zip(seps, pieces, strict=True))
    return draw(st.sampled_from(["", " ", "\t"])) + line + draw(st.sampled_from(["", " "]))


@st.composite
def any_text(draw: st.DrawFn) -> str:
    lines = draw(st.lists(any_line(), max_size=14))
    # often a real block somewhere, to exercise covers, signatures and trailers
    if draw(st.booleans()):
        doc = draw(DOCUMENTS)
        at = draw(st.integers(0, len(lines)))
        lines[at:at] = doc.render(draw(st.integers(1, 6))).split("\n")
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


def parse_line_by_line(text: str) -> Document | BadInput:
    try:
        return document._parse_lines(text, None)
    except BadInput as e:
        return e


@settings(max_examples=400)
@given(text=any_text())
def test_plain_text_reads_as_the_line_reader_reads_it(text: str) -> None:
    text = text.replace("\r\n", "\n")
    assume(not needs_unwrapping(text))
    fast = document._parse_plain(text)
    slow = parse_line_by_line(text)
    if fast is None:  # the line reader names the error
        assert isinstance(slow, BadInput)
    else:
        assert fast == slow
    # and through the public door, errors included
    try:
        assert Document.parse(text) == slow
    except BadInput as e:
        assert isinstance(slow, BadInput) and str(e) == str(slow)


FIGURES = st.lists(st.text("0123456789?", min_size=5, max_size=5), min_size=1, max_size=60)


@given(groups=FIGURES, per_line=st.integers(1, 9))
def test_figures_and_groups_are_one_document(groups: list[str], per_line: int) -> None:
    doc = Document(groups=groups)
    same = Document.from_figures("".join(groups).encode("ascii"))
    assert doc == same and hash(doc) == hash(same) and same.groups == tuple(groups)
    assert doc.unreadable == tuple(n for n, g in enumerate(groups, 1) if "?" in g)
    assert doc.unknown_digits == sum(g.count("?") for g in groups)
    text = same.render(per_line)
    rows = [" ".join(groups[i : i + per_line]) + "\n" for i in range(0, len(groups), per_line)]
    assert text == "".join(rows)
    assert Document.parse(text) == doc
    assert pickle.loads(pickle.dumps(doc)) == doc


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        (b"", "at least one group"),
        (b"123451234", r"group 2 \('1234'\) is not a five-figure group: 4 digits"),
        (b"12345123a5", r"group 2 \('123a5'\) is not a five-figure group: 'a' is not a digit"),
    ],
)
def test_figures_are_checked_as_groups_are(figures: bytes, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Document.from_figures(figures)


def test_a_document_is_immutable() -> None:
    doc = Document(groups=("12345",))
    with pytest.raises(AttributeError):
        setattr(doc, "cover", "x")  # noqa: B010 - as any code might try


def test_a_long_document_round_trips_through_the_array_reader() -> None:
    rng = np.random.default_rng(12)
    figures = (rng.integers(0, 10, 5 * 50_000, dtype=np.uint8) + ord("0")).tobytes()
    figures = figures[:777] + b"?" + figures[778:]  # one unreadable digit, group 156
    doc = Document.from_figures(figures, cover=COVER, signature="mrtrv", trailer="Tél. 05 61")
    assert doc.unreadable == (156,) and doc.group_count == 50_000
    for per_line in (1, 7):
        assert Document.parse(doc.render(per_line)) == doc
    row = " ".join(doc.groups[:5]) + "\n"
    damaged = doc.render(5).replace(row, row + "1234\n", 1)  # a short group in the block
    with pytest.raises(BadInput, match="malformed group '1234': 4 digits"):
        Document.parse(damaged)
