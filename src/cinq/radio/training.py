"""Training, calibrating and measuring the digit recogniser (needs the ``train`` extra).

The training data is rendered, never downloaded: each voice of
:mod:`cinq.radio.voices` reads station-like sequences (digits one by one with gaps,
groups of five, call-up words, interval tones), placed at known spans, so every 10 ms
frame has a label; each sequence then goes through a random shortwave channel
(:class:`cinq.radio.channel.Shortwave`: noise 0-30 dB, SSB filters, mistuning, AGC,
fading, crashes, clicks, tape speed 0.95-1.05). A small MLP (scikit-learn) learns the
frames; its weights are exported to a :class:`~cinq.radio.recogniser.Recogniser`, which
runs in NumPy. Temperatures are then fitted on voices held out of training, so that the
probabilities are calibrated (:func:`calibrate`), and :func:`evaluate` measures digit
accuracy, silent and marked errors and the reliability table on any voices.

Everything is seeded: the same voices and seed give the same model.
"""

from __future__ import annotations

import itertools
import json
import tomllib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import BadInput, MissingExtra
from . import RATE
from .channel import Shortwave
from .features import HOP, WINDOW, Frames, features, frame_count
from .profiles import STATIONS
from .recogniser import (
    CLASSES,
    OTHER,
    SILENCE,
    WORD_CLASSES,
    Network,
    Recogniser,
    _seconds,
    log_softmax,
    stacked,
    word_input,
    word_inputs,
)
from .speech import Audio
from .voices import Voice
from .words import NOT_A_DIGIT, Word

OFFSETS = (-20, -15, -11, -8, -5, -3, -1, 0, 1, 3, 5, 8, 11, 15, 20)
"""Frames stacked around each frame: dense near it, sparser a third of a second away."""
HIDDEN = (128, 64)
WORD_HIDDEN = (256, 128)
FRAME_SEQUENCES = 200
"""Sequences (of 20 s) the frame network is trained on, at most (about)."""
WARPS = (0.86, 1.14)
"""Range of the vocal-tract warps training imitates more speakers with."""
EXTRA_WORDS = {
    "en": ("ATTENTION", "OBLIQUE", "OUT", "END", "GROUP", "GROUPS", "MESSAGE", "BREAK", "REPEAT"),
    "de": ("ACHTUNG", "ENDE", "STRICH", "TRENNUNG", "GRUPPEN", "WIEDERHOLUNG"),
    "fr": ("ATTENTION", "FIN", "BARRE", "GROUPES", "MESSAGE", "RÉPÉTITION"),
    "es": ("ATENCIÓN", "FINAL", "BARRA", "GRUPOS", "MENSAJE", "REPITO"),
    "ru": ("ВНИМАНИЕ", "КОНЕЦ", "ЧЕРТА", "ГРУПП", "ПОВТОРЯЮ", "СООБЩЕНИЕ"),
}
"""Call-up and sign-off words besides those in the station profiles (class OTHER)."""
TAKES = 9
ONSET_DB = 40.0
"""A piece's label starts where its 10 ms energy first comes within this of its peak."""


@dataclass(frozen=True)
class Piece:
    """Something placed in a rendered sequence: samples [start, end), its class."""

    start: int
    end: int
    label: int


@dataclass(frozen=True)
class Rendered:
    """A sequence of audio and what is where in it; ``warp``: the vocal-tract warp its
    features are taken with (:func:`cinq.radio.features.mel_matrix`)."""

    audio: Audio
    pieces: tuple[Piece, ...]
    warp: float = 1.0

    def features(self) -> Frames:
        return features(self.audio, self.warp)

    def labels(self) -> NDArray[np.int8]:
        """The class of every frame (a frame belongs to what covers its centre)."""
        n = frame_count(len(self.audio))
        centres = np.arange(n) * HOP + WINDOW // 2
        out = np.full(n, SILENCE, np.int8)
        for p in self.pieces:
            out[(centres >= p.start) & (centres < p.end)] = p.label
        return out


