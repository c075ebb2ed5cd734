"""Copying a numbers-station recording back into groups: the entry point.

Voice: the speaker-independent recogniser (:mod:`cinq.radio.recogniser`) hears the
words, each with calibrated probabilities of the ten digits and of "not a digit"; the
decoder (:mod:`cinq.radio.decode`) measures the cadence from them, reads the call-up
wherever it is, lays the readings on the profile's script and votes every figure
(:mod:`cinq.radio.timing`, :mod:`cinq.radio.callup`, :mod:`cinq.radio.passes`,
:mod:`cinq.radio.vote`). A figure whose vote is not sure is written ``?``, never
guessed; the copy is clean only when it is complete by the call-up's count
(:mod:`cinq.radio.reception`). :func:`receive_file` streams a recording from its file,
so memory is bounded by the recogniser's window, not the recording.

A recogniser adapted to no voice (the general one, given or not) reads every voice as
a stranger's, held to the strict bar, unless ``known`` recognised one of the station's
own voices: only a recogniser adapted to a voice (``Recogniser.adapted``) is judged by
how familiar the recording's voice sounds.

A known voice's copy that is not clean is corroborated by that voice's own digit
templates (:mod:`cinq.radio.corroborate`): they fill its ``?`` only where their copy
agrees with every figure the recogniser was sure of.

Digit *templates* (:class:`VoiceModel`, given; or cinq's own
voice for a language with no recogniser shipped, noted) are read thus: each template
slides over the recording's spectrogram, the message is the lattice of digit slots the
cadence implies, and the call-up is counted back from the first group.

Morse: :mod:`cinq.radio.morse_rx` (the tone found, the speed measured), re-exported
here as :func:`receive_morse`.
"""

from __future__ import annotations

import itertools
import math
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import maximum_filter1d
from scipy.signal import oaconvolve, stft

from ..document import UNKNOWN
from ..errors import BadInput
from . import RATE, voices
from .audio import blocks, duration, read
from .decode import decode
from .morse_rx import receive_morse, receive_morse_blocks
from .profiles import Profile, Step
from .reception import Reception, Unsure, reception
from .recogniser import MODELS, Recogniser
from .speech import Audio, say
from .synth import DEFAULT_ID, Speaker, digit_slot, expand

if TYPE_CHECKING:
    from .known import Reader
    from .words import Word

__all__ = [
    "Reception",
    "Unsure",
    "check_samples",
    "receive",
    "receive_file",
    "receive_morse",
    "recogniser",
]

HOP = 80  # 10 ms
NFFT = 256
BANDS = 87
FPS = RATE / HOP
UNSURE = 0.004  # a vote won by less than this (mean correlation) is written "?"

Features = NDArray[np.float32]


def check_samples(audio: Audio) -> None:
    """:class:`BadInput` for a recording with NaN or infinite samples (a float WAV can
    hold them): every measure of it would be NaN, and so every digit read from it."""
    if not np.isfinite(audio).all():
        raise BadInput("the recording has samples that are not numbers (NaN or infinite)")


def band_power(x: Audio) -> Features:
    """Band energies, frames x 24 bands over 300-3000 Hz, every 10 ms."""
    if len(x) < NFFT:
        x = np.pad(x, (0, NFFT - len(x)))
    n = 1 + (len(x) - NFFT) // HOP
    lo, hi = int(300 / RATE * NFFT), int(3000 / RATE * NFFT)
    edges = np.linspace(lo, hi, BANDS + 1).astype(int)
    window = np.hanning(NFFT)
    out = np.empty((n, BANDS), np.float32)
    # A few thousand frames at a time: a whole recording's spectrum would take eight
    # times its samples' memory. stft scales each spectrum by the window's sum: undone.
    for first in range(0, n, POWER_FRAMES):
        count = min(POWER_FRAMES, n - first)
        part = x[first * HOP : (first + count - 1) * HOP + NFFT]
        _, _, z = stft(  # type: ignore[call-overload]  # the stubs' windows omit arrays
            part, window=window, nperseg=NFFT, noverlap=NFFT - HOP,
            detrend=False, boundary=None, padded=False,
        )  # fmt: skip
        spec = (np.abs(z.T) * window.sum()) ** 2
        out[first : first + count] = np.add.reduceat(spec[:, lo:hi], edges[:-1] - lo, axis=1)
    return out


POWER_FRAMES = 4096
"""Frames of :func:`band_power` computed at a time."""


