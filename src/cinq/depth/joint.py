"""Two plaintexts on one key: the likelihood ratio of a difference stream.

Two messages enciphered on the same key digits leave, digit by digit,
``D = C1 - C2 = P1 - P2 (mod 10)``: the difference of two checkerboard plaintexts.
Two messages on independent keys leave a ``D`` that is uniform. :class:`PairModel`
tests

* H1, "two checkerboard plaintexts on one key": ``P_H1(D) = mean over languages L of
  sum over plaintext digit strings P1 of P_L(P1) * P_L(P1 - D)``, each text a
  :class:`~cinq.depth.source.Source` (the language model read through the board), the
  sum taken by a forward pass over the pair of states (both texts' board parse state
  and character context), digit by digit; against
* H0, "independent keys": ``P_H0(D) = 10^-n`` over the ``n`` known digits.

and returns ``LLR = ln P_H1(D) - n ln(1/10)``. An unknown digit of ``D`` (255) is summed
over all ten values in both models: it adds nothing to ``n`` and the forward pass sums
each text's ten next digits (leading and trailing unknown digits are skipped, which is
the same sum done exactly).

Calibration (what :mod:`.find` builds its threshold on)
-----------------------------------------------------
``P_H1`` is a proper distribution over the digit strings of each length ``n``: each
source is proper (:mod:`.source`), so for fixed ``n`` the pairs ``(P1, P2)`` have total
probability one, and ``D = P1 - P2`` is a function of the pair, so the probabilities
of all ``D`` sum to one; a mixture of proper models is proper. Under H0 (``D`` uniform
and independent of the model; which digits are unknown fixed in advance)::

    E_H0[LR] = sum_D 10^-n * P_H1(D) / 10^-n = sum_D P_H1(D) = 1,

so by Markov's inequality ``P_H0(LLR >= t) = P_H0(LR >= e^t) <= e^-t`` for every ``n``,
every pattern of unknown digits and every board and language set. A threshold
``t = ln(M / alpha)`` over ``M`` tests therefore gives at most ``M e^-t = alpha``
expected false depths (union bound; no independence needed).

The forward pass is pruned to the ``beam`` most probable pairs of states after each
digit. Pruning only drops paths, so the sum it returns is a lower bound on
``P_H1(D)``: the LLR returned is at most the exact one, its expectation under H0 is at
most one, and the bound above holds as it stands. A wider beam only adds power.
Paths that reach the same pair of states are summed before pruning (most paths differ
only in symbols older than the context), so the beam holds distinct pairs of states.

Power and cost
--------------
The power is the sources' entropy: a text costs ``h`` nats a digit under its source, so
the true pair of texts alone scores ``n (ln 10 - 2h)``, and the sum over the other
readings adds to it. ``order`` is the lever: on real prose (not the word lists) the
order-4 sources cost 1.0-1.1 nats a digit on the Latin boards that write spaces, 1.2
on RU-1 and 1.65 on AT-ONE-SIR (no space cell: the models' tables for text without
spaces); order 5 takes 0.1-0.15 nats a digit off, which roughly doubles the LLR of a
depth (at 150 digits, median 23-36 -> 46-61 nats on the Latin boards with spaces).
The order-5 models are built on first use (20 s and 140 MB on disk a language, 2.7 GB
of memory for Russian while building) and an order-5 source holds 230 MB (Russian 670
MB), against 8 MB at order 4: hence the default order 4. The pass costs about 0.4 us
per pair of states kept, per digit, per language (numpy, one core).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from ..checkerboard import Board
from ..errors import BadInput
from ..language.model import LANGS, alphabet_of
from .source import MODEL_ORDER, Source, source
from .stream import UNKNOWN, Stream

__all__ = ["BEAM", "PairModel", "languages"]

BEAM = 64
"""Pairs of states kept after each digit (see the module docstring: a lower bound)."""
SCOUT = 16
BLOCK = 512  # rows a pass takes at once (a batch of any size runs in bounded memory)
"""The beam that picks, row by row, the language the full beam then follows."""
PRESELECT = 2
"""Before paths that meet are summed, each row keeps its ``PRESELECT * beam`` best."""
LN10 = float(np.log(10.0))
_T = TypeVar("_T", bound=np.generic)


def languages(board: Board) -> tuple[str, ...]:
    """The languages whose letters the board writes (most of them): en fr de es on the
    Latin boards, ru on RU-1."""
    out = []
    for lang in LANGS:
        letters = alphabet_of(lang)[:-2]
        if sum(c in board.characters for c in letters) >= 0.9 * len(letters):
            out.append(lang)
    return tuple(out)


@dataclass(frozen=True, eq=False)
class PairModel:
    """H1 for one board: two texts in one of ``langs`` on one key (module docstring)."""

    board: Board
    sources: tuple[Source, ...]
    beam: int = BEAM
    scout: int = SCOUT

    @classmethod
    def for_board(
        cls,
        board: Board,
        langs: Sequence[str] | None = None,
        *,
        order: int = MODEL_ORDER,
        beam: int = BEAM,
        scout: int = SCOUT,
    ) -> PairModel:
        """The model of ``board`` over ``langs`` (default: :func:`languages`), cached.

        ``order``: of the sources' character context (:func:`~.source.source`);
        ``beam``: the pairs of states kept; ``scout``: the beam that picks each row's
        language (``scout >= beam``: every language gets the full beam; with an
        unbounded beam the pass is then exact)."""
        chosen = tuple(langs) if langs is not None else languages(board)
        if not chosen:
            raise BadInput(f"no language model writes on board {board.name}")
        return _pair_model(board, chosen, order, beam, scout)

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(s.lang for s in self.sources)

    def llr(self, diff: Stream) -> float:
        """The natural-log likelihood ratio of one difference stream (0 if no digit is
        known)."""
        return float(self.llr_many(np.asarray(diff, dtype=np.uint8).reshape(1, -1))[0])

    def llr_many(self, diffs: NDArray[np.uint8]) -> NDArray[np.float64]:
        """:meth:`llr` of each row of ``diffs`` (shape ``(B, T)``; 255 is an unknown digit
        or padding after a shorter stream)."""
        d = _checked(diffs)
        if d.shape[0] == 0:
            return np.zeros(0)
        known = (d != UNKNOWN).sum(axis=1)
        # In blocks of rows: the pass's arrays grow as rows x beam x 10 paths.
        logs = np.hstack([self._by_language(d[i : i + BLOCK]) for i in range(0, len(d), BLOCK)])
        top = logs.max(axis=0)
        safe = np.where(np.isfinite(top), top, 0.0)
        mix = safe + np.log(np.exp(logs - safe).mean(axis=0))
        out: NDArray[np.float64] = np.where(known > 0, mix + known * LN10, 0.0)
        return out

    def _by_language(self, d: NDArray[np.uint8]) -> NDArray[np.float64]:
        """ln P(D) under each language (rows), a lower bound each: with several
        languages every one is scouted with a narrow beam and only each row's best
        language gets the full beam (the others keep their scouting bound)."""
        scout = min(self.beam, self.scout)
        if len(self.sources) == 1 or scout == self.beam:
            return np.stack([_forward(s, d, self.beam) for s in self.sources])
        logs = np.stack([_forward(s, d, scout) for s in self.sources])
        best = logs.argmax(axis=0)
        for i, src in enumerate(self.sources):
            rows = np.flatnonzero(best == i)
            if len(rows):
                logs[i, rows] = np.maximum(logs[i, rows], _forward(src, d[rows], self.beam))
        return logs


@cache
def _pair_model(
    board: Board, langs: tuple[str, ...], order: int, beam: int, scout: int
) -> PairModel:
    return PairModel(board, tuple(source(board, lang, order) for lang in langs), beam, scout)


def _checked(diffs: NDArray[np.uint8]) -> NDArray[np.uint8]:
    d = np.asarray(diffs)
    if d.ndim != 2:
        raise BadInput(f"difference streams must be a 2-D array, not {d.ndim}-D")
    if d.size and (d.dtype.kind not in "ui" or ((d > 9) & (d != UNKNOWN)).any() or (d < 0).any()):
        raise BadInput("a difference stream holds a value that is not a digit 0-9 or 255")
    return d.astype(np.uint8)


@dataclass
class _Beam:
    """The pairs of states kept for each row: states of text 1 and 2, and log weights
    relative to ``norm`` (the log of the mass already taken out)."""

    first: NDArray[np.int64]  # (B, K)
    second: NDArray[np.int64]
    weight: NDArray[np.float64]
    norm: NDArray[np.float64]  # (B,)


def _forward(src: Source, diffs: NDArray[np.uint8], beam: int) -> NDArray[np.float64]:
    """ln P(D) under two texts of ``src`` (a lower bound: the pruned forward pass)."""
    rows, length = diffs.shape
    if length == 0:
        return np.zeros(rows)
    known = diffs != UNKNOWN
    begin = np.argmax(known, axis=1)
    end = length - np.argmax(known[:, ::-1], axis=1)  # past the last known digit
    b = _start(src, rows)
    tables = _tables(src)
    for t in range(length):
        _compact(b)
        active = (begin <= t) & (t < end)
        for rows_now, unknown in ((active & known[:, t], False), (active & ~known[:, t], True)):
            r = np.flatnonzero(rows_now)
            if len(r):
                _step(b, r, diffs[r, t], unknown, tables, beam)
    total = np.log(np.exp(b.weight).sum(axis=1)) + b.norm
    out: NDArray[np.float64] = np.where(known.any(axis=1), total, 0.0)
    return out


@dataclass(frozen=True)
class _Tables:
    """A source's transitions, flat (index ``state * 10 + digit``), as the pass reads them."""

    nxt: NDArray[np.int32]
    lp: NDArray[np.float32]
    size: int


