"""The search behind :mod:`cinq.depth.solve`: a beam over joint states of messages in depth.

Messages enciphered on one key share its digits. At each key position the search
chooses the key digit (ten branches); each message's plaintext digit follows from its
cipher digit. A message's *state* is where its board's decoding stands (its
:class:`~cinq.checkerboard.machine.State`) and the last ``order - 1`` symbols its
language model has seen; the joint state is every message's state. A joint reading
scores the sum of the log-probabilities of the characters the messages complete. Two
readings in the same joint state have the same future, so only the better is kept
(recombination), and only the best ``width`` joint states go on: a Viterbi search
over a pruned trellis, not a guess digit by digit.

For speed the board's machine is compiled once per board and language into integer
tables (:class:`Automaton`: next state and completed symbol for every state and
digit), and a step is a few gathers over the whole beam. An unreadable cipher digit
leaves that message's plaintext digit free: the search branches over it too (from
fewer of the best parents when several are free at once, so that a step never weighs
more than a hundred times the beam).

The confidence of a digit is a fixed-lag smoothed share: the beam ``LAG`` digits later,
weighted by the softmax of its scores, traced back to the position; the share whose
reading has the chosen digit there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from ..checkerboard import Board, Kind
from ..checkerboard.machine import State
from ..checkerboard.tokens import Token, TokenKind
from ..language.model import model
from .lexicon import Lexicon, empty, lexicon

__all__ = ["LAG", "Automaton", "Lane", "Path", "Trellis", "automaton", "best_path", "search"]

ORDER = 4
"""The order of the character models read."""
LAG = 8
"""Digits of look-ahead used to judge a digit's confidence (a longer lag sees fewer
alternatives survive and is overconfident; a shorter one the opposite)."""

INACTIVE = 255
"""A message's plaintext digit at a key position it does not cover."""

_RNG = np.random.default_rng(0x5EED)
_MIXERS = _RNG.integers(1, 2**63, size=8, dtype=np.uint64) | np.uint64(1)
# Running text rarely holds a CODE escape or a procedural sign; the search must not
# use them as free digits. An escape's three digits are uniform (1/10 each) on top.
_RARE = 40.0
_ESCAPE_COST = 3 * math.log(10) + _RARE
# A number is one OTHER to the character model (the shift into figures, one of OTHER's
# codes); its figures are uniform with 1.5 nats more each (numbers are short; less let
# figures absorb key digits in depth 2), and the shift back costs ln 10.
FIXED = -2
"""The symbol of a completion the character model does not see (a figure)."""
_FIGURE = -math.log(10) - 1.5
_BACK = -math.log(10)
_INTO = 0.0  # on top of OTHER's share (-3 and -6 read less of the depth corpus)


