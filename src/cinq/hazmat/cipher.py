"""Digit-wise mod-10 encipherment without carry: the one-time pad primitive.

.. warning::
   A hazmat primitive: see :mod:`cinq.hazmat`. The recipes are :func:`cinq.encrypt`
   and :func:`cinq.decrypt`.

This is the dangerous primitive (it does nothing to stop key reuse); the safe recipe
that takes each key page from a pad book exactly once is :mod:`cinq.procedure`.

Convention ``subtract`` (the default, as in the published manuals)::

    cipher = plain - key (mod 10)        plain = cipher + key (mod 10)

    clear  12345 67890
    pad    01928 49285
    cipher 11427 28515

Convention ``add`` is the opposite: ``cipher = plain + key``, ``plain = cipher - key``.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from ..digits import Digits


class Convention(StrEnum):
    """Which way the pad is applied when enciphering."""

    SUBTRACT = "subtract"
    ADD = "add"


def add(a: Digits, b: Digits) -> Digits:
    """``(a + b) mod 10`` digit by digit, as a new array."""
    out = np.add(a, b, dtype=np.uint8)
    out -= np.uint8(10) * (out > 9)
    return out


def subtract(a: Digits, b: Digits) -> Digits:
    """``(a - b) mod 10`` digit by digit, as a new array."""
    # uint8 wraps below zero to 247..255; adding 10 wraps those back to 1..9.
    out = np.subtract(a, b, dtype=np.uint8)
    out += np.uint8(10) * (out > 9)
    return out


def _check(text: Digits, key: Digits) -> None:
    if len(key) < len(text):
        # Lengths only: an error must never carry key digits.
        raise ValueError(f"key has {len(key)} digits, the text needs {len(text)}")


def encipher(plain: Digits, key: Digits, convention: Convention = Convention.SUBTRACT) -> Digits:
    """Encipher ``plain`` with the first ``len(plain)`` digits of ``key``."""
    _check(plain, key)
    k = key[: len(plain)]
    return subtract(plain, k) if convention is Convention.SUBTRACT else add(plain, k)


def decipher(cipher: Digits, key: Digits, convention: Convention = Convention.SUBTRACT) -> Digits:
    """Undo :func:`encipher` with the same key and convention."""
    _check(cipher, key)
    k = key[: len(cipher)]
    return add(cipher, k) if convention is Convention.SUBTRACT else subtract(cipher, k)