@cache
def _tables(src: Source) -> _Tables:
    # Views of the source's own arrays (no copy: an order-5 source is 200 MB).
    return _Tables(src.next_state.ravel(), src.log_prob.ravel(), src.size)


def _start(src: Source, rows: int) -> _Beam:
    """Every pair of start states (the beam widens as the pass needs)."""
    n = len(src.start_states)
    first = np.repeat(src.start_states.astype(np.int64), n)
    second = np.tile(src.start_states.astype(np.int64), n)
    weight = np.add.outer(src.start_log_prob, src.start_log_prob).ravel()
    return _Beam(
        np.tile(first, (rows, 1)),
        np.tile(second, (rows, 1)),
        np.tile(weight, (rows, 1)),
        np.zeros(rows),
    )


def _step(
    b: _Beam,
    r: NDArray[np.intp],
    digit: NDArray[np.uint8],
    unknown: bool,
    src: _Tables,
    beam: int,
) -> None:
    """Advance rows ``r`` of the beam by one digit of D: every pair of next digits
    allowed, paths that reach the same pair of states summed, the ``beam`` best kept."""
    i1, i2 = _indices(b.first[r], b.second[r], digit, unknown)
    grow = i1.shape[1] // b.weight.shape[1]
    w = np.repeat(b.weight[r], grow, axis=1) + src.lp[i1] + src.lp[i2]
    keep = _best(w, int(PRESELECT * beam))
    w, i1, i2 = _pick(w, keep), _pick(i1, keep), _pick(i2, keep)
    w, n1, n2 = _merge(w, src.nxt[i1].astype(np.int64), src.nxt[i2].astype(np.int64), src.size)
    width = min(beam, int(np.isfinite(w).sum(axis=1).max(initial=1)))
    if width > b.weight.shape[1]:
        _widen(b, width)
    width = b.weight.shape[1]
    if w.shape[1] < width:
        pad = ((0, 0), (0, width - w.shape[1]))
        w = np.pad(w, pad, constant_values=-np.inf)
        n1, n2 = np.pad(n1, pad), np.pad(n2, pad)
    keep = _best(w, width)
    w, n1, n2 = _pick(w, keep), _pick(n1, keep), _pick(n2, keep)
    top = w.max(axis=1)
    top = np.where(np.isfinite(top), top, 0.0)
    b.first[r], b.second[r], b.weight[r] = n1, n2, w - top[:, None]
    b.norm[r] += top


