"""A message as the audio a numbers station would send, with its timeline."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf

from ..digits import check_group
from ..errors import BadInput
from ..files import atomic_write
from . import RATE, morse, voices
from .profiles import Profile, Step
from .speech import VOICES, Audio, say, silence, tone
from .voices import Voice

DEFAULT_ID = "123"
# No numbers station sends for three hours: a longer transmission is refused as it grows
# (at 8 kHz, three hours are 350 MB of samples), and a document of more groups than
# any message is refused before any work.
MAX_SECONDS = 3 * 3600
MAX_GROUPS = 2000
MIN_GAP = 0.3
"""Seconds of silence at least between two sendings of a call-up stretched to its length."""


@dataclass(frozen=True)
class Event:
    """Something sent: a ``digit``, a ``word``, a ``tone``, one playing of the station's
    ``interval`` signal, a whole ``group``, or a whole ``callup`` (a call-up step with
    all its repeats; its text is the phrase, e.g. ``123 OBLIQUE 38``)."""

    start: float
    end: float
    kind: str
    text: str

    def to_json(self) -> dict[str, object]:
        """The event as a JSON-ready dict, times in seconds to the millisecond; a
        ``group`` event as ``{"group", "start", "end"}``, any other as
        ``{"kind", "text", "start", "end"}``."""
        head = (
            {"group": self.text} if self.kind == "group" else {"kind": self.kind, "text": self.text}
        )
        return head | {"start": round(self.start, 3), "end": round(self.end, 3)}


@dataclass(frozen=True)
class Transmission:
    """A transmission: its audio and what was sent when.

    Attributes
    ----------
    audio
        ``(samples,)`` float32 at ``rate``, peak at most 1.
    timeline
        Every digit, word, tone and group sent, in order of their start (a ``group``
        event spans all its readings).
    profile
        The station whose format it follows.
    voice
        The key of the voice that spoke (``mbrola:us1``, see :mod:`cinq.radio.voices`),
        or a language code (``en``) when cinq's own espeak-ng voice for it spoke.
    rate
        Samples per second.
    """

    audio: Audio
    timeline: tuple[Event, ...]
    profile: Profile
    voice: str
    rate: int = RATE

    @property
    def seconds(self) -> float:
        """How long it lasts."""
        return len(self.audio) / self.rate

    @property
    def group_events(self) -> tuple[Event, ...]:
        """The ``group`` events of the timeline: when each group of the message was sent."""
        return tuple(e for e in self.timeline if e.kind == "group")

    def to_json(self) -> dict[str, object]:
        """The station, voice, length in seconds, when each group was sent, and when
        each call-up and each playing of the interval signal was, as a JSON-ready dict
        (the audio itself is :meth:`wav`)."""
        return {
            "station": self.profile.name,
            "voice": self.voice,
            "seconds": round(self.seconds, 3),
            "groups": [e.to_json() for e in self.group_events],
            "callups": [e.to_json() for e in self.timeline if e.kind == "callup"],
            "intervals": [e.to_json() for e in self.timeline if e.kind == "interval"],
        }

    def wav(self) -> bytes:
        """The audio as a 16-bit mono WAV file."""
        buf = io.BytesIO()
        sf.write(buf, self.audio, self.rate, format="WAV", subtype="PCM_16")
        return buf.getvalue()

    def write(self, path: str | Path) -> None:
        """Write a 16-bit mono WAV file atomically."""
        atomic_write(path, self.wav())


class Speaker(Protocol):
    """What reads a broadcast: a :class:`~cinq.radio.voices.Voice`, or cinq's own
    espeak-ng voice for a language."""

    @property
    def engine(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def lang(self) -> str: ...
    def say(self, text: str) -> Audio: ...
    def digit(self, d: str, take: int = 0) -> Audio: ...


@dataclass(frozen=True)
class Classic:
    """cinq's own espeak-ng voice for a language (:func:`cinq.radio.speech.say`), named by
    the language code: the voice cinq's built-in receiver templates are made from."""

    lang: str
    engine: str = "espeak-ng"

    @property
    def key(self) -> str:
        return self.lang

    def say(self, text: str) -> Audio:
        return say(text, self.lang)

    def digit(self, d: str, take: int = 0) -> Audio:
        return say(d, self.lang)


def speaker(voice: Voice | str | None, profile: Profile) -> Speaker:
    """Who reads a broadcast of ``profile``: ``voice`` (a Voice, a voice key such as
    ``mbrola:us1``, or a language code for cinq's own voice), or else the first of the
    profile's voices that is installed, or else cinq's own voice of its language."""
    if isinstance(voice, Voice):
        return voice
    if voice is None:
        return next(filter(None, map(_installed, profile.voices)), Classic(profile.language))
    if ":" in voice:
        return voices.voice(voice)
    if voice not in VOICES:
        raise BadInput(
            f"unknown voice {voice!r}: a language ({', '.join(VOICES)}) or a voice key "
            "engine:name (`cinq voice list`)"
        )
    return Classic(voice)


def _installed(key: str) -> Voice | None:
    """The voice ``key`` if it is installed."""
    try:
        return voices.voice(key)
    except BadInput:
        return None


