"""Character n-gram language models: the base of cinq's cryptanalysis.

A model gives the probability of each character of a text from the ``order - 1``
characters before it. It is built from the ``wordfreq`` word lists (the 50 000 most
frequent words of the language), so it needs no corpus download:

* **Alphabet**: the letters of the language's default board (26 Latin letters, Ñ for
  Spanish, the 33 Cyrillic letters for Russian), then SPACE (the word boundary), then
  one ``OTHER`` symbol (``"\\x00"``) for every other character: digits, punctuation,
  other scripts. Text is folded as :func:`cinq.language.prepare` folds it for that
  language (French accents stripped, German Ä -> AE, Ñ and Ё kept); other accented
  letters lose their accent; any whitespace is a space.
* **Counts**: every word, framed by spaces (``" WORD "``), counts with its frequency,
  scaled so that the rarest listed word counts 1 (a corpus in which every word of the
  list was seen once). One time in ten (``PUNCTUATION``) a word is followed by OTHER,
  as punctuation would follow it; French elisions, which wordfreq counts apart (``l``),
  are trained as ``L'`` before the frequent words starting with a vowel. Numbers,
  symbols, words in another script and words with two OTHERs in a row are left out:
  OTHER stays rare, so text in another script or a string of OTHER scores below
  random letters (the price: each digit in a text costs about 5 nats).
* **Word boundaries**: words are taken as independent, so what follows a space does
  not depend on what came before it. Contexts are therefore cut at their last space:
  P(c | ``"E TH"``) = P(c | ``" TH"``), which is exact under that assumption and lets
  word-initial statistics use the full order. Scoring starts a text as if after a space.
* **Text without spaces** (``MEETMEATNOON``, usual in ciphers) has its own tables,
  ``solid``: counts inside words are exact, counts across words come from a sample of
  a million words drawn by frequency. A text with no space at all is scored with them
  (after its first ``order - 1`` letters, scored as the start of a word).
* **Smoothing**: interpolated Kneser-Ney (Chen & Goodman 1998) with one discount per
  order, D = n1 / (n1 + 2 n2) from the count-of-counts; the mass taken off a context
  (D per n-gram, less for counts below D) goes to the next lower order. Lower orders
  use continuation counts (how many distinct characters precede an n-gram at least
  once), except n-grams starting at a word start (context begins with a space), which
  serve as full-order estimates and keep raw counts (as SRILM does after ``<s>``). The
  unigram level is interpolated with the uniform distribution: nothing is impossible.

Every conditional log-probability is stored in a dense ``float32`` array (28^4 = 615k
entries for English, 35^4 = 1.5M for Russian): scoring a text is a table lookup to map
characters to codes, vectorised index arithmetic and one gather (1 MB in ~10 ms). A
model is built once (two seconds) and cached in ``$CINQ_CACHE_DIR`` or ``$XDG_CACHE_HOME/cinq`` (by
default ``~/.cache/cinq``) as ``lm-<lang>-<order>-v1.npz``.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import CannotWrite
from ..files import atomic_write
from . import language

OTHER = "\x00"
SPACE = " "
VERSION = 1  # of the cache files: bump when the model changes
WORDS = 50_000
LANGS = ("en", "fr", "de", "es", "ru")

_CODEPOINTS = 0x3000  # characters above this are all OTHER
PUNCTUATION = 0.1  # share of words followed by punctuation, in running text
SAMPLE = 1_000_000  # words of running text drawn for the model without spaces
# Tokens wordfreq splits off an elision (L'ARMEE -> L, ARMEE): trained with their
# apostrophe, before the frequent words that start with a vowel.
_ELISIONS = {
    "fr": frozenset(
        {"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
    ),
}
_LIGATURES = {"Æ": "AE", "Œ": "OE", "ß": "SS", "ẞ": "SS", "Ø": "O", "Ł": "L", "Đ": "D"}


@dataclass(frozen=True)
class LanguageModel:
    """An order-``order`` character model; ``alphabet`` lists the symbols by code."""

    lang: str
    order: int
    alphabet: str  # letters, then SPACE, then OTHER
    # tables[k - 1]: log P(c | k - 1 previous symbols), flat, index = base-V digits.
    tables: tuple[NDArray[np.float32], ...] = field(repr=False, compare=False)
    # The same for text written without spaces (used for a text with no space in it).
    solid: tuple[NDArray[np.float32], ...] = field(default=(), repr=False, compare=False)
    _lookup: NDArray[np.int16] = field(init=False, repr=False, compare=False)
    _expand: dict[str, str] = field(init=False, repr=False, compare=False)
    _expand_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup, expand = _fold_tables(self.lang, self.alphabet)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_expand", expand)
        pattern = "[" + "".join(re.escape(c) for c in sorted(expand)) + "]" if expand else "(?!)"
        object.__setattr__(self, "_expand_re", re.compile(pattern))

    @property
    def size(self) -> int:
        return len(self.alphabet)

    def encode(self, text: str) -> NDArray[np.int16]:
        """Text (any case) -> symbol codes, folded as the module docstring says."""
        s = text.upper() if text.isascii() else unicodedata.normalize("NFC", text.upper())
        if self._expand_re.search(s):
            s = self._expand_re.sub(lambda m: self._expand[m.group()], s)
        cps = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return self._lookup[np.minimum(cps, _CODEPOINTS)]

    def decode(self, codes: NDArray[np.integer[Any]]) -> str:
        """Codes -> text in the canonical alphabet (OTHER shown as ``"\\x00"``)."""
        return "".join(self.alphabet[int(c)] for c in codes)

    def logprobs(self, codes: NDArray[np.integer[Any]]) -> NDArray[np.float64]:
        """The natural-log probability of each symbol.

        The text is taken to start at a word (after a space). A text without any space
        is then scored as text written without spaces (the ``solid`` tables).
        """
        v, n = self.size, self.order
        space = self.alphabet.index(SPACE)
        c = np.concatenate(([space], np.asarray(codes, dtype=np.int64)))
        out = np.empty(len(c) - 1, dtype=np.float64)
        full = max(1, n - 1)  # symbols from c[full] on have a whole context
        for i in range(1, min(full, len(c))):  # symbol i: context c[:i], order i + 1
            out[i - 1] = self.tables[i][int(np.ravel_multi_index(c[: i + 1], (v,) * (i + 1)))]
        if len(c) > full:
            s0 = full - n + 1  # the window of symbol i is c[i - n + 1 : i + 1]
            count = len(c) - full
            idx = c[s0 : s0 + count].copy()
            for j in range(1, n):
                idx *= v
                idx += c[s0 + j : s0 + j + count]
            solid = self.solid and not (c[1:] == space).any()
            out[full - 1 :] = (self.solid if solid else self.tables)[n - 1][idx]
        return out

    def logprob_codes(self, codes: NDArray[np.integer[Any]]) -> float:
        return float(self.logprobs(codes).sum())

    def logprob(self, text: str) -> float:
        """Total natural-log probability of ``text``."""
        return self.logprob_codes(self.encode(text))

    def score(self, text: str) -> float:
        """Mean log-probability per character (NaN for an empty text): the main API."""
        codes = self.encode(text)
        return self.logprob_codes(codes) / len(codes) if len(codes) else float("nan")

    def scores(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """:meth:`score` of many texts.

        The texts with a space are joined with spaces and scored in one pass: contexts
        are cut at spaces, so this gives exactly their scores one by one.
        """
        out = np.full(len(texts), np.nan)
        parts = [self.encode(t) for t in texts]
        space = self.alphabet.index(SPACE)
        has_space = [bool((c == space).any()) for c in parts]
        spaced = [i for i, yes in enumerate(has_space) if yes]
        for i, c in enumerate(parts):
            if len(c) and not has_space[i]:
                out[i] = self.logprob_codes(c) / len(c)
        if spaced:
            sep = np.array([space], dtype=np.int16)
            lp = self.logprobs(np.concatenate([x for i in spaced for x in (parts[i], sep)]))
            lengths = np.array([len(parts[i]) for i in spaced])
            starts = np.r_[0, np.cumsum(lengths + 1)[:-1]]
            lp[starts + lengths] = 0.0  # the joining spaces
            out[spaced] = np.add.reduceat(lp, starts) / lengths
        return out


def alphabet_of(lang: str) -> str:
    """The letters of ``lang``'s default board in alphabetical order, SPACE, OTHER."""
    chars = language(lang).board.characters
    letters = sorted((c for c in chars if c.isalpha()), key=lambda c: (_base(c), c != _base(c)))
    return "".join(letters) + SPACE + OTHER