def _indices(
    first: NDArray[np.int64], second: NDArray[np.int64], digit: NDArray[np.uint8], unknown: bool
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Flat table indices (state * 10 + digit) of both texts' next digits, path by path:
    text 2's digit is text 1's minus D's, or any digit where D is unknown."""
    rows = first.shape[0]
    d1 = np.arange(10)
    if unknown:
        i1 = np.repeat(first * 10, 100, axis=1) + np.tile(np.repeat(d1, 10), first.shape[1])
        i2 = np.repeat(second * 10, 100, axis=1) + np.tile(np.tile(d1, 10), first.shape[1])
        return i1, i2
    d2 = (d1[None, :] - digit[:, None].astype(np.int64)) % 10
    i1 = ((first * 10)[:, :, None] + d1).reshape(rows, -1)
    i2 = ((second * 10)[:, :, None] + d2[:, None, :]).reshape(rows, -1)
    return i1, i2


def _best(w: NDArray[np.float64], count: int) -> NDArray[np.intp]:
    """The columns of the ``count`` largest weights of each row (all, if no more)."""
    if w.shape[1] <= count:
        return np.broadcast_to(np.arange(w.shape[1]), w.shape)
    out: NDArray[np.intp] = np.argpartition(-w, count - 1, axis=1)[:, :count]
    return out


def _pick(x: NDArray[_T], columns: NDArray[np.intp]) -> NDArray[_T]:
    """``x[i, columns[i]]`` for each row ``i``."""
    rows, width = x.shape
    flat = columns + (np.arange(rows) * width)[:, None]
    out: NDArray[_T] = x.ravel()[flat]
    return out


Triple = tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]