@dataclass(frozen=True, eq=False)
class Automaton:
    """A board's machine compiled for one language, as integer tables.

    ``next_state[s, d]`` is -1 where the board uses no such code; ``symbol[s, d]`` the
    model's symbol the digit completes (-1: none; :data:`FIXED`: a figure, which the
    model does not see); ``factor[s, d]`` the probability the digit's code has beside
    the model's (OTHER's share of a punctuation mark, the cost of a rare token) or
    instead of it (figures). A message's *code* packs the node of the
    lexicon (:mod:`.lexicon`) it reads a word at and its 4-gram context:
    ``node * contexts + context``. A symbol's probability mixes the two.

    A character's log-probability is spread over its code's digits: a digit that
    completes nothing scores the log of the mass of the characters it still leads to
    (:meth:`mass` of the next state's group) less that of the state it leaves; the sum
    over a code is the character's log-probability, so readings stopped inside a code
    compare fairly with the others.
    """

    next_state: NDArray[np.int64]
    symbol: NDArray[np.int64]
    factor: NDArray[np.float64]  # exp(extra)
    group: NDArray[np.int32]  # per state: a column of the masses (0 at rest: mass 1)
    probs: NDArray[np.float32]  # the 4-gram model, flat: index = context * size + symbol
    context_mass: NDArray[np.float32]  # (contexts, groups): the 4-gram mass of each group
    lexicon: Lexicon
    tree_mass: NDArray[np.float32]  # (nodes, groups): the lexicon's share of each group
    fixed_mass: NDArray[np.float64]  # (groups,): the figures' share of each group
    size: int
    contexts: int  # size ** (order - 1)
    space: int
    start: int  # the lexicon's root, only spaces as context: a text's start

    def mass(
        self, node: NDArray[np.int64], ctx: NDArray[np.int64], group: NDArray[np.int32]
    ) -> NDArray[np.float64]:
        """The probability of completing a symbol of ``group`` (1 at rest)."""
        groups = self.tree_mass.shape[1]
        tree = self.tree_mass.ravel().take(node * groups + group)
        four = self.context_mass.ravel().take(ctx * groups + group)
        m: NDArray[np.float64] = tree + self.lexicon.rest.take(node) * four
        m += self.fixed_mass.take(group)
        m[group == 0] = 1.0
        return m

    def gain(
        self,
        state: NDArray[np.int64],
        code: NDArray[np.int64],
        parent: NDArray[np.int64],
        digit: NDArray[np.int64],
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """Next states (-1: no such code), codes and log-probabilities of ``digit``
        after beam entry ``parent`` (``state`` and ``code``: the beam's)."""
        node_b, ctx_b = np.divmod(code, self.contexts)
        before = np.log(self.mass(node_b, ctx_b, self.group.take(state)))[parent]
        node, ctx = node_b[parent], ctx_b[parent]
        move = state[parent] * 10 + digit
        nxt = self.next_state.ravel().take(move)
        sym = self.symbol.ravel().take(move)
        p = self.factor.ravel().take(move)  # figures: that alone, the context stays
        out = code[parent]
        w = np.flatnonzero(sym == -1)  # inside a code: the mass it still leads to
        p[w] = self.mass(node[w], ctx[w], self.group.take(np.maximum(nxt[w], 0)))
        e = np.flatnonzero(sym >= 0)  # the digits that complete a symbol
        if len(e):
            n, c, x = node[e], ctx[e], sym[e]
            lex = self.lexicon
            four = self.probs.take(c * self.size + x)
            p[e] *= lex.weight.ravel().take(n * self.size + x) + lex.rest.take(n) * four
            # The model cuts contexts at their last space: one context for all after one.
            after = np.where(x == self.space, self.start, (c * self.size + x) % self.contexts)
            out[e] = (
                after + lex.child.ravel().take(n * self.size + x).astype(np.int64) * self.contexts
            )
        with np.errstate(divide="ignore"):
            lp = np.log(p) - before
        lp[nxt < 0] = -np.inf
        return nxt, out, lp


@cache
def automaton(board: Board, lang: str) -> Automaton:
    """``board``'s machine as tables, scored by ``lang``'s models (cached)."""
    lm = model(lang, ORDER)
    nxt, sym, extra, rest = _machine(board, lm.encode, lm.size - 1)
    group, vectors = _groups(nxt, sym, extra, rest, lm.size)
    # A board without a space cell writes text without spaces: the model's own tables,
    # and no words (they cannot be told apart).
    spaced = " " in board.characters or not lm.solid
    table = lm.tables[-1] if spaced else lm.solid[-1]
    lex = lexicon(lang) if spaced else empty(lm.size)
    probs = np.exp(table.astype(np.float64))
    space = lm.alphabet.index(" ")
    start = sum(space * lm.size**k for k in range(lm.order - 1))
    return Automaton(
        nxt.astype(np.int64), sym.astype(np.int64), np.exp(extra), group, probs.astype(np.float32),
        (probs.reshape(-1, lm.size) @ vectors[:, :-1].T).astype(np.float32), lex,
        (lex.weight @ vectors[:, :-1].T).astype(np.float32), vectors[:, -1], lm.size,
        lm.size ** (lm.order - 1), space, start,
    )  # fmt: skip


def _machine(
    board: Board, encode: object, other: int
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64], NDArray[np.bool_]]:
    """The machine's next states, symbols and extra log-probabilities per state and
    digit, and which states are at rest."""
    machine = board.machine()
    states = machine.states()
    index = {s: i for i, s in enumerate(states)}
    letters = {c.text for c in board.modes[0].codes.values() if c.kind is Kind.CHAR}
    nxt = np.full((len(states), 10), -1, dtype=np.int32)
    sym = np.full((len(states), 10), -1, dtype=np.int32)
    extra = np.zeros((len(states), 10), dtype=np.float64)
    texts: dict[tuple[int, int], str] = {}
    for i, state in enumerate(states):
        for d in range(10):
            t = machine.step(state, d)
            if t is None:
                continue
            nxt[i, d] = index[t.state]
            if t.emitted is not None:
                token = t.emitted
                texts[(i, d)] = token.text
                figure = state.mode and token.kind is TokenKind.CHAR and token.text not in letters
                sym[i, d] = FIXED if figure else _symbol(t.emitted, encode, other)
                extra[i, d] = _FIGURE if figure else -_cost(t.emitted.kind)
            elif t.state.mode != state.mode:  # a shift: as rare as any non-letter ...
                sym[i, d] = other if state.mode == 0 else FIXED
                extra[i, d] = _INTO if state.mode == 0 else _BACK  # ... and back at a cost
    _share_other(states, sym, extra, other, texts)
    return nxt, sym, extra, np.array([s.at_rest for s in states])


