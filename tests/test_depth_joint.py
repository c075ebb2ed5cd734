"""The joint model of a depth: digit sources and the likelihood ratio of a difference.

The calibration of ``cinq depth find`` rests on two facts tested here: every source is a
proper distribution over digit strings, so H1 is (enumerated exactly for short
strings), and the pruned forward pass only ever loses mass, so under H0 the likelihood
ratio has mean at most one and ``P(LLR >= t) <= e^-t`` (Markov, checked on random
streams)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.checkerboard import BOARDS
from cinq.depth.joint import PairModel, languages
from cinq.depth.source import source
from cinq.depth.stream import UNKNOWN
from cinq.errors import BadInput
from cinq.language import Policy, encode

CT55 = BOARDS["CT-55"]
UNBOUNDED = 10**6  # a beam no pass here fills: the forward pass is exact

# Two passages of running English (not from the word lists the models are built from).
TEXT_A = (
    "The committee met again on Tuesday to discuss the new road, but the members could "
    "not agree on the route, and the farmers who own the fields along the river have "
    "asked for more time to study the plans before any work begins this summer."
)
TEXT_B = (
    "When the ferry finally arrived, the passengers had been waiting on the pier for "
    "almost three hours in the cold wind, and several of them complained loudly to the "
    "captain, who promised that the company would refund every ticket sold that day."
)


def _all_strings(n: int) -> np.ndarray:
    return np.array(list(itertools.product(range(10), repeat=n)), dtype=np.uint8)


def _digits(text: str, board: object = CT55) -> np.ndarray:
    return np.asarray(encode(text, CT55, "en", Policy.FOLD | Policy.DROP))


# -- the sources -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_every_state_of_every_source_is_a_distribution_over_the_next_digit(name: str) -> None:
    board = BOARDS[name]
    for lang in languages(board):
        src = source(board, lang, 2)
        prob = np.exp(src.log_prob.astype(np.float64))
        assert np.allclose(prob.sum(axis=1), 1.0, atol=1e-6), (name, lang)
        assert ((src.next_state >= 0) & (src.next_state < src.size)).all()
        assert math.isclose(float(np.exp(src.start_log_prob).sum()), 1.0, rel_tol=1e-12)


@pytest.mark.parametrize(("name", "lang"), [("CT-55", "en"), ("RU-1", "ru"), ("AT-ONE-SIR", "fr")])
def test_the_full_order_source_is_proper(name: str, lang: str) -> None:
    src = source(BOARDS[name], lang)
    assert np.allclose(np.exp(src.log_prob.astype(np.float64)).sum(axis=1), 1.0, atol=1e-6)
    for n in (1, 2):  # every digit string of length n, exactly
        total = sum(math.exp(src.logprob(s)) for s in _all_strings(n))
        assert total == pytest.approx(1.0, abs=1e-5)


def test_a_source_prefers_its_language_on_its_board_to_random_digits() -> None:
    src = source(CT55, "en")
    text = _digits(TEXT_A)
    noise = np.random.default_rng(1).integers(0, 10, len(text)).astype(np.uint8)
    assert src.logprob(text) / len(text) > -1.4  # about 1.05 nats a digit
    assert src.logprob(noise) / len(noise) < -math.log(10)


def test_figures_cost_little_more_than_a_word() -> None:
    src = source(CT55, "en")
    word = src.logprob(_digits("SINCE THEN, THE RECORDS SHOW"))
    year = src.logprob(_digits("SINCE 1995, THE RECORDS SHOW"))
    assert word - year < 20


def test_order_must_be_one_to_five() -> None:
    with pytest.raises(ValueError, match="order"):
        source(CT55, "en", 6)


# -- H1 is proper: enumeration -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_h1_sums_to_one_over_every_difference_of_up_to_three_digits(name: str) -> None:
    model = PairModel.for_board(BOARDS[name], order=1, beam=UNBOUNDED, scout=UNBOUNDED)
    for n in (1, 2, 3):
        mean_lr = float(np.exp(model.llr_many(_all_strings(n))).mean())
        assert mean_lr == pytest.approx(1.0, abs=1e-6), n


@pytest.mark.parametrize("name", ["CT-55", "RU-1", "STANDARD-TABLE-1"])
def test_the_full_order_h1_sums_to_one(name: str) -> None:
    model = PairModel.for_board(BOARDS[name], beam=UNBOUNDED, scout=UNBOUNDED)
    for n in (1, 2):
        assert float(np.exp(model.llr_many(_all_strings(n))).mean()) == pytest.approx(1.0, abs=1e-6)


def test_h1_of_four_digits_sums_to_one() -> None:
    model = PairModel.for_board(BOARDS["RU-1"], order=1, beam=UNBOUNDED, scout=UNBOUNDED)
    assert float(np.exp(model.llr_many(_all_strings(4))).mean()) == pytest.approx(1.0, abs=1e-6)


def test_pruning_only_loses_mass() -> None:
    exact = PairModel.for_board(CT55, ["en"], order=2, beam=UNBOUNDED, scout=UNBOUNDED)
    pruned = PairModel.for_board(CT55, ["en"], order=2, beam=8)
    d = _all_strings(3)[::7]
    assert (pruned.llr_many(d) <= exact.llr_many(d) + 1e-9).all()
    assert (pruned.llr_many(d) < exact.llr_many(d) - 1e-6).any()


def test_scouting_the_languages_only_loses_mass() -> None:
    """Each row's best language from a narrow beam gets the full beam, the others keep
    their narrow bound: still a lower bound on the exact mixture, and less than the
    full beam on every language would give for some row."""
    exact = PairModel.for_board(CT55, order=2, beam=UNBOUNDED, scout=UNBOUNDED)
    full = PairModel.for_board(CT55, order=2, beam=16, scout=16)
    scouted = PairModel.for_board(CT55, order=2, beam=16, scout=2)
    d = np.random.default_rng(5).integers(0, 10, (20, 4)).astype(np.uint8)
    assert (scouted.llr_many(d) <= exact.llr_many(d) + 1e-9).all()
    assert (scouted.llr_many(d) < full.llr_many(d) - 1e-6).any()


# -- H0: the Markov bound, empirically ------------------------------------------------------


def test_under_h0_the_likelihood_ratio_has_mean_one_and_markov_holds() -> None:
    """Random streams: the mean of LR is one within four standard errors (the exact
    model), and the share of LLR >= t stays under e^-t (the default, pruned model)."""
    rng = np.random.default_rng(7)
    d = rng.integers(0, 10, (2000, 8)).astype(np.uint8)
    lr = np.exp(
        PairModel.for_board(CT55, ["en"], order=1, beam=UNBOUNDED, scout=UNBOUNDED).llr_many(d)
    )
    tolerance = 4 * lr.std(ddof=1) / math.sqrt(len(lr))
    assert abs(lr.mean() - 1.0) < tolerance
    llr = PairModel.for_board(CT55).llr_many(rng.integers(0, 10, (400, 40)).astype(np.uint8))
    assert np.exp(llr).mean() < 1.0
    for t in (1.0, 2.0, 3.0):
        share = float((llr >= t).mean())
        assert share <= math.exp(-t) + 4 * math.sqrt(math.exp(-t) / len(llr))


# -- unknown digits, batches, input ---------------------------------------------------------


def test_unknown_digits_are_summed_over() -> None:
    model = PairModel.for_board(CT55, ["en"], order=2, beam=UNBOUNDED, scout=UNBOUNDED)
    d = np.array([3, UNKNOWN, 7], dtype=np.uint8)
    filled = np.array([[3, v, 7] for v in range(10)], dtype=np.uint8)
    assert math.exp(model.llr(d)) == pytest.approx(float(np.exp(model.llr_many(filled)).mean()))


def test_leading_and_trailing_unknown_digits_change_nothing() -> None:
    model = PairModel.for_board(CT55)
    d = (_digits(TEXT_A)[:60].astype(int) - _digits(TEXT_B)[:60]) % 10
    padded = np.concatenate([[UNKNOWN] * 4, d, [UNKNOWN] * 7]).astype(np.uint8)
    assert model.llr(padded) == pytest.approx(model.llr(d.astype(np.uint8)))


def test_nothing_known_is_no_evidence() -> None:
    model = PairModel.for_board(CT55)
    assert model.llr(np.zeros(0, dtype=np.uint8)) == 0.0
    assert model.llr(np.full(25, UNKNOWN, dtype=np.uint8)) == 0.0
    assert model.llr_many(np.zeros((0, 10), dtype=np.uint8)).shape == (0,)


@settings(max_examples=15)
@given(st.lists(st.lists(st.integers(0, 10), min_size=0, max_size=12), min_size=1, max_size=4))
def test_a_batch_gives_each_row_its_own_ratio(rows: list[list[int]]) -> None:
    """Rows of a batch padded with 255 score as they would alone (10 stands for 255)."""
    model = PairModel.for_board(CT55, ["en"], order=2)
    width = max(len(r) for r in rows)
    batch = np.full((len(rows), width), UNKNOWN, dtype=np.uint8)
    for i, r in enumerate(rows):
        batch[i, : len(r)] = [UNKNOWN if x == 10 else x for x in r]
    alone = [model.llr(batch[i, : len(r)]) for i, r in enumerate(rows)]
    assert model.llr_many(batch) == pytest.approx(alone, abs=1e-9)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros(5, dtype=np.uint8),
        np.array([[1, 2, 12]]),
        np.array([[1, -1, 2]]),
        np.array([[0.5]]),
    ],
)
def test_bad_difference_streams_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(BadInput):
        PairModel.for_board(CT55).llr_many(bad)


def test_the_languages_of_a_board() -> None:
    assert languages(BOARDS["RU-1"]) == ("ru",)
    assert languages(CT55) == ("en", "fr", "de", "es")
    assert PairModel.for_board(CT55) is PairModel.for_board(CT55)


# -- power -------------------------------------------------------------------------------


def test_a_real_depth_stands_out_and_random_digits_do_not() -> None:
    model = PairModel.for_board(CT55)
    a, b = _digits(TEXT_A), _digits(TEXT_B)
    n = min(len(a), len(b), 250)
    depth = ((a[:n].astype(int) - b[:n]) % 10).astype(np.uint8)
    noise = np.random.default_rng(3).integers(0, 10, n).astype(np.uint8)
    assert model.llr(depth) > 30
    assert model.llr(noise) < -10
