"""A station's throughput: messages queued and sent per second by 1, 8 and 32 operator
processes on PostgreSQL, and by 1 and 8 on SQLite, in the same run.

Each measurement is a fresh station (agents made and the server started outside the
clock); the operators connect, say they are ready, and are then all told to go: the
clock runs from "go" until the last has queued and sent its share of ``total``
messages (one queue and one transmit each, as an operator works). The configurations
are interleaved, ``runs`` rounds, and each is reported as a ratio of its median rate
against the baseline the issue names: **SQLite with one operator**. Two cores: more
operators than cores measure contention, not parallel speed.

Run alone: ``python benchmarks/network_bench.py [--runs N] [--total N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cinq.network import Slot, Station
from cinq.network.localserver import LocalPostgres
from measure import Comparison, Figure, Section, Span  # type: ignore[import-not-found]

CONFIGS = (("sqlite", 1), ("sqlite", 8), ("postgresql", 1), ("postgresql", 8), ("postgresql", 32))
AGENTS = 50
EPOCH = datetime(2027, 1, 1, tzinfo=UTC)


def operator(db: str, keys: str | None, index: int, count: int) -> None:
    """Connect, print "ready", wait for a line on stdin, then queue and send."""
    station = Station.open(db, key_file=keys, actor=f"op{index}")
    print("ready", flush=True)
    sys.stdin.readline()
    for k in range(count):
        call = f"{(index * 7 + k) % AGENTS:03d}"
        at = EPOCH + timedelta(minutes=index * 1_000_000 + k)
        station.queue(call, f"message {k} from operator {index}", at=at)
        station.transmit(Slot(at + timedelta(seconds=30), call, 5810))
    station.close()


@dataclass
class Bench:
    folder: Path
    total: int
    pg: LocalPostgres | None = None
    made: int = 0

    def station(self, engine: str) -> tuple[str, str | None]:
        self.made += 1
        if engine == "postgresql":
            if self.pg is None:
                self.pg = LocalPostgres.start(self.folder / "pg")
            db, keys = self.pg.create_database(f"s{self.made}"), str(self.folder / f"k{self.made}")
        else:
            db, keys = str(self.folder / f"s{self.made}.db"), None
        with Station.create(db, key_file=keys) as st:
            for a in range(AGENTS):
                st.add_agent(f"{a:03d}", pages=self.total // AGENTS * 2 + 20, groups=20)
        return db, keys

    def measure(self, engine: str, operators: int) -> Span:
        db, keys = self.station(engine)
        share = self.total // operators
        procs = [_spawn(db, keys, i, share) for i in range(operators)]
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        t0, c0 = time.perf_counter(), _children_cpu()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        codes = [p.wait() for p in procs]
        span = Span(time.perf_counter() - t0, _children_cpu() - c0)
        if any(codes):
            raise RuntimeError(f"an operator failed ({engine}, {operators}): exit {codes}")
        return Span(span.wall / (share * operators), span.cpu / (share * operators))

    def close(self) -> None:
        if self.pg is not None:
            self.pg.stop()


def _spawn(db: str, keys: str | None, index: int, count: int) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--operator", str(index), "--count", str(count), "--db", db]
    if keys:
        cmd += ["--key-file", keys]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _name(engine: str, operators: int) -> str:
    return f"{'PostgreSQL' if engine == 'postgresql' else 'SQLite'}, {operators} operator(s)"


def section(runs: int = 5, total: int = 640) -> Section:
    """The rates, interleaved over ``runs`` rounds; each against SQLite with one."""
    with tempfile.TemporaryDirectory(prefix="cinq-bench-network-") as d:
        bench = Bench(Path(d), total)
        try:
            for config in CONFIGS:  # warm-up, not counted
                bench.measure(*config)
            spans: dict[tuple[str, int], list[Span]] = {c: [] for c in CONFIGS}
            for _ in range(runs):
                for config in CONFIGS:
                    spans[config].append(bench.measure(*config))
        finally:
            bench.close()
    base = ("sqlite", 1)
    rows: list[Comparison | Figure] = [
        Figure(f"{_name(*c)}: messages/s", 1 / statistics.median(s.wall for s in spans[c]), "msg/s")
        for c in CONFIGS
    ]
    rows += [
        Comparison(
            f"{_name(*c)} against {_name(*base)}",
            _name(*c),
            _name(*base),
            tuple(spans[c]),
            tuple(spans[base]),
            inverse=True,
        )
        for c in CONFIGS
        if c != base
    ]
    notes = (
        f"{total} messages a measurement (queue + transmit each), {AGENTS} agents, "
        f"pages of 20 groups; ratio = rate / SQLite-1's rate (higher is faster); 2 cores",
        "CPU ratios count the operator processes only, not PostgreSQL's server processes",
    )
    return Section("Network: messages sent per second by operators", tuple(rows), notes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--total", type=int, default=640)
    ap.add_argument("--operator", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--count", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--key-file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.operator is not None:
        operator(args.db, args.key_file, args.operator, args.count)
        return 0
    print("\n".join(section(args.runs, args.total).lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
