"""cinq benchmarks: `make bench`. Every time figure is a ratio against a baseline
measured in the same run, interleaved with it (baseline, subject, baseline, ...),
the median of at least 5 pairs, printed with the baseline named, the target and
whether it is met. Never used in tests. What each section measures is in its module:

1. Text path (text_bench.py): cinq.encrypt + decrypt of 10 MB of neutral prose in the
   five languages against NumPy's bare ``(a - b) % 10`` on as many digits (target
   <= 2x), with a per-stage breakdown.
2. Pad digits (primitives_bench.py): random_digits against os.urandom of the bytes it
   consumed (target >= 0.70), digits per byte against the 2.408 limit.
3. Cipher (primitives_bench.py): encipher + decipher against NumPy's expression.
4. Start-up (system_bench.py): cinq --help, parse, encrypt, decrypt against
   ``python -c "import numpy"`` (target <= 2.5x).
5. Pad books (system_bench.py): taking the next page at 1,000 and 100,000 pages.
6. Codebook (codebook_bench.py): % shorter on neutral prose, per language.
7. Triage (triage_bench.py): random groups called plaintext; real prose found.
8. Depth (depth_bench.py): messages on one key read back (``solve``), found in a log
   against kappa's recall (``find``), and the pair screen at 20,000 messages against a
   bare BLAS product (``scale``); ``--only depth`` runs the three.
9. Radio (radio_bench.py), only with --radio: it takes many minutes.
10. Receiver (receiver_bench.py), with --radio or ``--only receiver``: group errors
   (silent and marked) on voices left out of training through a shortwave channel,
   runs called clean that were wrong, reception speed and memory; hours at full size
   (``--groups N`` sets the groups per cell).
11. Network (network_bench.py): messages queued and sent per second by 1, 8 and 32
   operator processes on PostgreSQL and 1 and 8 on SQLite, against SQLite with one.

Results also go to a JSON file (``--json``; default build/bench/results.json, which
git ignores).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

import codebook_bench  # type: ignore[import-not-found]
import depth_bench  # type: ignore[import-not-found]
import network_bench  # type: ignore[import-not-found]
import primitives_bench  # type: ignore[import-not-found]
import receiver_bench  # type: ignore[import-not-found]
import system_bench  # type: ignore[import-not-found]
import text_bench  # type: ignore[import-not-found]
import triage_bench  # type: ignore[import-not-found]
from measure import Section  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "build" / "bench" / "results.json"


@dataclasses.dataclass(frozen=True)
class Plan:
    """Sizes of one `make bench` run."""

    text_bytes: int
    text_runs: int
    digits: int
    fast_runs: int
    command_runs: int
    triage_samples: int
    radio_groups: int
    depth: depth_bench.Plan
    receiver: receiver_bench.Plan
    network_messages: int


FULL = Plan(10_000_000, 5, 10**7, 11, 7, 10_000, 200, depth_bench.FULL, receiver_bench.FULL, 640)
QUICK = Plan(1_000_000, 5, 10**7, 7, 5, 1_000, 40, depth_bench.QUICK, receiver_bench.QUICK, 320)


def sections(plan: Plan, radio: bool) -> list[tuple[str, Callable[[], Section]]]:
    out: list[tuple[str, Callable[[], Section]]] = [
        ("text", lambda: text_bench.section(plan.text_bytes, plan.text_runs)),
        ("pad", lambda: primitives_bench.pad_section(plan.digits, plan.fast_runs)),
        ("cipher", lambda: primitives_bench.cipher_section(plan.digits, plan.fast_runs)),
        ("startup", lambda: system_bench.startup_section(plan.command_runs)),
        ("pages", lambda: system_bench.pages_section(plan.fast_runs)),
        ("codebook", codebook_bench.section),
        ("triage", lambda: triage_bench.section(plan.triage_samples)),
        ("solve", lambda: depth_bench.solve_section(plan.depth)),
        ("find", lambda: depth_bench.find_section(plan.depth)),
        ("scale", lambda: depth_bench.scale_section(plan.depth)),
        ("network", lambda: network_bench.section(5, plan.network_messages)),
    ]
    if radio:
        out.append(("radio", lambda: _radio(plan.radio_groups)))
        out.append(("receiver", lambda: receiver_bench.section(plan.receiver)))
    return out


KEYS = (
    "text",
    "pad",
    "cipher",
    "startup",
    "pages",
    "codebook",
    "triage",
    "solve",
    "find",
    "scale",
    "network",
    "radio",
    "receiver",
)
GROUPS = {"depth": ("solve", "find", "scale")}
"""Names ``--only`` takes for several sections."""


def _radio(groups: int) -> Section:
    import radio_bench  # type: ignore[import-not-found]  # only with --radio: heavy

    lines = tuple(f"{name:42} {value}" for name, value in radio_bench.rows(groups))
    note = "real-time factors: audio seconds per second of one run each, not interleaved"
    return Section("Radio: group error rates against SNR; real-time factors", (), (*lines, note))


def _run(number: int, key: str, make: Callable[[], Section]) -> Section:
    """Run one section and print it; a section that raises is reported as failed (the
    library is changing under the benchmarks) and the others still run."""
    t0 = time.perf_counter()
    try:
        section = make()
    except Exception as e:
        where = traceback.extract_tb(e.__traceback__)[-1]
        why = f"FAILED: {type(e).__name__}: {e} ({where.filename}:{where.lineno})"
        section = Section(key, (), (why,), failed=True)
    section = dataclasses.replace(
        section, title=f"{number}. {section.title}", seconds=time.perf_counter() - t0
    )
    print("\n".join(section.lines()), end="\n\n", flush=True)
    return section


def machine() -> dict[str, object]:
    return {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
    }


def _sized(plan: Plan, groups: int | None) -> Plan:
    if groups is None:
        return plan
    receiver = dataclasses.replace(plan.receiver, groups=groups)
    return dataclasses.replace(plan, radio_groups=groups, receiver=receiver)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    ap.add_argument("--radio", action="store_true", help="also the radio sections (slow)")
    ap.add_argument("--groups", type=int, help="groups per cell of the radio sections")
    ap.add_argument("--only", help=f"comma-separated sections of: {','.join((*KEYS, *GROUPS))}")
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help="write results here")
    args = ap.parse_args()
    plan = _sized(QUICK if args.quick else FULL, args.groups)
    wanted = {k for w in args.only.split(",") for k in GROUPS.get(w, (w,))} if args.only else None
    if wanted is not None and not wanted <= set(KEYS):
        ap.error(f"--only: unknown section(s) {sorted(wanted - set(KEYS))}; known: {KEYS}")
    started = machine()
    print(f"cinq benchmarks ({'quick' if args.quick else 'full'}); machine: {started}")
    print("Times are wall clock; the CPU-time ratio is printed too (steadier on a busy box).")
    print()
    results = [
        _run(number, key, make)
        # A section named in --only runs even if slow (--radio not needed for it).
        for number, (key, make) in enumerate(sections(plan, args.radio or bool(wanted)), 1)
        if wanted is None or key in wanted
    ]
    report = {
        "quick": args.quick,
        "plan": dataclasses.asdict(plan),
        "machine_at_start": started,
        "machine_at_end": machine(),
        "sections": [s.to_json() for s in results],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"results: {args.json}")
    failed = [s.title for s in results if s.failed]
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