def _merge(
    w: NDArray[np.float64], n1: NDArray[np.int64], n2: NDArray[np.int64], size: int
) -> Triple:
    """The paths of each row that reach the same pair of states summed into one (the
    others left at weight -inf): many paths differ only in symbols older than the
    context, and a beam without merging spends most of its room on them."""
    key = n1 * size + n2
    order = np.argsort(key, axis=1)
    key, w, n1, n2 = _pick(key, order), _pick(w, order), _pick(n1, order), _pick(n2, order)
    top = w.max(axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    first = np.ones(key.shape, dtype=bool)
    first[:, 1:] = key[:, 1:] != key[:, :-1]
    starts = np.flatnonzero(first.ravel())
    sums = np.add.reduceat(np.exp(w - top).ravel(), starts)
    merged = np.full(w.size, -np.inf)
    with np.errstate(divide="ignore"):
        merged[starts] = np.log(sums)
    return merged.reshape(w.shape) + top, n1, n2


def _widen(b: _Beam, width: int) -> None:
    pad = ((0, 0), (0, width - b.weight.shape[1]))
    b.first, b.second = np.pad(b.first, pad), np.pad(b.second, pad)
    b.weight = np.pad(b.weight, pad, constant_values=-np.inf)


def _compact(b: _Beam) -> None:
    """Narrow the beam to its most live pairs in any row, when that halves it (paths
    summed by :func:`_merge` leave dead slots; an exact pass would otherwise carry them)."""
    live = int(np.isfinite(b.weight).sum(axis=1).max(initial=1))
    if live <= b.weight.shape[1] // 2:
        keep = _best(b.weight, live)
        b.first, b.second, b.weight = (
            _pick(b.first, keep),
            _pick(b.second, keep),
            _pick(b.weight, keep),
        )
