"""Groups with unreadable digits as digit streams (cinq.depth.stream)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq.depth.stream import UNKNOWN, difference, known, stream
from cinq.errors import BadInput

groups = st.lists(st.text(alphabet="0123456789?", min_size=5, max_size=5), max_size=20)


@given(groups)
def test_stream_keeps_every_digit_in_its_place(gs: list[str]) -> None:
    s = stream(gs)
    assert "".join(gs) == "".join("?" if d == UNKNOWN else str(d) for d in s)
    assert known(s).sum() == sum(5 - g.count("?") for g in gs)


@given(groups, groups)
def test_difference_cancels_a_shared_key(a: list[str], b: list[str]) -> None:
    x, y = stream(a), stream(b)
    n = min(len(x), len(y))
    key = np.random.default_rng(n).integers(0, 10, n).astype(np.uint8)
    cx, cy = x[:n].copy(), y[:n].copy()
    cx[known(cx)] = (cx[known(cx)] + key[known(cx)]) % 10
    cy[known(cy)] = (cy[known(cy)] + key[known(cy)]) % 10
    assert np.array_equal(difference(cx, cy), difference(x, y))


def test_a_bad_group_is_named() -> None:
    with pytest.raises(BadInput, match="group 2"):
        stream(["12345", "12a45"])
