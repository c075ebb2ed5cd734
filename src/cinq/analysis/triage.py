"""Triage: what is this document, are its groups random, can it be read?

The answer comes with its evidence and never invents a plaintext: a reading is offered
only when a language model says it is language (checkerboard plaintext, a book cipher
on the cover) or when the user's own pad book decrypts it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .. import digits as dg
from ..book import PadBook
from ..document import Document
from ..errors import CinqError
from ..language import LANGUAGES
from ..language.model import identify, model
from . import randomness, structure
from .plaintext import THRESHOLD, BoardHit, KeyedHint, board_readings, keyed_hint


@dataclass
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
    book_cipher: list[tuple[structure.Finding, str, float]]
    decrypted: str | None = None
    decrypt_note: str | None = None
    kind: str = "otp"
    verdict: str = ""
    evidence: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "verdict": self.verdict,
            "groups": list(self.groups),
            "digits": 5 * len(self.groups),
            "cover_language": self.cover_language,
            "signature": self.signature,
            "other_numbers": self.other_numbers,
            "randomness": [
                {
                    "test": t.name,
                    "statistic": _num(t.statistic),
                    "p": _num(t.p_value),
                    "detail": t.detail,
                }
                for t in self.tests
            ],
            "random_verdict": self.random.summary,
            "structure": [
                {"name": f.name, "found": f.found, "strength": _num(f.strength), "detail": f.detail}
                for f in self.findings
            ],
            "checkerboard": [
                {"board": h.board, "lang": h.lang, "score": round(h.score, 3), "found": h.found}
                for h in self.boards
            ],
            "keyed_hint": None
            if self.keyed is None
            else {"blanks": list(self.keyed.blanks), "z": round(self.keyed.z, 2)},
            "book_cipher": [
                {"scheme": f.name, "lang": lang, "score": round(s, 3), "text": f.text}
                for f, lang, s in self.book_cipher
            ],
            "decrypted": self.decrypted,
            "decrypt_note": self.decrypt_note,
            "evidence": [{"what": a, "finding": b} for a, b in self.evidence],
        }


def _num(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def triage(text: str | Document, *, book: PadBook | None = None) -> Triage:
    """Split the document, test its groups, look for structure and plaintext, verdict."""
    doc = Document.parse(text) if isinstance(text, str) else text
    digits = dg.from_groups(doc.groups)
    tests = randomness.run_all(digits)
    verdict = randomness.verdict(tests)
    findings = structure.all_findings(doc.groups, doc.cover)
    cover_lang = identify(doc.cover)[0][0] if doc.cover and len(doc.cover) >= 20 else None
    book_cipher = []
    for f in findings:
        if f.found and f.text:
            lang, score = max(((lg, model(lg).score(f.text)) for lg in _LANGS), key=lambda x: x[1])
            if score > THRESHOLD:
                book_cipher.append((f, lang, score))
    t = Triage(
        groups=doc.groups,
        cover=doc.cover,
        cover_language=cover_lang,
        signature=doc.signature,
        other_numbers=_other_numbers(doc),
        tests=tests,
        random=verdict,
        findings=findings,
        boards=board_readings(digits),
        keyed=keyed_hint(digits),
        book_cipher=book_cipher,
    )
    if book is not None:
        _decrypt(t, doc, book)
    _conclude(t)
    return t


_LANGS = ("en", "fr", "de", "es", "ru")


def _other_numbers(doc: Document) -> list[str]:
    text = "\n".join(x for x in (doc.cover, doc.trailer) if x)
    return re.findall(r"(?<![\w.])\d[\d.,:/-]*\d|(?<![\w.])\d(?![\w])", text)


def _decrypt(t: Triage, doc: Document, book: PadBook) -> None:
    from .. import procedure

    try:
        got = procedure.decrypt(doc, book)
        t.decrypted = got.text
        t.decrypt_note = f"page {got.page_ids[0]} of book {book.name}; check groups verified"
    except CinqError as e:
        t.decrypt_note = f"the book does not read it: {e.message}"


def _conclude(t: Triage) -> None:
    n = len(t.groups)
    ev = t.evidence
    ev.append(("groups", f"{n} groups ({5 * n} digits)"))
    if t.cover_language:
        ev.append(("cover text", f"cover text in {LANGUAGES[t.cover_language].name}"))
    freq = next((x for x in t.tests if x.name == "digit frequency"), None)
    if t.random.uniform:
        p = f" (chi-square p = {freq.p_value:.2g})" if freq and np.isfinite(freq.p_value) else ""
        ev.append(("randomness", f"digits consistent with uniform random{p}"))
    else:
        ev.append(("randomness", t.random.summary))
    checks = [f for f in t.findings if f.found and "check" in f.name.lower()]
    ev.append(("check digits", checks[0].detail if checks else "no check-digit scheme"))
    ev.append((
        "book cipher",
        f"{t.book_cipher[0][0].name}: reads as {t.book_cipher[0][1]}"
        if t.book_cipher else "not a book cipher on the cover text" if t.cover else "no cover text",
    ))  # fmt: skip
    hit = t.boards[0] if t.boards and t.boards[0].found else None
    ev.append((
        "checkerboard",
        f"{hit.board} in {hit.lang} (score {hit.score:.2f}/char)" if hit
        else "no checkerboard plaintext",
    ))  # fmt: skip
    others = [f for f in t.findings if f.found and f not in checks and not f.text]
    for f in others:
        ev.append((f.name, f.detail))
    if t.decrypt_note:
        ev.append(("pad book", t.decrypt_note))

    head = "; ".join(b for _, b in ev)
    if t.decrypted is not None:
        t.kind = "decrypted"
        t.verdict = f"{head}. Read with your pad book: {t.decrypted!r}"
    elif hit:
        t.kind = "checkerboard"
        t.verdict = f"{head}. Checkerboard plaintext without a pad: {_excerpt(hit.text)!r}"
    elif t.book_cipher:
        f, lang, _ = t.book_cipher[0]
        t.kind = "book-cipher"
        t.verdict = f"{head}. A book cipher on the cover text ({f.name}), in {lang}: " + repr(
            _excerpt(f.text or "")
        )
    elif checks:
        t.kind = "check-digits"
        t.verdict = f"{head}. Numbers carrying check digits, not ciphertext."
    elif not t.random.uniform:
        t.kind = "not-random"
        t.verdict = (
            f"{head}. The digits are not uniform random: made by a person or a weak "
            "generator, or a structured code; not one-time-pad ciphertext from a good pad."
        )
    else:
        t.kind = "otp"
        t.verdict = f"{head}; consistent with one-time-pad ciphertext: unreadable without the pad."


def _excerpt(text: str, n: int = 80) -> str:
    clean = text.replace("\x00", "·")
    return clean if len(clean) <= n else clean[:n] + "…"


# -- several messages: depth ---------------------------------------------------------------


@dataclass(frozen=True)
class Depth:
    """Two messages that look enciphered on the same pad digits."""

    first: int
    second: int
    overlap: int
    coincidences: int
    p_value: float
    reason: str


def depths(messages: Sequence[Sequence[str]], alpha: float = 1e-3) -> list[Depth]:
    """Pairs of messages in depth (one pad used twice).

    Two signs: the same indicator (the same page named twice: the classic mistake), or
    cipher streams that agree digit for digit more often than the 1 in 10 of independent
    pads (with one pad the key cancels and they agree as often as the plaintexts do;
    strong for boards with skewed digits, weak for CT-55). Messages are aligned after
    their indicators; ``alpha`` is shared among all the pairs (Bonferroni)."""
    found = []
    streams = [dg.from_groups(m[1:]) if len(m) > 1 else dg.empty() for m in messages]
    alpha /= max(len(streams) * (len(streams) - 1) // 2, 1)
    for (i, a), (j, b) in itertools.combinations(enumerate(streams), 2):
        n = min(len(a), len(b))
        k = int((a[:n] == b[:n]).sum())
        p = float(stats.binom.sf(k - 1, n, 0.1)) if n else 1.0
        if messages[i] and messages[j] and messages[i][0] == messages[j][0]:
            found.append(Depth(i, j, n, k, p, f"same indicator {messages[i][0]}"))
        elif n >= 20 and p < alpha:
            found.append(Depth(i, j, n, k, p, f"{k} of {n} digits agree (1 in 10 expected)"))
    return found
