"""Reading messages in depth back: their plaintexts and the key they share.

Two or more messages enciphered on one key (each from its own offset in it) are read
together by the beam search of :mod:`cinq.depth.beam`: at each key position the key
digit is chosen, every message's plaintext digit follows, and the readings are scored
by the messages' language models (character 4-grams mixed with word lists,
:mod:`cinq.depth.lexicon`) read through the board. Cribs (known plaintext)
pin digits of a message; each message may be in its own language.

Offsets are key positions in digits: ``offsets[i]`` is where message ``i``'s first
digit sits in the key (only differences matter). Without them :func:`find_offsets`
tries every shift of each message against the first, up to ``span`` digits either way,
and keeps the one ``depth find``'s test (:mod:`cinq.depth.joint`) likes best.

What comes back (:class:`Solution`) holds each message's best reading with a
confidence per character (:mod:`.beam`'s smoothed share of the beam); a character
below :data:`SURE` is shown as U+FFFD rather than guessed, and one below
:data:`CERTAIN` in lower case: a tentative reading, as cryptanalysts pencil it, since a
quarter to a half of those are wrong. The recovered key digits
are in ``Solution.key``, :data:`~cinq.depth.stream.UNKNOWN` where no message fixes them
or the reading there is below :data:`KEY_SURE`. The key is a secret like any pad:
``repr`` never shows it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .. import language as lg
from ..checkerboard import UNREADABLE, Board
from ..errors import BadInput
from ..hazmat.cipher import Convention
from . import beam as bm
from .joint import PairModel
from .stream import UNKNOWN, Stream, difference

__all__ = [
    "BEAM",
    "CERTAIN",
    "KEY_SURE",
    "MAX_DIGITS",
    "MAX_MESSAGES",
    "SPAN",
    "SURE",
    "Crib",
    "Reading",
    "Solution",
    "find_offsets",
    "solve",
]

BEAM = 256
"""Joint states kept at each key position (wider found nothing more on depth 2 and 3,
English, 100 to 250 digits; 128 lost 1 to 3 % of the characters)."""
SPAN = 25
"""Digits each way :func:`find_offsets` shifts a message by default (five groups)."""
SURE = 0.3
"""A character whose confidence is below this is shown as U+FFFD (measured on depth 2,
English, 100 groups: below 0.3 a fifth of the characters are right, between 0.3 and
0.5 about half, between 0.5 and 0.9 three in four, above 0.9 95 to 99 %)."""
CERTAIN = 0.9
"""A character at or above :data:`SURE` but below this is shown in lower case
(tentative): 50 to 75 % of them are right, against 95 to 99 % above it."""
KEY_SURE = 0.9
"""A key digit whose confidence is below this is not determined (:data:`UNKNOWN`): a
key digit is for deciphering other traffic, where a wrong one goes unnoticed."""
MAX_DIGITS = 5_000
"""The longest message read (1,000 groups: pad pages hold 50 to 100)."""
MAX_MESSAGES = 6
"""The most messages read together (the search's cost grows with each)."""
_LN10 = math.log(10)
_CRIB = re.compile(r"(?:(?P<message>[0-9]+):)?(?P<text>.+)@(?P<pos>[0-9]+)", re.DOTALL)


@dataclass(frozen=True)
class Crib:
    """Known plaintext: ``text`` starts at digit ``position`` (0 = the first) of the
    plaintext of message ``message`` (0 = the first), encoded on the board from a
    code boundary in its letters mode."""

    message: int
    text: str
    position: int

    @classmethod
    def parse(cls, spec: str) -> Crib:
        """``[M:]TEXT@POS`` as the command line takes it: message ``M`` (1 = the first,
        the default) and digit ``POS`` (1 = the first digit of the message body)."""
        m = _CRIB.fullmatch(spec)
        if m is None or int(m["pos"]) < 1 or (m["message"] is not None and int(m["message"]) < 1):
            raise BadInput(
                f"crib {spec!r}: write TEXT@POS or M:TEXT@POS (message M, digit POS of its "
                "body, both counted from 1)"
            )
        return cls(int(m["message"] or 1) - 1, m["text"], int(m["pos"]) - 1)


@dataclass(frozen=True)
class Reading:
    """One message read back.

    ``text``: the best reading as :func:`shown` (U+FFFD below :data:`SURE`, lower case
    below :data:`CERTAIN`);
    ``best``: the same without marks; ``characters``: its characters as written (a
    CODE escape or a sign is one); ``confidence``: per character; ``starts``: the
    digit of the message where each character's code begins; ``digits``: the
    plaintext digits.
    """

    text: str
    best: str
    characters: tuple[str, ...] = field(repr=False)  # as written: A, {123}, {RPT}
    confidence: tuple[float, ...] = field(repr=False)
    starts: tuple[int, ...] = field(repr=False)
    digits: Stream = field(repr=False)
    lang: str
    offset: int

    @property
    def sure(self) -> float:
        """The share of characters at or above :data:`SURE`."""
        c = np.asarray(self.confidence)
        return float((c >= SURE).mean()) if len(c) else 1.0

    @property
    def certain(self) -> float:
        """The share of characters at or above :data:`CERTAIN`."""
        c = np.asarray(self.confidence)
        return float((c >= CERTAIN).mean()) if len(c) else 1.0

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "best": self.best,
            "confidence": [round(c, 3) for c in self.confidence],
            "lang": self.lang,
            "offset": self.offset,
            "sure": round(self.sure, 3),
            "certain": round(self.certain, 3),
        }


