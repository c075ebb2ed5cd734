"""`cinq network` as an operator runs it, on an SQLite station in a temporary folder:
a station, an agent and its exported books, messages queued, a schedule run into
documents the agent decrypts with `cinq decrypt`, the accounts, the audit log, and the
refusals (each exit 2, nothing taken, nothing recorded). In process (tests.clirun);
PostgreSQL stations are tested elsewhere."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cinq.network import Station
from tests.clirun import Result, cinq

SRC = Path(__file__).resolve().parents[1] / "src"
SCHEDULE = 'profile = "e11"\n[[slot]]\nagents = ["374"]\ntimes = ["21:00"]\nfrequency_khz = 5810\n'
# Three daily slots, far enough ahead that every message queued now is sent in them.
SPAN = ("--from", "2030-01-07T00:00Z", "--to", "2030-01-10T00:00Z")
FIRST_DAY = ("--from", "2030-01-07T00:00Z", "--to", "2030-01-08T00:00Z")
NAMES = [f"2030010{d}T2100Z-374.txt" for d in (7, 8, 9)]


@dataclass(frozen=True)
class Net:
    """A station with agent 374 (6 pages of 20 groups each way), its books exported."""

    folder: Path
    db: Path
    base: Path  # the agent's books: BASE.receive.pad, BASE.send.pad
    schedule: Path

    def run(self, *args: str | Path, input: str | None = None) -> Result:
        return cinq("network", *args, "--db", self.db, input=input, cwd=self.folder)

    def status(self) -> dict[str, Any]:
        r = self.run("status", "--json")
        assert r.returncode == 0, r.stderr
        data: dict[str, Any] = json.loads(r.stdout)
        return data

    def agent(self) -> dict[str, Any]:
        (agent,) = self.status()["agents"]
        assert isinstance(agent, dict)
        return agent

    def sent(self) -> int:
        return int(self.status()["balance"]["counts"]["transmissions"])


@pytest.fixture
def net(tmp_path: Path) -> Net:
    db, base, schedule = tmp_path / "station.db", tmp_path / "a374", tmp_path / "week.toml"
    schedule.write_text(SCHEDULE, encoding="utf-8")
    n = Net(tmp_path, db, base, schedule)
    for args in (("init", "--name", "north"), ("agent", "add", "374", "--pages", "6",
                 "--groups", "20"), ("agent", "export", "374", base)):  # fmt: skip
        r = n.run(*args)
        assert r.returncode == 0, r.stderr
    return n


def read(net: Net, document: Path) -> str:
    """What the agent reads in a document, with the exported receive book."""
    r = cinq("decrypt", "--book", f"{net.base}.receive.pad", document)
    assert r.returncode == 0, r.stderr
    return r.stdout


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the station and its agent ----------------------------------------------------------


def test_init_prints_the_station_and_never_overwrites_a_file(tmp_path: Path) -> None:
    db = tmp_path / "st.db"
    r = cinq("network", "init", "--db", db)
    assert r.returncode == 0 and r.stdout == f"{db}\n", r.stderr
    assert db.stat().st_mode & 0o777 == 0o600
    before = digest(db)
    again = cinq("network", "init", "--db", db, "--name", "other")
    assert again.returncode == 2 and "never overwritten" in again.stderr
    assert digest(db) == before
    from_env = cinq("network", "status", "--json", env={"CINQ_NETWORK_DB": str(db)})
    assert from_env.returncode == 0 and json.loads(from_env.stdout)["agents"] == []


def test_export_writes_the_agents_two_books(net: Net) -> None:
    r = net.run("agent", "export", "374", net.folder / "again", "--json")
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout)
    assert done["burned"] == {"send": 0, "receive": 0}
    assert Path(done["receive_book"]).name == "again.receive.pad"
    book = cinq("pad", "status", done["receive_book"], "--json")
    assert json.loads(book.stdout)["role"] == "receive"
    over = net.run("agent", "export", "374", net.base)  # the books of the fixture
    assert over.returncode == 2 and "exist" in over.stderr
    added = net.run("agent", "add", "374")
    assert added.returncode == 2 and "already exists" in added.stderr


def test_queue_run_and_the_agent_decrypts_each_document(net: Net) -> None:
    first = net.run("queue", "374", "MEET AT DAWN")
    assert first.returncode == 0 and first.stdout.startswith("indicator "), first.stderr
    second = net.run("queue", "374", "-", "--json", input="BRING THE KEY\n")
    queued = json.loads(second.stdout)
    assert (queued["agent"], queued["message"], queued["dummy"]) == ("374", 2, False)
    out = net.folder / "out"
    out.mkdir()
    r = net.run("run", "--schedule", net.schedule, *SPAN, "--out", out)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines == [f"2030-01-0{d}T21:00:00Z    374  5810 kHz  17 groups" for d in (7, 8, 9)]
    assert sorted(p.name for p in out.iterdir()) == NAMES
    texts = [read(net, out / name) for name in NAMES]
    assert texts == ["MEET AT DAWN\n", "BRING THE KEY\n", "\n"]  # the third: a dummy
    assert (out / NAMES[0]).read_text().split()[0] == first.stdout.split()[1].rstrip(",")


def test_a_second_run_skips_the_slots_already_sent_and_json_says_dummy(net: Net) -> None:
    assert net.run("run", "--schedule", net.schedule, *FIRST_DAY).returncode == 0
    r = net.run("run", "--schedule", net.schedule, *SPAN, "--jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows[0] == {"at": "2030-01-07T21:00:00Z", "agent": "374", "frequency_khz": 5810,
                       "skipped": "already transmitted"}  # fmt: skip
    assert [row["dummy"] for row in rows[1:]] == [True, True]
    assert len(rows[1]["groups"].split()) == 17
    assert "2 of 3 slots transmitted" in r.stderr


def test_run_with_audio_writes_a_wav_beside_each_document(net: Net) -> None:
    (net.folder / "tiny.toml").write_text(
        'name = "TINY"\nmode = "voice"\nlanguage = "en"\n[timing]\ndigit_gap = 0.1\n'
        "group_gap = 0.1\n[[script]]\ngroups = 1\nrepeat = 1\n",
        encoding="utf-8",
    )
    net.schedule.write_text(SCHEDULE.replace("e11", "tiny.toml"), encoding="utf-8")
    out = net.folder / "out"
    out.mkdir()
    r = net.run("run", "--schedule", net.schedule, *FIRST_DAY, "-o", out,
                "--audio")  # fmt: skip
    assert r.returncode == 0, r.stderr
    wav = out / NAMES[0].replace(".txt", ".wav")
    assert sorted(out.iterdir()) == [out / NAMES[0], wav]
    assert wav.read_bytes()[:4] == b"RIFF"


# -- the books -------------------------------------------------------------------------


def test_status_counts_pages_and_traffic(net: Net) -> None:
    net.run("queue", "374", "HELLO")
    net.run("queue", "374", "AGAIN")
    assert net.run("run", "--schedule", net.schedule, *FIRST_DAY).returncode == 0
    agent = net.agent()
    assert agent["pages"] == {"send": {"unused": 4, "used": 2}, "receive": {"unused": 6}}
    assert (agent["lang"], agent["queued"], agent["sent"], agent["dummies_sent"]) == ("en", 1, 1, 0)
    r = net.run("status")
    assert r.returncode == 0 and r.stdout.endswith("books balance\n"), r.stderr
    assert "374" in r.stdout and "dummies" in r.stdout


def test_audit_lists_every_move_as_lines_or_json_lines(net: Net) -> None:
    net.run("queue", "374", "HELLO")
    r = net.run("audit", "--jsonl")
    assert r.returncode == 0, r.stderr
    entries = [json.loads(line) for line in r.stdout.splitlines()]
    assert [e["action"] for e in entries] == ["create", "add-agent", "export", "take", "queue"]
    assert [e["id"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[4]["agent"] == "374" and entries[4]["message"] == 1
    page = entries[3]["page_id"]
    r = net.run("audit", "--after", "3", "--limit", "1")
    assert r.returncode == 0 and r.stdout.count("\n") == 1
    assert r.stdout.startswith("4  ") and f"take  agent 374  page {page}" in r.stdout


def test_reconcile_spoils_only_pages_abandoned_long_enough(net: Net) -> None:
    with Station.open(net.db) as station:
        taken = station._take("374")  # an operator killed after taking its page
    r = net.run("reconcile")
    assert r.returncode == 0 and r.stdout == "", r.stderr  # taken just now: at work
    r = net.run("reconcile", "--older-than", "0")
    assert r.returncode == 0 and r.stdout == f"spoiled 374/{taken.page_id}\n", r.stderr
    assert net.agent()["pages"]["send"] == {"unused": 5, "spoiled": 1}
    assert net.status()["balance"]["balanced"] is True


# -- refusals: exit 2, nothing taken, nothing recorded -----------------------------------


def test_queue_refusals_take_no_page(net: Net) -> None:
    before = net.agent()
    unknown = net.run("queue", "999", "HELLO")
    assert unknown.returncode == 2 and "no agent 999" in unknown.stderr
    long = net.run("queue", "374", "TOO LONG FOR ONE PAGE " * 10)
    assert long.returncode == 2 and "one page of 20 groups" in long.stderr
    for at in ("2030-01-07T21:00", "2030-01-07", "tomorrow"):
        r = net.run("queue", "374", "HELLO", "--at", at)
        assert r.returncode == 2 and "--at" in r.stderr, (at, r.stderr)
    assert net.agent() == before


def test_run_to_a_missing_folder_records_no_transmission(net: Net) -> None:
    r = net.run("run", "--schedule", net.schedule, *SPAN, "--out", net.folder / "nowhere")
    assert r.returncode == 2 and "no such folder" in r.stderr and r.stdout == ""
    naive = net.run("run", "--schedule", net.schedule, "--from", "2030-01-07T00:00", *SPAN[2:])
    assert naive.returncode == 2 and "no time zone" in naive.stderr
    audio = net.run("run", "--schedule", net.schedule, *SPAN, "--audio")
    assert audio.returncode == 2 and "--out" in audio.stderr
    assert net.sent() == 0 and net.agent()["pages"]["send"] == {"unused": 6}


def test_a_document_in_the_way_records_nothing_for_its_slot(net: Net) -> None:
    out = net.folder / "out"
    out.mkdir()
    (out / NAMES[1]).write_text("mine\n", encoding="utf-8")
    r = net.run("run", "--schedule", net.schedule, *SPAN, "--out", out)
    assert r.returncode == 2 and "never written over" in r.stderr
    assert (out / NAMES[1]).read_text() == "mine\n" and net.sent() == 1


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--db", "missing.db"),
        ("status", "--db", "week.toml"),
        ("audit", "--db", "postgresql://127.0.0.1:1/none"),
        ("init", "--db", "st2.db", "--key-file", "k.keys"),
        ("grant", "someone", "operator"),
        ("grant", "someone", "admin"),
        ("agent", "add", "12345678"),
        ("agent", "add", "42", "--lang", "xx"),
    ],
)
def test_errors_are_one_line_and_exit_2(net: Net, args: tuple[str, ...]) -> None:
    if "postgresql" in args[2]:
        pytest.importorskip("psycopg")
    db = () if "--db" in args else ("--db", net.db)
    r = cinq("network", *args, *db, cwd=net.folder)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert not (net.folder / "st2.db").exists() and not (net.folder / "k.keys").exists()


def test_the_same_commands_on_postgresql_with_roles(pg_url: str, tmp_path: Path) -> None:
    """On a real PostgreSQL server: the owner makes the station and its users, an
    operator queues and runs the schedule, a reply is read, and the database refuses
    the operator what only a supervisor may do (exit 3)."""
    keys, base = tmp_path / "keys.bin", tmp_path / "a374"
    schedule = tmp_path / "week.toml"
    schedule.write_text(SCHEDULE, encoding="utf-8")
    op = pg_url.replace("cinq@", "op1@")

    def run(db: str, *args: str | Path, input: str | None = None) -> Result:
        return cinq("network", *args, "--db", db, input=input, cwd=tmp_path)

    for args in (("init", "--key-file", keys), ("agent", "add", "374", "--pages", "4",
                 "--groups", "20"), ("agent", "export", "374", base),
                 ("grant", "op1", "operator")):  # fmt: skip
        r = run(pg_url, *args)
        assert r.returncode == 0, r.stderr
    assert run(op, "queue", "374", "MEET AT DAWN").returncode == 0
    (tmp_path / "tx").mkdir()
    r = run(op, "run", "--schedule", schedule, *FIRST_DAY, "--out", tmp_path / "tx")
    assert r.returncode == 0, r.stderr
    assert cinq("decrypt", "--book", f"{base}.receive.pad", tmp_path / "tx" / NAMES[0]).stdout == (
        "MEET AT DAWN\n"
    )
    reply = cinq("encrypt", "--book", f"{base}.send.pad", input="ON MY WAY\n")
    (tmp_path / "reply.txt").write_text(reply.stdout, encoding="utf-8")
    r = run(op, "read", "374", tmp_path / "reply.txt")
    assert (r.returncode, r.stdout) == (0, "ON MY WAY\n")
    assert run(op, "read", "374", tmp_path / "reply.txt").returncode == 3  # read once
    refused = run(op, "agent", "add", "512", "--pages", "1", "--groups", "20")
    assert refused.returncode == 3 and "permission denied" in refused.stderr
    audit = run(pg_url, "audit", "--jsonl").stdout.splitlines()
    actors = {(e["action"], e["actor"]) for e in map(json.loads, audit)}
    assert {("queue", "op1"), ("send", "op1"), ("read", "op1")} <= actors
    status = json.loads(run(pg_url, "status", "--json").stdout)
    assert status["balance"]["balanced"] is True


def test_extend_then_burn_an_agent(net: Net) -> None:
    assert net.run("agent", "extend", "374", "--pages", "2").returncode == 0
    assert net.agent()["pages"]["send"] == {"unused": 8}
    burned = net.run("agent", "burn", "374")
    assert burned.returncode == 0, burned.stderr
    assert "16 unused pages destroyed" in " ".join(burned.stderr.split())
    refused = net.run("queue", "374", "HELLO")
    assert refused.returncode == 3 and "was burned" in refused.stderr
    again = net.run("agent", "burn", "374")
    assert again.returncode == 3
    (net.folder / "tx").mkdir()
    named = net.run("run", "--schedule", net.schedule, *SPAN, "--out", net.folder / "tx")
    assert named.returncode == 2 and "take it off the schedule" in named.stderr
    assert list((net.folder / "tx").iterdir()) == []
