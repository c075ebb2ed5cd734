from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from cinq import digits as dg
from cinq.hazmat import pad
from cinq.hazmat.cipher import Convention, decipher, encipher
from cinq.hazmat.pad import DIGITS_PER_BYTE, random_digits

digit_arrays = st.integers(0, 400).flatmap(
    lambda n: st.tuples(
        arrays(np.uint8, n, elements=st.integers(0, 9)),
        arrays(np.uint8, n, elements=st.integers(0, 9)),
    )
)


def test_worked_example_from_the_manuals() -> None:
    # The issue quotes the cipher as 11427 28515; digit 8 there is a slip:
    # 8 - 2 = 6, and 28515 + 49285 would decrypt to 67790, not 67890.
    clear, pad = dg.from_str("12345 67890"), dg.from_str("01928 49285")
    cipher = encipher(clear, pad)
    assert dg.spaced(cipher) == "11427 28615"
    assert dg.spaced(decipher(cipher, pad)) == "12345 67890"
    added = encipher(clear, pad, Convention.ADD)
    assert dg.spaced(added) == "13263 06075"
    assert dg.spaced(decipher(added, pad, Convention.ADD)) == "12345 67890"


@given(digit_arrays, st.sampled_from(list(Convention)))
def test_encipher_decipher_round_trip(pair: tuple[np.ndarray, np.ndarray], c: Convention) -> None:
    plain, key = pair
    cipher = encipher(plain, key, c)
    assert cipher.dtype == np.uint8 and (cipher <= 9).all()
    assert np.array_equal(decipher(cipher, key, c), plain)
    sign = -1 if c is Convention.SUBTRACT else 1
    expect = (plain.astype(int) + sign * key.astype(int)) % 10
    assert np.array_equal(cipher, expect)


def test_short_key_is_refused_without_showing_it() -> None:
    key = dg.from_str("98765")
    try:
        encipher(dg.from_str("1234567890"), key)
    except ValueError as e:
        assert "98765" not in str(e)
    else:
        raise AssertionError("a short key was accepted")


def chi_square_p(d: np.ndarray) -> float:
    return float(stats.chisquare(np.bincount(d, minlength=10)).pvalue)


def test_pad_digits_are_uniform_on_a_million() -> None:
    d = random_digits(10**6)
    assert d.dtype == np.uint8 and len(d) == 10**6 and d.max() <= 9
    assert chi_square_p(d) > 1e-6
    # pairs of neighbours too: 100 cells
    pairs = d[:-1:2].astype(int) * 10 + d[1::2]
    assert float(stats.chisquare(np.bincount(pairs, minlength=100)).pvalue) > 1e-6


def test_the_uniformity_check_catches_byte_mod_ten() -> None:
    # The naive construction this module avoids: 0-5 come up 26/256, 6-9 25/256.
    biased = (np.frombuffer(os.urandom(10**6), dtype=np.uint8) % 10).astype(np.uint8)
    assert chi_square_p(biased) < 1e-6


def test_sizes_and_yield() -> None:
    sizes = (0, 1, 8, 9, 10, 17, 1000, 9 * pad.BLOCK - 1, 9 * pad.BLOCK + 1)
    for n in sizes:
        d = random_digits(n)
        assert d.dtype == np.uint8 and d.shape == (n,) and (d <= 9).all()
    assert 2.09 < DIGITS_PER_BYTE < np.log(256) / np.log(10)


# -- the conversion, deterministically: known words in, known digits out -------------


def reference_digits(words: list[int]) -> list[int]:
    """Nine digits of ``w mod 10**9`` per word, laid out place by place (pad.PLACES)."""
    return [int(f"{w % 10**9:09d}"[8 - place]) for place in pad.PLACES for w in words]


EDGES = [0, 1, 9, 10, 99_999_999, 10**8, 999_999_999, 10**9, 10**9 + 1, 2 * 10**9 - 1]
EDGES += [3 * 10**9, pad.KEEP_BELOW - 2, pad.KEEP_BELOW - 1, 123_456_789, 3_987_654_321]


