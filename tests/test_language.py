from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import language as lg
from cinq.errors import BadInput, Location, UnencodableText
from cinq.language import Policy

# What people type in each language: both cases, accents, typographic marks.
SOURCE_ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:'?!-()/+=‘’",
    "fr": "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüÿçœæÉÈÊÀÇŒ0123456789 .,:'?!’-()",
    "de": "abcdefghijklmnopqrstuvwxyzäöüßÄÖÜẞ0123456789 .,:'?!-()",
    "es": "abcdefghijklmnopqrstuvwxyzñÑáéíóúüÁÉÍÓÚ¿¡0123456789 .,:'?!-",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ0123456789 .,:?!-()«»",
}


@pytest.mark.parametrize("code", sorted(lg.LANGUAGES))
@given(data=st.data())
def test_every_language_round_trips_on_its_board(code: str, data: st.DataObject) -> None:
    profile = lg.language(code)
    text = data.draw(st.text(st.sampled_from(SOURCE_ALPHABETS[code]), max_size=80))
    text = text.replace("(", "").replace(")", "") if profile.board.paren_toggle else text
    prepared = lg.prepare(text, profile.board, profile)
    decoded = profile.board.decode(lg.encode(text, lang=profile))
    assert decoded == prepared.text
    # the canonical form is a fixed point: nothing more changes the second time
    assert lg.prepare(decoded, profile.board, profile).text == decoded


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("fr", "Élève à l’école, « Œuvre » ; Noël", None),
        ("fr", "Élève à l’école, Œuvre", "ELEVE A L'ECOLE, OEUVRE"),
        ("fr", "« Oui »", "' OUI '"),  # CT-55 has no '"': guillemets become quotes it has
        ("de", "Größe über Äpfel, Straße", "GROESSE UEBER AEPFEL, STRASSE"),
        ("es", "¿Qué año? ¡Mañana!", "QUE AÑO? MAÑANA!"),
        ("ru", "Съешь ещё «этих» булок", 'СЪЕШЬ ЕЩЁ "ЭТИХ" БУЛОК'),
    ],
)
def test_language_foldings(code: str, text: str, expected: str | None) -> None:
    profile = lg.language(code)
    if expected is None:
        with pytest.raises(UnencodableText) as e:
            lg.prepare(text, profile.board, profile)
        assert e.value.location is not None and e.value.location.char == ";"
        return
    assert lg.prepare(text, profile.board, profile).text == expected


def test_foreign_character_is_an_error_with_line_and_column() -> None:
    with pytest.raises(UnencodableText) as e:
        lg.encode("meet at the café", lang="en")
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (1, 16, "é")
    assert "--fold" in str(e.value)
    with pytest.raises(UnencodableText) as e:
        lg.encode("ok\nfine ☃", lang="en", policy=Policy.FOLD)
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (2, 6, "☃")


def test_policies_fold_and_drop() -> None:
    b = cb.board("CT-37")
    assert lg.prepare("café; ok!", b, "en", Policy.FOLD).text == "CAFE, OK."
    assert lg.prepare("café; ok!", b, "en", Policy.DROP).text == "CAF OK"
    assert lg.prepare("line one\nline two", b, "en", Policy.FOLD).text == "LINE ONE LINE TWO"
    with pytest.raises(UnencodableText) as e:
        lg.prepare("a\nb", b, "en")
    assert "line break" in str(e.value)
    assert lg.prepare("☃ snow", b, "en", Policy.FOLD | Policy.DROP).text == " SNOW"


def test_board_errors_point_into_the_original_text() -> None:
    # After folding "Œ" -> "OE" offsets shift; the error must still point at the user's text.
    with pytest.raises(UnencodableText) as e:
        lg.encode("Œuvre (a (b))", cb.board("STANDARD-TABLE-1"), "fr")
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column) == (1, 10)


def test_unknown_language() -> None:
    with pytest.raises(BadInput, match="known: en"):
        lg.language("xx")


# -- the folding rewritten in C against the character-by-character reference -------------


def reference_prepare(
    text: str, b: cb.Board, lang: lg.Language, policy: Policy
) -> tuple[str, list[int]]:
    """prepare() as it was written first: one character at a time."""
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{" and (m := cb.ESCAPE.match(text, i)):
            out.append(m.group(0))
            offsets.append(i)
            i = m.end()
            continue
        rep = ch if b.can_encode(ch) else lg._prepare_char(ch, b, lang, policy)
        if rep is None:
            raise UnencodableText(
                f"board {b.name} has no cell for it" + lg._hint(ch, lang, policy),
                location=Location.of_offset(text, i),
            )
        out.append(rep)
        offsets.extend([i] * len(rep))
        i += 1
    return "".join(out), offsets


LETTERS = ["a", "Z", " ", "7", ".", "é", "É", "ß", "Œ", "æ", "¿", "¡", "ñ", "Ё", "ж", "«", "—"]
OTHERS = ["…", "!", ";", "?", "\n", "\t", "&", "%", "{", "}", "{123}", "{FIG}", "{12}", "😀"]
PIECES = st.sampled_from([*LETTERS, *OTHERS, "\u00a0"])


@given(
    pieces=st.lists(PIECES, max_size=30),
    code=st.sampled_from(sorted(lg.LANGUAGES)),
    policy=st.sampled_from([Policy.STRICT, Policy.FOLD, Policy.DROP, Policy.FOLD | Policy.DROP]),
)
def test_prepare_matches_the_character_by_character_reference(
    pieces: list[str], code: str, policy: Policy
) -> None:
    text = "".join(pieces)
    profile = lg.language(code)
    b = profile.board
    try:
        expected: tuple[str, list[int]] | UnencodableText = reference_prepare(
            text, b, profile, policy
        )
    except UnencodableText as e:
        expected = e
    try:
        got = lg.prepare(text, b, profile, policy)
    except UnencodableText as e:
        assert isinstance(expected, UnencodableText)
        assert (e.message, e.location) == (expected.message, expected.location)
        return
    assert not isinstance(expected, UnencodableText), text
    assert (got.text, [int(k) for k in got.offsets]) == expected


def test_offsets_of_a_resized_text_behave_as_a_list() -> None:
    profile = lg.language("de")
    got = lg.prepare("Straße ß", profile.board, profile)
    assert got.text == "STRASSE SS"
    expected = [0, 1, 2, 3, 4, 4, 5, 6, 7, 7]
    assert list(got.offsets) == expected and len(got.offsets) == len(expected)
    assert got.offsets[-1] == 7 and list(got.offsets[2:6]) == expected[2:6]
    with pytest.raises(IndexError):
        got.offsets[len(expected)]
