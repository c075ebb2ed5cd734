"""Unbiased pad digits from the operating system's CSPRNG.

.. warning::
   A hazmat primitive: see :mod:`cinq.hazmat`. The recipes are :func:`cinq.encrypt`
   and :func:`cinq.decrypt`.

Why this is unbiased, step by step:

1. ``os.urandom`` is read as unsigned 32-bit words ``w``, independent and uniform on
   ``[0, 2**32)`` (the CSPRNG's promise).
2. A word is kept only when ``w < 4 * 10**9``, the largest multiple of ``10**9`` below
   ``2**32``; the rest are thrown away whatever their value. Rejection sampling: the
   kept words are independent and uniform on ``[0, 4 * 10**9)``.
3. ``w mod 10**9`` then takes each value in ``[0, 10**9)`` for exactly four kept words
   (``r``, ``r + 10**9``, ``r + 2 * 10**9``, ``r + 3 * 10**9``), so it is uniform, and
   its nine decimal digits (leading zeros included) are nine independent uniform
   digits: the map from ``[0, 10**9)`` to nine-digit strings is a bijection, and the
   uniform law on a product of digit sets is the product of uniform laws.
4. The digits are cut out with exact integer arithmetic (``//`` and ``-`` on unsigned
   integers whose values fit their type), never floating point.
5. Where each digit lands in the output depends only on ``n`` (the block sizes and
   the order of :data:`PLACES`), never on a digit's value: a fixed rearrangement, or
   a prefix, of independent uniform digits is again independent and uniform.

Never ``byte % 10``, which favours 0-5 (26 of 256 bytes each, against 25 for 6-9).

Yield: 93.1 % of words are kept, ``9 * 0.931 / 4 = 2.095`` digits per CSPRNG byte
(:data:`DIGITS_PER_BYTE`; the limit is ``log(256) / log(10) = 2.408``).

Step 2 in detail: a thrown-away word's place is taken by the next kept word of a
further read (:func:`kept_words`). Given where the rejections fell, the words that
stay are independent and uniform on ``[0, 4 * 10**9)``, so are the kept words of the
further reads (fresh CSPRNG output), and which place gets which of them depends only
on where the rejections fell; as that holds for every pattern of rejections, the
filled block is independent uniform words on ``[0, 4 * 10**9)``.

Speed: words are converted in blocks of up to :data:`BLOCK` (the arrays of a block stay
in the CPU cache, and in scratch arrays allocated once per call), place by place
(:func:`block_digits`): ``w // 10**8`` and ``w mod 10**8`` on 32-bit words, the two
four-digit halves on 16-bit and the two-digit quarters on 8-bit arrays, each digit
place written as one contiguous run of the output. That is about twenty NumPy calls
per block, most over narrow integers, instead of nine divisions of the whole word and
a transposing copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ..digits import Digits

DIGITS_PER_WORD = 9
"""Decimal digits cut from each kept 32-bit word."""
KEEP_BELOW = 4 * 10**9
"""A word ``w`` is kept when ``w < KEEP_BELOW``: four whole cycles of ``10**9``."""
_ACCEPT = KEEP_BELOW / 2**32
DIGITS_PER_BYTE = DIGITS_PER_WORD * _ACCEPT / 4
"""Expected pad digits obtained per CSPRNG byte (about 2.095)."""

BLOCK = 1 << 15
"""Words converted together; each digit place is contiguous within a block."""

Source = Callable[[int], bytes]
"""Where the random bytes come from: ``os.urandom`` (anything else only in tests)."""

_LIMIT = np.uint32(KEEP_BELOW)
_E8 = np.uint32(10**8)
_E4 = np.uint32(10**4)
_HUNDRED = np.uint16(100)
_TEN = np.uint8(10)
_MAX_EMPTY_READS = 64  # a CSPRNG never gets here; a broken source must not loop forever


PLACES = (8, 7, 3, 5, 1, 6, 2, 4, 0)
"""Row ``j`` of a block holds the ``10**PLACES[j]`` digits of its words (an order that
lets each step below work on several places in one NumPy call)."""


class _Scratch:
    """Work arrays for blocks of up to ``size`` words, allocated once per call (fresh
    temporaries of this size would go through mmap and page faults every time)."""

    def __init__(self, size: int) -> None:
        self.words = np.empty(size, dtype=np.uint32)
        self.w32 = np.empty((3, size), dtype=np.uint32)
        self.w16 = np.empty((6, size), dtype=np.uint16)
        self.w8 = np.empty((9, size), dtype=np.uint8)

    def nine_places(self, kept: NDArray[np.uint32], places: NDArray[np.uint8]) -> None:
        """The nine digits of ``kept mod 10**9`` into ``places`` (9 rows, in the order
        of :data:`PLACES`). Every word must be below ``KEEP_BELOW``."""
        m = len(kept)
        top, halves = self.w32[0, :m], self.w32[1:3, :m]
        np.floor_divide(kept, _E8, out=top)  # 0..39: its units are the 10**8 digit
        self._units(top, places[0])
        np.multiply(top, _E8, out=halves[1])
        np.subtract(kept, halves[1], out=halves[1])  # w mod 10**8
        np.floor_divide(halves[1], _E4, out=halves[0])  # the 10**7..10**4 digits
        np.multiply(halves[0], _E4, out=top)
        np.subtract(halves[1], top, out=halves[1])  # the 10**3..10**0 digits
        quads, pairs = self.w16[0:2, :m], self.w16[2:6, :m]
        np.copyto(quads, halves, casting="unsafe")  # < 10**4: fits
        np.floor_divide(quads, _HUNDRED, out=pairs[0:2])  # 10**7 10**6 | 10**3 10**2
        np.multiply(pairs[0:2], _HUNDRED, out=pairs[2:4])
        np.subtract(quads, pairs[2:4], out=pairs[2:4])  # 10**5 10**4 | 10**1 10**0
        small, tens = self.w8[0:4, :m], self.w8[4:8, :m]
        np.copyto(small, pairs, casting="unsafe")  # < 100: fits
        np.floor_divide(small, _TEN, out=places[1:5])
        np.multiply(places[1:5], _TEN, out=tens)
        np.subtract(small, tens, out=places[5:9])

    def _units(self, top: NDArray[np.uint32], place: Digits) -> None:
        """The units digits of ``top`` (each < 100) into ``place``."""
        m = len(top)
        top8, t = self.w8[0, :m], self.w8[8, :m]
        np.copyto(top8, top, casting="unsafe")
        np.floor_divide(top8, _TEN, out=t)
        np.multiply(t, _TEN, out=t)
        np.subtract(top8, t, out=place)


def block_digits(kept: NDArray[np.uint32]) -> Digits:
    """The pad digits of one block of kept words, as :func:`random_digits` lays them out.

    For ``m`` words (each below :data:`KEEP_BELOW`) the result holds ``9 * m`` digits,
    place by place: the ``10**8`` digits of ``w mod 10**9`` of every word in order,
    then their ``10**7`` digits, then the ``10**3`` digits, and so on in the order of
    :data:`PLACES`.
    """
    words = np.ascontiguousarray(kept, dtype=np.uint32)
    if np.any(words >= _LIMIT):
        raise ValueError(f"words must be below {KEEP_BELOW}")
    places = np.empty((DIGITS_PER_WORD, len(words)), dtype=np.uint8)
    _Scratch(len(words)).nine_places(words, places)
    return places.reshape(-1)


def _read_words(source: Source, count: int) -> NDArray[np.uint32]:
    data = source(4 * count)
    if len(data) != 4 * count:
        raise ValueError(f"the random source returned {len(data)} bytes, not {4 * count}")
    return np.frombuffer(data, dtype=np.uint32)


def _fill_kept(source: Source, words: NDArray[np.uint32]) -> None:
    """Fill ``words`` as :func:`kept_words` describes (a preallocated buffer: a fresh
    array per block would cost page faults)."""
    words[:] = _read_words(source, len(words))
    holes = np.flatnonzero(words >= _LIMIT)
    empty_reads = 0
    while len(holes) and empty_reads < _MAX_EMPTY_READS:
        more = _read_words(source, int(len(holes) / _ACCEPT) + 2)
        more = more[more < _LIMIT][: len(holes)]
        words[holes[: len(more)]] = more
        holes = holes[len(more) :]
        empty_reads = 0 if len(more) else empty_reads + 1
    if len(holes):
        raise ValueError("the random source gives no usable words")


def kept_words(source: Source, count: int) -> NDArray[np.uint32]:
    """``count`` words from ``source``, each below :data:`KEEP_BELOW`, as a new array.

    Reads ``count`` words; each one thrown away is replaced, in order, by the kept
    words of a further read of ``rejected / 0.931 + 2`` words (again while places are
    left; the surplus of a read is dropped).
    """
    words = np.empty(count, dtype=np.uint32)
    _fill_kept(source, words)
    return words


def random_digits(n: int, *, source: Source = os.urandom) -> Digits:
    """``n`` uniform random decimal digits from the OS CSPRNG, as a new array.

    ``source`` is ``os.urandom``; pass another callable only to test or to count bytes,
    never for a real pad. Rounds of ``m = min(BLOCK, ceil(rest / 9))`` words are read
    with :func:`kept_words`; a round's digits are :func:`block_digits` of its words;
    the result is the rounds' digits in order, the last round's cut to ``n``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    out = np.empty(n, dtype=np.uint8)
    scratch = _Scratch(min(BLOCK, -(-n // DIGITS_PER_WORD)))
    filled = 0
    while filled < n:
        m = min(BLOCK, -(-(n - filled) // DIGITS_PER_WORD))
        kept = scratch.words[:m]
        _fill_kept(source, kept)
        size = DIGITS_PER_WORD * m
        if filled + size <= n:  # every round but perhaps the last: straight into out
            scratch.nine_places(kept, out[filled : filled + size].reshape(DIGITS_PER_WORD, m))
        else:
            last = np.empty((DIGITS_PER_WORD, m), dtype=np.uint8)
            scratch.nine_places(kept, last)
            size = n - filled
            out[filled:] = last.reshape(-1)[:size]
        filled += size
    return out
