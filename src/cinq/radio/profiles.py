"""Station profiles: a transmission format as data (TOML), so a user can add a station
without touching code. The built-in ones live in ``stations/``, each citing its source.

A profile's ``[[script]]`` lists the steps of a transmission in order; each step is one
of ``say = "..."`` (words and the placeholders ``{id}`` and ``{count}``; digits are
spoken or keyed one by one; ``/`` is a short pause), ``groups = N`` (the message, each
group sent N times in a row), ``tone = [[hz, seconds], ...]`` or ``pause = seconds``,
optionally with ``repeat = N``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import BadInput

STATIONS = Path(__file__).resolve().parent / "stations"

Kind = Literal["say", "groups", "tone", "pause"]


@dataclass(frozen=True)
class Step:
    kind: Kind
    text: str = ""
    times: int = 1  # groups: how often each group is sent in a row
    tones: tuple[tuple[float, float], ...] = ()
    seconds: float = 0.0
    repeat: int = 1


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
    t = data.get("timing", {})
    m = data.get("morse", {})
    try:
        timing = Timing(**{k: float(v) for k, v in t.items()})
        morse = MorseParams(
            wpm=float(m.get("wpm", 20)),
            tone_hz=float(m.get("tone_hz", 800)),
            cut={str(k): str(v).upper() for k, v in m.get("cut", {}).items()},
            separator=str(m.get("separator", "=")),
        )
    except (TypeError, ValueError) as e:
        raise BadInput(f"{source}: bad [timing] or [morse] value: {e}") from None
    steps = []
    for n, entry in enumerate(need("script", list), 1):
        steps.append(_step(entry, f"{source}: [[script]] entry {n}"))
    if not any(s.kind == "groups" for s in steps):
        raise BadInput(f"{source}: the script never sends the groups (no 'groups = N' entry)")
    return Profile(
        name=need("name", str),
        title=str(data.get("title", "")),
        family=str(data.get("family", "")),
        mode=mode,
        language=str(data.get("language", "en")),
        source=str(data.get("source", "")),
        description=str(data.get("description", "")),
        timing=timing,
        morse=morse,
        script=tuple(steps),
    )


def _step(entry: Any, where: str) -> Step:
    if not isinstance(entry, dict):
        raise BadInput(f"{where} must be a table")
    kinds = [k for k in ("say", "groups", "tone", "pause") if k in entry]
    if len(kinds) != 1:
        raise BadInput(f"{where} needs exactly one of say, groups, tone, pause")
    repeat = entry.get("repeat", 1)
    if not isinstance(repeat, int) or repeat < 1:
        raise BadInput(f"{where}: repeat must be a whole number >= 1")
    kind = kinds[0]
    value = entry[kind]
    if kind == "say" and isinstance(value, str):
        return Step("say", text=value, repeat=repeat)
    if kind == "groups" and isinstance(value, int) and 1 <= value <= 5:
        return Step("groups", times=value, repeat=repeat)
    if kind == "pause" and isinstance(value, int | float) and value >= 0:
        return Step("pause", seconds=float(value), repeat=repeat)
    if kind == "tone" and isinstance(value, list):
        try:
            tones = tuple((float(hz), float(sec)) for hz, sec in value)
        except (TypeError, ValueError):
            raise BadInput(f"{where}: tone is a list of [hz, seconds] pairs") from None
        return Step("tone", tones=tones, repeat=repeat)
    raise BadInput(f"{where}: bad value for {kind!r}: {value!r}")
