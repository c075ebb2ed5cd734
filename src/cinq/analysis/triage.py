"""Triage: what is this document, are its groups random, can it be read?

The answer comes with its evidence and never invents a plaintext: a reading is offered
only when a language model says it is language (checkerboard plaintext, a book cipher
on the cover) or when the user's own pad book decrypts it.

A copy with unreadable digits (``?``) is analysed on the digits that could be read: the
randomness tests see the known digits only, the checkerboard readings read the stretches
between unreadable digits apart (never gluing digits across a gap), the structure
detectors skip what they cannot judge, and a pad book gives an unverified reading with
the undecided characters marked (:mod:`cinq.partial`). Work is bounded: at most
:data:`MAX_GROUPS` groups of a document are analysed (the verdict says so when there
were more).

:func:`triage` gathers the findings into a frozen :class:`Triage`; its verdict (kind,
evidence, words) is :func:`conclude`, a pure function of those findings. Several
messages together (copies, depths) are :mod:`cinq.depth`'s work, and a whole intercept
log's triage is :mod:`.logtriage`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import numpy as np

from .. import digits as dg
from ..book import PadBook
from ..depth.stream import stream
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
class Conclusion:
    """What the findings add up to: the kind, each line of evidence, and the verdict in
    plain language (the evidence in order, then what it means)."""

    kind: Kind
    evidence: tuple[Evidence, ...]
    verdict: str


@dataclass(frozen=True)
class Triage:
    """Everything triage found; :attr:`conclusion` (kind, evidence, verdict) is computed
    from it by :func:`conclude`."""

    groups: tuple[str, ...]
    cover: str | None
    cover_language: str | None
    signature: str | None
    other_numbers: tuple[str, ...]
    tests: tuple[randomness.Test, ...]
    random: randomness.Verdict
    findings: tuple[structure.Finding, ...]
    boards: tuple[BoardHit, ...]
    keyed: KeyedHint | None
    book_cipher: tuple[BookCipherReading, ...]
    unknown_digits: int  # "?" among the analysed groups
    total_groups: int  # groups in the document (more than analysed when truncated)
    pad: PadReading | None = None  # what the user's pad book made of it, when given

    @property
    def conclusion(self) -> Conclusion:
        """:func:`conclude` of these findings."""
        return conclude(self)

    @property
    def kind(self) -> Kind:
        """What the document is."""
        return self.conclusion.kind

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Each line of evidence, in the order the verdict gives them."""
        return self.conclusion.evidence

    @property
    def verdict(self) -> str:
        """The verdict in plain language."""
        return self.conclusion.verdict

    @property
    def decrypted(self) -> str | None:
        """The pad book's reading, if it read the message."""
        return None if self.pad is None else self.pad.text

    @property
    def decrypt_note(self) -> str | None:
        """Which page read it, verified or not, or why the book did not."""
        return None if self.pad is None else self.pad.note

    def to_json(self) -> dict[str, object]:
        """Everything found, the verdict and its evidence, as a JSON-ready dict."""
        c = self.conclusion
        return {
            "kind": c.kind.value,
            "verdict": c.verdict,
            "groups": list(self.groups),
            "digits": 5 * len(self.groups),
            "unknown_digits": self.unknown_digits,
            "groups_in_document": self.total_groups,
            "truncated": self.total_groups > len(self.groups),
            "cover_language": self.cover_language,
            "signature": self.signature,
            "other_numbers": list(self.other_numbers),
            "randomness": [t.to_json() for t in self.tests],
            "random_verdict": self.random.summary,
            "structure": [f.to_json() for f in self.findings],
            "checkerboard": [h.to_json() for h in self.boards],
            "keyed_hint": None if self.keyed is None else self.keyed.to_json(),
            "book_cipher": [b.to_json() for b in self.book_cipher],
            "decrypted": self.decrypted,
            "decrypt_note": self.decrypt_note,
            "evidence": [e._asdict() for e in c.evidence],
        }


