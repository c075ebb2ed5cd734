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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import BadInput
from .transcript import Item, Kind

__all__ = ["Alignment", "Segment", "align", "emissions"]

SILENCE = 10  # the recogniser's class of silence and noise
OTHER = 11  # and of speech that is not a digit
CLASSES = 12
ANY_DIGIT = CLASSES  # extra emission columns: any of the ten digits; a tone
TONE = CLASSES + 1
HOP = 0.01  # seconds per frame
MIN_FRAMES = 8  # no word is shorter than 80 ms


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


def emissions(logprobs: NDArray[np.floating]) -> NDArray[np.float64]:
    """The recogniser's ``(frames, 12)`` log-probabilities with two columns more: any
    digit (an uncopied figure) and a tone (silence/noise or other sound), each the
    mean probability of the classes it may be."""
    lp = np.asarray(logprobs, np.float64)
    if lp.ndim != 2 or lp.shape[1] != CLASSES or not np.isfinite(lp).all():
        raise BadInput(f"log-probabilities must be finite, frames x {CLASSES}, not {lp.shape}")
    # The mean, not the sum, of the classes it may be: an item that may be anything
    # must not score better than the item it really is, or one such item would
    # stretch over the whole recording.
    any_digit = np.logaddexp.reduce(lp[:, :10], axis=1) - np.log(10)
    tone = np.logaddexp(lp[:, SILENCE], lp[:, OTHER]) - np.log(2)
    return np.column_stack([lp, any_digit, tone])


def column(item: Item) -> int:
    """The emission column that scores ``item``."""
    if item.kind is Kind.DIGIT:
        return int(item.text)
    return {Kind.FIGURE: ANY_DIGIT, Kind.WORD: OTHER, Kind.TONE: TONE}[item.kind]


def align(
    logprobs: NDArray[np.floating], items: Sequence[Item], *, min_frames: int = MIN_FRAMES
) -> Alignment:
    """The best local alignment of ``items`` to a recording's frame log-probabilities.

    Parameters
    ----------
    logprobs
        ``(frames, 12)``: the recogniser's log-probabilities, 10 ms apart.
    items
        The spoken sequence (:func:`cinq.radio.transcript.spoken`).
    min_frames
        The fewest frames an item may take.

    Raises
    ------
    BadInput
        No items, log-probabilities of the wrong shape, or a recording shorter than
        one item.
    """
    if not items:
        raise BadInput("nothing to align: the sequence is empty")
    if min_frames < 2:
        raise BadInput(f"an item takes at least 2 frames, not {min_frames}")
    em = emissions(logprobs)
    if len(em) < min_frames:
        raise BadInput(f"the recording is too short to hold a word ({len(em) * HOP:.2f} s)")
    cols = np.array([column(i) for i in items])
    bits, gap, word = _forward(em, cols, min_frames)
    return _backtrack(em, cols, bits, gap, word)


def _forward(
    em: NDArray[np.float64], cols: NDArray[np.int_], m: int
) -> tuple[NDArray[np.uint8], NDArray[np.float64], NDArray[np.float64]]:
    """Viterbi forward pass: the final scores of every state and, per frame, the
    packed choices (came from the previous item's end into a gap; into an item's
    first frame; stayed in an item's last frame)."""
    n = len(cols)
    bits = np.zeros((len(em), 3, (n + 7) // 8), np.uint8)
    gap = np.full(n + 1, em[0, SILENCE])  # gap[i]: silence before item i (gap[n]: after)
    word = np.repeat(em[0, cols][:, None], m, axis=1)  # free start anywhere in the chain
    for t in range(1, len(em)):
        e, s = em[t, cols], em[t, SILENCE]
        end = word[:, -1]
        from_word = np.r_[-np.inf, end]
        into_gap = from_word > gap
        from_gap = np.maximum(gap, from_word)
        into_word = from_word[:-1] > gap[:-1]
        stay = end >= word[:, -2]
        new = np.empty_like(word)
        new[:, 0] = np.where(into_word, from_word[:-1], gap[:-1]) + e
        new[:, 1:-1] = word[:, :-2] + e[:, None]
        new[:, -1] = np.maximum(end, word[:, -2]) + e
        gap, word = from_gap + s, new
        bits[t] = np.packbits(np.stack([into_gap[1:], into_word, stay]), axis=1)
    return bits, gap, word


def _backtrack(
    em: NDArray[np.float64],
    cols: NDArray[np.int_],
    bits: NDArray[np.uint8],
    gap: NDArray[np.float64],
    word: NDArray[np.float64],
) -> Alignment:
    """The best path, walked back from the best final state: which item (or gap)
    each frame belongs to."""
    n, m = word.shape
    if word.max() >= gap.max():
        i, k = (int(v) for v in np.unravel_index(int(np.argmax(word)), word.shape))
    else:
        i, k = int(np.argmax(gap)), -1  # k = -1: the gap before item i
    score = float(max(word.max(), gap.max()))
    owner = np.empty(len(em), np.int64)  # item index per frame; -1 - i for gap i
    for t in range(len(em) - 1, -1, -1):
        owner[t] = i if k >= 0 else -1 - i
        if t == 0:
            break
        into_gap, into_word, stay = np.unpackbits(bits[t], axis=1, count=n)
        if k < 0:
            i, k = (i - 1, m - 1) if i > 0 and into_gap[i - 1] else (i, -1)
        elif k == 0:
            i, k = (i - 1, m - 1) if into_word[i] else (i, -1)
        elif k < m - 1 or not stay[i]:
            k -= 1
    return _segments(em, cols, owner, score)


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
