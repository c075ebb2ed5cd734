"""Station profiles: a transmission format as data (TOML), so a user can add a station
without touching code. The built-in ones live in ``stations/``, each citing its source.

A profile's ``[[script]]`` lists the steps of a transmission in order; each step is one
of ``say = "..."`` (words and the placeholders ``{id}`` and ``{count}``; digits are
spoken or keyed one by one; ``/`` is a short pause), ``groups = N`` (the message, each
group sent N times in a row), ``tone = [[hz, seconds], ...]``, ``interval = [[hz,
seconds], ...]`` (the station's interval signal: a tune or tones before the call-up) or
``pause = seconds``, optionally with ``repeat = N``.

Real stations repeat the call-up for minutes. A step is sent ``repeat`` times; a
*real-length* broadcast sends it ``real = N`` times instead, or as often as fills ``fill =
seconds`` (the length the station's source gives); a *short* broadcast (the demo's, the
tests') sends it ``short = N`` times instead (0: not at all).

``voice = ["engine:name", ...]`` names the voices that fit the station (the sex and
language its sources give, ``sex = "female"``), best first: a broadcast speaks with the
first one installed (:mod:`cinq.radio.voices` keys).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..errors import BadInput

STATIONS = Path(__file__).resolve().parent / "stations"

Kind = Literal["say", "groups", "tone", "interval", "pause"]
KINDS: tuple[Kind, ...] = ("say", "groups", "tone", "interval", "pause")

# Bounds that keep a transmission finite: no gap, pause or tone longer than ten
# minutes, no step repeated more than a hundred times, no phrase longer than a line.
MAX_SECONDS = 600.0
MAX_REPEAT = 100
MAX_SAY = 200
# A voice key is short ("espeak-ng:en+f3"); a profile names a handful of them.
MAX_VOICES = 10
MAX_KEY = 100


@dataclass(frozen=True)
class Step:
    """One step of a station's script.

    It is sent ``repeat`` times; in a real-length broadcast ``real`` times when that is
    set, else as often as fills ``fill`` seconds when that is set; in a short broadcast
    ``short`` times when that is set (0: left out).
    """

    kind: Kind
    text: str = ""
    times: int = 1  # groups: how often each group is sent in a row
    tones: tuple[tuple[float, float], ...] = ()
    seconds: float = 0.0
    repeat: int = 1
    real: int = 0
    fill: float = 0.0
    short: int | None = None

    def count(self, *, short: bool) -> int | None:
        """How often a short or a real-length broadcast sends the step; None when that
        depends on how long it lasts (a real-length ``fill``)."""
        if short:
            return self.repeat if self.short is None else self.short
        if self.fill and not self.real:
            return None
        return self.real or self.repeat

    @property
    def is_callup(self) -> bool:
        """Whether the step is a call-up: it says the station ID."""
        return self.kind == "say" and "{id}" in self.text

    def describe(self) -> str:
        """The step in words, as ``cinq station show`` lists it: ``say 'ATTENTION'``,
        ``the groups, each sent 2x``, ``tone ((880.0, 0.3),)``, ``interval signal
        ((880.0, 0.3),)``, ``pause 2 s``; a repeated step ends in ``  (xN)``, and one
        that a real-length broadcast sends longer in ``  (x4; real: 190 s)``."""
        what = {
            "say": f"say {self.text!r}",
            "groups": f"the groups, each sent {self.times}x",
            "tone": f"tone {self.tones}",
            "interval": f"interval signal {self.tones}",
            "pause": f"pause {self.seconds:g} s",
        }[self.kind]
        counts = [f"x{self.repeat}"]
        if self.real or self.fill:
            counts.append(f"real: x{self.real}" if self.real else f"real: {self.fill:g} s")
        if self.short is not None:
            counts.append(f"short: x{self.short}")
        if len(counts) > 1 or self.repeat > 1:
            return what + f"  ({'; '.join(counts)})"
        return what


@dataclass(frozen=True)
class Timing:
    digit_gap: float = 0.25
    group_gap: float = 1.0
    repeat_gap: float = 0.6
    phrase_gap: float = 1.5


@dataclass(frozen=True)
class MorseParams:
    wpm: float = 20.0
    tone_hz: float = 800.0
    cut: Mapping[str, str] = field(default_factory=dict)
    separator: str = "="


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    family: str
    mode: Literal["voice", "morse"]
    language: str
    source: str
    description: str
    timing: Timing
    morse: MorseParams
    script: tuple[Step, ...]
    voices: tuple[str, ...] = ()  # voice keys that fit the station, best first
    female: bool | None = None  # the station's voice, as its sources describe it

    def summary(self) -> dict[str, str]:
        """Name, mode, language and title as a JSON-ready dict (a row of ``cinq station
        list --json``)."""
        return {
            "name": self.name,
            "mode": self.mode,
            "language": self.language,
            "title": self.title,
        }

    @property
    def callup_seconds(self) -> float:
        """How long the first call-up lasts in a real-length broadcast, as the profile's
        source gives it (0 when the profile does not say)."""
        return next((s.fill for s in self.script if s.is_callup), 0.0)

    @property
    def interval(self) -> Step | None:
        """The station's interval signal (its first ``interval`` step), if it has one."""
        return next((s for s in self.script if s.kind == "interval"), None)

    @property
    def sex(self) -> str:
        """``female``, ``male`` or ``unknown``: the station's voice as its sources say."""
        return {True: "female", False: "male", None: "unknown"}[self.female]

    @property
    def group_repeats(self) -> int:
        """How often each group is sent in a row (the largest ``groups = N``)."""
        return max((s.times for s in self.script if s.kind == "groups"), default=1)


