"""The first screen of ``depth find``: the matrix products compute, for every pair and
offset at once, exactly the window-by-window score of the difference stream."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.checkerboard import BOARDS
from cinq.depth import screen
from cinq.depth.screen import Passed, ScreenWeights, weights_for, weights_from_table
from cinq.depth.stream import UNKNOWN, difference


def table_weights(seed: int, rank: int = screen.RANK, order: int = 3) -> ScreenWeights:
    """A screen of a random table (the algebra does not care where the table comes
    from); the marginal is a random distribution."""
    rng = np.random.default_rng(seed)
    table = rng.normal(0, 0.3, (10,) * order)
    marginal = rng.dirichlet(np.ones(10**order)).reshape((10,) * order)
    return weights_from_table(table, marginal, rank=rank)


def window_table(w: ScreenWeights) -> np.ndarray:
    """The truncated table the features stand for, entry by entry."""
    grams = np.array(list(itertools.product(range(10), repeat=w.order)), dtype=np.uint8)
    return np.array([w.score(g) for g in grams]).reshape((10,) * w.order)


def brute(
    streams: list[np.ndarray], w: ScreenWeights, offsets: list[int]
) -> dict[tuple[int, int, int], tuple[float, int]]:
    """What passes, pair by pair and offset by offset, from the difference streams."""
    out: dict[tuple[int, int, int], tuple[float, int]] = {}
    for a, b in itertools.permutations(range(len(streams)), 2):
        for g in offsets:
            if g == 0 and a > b:
                continue
            d = difference(streams[a][screen.GROUP * g :], streams[b])
            windows = sum(
                (d[t : t + w.order] != UNKNOWN).all() for t in range(len(d) - w.order + 1)
            )
            s = w.score(d)
            if windows and s >= w.threshold(np.array(windows, dtype=np.float32)):
                out[(a, b, g)] = (s, windows)
    return out


@st.composite
def logs(draw: st.DrawFn) -> list[np.ndarray]:
    n = draw(st.integers(0, 9))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        s = rng.integers(0, 10, draw(st.integers(0, 40))).astype(np.uint8)
        s[rng.random(len(s)) < draw(st.sampled_from([0.0, 0.1, 0.5]))] = UNKNOWN
        out.append(s)
    return out


@settings(max_examples=40, deadline=None)
@given(logs(), st.integers(0, 3), st.sampled_from([1, 2, 4, 64]))
def test_the_products_are_the_window_scores(
    streams: list[np.ndarray], offsets: int, block: int
) -> None:
    """Any split into blocks, any offsets, unreadable digits anywhere: the screen passes
    exactly the tests whose window-by-window score reaches the threshold, with that
    score and window count."""
    w = table_weights(1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(screen, "BLOCK", block)
        passed = screen.screen(streams, w, list(range(offsets + 1)))
    got = {
        (int(a), int(b), int(g)): (float(s), int(n))
        for a, b, g, s, n in zip(
            passed.ahead, passed.behind, passed.offset, passed.score, passed.windows, strict=True
        )
    }
    want = brute(streams, w, list(range(offsets + 1)))
    assert got.keys() == want.keys()
    for key, (s, n) in want.items():
        assert got[key][1] == n
        assert got[key][0] == pytest.approx(s, abs=1e-3)


def test_full_rank_features_are_the_table_made_even() -> None:
    """Keeping every frequency gives back the table itself, averaged with its mirror
    (W(d) and W(-d)): the Fourier form loses nothing but what is cut."""
    rng = np.random.default_rng(2)
    table = rng.normal(0, 1, (10, 10, 10))
    w = weights_from_table(table, np.full((10,) * 3, 1e-3), rank=1000)
    even = (table + table[tuple(np.ogrid[:10, :10, :10][i] * -1 % 10 for i in range(3))]) / 2
    assert np.allclose(window_table(w), even, atol=1e-9)
    cut = table_weights(2, rank=4)
    assert cut.features == 8 and not np.allclose(window_table(cut), even)


def test_the_kept_frequencies_are_the_strongest() -> None:
    """A table of two cosines and a little noise: rank 2 keeps those two."""
    grams = np.array(list(itertools.product(range(10), repeat=3)))
    phase = 2 * np.pi / 10
    table = 3 * np.cos(phase * grams @ [1, 2, 0]) + 2 * np.cos(phase * grams @ [0, 0, 7])
    table += np.random.default_rng(0).normal(0, 0.01, len(table))
    w = weights_from_table(table.reshape(10, 10, 10), np.full((10,) * 3, 1e-3), rank=2)
    kept = {tuple(int(x) for x in f) for f in w.freqs}
    assert kept in ({(1, 2, 0), (0, 0, 7)}, {(9, 8, 0), (0, 0, 7)}, {(1, 2, 0), (0, 0, 3)},
                    {(9, 8, 0), (0, 0, 3)})  # fmt: skip
    assert sorted(np.round(w.coef, 1)) == [2.0, 3.0]


def test_unreadable_windows_add_nothing() -> None:
    w = table_weights(3)
    d = np.random.default_rng(4).integers(0, 10, 60).astype(np.uint8)
    holed = d.copy()
    holed[30] = UNKNOWN
    k = w.order
    assert w.score(holed) == pytest.approx(w.score(d[:30]) + w.score(d[31:]))
    assert w.score(d) - w.score(holed) == pytest.approx(
        sum(w.score(d[t : t + k]) for t in range(30 - k + 1, 31))
    )
    assert w.score(np.full(10, UNKNOWN, dtype=np.uint8)) == 0.0


def test_passed_join_keeps_the_parts_order() -> None:
    def test(ahead: int, behind: int) -> Passed:
        a, b, g = (np.array([x], dtype=np.int32) for x in (ahead, behind, 0))
        return Passed(a, b, g, np.ones(1, np.float32), np.ones(1, np.int32))

    assert len(Passed.join([])) == 0
    one, two = test(2, 1), test(0, 1)
    assert list(Passed.join([one, two]).ahead) == [2, 0]
    assert list(Passed.join([two, one]).ahead) == [0, 2]


def test_the_models_screen_favours_depths() -> None:
    """The real weights (the joint model's k-gram marginals): a difference of two
    plaintexts scores above a random difference on average, and the threshold lets
    a true depth's expected score through."""
    from cinq.language import Policy, encode

    w = weights_for(BOARDS["CT-55"])
    assert w.mu1 > w.constant  # a depth's window scores more than a random pair's
    texts = [
        "THE COMMITTEE WILL MEET ON TUESDAY TO DISCUSS THE NEW BUDGET AND THE ROADS",
        "WEATHER TOMORROW WILL BE COLD WITH RAIN IN THE NORTH AND SNOW ON THE HILLS",
    ]
    a, b = (encode(t, BOARDS["CT-55"], "en", Policy.FOLD)[:100] for t in texts)
    n = len(a) - w.order + 1
    depth = w.score(difference(np.asarray(a, np.uint8), np.asarray(b, np.uint8)))
    assert depth >= w.threshold(np.array(n, dtype=np.float32))
    rng = np.random.default_rng(5)
    random = [w.score(rng.integers(0, 10, 100).astype(np.uint8)) for _ in range(200)]
    assert np.mean(random) == pytest.approx(w.constant * n, abs=4 * float(np.std(random)) / 14)
