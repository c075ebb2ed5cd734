"""Crib-dragging a depth: a guessed word slid along one message, and what it makes of
the others.

Messages in depth share key digits: where message ``m`` sits at key position ``q``,
its cipher digit is ``c = p - k`` (:class:`~cinq.hazmat.cipher.Convention` SUBTRACT;
``p + k`` for ADD). A crib, a word guessed for message ``m`` at digit ``i`` of its
plaintext, is encoded on the board and fixes the key there: ``k = p - c`` (SUBTRACT)
or ``c - p`` (ADD). Those key digits decipher every other message where it sits on the
same key positions, and the analyst reads whether that makes language: the XOR
crib-drag of MTP and cribdrag, for mod-10 digits and checkerboards.

The other messages are read from the crib's first key position, as if a code began
there: a wrong guess, or a window that starts inside another message's two-digit
code, reads as ``?`` and stray letters, which is what the analyst looks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .. import language as lg
from ..checkerboard import Board
from ..errors import BadInput
from ..hazmat.cipher import Convention
from .stream import UNKNOWN, Stream

__all__ = ["Drag", "Reading", "drag"]


@dataclass(frozen=True)
class Reading:
    """One message under the crib's key digits.

    Attributes
    ----------
    message
        Its index among the messages.
    digits
        Its plaintext digits there, ``None`` where the key or its own digit is not
        known (off its ends, or an unreadable ``?``).
    text
        Those digits read on the board (``?`` for what cannot be read).
    """

    message: int
    digits: tuple[int | None, ...]
    text: str

    def to_json(self) -> dict[str, object]:
        return {"message": self.message, "digits": list(self.digits), "text": self.text}


@dataclass(frozen=True)
class Drag:
    """The crib at one position: the key digits it implies and every message's reading."""

    position: int
    key: tuple[int | None, ...]
    readings: tuple[Reading, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "key": list(self.key),
            "readings": [r.to_json() for r in self.readings],
        }


def drag(
    messages: Sequence[Stream],
    crib: str,
    *,
    on: int,
    position: int,
    board: Board,
    lang: str = "en",
    offsets: Sequence[int] | None = None,
    convention: Convention = Convention.SUBTRACT,
) -> Drag:
    """The crib ``crib`` put at digit ``position`` of message ``on``'s plaintext.

    Parameters
    ----------
    messages
        Cipher digit streams (``?`` as :data:`~cinq.depth.stream.UNKNOWN`).
    offsets
        Where each message starts on the key, in digits (default: all at 0).

    Raises
    ------
    BadInput
        No messages, ``on`` not one of them, offsets that do not match, a crib the
        board cannot encode, or one that does not fit in message ``on`` there.
    """
    starts = list(offsets) if offsets is not None else [0] * len(messages)
    if not messages or not 0 <= on < len(messages) or len(starts) != len(messages):
        raise BadInput("a crib needs the messages, one of them to put it on, and their offsets")
    plain = lg.encode(crib, board, lang, lg.Policy.FOLD).astype(np.int16)
    if not len(plain) or position < 0 or position + len(plain) > len(messages[on]):
        raise BadInput(
            f"the crib {crib!r} ({len(plain)} digits) does not fit at digit {position + 1} of "
            f"message {on + 1} ({len(messages[on])} digits)"
        )
    sign = 1 if convention is Convention.SUBTRACT else -1
    cipher = _digits_at(messages[on], position, len(plain))
    key = np.where(cipher >= 0, (sign * (plain - cipher)) % 10, -1)
    first = starts[on] + position  # the crib's first key position
    readings = tuple(
        _reading(i, m, first - starts[i], key, sign, board) for i, m in enumerate(messages)
    )
    return Drag(position, _maybe(key), readings)


def _digits_at(m: Stream, start: int, n: int) -> NDArray[np.int16]:
    """``n`` digits of ``m`` from ``start``, -1 off its ends or where unknown."""
    out = np.full(n, -1, np.int16)
    lo, hi = max(start, 0), min(start + n, len(m))
    if lo < hi:
        part = m[lo:hi].astype(np.int16)
        part[m[lo:hi] == UNKNOWN] = -1
        out[lo - start : hi - start] = part
    return out


def _reading(
    index: int, m: Stream, start: int, key: NDArray[np.int64], sign: int, board: Board
) -> Reading:
    cipher = _digits_at(m, start, len(key))
    known = (cipher >= 0) & (key >= 0)
    plain = np.where(known, (cipher + sign * key) % 10, -1)
    return Reading(index, _maybe(plain), _text(plain, board))


def _text(plain: NDArray[np.int64], board: Board) -> str:
    """The digits read on ``board`` up to the first unknown one, then ``?`` for each
    digit not read."""
    run = int(np.argmax(plain < 0)) if (plain < 0).any() else len(plain)
    read = board.decode(plain[:run].astype(np.uint8), padded=True, replace="?") if run else ""
    return read + "?" * (len(plain) - run)


def _maybe(digits: NDArray[np.int64]) -> tuple[int | None, ...]:
    return tuple(int(d) if d >= 0 else None for d in digits)
