"""Learning a station's voice from one recording and the monitor's log of it.

The log (:mod:`cinq.radio.transcript`) is expanded by the station's script into what
was said, and force-aligned (:mod:`cinq.radio.forced`) to the general recogniser's
frame posteriors: no onsets cut by hand or by an energy threshold. A log that does not
match the recording is refused (learning from it would learn garbage): the log must
explain the recording much better than the same log with its digits shuffled.

Both networks of the recogniser then get a new output layer, fitted to this voice and
pulled toward the general weights (what the recording does not show, the general model
still knows): the frame network's to the aligned frames, the word network's to the
aligned words and to the words the recogniser hears, labelled by the alignment. The
recording is aligned again with the adapted model and the layers fitted once more.
Last, the aligned words themselves are kept as examples of the voice
(:mod:`cinq.radio.exemplars`), whose evidence is added to the word network's when the
next recording is read, weighted so that each half of the recording, read by what was
learnt from the other half, comes out calibrated.
The voice file is the adapted recogniser
(:meth:`cinq.radio.recogniser.Recogniser.load_file` reads it) with the voice's name
and the cadence it learnt in its training record.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from ..errors import BadInput
from .exemplars import Exemplars, class_scores, cross_read, fit_weights
from .features import Frames, features
from .forced import HOP, Alignment, align
from .profiles import Profile
from .recogniser import Network, Recogniser, log_softmax, word_input
from .speech import Audio
from .transcript import FIGURES, Item, Kind, Spoken, Transcript, spoken
from .words import NOT_A_DIGIT

__all__ = ["Cadence", "LearntVoice", "learn", "load_voice"]

SHUFFLES = 4
"""Logs with their digits shuffled that the log must beat."""
MIN_MARGIN = 4.0
"""Nats per message digit by which the log must explain the recording better than the
best shuffled log. Measured with the shipped English model on 25-group broadcasts at
15-20 dB: the right log 15 to 40 (36 and 29 for the FSDD speaker jackson, whom it never
heard; 15 for E11 read by festival:ked_diphone, also left out), a wrong log -4.0 to 0.1."""
CHECK_POOL = 4
"""Frames per step of the alignments that check the log (40 ms)."""
PULL = 1e-3
"""Weight of the pull toward the general output layer (per weight, squared)."""
MAX_ITER = 40
"""L-BFGS steps per fit (the pull keeps it near the start: it converges fast)."""
PASSES = 2
"""Align and fit this many times (the second alignment uses the adapted model)."""
MIN_DIGITS = 10
"""Fewest digits a recording must show to learn from it."""
POOL = 2
"""Frames per step of the alignment learnt from (20 ms: edges as fine as training needs)."""
EVERY = 3
"""Fit the frame network to every third frame (neighbours are nearly the same)."""


@dataclass(frozen=True)
class Cadence:
    """How the voice reads, measured from the aligned recording (seconds; None when
    the recording did not show it)."""

    digit: float
    digit_gap: float | None = None
    group_gap: float | None = None
    repeat_gap: float | None = None

    def to_json(self) -> dict[str, float | None]:
        """Each measure in seconds, to the millisecond."""
        return {k: None if v is None else round(v, 3) for k, v in vars(self).items()}


@dataclass(frozen=True)
class LearntVoice:
    """A recogniser adapted to one voice, with what was learnt about it.

    Attributes
    ----------
    name
        The voice's name.
    station
        The station profile the log was expanded with (None: the log as written).
    recogniser
        The adapted recogniser.
    cadence
        The voice's digit length and gaps.
    digits
        Digits of the log found in the recording.
    frames
        Frames the output layer was fitted to.
    margin
        Nats per digit by which the log explained the recording better than the best
        log with its digits shuffled (the check that the log matches the recording);
        None when it was not checked (``learn(verify=False)``).
    """

    name: str
    station: str | None
    recogniser: Recogniser
    cadence: Cadence
    digits: int
    frames: int
    margin: float | None

    def to_json(self) -> dict[str, Any]:
        """Name, station, language, cadence and the learning's figures."""
        return {
            "name": self.name,
            "station": self.station,
            "lang": self.recogniser.lang,
            "cadence": self.cadence.to_json(),
            "digits": self.digits,
            "frames": self.frames,
            "examples": 0 if (ex := self.recogniser.exemplars) is None else len(ex.labels),
            "margin": None if self.margin is None else round(self.margin, 3),
        }

    def save(self, path: str | Path) -> None:
        """Write the voice file atomically (the adapted recogniser's ``.npz``)."""
        self.recogniser.save(path)

    @classmethod
    def load(cls, path: str | Path) -> LearntVoice:
        """A voice file written by :meth:`save`; :class:`BadInput` naming ``path`` if it
        is not one (damaged, another file, or a recogniser that learnt no voice)."""
        try:
            rec = Recogniser.load_file(path)
        except zlib.error as e:  # a damaged compressed member: the loader lets it through
            raise BadInput(f"{path}: not a cinq voice file (damaged: {e})") from None
        try:
            record = json.loads(rec.info)["voice"]
            cadence = Cadence(**record["cadence"])
            margin = None if record["margin"] is None else float(record["margin"])
            voice = cls(
                str(record["name"]), record["station"], rec, cadence,
                int(record["digits"]), int(record["frames"]), margin,
            )  # fmt: skip
        except (ValueError, KeyError, TypeError) as e:
            raise BadInput(f"{path}: not a cinq voice file (its record lacks {e})") from None
        if not (math.isfinite(cadence.digit) and 0 < cadence.digit < 10):
            raise BadInput(f"{path}: not a cinq voice file (a digit of {cadence.digit} s)")
        return voice