@dataclass(frozen=True)
class Floor:
    """The recording's noise floor and speech level per band, to render templates
    the way the recording shows them (quiet parts sink into the same floor)."""

    noise: NDArray[np.float32]
    level: float

    @classmethod
    def of(cls, power: Features) -> Floor:
        noise = np.percentile(power, 20, axis=0).astype(np.float32) + 1e-12
        level = float(np.percentile(np.maximum(power - noise, 0), 97)) + 1e-12
        return cls(noise, level)

    def stream(self, power: Features) -> Features:
        return np.asarray(np.log(np.maximum(power - self.noise, 0.05 * self.noise)), np.float32)

    def template(self, power: Features) -> Features:
        scaled = power * (self.level / (float(np.percentile(power, 97)) + 1e-12))
        return np.asarray(np.log(np.maximum(scaled, 0.05 * self.noise)), np.float32)


@dataclass(frozen=True)
class VoiceModel:
    """Digit templates of one voice (band powers), and the reading cadence."""

    name: str
    templates: Mapping[str, Features]
    slot: float  # seconds from one digit's start to the next
    words: Mapping[str, float] = field(default_factory=dict)  # seconds each word takes

    @classmethod
    def synthesized(cls, lang: str, digit_gap: float, words: Sequence[str] = ()) -> VoiceModel:
        """The templates of cinq's own voice for ``lang`` (and the lengths of ``words``)."""
        return cls(
            f"espeak-ng {lang}",
            {d: band_power(say(d, lang)) for d in "0123456789"},
            digit_slot(lang, digit_gap),
            {w: len(say(w, lang)) / RATE for w in words},
        )

    @classmethod
    def learn(cls, audio: Audio, labels: str, *, name: str = "learnt") -> VoiceModel:
        """Templates cut from a recording of the digits ``labels`` spoken in order, with
        pauses between them (at least the ten digits)."""
        if not labels.isascii() or not labels.isdigit() or set(labels) != set("0123456789"):
            raise BadInput(f"the labels {labels!r} must be digits covering all ten (0123456789)")
        if len(audio) == 0:
            raise BadInput("the recording is empty: no digits to learn")
        check_samples(audio)
        spans = _utterances(audio)
        # A word with a stop in it ("acht") shows as two bursts: join the closest
        # neighbours until there is one span per label.
        while len(spans) > len(labels):
            gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
            k = int(np.argmin(gaps))
            spans[k : k + 2] = [(spans[k][0], spans[k + 1][1])]
        if len(spans) != len(labels):
            raise BadInput(
                f"found {len(spans)} spoken words in the recording but {len(labels)} labels"
            )
        cuts: dict[str, list[Audio]] = {}
        for (a, b), d in zip(spans, labels, strict=True):
            cuts.setdefault(d, []).append(audio[a:b])
        if set(cuts) != set("0123456789"):
            raise BadInput("the labels must cover all ten digits")
        templates = {d: band_power(max(c, key=len)) for d, c in cuts.items()}
        starts = [a for a, _ in spans]
        slot = float(np.median(np.diff(starts))) / RATE if len(starts) > 1 else 1.0
        model = cls(name, templates, slot)
        problem = model._problem()  # e.g. noise cut into ten "digits" minutes apart
        if problem:
            raise BadInput(f"this recording is not the digits read one by one: {problem}")
        return model

    def save(self, path: str | Path) -> None:
        import io

        from ..files import atomic_write

        buf = io.BytesIO()
        arrays: dict[str, Any] = {f"d{k}": v for k, v in self.templates.items()}
        np.savez(buf, slot=np.float64(self.slot), name=np.str_(self.name), **arrays)
        atomic_write(path, buf.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> VoiceModel:
        try:
            with np.load(path) as z:
                templates = {k[1:]: np.asarray(z[k]) for k in z.files if k.startswith("d")}
                model = cls(str(z["name"]), templates, float(z["slot"]))
        # What numpy's loader raises on a file that is not a sound .npz (a damaged zip,
        # an array of objects it will not unpickle, a missing key).
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:
            raise BadInput(f"{path} is not a cinq voice file: {e}") from None
        problem = model._problem()
        if problem:
            raise BadInput(f"{path} is not a cinq voice file: {problem}")
        return model

    def _problem(self) -> str | None:
        """What makes a loaded model unusable (a file cinq did not write, or damaged)."""
        if set(self.templates) != set("0123456789"):
            return "it needs one template for each of the ten digits"
        for d, t in self.templates.items():
            if t.ndim != 2 or t.shape[1] != BANDS or not 0 < t.shape[0] <= 10 * FPS:
                return f"the template of {d} is not {BANDS} bands over 0-10 s"
            if t.dtype.kind != "f" or not np.isfinite(t).all():
                return f"the template of {d} holds values that are not numbers"
        if not (math.isfinite(self.slot) and 0 < self.slot <= 10):
            return f"a digit every {self.slot} s is no reading cadence"
        return None


def _utterances(x: Audio) -> list[tuple[int, int]]:
    """Sample spans of the words in a clean recording (energy above a threshold)."""
    env = np.convolve(np.abs(x), np.ones(160) / 160, mode="same")
    loud = env > 0.03 * float(env.max())  # low: quiet fricatives belong to the word
    edges = np.flatnonzero(np.diff(loud.astype(np.int8)))
    if loud[0]:
        edges = np.r_[0, edges]
    if loud[-1]:
        edges = np.r_[edges, len(x) - 1]
    spans = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=False)]
    merged: list[tuple[int, int]] = []
    for a, b in spans:  # join pieces of one word split by a short dip
        if merged and a - merged[-1][1] < 0.12 * RATE:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [(a, b) for a, b in merged if b - a > 0.08 * RATE]


