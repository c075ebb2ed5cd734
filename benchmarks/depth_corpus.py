"""Synthetic depths made from real text, with the truth, and random logs.

A depth here is what a careless cipher clerk makes: ``depth`` different passages of real
running text (:mod:`corpora`), each encoded on one board (``Policy.FOLD``) and cut to
``groups`` five-figure groups, all enciphered (:mod:`cinq.hazmat.cipher`, convention
subtract) with ONE random key, each message starting at its own group of the key:
all at group 0 (aligned) or at offsets up to ``shift`` groups apart (shifted). The
truth (plaintext windows, offsets, key) stays with it, for scoring what the depth
finder and solver say.

The grid of the issue: depth 2, 3 and 4 x messages of 20, 50, 100 and 200 groups x
en, fr, de, es, ru, each on its language's default board and on CT-37, except Russian,
which only its default board RU-1 can write (CT-37 is a Latin board: it has no cell for
a Cyrillic letter).

Random logs (:func:`random_log`): N messages of L uniform random groups, for false
alarms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

import corpora  # type: ignore[import-not-found]
from cinq import checkerboard as cb
from cinq import language as lg
from cinq.digits import Digits
from cinq.hazmat.cipher import Convention, encipher

DEPTHS = (2, 3, 4)
GROUPS = (20, 50, 100, 200)
LANGS = corpora.LANGS
CONVENTION = Convention.SUBTRACT


def boards(lang: str) -> tuple[str, ...]:
    """The boards a language is measured on: its default, and CT-37 unless it is
    Russian (CT-37 cannot write Cyrillic)."""
    default = lg.language(lang).default_board
    return (default,) if lang == "ru" or default == "CT-37" else (default, "CT-37")


@dataclass(frozen=True)
class Cell:
    """One cell of the grid: a language on a board, a depth, a message length."""

    lang: str
    board: str
    depth: int
    groups: int

    def label(self) -> str:
        return f"{self.lang} {self.board:<6} depth {self.depth} x {self.groups:>3} groups"


def grid(
    depths: tuple[int, ...] = DEPTHS,
    groups: tuple[int, ...] = GROUPS,
    langs: tuple[str, ...] = LANGS,
) -> Iterator[Cell]:
    """Every cell, languages outermost."""
    for lang in langs:
        for board in boards(lang):
            for d in depths:
                for g in groups:
                    yield Cell(lang, board, d, g)


@dataclass(frozen=True)
class Depth:
    """Messages on one key, and the truth about them."""

    cell: Cell
    plain: tuple[corpora.Window, ...]
    """Each message's plaintext window (digits and the text they read as)."""
    offsets: tuple[int, ...]
    """Each message's first key group (the smallest is 0)."""
    key: Digits
    """The key digits, from group 0 to the end of the last message."""
    ciphers: tuple[Digits, ...]

    @property
    def depth(self) -> int:
        return len(self.plain)

    def shift(self, i: int, j: int) -> int:
        """Groups message ``j`` starts after message ``i`` in the key."""
        return self.offsets[j] - self.offsets[i]

    def overlap(self, i: int, j: int) -> int:
        """Key groups messages ``i`` and ``j`` share."""
        return max(0, self.cell.groups - abs(self.shift(i, j)))

    def groups_of(self, i: int) -> list[str]:
        """Message ``i``'s cipher as five-figure groups."""
        return as_groups(self.ciphers[i])


def offsets(depth: int, shift: int, rng: np.random.Generator) -> tuple[int, ...]:
    """``depth`` starting groups: all 0 when ``shift`` is 0, else the first message at
    a random place and the others up to ``shift`` groups before or after it, never two
    at the same group (so every pair is shifted), the smallest made 0."""
    if shift == 0:
        return (0,) * depth
    if depth > 2 * shift + 1:
        raise ValueError(f"{depth} messages cannot start at different groups within {shift}")
    starts = rng.choice(np.arange(-shift, shift + 1), size=depth, replace=False)
    return tuple(int(s - starts.min()) for s in starts)


def make(cell: Cell, rng: np.random.Generator, shift: int = 0) -> Depth:
    """One depth of ``cell``: different passages, one random key, offsets as
    :func:`offsets` draws them."""
    board = cb.board(cell.board)
    plain = tuple(corpora.windows(cell.lang, board, 5 * cell.groups, rng, cell.depth))
    starts = offsets(cell.depth, shift, rng)
    key = rng.integers(0, 10, 5 * (max(starts) + cell.groups), dtype=np.uint8)
    ciphers = tuple(
        encipher(w.digits, key[5 * s :], CONVENTION) for w, s in zip(plain, starts, strict=True)
    )
    return Depth(cell, plain, starts, key, ciphers)


def depths(cell: Cell, count: int, seed: int, shift: int = 0) -> list[Depth]:
    """``count`` depths of ``cell``, the same for the same seed."""
    rng = np.random.default_rng([seed, *map(ord, cell.label())])
    return [make(cell, rng, shift) for _ in range(count)]


def random_log(messages: int, groups: int, seed: int) -> list[Digits]:
    """``messages`` messages of ``groups`` uniform random groups (independent keys:
    no depth among them), the same for the same seed."""
    rng = np.random.default_rng([seed, messages, groups])
    block = rng.integers(0, 10, (messages, 5 * groups), dtype=np.uint8)
    return list(block)


def as_groups(digits: Digits) -> list[str]:
    """Digits as five-figure groups (the last one short if the length is not a
    multiple of five)."""
    text = "".join(map(str, digits.tolist()))
    return [text[k : k + 5] for k in range(0, len(text), 5)]
