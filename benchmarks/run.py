"""cinq benchmarks: `make bench`. Figures are ratios against baselines measured in the
same run on the same machine, so they compare across machines; never used in tests.

1. Pad digits: digits per second from the CSPRNG next to raw ``os.urandom`` bytes per
   second, and digits obtained per CSPRNG byte.
   Targets: >= 2.0 digits per byte, digits/s >= 70 % of the raw byte rate.
2. Encrypt + decrypt of 10 MB of digits through ``cinq.hazmat.cipher`` next to NumPy's own
   ``(a - b) % 10`` on arrays of the same size.
3. The text path (language folding + checkerboard encode and decode) in MB/s, for
   information.
4. Codebooks: how much shorter a message of our own in each language becomes with a
   keyed 1000-code book, on the language's default board.
5. Radio: group error rate against SNR before and after the repeat vote, for every
   voice and for Morse, and real-time factors of synthesis and reception.
6. Triage: checkerboard plaintext found, and false alarms on random groups, against
   the number of groups.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np

import codebook_bench  # type: ignore[import-not-found]
import radio_bench  # type: ignore[import-not-found]
from cinq import language as lg
from cinq.hazmat import cipher, pad


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_pad(n: int, repeat: int) -> list[tuple[str, str]]:
    pad.random_digits(n // 10)  # warm up
    t_digits = best_of(lambda: pad.random_digits(n), repeat)
    t_bytes = best_of(lambda: os.urandom(n), repeat)
    # Count what the generator really asks the CSPRNG for.
    asked = 0
    real = pad.os.urandom

    def counting(k: int) -> bytes:
        nonlocal asked
        asked += k
        return real(k)

    pad.os.urandom = counting  # type: ignore[attr-defined]
    try:
        pad.random_digits(n)
    finally:
        pad.os.urandom = real  # type: ignore[attr-defined]
    digit_rate, byte_rate = n / t_digits, n / t_bytes
    ratio = digit_rate / byte_rate
    per_byte = n / asked
    return [
        ("os.urandom (baseline)", f"{byte_rate / 1e6:8.1f} M bytes/s"),
        ("pad.random_digits", f"{digit_rate / 1e6:8.1f} M digits/s"),
        ("digits/s vs bytes/s", f"{ratio:8.2f}x   (target >= 0.70)  {_ok(ratio >= 0.70)}"),
        ("digits per CSPRNG byte", f"{per_byte:8.3f}    (target >= 2.0, limit 2.408)"
         f"  {_ok(per_byte >= 2.0)}"),
    ]  # fmt: skip


def bench_cipher(n: int, repeat: int) -> list[tuple[str, str]]:
    rng = np.random.default_rng(1)
    plain = rng.integers(0, 10, n, dtype=np.uint8)
    key = rng.integers(0, 10, n, dtype=np.uint8)
    a8, b8 = plain.astype(np.int8), key.astype(np.int8)

    def roundtrip() -> None:
        c = cipher.encipher(plain, key)
        p = cipher.decipher(c, key)
        assert p[0] == plain[0]

    def numpy_roundtrip() -> None:
        c = (a8 - b8) % 10
        p = (c + b8) % 10
        assert p[0] == a8[0]

    roundtrip()
    t_ours = best_of(roundtrip, repeat)
    t_np = best_of(numpy_roundtrip, repeat)
    mb = n / 1e6
    return [
        ("NumPy (a - b) % 10, + back (baseline)", f"{mb / t_np:8.1f} MB/s"),
        ("cinq encipher + decipher", f"{mb / t_ours:8.1f} MB/s"),
        ("ratio to NumPy", f"{t_np / t_ours:8.2f}x"),
    ]


def bench_text(size: int, repeat: int) -> list[tuple[str, str]]:
    sentence = "Meet me at the old mill at 23:45, bring 2 copies. "
    text = (sentence * (size // len(sentence) + 1))[:size]
    profile = lg.language("en")
    b = profile.board

    def roundtrip() -> None:
        digits = lg.encode(text, b, profile)
        assert b.decode(digits)[:4] == "MEET"

    t = best_of(roundtrip, repeat)
    t_copy = best_of(lambda: text.upper().encode("utf-8"), repeat)
    return [
        ("str.upper + encode (baseline)", f"{size / 1e6 / t_copy:8.1f} MB/s"),
        ("text -> digits -> text (CT-55)", f"{size / 1e6 / t:8.2f} MB/s"),
    ]


def _ok(good: bool) -> str:
    return "ok" if good else "MISSED"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = ap.parse_args()
    n = 10**6 if args.quick else 10**7
    repeat = 3 if args.quick else 7
    sections = [
        (f"1. Pad digits ({n:,} digits, best of {repeat})", bench_pad(n, repeat)),
        (f"2. Cipher on {n // 10**6} MB of digits", bench_cipher(n, repeat)),
        ("3. Text path on 1 MB of English text", bench_text(10**6 // (10 if args.quick else 1), 3)),
        ("4. Codebook (keyed, 1000 codes), benchmarks/texts/*.txt", codebook_bench.rows()),
        (
            "5. Radio (E11 voices: groups read 2+1 times; M12/M03 Morse)",
            radio_bench.rows(40 if args.quick else 200),
        ),
    ]
    for title, rows in sections:
        print(title)
        for name, value in rows:
            print(f"   {name:40} {value}")
        print()


if __name__ == "__main__":
    main()
