"""Triage: does it find checkerboard plaintext sent without a pad, and how often does
it cry wolf on random groups? Detection and false-alarm rates against the number of
groups (10, 20, 30, 50). Target: at 20 groups, >= 99 % found, <= 1 % false alarms.

Plaintexts are windows of the neutral sample texts (:mod:`prose`, five languages), each
encoded on a board drawn from those that fit its language; the random groups are
uniform digits from a seeded generator. Chance is the baseline: a detector that
cannot tell plaintext from noise finds plaintext exactly as often as it raises a false
alarm, so the ratio found / false alarms is what triage adds over chance (printed with
the false-alarm rate's 95 % upper bound, Clopper-Pearson, when it is 0).

Run alone: ``python benchmarks/triage_bench.py [--samples N]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

import prose  # type: ignore[import-not-found]
from cinq import checkerboard as cb
from cinq import language as lg
from cinq.analysis.plaintext import board_readings
from cinq.language import Policy
from measure import Figure, Goal, Section, Target  # type: ignore[import-not-found]

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
    text = prose.sample(lang)
    start = int(rng.integers(0, len(text) // 2))
    window = text[start:] + " " + text
    digits = lg.encode(window, board, lg.language(lang), Policy.FOLD | Policy.DROP)
    return digits[: 5 * groups]


def counts(n: int, samples: int, rng: np.random.Generator) -> tuple[int, int]:
    """(plaintexts found, random blocks flagged) out of ``samples`` each."""
    found = sum(board_readings(plaintext_digits(rng, n))[0].found for _ in range(samples))
    alarms = sum(
        board_readings(rng.integers(0, 10, 5 * n, dtype=np.uint8))[0].found for _ in range(samples)
    )
    return found, alarms


def upper95(k: int, n: int) -> float:
    """Clopper-Pearson 95 % upper bound of a rate seen k times in n."""
    return 1.0 if k >= n else float(stats.beta.ppf(0.975, k + 1, n - k))


def section(samples: int = 300, seed: int = 1) -> Section:
    rng = np.random.default_rng(seed)
    rows: list[Figure] = []
    for n in SIZES:
        found, alarms = counts(n, samples, rng)
        fa_high = upper95(alarms, samples)
        at20 = n == 20
        rows.append(
            Figure(
                f"{n} groups: plaintext found",
                100 * found / samples,
                "%",
                Target(Goal.AT_LEAST, 99) if at20 else None,
                note=f"{found} of {samples}",
            )
        )
        rows.append(
            Figure(
                f"{n} groups: false alarms on random groups",
                100 * alarms / samples,
                "%",
                Target(Goal.AT_MOST, 1) if at20 else None,
                note=f"{alarms} of {samples}; 95 % upper bound {100 * fa_high:.2f} %",
            )
        )
        ratio = (found / samples) / (alarms / samples if alarms else fa_high)
        rows.append(
            Figure(
                f"{n} groups: found / false alarms",
                ratio,
                "x chance" if alarms else "x chance (at least: against the 95 % bound)",
            )
        )
    return Section(
        f"Triage: checkerboard plaintext against random groups ({samples} samples each)",
        tuple(rows),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=300)
    args = ap.parse_args()
    print("\n".join(section(args.samples).lines()))


if __name__ == "__main__":
    main()