def load_voice(path: str | Path) -> Recogniser:
    """The recogniser of a voice file (``cinq voice learn``), for ``receive(model=...)``."""
    return LearntVoice.load(path).recogniser


def learn(
    audio: Audio,
    transcript: Transcript,
    profile: Profile | None = None,
    *,
    lang: str | None = None,
    name: str = "learnt",
    base: Recogniser | None = None,
    verify: bool = True,
    examples: bool = True,
) -> LearntVoice:
    """A recogniser adapted to the voice of ``audio``, which says what ``transcript``
    logs (expanded by ``profile``'s script when given).

    Parameters
    ----------
    audio
        The recording, at :data:`~cinq.radio.RATE`.
    transcript
        The monitor's log of it (:func:`cinq.radio.transcript.parse`).
    profile
        The station: its script says how often the call-up and each group were read.
    lang
        The language (default: the profile's, else English).
    name
        The voice's name.
    base
        The general recogniser to adapt (default: the one shipped for ``lang``).
    verify
        Check that the log matches the recording (its margin over the log with its
        digits shuffled). False for material whose log is known to be right (cinq
        rendered it itself): the check takes most of the time, and the margin is None.
    examples
        Keep the aligned words as examples of the voice (:mod:`cinq.radio.exemplars`).
        False: only the output layers are adapted (as for the station's known voices).

    Raises
    ------
    BadInput
        An empty recording or one with samples that are not numbers, a log that does
        not fit the profile, a recording that shows fewer than :data:`MIN_DIGITS`
        digits, or, with ``verify``, one that the log does not match (it explains it
        hardly better than with its digits shuffled).
    """
    if len(audio) == 0:
        raise BadInput("the recording is empty: no digits to learn")
    if not np.isfinite(audio).all():
        raise BadInput("the recording has samples that are not numbers (NaN or infinite)")
    said = spoken(transcript, profile)
    base = base or Recogniser.load(lang or (profile.language if profile else "en"))
    base = replace(base, exemplars=None)  # another voice's examples are not this one's
    feats = features(audio)
    hidden = _frame_hidden(base, feats)  # the adapted model shares it: one layer changes
    logprobs = _frame_logprobs(base.frame, hidden, base.frame_temperature)
    found = align(logprobs, said, pool=POOL)
    digits = _digits(found, said)
    if digits < MIN_DIGITS:
        raise BadInput(f"the recording shows {digits} digits of the log: too few to learn from")
    margin = _margin(logprobs, transcript, profile, found) if verify else None
    rec = base
    for _ in range(PASSES):
        rec = _adapted(base, rec, feats, hidden, found, said)
        logprobs = _frame_logprobs(rec.frame, hidden, base.frame_temperature)
        found = align(logprobs, said, pool=POOL)
    if examples:
        rec = _with_examples(base, rec, feats, found, said)
    voice = LearntVoice(
        name, profile.name if profile else None, rec, cadence(found, said),
        _digits(found, said), int(_trusted(found.labels).sum()), margin,
    )  # fmt: skip
    return _recorded(voice, base)


CHUNK = 6000
"""Frames of the frame network's hidden layer computed at a time (a minute: the stacked
inputs of a whole hour would take half a gigabyte)."""


