"""A week of a station's life on PostgreSQL: 50 agents, 4 operators, a schedule, bursty
real traffic; then the accounts, the audit log and the agents' own reading checked.

The supervisor creates the station, its agents and the operators' database users
(``op1`` ... ``op4``, role operator), and exports every agent's books. Each operator
process then walks the week's timeline: it queues its share of the real messages when
they are handed in and fills every slot of the schedule as it comes (all four try
every slot; the database lets one fill it, :meth:`cinq.network.Station.transmit`).
At the end:

* every slot went out exactly once, and nothing else did;
* each agent's send pages used = its transmissions + its backlog (messages still
  queued), and no page is in two messages (:func:`cinq.network.balance`);
* the audit log has one ``queue`` entry per message and one ``send`` per transmission,
  each under the database user of the operator that did it, and they add up to what
  each operator says it did;
* every agent reads every transmission to it on the books exported at the start: the
  real messages are exactly the texts handed in, the dummies read empty;
* an observer's view of the week is compared with a week of dummies alone
  (:func:`cinq.network.traffic.compare`).

``python benchmarks/network_week.py`` is the issue's scenario; the tests run a small one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cinq import decrypt
from cinq.book import PadBook
from cinq.network import Role, Schedule, Station, accounts, audit_log, balance, export_books
from cinq.network.localserver import LocalPostgres
from cinq.network.traffic import ObserverView, RealMessage, bursty_traffic, compare, simulate

START = datetime(2027, 3, 1, tzinfo=UTC)
SCHEDULE = """
profile = "e11"
[[slot]]
agents = "all"
times = ["20:00", "22:00"]
frequency_khz = 5810
stagger_minutes = 1
"""


def operator(db: str, keys: str, index: int, operators: int, agents: int, days: int) -> None:
    """Operator ``index``: its share of the real traffic and every slot, in time order;
    prints what it did as JSON."""
    calls = [f"{a:03d}" for a in range(agents)]
    schedule = Schedule.parse(SCHEDULE)
    end = START + timedelta(days=days)
    mine = bursty_traffic(calls, START, days, seed=16)[index::operators]
    events = sorted(
        [(m.at, 0, m) for m in mine] + [(s.at, 1, s) for s in schedule.slots(START, end, calls)],
        key=lambda e: (e[0], e[1]),
    )
    did = Counter[str]()
    with Station.open(db, key_file=keys) as station:
        for _, _, what in events:
            if isinstance(what, RealMessage):
                station.queue(what.agent, what.text, at=what.at)
                did["queued"] += 1
            elif station.transmit(what) is not None:
                did["sent"] += 1
    print(json.dumps(dict(did)))


def _spawn(db: str, keys: str, i: int, args: argparse.Namespace) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--operator", str(i), "--db", db, "--key-file", keys,
           "--operators", str(args.operators), "--agents", str(args.agents),
           "--days", str(args.days)]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)


def _setup(pg: LocalPostgres, folder: Path, args: argparse.Namespace) -> tuple[str, str]:
    db, keys = pg.create_database("station"), str(folder / "keys.bin")
    pages = args.days * 2 + 40  # two slots a day, and room for a backlog
    with Station.create(db, name="week", key_file=keys) as st:
        for a in range(args.agents):
            st.add_agent(f"{a:03d}", pages=pages, groups=50)
            export_books(st, f"{a:03d}", folder / f"agent{a:03d}")
        for i in range(1, args.operators + 1):
            st.grant(f"op{i}", Role.OPERATOR)
    return db, keys


def _agents_read(st: Station, folder: Path, handed_in: list[RealMessage]) -> list[str]:
    """Every transmission read by its agent; the problems found."""
    with st.db.read() as cur:
        rows = cur.execute(
            "SELECT t.agent, m.groups, m.dummy FROM transmission t "
            "JOIN message m ON m.id = t.message ORDER BY t.at"
        ).fetchall()
    read: Counter[tuple[str, str]] = Counter()
    problems = []
    for agent, groups, dummy in rows:
        with PadBook.open(folder / f"agent{agent}.receive.pad") as book:
            text = decrypt(" ".join(groups.split()), book).text
        if bool(dummy) != (text == ""):
            problems.append(f"agent {agent}: a {'dummy' if dummy else 'message'} read {text!r}")
        if text:
            read[(agent, text)] += 1
    expected = Counter((m.agent, " ".join(m.text.upper().split())) for m in handed_in)
    if any(read[k] > expected[k] for k in read):
        problems.append("an agent read a message that was not handed in, or one twice")
    return problems


def _audit_problems(st: Station, reports: list[dict[str, int]]) -> list[str]:
    """Each operator's real queues and sends in the audit log, under its own database
    user, against what the operator says it did."""
    logged = Counter((e.actor, e.action.value, e.detail == "dummy") for e in audit_log(st))
    problems = []
    for i, did in enumerate(reports, 1):
        for action, key in (("queue", "queued"), ("send", "sent")):
            n = logged[(f"op{i}", action, False)]
            if n != did.get(key, 0):
                problems.append(
                    f"op{i}: the audit log has {n} {action} entries, not {did.get(key, 0)}"
                )
    return problems


def run(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    pg = LocalPostgres.start(folder / "pg")
    try:
        db, keys = _setup(pg, folder, args)
        procs = [_spawn(pg.url("station", user=f"op{i + 1}"), keys, i, args)
                 for i in range(args.operators)]  # fmt: skip
        outs = [p.communicate()[0] for p in procs]
        if any(p.returncode for p in procs):
            raise SystemExit(f"an operator failed: {[p.returncode for p in procs]}")
        reports = [json.loads(o.strip().splitlines()[-1]) for o in outs]
        return _report(db, keys, folder, args, reports)
    finally:
        pg.stop()


def _report(
    db: str, keys: str, folder: Path, args: argparse.Namespace, reports: list[dict[str, int]]
) -> dict[str, object]:
    calls = [f"{a:03d}" for a in range(args.agents)]
    handed_in = bursty_traffic(calls, START, args.days, seed=16)
    slots = Schedule.parse(SCHEDULE).slots(START, START + timedelta(days=args.days), calls)
    with Station.open(db, key_file=keys) as st:
        result = balance(st)
        accs = accounts(st)
        problems = list(result.problems)
        if result.counts["transmissions"] != len(slots):
            problems.append(
                f"{result.counts['transmissions']} transmissions for {len(slots)} slots"
            )
        problems += [f"agent {a.agent}: pages do not add up" for a in accs
                     if a.pages["send"].get("used", 0) != a.sent + a.queued]  # fmt: skip
        problems += _audit_problems(st, reports)
        problems += _agents_read(st, folder, handed_in)
        view = _view(st)
    quiet = _dummy_week(folder, args)
    return {
        "agents": args.agents, "operators": args.operators, "days": args.days,
        "slots": len(slots), "real_messages": len(handed_in),
        "counts": result.counts, "by_operator": reports,
        "pages_per_agent": {"min": min(a.sent + a.queued for a in accs),
                            "max": max(a.sent + a.queued for a in accs)},
        "backlog_at_end": sum(a.queued for a in accs),
        "traffic_test": compare(view, quiet).to_json(),
        "problems": problems,
    }  # fmt: skip


def _view(st: Station) -> ObserverView:
    from cinq.network.schedule import Slot
    from cinq.network.station import Transmission

    with st.db.read() as cur:
        rows = cur.execute(
            "SELECT t.agent, t.at, m.groups FROM transmission t JOIN message m ON m.id = t.message"
        ).fetchall()
    sent = [Transmission(Slot(datetime.fromisoformat(at), a, 5810), 0, tuple(g.split()), False)
            for a, at, g in rows]  # fmt: skip
    return ObserverView.of(sent, START)


def _dummy_week(folder: Path, args: argparse.Namespace) -> ObserverView:
    """The same schedule with no traffic at all, on an SQLite station."""
    with Station.create(folder / "quiet.db") as st:
        for a in range(args.agents):
            st.add_agent(f"{a:03d}", pages=args.days * 2 + 5, groups=50)
        sent = simulate(st, Schedule.parse(SCHEDULE), START, START + timedelta(days=args.days))
    return ObserverView.of(sent, START)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=50)
    ap.add_argument("--operators", type=int, default=4)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--operator", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--key-file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.operator is not None:
        operator(args.db, args.key_file, args.operator, args.operators, args.agents, args.days)
        return 0
    with tempfile.TemporaryDirectory(prefix="cinq-week-") as d:
        report = run(args, Path(d))
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
