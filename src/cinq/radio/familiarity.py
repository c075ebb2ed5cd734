"""How well the recogniser knows the voice of a recording, measured from its own words.

A recogniser hears a voice it was trained on (or one learnt with ``cinq voice learn``)
surely: most digits come out with a confidence of 0.9 or more. A voice it never heard,
or one through a poor channel, comes out with middling confidences, and then most of
the copy is ``?`` -- and the few figures written are the ones it may mishear the same
way every time. The copy says so, and what to do about it: learn the voice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .timing import DIGIT_LIKE
from .words import Word

SURE_WORD = 0.9
"""A digit heard with at least this confidence counts as heard surely."""

FAMILIAR = 0.5
"""The least share of digits heard surely for a recording's voice to count as known.
On the receiver bench's words (104 recordings of 25 groups, clean and SSB at 10 dB):
every recording of cinq's own voices is above it but English through SSB (0.13-0.20,
all ``?`` either way); of the French ones heard by a recogniser trained without
their voice, 15 of 16 are below, and all 8 that had silent errors. Counting digits
heard 0.99 sure instead put the English own voice below too (its model is unsure of
it), and its copies at 10 dB became all ``?``."""


@dataclass(frozen=True)
class Familiarity:
    """How surely the digits of one recording were heard.

    Attributes
    ----------
    digits
        Words heard as digits (likelier a digit than not).
    sure
        Of those, the ones heard with at least :data:`SURE_WORD` confidence.
    """

    digits: int
    sure: int

    @property
    def share(self) -> float:
        """The share of digits heard surely (0 when none was heard)."""
        return self.sure / self.digits if self.digits else 0.0

    @property
    def familiar(self) -> bool:
        """Whether the voice reads as known (or nothing was heard to say otherwise)."""
        return not self.digits or self.share >= FAMILIAR

    def note(self) -> str | None:
        """What the copy should say when the voice reads as unknown, else None."""
        if self.familiar:
            return None
        return (
            f"the recogniser was sure of only {self.share:.0%} of the digits it heard: "
            "it does not know this voice (or the signal is poor); "
            "learn the voice from a logged recording (cinq voice learn) for a better copy"
        )

    def to_json(self) -> dict[str, object]:
        return {"digits": self.digits, "sure": self.sure, "familiar": self.familiar}


def familiarity(words: Sequence[Word]) -> Familiarity:
    """How surely the digits among ``words`` were heard."""
    digits = [w for w in words if w.p_digit >= DIGIT_LIKE]
    return Familiarity(len(digits), sum(1 for w in digits if w.confidence >= SURE_WORD))
