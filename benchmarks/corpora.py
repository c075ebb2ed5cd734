"""Real running text in five languages for the depth benchmarks, and plaintext windows
cut from it on a board.

The character language models (:mod:`cinq.language.model`) are built from wordfreq's
word lists, so any real running text is text they did not learn from. These corpora
come from Debian packages that ``make`` installs (``system-packages.txt``); nothing of
them is committed here:

* en, de, es, ru: the fortune-cookie files of ``fortunes``, ``fortunes-de``,
  ``fortunes-es`` and ``fortunes-ru`` (quotations, proverbs, anecdotes; the offensive
  sections are not read). Licences: BSD-style (fortunes), GPL-2+ (the others).
* fr: Debian has no French fortunes any more, so the plain-text Debian FAQ of
  ``debian-faq-fr`` and the project's history of ``debian-history`` (both GPL-2+): a
  different genre (prose about an operating system and its people; paragraphs with
  commands or paths are dropped by the filter below), and a smaller corpus.

Each text is split into paragraphs (one fortune; one blank-line-separated paragraph),
attributions (``-- Author``) removed, white space joined, and kept only when it is
running text: at least :data:`MIN_LETTERS` letters, and nothing but letters that the
language's default board and CT-37 write (folded if need be), digits, spaces and
ordinary punctuation (so no ASCII art, addresses, code, foreign letters or, in
Russian, Latin words). A missing package falls back to the short neutral texts of
``benchmarks/texts`` (:mod:`prose`), and :func:`origin` says so; the benchmark prints it.

:func:`windows` cuts plaintext digit windows from a language's paragraphs, encoded on a
board with ``Policy.FOLD``, deterministically from the caller's generator.

This module was landed first so that the depth helpers could use it early; the API is
:func:`texts`, :func:`origin`, :func:`windows` (and :class:`Window`).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

import prose  # type: ignore[import-not-found]
from cinq import checkerboard as cb
from cinq import language as lg
from cinq.checkerboard import Board
from cinq.digits import Digits
from cinq.errors import CinqError

LANGS = ("en", "fr", "de", "es", "ru")
MIN_LETTERS = 20
"""A paragraph with fewer letters is a title, a signature or a one-word joke."""

_PUNCTUATION = frozenset(" .,;:!?'\"()-‘’“”«»„–—…")
_EXTRA = {"es": frozenset("¿¡")}
_ATTRIBUTION = re.compile(r"^\s*(--|—|―)\s*\S")
_FAQ_HEADING = re.compile(r"^\s*\d+(\.\d+)*\.?\s")


@dataclass(frozen=True)
class Source:
    """Where a language's corpus comes from: a Debian package's files."""

    package: str
    pattern: str
    """A glob under the file-system root."""
    kind: str
    """``fortune`` (``%``-separated) or ``paragraphs`` (blank-line separated, may be gzip)."""


_HISTORY_FR = "usr/share/doc/debian-history/docs/project-history.fr.txt.gz"
SOURCES: dict[str, tuple[Source, ...]] = {
    "en": (Source("fortunes", "usr/share/games/fortunes/*.u8", "fortune"),),
    "de": (Source("fortunes-de", "usr/share/games/fortunes/de/*.u8", "fortune"),),
    "es": (Source("fortunes-es", "usr/share/games/fortunes/es/*.u8", "fortune"),),
    "ru": (Source("fortunes-ru", "usr/share/games/fortunes/ru/*.u8", "fortune"),),
    "fr": (
        Source("debian-faq-fr", "usr/share/doc/debian/FAQ/debian-faq.fr.txt.gz", "paragraphs"),
        Source("debian-history", _HISTORY_FR, "paragraphs"),
    ),
}


@dataclass(frozen=True)
class Origin:
    """What :func:`texts` read for a language."""

    lang: str
    source: str
    files: int
    paragraphs: int
    chars: int
    fallback: bool

    def line(self) -> str:
        where = f"FALLBACK to {self.source}" if self.fallback else f"Debian {self.source}"
        return (
            f"{self.lang}: {where}, {self.files} file(s), "
            f"{self.paragraphs:,} paragraphs, {self.chars / 1000:,.0f} kchars"
        )


@cache
def _writable(ch: str, lang: str) -> bool:
    """``ch`` is written (folded if need be) on the language's default board and, for a
    Latin language, on CT-37: the boards the depth benchmarks use."""
    names = [lg.language(lang).default_board] + ([] if lang == "ru" else ["CT-37"])
    try:
        for name in names:
            lg.encode(ch, cb.board(name), lang, lg.Policy.FOLD)
    except CinqError:
        return False
    return True


def _character_ok(ch: str, lang: str) -> bool:
    if ch.isdigit():
        return ch.isascii()
    return ch.isalpha() and _writable(ch, lang)


def clean(paragraph: str, lang: str) -> str | None:
    """``paragraph`` with its white space joined, or None when it is not running text
    in ``lang`` (too few letters, or a character other than a letter the boards write,
    an ASCII digit and ordinary punctuation)."""
    text = " ".join(paragraph.split())
    allowed = _PUNCTUATION | _EXTRA.get(lang, frozenset())
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    if not all(ch in allowed or _character_ok(ch, lang) for ch in text):
        return None
    return text


def fortunes(text: str) -> list[str]:
    """The fortunes of a fortune file (``%`` lines between them), attribution lines
    (``-- Author``) and everything after them removed."""
    out = []
    for block in re.split(r"^%\s*$", text, flags=re.MULTILINE):
        lines = []
        for line in block.splitlines():
            if _ATTRIBUTION.match(line):
                break
            lines.append(line)
        out.append("\n".join(lines))
    return out


def paragraphs(text: str) -> list[str]:
    """Blank-line-separated paragraphs, numbered headings and table-of-contents lines
    left out."""
    blocks = re.split(r"\n\s*\n", text)
    return [b for b in blocks if not _FAQ_HEADING.match(b)]


def _read(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def _files(source: Source, root: Path) -> list[Path]:
    return sorted(p for p in root.glob(source.pattern) if p.is_file())


def _split(source: Source, files: Iterable[Path]) -> list[str]:
    split = fortunes if source.kind == "fortune" else paragraphs
    return [p for f in files for p in split(_read(f))]


@cache
def _corpus(lang: str, root: Path) -> tuple[tuple[str, ...], Origin]:
    found = [(s, _files(s, root)) for s in SOURCES[lang]]
    found = [(s, files) for s, files in found if files]
    raw = [p for s, files in found for p in _split(s, files)]
    kept = tuple(t for t in (clean(p, lang) for p in raw) if t is not None)
    fallback = not kept  # no package, or nothing usable in its files
    if fallback:
        kept = tuple(prose.sentences(lang))
    packages = ", ".join(s.package for s, _ in found) or "none"
    name = f"benchmarks/texts (Debian packages found: {packages})" if fallback else packages
    files = sum(len(f) for _, f in found)
    origin = Origin(lang, name, files, len(kept), sum(map(len, kept)), fallback)
    return kept, origin


def texts(lang: str, root: Path = Path("/")) -> list[str]:
    """Clean paragraphs of real running text in ``lang``, in a fixed order (files by
    name, paragraphs as they come): the same list on every run and machine with the
    same package versions. ``root``: where the file system starts (tests)."""
    return list(_corpus(lang, root)[0])


def origin(lang: str, root: Path = Path("/")) -> Origin:
    """What :func:`texts` read for ``lang``: the package, or the fallback."""
    return _corpus(lang, root)[1]


@dataclass(frozen=True)
class Window:
    """Plaintext digits cut from a passage, and the text they read as on their board."""

    lang: str
    board: str
    first: int
    """Index of the passage's first paragraph in :func:`texts`."""
    paragraphs: int
    """How many paragraphs the passage spans."""
    text: str
    """``digits`` decoded on the board (upper case, folded), up to the last whole code."""
    digits: Digits


