"""How well the recogniser knows a recording's voice, and the note a copy carries when
it does not."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cinq.radio import familiarity, profiles, synth, vote
from cinq.radio.decode import decode
from cinq.radio.words import NOT_A_DIGIT, Word

PROBS = st.lists(st.floats(0.001, 1.0), min_size=10, max_size=10).map(
    lambda xs: np.asarray(xs) / sum(xs)
)


def _word(best: int, confidence: float, start: float = 0.0) -> Word:
    probs = np.full(11, (1 - confidence) / 10)
    probs[best] = confidence
    return Word(start, start + 0.2, probs)


@given(
    heard=st.lists(
        st.tuples(st.integers(0, NOT_A_DIGIT), st.floats(0.2, 1.0)), min_size=0, max_size=40
    )
)
def test_the_share_of_digits_heard_surely_decides_the_note(heard: list[tuple[int, float]]) -> None:
    words = [_word(b, c, k) for k, (b, c) in enumerate(heard)]
    f = familiarity.familiarity(words)
    assert f.digits == sum(1 for w in words if w.p_digit >= 0.5)
    assert 0 <= f.sure <= f.digits and 0.0 <= f.share <= 1.0
    sure = familiarity.SURE_WORD
    assert f.sure == sum(1 for w in words if w.p_digit >= 0.5 and w.confidence >= sure)
    assert f.familiar == (not f.digits or f.share >= familiarity.FAMILIAR)
    note = f.note()
    assert (note is None) == f.familiar
    if note:
        assert "cinq voice learn" in note and f"{f.share:.0%}" in note
    assert f.to_json()["familiar"] == f.familiar


def _heard(tx: synth.Transmission, sure: float) -> list[Word]:
    return [
        _word(int(e.text) if e.kind == "digit" else NOT_A_DIGIT, sure, e.start)
        for e in tx.timeline
        if e.kind in ("digit", "word")
    ]


def test_a_copy_says_when_the_voice_is_not_known() -> None:
    tx = synth.broadcast(("47318", "51182", "75516"), profiles.load("E11"), station_id="472")
    known = decode(_heard(tx, 0.9995), tx.profile)
    assert known.clean and not any("cinq voice learn" in n for n in known.notes)
    unsure = decode(_heard(tx, 0.8), tx.profile)
    assert any("cinq voice learn" in n for n in unsure.notes)


def test_an_unknown_voice_repeats_count_as_one_reading() -> None:
    # Three readings 0.97 sure would clear the bar as partly independent evidence, but
    # a voice the recogniser does not know is misheard the same way at every reading.
    # A copy whose every digit was heard 0.85 sure: nothing written, and it says why.
    tx = synth.broadcast(("47318", "51182", "75516"), profiles.load("E11"), station_id="472")
    rec = decode(_heard(tx, 0.85), tx.profile)
    assert rec.groups == ("?????",) * 3 and not rec.clean
    assert any("cinq voice learn" in n for n in rec.notes)
    unknown, known = vote.bar_for(familiar=False), vote.bar_for(familiar=True)
    readings = [np.r_[np.full(9, 0.03 / 9), 0.97]] * 3
    assert vote.vote(readings, shared=known.shared, sure=known.sure).digit == "9"
    assert vote.vote(readings, shared=unknown.shared, sure=unknown.sure).digit == "?"


@given(readings=st.lists(PROBS, min_size=1, max_size=6))
def test_the_bar_for_an_unknown_voice_is_never_lower(readings: list[np.ndarray]) -> None:
    unknown, known = vote.bar_for(familiar=False), vote.bar_for(familiar=True)
    strict = vote.vote(readings, shared=unknown.shared, sure=unknown.sure)
    loose = vote.vote(readings, shared=known.shared, sure=known.sure)
    assert strict.posterior <= loose.posterior + 1e-9
    assert not strict.sure or strict.digit == loose.digit


def test_a_stranger_is_held_to_the_unknown_bar_however_sure_it_sounds() -> None:
    # Every digit heard 0.99 sure looks familiar, and two such readings clear the bar
    # together; but a voice known to be none the recogniser was adapted to (the general
    # recogniser on a voice cinq.radio.known did not recognise) misheard once is
    # misheard at every reading: its repeats count as one, and 0.99 is not enough.
    tx = synth.broadcast(("47318", "51182", "75516"), profiles.load("E11"), station_id="472")
    words = _heard(tx, 0.99)
    assert familiarity.familiarity(words).familiar
    assert decode(words, tx.profile).groups == ("47318", "51182", "75516")
    stranger = decode(words, tx.profile, stranger=True)
    assert stranger.groups == ("?????",) * 3 and not stranger.clean


def test_a_strangers_lone_reading_is_never_written_even_when_the_count_checks() -> None:
    # G06 reads each group once and its count checks the copy: a familiar voice's
    # readings are written, but nothing checks a reading of a voice the recogniser was
    # never adapted to, however sure it sounds.
    sent = ("47318", "51182", "75516")
    tx = synth.broadcast(sent, profiles.load("G06"), station_id="472")
    words = _heard(tx, 0.99999)
    familiar = decode(words, tx.profile)
    assert familiar.groups == sent and familiar.clean
    stranger = decode(words, tx.profile, stranger=True)
    assert stranger.groups == ("?????",) * 3 and not stranger.clean
