"""The cheap first screen over all pairs of messages: matrix products (BLAS).

The full test (:mod:`.joint`) reads a difference stream through both messages' boards
and language models: too slow for every pair of a big log at every offset. The screen
scores every pair at once with a simpler statistic and passes on only the pairs that
could be depths.

Construction
------------
The statistic is a Markov approximation of the joint model: ``W(d_1 .. d_k)``, the
log-likelihood ratio of the last digit of a ``k``-gram of the difference stream given
the ``k - 1`` before it, "plaintexts on one key" against "uniform", taken from the
joint model's own ``k``-gram marginals (:func:`weights_for`), summed over the windows
of the difference stream ``D = a - b (mod 10)``.

``W`` is a function of a difference, so it is diagonal in the Fourier basis of
``Z_10^k``: ``W(d) = sum_f c_f exp(2 pi i f.d / 10)`` and, as ``d = a - b`` window by
window, ``exp(2 pi i f.d / 10) = phi_f(a) conj(phi_f(b))`` with
``phi_f(x) = exp(2 pi i f.x / 10)``. The two texts are exchangeable, so ``W`` is even
and ``c_f`` real; the score of a pair is then a dot product of per-message features,
``sum_t sum_f c_f (cos(f.a_t) cos(f.b_t) + sin(f.a_t) sin(f.b_t))`` (angles in tenths of
a turn), and the scores of all pairs at one offset are ONE real matrix product
``(N x L F) @ (L F x N)`` (float32): cosines and sines of the ``f.x`` phases. Keeping
the :data:`RANK` frequencies of largest ``|c_f|`` (with their conjugates) is the
low-rank factor of the ``10^k`` table: ``2 RANK`` features per position instead of the
``10^k`` of a one-hot ``k``-gram. A window holding an unreadable digit in either message
has zero features: it adds nothing, as the full test's marginalisation adds nothing.

Offsets are whole groups (see :mod:`.find`): ``a`` ahead of ``b`` by ``g`` groups pairs
``a[5 g + t]`` with ``b[t]``; one product per ``g >= 0`` gives both ``a`` ahead of ``b``
and, transposed, ``b`` ahead of ``a``.

The pass threshold
------------------
A random pair's score is known exactly: mean ``constant`` per window (the table's mean)
and variance ``var0`` per window (overlapping windows' covariance included, measured
on uniform digits), so its standard score is ``z = (score - constant n) / sqrt(var0 n)``
over ``n`` windows. A true depth's ``z`` grows as ``sqrt(n)``: ``SEPARATION sqrt(n)`` on
average, measured on real prose (the model's own ``k``-gram marginals, ``mu1``, promise
more than real text shows), spread :data:`SPREAD` times wider than a random pair's. A
pair passes when ``z >= SEPARATION sqrt(n) - Z SPREAD``: about 99 % of true depths
pass, and of random pairs about 70 % at 150 digits, 45 % at 250, 9 % at 500 and 0.2 %
at 1,000.

The screen is weak, and the benchmark says how weak: on 150 digits of English prose on
CT-55 its statistic separates depths from random pairs by 2.2 standard deviations
(2.9 on 250 digits; the best linear statistic of ``k``-grams, even the full
``10^4``-entry table, does no better than about 2.4), so keeping ~99 % of depths there
passes most random pairs; the share passed falls as messages grow (``sqrt(n)``). It
never decides that a pair IS a depth: it only skips full tests, and every test it skips
is still counted in the false-alarm correction (:mod:`.find`).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .stream import UNKNOWN, Stream

if TYPE_CHECKING:
    from ..checkerboard import Board

__all__ = [
    "BLOCK",
    "GROUP",
    "ORDER",
    "RANK",
    "Features",
    "Passed",
    "ScreenWeights",
    "Throughput",
    "Z",
    "features",
    "pad",
    "screen",
    "screen_block",
    "screen_throughput",
    "weights_for",
    "weights_from_table",
]

GROUP = 5
"""Digits in a group: offsets are whole groups."""
ORDER = 3
"""``k``: the screen scores ``k``-grams of the difference stream (4 is no stronger on
real prose and costs ten times as long to build)."""
RANK = 16
"""Frequencies kept (each with its conjugate): ``2 RANK`` float32 features a position
(more add nothing measurable: on 150 digits of English prose on CT-55 the separation
of depths from random pairs is 2.2 standard deviations with 16, 2.3 with 32 or 128)."""
Z = 2.33
"""Spreads below the expected score of a true depth that still pass (1 % lost, were
the score normal)."""
SEPARATION = 0.18
"""How far above a random pair a true depth's score is expected, in a random pair's
standard deviations, per square root of a window: measured on real prose (150 and 250
digits) as 0.18 for English on CT-55 and Russian on RU-1, the weakest; 0.20 to 0.29 for
French, German and Spanish on their boards."""
SPREAD = 1.15
"""A true depth's score spread over a random pair's (measured 1.1 to 1.2)."""
BLOCK = 1024
"""Rows of one product: the work unit (one Dask task), and the memory bound."""
_SIMULATED = 200_000  # uniform digits to measure the windows' correlation


@dataclass(frozen=True, eq=False)
class ScreenWeights:
    """A ``k``-gram log-likelihood-ratio table in low-rank Fourier form, with the moments
    the pass threshold needs (see the module notes).

    Attributes
    ----------
    freqs
        ``(RANK, k)`` frequency vectors kept, one of each conjugate pair.
    coef
        ``(RANK,)`` weights (real: the table is even), doubled for a frequency that is
        not its own conjugate (its conjugate's term is the same).
    constant
        The table's mean (the zero frequency), added once per window: the mean score
        of a window of a random pair.
    mu1
        The mean score of a window of a true depth, by the model's own marginals.
    var0
        The variance of a random pair's score, per window (the overlapping windows'
        covariance included).
    """

    freqs: NDArray[np.int64]
    coef: NDArray[np.float64]
    constant: float
    mu1: float
    var0: float

    @property
    def order(self) -> int:
        return int(self.freqs.shape[1])

    @property
    def features(self) -> int:
        """Real features a position."""
        return 2 * len(self.coef)

    def score(self, diff: Stream) -> float:
        """The screen's score of one difference stream, window by window (what the
        matrix products compute for every pair at once)."""
        k = self.order
        count = max(len(diff) - k + 1, 0)
        windows = np.stack([diff[j : j + count] for j in range(k)], axis=1).astype(np.int64)
        windows = windows[(windows != UNKNOWN).all(axis=1)]
        phase = (windows @ self.freqs.T) % 10
        return float(
            len(windows) * self.constant + (np.cos(2 * np.pi * phase / 10) @ self.coef).sum()
        )

    def evidence(self, score: NDArray[np.float32], n: NDArray[np.int32]) -> NDArray[np.float64]:
        """How much more likely a screen score is for a true depth than for a random
        pair, in nats, by the normal approximations of the pass threshold: what ranks
        the tests when only the best can have the full test (any length, any board)."""
        windows = np.maximum(n.astype(np.float64), 1.0)
        z = (score - self.constant * windows) / np.sqrt(self.var0 * windows)
        shifted = (z - SEPARATION * np.sqrt(windows)) / SPREAD
        out: NDArray[np.float64] = 0.5 * (z**2 - shifted**2) - math.log(SPREAD)
        return out

    def threshold(self, n: NDArray[np.float32]) -> NDArray[np.float32]:
        """The least score that passes, for ``n`` windows of overlap: :data:`Z` spreads
        below what a true depth is expected to score."""
        sd = np.sqrt(np.float32(self.var0) * n)
        expected = np.float32(self.constant) * n + np.float32(SEPARATION) * np.sqrt(n) * sd
        out: NDArray[np.float32] = (expected - np.float32(Z * SPREAD) * sd).astype(np.float32)
        return out


def weights_from_table(
    table: NDArray[np.float64], marginal: NDArray[np.float64], *, rank: int = RANK
) -> ScreenWeights:
    """The screen of a ``k``-gram table.

    Parameters
    ----------
    table
        ``(10,) * k`` log-likelihood ratios ``W`` of a difference ``k``-gram.
    marginal
        ``(10,) * k`` probabilities of each ``k``-gram under "one key" (sum 1).
    rank
        Frequencies kept (each with its conjugate).
    """
    k = table.ndim
    freqs = np.array(list(itertools.product(range(10), repeat=k)), dtype=np.int64)
    conj = np.ravel_multi_index(tuple((-freqs % 10).T), (10,) * k)  # f -> -f (and d -> -d)
    # Two texts of one mixture are exchangeable, so P(D) = P(-D): W is made exactly
    # even, its spectrum real, and the screen symmetric in the two messages.
    even = (table.ravel() + table.ravel()[conj]) / 2
    # W(d) = sum_f spectrum[f] exp(+2 pi i f.d / 10)
    spectrum = np.real(np.fft.ifftn(even.reshape(table.shape))).ravel()
    first = np.arange(len(freqs)) <= conj  # one representative of each conjugate pair
    first[0] = False  # the constant is kept apart
    candidates = np.flatnonzero(first)
    kept = candidates[np.argsort(-np.abs(spectrum[candidates]), kind="stable")[:rank]]
    coef = spectrum[kept] * np.where(conj[kept] == kept, 1.0, 2.0)
    truncated = np.zeros(len(spectrum))
    truncated[kept] = truncated[conj[kept]] = spectrum[kept]
    truncated[0] = spectrum[0]
    w = np.real(np.fft.fftn(truncated.reshape((10,) * k))).ravel()
    mu1 = float(marginal.ravel() @ w)
    return ScreenWeights(freqs[kept], coef, float(spectrum[0]), mu1, _variance(w, k))


def _variance(w: NDArray[np.float64], k: int) -> float:
    """Variance per window of a long sum of overlapping windows' scores on uniform
    digits (simulated with a fixed seed: the same every run)."""
    d = np.random.default_rng(0).integers(0, 10, _SIMULATED)
    index = np.zeros(_SIMULATED - k + 1, dtype=np.int64)
    for j in range(k):
        index = index * 10 + d[j : _SIMULATED - k + 1 + j]
    x = w[index] - w.mean()
    lagged = sum(float(x[:-s] @ x[s:]) / (len(x) - s) for s in range(1, k))
    return max(float(x @ x) / len(x) + 2 * lagged, 1e-12)


@cache
def weights_for(board: Board, langs: tuple[str, ...] | None = None) -> ScreenWeights:
    """The screen of the joint model of ``board`` (:class:`~.joint.PairModel`): its
    ``k``-gram marginals, from its likelihood ratio of every ``k``-gram."""
    from .joint import PairModel

    model = PairModel.for_board(board, langs)
    grams = np.array(list(itertools.product(range(10), repeat=ORDER)), dtype=np.uint8)
    # The model's k-gram probabilities, normalised (a pruned forward pass loses a
    # little mass), and the conditional of the last digit from them: a proper table.
    marginal = np.exp(model.llr_many(grams) - ORDER * math.log(10))
    marginal /= marginal.sum()
    prefix = marginal.reshape(-1, 10).sum(axis=1, keepdims=True)
    table = np.log(marginal.reshape(-1, 10) / prefix) + math.log(10)
    shape = (10,) * ORDER
    return weights_from_table(table.reshape(shape), marginal.reshape(shape))


def pad(streams: Sequence[Stream], length: int | None = None) -> NDArray[np.uint8]:
    """``(N, length)`` digits, each stream padded with :data:`UNKNOWN` (default: the
    longest stream's length)."""
    width = max((len(s) for s in streams), default=0) if length is None else length
    out = np.full((len(streams), width), UNKNOWN, dtype=np.uint8)
    for row, s in zip(out, streams, strict=True):
        row[: min(len(s), width)] = s[:width]
    return out


_COS = np.cos(2 * np.pi * np.arange(10) / 10).astype(np.float32)
_SIN = np.sin(2 * np.pi * np.arange(10) / 10).astype(np.float32)


@dataclass(frozen=True, eq=False)
class Features:
    """A block of messages as the screen sees them."""

    phi: NDArray[np.float32]  # (B, L, F): cos and sin of each kept frequency's phase
    known: NDArray[np.float32]  # (B, L): 1 where the whole window is readable


def features(digits: NDArray[np.uint8], w: ScreenWeights) -> Features:
    """The features of each window of each row of ``digits`` (``(B, T)``, :func:`pad`)."""
    k = w.order
    windows = max(digits.shape[1] - k + 1, 0)
    phase = np.zeros((digits.shape[0], windows, len(w.coef)), dtype=np.uint8)
    known = np.ones((digits.shape[0], windows), dtype=bool)
    for j in range(k):
        column = digits[:, j : j + windows]
        known &= column != UNKNOWN
        # uint8 cannot overflow here: both factors are below 10 and the sum is reduced
        phase = (phase + column[:, :, None] * w.freqs[:, j].astype(np.uint8)) % 10
    phi = np.concatenate([_COS[phase], _SIN[phase]], axis=2)
    phi *= known[:, :, None]
    return Features(phi, known.astype(np.float32))


def _blocks(n: int) -> list[range]:
    return [range(s, min(s + BLOCK, n)) for s in range(0, n, BLOCK)]


@dataclass(frozen=True, eq=False)
class Passed:
    """The tests a screen passed: message ``ahead[i]`` ahead of ``behind[i]`` by
    ``offset[i]`` groups (``0``: aligned, then ``ahead < behind``), with its screen score
    and the number of readable windows it overlaps on."""

    ahead: NDArray[np.int32]
    behind: NDArray[np.int32]
    offset: NDArray[np.int32]
    score: NDArray[np.float32]
    windows: NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.ahead)

    @staticmethod
    def join(parts: Sequence[Passed]) -> Passed:
        """All the parts' tests, one part after the other. The screen makes its parts in
        a fixed order (block of rows, block of columns, offset, which is ahead), so the
        same log gives the same tests in the same order however it is run; nothing is
        sorted (at 20,000 messages the tests passed take gigabytes)."""
        names = ("ahead", "behind", "offset", "score", "windows")
        if not parts:
            empty = np.zeros(0, dtype=np.int32)
            return Passed(empty, empty, empty, np.zeros(0, dtype=np.float32), empty)
        return Passed(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in names})


