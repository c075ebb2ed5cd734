"""What an observer of the broadcasts learns, and the test that it is nothing.

An observer who logs every transmission of a station sees, for each one, when it went
out, to which call number, how long it was, and its groups. With every slot filled and
every message one page long (:mod:`.station`), the times are the schedule's and the
lengths are constant, whatever the traffic; the groups are one-time-pad ciphertext,
uniform for dummies and real messages alike. :func:`compare` puts that to a two-sample
test: Kolmogorov-Smirnov on the times, on the gaps between transmissions and on the
lengths, and a chi-square test of the digits' frequencies, between two views (say, a
month of real traffic and a month of dummies alone). ``distinguishable`` is whether any
of them rejects "same distribution" at level ``alpha``.

:func:`bursty_traffic` makes the real traffic to test with: quiet days and bursts, as a
network's traffic is when something happens.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from ..digits import GROUP
from .schedule import Schedule
from .station import CHECK, Station, Transmission


@dataclass(frozen=True)
class ObserverView:
    """Every transmission as an observer logs it.

    Attributes
    ----------
    times : ndarray, shape (n,)
        Seconds since the first transmission's day began, in order.
    lengths : ndarray, shape (n,)
        Groups sent.
    digits : ndarray, shape (10,)
        How often each digit occurs in all the groups.
    """

    times: NDArray[np.float64]
    lengths: NDArray[np.int64]
    digits: NDArray[np.int64]

    @classmethod
    def of(cls, sent: Sequence[Transmission], since: datetime) -> ObserverView:
        ordered = sorted(sent, key=lambda t: t.slot.at)
        times = np.array([(t.slot.at - since).total_seconds() for t in ordered], np.float64)
        lengths = np.array([len(t.groups) for t in ordered], np.int64)
        joined = "".join("".join(t.groups) for t in ordered).encode()
        counts = np.bincount(np.frombuffer(joined, np.uint8) - 48, minlength=10)
        return cls(times, lengths, counts.astype(np.int64))


@dataclass(frozen=True)
class TrafficTest:
    """The p-values of :func:`compare`'s tests, and the verdict at ``alpha``."""

    p_times: float
    p_gaps: float
    p_lengths: float
    p_digits: float
    alpha: float

    @property
    def distinguishable(self) -> bool:
        return min(self.p_times, self.p_gaps, self.p_lengths, self.p_digits) < self.alpha

    def to_json(self) -> dict[str, object]:
        return {
            "p_times": self.p_times,
            "p_gaps": self.p_gaps,
            "p_lengths": self.p_lengths,
            "p_digits": self.p_digits,
            "alpha": self.alpha,
            "distinguishable": self.distinguishable,
        }


def compare(a: ObserverView, b: ObserverView, *, alpha: float = 0.01) -> TrafficTest:
    """Two-sample tests of ``a`` against ``b`` (see the module docstring)."""
    from scipy import stats

    def ks(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
        if len(x) == 0 or len(y) == 0:
            return 0.0 if len(x) != len(y) else 1.0
        if np.array_equal(np.unique(x), np.unique(y)) and len(np.unique(x)) == 1:
            return 1.0  # one and the same constant: nothing to tell apart
        return float(stats.ks_2samp(x, y).pvalue)

    table = np.vstack([a.digits, b.digits])
    p_digits = float(stats.chi2_contingency(table).pvalue) if table.sum() else 1.0
    return TrafficTest(
        p_times=ks(a.times, b.times),
        p_gaps=ks(np.diff(a.times), np.diff(b.times)),
        p_lengths=ks(a.lengths.astype(np.float64), b.lengths.astype(np.float64)),
        p_digits=p_digits,
        alpha=alpha,
    )


@dataclass(frozen=True)
class RealMessage:
    """A message the station's desk hands in: when, for whom, what."""

    at: datetime
    agent: str
    text: str


_WORDS = ("meet", "bridge", "noon", "river", "north", "cancel", "confirm", "wait", "signal")


def bursty_traffic(
    agents: Sequence[str], start: datetime, days: int, *, seed: int = 0
) -> list[RealMessage]:
    """Real traffic over ``days``: each agent has quiet days (a message one day in
    ten) and bursts of two to four days (two or three messages a day), a burst
    starting one day in fifteen; texts of 1 to 20 words (they fit one page of 50 groups)."""
    rng = random.Random(seed)
    out: list[RealMessage] = []
    for agent in agents:
        burst = 0
        for day in range(days):
            if burst == 0 and rng.random() < 1 / 15:
                burst = rng.randint(2, 4)
            n = rng.randint(2, 3) if burst else int(rng.random() < 0.1)
            burst = max(burst - 1, 0)
            for _ in range(n):
                at = start + timedelta(days=day, seconds=rng.randrange(86_400))
                text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 20)))
                out.append(RealMessage(at, agent, text))
    return sorted(out, key=lambda m: m.at)


def simulate(
    station: Station,
    schedule: Schedule,
    start: datetime,
    end: datetime,
    real: Sequence[RealMessage] = (),
) -> list[Transmission]:
    """Run the station's schedule from ``start`` to ``end``: each real message queued
    when it is handed in, each slot filled (with the oldest message its agent had
    waiting by then, or a dummy). The transmissions, in time order."""
    slots = station.slots(schedule, start, end)
    pending = list(real)
    sent: list[Transmission] = []
    for slot in slots:
        while pending and pending[0].at <= slot.at:
            m = pending.pop(0)
            station.queue(m.agent, m.text, at=m.at)
        done = station.transmit(slot)
        if done is not None:
            sent.append(done)
    return sent


def naive_view(real: Sequence[RealMessage], since: datetime, lang: str = "en") -> ObserverView:
    """What a station without this discipline would show: a transmission only when
    there is a message, as soon as it is handed in, as long as its text. The control
    that :func:`compare` does tell traffic apart when it leaks."""
    from .. import language as lg
    from ..procedure import text_digits

    lengths = [
        1
        + len(text_digits(m.text, None, lang, lg.Policy.STRICT, None)) // GROUP
        + CHECK.check_groups
        for m in real
    ]
    times = np.array([(m.at - since).total_seconds() for m in real], np.float64)
    digits = np.full(10, sum(lengths) * GROUP // 10, np.int64)
    return ObserverView(times, np.array(lengths, np.int64), digits)
