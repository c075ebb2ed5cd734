"""One plaintext as a source of checkerboard digits: a language model read through a board.

A :class:`Source` is a finite-state machine that emits the digits of running text in a
language, written on a board, with a probability for every digit string. Its hidden
state is the pair

* **context**: the last ``order - 1`` symbols of the text (the character model's
  context), where a symbol is a letter the board writes, SPACE (if the board has a
  space cell) or OTHER (everything else);
* **phase**: the digits of a code begun and not yet complete (``""`` between codes, or a
  row prefix such as ``7``), as the board's own :class:`~cinq.checkerboard.Machine`
  keeps them.

From a state each digit leads to exactly one next state (or none, for a code the board
does not use), which is what lets :mod:`.joint` run a forward pass over two sources at
once with index arithmetic.

Construction, for a board and a language:

1. The language model's symbols (:mod:`cinq.language.model`) are mapped onto the
   board: a letter on the board is itself, a letter not on it becomes its base letter
   (Ñ -> N) or OTHER; SPACE is kept on a board with a space cell. A board without one
   (AT-ONE-SIR) reads the model's tables for text without spaces, with SPACE dropped and
   each row renormalised. Merged symbols add their probabilities (the columns of the
   table are summed; the context rows of the symbol kept are used), so every row stays a
   distribution.
2. OTHER is spread over every code of the letters mode that no letter or space claims
   (punctuation, FIG, CODE, signs, figures on CT-46), full stop and comma weighted
   most. A figure section or CODE escape is so read as that one cell followed by
   letters: an approximation, but a proper one. Codes of other modes are not emitted.
3. The stationary distribution of the order-4 character chain gives the lower orders
   (``order`` < 4 is the model marginalised to that order) and the start: a message at
   an offset in the key starts mid-text, so the first symbols are drawn from the
   stationary 1-, 2-, 3-gram marginals (contexts that are not yet full are kept as
   states of their own), and the first digit from the stationary share of digit
   positions at rest or inside a code.

The source is proper: every state's ten digits have probabilities summing to one (a
code the board does not use has probability zero), and so do the start states, so for
every ``n`` the probabilities of all digit strings of length ``n`` sum to one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
from numpy.typing import NDArray

from ..checkerboard import Board, Cell, Kind
from ..language.model import OTHER, SPACE, LanguageModel, model

__all__ = ["Code", "Source", "source"]

MODEL_ORDER = 4  # the order of the language models the sources read by default
MAX_ORDER = 5  # order 5 reads the order-5 models (built on first use: 20 s, 140 MB each)
# A figure section begins before a symbol this often, whatever the context: the
# language models know nothing of numbers (their OTHER is punctuation after a word).
FIGURES = 0.005
# The weight of a cell in OTHER's share (cells not named: 1): running text has far more
# full stops and commas than any other sign.
_OTHER_WEIGHTS = {".": 8.0, ",": 6.0, "'": 2.0, "-": 2.0, "?": 1.5}
_FIGURE_WEIGHTS = {" ": 20.0, ".": 8.0, ",": 6.0, "/": 2.0, "-": 2.0}  # inside a figure section


@dataclass(frozen=True)
class Code:
    """A code of the letters mode and the symbol it writes, with its share of that
    symbol's probability (1 for a letter; OTHER's cells share its probability)."""

    symbol: int
    digits: str
    weight: float
    figures: bool = False  # the shift into the figures mode


@dataclass(frozen=True, eq=False)
class Source:
    """A board and a language as a digit source (see the module docstring).

    States are numbered ``context * len(phases) + phase``; a context is its
    ``order - 1`` symbols in base ``len(symbols) + 1``, the extra digit standing for
    "no symbol yet" (only at the left, at the start of a message).
    """

    board: Board
    lang: str
    order: int
    symbols: str  # letters, SPACE if written, OTHER
    codes: tuple[Code, ...]
    phases: tuple[str, ...]  # "" first, then each proper prefix of a code
    # next_state[s, d]: the state after digit d from state s (0 where log_prob is -inf).
    next_state: NDArray[np.int32] = field(repr=False)
    log_prob: NDArray[np.float32] = field(repr=False)  # log P(digit d | state s)
    start_states: NDArray[np.int32] = field(repr=False)
    start_log_prob: NDArray[np.float64] = field(repr=False)

    @property
    def size(self) -> int:
        """The number of states."""
        return int(self.next_state.shape[0])

    def logprob(self, digits: NDArray[np.uint8]) -> float:
        """The natural-log probability of a digit string (all digits known), by an
        exact forward pass over all states; for tests and small sources."""
        alpha: NDArray[np.float64] = np.zeros(self.size)
        alpha[self.start_states] = np.exp(self.start_log_prob)
        total = 0.0
        prob = np.exp(self.log_prob.astype(np.float64))
        for d in digits.tolist():
            alpha = np.bincount(
                self.next_state[:, d], alpha * prob[:, d], minlength=self.size
            ).astype(np.float64)
            norm = alpha.sum()
            if norm <= 0:
                return float("-inf")
            total += float(np.log(norm))
            alpha /= norm
        return total


@cache
def source(board: Board, lang: str, order: int = MODEL_ORDER) -> Source:
    """The digit source of text in ``lang`` written on ``board``, with a character
    context of ``order - 1`` symbols (1 to 5: up to 4 the order-4 model, marginalised to
    the order asked for; 5 reads the order-5 model, built on first use); built once (a
    second or two at order 4, 230 MB and half a minute at order 5) and cached."""
    if not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order must be 1 to {MAX_ORDER}")
    lm = model(lang, max(order, MODEL_ORDER))
    symbols, mapping, spaced = _symbols(board, lm)
    codes = _codes(board, symbols)
    conditionals = _conditionals(lm, mapping, len(symbols), spaced)
    rate = FIGURES if any(c.figures for c in codes) else 0.0
    table = _with_figures(_context_table(conditionals, order), rate)
    phases = ("", *sorted({c.digits[:i] for c in codes for i in range(1, len(c.digits))}))
    figure_codes = _figure_codes(board)
    # After a figure section: a word begins (CT-55 writes the space in figures) or, with
    # no context (the start's), a sign or space.
    after = symbols.index(SPACE) if _spaced_figures(board) else None
    next_state, log_prob = _automaton(table, codes, phases, order, figure_codes, after)
    unigram = _with_figures(conditionals[0][None, :], rate)[0]
    start_states, start_log_prob = _start(unigram, codes, phases, table.shape[0])
    return Source(
        board, lang, order, symbols, codes, phases,
        next_state, log_prob, start_states, start_log_prob,
    )  # fmt: skip


def _symbols(board: Board, lm: LanguageModel) -> tuple[str, NDArray[np.int64], bool]:
    """The source's symbols, each model symbol's symbol (-1: dropped), and whether the
    board writes spaces."""
    mode = board.modes[0].codes
    letters = {c.text for c in mode.values() if c.kind is Kind.CHAR and c.text.isalpha()}
    spaced = SPACE in board.characters
    own = [c for c in lm.alphabet if c in letters]
    symbols = "".join(own) + (SPACE if spaced else "") + OTHER
    mapping = np.empty(lm.size, dtype=np.int64)
    for i, c in enumerate(lm.alphabet):
        if c == SPACE:
            mapping[i] = symbols.index(SPACE) if spaced else -1
            continue
        base = unicodedata.normalize("NFD", c)[0]
        to = c if c in own else base if base in own else OTHER
        mapping[i] = symbols.index(to)
    return symbols, mapping, spaced


def _codes(board: Board, symbols: str) -> tuple[Code, ...]:
    """Each symbol's codes: a letter or space its own cell, OTHER every other cell."""
    mode = board.modes[0].codes
    own = {
        cell.text: code
        for code, cell in mode.items()
        if cell.kind is Kind.CHAR and cell.text in symbols[:-1]
    }
    out = [Code(symbols.index(ch), code, 1.0) for ch, code in sorted(own.items())]
    rest = sorted(code for code in mode if code not in own.values())
    shifts = [c for c in rest if _is_figure_shift(mode[c]) and len(board.modes) > 1]
    rest = [c for c in rest if c not in shifts]
    weights = np.array([_OTHER_WEIGHTS.get(mode[code].text, 1.0) for code in rest])
    other = len(symbols) - 1
    out += [
        Code(other, code, float(w)) for code, w in zip(rest, weights / weights.sum(), strict=True)
    ]
    # The figure shift writes the extra symbol FIGURES (see _with_figures).
    out += [Code(len(symbols), code, 1.0 / len(shifts), True) for code in shifts]
    return tuple(out)