@dataclass(frozen=True)
class Solution:
    """Messages in depth read back, and the key digits they share.

    ``key[j]`` is key position ``j`` (message ``i``'s digit ``k`` is key position
    ``readings[i].offset + k``), :data:`UNKNOWN` where not determined.
    """

    readings: tuple[Reading, ...]
    key: Stream = field(repr=False)
    key_confidence: NDArray[np.float64] = field(repr=False)
    board: str
    score: float  # log-likelihood ratio of the best joint reading (nats; > 0 favours depth)

    @property
    def plaintexts(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.readings)

    @property
    def determined(self) -> int:
        """Key digits recovered."""
        return int((self.key != UNKNOWN).sum())

    def to_json(self) -> dict[str, object]:
        return {
            "board": self.board,
            "messages": [r.to_json() for r in self.readings],
            "key": _key_groups(self.key),
            "key_digits": len(self.key),
            "key_determined": self.determined,
            "score": round(self.score, 2),
        }


def _key_groups(key: Stream) -> list[str]:
    chars = np.where(key == UNKNOWN, ord("?"), key + ord("0")).astype(np.uint8).tobytes()
    text = chars.decode("ascii")
    return [text[i : i + 5] for i in range(0, len(text), 5)]


def solve(
    messages: Sequence[Stream],
    *,
    board: Board,
    langs: Sequence[str],
    offsets: Sequence[int] | None = None,
    cribs: Sequence[Crib] = (),
    beam: int = BEAM,
    convention: Convention = Convention.SUBTRACT,
    span: int = SPAN,
) -> Solution:
    """Read ``messages`` (cipher digit streams, UNKNOWN allowed) enciphered on one key.

    ``langs``: one language for all, or one per message. ``offsets``: where each
    message starts in the key (digits), or None to find them (:func:`find_offsets`,
    within ``span``). ``beam``: joint states kept at each key position. Raises
    :class:`BadInput` for fewer than two messages, languages or offsets that do not
    match the messages, a crib that does not fit, or digits that no reading on
    ``board`` explains.
    """
    langs = _langs(messages, langs)
    sign = 1 if Convention(convention) is Convention.SUBTRACT else -1
    if offsets is None:
        offsets = find_offsets(messages, board=board, langs=langs, span=span)
    starts = _offsets(messages, offsets)
    lanes = [
        bm.Lane(_signed(m), s, bm.automaton(board, lang), _crib_digits(i, m, cribs, board, lang))
        for i, (m, s, lang) in enumerate(zip(messages, starts, langs, strict=True))
    ]
    _check_cribs(cribs, len(messages))
    path = bm.best_path(_search(lanes, beam, sign))
    readings = tuple(
        _reading(path, i, lane, board, lang)
        for i, (lane, lang) in enumerate(zip(lanes, langs, strict=True))
    )
    key, conf = _key(path, lanes, sign)
    overlap = sum(_overlap(lanes, t) for t in range(len(path.plain)))
    return Solution(readings, key, conf, board.name, path.score + overlap * _LN10)


def _langs(messages: Sequence[Stream], langs: Sequence[str]) -> list[str]:
    """One language per message, after checking the messages' count and lengths."""
    if not 2 <= len(messages) <= MAX_MESSAGES:
        raise BadInput(f"depth solve reads 2 to {MAX_MESSAGES} messages, got {len(messages)}")
    for i, m in enumerate(messages):
        if not 0 < len(m) <= MAX_DIGITS:
            raise BadInput(
                f"message {i + 1} has {len(m)} digits; depth solve reads 1 to {MAX_DIGITS:,}"
            )
    if len(langs) == 1:
        langs = list(langs) * len(messages)
    if len(langs) != len(messages):
        raise BadInput(f"{len(langs)} languages for {len(messages)} messages: give one or one each")
    return [lg.language(x).code for x in langs]


def _offsets(messages: Sequence[Stream], offsets: Sequence[int]) -> list[int]:
    if len(offsets) != len(messages):
        raise BadInput(f"{len(offsets)} offsets for {len(messages)} messages: give one each")
    low = min(offsets)
    starts = [int(o) - low for o in offsets]
    for i, m in enumerate(messages):
        others = [k for k in range(len(messages)) if k != i]
        if not any(_covers(starts[i], len(m), starts[k], len(messages[k])) for k in others):
            raise BadInput(f"message {i + 1} shares no key digit with any other at these offsets")
    return starts


def _covers(a: int, na: int, b: int, nb: int) -> bool:
    return max(a, b) < min(a + na, b + nb)


def _signed(m: Stream) -> NDArray[np.int16]:
    out = m.astype(np.int16)
    out[m == UNKNOWN] = -1
    return out


