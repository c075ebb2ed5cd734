"""Confidence that knows the voice: the words of a recording recalibrated as a whole.

The recogniser's probabilities are calibrated with one temperature, fitted on voices
it was not trained on; those are often wrong, so the temperature is high, and the words
of a voice the model knows well (nearly always right) come out at 0.85-0.97, short of
the vote's bar. A recording tells how familiar its voice is: a known voice is heard
with most of its digit words sure and little entropy, an unfamiliar one is not. The
:class:`Calibrator` (a few numbers per language, fitted by
``scripts/fit_calibration.py`` on labelled words of many voices through several
channels, shipped as ``models/<lang>.calibration.json``) maps a word's log-odds and
its recording's :class:`Familiarity` to the probability that the word is right, a
logistic regression::

    logit(p) = intercept + (slope + slope_by_familiarity * f) * logit(confidence)
               + familiarity * f

:func:`recalibrate` then rescales the ten digits' probabilities of each word read as a
digit (one temperature per word) so that its likeliest digit gets that probability: the
order of the digits is kept, "not a digit" keeps its probability (the decoder finds the
runs and the call-up by it), the vector still sums to 1.

Measured, and so not used by :func:`~cinq.radio.receive.receive` (the report of
``scripts/fit_calibration.py``): English, E11, 8 groups read by each of the 42 installed
voices through its 4 channels, each voice's words recalibrated by the fit on the other
41. On the voices the recogniser was trained on, fewer groups are marked (at 30 dB 161
of 280 before, 119 after) but more are silently wrong (30 dB 0 -> 2; 10 dB SSB 2 -> 6;
AGC 7 -> 11; 0 dB 0 -> 1); on the 7 voices held out of its training, none silently
wrong before or after, marked 47 -> 41 of 56 at 30 dB. The familiarity's coefficient
comes out negative: a word of a given confidence is *less* often right in a recording
of sure words (there it is an outlier), the contrary of what was hoped; pooled, the
ranking of right and wrong digit words barely changes (ROC AUC 0.870 -> 0.872, in a
like run with other groups).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import BadInput
from .words import NOT_A_DIGIT, Word

MODELS = Path(__file__).parent / "models"
SURE_WORD = 0.9
"""A digit word at least this confident counts as heard sure in :class:`Familiarity`."""
FLOOR = 1e-12  # a probability of 0 would make a log-odds infinite
SLOPE_FLOOR = 0.05  # the recalibrated probability must rise with the word's confidence


@dataclass(frozen=True)
class Familiarity:
    """How well the recogniser knows a recording's voice, from its words alone.

    Attributes
    ----------
    sure_share
        Share of the digit words heard with confidence at least :data:`SURE_WORD`.
    entropy
        Mean entropy (nats) of the digit words' probabilities.
    """

    sure_share: float
    entropy: float

    @classmethod
    def of(cls, words: Sequence[Word]) -> Familiarity:
        """The familiarity of the recording whose words are ``words`` (no digit word
        at all: nothing known, share 0 and the entropy of a uniform guess)."""
        probs = np.array([w.probs for w in words if w.best != NOT_A_DIGIT], np.float64)
        if len(probs) == 0:
            return cls(0.0, math.log(NOT_A_DIGIT + 1))
        sure = float(np.mean(probs.max(axis=1) >= SURE_WORD))
        entropy = float(np.mean(-(probs * np.log(np.maximum(probs, FLOOR))).sum(axis=1)))
        return cls(sure, entropy)

    @property
    def score(self) -> float:
        """One number, higher for a better known voice: the share of sure words less the
        mean entropy."""
        return self.sure_share - self.entropy


@dataclass(frozen=True)
class Calibrator:
    """The recalibration of one language's words (see the module docstring).

    Attributes
    ----------
    lang
        The language of the recogniser whose words it recalibrates.
    intercept, slope, familiarity, slope_by_familiarity
        The logistic regression's coefficients: the log-odds of a word being right is
        ``intercept + (slope + slope_by_familiarity * f) * z + familiarity * f`` for
        the word's log-odds ``z`` and its recording's :attr:`Familiarity.score` ``f``.
    """

    lang: str
    intercept: float
    slope: float
    familiarity: float
    slope_by_familiarity: float

    def __post_init__(self) -> None:
        numbers = (self.intercept, self.slope, self.familiarity, self.slope_by_familiarity)
        if not all(math.isfinite(n) for n in numbers):
            raise BadInput(f"calibrator for {self.lang!r}: every coefficient must be finite")

    @classmethod
    def load(cls, lang: str) -> Calibrator:
        """The calibrator shipped for ``lang``; :class:`BadInput` if there is none."""
        found = calibrator(lang)
        if found is None:
            raise BadInput(f"no word calibration shipped for language {lang!r}")
        return found

    @classmethod
    def from_json(cls, data: object, where: str) -> Calibrator:
        """The calibrator in ``data`` (as :meth:`to_json` writes it); :class:`BadInput`
        naming ``where`` if it is not one."""
        try:
            if not isinstance(data, dict):
                raise TypeError("not an object")
            return cls(
                lang=str(data["lang"]),
                intercept=float(data["intercept"]),
                slope=float(data["slope"]),
                familiarity=float(data["familiarity"]),
                slope_by_familiarity=float(data["slope_by_familiarity"]),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise BadInput(f"{where}: not a word calibration ({e})") from None

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def right(
        self, confidence: NDArray[np.float64], familiarity: Familiarity
    ) -> NDArray[np.float64]:
        """The probability that words of these ``confidence`` s are right, in a
        recording of this ``familiarity``; it never falls as the confidence rises."""
        p = np.clip(confidence, FLOOR, 1 - FLOOR)
        z = np.log(p) - np.log1p(-p)
        f = familiarity.score
        slope = max(self.slope + self.slope_by_familiarity * f, SLOPE_FLOOR)
        return np.asarray(1 / (1 + np.exp(-(self.intercept + slope * z + self.familiarity * f))))


@cache
def calibrator(lang: str) -> Calibrator | None:
    """The calibrator shipped for ``lang`` (``models/<lang>.calibration.json``), or None
    if there is none (the words are then read as the recogniser calibrated them)."""
    path = MODELS / f"{lang}.calibration.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BadInput(f"{path.name}: not a word calibration ({type(e).__name__})") from None
    return Calibrator.from_json(data, path.name)


def recalibrate(words: Sequence[Word], model: Calibrator | None) -> list[Word]:
    """The ``words`` of one recording, each word read as a digit rescaled so that its
    likeliest digit has the probability ``model`` gives it in this recording; unchanged
    if ``model`` is None.

    Only the ten digits are rescaled, among themselves (their order kept): the
    probability of "not a digit" is left as it was, for the decoder cuts the words into
    runs and finds the call-up by it, and a word read as "not a digit" is left alone.
    """
    if model is None or not words:
        return list(words)
    probs = np.array([w.probs for w in words], np.float64)
    digit = probs[:, :NOT_A_DIGIT].sum(axis=1)
    chosen = (probs.argmax(axis=1) != NOT_A_DIGIT) & (digit > 0)
    if not chosen.any():
        return list(words)
    target = model.right(probs[chosen].max(axis=1), Familiarity.of(words))
    # the likeliest digit stays above "not a digit", and cannot take more than all digits
    target = np.maximum(target, probs[chosen, NOT_A_DIGIT] + 1e-9) / digit[chosen]
    among = probs[chosen, :NOT_A_DIGIT] / digit[chosen, None]
    probs[chosen, :NOT_A_DIGIT] = tempered(among, target) * digit[chosen, None]
    return [Word(w.start, w.end, p) for w, p in zip(words, probs, strict=True)]


def tempered(probs: NDArray[np.float64], target: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each row of ``probs`` raised to the power ``1 / t`` and renormalised, with the
    ``t`` per row (found by bisection) that gives its largest entry the row's
    ``target``. A power keeps the order of the classes and the sum 1."""
    logs = np.log(np.maximum(probs, FLOOR))
    classes = probs.shape[1]
    goal = np.clip(target, 1 / classes + 1e-9, 1 - 1e-9)[:, None]
    lo = np.full((len(probs), 1), -12.0)  # log t: 1/t from e**12 (sharp) ...
    hi = np.full((len(probs), 1), 12.0)  # ... to e**-12 (nearly uniform)
    for _ in range(60):
        mid = (lo + hi) / 2
        top = _softmax(logs * np.exp(-mid)).max(axis=1, keepdims=True)
        too_sure = top > goal
        lo = np.where(too_sure, mid, lo)
        hi = np.where(too_sure, hi, mid)
    return _softmax(logs * np.exp(-(lo + hi) / 2))


def _softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))