def _with_figures(table: NDArray[np.float64], rate: float) -> NDArray[np.float64]:
    """The table with one more column: a figure section begins (``rate``, the other
    columns scaled down to leave room for it)."""
    return np.hstack([table * (1.0 - rate), np.full((table.shape[0], 1), rate)])


def _spaced_figures(board: Board) -> bool:
    """Whether the figures mode writes spaces (CT-55: then the shift back comes just
    before the next word's letters)."""
    return len(board.modes) > 1 and any(
        c.kind is Kind.CHAR and c.text == SPACE for c in board.modes[1].codes.values()
    )


def _is_figure_shift(cell: Cell) -> bool:
    return cell.kind is Kind.SHIFT and cell.target == 1


def _figure_codes(board: Board) -> tuple[Code, ...]:
    """The codes of the figures mode (symbol -1: the context does not move), with
    absolute weights: a figure 7 or 8 times in 10, the shift back 2, any other cell
    (CT-55's signs, space first) the rest; ``figures`` marks the shift back."""
    if len(board.modes) < 2:
        return ()
    mode = board.modes[1].codes
    figures = [c for c, cell in mode.items() if cell.kind is Kind.CHAR and cell.text.isdigit()]
    back = [c for c, cell in mode.items() if cell.kind is Kind.SHIFT]
    rest = [c for c in mode if c not in figures and c not in back]
    share = {"figures": 0.7 if rest else 0.8, "back": 0.2}
    out = [Code(-1, c, share["figures"] / len(figures)) for c in sorted(figures)]
    out += [Code(-1, c, share["back"] / len(back), True) for c in sorted(back)]
    if rest:
        weights = np.array([_FIGURE_WEIGHTS.get(mode[c].text, 1.0) for c in sorted(rest)])
        weights *= 0.1 / weights.sum()
        out += [Code(-1, c, float(w)) for c, w in zip(sorted(rest), weights, strict=True)]
    return tuple(out)


