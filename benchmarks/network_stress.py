"""The station under stress: many operator processes queueing and transmitting at once,
some killed with SIGKILL in the middle of whatever they were doing, and (PostgreSQL)
the server restarted in the middle of it all. Then the books must balance.

Each operator process queues ``messages`` real messages to random agents and fills one
slot of its own after each (a slot time no other process uses), reconnecting when the
database goes away. A killed operator is started again for what it had left. At the
end a supervisor spoils the pages abandoned by killed operators
(:func:`cinq.network.reconcile`), sends what is still queued, and
:func:`cinq.network.balance` checks: no page in two messages, every page taken either
in a sent message or spoiled, every move in the audit log. Then each agent reads every
message sent to it on the books exported before the run (:func:`verify_at_agents`):
the agent's own pad book refuses a page used for two different messages.

``python benchmarks/network_stress.py --engine postgresql --procs 32 --messages 1000
--agents 50`` is the issue's scenario; the tests run a small one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cinq import decrypt
from cinq.book import PadBook
from cinq.document import Document
from cinq.errors import CinqError
from cinq.network import Slot, Station, accounts, balance, export_books, reconcile
from cinq.network.localserver import LocalPostgres
from cinq.network.store import Unreachable

EPOCH = datetime(2027, 1, 1, tzinfo=UTC)


def worker(db: str, keys: str | None, index: int, start: int, messages: int, agents: int) -> None:
    """One operator: messages ``start`` to ``messages - 1`` of process ``index``; writes
    the number done so far to stdout after each, for the harness to restart from."""
    rng = random.Random(index * 1_000_003 + start)
    station = _connect(db, keys, index)
    k = start
    while k < messages:
        call = f"{rng.randrange(agents):03d}"
        at = EPOCH + timedelta(minutes=index * 1_000_000 + k)  # 32 operators: until 2088
        try:
            station.queue(call, f"message {k} of operator {index}", at=at)
            station.transmit(Slot(at + timedelta(seconds=30), call, 5810))
        except Unreachable:
            station = _reconnect(station, db, keys, index)
            continue  # a queued message without its slot is sent at the end
        k += 1
        print(k, flush=True)


def _connect(db: str, keys: str | None, index: int) -> Station:
    for _ in range(600):
        try:
            return Station.open(db, key_file=keys, actor=f"op{index}")
        except Unreachable:
            time.sleep(0.1)
    raise SystemExit(f"operator {index}: the database did not come back")


def _reconnect(station: Station, db: str, keys: str | None, index: int) -> Station:
    with contextlib.suppress(Exception):
        station.close()
    return _connect(db, keys, index)


@dataclass
class Outcome:
    engine: str
    procs: int
    messages: int
    agents: int
    kills: int
    restarts: int
    seconds: float
    counts: dict[str, int]
    problems: tuple[str, ...]
    spoiled_by_reconcile: int

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def _setup(
    folder: Path, engine: str, agents: int, pages: int
) -> tuple[str, str | None, LocalPostgres | None]:
    pg = None
    keys = None
    if engine == "postgresql":
        pg = LocalPostgres.start(folder / "pg")
        db = pg.create_database("station")
        keys = str(folder / "keys.bin")
    else:
        db = str(folder / "station.db")
    with Station.create(db, name="stress", key_file=keys) as st:
        for a in range(agents):
            st.add_agent(f"{a:03d}", pages=pages, groups=20)
            export_books(st, f"{a:03d}", folder / f"agent{a:03d}")
    return db, keys, pg


def verify_at_agents(st: Station, folder: Path) -> list[str]:
    """Every message sent, read by its agent on the book exported before the run: a
    page used twice would be refused there (read for a different message), a wrong
    key would fail its check groups. The problems found."""
    with st.db.read() as cur:
        sent = cur.execute("SELECT agent, groups FROM message WHERE state = 'sent'").fetchall()
    books: dict[str, PadBook] = {}
    problems = []
    for agent, groups in sent:
        book = books.get(agent) or books.setdefault(
            agent, PadBook.open(folder / f"agent{agent}.receive.pad")
        )
        try:
            decrypt(Document(groups=tuple(groups.split())), book)
        except CinqError as exc:
            problems.append(f"agent {agent}: {exc}")
    for b in books.values():
        b.close()
    return problems


def _spawn(
    db: str, keys: str | None, i: int, start: int, args: argparse.Namespace
) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--worker", str(i), "--start", str(start), "--db", db,
           "--messages", str(args.messages), "--agents", str(args.agents)]  # fmt: skip
    if keys:
        cmd += ["--key-file", keys]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)


def _done(p: subprocess.Popen[str]) -> int:
    """The last count a killed or finished worker printed."""
    out = p.stdout.read() if p.stdout else ""
    lines = out.split()
    return int(lines[-1]) if lines else 0


def run(args: argparse.Namespace, folder: Path) -> Outcome:
    pages = args.messages * args.procs * 2 // args.agents + 50
    db, keys, pg = _setup(folder, args.engine, args.agents, pages)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    try:
        kills, restarts = _drive(db, keys, pg, args, rng)
    finally:
        seconds = time.perf_counter() - t0
    with Station.open(db, key_file=keys, actor="supervisor") as st:
        spoiled = reconcile(st, older_than=timedelta(0))
        _drain(st)
        result = balance(st)
        problems = result.problems + tuple(verify_at_agents(st, folder))
    if result.counts["messages_queued"] or result.counts["pages_taken"]:
        problems += ("pages left in queued messages or taken after the drain",)
    if pg is not None:
        pg.stop()
    return Outcome(args.engine, args.procs, args.messages, args.agents, kills, restarts,
                   round(seconds, 1), result.counts, problems, len(spoiled))  # fmt: skip


def _drive(
    db: str,
    keys: str | None,
    pg: LocalPostgres | None,
    args: argparse.Namespace,
    rng: random.Random,
) -> tuple[int, int]:
    procs = {i: (_spawn(db, keys, i, 0, args), 0) for i in range(args.procs)}
    kills = restarts = 0
    deadline_restart = (
        time.monotonic() + args.restart_after if pg is not None and args.restart_after else None
    )
    while any(p.poll() is None for p, _ in procs.values()):
        time.sleep(rng.uniform(0.05, 0.3))
        running = [i for i, (p, _) in procs.items() if p.poll() is None]
        if running and kills < args.kills:
            i = rng.choice(running)
            p, _ = procs[i]
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            done = _done(p)
            procs[i] = (_spawn(db, keys, i, done, args), done)
        if deadline_restart is not None and time.monotonic() > deadline_restart:
            assert pg is not None
            pg.restart()
            restarts += 1
            deadline_restart = None
    failed = [i for i, (p, _) in procs.items() if p.returncode != 0]
    if failed:
        raise SystemExit(f"operators {failed} failed")
    return kills, restarts


def _drain(st: Station) -> None:
    """Send every message still queued, in slots after the run."""
    at = datetime(2200, 1, 1, tzinfo=UTC)
    for acc in accounts(st):
        for n in range(acc.queued):
            st.transmit(Slot(at + timedelta(minutes=n), acc.agent, 5810))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=("sqlite", "postgresql"), default="postgresql")
    ap.add_argument("--procs", type=int, default=32)
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--agents", type=int, default=50)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--restart-after", type=float, default=20.0, help="seconds (PostgreSQL)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--key-file", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker is not None:
        worker(args.db, args.key_file, args.worker, args.start, args.messages, args.agents)
        return 0
    with tempfile.TemporaryDirectory(prefix="cinq-stress-") as d:
        outcome = run(args, Path(d))
    text = json.dumps(outcome.to_json(), indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0 if not outcome.problems else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CinqError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