def _base(c: str) -> str:
    return unicodedata.normalize("NFD", c)[0]


@cache
def _fold_tables(lang: str, alphabet: str) -> tuple[NDArray[np.int16], dict[str, str]]:
    """A code for each code point < ``_CODEPOINTS`` (+ OTHER), and multi-letter folds."""
    folds = language(lang).folds
    letters = set(alphabet[:-2])
    other = len(alphabet) - 1
    lookup = np.full(_CODEPOINTS + 1, other, dtype=np.int16)
    expand: dict[str, str] = {}
    for cp in range(_CODEPOINTS):
        ch = chr(cp)
        if ch.isspace():
            rep = SPACE
        elif ch in letters:
            rep = ch
        else:
            cands = [*folds.get(ch, ()), _LIGATURES.get(ch, ""), _base(ch).upper()]
            rep = next((r for r in cands if r and set(r) <= letters), OTHER)
        if len(rep) == 1:
            lookup[cp] = alphabet.index(rep)
        else:
            expand[ch] = rep
    return lookup, expand


# -- building --------------------------------------------------------------------------


def _words(lang: str, probe: LanguageModel) -> dict[str, float]:
    """The usable words of the list and their counts (the rarest counts 1)."""
    import wordfreq

    freqs = wordfreq.get_frequency_dict(lang)
    other = probe.size - 1

    def usable(w: str) -> bool:
        # Numbers, symbols and words in another script (Latin words in the Russian
        # list) would teach the model that OTHER is common, so that text in another
        # script or strings of OTHER would score well. DON'T, CO2 are kept.
        odd = probe.encode(w) == other
        return freqs.get(w, 0.0) > 0 and odd.mean() < 0.5 and not (odd[1:] & odd[:-1]).any()

    words = [w for w in wordfreq.top_n_list(lang, WORDS) if usable(w)]
    least = min(freqs[w] for w in words)
    return {w: freqs[w] / least for w in words}


