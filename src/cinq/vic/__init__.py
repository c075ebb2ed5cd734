"""The VIC cipher: Reino Häyhänen's hand cipher of the 1950s, step by step.

Four secrets make the keys (:mod:`cinq.vic.keys`): a date, a memorised phrase, a
personal number, and a random keygroup sent in clear inside the message. The text goes
through a keyed straddling checkerboard (:mod:`cinq.vic.board`: a
:class:`cinq.checkerboard.Board` under line S, encoded by the same engine as every
board), a columnar transposition and a disrupted one (:mod:`cinq.vic.transposition`);
the keygroup goes in as the N-th group from the end, N being the date's last digit
(0 = 10).

Two languages, each with its own conventions:

- ``en``, as in John Savard's worked example: the ``AT ONE SIR`` board, null letters
  (R) at the end to fill the last group. The nulls show when the message is read back.
- ``ru``, as in Häyhänen's own message (Kahn, "Two Soviet Spy Ciphers"): the СНЕГОПА
  board; the text cut in two at a random point and sent second part first, then Н/Т
  ("the text starts here"), then the first part; nulls at the end. cinq starts its
  nulls with a second Н/Т, so the receiver knows where the text ends and gets it back
  exactly.

This is a historical cipher for teaching and play: it is a hand system that
professional cryptanalysis can break given enough traffic. For secrecy, use
:func:`cinq.procedure.encrypt` (a one-time pad).

>>> from cinq import vic
>>> keys = {"date": "741776", "phrase": "I dream of Jeannie with t", "personal": 8}
>>> w = vic.encrypt("MEET AT DAWN BY THE OLD MILL", keygroup="77651", **keys)
>>> " ".join(w.groups)
'20142 90078 77651 51430 09007 47320 87908 91400'
>>> vic.decrypt(w.groups, **keys).text
'MEETATDAWNBYTHEOLDMILLRR'
>>> print(vic.explain(w))  # every line A to S, the board, both tables  # doctest: +SKIP
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from ..digits import check_group
from ..errors import BadInput
from .board import (
    DEFAULT_KEYWORD,
    START,
    Lang,
    VicBoard,
    english,
    from_digits,
    russian,
    text_of,
    to_digits,
    tokenize,
)
from .keys import LATIN, RUSSIAN, Keys, derive, insertion_point
from .notebook import explain
from .transposition import columnar, disrupted, uncolumnar, undisrupted

__all__ = [
    "DEFAULT_KEYWORD",
    "NULL_EN",
    "Keys",
    "Lang",
    "VicBoard",
    "Worked",
    "board_for",
    "columnar",
    "decrypt",
    "derive",
    "disrupted",
    "encrypt",
    "explain",
    "uncolumnar",
    "undisrupted",
]

# A hand cipher's messages run to a few hundred groups: these bounds are generous, and
# keep the work (lists of symbols, two transpositions) to well under a second.
MAX_TEXT = 100_000  # characters of plaintext
MAX_GROUPS = 20_000  # groups of a message to decipher
NULL_EN = "R"  # the last letter of AT ONE SIR: one digit, as in Savard's example


@dataclass(frozen=True, repr=False)
class Worked:
    """A message through the VIC cipher, with every intermediate step."""

    lang: Lang
    keys: Keys
    board: VicBoard
    symbols: list[str]  # as transmitted (Russian: second part, Н/Т, first part)
    plain: str  # the checkerboard digits, nulls included
    nulls: int | None  # how many of them are nulls (None: not known, as in English)
    first: str  # after the first transposition
    second: str  # after the disrupted transposition
    groups: list[str]  # the message, keygroup inserted
    insert: int  # the keygroup is this many groups from the end
    text: str  # the plaintext as the board writes it (no spaces)
    cut: int | None = None  # Russian: the second part starts after this many symbols
    broken: int = 0  # places where figures were not tripled (garbled groups)

    def __repr__(self) -> str:  # the working is as secret as the plaintext
        return f"Worked(lang={self.lang!r}, groups={len(self.groups)})"


def board_for(lang: Lang, keys: Keys, keyword: str = DEFAULT_KEYWORD) -> VicBoard:
    """The language's checkerboard under line S."""
    if lang == "ru":
        return russian(keys.S, keyword)
    if lang == "en":
        return english(keys.S)
    raise BadInput(f"the VIC cipher here speaks 'en' and 'ru', not {lang!r}")


def _alphabet(lang: Lang) -> str:
    return RUSSIAN if lang == "ru" else LATIN


def _written(symbols: Sequence[str], board: VicBoard) -> int:
    return sum(s != board.figures for s in symbols)


def _cut_index(symbols: list[str], board: VicBoard, cut: int | None) -> int:
    """Where to cut the Russian text: at a random symbol boundary outside any figures,
    or after ``cut`` written symbols (letters, signs and figures)."""
    inside = False
    written = 0
    boundaries: dict[int, int] = {}  # written symbols so far -> index
    for i, s in enumerate(symbols):
        if not inside:
            boundaries.setdefault(written, i)
        if s == board.figures:
            inside = not inside
        else:
            written += 1
    boundaries.setdefault(written, len(symbols))
    if cut is None:
        return list(boundaries.values())[secrets.randbelow(len(boundaries))]
    if cut not in boundaries:
        top = written
        where = "inside a number" if 0 <= cut <= top else f"outside 0..{top}"
        raise BadInput(f"cannot cut the text after {cut} symbols: that is {where}")
    return boundaries[cut]