def names() -> list[str]:
    """The built-in station designations."""
    return sorted(p.stem.upper() for p in STATIONS.glob("*.toml"))


def load(name_or_path: str | Path) -> Profile:
    """A built-in profile by designation (``E11``) or a profile file by path."""
    p = Path(name_or_path)
    if not p.suffix:
        p = STATIONS / f"{str(name_or_path).lower()}.toml"
        if not p.exists():
            raise BadInput(f"unknown station {name_or_path!r}; built in: {', '.join(names())}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise BadInput(f"cannot read station profile {p}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise BadInput(f"station profile {p} is not UTF-8 text (byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"station profile {p} is not valid TOML: {e}") from None
    return parse(data, source=str(p))


def parse(data: Mapping[str, Any], *, source: str = "profile") -> Profile:
    """A profile from its TOML data; :class:`BadInput` naming the bad field."""

    def need(key: str, kind: type) -> Any:
        if key not in data:
            raise BadInput(f"{source}: missing field {key!r}")
        if not isinstance(data[key], kind):
            raise BadInput(f"{source}: field {key!r} must be {kind.__name__}")
        return data[key]

    mode = need("mode", str)
    if mode not in ("voice", "morse"):
        raise BadInput(f"{source}: mode must be 'voice' or 'morse', not {mode!r}")
    timing, morse = _timing(data, source), _morse(data, source)
    steps = []
    for n, entry in enumerate(need("script", list), 1):
        steps.append(_step(entry, f"{source}: [[script]] entry {n}"))
    if not any(s.kind == "groups" for s in steps):
        raise BadInput(f"{source}: the script never sends the groups (no 'groups = N' entry)")
    name = need("name", str)
    # The name signs every document received from the station: one line of text.
    if not name.strip() or not name.isprintable():
        raise BadInput(f"{source}: field 'name' must be printable text on one line")
    return Profile(
        name=name.strip(),
        title=str(data.get("title", "")),
        family=str(data.get("family", "")),
        mode=mode,
        language=str(data.get("language", "en")),
        source=str(data.get("source", "")),
        description=str(data.get("description", "")),
        timing=timing,
        morse=morse,
        script=tuple(steps),
        voices=_voices(data.get("voice", ()), source),
        female=_sex(data.get("sex"), source),
    )


def _number(value: Any, where: str, low: float, high: float) -> float:
    """A finite number in [low, high]: NaN, infinity or a negative gap would make the
    audio impossible (or endless) to build."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"{where} must be a number, not {value!r}") from None
    if isinstance(value, bool) or not (math.isfinite(x) and low <= x <= high):
        raise BadInput(f"{where} must be a number from {low:g} to {high:g}, not {value!r}")
    return x


def _table(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise BadInput(f"{source}: [{key}] must be a table")
    return table


def _timing(data: Mapping[str, Any], source: str) -> Timing:
    t = _table(data, "timing", source)
    unknown = set(t) - set(Timing.__dataclass_fields__)
    if unknown:
        raise BadInput(f"{source}: unknown [timing] field(s): {', '.join(sorted(unknown))}")
    return Timing(**{k: _number(v, f"{source}: timing {k}", 0, MAX_SECONDS) for k, v in t.items()})


def _morse(data: Mapping[str, Any], source: str) -> MorseParams:
    m = _table(data, "morse", source)
    cut = m.get("cut", {})
    if not isinstance(cut, dict):
        raise BadInput(f"{source}: [morse] cut must be a table")
    return MorseParams(
        wpm=_number(m.get("wpm", 20), f"{source}: morse wpm", 1, 100),
        tone_hz=_number(m.get("tone_hz", 800), f"{source}: morse tone_hz", 50, 3500),
        cut={str(k): str(v).upper() for k, v in cut.items()},
        separator=str(m.get("separator", "=")),
    )


def _voices(value: Any, source: str) -> tuple[str, ...]:
    """The ``voice`` field: one key or a list of them, each ``engine:name``."""
    keys = [value] if isinstance(value, str) else value
    if not isinstance(keys, (list, tuple)) or len(keys) > MAX_VOICES:
        raise BadInput(f"{source}: voice must be a key or a list of at most {MAX_VOICES} keys")
    for key in keys:
        ok = isinstance(key, str) and 0 < len(key) <= MAX_KEY and key.isprintable()
        if not ok or ":" not in key or key.startswith(":") or key.endswith(":"):
            raise BadInput(f"{source}: voice {key!r} is not a voice key like 'espeak-ng:en+f3'")
    return tuple(keys)


def _sex(value: Any, source: str) -> bool | None:
    if value is None:
        return None
    if value not in ("female", "male"):
        raise BadInput(f"{source}: sex must be 'female' or 'male', not {value!r}")
    return bool(value == "female")


def _count(entry: Mapping[str, Any], key: str, where: str, low: int) -> int:
    value = entry.get(key, low)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_REPEAT:
        raise BadInput(f"{where}: {key} must be a whole number from {low} to {MAX_REPEAT}")
    return value


def _step(entry: Any, where: str) -> Step:
    if not isinstance(entry, dict):
        raise BadInput(f"{where} must be a table")
    kinds = [k for k in KINDS if k in entry]
    if len(kinds) != 1:
        raise BadInput(f"{where} needs exactly one of {', '.join(KINDS)}")
    repeat = _count(entry, "repeat", where, 1)
    real = _count(entry, "real", where, 0)
    fill = _number(entry.get("fill", 0), f"{where}: fill", 0, MAX_SECONDS)
    if real and fill:
        raise BadInput(f"{where}: give real (a count) or fill (seconds), not both")
    short = _count(entry, "short", where, 0) if "short" in entry else None
    step = _kind(kinds[0], entry[kinds[0]], where)
    return replace(step, repeat=repeat, real=real, fill=fill, short=short)


def _kind(kind: str, value: Any, where: str) -> Step:
    """The step ``kind = value`` says, sent once."""
    if kind == "say" and isinstance(value, str) and 0 < len(value) <= MAX_SAY:
        return Step("say", text=value)
    if kind == "groups" and type(value) is int and 1 <= value <= 5:
        return Step("groups", times=value)
    if kind == "pause":
        return Step("pause", seconds=_number(value, f"{where}: pause", 0, MAX_SECONDS))
    if kind in ("tone", "interval") and isinstance(value, list) and value:
        return Step("tone" if kind == "tone" else "interval", tones=_tones(value, where))
    raise BadInput(f"{where}: bad value for {kind!r}: {value!r}")


def _tones(value: list[Any], where: str) -> tuple[tuple[float, float], ...]:
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in value):
        raise BadInput(f"{where}: tone is a list of [hz, seconds] pairs")
    return tuple(
        (_number(hz, f"{where}: tone hz", 1, 3999), _number(sec, f"{where}: tone seconds", 0,
                                                             MAX_SECONDS))
        for hz, sec in value
    )  # fmt: skip
