"""The library entry points behind the fuzzed commands, fuzzed directly with a fixed
seed: for any input they return a result or raise a :class:`CinqError` (what a library
user can catch), never a ValueError, KeyError, IndexError or the like.

Covered here: the VIC cipher, codebooks read from JSON, station profiles read from
TOML data, the language layer, check-scheme names.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq import auth, codebook, language, vic
from cinq.errors import BadInput, CinqError
from cinq.radio import profiles, synth

FUZZ = settings(max_examples=300, derandomize=True, deadline=None, database=None)

TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from("0123456789 .,?№АБВЁЙЪ\n/"), max_size=80
)
DATE = st.text("0123456789. /-x²٣７", max_size=12) | st.just("741776")
PHRASE = st.text(max_size=40) | st.just("IDREAMOFJEANNIEWITHTHELIGHTBROWNHAIR")
PERSONAL = st.integers(-5, 40)
LANG = st.sampled_from(["en", "ru"])
JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)


def returns_or_refuses(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except CinqError:
        return None


@FUZZ
@given(
    TEXT,
    DATE,
    PHRASE,
    PERSONAL,
    LANG,
    st.none() | st.text("0123456789x²٣７", max_size=7),
    st.none() | st.integers(-3, 300),
    st.booleans(),
    st.text(max_size=10),
)
def test_vic_encrypt(
    text: str,
    date: str,
    phrase: str,
    personal: int,
    lang: vic.Lang,
    keygroup: str | None,
    cut: int | None,
    drop: bool,
    keyword: str,
) -> None:
    kw = {"keyword": keyword} if keyword else {}
    returns_or_refuses(
        vic.encrypt,
        text,
        date=date,
        phrase=phrase,
        personal=personal,
        keygroup=keygroup,
        lang=lang,
        cut=cut,
        drop=drop,
        **kw,
    )


@FUZZ
@given(
    st.lists(st.text("0123456789?x ²٣７", max_size=7), max_size=40), DATE, PHRASE, PERSONAL, LANG
)
def test_vic_decrypt(
    groups: list[str], date: str, phrase: str, personal: int, lang: vic.Lang
) -> None:
    returns_or_refuses(vic.decrypt, groups, date=date, phrase=phrase, personal=personal, lang=lang)


@FUZZ
@given(JSON, st.lists(st.fixed_dictionaries({"code": JSON_LEAF, "phrase": JSON_LEAF}), max_size=6))
def test_codebook_from_json(doc: Any, entries: list[dict[str, Any]]) -> None:
    returns_or_refuses(codebook.Codebook._from_json, doc, "fuzz")
    shaped = {
        "format": codebook.FORMAT,
        "version": 1,
        "lang": "en",
        "keyed": False,
        "entries": entries,
    }
    returns_or_refuses(codebook.Codebook._from_json, shaped, "fuzz")
    returns_or_refuses(codebook.Codebook._from_json, json.loads(json.dumps(shaped)), "fuzz")


STEP = st.dictionaries(
    st.sampled_from(["say", "groups", "tone", "pause", "repeat", "x"]),
    JSON | st.sampled_from([-1.0, float("nan"), float("inf"), 1e9, 0.5, 3]),
    max_size=3,
)
NUMBER = JSON_LEAF | st.sampled_from([-1.0, float("nan"), float("inf"), 1e308, 0.2])


@FUZZ
@given(
    JSON,
    st.lists(STEP, max_size=4),
    st.dictionaries(
        st.sampled_from(["digit_gap", "group_gap", "phrase_gap", "x"]), NUMBER, max_size=3
    ),
    JSON | st.dictionaries(st.sampled_from(["wpm", "tone_hz", "cut"]), NUMBER, max_size=2),
)
def test_station_profile_data(doc: Any, script: list[Any], timing: Any, morse: Any) -> None:
    """A profile either is refused or is one the synthesizer can build: every gap,
    pause and tone finite and not negative, every repeat a positive whole number."""
    if isinstance(doc, dict):
        returns_or_refuses(profiles.parse, doc)
    shaped = {
        "name": "X",
        "mode": "voice",
        "script": [*script, {"groups": 1}],
        "timing": timing,
        "morse": morse,
    }
    p = returns_or_refuses(profiles.parse, shaped)
    if p is None:
        return
    t, m = p.timing, p.morse
    numbers = [t.digit_gap, t.group_gap, t.repeat_gap, t.phrase_gap, m.wpm, m.tone_hz]
    for s in p.script:
        numbers += [s.seconds, *(x for pair in s.tones for x in pair)]
        assert isinstance(s.repeat, int) and s.repeat >= 1
    assert all(math.isfinite(x) and x >= 0 for x in numbers), p
    assert m.wpm > 0 and all(hz > 0 for s in p.script for hz, _ in s.tones), p


@FUZZ
@given(TEXT, st.sampled_from(list(language.LANGUAGES)), st.sampled_from(list(language.Policy)))
def test_language_encode(text: str, lang: str, policy: language.Policy) -> None:
    returns_or_refuses(language.encode, text, None, lang, policy)


@FUZZ
@given(st.text(max_size=12))
def test_names(name: str) -> None:
    returns_or_refuses(auth.scheme, name)
    returns_or_refuses(language.language, name)
    returns_or_refuses(profiles.load, name)


def test_unbounded_work_is_refused_before_it_is_done() -> None:
    """A VIC message of 5 MB took 15 s and 1.4 GB; a broadcast of 20,000 groups ran for
    hours. Both are refused at once now."""
    keys = {"date": "741776", "phrase": "IDREAMOFJEANNIEWITHTHELIGHTBROWNHAIR", "personal": 6}
    with pytest.raises(BadInput, match="at most"):
        vic.encrypt("A" * (vic.MAX_TEXT + 1), **keys)
    with pytest.raises(BadInput, match="at most"):
        vic.decrypt(["12345"] * (vic.MAX_GROUPS + 1), **keys)
    with pytest.raises(BadInput, match="at most"):
        synth.broadcast(["12345"] * (synth.MAX_GROUPS + 1), profiles.load("E11"))