def _frame_hidden(base: Recogniser, feats: Frames) -> NDArray[np.float32]:
    """The frame network's last hidden layer for every frame, a minute at a time (each
    minute with the frames around it that its frames' inputs stack)."""
    reach = int(np.abs(base.offsets).max(initial=0))
    parts = []
    for start in range(0, len(feats), CHUNK):
        lo, hi = max(start - reach, 0), min(start + CHUNK + reach, len(feats))
        h = base.frame.hidden(base.stack(feats[lo:hi]))
        parts.append(h[start - lo : start - lo + min(CHUNK, len(feats) - start)])
    return (
        np.concatenate(parts)
        if parts
        else np.zeros((0, base.frame.weights[-1].shape[0]), np.float32)
    )


def _frame_logprobs(
    net: Network, hidden: NDArray[np.float32], temperature: float
) -> NDArray[np.float32]:
    """The frame network's calibrated log-probabilities from its last hidden layer."""
    z = (hidden @ net.weights[-1] + net.biases[-1]) / np.float32(temperature)
    return log_softmax(np.asarray(z, np.float32))


def _adapted(
    base: Recogniser,
    now: Recogniser,
    feats: Frames,
    hidden: NDArray[np.float32],
    found: Alignment,
    said: Spoken,
) -> Recogniser:
    """``base`` with both output layers fitted to this voice: the frame network's to
    the aligned frames, the word network's to the words ``now`` hears (labelled by
    the alignment) and to the aligned words themselves."""
    keep = np.flatnonzero(_trusted(found.labels))[::EVERY]
    frame = _fit(base.frame, hidden[keep], found.labels[keep], base.frame_temperature)
    spans, labels = _word_examples(now.segments(feats), found, said)
    inputs = base.word.hidden(np.stack([word_input(feats, lo, hi) for lo, hi in spans]))
    word = _fit(base.word, inputs, labels, base.word_temperature)
    temperature = _word_temperature(base, inputs, labels)
    return replace(base, frame=frame, word=word, word_temperature=temperature)


def _with_examples(
    base: Recogniser, rec: Recogniser, feats: Frames, found: Alignment, said: Spoken
) -> Recogniser:
    """``rec`` with the aligned words as examples of the voice, their weight fitted on
    the two halves of the recording, each read by the output layer and the examples of
    the other half."""
    spans, labels = _word_examples(rec.segments(feats), found, said)
    starts = np.array([lo for lo, _ in spans])
    first = starts < np.median(starts) if len(starts) else np.zeros(0, bool)
    if len(np.unique(labels[first])) < 2 or len(np.unique(labels[~first])) < 2:
        return rec  # too little to read one half by the other: no examples
    raw = np.stack([word_input(feats, lo, hi) for lo, hi in spans])
    hidden, inputs = base.word.hidden(raw), base.word.standardised(raw)

    def scores(fit: NDArray[np.bool_], test: NDArray[np.bool_]) -> NDArray[np.float64]:
        return np.asarray(class_scores(inputs[test], inputs[fit], labels[fit]), np.float64)

    # The network keeps the temperature fitted for it alone (rec's); only the examples'
    # weight is fitted on top. Fitting both together trusted the network less wherever
    # the examples carried the same evidence, and left more figures unsure (bench:
    # festival's Russian voice, 53 -> 172 groups marked of 200).
    fixed = 1.0 / rec.word_temperature
    weights = fit_weights(
        _read_by_other_half(base, hidden, labels, first),
        cross_read(len(labels), first, scores),
        labels,
        network_bounds=(fixed, fixed),
    )
    return replace(rec, exemplars=Exemplars(inputs, labels, weights.examples))


TEMPERATURES = np.geomspace(0.5, 8.0, 25)
"""The word network's temperatures tried, as multiples of the general model's."""


