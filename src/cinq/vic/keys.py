"""Key derivation: from the four secrets to lines A to S.

The agent memorises a date, a phrase and a personal number; each message brings a
random five-figure keygroup. Lines A to S turn them into the two transposition keys (Q
and R) and the checkerboard's column numbers (S), with three pencil operations:
subtraction without borrowing, chain addition, and sequencing (numbering symbols in
alphabetical or numerical order, ties left to right, with 0 counting as 10).

Line names follow Kahn and Savard; there is no line I or O, which a hand-worker would
confuse with the digits 1 and 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import BadInput

LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The Russian alphabet as the 1950s cipher clerk used it: no Ё, Й or Ъ (written Е, И, Ь).
RUSSIAN = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЫЬЭЮЯ"
RUSSIAN_FOLD = str.maketrans({"Ё": "Е", "Й": "И", "Ъ": "Ь"})


def subtract(a: Sequence[int], b: Sequence[int]) -> list[int]:
    """Digit by digit, without borrowing."""
    return [(x - y) % 10 for x, y in zip(a, b, strict=True)]


def add(a: Sequence[int], b: Sequence[int]) -> list[int]:
    """Digit by digit, without carrying."""
    return [(x + y) % 10 for x, y in zip(a, b, strict=True)]


def chain(seed: Sequence[int], length: int) -> list[int]:
    """Chain addition: extend ``seed`` to ``length`` digits, each new digit the sum (mod
    10) of the digit ``len(seed)`` places back and the one after it."""
    out = list(seed)
    lag = len(seed)
    while len(out) < length:
        out.append((out[-lag] + out[-lag + 1]) % 10)
    return out[:length]


def sequence_letters(text: str, alphabet: str) -> list[int]:
    """Number letters in alphabetical order, ties left to right, 1..n (10 written 0)."""
    order = sorted(range(len(text)), key=lambda i: (alphabet.index(text[i]), i))
    ranks = [0] * len(text)
    for r, i in enumerate(order, 1):
        ranks[i] = r % 10
    return ranks


def rank(digits: Sequence[int]) -> list[int]:
    """Number digits 1..n in increasing order, 0 counting as 10, ties left to right.

    This orders the columns of a transposition table; written modulo 10 it is
    "sequencing" a line of digits."""
    order = sorted(range(len(digits)), key=lambda i: (digits[i] or 10, i))
    ranks = [0] * len(digits)
    for r, i in enumerate(order, 1):
        ranks[i] = r
    return ranks


ASCII_DIGITS = "0123456789"


def sequence_digits(digits: Sequence[int]) -> list[int]:
    """Sequencing a line of digits: :func:`rank` written with 10 as 0."""
    return [r % 10 for r in rank(digits)]


def date_digits(date: str) -> list[int]:
    """The date's six digits (``741776``, ``4.7.1776`` and ``3/9/1945`` all work)."""
    # ASCII digits only: str.isdigit() also takes '²' (which int() refuses) and
    # Arabic-Indic or full-width digits (which would be copied into the groups).
    digits = [int(c) for c in date if c in ASCII_DIGITS]
    if len(digits) != 6 or any(c not in ASCII_DIGITS + "./- " for c in date):
        # The date is a key: say what is wrong with it without repeating it.
        raise BadInput(
            f"the date must be six digits, day month and year as the agent memorised it "
            f"(e.g. 741776 or 4.7.1776 for 4 July 1776); it has {len(digits)} digits"
            + ("" if all(c in ASCII_DIGITS + "./- " for c in date) else " and other signs")
        )
    return digits


def insertion_point(date: str) -> int:
    """The keygroup goes in as this group from the end: the date's last digit, 0 = 10."""
    return date_digits(date)[5] or 10


def phrase_letters(phrase: str, alphabet: str) -> str:
    """The phrase's letters in ``alphabet`` (upper case; Ё Й Ъ folded for Russian)."""
    upper = phrase.upper().translate(RUSSIAN_FOLD) if alphabet == RUSSIAN else phrase.upper()
    letters = "".join(c for c in upper if c in alphabet)
    if len(letters) < 20:
        script = "Cyrillic" if alphabet == RUSSIAN else "Latin"
        raise BadInput(
            f"the phrase has {len(letters)} {script} letters; the VIC cipher needs at least 20"
        )
    return letters


@dataclass(frozen=True)
class Keys:
    """Every line of the key derivation, named as in Kahn and Savard.

    ``A`` is the keygroup, so a ``Keys`` is as secret as the message keys themselves."""

    A: list[int]
    B: list[int]
    C: list[int]
    D: tuple[str, str]
    E1: list[int]
    E2: list[int]
    F1: list[int]
    F2: list[int]
    G: list[int]
    H: list[int]
    J: list[int]
    block: list[list[int]]  # lines K, L, M, N and P
    unequal: tuple[int, int]  # P's last two unequal digits
    Q: list[int]
    R: list[int]
    S: list[int]

    def __repr__(self) -> str:  # key material stays out of logs and tracebacks
        return f"Keys(widths={len(self.Q)}/{len(self.R)})"


# The two keys are read from the 50 digits of lines K to P: personal number + 9, twice,
# must fit.
MAX_PERSONAL = 16


def derive(date: str, phrase: str, personal: int, keygroup: str, alphabet: str = LATIN) -> Keys:
    """Lines A to S from the four secrets.

    ``alphabet`` orders the phrase's letters when sequencing: :data:`LATIN` for English,
    :data:`RUSSIAN` for the Cyrillic original."""
    digits = date_digits(date)
    letters = phrase_letters(phrase, alphabet)
    if len(keygroup) != 5 or any(c not in ASCII_DIGITS for c in keygroup):
        raise BadInput(f"the keygroup {keygroup!r} must be five digits")
    if not 1 <= personal <= MAX_PERSONAL:
        raise BadInput(
            f"the personal number {personal} must be between 1 and {MAX_PERSONAL}: the "
            "transposition widths (personal number + a digit of line P, twice) are read "
            "from the 50 digits of lines K to P"
        )
    a = [int(c) for c in keygroup]
    b = digits[:5]
    c = subtract(a, b)
    d = (letters[:10], letters[10:20])
    e1, e2 = sequence_letters(d[0], alphabet), sequence_letters(d[1], alphabet)
    f1 = chain(c, 10)
    f2 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
    g = add(e1, f1)
    h = [e2[f2.index(x)] for x in g]
    j = sequence_digits(h)
    stream = chain(h, 60)[10:]
    block = [stream[i : i + 10] for i in range(0, 50, 10)]
    p = block[-1]
    unequal = next(((p[i], p[i + 1]) for i in range(8, -1, -1) if p[i] != p[i + 1]), (0, 0))
    widths = (personal + unequal[0], personal + unequal[1])
    if min(widths) < 2:
        raise BadInput(
            f"the personal number {personal} gives a transposition only "
            f"{min(widths)} column wide with this keygroup; use a larger personal number"
        )
    # Lines K to P read off by columns, in the order line J numbers them.
    columns = [[row[col] for row in block] for col in range(10)]
    read = [x for n in range(1, 11) for x in columns[j.index(n % 10)]]
    q = read[: widths[0]]
    r = read[widths[0] : widths[0] + widths[1]]
    return Keys(a, b, c, d, e1, e2, f1, f2, g, h, j, block, unequal, q, r, sequence_digits(p))
