"""The checkerboard-plaintext test: a likelihood ratio that random digits rarely pass."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cinq import checkerboard as cb
from cinq import language as lg
from cinq.analysis import plaintext as pt
from cinq.depth.stream import UNKNOWN

# Written for this test: everyday prose, not the words the models were built from.
PROSE = {
    "en": "The river rose again last night and the old bridge was closed before dawn, "
    "so the children walked the long way round to school through the wet fields.",
    "fr": "La riviere a encore monte cette nuit et le vieux pont a ete ferme avant "
    "l'aube, alors les enfants ont fait le grand tour par les champs pour aller a l'ecole.",
    "de": "Der Fluss ist in der Nacht wieder gestiegen und die alte Bruecke wurde vor "
    "dem Morgen gesperrt, also gingen die Kinder den langen Weg durch die nassen Felder.",
    "es": "El rio volvio a crecer anoche y el puente viejo se cerro antes del alba, "
    "asi que los ninos dieron la vuelta larga por los campos mojados para ir a la escuela.",
    "ru": "Ночью река снова поднялась, и старый мост закрыли ещё до рассвета, поэтому "
    "дети пошли в школу длинной дорогой через мокрые поля.",
}


def prose(lang: str, board: cb.Board, groups: int) -> np.ndarray:
    digits = lg.encode(PROSE[lang], board, lg.language(lang), lg.Policy.FOLD | lg.Policy.DROP)
    assert len(digits) >= 5 * groups
    return np.asarray(digits[: 5 * groups], dtype=np.uint8)


def readings() -> list[tuple[cb.Board, str]]:
    return [(b, lang) for b in cb.all_boards() for lang in pt.languages(b)]


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_the_plaintext_model_is_a_probability_over_digit_strings(n: int) -> None:
    """The premise of the bound: over all 10**n digit strings the ratio averages at
    most 1 (and not far below: the model does not throw probability away)."""
    every = np.array(list(itertools.product(range(10), repeat=n)), dtype=np.uint8)
    for board, lang in [*readings(), (cb.keyed("SNOWFALL"), "en")]:
        mean = float(np.exp(pt.evidence(every, board, lang)).mean())
        assert 0.95 < mean <= 1 + 1e-6, (board.name, lang, mean)


def test_random_short_messages_are_rarely_called_plaintext() -> None:
    """At most 1 % (the target), with a binomial margin: the thresholds aim at 0.2 %."""
    rng = np.random.default_rng(20261126 + 1)  # not the calibration's seed
    samples = 3000
    for groups in (5, 6):
        found = pt.plaintext_found(rng.integers(0, 10, (samples, 5 * groups), dtype=np.uint8))
        high = stats.beta.ppf(0.99, found.sum() + 1, samples - found.sum())
        assert high < 0.01, (groups, int(found.sum()))


@pytest.mark.parametrize(("board", "lang"), readings(), ids=lambda x: getattr(x, "name", x))
def test_real_prose_of_twenty_groups_is_found_on_every_board(board: cb.Board, lang: str) -> None:
    hits = pt.board_readings(prose(lang, board, 20))
    assert hits[0].found and hits[0].log_lr > 0
    mine = next(h for h in hits if h.board == board.name)
    assert mine.found


def test_the_default_board_and_language_come_first() -> None:
    for lang in PROSE:
        board = lg.language(lang).board
        best = pt.board_readings(prose(lang, board, 20))[0]
        assert (best.board, best.lang) == (board.name, lang)
        assert best.text.startswith(board.decode(prose(lang, board, 4), padded=True))


def test_unreadable_digits_are_marked_and_judged_by_the_bound() -> None:
    board = lg.language("en").board
    digits = prose("en", board, 20).copy()
    digits[[7, 40, 41]] = UNKNOWN
    best = next(h for h in pt.board_readings(digits) if h.board == board.name)
    assert best.text.count(cb.UNREADABLE) == 3
    assert best.found and best.log_lr >= pt.threshold(97, unknown=True)
    assert pt.threshold(97, unknown=True) == math.log(pt.hypotheses() / pt.ALPHA)


digit_lists = st.lists(st.integers(0, 9), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(digit_lists, digit_lists, st.sampled_from(readings()))
def test_an_unreadable_digit_cuts_the_ratio_in_two(
    a: list[int], b: list[int], reading: tuple[cb.Board, str]
) -> None:
    board, lang = reading
    joined = np.array([*a, UNKNOWN, *b], dtype=np.uint8)
    whole = pt.evidence([joined], board, lang)[0]
    parts = (
        pt.evidence([np.array(a, np.uint8)], board, lang)[0]
        + pt.evidence([np.array(b, np.uint8)], board, lang)[0]
    )
    assert whole == pytest.approx(parts, abs=1e-9)


def test_a_batch_reads_as_its_messages_one_by_one() -> None:
    rng = np.random.default_rng(4)
    batch = rng.integers(0, 10, (30, 35), dtype=np.uint8)
    ragged = [row[: 5 + i] for i, row in enumerate(batch)]
    for board, lang in readings()[::4]:
        together = pt.evidence(batch, board, lang)
        alone = [pt.evidence([row], board, lang)[0] for row in batch]
        np.testing.assert_allclose(together, alone, atol=1e-9)
        np.testing.assert_allclose(
            pt.evidence(ragged, board, lang),
            [pt.evidence([r], board, lang)[0] for r in ragged],
            atol=1e-9,
        )


def test_the_threshold_is_between_zero_and_the_bound() -> None:
    bound = math.log(pt.hypotheses() / pt.ALPHA)
    table = pt.calibration().thresholds
    assert all(x > y for x, y in itertools.pairwise(table))  # longer random scores lower
    for digits in range(0, 5 * len(table) + 20):
        assert 0.0 <= pt.threshold(digits) <= bound
    assert pt.threshold(4) == bound  # shorter than the table: the bound alone
    assert pt.threshold(5 * len(table) + 5) == 0.0  # beyond it: the floor
    keyed = cb.keyed("SNOWFALL")
    assert pt.threshold(100, boards=[keyed]) == math.log(4 / pt.ALPHA)  # not calibrated


def test_no_readable_digit_no_reading() -> None:
    assert pt.board_readings(np.full(10, UNKNOWN, dtype=np.uint8)) == []
    assert pt.board_readings(np.zeros(0, dtype=np.uint8)) == []
    assert not pt.plaintext_found([np.full(10, UNKNOWN, dtype=np.uint8)])[0]


def test_the_keyed_hint_leaves_unreadable_digits_out() -> None:
    rng = np.random.default_rng(8)
    digits = rng.integers(0, 10, 60, dtype=np.uint8)
    holed = np.insert(digits, [3, 30], UNKNOWN)
    assert pt.keyed_hint(holed) == pt.keyed_hint(digits)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*range(10), UNKNOWN]), max_size=120))
def test_any_digits_read_without_error(values: list[int]) -> None:
    digits = np.array(values, dtype=np.uint8)
    hits = pt.board_readings(digits)
    unknown = bool((digits == UNKNOWN).any())
    bar = pt.threshold(int((digits != UNKNOWN).sum()), unknown=unknown)
    assert [h.log_lr for h in hits] == sorted((h.log_lr for h in hits), reverse=True)
    for h in hits:
        assert h.found == (h.log_lr >= bar)
        assert h.text.count(cb.UNREADABLE) == int((digits == UNKNOWN).sum())
    assert bool(pt.plaintext_found([digits])[0]) == any(h.found for h in hits)