def screen_block(
    digits: NDArray[np.uint8],
    rows: range,
    w: ScreenWeights,
    offsets: Sequence[int],
    cache: Sequence[Features] | None = None,
) -> Passed:
    """The tests between the messages of ``rows`` (a block of :data:`BLOCK`) and every
    message from ``rows.start`` on, at each group offset of ``offsets`` (``>= 0``; each
    ``g > 0`` in both orders). ``digits``: every message (:func:`pad`); ``cache``: the
    features of each block, if already computed.

    One Dask task: a pure function of its arguments (the cache only saves work), so
    the blocks together give the same tests however they are run."""
    blocks = _blocks(digits.shape[0])
    first = blocks.index(rows)

    def feats(b: int) -> Features:
        r = blocks[b]
        return cache[b] if cache is not None else features(digits[r.start : r.stop], w)

    mine = feats(first)
    parts = []
    for b in range(first, len(blocks)):
        theirs = mine if b == first else feats(b)
        for g in offsets:
            parts.append(_pass(mine, theirs, rows, blocks[b], g, w))
            if g > 0 and b != first:
                parts.append(_pass(theirs, mine, blocks[b], rows, g, w))
    return Passed.join(parts)


def _pass(a: Features, b: Features, rows: range, cols: range, g: int, w: ScreenWeights) -> Passed:
    """Messages of ``a`` ahead of messages of ``b`` by ``g`` groups: what passes."""
    shift = GROUP * g
    width = a.phi.shape[1] - shift
    if width <= 0:
        return Passed.join([])
    weights = np.concatenate([w.coef, w.coef]).astype(np.float32)
    left = (a.phi[:, shift:, :] * weights).reshape(a.phi.shape[0], -1)
    right = b.phi[:, :width, :].reshape(b.phi.shape[0], -1)
    score = left @ right.T
    n = a.known[:, shift:] @ b.known[:, :width].T
    score += np.float32(w.constant) * n
    ok = (score >= w.threshold(n)) & (n > 0)
    i, j = (x.astype(np.int32) for x in np.nonzero(ok))
    ahead, behind = i + np.int32(rows.start), j + np.int32(cols.start)
    keep = ahead < behind if g == 0 else ahead != behind
    i, j = i[keep], j[keep]
    offset = np.full(len(i), g, dtype=np.int32)
    return Passed(ahead[keep], behind[keep], offset, score[i, j], n[i, j].astype(np.int32))


