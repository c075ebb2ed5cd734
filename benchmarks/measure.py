"""How `make bench` measures: a subject against a baseline in the same run, interleaved.

Every comparison runs baseline and subject alternately (a warm-up of each first, not
counted), ``runs`` times each, and reports the median of the per-run ratios
(``subject / baseline`` for times, so lower is better, or the inverse where the
target is a rate) next to the median times. A ratio from adjacent runs cancels most
of the drift of a shared machine; the median ignores the odd outlier.

A timed callable returns the :class:`Span` of its own measured region, so setup (a
fresh pad book, a temp file) stays outside the clock: :func:`timed` wraps a plain
function. A span holds wall time (what the ratios use) and CPU time (this process's,
or a child's for a command): on a busy machine the CPU ratio is the steadier of the
two, so both are printed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Span:
    """Seconds of one measured region: on the wall clock and of CPU."""

    wall: float
    cpu: float


class Stopwatch:
    """Start at construction; :meth:`stop` gives the :class:`Span` since."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def stop(self) -> Span:
        return Span(time.perf_counter() - self._wall, time.process_time() - self._cpu)


Timed = Callable[[], Span]
"""Runs once and returns the span of its measured region."""


def timed(fn: Callable[[], object]) -> Timed:
    """A :data:`Timed` that times the whole call of ``fn``."""

    def run() -> Span:
        watch = Stopwatch()
        fn()
        return watch.stop()

    return run


class Goal(Enum):
    """Which side of the target is good."""

    AT_MOST = "<="
    AT_LEAST = ">="


@dataclass(frozen=True)
class Target:
    goal: Goal
    value: float

    def met(self, ratio: float) -> bool:
        return ratio <= self.value if self.goal is Goal.AT_MOST else ratio >= self.value

    def to_json(self) -> dict[str, object]:
        return {"goal": self.goal.value, "value": self.value}


@dataclass(frozen=True)
class Comparison:
    """A subject timed against a baseline, run for run.

    ``ratio`` is the median over runs of ``subject / baseline`` (``inverse``: of
    ``baseline / subject``, for rates where higher is better).
    """

    name: str
    subject: str
    baseline: str
    subject_runs: tuple[Span, ...]
    baseline_runs: tuple[Span, ...]
    target: Target | None = None
    inverse: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def subject_s(self) -> tuple[float, ...]:
        return tuple(r.wall for r in self.subject_runs)

    @property
    def baseline_s(self) -> tuple[float, ...]:
        return tuple(r.wall for r in self.baseline_runs)

    @property
    def ratio(self) -> float:
        """On wall time."""
        return _ratio(self.subject_s, self.baseline_s, inverse=self.inverse)

    @property
    def cpu_ratio(self) -> float:
        subject = tuple(r.cpu for r in self.subject_runs)
        baseline = tuple(r.cpu for r in self.baseline_runs)
        return _ratio(subject, baseline, inverse=self.inverse)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self.ratio)

    def lines(self) -> list[str]:
        how = "baseline / subject" if self.inverse else "subject / baseline"
        verdict = ""
        if self.target is not None:
            mark = "met" if self.met else "MISSED"
            verdict = f"   target {self.target.goal.value} {self.target.value:g}: {mark}"
        return [
            f"{self.name}",
            f"     baseline  {self.baseline:58} {_seconds(self.baseline_s)}",
            f"     subject   {self.subject:58} {_seconds(self.subject_s)}",
            f"     ratio     {number(self.ratio):>10}  ({how}, wall, median of "
            f"{len(self.subject_s)} interleaved runs; CPU time: {number(self.cpu_ratio)})"
            f"{verdict}",
            *(f"     {note}" for note in self.notes),
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "subject": self.subject,
            "baseline": self.baseline,
            "subject_seconds": list(self.subject_s),
            "baseline_seconds": list(self.baseline_s),
            "subject_cpu_seconds": [r.cpu for r in self.subject_runs],
            "baseline_cpu_seconds": [r.cpu for r in self.baseline_runs],
            "ratio": self.ratio,
            "cpu_ratio": self.cpu_ratio,
            "ratio_is": "baseline/subject" if self.inverse else "subject/baseline",
            "target": None if self.target is None else self.target.to_json(),
            "met": self.met,
            "notes": list(self.notes),
        }


def number(x: float) -> str:
    """A ratio for people: 3 significant digits, thousands separated."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _ratio(subject: tuple[float, ...], baseline: tuple[float, ...], *, inverse: bool) -> float:
    pairs = list(zip(subject, baseline, strict=True))
    if inverse:
        return statistics.median(b / max(s, 1e-9) for s, b in pairs)
    return statistics.median(s / max(b, 1e-9) for s, b in pairs)


def _seconds(runs: tuple[float, ...]) -> str:
    m = statistics.median(runs)
    if m < 1e-3:
        text = f"{m * 1e6:9.1f} us"
    elif m < 1:
        text = f"{m * 1e3:9.2f} ms"
    else:
        text = f"{m:9.3f} s "
    return f"{text} (median)"


@dataclass(frozen=True)
class Runs:
    subject: tuple[Span, ...]
    baseline: tuple[Span, ...]


def interleave(
    subject: Timed,
    baseline: Timed,
    runs: int,
    *,
    warm_subject: bool = True,
    subject_first: bool = False,
) -> Runs:
    """``runs`` runs each, alternating baseline and subject, after a warm-up of each
    (``warm_subject=False``: of the baseline only, for a subject too slow to run twice
    for nothing). ``subject_first``: each subject run comes before its baseline run
    (when the baseline depends on what the subject did)."""
    if warm_subject:
        subject()
    baseline()
    first, second = (subject, baseline) if subject_first else (baseline, subject)
    pairs = [(first(), second()) for _ in range(runs)]
    if subject_first:
        return Runs(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))
    return Runs(tuple(p[1] for p in pairs), tuple(p[0] for p in pairs))


@dataclass(frozen=True)
class Figure:
    """A measured value that is not a time ratio (digits per byte, % shorter, ...)."""

    name: str
    value: float
    unit: str
    target: Target | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value)

    def lines(self) -> list[str]:
        verdict = ""
        if self.target is not None:
            mark = "met" if self.met else "MISSED"
            verdict = f"   target {self.target.goal.value} {self.target.value:g}: {mark}"
        note = f"  ({self.note})" if self.note else ""
        return [f"{self.name:44} {self.value:>10.4g} {self.unit}{verdict}{note}"]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "target": None if self.target is None else self.target.to_json(),
            "met": self.met,
            "note": self.note,
        }


Row = Comparison | Figure


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    failed: bool = False
    data: Mapping[str, object] = field(default_factory=dict)  # more results, for the JSON

    def lines(self) -> list[str]:
        out = [f"{self.title}   [{self.seconds:.0f} s]"]
        for row in self.rows:
            out += [f"   {line}" for line in row.lines()]
        out += [f"   {note}" for note in self.notes]
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "seconds": self.seconds,
            "failed": self.failed,
            "rows": [r.to_json() for r in self.rows],
            "notes": list(self.notes),
            **({"data": dict(self.data)} if self.data else {}),
        }
