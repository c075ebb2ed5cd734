"""A word list as a prefix tree, mixed into the character model while reading a depth.

Two texts on one key leave little slack: a character 4-gram model finds readings more
likely than the truth (wrong by a letter or two in most words). Real words fix that,
as the 7-gram models did for Mason et al. The *lexicon* is the ``wordfreq`` list the
character models are built from (the 50 000 most frequent words), folded into the
model's alphabet, as a prefix tree. Reading a word, the search is at a node of the tree;
the next symbol's probability is a mixture

    P(x | node, context) = lam(node) * P_tree(x | node) + (1 - lam(node)) * P_4gram(x | context)

``P_tree`` continues the words through the node by their frequency (the end of a word
goes to SPACE, or to OTHER one time in ten as punctuation); ``lam`` is Witten-Bell's
weight on word *types*, ``n / (n + BETA * t)`` for ``n`` words through the node and
``t`` distinct continuations, so a node many words share trusts the list and a word
the list lacks falls back to the 4-gram model (after the first letter the list cannot
continue, the reading is at the node DEAD and the 4-gram model alone scores it).
SPACE leads back to the root; OTHER to DEAD. A board without a space cell (text
written solid) gets an empty lexicon: words cannot be told apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from ..language.model import PUNCTUATION, model

__all__ = ["BETA", "DEAD", "ROOT", "Lexicon", "lexicon"]

ROOT = 0
DEAD = 1
BETA = 0.1
"""How little a node trusts its words: larger leaves more to the 4-gram model."""
WORDS = 50_000
"""Words of the list in the tree (the character models are built from as many)."""


@dataclass(frozen=True, eq=False)
class Lexicon:
    """``child[node, x]``: the node after symbol ``x``; ``weight[node, x]``:
    ``lam * P_tree(x | node)``; ``rest[node]``: ``1 - lam``, the 4-gram model's share."""

    child: NDArray[np.int32]
    weight: NDArray[np.float64]
    rest: NDArray[np.float64]

    @property
    def nodes(self) -> int:
        return len(self.rest)


def empty(size: int) -> Lexicon:
    """No words: every node is DEAD, the 4-gram model scores everything."""
    child = np.full((2, size), DEAD, dtype=np.int32)
    return Lexicon(child, np.zeros((2, size)), np.ones(2))


@cache
def lexicon(lang: str) -> Lexicon:
    """The prefix tree of ``lang``'s word list (cached)."""
    import wordfreq

    lm = model(lang)
    size, space, other = lm.size, lm.alphabet.index(" "), lm.size - 1
    freqs = wordfreq.get_frequency_dict(lang)
    words = wordfreq.top_n_list(lang, WORDS)
    codes = lm.encode(" ".join(words)).tolist()
    nodes: dict[tuple[int, ...], int] = {(): ROOT}
    edges: list[tuple[int, int, int, float, bool]] = []  # parent, symbol, child, f, end
    for text, word in zip(words, _split(codes, space), strict=True):
        if word and other not in word:
            _insert(nodes, edges, tuple(word), freqs.get(text, 0.0))
    return _tables(len(nodes) + 1, edges, size, space, other)


def _split(codes: list[int], space: int) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for x in codes:
        if x == space:
            out.append([])
        else:
            out[-1].append(x)
    return out


def _insert(
    nodes: dict[tuple[int, ...], int],
    edges: list[tuple[int, int, int, float, bool]],
    word: tuple[int, ...],
    f: float,
) -> None:
    """Every prefix of ``word`` as a node (DEAD keeps id 1), each edge with ``f``."""
    parent = ROOT
    for i in range(1, len(word) + 1):
        node = nodes.get(word[:i])
        if node is None:
            node = nodes[word[:i]] = len(nodes) + 1  # ids 0 (root) and 1 (DEAD) taken
        edges.append((parent, word[i - 1], node, f, i == len(word)))
        parent = node


def _tables(
    n: int, edges: list[tuple[int, int, int, float, bool]], size: int, space: int, other: int
) -> Lexicon:
    e = np.array([(p, x, c) for p, x, c, _, _ in edges], dtype=np.int64).reshape(-1, 3)
    f = np.array([x[3] for x in edges])
    end = np.array([x[4] for x in edges], dtype=bool)
    child = np.full((n, size), DEAD, dtype=np.int32)
    child[e[:, 0], e[:, 1]] = e[:, 2]
    child[:, space] = ROOT
    child[:, other] = DEAD
    mass = np.zeros((n, size))
    np.add.at(mass, (e[:, 0], e[:, 1]), f)
    ends = np.zeros(n)
    np.add.at(ends, e[end, 2], f[end])
    mass[:, space] += ends * (1 - PUNCTUATION)
    mass[:, other] += ends * PUNCTUATION
    types = _types_through(n, e, end)
    branches = (mass[:, :other] > 0).sum(axis=1) + (ends > 0)
    total = mass.sum(axis=1)
    lam = np.where(total > 0, types / (types + BETA * np.maximum(branches, 1)), 0.0)
    weight = np.divide(mass, total[:, None], out=np.zeros_like(mass), where=total[:, None] > 0)
    lam[DEAD] = 0.0
    return Lexicon(child, weight * lam[:, None], 1.0 - lam)


def _types_through(n: int, e: NDArray[np.int64], end: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Words passing through (or ending at) each node: each word's edges are counted
    once at its child node, and the root holds them all."""
    through = np.zeros(n)
    np.add.at(through, e[:, 2], 1.0)
    through[ROOT] = float(end.sum())
    return through
