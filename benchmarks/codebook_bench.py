"""How much a codebook shortens a message: digits on each language's default board
without a codebook and with a keyed one, for the sample texts in ``benchmarks/texts``.

Run alone: ``python benchmarks/codebook_bench.py [--size N]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cinq import codebook as cbk
from cinq import language as lg
from cinq.language import Policy

TEXTS = Path(__file__).resolve().parent / "texts"
LANGS = ("en", "fr", "de", "es", "ru")
KEY = "benchmark"  # keyed, so every run measures the same book


def measure(lang: str, size: int = cbk.SIZE) -> tuple[int, int]:
    """Digits of ``texts/<lang>.txt`` without and with a codebook of ``size`` entries."""
    profile = lg.language(lang)
    b = profile.board
    # FOLD | DROP: the texts are natural prose; a stray ";" or "€" must not stop the run.
    text = lg.prepare(
        (TEXTS / f"{lang}.txt").read_text("utf-8"), b, profile, Policy.FOLD | Policy.DROP
    ).text
    book = cbk.build(lang, size=size, key=KEY)
    short = book.compress(text, b)
    if book.expand(short) != text or b.decode(b.encode(short)) != short:
        raise AssertionError(f"{lang}: the codebook round trip failed")
    return len(b.encode(text)), len(b.encode(short))


def rows(size: int = cbk.SIZE) -> list[tuple[str, str]]:
    """One ``(lang, "1234 -> 987 digits (20.0 % shorter)")`` row per language."""
    out: list[tuple[str, str]] = []
    for lang in LANGS:
        plain, coded = measure(lang, size)
        saved = 100 * (plain - coded) / plain
        out.append((lang, f"{plain} -> {coded} digits ({saved:.1f} % shorter)"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=cbk.SIZE, help="entries in the codebook")
    args = ap.parse_args()
    print(f"Codebook of {args.size} entries (keyed), digits on each language's board")
    for lang, value in rows(args.size):
        print(f"   {lang:4} {value}")


if __name__ == "__main__":
    main()
