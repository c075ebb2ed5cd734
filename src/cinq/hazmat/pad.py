"""Unbiased pad digits from the operating system's CSPRNG.

.. warning::
   A hazmat primitive: see :mod:`cinq.hazmat`. The recipes are :func:`cinq.encrypt`
   and :func:`cinq.decrypt`.

Why this is unbiased: ``os.urandom`` is read as unsigned 32-bit words ``w``. A word is
kept only when ``w < 4 * 10**9``, the largest multiple of ``10**9`` below ``2**32``. A
kept word is uniform on ``[0, 4 * 10**9)``, so its nine low decimal digits
(``w mod 10**9``) are nine independent uniform digits. 93.1 % of words are kept:
``9 * 0.931 / 4 = 2.10`` digits per CSPRNG byte (the limit is
``log(256) / log(10) = 2.41``). Never ``byte % 10``, which would favour 0-5.

The digits are cut out with nine vectorised divisions by ten (NumPy divides integer
arrays by a scalar without a hardware divide), so the conversion costs less than the
CSPRNG read itself.
"""

from __future__ import annotations

import os

import numpy as np
from numpy.typing import NDArray

from ..digits import Digits

_DIGITS_PER_WORD = 9
_LIMIT = np.uint32(4 * 10**9)
_ACCEPT = 4 * 10**9 / 2**32
_TEN = np.uint32(10)

DIGITS_PER_BYTE = _DIGITS_PER_WORD * _ACCEPT / 4
"""Expected pad digits obtained per CSPRNG byte (about 2.10)."""


# Words converted per pass: the nine division passes then stay in the CPU cache
# (a third faster than whole-array passes on 10^7 digits).
_CHUNK = 1 << 15


def _digits_into(words: NDArray[np.uint32], scratch: NDArray[np.uint8]) -> Digits:
    """The nine low decimal digits of each word, most significant first."""
    cols = scratch[:, : len(words)]
    rest = words
    for place in range(_DIGITS_PER_WORD - 1, -1, -1):
        higher = rest // _TEN
        cols[place] = rest - higher * _TEN
        rest = higher
    return cols.T.reshape(-1)


def random_digits(n: int) -> Digits:
    """``n`` uniform random decimal digits from the OS CSPRNG, as a new array."""
    if n < 0:
        raise ValueError("n must be >= 0")
    out = np.empty(n, dtype=np.uint8)
    scratch = np.empty((_DIGITS_PER_WORD, _CHUNK), dtype=np.uint8)
    filled = 0
    while filled < n:
        words_needed = -(-(n - filled) // _DIGITS_PER_WORD)
        # A little more than the expected need, so one round nearly always suffices.
        ask = int(words_needed / _ACCEPT * 1.01) + 4
        words = np.frombuffer(os.urandom(4 * ask), dtype=np.uint32)
        kept = words[words < _LIMIT]
        for start in range(0, len(kept), _CHUNK):
            digits = _digits_into(kept[start : start + _CHUNK], scratch)
            take = min(len(digits), n - filled)
            out[filled : filled + take] = digits[:take]
            filled += take
            if filled == n:
                break
    return out