class _Tape:
    """Audio pieces and events laid end to end."""

    def __init__(self) -> None:
        self.parts: list[Audio] = []
        self.events: list[Event] = []
        self.t = 0.0

    def add(self, audio: Audio, kind: str = "", text: str = "") -> None:
        self._check(len(audio) / RATE)
        if kind:
            self.events.append(Event(self.t, self.t + len(audio) / RATE, kind, text))
        self.parts.append(audio)
        self.t += len(audio) / RATE

    def paste(self, other: _Tape) -> None:
        """Another tape's audio and events, after this one's."""
        self._check(other.t)
        shift = self.t
        self.events += [Event(e.start + shift, e.end + shift, e.kind, e.text) for e in other.events]
        self.parts += other.parts
        self.t += other.t

    def _check(self, seconds: float) -> None:
        if self.t + seconds > MAX_SECONDS:
            raise BadInput(
                f"the transmission would last more than {MAX_SECONDS // 3600} hours: "
                "fewer groups, or a station profile with shorter steps"
            )

    def gap(self, seconds: float) -> None:
        self.add(silence(seconds))


def expand(text: str, station_id: str, count: int, *, keep_placeholders: bool = False) -> list[str]:
    """The tokens of a ``say`` step: placeholders filled (or kept, as single tokens),
    digits one by one, ``/`` on its own."""
    filled = text.replace("/", " / ")
    if not keep_placeholders:
        filled = filled.replace("{id}", f" {station_id} ").replace("{count}", f" {count:d} ")
    tokens: list[str] = []
    for word in filled.split():
        tokens.extend(list(word) if word.isdigit() else [word])
    return tokens


def digit_slot(voice: Speaker | str, gap: float) -> float:
    """Seconds from one digit's start to the next: stations read at a fixed cadence, so
    every digit gets the same slot (the longest digit of the voice, plus the gap).
    ``voice`` is a voice, or a language code for cinq's own voice."""
    spk = Classic(voice) if isinstance(voice, str) else voice
    return max(len(spk.digit(d)) for d in "0123456789") / RATE + gap


def _digit(tape: _Tape, d: str, s: _Script) -> None:
    audio = s.spk.digit(d, s.take(d))
    tape.add(audio, "digit", d)
    tape.gap(max(s.slot - len(audio) / RATE, 0.0))


def _digits(text: str) -> bool:
    # ASCII only: str.isdigit() also takes '²' and Arabic-Indic digits.
    return text.isascii() and text.isdigit()