def _passage(pool: Sequence[str], first: int, chars: int) -> tuple[str, int]:
    """Paragraphs from ``first`` on (wrapping around) joined until ``chars`` long."""
    parts: list[str] = []
    size = 0
    while size < chars:
        parts.append(pool[(first + len(parts)) % len(pool)])
        size += len(parts[-1]) + 1
    return " ".join(parts), len(parts)


def _decoded(board: Board, digits: Digits) -> str:
    """The text of ``digits`` up to the last whole code (a cut may split the last one)."""
    for end in range(len(digits), max(len(digits) - 40, 0) - 1, -1):
        try:
            return board.decode(digits[:end])
        except CinqError:
            continue
    return ""


def window(lang: str, board: Board, n_digits: int, first: int, root: Path = Path("/")) -> Window:
    """The first ``n_digits`` plaintext digits of the passage that starts at paragraph
    ``first`` of :func:`texts` (``Policy.FOLD`` on ``board``; one character is at least
    one digit, so ``n_digits`` characters are always enough)."""
    pool = texts(lang, root)
    passage, count = _passage(pool, first % len(pool), n_digits)
    digits = lg.encode(passage, board, lang, lg.Policy.FOLD)[:n_digits]
    return Window(lang, board.name, first % len(pool), count, _decoded(board, digits), digits)


def windows(
    lang: str,
    board: Board,
    n_digits: int,
    rng: np.random.Generator,
    count: int = 1,
    root: Path = Path("/"),
) -> list[Window]:
    """``count`` windows of ``n_digits`` from different passages (no paragraph shared
    when the corpus is long enough), at starts drawn from ``rng``: the same windows for
    the same seed."""
    pool = texts(lang, root)
    out: list[Window] = []
    used: set[int] = set()
    for _ in range(count):
        for _attempt in range(20):
            w = window(lang, board, n_digits, int(rng.integers(len(pool))), root)
            span = {(w.first + i) % len(pool) for i in range(w.paragraphs)}
            if not span & used:
                break
        used |= span
        out.append(w)
    return out