def _conditionals(
    lm: LanguageModel, mapping: NDArray[np.int64], size: int, spaced: bool
) -> list[NDArray[np.float64]]:
    """The stationary conditionals P(x | k previous symbols), k = 0 .. ``lm.order - 1``,
    of the model mapped onto the board's symbols; element k has shape ``(size,) * (k + 1)``.
    """
    v, n = lm.size, lm.order
    tables = lm.tables if spaced else lm.solid
    full = np.exp(tables[n - 1].astype(np.float64)).reshape((v,) * n)
    kept = mapping >= 0
    merge = np.zeros((v, size))
    merge[np.flatnonzero(kept), mapping[kept]] = 1.0
    # Each symbol's context rows are those of the model symbol it keeps (the first one
    # mapped to it: the letter itself, or OTHER for OTHER).
    rep = np.array(
        [int(np.flatnonzero(mapping == y)[-1 if y == size - 1 else 0]) for y in range(size)]
    )
    cond = full[np.ix_(*(rep,) * (n - 1))] @ merge
    cond /= cond.sum(axis=-1, keepdims=True)
    joint = _stationary(cond)[..., None] * cond
    out = []
    for k in range(n):
        j = joint.sum(axis=tuple(range(n - 1 - k)))
        out.append(j / j.sum(axis=-1, keepdims=True))
    return out


def _stationary(cond: NDArray[np.float64], steps: int = 200) -> NDArray[np.float64]:
    """The stationary distribution of the contexts of the chain ``cond`` (power iteration:
    the chain forgets its start within a few words)."""
    size, width = cond.shape[0], cond.ndim - 1
    flat = cond.reshape(size, -1, size)
    pi = np.full((size, size ** (width - 1)), 1.0 / size**width)
    for _ in range(steps):
        new = np.einsum("am,amx->mx", pi, flat).reshape(size, -1)
        new /= new.sum()
        done = np.abs(new - pi).sum() < 1e-12
        pi = new
        if done:
            break
    return pi.reshape((size,) * width)


def _context_table(conditionals: list[NDArray[np.float64]], order: int) -> NDArray[np.float64]:
    """P(x | context) for every context of ``order - 1`` symbols in base ``size + 1``
    (the last digit value: no symbol yet). A context with k symbols after the blanks
    reads the stationary k-context conditional; one with a blank after a symbol cannot
    occur and reads the unigram (any distribution would do)."""
    size = conditionals[0].shape[-1]
    base, width = size + 1, order - 1
    table = np.tile(conditionals[0], (base**width, 1))
    for k in range(width + 1):  # contexts: width - k blanks, then k symbols
        real = np.indices((size,) * k).reshape(k, -1) if k else np.zeros((0, 1), dtype=int)
        index = np.full(real.shape[1], 0, dtype=np.int64)
        for _ in range(width - k):
            index = index * base + size
        for j in range(k):
            index = index * base + real[j]
        table[index] = conditionals[k].reshape(-1, size)
    return table