# Running text has far more full stops and commas than other punctuation.
_WEIGHTS = {".": 8.0, ",": 6.0, "'": 2.0, "-": 2.0}


def _share_other(
    states: list[State],
    sym: NDArray[np.int32],
    extra: NDArray[np.float64],
    other: int,
    texts: dict[tuple[int, int], str],
) -> None:
    """The codes of a mode that stand for OTHER (punctuation, the shift into figures)
    share its probability, full stops and commas most (:data:`_WEIGHTS`, others 1), so
    that the digits' model stays proper (CODE escapes and signs keep their own cost on
    top). ``texts``: the character each transition completes."""
    shares: dict[int, dict[tuple[str, int], float]] = {}
    for i, d in zip(*np.nonzero((sym == other) & (extra > -_RARE)), strict=True):
        weight = _WEIGHTS.get(texts.get((int(i), int(d)), ""), 1.0)
        shares.setdefault(states[i].mode, {})[(states[i].pending, int(d))] = weight
    for i, d in zip(*np.nonzero(sym == other), strict=True):
        share = shares.get(states[i].mode, {})
        weight = share.get((states[i].pending, int(d)), 1.0)
        extra[i, d] += math.log(weight / (sum(share.values()) or 1.0))


def _groups(
    nxt: NDArray[np.int32],
    sym: NDArray[np.int32],
    extra: NDArray[np.float64],
    rest: NDArray[np.bool_],
    size: int,
) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """Per state, the weights of the symbols its code in progress can still complete
    (a vector over symbols, then the weight of figures); equal vectors share a group.
    Group 0: at rest."""
    reach: dict[int, NDArray[np.float64]] = {}

    def weights(s: int) -> NDArray[np.float64]:
        if s not in reach:
            w = np.zeros(size + 1)  # the last: completions of fixed probability
            for d in range(10):
                if sym[s, d] >= 0 or sym[s, d] == FIXED:
                    w[sym[s, d] if sym[s, d] >= 0 else size] += math.exp(extra[s, d])
                elif nxt[s, d] >= 0 and not rest[nxt[s, d]]:
                    w += weights(int(nxt[s, d]))
            reach[s] = w
        return reach[s]

    vectors: dict[bytes, int] = {b"": 0}
    rows = [np.zeros(size + 1)]
    group = np.zeros(len(rest), dtype=np.int32)
    for s in np.flatnonzero(~rest):
        w = weights(int(s))
        group[s] = vectors.setdefault(w.tobytes(), len(rows))
        if group[s] == len(rows):
            rows.append(w)
    return group, np.array(rows)


def _cost(kind: TokenKind) -> float:
    """What a token costs beyond the model's log-probability of its symbol."""
    return {TokenKind.CHAR: 0.0, TokenKind.CODE: _ESCAPE_COST, TokenKind.SIGN: _RARE}[kind]


def _symbol(token: Token, encode: object, other: int) -> int:
    if token.kind is not TokenKind.CHAR:
        return other
    codes = encode(token.text)  # type: ignore[operator]
    return int(codes[0]) if len(codes) == 1 else other


