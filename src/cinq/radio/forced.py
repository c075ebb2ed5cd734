"""Forced alignment: where in a recording each item of a known spoken sequence lies.

The recogniser gives, every 10 ms, the log-probability of each class (digits 0-9,
silence or noise, other speech). The known sequence is a left-to-right chain: each
item lasts at least ``min_frames`` frames, and between two items there may be a gap
of silence. Viterbi's dynamic programme finds the best path through the chain. The
alignment is *local* in the sequence: the recording may start anywhere in it (a
receiver tuned in late) and end anywhere (a recording cut short); it aligns the part
the recording holds. No energy threshold, no hand-cut onsets: the frames' posteriors
alone decide.

Memory: the path's choices are kept as bits, three per item and frame (packed), so
an hour of audio against a thousand items takes about 50 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import BadInput
from .transcript import Item, Kind, Spoken

__all__ = ["Alignment", "Segment", "align", "emissions"]

SILENCE = 10  # the recogniser's class of silence and noise
OTHER = 11  # and of speech that is not a digit
CLASSES = 12
ANY_DIGIT = CLASSES  # extra emission columns: any of the ten digits; a tone
TONE = CLASSES + 1
HOP = 0.01  # seconds per frame
MIN_FRAMES = 8  # no word is shorter than 80 ms
SLACK = 0.2  # the share of "any speech" in a word's probability (see emissions)


@dataclass(frozen=True)
class Segment:
    """Where one item of the sequence was found.

    Attributes
    ----------
    index
        The item's position in the sequence.
    start, end
        First frame and one past the last.
    score
        Sum of the item's log-probabilities over those frames.
    """

    index: int
    start: int
    end: int
    score: float

    @property
    def frames(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Alignment:
    """The best path of a sequence through a recording.

    Attributes
    ----------
    segments
        The items the recording holds, in order (a local alignment: items before
        its start or after its end are not in it).
    labels
        ``(frames,)`` the class each frame was aligned to: a digit, :data:`SILENCE`
        in gaps, :data:`OTHER` for words; -1 for a frame of an item whose class is
        not one digit (a figure not copied, a tone).
    score
        The path's total log-probability.
    """

    segments: tuple[Segment, ...]
    labels: NDArray[np.int8]
    score: float


def emissions(logprobs: NDArray[np.floating], *, slack: float = SLACK) -> NDArray[np.float64]:
    """The recogniser's ``(frames, 12)`` log-probabilities with two columns more: any
    digit (an uncopied figure: the mean probability of the ten) and a tone (silence
    and noise, the recogniser's class for tones, or other sound). A word's columns (the
    digits, other speech, any digit) are mixed with ``slack`` of the probability of
    speech: a voice the recogniser reads poorly still aligns its words to its speech,
    not to its gaps."""
    lp = np.asarray(logprobs, np.float64)
    if lp.ndim != 2 or lp.shape[1] != CLASSES or not np.isfinite(lp).all():
        raise BadInput(f"log-probabilities must be finite, frames x {CLASSES}, not {lp.shape}")
    # The mean, not the sum, of the digits: an item that may be any digit must not
    # score better than the digit it really is, or it would stretch over the digits
    # around it. A tone may stretch over the silence around it: nothing learns from it.
    any_digit = np.logaddexp.reduce(lp[:, :10], axis=1) - np.log(10)
    tone = np.logaddexp(lp[:, SILENCE], lp[:, OTHER])
    words = np.column_stack([lp[:, :SILENCE], lp[:, OTHER], any_digit])
    if slack > 0:
        speech = np.logaddexp.reduce(np.delete(lp, SILENCE, axis=1), axis=1)[:, None]
        words = np.logaddexp(np.log1p(-slack) + words, np.log(slack) + speech)
    return np.column_stack([words[:, :SILENCE], lp[:, SILENCE], words[:, SILENCE:], tone])


def column(item: Item) -> int:
    """The emission column that scores ``item``."""
    if item.kind is Kind.DIGIT:
        return int(item.text)
    return {Kind.FIGURE: ANY_DIGIT, Kind.WORD: OTHER, Kind.TONE: TONE}[item.kind]


def align(
    logprobs: NDArray[np.floating],
    spoken: Spoken,
    *,
    min_frames: int = MIN_FRAMES,
    pool: int = 1,
    slack: float = SLACK,
) -> Alignment:
    """The best local alignment of a spoken sequence to a recording's frame
    log-probabilities.

    Parameters
    ----------
    logprobs
        ``(frames, 12)``: the recogniser's log-probabilities, 10 ms apart.
    spoken
        The sequence (:func:`cinq.radio.transcript.spoken`); of each of its blocks
        the recording may hold fewer repeats (the last ones).
    min_frames
        The fewest frames an item may take.
    pool
        Align blocks of this many frames (their log-probabilities summed): the path's
        edges are as coarse, the work as many times less.
    slack
        The share of "any speech" in an item's probability (:func:`emissions`).

    Raises
    ------
    BadInput
        No items, log-probabilities of the wrong shape, or a recording shorter than
        one item.
    """
    if not spoken.items:
        raise BadInput("nothing to align: the sequence is empty")
    if min_frames < 2:
        raise BadInput(f"an item takes at least 2 frames, not {min_frames}")
    em = emissions(logprobs, slack=slack)
    if len(em) < min_frames:
        raise BadInput(f"the recording is too short to hold a word ({len(em) * HOP:.2f} s)")
    pooled = _pooled(em, pool)
    chain = _Chain.of(spoken, max(2, -(-min_frames // pool)))
    bits, jumps, gap, word = chain.forward(pooled)
    owner = np.repeat(chain.backtrack(bits, jumps, gap, word), pool)[: len(em)]
    return _segments(em, chain.cols, owner, float(max(word.max(), gap.max())))


def _pooled(em: NDArray[np.float64], pool: int) -> NDArray[np.float64]:
    """The emissions of blocks of ``pool`` frames (the last block padded with its own
    last frame)."""
    if pool < 1:
        raise BadInput(f"frames are pooled by 1 or more, not {pool}")
    if pool == 1:
        return em
    blocks = -(-len(em) // pool)
    padded = np.concatenate([em, np.repeat(em[-1:], blocks * pool - len(em), axis=0)])
    return np.asarray(padded.reshape(blocks, pool, em.shape[1]).sum(axis=1), np.float64)


# The choices kept per frame, one bit per item: how the path came into a gap or an
# item's first frame (from the previous item's end; from a junction, skipping repeats;
# neither: from the gap), and whether it stayed in an item's last frame.
PREV, JUMP, STAY = range(3)


@dataclass(frozen=True)
class _Chain:
    """The states of a spoken sequence: per item a gap before it and ``m`` frames of
    it (the last one looping), a gap after the last; per block a junction, a state
    that takes no frame, from which the path may enter a later repeat of the block
    (or what follows it) without passing through the earlier ones."""

    cols: NDArray[np.int_]  # emission column of each item
    m: int
    sources: NDArray[np.int_]  # per block: the item just before it (-1: none)
    chained: NDArray[np.bool_]  # per block: the block before it may be skipped into it
    jump: NDArray[np.int_]  # per gap/item (n + 1): the block whose junction enters it

    @classmethod
    def of(cls, spoken: Spoken, m: int) -> _Chain:
        n = len(spoken.items)
        jump = np.full(n + 1, -1)
        blocks = sorted(spoken.blocks, key=lambda b: b.start)
        for k, b in enumerate(blocks):
            for r in range(1, b.repeats - b.fewest + 1):
                jump[b.start + r * b.length] = k
        chained = [
            k > 0 and blocks[k - 1].end == b.start and blocks[k - 1].fewest == 0
            for k, b in enumerate(blocks)
        ]
        return cls(
            np.array([column(i) for i in spoken.items]),
            m,
            np.array([b.start - 1 for b in blocks], dtype=np.int_),
            np.array(chained, dtype=bool),
            jump,
        )

    def junctions(self, end: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """Each junction's score (the best end before its block, or before an earlier
        block that may be skipped whole) and whether it came from the earlier one."""
        score = np.where(self.sources >= 0, end[np.maximum(self.sources, 0)], -np.inf)
        from_before = np.zeros(len(score), bool)
        for k in np.flatnonzero(self.chained):
            if score[k - 1] > score[k]:
                score[k], from_before[k] = score[k - 1], True
        return score, from_before

    def forward(
        self, em: NDArray[np.float64]
    ) -> tuple[NDArray[np.uint8], NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
        """Viterbi's forward pass: the final scores of every gap and item state, and
        per frame the packed choices and the junctions' choices."""
        n, m = len(self.cols), self.m
        bits = np.zeros((len(em), 3, (n + 8) // 8), np.uint8)
        jumps = np.zeros((len(em), len(self.sources)), bool)
        gap = np.full(n + 1, em[0, SILENCE])  # gap[i]: silence before item i (gap[n]: after)
        word = np.repeat(em[0, self.cols][:, None], m, axis=1)  # free start anywhere
        for t in range(1, len(em)):
            e, end = em[t, self.cols], word[:, -1]
            score, jumps[t] = self.junctions(end)
            jumped = np.r_[score, -np.inf][self.jump]  # jump -1: no junction, -inf
            prev = np.r_[-np.inf, end]
            into = np.maximum(np.maximum(gap, prev), jumped)
            stay = end >= word[:, -2]
            new = np.empty_like(word)
            new[:, 0] = into[:-1] + e
            new[:, 1:-1] = word[:, :-2] + e[:, None]
            new[:, -1] = np.maximum(end, word[:, -2]) + e
            planes = [(prev > gap) & (prev >= jumped), jumped > np.maximum(gap, prev)]
            bits[t] = np.packbits(np.stack([*planes, np.r_[stay, False]]), axis=1)
            gap, word = into + em[t, SILENCE], new
        return bits, jumps, gap, word

    def backtrack(
        self,
        bits: NDArray[np.uint8],
        jumps: NDArray[np.bool_],
        gap: NDArray[np.float64],
        word: NDArray[np.float64],
    ) -> NDArray[np.int64]:
        """The best path walked back from the best final state: the item each frame
        belongs to (``-1 - i`` for the gap before item ``i``)."""
        n, m = word.shape
        if word.max() >= gap.max():
            i, k = (int(v) for v in np.unravel_index(int(np.argmax(word)), word.shape))
        else:
            i, k = int(np.argmax(gap)), -1  # k = -1: the gap before item i
        owner = np.empty(len(bits), np.int64)
        for t in range(len(bits) - 1, -1, -1):
            owner[t] = i if k >= 0 else -1 - i
            if t == 0:
                break
            came = np.unpackbits(bits[t], axis=1, count=n + 1)
            if k > 0:
                k -= 0 if k == m - 1 and came[STAY, i] else 1
            elif came[JUMP, i]:
                i, k = self.source(int(self.jump[i]), jumps[t]), m - 1
            elif came[PREV, i]:
                i, k = i - 1, m - 1
            else:
                k = -1
        return owner

    def source(self, block: int, jumped: NDArray[np.bool_]) -> int:
        """The item whose end a junction's score came from."""
        while jumped[block]:
            block -= 1
        return int(self.sources[block])


def _segments(
    em: NDArray[np.float64], cols: NDArray[np.int_], owner: NDArray[np.int64], score: float
) -> Alignment:
    """Segments and frame labels from the item (or gap) each frame was given to."""
    labels = np.full(len(owner), SILENCE, np.int8)
    segments = []
    change = np.flatnonzero(np.diff(owner)) + 1
    for a, b in zip(np.r_[0, change], np.r_[change, len(owner)], strict=True):
        i = int(owner[a])
        if i < 0:
            continue
        c = int(cols[i])
        labels[a:b] = c if c < CLASSES else -1
        segments.append(Segment(i, int(a), int(b), float(em[a:b, c].sum())))
    return Alignment(tuple(segments), labels, score)
