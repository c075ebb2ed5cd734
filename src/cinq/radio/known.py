"""A station's own voices, known to the receiver.

cinq can render every voice a station profile names (:mod:`cinq.radio.voices`), so it
learns them itself: for a known voice it renders a few short broadcasts of the
station's words and groups through a clean channel, noise, an SSB filter and AGC, and
adapts the general recogniser to them as ``cinq voice learn`` does
(:func:`cinq.radio.learn.learn` on the recording and what it said): both output
layers, twice, then the words kept as examples of the voice
(:mod:`cinq.radio.exemplars`). The adapted
recogniser is cached on disk (:func:`cache_path`), keyed by the voice, the station's
words, the general model and :data:`VERSION`, and written atomically.

At reception the recording's voice is recognised first (:func:`recognise`): the digit
templates of each known voice (its own rendering of the ten digits) slide over the
recording's head, and a voice is taken for one of them only when its digits match
the templates as closely as that voice's own do through noise and an SSB filter
(:data:`FAMILIAR`); otherwise the general recogniser reads it. A voice closer to a
known voice than to any other, but not by that margin (:data:`NEAR`), is read by the
known voice's recogniser as well, and that copy is taken only when the voice's own
templates corroborate it (:func:`cinq.radio.receive.receive`,
:mod:`cinq.radio.corroborate`).

Measured with :func:`~cinq.radio.receive.receive_file` (``known=True``, as ``cinq
receive``), one 25-group message per condition: E11 in mbrola:us1 and in cinq's own
English and Spanish voices, exact and clean at clean, at 10 dB and through SSB 2.4 kHz
at 10 dB; G06 (mbrola:de2) and E03 (pico:en-GB) exact clean and at 10 dB, one group
marked through SSB (E03 sends no count: its copies are never clean); E11 in cinq's
French voice exact clean, 8 and 2 groups marked at 10 dB and through SSB. No figure
was wrong without a ``?``. The first use of a voice took 40-80 s on a busy two-core
machine (the rendering and two rounds of learning); later ones load it. Learning
skips ``cinq voice learn``'s check that the log matches the recording (``verify=False``:
cinq rendered both): building mbrola:us1's took 12 s without it and 17 s with it,
measured back to back.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import maximum_filter1d

from ..errors import BadInput, CannotWrite
from ..language.model import cache_dir
from . import RATE, synth, voices
from .channel import Shortwave, through
from .learn import learn
from .profiles import Profile, Step
from .receive import BANDS, FPS, VoiceModel, band_power, scores
from .recogniser import Recogniser
from .speech import Audio
from .synth import Speaker
from .transcript import Transcript

VERSION = 3
"""Bumped whenever the training material or the learning changes (old models unused).
3: the words kept as examples (receiver bench, own voices of all five languages, 200
groups per condition and language, 8,000 groups: silent 26 -> 9, G06 at 0 dB 15 -> 3;
marked 3,004 -> 2,949; copies exiting 0 130 -> 150 of 320, none wrong)."""


@dataclass(frozen=True)
class Take:
    """One training broadcast: how many groups, read with varied takes or not, and
    through which channel."""

    groups: int
    takes: bool
    channel: Shortwave


TRAINING: tuple[Take, ...] = (
    Take(6, False, Shortwave()),
    Take(8, False, Shortwave(snr_db=10.0)),
    Take(8, False, Shortwave(snr_db=10.0, ssb=2.4)),
    Take(8, False, Shortwave(snr_db=8.0, ssb=2.4, agc=True)),
    Take(6, True, Shortwave(snr_db=10.0, agc=True)),
)
"""The broadcasts a known voice is learnt from: clean, noisy, band-limited, levelled
(about 210 s of E11 in mbrola:us1). Each reads every digit as take 0, as ``cinq
broadcast`` does, but the last, whose takes vary in speed and pitch."""
ROUNDS = 2
"""Times the recogniser is adapted to the material, each round from the last one's.
Measured on E11 (mbrola:us1), three 25-group messages per condition: one round left
one group in 25 marked at 10 dB and up to four through SSB; two rounds copied 11 of
the 12 messages clean (clean, 10 dB, SSB 2.4 kHz at 10 dB, and with AGC), one group
marked in the twelfth, none wrong."""


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


def training_profile(profile: Profile) -> Profile:
    """The station's script with each of its phrases and its groups sent once (the
    groups read once), and no tones or pauses: its words and digits, and nothing that
    takes time to no purpose."""
    steps: list[Step] = []
    for s in profile.script:
        once = replace(s, repeat=1, real=0, fill=0.0, short=None, times=1)
        if s.kind in ("say", "groups") and once not in steps:
            steps.append(once)
    return replace(profile, script=tuple(steps))


def words(profile: Profile) -> tuple[str, ...]:
    """The words (not digits) the station says, sorted: part of a known voice's key."""
    found = {
        w
        for step in profile.script
        if step.kind == "say"
        for w in synth.expand(step.text, synth.DEFAULT_ID, 1)
        if not w.isdigit() and w != "/"
    }
    return tuple(sorted(found))


