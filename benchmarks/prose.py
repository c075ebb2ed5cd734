"""Neutral sample prose for the benchmarks, and long texts made from it deterministically.

``texts/<lang>.txt`` are short pieces of everyday news-like prose (a flood, a market, a
library, the weather), written for these benchmarks in English, French, German,
Spanish and Russian. They are deliberately *not* made of the codebooks' operational
phrases (meeting places, documents, surveillance), so the codebook savings they show
are what a neutral message gets, not the best case.

:func:`long_text` shuffles a language's sentences with a fixed seed and joins them
until the wanted length: the same text on every run and machine.
"""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

TEXTS = Path(__file__).resolve().parent / "texts"
LANGS = ("en", "fr", "de", "es", "ru")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@cache
def sample(lang: str) -> str:
    """``texts/<lang>.txt`` with its line breaks as spaces (one paragraph)."""
    return " ".join((TEXTS / f"{lang}.txt").read_text("utf-8").split())


def sentences(lang: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(sample(lang)) if s]


def long_text(lang: str, chars: int, seed: int = 0, *, utf8: bool = False) -> str:
    """At most ``chars`` characters (``utf8``: bytes of UTF-8) of ``lang``'s sentences
    in a seeded random order, cut at the last space before the limit."""
    rng = random.Random(f"cinq-bench-{lang}-{seed}")
    pool = sentences(lang)
    parts: list[str] = []
    size = 0
    while size <= chars:
        order = pool[:]
        rng.shuffle(order)
        parts += order
        size += sum(len(s) + 1 for s in order)
    text = " ".join(parts)[: chars + 1]
    if utf8:
        text = text.encode("utf-8")[: chars + 1].decode("utf-8", errors="ignore")
        size = len(text.encode("utf-8"))
    else:
        size = len(text)
    return text[: text.rfind(" ")] if size > chars else text
