"""Forging check groups: the key under which chosen check digits verify.

.. warning::
   A hazmat primitive: see :mod:`cinq.hazmat`. Whoever holds the key digits this
   returns can make any message verify; it exists so that decoy books are deniable.
   The recipe is :func:`cinq.decoy.make_decoy` (``cinq pad decoy``).

The one-time MAC of :mod:`cinq.auth` is ``T = (H_r(M) + s) mod 10**w``. For any
message ``M``, any check value ``T`` and any ``r`` there is exactly one ``s`` that
makes ``T`` come out right: ``s = (T - H_r(M)) mod 10**w``. That is why a one-time MAC
is as deniable as the pad itself, and why this function must never be near a real key.
"""

from __future__ import annotations

from ..auth import Scheme, numbers, poly_hash
from ..digits import Digits, from_str

__all__ = ["key_for"]


def key_for(s: Scheme, indicator: str, body: Digits, check: Digits, r: list[int]) -> Digits:
    """The key digits under which ``check`` verifies, for chosen ``r`` values.

    .. warning::
       Hazmat: this forges check groups (see :mod:`cinq.hazmat.forge`).

    Args:
        s: The check-group scheme.
        indicator: The message's indicator group.
        body: The cipher digits.
        check: The check digits that must verify.
        r: One ``r`` value per evaluation (each below ``10**s.width``).

    Returns:
        The ``s.key_digits`` key digits ``r1 s1 r2 s2 ...``.
    """
    tags = numbers(check, s.width)
    parts = []
    for rj, tj in zip(r, tags, strict=True):
        sj = (tj - poly_hash(indicator, body, rj, s.prime)) % 10**s.width
        parts.append(f"{rj:0{s.width}d}{sj:0{s.width}d}")
    return from_str("".join(parts))
