"""Are the groups a checkerboard plaintext, sent without a pad?

Every built-in board decodes the digits (codes a board does not use become an "other"
sign, so random digits decode to gibberish rather than an error) and the language
models score the result. Text scores far above what random digits give through the same
board; the decision threshold is calibrated on random digits (``benchmarks/``).

For boards built from an unknown keyword only the two blank columns matter to the
*shape* of the stream: for each of the 45 pairs the digits are cut into codes and the
symbol stream is compared with what random digits would give (its index of
coincidence, as a z-score). That is a hint, never a reading: without the key the
letters stay unknown.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..checkerboard import Board, all_boards
from ..digits import Digits
from ..language.model import model

LATIN = ("en", "fr", "de", "es")
OTHER = "\x00"

# Per-character log-probability above which a decoded text counts as language. Random
# digits read through any board score at most about -3.8; plaintext of 20 groups at least
# about -3.1 (benchmarks/triage_bench.py): the threshold sits in between.
THRESHOLD = -3.4


@dataclass(frozen=True)
class BoardHit:
    """The best reading of the digits on one board."""

    board: str
    lang: str
    score: float  # mean log-probability per character under the language model
    text: str
    found: bool

    def to_json(self) -> dict[str, object]:
        """Board, language, score (to 3 decimals) and whether it reads as language."""
        return {
            "board": self.board,
            "lang": self.lang,
            "score": round(self.score, 3),
            "found": self.found,
        }


def _langs(b: Board) -> Sequence[str]:
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in b.characters)
    return ("ru",) if cyrillic else LATIN


def board_readings(digits: Digits, boards: Sequence[Board] | None = None) -> list[BoardHit]:
    """Every board's best-scoring language reading, best first."""
    hits = []
    for b in boards or all_boards():
        text = b.decode(digits, replace=OTHER)
        if not text:
            continue
        best = max((model(lang).score(text), lang) for lang in _langs(b))
        hits.append(BoardHit(b.name, best[1], best[0], text, best[0] > THRESHOLD))
    return sorted(hits, key=lambda h: -h.score)


@dataclass(frozen=True)
class KeyedHint:
    blanks: tuple[int, int]
    z: float  # index of coincidence of the code stream, in SDs above random digits

    def to_json(self) -> dict[str, object]:
        """The blank columns and ``z`` (to 2 decimals)."""
        return {"blanks": list(self.blanks), "z": round(self.z, 2)}


def keyed_hint(digits: Digits) -> KeyedHint | None:
    """The blank-column pair under which the code stream looks least random."""
    if len(digits) < 30:
        return None
    best: KeyedHint | None = None
    d = digits.tolist()
    for p, q in itertools.combinations(range(10), 2):
        symbols = []
        i = 0
        while i < len(d):
            if d[i] in (p, q) and i + 1 < len(d):
                symbols.append(10 + 10 * (d[i] == q) + d[i + 1])
                i += 2
            else:
                symbols.append(d[i])
                i += 1
        counts = np.bincount(symbols, minlength=30).astype(float)
        n = counts.sum()
        ioc = float((counts * (counts - 1)).sum() / (n * (n - 1)))
        # Under random digits a code is one of 8 singles (1/10 each) or 20 pairs (1/100).
        probs = np.r_[np.full(8, 0.1), np.full(20, 0.01)]
        expected = float((probs**2).sum())
        sd = float(np.sqrt(2 * expected / (n * (n - 1)) + 4 * (probs**3).sum() / n))
        z = (ioc - expected) / sd
        if best is None or z > best.z:
            best = KeyedHint((p, q), z)
    return best