def test_block_digits_of_known_words() -> None:
    got = pad.block_digits(np.array(EDGES, dtype=np.uint32))
    assert got.tolist() == reference_digits(EDGES)
    one = pad.block_digits(np.array([3_987_654_321], dtype=np.uint32))
    assert "".join(map(str, one)) == "984627351"  # 987654321 by places 8 7 3 5 1 6 2 4 0
    assert sorted(pad.PLACES) == list(range(9))


@given(st.lists(st.integers(0, pad.KEEP_BELOW - 1), max_size=300))
def test_block_digits_match_the_decimal_expansion(words: list[int]) -> None:
    got = pad.block_digits(np.array(words, dtype=np.uint32))
    assert got.tolist() == reference_digits(words)


def test_the_four_cycles_give_the_same_digits() -> None:
    # No bias at the edges: each value mod 10**9 comes from exactly four kept words,
    # the largest being KEEP_BELOW - 10**9 + r, and KEEP_BELOW itself is thrown away.
    r = np.array([0, 1, 500_000_000, 999_999_998, 999_999_999], dtype=np.uint32)
    blocks = [pad.block_digits(r + np.uint32(c * 10**9)) for c in range(4)]
    assert all(np.array_equal(b, blocks[0]) for b in blocks)
    assert pad.KEEP_BELOW == 4 * 10**9 and pad.KEEP_BELOW % 10**9 == 0
    assert 5 * 10**9 > 2**32  # a fifth cycle does not fit: four is the most there is
    with pytest.raises(ValueError):
        pad.block_digits(np.array([pad.KEEP_BELOW], dtype=np.uint32))


def test_every_word_of_a_range_gives_exactly_uniform_digits() -> None:
    # Words 3 * 10**9 .. 3 * 10**9 + 10**6 - 1 (the last whole cycle below KEEP_BELOW):
    # each of the six low places takes each digit exactly 10**5 times, the three high
    # places are 0. Exactly uniform on a whole range, not just on average.
    words = np.arange(3 * 10**9, 3 * 10**9 + 10**6, dtype=np.uint32)
    places = pad.block_digits(words).reshape(9, -1)
    for row, place in zip(places, pad.PLACES, strict=True):
        counts = np.bincount(row, minlength=10)
        expected = [10**5] * 10 if place < 6 else [10**6] + [0] * 9
        assert counts.tolist() == expected, place


class Script:
    """A byte source that plays back given 32-bit words, then zeros; counts bytes."""

    def __init__(self, words: list[int]) -> None:
        self.data = np.array(words, dtype=np.uint32).tobytes()
        self.read = 0

    def __call__(self, k: int) -> bytes:
        chunk = self.data[self.read : self.read + k]
        self.read += k
        return chunk + bytes(k - len(chunk))


def test_rejected_words_are_replaced_by_the_next_kept_ones() -> None:
    # Two words asked; the first read has one word at KEEP_BELOW and one at 2**32 - 1
    # around a kept one: their places go to the kept words of the next read, in order.
    src = Script([pad.KEEP_BELOW, 7, 2**32 - 1, 5, 4_000_000_001, 11, 13])
    words = pad.kept_words(src, 3)
    assert words.tolist() == [5, 7, 11]
    assert src.read > 0 and src.read % 4 == 0


def test_random_digits_from_a_scripted_source() -> None:
    words = [123_456_789, pad.KEEP_BELOW, 3_000_000_042, 2**32 - 1, 999_999_999, 77]
    src = Script(words)
    got = random_digits(27, source=src)  # 3 words, then 1 / 0.931 + 2 = 3 more for a hole
    assert got.tolist() == reference_digits([123_456_789, 999_999_999, 3_000_000_042])
    assert src.read == 4 * len(words)
    assert random_digits(5, source=Script(words)).tolist() == reference_digits(words[:1])[:5]


def test_a_source_that_gives_nothing_usable_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError, match="no usable words"):
        random_digits(9, source=lambda k: b"\xff" * k)
    with pytest.raises(ValueError, match="returned"):
        random_digits(9, source=lambda k: b"")
