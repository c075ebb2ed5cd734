"""The vote: every reading of one figure combined into one digit, or ``?``.

A station reads each group more than once (twice in a row, then the message again), and
the call-up over and over. Each reading of a figure is a :class:`~cinq.radio.words.Word`
whose probabilities are calibrated, so the readings combine into a posterior: the log
probabilities of each digit are summed, weighed down for what the readings share (the
same recording of a digit, misheard the same way each time; :data:`SHARED`), and
normalised. The
digit is written only if its posterior clears :data:`SURE` and, where the station says
the figure more than once, at least :data:`CONFIRM` readings say it (unless the copy is
checked otherwise); otherwise the figure is ``?`` -- a monitor can look a marked
figure up, but not a silently wrong one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..document import UNKNOWN
from .words import DIGITS, NOT_A_DIGIT, Word

SURE = 0.995
"""The posterior a digit must reach to be written. Measured with the first shipped
English recogniser on E11 (10 groups, 2 messages, clean / 10 dB through SSB 2.4 kHz /
a tape 3 % fast / AGC at 10 dB): with :data:`SHARED` 0.5, 0.0 % of 480 groups silently
wrong on six training voices (18.5 % right, the rest marked) and 3.75 % of 560 on seven
held-out voices, where the model mishears some digits the same way every time (pico
en-GB's six as eight); at 0.999, 0.0 % and 2.1 %. Readings taken as independent
(``SHARED`` 0) gave 1.7 % and 7.5 % at this threshold. No run called clean was wrong."""

SHARED = 0.5
"""How much the readings of one figure share their errors (0: independent, 1: one
reading heard again). A station plays the same recording of each digit every time, so
a digit the recogniser mishears once it mishears every time: the readings are not
independent evidence, and summing their log probabilities would make a repeated
mistake look sure. The evidence of ``R`` readings is weighed ``R ** -SHARED``."""

CONFIRM = 2
"""How many readings must each say a digit (their likeliest) for it to be written, when
the station reads the figure more than once and nothing else checks the copy (the
decoder waives it when the call-up's count matches the groups laid). A lone reading is
checked by nothing: when the recogniser does not know a voice, the passes can be laid
wrong and a group left with one reading, heard sure and wrong. Measured on the
receiver bench's words (own voice and voices held out of the shipped models, en and
fr, clean, 10 dB, SSB and AGC at 10 dB, 2,800 groups): silent wrong groups 63 -> 27,
groups copied right 7 % -> 6 %; the groups invented by a misread structure were all
``?????`` after it."""

SHARED_UNKNOWN = 1.0
SURE_UNKNOWN = 0.999
""":data:`SHARED` and :data:`SURE` for a recording whose voice the recogniser does not
know (:mod:`cinq.radio.familiarity`): its mistakes are then the model's, made the same
way at every reading of one recording, so the readings count as one reading heard
again, and a digit must be surer. Measured on the receiver bench's words (2,600
groups, 104 recordings, clean and SSB at 10 dB), with the two-readings rule and the
call-up check: voices left out of training (fr/de/es, mbrola and pico) 5.9 % -> 1.5 %
of groups silently wrong (French 10.3 % -> 0 %; what is left is German, read once,
whose voices mostly read as known), held out 0.4 % -> 0.4 % (pico en-GB's six heard
as eight every time), own voices 0 % -> 0 %; groups copied right 15.3 % before and
after."""

# One reading can never rule a digit out entirely: a floor keeps one confident mistake
# from vetoing the digit every other reading agrees on.
FLOOR = 1e-4

Probs = NDArray[np.float64]


@dataclass(frozen=True)
class Figure:
    """One figure after the vote.

    Attributes
    ----------
    digit
        The digit written, or ``?`` when its posterior is below the threshold (or there
        was no reading of it).
    posterior
        The posterior of the likeliest digit, 0 when nothing was heard.
    readings
        How many readings were combined.
    """

    digit: str
    posterior: float
    readings: int

    @property
    def sure(self) -> bool:
        """Whether a digit was written (not ``?``)."""
        return self.digit != UNKNOWN


def digit_probs(word: Word) -> Probs:
    """P(digit 0..9) of a word known to be a digit: the "not a digit" mass spread evenly
    (it says the reading is poor, not which digit it is)."""
    p = np.asarray(word.probs[:NOT_A_DIGIT], dtype=np.float64)
    return p + float(word.probs[NOT_A_DIGIT]) / len(DIGITS)


def posterior(readings: Sequence[Probs], *, shared: float | None = None) -> Probs:
    """The posterior over the ten digits from ``readings`` (uniform prior): their log
    probabilities (each floored at :data:`FLOOR`) summed, divided by ``R ** shared``
    for ``R`` readings, and normalised. ``shared`` 0 takes the readings as independent;
    1 as one reading heard ``R`` times (their mean); default :data:`SHARED`."""
    if not readings:
        return np.full(len(DIGITS), 1 / len(DIGITS))
    weight = len(readings) ** -(SHARED if shared is None else shared)
    logs = np.sum([np.log(np.maximum(r, FLOOR)) for r in readings], axis=0) * weight
    logs -= logs.max()
    p = np.exp(logs)
    return np.asarray(p / p.sum(), dtype=np.float64)


def vote(
    readings: Sequence[Probs],
    *,
    sure: float = SURE,
    confirm: int = 1,
    shared: float | None = None,
) -> Figure:
    """One figure from its readings (each ``(10,)``, summing to 1): its likeliest digit
    if the posterior (:func:`posterior`, ``shared`` as there) clears ``sure`` and at
    least ``confirm`` readings have it for their likeliest (:data:`CONFIRM` where the
    station says the figure more than once)."""
    if not readings:
        return Figure(UNKNOWN, 0.0, 0)
    post = posterior(readings, shared=shared)
    best = int(np.argmax(post))
    top = float(post[best])
    said = sum(1 for r in readings if int(np.argmax(r)) == best)
    written = top >= sure and said >= confirm
    return Figure(DIGITS[best] if written else UNKNOWN, top, len(readings))


@dataclass(frozen=True)
class Bar:
    """How the readings of a figure are weighed and how sure their vote must be
    (:func:`vote`'s ``shared`` and ``sure``)."""

    shared: float
    sure: float


def bar_for(*, familiar: bool) -> Bar:
    """The bar for a recording whose voice the recogniser knows (``familiar``), or
    does not (:data:`SHARED_UNKNOWN`, :data:`SURE_UNKNOWN`)."""
    return Bar(SHARED, SURE) if familiar else Bar(SHARED_UNKNOWN, SURE_UNKNOWN)


def confirmations(times: int) -> int:
    """How many readings must say a digit (:func:`vote`'s ``confirm``) for a figure the
    station says ``times`` times in all: :data:`CONFIRM`, or one for a figure said once."""
    return min(CONFIRM, max(times, 1))


def agreement(a: Probs, b: Probs) -> float:
    """How much likelier it is that two readings of a figure (each ``(10,)``) say the
    same digit than that they are figures of two unrelated groups (a log ratio in nats):
    up to log 10 for two sure readings of one digit, strongly negative for two sure
    readings of different digits."""
    return float(np.log(max(float(np.dot(a, b)), 1e-12) * len(DIGITS)))
