"""Triage: does it call random groups "checkerboard plaintext"? And does it find real
prose on each built-in board? Target (issue 13): false "checkerboard plaintext" at most
1 % at every length from 5 groups up, 10,000 random messages a length, with the
detection rate at 10 and 20 groups printed beside it.

False alarms: uniform digits from a seeded generator at 5, 6, 7, 8, 10, 15 and 20
groups, judged as triage judges them (:func:`cinq.analysis.plaintext.plaintext_found`:
every built-in board in every language it carries). The rate is printed with its 95 %
upper bound (Clopper-Pearson) and the largest ``log L`` seen beside the threshold: the
margin. The thresholds were simulated at 0.2 % on other seeds
(``scripts/plaintext_thresholds.py``); these messages are new draws.

Detection: windows of real running text (:mod:`corpora`: Debian's fortunes and FAQ
texts, which did not build the language models), from a random paragraph on, encoded
on each built-in board in each language it carries (``Policy.FOLD | Policy.DROP``: a
board without a cell for a sign leaves it out), cut to 10 and 20 groups.

Unreadable digits: random messages of 5 groups with one ``?`` and prose of 20 groups
with two, at random places; such messages are held to the Markov bound (0.1 %).

Run alone: ``python benchmarks/triage_bench.py [--quick]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

import corpora  # type: ignore[import-not-found]
from cinq import checkerboard as cb
from cinq import language as lg
from cinq.analysis import plaintext as pt
from cinq.depth.stream import UNKNOWN
from measure import Figure, Goal, Section, Target  # type: ignore[import-not-found]

FALSE_SIZES = ((5, 0), (6, 0), (7, 0), (8, 0), (10, 0), (15, 0), (20, 0), (5, 1))
FOUND_SIZES = ((10, 0), (20, 0), (20, 2))  # (groups, unreadable digits)
RANDOM = 10_000  # random messages a length
WINDOWS = 100  # prose windows a board, language and length


def upper95(k: int, n: int) -> float:
    """Clopper-Pearson 95 % upper bound of a rate seen k times in n."""
    return 1.0 if k >= n else float(stats.beta.ppf(0.975, k + 1, n - k))


def holed(messages: np.ndarray, holes: int, rng: np.random.Generator) -> np.ndarray:
    """``messages`` with ``holes`` digits of each, at random places, unreadable."""
    if not holes:
        return messages
    out = messages.copy()
    for row in out:
        row[rng.choice(len(row), holes, replace=False)] = UNKNOWN
    return out


def _named(n: int, holes: int) -> str:
    return f"{n} groups" + (f" with {holes} ? digit{'s' * (holes > 1)}" if holes else "")


def false_rows(samples: int, rng: np.random.Generator) -> list[Figure]:
    rows = []
    for n, holes in FALSE_SIZES:
        x = holed(rng.integers(0, 10, (samples, 5 * n), dtype=np.uint8), holes, rng)
        best = pt.strongest(list(x) if holes else x)
        bar = pt.threshold(5 * n - holes, unknown=bool(holes))
        alarms = int((best >= bar).sum())
        rows.append(
            Figure(
                f"{_named(n, holes)}: random called plaintext",
                100 * alarms / samples,
                "%",
                Target(Goal.AT_MOST, 1),
                note=f"{alarms} of {samples}; 95 % upper bound "
                f"{100 * upper95(alarms, samples):.2f} %; largest log L {best.max():.1f} "
                f"against the threshold {bar:.1f}",
            )
        )
    return rows


def prose_digits(lang: str, board: cb.Board, n: int, rng: np.random.Generator) -> np.ndarray:
    """Plaintext digits of ``n`` groups from a random paragraph of ``lang`` on."""
    pool = corpora.texts(lang)
    first = int(rng.integers(len(pool)))
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < 10 * n:  # room for the signs DROP leaves out
        parts.append(pool[(first + len(parts)) % len(pool)])
    text = " ".join(parts)
    if board.paren_toggle:  # one cell for ( and ): a text's unpaired ones cannot be written
        text = text.replace("(", "").replace(")", "")
    digits = lg.encode(text, board, lg.language(lang), lg.Policy.FOLD | lg.Policy.DROP)
    return np.asarray(digits[: 5 * n], dtype=np.uint8)


def found_rows(samples: int, rng: np.random.Generator) -> tuple[list[Figure], list[str]]:
    rows, notes = [], []
    for n, holes in FOUND_SIZES:
        rates = {}
        for board in cb.all_boards():
            for lang in pt.languages(board):
                x = np.array([prose_digits(lang, board, n, rng) for _ in range(samples)])
                x = holed(x, holes, rng)
                found = pt.plaintext_found(list(x) if holes else x)
                rates[f"{board.name}/{lang}"] = float(found.mean())
        worst = min(rates, key=lambda k: rates[k])
        rows.append(
            Figure(
                f"{_named(n, holes)}: real prose found",
                100 * float(np.mean(list(rates.values()))),
                "%",
                note=f"{samples} windows on each of {len(rates)} board/language pairs; "
                f"lowest {worst} {100 * rates[worst]:.0f} %",
            )
        )
        notes.append(
            f"{_named(n, holes)}, found by board/language: "
            + ", ".join(f"{k} {100 * v:.0f} %" for k, v in rates.items())
        )
    return rows, notes


def section(samples: int = RANDOM, windows: int = WINDOWS, seed: int = 1) -> Section:
    rng = np.random.default_rng(seed)
    found, notes = found_rows(windows, rng)
    origins = "; ".join(corpora.origin(lang).line() for lang in corpora.LANGS)
    return Section(
        f"Triage: random groups called checkerboard plaintext ({samples:,} a length), "
        "real prose found",
        (*false_rows(samples, rng), *found),
        (*notes, f"prose: {origins}"),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1,000 random messages, 20 windows")
    args = ap.parse_args()
    s = section(1_000, 20) if args.quick else section()
    print("\n".join(s.lines()))


if __name__ == "__main__":
    main()
