"""Triage: what is this document, are its groups random, can it be read?

The answer comes with its evidence and never invents a plaintext: a reading is offered
only when a language model says it is language (checkerboard plaintext, a book cipher
on the cover) or when the user's own pad book decrypts it.

A copy with unreadable digits (``?``) is analysed on the digits that could be read: the
randomness tests see the known digits only, the structure detectors skip what they
cannot judge, and a pad book gives an unverified reading with the undecided characters
marked (:mod:`cinq.partial`). Work is bounded: at most :data:`MAX_GROUPS` groups of a
document are analysed (the verdict says so when there were more) and :func:`depths`
compares at most :data:`MAX_MESSAGES` messages.

Copies of one message (the same broadcast logged twice, or copied by two monitors, with
a few digits miscopied or unreadable) are :class:`Copies`, never a :class:`Depth`: one
message heard twice is not one pad used twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

import numpy as np
from scipy import stats

from .. import digits as dg
from ..book import PadBook
from ..document import UNKNOWN, Document
from ..errors import BadInput, CinqError
from ..language import LANGUAGES
from ..language.model import identify, model
from . import randomness, structure
from .plaintext import THRESHOLD, BoardHit, KeyedHint, board_readings, keyed_hint


class Kind(StrEnum):
    """What triage says a document is (a string in JSON, e.g. ``"otp"``)."""

    OTP = "otp"
    """Consistent with one-time-pad ciphertext: unreadable without the pad."""
    NOT_RANDOM = "not-random"
    """Digits that are not uniform random: a person, a weak generator or a code."""
    CHECK_DIGITS = "check-digits"
    """Numbers carrying check digits, not ciphertext."""
    BOOK_CIPHER = "book-cipher"
    """A book cipher on the cover text, read."""
    CHECKERBOARD = "checkerboard"
    """Checkerboard plaintext without a pad, read."""
    DECRYPTED = "decrypted"
    """Read with the user's pad book."""
    UNREADABLE = "unreadable"
    """No digit of the copy could be read."""


class Evidence(NamedTuple):
    """One line of evidence: what was looked at, and what was found."""

    what: str
    finding: str


class BookCipherReading(NamedTuple):
    """A book-cipher scheme whose reading of the cover text is language."""

    finding: structure.Finding
    lang: str
    score: float  # mean log-probability per character under the language model

    def to_json(self) -> dict[str, object]:
        """The scheme, language, score (to 3 decimals) and the text it reads."""
        return {
            "scheme": self.finding.name,
            "lang": self.lang,
            "score": round(self.score, 3),
            "text": self.finding.text,
        }


@dataclass(frozen=True)
class PadReading:
    """What the user's pad book made of the message: its text (None when the book
    does not read it) and a note saying which page, verified or not, or why not."""

    text: str | None
    note: str