def _spaced_text(
    lang: str, probe: LanguageModel, words: dict[str, float]
) -> tuple[list[str], list[float]]:
    """Pieces of text framed by spaces (``" word "``) and their counts."""
    elided = _ELISIONS.get(lang, frozenset())
    after = [w for w in list(words)[:2000] if w[0] in "aeiouyhéèêâîô" and w not in elided]
    after_total = sum(words[w] for w in after)
    pieces: list[str] = []
    counts: list[float] = []
    for w, f in words.items():
        if w in elided:  # wordfreq counts the L of L'ARMEE apart, without its apostrophe
            pieces += [f" {w}'{x} " for x in after]
            counts += [f * words[x] / after_total for x in after]
        elif probe.encode(w[-1])[-1] == probe.size - 1:  # CO2: no punctuation after it
            pieces.append(f" {w} ")
            counts.append(f)
        else:  # "." stands for any punctuation after a word
            pieces += [f" {w} ", f" {w}. "]
            counts += [f * (1 - PUNCTUATION), f * PUNCTUATION]
    return pieces, counts


def _ngrams(
    seq: NDArray[np.int64],
    wid: NDArray[np.int64],
    wt: NDArray[np.float64],
    v: int,
    n: int,
    across: bool = False,
) -> list[NDArray[np.float64]]:
    """Weighted counts of the k-grams (k = 1..n) of ``seq`` inside one piece each
    (``wid`` numbers the pieces; ``wt`` weighs each symbol's piece), or only of those
    ``across`` pieces."""
    counts: list[NDArray[np.float64]] = []
    for k in range(1, n + 1):
        m = len(seq) - k + 1
        keep = (wid[:m] == wid[k - 1 :]) != across
        idx = np.zeros(m, dtype=np.int64)
        for j in range(k):
            idx = idx * v + seq[j : j + m]
        counts.append(np.bincount(idx[keep], weights=wt[:m][keep], minlength=v**k).astype(float))
    return counts


