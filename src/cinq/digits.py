"""Digit arrays: the currency of the core.

Inside the library digits travel as NumPy ``uint8`` arrays of values 0-9; strings of
digits and five-figure groups exist only at the edges. This module converts between
the two and validates on the way in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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


def digits_in(text: str, *, source: str | None = None) -> tuple[str, list[int]]:
    """The digits of ``text`` (blanks between them ignored) and where each one is in it.

    Raises
    ------
    BadInput
        A character that is neither a digit nor blank (named with its line and column),
        or no digit at all.
    """
    digits: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if "0" <= ch <= "9":
            digits.append(ch)
            offsets.append(i)
        elif not ch.isspace():
            raise BadInput("not a digit", location=Location.of_offset(text, i, source=source))
    if not digits:
        raise BadInput(f"{source or 'the text'}: no digits to decode")
    return "".join(digits), offsets


def to_str(digits: Digits) -> str:
    """The digits as a compact string, e.g. ``"12345"``."""
    return (np.asarray(digits, dtype=np.uint8) + np.uint8(_ZERO)).tobytes().decode("ascii")


def to_groups(digits: Digits, size: int = GROUP) -> list[str]:
    """Split into groups of ``size`` digits; the length must be a multiple of ``size``."""
    if len(digits) % size:
        raise ValueError(f"{len(digits)} digits do not make whole groups of {size}")
    s = to_str(digits)
    return [s[i : i + size] for i in range(0, len(s), size)]


def from_groups(groups: Iterable[str]) -> Digits:
    """Join five-figure groups into one array (each checked by :func:`check_group`,
    no ``?``)."""
    parts = list(groups)
    for n, g in enumerate(parts, 1):
        check_group(g, unknown_allowed=False, name=f"group {n}")
    return from_str("".join(parts))


# -- the one rule for a five-figure group -----------------------------------------------

UNKNOWN = "?"
"""How a copy writes a digit nobody could read."""


@dataclass(frozen=True)
class GroupProblem:
    """Why a text is not a five-figure group: ``reason`` in words, and ``offset``, the
    character it is about (0 when the length is wrong)."""

    reason: str
    offset: int


def group_problem(text: str, *, unknown_allowed: bool) -> GroupProblem | None:
    """What is wrong with ``text`` as a five-figure group; None if nothing.

    The rule, the same everywhere in cinq: exactly :data:`GROUP` characters, each an
    ASCII digit ``0``-``9`` (never ``'²'``, ``'٣'`` or a full-width ``'４'``, which
    ``str.isdigit`` takes), or, where ``unknown_allowed``, ``?`` for a digit that could
    not be read. The first character that is not a digit is named before the length.
    """
    for i, ch in enumerate(text):
        if "0" <= ch <= "9" or (ch == UNKNOWN and unknown_allowed):
            continue
        if ch == UNKNOWN:
            return GroupProblem(f"{ch!r} (an unreadable digit) is not allowed here", i)
        what = "an ASCII digit" if ch.isdecimal() else "a digit"
        return GroupProblem(f"{ch!r} is not {what}", i)
    if len(text) != GROUP:
        return GroupProblem(f"{len(text)} digits, a group has {GROUP}", 0)
    return None


# The same rule as a pattern, to test many tokens fast (tested against group_problem).
_GROUP_PATTERNS = {True: re.compile(r"[0-9?]{5}"), False: re.compile(r"[0-9]{5}")}


def is_group(text: object, *, unknown_allowed: bool) -> bool:
    """Whether ``text`` is a five-figure group under :func:`group_problem`'s rule."""
    return isinstance(text, str) and _GROUP_PATTERNS[unknown_allowed].fullmatch(text) is not None


def check_group(
    text: object,
    *,
    unknown_allowed: bool,
    name: str = "group",
    location: Location | None = None,
) -> str:
    """``text`` if it is a five-figure group (:func:`group_problem`), else :class:`BadInput`.

    Args:
        text: What should be a group.
        unknown_allowed: Whether ``?`` (an unreadable digit) may stand for a digit.
        name: What the error calls it, e.g. ``"group 3"`` or ``"indicator"``.
        location: Where ``text`` starts in a text; the error then points at the
            offending character.
    """
    if not isinstance(text, str):
        raise BadInput(f"{name} ({text!r}) is not a five-figure group: it is not text")
    problem = group_problem(text, unknown_allowed=unknown_allowed)
    if problem is None:
        return text
    where = None
    if location is not None:
        found = text[problem.offset] if text else None
        column = location.column + problem.offset
        where = Location(location.line, column, found, location.source)
    raise BadInput(
        f"{name} ({text!r}) is not a five-figure group: {problem.reason}", location=where
    )


def spaced(digits: Digits, size: int = GROUP) -> str:
    """Digits as space-separated groups (the last one may be short)."""
    s = to_str(digits)
    return " ".join(s[i : i + size] for i in range(0, len(s), size))
