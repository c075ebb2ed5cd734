"""Start-up of the commands, and taking the next page of a pad book.

Start-up: wall time of ``cinq --help``, ``cinq parse``, ``cinq encrypt`` and ``cinq
decrypt`` run as subprocesses (the installed console script, small inputs made
outside the clock) against ``python -c "import numpy"`` with the same interpreter,
interleaved. Target: within 2.5x.

Page taking: ``PadBook.take_for_sending`` of one page from a fresh book of 1,000 and of
100,000 pages (50 groups a page, built outside the clock), against a trivial indexed
SQLite ``SELECT`` of one page by number on the same file; and the 100,000-page take
against the 1,000-page take, interleaved: O(1) page taking makes that ratio about 1
(target <= 1.5).

Run alone: ``python benchmarks/system_bench.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import cinq
from measure import (  # type: ignore[import-not-found]
    Comparison,
    Goal,
    Section,
    Span,
    Stopwatch,
    Target,
    Timed,
    interleave,
)

CINQ = str(Path(sys.executable).with_name("cinq"))
PLAIN = "Meet the courier at the north gate at 21:30 tomorrow"


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def start_env(cache: Path) -> dict[str, str]:
    """The environment both sides of a start-up comparison run in.

    As an installed package runs: compiled bytecode kept (a checkout run with
    PYTHONDONTWRITEBYTECODE=1 would recompile cinq's source on every start, ~0.5 s), in
    a folder of this run. OpenBLAS on one thread for both sides: cinq's console script
    asks for that itself, and a baseline whose BLAS threads spin on a busy box would
    make the ratio flatter cinq.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


def command(args: Sequence[str], stdin: bytes = b"", env: Mapping[str, str] | None = None) -> Timed:
    """Run ``args`` (must exit 0); wall time, and the child's CPU time."""

    def run() -> Span:
        cpu0 = _child_cpu()
        watch = Stopwatch()
        done = subprocess.run(
            args, input=stdin, capture_output=True, timeout=120, check=False, env=env
        )
        span = watch.stop()
        if done.returncode != 0:
            raise AssertionError(f"{' '.join(args)}: exit {done.returncode}: {done.stderr!r}")
        return Span(span.wall, _child_cpu() - cpu0)

    return run


@contextmanager
def _folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="cinq-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def startup_section(runs: int) -> Section:
    with _folder() as d:
        send, receive = cinq.PadBook.create_pair(d / "s", pages=2 * runs + 10)
        (d / "plain.txt").write_text(PLAIN + "\n", encoding="utf-8")
        with cinq.PadBook.open(send) as book:
            doc = cinq.encrypt(PLAIN, book)
        (d / "doc.txt").write_text(doc.render(per_line=5), encoding="utf-8")
        env = start_env(d / "pycache")
        numpy = command([sys.executable, "-c", "import numpy"], env=env)
        commands = {
            "cinq --help": [CINQ, "--help"],
            "cinq parse doc.txt": [CINQ, "parse", str(d / "doc.txt")],
            "cinq encrypt --book s.send.pad plain.txt": [
                CINQ, "encrypt", "--book", str(send), str(d / "plain.txt"),
            ],
            "cinq decrypt --book s.receive.pad doc.txt": [
                CINQ, "decrypt", "--book", str(receive), str(d / "doc.txt"),
            ],
        }  # fmt: skip
        rows = []
        for name, args in commands.items():
            timing = interleave(command(args, env=env), numpy, runs)
            rows.append(
                Comparison(
                    name=name,
                    subject=name + " (subprocess)",
                    baseline='python -c "import numpy" (subprocess)',
                    subject_runs=timing.subject,
                    baseline_runs=timing.baseline,
                    target=Target(Goal.AT_MOST, 2.5),
                )
            )
    return Section("Start-up: commands against importing NumPy", tuple(rows))


def take_one(book: cinq.PadBook) -> Timed:
    def run() -> Span:
        watch = Stopwatch()
        book.take_for_sending(1)
        return watch.stop()

    return run


def select_one(path: Path, number: int) -> Timed:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def run() -> Span:
        watch = Stopwatch()
        conn.execute("SELECT page_id FROM page WHERE number = ?", (number,)).fetchone()
        return watch.stop()

    return run


def pages_section(runs: int, sizes: tuple[int, int] = (1_000, 100_000)) -> Section:
    with _folder() as d:
        paths = {n: cinq.PadBook.create_pair(d / f"p{n}", pages=n)[0] for n in sizes}
        small, large = (cinq.PadBook.open(paths[n]) for n in sizes)
        try:
            rows = [
                _take_vs_select(book, paths[n], n, runs)
                for n, book in zip(sizes, (small, large), strict=True)
            ]
            timing = interleave(take_one(large), take_one(small), runs)
            rows.append(
                Comparison(
                    name=f"take at {sizes[1]:,} pages against at {sizes[0]:,}",
                    subject=f"take_for_sending, {sizes[1]:,}-page book",
                    baseline=f"take_for_sending, {sizes[0]:,}-page book",
                    subject_runs=timing.subject,
                    baseline_runs=timing.baseline,
                    target=Target(Goal.AT_MOST, 1.5),
                    notes=("O(1) taking: about 1",),
                )
            )
        finally:
            small.close()
            large.close()
    return Section("Pad books: taking the next page", tuple(rows))


def _take_vs_select(book: cinq.PadBook, path: Path, n: int, runs: int) -> Comparison:
    timing = interleave(take_one(book), select_one(path, n // 2), runs)
    return Comparison(
        name=f"take the next page, {n:,}-page book",
        subject="PadBook.take_for_sending(1) (a write transaction)",
        baseline="SQLite SELECT of one page by number, same file",
        subject_runs=timing.subject,
        baseline_runs=timing.baseline,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    for s in (startup_section(args.runs), pages_section(args.runs)):
        print("\n".join(s.lines()))


if __name__ == "__main__":
    main()
