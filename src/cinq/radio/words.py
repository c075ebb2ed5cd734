"""A word heard in a recording: where it is, and how likely each digit is.

The recogniser (:mod:`cinq.radio.recogniser`) turns audio into a list of :class:`Word`;
the decoder (:mod:`cinq.radio.receive`) reads groups from them. A word's ``probs`` are
calibrated: of the words read with confidence 0.9, about nine in ten are right, so a
threshold on :attr:`Word.confidence` decides honestly where to write ``?``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import BadInput

DIGITS = "0123456789"
NOT_A_DIGIT = 10
"""Index in :attr:`Word.probs` of "not a digit" (a call-up word, a noise burst)."""


@dataclass(frozen=True, eq=False)
class Word:
    """One spoken word: ``start`` and ``end`` in seconds from the start of the recording,
    ``probs`` = P(digit 0), ..., P(digit 9), P(not a digit), calibrated, summing to 1."""

    start: float
    end: float
    probs: NDArray[np.float64]

    def __post_init__(self) -> None:
        probs = np.asarray(self.probs, dtype=np.float64)
        if probs.shape != (len(DIGITS) + 1,):
            raise BadInput(f"a word needs 11 probabilities, not shape {probs.shape}")
        if not np.isfinite(probs).all() or (probs < 0).any():
            raise BadInput("a word's probabilities must be finite and not negative")
        if not self.end >= self.start:
            raise BadInput(f"a word cannot end ({self.end:.3f} s) before it starts")
        total = float(probs.sum())
        if total <= 0:
            raise BadInput("a word's probabilities sum to zero")
        probs = probs / total
        probs.setflags(write=False)
        object.__setattr__(self, "probs", probs)

    @property
    def best(self) -> int:
        """Index of the likeliest class: 0-9 a digit, 10 not a digit."""
        return int(np.argmax(self.probs))

    @property
    def digit(self) -> str | None:
        """The likeliest reading as a digit character, or None if "not a digit" wins."""
        best = self.best
        return None if best == NOT_A_DIGIT else DIGITS[best]

    @property
    def confidence(self) -> float:
        """Probability of the likeliest class (how sure the reading is)."""
        return float(self.probs.max())

    @property
    def p_digit(self) -> float:
        """Probability that the word is a digit at all (any of the ten)."""
        return float(1.0 - self.probs[NOT_A_DIGIT])

    @property
    def duration(self) -> float:
        return self.end - self.start

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Word):
            return NotImplemented
        return (
            self.start == other.start
            and self.end == other.end
            and bool(np.array_equal(self.probs, other.probs))
        )

    __hash__ = None  # type: ignore[assignment]

    def to_json(self) -> dict[str, object]:
        return {
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "digit": self.digit,
            "confidence": round(self.confidence, 4),
            "probs": [round(float(p), 4) for p in self.probs],
        }
