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
    return [len(body), int(indicator), *(int(g) for g in dg.to_groups(body))]


def _hash(values: list[int], r: int, p: int) -> int:
    h = 0
    for b in values:
        h = (h + b) * r % p
    return h


def _numbers(key: Digits, width: int) -> list[int]:
    s = dg.to_str(key)
    return [int(s[i : i + width]) for i in range(0, len(s), width)]


def check_values(s: Scheme, indicator: str, body: Digits, key: Digits) -> Digits:
    """The check digits of a message (``s.check_groups`` groups) under ``key``."""
    if len(key) != s.key_digits:
        raise ValueError(f"the {s.name} scheme needs {s.key_digits} key digits")
    nums = _numbers(key, s.width)
    values = blocks(indicator, body)
    out = []
    for j in range(s.evaluations):
        r, pad = nums[2 * j], nums[2 * j + 1]
        tag = (_hash(values, r, s.prime) + pad) % 10**s.width
        out.append(f"{tag:0{s.width}d}")
    return dg.from_str("".join(out))


def verify(s: Scheme, indicator: str, body: Digits, key: Digits, check: Digits) -> bool:
    """Whether ``check`` are the right check digits; compared in constant time."""
    expected = check_values(s, indicator, body, key)
    return len(check) == len(expected) and hmac.compare_digest(
        expected.tobytes(), check.astype(expected.dtype).tobytes()
    )


def key_for(s: Scheme, indicator: str, body: Digits, check: Digits, r: list[int]) -> Digits:
    """The key digits under which ``check`` verifies, for chosen ``r`` values.

    Used to make deniable decoy books: for any message and any r, there is exactly one
    ``s`` making the check values come out right, which is why a one-time MAC is as
    deniable as the pad itself.
    """
    values = blocks(indicator, body)
    tags = _numbers(check, s.width)
    parts = []
    for rj, tj in zip(r, tags, strict=True):
        sj = (tj - _hash(values, rj, s.prime)) % 10**s.width
        parts.append(f"{rj:0{s.width}d}{sj:0{s.width}d}")
    return dg.from_str("".join(parts))
