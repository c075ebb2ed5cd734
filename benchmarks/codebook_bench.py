"""How much a codebook shortens neutral prose: digits on each language's default board
without a codebook and with a keyed one, for the sample texts in ``benchmarks/texts``.

The texts are everyday news-like prose written for the benchmarks (:mod:`prose`), not
the codebook's own phrases, so the figure is what an ordinary message saves, not the
best case.

Run alone: ``python benchmarks/codebook_bench.py [--size N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # siblings, when loaded by path
import prose  # type: ignore[import-not-found]
from cinq import codebook as cbk
from cinq import language as lg
from cinq.language import Policy
from measure import Figure, Section  # type: ignore[import-not-found]

KEY = "benchmark"  # keyed, so every run measures the same book


def measure(lang: str, size: int = cbk.SIZE) -> tuple[int, int]:
    """Digits of ``texts/<lang>.txt`` without and with a codebook of ``size`` entries."""
    profile = lg.language(lang)
    b = profile.board
    # FOLD | DROP: the texts are natural prose; a stray ";" or "€" must not stop the run.
    text = lg.prepare(prose.sample(lang), b, profile, Policy.FOLD | Policy.DROP).text
    book = cbk.build(lang, size=size, key=KEY)
    short = book.compress(text, b)
    if book.expand(short) != text or b.decode(b.encode(short)) != short:
        raise AssertionError(f"{lang}: the codebook round trip failed")
    return len(b.encode(text)), len(b.encode(short))


def rows(size: int = cbk.SIZE) -> list[tuple[str, str]]:
    """One ``(lang, "1234 -> 987 digits (20.0 % shorter)")`` row per language."""
    out: list[tuple[str, str]] = []
    for lang in prose.LANGS:
        plain, coded = measure(lang, size)
        saved = 100 * (plain - coded) / plain
        out.append((lang, f"{plain} -> {coded} digits ({saved:.1f} % shorter)"))
    return out


def section(size: int = cbk.SIZE) -> Section:
    rows = []
    for lang in prose.LANGS:
        plain, coded = measure(lang, size)
        rows.append(
            Figure(
                f"{lang}: digits saved",
                100 * (plain - coded) / plain,
                "% shorter",
                note=f"{plain} -> {coded} digits, texts/{lang}.txt",
            )
        )
    return Section(
        f"Codebook ({size} entries, keyed) on neutral prose, each language's board",
        tuple(rows),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=cbk.SIZE, help="entries in the codebook")
    args = ap.parse_args()
    print("\n".join(section(args.size).lines()))


if __name__ == "__main__":
    main()
