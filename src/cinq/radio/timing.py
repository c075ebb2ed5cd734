"""The cadence of a recording, measured from the words heard in it.

Nothing about the timing is taken from the synthesizer: a real station reads at its own
pace, and a tape may run a few per cent fast or slow. What the recording shows:

- the *slot*, from one digit's onset to the next within a group (the typical onset
  interval between two digits: four of every five are inside a group);
- at every boundary between two words, the *extra pause*: how much longer than a digit
  step it is (the smaller of the onset interval less the slot, and the silence less the
  typical silence between digits -- the first is steady for a station that reads at a
  fixed cadence, the second for a reader whose digits differ in length);
- the extra pauses fall into levels (none inside a group; the pause between two readings
  of a group, between groups, between phrases): a 1-D k-means, seeded with the levels
  the profile names, finds them, and the stream is cut wherever a pause stands clearly
  above the level inside a group;
- the tape's speed: the profile's pause between groups against the one measured.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .profiles import Profile
from .words import Word

Floats = NDArray[np.float64]

FIGURES = 5

# A word is taken for a digit when it is likelier a digit than not.
DIGIT_LIKE = 0.5
# A speed within this of 1 is not worth a note (the measure's own spread); beyond the
# far bound the profile's pauses are not the station's, and nothing is claimed.
SPEED_NOTED = 0.015
SPEED_BELIEVED = 0.12


@dataclass(frozen=True)
class Cadence:
    """How the recording is read.

    Attributes
    ----------
    slot
        Seconds from one digit's onset to the next within a group.
    silence
        Seconds of silence between two digits of a group (typical).
    cut
        An extra pause longer than this (seconds) separates two runs of words.
    """

    slot: float
    silence: float
    cut: float


@dataclass(frozen=True)
class Run:
    """Words read without a pause between them: a group's reading, a station ID, a
    count, or a spoken word.

    Attributes
    ----------
    words
        The words, in order.
    pause
        The extra pause before the run (seconds; 0 for the first run).
    """

    words: tuple[Word, ...]
    pause: float

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def digits(self) -> bool:
        """Whether every word of the run is likelier a digit than not."""
        return all(w.p_digit >= DIGIT_LIKE for w in self.words)


def levels(profile: Profile) -> list[float]:
    """The pauses (seconds) the profile puts between runs: between two readings of a
    group (when groups are read more than once), a ``/`` (half a group pause), between
    groups, between phrases."""
    t = profile.timing
    found = {t.group_gap, t.phrase_gap}
    if profile.group_repeats > 1:
        found.add(t.repeat_gap)
    if any(s.kind == "say" and "/" in s.text for s in profile.script):
        found.add(t.group_gap / 2)
    return sorted(x for x in found if x > 0)


def cluster(values: Floats, seeds: Sequence[float], *, rounds: int = 30) -> NDArray[np.intp]:
    """1-D k-means: the index of the centre each value ends nearest to, starting from
    ``seeds`` (sorted ascending); centres keep their order, so label 0 is the lowest."""
    centres = np.sort(np.asarray(seeds, dtype=np.float64))
    labels = np.zeros(len(values), dtype=np.intp)
    for _ in range(rounds):
        labels = np.argmin(np.abs(values[:, None] - centres[None, :]), axis=1)
        moved = np.array(
            [
                values[labels == k].mean() if (labels == k).any() else c
                for k, c in enumerate(centres)
            ]
        )
        if np.allclose(moved, centres):
            break
        centres = np.sort(moved)
    return labels


def _digit_steps(words: Sequence[Word]) -> tuple[Floats, Floats]:
    """Onset intervals and silences between consecutive digit-like words."""
    pairs = [
        (b.start - a.start, b.start - a.end)
        for a, b in itertools.pairwise(words)
        if a.p_digit >= DIGIT_LIKE and b.p_digit >= DIGIT_LIKE
    ]
    if not pairs:
        return np.zeros(0), np.zeros(0)
    arr = np.asarray(pairs, dtype=np.float64)
    return arr[:, 0], arr[:, 1]


def extra_pauses(words: Sequence[Word], slot: float, silence: float) -> Floats:
    """At each boundary between two words, how much longer the pause is than a digit
    step inside a group (seconds; about 0 inside a group)."""
    if len(words) < 2:
        return np.zeros(0)
    starts = np.array([w.start for w in words])
    ends = np.array([w.end for w in words])
    onset = np.diff(starts) - slot
    quiet = starts[1:] - ends[:-1] - silence
    return np.asarray(np.minimum(onset, quiet), dtype=np.float64)


def estimate(words: Sequence[Word], profile: Profile) -> Cadence:
    """The cadence of the recording whose words are ``words``."""
    steps, silences = _digit_steps(words)
    seeds = levels(profile)
    if not len(steps):
        return Cadence(1.0, profile.timing.digit_gap, seeds[0] / 2)
    # Steps between groups pull the median up: the slot is the median of the steps
    # near it (within half the shortest pause between runs).
    inside = np.abs(steps - np.median(steps)) < seeds[0] / 2
    slot = float(np.median(steps[inside]))
    silence = float(np.median(silences[inside]))
    extra = extra_pauses(words, slot, silence)
    labels = cluster(extra, [0.0, *seeds])
    low = extra[labels == 0]
    high = extra[labels == labels[labels > 0].min()] if (labels > 0).any() else extra[:0]
    if not len(low) or not len(high):
        return Cadence(slot, silence, seeds[0] / 2)
    # Halfway between the level inside a group and the next one up (their medians: a
    # stray pause does not move the cut).
    cut = (float(np.median(low)) + float(np.median(high))) / 2
    return Cadence(slot, silence, cut)


def runs(words: Sequence[Word], cadence: Cadence) -> list[Run]:
    """The words cut into runs at every pause longer than ``cadence.cut``, and around
    every word that is not a digit (a spoken word is a run of its own)."""
    found: list[Run] = []
    if not words:
        return found
    extra = extra_pauses(words, cadence.slot, cadence.silence)
    current = [words[0]]
    pause = 0.0
    for k, word in enumerate(words[1:]):
        split = extra[k] > cadence.cut
        split = split or (word.p_digit < DIGIT_LIKE) or (current[-1].p_digit < DIGIT_LIKE)
        if split:
            found.append(Run(tuple(current), pause))
            current, pause = [], float(extra[k])
        current.append(word)
    found.append(Run(tuple(current), pause))
    return found


@dataclass(frozen=True)
class Onset:
    """When a digit of a pass was heard: its group, its reading of the group and its
    figure (0-based), and the time (seconds)."""

    group: int
    reading: int
    figure: int
    time: float


@dataclass(frozen=True)
class Gap:
    """The pause between groups of one pass, fitted: its length and standard error."""

    seconds: float
    error: float


def group_gap(onsets: Sequence[Onset], times: int) -> Gap | None:
    """The extra pause between groups of a pass whose groups are read ``times`` times
    in a row, from every digit's onset at once: onset = start + group x period +
    reading x repeat period + figure x slot, fitted by least squares, and the pause is
    what the group period holds beyond the readings and their own pauses (fitting all
    onsets together keeps the slot's error from counting five times over)."""
    if len({o.group for o in onsets}) < 3:
        return None
    x = np.array([[1.0, o.group, o.reading, o.figure] for o in onsets])
    y = np.array([o.time for o in onsets])
    if times <= 1:
        x = x[:, [0, 1, 3]]
    coef, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    if rank < x.shape[1] or len(y) <= x.shape[1]:
        return None
    # The pause: the group period less one reading's five digit steps and the other
    # readings' periods (each five steps and a repeat pause).
    pick = np.zeros(x.shape[1])
    pick[1], pick[-1] = 1.0, -float(FIGURES)
    if times > 1:
        pick[2] = -(times - 1.0)
    sigma2 = float(np.sum((y - x @ coef) ** 2)) / (len(y) - x.shape[1])
    error = float(np.sqrt(sigma2 * pick @ np.linalg.pinv(x.T @ x) @ pick))
    return Gap(float(pick @ coef), error)


def speed(gaps: Sequence[Gap], profile: Profile) -> float | None:
    """The tape's speed (1.03 = 3 % fast): the profile's pause between groups against
    the ones fitted (weighed by their errors); None when none was fitted or they are
    too far from the profile's to be a speed error; 1.0 when they do not differ from it
    by more than twice their standard error."""
    if not gaps or profile.timing.group_gap <= 0:
        return None
    weights = np.array([1 / max(g.error, 1e-4) ** 2 for g in gaps])
    measured = float(np.sum(weights * [g.seconds for g in gaps]) / weights.sum())
    error = float(1 / np.sqrt(weights.sum()))
    if measured <= 0:
        return None
    factor = profile.timing.group_gap / measured
    if abs(factor - 1) > SPEED_BELIEVED:
        return None
    return factor if abs(factor - 1) > 2 * error / measured else 1.0


def speed_note(factor: float | None) -> str | None:
    """``tape about 3 % fast`` (or slow), when the speed is off by enough to say."""
    if factor is None or abs(factor - 1) < SPEED_NOTED:
        return None
    way = "fast" if factor > 1 else "slow"
    return f"tape about {abs(factor - 1) * 100:.0f} % {way} (pauses between groups measured)"
