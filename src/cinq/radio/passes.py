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
from numpy.typing import NDArray

from .profiles import Profile
from .timing import DIGIT_LIKE, Cadence, Run
from .vote import Probs, agreement, digit_probs, posterior
from .words import DIGITS, Word

FIGURES = 5
# Two passes are laid over each other only where their groups agree by at least this
# much (nats): a few sure figures in common, not chance.
MIN_AGREEMENT = 6.0
# Two readings are of one phrase said again (not two groups alike, as 78888 and 28888
# heard by a weak recogniser) when they agree by this much: four sure figures and no
# contradiction.
SAME_PHRASE = 9.0
# A run of digits shorter than this is no reading of a group (a call-up's ID or count,
# a stray sound); one of four or more is a reading that lost or gained a word.
MIN_READING = 4
# The most readings in a row taken for missed (an empty reading each) in a block.
MAX_HOLES = 2
# The most ways to place one damaged reading's words that are weighed.
MAX_OPTIONS = 8


Figures = tuple[Probs | None, ...]


@dataclass(frozen=True)
class Reading:
    """One reading of a group: the probabilities of its five figures.

    A run of four or six words is a reading that lost or gained one (a soft onset
    missed, a digit heard as two): its words are placed on the five figures by their
    onsets, and where that leaves a doubt (the first or the last figure missing), each
    way of placing them is an *option*, settled later by the other readings of the
    group (:meth:`resolved`). A figure no option is sure of is None.
    """

    options: tuple[Figures, ...]
    start: float
    pause: float = 0.0
    onsets: tuple[float, ...] = ()  # of the five words, when it has all five

    @property
    def figures(self) -> Figures:
        """The figures every option agrees on (the others None)."""
        first = self.options[0]
        return tuple(
            f if all(o[i] is f for o in self.options[1:]) else None for i, f in enumerate(first)
        )

    def agreement(self, other: Reading) -> float:
        """:func:`~cinq.radio.vote.agreement` summed over the figures both hold, for the
        options that agree best."""
        return max(_agreement(a, b) for a in self.options for b in other.options)

    def resolved(self, others: Sequence[Reading]) -> Reading:
        """The options made one: each figure a mixture of the options' readings of it,
        weighed by how well the ``others`` (readings of the same group) agree with each
        option on the *other* figures -- so that an option is never chosen by the very
        figure it then votes on, which would count the others' evidence twice."""
        if len(self.options) == 1:
            return self
        scores = np.array([[_figure_agreement(o[i], others, i) for i in range(FIGURES)]
                           for o in self.options])  # fmt: skip
        figures: list[Probs | None] = []
        for i in range(FIGURES):
            logits = scores.sum(axis=1) - scores[:, i]
            weights = np.exp(logits - logits.max())
            weights /= weights.sum()
            heard = [(w, o[i]) for w, o in zip(weights, self.options, strict=True)]
            if all(f is None for _, f in heard):
                figures.append(None)
                continue
            uniform = np.full(len(DIGITS), 1 / len(DIGITS))
            figures.append(sum((w * (uniform if f is None else f) for w, f in heard), uniform * 0))
        return Reading((tuple(figures),), self.start, self.pause)


def _figure_agreement(f: Probs | None, others: Sequence[Reading], i: int) -> float:
    """How well figure ``i`` of the others agrees with ``f`` (0 where either is None)."""
    if f is None:
        return 0.0
    return sum(agreement(f, g) for r in others if (g := r.figures[i]) is not None)


