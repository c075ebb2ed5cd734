"""The message's passes: readings of groups found in the runs and laid on the script.

A run of five digits is one reading of a group (a run of ten, two readings with no
pause between them). Readings follow each other in *blocks*, parted by the call-up, by
a spoken word or a pause as long as a phrase. Each block is one ``groups`` step of the
profile's script (E11: the message with every group read twice, then once more with
each group once); which one is decided by how its readings pair up (two readings of one
group agree figure by figure, two different groups do not), and in what order the
blocks come. Within a block the readings are paired the same way, so a block that
starts with the second reading of a group (a late tune-in) is paired right.

The passes are then laid over each other by content: the pass with most groups is the
reference, and every other pass is shifted to where its groups agree best with it. That
is what makes a recording that starts late work: the first pass lacks its first groups,
and its groups still find their places in the second.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .profiles import Profile
from .timing import Run
from .vote import Probs, agreement, digit_probs, posterior

FIGURES = 5
# Two passes are laid over each other only where their groups agree by at least this
# much (nats): a few sure figures in common, not chance.
MIN_AGREEMENT = 6.0
# A run of digits shorter than this is no reading of a group (a call-up's ID or count,
# a stray sound); one of four or more is a reading that lost or gained a word.
MIN_READING = 4


@dataclass(frozen=True)
class Reading:
    """One reading of a group: the probabilities of its five figures (None for a
    figure that was not heard clearly enough to place: a run of four or six words)."""

    figures: tuple[Probs | None, ...]
    start: float

    def agreement(self, other: Reading) -> float:
        """:func:`~cinq.radio.vote.agreement` summed over the figures both hold."""
        return sum(
            agreement(a, b)
            for a, b in zip(self.figures, other.figures, strict=True)
            if a is not None and b is not None
        )


@dataclass(frozen=True)
class Block:
    """Readings one after the other, with no call-up or phrase between them.

    Attributes
    ----------
    readings
        In order.
    at_start
        Whether nothing was heard before it: the recording may have begun in the
        middle of it.
    """

    readings: tuple[Reading, ...]
    at_start: bool


@dataclass(frozen=True)
class Pass:
    """A block laid on a ``groups`` step: its groups, each with its readings.

    Attributes
    ----------
    groups
        The readings of each group, in order.
    step
        Which ``groups`` step of the script (0 for the first).
    block
        Where it was heard.
    offset
        Its first group's place in the message (0-based), once laid over the others.
    """

    groups: tuple[tuple[Reading, ...], ...]
    step: int
    block: Block
    offset: int = 0


def readings(run: Run) -> list[Reading]:
    """The readings of a run of digits: five words each; a run whose length is not a
    multiple of five holds as many readings as it is nearest to, none of their figures
    placed (a word dropped or added leaves each figure's place unknown)."""
    words = run.words
    if len(words) % FIGURES == 0:
        return [
            Reading(tuple(digit_probs(w) for w in words[k : k + FIGURES]), words[k].start)
            for k in range(0, len(words), FIGURES)
        ]
    count = max(round(len(words) / FIGURES), 1)
    return [Reading((None,) * FIGURES, run.start) for _ in range(count)]


def literals(profile: Profile) -> set[str]:
    """The five-figure numbers the script says outright (a closing ``00000``)."""
    said = {"".join(s.text.split()) for s in profile.script if s.kind == "say"}
    return {t for t in said if len(t) == FIGURES and t.isascii() and t.isdigit()}


def _is_literal(block: Block, texts: set[str]) -> bool:
    """Whether a block is one reading of a number the script says outright."""
    if len(block.readings) != 1 or not texts:
        return False
    figures = block.readings[0].figures
    if any(f is None for f in figures):
        return False
    said = "".join(str(int(np.argmax(f))) for f in figures if f is not None)
    return said in texts


def _heard(run: Run, index: int, skip: frozenset[int]) -> bool:
    """Whether a run is more than a stray sound: a call-up, a word or a reading."""
    return index in skip or not run.digits or len(run.words) >= MIN_READING


def blocks(runs: Sequence[Run], skip: frozenset[int], profile: Profile) -> list[Block]:
    """The blocks of readings in ``runs``, leaving out the runs in ``skip`` (the
    call-up's) and the numbers the script says outright."""
    t = profile.timing
    phrase = (t.group_gap + t.phrase_gap) / 2
    spans: list[list[int]] = [[]]
    for i, run in enumerate(runs):
        if (i in skip or run.pause >= phrase) and spans[-1]:
            spans.append([])
        if i not in skip and run.digits and len(run.words) >= MIN_READING:
            spans[-1].append(i)
    made = []
    for span in filter(None, spans):
        first = not any(_heard(r, i, skip) for i, r in enumerate(runs[: span[0]]))
        found = tuple(r for i in span for r in readings(runs[i]))
        made.append(Block(found, at_start=first))
    texts = literals(profile)
    return [b for b in made if not _is_literal(b, texts)]


def _grouped(block: Block, times: int, phase: int) -> list[tuple[Reading, ...]]:
    rs = block.readings
    heads = [rs[:phase]] if phase else []
    return [*heads, *(rs[k : k + times] for k in range(phase, len(rs), times))]


def _pairing(groups: list[tuple[Reading, ...]]) -> float:
    """How well readings put in one group agree (mean agreement of neighbours)."""
    scores = [a.agreement(b) for g in groups for a, b in itertools.pairwise(g)]
    return float(np.mean(scores)) if scores else 0.0


def grouped(block: Block, times: int) -> tuple[tuple[tuple[Reading, ...], ...], float]:
    """The block's readings in groups of ``times`` (the phase where they agree best),
    and how well they agree (0 for groups read once)."""
    if times <= 1:
        return tuple((r,) for r in block.readings), 0.0
    best = max(
        (_grouped(block, times, p) for p in range(times)),
        key=_pairing,
    )
    return tuple(best), _pairing(best)


def _steps(profile: Profile) -> list[int]:
    """How often each group is read in a row, for each ``groups`` step in order."""
    return [s.times for s in profile.script if s.kind == "groups" for _ in range(s.repeat)]


def laid(found: list[Block], profile: Profile) -> list[Pass]:
    """The blocks laid on the script's ``groups`` steps, in order; more blocks than
    steps are merged first (a message cut in two by a burst of noise taken for a word)."""
    steps = _steps(profile)
    while len(found) > len(steps):
        sizes = [len(a.readings) + len(b.readings) for a, b in itertools.pairwise(found)]
        k = int(np.argmin(sizes))
        merged = Block(found[k].readings + found[k + 1].readings, found[k].at_start)
        found = [*found[:k], merged, *found[k + 2 :]]
    best: list[Pass] = []
    best_fit = -np.inf
    for chosen in itertools.combinations(range(len(steps)), len(found)):
        made = [(grouped(b, steps[s]), s, b) for b, s in zip(found, chosen, strict=True)]
        fit = sum(score for (_, score), _, _ in made)
        if fit > best_fit + 1e-9:
            best_fit = fit
            best = [Pass(groups, s, b) for (groups, _), s, b in made]
    return best


def _summary(group: tuple[Reading, ...]) -> Reading:
    """A group's readings combined into one (each figure's posterior)."""
    figures = []
    for i in range(FIGURES):
        heard = [f for r in group if (f := r.figures[i]) is not None]
        figures.append(posterior(heard) if heard else None)
    return Reading(tuple(figures), group[0].start)


def _offset(ref: Sequence[Reading], other: Sequence[Reading]) -> tuple[int, float]:
    """Where ``other``'s first group falls in ``ref`` for the groups to agree best,
    and how well they agree there."""
    scores = {
        o: sum(ref[o + k].agreement(r) for k, r in enumerate(other) if 0 <= o + k < len(ref))
        for o in range(-len(other) + 1, len(ref))
    }
    o = max(scores, key=lambda o: (scores[o], -abs(o)))
    return o, scores[o]


def _fallback(ref: Pass, other: Pass) -> int:
    """Where a pass sits when its groups do not say: a pass before the reference that
    the recording begins in ends where the reference ends; any other starts with it."""
    if other.step < ref.step and other.block.at_start:
        return len(ref.groups) - len(other.groups)
    return 0


def aligned(passes: list[Pass], count: int | None) -> list[Pass]:
    """Every pass with its offset in the message, laid over the longest one by
    content; the reference itself is placed at the end of the message when the
    recording begins in it and it is shorter than ``count``."""
    if not passes:
        return passes
    ref = max(passes, key=lambda p: (len(p.groups), -p.step))
    base = 0
    if count and len(ref.groups) < count and ref.block.at_start:
        base = count - len(ref.groups)
    summaries = [_summary(g) for g in ref.groups]
    placed = []
    for p in passes:
        if p is ref:
            placed.append(replace(p, offset=base))
            continue
        o, score = _offset(summaries, [_summary(g) for g in p.groups])
        where = o if score >= MIN_AGREEMENT else _fallback(ref, p)
        placed.append(replace(p, offset=base + where))
    low = min(p.offset for p in placed)
    return [replace(p, offset=p.offset - low) for p in placed] if low < 0 else placed