def _pieces(probe: LanguageModel, pieces: list[str]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The codes of the pieces one after another, and each code's piece number."""
    codes = [probe.encode(p) for p in pieces]
    wid = np.repeat(np.arange(len(codes)), [len(c) for c in codes])
    return np.concatenate(codes).astype(np.int64), wid


def _spaced_counts(
    lang: str, probe: LanguageModel, words: dict[str, float], n: int
) -> list[NDArray[np.float64]]:
    pieces, counts = _spaced_text(lang, probe, words)
    seq, wid = _pieces(probe, pieces)
    return _ngrams(seq, wid, np.asarray(counts)[wid], probe.size, n)


def _solid_counts(
    probe: LanguageModel, words: dict[str, float], n: int
) -> list[NDArray[np.float64]]:
    """Counts for running text without spaces: exact inside words, sampled across."""
    seq, wid = _pieces(probe, list(words))
    f = np.array(list(words.values()))
    counts = _ngrams(seq, wid, f[wid], probe.size, n)
    # Across words: a sample of running text, words drawn by frequency (deterministic).
    starts = np.r_[0, np.cumsum(np.bincount(wid))]
    drawn = np.random.default_rng(0).choice(len(f), SAMPLE, p=f / f.sum())
    lengths = starts[drawn + 1] - starts[drawn]
    at = np.repeat(starts[drawn] - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    sample = seq[at + np.arange(len(at))]
    wid = np.repeat(np.arange(SAMPLE), lengths)
    scale = np.full(len(sample), f.sum() / SAMPLE)
    across = _ngrams(sample, wid, scale, probe.size, n, across=True)
    return [a + b for a, b in zip(counts, across, strict=True)]


def _discount(c: NDArray[np.float64]) -> float:
    r = np.rint(c[c > 0])
    n1, n2 = np.count_nonzero(r == 1), np.count_nonzero(r == 2)
    return float(np.clip(n1 / (n1 + 2 * n2), 0.1, 0.9)) if n1 + n2 else 0.75


def _kneser_ney(
    raw: list[NDArray[np.float64]], v: int, sp: int | None
) -> tuple[NDArray[np.float32], ...]:
    """Log-probability tables from raw counts; ``sp``: the space, if words are framed."""
    n = len(raw)
    probs: list[NDArray[np.float64]] = []
    for k in range(1, n + 1):
        if k == n:
            c = raw[k - 1]
        else:  # continuation counts, except after a word start (context starts " ")
            c = (raw[k].reshape(v, -1) >= 1).sum(axis=0).astype(np.float64)
            if k > 1 and sp is not None:
                start = sp * v ** (k - 1)
                c[start : start + v ** (k - 1)] = raw[k - 1][start : start + v ** (k - 1)]
        c = c.reshape(-1, v)
        d = _discount(c)
        total = c.sum(axis=1, keepdims=True)
        # The mass taken off is what goes to the lower order (D per seen n-gram, less
        # for the fractional counts below D).
        taken = np.minimum(c, d)
        lower = np.full((1, v), 1.0 / v) if k == 1 else np.tile(probs[-1].reshape(-1, v), (v, 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            p = (c - taken) / total + taken.sum(axis=1, keepdims=True) / total * lower
        p = np.where(total > 0, p, lower).reshape((v,) * k)
        if sp is not None:  # P(c | ..X␣YZ) := P(c | ␣YZ); the rightmost space wins
            for j in range(1, k - 1):
                p[(slice(None),) * j + (sp,)] = probs[k - j - 1][sp]
        probs.append(p)
    return tuple(np.log(p).astype(np.float32).ravel() for p in probs)


def build(lang: str, order: int = 4) -> LanguageModel:
    """Build a model from the word lists (no cache): interpolated Kneser-Ney."""
    if order < 1:
        raise ValueError("order must be >= 1")
    alphabet = alphabet_of(lang)
    v, sp = len(alphabet), len(alphabet) - 2
    probe = LanguageModel(lang, 1, alphabet, ())
    words = _words(lang, probe)
    tables = _kneser_ney(_spaced_counts(lang, probe, words, order), v, sp)
    solid = _kneser_ney(_solid_counts(probe, words, order), v, None)
    return LanguageModel(lang, order, alphabet, tables, solid)


# -- the cache -------------------------------------------------------------------------


def cache_dir() -> Path:
    if d := os.environ.get("CINQ_CACHE_DIR"):
        return Path(d)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cinq"


def cache_path(lang: str, order: int = 4) -> Path:
    return cache_dir() / f"lm-{lang}-{order}-v{VERSION}.npz"


def load_or_build(lang: str, order: int = 4) -> LanguageModel:
    """The cached model, or build it and write the cache (a bad cache file is rebuilt)."""
    path = cache_path(lang, order)
    try:
        with np.load(path) as z:
            alphabet = "".join(map(chr, z["alphabet"].tolist()))
            tables, solid = (
                tuple(z[f"{x}{k}"].astype(np.float32) for k in range(1, order + 1)) for x in "ts"
            )
        sizes = [len(alphabet) ** k for k in range(1, order + 1)]
        if alphabet == alphabet_of(lang) and [t.size for t in tables + solid] == sizes * 2:
            return LanguageModel(lang, order, alphabet, tables, solid)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass  # missing, damaged or from another version: rebuilt below
    m = build(lang, order)
    arrays: dict[str, Any] = {f"t{k + 1}": t for k, t in enumerate(m.tables)}
    arrays |= {f"s{k + 1}": t for k, t in enumerate(m.solid)}
    arrays["alphabet"] = np.array([ord(c) for c in m.alphabet])
    data = io.BytesIO()
    np.savez(data, **arrays)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data.getvalue(), mode=0o600)  # a reader never sees half a file
    except (OSError, CannotWrite):
        pass  # a read-only cache only costs a rebuild next time
    return m


@cache
def model(lang: str, order: int = 4) -> LanguageModel:
    """The ``order``-gram model of ``lang`` (``en fr de es ru``), cached."""
    return load_or_build(language(lang).code, order)


def identify(text: str, langs: Sequence[str] = LANGS) -> list[tuple[str, float]]:
    """Languages, most likely first, with the per-character score of ``text``."""
    scored = [(lang, model(lang).score(text)) for lang in langs]
    return sorted(scored, key=lambda x: -x[1] if x[1] == x[1] else np.inf)


def random_text_score(lang: str, order: int = 4) -> float:
    """Expected :meth:`~LanguageModel.score` of uniformly random letters and spaces.

    The mean of the order-``order`` table over contexts and next symbols drawn from the
    letters and SPACE (OTHER left out): a baseline for "this is not language".
    """
    m = model(lang, order)
    v = m.size
    t = m.tables[-1].reshape((v,) * order)[(slice(0, v - 1),) * order]
    return float(t.mean(dtype=np.float64))