def callup_words(lang: str) -> tuple[str, ...]:
    """The words (not digits) the station profiles of ``lang`` say, and
    :data:`EXTRA_WORDS`."""
    found: set[str] = set(EXTRA_WORDS.get(lang, ()))
    for path in sorted(STATIONS.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        if data.get("language") != lang:
            continue
        for step in data.get("script", []):
            text = step.get("say", "") if isinstance(step, dict) else ""
            found.update(w for w in str(text).split() if w.isalpha())
    return tuple(sorted(found))


# -- rendering ----------------------------------------------------------------------------


def _onset_span(x: Audio) -> tuple[int, int]:
    """Samples [start, end) of ``x`` within ONSET_DB of its loudest 10 ms."""
    n = max(len(x) // HOP, 1)
    energy = np.asarray([float(np.mean(c**2)) for c in np.array_split(x, n)]) + 1e-12
    loud = np.flatnonzero(energy >= energy.max() * 10 ** (-ONSET_DB / 10))
    bounds = np.linspace(0, len(x), n + 1).astype(int)
    return int(bounds[loud[0]]), int(bounds[loud[-1] + 1])


def _tone(rng: np.random.Generator) -> Audio:
    """An interval signal or a beep: one to six notes of 300-1500 Hz."""
    notes = []
    for _ in range(int(rng.integers(1, 7))):
        t = np.arange(int(rng.uniform(0.15, 0.7) * RATE)) / RATE
        note = np.sin(2 * np.pi * rng.uniform(300, 1500) * t) * np.hanning(len(t)) ** 0.2
        notes.append(note.astype(np.float32) * np.float32(rng.uniform(0.2, 0.8)))
    return np.concatenate(notes)


def _noise(rng: np.random.Generator) -> Audio:
    """A burst of noise (a carrier switched on, a crash), 0.1-0.8 s."""
    n = int(rng.uniform(0.1, 0.8) * RATE)
    return (rng.standard_normal(n) * rng.uniform(0.05, 0.4)).astype(np.float32)


@dataclass
class _Tape:
    """Where the next piece goes; filled while one sequence is rendered."""

    parts: list[Audio] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    length: int = 0

    def pause(self, seconds: float) -> None:
        self.parts.append(np.zeros(int(seconds * RATE), np.float32))
        self.length += len(self.parts[-1])

    def put(self, x: Audio, label: int) -> None:
        if label != SILENCE:
            lo, hi = _onset_span(x)
            self.pieces.append(Piece(self.length + lo, self.length + hi, label))
        self.parts.append(np.asarray(x, np.float32))
        self.length += len(x)


def _item(voice: Voice, words: Sequence[str], rng: np.random.Generator) -> tuple[Audio, int]:
    """One random thing to say or send: mostly a digit, else a word, a tone, a noise."""
    roll = rng.random()
    if roll < 0.1 and words and voice.engine != "fsdd":
        return voice.say(str(rng.choice(list(words)))), OTHER
    if roll < 0.13:
        return _tone(rng), SILENCE
    if roll < 0.15:
        return _noise(rng), SILENCE
    d = int(rng.integers(10))
    return voice.digit(str(d), int(rng.integers(TAKES))), d


def render(
    voice: Voice, words: Sequence[str], rng: np.random.Generator, *, seconds: float = 20.0
) -> Rendered:
    """About ``seconds`` of station-like reading by ``voice``: items with gaps of
    0.1-0.6 s, a longer gap (0.6-2 s) after every fifth."""
    tape = _Tape()
    tape.pause(rng.uniform(0.1, 1.5))
    count = 0
    slow = rng.uniform(0.8, 1.25)
    while tape.length < seconds * RATE:
        x, label = _item(voice, words, rng)
        tape.put(x * np.float32(rng.uniform(0.3, 1.0)), label)
        count += 1
        long_gap = count % 5 == 0 or label == OTHER
        tape.pause(slow * (rng.uniform(0.6, 2.0) if long_gap else rng.uniform(0.1, 0.6)))
    return Rendered(np.concatenate(tape.parts), tuple(tape.pieces))


def random_channel(rng: np.random.Generator) -> Shortwave:
    """A random shortwave channel of the conditions the recogniser must cope with."""

    def maybe(p: float, value: float) -> Any:
        return value if rng.random() < p else None

    return Shortwave(
        snr_db=maybe(0.85, float(rng.uniform(0.0, 30.0))),
        ssb=maybe(0.7, float(rng.choice([2.4, 2.7, 3.0]))),
        mistune=float(rng.normal(0.0, 60.0)) if rng.random() < 0.4 else 0.0,
        agc=bool(rng.random() < 0.5),
        fading=maybe(0.3, float(rng.uniform(0.2, 0.8))) or 0.0,
        selective_fading=maybe(0.2, float(rng.uniform(0.2, 0.7))) or 0.0,
        qrn_db=maybe(0.15, float(rng.uniform(-6.0, 6.0))),
        impulses_db=maybe(0.1, float(rng.uniform(-6.0, 10.0))),
        qrm_db=maybe(0.08, float(rng.uniform(-25.0, -10.0))),
        speed=float(rng.uniform(0.95, 1.05)) if rng.random() < 0.6 else 1.0,
    )


def through(rendered: Rendered, channel: Shortwave, rng: np.random.Generator) -> Rendered:
    """The sequence as received through ``channel`` (pieces moved with the speed)."""
    audio = channel.apply(rendered.audio, rng)
    ratio = len(audio) / max(len(rendered.audio), 1)
    pieces = tuple(
        Piece(round(p.start * ratio), round(p.end * ratio), p.label) for p in rendered.pieces
    )
    return Rendered(audio, pieces, rendered.warp)


def sequences(
    voices: Sequence[Voice],
    lang: str,
    *,
    seed: int,
    seconds: float,
    channel: Shortwave | None = None,
    warp: bool = False,
) -> Iterator[tuple[Voice, Rendered]]:
    """``seconds`` of received reading per voice (recorded speakers three times as
    much: they are few and the ones that matter), in 20 s sequences; ``warp``: each
    with a random vocal-tract warp within WARPS (for training)."""
    words = callup_words(lang)
    for i, voice in enumerate(voices):
        rng = np.random.default_rng([seed, i, _stable(voice.key)])
        total = seconds * (3 if voice.engine == "fsdd" else 1)
        for _ in range(max(1, round(total / 20.0))):
            clean = render(voice, words, rng)
            if warp:
                clean = replace(clean, warp=float(rng.uniform(*WARPS)))
            yield voice, through(clean, channel or random_channel(rng), rng)


def _stable(text: str) -> int:
    """A hash of ``text`` that is the same in every process (seeds from voice keys)."""
    return int.from_bytes(text.encode("utf-8")[:8].ljust(8, b"\0"), "little") ^ len(text)


# -- the datasets and the networks ---------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """Network inputs (rows x inputs, float32) and their classes."""

    inputs: Frames
    labels: NDArray[np.int8]

    @classmethod
    def frames(
        cls, rendered: Sequence[Rendered], *, speech_every: int = 3, silence_every: int = 9
    ) -> Dataset:
        """Every ``speech_every``-th frame of speech and ``silence_every``-th frame of
        silence of each sequence, as frame-network inputs (neighbours are nearly the
        same: the words, not the frames, are what varies)."""
        xs, ys = [], []
        for r in rendered:
            labels = r.labels()
            at = np.arange(len(labels))
            keep = np.where(labels == SILENCE, at % silence_every == 0, at % speech_every == 0)
            xs.append(stacked(r.features(), OFFSETS)[keep])
            ys.append(labels[keep])
        return cls(np.concatenate(xs), np.concatenate(ys))

    @classmethod
    def words(
        cls, rec: Recogniser, rendered: Sequence[Rendered], *, seed: int, copies: int = 2
    ) -> Dataset:
        """Word-network inputs: the stretches ``rec``'s frame network finds (labelled by
        the piece they overlap most), and ``copies`` of every piece's own span (each end
        moved by up to 40 ms) in the sequence's features and in those of two more
        vocal-tract warps (more speakers, for the price of features)."""
        rng = np.random.default_rng(seed)
        xs, ys = [], []
        for r in rendered:
            feats = r.features()
            for lo, hi in rec.segments(feats):
                xs.append(word_input(feats, lo, hi))
                ys.append(_truth(_seconds(lo), _seconds(hi), r.pieces))
            for warp in (r.warp, *rng.uniform(*WARPS, size=2)):
                x, y = _jittered(features(r.audio, float(warp)), r.pieces, rng, copies)
                xs += x
                ys += y
        return cls(np.stack(xs), np.asarray(ys, np.int8))


def _jittered(
    feats: Frames, pieces: Sequence[Piece], rng: np.random.Generator, copies: int
) -> tuple[list[NDArray[np.float32]], list[int]]:
    xs, ys = [], []
    for p in (p for p in pieces for _ in range(copies)):
        move = rng.integers(-4, 5, size=2)
        lo = max(p.start // HOP + int(move[0]), 0)
        hi = min(max(p.end // HOP + int(move[1]), lo + 2), len(feats))
        xs.append(word_input(feats, lo, hi))
        ys.append(min(p.label, NOT_A_DIGIT))
    return xs, ys


def _mlp(seed: int, hidden: Sequence[int], max_iter: int, alpha: float) -> Any:
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        raise MissingExtra("train", "sklearn", feature="training the recogniser") from None
    return MLPClassifier(
        hidden_layer_sizes=tuple(hidden),
        alpha=alpha,
        batch_size=256,
        learning_rate_init=1e-3,
        max_iter=max_iter,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=4,
        random_state=seed,
    )


def fit(
    data: Dataset,
    classes: int,
    *,
    seed: int,
    hidden: Sequence[int],
    max_iter: int,
    alpha: float = 1e-4,
) -> Network:
    """A network trained on ``data`` (scikit-learn), exported to NumPy."""
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    missing = set(range(classes)) - set(np.unique(data.labels).tolist())
    if missing:
        raise BadInput(f"training data has no examples of class(es) {sorted(missing)}")
    mean = data.inputs.mean(axis=0)
    scale = data.inputs.std(axis=0) + 1e-3
    net = _mlp(seed, hidden, max_iter, alpha)
    with threadpool_limits(1), warnings.catch_warnings():
        # One core, and the same sums in the same order every run. Stopping at max_iter
        # is a choice (training time), not news.
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        net.fit((data.inputs - mean) / scale, data.labels)
    return Network(
        mean.astype(np.float32),
        scale.astype(np.float32),
        tuple(np.asarray(w, np.float32) for w in net.coefs_),
        tuple(np.asarray(b, np.float32) for b in net.intercepts_),
    )


def train(
    lang: str,
    voices: Sequence[Voice],
    *,
    seed: int = 0,
    seconds: float = 60.0,
    hidden: Sequence[int] = HIDDEN,
    word_hidden: Sequence[int] = WORD_HIDDEN,
    max_iter: int = 30,
) -> Recogniser:
    """A recogniser for ``lang`` trained on ``voices`` (``seconds`` of reading each,
    through random shortwave channels). Not calibrated: see :func:`calibrate`."""
    if not voices:
        raise BadInput(f"no voices to train the {lang} recogniser on")
    rendered = [r for _, r in sequences(voices, lang, seed=seed, seconds=seconds, warp=True)]
    # The frame network only finds where words are: a few thousand seconds teach it that.
    frames = Dataset.frames(rendered[:: max(1, len(rendered) // FRAME_SEQUENCES)])
    counts = np.bincount(frames.labels, minlength=CLASSES).astype(np.float64) + 1.0
    frame_net = fit(frames, CLASSES, seed=seed, hidden=hidden, max_iter=max_iter)
    info = {"voices": [v.key for v in voices], "seconds": seconds, "seed": seed}
    info["frames"] = len(frames.labels)
    rec = Recogniser(
        lang=lang,
        offsets=np.asarray(OFFSETS, np.int64),
        frame=frame_net,
        word=_untrained_word_network(),
        priors=counts / counts.sum(),
        info=json.dumps(info, sort_keys=True),
    )
    words = Dataset.words(rec, rendered, seed=seed)
    word_net = fit(
        words, WORD_CLASSES, seed=seed, hidden=word_hidden, max_iter=3 * max_iter, alpha=1.0
    )
    info["words"] = len(words.labels)
    return replace(rec, word=word_net, info=json.dumps(info, sort_keys=True))


def _untrained_word_network() -> Network:
    """A placeholder word network (uniform outputs) while the frame network is trained."""
    n = word_inputs()
    return Network(
        np.zeros(n, np.float32),
        np.ones(n, np.float32),
        (np.zeros((n, WORD_CLASSES), np.float32),),
        (np.zeros(WORD_CLASSES, np.float32),),
    )


def held_out(voices: Sequence[Voice]) -> list[Voice]:
    """The voices kept out of training, for calibration and measurement: of each engine
    that has several voices, the middle one in the order given (e.g. ``fsdd:jackson``
    of george, jackson, lucas)."""
    by_engine: dict[str, list[Voice]] = {}
    for v in voices:
        by_engine.setdefault(v.engine, []).append(v)
    return [vs[len(vs) // 2] for vs in by_engine.values() if len(vs) >= 2]


# -- words against the truth ------------------------------------------------------------


@dataclass(frozen=True)
class Heard:
    """A word the recogniser heard, what was really there (0-9, or NOT_A_DIGIT), and the
    word network's uncalibrated log-odds (for fitting the temperature)."""

    word: Word
    truth: int
    logits: NDArray[np.float64]


def _truth(start: float, end: float, pieces: Sequence[Piece]) -> int:
    """The class of the piece [start, end) overlaps most (NOT_A_DIGIT: none, or not a
    digit)."""
    best, label = 0.0, NOT_A_DIGIT
    for p in pieces:
        overlap = min(end, p.end / RATE) - max(start, p.start / RATE)
        if overlap > best:
            best, label = overlap, min(p.label, NOT_A_DIGIT)
    return label


def heard(rec: Recogniser, rendered: Rendered) -> list[Heard]:
    """Every word ``rec`` hears in ``rendered``, with its truth."""
    words = rec.words(rendered.audio)
    if not words:
        return []
    feats = features(rendered.audio)
    spans = [(round(w.start * RATE / HOP - 0.75), round(w.end * RATE / HOP - 0.75)) for w in words]
    raw = rec.word_logits(feats, spans).astype(np.float64) * rec.word_temperature
    return [
        Heard(w, _truth(w.start, w.end, rendered.pieces), z)
        for w, z in zip(words, raw, strict=True)
    ]


def _word_nll(logits: NDArray[np.float64], truth: NDArray[np.int64], t: float) -> float:
    logp = log_softmax((logits / t).astype(np.float32)).astype(np.float64)
    return float(-np.mean(logp[np.arange(len(truth)), truth]))


def _best_temperature(nll: Any) -> float:
    from scipy.optimize import minimize_scalar

    found = minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded")
    return round(float(found.x), 4)


def calibrate(
    rec: Recogniser, voices: Sequence[Voice], *, seed: int = 1, seconds: float = 40.0
) -> Recogniser:
    """``rec`` with its frame and word temperatures fitted (least log loss) on
    ``voices``, which must not be among those it was trained on (at least one: a
    temperature fitted on the training voices would make it overconfident)."""
    if not voices:
        raise ValueError(f"calibrate: no {rec.lang} voice held out to calibrate on")
    rendered = [r for _, r in sequences(voices, rec.lang, seed=seed, seconds=seconds)]
    feats = [features(r.audio) for r in rendered]
    logits = np.concatenate([rec.frame.logits(rec.stack(f)) for f in feats]).astype(np.float64)
    labels = np.concatenate([r.labels() for r in rendered]).astype(np.int64)
    frame_t = _best_temperature(lambda t: _word_nll(logits, labels, t))
    rec = replace(rec, frame_temperature=frame_t, word_temperature=1.0)
    found = [h for r in rendered for h in heard(rec, r)]
    raw = np.array([h.logits for h in found])
    truth = np.array([h.truth for h in found])
    word_t = _best_temperature(lambda t: _word_nll(raw, truth, t))
    info = {**json.loads(rec.info), "calibrated_on": [v.key for v in voices]}
    return replace(rec, word_temperature=word_t, info=json.dumps(info, sort_keys=True))


# -- measuring ----------------------------------------------------------------------------

BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001)


@dataclass(frozen=True)
class Reliability:
    """Words whose confidence fell in [low, high): how many, how sure, how often right."""

    low: float
    high: float
    words: int
    confidence: float
    accuracy: float

    def to_json(self) -> dict[str, object]:
        return {
            "bin": [self.low, min(self.high, 1.0)],
            "words": self.words,
            "mean_confidence": round(self.confidence, 4),
            "accuracy": round(self.accuracy, 4),
        }


@dataclass(frozen=True)
class Evaluation:
    """How a recogniser reads the digits of some voices.

    Of the digits said: ``correct`` read right and sure (confidence >= threshold),
    ``marked`` read unsure (would be written ``?``), ``silent`` read wrong but sure,
    ``missed`` not heard as a word at all. ``inserted``: sure digits where none was said.
    """

    voices: tuple[str, ...]
    threshold: float
    digits: int
    correct: int
    marked: int
    silent: int
    missed: int
    inserted: int
    accuracy: float  # the likeliest reading right, whatever its confidence
    table: tuple[Reliability, ...]

    def to_json(self) -> dict[str, object]:
        n = max(self.digits, 1)
        return {
            "voices": list(self.voices),
            "threshold": self.threshold,
            "digits": self.digits,
            "digit_accuracy": round(self.accuracy, 4),
            "correct_sure": round(self.correct / n, 4),
            "marked_rate": round(self.marked / n, 4),
            "silent_rate": round(self.silent / n, 4),
            "missed_rate": round(self.missed / n, 4),
            "inserted_rate": round(self.inserted / n, 4),
            "calibration": [r.to_json() for r in self.table],
        }


def _table(found: Sequence[Heard]) -> tuple[Reliability, ...]:
    conf = np.array([h.word.confidence for h in found])
    right = np.array([h.word.best == h.truth for h in found])
    rows = []
    for low, high in itertools.pairwise(BINS):
        inside = (conf >= low) & (conf < high)
        if inside.any():
            rows.append(
                Reliability(
                    low,
                    high,
                    int(inside.sum()),
                    float(conf[inside].mean()),
                    float(right[inside].mean()),
                )
            )
    return tuple(rows)


def _score(found: Sequence[Heard], pieces: Sequence[Piece], threshold: float) -> dict[str, int]:
    digits = [p for p in pieces if p.label < 10]
    counts = {"digits": len(digits), "correct": 0, "marked": 0, "silent": 0, "missed": 0}
    counts["right"] = 0
    for p in digits:
        near = [h for h in found if h.word.end > p.start / RATE and h.word.start < p.end / RATE]
        if not near:
            counts["missed"] += 1
            continue
        w = max(
            near, key=lambda h: min(h.word.end, p.end / RATE) - max(h.word.start, p.start / RATE)
        ).word
        counts["right"] += w.best == p.label
        sure = w.confidence >= threshold
        key = "marked" if not sure else ("correct" if w.best == p.label else "silent")
        counts[key] += 1
    counts["inserted"] = sum(
        h.truth == NOT_A_DIGIT and h.word.digit is not None and h.word.confidence >= threshold
        for h in found
    )
    return counts


def evaluate(
    rec: Recogniser,
    voices: Sequence[Voice],
    *,
    channel: Shortwave | None = None,
    seconds: float = 40.0,
    seed: int = 2,
    threshold: float = 0.9,
) -> Evaluation:
    """Read ``seconds`` of digits per voice through ``channel`` (None: random channels)
    and count how the digits came out (see :class:`Evaluation`)."""
    totals = {"digits": 0, "correct": 0, "marked": 0, "silent": 0, "missed": 0, "right": 0}
    totals["inserted"] = 0
    everything: list[Heard] = []
    for _, r in sequences(voices, rec.lang, seed=seed, seconds=seconds, channel=channel):
        found = heard(rec, r)
        everything += found
        for k, v in _score(found, r.pieces, threshold).items():
            totals[k] += v
    right = totals.pop("right")
    return Evaluation(
        voices=tuple(v.key for v in voices),
        threshold=threshold,
        accuracy=right / max(totals["digits"], 1),
        table=_table(everything),
        **totals,
    )