def _agreement(a: Figures, b: Figures) -> float:
    return sum(
        agreement(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None
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
    after_callup
        Whether a call-up was heard between the block before it and this one.
    at_end
        Whether nothing was heard after it: the recording may end in the middle of it.
    """

    readings: tuple[Reading, ...]
    at_start: bool
    after_callup: bool = False
    at_end: bool = False


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


def readings(run: Run, slot: float) -> list[Reading]:
    """The readings of a run of digits, as many as its length is nearest to in fives:
    a longer run is cut at its widest onset gaps (two readings said without a pause, or
    with a word of noise between them); a reading of five words is read as it is, one of
    four or six placed by its onsets (digit steps of ``slot`` seconds), any other left
    with no figure placed."""
    words = run.words
    count = max(round(len(words) / FIGURES), 1)
    if count > 1:
        gaps = np.diff([w.start for w in words])
        cuts = sorted(int(k) + 1 for k in np.argsort(gaps)[::-1][: count - 1])
        parts = [words[a:b] for a, b in itertools.pairwise([0, *cuts, len(words)])]
        found = [r for part in parts for r in readings(Run(part, 0.0), slot)]
    elif len(words) == FIGURES:
        probs = tuple(digit_probs(w) for w in words)
        found = [Reading((probs,), run.start, onsets=tuple(w.start for w in words))]
    elif len(words) in (FIGURES - 1, FIGURES + 1):
        found = [Reading(_placings(words, slot), run.start)]
    else:
        found = [Reading(((None,) * FIGURES,), run.start)]
    return [replace(found[0], pause=run.pause), *found[1:]]


def _placings(words: Sequence[Word], slot: float) -> tuple[Figures, ...]:
    """The ways to lay ``words`` on five figures: each word at its onset's digit step
    from the first (two words at one step: either may be the digit); a span shorter
    than five is padded at either end, a longer one cut at either end."""
    steps = np.round((np.array([w.start for w in words]) - words[0].start) / slot).astype(int)
    steps = np.minimum(steps, FIGURES + 1)
    choices: list[list[Probs | None]] = [
        [digit_probs(w) for w, s in zip(words, steps, strict=True) if s == k] or [None]
        for k in range(int(steps[-1]) + 1)
    ]
    options: list[Figures] = []
    for laid in itertools.islice(itertools.product(*choices), MAX_OPTIONS):
        spare = len(laid) - FIGURES
        if spare >= 0:
            options += [laid[k : k + FIGURES] for k in range(spare + 1)]
        else:
            options += [(None,) * k + laid + (None,) * (-spare - k) for k in range(-spare + 1)]
    return tuple(options)


def literals(profile: Profile) -> set[str]:
    """The five-figure numbers the script says outright (a closing ``00000``)."""
    said = {"".join(s.text.split()) for s in profile.script if s.kind == "say"}
    return {t for t in said if len(t) == FIGURES and t.isascii() and t.isdigit()}


def _after_phrase(found: Sequence[Reading], slot: float, phrase: float) -> bool:
    """Whether the last reading comes after a phrase's pause (onset to onset, less a
    reading's five digit steps), or alone."""
    if len(found) < 2:
        return True
    return found[-1].start - found[-2].start - FIGURES * slot >= phrase


def _is_literal(reading: Reading, texts: set[str]) -> bool:
    """Whether a reading is of a number the script says outright: in one of its
    options, every figure placed (at least three) reads as that number's."""
    for option in reading.options:
        held = [(i, int(np.argmax(f))) for i, f in enumerate(option) if f is not None]
        if len(held) >= FIGURES - 2 and any(all(t[i] == str(d) for i, d in held) for t in texts):
            return True
    return False


def _heard(run: Run, index: int, skip: frozenset[int]) -> bool:
    """Whether a run is more than a stray sound: a call-up or a reading (a word may be
    noise, or the end of one the recording began in)."""
    return index in skip or (run.digits and len(run.words) >= MIN_READING)


def _segments(runs: Sequence[Run], skip: frozenset[int], cut: float) -> list[list[int]]:
    """The runs outside ``skip`` joined wherever no pause parts them: a digit heard as
    "not a digit" cuts a run in two, but not the reading it is part of."""
    found: list[list[int]] = []
    for i, run in enumerate(runs):
        if i in skip:
            continue
        if found and found[-1][-1] == i - 1 and run.pause <= cut:
            found[-1].append(i)
        else:
            found.append([i])
    return found


def _joined(runs: Sequence[Run], segment: list[int]) -> Run:
    return Run(tuple(w for i in segment for w in runs[i].words), runs[segment[0]].pause)


def _reading_like(run: Run) -> bool:
    """Whether a run can hold readings: long enough, and at most one of its words not
    a digit (a reading with one figure misheard, not a phrase with a word in it)."""
    digits = sum(w.p_digit >= DIGIT_LIKE for w in run.words)
    return len(run.words) >= MIN_READING and digits >= len(run.words) - 1


@dataclass(frozen=True)
class _Piece:
    """Runs joined into one (:func:`_segments`): the first and last run's index, the
    joined run, and whether a call-up (or any pause as long as a phrase's) parts it
    from what came before."""

    first: int
    last: int
    run: Run
    called: bool
    parted: bool


def _pieces(
    runs: Sequence[Run], skip: frozenset[int], cadence: Cadence, phrase: float
) -> list[_Piece]:
    found: list[_Piece] = []
    for segment in _segments(runs, skip, cadence.cut):
        run = _joined(runs, segment)
        after = found[-1].last + 1 if found else 0
        called = any(i in skip for i in range(after, segment[0]))
        # A spoken word with a phrase's pause on either side (ATTENTION) parts too; a
        # noise taken for a word inside the message has no such pause.
        said = bool(found) and not any(w.p_digit >= DIGIT_LIKE for w in found[-1].run.words)
        worded = said and max(found[-1].run.pause, run.pause) >= phrase
        parted = called or worded or run.pause >= phrase + cadence.slot
        found.append(_Piece(segment[0], segment[-1], run, called, parted))
    return found


def blocks(
    runs: Sequence[Run], skip: frozenset[int], profile: Profile, cadence: Cadence
) -> list[Block]:
    """The blocks of readings in ``runs``, leaving out the runs in ``skip`` (the
    call-up's) and the numbers the script says outright. A block ends at a call-up or a
    pause longer than a phrase's even with a digit missed (not at a word: a noise taken
    for one may fall inside the message)."""
    t = profile.timing
    phrase = (t.group_gap + t.phrase_gap) / 2
    spans: list[list[_Piece]] = []
    for piece in _pieces(runs, skip, cadence, phrase):
        if not spans or (piece.parted and any(_reading_like(q.run) for q in spans[-1])):
            spans.append([])
        spans[-1].append(piece)
    made = [_block(span, runs, skip, profile, cadence.slot) for span in spans]
    return [b for b in made if b is not None]


def _block(
    span: list[_Piece], runs: Sequence[Run], skip: frozenset[int], profile: Profile, slot: float
) -> Block | None:
    """The block of a span of pieces: its readings, less a closing literal."""
    t = profile.timing
    phrase = (t.group_gap + t.phrase_gap) / 2
    held = [q for q in span if _reading_like(q.run)]
    found = [r for q in held for r in readings(q.run, slot)]
    if found and _is_literal(found[-1], literals(profile)) and _after_phrase(found, slot, phrase):
        found.pop()  # the closing "00000" after the message, not a group of it
    if not found:
        return None
    first = not any(_heard(r, i, skip) for i, r in enumerate(runs[: held[0].first]))
    last = not any(_heard(r, i, skip) for i, r in enumerate(runs) if i > held[-1].last)
    return Block(tuple(found), first, any(q.called for q in span), at_end=last)


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
    and how well they agree in all (nats; 0 for groups read once). A group read fewer
    times than the others at the start (end) of the block stays only when the recording
    begins (ends) there: otherwise it is a lone reading of something else (a call-up
    heard as digits)."""
    if times <= 1:
        return tuple((r,) for r in block.readings), 0.0
    best = max(
        (_grouped(block, times, p) for p in range(times)),
        key=_pairing,
    )
    if len(best) > 1 and len(best[0]) < times and not block.at_start:
        best = best[1:]
    if len(best) > 1 and len(best[-1]) < times and not block.at_end:
        best = best[:-1]
    total = sum(a.agreement(b) for g in best for a, b in itertools.pairwise(g))
    return tuple(best), float(total)


def reads(profile: Profile) -> int:
    """How many times the script reads each group in all its passes."""
    return sum(_steps(profile))


def _steps(profile: Profile) -> list[int]:
    """How often each group is read in a row, for each ``groups`` step in order."""
    return [s.times for s in profile.script if s.kind == "groups" for _ in range(s.repeat)]


def _streaks(readings: Sequence[Reading]) -> list[range]:
    """Runs of consecutive readings that all say the same (each agrees with the next)."""
    found: list[range] = []
    start = 0
    for k in range(1, len(readings) + 1):
        if k == len(readings) or readings[k - 1].agreement(readings[k]) < SAME_PHRASE:
            found.append(range(start, k))
            start = k
    return found


def _agreements(a: Sequence[Reading], b: Sequence[Reading]) -> NDArray[np.float64]:
    """``(len(a), len(b))``: the agreement of every reading of ``a`` with every one of
    ``b`` (their figures placed in both), by one product of matrices per figure."""
    pa, held_a = _stacked(a)
    pb, held_b = _stacked(b)
    pairs = np.zeros((len(a), len(b)))
    for i in range(FIGURES):
        both = held_a[:, i, None] & held_b[None, :, i]
        dots = np.maximum(pa[:, i] @ pb[:, i].T, 1e-12)
        pairs += np.where(both, np.log(dots * len(DIGITS)), 0.0)
    return pairs


def without_phrases(found: list[Block], profile: Profile) -> list[Block]:
    """The blocks without what only looks like groups: a phrase said over and over
    (a call-up whose word was heard as a digit) shows as the same "group" more times in
    a row than the script reads any group, or more times in the whole recording than
    the script reads each group in all its passes; such readings are left out."""
    everything = [r for b in found for r in b.readings]
    if not everything:
        return found
    same = _agreements(everything, everything) >= SAME_PHRASE
    phrase = same.sum(axis=1) > reads(profile)
    runs = [
        b.readings[s.start]
        for b in found
        for s in _streaks(b.readings)
        if len(s) > profile.group_repeats and _placed(b.readings[s.start])
    ]
    if runs:
        phrase |= (_agreements(everything, runs) >= SAME_PHRASE).any(axis=1)
    kept, k = [], 0
    for b in found:
        said = phrase[k : k + len(b.readings)]
        k += len(b.readings)
        rest = tuple(r for r, x in zip(b.readings, said, strict=True) if not x)
        if rest:
            kept.append(replace(b, readings=rest, at_start=b.at_start and not said[0]))
    return kept


def _placed(reading: Reading) -> bool:
    return any(f is not None for f in reading.figures)


def _fewer(found: list[Block], steps: Sequence[int]) -> list[Block]:
    """One block fewer: a block of which no figure was placed dropped; else, of every
    way to join two neighbours with no call-up between them (a message cut by a long
    pause) or to drop one block (a call-up heard as digits), the one whose blocks pair
    up best as some step of the script reads them (a join before a drop, a smaller
    block dropped before a larger one, when they pair up as well)."""
    empty = [k for k, b in enumerate(found) if not any(_placed(r) for r in b.readings)]
    if empty:
        return [*found[: empty[0]], *found[empty[0] + 1 :]]
    joins = [
        [*found[:k], _join(found[k], found[k + 1]), *found[k + 2 :]]
        for k in range(len(found) - 1)
        if not found[k + 1].after_callup
    ]
    by_size = sorted(range(len(found)), key=lambda k: len(found[k].readings))
    drops = [[*found[:k], *found[k + 1 :]] for k in by_size]
    candidates = [*joins, *drops]
    scores = [_fit(c, steps) for c in candidates]
    return candidates[int(np.argmax(scores))]


def _fit(found: list[Block], steps: Sequence[int]) -> float:
    """How well the blocks pair up on the steps: laid in order when there are no more
    blocks than steps, else each as the step that suits it best."""
    if len(found) <= len(steps):
        return _laying(found, steps)[1]
    return sum(max(grouped(b, t)[1] for t in set(steps)) for b in found)


def _laying(found: list[Block], steps: Sequence[int]) -> tuple[list[Pass], float]:
    """The blocks laid in order on the steps where their readings pair up best."""
    best: list[Pass] = []
    best_fit = -np.inf
    for chosen in itertools.combinations(range(len(steps)), len(found)):
        made = [(grouped(b, steps[s]), s, b) for b, s in zip(found, chosen, strict=True)]
        fit = sum(score for (_, score), _, _ in made)
        if fit > best_fit + 1e-9:
            best_fit = fit
            best = [Pass(groups, s, b) for (groups, _), s, b in made]
    return best, float(best_fit)


def _join(a: Block, b: Block) -> Block:
    return replace(a, readings=a.readings + b.readings, at_end=b.at_end)


def _with_holes(block: Block) -> Block:
    """The block with an empty reading wherever one is missing: where two readings
    are two or three reading periods apart (the block's typical one), a group read once
    and never heard (faded, or heard only as a few words) would otherwise shift every
    later group up by one. A longer gap is no missed reading, and is left as it is.
    Readings with no figure placed at either end are dropped first."""
    held = [k for k, r in enumerate(block.readings) if _placed(r)]
    if not held:
        return block
    # Readings with no figure placed at either end are no help, and would shift the rest.
    rs = block.readings[held[0] : held[-1] + 1]
    if len(rs) < 3:
        return replace(block, readings=rs)
    period = float(np.median(np.diff([r.start for r in rs])))
    filled = [rs[0]]
    for a, b in itertools.pairwise(rs):
        steps = round((b.start - a.start) / period)
        if 2 <= steps <= MAX_HOLES + 1:
            filled += [Reading(((None,) * FIGURES,), a.start + k * period) for k in range(1, steps)]
        filled.append(b)
    return replace(block, readings=tuple(filled))


def laid(found: list[Block], profile: Profile) -> list[Pass]:
    """The blocks laid on the script's ``groups`` steps, in order, where their readings
    pair up best; more blocks than steps are made fewer first (:func:`_fewer`)."""
    steps = _steps(profile)
    while len(found) > len(steps):
        found = _fewer(found, steps)
    found = [_with_holes(b) for b in found]
    return _laying(found, steps)[0]


def _summary(group: tuple[Reading, ...]) -> Reading:
    """A group's readings combined into one (each figure's posterior)."""
    figures = []
    for i in range(FIGURES):
        heard = [f for r in group if (f := r.figures[i]) is not None]
        figures.append(posterior(heard) if heard else None)
    return Reading((tuple(figures),), group[0].start)


def _stacked(readings: Sequence[Reading]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """``(n, 5, 10)`` figures (zeros where None) and ``(n, 5)`` where they are held."""
    probs = np.zeros((len(readings), FIGURES, len(DIGITS)))
    held = np.zeros((len(readings), FIGURES), dtype=bool)
    for k, r in enumerate(readings):
        for i, f in enumerate(r.figures):
            if f is not None:
                probs[k, i], held[k, i] = f, True
    return probs, held


def _offset(ref: Sequence[Reading], other: Sequence[Reading]) -> tuple[int, float]:
    """Where ``other``'s first group falls in ``ref`` for the groups to agree best,
    and how well they agree there (the agreement of every pair of groups at once, then
    summed along each diagonal: one offset)."""
    pairs = _agreements(ref, other)
    scores = {o: float(np.trace(pairs, offset=-o)) for o in range(-len(other) + 1, len(ref))}
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
    recording begins in it and it is shorter than ``count``. When the reference holds
    exactly ``count`` groups (two witnesses agree on the message's extent), groups of
    other passes outside it are left out: they are not the message's."""
    if not passes:
        return passes
    # The reference: a pass as long as the call-up says, else the longest.
    ref = max(passes, key=lambda p: (len(p.groups) == count, len(p.groups), -p.step))
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
    if count and len(ref.groups) == count:
        return [c for p in placed if (c := _clipped(p, count)) is not None]
    low = min(p.offset for p in placed)
    return [replace(p, offset=p.offset - low) for p in placed] if low < 0 else placed


def _clipped(p: Pass, count: int) -> Pass | None:
    """The pass without its groups outside the message's ``count`` groups."""
    first, last = max(-p.offset, 0), min(count - p.offset, len(p.groups))
    if first >= last:
        return None
    return replace(p, groups=p.groups[first:last], offset=p.offset + first)
