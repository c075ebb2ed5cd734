from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import language as lg
from cinq.errors import BadInput, UnencodableText
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
