"""Character n-gram language models: folding, smoothing, identification, the cache."""

from __future__ import annotations

import functools
import math
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq.language import model as lm

# Sentences of our own (not from the training word lists' sources).
TEXTS = {
    "en": (
        "The meeting has been moved to Thursday at the old bridge. Bring the documents "
        "and do not tell anyone about the change of plans. We will wait until midnight."
    ),
    "fr": (
        "Le rendez-vous est reporté à jeudi près du vieux pont. Apportez les documents et "
        "ne parlez à personne du changement de programme. Nous attendrons jusqu'à minuit."
    ),
    "de": (
        "Das Treffen wird auf Donnerstag an der alten Brücke verschoben. Bringen Sie die "
        "Unterlagen mit und erzählen Sie niemandem von der Änderung. Wir warten bis Mitternacht."
    ),
    "es": (
        "La reunión se traslada al jueves junto al puente viejo. Traiga los documentos y no "
        "le cuente a nadie el cambio de planes. Esperaremos hasta la medianoche."
    ),
    "ru": (
        "Встреча переносится на четверг у старого моста. Принесите документы и никому не "
        "говорите об изменении планов. Мы будем ждать до полуночи."
    ),
}
SHORT = {  # about 40 characters
    "en": "Send the money to the usual address now.",
    "fr": "Le colis arrivera demain matin à la gare.",
    "de": "Der Kurier kommt morgen früh am Bahnhof.",
    "es": "El paquete llegará mañana por la mañana.",
    "ru": "Посылка придёт завтра утром на вокзал.",
}
ELISIONS = "Qu'est-ce qu'il a dit? L'armée n'est pas arrivée à l'heure."


def solid(text: str) -> str:
    """The text as ciphers send it: letters only, no spaces."""
    return "".join(c for c in text if c.isalpha())


@pytest.mark.parametrize("lang", lm.LANGS)
def test_alphabet(lang: str) -> None:
    m = lm.model(lang)
    assert m.alphabet.endswith(lm.SPACE + lm.OTHER)
    letters = m.alphabet[:-2]
    assert len(set(m.alphabet)) == m.size
    assert len(letters) == {"es": 27, "ru": 33}.get(lang, 26)
    assert letters == letters.upper()
    assert all(len(t) == m.size**k for k, t in enumerate(m.tables, 1))
    if lang == "es":
        assert letters.index("Ñ") == letters.index("N") + 1
    if lang == "ru":
        assert letters.index("Ё") == letters.index("Е") + 1


def test_encode_folds_like_the_language() -> None:
    def canon(lang: str, text: str) -> str:
        m = lm.model(lang)
        return m.decode(m.encode(text))

    assert canon("en", "Hello, world!\n") == "HELLO\0 WORLD\0 "
    assert canon("en", "café naïve 42") == "CAFE NAIVE \0\0"
    assert canon("fr", "Élève, cœur") == "ELEVE\0 COEUR"
    assert canon("de", "Äpfel, Größe, Übel") == "AEPFEL\0 GROESSE\0 UEBEL"
    assert canon("es", "¿Mañana? Sí.") == "\0MAÑANA\0 SI\0"
    assert canon("ru", "ёлка, Ёж") == "ЁЛКА\0 ЁЖ"
    assert canon("ru", "Hi") == "\0\0"
    assert canon("en", "a\tb\u00a0c\x00d\U0001f600") == "A B C\0D\0"
    assert canon("en", "e\u0301") == "E"  # decomposed accents are composed first
    assert lm.model("en").encode("").dtype == np.int16


@pytest.mark.parametrize("lang", lm.LANGS)
def test_probabilities_sum_to_one(lang: str) -> None:
    m = lm.model(lang)
    for t in m.tables:
        p = np.exp(t.astype(np.float64).reshape(-1, m.size))
        assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
        assert np.all(np.isfinite(t) & (t <= 0))  # smoothing: nothing is impossible


@pytest.mark.parametrize("lang", lm.LANGS)
def test_identify_sentences(lang: str) -> None:
    ranked = lm.identify(TEXTS[lang])
    assert ranked[0][0] == lang
    assert sorted(x[0] for x in ranked) == sorted(lm.LANGS)
    assert ranked[0][1] - ranked[1][1] > 0.6  # clearly, not narrowly
    assert ranked[0][1] > -2.2


@pytest.mark.parametrize("lang", lm.LANGS)
def test_identify_short_texts(lang: str) -> None:
    assert 35 <= len(SHORT[lang]) <= 45
    ranked = lm.identify(SHORT[lang])
    assert ranked[0][0] == lang
    assert ranked[0][1] - ranked[1][1] > 0.4


def test_identify_french_with_elisions_and_a_subset_of_languages() -> None:
    assert lm.identify(ELISIONS)[0][0] == "fr"
    assert [x[0] for x in lm.identify(TEXTS["de"], ("en", "de"))] == ["de", "en"]


@pytest.mark.parametrize("lang", lm.LANGS)
def test_text_without_spaces(lang: str) -> None:
    m = lm.model(lang)
    text = solid(TEXTS[lang])
    ranked = lm.identify(text)
    assert ranked[0][0] == lang
    assert ranked[0][1] - ranked[1][1] > 0.6
    assert lm.identify(solid(SHORT[lang]))[0][0] == lang
    # The model for text without spaces does much better on it than the spaced one.
    spaced_only = lm.LanguageModel(lang, m.order, m.alphabet, m.tables)
    assert m.score(text) > spaced_only.score(text) + 0.5
    assert m.score(text) > -2.4
    shuffled = "".join(random.Random(2).sample(text, len(text)))
    assert m.score(shuffled) < m.score(text) - 1.5