@dataclass(frozen=True, eq=False)
class Lane:
    """One message as the search reads it.

    ``cipher``: its digits, -1 where unreadable; ``offset``: where its first digit
    sits in the key; ``crib``: plaintext digits it must have, -1 where free (same
    length as ``cipher``).
    """

    cipher: NDArray[np.int16]
    offset: int
    automaton: Automaton
    crib: NDArray[np.int16]

    @property
    def end(self) -> int:
        return self.offset + len(self.cipher)


@dataclass(frozen=True, eq=False)
class Trellis:
    """The beam at every key position: its scores, each entry's parent in the beam
    before, and the plaintext digit of each message (:data:`INACTIVE` where a message
    does not cover the position). Shapes ``(T, width)`` and ``(T, width, messages)``;
    unused entries score ``-inf``."""

    score: NDArray[np.float64]
    parent: NDArray[np.int32]
    plain: NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class Path:
    """The best reading: each message's plaintext digit at each key position
    (``(T, messages)``), their confidence, and its score (natural log)."""

    plain: NDArray[np.uint8]
    confidence: NDArray[np.float64]
    score: float


class DeadEnd(Exception):
    """No reading of the digits up to ``position`` is consistent with the board and
    the cribs."""

    def __init__(self, position: int) -> None:
        super().__init__(f"no reading at key position {position}")
        self.position = position


@dataclass
class _Beam:
    """The live beam between two steps (internal to :func:`search`)."""

    score: NDArray[np.float64]
    state: NDArray[np.int64]  # (width, messages)
    ctx: NDArray[np.int64]  # (width, messages): lexicon node and context (Automaton)


def search(lanes: Sequence[Lane], *, width: int, sign: int = 1) -> Trellis:
    """The pruned trellis of ``lanes`` (offsets from 0), keeping ``width`` joint states.

    ``sign``: +1 when plain = cipher + key (cinq's ``subtract`` convention), -1 for
    ``add``. Raises :class:`DeadEnd` when no reading survives a position.
    """
    total = max(lane.end for lane in lanes)
    m = len(lanes)
    score = np.full((total, width), -np.inf)
    parent = np.zeros((total, width), dtype=np.int32)
    plain = np.full((total, width, m), INACTIVE, dtype=np.uint8)
    start = np.array([[lane.automaton.start for lane in lanes]], dtype=np.int64)
    beam = _Beam(np.zeros(1), np.zeros((1, m), dtype=np.int64), start)
    for t in range(total):
        beam, par, digits = _step(beam, lanes, t, width, sign)
        k = len(beam.score)
        score[t, :k], parent[t, :k], plain[t, :k] = beam.score, par, digits
    return Trellis(score, parent, plain)


