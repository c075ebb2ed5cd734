"""Regenerate src/cinq/analysis/plaintext_thresholds.toml: the simulated thresholds of
the checkerboard-plaintext test (:mod:`cinq.analysis.plaintext`).

For each length of 1 to ``--groups`` groups, ``--samples`` messages of uniform random
digits (seeded) are read on every built-in board in every language it carries; the
threshold of that length is the ``1 - alpha`` quantile of their best ``log L`` (NumPy's
``higher`` method: a value one of the samples reached).
Beyond the table the threshold is 0 (the floor), which random messages of that length
stop reaching long before.

Run it when the language models, the boards or the plaintext model change:
``.venv/bin/python scripts/plaintext_thresholds.py`` (about two minutes).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cinq.analysis import plaintext as pt

HEADER = """\
# The simulated thresholds of the checkerboard-plaintext test (cinq.analysis.plaintext).
# Made by scripts/plaintext_thresholds.py; run it again, do not edit by hand.
# thresholds[g - 1]: the best log L (nats; over every built-in board and language) that
# uniform random messages of g groups reach with probability alpha, from `samples`
# seeded messages a length.
"""


def thresholds(groups: int, samples: int, alpha: float, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    out = []
    for g in range(1, groups + 1):
        best = pt.strongest(rng.integers(0, 10, (samples, 5 * g), dtype=np.uint8))
        q = float(np.quantile(best, 1 - alpha, method="higher"))
        out.append(round(q, 2))
        print(f"{g:3} groups: {q:8.2f} (largest {best.max():.2f})", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=12)
    ap.add_argument("--samples", type=int, default=40_000)
    ap.add_argument("--alpha", type=float, default=0.002)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--out", type=Path, default=pt.CALIBRATION)
    args = ap.parse_args()
    table = thresholds(args.groups, args.samples, args.alpha, args.seed)
    body = (
        f"alpha = {args.alpha}\nsamples = {args.samples}\nseed = {args.seed}\n"
        f"thresholds = [{', '.join(f'{t:.2f}' for t in table)}]\n"
    )
    args.out.write_text(HEADER + body, encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
