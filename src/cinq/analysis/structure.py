"""What structure do these groups have? Check digits, indicators, known digits, book ciphers.

Every detector returns :class:`Finding` objects and never raises on odd input (groups
that are not five ASCII digits are skipped or have their non-digits ignored). Findings
are evidence, not readings: a feasible book cipher only yields a *candidate* text that
the caller must confirm with a language model.

``strength`` is always in [0, 1], larger meaning stronger evidence; ``p_value`` is the
chance of seeing at least as much under uniformly random digits, where that can be said.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scipy import stats

from ..digits import is_group
from .randomness import json_number

__all__ = [
    "SCHEMES",
    "Finding",
    "all_findings",
    "book_cipher_findings",
    "check_digit_findings",
    "count_header_finding",
    "damm_check",
    "digit_sum_check",
    "e_digits",
    "indicator_finding",
    "known_sequence_findings",
    "luhn_check",
    "mod11_10_check",
    "pi_digits",
    "verhoeff_check",
]

ALPHA = 1e-6  # p-value below which a statistical detector reports ``found``
MIN_FRACTION = 0.9  # "all or nearly all" groups / numbers
MIN_RUN = 15  # digits of pi or e, or of a counting sequence, that count as a match
UNKNOWN = "\x00"  # candidate-text character for a number that is not a valid index


@dataclass(frozen=True)
class Finding:
    """One detector's answer. ``text`` is a book cipher's candidate plaintext."""

    name: str
    found: bool
    strength: float
    detail: str
    text: str | None = None
    p_value: float | None = None

    def to_json(self) -> dict[str, object]:
        """Name, whether found, strength (null if not finite) and detail."""
        return {
            "name": self.name,
            "found": self.found,
            "strength": json_number(self.strength),
            "detail": self.detail,
        }


def _binom_p(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0 or p >= 1:
        return 1.0
    return float(stats.binom.sf(k - 1, n, p))


def _stream(groups: Sequence[str]) -> str:
    return "".join(c for g in groups if isinstance(g, str) for c in g if "0" <= c <= "9")


def _where(offset: int) -> str:
    """A 0-based digit offset as '1-based digit (group)'."""
    return f"digit {offset + 1} (group {offset // 5 + 1})"


# -- check digits over each group ----------------------------------------------------------

_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]  # fmt: skip
_VERHOEFF_SIGMA = (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)
_VERHOEFF_P = [list(range(10))]  # row k is the permutation sigma applied k times
for _ in range(7):
    _VERHOEFF_P.append([_VERHOEFF_SIGMA[x] for x in _VERHOEFF_P[-1]])
_VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]
_DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]  # fmt: skip


def luhn_check(payload: str) -> int:
    """The Luhn check digit to append to ``payload``."""
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def verhoeff_check(payload: str) -> int:
    """The Verhoeff (dihedral group D5) check digit to append to ``payload``."""
    c = 0
    for i, ch in enumerate(reversed(payload)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[(i + 1) % 8][int(ch)]]
    return _VERHOEFF_INV[c]


def damm_check(payload: str) -> int:
    """The Damm (totally anti-symmetric quasigroup) check digit to append to ``payload``."""
    interim = 0
    for ch in payload:
        interim = _DAMM[interim][int(ch)]
    return interim


def mod11_10_check(payload: str) -> int:
    """The ISO 7064 MOD 11,10 check digit to append to ``payload``."""
    p = 10
    for ch in payload:
        s = (p + int(ch)) % 10 or 10
        p = 2 * s % 11
    return (11 - p) % 10


def digit_sum_check(payload: str) -> int:
    """The sum of the digits of ``payload``, modulo 10."""
    return sum(int(c) for c in payload) % 10


SCHEMES: dict[str, Callable[[str], int]] = {
    "Luhn": luhn_check,
    "Verhoeff": verhoeff_check,
    "Damm": damm_check,
    "ISO 7064 MOD 11,10": mod11_10_check,
    "digit sum mod 10": digit_sum_check,
}
"""Check-digit schemes by name: each maps a payload to its one valid check digit."""


def check_digit_findings(groups: Sequence[str]) -> list[Finding]:
    """For each scheme in :data:`SCHEMES`: do the groups' last digits check the first four?

    Random groups validate with probability 1/10 each. ``strength`` is the fraction of
    groups that validate; ``found`` needs >= 5 groups, >= 90 % valid and a binomial
    p-value below 1e-6.
    """
    good = [g for g in groups if is_group(g, unknown_allowed=False)]
    n = len(good)
    out = []
    for name, check in SCHEMES.items():
        k = sum(check(g[:4]) == int(g[4]) for g in good)
        p = _binom_p(k, n, 0.1)
        frac = k / n if n else 0.0
        found = n >= 5 and frac >= MIN_FRACTION and p < ALPHA
        detail = f"{k} of {n} groups carry a valid {name} check digit (p = {p:.2g})"
        out.append(Finding(f"{name} check digit", found, frac, detail, None, p))
    return out


# -- indicator and group count ------------------------------------------------------------


def _count_encodings(count: int) -> set[str]:
    """Five-digit ways of writing ``count``: 00029, 29000, 29029, 02929, 29290."""
    s = str(count)
    if count <= 0 or len(s) > 4:
        return {s} if len(s) == 5 else set()
    forms = {s.zfill(5), s.ljust(5, "0"), s + s.zfill(5 - len(s))}
    forms |= {(s + s).zfill(5), (s + s).ljust(5, "0")}
    return {f for f in forms if len(f) == 5}


def _encodes_count(group: str, n: int) -> int | None:
    """The count (``n`` or ``n - 1``) that ``group`` encodes, if any."""
    return next((c for c in (n, n - 1) if group in _count_encodings(c)), None)


def indicator_finding(groups: Sequence[str]) -> Finding:
    """Does the first group differ in kind from the rest (an indicator)?

    ``found`` only when clear: the first group is repeated as the last, or encodes the
    number of groups (strength 1.0). Weaker hints (a low number, a DDMMY date, the
    count as leading digits) are reported with ``found=False`` and strength 0.3.
    """
    name = "indicator-like first group"
    gs = [g for g in groups if isinstance(g, str)]
    if len(gs) < 2 or not is_group(gs[0], unknown_allowed=False):
        return Finding(name, False, 0.0, "too few groups, or no five-figure first group")
    first, n = gs[0], len(gs)
    if first == gs[-1]:
        detail = f"the first group {first} is repeated at the end"
        return Finding(name, True, 1.0, detail, None, 1e-5)
    if (c := _encodes_count(first, n)) is not None:
        detail = f"the first group {first} encodes the number of groups ({c})"
        return Finding(name, True, 1.0, detail, None, 1e-4)
    hints = []
    if any(first.startswith(str(c)) for c in (n, n - 1) if c > 0):
        hints.append(f"starts with the number of groups ({first})")
    if int(first) < 1000:
        hints.append(f"is a low number ({first})")
    if 1 <= int(first[:2]) <= 31 and 1 <= int(first[2:4]) <= 12:
        hints.append(f"reads as a date DDMMY ({first[:2]}/{first[2:4]}/..{first[4]})")
    if hints:
        return Finding(name, False, 0.3, "hint: the first group " + "; ".join(hints))
    return Finding(name, False, 0.0, "the first group looks like the others")


def count_header_finding(groups: Sequence[str]) -> Finding:
    """Is one of the first two or last two groups the number of groups?

    Counts ``n`` and ``n - 1`` (the count group excluded) in the encodings 00029,
    29000, 29029, 02929, 29290. ``found`` (strength 1.0) when present.
    """
    name = "group-count header or trailer"
    gs = [g for g in groups if isinstance(g, str)]
    n = len(gs)
    places = sorted({i for i in (0, 1, n - 2, n - 1) if 0 <= i < n})
    for i in places:
        if (c := _encodes_count(gs[i], n)) is not None:
            where = "header" if i < 2 else "trailer"
            detail = f"group {i + 1} ({gs[i]}) is a {where} giving the count of groups ({c})"
            return Finding(name, True, 1.0, detail, None, 4 * 10 / 1e5)
    return Finding(name, False, 0.0, "no group gives the number of groups")


# -- known digit sequences ----------------------------------------------------------------


@functools.cache
def pi_digits(n: int = 2000) -> str:
    """The first ``n`` digits of pi ("31415..."), by Machin's formula in integers."""
    scale: int = 10 ** (n + 10)

    def arctan_inv(x: int) -> int:
        total = term = scale // x
        k, x2, sign = 1, x * x, -1
        while term:
            term //= x2
            total += sign * (term // (2 * k + 1))
            k, sign = k + 1, -sign
        return total

    return str(4 * (4 * arctan_inv(5) - arctan_inv(239)))[:n]


@functools.cache
def e_digits(n: int = 2000) -> str:
    """The first ``n`` digits of e ("27182..."), summing 1/k! in integers."""
    scale: int = 10 ** (n + 10)
    total, term, k = 0, scale, 0
    while term:
        total += term
        k += 1
        term //= k
    return str(total)[:n]


def _longest_common_run(s: str, ref: str) -> tuple[int, int, int]:
    """(length, offset in s, offset in ref) of the longest run >= MIN_RUN, else length 0."""
    grams: dict[str, list[int]] = {}
    for j in range(len(ref) - MIN_RUN + 1):
        grams.setdefault(ref[j : j + MIN_RUN], []).append(j)
    best = (0, 0, 0)
    i = 0
    while i <= len(s) - MIN_RUN:
        length = 0
        for j in grams.get(s[i : i + MIN_RUN], ()):
            m = MIN_RUN
            while i + m < len(s) and j + m < len(ref) and s[i + m] == ref[j + m]:
                m += 1
            if m > best[0]:
                best = (m, i, j)
            length = max(length, m)
        i += max(1, length - MIN_RUN + 1)
    return best


def known_sequence_findings(groups: Sequence[str]) -> list[Finding]:
    """Runs of >= 15 digits of pi or e (first 2000 digits), and counting or constant runs.

    Strength is the fraction of the digits the longest run covers; positions are given
    in the detail (digit and group in the message, decimal place in the constant).
    """
    s = _stream(groups)
    out = []
    for label, ref in (("pi", pi_digits()), ("e", e_digits())):
        m, i, j = _longest_common_run(s, ref)
        name = f"digits of {label}"
        if not m:
            out.append(Finding(name, False, 0.0, f"no run of {MIN_RUN} digits of {label}"))
            continue
        place = "the integer digit" if j == 0 else f"decimal place {j}"
        detail = f"{m} digits from {_where(i)} are {label} from {place}"
        p = min(1.0, len(s) * len(ref) * 10.0**-m)
        out.append(Finding(name, True, m / len(s), detail, None, p))
    best = (0, 0, 0)  # (length, start, step)
    for step in (0, 1, 9):
        start = 0
        for k in range(1, len(s) + 1):
            if k == len(s) or (int(s[k]) - int(s[k - 1])) % 10 != step:
                best = max(best, (k - start, start, step), key=lambda b: b[0])
                start = k
    m, i, step = best
    kind = {0: "constant", 1: "counting up", 9: "counting down"}[step]
    found = len(s) >= 10 and m >= min(MIN_RUN, len(s))
    detail = (
        f"{m} digits {kind} from {_where(i)} ({s[i : i + min(m, 12)]}...)"
        if found
        else "no counting or constant run"
    )
    out.append(Finding("counting or constant sequence", found, m / len(s) if s else 0.0, detail))
    return out


# -- book ciphers on the cover text -------------------------------------------------------


def _words(text: str) -> list[str]:
    """Whitespace-separated tokens that hold a letter."""
    return [t for t in text.split() if any(c.isalpha() for c in t)]


def _initial(word: str) -> str:
    c = next(c for c in word if c.isalpha())
    return c.upper() if len(c.upper()) == 1 else c


def _up(c: str) -> str:
    return c.upper() if len(c.upper()) == 1 else c


def _flat_schemes(cover: str) -> list[tuple[str, list[str]]]:
    """(scheme name, the symbol each 1-based index gives) for one-level schemes."""
    return [
        ("book cipher: word index, first letters", [_initial(w) for w in _words(cover)]),
        ("book cipher: letter index", [_up(c) for c in cover if c.isalpha()]),
        ("book cipher: character index", [_up(c) for c in cover]),
    ]


def _nested_schemes(cover: str) -> list[tuple[str, list[list[str]]]]:
    """(scheme name, units of words' initials) for line.word and paragraph.word."""
    lines = [ln for ln in cover.splitlines() if ln.strip()]
    paras = [p for p in re.split(r"\n\s*\n", cover) if p.strip()]
    return [
        ("book cipher: line.word", [[_initial(w) for w in _words(ln)] for ln in lines]),
        ("book cipher: paragraph.word", [[_initial(w) for w in _words(p)] for p in paras]),
    ]


def _decode_flat(nums: list[str], table: list[str]) -> tuple[int, str]:
    vals = [int(x) for x in nums]
    ok = [1 <= v <= len(table) for v in vals]
    return sum(ok), "".join(
        table[v - 1] if good else UNKNOWN for v, good in zip(vals, ok, strict=True)
    )


def _decode_nested(nums: list[str], a: int, units: list[list[str]]) -> tuple[int, str]:
    k, chars = 0, []
    for x in nums:
        u, w = int(x[:a]), int(x[a:])
        good = 1 <= u <= len(units) and 1 <= w <= len(units[u - 1])
        k += good
        chars.append(units[u - 1][w - 1] if good else UNKNOWN)
    return k, "".join(chars)


def _feasibility(name: str, nums: list[str], k: int, q: float, text: str, how: str) -> Finding:
    n = len(nums)
    p = _binom_p(k, n, q)
    frac = k / n if n else 0.0
    found = frac >= MIN_FRACTION and p < ALPHA
    detail = (
        f"{how}: {k} of {n} numbers are valid indices ({q:.1%} would be by chance; p = {p:.2g})"
    )
    return Finding(name, found, frac, detail, text.rstrip(UNKNOWN), p)


def _rank(f: Finding) -> tuple[float, float]:
    return (1.0 if f.p_value is None else f.p_value, -f.strength)


def book_cipher_findings(groups: Sequence[str], cover: str | None) -> list[Finding]:
    """For each book-cipher scheme on ``cover``, the most feasible way of reading the digits.

    The digit stream (from the start, or after the first group as an indicator) is cut
    into numbers of 2, 3 or 4 digits (two-level schemes also 3+3, split e.g. 2+2 into
    line and word). A scheme is feasible (``found``) when >= 90 % of the numbers are
    valid indices with a binomial p-value below 1e-6, ``p`` being the share of valid
    indices among all numbers of that width. ``strength`` is the share of valid numbers;
    ``text`` the candidate plaintext (initials or characters, upper case; ``\\x00`` for
    an invalid number; trailing ones, usually padding, dropped). Feasibility alone is
    weak evidence: score ``text`` with a language model.
    """
    if not cover or not _words(cover):
        return []
    s = _stream(groups)
    skips = (0, 5) if len(s) > 5 else (0,)
    out = []
    for name, table in _flat_schemes(cover):
        candidates = []
        for w in (2, 3, 4):
            q = min(len(table), 10**w - 1) / 10**w
            for skip in skips:
                nums = [s[i : i + w] for i in range(skip, len(s) - w + 1, w)]
                k, text = _decode_flat(nums, table)
                how = f"{w}-digit numbers" + (", after the first group" if skip else "")
                candidates.append(_feasibility(name, nums, k, q, text, how))
        out.append(min(candidates, key=_rank))
    for name, units in _nested_schemes(cover):
        candidates = []
        for a, b in ((1, 1), (1, 2), (2, 1), (1, 3), (2, 2), (3, 1), (3, 3)):
            w = a + b
            valid = sum(min(len(u), 10**b - 1) for u in units[: 10**a - 1])
            for skip in skips:
                nums = [s[i : i + w] for i in range(skip, len(s) - w + 1, w)]
                k, text = _decode_nested(nums, a, units)
                how = f"{a}+{b}-digit numbers" + (", after the first group" if skip else "")
                candidates.append(_feasibility(name, nums, k, valid / 10**w, text, how))
        out.append(min(candidates, key=_rank))
    return out


def all_findings(groups: Sequence[str], cover: str | None) -> list[Finding]:
    """Every detector's findings: check digits, indicator, count, known digits, book ciphers."""
    return [
        *check_digit_findings(groups),
        indicator_finding(groups),
        count_header_finding(groups),
        *known_sequence_findings(groups),
        *book_cipher_findings(groups, cover),
    ]