def _read_by_other_half(
    base: Recogniser,
    hidden: NDArray[np.float32],
    labels: NDArray[np.int64],
    first: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """The word network's log-odds (words x 11, before any temperature) of each half of
    the words (``first`` and the rest), read by an output layer fitted to the other."""

    def read(fit: NDArray[np.bool_], test: NDArray[np.bool_]) -> NDArray[np.float64]:
        head = _fit(base.word, hidden[fit], labels[fit], base.word_temperature)
        return np.asarray(hidden[test] @ head.weights[-1] + head.biases[-1], np.float64)

    return cross_read(len(labels), first, read)


def _word_temperature(
    base: Recogniser, hidden: NDArray[np.float32], labels: NDArray[np.int64]
) -> float:
    """The word network's temperature for this voice, so that its probabilities stay
    calibrated (a layer fitted to one recording is sure of itself): each half of the
    words read by a layer fitted to the other half, the temperature at which those
    readings are likeliest."""
    first = np.arange(len(labels)) < len(labels) // 2
    if first.all() or not first.any():
        return base.word_temperature
    logits = _read_by_other_half(base, hidden, labels, first).astype(np.float32)
    rows = np.arange(len(labels))
    temperatures = TEMPERATURES * base.word_temperature
    nll = [-log_softmax(logits / np.float32(t))[rows, labels].mean() for t in temperatures]
    return float(temperatures[int(np.argmin(nll))])


def _word_examples(
    heard: Sequence[tuple[int, int]], found: Alignment, said: Spoken
) -> tuple[list[tuple[int, int]], NDArray[np.int64]]:
    """Frame spans of words and their classes (a digit, or not a digit): each aligned
    item, and each span the recogniser hears that one aligned item fills (most of
    both) or none touches (a noise)."""
    aligned = [_Labelled(s.start, s.end, _word_class(said.items[s.index])) for s in found.segments]
    known = [a for a in aligned if a.cls >= 0]
    spans = [(a.start, a.end) for a in known]
    labels = [a.cls for a in known]
    for lo, hi in heard:
        cls = _heard_class(lo, hi, aligned)
        if cls is not None:
            spans.append((lo, hi))
            labels.append(cls)
    return spans, np.array(labels, np.int64)


@dataclass(frozen=True)
class _Labelled:
    start: int
    end: int
    cls: int  # the word network's class; -1: unknown


def _heard_class(lo: int, hi: int, aligned: Sequence[_Labelled]) -> int | None:
    """The class of a heard span ``[lo, hi)``: that of the aligned item overlapping
    it most, when it covers most of the span and the span most of it; not a digit
    when nothing aligned touches it; None (not to learn from) otherwise."""
    best, most = None, 0
    for a in aligned:
        overlap = min(hi, a.end) - max(lo, a.start)
        if overlap > most:
            best, most = a, overlap
    if best is None:
        return NOT_A_DIGIT
    fills = most >= FILL * (hi - lo) and most >= FILL * (best.end - best.start)
    return best.cls if fills and best.cls >= 0 else None


FILL = 0.6
"""The share of a heard word and of the aligned item it is labelled by that must overlap."""


def _word_class(item: Item) -> int:
    """The word network's class of an item: its digit, not a digit (a word, a tone),
    or -1 (a figure not copied: unknown)."""
    if item.kind is Kind.DIGIT:
        return int(item.text)
    return -1 if item.kind is Kind.FIGURE else NOT_A_DIGIT


def _digits(found: Alignment, said: Spoken) -> int:
    return sum(said.items[s.index].kind is Kind.DIGIT for s in found.segments)


def _margin(
    logprobs: NDArray[np.float32],
    transcript: Transcript,
    profile: Profile | None,
    found: Alignment,
) -> float:
    """Nats per logged digit by which the log's alignment beats the best alignment of
    the same log with its message's figures shuffled (the call-up kept: it is the same
    in both, and a shuffled call-up repeated a hundred times would offer a hundred
    choices); :class:`BadInput` below :data:`MIN_MARGIN`. (Coarse alignments,
    :data:`CHECK_POOL` frames a step: a score is all it needs.)"""
    said = spoken(transcript, profile)
    rng = np.random.default_rng(len(said))  # the same figures for the same log
    score = align(logprobs, said, pool=CHECK_POOL).score
    best = max(
        align(logprobs, spoken(_shuffled(transcript, rng), profile), pool=CHECK_POOL).score
        for _ in range(SHUFFLES)
    )
    message = [said.items[s.index] for s in found.segments]
    shuffled = sum(i.kind is Kind.DIGIT and bool(i.group or not transcript.groups) for i in message)
    margin = (score - best) / max(shuffled, 1)
    # A right log can fail too, where the general model hears this voice's digits so
    # poorly that any order of them aligns about as well: measured for three voices the
    # receiver bench left out (MBROLA fr1 at 0.8 nats per digit, pico fr-FR 0.3). Aligning
    # again after adapting to the log does not help: adapted to the right log, MBROLA
    # fr1's recording scored 3.1 nats per digit *worse* than adapted to shuffled ones.
    if margin < MIN_MARGIN:
        raise BadInput(
            "the log does not match the recording: it explains the audio hardly better "
            f"than the same log with its digits shuffled ({margin:.1f} nats per digit; "
            f"learning needs {MIN_MARGIN:g}). Check the log, the station and the language; "
            "if they are right, the recogniser cannot tell this voice's digits apart well "
            "enough to align them, and no voice is learnt rather than a wrong one"
        )
    return margin


def _shuffled(transcript: Transcript, rng: np.random.Generator) -> Transcript:
    """The log with the figures of its groups in random order (of its call-up, when it
    has no groups: the digits read one by one)."""
    tokens = transcript.groups or transcript.callup
    runs = [t for t in tokens if all(c in FIGURES for c in t)]
    figures = list("".join(runs))
    rng.shuffle(figures)
    refill = iter(figures)
    shuffled = tuple(
        "".join(next(refill) for _ in t) if all(c in FIGURES for c in t) else t for t in tokens
    )
    if transcript.groups:
        return replace(transcript, groups=shuffled)
    return replace(transcript, callup=shuffled)


def _fit(
    net: Network, hidden: NDArray[np.float32], labels: NDArray[np.integer], temperature: float
) -> Network:
    """``net`` with its output layer fitted to ``labels`` from its last hidden layer's
    activations (cross-entropy of the calibrated posteriors), pulled toward its own
    weights by :data:`PULL` per squared weight."""
    h = hidden.astype(np.float64)  # float64: L-BFGS needs exact gradients
    y = labels.astype(np.int64)
    w0 = net.weights[-1].astype(np.float64)
    b0 = net.biases[-1].astype(np.float64)
    units, classes = w0.shape
    rows = np.arange(len(y))

    def loss(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        w = theta[:-classes].reshape(units, classes)
        b = theta[-classes:]
        z = (h @ w + b) / temperature
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        dz = np.exp(logp)
        dz[rows, y] -= 1.0
        dz /= len(y) * temperature
        pull_w, pull_b = w - w0, b - b0
        value = -logp[rows, y].mean() + PULL / 2 * (np.sum(pull_w**2) + np.sum(pull_b**2))
        grad = np.concatenate([(h.T @ dz + PULL * pull_w).ravel(), dz.sum(0) + PULL * pull_b])
        return float(value), grad

    if len(y) == 0:
        return net
    start = np.concatenate([w0.ravel(), b0])
    done = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITER})
    theta = np.asarray(done.x)
    weight = theta[:-classes].reshape(units, classes).astype(np.float32)
    return net.with_output(weight, theta[-classes:].astype(np.float32))