def screen(streams: Sequence[Stream], w: ScreenWeights, offsets: Sequence[int]) -> Passed:
    """Every pair of ``streams`` at each group offset ``g`` of ``offsets`` (``>= 0``;
    ``g > 0`` stands for both orders), in-process: what passes the screen."""
    digits = pad(streams)
    blocks = _blocks(len(streams))
    cache = [features(digits[r.start : r.stop], w) for r in blocks]
    return Passed.join([screen_block(digits, r, w, offsets, cache) for r in blocks])


@dataclass(frozen=True)
class Throughput:
    """The screen's speed beside a bare BLAS product of the same shape, one run.

    ``pairs_per_second``: pairs screened aligned a second; ``screen_gflops``: the
    screen's useful float32 work a second (``2 L F`` per pair: a product over the pairs
    alone); ``blas_gflops``: a bare ``(N x L F) @ (L F x N)`` product's rate;
    ``fraction``: the first over the second; ``passed``: the share of pairs passed."""

    messages: int
    groups: int
    features: int
    seconds: float
    blas_seconds: float
    pairs_per_second: float
    screen_gflops: float
    blas_gflops: float
    fraction: float
    passed: float

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def screen_throughput(
    w: ScreenWeights, *, messages: int = 2000, groups: int = 50, seed: int = 0
) -> Throughput:
    """Time the screen (aligned, features included) on ``messages`` random messages of
    ``groups`` groups, and a bare float32 product of the same shape: for the benchmark
    (``make bench``), never for tests. Only the count of what passes is kept, so a
    large log fits in memory."""
    rng = np.random.default_rng(seed)
    digits = rng.integers(0, 10, (messages, GROUP * groups), dtype=np.uint8)
    start = time.perf_counter()
    blocks = _blocks(messages)
    cache = [features(digits[r.start : r.stop], w) for r in blocks]
    passed = sum(len(screen_block(digits, r, w, [0], cache)) for r in blocks)
    seconds = time.perf_counter() - start
    width = (GROUP * groups - w.order + 1) * w.features
    a = rng.standard_normal((messages, width), dtype=np.float32)
    start = time.perf_counter()
    _ = a @ a.T
    blas = time.perf_counter() - start
    pairs = messages * (messages - 1) / 2
    useful = 2.0 * pairs * width / seconds / 1e9
    bare = 2.0 * messages * messages * width / blas / 1e9
    return Throughput(messages, groups, w.features, seconds, blas, pairs / seconds, useful,
                      bare, useful / bare, passed / pairs)  # fmt: skip
