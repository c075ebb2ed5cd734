"""A station's schedule, as data: when each agent is called, on what frequency, in
which station's format.

A schedule is a TOML file::

    profile = "e11"              # the station profile of the broadcasts (cinq broadcast),
                                 # built in, or a profile file (.toml)

    [[slot]]
    agents = ["374", "512"]      # or "all": every agent of the station
    days = ["mon", "wed", "fri"] # or "daily" (the default)
    times = ["21:00", "21:30"]   # UTC
    frequency_khz = 5810
    stagger_minutes = 10         # the k-th agent listed is called k * 10 min later

Every slot is filled, by a real message or a dummy (:mod:`.station`), so an observer
who logs every transmission learns the schedule and nothing else.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ..files import read_text_file

#: The built-in station profiles (cinq.radio.profiles reads them; looked up here as
#: files, so that a schedule is checked without the radio extra).
STATIONS = Path(__file__).resolve().parents[1] / "radio" / "stations"


def station_names() -> list[str]:
    """The built-in station designations a schedule's ``profile`` may name."""
    return sorted(p.stem.upper() for p in STATIONS.glob("*.toml"))


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, order=True)
class Slot:
    """One transmission of the schedule: when, to whom, on what frequency."""

    at: datetime
    agent: str
    frequency_khz: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "at": self.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "agent": self.agent,
            "frequency_khz": self.frequency_khz,
        }


@dataclass(frozen=True)
class Entry:
    """One ``[[slot]]`` table: agents (None: all), weekdays (0 = Monday), times."""

    agents: tuple[str, ...] | None
    days: frozenset[int]
    times: tuple[time, ...]
    frequency_khz: int
    stagger: timedelta

    def on(self, day: date, agents: Sequence[str]) -> list[Slot]:
        if day.weekday() not in self.days:
            return []
        called = self.agents if self.agents is not None else tuple(sorted(agents))
        return [
            Slot(datetime.combine(day, t, UTC) + k * self.stagger, call, self.frequency_khz)
            for t in self.times
            for k, call in enumerate(called)
        ]


@dataclass(frozen=True)
class Schedule:
    """The station's profile and its slot entries."""

    profile: str
    entries: tuple[Entry, ...]

    @classmethod
    def load(cls, path: str | Path) -> Schedule:
        p = Path(path)
        return cls.parse(read_text_file(p, what="schedule"), source=str(p))

    @classmethod
    def parse(cls, text: str, *, source: str = "schedule") -> Schedule:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(f"{source} is not valid TOML: {exc}") from None
        profile = data.get("profile", "e11")
        if not _profile_ok(profile):
            raise BadInput(
                f"{source}: profile must name a station profile, one of "
                f"{', '.join(station_names())}, or a profile file (.toml); not {profile!r}"
            )
        tables = data.get("slot")
        if not isinstance(tables, list) or not tables:
            raise BadInput(f"{source}: a schedule needs at least one [[slot]] table")
        entries = tuple(_entry(t, f"{source}: [[slot]] {n}") for n, t in enumerate(tables, 1))
        return cls(profile, entries)

    def slots(self, start: datetime, end: datetime, agents: Sequence[str]) -> list[Slot]:
        """Every slot from ``start`` (included) to ``end`` (excluded), in time order;
        ``agents`` are the station's, for entries that call them all."""
        if start.tzinfo is None or end.tzinfo is None:
            raise BadInput("a schedule's times are UTC: give start and end with a time zone")
        out: list[Slot] = []
        day = start.astimezone(UTC).date() - timedelta(
            days=1
        )  # a staggered slot may cross midnight
        while datetime.combine(day, time(0), UTC) < end:
            for e in self.entries:
                out.extend(s for s in e.on(day, agents) if start <= s.at < end)
            day += timedelta(days=1)
        return sorted(out)


def _profile_ok(profile: object) -> bool:
    """A built-in designation, or a profile file's path (read when audio is made)."""
    if not isinstance(profile, str):
        return False
    return profile.upper() in station_names() or Path(profile).suffix == ".toml"


def _entry(t: Any, where: str) -> Entry:
    if not isinstance(t, Mapping):
        raise BadInput(f"{where} must be a table")
    unknown = set(t) - {"agents", "days", "times", "frequency_khz", "stagger_minutes"}
    if unknown:
        raise BadInput(f"{where}: unknown key {sorted(unknown)[0]!r}")
    return Entry(
        agents=_agents(t.get("agents", "all"), where),
        days=_days(t.get("days", "daily"), where),
        times=_times(t.get("times"), where),
        frequency_khz=_int(t.get("frequency_khz"), f"{where}: frequency_khz", 1, 10**6),
        stagger=timedelta(minutes=_int(t.get("stagger_minutes", 0), f"{where}: stagger", 0, 1440)),
    )


def _agents(value: Any, where: str) -> tuple[str, ...] | None:
    if value == "all":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(a, str) for a in value):
        raise BadInput(f'{where}: agents must be "all" or a list of call numbers')
    return tuple(value)


def _days(value: Any, where: str) -> frozenset[int]:
    if value == "daily":
        return frozenset(range(7))
    if not isinstance(value, list) or not value:
        raise BadInput(f'{where}: days must be "daily" or a list like ["mon", "thu"]')
    bad = next((d for d in value if d not in DAYS), None)
    if bad is not None:
        raise BadInput(f"{where}: {bad!r} is not a day ({', '.join(DAYS)})")
    return frozenset(DAYS.index(d) for d in value)


def _times(value: Any, where: str) -> tuple[time, ...]:
    if not isinstance(value, list) or not value:
        raise BadInput(f'{where}: times must be a list like ["21:00"] (UTC)')
    return tuple(_utc_time(v, where) for v in value)


def _utc_time(v: object, where: str) -> time:
    """``v`` as a time of day in UTC; a TOML local time, a string like "21:00", or
    one with the offset +00:00 or Z. Another offset is refused, not converted: a
    schedule in two time zones is a mistake waiting to happen."""
    t = v if isinstance(v, time) else None
    if isinstance(v, str):
        try:
            t = time.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            t = None
    if t is None:
        raise BadInput(f'{where}: {v!r} is not a time like "21:00"')
    if t.utcoffset() not in (None, timedelta(0)):
        raise BadInput(f"{where}: {v!r} is not in UTC: a schedule's times are UTC")
    return t.replace(tzinfo=None)


def _int(value: Any, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BadInput(f"{where} must be a whole number from {low} to {high}")
    return value