def _choices(
    lanes: Sequence[Lane], t: int, width: int, sign: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Every (parent, key digit, free digits) at position ``t``: the parents and each
    message's plaintext digit (``(n, messages)``, -1 inactive), and which are allowed."""
    free = _free_lanes(lanes, t)
    keys = 10 if _keyed(lanes, t) else 1  # no readable digit: the key digit is moot
    grid = np.indices((width, keys, *((10,) * len(free))), dtype=np.int64).reshape(
        2 + len(free), -1
    )
    par, key = grid[0], grid[1]
    digits = np.full((len(par), len(lanes)), -1, dtype=np.int64)
    ok = np.ones(len(par), dtype=bool)
    for i, ln in enumerate(lanes):
        if not ln.offset <= t < ln.end:
            continue
        c, q = int(ln.cipher[t - ln.offset]), int(ln.crib[t - ln.offset])
        if i in free:
            digits[:, i] = grid[2 + free.index(i)]
        elif c < 0:
            digits[:, i] = q
        else:
            digits[:, i] = (c + sign * key) % 10
            if q >= 0:
                ok &= digits[:, i] == q
    return par, digits, ok


def _free_lanes(lanes: Sequence[Lane], t: int) -> list[int]:
    return [i for i, ln in enumerate(lanes) if _free(ln, t)]


def _keyed(lanes: Sequence[Lane], t: int) -> bool:
    """Some message has a readable cipher digit at ``t``: the key digit matters."""
    return any(ln.offset <= t < ln.end and ln.cipher[t - ln.offset] >= 0 for ln in lanes)


def _free(lane: Lane, t: int) -> bool:
    """The message's plaintext digit at ``t`` is free (unreadable and no crib)."""
    if not lane.offset <= t < lane.end:
        return False
    j = t - lane.offset
    return bool(lane.cipher[j] < 0 and lane.crib[j] < 0)


def _step(
    beam: _Beam, lanes: Sequence[Lane], t: int, width: int, sign: int
) -> tuple[_Beam, NDArray[np.int64], NDArray[np.uint8]]:
    """The beam after position ``t``, each entry's parent and plaintext digits."""
    branches = 10 ** len(_free_lanes(lanes, t)) * (10 if _keyed(lanes, t) else 1)
    if branches > 100:  # unreadable digits multiply the branches by ten: fewer parents
        keep = max(1, 100 * width // branches)  # the beam is best first
        beam = _Beam(beam.score[:keep], beam.state[:keep], beam.ctx[:keep])
    par, digits, ok = _choices(lanes, t, len(beam.score), sign)
    score = beam.score[par] + np.where(ok, 0.0, -np.inf)
    state = beam.state[par]
    ctx = beam.ctx[par]
    for i, ln in enumerate(lanes):
        if not ln.offset <= t < ln.end:
            continue
        a = ln.automaton
        nxt, ctx[:, i], lp = a.gain(beam.state[:, i], beam.ctx[:, i], par, digits[:, i])
        score += lp
        state[:, i] = np.maximum(nxt, 0)
    keep = _prune(score, state, ctx, width)
    if not len(keep):
        raise DeadEnd(t)
    out = np.where(digits[keep] >= 0, digits[keep], INACTIVE).astype(np.uint8)
    return _Beam(score[keep], state[keep], ctx[keep]), par[keep], out


def _prune(
    score: NDArray[np.float64], state: NDArray[np.int64], ctx: NDArray[np.int64], width: int
) -> NDArray[np.int64]:
    """The best ``width`` distinct joint states, best first (indices into ``score``)."""
    alive = np.flatnonzero(score > -np.inf)
    if len(alive) > 2 * width:
        alive = alive[np.argpartition(-score[alive], 2 * width)[: 2 * width]]
    alive = alive[np.argsort(-score[alive], kind="stable")]
    key = ((state[alive] << 40) | ctx[alive]).astype(np.uint64)  # codes < 2**40
    mixed = (key * _MIXERS[: key.shape[1]]).sum(axis=1, dtype=np.uint64)
    _, first = np.unique(mixed, return_index=True)
    return alive[np.sort(first)[:width]]


def best_path(trellis: Trellis, lag: int = LAG) -> Path:
    """The best reading in ``trellis`` and each digit's confidence (see the module)."""
    total = len(trellis.score)
    rows = np.arange(total)
    best = np.empty(total, dtype=np.int64)
    best[-1] = int(np.argmax(trellis.score[-1]))
    for t in range(total - 1, 0, -1):
        best[t - 1] = trellis.parent[t, best[t]]
    chosen = trellis.plain[rows, best]  # (T, messages)
    return Path(chosen, _confidence(trellis, chosen, lag), float(trellis.score[-1, best[-1]]))


def _confidence(trellis: Trellis, chosen: NDArray[np.uint8], lag: int) -> NDArray[np.float64]:
    """Per position and message: the smoothed share agreeing with ``chosen``."""
    total, width = trellis.score.shape
    rows = np.arange(total)
    later = np.minimum(rows + lag, total - 1)
    s = trellis.score[later]
    w = np.exp(s - s.max(axis=1, keepdims=True))  # -inf entries weigh 0
    w /= w.sum(axis=1, keepdims=True)
    anc = np.broadcast_to(np.arange(width), (total, width)).copy()
    at = later.copy()
    for _ in range(lag):
        move = at > rows
        anc[move] = trellis.parent[at[move][:, None], anc[move]]
        at[move] -= 1
    digits = trellis.plain[rows[:, None], anc]  # (T, width, messages)
    agree = digits == chosen[:, None, :]
    out: NDArray[np.float64] = np.einsum("tw,twm->tm", w, agree.astype(np.float64))
    return out
