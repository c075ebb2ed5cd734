"""A board as a finite-state machine over digits.

Decoding reads one digit at a time. The machine's :class:`State` is what decoding
remembers between digits: the mode, the digits of a code not yet complete (a row
prefix such as ``7``, or ``22`` of a tripled figure), the digits of a CODE escape read
so far, and, on a board with one cell for both parentheses, whether one is open.
:meth:`Machine.step` takes a state and a digit to a :class:`Transition`: the next state
and what the digit completed, if anything (a :class:`~cinq.checkerboard.tokens.Token`:
a character, a CODE escape with its three digits, or a sign). A digit that makes a
code the board does not use has no transition (None).

Walking the machine over the digits of an encoded text gives the text back, as
:meth:`Board.decode` does; depth recovery walks it over candidate digits and prunes
every reading that has no transition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .cells import CODE_DIGITS, DecodeError, Kind
from .tokens import Token, TokenKind

if TYPE_CHECKING:
    from .board import Board


@dataclass(frozen=True)
class State:
    """Where decoding stands between two digits."""

    mode: int = 0
    pending: str = ""  # digits of a code begun and not yet complete
    escape: str | None = None  # inside a CODE escape: its digits so far
    paren_open: bool = False  # one cell for both parentheses: the last one was (

    @property
    def at_rest(self) -> bool:
        """True between two codes: the digits may end here."""
        return not self.pending and self.escape is None


@dataclass(frozen=True)
class Transition:
    """Where one digit leads, and the token it completed (None: nothing yet)."""

    state: State
    emitted: Token | None = None


@dataclass(frozen=True)
class Emitted:
    """A token read from digits, and where its code is: ``digits[first:end]`` (a shift
    before it, which emits nothing, counts in its code)."""

    first: int
    end: int
    token: Token


class Machine:
    """The finite-state machine of a board (build one with :meth:`Board.machine`)."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self._prefixes = tuple(board.prefixes(m) for m in range(len(board.modes)))
        self._steps: dict[tuple[State, int], Transition | None] = {}

    start = State()

    def states(self) -> list[State]:
        """Every state (parenthesis states only on a board that alternates them)."""
        opens = (False, True) if self.board.paren_toggle else (False,)
        escapes = [""] + [f"{i:0{k}d}" for k in range(1, CODE_DIGITS) for i in range(10**k)]
        out: list[State] = []
        for m in range(len(self.board.modes)):
            for p in opens:
                out += [State(m, pre, None, p) for pre in ["", *sorted(self._prefixes[m])]]
                if self.board.has_code:
                    out += [State(m, "", e, p) for e in escapes]
        return out

    def step(self, state: State, digit: int) -> Transition | None:
        """The transition on ``digit`` (0-9), or None for a code the board does not use."""
        key = (state, digit)
        if key not in self._steps:
            self._steps[key] = self._step(state, str(digit))
        return self._steps[key]

    def _step(self, state: State, digit: str) -> Transition | None:
        rest = State(state.mode, "", None, state.paren_open)
        if state.escape is not None:
            escape = state.escape + digit
            if len(escape) < CODE_DIGITS:
                return Transition(replace(state, escape=escape))
            return Transition(rest, Token(TokenKind.CODE, escape))
        code = state.pending + digit
        cell = self.board.modes[state.mode].codes.get(code)
        if cell is None:
            if code in self._prefixes[state.mode]:
                return Transition(replace(state, pending=code))
            return None
        if cell.kind is Kind.CHAR:
            return Transition(rest, Token(TokenKind.CHAR, cell.text))
        if cell.kind is Kind.SHIFT:
            return Transition(replace(rest, mode=cell.target))
        if cell.kind is Kind.PAREN:
            ch = ")" if state.paren_open else "("
            return Transition(
                replace(rest, paren_open=not state.paren_open), Token(TokenKind.CHAR, ch)
            )
        if cell.kind is Kind.CODE:
            return Transition(replace(rest, escape=""))
        return Transition(rest, Token(TokenKind.SIGN, cell.text))

    def read(self, digits: Iterable[int], *, padded: bool = False) -> list[Emitted]:
        """Each token ``digits`` complete, with the digits of its code, one transition at
        a time; the errors of :meth:`Board.decode` (``padded``: an unfinished code at the
        end, the fill, is left out instead)."""
        state, out, begun = self.start, [], 0
        ds = [int(x) for x in digits]
        for i, digit in enumerate(ds):
            if state.at_rest:
                begun = i
            t = self.step(state, digit)
            if t is None:
                code = "".join(map(str, ds[begun : i + 1]))
                raise DecodeError(
                    f"code {code} at digit {begun + 1} is not used on board {self.board.name} "
                    f"({self.board.modes[state.mode].name} mode)",
                    begun,
                )
            if t.emitted is not None:
                out.append(Emitted(begun, i + 1, t.emitted))
            state = t.state
        if not state.at_rest and not padded:
            raise DecodeError(
                f"the digits end inside a code (digit {begun + 1} of {len(ds)})", begun
            )
        return out

    def walk(self, digits: Iterable[int], *, padded: bool = False) -> str:
        """The text of ``digits`` (:meth:`read`): what :meth:`Board.decode` gives, with
        the same errors."""
        return "".join(e.token.written for e in self.read(digits, padded=padded))