@pytest.mark.parametrize("lang", lm.LANGS)
def test_text_beats_shuffled_beats_random(lang: str) -> None:
    m = lm.model(lang)
    text = m.decode(m.encode(TEXTS[lang]))
    letters = m.alphabet[:-2]
    at = [i for i, c in enumerate(text) if c in letters]
    rng = random.Random(1)

    def fill(new: list[str]) -> str:  # the same words and punctuation, other letters
        chars = list(text)
        for i, c in zip(at, new, strict=True):
            chars[i] = c
        return "".join(chars)

    shuffled = fill(rng.sample([text[i] for i in at], len(at)))
    noise = fill([rng.choice(letters) for _ in at])
    assert m.score(shuffled) < m.score(text) - 2
    assert m.score(noise) < m.score(shuffled) - 0.2
    noise_with_spaces = "".join(rng.choice(letters + " ") for _ in range(20000))
    assert lm.random_text_score(lang) == pytest.approx(m.score(noise_with_spaces), abs=0.1)
    assert lm.random_text_score(lang) < m.score(text) - 3


def test_score_is_mean_logprob_and_scores_agree() -> None:
    m = lm.model("en")
    texts = [TEXTS["en"], "", "a", "xq", "HELLO ", " two  spaces ", TEXTS["fr"]]
    got = m.scores(texts)
    for text, s in zip(texts, got, strict=True):
        if text:
            assert s == pytest.approx(m.score(text), abs=1e-9)
            assert m.logprob(text) == pytest.approx(s * len(m.encode(text)))
        else:
            assert math.isnan(s) and math.isnan(m.score(text))
    assert m.scores([]).shape == (0,)
    assert m.logprob("") == 0.0


def test_contexts_are_cut_at_word_boundaries() -> None:
    m = lm.model("en")
    m = lm.LanguageModel("en", m.order, m.alphabet, m.tables)  # FOX alone has no space
    whole = m.logprobs(m.encode("QUICK BROWN FOX"))
    assert np.allclose(whole[6:], m.logprobs(m.encode("BROWN FOX")))
    assert np.allclose(whole[12:], m.logprobs(m.encode("FOX")))


@functools.cache
def built(order: int) -> lm.LanguageModel:
    return lm.build("en", order)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_other_orders(order: int) -> None:
    m = built(order)
    assert len(m.tables) == len(m.solid) == order
    for text in (TEXTS["en"], "THEQUICKBROWNFOX"):
        codes = m.encode(text)
        lp = m.logprobs(codes)
        assert lp.shape == codes.shape and np.all(np.isfinite(lp) & (lp < 0))
    if order == 1:
        codes = m.encode(TEXTS["en"])
        assert np.allclose(m.logprobs(codes), m.tables[0][codes])
    assert m.score("THE") == pytest.approx(m.logprob("THE") / 3)
    assert m.score(TEXTS["en"]) > m.score(TEXTS["fr"])


def test_higher_orders_model_better() -> None:
    for text in (TEXTS["en"], solid(TEXTS["en"])):
        scores = [built(n).score(text) for n in (1, 2, 3)] + [lm.model("en").score(text)]
        assert scores == sorted(scores)


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CINQ_CACHE_DIR", str(tmp_path))
    path = lm.cache_path("es", 4)
    assert path == tmp_path / "lm-es-4-v1.npz"
    assert not path.exists()
    built = lm.load_or_build("es")
    assert path.exists()
    loaded = lm.load_or_build("es")
    assert loaded == built
    assert all(np.array_equal(a, b) for a, b in zip(loaded.tables, built.tables, strict=True))
    assert loaded.score(TEXTS["es"]) == built.score(TEXTS["es"])
    # A damaged file is rebuilt, and rewritten.
    path.write_bytes(b"not a zip file")
    again = lm.load_or_build("es")
    assert all(np.array_equal(a, b) for a, b in zip(again.tables, built.tables, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(loaded.solid, built.solid, strict=True))
    assert loaded.score(solid(TEXTS["es"])) == built.score(solid(TEXTS["es"]))
    with np.load(path) as z:
        assert np.array_equal(z["t4"], built.tables[3])
        assert np.array_equal(z["s4"], built.solid[3])
    assert list(tmp_path.iterdir()) == [path]  # no temporary files left behind


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CINQ_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert lm.cache_path("ru", 3) == tmp_path / "cinq" / "lm-ru-3-v1.npz"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert lm.cache_dir() == Path.home() / ".cache" / "cinq"


def test_model_is_cached_in_process() -> None:
    assert lm.model("fr") is lm.model("fr")
    assert lm.model("FR") == lm.model("fr")


def test_large_text_scores() -> None:
    m = lm.model("de")
    big = " ".join([TEXTS["de"]] * 5000)  # ~700 kB
    lp = m.logprobs(m.encode(big))
    assert lp.shape == (len(m.encode(big)),)
    assert m.score(big) == pytest.approx(m.score(TEXTS["de"]), abs=0.02)


@given(st.text(max_size=60))
def test_any_text_scores(text: str) -> None:
    m = lm.model("ru")
    s = m.score(text)
    assert math.isnan(s) if not m.encode(text).size else -20 < s < 0
