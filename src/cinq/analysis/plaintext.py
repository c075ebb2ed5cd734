"""Are the groups a checkerboard plaintext, sent without a pad?

The decision is a likelihood-ratio test. For each board and each language it could
carry (the four Latin languages on a Latin board, Russian on a Cyrillic one: 25
readings on the built-in boards) the digits get two probabilities:

* ``P1``: the digits are text of that language written on that board. In the letters
  mode each code has the language model's probability of its character after the
  characters before it, the mass of the model's OTHER symbol shared equally among the
  mode's codes that are not a letter or the space (signs, figures, shifts, the CODE
  escape), mixed with :data:`SURPRISE` (5 %) of ``10 ** -len(code)``, so that a
  number, a sign or a word the model did not expect costs at most 3 nats (without it
  real prose was found 97.4 % of the time at 10 groups, with it 99.7 %). In the
  figures mode, and for the three digits after CODE, each code has probability
  ``10 ** -len(code)`` (no evidence either way). A code the board does not
  use is a miscode, probability :data:`MISCODE` times ``10 ** -len``, after which
  reading goes on: one misheard digit does not sink a real message. Digits that end
  inside a code get the probability of all the codes that begin with them.
* ``P0``: the digits are uniform random: ``10 ** -n``.

``log L = log(P1 / P0)`` (nats) is the evidence; the best reading's is the statistic.
Where to cut it:

* **A bound that needs no simulation.** ``P1`` sums to at most 1 over the digit strings
  of any length (checked exactly by the tests), so ``L`` has mean at most 1 under
  random digits and Markov's inequality gives ``P0(L >= x) <= 1 / x``: with ``K``
  readings, ``log L >= log(K / ALPHA)`` (10.1 nats for the built-in boards) happens to
  random digits of *any* length, with or without unreadable digits, with probability
  at most :data:`ALPHA` (0.1 %).
* **That bound is loose** (random digits score far below ``log L = 0`` on average), so
  whole messages on the built-in boards get the threshold simulated for their length
  (:data:`CALIBRATION`, made by ``scripts/plaintext_thresholds.py``: the best ``log L``
  that random messages of that many groups reach 0.2 % of the time; 40,000 messages a
  length): 6.7 nats at one group, 5.1 at three, 1.0 at five, below 0 from six on.
* **Never below 0**: the digits must also be likelier text than random digits. From
  six groups on that floor is the threshold.

The threshold of a message is ``max(0, min(bound, simulated))`` (:func:`threshold`). A
fixed score per character cannot do this: the one used before (``THRESHOLD``) called
6.6 % of random 5-group messages plaintext.

Measured (``benchmarks/triage_bench.py``, 10,000 new random messages a length): random
groups called plaintext 0.13 % at 5 groups, 0.16 % at 6, 0.01 % at 7 and 8, none at
10, 15 and 20 (target: at most 1 %); real prose (Debian's fortunes and FAQ, 100
windows on each of the 25 board/language pairs) found 99.7 % of the time at 10 groups
and 99.8 % at 20.

Unreadable digits (``?``, :data:`cinq.depth.stream.UNKNOWN`) cut the digits into
stretches, each read from the start of a word; their ratios multiply (stretches of
random digits are independent, so the product still has mean at most 1, and the
bound holds). The simulation does not cover such messages: they get the bound. Only
the first :data:`MAX_DIGITS` digits are judged (a longer plaintext is plain long
before).

For boards built from an unknown keyword only the two blank columns matter to the
*shape* of the stream: for each of the 45 pairs the digits are cut into codes and the
symbol stream is compared with what random digits would give (its index of
coincidence, as a z-score). That is a hint, never a reading: without the key the
letters stay unknown.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..checkerboard import UNREADABLE, Board, Kind, all_boards
from ..checkerboard.cells import CODE_DIGITS
from ..digits import Digits
from ..language.model import SPACE, LanguageModel, model

LATIN = ("en", "fr", "de", "es")
OTHER = "\x00"

ALPHA = 1e-3
"""Bound, by Markov's inequality, on the probability that random digits of any length,
with or without unreadable digits, are called plaintext."""

MISCODE = 1e-3
"""Probability, in the plaintext model, that a code is one the board does not use."""

SURPRISE = 0.05
"""Share of each letters-mode code's probability that does not come from the language
model but is ``10 ** -len(code)``, as for random digits: a figure, a sign or a word
the model finds unlikely costs at most ``log(1 / SURPRISE)`` against random digits."""

MAX_DIGITS = 1_000
"""The digits judged (and read) of a message: the first 200 groups."""

CALIBRATION = Path(__file__).with_name("plaintext_thresholds.toml")
"""Thresholds by length, simulated on random digits (``scripts/plaintext_thresholds.py``)."""

THRESHOLD = -3.4
"""Mean log-probability per character above which a *text* (letters already, such as a
book cipher's reading of a cover text) counts as language. Not used for digits: random
digits read through a board score up to about -3.1 on 5 groups, so on digits this
threshold called 6.6 % of random 5-group messages plaintext."""

_LOG10 = math.log(10)
_NO_DIGIT = 10  # pads the rows of a batch: the reading stays where it is
_DEAD = "\x01"  # the character of a miscode: the model's context sees OTHER, nothing scored
_END = "\x02"  # the character of the end of a row


@dataclass(frozen=True, order=True)
class _Token:
    """What a letters-mode code stands for, to the model: its character (OTHER for any
    sign), and its length in digits."""

    char: str
    length: int = 0


@dataclass(frozen=True)
class BoardHit:
    """The best reading of the digits on one board."""

    board: str
    lang: str
    log_lr: float  # log(P text on this board / P random digits), nats
    threshold: float  # the message's threshold (:func:`threshold`)
    score: float  # mean log-probability per character under the language model
    text: str

    @property
    def found(self) -> bool:
        """The reading passes the threshold: checkerboard plaintext."""
        return self.log_lr >= self.threshold

    def to_json(self) -> dict[str, object]:
        """Board, language, ``log_lr`` and ``threshold`` (to 2 decimals), score (to 3)
        and whether found."""
        return {
            "board": self.board,
            "lang": self.lang,
            "log_lr": round(self.log_lr, 2),
            "threshold": round(self.threshold, 2),
            "score": round(self.score, 3),
            "found": self.found,
        }


def languages(b: Board) -> Sequence[str]:
    """The languages a board is read in: Russian on a Cyrillic board, else the Latin four."""
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in b.characters)
    return ("ru",) if cyrillic else LATIN


def hypotheses(boards: Sequence[Board] | None = None) -> int:
    """How many (board, language) readings are tried: what the bound is divided by."""
    return sum(len(languages(b)) for b in boards or all_boards())


@dataclass(frozen=True)
class Calibration:
    """Simulated thresholds: ``thresholds[g - 1]`` is the ``log L`` (best over the
    built-in boards and languages) that random messages of ``g`` groups reach with
    probability ``alpha``, from ``samples`` messages a length."""

    alpha: float
    samples: int
    thresholds: tuple[float, ...]


@cache
def calibration() -> Calibration:
    """The calibration of :data:`CALIBRATION`."""
    data = tomllib.loads(CALIBRATION.read_text(encoding="utf-8"))
    return Calibration(data["alpha"], data["samples"], tuple(data["thresholds"]))


def threshold(
    digits: int, *, unknown: bool = False, boards: Sequence[Board] | None = None
) -> float:
    """The least best ``log L`` called plaintext for a message of ``digits`` readable
    digits (``unknown``: some were unreadable), ``boards`` tried (the built-in ones).

    Never below 0 (the digits must be likelier text than random), never above the
    bound ``log(K / ALPHA)``; in between, the simulated threshold of the message's
    whole groups, which applies to whole messages read on built-in boards only.
    """
    bound = math.log(hypotheses(boards) / ALPHA)
    builtin = set(all_boards())
    groups = min(digits, MAX_DIGITS) // 5
    if unknown or groups < 1 or not builtin.issuperset(boards or ()):
        return bound
    table = calibration().thresholds
    simulated = table[groups - 1] if groups <= len(table) else -math.inf
    return max(0.0, min(bound, simulated))


# -- the board as an automaton over digits ------------------------------------------


@dataclass(frozen=True, order=True)
class _Node:
    """Where reading stands: mode, digits of a code begun, escape digits read (-1: none)."""

    mode: int
    pending: str = ""
    escape: int = -1


@dataclass(frozen=True)
class _Move:
    """One digit's step: the next node, its log-ratio part that needs no language
    model, and the letters-mode token completed (None: none)."""

    node: _Node
    const: float
    token: _Token | None = None


@dataclass(frozen=True)
class _Subtree:
    """The codes that begin with some digits: letters-mode codes counted by character,
    and the probability mass of the codes and of the miscodes."""

    tokens: dict[_Token, float]
    code_mass: float
    dead_mass: float


def _token(code: str, text: str, kind: Kind) -> _Token:
    return _Token(text if kind is Kind.CHAR and len(text) == 1 else OTHER, len(code))


def _move(board: Board, node: _Node, digit: int) -> _Move:
    """Where ``digit`` takes reading from ``node`` (each digit also earns ``log 10``:
    its probability under random digits is 1/10)."""
    if node.escape >= 0:  # a codebook digit: as likely under both hypotheses
        after = node.escape + 1
        return _Move(_Node(node.mode, "", after if after < CODE_DIGITS else -1), 0.0)
    code = node.pending + str(digit)
    cell = board.modes[node.mode].codes.get(code)
    letters = node.mode == 0
    if cell is None and code in board.prefixes(node.mode):
        return _Move(_Node(node.mode, code), _LOG10)
    if cell is None:
        const = _LOG10 + math.log(MISCODE) - len(code) * _LOG10
        return _Move(_Node(node.mode), const, _Token(_DEAD) if letters else None)
    nxt = (
        _Node(cell.target)
        if cell.kind is Kind.SHIFT
        else _Node(node.mode, "", 0 if cell.kind is Kind.CODE else -1)
    )
    const = _LOG10 + math.log1p(-MISCODE)
    if letters:
        return _Move(nxt, const, _token(code, cell.text, cell.kind))
    return _Move(nxt, const - len(code) * _LOG10)


def _subtree(board: Board, mode: int, pending: str) -> _Subtree:
    """The codes of ``mode`` that begin with ``pending``."""
    tokens: dict[_Token, float] = {}
    code_mass = dead_mass = 0.0
    codes, prefixes = board.modes[mode].codes, board.prefixes(mode)
    for d in "0123456789":
        code = pending + d
        if code in codes:
            t = _token(code, codes[code].text, codes[code].kind)
            tokens[t] = tokens.get(t, 0.0) + 1.0
            code_mass += 10.0 ** -len(code)
        elif code in prefixes:
            sub = _subtree(board, mode, code)
            for t, k in sub.tokens.items():
                tokens[t] = tokens.get(t, 0.0) + k
            code_mass += sub.code_mass
            dead_mass += sub.dead_mass
        else:
            dead_mass += 10.0 ** -len(code)
    return _Subtree(tokens, code_mass, dead_mass)


def _nodes(board: Board) -> list[_Node]:
    """Every node, the start (letters mode, at rest) first."""
    out = []
    for m in range(len(board.modes)):
        out += [_Node(m, p) for p in ["", *sorted(board.prefixes(m))]]
        out += [_Node(m, "", k) for k in range(CODE_DIGITS)]
    return out


@dataclass(frozen=True, eq=False)
class _Automaton:
    """A board's reading as arrays: ``step``, ``const`` and ``token`` are indexed by
    node and digit (column 10: no digit), tokens by number (``tokens``)."""

    board: Board
    step: NDArray[np.int64]
    const: NDArray[np.float64]
    token: NDArray[np.int64]
    tokens: tuple[_Token, ...]  # the last is the end of a row
    mult: NDArray[np.float64]  # letters-mode codes of each token
    pending: NDArray[np.float64]  # letters-mode codes of each token beginning at a node
    lm_pending: NDArray[np.bool_]  # a letters-mode code begun: the end needs the model
    end: NDArray[np.float64]  # log prefix probability of other nodes' pending digits
    dead: NDArray[np.float64]  # mass of the miscodes beginning at a node
    mass: NDArray[np.float64]  # mass (10 ** -len) of the codes beginning at a node

    @property
    def end_token(self) -> int:
        return len(self.tokens) - 1


@dataclass(frozen=True)
class _Steps:
    """Each node's step on each digit (column 10: no digit)."""

    step: NDArray[np.int64]
    const: NDArray[np.float64]
    token: NDArray[np.int64]


def _steps(board: Board, nodes: list[_Node], tok: dict[_Token, int]) -> _Steps:
    index = {n: i for i, n in enumerate(nodes)}
    shape = (len(nodes), _NO_DIGIT + 1)
    out = _Steps(np.zeros(shape, np.int64), np.zeros(shape), np.full(shape, -1, np.int64))
    for i, node in enumerate(nodes):
        out.step[i, _NO_DIGIT] = i
        for d in range(10):
            mv = _move(board, node, d)
            out.step[i, d], out.const[i, d] = index[mv.node], mv.const
            out.token[i, d] = -1 if mv.token is None else tok[mv.token]
    return out


@dataclass(frozen=True)
class _Ends:
    """What each node's pending digits need at the end of a row."""

    pending: NDArray[np.float64]
    end: NDArray[np.float64]
    dead: NDArray[np.float64]
    mass: NDArray[np.float64]


def _ends(board: Board, nodes: list[_Node], tok: dict[_Token, int]) -> _Ends:
    n = len(nodes)
    out = _Ends(np.zeros((n, len(tok))), np.zeros(n), np.zeros(n), np.zeros(n))
    for i, node in enumerate(nodes):
        if node.escape >= 0 or not node.pending:
            continue  # at rest, or inside an escape: the digits read are all accounted
        sub = _subtree(board, node.mode, node.pending)
        out.dead[i], out.mass[i] = sub.dead_mass, sub.code_mass
        if node.mode == 0:
            for t, k in sub.tokens.items():
                out.pending[i, tok[t]] = k
        else:
            out.end[i] = math.log((1 - MISCODE) * sub.code_mass + MISCODE * sub.dead_mass)
    return out


@cache
def _automaton(board: Board) -> _Automaton:
    nodes = _nodes(board)
    root = _subtree(board, 0, "").tokens
    tokens = [*sorted(root), _Token(_DEAD), _Token(_END)]
    tok = {t: i for i, t in enumerate(tokens)}
    steps, ends = _steps(board, nodes, tok), _ends(board, nodes, tok)
    return _Automaton(
        board=board,
        step=steps.step,
        const=steps.const,
        token=steps.token,
        tokens=tuple(tokens),
        mult=np.array([root.get(t, 0.0) for t in tokens]),
        pending=ends.pending,
        lm_pending=np.array([n.mode == 0 and bool(n.pending) for n in nodes]),
        end=ends.end,
        dead=ends.dead,
        mass=ends.mass,
    )


# -- the language model's part --------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Reader:
    """One board read in one language: each token's model symbol and share."""

    auto: _Automaton
    lm: LanguageModel
    sym: NDArray[np.int64]
    logw: NDArray[np.float64]  # log of the token's share of its symbol's probability
    uniform: NDArray[np.float64]  # log SURPRISE + log 10 ** -len: the part not from the model
    scored: NDArray[np.bool_]  # the token is a code with a probability from the model
    table: NDArray[np.float32]  # full-order table: with spaces, or without if no space
    weights: NDArray[np.float64]  # (node, symbol): pending codes' share of each symbol


@cache
def _reader(board: Board, lang: str) -> _Reader:
    auto, lm = _automaton(board), model(lang)
    other, v = lm.alphabet.index(OTHER), lm.size
    sym = np.array(
        [
            int(codes[0]) if len(codes := lm.encode(t.char)) == 1 and t.length else other
            for t in auto.tokens
        ]
    )
    k = np.bincount(sym, weights=auto.mult, minlength=v)
    scored = auto.mult > 0
    logw = np.where(scored, np.log1p(-SURPRISE) - np.log(np.maximum(k[sym], 1.0)), 0.0)
    length = np.array([t.length for t in auto.tokens])
    uniform = math.log(SURPRISE) - length * _LOG10
    weights = np.zeros((len(auto.step), v))
    for t in np.flatnonzero(scored):
        weights[:, sym[t]] += auto.pending[:, t] / k[sym[t]]
    spaced = any(c.kind is Kind.CHAR and c.text == SPACE for c in board.modes[0].codes.values())
    table = (lm.tables if spaced or not lm.solid else lm.solid)[lm.order - 1]
    return _Reader(auto, lm, sym, logw, uniform, scored, table, weights)


# -- reading many messages at once ----------------------------------------------------


@dataclass(frozen=True)
class _Rows:
    """Messages cut at their unreadable digits, one stretch a row, padded with
    ``_NO_DIGIT``; ``owner`` is the message each row is a stretch of. Per message:
    ``known`` readable digits judged, ``gaps`` whether any judged digit was unreadable."""

    digits: NDArray[np.uint8]
    owner: NDArray[np.int64]
    known: NDArray[np.int64]
    gaps: NDArray[np.bool_]

    @property
    def messages(self) -> int:
        return len(self.known)


def _rows(streams: Sequence[Digits] | NDArray[np.uint8]) -> _Rows:
    if isinstance(streams, np.ndarray) and streams.ndim == 2 and (streams <= 9).all():
        digits = np.ascontiguousarray(streams[:, :MAX_DIGITS], dtype=np.uint8)
        m = len(digits)
        known = np.full(m, digits.shape[1], dtype=np.int64)
        return _Rows(digits, np.arange(m, dtype=np.int64), known, np.zeros(m, dtype=bool))
    heads = [np.asarray(s, dtype=np.uint8)[:MAX_DIGITS] for s in streams]
    pieces, owner = [], []
    for m, head in enumerate(heads):
        for piece in np.split(head, np.flatnonzero(head > 9)):
            piece = piece[piece <= 9]  # each piece after the first begins at a "?"
            if len(piece):
                pieces.append(piece)
                owner.append(m)
    digits = np.full((len(pieces), max(map(len, pieces), default=0)), _NO_DIGIT, np.uint8)
    for r, piece in enumerate(pieces):
        digits[r, : len(piece)] = piece
    known = np.array([int((h <= 9).sum()) for h in heads], dtype=np.int64)
    gaps = np.array([bool((h > 9).any()) for h in heads], dtype=bool)
    return _Rows(digits, np.array(owner, dtype=np.int64), known, gaps)


@dataclass(frozen=True)
class _Walk:
    """A board's automaton run over rows: the log-ratio part without the model, the
    tokens completed (-1: none; the last column is the end of the row) and the node
    each row ends at."""

    const: NDArray[np.float64]
    tokens: NDArray[np.int64]
    node: NDArray[np.int64]


def _walk(auto: _Automaton, digits: NDArray[np.uint8]) -> _Walk:
    rows, width = digits.shape
    node = np.zeros(rows, dtype=np.int64)
    const = np.zeros(rows)
    tokens = np.full((rows, width + 1), -1, dtype=np.int64)
    step, cst, tok = auto.step.ravel(), auto.const.ravel(), auto.token.ravel()
    for i in range(width):  # one step for all rows at once
        at = node * (_NO_DIGIT + 1) + digits[:, i]
        tokens[:, i] = tok[at]
        const += cst[at]
        node = step[at]
    tokens[:, width] = auto.end_token
    return _Walk(const, tokens, node)


@dataclass(frozen=True)
class _Scores:
    """Per message: ``log L``, and the model's total log-probability of its characters
    and their number (for the mean score per character)."""

    log_lr: NDArray[np.float64]
    logp: NDArray[np.float64]
    chars: NDArray[np.float64]


def _contexts(
    sym: NDArray[np.int64], rank: NDArray[np.int64], lm: LanguageModel
) -> NDArray[np.int64]:
    """Each token's context index: the symbols before it in its row, word start before
    the first (``rank``: the token's place in its row)."""
    space = lm.alphabet.index(SPACE)
    ctx = np.zeros(len(sym), dtype=np.int64)
    for k in range(lm.order - 1, 0, -1):
        ctx = ctx * lm.size + np.where(rank >= k, np.roll(sym, k), space)
    return ctx


def _end(reader: _Reader, node: NDArray[np.int64], ctx: NDArray[np.int64]) -> NDArray[np.float64]:
    """Log probability of the digits a row ends with inside a code begun: every code
    (and miscode) that begins with them."""
    auto = reader.auto
    out = auto.end[node]
    begun = np.flatnonzero(auto.lm_pending[node])
    if len(begun):
        v = reader.lm.size
        probs = np.exp(reader.table.reshape(-1, v)[ctx[begun]].astype(np.float64))
        at = node[begun]
        codes = (1 - SURPRISE) * (probs * reader.weights[at]).sum(axis=1) + SURPRISE * auto.mass[at]
        p = (1 - MISCODE) * codes + MISCODE * auto.dead[at]
        out[begun] = np.log(p)
    return out


def _score(reader: _Reader, walk: _Walk, rows: _Rows) -> _Scores:
    r, i = np.nonzero(walk.tokens >= 0)  # row by row, in reading order
    t = walk.tokens[r, i]
    sym = reader.sym[t]
    ctx = _contexts(sym, np.arange(len(t)) - np.searchsorted(r, r), reader.lm)
    lp = reader.table[ctx * reader.lm.size + sym].astype(np.float64)
    scored = reader.scored[t]
    n = len(walk.const)
    mixed = np.logaddexp(lp + reader.logw[t], reader.uniform[t])
    model_part = np.bincount(r, np.where(scored, mixed, 0.0), minlength=n)
    row_lr = walk.const + model_part + _end(reader, walk.node, ctx[t == reader.auto.end_token])
    row_logp = np.bincount(r, np.where(scored, lp, 0.0), minlength=n)
    row_chars = np.bincount(r, scored.astype(np.float64), minlength=n)
    return _Scores(
        _per_message(rows, row_lr), _per_message(rows, row_logp), _per_message(rows, row_chars)
    )


def _per_message(rows: _Rows, x: NDArray[Any]) -> NDArray[np.float64]:
    """Row values summed over each message's stretches."""
    out: NDArray[np.float64] = np.bincount(rows.owner, x, minlength=rows.messages).astype(
        np.float64
    )
    return out


def evidence(
    streams: Sequence[Digits] | NDArray[np.uint8], board: Board, lang: str
) -> NDArray[np.float64]:
    """``log L`` (nats) of each message read on ``board`` in ``lang``.

    Parameters
    ----------
    streams
        Digit arrays (``?`` as :data:`cinq.depth.stream.UNKNOWN`), or a 2-D array of
        messages of one length.

    Returns
    -------
    NDArray
        One ``log(P1 / P0)`` a message (0 for a message with no readable digit).
    """
    rows = _rows(streams)
    return _score(_reader(board, lang), _walk(_automaton(board), rows.digits), rows).log_lr


def _strongest(rows: _Rows, boards: Sequence[Board]) -> NDArray[np.float64]:
    best = np.full(rows.messages, -np.inf)
    for b in boards:
        walk = _walk(_automaton(b), rows.digits)
        for lang in languages(b):
            best = np.maximum(best, _score(_reader(b, lang), walk, rows).log_lr)
    return best


def strongest(
    streams: Sequence[Digits] | NDArray[np.uint8], boards: Sequence[Board] | None = None
) -> NDArray[np.float64]:
    """The best ``log L`` of each message over every board (the built-in ones by
    default) and every language it carries: the statistic of the test."""
    return _strongest(_rows(streams), list(boards or all_boards()))


def _bars(rows: _Rows, boards: Sequence[Board] | None) -> NDArray[np.float64]:
    """Each message's :func:`threshold`."""
    if rows.messages and not rows.gaps.any() and (rows.known == rows.known[0]).all():
        return np.full(rows.messages, threshold(int(rows.known[0]), boards=boards))
    return np.array(
        [
            threshold(int(k), unknown=bool(g), boards=boards)
            for k, g in zip(rows.known, rows.gaps, strict=True)
        ]
    )


def plaintext_found(
    streams: Sequence[Digits] | NDArray[np.uint8], boards: Sequence[Board] | None = None
) -> NDArray[np.bool_]:
    """For each message, whether its best reading passes its :func:`threshold` (what
    triage calls checkerboard plaintext); ``boards`` default to the built-in ones."""
    rows = _rows(streams)
    out: NDArray[np.bool_] = _strongest(rows, list(boards or all_boards())) >= _bars(rows, boards)
    return out


def _text(board: Board, digits: Digits) -> str:
    """The judged digits decoded on ``board``, a U+FFFD for each unreadable digit."""
    head = np.asarray(digits, dtype=np.uint8)[:MAX_DIGITS]
    pieces = np.split(head, np.flatnonzero(head > 9))
    return UNREADABLE.join(board.decode(p[p <= 9], replace=OTHER, padded=True) for p in pieces)


def board_readings(digits: Digits, boards: Sequence[Board] | None = None) -> list[BoardHit]:
    """Every board's reading in its likeliest language, most likely first.

    ``digits`` may hold unreadable digits (:data:`cinq.depth.stream.UNKNOWN`, any value
    above 9): they cut the digits into stretches read apart. A board on which no
    character could be read is left out.
    """
    rows = _rows([digits])
    bar = float(_bars(rows, boards)[0])
    hits = []
    for b in boards or all_boards():
        walk = _walk(_automaton(b), rows.digits)
        scores = {lang: _score(_reader(b, lang), walk, rows) for lang in languages(b)}
        lang = max(scores, key=lambda x: float(scores[x].log_lr[0]))
        best = scores[lang]
        if best.chars[0] == 0:
            continue
        log_lr = float(best.log_lr[0])
        score = float(best.logp[0] / best.chars[0])
        hits.append(BoardHit(b.name, lang, log_lr, bar, score, _text(b, digits)))
    return sorted(hits, key=lambda h: -h.log_lr)


@dataclass(frozen=True)
class KeyedHint:
    blanks: tuple[int, int]
    z: float  # index of coincidence of the code stream, in SDs above random digits

    def to_json(self) -> dict[str, object]:
        """The blank columns and ``z`` (to 2 decimals)."""
        return {"blanks": list(self.blanks), "z": round(self.z, 2)}


def keyed_hint(digits: Digits) -> KeyedHint | None:
    """The blank-column pair under which the code stream looks least random (unreadable
    digits, any value above 9, are left out)."""
    digits = np.asarray(digits)[np.asarray(digits) <= 9]
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