def _automaton(
    table: NDArray[np.float64],
    codes: tuple[Code, ...],
    phases: tuple[str, ...],
    order: int,
    figure_codes: tuple[Code, ...],
    after: int | None,
) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
    """The next state and log-probability of every (state, digit): the letters mode's
    states (context x phase), then the figures mode's (phase only)."""
    size = table.shape[1] - 1  # the symbols; the last column: FIGURES
    letters_next, letters_lp = _letter_steps(table, codes, phases, size, order)
    context = 0
    for j in range(order - 1):  # blanks, then the symbol ``after`` if any
        last = j == order - 2 and after is not None
        context = context * (size + 1) + (after if last and after is not None else size)
    figures_next, figures_lp = _figure_steps(
        figure_codes, context * len(phases), len(table) * len(phases)
    )
    next_state = np.concatenate([letters_next, figures_next])
    log_prob = np.concatenate([letters_lp, figures_lp])
    return next_state.astype(np.int32), log_prob.astype(np.float32)


def _letter_steps(
    table: NDArray[np.float64],
    codes: tuple[Code, ...],
    phases: tuple[str, ...],
    size: int,
    order: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    contexts, nq = table.shape[0], len(phases)
    mass = table @ _shares(codes, phases, size + 1)  # P(the next code begins with the phase)
    ctx = np.arange(contexts, dtype=np.int64)
    shifted = (ctx % (size + 1) ** (order - 2)) * (size + 1) if order > 1 else 0 * ctx
    full = {c.digits: c for c in codes}
    figures = contexts * nq  # the first state of the figures mode
    next_state = np.zeros((contexts, nq, 10), dtype=np.int64)
    log_prob = np.full((contexts, nq, 10), -np.inf)
    with np.errstate(divide="ignore"):
        for q, phase in enumerate(phases):
            for d in range(10):
                digits = phase + str(d)
                if digits in full:
                    c = full[digits]
                    after = (shifted + c.symbol if order > 1 else ctx) * nq
                    next_state[:, q, d] = figures if c.figures else after
                    log_prob[:, q, d] = np.log(table[:, c.symbol] * c.weight / mass[:, q])
                elif digits in phases:
                    p = phases.index(digits)
                    next_state[:, q, d] = ctx * nq + p
                    log_prob[:, q, d] = np.log(mass[:, p] / mass[:, q])
    return next_state.reshape(-1, 10), log_prob.reshape(-1, 10)


def _figure_steps(
    codes: tuple[Code, ...], back: int, first: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The figures mode (states from ``first`` on): its codes' fixed weights. The
    context is not kept through a figure section; the shift back leads to state
    ``back``: the text goes on as after one space (CT-55, whose figures mode writes
    spaces) or as at the start (the stationary unigram)."""
    if not codes:
        return np.zeros((0, 10), dtype=np.int64), np.zeros((0, 10))
    phases = ("", *sorted({c.digits[:i] for c in codes for i in range(1, len(c.digits))}))
    mass = _shares(tuple(replace(c, symbol=0) for c in codes), phases, 1)[0]
    full = {c.digits: c for c in codes}
    next_state = np.full((len(phases), 10), first, dtype=np.int64)
    log_prob = np.full((len(phases), 10), -np.inf)
    for q, phase in enumerate(phases):
        for d in range(10):
            digits = phase + str(d)
            if digits in full:
                c = full[digits]
                next_state[q, d] = back if c.figures else first
                log_prob[q, d] = np.log(c.weight / mass[q])
            elif digits in phases:
                next_state[q, d] = first + phases.index(digits)
                log_prob[q, d] = np.log(mass[phases.index(digits)] / mass[q])
    return next_state, log_prob


def _shares(codes: tuple[Code, ...], phases: tuple[str, ...], size: int) -> NDArray[np.float64]:
    """share[y, q]: the weight of symbol y's codes that begin with phase q."""
    share = np.zeros((size, len(phases)))
    for c in codes:
        for q, phase in enumerate(phases):
            if c.digits.startswith(phase):
                share[c.symbol, q] += c.weight
    return share


def _start(
    unigram: NDArray[np.float64], codes: tuple[Code, ...], phases: tuple[str, ...], contexts: int
) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """The start: no context yet, and each phase in its stationary share of digit
    positions (at rest: one per code; inside a code: its share of longer codes)."""
    share = _shares(codes, phases, len(unigram))  # the last symbol: FIGURES
    length = sum(unigram[c.symbol] * c.weight * len(c.digits) for c in codes)
    p = unigram @ share / length
    p[0] = 1.0 / length
    states = (contexts - 1) * len(phases) + np.arange(len(phases))
    return states.astype(np.int32), np.log(p)
