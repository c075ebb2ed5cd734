"""A learnt voice's own words, kept as examples the words of its next recording are
compared with.

A station does not change its voice between broadcasts: the same speaker, the same
recorded digits, often the very same tape. So once one recording has been aligned to
its log (:mod:`cinq.radio.learn`), every digit in it is a labelled example of how *this*
voice says that digit, and the likeliest reading of a new word is the digit of the
examples it sounds most like. The issue that asked for learning measured it: digits cut
correctly from the broadcast read 25 of 25 groups for every voice tried, where the
general recogniser, even with its output layer fitted to the voice, was unsure of a
third of the digits of some voices and sure of wrong ones in others.

Construction
------------
A word's input (:func:`cinq.radio.recogniser.word_input`: its features resampled to
fixed instants) is standardised as the word network standardises it, giving a vector
``x`` of ``D`` numbers. For each class ``c`` with examples ``e_i``, its score is

    s_c(x) = - min_i ||x - e_i||^2 / D,

the mean squared distance to the nearest example of that digit (a class the recording
showed no example of takes the mean score of the others: no evidence either way). The
recogniser's word log-odds become ``z / T + w * s`` -- the word network's and the
examples', added as two experts' evidence. ``T`` is the adapted network's own
temperature; ``w`` is fitted (:func:`fit_weights`) on the recording itself, without
reading any word by anything fitted to it: each half of the recording is read by the
examples and the output layer of the other half, and ``w`` minimises the log loss of
those readings. So the added evidence is weighed by how well examples from one
recording read another stretch of it: a voice whose digits sit close together gets a
small ``w``. (:func:`fit_weights` can fit ``T`` as well; fitting both together trusted
the network less wherever the examples said the same, and left more figures unsure.)

Two experts may disagree. Where the examples' nearest digit is not the combined
reading's, the word's probabilities are the mean of the two experts' own (the combined
reading's and the examples' alone): neither can then be more than about half sure,
so the figure is written ``?``. A network adapted to one recording can be sure of a
digit its examples place elsewhere; measured on the receiver bench's learnt voices
(8 messages each, the words aligned to what was said), this kept the share of sure
digits (-0.1 %) and cut the sure and wrong ones: MBROLA de1 13 -> 10 of 2,480, pico
de-DE 3 -> 0, festival's Russian voice 1 -> 0.

Why nearest, not mean: a voice reads a digit in a few different ways (the first of a
group, the last, with its neighbour run in); the nearest example is the one said the
same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import softmax

from .words import NOT_A_DIGIT

Matrix = NDArray[np.float32]

CLASSES = NOT_A_DIGIT + 1
MAX_WEIGHT = 100.0
"""Largest weight of the examples' scores (per unit of mean squared distance): a bound
for the search, not a value it should reach (:func:`fit_weights`' notes)."""


@dataclass(frozen=True, eq=False)
class Exemplars:
    """The standardised word inputs of one voice's aligned words and their classes.

    Attributes
    ----------
    inputs : ndarray, shape (n, D)
        Each example word's input, standardised by the word network's mean and scale.
    labels : ndarray, shape (n,)
        Each example's class: a digit 0-9, or NOT_A_DIGIT.
    weight : float
        ``w``: the weight of the examples' scores in the word log-odds.
    """

    inputs: Matrix
    labels: NDArray[np.int64]
    weight: float

    def scores(self, x: Matrix) -> Matrix:
        """``s``: minus the mean squared distance from each row of ``x`` (rows x D,
        standardised) to the nearest example of each class (rows x 11)."""
        return class_scores(x, self.inputs, self.labels)

    def fits(self, inputs: int) -> bool:
        """Whether the examples have ``inputs`` numbers each, finite, with valid classes."""
        return (
            self.inputs.ndim == 2
            and self.inputs.shape[1] == inputs
            and self.labels.shape == (self.inputs.shape[0],)
            and bool(np.isfinite(self.inputs).all())
            and bool(((self.labels >= 0) & (self.labels < CLASSES)).all())
            and 0.0 <= self.weight <= MAX_WEIGHT
        )

    def arrays(self, prefix: str) -> dict[str, NDArray[np.generic]]:
        return {
            f"{prefix}inputs": self.inputs.astype(np.float16),  # small, and accurate enough
            f"{prefix}labels": self.labels.astype(np.int8),
            f"{prefix}weight": np.array(self.weight),
        }

    @classmethod
    def of_arrays(cls, a: dict[str, NDArray[np.generic]], prefix: str) -> Exemplars | None:
        """The examples saved under ``prefix``, or None when the file has none."""
        if f"{prefix}inputs" not in a:
            return None
        return cls(
            np.asarray(a[f"{prefix}inputs"], np.float32),
            np.asarray(a[f"{prefix}labels"], np.int64),
            float(a[f"{prefix}weight"]),
        )


def combined(network: Matrix, scores: Matrix, weight: float) -> Matrix:
    """The word log-odds (rows x 11) from the network's calibrated log-odds and the
    examples' scores: ``network + weight * scores``, except where the examples' nearest
    class is not that sum's likeliest, where they are the log of the mean of the two
    experts' probabilities (the sum's, and the examples' alone)."""
    both = np.asarray(network + np.float32(weight) * scores, np.float32)
    disagree = scores.argmax(axis=1) != both.argmax(axis=1)
    if disagree.any():
        mean = 0.5 * softmax(both[disagree], axis=1) + 0.5 * softmax(
            np.float32(weight) * scores[disagree], axis=1
        )
        both[disagree] = np.log(np.maximum(mean, 1e-30))
    return both


def class_scores(x: Matrix, examples: Matrix, labels: NDArray[np.int64]) -> Matrix:
    """Minus the mean squared distance from each row of ``x`` to the nearest example of
    each class (rows x 11); a class without examples gets the row's mean score."""
    dim = max(x.shape[1], 1)
    # |x - e|^2 = |x|^2 + |e|^2 - 2 x.e: one matrix product instead of rows x n x D.
    sq = (x * x).sum(1)[:, None] + (examples * examples).sum(1)[None, :] - 2.0 * x @ examples.T
    dist = np.maximum(sq, 0.0) / np.float32(dim)
    out = np.full((len(x), CLASSES), np.nan, np.float32)
    for c in np.unique(labels):
        out[:, c] = -dist[:, labels == c].min(axis=1)
    if np.isnan(out).all():
        return np.zeros((len(x), CLASSES), np.float32)
    fill = np.nanmean(out, axis=1, keepdims=True)
    return np.asarray(np.where(np.isnan(out), fill, out), np.float32)


@dataclass(frozen=True)
class Weights:
    """The fitted ``1/T`` (of the word network's log-odds) and ``w`` (of the examples'
    scores), and the log loss (nats per word) they reached on the cross-read halves."""

    network: float
    examples: float
    loss: float


def fit_weights(
    network: NDArray[np.float64],
    scores: NDArray[np.float64],
    labels: NDArray[np.int64],
    *,
    network_bounds: tuple[float, float],
) -> Weights:
    """``1/T`` and ``w`` minimising the log loss of ``softmax(network / T + w * scores)``.

    Parameters
    ----------
    network : ndarray, shape (n, 11)
        The word network's log-odds of words read by an output layer not fitted to them.
    scores : ndarray, shape (n, 11)
        The examples' scores of the same words, from examples that do not include them.
    labels : ndarray, shape (n,)
        The words' classes (from the alignment).
    network_bounds
        The range of ``1/T`` (the log loss is convex in both weights; the bounds keep a
        recording whose halves read each other without error from an unbounded fit).

    Notes
    -----
    The search is L-BFGS-B from ``w = 1`` with its default tolerances, and that start
    matters. Where the halves read each other with almost no loss (an FSDD speaker's
    learn test: 1e-5 nats per word), the search stops where it started, and ``w``
    stays 1. The exact optimum there lies at the bound (100): separable words reward
    ever larger weights. Measured on that test's next broadcast, the optimum made the
    voice sure of 125 words, 7 of them wrong; ``w = 1`` made it sure of 96, none wrong.
    So for such a recording ``w`` is a prior, not a fit. The receiver bench measured
    this behaviour, and the weight's regularisation is still to be made explicit.
    """
    rows = np.arange(len(labels))

    def loss(p: NDArray[np.float64]) -> float:
        z = p[0] * network + p[1] * scores
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[rows, labels] - np.log(np.exp(z).sum(axis=1))).mean())

    start = np.array([float(np.clip(1.0, *network_bounds)), 1.0])
    found = minimize(loss, start, bounds=[network_bounds, (0.0, MAX_WEIGHT)], method="L-BFGS-B")
    return Weights(float(found.x[0]), float(found.x[1]), float(found.fun))


def cross_read(
    n: int,
    first: NDArray[np.bool_],
    read: Callable[[NDArray[np.bool_], NDArray[np.bool_]], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """Each half's rows read by what was fitted to the other half: ``read(fit, test)``
    returns the rows of ``test`` (rows x 11), from what it learnt from ``fit``."""
    out = np.zeros((n, CLASSES))
    for test in (first, ~first):
        out[test] = read(~test, test)
    return out
