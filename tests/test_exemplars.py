"""A learnt voice's own words as examples: their scores, the fit of their weight, and
their place in a recogniser's file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cinq.errors import BadInput
from cinq.radio.exemplars import (
    CLASSES,
    MAX_WEIGHT,
    Exemplars,
    class_scores,
    combined,
    fit_weights,
)
from cinq.radio.recogniser import Recogniser, word_inputs
from cinq.radio.vote import SURE
from tests.test_voice_learn import tiny_recogniser

FINITE = st.floats(-5.0, 5.0, width=32)


def brute(x: np.ndarray, examples: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """class_scores written out the slow way, one pair at a time."""
    out = np.full((len(x), CLASSES), np.nan)
    for r, row in enumerate(x):
        for c in set(labels.tolist()):
            out[r, c] = -min(
                np.mean((row - e) ** 2) for e, k in zip(examples, labels, strict=True) if k == c
            )
        out[r] = np.where(np.isnan(out[r]), np.nanmean(out[r]), out[r])
    return out


@given(
    st.integers(1, 6).flatmap(
        lambda d: st.tuples(
            hnp.arrays(np.float32, st.tuples(st.integers(1, 5), st.just(d)), elements=FINITE),
            hnp.arrays(np.float32, st.tuples(st.integers(1, 12), st.just(d)), elements=FINITE),
        )
    ),
    st.data(),
)
def test_scores_are_minus_the_mean_squared_distance_to_each_classs_nearest_example(
    arrays: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    x, examples = arrays
    labels = np.array(
        data.draw(
            st.lists(st.integers(0, CLASSES - 1), min_size=len(examples), max_size=len(examples))
        )
    )
    got = class_scores(x, examples, labels)
    assert got.shape == (len(x), CLASSES) and got.dtype == np.float32
    assert np.allclose(got, brute(x, examples, labels), atol=1e-3)


def test_a_word_said_as_an_example_was_reads_as_that_examples_digit() -> None:
    rng = np.random.default_rng(4)
    examples = rng.standard_normal((30, word_inputs())).astype(np.float32)
    labels = np.arange(30) % CLASSES
    near = examples + np.float32(0.05) * rng.standard_normal(examples.shape).astype(np.float32)
    assert (class_scores(near, examples, labels).argmax(axis=1) == labels).all()


def test_without_examples_every_class_scores_alike() -> None:
    got = class_scores(np.ones((3, 4), np.float32), np.zeros((0, 4), np.float32), np.zeros(0, int))
    assert (got == 0).all()


def logits(n: int, truth: np.ndarray, rng: np.random.Generator, signal: float) -> np.ndarray:
    z = rng.standard_normal((n, CLASSES))
    z[np.arange(n), truth] += signal
    return z


def test_the_weights_follow_the_evidence_that_reads_right() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, CLASSES, 400)
    sharp, noise = logits(400, truth, rng, 4.0), logits(400, truth, rng, 0.0)
    bounds = (0.1, 4.0)
    trust_examples = fit_weights(noise, sharp, truth, network_bounds=bounds)
    trust_network = fit_weights(sharp, noise, truth, network_bounds=bounds)
    assert trust_examples.examples > 0.5 and trust_examples.network == pytest.approx(0.1, abs=0.05)
    assert trust_network.network > 0.5 and trust_network.examples < 0.1
    # Better than the starting point (each expert at weight 1), within the bounds.
    for w, (net, ex) in ((trust_examples, (noise, sharp)), (trust_network, (sharp, noise))):
        z = net + ex
        start = -np.mean(z[np.arange(400), truth] - np.log(np.exp(z).sum(axis=1)))
        assert w.loss <= start + 1e-9
        assert bounds[0] <= w.network <= bounds[1] and 0 <= w.examples <= MAX_WEIGHT


def test_halves_that_read_each_other_perfectly_do_not_make_the_weights_unbounded() -> None:
    truth = np.arange(200) % CLASSES
    perfect = np.where(np.arange(CLASSES)[None, :] == truth[:, None], 0.0, -1.0)
    w = fit_weights(perfect, perfect, truth, network_bounds=(0.1, 3.0))
    assert w.network <= 3.0 and w.examples <= MAX_WEIGHT and np.isfinite(w.loss)


def with_examples(rec: Recogniser, n: int = 12, weight: float = 2.0) -> Recogniser:
    rng = np.random.default_rng(n)
    inputs = rng.standard_normal((n, word_inputs())).astype(np.float32)
    ex = Exemplars(inputs, np.arange(n) % CLASSES, weight)
    return Recogniser(**{**vars(rec), "exemplars": ex})


def test_a_recognisers_examples_read_back_from_its_file(tmp_path: Path) -> None:
    rec = with_examples(tiny_recogniser())
    path = tmp_path / "v.npz"
    rec.save(path)
    back = Recogniser.load_file(path)
    assert back.exemplars is not None and rec.exemplars is not None
    assert np.allclose(back.exemplars.inputs, rec.exemplars.inputs, atol=2e-3)  # float16
    assert (back.exemplars.labels == rec.exemplars.labels).all()
    assert back.exemplars.weight == rec.exemplars.weight
    tiny_recogniser().save(path)
    assert Recogniser.load_file(path).exemplars is None


def test_the_examples_change_what_a_word_reads_as() -> None:
    rec = tiny_recogniser()
    feats = np.random.default_rng(1).standard_normal((60, 26)).astype(np.float32)
    spans = [(3, 20), (25, 50)]
    plain = rec.word_logits(feats, spans)
    assert not np.allclose(with_examples(rec).word_logits(feats, spans), plain)


LOGITS = hnp.arrays(np.float32, (4, CLASSES), elements=st.floats(-20, 20, width=32))


@given(LOGITS, LOGITS, st.floats(0.0, MAX_WEIGHT))
def test_two_experts_that_disagree_never_make_a_word_sure(
    network: np.ndarray, scores: np.ndarray, weight: float
) -> None:
    got = combined(network, scores, weight)
    p = np.exp(got - got.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    both = network + np.float32(weight) * scores
    agree = scores.argmax(axis=1) == both.argmax(axis=1)
    assert np.array_equal(got[agree], both[agree])  # agreeing evidence simply adds up
    # Disagreeing: at most 3/4 for any class, far below the vote's bar.
    assert (p[~agree].max(axis=1, initial=0.0) <= 0.75 + 1e-4).all()
    assert SURE > 0.75


@pytest.mark.parametrize(
    "bad",
    [
        {"inputs": np.full((2, word_inputs()), np.nan, np.float32)},
        {"inputs": np.zeros((2, 7), np.float32)},
        {"labels": np.array([0, 11])},
        {"labels": np.array([0])},
        {"weight": -1.0},
        {"weight": MAX_WEIGHT * 2},
    ],
)
def test_a_file_with_damaged_examples_is_refused_by_name(
    bad: dict[str, object], tmp_path: Path
) -> None:
    fields = {
        "inputs": np.zeros((2, word_inputs()), np.float32),
        "labels": np.array([0, 1]),
        "weight": 1.0,
    } | bad
    rec = Recogniser(**{**vars(tiny_recogniser()), "exemplars": Exemplars(**fields)})  # type: ignore[arg-type]
    path = tmp_path / "bad.npz"
    rec.save(path)
    with pytest.raises(BadInput, match=r"bad\.npz: not a recogniser model"):
        Recogniser.load_file(path)
