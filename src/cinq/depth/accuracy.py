"""How much of a depth was read right, against the truth: for tests and benchmarks.

A character of a true plaintext counts once, at the digits of its code:

* **in its message**: the reading of that message has the same digits there, and a
  character that starts at the same digit and is not marked unsure;
* **as a pair**: some message's reading has those digits at the same key positions,
  unmarked. A reading that swapped two messages' texts (the classic failure of
  two-time-pad solvers) is right as pairs and wrong in its messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..checkerboard import Board
from ..digits import Digits
from .solve import SURE, Reading, Solution

__all__ = ["Accuracy", "accuracy", "spans"]


@dataclass(frozen=True)
class Accuracy:
    """Shares of the true characters read right, per message and as pairs."""

    messages: tuple[float, ...]
    pairs: float
    characters: int

    @property
    def worst(self) -> float:
        return min(self.messages)

    def to_json(self) -> dict[str, object]:
        return {
            "messages": [round(x, 4) for x in self.messages],
            "pairs": round(self.pairs, 4),
            "characters": self.characters,
        }


def spans(digits: Digits, board: Board) -> list[tuple[int, int]]:
    """``(first, end)`` digit indices of each token's code in ``digits`` (an unfinished
    code at the end, the fill, is left out)."""
    return [(e.first, e.end) for e in board.machine().read(digits, padded=True)]


def _sure_starts(r: Reading) -> set[int]:
    return {s for s, c in zip(r.starts, r.confidence, strict=True) if c >= SURE}


def _read(r: Reading, sure: set[int], first: int, end: int, truth: Digits) -> bool:
    """``r`` reads ``truth`` at its digits ``first:end`` (``r``'s own indices)."""
    if first < 0 or end > len(r.digits) or first not in sure:
        return False
    return bool(np.array_equal(r.digits[first:end], truth))


def accuracy(solution: Solution, plains: Sequence[Digits], board: Board) -> Accuracy:
    """Score ``solution`` against the true plaintext digits of its messages."""
    if len(plains) != len(solution.readings):
        raise ValueError(f"{len(plains)} plaintexts for {len(solution.readings)} messages")
    sure = [_sure_starts(r) for r in solution.readings]
    own: list[float] = []
    paired = total = 0
    for i, (r, p) in enumerate(zip(solution.readings, plains, strict=True)):
        found = 0
        codes = spans(p[: len(r.digits)], board)
        for a, b in codes:
            truth = p[a:b]
            hit = _read(r, sure[i], a, b, truth)
            found += hit
            paired += hit or any(
                _read(q, sure[j], a + r.offset - q.offset, b + r.offset - q.offset, truth)
                for j, q in enumerate(solution.readings)
                if j != i
            )
        own.append(found / len(codes) if codes else 1.0)
        total += len(codes)
    return Accuracy(tuple(own), paired / total if total else 1.0, total)
