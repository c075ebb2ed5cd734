"""One-time message authentication: check groups that a forger cannot compute.

A one-time pad hides a message but does not protect it: changing a cipher digit changes
the plaintext digit predictably. cinq appends *check groups*, a Wegman-Carter one-time
MAC keyed by pad digits that are never used for encryption, so that any change to the
indicator or the cipher groups is detected, with a forgery probability bounded without
any assumption about the forger's computing power.

The construction (parameters ``w`` digits and the prime ``p``, the smallest prime above
``10**w``):

* The message is the list of blocks ``b0 = number of cipher digits``, ``b1 = the
  indicator``, ``b2.. = the cipher groups`` (each block a five-figure group read as a
  number, so every block is below ``p``).
* The key is four ``w``-digit numbers taken from the pad right after the digits used for
  encryption: ``r1 s1 r2 s2``.
* For ``j = 1, 2``: ``H_j = b0 r^(k+1) + b1 r^k + ... + bk r  (mod p)`` with ``r = rj``
  (Horner: ``h = (h + b) * r mod p`` for each block), and the check value is
  ``T_j = (H_j + s_j) mod 10**w``, written as ``w`` digits.

Why it holds (the forgery bound): ``s_j`` is uniform on ``[0, 10**w)`` and used once, so
``T_j`` is uniform and independent of ``r_j``: the forger learns nothing about
``r_j``. To pass check ``j`` with a different message ``M'`` and check value ``T'``, the
forger needs ``H_j(M') - H_j(M) = d`` for an integer ``d = T' - T (mod 10**w)`` in
``(-p, p)``: at most three such ``d``. Each gives a non-zero polynomial in ``r_j`` of
degree at most ``L = k + 1`` (``M != M'`` differ in some block, or in length, which
changes ``b0``; the constant term is zero, so subtracting ``d`` keeps it non-zero), so at
most ``3 L`` values of ``r_j`` pass, out of ``10**w`` equally likely. With two
independent checks::

    P(forgery) <= (3 L / 10**w) ** 2,      L = number of cipher groups + 2

``strong`` (``w = 10``, four check groups, 40 key digits): for 500 cipher groups
``(3 * 502 / 1e10) ** 2 = 2.3e-14``; it stays below 1e-8 up to 333,000 groups.

``hand`` (``w = 5``, two check groups, 20 key digits): the same computation with
five-digit numbers, done with pencil and paper (one multiplication and one division
with remainder per group; see the README's worksheet). Its bound is weaker and said
plainly: ``(3 (n + 2) / 1e5) ** 2``, i.e. 4.4e-7 for 20 groups, 9.4e-6 for 100 groups.

The MAC authenticates the cipher text (encrypt-then-MAC): it is checked before anything
is deciphered.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from . import digits as dg
from .digits import GROUP, Digits
from .errors import BadInput


@dataclass(frozen=True)
class Scheme:
    """A check-group scheme: ``width`` digits per key value and per check value."""

    name: str
    width: int
    prime: int
    evaluations: int = 2

    @property
    def key_digits(self) -> int:
        """Pad digits the scheme uses after the encryption digits (r and s per check)."""
        return 2 * self.evaluations * self.width

    @property
    def check_groups(self) -> int:
        return self.evaluations * self.width // GROUP

    def forgery_bound(self, cipher_groups: int) -> float:
        """Upper bound on the probability that a forged or altered message passes."""
        blocks = cipher_groups + 2
        return float((3 * blocks / 10**self.width) ** self.evaluations)


STRONG = Scheme("strong", 10, 10_000_000_019)
HAND = Scheme("hand", 5, 100_003)
SCHEMES = {s.name: s for s in (STRONG, HAND)}


def scheme(name: str) -> Scheme | None:
    """A scheme by name: ``strong``, ``hand``, or ``none`` (no check groups)."""
    key = name.strip().lower()
    if key == "none":
        return None
    try:
        return SCHEMES[key]
    except KeyError:
        raise BadInput(f"unknown check scheme {name!r}: strong, hand or none") from None


def blocks(indicator: str, body: Digits) -> list[int]:
    """The hashed blocks: cipher length, indicator, then each cipher group."""
    return [len(body), int(indicator), *group_values(body).tolist()]


def group_values(body: Digits) -> NDArray[np.uint64]:
    """Each five-figure group of ``body`` read as a number (0-99999), as an array."""
    if len(body) % GROUP:
        raise ValueError(f"{len(body)} digits do not make whole groups of {GROUP}")
    rows = np.asarray(body, dtype=np.uint8).reshape(-1, GROUP)
    # Column by column in uint32 (99999 fits): no uint64 copy of every digit.
    value = np.zeros(len(rows), dtype=np.uint32)
    for k in range(GROUP):
        value *= np.uint32(10)
        value += rows[:, k]
    return value.astype(np.uint64)


_BIGGEST_GROUP = 10**GROUP - 1
_CHUNK = 8192  # groups per row of the vectorised Horner step


def poly_hash(indicator: str, body: Digits, r: int, prime: int) -> int:
    """``H = b0 r^(k+1) + b1 r^k + ... + bk r (mod prime)`` over :func:`blocks`.

    The same number as Horner's rule block by block (``h = (h + b) * r mod p``), computed
    on arrays: the groups in rows of :data:`_CHUNK`, each row one exact integer
    dot product with ``r^chunk .. r^1`` (no product or row sum exceeds 2**64, so the
    unsigned arithmetic never wraps), then Horner over the row sums with ``r^chunk``.
    """
    return _horner_groups(group_values(body), r, prime, _head(len(body), indicator, r, prime))


def _head(length: int, indicator: str, r: int, prime: int) -> int:
    """Horner over the two leading blocks: cipher length and indicator."""
    return ((length * r + int(indicator)) * r) % prime


def _horner_groups(values: NDArray[np.uint64], r: int, p: int, h: int) -> int:
    """Continue Horner's rule from state ``h`` over ``values`` (each < 10**GROUP)."""
    r %= p
    n = len(values)
    chunk = min(_CHUNK, max(n, 1), (2**64 - 1) // (_BIGGEST_GROUP * max(p - 1, 1)))
    if chunk < 1:  # a prime too large for exact uint64 sums: Python integers instead
        for v in values.tolist():
            h = (h + v) * r % p
        return h
    powers = np.array(_powers(r, chunk, p)[::-1], dtype=np.uint64)  # r^chunk .. r^1
    first = n % chunk  # a short first row: its blocks take the lowest powers
    tail = int(values[:first] @ powers[chunk - first :]) % p
    sums = (values[first:].reshape(-1, chunk) @ powers) % np.uint64(p)
    step = pow(r, chunk, p)
    for s in sums.tolist():
        tail = (tail * step + s) % p
    return (h * pow(r, n, p) + tail) % p  # the blocks before sit n places further up


def _powers(r: int, count: int, p: int) -> list[int]:
    """``[r^1, r^2, ..., r^count] mod p``."""
    out = []
    x = 1
    for _ in range(count):
        x = x * r % p
        out.append(x)
    return out


def numbers(digits: Digits, width: int) -> list[int]:
    """``digits`` read as consecutive ``width``-digit numbers (key values, check values)."""
    s = dg.to_str(digits)
    return [int(s[i : i + width]) for i in range(0, len(s), width)]


def check_values(s: Scheme, indicator: str, body: Digits, key: Digits) -> Digits:
    """The check digits of a message (``s.check_groups`` groups) under ``key``."""
    if len(key) != s.key_digits:
        raise ValueError(f"the {s.name} scheme needs {s.key_digits} key digits")
    nums = numbers(key, s.width)
    values = group_values(body)
    out = []
    for j in range(s.evaluations):
        r, pad = nums[2 * j], nums[2 * j + 1]
        head = _head(len(body), indicator, r, s.prime)
        tag = (_horner_groups(values, r, s.prime, head) + pad) % 10**s.width
        out.append(f"{tag:0{s.width}d}")
    return dg.from_str("".join(out))


def verify(s: Scheme, indicator: str, body: Digits, key: Digits, check: Digits) -> bool:
    """Whether ``check`` are the right check digits; compared in constant time."""
    expected = check_values(s, indicator, body, key)
    return len(check) == len(expected) and hmac.compare_digest(
        expected.tobytes(), check.astype(expected.dtype).tobytes()
    )