@dataclass(frozen=True)
class Triage:
    """Everything triage found, and its verdict in plain language."""

    groups: tuple[str, ...]
    cover: str | None
    cover_language: str | None
    signature: str | None
    other_numbers: list[str]
    tests: list[randomness.Test]
    random: randomness.Verdict
    findings: list[structure.Finding]
    boards: list[BoardHit]
    keyed: KeyedHint | None
    book_cipher: list[BookCipherReading]
    unknown_digits: int = 0  # "?" among the analysed groups
    total_groups: int = 0  # groups in the document (more than analysed when truncated)
    decrypted: str | None = None
    decrypt_note: str | None = None
    kind: Kind = Kind.OTP
    verdict: str = ""
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Everything found, the verdict and its evidence, as a JSON-ready dict."""
        return {
            "kind": self.kind.value,
            "verdict": self.verdict,
            "groups": list(self.groups),
            "digits": 5 * len(self.groups),
            "unknown_digits": self.unknown_digits,
            "groups_in_document": self.total_groups,
            "truncated": self.total_groups > len(self.groups),
            "cover_language": self.cover_language,
            "signature": self.signature,
            "other_numbers": self.other_numbers,
            "randomness": [t.to_json() for t in self.tests],
            "random_verdict": self.random.summary,
            "structure": [f.to_json() for f in self.findings],
            "checkerboard": [h.to_json() for h in self.boards],
            "keyed_hint": None if self.keyed is None else self.keyed.to_json(),
            "book_cipher": [b.to_json() for b in self.book_cipher],
            "decrypted": self.decrypted,
            "decrypt_note": self.decrypt_note,
            "evidence": [e._asdict() for e in self.evidence],
        }


def triage(text: str | Document, *, book: PadBook | None = None) -> Triage:
    """Split the document, test its groups, look for structure and plaintext, verdict."""
    if isinstance(text, str) and len(text) > MAX_CHARS:  # before parsing it
        raise BadInput(
            f"the document has {len(text):,} characters; triage reads at most {MAX_CHARS:,}"
        )
    doc = Document.parse(text) if isinstance(text, str) else text
    groups = doc.groups[:MAX_GROUPS]  # bounded work; the verdict says when there were more
    digits = known_digits(groups)
    tests = randomness.run_all(digits)
    verdict = randomness.verdict(tests)
    findings = structure.all_findings(groups, doc.cover)
    cover_lang = identify(doc.cover)[0][0] if doc.cover and len(doc.cover) >= 20 else None
    t = Triage(
        groups=groups,
        cover=doc.cover,
        cover_language=cover_lang,
        signature=doc.signature,
        other_numbers=_other_numbers(doc),
        tests=tests,
        random=verdict,
        findings=findings,
        boards=board_readings(digits),
        keyed=keyed_hint(digits),
        book_cipher=_book_cipher(findings),
        unknown_digits=sum(g.count(UNKNOWN) for g in groups),
        total_groups=len(doc.groups),
    )
    if book is not None:
        reading = read_with(doc, book)
        t = replace(t, decrypted=reading.text, decrypt_note=reading.note)
    return _concluded(t)


def _book_cipher(findings: Sequence[structure.Finding]) -> list[BookCipherReading]:
    """The schemes whose candidate plaintext reads as a language."""
    found = []
    for f in findings:
        if f.found and f.text:
            lang, score = max(((lg, model(lg).score(f.text)) for lg in _LANGS), key=lambda x: x[1])
            if score > THRESHOLD:
                found.append(BookCipherReading(f, lang, score))
    return found


_LANGS = ("en", "fr", "de", "es", "ru")

MAX_GROUPS = 20_000
"""The most groups of one document triage analyses (100,000 digits, about two seconds);
a longer document is analysed on its first ``MAX_GROUPS`` groups, and says so."""

MAX_CHARS = 16 * 2**20
"""The longest text triage parses (the CLI's limit for a document, 16 MiB)."""

MAX_MESSAGES = 1_000
"""The most messages :func:`depths` and :func:`copies` compare (half a million pairs)."""


def known_digits(groups: Sequence[str]) -> dg.Digits:
    """The digits of ``groups`` that could be read, in order (each ``?`` left out)."""
    return dg.from_str("".join(groups).replace(UNKNOWN, ""))


def _other_numbers(doc: Document) -> list[str]:
    text = "\n".join(x for x in (doc.cover, doc.trailer) if x)
    return re.findall(r"(?<![\w.])\d[\d.,:/-]*\d|(?<![\w.])\d(?![\w])", text)


def read_with(doc: Document, book: PadBook) -> PadReading:
    """The message read with the user's pad book, as far as it reads.

    A copy with ``?`` cannot be verified: it is read unverified, the undecided
    characters marked. A book that does not read it at all gives no text and a note
    saying why (never an exception).
    """
    from .. import procedure

    try:
        got = procedure.decrypt(doc, book, unverified=bool(doc.unreadable))
    except CinqError as e:
        return PadReading(None, f"the book does not read it: {e.message}")
    note = f"page {got.page_ids[0]} of book {book.name}; " + (
        f"NOT verified: {got.unknown_digits} unreadable digits, \ufffd marks what they hide"
        if got.unknown_digits
        else "check groups verified"
    )
    return PadReading(got.text, note)


def _size_evidence(t: Triage) -> list[Evidence]:
    """How many groups, how many unreadable digits, and whether the bound cut it short."""
    n = len(t.groups)
    unknown = f", {t.unknown_digits} unreadable" if t.unknown_digits else ""
    ev = [Evidence("groups", f"{n} groups ({5 * n} digits{unknown})")]
    if t.total_groups > n:
        ev.append(Evidence("bound", f"only the first {n} of {t.total_groups} groups were analysed"))
    return ev


def _checks(t: Triage) -> list[structure.Finding]:
    """The check-digit schemes found."""
    return [f for f in t.findings if f.found and "check" in f.name.lower()]


def _board_hit(t: Triage) -> BoardHit | None:
    """The checkerboard reading that is language, if the best one is."""
    return t.boards[0] if t.boards and t.boards[0].found else None


def _randomness_evidence(t: Triage) -> Evidence:
    freq = next((x for x in t.tests if x.name == "digit frequency"), None)
    if t.unknown_digits == 5 * len(t.groups):
        return Evidence("randomness", "no digit to test")
    if t.random.uniform:
        p = f" (chi-square p = {freq.p_value:.2g})" if freq and np.isfinite(freq.p_value) else ""
        return Evidence("randomness", f"digits consistent with uniform random{p}")
    return Evidence("randomness", t.random.summary)


def _evidence(t: Triage) -> list[Evidence]:
    """Every line of evidence, in the order the verdict gives them."""
    ev = _size_evidence(t)
    if t.cover_language:
        ev.append(Evidence("cover text", f"cover text in {LANGUAGES[t.cover_language].name}"))
    ev.append(_randomness_evidence(t))
    checks = _checks(t)
    ev.append(Evidence("check digits", checks[0].detail if checks else "no check-digit scheme"))
    ev.append(Evidence(
        "book cipher",
        f"{t.book_cipher[0].finding.name}: reads as {t.book_cipher[0].lang}"
        if t.book_cipher else "not a book cipher on the cover text" if t.cover else "no cover text",
    ))  # fmt: skip
    hit = _board_hit(t)
    ev.append(Evidence(
        "checkerboard",
        f"{hit.board} in {hit.lang} (score {hit.score:.2f}/char)" if hit
        else "no checkerboard plaintext",
    ))  # fmt: skip
    ev += [
        Evidence(f.name, f.detail) for f in t.findings if f.found and f not in checks and not f.text
    ]
    if t.decrypt_note:
        ev.append(Evidence("pad book", t.decrypt_note))
    return ev


def _concluded(t: Triage) -> Triage:
    """``t`` with its evidence, its kind and the verdict that sums them up."""
    evidence = tuple(_evidence(t))
    head = "; ".join(e.finding for e in evidence)
    kind, tail = _kind(t)
    return replace(t, evidence=evidence, kind=kind, verdict=head + tail)


def _kind(t: Triage) -> tuple[Kind, str]:
    """What the document is, and the end of the verdict that says so (after the
    evidence)."""
    hit = _board_hit(t)
    if t.unknown_digits == 5 * len(t.groups):  # "?????" only: the tests saw no digit
        return Kind.UNREADABLE, ". No digit of the copy could be read: nothing to judge."
    if t.decrypted is not None:
        return Kind.DECRYPTED, f". Read with your pad book: {t.decrypted!r}"
    if hit:
        return Kind.CHECKERBOARD, f". Checkerboard plaintext without a pad: {_excerpt(hit.text)!r}"
    if t.book_cipher:
        b = t.book_cipher[0]
        return Kind.BOOK_CIPHER, (
            f". A book cipher on the cover text ({b.finding.name}), in {b.lang}: "
            + repr(_excerpt(b.finding.text or ""))
        )
    if _checks(t):
        return Kind.CHECK_DIGITS, ". Numbers carrying check digits, not ciphertext."
    if not t.random.uniform:
        return Kind.NOT_RANDOM, (
            ". The digits are not uniform random: made by a person or a weak "
            "generator, or a structured code; not one-time-pad ciphertext from a good pad."
        )
    return Kind.OTP, "; consistent with one-time-pad ciphertext: unreadable without the pad."


def _excerpt(text: str, n: int = 80) -> str:
    clean = text.replace("\x00", "·")
    return clean if len(clean) <= n else clean[:n] + "…"


# -- several messages: copies and depth ----------------------------------------------


@dataclass(frozen=True)
class Copies:
    """Two messages that are copies of one message: they agree on all but
    ``differing`` of the ``compared`` digits both could read (a few miscopied, the
    rest the same); ``shorter`` groups are missing from one of them."""

    first: int
    second: int
    compared: int
    differing: int
    shorter: int = 0

    def to_json(self, ids: Sequence[int] | None = None) -> dict[str, object]:
        """The pair as a JSON-ready dict; ``ids`` names the messages (an intercept
        log's ids, by position), else their positions are given."""
        return {
            "first": _named(self.first, ids),
            "second": _named(self.second, ids),
            "compared": self.compared,
            "differing": self.differing,
            "groups_missing": self.shorter,
        }


@dataclass(frozen=True)
class Depth:
    """Two messages that look enciphered on the same pad digits."""

    first: int
    second: int
    overlap: int
    coincidences: int
    p_value: float
    reason: str

    def to_json(self, ids: Sequence[int] | None = None) -> dict[str, object]:
        """The pair as a JSON-ready dict; ``ids`` names the messages (an intercept
        log's ids, by position), else their positions are given."""
        return {
            "first": _named(self.first, ids),
            "second": _named(self.second, ids),
            "reason": self.reason,
            "coincidences": self.coincidences,
            "overlap": self.overlap,
            "p": self.p_value,
        }


def _named(index: int, ids: Sequence[int] | None) -> int:
    return index if ids is None else ids[index]


COPY_AGREEMENT = 0.9
"""Digits two copies of one message share at least (of those both could read). Two
messages enciphered on one pad (a depth) agree only as often as their plaintexts'
digits do, far less; independent pads agree on 1 digit in 10."""


@dataclass(frozen=True)
class _Pairs:
    """For every pair (i < j) of messages: digits both could read, and how many of those
    are equal, from the start (``*_all``) and after the indicators (``*_body``)."""

    lengths: np.ndarray  # digits of each message
    both_all: np.ndarray
    same_all: np.ndarray
    both_body: np.ndarray
    same_body: np.ndarray


def _pairs(messages: Sequence[Sequence[str]]) -> _Pairs:
    """Every pair compared at once, row by row (NumPy); refused over the bound first."""
    if len(messages) > MAX_MESSAGES:
        raise BadInput(
            f"{len(messages)} messages: copies and depths are looked for among at most "
            f"{MAX_MESSAGES} (half a million pairs); triage fewer at a time"
        )
    texts = ["".join(m)[: 5 * MAX_GROUPS] for m in messages]
    m, width = len(texts), max((len(t) for t in texts), default=0)
    digits = np.zeros((m, width), dtype=np.uint8)
    known = np.zeros((m, width), dtype=np.bool_)  # False past a message's end too
    for r, text in enumerate(texts):
        digits[r, : len(text)] = dg.from_str(text.replace(UNKNOWN, "0"))
        known[r, : len(text)] = np.frombuffer(text.encode(), dtype=np.uint8) != ord(UNKNOWN)
    counts = [np.zeros((m, m), dtype=np.int64) for _ in range(4)]
    for i in range(m):
        both = known[i] & known[i + 1 :]
        same = (digits[i] == digits[i + 1 :]) & both
        for out, x, start in zip(counts, (both, same, both, same), (0, 0, 5, 5), strict=True):
            out[i, i + 1 :] = x[:, start:].sum(axis=1)
    return _Pairs(np.array([len(t) for t in texts]), *counts)


def _copy_matrix(pairs: _Pairs) -> np.ndarray:
    """True at (i, j), i < j, where messages i and j are copies of one message."""
    both, same = pairs.both_all, pairs.same_all
    return (both > 0) & (same >= COPY_AGREEMENT * both)


def copies(messages: Sequence[Sequence[str]]) -> list[Copies]:
    """Pairs of messages that are copies of one message (see :class:`Copies`)."""
    pairs = _pairs(messages)
    found = []
    for i, j in zip(*np.nonzero(_copy_matrix(pairs)), strict=True):
        compared, same = int(pairs.both_all[i, j]), int(pairs.same_all[i, j])
        shorter = abs(int(pairs.lengths[i]) - int(pairs.lengths[j])) // dg.GROUP
        found.append(Copies(int(i), int(j), compared, compared - same, shorter))
    return found


def copy_sets(found: Sequence[Copies]) -> list[tuple[int, ...]]:
    """The messages that are copies of one message, as sets: pairs that share a message
    are joined ("messages 1, 4 and 9 are 3 copies"), each set sorted, sets by their
    first message."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i

    for c in found:
        a, b = root(c.first), root(c.second)
        parent[max(a, b)] = min(a, b)
    sets: dict[int, list[int]] = {}
    for i in parent:
        sets.setdefault(root(i), []).append(i)
    return sorted(tuple(sorted(members)) for members in sets.values())


def depths(messages: Sequence[Sequence[str]], alpha: float = 1e-3) -> list[Depth]:
    """Pairs of messages in depth (one pad used twice); copies of one message are not.

    Two signs: the same indicator (the same page named twice: the classic mistake), or
    cipher streams that agree digit for digit more often than the 1 in 10 of independent
    pads (with one pad the key cancels and they agree as often as the plaintexts do;
    strong for boards with skewed digits, weak for CT-55). Messages are aligned after
    their indicators and compared on the digits both could read; ``alpha`` is shared
    among all the pairs (Bonferroni). Pairs that agree on nearly every digit are
    :func:`copies`, not depths."""
    pairs = _pairs(messages)
    m = len(messages)
    alpha /= max(m * (m - 1) // 2, 1)
    n, k = pairs.both_body, pairs.same_body
    # The binomial tail only where the agreement could be significant (it is slow).
    likely = (n >= 20) & (k > 0.1 * n + 3 * np.sqrt(0.09 * n))
    heads = np.array([msg[0] if msg else "" for msg in messages], dtype=object)
    same_head = (heads[:, None] == heads[None, :]) & (heads[:, None] != "")
    upper = np.triu(np.ones((m, m), dtype=np.bool_), 1)
    candidates = (likely | same_head) & upper & ~_copy_matrix(pairs)
    found = []
    for i, j in zip(*np.nonzero(candidates), strict=True):
        nn, kk = int(n[i, j]), int(k[i, j])
        p = float(stats.binom.sf(kk - 1, nn, 0.1)) if likely[i, j] else 1.0
        if same_head[i, j]:
            found.append(Depth(int(i), int(j), nn, kk, p, f"same indicator {heads[i]}"))
        elif p < alpha:
            found.append(
                Depth(int(i), int(j), nn, kk, p, f"{kk} of {nn} digits agree (1 in 10 expected)")
            )
    return found
