"""Numbers-station audio: group error rate against SNR, before and after the repeat
vote, for every voice and for Morse; real-time factors of synthesis and reception.
Copies are made as ``cinq receive`` makes them (``known=True``: cinq's own voices are
recognised and read with the recogniser learnt for them, built once and cached).

Run alone: ``python benchmarks/radio_bench.py [--groups N]``.
"""

from __future__ import annotations

import argparse
import time

from cinq import digits as dg
from cinq.hazmat.pad import random_digits
from cinq.radio import channel, profiles, receive, synth

SNRS = (20, 10, 5, 0)
VOICES = ("en", "fr", "ru", "de", "es")


def error_rates(
    station: str, voice: str | None, groups: int, chunk: int = 100
) -> dict[int, tuple[float, float]]:
    """{snr: (group error rate without the vote, with it)} over ``groups`` groups."""
    p = profiles.load(station)
    out: dict[int, tuple[float, float]] = {}
    for snr in SNRS:
        wrong = [0, 0]
        for start in range(0, groups, chunk):
            sent = dg.to_groups(random_digits(5 * min(chunk, groups - start)))
            tx = synth.broadcast(sent, p, voice=voice)
            audio = channel.apply(tx.audio, tx.timeline, snr_db=snr, seed=snr * 1000 + start)
            for k, vote in enumerate((False, True)):
                got = receive.receive(audio, p, voice=voice, vote=vote, known=True).groups
                wrong[k] += sum(a != b for a, b in zip(got, sent, strict=False))
                wrong[k] += abs(len(got) - len(sent))
        out[snr] = (wrong[0] / groups, wrong[1] / groups)
    return out


def realtime(station: str, voice: str | None, groups: int = 50) -> tuple[float, float]:
    """Audio seconds per wall second: (synthesis, reception)."""
    p = profiles.load(station)
    sent = dg.to_groups(random_digits(5 * groups))
    synth.broadcast(sent[:2], p, voice=voice)  # espeak-ng's words cached, as in use
    t0 = time.perf_counter()
    tx = synth.broadcast(sent, p, voice=voice)
    t1 = time.perf_counter()
    audio = channel.apply(tx.audio, tx.timeline, snr_db=10, seed=1)
    receive.receive(audio, p, voice=voice, known=True)  # the known voice built, as in use
    t2 = time.perf_counter()
    receive.receive(audio, p, voice=voice, known=True)
    t3 = time.perf_counter()
    return tx.seconds / (t1 - t0), tx.seconds / (t3 - t2)


def rows(groups: int = 200) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    header = "  ".join(f"{s:>3} dB" + " " * 7 for s in SNRS)
    out.append(("group error rate (first reading / voted)", header))
    cases = [("E11", v) for v in VOICES] + [("M12", None), ("M03", None)]
    for station, voice in cases:
        rates = error_rates(station, voice, groups)
        cells = "  ".join(f"{100 * a:5.1f}/{100 * b:4.1f}%" for a, b in (rates[s] for s in SNRS))
        out.append((f"{station} {voice or 'morse'} ({groups} groups)", cells))
    for station, voice in (("E11", "en"), ("S06", "ru"), ("M12", None)):
        syn, rec = realtime(station, voice)
        out.append(
            (
                f"real time, {station} {voice or 'morse'}",
                f"synthesis {syn:6.0f}x   reception {rec:6.0f}x  (target >= 20x)",
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=200)
    args = ap.parse_args()
    for name, value in rows(args.groups):
        print(f"   {name:42} {value}")


if __name__ == "__main__":
    main()