def _check_cribs(cribs: Sequence[Crib], n: int) -> None:
    for c in cribs:
        if not 0 <= c.message < n:
            raise BadInput(f"crib {c.text!r} is for message {c.message + 1}; there are {n}")


def _crib_digits(
    i: int, message: Stream, cribs: Sequence[Crib], board: Board, lang: str
) -> NDArray[np.int16]:
    """Message ``i``'s plaintext digits pinned by its cribs, -1 where free."""
    out = np.full(len(message), -1, dtype=np.int16)
    for c in cribs:
        if c.message != i:
            continue
        digits = lg.encode(c.text, board, lang, lg.Policy.FOLD)
        if c.position + len(digits) > len(message):
            raise BadInput(
                f"crib {c.text!r} at digit {c.position + 1} of message {i + 1} needs "
                f"{len(digits)} digits; the message has {len(message)}"
            )
        here = out[c.position : c.position + len(digits)]
        if ((here >= 0) & (here != digits)).any():
            raise BadInput(f"crib {c.text!r} contradicts another crib of message {i + 1}")
        here[:] = digits
    return out


def _search(lanes: Sequence[bm.Lane], width: int, sign: int) -> bm.Trellis:
    try:
        return bm.search(lanes, width=width, sign=sign)
    except bm.DeadEnd as e:
        raise BadInput(
            f"no reading on this board explains the digits at key position {e.position + 1} "
            "(check the board, the offsets, the convention and the cribs)"
        ) from None


def _overlap(lanes: Sequence[bm.Lane], t: int) -> int:
    """Messages beyond the first with a readable digit at key position ``t``."""
    readable = sum(1 for ln in lanes if ln.offset <= t < ln.end and ln.cipher[t - ln.offset] >= 0)
    return max(0, readable - 1)


def shown(character: str, confidence: float) -> str:
    """A character as a reading shows it: U+FFFD below :data:`SURE`, lower case (tentative)
    below :data:`CERTAIN`, else as read."""
    if confidence < SURE:
        return UNREADABLE
    return character.lower() if confidence < CERTAIN else character


def _reading(path: bm.Path, i: int, lane: bm.Lane, board: Board, lang: str) -> Reading:
    """Message ``i``'s best reading, walked through the board, with confidences."""
    digits = path.plain[lane.offset : lane.end, i]
    conf = path.confidence[lane.offset : lane.end, i]
    read = board.machine().read(digits, padded=True)  # the search takes only used codes
    chars = [e.token.written for e in read]
    sure = [float(conf[e.first : e.end].min()) for e in read]
    starts = [e.first for e in read]
    text = "".join(shown(c, s) for c, s in zip(chars, sure, strict=True))
    return Reading(
        text, "".join(chars), tuple(chars), tuple(sure), tuple(starts), digits.copy(), lang,
        lane.offset,
    )  # fmt: skip


def _key(path: bm.Path, lanes: Sequence[bm.Lane], sign: int) -> tuple[Stream, NDArray[np.float64]]:
    """The key digits the best reading implies, UNKNOWN where no readable cipher digit
    fixes them or the reading is below :data:`KEY_SURE`; and their confidence."""
    total = len(path.plain)
    key = np.full(total, UNKNOWN, dtype=np.uint8)
    conf = np.zeros(total)
    for i, ln in enumerate(lanes):
        span = slice(ln.offset, ln.end)
        readable = ln.cipher >= 0
        k = (sign * (path.plain[span, i].astype(np.int16) - ln.cipher)) % 10
        c = path.confidence[span, i]
        better = readable & (c > conf[span])
        key[span][better] = k[better]
        conf[span][better] = c[better]
    key[conf < KEY_SURE] = UNKNOWN
    return key, conf


def find_offsets(
    messages: Sequence[Stream],
    *,
    board: Board,
    langs: Sequence[str],
    span: int = SPAN,
) -> list[int]:
    """Each message's offset in the key relative to the first (which gets 0): the
    shift within ``span`` digits either way whose difference stream with the first
    message has the highest likelihood ratio of "one key" against "independent keys"
    (:class:`cinq.depth.joint.PairModel`, the test ``depth find`` makes). The
    difference of two cipher streams is the same under either convention."""
    langs = _langs(messages, langs)
    shifts = np.arange(-span, span + 1)
    out = [0]
    for j in range(1, len(messages)):
        pair = PairModel.for_board(board, sorted({langs[0], langs[j]}))
        rows = _differences(messages[0], messages[j], shifts)
        out.append(int(shifts[int(np.argmax(pair.llr_many(rows)))]))
    return out


def _differences(a: Stream, b: Stream, shifts: NDArray[np.int64]) -> NDArray[np.uint8]:
    """One row per shift: ``a - b`` over the key digits they share when ``b`` starts
    ``shift`` digits after ``a``, padded with UNKNOWN."""
    rows = np.full((len(shifts), max(len(a), len(b))), UNKNOWN, dtype=np.uint8)
    for r, s in enumerate(shifts.tolist()):
        d = difference(a[max(0, s) :], b[max(0, -s) :])
        rows[r, : len(d)] = d
    return rows
