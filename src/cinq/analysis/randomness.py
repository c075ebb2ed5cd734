"""Are these digits uniform random? Eight classical tests and a verdict.

Each test returns a :class:`Test` with its statistic and p-value; a test whose expected
counts are too small for its approximation returns ``p_value = nan`` and the detail
"too few digits" rather than a misleading number. Choices made:

* **serial pairs**: non-overlapping pairs (d0 d1, d2 d3, ...), so the 100 counts are a
  plain multinomial and the chi-square has exactly 99 degrees of freedom. All cells are
  equally likely, for which the approximation holds down to ~2 expected per cell.
* **poker**: whole five-figure groups only; the rarest classes are pooled (five of a
  kind into four of a kind, ...) until every expected count is at least 5.
* **gap**: the gaps between successive occurrences of each digit, all ten digits
  pooled, against the geometric law P(gap = k) = 0.1 * 0.9^k, corrected for the ends of
  the message (a long gap needs room); the tail is one cell.
* **runs**: runs above/below the median (digits 0-4 low, 5-9 high: no ties), the
  Wald-Wolfowitz count with its normal approximation, two-sided (alternation gives too
  many runs, clumping too few).
* **longest run** of one digit repeated: exact upper-tail p-value from a Markov chain on
  the current run length (matrix power, so 10^6 digits cost nothing).
* **repeated groups**: groups sent more than once, against the birthday expectation,
  Poisson upper tail (conservative when the groups are many: the true variance is
  smaller than the mean).
* **autocorrelation**: Pearson r of d[i] and d[i+k] for k = 1..5, z = r sqrt(n - k);
  one test: the smallest two-sided p times 5 (Bonferroni).

:func:`verdict` accounts for running several tests with Holm-Bonferroni.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ..digits import GROUP

NAN = float("nan")
FEW = "too few digits"
MIN_EXPECTED = 5.0  # per cell, for chi-square tests with unequal cells
MIN_EXPECTED_EQUAL = 2.0  # per cell, when all cells are equally likely
LAGS = 5

# Poker classes of a five-figure group, with their exact probabilities (k / 10^5).
POKER: dict[str, float] = {
    "all different": 0.3024,  # 10*9*8*7*6
    "one pair": 0.504,  # C(5,2) * 10*9*8*7
    "two pairs": 0.108,  # C(10,2) * 8 * 5!/(2!2!)
    "three of a kind": 0.072,  # 10 * C(9,2) * 5!/3!
    "full house": 0.009,  # 10 * 9 * C(5,2)
    "four of a kind": 0.0045,  # 10 * 9 * 5
    "five of a kind": 0.0001,  # 10
}


@dataclass(frozen=True)
class Test:
    """The result of one test; ``p_value`` is NaN when the test could not be run."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    name: str
    statistic: float
    p_value: float
    detail: str

    @property
    def valid(self) -> bool:
        return math.isfinite(self.p_value)

    def to_json(self) -> dict[str, object]:
        """Name, statistic, p-value and detail; a number that is not finite is null."""
        return {
            "test": self.name,
            "statistic": json_number(self.statistic),
            "p": json_number(self.p_value),
            "detail": self.detail,
        }


def json_number(x: float | None) -> float | None:
    """``x`` as JSON can hold it: NaN and infinity (a test that could not run) are null."""
    return None if x is None or not math.isfinite(x) else float(x)


@dataclass(frozen=True)
class Verdict:
    uniform: bool
    rejected: list[str]
    combined_p: float  # the smallest Holm-adjusted p-value (NaN if no test could run)
    summary: str


def _chi2(name: str, obs: NDArray[np.float64], exp: NDArray[np.float64], detail: str) -> Test:
    stat = float(((obs - exp) ** 2 / exp).sum())
    return Test(name, stat, float(stats.chi2.sf(stat, len(obs) - 1)), detail)


def _digits(digits: ArrayLike) -> NDArray[np.int64]:
    d = np.asarray(digits).astype(np.int64).ravel()
    if d.size and (d.min() < 0 or d.max() > 9):
        raise ValueError("digits must be 0-9")
    return d


def frequency(digits: ArrayLike) -> Test:
    """Chi-square of the ten digit counts, 9 degrees of freedom."""
    d = _digits(digits)
    if len(d) / 10 < MIN_EXPECTED:
        return Test("digit frequency", NAN, NAN, FEW)
    obs = np.bincount(d, minlength=10).astype(float)
    common = ", ".join(f"{i}: {int(obs[i])}" for i in np.argsort(-obs, kind="stable")[:3])
    detail = f"{len(d)} digits, {len(d) / 10:g} of each expected; most common {common}"
    return _chi2("digit frequency", obs, np.full(10, len(d) / 10), detail)


