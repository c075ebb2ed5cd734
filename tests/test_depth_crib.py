"""Crib-dragging a depth (cinq.depth.crib): the right crib in the right place gives the
key and the other messages' plaintext; a crib that cannot be put there is refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq import board
from cinq import language as lg
from cinq.depth.crib import drag
from cinq.depth.stream import UNKNOWN
from cinq.errors import BadInput
from cinq.hazmat.cipher import Convention, encipher

B = board("CT-37")
WORDS = ["MEET", "AT", "THE", "BRIDGE", "NOON", "PARCEL", "SAFE", "HOUSE", "TONIGHT", "AGENT"]


def _plain(text: str) -> np.ndarray:
    return lg.encode(text, B, "en", lg.Policy.FOLD)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=3, max_size=8),
    st.lists(st.sampled_from(WORDS), min_size=3, max_size=8),
    st.integers(0, 4),
    st.sampled_from(list(Convention)),
    st.integers(0, 2**32 - 1),
)
def test_the_true_crib_gives_the_key_and_the_other_plaintext(
    a: list[str], b: list[str], shift: int, convention: Convention, seed: int
) -> None:
    pa, pb = _plain(" ".join(a)), _plain(" ".join(b))
    key = np.random.default_rng(seed).integers(0, 10, len(pa) + len(pb) + 10).astype(np.uint8)
    ca = encipher(pa, key, convention)
    cb = encipher(pb, key[shift:], convention)  # b starts `shift` digits later on the key
    word = a[1]
    at = len(_plain(a[0] + " "))  # the second word's first digit in a's plaintext
    got = drag(
        [ca, cb], word, on=0, position=at, board=B, offsets=[0, shift], convention=convention
    )
    n = len(_plain(word))
    assert got.key == tuple(int(k) for k in key[at : at + n])
    assert got.readings[0].digits == tuple(int(d) for d in pa[at : at + n])
    lo = at - shift  # where that key window is in b
    want = [int(pb[i]) if 0 <= i < len(pb) else None for i in range(lo, lo + n)]
    assert list(got.readings[1].digits) == want
    assert len(got.readings[1].text) >= 1 and got.to_json()["position"] == at


def test_unknown_digits_and_the_ends_read_as_unknown() -> None:
    pa, pb = _plain("MEET AT NOON"), _plain("SAFE")
    key = np.arange(40, dtype=np.uint8) % 10
    ca, cb = encipher(pa, key), encipher(pb, key).copy()
    cb[1] = UNKNOWN
    got = drag([ca, cb], "MEET", on=0, position=0, board=B)
    assert got.readings[1].digits[1] is None
    assert got.readings[1].text[0] == "S" and "?" in got.readings[1].text
    far = drag([ca, cb], "NOON", on=0, position=len(pa) - len(_plain("NOON")), board=B)
    assert all(d is None for d in far.readings[1].digits[-2:])


@pytest.mark.parametrize(
    ("crib", "on", "position"),
    [("MEET", 2, 0), ("MEET", 0, -1), ("MEETMEETMEETMEET", 0, 0), ("日本", 0, 0)],
)
def test_a_crib_that_cannot_be_put_there_is_refused(crib: str, on: int, position: int) -> None:
    c = encipher(_plain("MEET AT NOON"), np.zeros(40, np.uint8))
    with pytest.raises(BadInput):
        drag([c, c], crib, on=on, position=position, board=B)
