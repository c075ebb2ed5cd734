"""Recording-level recalibration of the words: the probabilities stay proper, the order of
the classes is kept, the recalibrated confidence rises with the word's, a calibrator
file is checked, and a voice the recogniser knows is trusted more than one it does not."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.errors import BadInput
from cinq.radio import profiles, synth
from cinq.radio.calibration import Calibrator, Familiarity, recalibrate, tempered
from cinq.radio.channel import Shortwave
from cinq.radio.decode import decode
from cinq.radio.recogniser import Recogniser
from cinq.radio.words import NOT_A_DIGIT, Word

MODEL = Calibrator("en", intercept=0.5, slope=1.2, familiarity=2.0, slope_by_familiarity=0.3)

probs = st.lists(st.floats(0.0, 1.0), min_size=11, max_size=11).filter(lambda p: sum(p) > 1e-6)


def word(p: list[float], at: float = 0.0) -> Word:
    return Word(at, at + 0.3, np.array(p))


@settings(max_examples=60, deadline=None)
@given(st.lists(probs, min_size=1, max_size=12))
def test_recalibrated_words_are_proper_and_keep_their_order(rows: list[list[float]]) -> None:
    words = [word(p, i) for i, p in enumerate(rows)]
    for old, new in zip(words, recalibrate(words, MODEL), strict=True):
        assert new.probs.sum() == pytest.approx(1.0)
        assert (new.start, new.end, new.best) == (old.start, old.end, old.best)
        assert new.probs[NOT_A_DIGIT] == pytest.approx(old.probs[NOT_A_DIGIT], abs=1e-12)
        # a power of the digits' probabilities: a digit likelier before is likelier after
        a, b = old.probs[:NOT_A_DIGIT], new.probs[:NOT_A_DIGIT]
        apart = np.abs(np.subtract.outer(a, a)) > 1e-6
        same = np.sign(np.subtract.outer(a, a)) == np.sign(np.subtract.outer(b, b))
        assert same[apart].all() or b.max() < 1.5 * b.sum() / NOT_A_DIGIT


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 0.999), st.floats(0.1, 0.999), st.floats(-2.0, 1.0), st.floats(0.0, 2.0))
def test_the_recalibrated_confidence_rises_with_the_word_s(
    a: float, b: float, share: float, entropy: float
) -> None:
    low, high = sorted((a, b))
    got = MODEL.right(np.array([low, high]), Familiarity(share, entropy))
    assert got[0] <= got[1]


@settings(max_examples=60, deadline=None)
@given(probs, st.floats(0.1, 0.999))
def test_tempering_gives_the_top_class_its_target(p: list[float], target: float) -> None:
    row = np.array([p]) / sum(p)
    if (row == row.max()).sum() > 1:  # a tie at the top cannot be made sure
        return
    got = tempered(row, np.array([target]))
    assert got.max() == pytest.approx(max(target, 1 / 11 + 1e-6), abs=1e-6)
    assert int(np.argmax(got)) == int(np.argmax(row))


def test_no_calibrator_leaves_the_words_alone() -> None:
    words = [word([0.9] + [0.01] * 10)]
    assert recalibrate(words, None) == words
    assert recalibrate([], MODEL) == []


def test_the_recording_s_familiarity_moves_the_confidence_its_way() -> None:
    sure = [word([0.0] * i + [0.999] + [0.0001] * (10 - i)) for i in range(10)]
    unsure = [word([0.0] * i + [0.6] + [0.04] * (10 - i)) for i in range(10)]
    probe = word([0.9] + [0.01] * 10)
    assert Familiarity.of(sure).score > Familiarity.of(unsure).score
    for model, sign in ((MODEL, 1), (replace(MODEL, familiarity=-2.0), -1)):
        known = recalibrate([*sure, probe], model)[-1].confidence
        unfamiliar = recalibrate([*unsure, probe], model)[-1].confidence
        assert sign * (known - unfamiliar) > 0


def test_a_calibrator_round_trips_and_a_bad_one_is_refused() -> None:
    assert Calibrator.from_json(json.loads(json.dumps(MODEL.to_json())), "x") == MODEL
    with pytest.raises(BadInput, match=r"x\.json"):
        Calibrator.from_json({"lang": "en", "slope": 1.0}, "x.json")
    with pytest.raises(BadInput, match="finite"):
        Calibrator("en", float("nan"), 1.0, 0.0, 0.0)
    with pytest.raises(BadInput, match="xx"):
        Calibrator.load("xx")


def test_a_known_voice_s_copy_has_fewer_question_marks_and_no_silent_error() -> None:
    groups = ["07675", "22908", "63915", "25762"]
    e11 = profiles.load("E11")
    sent = synth.broadcast(groups, e11, voice="espeak-ng:en+klatt")  # a training voice
    words = Recogniser.load("en").words(
        Shortwave(snr_db=30.0).apply(sent.audio, np.random.default_rng(1))
    )
    before = decode(words, e11).groups
    after = decode(recalibrate(words, Calibrator.load("en")), e11).groups
    assert len(after) == len(groups)
    for got, truth in zip(after, groups, strict=True):
        assert all(g in ("?", t) for g, t in zip(got, truth, strict=True)), (got, truth)
    assert "".join(after).count("?") < "".join(before).count("?")
