"""The speaker-independent digit recogniser: audio in, :class:`~cinq.radio.words.Word` out.

Two small neural networks (run in NumPy) over the features of :mod:`cinq.radio.features`:

* the *frame* network looks, every 10 ms, at the features around that frame (a third of
  a second either side) and gives the probabilities of twelve classes: the digits 0-9,
  silence or noise (:data:`SILENCE`), and other speech such as call-up words
  (:data:`OTHER`). A Viterbi pass with minimum durations splits the recording into
  stretches of speech and of silence from them;
* the *word* network reads each stretch of speech whole: its features resampled to
  :data:`POINTS` instants from start to end, and its length. It gives eleven
  probabilities (the digits, and "not a digit"), scaled by a temperature fitted on
  voices neither network heard in training, so that they are calibrated.

A recogniser adapted to one voice (:mod:`cinq.radio.learn`) may also carry that voice's
own words as examples (:mod:`cinq.radio.exemplars`), whose evidence is added to the
word network's.

The model of each language ships in ``models/<lang>.npz`` (trained by
``scripts/train_recogniser.py``, ``make model``); :meth:`Recogniser.load` reads it.
A long recording is read in windows of :data:`CORE` samples with :data:`MARGIN` samples
of context either side, so memory stays bounded and a stream read chunk by chunk gives
the words of the whole recording.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import BadInput
from ..files import atomic_write
from . import RATE
from .exemplars import Exemplars, combined
from .features import BLOCK, DIM, HOP, WINDOW, Frames, features, log_mel, normalise
from .speech import Audio
from .words import NOT_A_DIGIT, Word

CLASSES = 12
SILENCE = 10
OTHER = 11
WORD_CLASSES = NOT_A_DIGIT + 1
MODELS = Path(__file__).resolve().parent / "models"
CORE = 60 * RATE
"""Samples of a reading window whose words are kept (60 s)."""
MARGIN = 4 * RATE
"""Samples of context read on either side of a window (4 s)."""
MIN_SPEECH = 8
"""Frames a stretch of speech lasts at least (80 ms)."""
MIN_PAUSE = 5
"""Frames a pause between two words lasts at least (50 ms)."""
SWITCH = -3.0
"""Log-probability of a change between speech and pause (the Viterbi's stickiness)."""
HUSH = -12.0
"""Log energy of a frame (:func:`~cinq.radio.features.log_mel`) below which it holds no
sound at all (digital silence, or a hiss 100 dB below a voice): never a word."""
HUSH_PENALTY = 50.0
HUSH_RUN = 12
"""Frames of no sound at all in a row that make a pause (120 ms): a shorter hush is the
closure of a stop inside a word ("six", "eight" from a clean source), not a pause."""
POINTS = 16
"""Instants a word's features are resampled to, from its start to its end."""
PAD = 3
"""Frames of context taken on either side of a word."""

Matrix = NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class Network:
    """A multilayer perceptron: inputs standardised, ReLU between layers."""

    mean: Matrix
    scale: Matrix
    weights: tuple[Matrix, ...]
    biases: tuple[Matrix, ...]

    def hidden(self, x: Matrix) -> Matrix:
        """The last hidden layer's activations (rows x units): what the output layer
        reads, e.g. for adapting it to one voice (:meth:`with_output`)."""
        h = self.standardised(x)
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            h = np.maximum(h @ w + b, 0.0)
        return h

    def standardised(self, x: Matrix) -> Matrix:
        """The inputs as the first layer reads them (minus the mean, over the scale)."""
        return np.asarray((x - self.mean) / self.scale, np.float32)

    def logits(self, x: Matrix) -> Matrix:
        return np.asarray(self.hidden(x) @ self.weights[-1] + self.biases[-1], np.float32)

    def with_output(self, weight: Matrix, bias: Matrix) -> Network:
        """The same network with another output layer (units x outputs, outputs)."""
        return replace(self, weights=(*self.weights[:-1], weight), biases=(*self.biases[:-1], bias))

    def fits(self, inputs: int, outputs: int) -> bool:
        """Whether the layers chain from ``inputs`` to ``outputs`` with finite numbers."""
        ok = self.mean.shape == self.scale.shape == (inputs,) and len(self.weights) > 0
        width = inputs
        for w, b in zip(self.weights, self.biases, strict=True):
            ok = ok and w.ndim == 2 and w.shape[0] == width and b.shape == (w.shape[1],)
            width = w.shape[1] if w.ndim == 2 else -1
        arrays = (self.mean, self.scale, *self.weights, *self.biases)
        return ok and width == outputs and all(np.isfinite(a).all() for a in arrays)

    def arrays(self, prefix: str) -> dict[str, NDArray[np.generic]]:
        out: dict[str, NDArray[np.generic]] = {
            f"{prefix}mean": self.mean,
            f"{prefix}scale": self.scale,
            f"{prefix}layers": np.array(len(self.weights)),
        }
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            out[f"{prefix}w{i}"] = w.astype(np.float16)  # small, and accurate enough
            out[f"{prefix}b{i}"] = b.astype(np.float32)
        return out

    @classmethod
    def of_arrays(cls, a: dict[str, NDArray[np.generic]], prefix: str) -> Network:
        layers = range(int(a[f"{prefix}layers"]))
        return cls(
            np.asarray(a[f"{prefix}mean"], np.float32),
            np.asarray(a[f"{prefix}scale"], np.float32),
            tuple(np.asarray(a[f"{prefix}w{i}"], np.float32) for i in layers),
            tuple(np.asarray(a[f"{prefix}b{i}"], np.float32) for i in layers),
        )


@dataclass(frozen=True, eq=False)
class Recogniser:
    """The two networks of one language, and how their outputs are calibrated."""

    lang: str
    offsets: NDArray[np.int64]  # frames stacked around each frame for the frame network
    frame: Network  # (len(offsets) * DIM) -> 12 classes
    word: Network  # word_inputs() -> 11 classes
    priors: NDArray[np.float64]  # frame classes' frequencies in training (for the Viterbi)
    frame_temperature: float = 1.0
    word_temperature: float = 1.0
    info: str = "{}"  # JSON: how it was trained
    exemplars: Exemplars | None = None  # a learnt voice's own words (cinq.radio.exemplars)

    @property
    def adapted(self) -> bool:
        """Whether it was adapted to one voice (``cinq voice learn``, or a station's
        known voice: its record names the voice). Only such a recogniser is judged by
        how familiar a recording's voice sounds; a general one reads every voice as a
        stranger's (``decode``'s ``stranger``)."""
        try:
            record = json.loads(self.info)
        except ValueError:
            return False
        return isinstance(record, dict) and "voice" in record

    # -- loading and saving -----------------------------------------------------------

    @classmethod
    def load(cls, lang: str) -> Recogniser:
        """The model shipped for ``lang`` (en, fr, ru, de, es), read once per process."""
        path = MODELS / f"{lang}.npz"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in MODELS.glob("*.npz"))) or "none"
            raise BadInput(f"no recogniser model for language {lang!r} (models: {known})")
        return _load_cached(str(path))

    @classmethod
    def load_file(cls, path: str | Path) -> Recogniser:
        """A model saved by :meth:`save` (e.g. adapted to one station's voice)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
            raise BadInput(f"{path}: not a recogniser model ({type(e).__name__})") from None
        try:
            rec = cls(
                lang=str(arrays["lang"]),
                offsets=np.asarray(arrays["offsets"], np.int64),
                frame=Network.of_arrays(arrays, "frame_"),
                word=Network.of_arrays(arrays, "word_"),
                priors=np.asarray(arrays["priors"], np.float64),
                frame_temperature=float(arrays["frame_temperature"]),
                word_temperature=float(arrays["word_temperature"]),
                info=str(arrays["info"]),
                exemplars=Exemplars.of_arrays(arrays, "ex_"),
            )
        except (KeyError, ValueError, TypeError) as e:
            raise BadInput(f"{path}: not a recogniser model (missing or bad {e})") from None
        rec.check(str(path))
        return rec

    def check(self, where: str) -> None:
        """:class:`BadInput` unless the layers fit together and every number is finite."""
        fits = (
            self.offsets.ndim == 1
            and self.frame.fits(len(self.offsets) * DIM, CLASSES)
            and self.word.fits(word_inputs(), WORD_CLASSES)
            and self.priors.shape == (CLASSES,)
            and bool(np.all(self.priors > 0))
        )
        if self.exemplars is not None:
            fits = fits and self.exemplars.fits(word_inputs())
        if not fits:
            raise BadInput(f"{where}: not a recogniser model (layers do not fit, or not finite)")
        if not (self.frame_temperature > 0 and self.word_temperature > 0):
            raise BadInput(f"{where}: not a recogniser model (temperature not positive)")

    def save(self, path: str | Path) -> None:
        """Write the model as ``.npz`` (weights as float16), atomically."""
        atomic_write(path, self.npz())

    def npz(self) -> bytes:
        """The model as the bytes of an ``.npz`` file (what :meth:`save` writes)."""
        arrays: dict[str, NDArray[np.generic]] = {
            "lang": np.array(self.lang),
            "offsets": self.offsets,
            "priors": self.priors,
            "frame_temperature": np.array(self.frame_temperature),
            "word_temperature": np.array(self.word_temperature),
            "info": np.array(self.info),
            **self.frame.arrays("frame_"),
            **self.word.arrays("word_"),
            **(self.exemplars.arrays("ex_") if self.exemplars is not None else {}),
        }
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    # -- frames ---------------------------------------------------------------------------

    def stack(self, feats: Frames) -> Matrix:
        """Each frame's input to the frame network: the features at the stacked offsets
        (the recording's first and last frames repeated past its ends)."""
        return stacked(feats, self.offsets)

    def frame_logprobs_of(self, feats: Frames) -> Matrix:
        """:meth:`frame_logprobs` from features."""
        z = self.frame.logits(self.stack(feats)) / np.float32(self.frame_temperature)
        return log_softmax(z)

    def frame_logprobs(self, audio: Audio) -> Matrix:
        """Log-probabilities of the twelve classes every 10 ms (frames x 12), calibrated."""
        return self.frame_logprobs_of(features(_checked(audio)))

    def segments(
        self, feats: Frames, *, hush: NDArray[np.bool_] | None = None
    ) -> list[tuple[int, int]]:
        """Frame spans [lo, hi) of the stretches of speech (words) in ``feats``; frames
        where ``hush`` holds (no sound at all: see :func:`hushed`) are never speech."""
        logp = self.frame_logprobs_of(feats)
        silent = logp[:, SILENCE]
        speech = np.logaddexp.reduce(np.delete(logp, SILENCE, axis=1), axis=1)
        if hush is not None:
            speech = np.where(_long_runs(hush, HUSH_RUN), speech - HUSH_PENALTY, speech)
        prior = float(self.priors[SILENCE])
        scores = np.stack([speech - np.log(1 - prior), silent - np.log(prior)], axis=1)
        path = viterbi(scores.astype(np.float32), (MIN_SPEECH, MIN_PAUSE))
        return list(_runs(path == 0))

    # -- words ----------------------------------------------------------------------------

    def word_logits(self, feats: Frames, spans: Iterable[tuple[int, int]]) -> Matrix:
        """The calibrated word log-odds (spans x 11) for frame spans of ``feats``: the
        word network's, and with a learnt voice's examples, their evidence added
        (:mod:`cinq.radio.exemplars`)."""
        inputs = np.stack([word_input(feats, lo, hi) for lo, hi in spans])
        z = self.word.logits(inputs) / np.float32(self.word_temperature)
        if self.exemplars is None:
            return z
        scores = self.exemplars.scores(self.word.standardised(inputs))
        return combined(z, scores, self.exemplars.weight)

    def words(
        self, audio: Audio | Iterable[Audio], *, core: int = CORE, margin: int = MARGIN
    ) -> list[Word]:
        """The words heard in a recording, given whole or as an iterable of chunks.

        The recording is read in windows of ``core`` samples with ``margin`` samples of
        context on either side (both multiples of 800, 100 ms): however the chunks are
        cut, the words are the same.
        """
        return list(self.iter_words(audio, core=core, margin=margin))

    def iter_words(
        self, audio: Audio | Iterable[Audio], *, core: int = CORE, margin: int = MARGIN
    ) -> Iterator[Word]:
        """:meth:`words` one at a time, reading the chunks as it goes (bounded memory)."""
        if core <= 0 or margin < 0 or core % (BLOCK * HOP) or margin % (BLOCK * HOP):
            raise BadInput(f"reading windows of {core} and {margin} samples: not multiples of 800")
        chunks: Iterable[Audio] = [audio] if isinstance(audio, np.ndarray) else audio
        buffer = np.zeros(0, np.float32)
        begin = 0  # sample index of buffer[0]
        at = 0  # first sample of the window whose words come next
        for chunk in chunks:
            buffer = np.concatenate([buffer, _checked(chunk)])
            while begin + len(buffer) >= at + core + margin:
                start = max(at - margin, 0)
                piece = buffer[start - begin : at + core + margin - begin]
                yield from self._window(piece, start, at, at + core)
                at += core
                buffer, begin = buffer[max(at - margin, 0) - begin :], max(at - margin, 0)
        start = max(at - margin, 0)
        yield from self._window(buffer[start - begin :], start, at, None)

    def _window(self, piece: Audio, start: int, core: int, end: int | None) -> Iterator[Word]:
        """The words of ``piece`` (sample ``start`` on) that begin in ``[core, end)``."""
        if len(piece) == 0:
            return
        raw = log_mel(piece)
        feats = normalise(raw)
        first = start // HOP
        spans = [
            (lo, hi)
            for lo, hi in self.segments(feats, hush=hushed(raw))
            if (first + lo) * HOP >= core and (end is None or (first + lo) * HOP < end)
        ]
        if not spans:
            return
        probs = np.exp(log_softmax(self.word_logits(feats, spans)).astype(np.float64))
        for (lo, hi), p in zip(spans, probs, strict=True):
            yield Word(_seconds(first + lo), _seconds(first + hi), p)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> Recogniser:
    return Recogniser.load_file(path)


def stacked(feats: Frames, offsets: Iterable[int] | NDArray[np.int64]) -> Frames:
    """Each frame with the frames at ``offsets`` from it (frames x len(offsets)*DIM)."""
    shift = np.asarray(list(offsets) if not isinstance(offsets, np.ndarray) else offsets)
    idx = np.clip(np.arange(len(feats))[:, None] + shift[None, :], 0, max(len(feats) - 1, 0))
    return np.asarray(feats[idx].reshape(len(feats), -1), np.float32)


def word_inputs() -> int:
    """Numbers in a word network's input: POINTS instants of DIM features, and the
    word's length."""
    return POINTS * DIM + 1


def word_input(feats: Frames, lo: int, hi: int) -> NDArray[np.float32]:
    """A word's input to the word network: its features from PAD frames before it to
    PAD frames after it, resampled to POINTS instants, and its log length in seconds."""
    a, b = max(lo - PAD, 0), min(hi + PAD, len(feats))
    at = np.linspace(a, b - 1, POINTS)
    base = np.floor(at).astype(int)
    frac = (at - base)[:, None].astype(np.float32)
    nxt = np.minimum(base + 1, b - 1)
    points = feats[base] * (1 - frac) + feats[nxt] * frac
    length = np.log(max(hi - lo, 1) * HOP / RATE)
    return np.concatenate([points.ravel(), [length]]).astype(np.float32)


def hushed(raw: Frames) -> NDArray[np.bool_]:
    """The frames of :func:`~cinq.radio.features.log_mel` output with no sound at all."""
    return np.asarray(raw[:, -1] < HUSH)


def log_softmax(z: Matrix) -> Matrix:
    z = z - z.max(axis=1, keepdims=True)
    return np.asarray(z - np.log(np.exp(z).sum(axis=1, keepdims=True)), np.float32)


def _checked(audio: Audio) -> Audio:
    x = np.asarray(audio, np.float32)
    if x.ndim != 1:
        raise BadInput(f"audio must be one channel of samples, not shape {x.shape}")
    if not np.isfinite(x).all():
        raise BadInput("the recording has samples that are not numbers (NaN or infinite)")
    return x


def _seconds(frame: int) -> float:
    """Where frame ``frame``'s central hop starts, in seconds (its window is centred
    on that hop)."""
    return round((frame * HOP + (WINDOW - HOP) / 2) / RATE, 4)


def _long_runs(mask: NDArray[np.bool_], shortest: int) -> NDArray[np.bool_]:
    """``mask`` with its runs shorter than ``shortest`` frames cleared."""
    out = np.zeros_like(mask)
    for lo, hi in _runs(mask):
        if hi - lo >= shortest:
            out[lo:hi] = True
    return out


def _runs(mask: NDArray[np.bool_]) -> Iterator[tuple[int, int]]:
    """Spans [lo, hi) where ``mask`` holds."""
    change = np.flatnonzero(np.diff(mask.astype(np.int8))) + 1
    bounds = np.concatenate([[0], change, [len(mask)]])
    for lo, hi in itertools.pairwise(bounds):
        if lo < hi and mask[lo]:
            yield int(lo), int(hi)


def viterbi(
    scores: Matrix, min_frames: tuple[int, ...], *, switch: float = SWITCH
) -> NDArray[np.int8]:
    """The likeliest class per frame given per-frame ``scores`` (frames x classes, log
    scale), class ``c`` held at least ``min_frames[c]`` frames, ``switch`` per change.

    Each class is a chain of states; a class entered starts its chain ``longest -
    min_frames[c]`` states from the end, so it must walk ``min_frames[c]`` frames
    before it can stay or leave.
    """
    frames, classes = scores.shape
    longest = max(min_frames)
    entry = np.array([longest - m for m in min_frames])
    rows = np.arange(classes)
    delta = np.full((classes, longest), -np.inf, np.float32)
    delta[:, -1] = scores[0] if frames else 0.0
    came = np.zeros((frames, classes), np.int8)  # class left to enter each class
    stayed = np.zeros((frames, classes), bool)  # last state reached by staying in it
    for t in range(1, frames):
        last = delta[:, -1]
        order = np.argsort(-last, kind="stable")[:2]
        best = np.where(rows == order[0], order[1], order[0])
        stay = delta[:, -1] >= delta[:, -2] if longest > 1 else np.ones(classes, bool)
        new = np.full_like(delta, -np.inf)
        new[:, 1:-1] = delta[:, :-2]
        new[:, -1] = np.where(stay, delta[:, -1], delta[:, -2])
        new[rows, entry] = np.maximum(new[rows, entry], last[best] + switch)
        delta = new + scores[t][:, None]
        came[t], stayed[t] = best, stay
    return _backtrack(delta, came, stayed, entry)


def _backtrack(
    delta: Matrix, came: NDArray[np.int8], stayed: NDArray[np.bool_], entry: NDArray[np.int_]
) -> NDArray[np.int8]:
    frames, longest = len(came), delta.shape[1]
    path = np.zeros(frames, np.int8)
    cls, state = int(np.argmax(delta[:, -1])), longest - 1
    for t in range(frames - 1, 0, -1):
        path[t] = cls
        if state == longest - 1 and stayed[t, cls]:
            continue
        if state == entry[cls]:
            cls, state = int(came[t, cls]), longest - 1
        else:
            state -= 1
    if frames:
        path[0] = cls
    return path


def describe(rec: Recogniser) -> dict[str, object]:
    """What the model is, as JSON (from the training record it carries)."""
    info: dict[str, object] = json.loads(rec.info)
    return {"lang": rec.lang, "frame_temperature": rec.frame_temperature, **info}
