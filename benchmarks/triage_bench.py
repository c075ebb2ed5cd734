"""Triage: does it find checkerboard plaintext sent without a pad, and how often does
it cry wolf on random groups? Detection and false-alarm rates against the number of
groups (10, 20, 30, 50). Target: at 20 groups, >= 99 % found, <= 1 % false alarms.

Plaintexts are windows of the sample texts in ``benchmarks/texts`` (five languages),
each encoded on a board drawn from those that fit its language.

Run alone: ``python benchmarks/triage_bench.py [--samples N]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cinq import checkerboard as cb
from cinq import language as lg
from cinq.analysis.plaintext import board_readings
from cinq.language import Policy

TEXTS = Path(__file__).resolve().parent / "texts"
SIZES = (10, 20, 30, 50)
BOARDS = {
    "en": ["STANDARD-TABLE-1", "CT-37", "CT-46", "CT-55", "AT-ONE-SIR"],
    "fr": ["STANDARD-TABLE-1", "CT-37", "CT-46", "CT-55"],
    "de": ["STANDARD-TABLE-1", "CT-37", "CT-46", "CT-55"],
    "es": ["ES-1", "CT-55"],
    "ru": ["RU-1"],
}


def plaintext_digits(rng: np.random.Generator, groups: int) -> np.ndarray:
    lang = str(rng.choice(list(BOARDS)))
    board = cb.board(str(rng.choice(BOARDS[lang])))
    text = (TEXTS / f"{lang}.txt").read_text("utf-8").replace("\n", " ")
    start = int(rng.integers(0, len(text) // 2))
    window = text[start:] + " " + text
    digits = lg.encode(window, board, lg.language(lang), Policy.FOLD | Policy.DROP)
    return digits[: 5 * groups]


def rates(samples: int, seed: int = 1) -> dict[int, tuple[float, float]]:
    rng = np.random.default_rng(seed)
    out = {}
    for n in SIZES:
        found = sum(board_readings(plaintext_digits(rng, n))[0].found for _ in range(samples))
        alarms = sum(
            board_readings(rng.integers(0, 10, 5 * n, dtype=np.uint8))[0].found
            for _ in range(samples)
        )
        out[n] = (found / samples, alarms / samples)
    return out


def rows(samples: int = 300) -> list[tuple[str, str]]:
    out = []
    for n, (hit, fa) in rates(samples).items():
        ok = " (target: >= 99 % found, <= 1 % false alarms)" if n == 20 else ""
        out.append(
            (f"{n} groups", f"found {100 * hit:5.1f} %   false alarms {100 * fa:4.1f} %{ok}")
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=300)
    args = ap.parse_args()
    for name, value in rows(args.samples):
        print(f"   {name:12} {value}")


if __name__ == "__main__":
    main()
