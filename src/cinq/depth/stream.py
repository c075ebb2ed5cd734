"""Groups as digit arrays in which a digit nobody could read is :data:`UNKNOWN`.

Monitors log an unreadable digit as ``?`` (and ``cinq receive`` writes one). Depth and
copy analysis keep such a digit in its place, so that alignment is not disturbed, and
treat it as carrying no information: a difference with an unknown digit is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ..digits import UNKNOWN as UNKNOWN_CHAR
from ..digits import check_group

__all__ = ["UNKNOWN", "Stream", "difference", "known", "stream", "streams"]

UNKNOWN = 255
"""The value of an unreadable digit in a stream (any value above 9 would do; 255 makes
a stream of ``uint8`` that NumPy never confuses with a digit)."""

Stream = NDArray[np.uint8]
"""Digits 0-9 and :data:`UNKNOWN`, shape ``(n,)``."""

_TABLE = np.full(256, 254, dtype=np.uint8)
_TABLE[ord("0") : ord("9") + 1] = np.arange(10, dtype=np.uint8)
_TABLE[ord(UNKNOWN_CHAR)] = UNKNOWN


def stream(groups: Sequence[str], *, checked: bool = True) -> Stream:
    """The digits of ``groups`` in order, each ``?`` as :data:`UNKNOWN`.

    Parameters
    ----------
    groups
        Five-figure groups, ``?`` allowed (as :class:`~cinq.analysis.intercepts.Intercept`
        holds them).
    checked
        Check each group first (:func:`cinq.digits.check_group`, naming the group); pass
        False only for groups already checked.

    Returns
    -------
    Stream
        Shape ``(5 * len(groups),)`` for five-figure groups.

    Raises
    ------
    BadInput
        A group that is not five digits or ``?``.
    """
    if checked:
        for n, g in enumerate(groups, 1):
            check_group(g, unknown_allowed=True, name=f"group {n}")
    raw = np.frombuffer("".join(groups).encode("ascii"), dtype=np.uint8)
    return _TABLE[raw]


def streams(messages: Sequence[Sequence[str]]) -> list[Stream]:
    """:func:`stream` of each message."""
    return [stream(m) for m in messages]


def known(s: Stream) -> NDArray[np.bool_]:
    """True where the digit could be read."""
    out: NDArray[np.bool_] = s != UNKNOWN
    return out


def difference(a: Stream, b: Stream) -> Stream:
    """``a - b`` mod 10 digit by digit over their common length; unknown where either is.

    For two messages on one key this is the difference of their plaintext digits: the
    key cancels. Shape ``(min(len(a), len(b)),)``.
    """
    n = min(len(a), len(b))
    x, y = a[:n], b[:n]
    out = ((x.astype(np.int16) - y) % 10).astype(np.uint8)
    out[(x == UNKNOWN) | (y == UNKNOWN)] = UNKNOWN
    return out
