"""Randomness tests: calibrated on random digits, sensitive to each kind of defect."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from cinq import digits as dg
from cinq.analysis import randomness as rnd
from cinq.hazmat.pad import random_digits

FIXTURE = Path(__file__).parent / "fixtures" / "seed-groups.txt"


def uniform(n: int, seed: int) -> NDArray[np.uint8]:
    return np.random.default_rng(seed).integers(0, 10, n).astype(np.uint8)


def by_name(digits: NDArray[np.integer]) -> dict[str, rnd.Test]:
    return {t.name: t for t in rnd.run_all(digits)}


# -- calibration -----------------------------------------------------------------------


@pytest.mark.parametrize(("n", "reps"), [(145, 500), (10_000, 500)])
def test_random_digits_are_judged_uniform(n: int, reps: int) -> None:
    alarms = sum(not rnd.verdict(rnd.run_all(uniform(n, seed))).uniform for seed in range(reps))
    assert alarms <= 0.03 * reps


def test_csprng_digits_are_judged_uniform() -> None:
    v = rnd.verdict(rnd.run_all(random_digits(10_000)))
    # Fails once in ~100 runs by design at alpha = 0.01; a second draw makes it ~1e-4.
    assert v.uniform or rnd.verdict(rnd.run_all(random_digits(10_000))).uniform


def test_seed_groups_fixture_is_uniform() -> None:
    groups = FIXTURE.read_text().split()
    assert len(groups) == 29
    tests = rnd.run_all(dg.from_groups(groups))
    v = rnd.verdict(tests)
    assert v.uniform, v.summary
    assert v.summary.startswith("digits consistent with uniform random")
    assert v.rejected == []
    assert 0 < v.combined_p <= 1


def test_every_test_runs_on_enough_digits() -> None:
    tests = rnd.run_all(uniform(10_000, 1))
    assert [t.name for t in tests] == [
        "digit frequency",
        "serial pairs",
        "poker",
        "gap",
        "runs",
        "longest run",
        "repeated groups",
        "autocorrelation",
    ]
    assert all(t.valid and 0 <= t.p_value <= 1 and t.detail for t in tests)


def test_too_few_digits_give_nan_not_a_number() -> None:
    tests = by_name(uniform(20, 2))
    for name in ("digit frequency", "serial pairs", "poker", "gap", "runs", "autocorrelation"):
        assert math.isnan(tests[name].p_value)
        assert tests[name].detail == "too few digits"
    assert math.isnan(by_name(uniform(145, 3))["serial pairs"].p_value)
    v = rnd.verdict(rnd.run_all(dg.empty()))
    assert v.uniform and math.isnan(v.combined_p) and "too few digits" in v.summary


def test_bad_digits_are_refused() -> None:
    with pytest.raises(ValueError):
        rnd.run_all(np.array([1, 2, 12]))


# -- the poker classes -----------------------------------------------------------------


def test_poker_probabilities_are_exact() -> None:
    assert math.isclose(sum(rnd.POKER.values()), 1.0)
    every = np.array(list(itertools.product(range(10), repeat=5)), dtype=np.int64)
    counts = np.bincount(rnd.poker_classes(every), minlength=7)
    assert counts.tolist() == [round(p * 10**5) for p in rnd.POKER.values()]


def test_poker_classes_by_example() -> None:
    groups = ["12345", "11234", "11223", "11123", "11122", "11112", "77777"]
    got = rnd.poker_classes(dg.from_groups(groups).astype(np.int64).reshape(-1, 5))
    assert got.tolist() == list(range(7))


# -- each defect is seen by its test -----------------------------------------------------


def test_digits_typed_by_a_person_are_rejected() -> None:
    rng = np.random.default_rng(7)
    liked = np.array([1, 4, 6, 6, 5, 5, 5, 6, 2, 1], dtype=float)
    out = [int(rng.choice(10, p=liked / liked.sum()))]
    while len(out) < 500:
        if rng.random() < 0.25:  # runs up: 3 4 5
            d = (out[-1] + 1) % 10
        else:
            d = int(rng.choice(10, p=liked / liked.sum()))
        if d != out[-1]:  # a person avoids repeating a digit
            out.append(d)
    v = rnd.verdict(rnd.run_all(np.array(out)))
    assert not v.uniform
    assert v.summary.startswith("not random: ")
    assert "digit frequency" in v.rejected
    assert v.combined_p < 1e-6


def test_frequency_sees_a_skew() -> None:
    p = np.full(10, 0.1) + np.r_[0.03, np.zeros(8), -0.03]
    d = np.random.default_rng(1).choice(10, 3000, p=p)
    assert by_name(d)["digit frequency"].p_value < 1e-4


def test_serial_sees_dependent_pairs() -> None:
    rng = np.random.default_rng(2)
    a = rng.integers(0, 10, 1500)
    b = (a + rng.integers(0, 5, 1500)) % 10  # the second of a pair is never a+5..a+9
    d = np.column_stack([a, b]).ravel()
    tests = by_name(d)
    assert tests["serial pairs"].p_value < 1e-10
    assert tests["digit frequency"].p_value > 1e-3  # digits themselves look fine


def test_poker_sees_groups_built_around_a_pair() -> None:
    rng = np.random.default_rng(3)
    groups = []
    for _ in range(400):
        four = rng.permutation(10)[:4]
        groups.append(rng.permutation(np.r_[four, four[0]]))
    d = np.concatenate(groups)
    assert by_name(d)["poker"].p_value < 1e-10


def test_gap_sees_missing_repeats() -> None:
    rng = np.random.default_rng(4)
    d = [0]
    while len(d) < 1000:
        d.append((d[-1] + int(rng.integers(1, 10))) % 10)  # never the same digit twice
    tests = by_name(np.array(d))
    assert tests["gap"].p_value < 1e-10
    assert tests["digit frequency"].p_value > 1e-3


def test_runs_sees_alternation() -> None:
    rng = np.random.default_rng(5)
    d = [int(rng.integers(0, 10))]
    for _ in range(999):
        high = d[-1] >= 5
        flip = rng.random() < 0.7
        d.append(int(rng.integers(0, 5)) + 5 * (high != flip))
    test = by_name(np.array(d))["runs"]
    assert test.p_value < 1e-10
    assert test.statistic > 0  # too many runs


def test_longest_run_sees_a_stuck_key() -> None:
    d = uniform(1000, 6)
    d[500:509] = 4
    test = by_name(d)["longest run"]
    assert test.statistic >= 9
    assert test.p_value < 1e-3


def test_longest_run_probability_is_exact() -> None:
    # By enumeration of all 10^4 sequences of four digits.
    every = np.array(list(itertools.product(range(10), repeat=4)))
    same = every[:, 1:] == every[:, :-1]
    two = same.any(axis=1).mean()
    three = ((same[:, :-1] & same[:, 1:]).any(axis=1)).mean()
    assert math.isclose(rnd.longest_run_p(2, 4), two)
    assert math.isclose(rnd.longest_run_p(3, 4), three)
    assert rnd.longest_run_p(1, 4) == 1.0
    assert rnd.longest_run_p(5, 4) == 0.0
    assert 0 <= rnd.longest_run_p(60, 10**6) < 1e-50


def test_repeated_groups_sees_a_repeating_message() -> None:
    groups = dg.to_groups(uniform(300, 8))
    d = dg.from_groups(groups + groups[:8])
    test = by_name(d)["repeated groups"]
    assert test.statistic == 8
    assert test.p_value < 1e-10
    assert by_name(uniform(300, 8))["repeated groups"].p_value == 1.0


def test_autocorrelation_sees_counting_up() -> None:
    rng = np.random.default_rng(9)
    d = [int(rng.integers(0, 10))]
    for _ in range(1999):
        d.append((d[-1] + 1) % 10 if rng.random() < 0.3 else int(rng.integers(0, 10)))
    test = by_name(np.array(d))["autocorrelation"]
    assert test.p_value < 1e-6
    assert test.statistic > 0
    assert "lag 1 most" in test.detail


# -- the verdict -----------------------------------------------------------------------


def test_holm_adjustment() -> None:
    assert rnd.holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert rnd.holm([]) == []


def test_verdict_counts_only_valid_tests() -> None:
    tests = [
        rnd.Test("a", 1.0, 0.004, ""),
        rnd.Test("b", 1.0, 0.2, ""),
        rnd.Test("c", math.nan, math.nan, "too few digits"),
    ]
    v = rnd.verdict(tests)
    assert not v.uniform
    assert v.rejected == ["a"]
    assert v.combined_p == pytest.approx(0.008)
    assert v.summary == "not random: a (adjusted p = 0.008)"
    v = rnd.verdict(tests, alpha=0.001)
    assert v.uniform
    assert (
        v.summary
        == "digits consistent with uniform random (smallest adjusted p = 0.008 over 2 tests)"
    )