def scores(power: Features, model: VoiceModel) -> NDArray[np.float32]:
    """``(10, frames)``: correlation of each digit template starting at each frame."""
    floor = Floor.of(power)
    feats = floor.stream(power)
    n = len(feats)
    out = np.full((10, n), -1.0, dtype=np.float32)
    s1 = np.r_[0.0, np.cumsum(feats.sum(axis=1, dtype=np.float64))]
    s2 = np.r_[0.0, np.cumsum((feats.astype(np.float64) ** 2).sum(axis=1))]
    for d in range(10):
        t = floor.template(model.templates[str(d)]).astype(np.float64)
        length = len(t)
        if length > n:
            continue
        y = t - t.mean()
        cells = length * feats.shape[1]
        w1 = s1[length:] - s1[:-length]
        w2 = s2[length:] - s2[:-length]
        var = np.maximum(w2 - w1**2 / cells, 1e-9)
        out[d, : n - length + 1] = _correlation(feats, y) / (np.sqrt(var) * np.sqrt((y**2).sum()))
    return out


def _correlation(feats: Features, y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(frames - len(y) + 1,)``: the recording's correlation with template ``y`` at
    each start, summed over the bands; by overlap-add (``scipy.signal.oaconvolve``), a
    few bands at a time, so that its memory is a few blocks, not the recording's
    spectrum (which took most of the templates' memory: 0.8 MB per second of audio)."""
    total = np.zeros(len(feats) - len(y) + 1)
    for b in range(0, feats.shape[1], CORRELATION_BANDS):
        part = oaconvolve(feats[:, b : b + CORRELATION_BANDS], y[::-1, b : b + CORRELATION_BANDS],
                          mode="valid", axes=0)  # fmt: skip
        total += part.sum(axis=1)
    return total


CORRELATION_BANDS = 8
"""Bands of :func:`_correlation` convolved at a time."""


BLOCK_SECONDS = 60.0
"""Seconds of a recording read from its file at a time (:func:`receive_file`)."""


def receive(
    audio: Audio,
    profile: Profile,
    *,
    model: Recogniser | VoiceModel | None = None,
    voice: str | None = None,
    vote: bool = True,
    known: bool = False,
) -> Reception:
    """Copy a recording of a ``profile`` station.

    Parameters
    ----------
    audio
        The recording, at :data:`~cinq.radio.RATE`.
    profile
        The station: its script is the grammar of the transmission.
    model
        A recogniser (:mod:`cinq.radio.recogniser`; a voice learnt with ``cinq voice
        learn`` is one), or digit templates; default: the recogniser shipped for the
        language (:func:`recogniser`), or, for a language with none, templates of
        cinq's own voice (noted).
    voice
        A language (``fr``) or a voice key (``pico:en-US``) whose language to read in,
        when it is not the station's.
    vote
        False reads only the first reading heard of each group (to measure what the
        repeats are worth).
    known
        With no ``model`` given, first recognise whether the recording is in one of
        the station's own voices (:mod:`cinq.radio.known`) and read it with that
        voice's recogniser if so (noted either way; the first time, that recogniser is
        learnt and cached: about a minute); a voice it does not recognise is read by
        the general recogniser as a stranger's (``decode``'s ``stranger``: its repeats
        count as one reading, and a digit must be surer). False: the general
        recogniser reads it as a stranger's all the same (noted), since nothing
        checked the voice: a recogniser sure of a voice it never heard is sure of
        wrong digits. So is a general recogniser given as ``model``; only one adapted
        to a voice (``Recogniser.adapted``: a learnt voice) is held to the bar of how
        familiar its voice sounds (:mod:`cinq.radio.familiarity`).
    """
    check_samples(audio)
    if profile.mode == "morse":
        return receive_morse(audio, profile, vote=vote)
    general = recogniser(profile, voice) if model is None else None
    model = model if model is not None else general
    if isinstance(model, Recogniser):
        chosen = _chosen(model, lambda: audio, profile, voice, check=known and general is not None)
        got = _decoded(chosen, chosen.recogniser.words(audio), profile, vote=vote)
        return _corroborated(got, chosen, lambda: audio, profile, model, vote=vote)
    got = _receive_voice(audio, profile, model or _own_voice(profile, voice), vote=vote)
    return got if model else replace(got, notes=(*got.notes, _templates_note(profile, voice)))


def receive_file(
    path: str | Path,
    profile: Profile,
    *,
    model: Recogniser | VoiceModel | None = None,
    voice: str | None = None,
    vote: bool = True,
    known: bool = False,
    seconds: float = BLOCK_SECONDS,
) -> Reception:
    """:func:`receive` of the recording in the file at ``path``. With a recogniser it
    is read ``seconds`` at a time: the memory held is the recogniser's window and the
    words heard, not the recording (its first minute is read once more first, to
    recognise its voice: ``known``); Morse is read block by block too (a block and the
    envelope held; cinq's own voice read from templates for a language with no
    recogniser reads it whole)."""
    if profile.mode == "morse":
        return receive_morse_blocks(
            lambda: (_checked(chunk) for chunk in blocks(path, seconds)), profile, vote=vote
        )
    general = recogniser(profile, voice) if profile.mode == "voice" and model is None else None
    model = model if model is not None else general
    if not isinstance(model, Recogniser):
        return receive(read(path), profile, model=model, voice=voice, vote=vote, known=False)
    check = known and general is not None
    chosen = _chosen(model, lambda: _head(path, seconds), profile, voice, check=check)
    words = chosen.recogniser.words(_checked(chunk) for chunk in blocks(path, seconds))
    got = _decoded(chosen, words, profile, vote=vote)

    def whole() -> Audio | None:  # read again, only if short enough to hold
        return read(path) if duration(path) <= CORROBORATE_SECONDS else None

    return _corroborated(got, chosen, whole, profile, model, vote=vote)


CORROBORATE_SECONDS = 600
"""The longest recording :func:`receive_file` reads whole to corroborate a known voice's
copy with its templates (:mod:`cinq.radio.corroborate`): ten minutes, as long as a
station's transmission runs. Reading templates takes about 0.13 MB per second of audio
(measured: 229 MB at the peak for 9.4 minutes of French E11, imports included); a
longer recording is read by the recogniser alone, its memory bounded by its window."""


def _corroborated(
    got: Reception,
    chosen: Reader,
    whole: Callable[[], Audio | None],
    profile: Profile,
    general: Recogniser,
    *,
    vote: bool,
) -> Reception:
    """``got``, a known voice's copy that is not clean, with its ``?`` filled from the
    voice's own templates where they corroborate it (:mod:`cinq.radio.corroborate`);
    for a voice only near a known one, :func:`_near`. ``whole()`` is the recording, or
    None where it is too long to hold."""
    speaker = chosen.speaker
    if (speaker is None and chosen.near is None) or (speaker is not None and got.clean):
        return got
    audio = whole()
    if audio is None:
        return got
    if speaker is None:
        return _near(got, chosen, audio, profile, general, vote=vote)
    from .corroborate import corroborate

    return corroborate(got, _templates_copy(audio, profile, speaker, vote)).copy


def _templates_copy(audio: Audio, profile: Profile, speaker: Speaker, vote: bool) -> Reception:
    """The recording read with ``speaker``'s own digit templates."""
    from .known import templates

    return _receive_voice(audio, profile, templates(speaker, profile), vote=vote)


def _near(
    got: Reception,
    chosen: Reader,
    audio: Audio,
    profile: Profile,
    general: Recogniser,
    *,
    vote: bool,
) -> Reception:
    """A voice closer to a known one than to any other, but not by the margin to be
    taken for it (:data:`~cinq.radio.known.NEAR`): read by that voice's recogniser too,
    and that copy taken, instead of the stranger's ``got``, only when the voice's own
    templates corroborate it on at least
    :data:`~cinq.radio.corroborate.MIN_SUPPORT` figures and contradict none."""
    from .corroborate import MIN_SUPPORT, corroborate
    from .known import known_reader

    if chosen.near is None or chosen.verdict is None:
        return got
    said = (
        f"read with the station's known voice {chosen.near.key}, not recognised clearly "
        f"(ratio {chosen.verdict.ratio:.2f}) but corroborated by its own digit templates"
    )
    try:
        other = known_reader(chosen.near, profile, general, chosen.verdict, said)
    except BadInput:
        return got
    copy = _decoded(other, other.recogniser.words(audio), profile, vote=vote)
    found = corroborate(copy, _templates_copy(audio, profile, chosen.near, vote))
    return found.copy if found.support >= MIN_SUPPORT else got


def _chosen(
    model: Recogniser,
    head: Callable[[], Audio],
    profile: Profile,
    voice: str | None,
    *,
    check: bool,
) -> Reader:
    """Who reads the recording: with ``check``, the station's known voice recognised in
    its ``head()`` (else the general ``model``, noted); otherwise ``model`` as given."""
    return _reader(head(), profile, model, voice) if check else _given(model)


def _decoded(chosen: Reader, words: Sequence[Word], profile: Profile, *, vote: bool) -> Reception:
    """The copy of ``words``, read as ``chosen`` says (strictly for a stranger), noted."""
    return _noted(decode(words, profile, vote=vote, stranger=chosen.stranger), chosen.notes)


def _reader(head: Audio, profile: Profile, general: Recogniser, voice: str | None) -> Reader:
    """:func:`cinq.radio.known.reader` (imported here: it builds on this module)."""
    from .known import reader

    return reader(head, profile, general, voice)


def _given(model: Recogniser) -> Reader:
    """``model`` read as it is, the voice not checked against the station's own: a
    general recogniser as a stranger's (noted), one adapted to a voice as familiar as
    that voice sounds."""
    from .known import Reader

    return Reader(model, () if model.adapted else (UNCHECKED,), None)


UNCHECKED = "general recogniser, the voice not checked against the station's own: read strictly"


def _head(path: str | Path, seconds: float) -> Audio:
    """The first minute or so of the recording at ``path`` (whole blocks of ``seconds``)."""
    from .known import HEAD_SECONDS

    taken: list[Audio] = []
    for chunk in blocks(path, seconds):
        taken.append(_checked(chunk))
        if sum(map(len, taken)) >= HEAD_SECONDS * RATE:
            break
    return np.concatenate(taken) if taken else np.zeros(0, np.float32)


def _noted(got: Reception, notes: Sequence[str]) -> Reception:
    """``got`` with ``notes`` before its own."""
    return replace(got, notes=(*notes, *got.notes)) if notes else got


def recogniser(profile: Profile, voice: str | None = None) -> Recogniser | None:
    """The recogniser shipped for ``voice``'s language (a language, or a voice key such
    as ``pico:en-US``), else the station's; None when none is shipped for it."""
    lang = _language(profile, voice)
    return Recogniser.load(lang) if (MODELS / f"{lang}.npz").is_file() else None


def _language(profile: Profile, voice: str | None) -> str:
    if voice is None:
        return profile.language
    return voices.voice(voice).lang if ":" in voice else voice


def _templates_note(profile: Profile, voice: str | None) -> str:
    lang = _language(profile, voice)
    return f"no recogniser shipped for {lang!r}: read with templates of cinq's own voice"


def _own_voice(profile: Profile, voice: str | None) -> VoiceModel:
    """The templates of cinq's own voice for the station (or ``voice``'s language)."""
    words = {
        w
        for step in profile.script
        if step.kind == "say"
        for w in expand(step.text, DEFAULT_ID, 1)
        if not w.isdigit() and w != "/"
    }
    model = VoiceModel.synthesized(_language(profile, voice), profile.timing.digit_gap)
    return replace(model, words={w: len(say(w, profile.language)) / RATE for w in words})


def _checked(chunk: Audio) -> Audio:
    check_samples(chunk)
    return chunk


# -- voice --------------------------------------------------------------------------------


def _slot_scores(sc: NDArray[np.float32], frame: float, tol: int = 1) -> NDArray[np.float32]:
    """Each digit's best score within ``tol`` frames of ``frame``: a (10,) vector."""
    f = round(frame)
    lo, hi = max(f - tol, 0), min(f + tol + 1, sc.shape[1])
    if lo >= hi:
        return np.full(10, -1.0, dtype=np.float32)
    return np.asarray(sc[:, lo:hi].max(axis=1), np.float32)


@dataclass(frozen=True)
class _Cadence:
    """The message's cadence in frames: digit to digit, and one reading of a group to
    the next."""

    slot: float
    reading: float


@dataclass(frozen=True)
class _Pass:
    """One pass of the message: the frame where each group starts, how often each group
    is read in a row, and how well each group fits there."""

    starts: list[float]
    times: int
    fits: list[float]


@dataclass(frozen=True)
class _CallUp:
    """A reading of the call-up, made as if the first ``drop`` groups of the first pass
    were the call-up's own digits; ``clarity`` is the mean winning vote."""

    drop: int
    station_id: str | None
    count: int | None
    clarity: float


def _receive_voice(audio: Audio, p: Profile, model: VoiceModel, *, vote: bool) -> Reception:
    sc = scores(band_power(audio), model)
    best = sc.max(axis=0)
    slot = model.slot * FPS
    cadence = _Cadence(slot, 5 * slot + p.timing.repeat_gap * FPS)
    passes = _passes(best, p, cadence)
    if not passes:
        return Reception(p.name, (), None, None, notes=("no message groups found",))
    # The call-up's group count settles where each pass starts and ends: stray groups
    # at either end (the call-up's own cadence, a closing 00000) are cut off.
    plausible = _plausible_callups(sc, p, model, passes[0].starts)
    first = passes[0].starts
    call = max(
        plausible or [_callup(sc, p, model, first, 0, len(str(len(first))))],
        key=lambda c: c.clarity,
    )
    passes = _windowed(passes, call.count if plausible else None)
    # Re-centre every reading of every group on its own best alignment: the five digits
    # of a reading share one timing, so they are shifted together, not each alone.
    aligned = [
        replace(c, starts=[_align(best, t, cadence, c.times) for t in c.starts]) for c in passes
    ]
    voters = aligned if vote else [replace(c, times=1) for c in aligned[:1]]
    length = max(len(c.starts) for c in aligned)
    groups = tuple(
        "".join(_vote_digit(sc, voters, g, i, cadence) for i in range(5)) for g in range(length)
    )
    notes = []
    if len(passes) > 1:
        notes.append(f"the message was copied {len(passes)} times: votes over all readings")
    lengths = {len(c.starts) for c in aligned}
    if len(lengths) > 1:
        notes.append(f"the passes differ in length: {sorted(lengths)} groups")
    return _reception(p, groups, call.station_id, call.count, notes)


def _reception(
    p: Profile, groups: tuple[str, ...], station_id: str | None, count: int | None, notes: list[str]
) -> Reception:
    """:func:`~cinq.radio.reception.reception` for a station's profile."""
    return reception(p.name, groups, station_id, count, notes)


def _passes(best: NDArray[np.float32], p: Profile, cadence: _Cadence) -> list[_Pass]:
    """Each pass of the message (a ``groups`` step), found strongest lattice first and
    masked out before the next is looked for; in the order they were sent."""
    slot, reading = cadence.slot, cadence.reading
    steps = [s for s in p.script if s.kind == "groups" for _ in range(s.repeat)]
    passes: list[_Pass] = []
    masked = best.copy()
    for times in sorted((s.times for s in steps), reverse=True):
        period = times * 5 * slot + (times - 1) * p.timing.repeat_gap * FPS
        period += p.timing.group_gap * FPS
        fit = _group_fit(masked, slot, reading, times, period)
        chain = _trim(_chain(fit, period), best, slot, reading, times)
        if chain:
            passes.append(_Pass(chain, times, [float(fit[round(t)]) for t in chain]))
            masked[max(int(chain[0] - slot), 0) : int(chain[-1] + period)] = -1.0
    return sorted(passes, key=lambda c: c.starts[0])


def _plausible_callups(
    sc: NDArray[np.float32], p: Profile, model: VoiceModel, first: list[float]
) -> list[_CallUp]:
    """Readings of the call-up whose group count fits the first pass: as announced, or
    up to four groups fewer (a closing 00000, the end of the call-up taken for groups)."""
    reads = [
        _callup(sc, p, model, first, drop, digits)
        for drop in range(min(4, len(first)))
        for digits in (1, 2, 3)
    ]
    return [
        r for r in reads if r.count and len(first) - r.drop - 4 <= r.count <= len(first) - r.drop
    ]


def _windowed(passes: list[_Pass], count: int | None) -> list[_Pass]:
    """Every pass cut to ``count`` groups (the call-up's); with no call-up to go by,
    to the length of the pass read most often."""
    if count:
        return [_window(c, count) for c in passes]
    if len(passes) > 1:
        surest = max(passes, key=lambda c: c.times)
        return [_window(c, len(surest.starts)) for c in passes]
    return passes


def _vote_digit(
    sc: NDArray[np.float32], passes: list[_Pass], g: int, i: int, cadence: _Cadence
) -> str:
    """Figure ``i`` of group ``g``, voted over every reading of it in ``passes``; ``?``
    when the vote is not clear, or when no pass holds the group."""
    votes = np.zeros(10, dtype=np.float32)
    readings = 0
    for c in passes:
        if g < len(c.starts):
            for r in range(c.times):
                votes += _slot_scores(sc, c.starts[g] + r * cadence.reading + i * cadence.slot)
                readings += 1
    order = np.argsort(votes)[::-1]
    if not readings or (votes[order[0]] - votes[order[1]]) / readings < UNSURE:
        return UNKNOWN
    return str(order[0])


def _trim(
    chain: list[float], best: NDArray[np.float32], slot: float, reading: float, times: int
) -> list[float]:
    """Drop groups at the ends of a chain that have a slot with no digit in it: a true
    group has a digit in every slot, the tail of a call-up or a spoken word does not."""
    if not chain:
        return chain
    offsets = [r * reading + i * slot for r in range(times) for i in range(5)]
    weakest = np.array(
        [min(float(_slot_scores(best[None, :], t + o, tol=2)[0]) for o in offsets) for t in chain]
    )
    good = np.flatnonzero(weakest >= 0.5 * float(np.median(weakest)))
    return chain[good[0] : good[-1] + 1] if good.size else []


def _window(c: _Pass, count: int) -> _Pass:
    """The ``count`` consecutive groups of a pass that fit best."""
    if len(c.starts) <= count:
        return c
    sums = np.convolve(c.fits, np.ones(count), mode="valid")
    k = int(np.argmax(sums))
    return replace(c, starts=c.starts[k : k + count], fits=c.fits[k : k + count])


def _align(best: NDArray[np.float32], start: float, cadence: _Cadence, times: int) -> float:
    """``start`` moved by up to 4 frames to where the group's digit slots fit best."""
    offsets = np.array(
        [r * cadence.reading + i * cadence.slot for r in range(times) for i in range(5)]
    )
    shifts = np.arange(-4, 5)
    frames = np.clip(
        np.round(start + shifts[:, None] + offsets[None, :]).astype(int), 0, len(best) - 1
    )
    return float(start + shifts[int(np.argmax(best[frames].sum(axis=1)))])


def _group_fit(
    best: NDArray[np.float32], slot: float, reading: float, times: int, period: float
) -> NDArray[np.float64]:
    """How well a whole group (all its readings) fits if it starts at each frame."""
    n = len(best)
    padded = np.r_[best, np.full(int(period) + 10, -1.0)]
    dil = maximum_filter1d(padded, size=5)
    offsets = [round(r * reading + i * slot) for r in range(times) for i in range(5)]
    return np.asarray(sum(dil[o : o + n] for o in offsets) / len(offsets), dtype=np.float64)


def _chain(fit: NDArray[np.float64], period: float) -> list[float]:
    """Group starts: the best run of alignments one group period apart.

    Any speech fits a digit template somewhat, so chains start only at the best
    alignment within half a period. From there the chain steps one period at a time,
    re-centred within a few frames, backwards and forwards; a weak group (a burst of
    noise, a fade) is stepped over as long as the next ones are strong again. The chain
    with the largest total fit wins."""
    peaks = np.flatnonzero(
        (maximum_filter1d(fit, size=max(int(period / 2), 3)) == fit) & (fit > 0.2)
    )
    # A chain scores by how far its groups stand above a typical peak: a long chain
    # through mere speech must not outweigh a short message of clear groups.
    base = float(np.median(fit[peaks])) if peaks.size else 0.0
    best: list[float] = []
    best_sum = -1.0
    for start in peaks[np.argsort(fit[peaks])[::-1][:50]]:
        threshold = 0.55 * float(fit[start])
        after = _grow(fit, period, float(start), 1, threshold)
        before = _grow(fit, period, float(start), -1, threshold)
        chain = [*before[::-1], float(start), *after]
        total = float(np.maximum(fit[np.array(chain, dtype=int)] - base, 0).sum())
        if total > best_sum:
            best, best_sum = chain, total
    return best


def _grow(
    fit: NDArray[np.float64], period: float, start: float, sign: int, threshold: float
) -> list[float]:
    """The groups after (``sign`` 1) or before (-1) the one at ``start``: one period at
    a time, each re-centred within a few frames; a weak group is stepped over while
    fewer than four in a row are weak."""
    tol = 6
    found: list[float] = []
    pending: list[float] = []
    t = start
    while len(pending) <= 3:
        c = round(t + sign * period)
        lo, hi = max(c - tol, 0), min(c + tol + 1, len(fit))
        if lo >= hi:
            break
        k = lo + int(np.argmax(fit[lo:hi]))
        if fit[k] > threshold:
            found += [*pending, float(k)]
            pending = []
            t = float(k)
        else:
            pending.append(float(c))
            t = float(c)
    return found


def _callup(
    sc: NDArray[np.float32],
    p: Profile,
    model: VoiceModel,
    first: list[float],
    drop: int,
    count_digits: int,
) -> _CallUp:
    """Read the station ID and group count (of ``count_digits`` digits) from the steps
    before group ``drop`` of the first pass (starting at frames ``first``), laid out
    backwards at the profile's cadence and voted over their repeats; also how clearly
    they read (the mean winning vote). Stops at a step whose length is not known (a word
    the voice model has no length for)."""
    votes: dict[tuple[str, int], NDArray[np.float32]] = {}
    k = next(i for i, s in enumerate(p.script) if s.kind == "groups")
    t = first[drop]
    for step in reversed(p.script[:k]):
        layout = _layout(step, p, model, count_digits)
        if layout is None:
            break
        span, slots = layout
        for rep in range(step.repeat):
            t -= (p.timing.phrase_gap if rep == 0 else p.timing.group_gap) * FPS + span
            for label, index, off in slots:
                vote = votes.setdefault((label, index), np.zeros(10, dtype=np.float32))
                vote += _slot_scores(sc, t + off)
    station = _read(votes, "id")
    count = _read(votes, "count")
    clarity = float(np.mean([v.max() for v in votes.values()])) if votes else -1.0
    return _CallUp(drop, station, int(count) if count else None, clarity)


def _layout(
    step: Step, p: Profile, model: VoiceModel, count_digits: int
) -> tuple[float, list[tuple[str, int, float]]] | None:
    """The frames a step takes, and where its {id}/{count} digits sit in it."""
    if step.kind == "pause":
        return step.seconds * FPS, []
    if step.kind == "tone":
        return sum(sec for _, sec in step.tones) * FPS, []
    slot = model.slot * FPS
    cursor = 0.0
    slots: list[tuple[str, int, float]] = []
    for token in expand(step.text, DEFAULT_ID, 0, keep_placeholders=True):
        if token == "/":
            cursor += p.timing.group_gap / 2 * FPS
        elif token in ("{id}", "{count}"):
            label = token.strip("{}")
            for i in range(len(DEFAULT_ID) if label == "id" else count_digits):
                slots.append((label, i, cursor))
                cursor += slot
        elif token.isdigit():
            cursor += slot
        elif token in model.words:
            cursor += (model.words[token] + p.timing.digit_gap) * FPS
        else:
            return None  # a spoken word whose length the voice model does not know
    return cursor, slots


def _read(votes: Mapping[tuple[str, int], NDArray[np.float32]], label: str) -> str | None:
    keys = sorted(i for lab, i in votes if lab == label)
    if not keys:
        return None
    return "".join(str(int(np.argmax(votes[label, i]))) for i in keys)