def serial(digits: ArrayLike) -> Test:
    """Chi-square of the 100 non-overlapping pairs, 99 degrees of freedom."""
    d = _digits(digits)
    m = len(d) // 2
    if m / 100 < MIN_EXPECTED_EQUAL:
        return Test("serial pairs", NAN, NAN, FEW)
    obs = np.bincount(10 * d[0 : 2 * m : 2] + d[1 : 2 * m : 2], minlength=100).astype(float)
    top = int(np.argmax(obs))
    detail = f"{m} pairs, {m / 100:g} of each expected; most common {top:02d} ({int(obs[top])})"
    return _chi2("serial pairs", obs, np.full(100, m / 100), detail)


def poker_classes(groups: NDArray[np.int64]) -> NDArray[np.int64]:
    """The poker class of each row of five digits, as an index into :data:`POKER`."""
    counts = (groups[:, :, None] == np.arange(10)).sum(axis=1)
    top = counts.max(axis=1)
    pairs = (counts == 2).sum(axis=1)
    return np.select(
        [top == 1, (top == 2) & (pairs == 1), top == 2, (top == 3) & (pairs == 0), top == 3],
        [0, 1, 2, 3, 4],
        default=top + 1,  # four of a kind -> 5, five -> 6
    )


def poker(digits: ArrayLike) -> Test:
    """Chi-square of the poker classes of the whole five-figure groups, rare ones pooled."""
    d = _digits(digits)
    g = len(d) // GROUP
    obs = np.bincount(poker_classes(d[: g * GROUP].reshape(g, GROUP)), minlength=7)
    exp = g * np.array(list(POKER.values()))
    names = list(POKER)
    order = np.argsort(exp)  # pool the rarest class into the next rarest, and so on
    o, e = list(obs[order].astype(float)), list(exp[order])
    while len(e) > 1 and e[0] < MIN_EXPECTED:
        o[1], e[1] = o[1] + o[0], e[1] + e[0]
        del o[0], e[0]
    if len(e) < 2 or e[0] < MIN_EXPECTED:
        return Test("poker", NAN, NAN, FEW)
    detail = f"{g} groups: " + ", ".join(
        f"{names[i]} {obs[i]} ({exp[i]:.1f} expected)" for i in range(7) if obs[i] or i < 4
    )
    return _chi2("poker", np.array(o), np.array(e), detail)


def gap(digits: ArrayLike) -> Test:
    """Chi-square of the gaps between repeats of a digit against the geometric law."""
    d = _digits(digits)
    gaps = np.concatenate([np.diff(np.flatnonzero(d == k)) - 1 for k in range(10)])
    n = len(gaps)
    # A gap of k needs k + 2 digits inside the message: among L digits, gaps of k are
    # expected in proportion to (L - k - 1) 0.9^k (the edges make long gaps rarer).
    k = np.arange(max(len(d) - 1, 0))
    law = (len(d) - k - 1) * 0.9**k
    law /= max(law.sum(), 1e-300)
    # Cells 0 .. t-1 and a tail ">= t", each expected at least MIN_EXPECTED times.
    t = 0
    while t < min(40, len(law) - 1) and n * min(law[t], law[t + 1 :].sum()) >= MIN_EXPECTED:
        t += 1
    if t == 0:
        return Test("gap", NAN, NAN, FEW)
    obs = np.bincount(np.minimum(gaps, t), minlength=t + 1).astype(float)
    exp = n * np.append(law[:t], law[t:].sum())
    detail = (
        f"{n} gaps, {int(obs[0])} of length 0 ({exp[0]:.1f} expected), "
        f"{int(obs[-1])} of {t} or more ({exp[-1]:.1f} expected)"
    )
    return _chi2("gap", obs, exp, detail)


def runs(digits: ArrayLike) -> Test:
    """Wald-Wolfowitz runs of low (0-4) and high (5-9) digits, normal approximation."""
    d = _digits(digits)
    high = d >= 5
    n, n1 = len(d), int(high.sum())
    n2 = n - n1
    if min(n1, n2) < 10:
        return Test("runs", NAN, NAN, FEW)
    r = 1 + int(np.count_nonzero(high[1:] != high[:-1]))
    mean = 2 * n1 * n2 / n + 1
    var = 2 * n1 * n2 * (2 * n1 * n2 - n) / (n * n * (n - 1))
    z = (r - mean) / math.sqrt(var)
    detail = f"{r} runs above/below 4.5, {mean:.1f} expected"
    return Test("runs", z, float(2 * stats.norm.sf(abs(z))), detail)


