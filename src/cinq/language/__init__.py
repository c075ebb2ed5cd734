"""Language profiles: how a text in a language becomes text a board can encode.

Each profile has a default board and its own foldings, applied by default because the
language's users expect them (French accents, German umlauts, Russian Ё is *not*
folded: RU-1 has a cell for it). Typographic quotes, dashes and spaces are normalised
in every language. Anything else a board cannot encode is an error naming the
character and its line and column, unless the user picked a policy:

* ``fold``: approximate it (accents stripped, ``!`` -> ``.``, ``;`` -> ``,``, a line
  break -> a space, ...), and say nothing more only because the user asked for it;
* ``drop``: leave it out.

Both can be combined (fold what can be folded, drop the rest). Meaning is never
changed silently: lower case becomes upper case, which no board distinguishes.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Flag, auto
from typing import overload

import numpy as np
from numpy.typing import NDArray

from ..checkerboard import ESCAPE, Board, board, check_length
from ..digits import Digits
from ..errors import BadInput, Location, UnencodableText


class Policy(Flag):
    """What to do with a character the board cannot encode."""

    STRICT = 0
    FOLD = auto()
    DROP = auto()


# Candidates in order of preference; the first one the board can encode is used.
_TYPOGRAPHY: dict[str, tuple[str, ...]] = {
    **dict.fromkeys("‘’‚‛′ʼ", ("'",)),
    **dict.fromkeys("“”„‟″«»", ('"', "'")),
    **dict.fromkeys("‹›", ("'",)),
    **dict.fromkeys("‐‑‒–—―−", ("-",)),
    "…": ("...",),
    **dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u2002\u2003", (" ",)),
}

# Used only under Policy.FOLD, after the language's own foldings.
_FALLBACKS: dict[str, tuple[str, ...]] = {
    "!": (".",),
    ";": (",", "."),
    ":": (",", "."),
    "?": (".",),
    '"': ("'",),
    "(": (",",),
    ")": (",",),
    "[": ("(", ","),
    "]": (")", ","),
    "/": ("-", " "),
    "\n": (" ", "."),
    "\r": ("",),
    "\t": (" ",),
    "&": ("+", " AND "),
    "_": ("-", " "),
    "%": (" PERCENT",),
    "Æ": ("AE",),
    "Œ": ("OE",),
    "ß": ("SS",),
    "Ø": ("O",),
    "Ł": ("L",),
    "-": (" ",),
    ",": (".",),
}


@dataclass(frozen=True)
class Language:
    """A language profile."""

    code: str
    name: str
    default_board: str
    folds: Mapping[str, tuple[str, ...]]
    notes: str = ""

    @property
    def board(self) -> Board:
        return board(self.default_board)


def _fold_table(pairs: str) -> dict[str, tuple[str, ...]]:
    """``"ÉE ÈE ŒOE"`` -> {"É": ("E",), ...}: first char folds to the rest."""
    return {p[0]: (p[1:],) for p in pairs.split()}


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "CT-55", _TYPOGRAPHY),
    "fr": Language(
        "fr",
        "French",
        "CT-55",
        {
            **_TYPOGRAPHY,
            **_fold_table("ÉE ÈE ÊE ËE ÀA ÂA ÄA ÎI ÏI ÔO ÖO ÙU ÛU ÜU ŸY ÇC ŒOE ÆAE"),
        },
        notes="accents folded (É È Ê Ë -> E, Ç -> C, Œ -> OE ...); guillemets -> quotes",
    ),
    "de": Language(
        "de",
        "German",
        "CT-55",
        {**_TYPOGRAPHY, **_fold_table("ÄAE ÖOE ÜUE ßSS ẞSS")},
        notes="Ä -> AE, Ö -> OE, Ü -> UE, ß -> SS",
    ),
    "es": Language(
        "es",
        "Spanish",
        "ES-1",
        {**_TYPOGRAPHY, **_fold_table("ÁA ÉE ÍI ÓO ÚU ÜU"), "¿": ("",), "¡": ("",)},
        notes="accents folded (Á -> A ...), Ñ kept (ES-1 has a cell), ¿ and ¡ left out",
    ),
    "ru": Language(
        "ru",
        "Russian",
        "RU-1",
        _TYPOGRAPHY,
        notes="all 33 letters kept (RU-1 has a cell for each, Ё included)",
    ),
}


def language(code: str) -> Language:
    """A language profile by code: ``en``, ``fr``, ``de``, ``es``, ``ru``."""
    try:
        return LANGUAGES[code.strip().lower()]
    except KeyError:
        raise BadInput(f"unknown language {code!r}; known: {', '.join(LANGUAGES)}") from None


def _encodable(s: str, b: Board) -> bool:
    return all(b.can_encode(c) for c in s)


def _choose(cands: tuple[str, ...], b: Board) -> str | None:
    return next((c for c in cands if _encodable(c, b)), None)


@dataclass(frozen=True)
class Prepared:
    """Text ready for a board, with each character's offset in the original text."""

    text: str
    offsets: Sequence[int]


