"""A message as the audio a numbers station would send, with its timeline."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from ..digits import check_group
from ..errors import BadInput
from ..files import atomic_write
from . import RATE, morse
from .profiles import Profile, Step
from .speech import Audio, say, silence, tone

DEFAULT_ID = "123"
# No numbers station sends for three hours: a longer transmission is refused as it grows
# (at 8 kHz, three hours are 350 MB of samples), and a document of more groups than
# any message is refused before any work.
MAX_SECONDS = 3 * 3600
MAX_GROUPS = 2000


@dataclass(frozen=True)
class Event:
    """Something sent: a ``digit``, a ``word``, a ``tone`` or a whole ``group``."""

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
        The language the digits are spoken in (the profile's, unless another was asked).
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
        """The station, voice, length in seconds and when each group was sent, as a
        JSON-ready dict (the audio itself is :meth:`wav`)."""
        return {
            "station": self.profile.name,
            "voice": self.voice,
            "seconds": round(self.seconds, 3),
            "groups": [e.to_json() for e in self.group_events],
        }

    def wav(self) -> bytes:
        """The audio as a 16-bit mono WAV file."""
        buf = io.BytesIO()
        sf.write(buf, self.audio, self.rate, format="WAV", subtype="PCM_16")
        return buf.getvalue()

    def write(self, path: str | Path) -> None:
        """Write a 16-bit mono WAV file atomically."""
        atomic_write(path, self.wav())


class _Tape:
    """Audio pieces and events laid end to end."""

    def __init__(self) -> None:
        self.parts: list[Audio] = []
        self.events: list[Event] = []
        self.t = 0.0

    def add(self, audio: Audio, kind: str = "", text: str = "") -> None:
        if self.t + len(audio) / RATE > MAX_SECONDS:
            raise BadInput(
                f"the transmission would last more than {MAX_SECONDS // 3600} hours: "
                "fewer groups, or a station profile with shorter steps"
            )
        if kind:
            self.events.append(Event(self.t, self.t + len(audio) / RATE, kind, text))
        self.parts.append(audio)
        self.t += len(audio) / RATE

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


def digit_slot(lang: str, gap: float) -> float:
    """Seconds from one digit's start to the next: stations read at a fixed cadence, so
    every digit gets the same slot (the longest digit of the voice, plus the gap)."""
    return max(len(say(d, lang)) for d in "0123456789") / RATE + gap


def _digit(tape: _Tape, d: str, lang: str, slot: float) -> None:
    audio = say(d, lang)
    tape.add(audio, "digit", d)
    tape.gap(slot - len(audio) / RATE)


def _digits(text: str) -> bool:
    # ASCII only: str.isdigit() also takes '²' and Arabic-Indic digits.
    return text.isascii() and text.isdigit()


def broadcast(
    groups: Sequence[str],
    profile: Profile,
    *,
    voice: str | None = None,
    station_id: str = DEFAULT_ID,
    progress: Callable[[int, int], None] | None = None,
) -> Transmission:
    """The transmission of ``groups`` (all of them, indicator and check groups
    included) in the format of ``profile``; ``voice`` picks the spoken language."""
    if not groups:
        raise BadInput("a broadcast needs five-figure groups")
    for n, g in enumerate(groups, 1):
        check_group(g, unknown_allowed=False, name=f"group {n}")
    if len(groups) > MAX_GROUPS:
        raise BadInput(f"{len(groups)} groups: a broadcast takes at most {MAX_GROUPS}")
    if not _digits(station_id):
        raise BadInput(f"station ID {station_id!r} must be digits")
    lang = voice or profile.language
    tape = _Tape()
    total = sum(s.repeat * (len(groups) if s.kind == "groups" else 1) for s in profile.script)
    done = 0
    for n, step in enumerate(profile.script):
        for r in range(step.repeat):
            if n or r:
                tape.gap(profile.timing.phrase_gap if r == 0 else profile.timing.group_gap)
            _send(tape, step, profile, groups, station_id, lang)
            done += len(groups) if step.kind == "groups" else 1
            if progress:
                progress(done, total)
    tape.gap(0.5)
    audio = np.concatenate(tape.parts).astype(np.float32)
    return Transmission(audio, tuple(tape.events), profile, lang)


def _send(
    tape: _Tape, step: Step, p: Profile, groups: Sequence[str], station_id: str, lang: str
) -> None:
    """One step of the script, once."""
    if step.kind == "pause":
        tape.gap(step.seconds)
    elif step.kind == "tone":
        for hz, seconds in step.tones:
            tape.add(tone(hz, seconds, level=0.3), "tone", f"{hz:g}")
    elif p.mode == "morse":
        _morse_step(tape, step, p, groups, station_id)
    else:
        _voice_step(tape, step, p, groups, station_id, lang)


def _voice_step(
    tape: _Tape, step: Step, p: Profile, groups: Sequence[str], station_id: str, lang: str
) -> None:
    """A ``say`` or ``groups`` step, spoken."""
    t = p.timing
    if step.kind == "say":
        slot = digit_slot(lang, t.digit_gap)
        for token in expand(step.text, station_id, len(groups)):
            if token == "/":
                tape.gap(t.group_gap / 2)
            elif token.isdigit():
                _digit(tape, token, lang, slot)
            else:  # words are the station's own, whatever language the digits are in
                tape.add(say(token, p.language), "word", token)
                tape.gap(t.digit_gap)
    else:
        slot = digit_slot(lang, t.digit_gap)
        for g, group in enumerate(groups):
            if g:
                tape.gap(t.group_gap)
            start = tape.t
            for r in range(step.times):
                if r:
                    tape.gap(t.repeat_gap)
                for d in group:
                    _digit(tape, d, lang, slot)
            tape.events.append(Event(start, tape.t, "group", group))


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
