"""How well the recogniser knows a recording's voice, and the note a copy carries when
it does not."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cinq.radio import familiarity, profiles, synth
from cinq.radio.decode import decode
from cinq.radio.words import NOT_A_DIGIT, Word


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
    assert f.sure == sum(1 for w in words if w.p_digit >= 0.5 and w.confidence >= 0.99)
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
    unsure = decode(_heard(tx, 0.9), tx.profile)
    assert any("cinq voice learn" in n for n in unsure.notes)