def prepare(
    text: str, b: Board, lang: Language | str = "en", policy: Policy = Policy.STRICT
) -> Prepared:
    """Upper-case and fold ``text`` for board ``b`` under ``lang``'s rules and ``policy``.

    Raises :class:`UnencodableText` at the first character that cannot be written,
    with its line and column in ``text``, and :class:`BadInput` for a text longer than
    :data:`cinq.checkerboard.MAX_TEXT_CHARS`.
    """
    lang = language(lang) if isinstance(lang, str) else lang
    check_length(text)  # before any work: folding costs memory per character
    upper = text.upper()
    if len(upper) == len(text) and _outside(b.characters).search(upper) is None:
        return Prepared(upper, range(len(text)))  # the common case: nothing to fold
    return _fold_text(text, b, lang, policy)


def _fold_text(text: str, b: Board, lang: Language, policy: Policy) -> Prepared:
    """:func:`prepare` when something must be folded: each distinct character is looked
    at once (a text has few, however long it is) and the text is rewritten in C by
    ``str.translate``; ``{...}`` escapes pass through as they are."""
    escapes = [m.span() for m in ESCAPE.finditer(text)] if "{" in text else []
    reps = {ch: _prepare_char(ch, b, lang, policy) for ch in set(text)}
    _refuse_unwritable(text, reps, escapes, b, lang, policy)
    if not escapes:
        return _fold_codes(text, reps)
    table = {ord(ch): rep for ch, rep in reps.items() if rep is not None and rep != ch}
    pieces, last = [], 0
    for start, end in escapes:
        pieces += [text[last:start].translate(table), text[start:end]]
        last = end
    pieces.append(text[last:].translate(table))
    return Prepared("".join(pieces), _offsets(text, reps, escapes))


