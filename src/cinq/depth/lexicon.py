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
    lm = model(lang)
    size, space, other = lm.size, lm.alphabet.index(" "), lm.size - 1
    words, f = _top(lang, WORDS)
    codes = lm.encode(" ".join(words)).astype(np.int64)
    cuts = np.flatnonzero(codes == space)
    starts = np.r_[0, cuts + 1]
    lengths = np.r_[cuts, len(codes)] - starts
    if len(starts) != len(words):  # a word the model folds into a space: none known
        raise ValueError(f"the {lang} word list does not split into its words")
    at = starts[:, None] + np.arange(max(lengths.max(initial=0), 1))
    letters = np.where(at < (starts + lengths)[:, None], codes[np.minimum(at, len(codes) - 1)], -1)
    usable = (lengths > 0) & ~(letters == other).any(axis=1)
    return _tables(_edges(letters[usable], lengths[usable], f[usable], size), size, space, other)


def _top(lang: str, n: int) -> tuple[list[str], NDArray[np.float64]]:
    """The ``n`` most frequent words and their frequencies, read from wordfreq's bands
    (band ``i`` holds the words of frequency ``10 ** (-i / 100)``), as ``top_n_list``
    (which leaves out numbers) and ``get_frequency_dict`` give them, without the
    dictionary of every word."""
    import wordfreq
    from wordfreq.numbers import has_digit_sequence

    words: list[str] = []
    freqs: list[float] = []
    for band, bucket in enumerate(wordfreq.get_frequency_list(lang)):
        take = [w for w in bucket if not has_digit_sequence(w)][: n - len(words)]
        words += take
        freqs += [10 ** (-band / 100)] * len(take)
        if len(words) >= n:
            break
    return words, np.array(freqs)


@dataclass(frozen=True)
class _Edges:
    """Every word's path through the tree: one row per letter of each word."""

    parent: NDArray[np.int64]
    symbol: NDArray[np.int64]
    child: NDArray[np.int64]
    freq: NDArray[np.float64]  # the word's frequency
    end: NDArray[np.bool_]  # the word's last letter
    nodes: int


def _edges(
    letters: NDArray[np.int64], lengths: NDArray[np.int64], f: NDArray[np.float64], size: int
) -> _Edges:
    """The tree built a letter position at a time: the nodes at depth ``j + 1`` are the
    distinct (node at depth ``j``, letter) pairs. Ids 0 (root) and 1 (DEAD) are taken."""
    parent = np.full(len(letters), ROOT, dtype=np.int64)
    parents: list[NDArray[np.int64]] = []
    symbols: list[NDArray[np.int64]] = []
    children: list[NDArray[np.int64]] = []
    ends: list[NDArray[np.bool_]] = []
    freq: list[NDArray[np.float64]] = []
    nodes = 2
    for j in range(letters.shape[1]):
        alive = np.flatnonzero(lengths > j)
        keys, child = np.unique(parent[alive] * size + letters[alive, j], return_inverse=True)
        child = child.reshape(-1) + nodes
        nodes += len(keys)
        parents.append(parent[alive])
        symbols.append(letters[alive, j])
        children.append(child)
        ends.append(lengths[alive] == j + 1)
        freq.append(f[alive])
        parent[alive] = child
    return _Edges(
        np.concatenate(parents), np.concatenate(symbols), np.concatenate(children),
        np.concatenate(freq), np.concatenate(ends), nodes,
    )  # fmt: skip


def _tables(e: _Edges, size: int, space: int, other: int) -> Lexicon:
    n = e.nodes
    child = np.full((n, size), DEAD, dtype=np.int32)
    child[e.parent, e.symbol] = e.child
    child[:, space] = ROOT
    child[:, other] = DEAD
    mass = np.zeros((n, size))
    np.add.at(mass, (e.parent, e.symbol), e.freq)
    ends = np.zeros(n)
    np.add.at(ends, e.child[e.end], e.freq[e.end])
    mass[:, space] += ends * (1 - PUNCTUATION)
    mass[:, other] += ends * PUNCTUATION
    types = _types_through(e)
    branches = (mass[:, :other] > 0).sum(axis=1) + (ends > 0)
    total = mass.sum(axis=1)
    lam = np.where(total > 0, types / (types + BETA * np.maximum(branches, 1)), 0.0)
    weight = np.divide(mass, total[:, None], out=np.zeros_like(mass), where=total[:, None] > 0)
    lam[DEAD] = 0.0
    return Lexicon(child, weight * lam[:, None], 1.0 - lam)


def _types_through(e: _Edges) -> NDArray[np.float64]:
    """Words passing through (or ending at) each node: each word's edges are counted
    once at its child node, and the root holds them all."""
    through = np.zeros(e.nodes)
    np.add.at(through, e.child, 1.0)
    through[ROOT] = float(e.end.sum())
    return through