def broadcast(
    groups: Sequence[str],
    profile: Profile,
    *,
    voice: Voice | str | None = None,
    station_id: str = DEFAULT_ID,
    short: bool = True,
    takes: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Transmission:
    """The transmission of ``groups`` (all of them, indicator and check groups
    included) in the format of ``profile``.

    ``voice`` is a :class:`~cinq.radio.voices.Voice`, a voice key or a language code
    (default: the first installed of the profile's voices). ``short`` shortens the
    call-ups to the profile's ``repeat`` counts (a demo's minute); ``short=False`` sends
    them as long as the station does (``real`` and ``fill``: minutes). ``takes=True``
    reads each digit as the voice's next take, so that no two readings are the same
    recording (a human reader, or a synthetic voice varied in speed and pitch; the
    cadence keeps the slot of take 0, so a longer take delays what follows); otherwise
    every reading of a digit is take 0, as a station replays one recording.
    """
    _check(groups, station_id)
    spk = speaker(voice, profile)
    slot = digit_slot(spk, profile.timing.digit_gap) if profile.mode == "voice" else 0.0
    script = _Script(profile, groups, station_id, spk, slot, takes)
    plan = [(step, script.count(step, short)) for step in profile.script]
    total = sum(n * (len(groups) if s.kind == "groups" else 1) for s, n in plan)
    tape, done = _Tape(), 0
    for step, count in plan:
        if not count:
            continue  # a step a short broadcast leaves out: not even its gap
        if tape.t:
            tape.gap(profile.timing.phrase_gap)
        start = tape.t
        for sent in script.send(tape, step, count, short):
            done += sent
            if progress:
                progress(done, total)
        if step.is_callup:
            tape.events.append(Event(start, tape.t, "callup", script.phrase(step)))
    tape.gap(0.5)
    audio = np.concatenate(tape.parts).astype(np.float32)
    events = tuple(sorted(tape.events, key=lambda e: e.start))
    return Transmission(audio, events, profile, spk.key)


def _check(groups: Sequence[str], station_id: str) -> None:
    if not groups:
        raise BadInput("a broadcast needs five-figure groups")
    for n, g in enumerate(groups, 1):
        check_group(g, unknown_allowed=False, name=f"group {n}")
    if len(groups) > MAX_GROUPS:
        raise BadInput(f"{len(groups)} groups: a broadcast takes at most {MAX_GROUPS}")
    if not _digits(station_id):
        raise BadInput(f"station ID {station_id!r} must be digits")


@dataclass(frozen=True)
class _Script:
    """A profile's steps, rendered for one message by one voice."""

    profile: Profile
    groups: Sequence[str]
    station_id: str
    spk: Speaker
    slot: float
    takes: bool = False
    _taken: dict[str, int] = field(default_factory=dict)  # readings of each digit so far

    def take(self, d: str) -> int:
        """The take the next reading of ``d`` uses: 0, or with ``takes`` the next one."""
        if not self.takes:
            return 0
        self._taken[d] = self._taken.get(d, -1) + 1
        return self._taken[d]

    def send(self, tape: _Tape, step: Step, count: int, short: bool) -> Iterator[int]:
        """The step ``count`` times on ``tape``, yielding after each sending how many
        items it sent (each group is one item, any other step is one)."""
        once = self.render(step)
        for r in range(count):
            if r:
                tape.gap(self.gap_between(step, count, once.t, short))
                once = self.render(step) if self.takes else once
            tape.paste(once)
            yield len(self.groups) if step.kind == "groups" else 1

    def render(self, step: Step) -> _Tape:
        """The step, sent once, on a tape of its own."""
        tape = _Tape()
        _send(tape, step, self)
        return tape

    def count(self, step: Step, short: bool) -> int:
        """How often the step is sent (:meth:`Step.count`); a real-length ``fill`` step
        as often as comes nearest its length at the profile's group gap, with gaps of at
        least :data:`MIN_GAP` (at least once)."""
        count = step.count(short=short)
        if count is not None:
            return count
        once, gap = self.render(step).t, self.profile.timing.group_gap
        count = max(1, round((step.fill + gap) / (once + gap)))
        while count > 1 and (step.fill - count * once) / (count - 1) < MIN_GAP:
            count -= 1
        return count

    def gap_between(self, step: Step, count: int, once: float, short: bool) -> float:
        """The silence between two sendings of the step: the profile's group gap, or in
        a step that fills a length, that length's share (so that it lasts exactly as
        long)."""
        if step.count(short=short) is not None or count < 2:
            return self.profile.timing.group_gap
        return (step.fill - count * once) / (count - 1)

    def phrase(self, step: Step) -> str:
        """A ``say`` step's text with the ID and group count filled in."""
        return step.text.replace("{id}", self.station_id).replace("{count}", str(len(self.groups)))


def _send(tape: _Tape, step: Step, s: _Script) -> None:
    """One step of the script, once."""
    if step.kind == "pause":
        tape.gap(step.seconds)
    elif step.kind == "tone":
        for hz, seconds in step.tones:
            tape.add(tone(hz, seconds, level=0.3), "tone", f"{hz:g}")
    elif step.kind == "interval":
        notes = [tone(hz, seconds, level=0.3) for hz, seconds in step.tones]
        tape.add(np.concatenate(notes), "interval", " ".join(f"{hz:g}" for hz, _ in step.tones))
    elif s.profile.mode == "morse":
        _morse_step(tape, step, s.profile, s.groups, s.station_id)
    else:
        _voice_step(tape, step, s)


def _voice_step(tape: _Tape, step: Step, s: _Script) -> None:
    """A ``say`` or ``groups`` step, spoken."""
    t = s.profile.timing
    if step.kind == "say":
        words = word_speaker(s.spk, s.profile)
        for token in expand(step.text, s.station_id, len(s.groups)):
            if token == "/":
                tape.gap(t.group_gap / 2)
            elif token.isdigit():
                _digit(tape, token, s)
            else:
                tape.add(words.say(token), "word", token)
                tape.gap(t.digit_gap)
        return
    for g, group in enumerate(s.groups):
        if g:
            tape.gap(t.group_gap)
        start = tape.t
        for r in range(step.times):
            if r:
                tape.gap(t.repeat_gap)
            for d in group:
                _digit(tape, d, s)
        tape.events.append(Event(start, tape.t, "group", group))


def word_speaker(spk: Speaker, p: Profile) -> Speaker:
    """Who says the station's own words (ATTENTION, ВНИМАНИЕ): the voice when it speaks
    the station's language and more than digits, else cinq's own voice of that language
    (the words are the station's, whatever language the digits are in)."""
    return spk if spk.lang == p.language and spk.engine != "fsdd" else Classic(p.language)


def _morse_step(
    tape: _Tape, step: Step, p: Profile, groups: Sequence[str], station_id: str
) -> None:
    m = p.morse

    def cut(word: str) -> str:
        return "".join(m.cut.get(c, c) for c in word)

    dot = morse.dot_seconds(m.wpm)
    if step.kind == "say":
        filled = step.text.replace("{id}", station_id).replace("{count}", str(len(groups)))
        words = [cut(w) for w in filled.split() if w != "/"]
        for i, w in enumerate(words):
            if i:
                tape.gap(7 * dot)
            tape.add(morse.key([w], wpm=m.wpm, tone_hz=m.tone_hz), "word", w)
    else:
        for g, group in enumerate(groups):
            for r in range(step.times):
                if g or r:
                    tape.gap(7 * dot)
                tape.add(morse.key([cut(group)], wpm=m.wpm, tone_hz=m.tone_hz), "group", group)