def _groups(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` groups in which every digit comes about as often."""
    figures = np.concatenate([rng.permutation(10) for _ in range(-(-5 * n // 10))])[: 5 * n]
    return ["".join(map(str, figures[5 * k : 5 * k + 5])) for k in range(n)]


@dataclass(frozen=True)
class Material:
    """A training recording and everything said in it, in order."""

    audio: Audio
    said: tuple[str, ...]


def material(speaker: Speaker, profile: Profile, training: Sequence[Take] = TRAINING) -> Material:
    """The ``training`` broadcasts of ``speaker`` reading ``profile``'s script, one
    after the other with a second of silence between them."""
    rng = np.random.default_rng(_seed(speaker.key))
    short = training_profile(profile)
    parts: list[Audio] = []
    said: list[str] = []
    for k, take in enumerate(training):
        station_id = "".join(map(str, rng.integers(0, 10, 3)))
        sent = synth.broadcast(
            _groups(rng, take.groups), short, voice=speaker.key, station_id=station_id,
            takes=take.takes,
        )  # fmt: skip
        heard = through(sent, take.channel, seed=k)
        parts += [heard.audio, np.zeros(RATE, np.float32)]
        said += [e.text for e in heard.timeline if e.kind in ("digit", "word")]
    return Material(np.concatenate(parts), tuple(said))


def build(
    speaker: Speaker, profile: Profile, base: Recogniser, training: Sequence[Take] = TRAINING
) -> Recogniser:
    """``base`` adapted to ``speaker`` reading ``profile``'s script (:func:`material`),
    :data:`ROUNDS` times, as ``cinq voice learn`` adapts it to a recording and its log
    (without its check that the log matches the recording: cinq rendered both)."""
    found = material(speaker, profile, training)
    log = Transcript(callup=found.said, groups=())
    model = base
    for k in range(ROUNDS):
        model = learn(
            found.audio, log, None, lang=base.lang, name=speaker.key, base=model,
            verify=False, examples=k == ROUNDS - 1,
        ).recogniser  # fmt: skip
    return model


def cache_path(
    speaker: Speaker, profile: Profile, base: Recogniser, training: Sequence[Take] = TRAINING
) -> Path:
    """Where the known voice's recogniser is cached: named by a digest of the voice,
    the station's words, the general model, the training and :data:`VERSION`."""
    said = (speaker.key, speaker.lang, *words(profile), repr(tuple(training)), str(RATE))
    ident = "\0".join((str(VERSION), *said, _digest(base)))
    name = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
    return cache_dir() / f"known-v{VERSION}" / f"{name}.npz"


def _digest(model: Recogniser) -> str:
    return hashlib.sha256(model.npz()).hexdigest()


@dataclass(frozen=True)
class Cached:
    """A known voice's recogniser, and what happened to the cache on the way (a note
    for the copy, or None)."""

    recogniser: Recogniser
    note: str | None = None


def load_or_build(
    speaker: Speaker, profile: Profile, base: Recogniser, training: Sequence[Take] = TRAINING
) -> Cached:
    """The known voice's recogniser from the cache, else built (:func:`build`) and
    cached. A damaged cache file is built again; a cache that cannot be written only
    costs time (noted)."""
    path = cache_path(speaker, profile, base, training)
    try:
        return Cached(Recogniser.load_file(path))
    except (BadInput, zlib.error):
        pass  # not built yet, or damaged: built below
    model = build(speaker, profile, base, training)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
    except (OSError, CannotWrite):
        return Cached(model, f"the known voice's model could not be cached in {path.parent}")
    return Cached(model)


def candidates(profile: Profile, voice: str | None = None) -> list[Speaker]:
    """The voices cinq reads ``profile``'s broadcasts in on this machine: the one
    ``cinq broadcast`` uses (the first of the profile's voices installed) and cinq's
    own voice of the station's language; with ``voice`` (a language or a voice key),
    that voice only."""
    if voice is not None:
        return [synth.speaker(voice, profile)]
    first = synth.speaker(None, profile)
    own = synth.Classic(profile.language)
    return [first] if first.key == own.key else [first, own]


HEAD_SECONDS = 60.0
"""Seconds at the start of a recording its voice is recognised from."""
MIN_SECONDS = 10.0
"""A recording shorter than this is read by the general recogniser (too little to tell
its voice by)."""
TOP_HZ = 2300.0
"""Templates are compared below this (an SSB filter keeps nothing above 2.4 kHz)."""
PEAKS = 30
"""The best matches of a voice's digit templates averaged into its score."""
FAMILIAR = 1.15
"""How many times closer a known voice's templates must come to the recording than any
other voice's of :func:`cohort` (closeness: one minus the score) to take the recording
for that voice (:func:`recognise`). Measured with every installed voice of English,
French, German and Spanish, 10 groups each clean, at 10 dB, through SSB 2.4 kHz at
10 dB and with AGC as well, the voice's own templates left out of the cohort (as if it
were not installed); known: E11's and G06's (mbrola:us1, mbrola:de2 and cinq's en and
de voices) and cinq's fr and es voices, each in three messages a condition. Chosen on
half the other voices and two of the three messages (others at most 1.00, own at
least 1.18 in fr and de), reported on the rest. No other voice taken (0 of 164, 72,
68, 48 English, French, German, Spanish recordings; at most 1.07); the own broadcasts
all taken clean, at 10 dB and through SSB at 10 dB, but with AGC as well only 1 of 6
in English (3 before) and 5 of 6 in German (those copies go to the general
recogniser). Before (a cohort of one voice per other engine, 1.5): 8 of 72, 7 of 68
and 11 of 48 recordings of espeak-ng variants (and of mbrola:de6 and pico:de-DE) taken
for a known voice in French, German and Spanish; the mbrola:us1 recogniser made to
read another voice's copy leaves most figures wrong and unmarked."""


def cohort(profile: Profile, voice: str | None = None) -> list[Speaker]:
    """The known voices (:func:`candidates`) and, to compare them with, every other
    installed voice of the language from a known voice's engine (its variants: the
    voices likeliest to be taken for it) and the first from each other engine.

    A voice that is a known one under another name is left out: ``espeak-ng:fr`` is
    cinq's own French voice (``fr``) read faster, and would leave the known voice no
    voice closer than itself."""
    known = candidates(profile, voice)
    engines = {k.engine for k in known}
    names = {(k.engine, k.key.rpartition(":")[2]) for k in known}
    others: dict[str, Speaker] = {}
    for v in voices.voices(known[0].lang):
        if (v.engine, v.name) in names:
            continue
        others.setdefault(v.key if v.engine in engines else v.engine, v)
    return [*known, *others.values()]


def _templates(speaker: Speaker, gap: float) -> VoiceModel:
    """The voice's digit templates (take 0, as a broadcast reads them) below
    :data:`TOP_HZ`."""
    bands = round(BANDS * (TOP_HZ - 300.0) / 2700.0)
    return VoiceModel(
        speaker.key,
        {d: band_power(speaker.digit(d))[:, :bands] for d in "0123456789"},
        synth.digit_slot(speaker, gap),
    )


def templates(speaker: Speaker, profile: Profile) -> VoiceModel:
    """The voice's digit templates to read a recording with (take 0, all bands; the
    station's words timed as the voice says them), for
    :mod:`cinq.radio.corroborate`."""
    return VoiceModel(
        speaker.key,
        {d: band_power(speaker.digit(d)) for d in "0123456789"},
        synth.digit_slot(speaker, profile.timing.digit_gap),
        {w: len(synth.word_speaker(speaker, profile).say(w)) / RATE for w in words(profile)},
    )


def _score(power: NDArray[np.float32], model: VoiceModel) -> float:
    """The mean of the :data:`PEAKS` best matches of the templates, at most one per
    half digit."""
    best = scores(power[:, : next(iter(model.templates.values())).shape[1]], model).max(axis=0)
    width = max(round(model.slot * FPS / 2), 3)
    peaks = np.sort(best[maximum_filter1d(best, size=width) == best])[::-1]
    return float(peaks[:PEAKS].mean()) if peaks.size else -1.0


@dataclass(frozen=True)
class Verdict:
    """Whose voice a recording is in: ``voice`` (a known voice's key) or None; each
    compared voice's score, and how many times closer the best known voice came than
    the next (:data:`FAMILIAR`)."""

    voice: str | None
    scores: Mapping[str, float]
    ratio: float

    def to_json(self) -> dict[str, object]:
        """The voice recognised (or None), the ratio and every voice's score."""
        return {
            "voice": self.voice,
            "ratio": round(self.ratio, 3),
            "scores": {k: round(v, 3) for k, v in self.scores.items()},
        }


def recognise(head: Audio, profile: Profile, voice: str | None = None) -> Verdict:
    """Whether the recording whose first seconds are ``head`` is read by one of the
    station's known voices (:func:`candidates`): the known voice whose digit templates
    match it best, when they come :data:`FAMILIAR` times closer to it than any other
    voice of :func:`cohort`."""
    speakers = cohort(profile, voice)
    known = {k.key for k in candidates(profile, voice)}
    power = band_power(head[: round(HEAD_SECONDS * RATE)])
    found = {s.key: _score(power, _templates(s, profile.timing.digit_gap)) for s in speakers}
    best = max(known, key=lambda k: found[k])
    rest = max((v for k, v in found.items() if k != best), default=-1.0)
    ratio = (1.0 - rest) / max(1.0 - found[best], 1e-3)
    return Verdict(best if ratio >= FAMILIAR else None, found, ratio)


@dataclass(frozen=True)
class Reader:
    """What reads a recording: a known voice's recogniser or the general one, and the
    note that says which (and anything that happened to the cache)."""

    recogniser: Recogniser
    notes: tuple[str, ...]
    verdict: Verdict | None  # None: not told (too short, or the voice not checked)
    speaker: Speaker | None = None  # the known voice recognised, if one was
    near: Speaker | None = None  # not recognised, but closest to this known voice

    @property
    def stranger(self) -> bool:
        """Whether the recording is read as a stranger's (``decode``'s ``stranger``): by
        a recogniser adapted to no voice, as the general one is when no known voice
        was recognised in it."""
        return not self.recogniser.adapted


UNKNOWN = "general recogniser: voice unknown, consider cinq voice learn"


def reader(head: Audio, profile: Profile, base: Recogniser, voice: str | None = None) -> Reader:
    """The recogniser for a recording whose first seconds are ``head``: the known
    voice's (:func:`load_or_build`) when :func:`recognise` takes it for one, else
    ``base``, the general recogniser (also for a recording under :data:`MIN_SECONDS`,
    and, noted, when a voice cannot be rendered or learnt: an engine that fails). A
    voice not taken, but closer to a known one than to any other voice (a ratio of
    :data:`NEAR` or more), names that one as ``near``."""
    if len(head) < MIN_SECONDS * RATE:
        return Reader(base, (UNKNOWN,), None)
    try:
        verdict = recognise(head, profile, voice)
        best = max(candidates(profile, voice), key=lambda s: verdict.scores[s.key])
        if verdict.voice is None:
            return Reader(base, (UNKNOWN,), verdict, near=best if verdict.ratio >= NEAR else None)
        return known_reader(best, profile, base, verdict)
    except BadInput as e:  # reception goes on without the known voices
        return Reader(base, (f"{UNKNOWN} (the station's voices: {e})",), None)


def known_reader(
    speaker: Speaker,
    profile: Profile,
    base: Recogniser,
    verdict: Verdict,
    said: str | None = None,
) -> Reader:
    """``speaker``'s recogniser (learnt the first time, then cached), noted ``said``
    (default: read with that known voice).

    Raises
    ------
    BadInput
        The voice cannot be rendered or learnt.
    """
    cached = load_or_build(speaker, profile, base)
    said = said or f"read with the station's known voice {speaker.key}"
    return Reader(cached.recogniser, (said, *filter(None, [cached.note])), verdict, speaker)


NEAR = 1.0
"""The ratio (:func:`recognise`) from which a voice not taken for a known one is still
read by that one's recogniser as well, and taken for it only when its own templates
corroborate that reading (:func:`cinq.radio.receive.receive`): the known voice is
closer to it than any other voice is."""