def _nulls(lang: Lang, board: VicBoard, count: int) -> str:
    if lang == "en":
        return board.codes[NULL_EN] * count
    if count == 0:
        return ""
    if count == 1:  # an unfinished two-digit code: read as nothing
        labels = sorted(board.labels)
        return labels[secrets.randbelow(len(labels))]
    rest = "".join(str(secrets.randbelow(10)) for _ in range(count - 2))
    return board.codes[START] + rest


def _bounded(size: int, most: int, what: str) -> None:
    if size > most:
        raise BadInput(f"the message has {size} {what}; the VIC cipher takes at most {most}")


def encrypt(
    text: str,
    *,
    date: str,
    phrase: str,
    personal: int,
    keygroup: str | None = None,
    lang: Lang = "en",
    keyword: str = DEFAULT_KEYWORD,
    cut: int | None = None,
    drop: bool = False,
) -> Worked:
    """Encipher ``text`` with the four secrets; a fresh keygroup comes from the CSPRNG
    when none is given.

    ``keyword`` tops the Russian board; ``cut`` fixes where the Russian text is cut
    (after that many written symbols) instead of a random point; ``drop`` leaves out
    characters the board cannot write instead of refusing them."""
    _bounded(len(text), MAX_TEXT, "characters")
    n = insertion_point(date)
    if keygroup is None:
        keygroup = "".join(str(secrets.randbelow(10)) for _ in range(5))
    keys = derive(date, phrase, personal, keygroup, _alphabet(lang))
    board = board_for(lang, keys, keyword)
    symbols = tokenize(text, board, drop=drop)
    if not symbols:
        raise BadInput("the message has nothing the checkerboard can write")
    written = None  # the cut, in written symbols
    if lang == "ru":
        index = _cut_index(symbols, board, cut)
        written = _written(symbols[:index], board)
        symbols = [*symbols[index:], START, *symbols[:index]]
    stream = to_digits(symbols, board)
    # Fill the last group, and give the message enough groups for the keygroup to
    # stand N-th from the end.
    count = -len(stream) % 5
    while (len(stream) + count) // 5 < n - 1:
        count += 5
    plain = stream + _nulls(lang, board, count)
    first = columnar(plain, keys.Q)
    second = disrupted(first, keys.R)
    groups = [second[i : i + 5] for i in range(0, len(second), 5)]
    groups.insert(len(groups) - n + 1, keygroup)
    shown = text_of(symbols, board) if lang == "en" else _reassemble(symbols, board)
    return Worked(lang, keys, board, symbols, plain, count, first, second, groups, n,
                  shown, written)  # fmt: skip


def _reassemble(symbols: list[str], board: VicBoard) -> str:
    i = symbols.index(START)
    return text_of([*symbols[i + 1 :], *symbols[:i]], board)


def decrypt(
    groups: Sequence[str],
    *,
    date: str,
    phrase: str,
    personal: int,
    lang: Lang = "en",
    keyword: str = DEFAULT_KEYWORD,
) -> Worked:
    """Find the keygroup (the date's last digit says where), undo both transpositions,
    read the checkerboard; Russian text is put back in order around Н/Т."""
    _bounded(len(groups), MAX_GROUPS, "groups")
    n = insertion_point(date)
    for i, g in enumerate(groups, 1):
        check_group(g, unknown_allowed=False, name=f"group {i}")
    if len(groups) < 2:
        raise BadInput("a VIC message has the keygroup and at least one more group")
    if len(groups) < n:
        raise BadInput(
            f"the keygroup should be group {n} from the end (the date's last digit), "
            f"but the message has only {len(groups)} groups"
        )
    rest = list(groups)
    keygroup = rest.pop(len(rest) - n)
    keys = derive(date, phrase, personal, keygroup, _alphabet(lang))
    board = board_for(lang, keys, keyword)
    second = "".join(rest)
    first = undisrupted(second, keys.R)
    plain = uncolumnar(first, keys.Q)
    read = from_digits(plain, board)
    decoded = read.symbols
    nulls: int | None = None
    cut = None
    if lang == "ru":
        if START not in decoded:
            raise BadInput(
                f"no {START} marker (where the text starts) in the deciphered digits: "
                "the keys, the keyword or the groups are wrong"
            )
        i = decoded.index(START)
        end = decoded.index(START, i + 1) if START in decoded[i + 1 :] else len(decoded)
        # cinq's nulls start with a second marker; an unfinished code is a null too.
        nulls = len(plain) - read.starts[end] if end < len(decoded) else len(read.tail)
        decoded = decoded[:end]
        cut = _written(decoded[i + 1 :], board)
        text = _reassemble(decoded, board)
    else:
        text = text_of(decoded, board)
    return Worked(lang, keys, board, decoded, plain, nulls, first, second, list(groups), n,
                  text, cut, text.count("?"))  # fmt: skip