def _fold_codes(text: str, reps: dict[str, str | None]) -> Prepared:
    """The replacements made on code points: one character for one through a lookup
    table; a character replaced by none or several keeps its place in the table and is
    then replaced with ``str.replace`` (it cannot be anything's replacement: a board
    cannot write it)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    size = int(codes.max()) + 1 if len(codes) else 1
    table = np.arange(size, dtype=np.uint32)
    length = np.ones(size, dtype=np.intp)
    resized: list[tuple[str, str]] = []
    for ch, rep in reps.items():
        if rep is not None and len(rep) == 1:
            table[ord(ch)] = ord(rep)
        elif rep is not None:
            resized.append((ch, rep))
            length[ord(ch)] = len(rep)
    folded = table[codes].tobytes().decode("utf-32-le", "surrogatepass")
    for ch, rep in resized:
        folded = folded.replace(ch, rep)
    if not resized:
        return Prepared(folded, range(len(text)))
    return Prepared(folded, _Offsets(length[codes]))


class _Offsets(Sequence[int]):
    """The offsets of a text whose character ``i`` became ``counts[i]`` characters,
    found when asked (only an error needs one) by a search in the cumulative sum."""

    def __init__(self, counts: NDArray[np.intp]) -> None:
        self._counts = counts
        self._length = int(counts.sum())

    @functools.cached_property
    def _ends(self) -> NDArray[np.intp]:
        return np.cumsum(self._counts)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return int(np.searchsorted(self._ends, index % len(self), side="right"))


def _refuse_unwritable(
    text: str,
    reps: dict[str, str | None],
    escapes: list[tuple[int, int]],
    b: Board,
    lang: Language,
    policy: Policy,
) -> None:
    """:class:`UnencodableText` at the first character outside the escapes that has no
    replacement."""
    starts = [start for start, _ in escapes]
    first: int | None = None
    for ch, rep in reps.items():
        i = text.find(ch) if rep is None else -1
        while i >= 0:
            k = bisect.bisect_right(starts, i) - 1
            if k < 0 or i >= escapes[k][1]:  # outside every escape
                first = i if first is None else min(first, i)
                break
            i = text.find(ch, escapes[k][1])
    if first is not None:
        raise UnencodableText(
            f"board {b.name} has no cell for it" + _hint(text[first], lang, policy),
            location=Location.of_offset(text, first),
        )


def _offsets(
    text: str, reps: dict[str, str | None], escapes: list[tuple[int, int]]
) -> Sequence[int]:
    """For each character of the prepared text, its offset in ``text`` (an escape: one
    entry, its start)."""
    resized = {ch: len(rep) for ch, rep in reps.items() if rep is not None and len(rep) != 1}
    if not resized and not escapes:
        return range(len(text))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    counts = np.ones(len(text), dtype=np.intp)
    for ch, size in resized.items():
        counts[codes == ord(ch)] = size
    if escapes:
        spans = np.array(escapes, dtype=np.intp)
        inside = np.zeros(len(text) + 1, dtype=np.intp)
        np.add.at(inside, spans[:, 0] + 1, 1)
        np.add.at(inside, spans[:, 1], -1)
        counts[np.cumsum(inside[:-1]) > 0] = 0
        counts[spans[:, 0]] = 1
    return np.repeat(np.arange(len(text), dtype=np.intp), counts).tolist()


@functools.lru_cache(maxsize=64)
def _outside(characters: frozenset[str]) -> re.Pattern[str]:
    """A pattern for any character not in ``characters``: one scan of the text in C
    tells whether it needs folding (a set test builds a string per character)."""
    if not characters:
        return re.compile(r"[\s\S]")
    return re.compile("[^" + "".join(re.escape(c) for c in sorted(characters)) + "]")


def _prepare_char(ch: str, b: Board, lang: Language, policy: Policy) -> str | None:
    if b.can_encode(ch):
        return ch
    up = ch.upper()
    if len(up) == 1 and b.can_encode(up):
        return up
    if ch in lang.folds or up in lang.folds:
        rep = _choose(lang.folds.get(ch) or lang.folds[up], b)
        if rep is not None:
            return rep
    if policy & Policy.FOLD:
        folded = _fold(up, b)
        if folded is not None:
            return folded
    if policy & Policy.DROP:
        return ""
    return None


def _fold(ch: str, b: Board) -> str | None:
    if ch in _FALLBACKS:
        return _choose(_FALLBACKS[ch], b)
    base = "".join(
        c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
    ).upper()
    if base and base != ch and _encodable(base, b):
        return base
    return None


def _hint(ch: str, lang: Language, policy: Policy) -> str:
    if policy & Policy.FOLD:
        return "; no folding for it: use --drop to leave it out"
    if ch == "\n":
        return "; use --fold to send line breaks as spaces"
    return "; use --fold to approximate it or --drop to leave it out"


def encode(
    text: str,
    b: Board | None = None,
    lang: Language | str = "en",
    policy: Policy = Policy.STRICT,
) -> Digits:
    """Text in a language -> checkerboard digits (prepare, then ``b.encode``)."""
    lang = language(lang) if isinstance(lang, str) else lang
    b = b or lang.board
    prepared = prepare(text, b, lang, policy)
    try:
        return b.encode(prepared.text)
    except UnencodableText as e:  # re-point at the user's own text
        assert e.location is not None
        at = _offset_in(prepared.text, e.location)
        raise UnencodableText(
            e.message, location=Location.of_offset(text, int(prepared.offsets[at]))
        ) from None


def _offset_in(text: str, loc: Location) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: loc.line - 1]) + loc.column - 1