def longest_run_p(length: int, n: int) -> float:
    """P(some digit repeats ``length`` times in a row among ``n`` random digits)."""
    if length <= 1:
        return 1.0 if n >= 1 else 0.0
    if n < length:
        return 0.0
    if length > 40:  # below 1e-30 anyway: the first term of the exact sum
        return min(1.0, (1 + 0.9 * (n - length)) * 0.1 ** (length - 1))
    # States: current run length 1 .. length-1, then "a run of `length` was seen".
    t = np.zeros((length, length))
    t[: length - 1, 0] = 0.9
    t[np.arange(length - 1), np.arange(1, length)] = 0.1
    t[length - 1, length - 1] = 1.0
    return float(np.linalg.matrix_power(t, n - 1)[0, length - 1])


def longest_run(digits: ArrayLike) -> Test:
    """The longest run of one digit, with its exact upper-tail p-value."""
    d = _digits(digits)
    if len(d) < 10:
        return Test("longest run", NAN, NAN, FEW)
    edges = np.flatnonzero(np.diff(d)) + 1
    starts = np.r_[0, edges]
    lengths = np.diff(np.r_[starts, len(d)])
    i = int(np.argmax(lengths))
    length, at = int(lengths[i]), int(starts[i])
    p = longest_run_p(length, len(d))
    detail = f"{length} x {d[at]} from digit {at + 1}; P(a run this long) = {p:.2g}"
    return Test("longest run", float(length), p, detail)


def repeated_groups(digits: ArrayLike) -> Test:
    """Groups sent more than once, against the birthday expectation (Poisson tail)."""
    d = _digits(digits)
    g = len(d) // GROUP
    if g < 2:
        return Test("repeated groups", NAN, NAN, FEW)
    values = d[: g * GROUP].reshape(g, GROUP) @ (10 ** np.arange(GROUP - 1, -1, -1))
    repeats = g - len(np.unique(values))
    space = 10.0**GROUP
    expected = g - space * -math.expm1(g * math.log1p(-1 / space))
    p = float(stats.poisson.sf(repeats - 1, expected)) if repeats else 1.0
    detail = f"{repeats} repeated among {g} groups, {expected:.2g} expected by chance"
    return Test("repeated groups", float(repeats), p, detail)


def autocorrelation(digits: ArrayLike) -> Test:
    """Pearson r of d[i] and d[i+k], k = 1..5; smallest p with Bonferroni over lags."""
    d = _digits(digits).astype(float)
    if len(d) < 50:
        return Test("autocorrelation", NAN, NAN, FEW)
    if d.std() == 0:
        return Test("autocorrelation", NAN, NAN, "constant digits")
    rs, zs = [], []
    for k in range(1, LAGS + 1):
        a, b = d[:-k], d[k:]
        r = float(np.corrcoef(a, b)[0, 1]) if a.std() and b.std() else 0.0
        rs.append(r)
        zs.append(r * math.sqrt(len(d) - k))
    k = int(np.argmax(np.abs(zs)))
    p = min(1.0, LAGS * float(2 * stats.norm.sf(abs(zs[k]))))
    detail = f"r at lags 1-{LAGS}: " + " ".join(f"{r:+.3f}" for r in rs) + f"; lag {k + 1} most"
    return Test("autocorrelation", zs[k], p, detail)


TESTS: tuple[Callable[[ArrayLike], Test], ...] = (
    frequency,
    serial,
    poker,
    gap,
    runs,
    longest_run,
    repeated_groups,
    autocorrelation,
)


def run_all(digits: ArrayLike) -> list[Test]:
    """Every test, in a fixed order."""
    d = _digits(digits)
    return [test(d) for test in TESTS]


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the order given."""
    m = len(p_values)
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(sorted(range(m), key=lambda i: p_values[i])):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def verdict(tests: list[Test], alpha: float = 0.01) -> Verdict:
    """Reject uniformity if any test's Holm-adjusted p-value is at most ``alpha``."""
    valid = [t for t in tests if t.valid]
    if not valid:
        return Verdict(True, [], NAN, "too few digits to test for randomness")
    adjusted = holm([t.p_value for t in valid])
    bad = sorted((p, t.name) for p, t in zip(adjusted, valid, strict=True) if p <= alpha)
    smallest = min(adjusted)
    if bad:
        summary = "not random: " + ", ".join(f"{n} (adjusted p = {p:.2g})" for p, n in bad)
    else:
        summary = (
            f"digits consistent with uniform random "
            f"(smallest adjusted p = {smallest:.2g} over {len(valid)} tests)"
        )
    return Verdict(not bad, [n for _, n in bad], smallest, summary)