def triage(text: str | Document, *, book: PadBook | None = None) -> Triage:
    """Split the document, test its groups, look for structure and plaintext, verdict."""
    if isinstance(text, str) and len(text) > MAX_CHARS:  # before parsing it
        raise BadInput(
            f"the document has {len(text):,} characters; triage reads at most {MAX_CHARS:,}"
        )
    doc = Document.parse(text) if isinstance(text, str) else text
    groups = doc.groups[:MAX_GROUPS]  # bounded work; the verdict says when there were more
    tests = tuple(randomness.run_all(known_digits(groups)))
    findings = tuple(structure.all_findings(groups, doc.cover))
    # The readings see each "?" in its place: digits are never glued across a gap.
    digits = stream(groups, checked=False)
    return Triage(
        groups=groups,
        cover=doc.cover,
        cover_language=_cover_language(doc.cover),
        signature=doc.signature,
        other_numbers=_other_numbers(doc),
        tests=tests,
        random=randomness.verdict(list(tests)),
        findings=findings,
        boards=tuple(board_readings(digits)),
        keyed=keyed_hint(digits),
        book_cipher=_book_cipher(findings),
        unknown_digits=sum(g.count(UNKNOWN) for g in groups),
        total_groups=len(doc.groups),
        pad=None if book is None else read_with(doc, book),
    )


def _cover_language(cover: str | None) -> str | None:
    """The language of a cover text long enough to tell."""
    return identify(cover)[0][0] if cover and len(cover) >= 20 else None


def _book_cipher(findings: Sequence[structure.Finding]) -> tuple[BookCipherReading, ...]:
    """The schemes whose candidate plaintext reads as a language."""
    found = []
    for f in findings:
        if f.found and f.text:
            lang, score = max(((lg, model(lg).score(f.text)) for lg in _LANGS), key=lambda x: x[1])
            if score > THRESHOLD:
                found.append(BookCipherReading(f, lang, score))
    return tuple(found)


_LANGS = ("en", "fr", "de", "es", "ru")

MAX_GROUPS = 20_000
"""The most groups of one document triage analyses (100,000 digits, about two seconds);
a longer document is analysed on its first ``MAX_GROUPS`` groups, and says so."""

MAX_CHARS = 16 * 2**20
"""The longest text triage parses (the CLI's limit for a document, 16 MiB)."""


def known_digits(groups: Sequence[str]) -> dg.Digits:
    """The digits of ``groups`` that could be read, in order (each ``?`` left out)."""
    return dg.from_str("".join(groups).replace(UNKNOWN, ""))


def _other_numbers(doc: Document) -> tuple[str, ...]:
    """Numbers in the cover text and after the groups (dates, phone numbers...)."""
    text = "\n".join(x for x in (doc.cover, doc.trailer) if x)
    return tuple(re.findall(r"(?<![\w.])\d[\d.,:/-]*\d|(?<![\w.])\d(?![\w])", text))


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


def conclude(t: Triage) -> Conclusion:
    """What the findings of ``t`` add up to: its kind, its evidence, and the verdict
    that sums them up (a pure function of ``t``)."""
    evidence = tuple(_evidence(t))
    ending = _kind(t)
    verdict = "; ".join(e.finding for e in evidence) + ending.tail
    return Conclusion(ending.kind, evidence, verdict)


class _Ending(NamedTuple):
    """What the document is, and the end of the verdict that says so."""

    kind: Kind
    tail: str


def _kind(t: Triage) -> _Ending:
    """What the document is, and the end of the verdict that says so (after the
    evidence)."""
    hit = _board_hit(t)
    if t.unknown_digits == 5 * len(t.groups):  # "?????" only: the tests saw no digit
        return _Ending(Kind.UNREADABLE, ". No digit of the copy could be read: nothing to judge.")
    if t.decrypted is not None:
        return _Ending(Kind.DECRYPTED, f". Read with your pad book: {t.decrypted!r}")
    if hit:
        return _Ending(
            Kind.CHECKERBOARD, f". Checkerboard plaintext without a pad: {_excerpt(hit.text)!r}"
        )
    if t.book_cipher:
        b = t.book_cipher[0]
        return _Ending(
            Kind.BOOK_CIPHER,
            f". A book cipher on the cover text ({b.finding.name}), in {b.lang}: "
            + repr(_excerpt(b.finding.text or "")),
        )
    if _checks(t):
        return _Ending(Kind.CHECK_DIGITS, ". Numbers carrying check digits, not ciphertext.")
    if not t.random.uniform:
        return _Ending(
            Kind.NOT_RANDOM,
            ". The digits are not uniform random: made by a person or a weak "
            "generator, or a structured code; not one-time-pad ciphertext from a good pad.",
        )
    return _Ending(
        Kind.OTP, "; consistent with one-time-pad ciphertext: unreadable without the pad."
    )


def _excerpt(text: str, n: int = 80) -> str:
    clean = text.replace("\x00", "·")
    return clean if len(clean) <= n else clean[:n] + "…"
