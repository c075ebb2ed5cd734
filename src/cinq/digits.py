"""Digit arrays: the currency of the core.

Inside the library digits travel as NumPy ``uint8`` arrays of values 0-9; strings of
digits and five-figure groups exist only at the edges. This module converts between
the two and validates on the way in.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from .errors import BadInput, Location

Digits = NDArray[np.uint8]
"""A one-dimensional array of decimal digits (``uint8``, each 0-9)."""

GROUP = 5

_ZERO = ord("0")


def empty() -> Digits:
    return np.zeros(0, dtype=np.uint8)


def from_str(text: str, *, source: str | None = None) -> Digits:
    """Digits from a string of decimal digits; spaces between them are allowed.

    >>> from_str("12 345").tolist()
    [1, 2, 3, 4, 5]
    """
    compact = text.replace(" ", "")
    raw = np.frombuffer(compact.encode("ascii", errors="replace"), dtype=np.uint8)
    arr = raw - np.uint8(_ZERO)
    bad = np.flatnonzero(arr > 9)
    if bad.size or len(raw) != len(compact):
        # Locate the first offending character in the original text.
        for i, ch in enumerate(text):
            if ch != " " and not ("0" <= ch <= "9"):
                raise BadInput(
                    "not a decimal digit", location=Location.of_offset(text, i, source=source)
                )
    return arr.astype(np.uint8, copy=True)


def to_str(digits: Digits) -> str:
    """The digits as a compact string, e.g. ``"12345"``."""
    return (np.asarray(digits, dtype=np.uint8) + np.uint8(_ZERO)).tobytes().decode("ascii")


def to_groups(digits: Digits, size: int = GROUP) -> list[str]:
    """Split into groups of ``size`` digits; the length must be a multiple of ``size``."""
    if len(digits) % size:
        raise ValueError(f"{len(digits)} digits do not make whole groups of {size}")
    s = to_str(digits)
    return [s[i : i + size] for i in range(0, len(s), size)]


def from_groups(groups: Iterable[str], size: int = GROUP) -> Digits:
    """Join groups (each exactly ``size`` digits) into one array."""
    parts = list(groups)
    for n, g in enumerate(parts, 1):
        if len(g) != size or not g.isascii() or not g.isdigit():
            raise BadInput(f"group {n} ({g!r}) is not a {size}-figure group")
    return from_str("".join(parts))


def spaced(digits: Digits, size: int = GROUP) -> str:
    """Digits as space-separated groups (the last one may be short)."""
    s = to_str(digits)
    return " ".join(s[i : i + size] for i in range(0, len(s), size))