EDGE = 2
"""Frames either side of a boundary in the alignment that are not trusted to train on."""


def _trusted(labels: NDArray[np.int8]) -> NDArray[np.bool_]:
    """The frames to fit to: a known class, and not within :data:`EDGE` frames of a
    boundary (where the alignment may be a frame or two off)."""
    change = np.zeros(len(labels) + 1, np.int64)
    change[np.flatnonzero(np.diff(labels)) + 1] = 1
    near = np.convolve(change, np.ones(2 * EDGE), mode="same")[: len(labels)] > 0
    return (labels >= 0) & ~near


def cadence(found: Alignment, said: Spoken) -> Cadence:
    """The voice's median digit length and its gaps between figures of a group,
    between groups and between readings of a group, from an alignment."""
    segs = [s for s in found.segments if said.items[s.index].group]
    digit = [s.frames for s in found.segments if said.items[s.index].kind is Kind.DIGIT]
    gaps: dict[str, list[int]] = {"digit_gap": [], "group_gap": [], "repeat_gap": []}
    for a, b in itertools.pairwise(segs):
        ia, ib = said.items[a.index], said.items[b.index]
        if b.index != a.index + 1:
            continue  # not neighbours in the sequence: something between them was lost
        kind = (
            "digit_gap" if (ia.group, ia.reading) == (ib.group, ib.reading)
            else "repeat_gap" if ia.group == ib.group else "group_gap"
        )  # fmt: skip
        gaps[kind].append(b.start - a.end)
    seconds = {k: float(np.median(v)) * HOP if v else None for k, v in gaps.items()}
    return Cadence(float(np.median(digit)) * HOP if digit else 0.0, **seconds)


def _recorded(voice: LearntVoice, base: Recogniser) -> LearntVoice:
    """``voice`` with its record in the recogniser's training record (saved with it)."""
    try:
        info = json.loads(base.info)
    except ValueError:
        info = {}
    info = (info if isinstance(info, dict) else {}) | {"voice": voice.to_json()}
    return replace(voice, recogniser=replace(voice.recogniser, info=json.dumps(info)))
