"""The hazmat primitives: pad digits against the CSPRNG bytes they consume, and the
mod-10 cipher against NumPy.

Pad rate: ``random_digits(n)`` reads ``os.urandom`` through a counting wrapper, so each
run knows exactly how many bytes it consumed; the baseline, the run right before it,
is one ``os.urandom`` call for that many bytes. The ratio is CSPRNG time / digits time
(higher is better; 1 would mean the conversion is free). Digits per byte is printed
against the limit ``log(256) / log(10) = 2.408``.

Cipher: ``encipher`` then ``decipher`` against NumPy's ``(a - b) % 10`` then
``(c + b) % 10``, all on uint8 arrays, each step allocating its output as cinq's do.
(On uint8 the NumPy expression is not even right when ``a < b``: it is the cheapest
spelling, so the comparison does not flatter cinq.)

Run alone: ``python benchmarks/primitives_bench.py [--digits N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import math
import os

import numpy as np

from cinq.hazmat import cipher, pad
from measure import (  # type: ignore[import-not-found]
    Comparison,
    Figure,
    Goal,
    Section,
    Span,
    Stopwatch,
    Target,
    interleave,
)

LIMIT = math.log(256) / math.log(10)


class CountingSource:
    """``os.urandom``, counting the bytes of the last call to :func:`random_digits`."""

    def __init__(self) -> None:
        self.bytes = 0

    def __call__(self, k: int) -> bytes:
        self.bytes += k
        return os.urandom(k)


def pad_section(n: int, runs: int) -> Section:
    source = CountingSource()

    def digits() -> Span:
        source.bytes = 0
        watch = Stopwatch()
        pad.random_digits(n, source=source)
        return watch.stop()

    def csprng() -> Span:
        k = source.bytes
        watch = Stopwatch()
        os.urandom(k)
        return watch.stop()

    # Each subject run comes before its baseline: it says how many bytes to time.
    timing = interleave(digits, csprng, runs, subject_first=True)
    per_byte = n / source.bytes
    rate = Comparison(
        name=f"pad digits: {n:,} digits",
        subject=f"cinq.hazmat.pad.random_digits({n:,})",
        baseline=f"os.urandom of the {source.bytes:,} bytes it consumed",
        subject_runs=timing.subject,
        baseline_runs=timing.baseline,
        target=Target(Goal.AT_LEAST, 0.70),
        inverse=True,
    )
    return Section(
        "Pad digits: the CSPRNG conversion against the CSPRNG bytes it consumes",
        (
            rate,
            Figure("digits per CSPRNG byte", per_byte, f"(limit {LIMIT:.3f})"),
            Figure("digits/s", n / float(np.median(rate.subject_s)) / 1e6, "million"),
        ),
    )


def cipher_section(n: int, runs: int) -> Section:
    rng = np.random.default_rng(1)
    plain = rng.integers(0, 10, n, dtype=np.uint8)
    key = rng.integers(0, 10, n, dtype=np.uint8)

    def ours() -> Span:
        watch = Stopwatch()
        cipher.decipher(cipher.encipher(plain, key), key)
        return watch.stop()

    def bare() -> Span:
        watch = Stopwatch()
        (((plain - key) % 10) + key) % 10
        return watch.stop()

    timing = interleave(ours, bare, runs)
    check = cipher.decipher(cipher.encipher(plain, key), key)
    if not np.array_equal(check, plain):
        raise AssertionError("the cipher round trip failed")
    comparison = Comparison(
        name=f"mod-10 cipher: encipher + decipher of {n:,} digits",
        subject="cinq.hazmat.cipher.encipher + decipher",
        baseline="NumPy (a - b) % 10, then (c + b) % 10, uint8",
        subject_runs=timing.subject,
        baseline_runs=timing.baseline,
        notes=("no target: below 1 means faster than NumPy's own expression",),
    )
    return Section("Cipher: the bare mod-10 step against NumPy", (comparison,))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--digits", type=int, default=10**7)
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    for s in (pad_section(args.digits, args.runs), cipher_section(args.digits, args.runs)):
        print("\n".join(s.lines()))


if __name__ == "__main__":
    main()
