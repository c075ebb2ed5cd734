"""A station's network on both engines: SQLite files and a real PostgreSQL server
(started by the ``postgres`` fixture, never a mock)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq import decrypt
from cinq import language as lg
from cinq.book import PadBook
from cinq.document import Document
from cinq.errors import BadInput, KeyManagementError
from cinq.network import (
    Capacity,
    Role,
    Schedule,
    Slot,
    Station,
    accounts,
    audit_log,
    balance,
    burn_agent,
    export_books,
    extend_agent,
    import_books,
    reconcile,
)
from cinq.network.keys import KeyFile, PageBurned
from cinq.network.store import NotPermitted

T0 = datetime(2027, 3, 1, tzinfo=UTC)
TEXTS = {
    "en": "meet at the bridge at noon",
    "fr": "rendez-vous au pont à midi",
    "de": "Treffen an der Brücke um zwölf",
    "es": "cita en el puente a mediodía",
    "ru": "встреча у моста в полдень",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def address(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path | None]:
    """Where a new station goes, and its key file (PostgreSQL)."""
    if request.param == "sqlite":
        return str(tmp_path / "station.db"), None
    url = request.getfixturevalue("pg_url")
    return url, tmp_path / "keys.bin"


@pytest.fixture
def station(address: tuple[str, Path | None]) -> Iterator[Station]:
    db, keys = address
    with Station.create(db, name="test", key_file=keys) as s:
        yield s


def _slot(n: int, call: str = "374") -> Slot:
    return Slot(T0 + timedelta(hours=n), call, 5810)


def test_every_language_round_trip_and_dummies(station: Station, tmp_path: Path) -> None:
    for n, (lang, text) in enumerate(TEXTS.items()):
        call = f"10{n}"
        station.add_agent(call, pages=4, groups=50, lang=lang)
        export_books(station, call, tmp_path / f"agent{call}")
        station.queue(call, text, at=T0)
        real, dummy = station.transmit(_slot(1, call)), station.transmit(_slot(2, call))
        assert real is not None and dummy is not None
        assert (real.dummy, dummy.dummy) == (False, True)
        assert len(real.groups) == len(dummy.groups) == 47  # one page: the length says nothing
        book = tmp_path / f"agent{call}.receive.pad"
        assert decrypt(real.document, book, lang=lang).text == decrypt_expected(text, lang)
        assert decrypt(dummy.document, book, lang=lang).text == ""
    assert balance(station).ok


def test_a_text_longer_than_a_page_is_refused_with_nothing_taken(station: Station) -> None:
    station.add_agent("374", pages=2, groups=20)
    with pytest.raises(BadInput, match="one page of 20 groups, 60 digits: split it"):
        station.queue("374", "x" * 200)
    (acc,) = accounts(station)
    assert acc.pages["send"] == {"unused": 2}
    assert audit_log(station)[-1].action.value == "add-agent"


def test_a_slot_is_transmitted_once_and_the_queue_in_order(
    station: Station, address: tuple[str, Path | None]
) -> None:
    station.add_agent("374", pages=5, groups=20)
    first = station.queue("374", "one", at=T0)
    second = station.queue("374", "two", at=T0)
    other = Station.open(address[0], key_file=address[1], actor="other")
    sent = station.transmit(_slot(1))
    assert sent is not None and sent.message == first.message
    assert other.transmit(_slot(1)) is None  # already done: nothing taken, nothing sent
    later = other.transmit(_slot(2))
    assert later is not None and later.message == second.message
    other.close()
    assert balance(station).counts["pages_used"] == 2


def test_a_page_used_up_is_refused_clearly(station: Station) -> None:
    station.add_agent("374", pages=1, groups=20)
    station.queue("374", "one")
    with pytest.raises(KeyManagementError, match="send book is used up"):
        station.queue("374", "two")
    with pytest.raises(BadInput, match="no agent 999"):
        station.queue("999", "two")


def test_the_database_refuses_reuse_deletion_and_audit_edits(station: Station) -> None:
    station.add_agent("374", pages=2, groups=20)
    station.queue("374", "one")
    refused = [
        "UPDATE page SET state = 'unused' WHERE state = 'used'",
        "UPDATE page SET state = 'taken' WHERE state = 'used'",
        "UPDATE page SET page_id = '00000' WHERE state = 'unused'",
        "DELETE FROM page",
        "UPDATE audit SET actor = 'nobody'",
        "DELETE FROM audit",
        "INSERT INTO message (agent, page, dummy, groups, state, queued_by, queued_at) "
        "SELECT agent, page, dummy, groups, state, queued_by, queued_at FROM message",
    ]
    for sql in refused:
        with pytest.raises(KeyManagementError), station.db.write() as cur:
            cur.execute(sql)
    assert balance(station).ok


def test_abandoned_pages_are_spoiled_and_never_used(station: Station) -> None:
    station.add_agent("374", pages=3, groups=20)
    taken = station._take("374")  # an operator killed right after taking its page
    assert reconcile(station, older_than=timedelta(hours=1)) == []
    assert balance(station).counts["pages_taken"] == 1
    assert reconcile(station, older_than=timedelta(0)) == [f"374/{taken.page_id}"]
    with pytest.raises(KeyManagementError, match="was spoiled while"):
        station._record("374", taken, "00000", False, "2027-01-01")
    station._spoil_after("374", taken, KeyManagementError("late"))  # what _queue does then
    result = balance(station)
    assert result.ok and result.counts["pages_spoiled"] == 1
    assert [e.detail for e in audit_log(station) if e.action.value == "spoil"] == ["abandoned"]


def test_import_takes_the_pages_out_of_the_book(station: Station, tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "old", pages=3, groups=20)
    with PadBook.open(send) as book:
        assert import_books(station, "374", book) == {"send": 3, "receive": 0}
        assert book.status().unused == 0  # issued: the file never enciphers on them again
    station.queue("374", "from the old pad")
    sent = station.transmit(_slot(1))
    assert sent is not None
    assert decrypt(sent.document, receive).text == "FROM THE OLD PAD"


def test_export_after_use_sends_spent_pages_burned(station: Station, tmp_path: Path) -> None:
    station.add_agent("374", pages=3, groups=20)
    station.queue("374", "one")
    out = export_books(station, "374", tmp_path / "late")
    assert out.burned == {"send": 1, "receive": 0}
    with PadBook.open(out.receive_book) as book:
        assert book.status().unused == 2


def test_agent_names_languages_and_sizes_are_checked(station: Station) -> None:
    for call, kw, what in [
        ("37a", {}, "call number"),
        ("374", {"lang": "xx"}, "xx"),
        ("374", {"groups": 5}, "10 to 1000 groups"),
        ("374", {"pages": 0}, "1 to 10000 pages"),
    ]:
        with pytest.raises(BadInput, match=what):
            station.add_agent(call, **kw)  # type: ignore[arg-type]
    station.add_agent("374", pages=1, groups=20)
    with pytest.raises(BadInput, match="already exists"):
        station.add_agent("374", pages=1, groups=20)


WORDS = {
    "en": ["noon", "bridge", "42", "river", "go"],
    "fr": ["midi", "pont", "42", "fleuve"],
    "de": ["mittag", "brücke", "42", "fluss"],
    "es": ["mediodía", "puente", "42", "río"],
    "ru": ["полдень", "мост", "42", "река"],
}


@settings(max_examples=40)
@given(data=st.data(), lang=st.sampled_from(sorted(WORDS)))
def test_property_what_is_queued_is_what_the_agent_reads(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, lang: str
) -> None:
    words = data.draw(st.lists(st.sampled_from(WORDS[lang]), min_size=1, max_size=6))
    d = tmp_path_factory.mktemp("prop")
    with Station.create(d / "s.db") as s:
        s.add_agent("374", pages=2, groups=30, lang=lang)
        export_books(s, "374", d / "a")
        text = " ".join(words)
        s.queue("374", text, at=T0)
        sent = s.transmit(_slot(1))
        assert sent is not None and len(sent.groups) == Capacity(30).message_groups
        read = decrypt(sent.document, d / "a.receive.pad", lang=lang).text
    assert read == decrypt_expected(text, lang)


def decrypt_expected(text: str, lang: str) -> str:
    """What the agent reads: the text as the language folds it (upper case, accents
    as the board spells them)."""
    from cinq import language as lg

    profile = lg.language(lang)
    return profile.board.decode(lg.encode(text, profile.board, profile, lg.Policy.STRICT))


# -- PostgreSQL: roles, the audit's actor, crypto-shredding --------------------------------


def test_roles_are_enforced_by_the_database(pg_url: str, tmp_path: Path) -> None:
    keys = tmp_path / "keys.bin"
    with Station.create(pg_url, key_file=keys) as owner:
        owner.add_agent("374", pages=3, groups=20)
        owner.grant("op1", Role.OPERATOR)
        owner.grant("sup1", Role.SUPERVISOR)
    op_url = pg_url.replace("cinq@", "op1@")
    sup_url = pg_url.replace("cinq@", "sup1@")
    with Station.open(op_url, actor="pretending-to-be-sup1") as op:
        op.queue("374", "hello")
        for attempt in (
            lambda: op.add_agent("512", pages=1, groups=20),
            lambda: export_books(op, "374", tmp_path / "stolen"),
            lambda: op.grant("op2", Role.SUPERVISOR),
        ):
            with pytest.raises((NotPermitted, KeyManagementError)):
                attempt()
    with Station.open(sup_url) as sup:
        sup.add_agent("512", pages=1, groups=20)
        export_books(sup, "374", tmp_path / "agent")
        actors = {(e.action.value, e.actor) for e in audit_log(sup)}
    assert ("queue", "op1") in actors  # the database's word, not the client's
    assert ("add-agent", "sup1") in actors and ("export", "sup1") in actors
    assert not (tmp_path / "stolen.receive.pad").exists()


def _files_contain(root: Path, needles: list[bytes]) -> list[str]:
    found = []
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        data = f.read_bytes()
        found += [f"{f.name}:{i}" for i, n in enumerate(needles) if n in data]
    return found


def _needles(digits: np.ndarray) -> list[bytes]:
    return [digits.tobytes(), "".join(map(str, digits)).encode()]


def test_a_burned_page_cannot_be_recovered_from_files_wal_or_dump(
    postgres: Any, pg_url: str, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.bin"
    with Station.create(pg_url, key_file=keys) as s:
        s.add_agent("374", pages=3, groups=20)
        specs, _ = s.page_specs("374")
        first = np.asarray(specs["send"][0].digits)
        with s.db.read() as cur:
            sealed = bytes(cur.execute("SELECT digits FROM page WHERE page_id = ?",
                                       (specs["send"][0].page_id,)).fetchone()[0])  # fmt: skip
        s.queue("374", "burn after sending")  # uses the first page and destroys its key
        with s.db.write() as cur:
            cur.execute("CHECKPOINT")
        dbname = urllib.parse.urlparse(pg_url).path.lstrip("/")
        dump = postgres.dump(dbname)
        assert not [n for n in _needles(first) if n in dump]
        assert not _files_contain(postgres.data, _needles(first))  # tables, WAL, everything
        # The control: the search does see what PostgreSQL kept. The sealed page is
        # still there (in a dead tuple, the WAL), and it no longer opens.
        assert _files_contain(postgres.data, [sealed])
    kf = KeyFile.open_existing(keys)
    with pytest.raises(PageBurned):
        kf.open(0, sealed, b"")


def test_sqlite_burns_in_the_file(tmp_path: Path) -> None:
    db = tmp_path / "station.db"
    with Station.create(db) as s:
        s.add_agent("374", pages=2, groups=20)
        specs, _ = s.page_specs("374")
        used, kept = (np.asarray(p.digits) for p in specs["send"])
        s.queue("374", "burn after sending")
    data = db.read_bytes()
    assert used.tobytes() not in data
    assert kept.tobytes() in data  # the control: unused pages are there, in clear


def test_a_wrong_or_missing_key_file_is_a_clear_error(pg_url: str, tmp_path: Path) -> None:
    with Station.create(pg_url, key_file=tmp_path / "keys.bin") as s:
        s.add_agent("374", pages=1, groups=20)
    other = KeyFile.create(tmp_path / "other.bin")
    other.allocate(4)
    with Station.open(pg_url, key_file=tmp_path / "other.bin") as s:
        with pytest.raises(KeyManagementError, match="does not open"):
            s.queue("374", "hello")
        assert balance(s).counts["pages_spoiled"] == 1  # taken, then spoiled: never reused
    with pytest.raises(BadInput, match="Is a directory"):
        Station.open(pg_url, key_file=tmp_path)
    (tmp_path / "text").write_text("not keys")
    with pytest.raises(BadInput, match="not a cinq page-key file"):
        Station.open(pg_url, key_file=tmp_path / "text")
    with pytest.raises(BadInput, match="exists"):
        Station.create(pg_url, key_file=tmp_path / "keys.bin")  # a key file is never reused
    with pytest.raises(BadInput, match="already holds a station"):
        Station.create(pg_url, key_file=tmp_path / "new.bin")


def test_sqlite_station_is_made_whole_or_not_at_all(tmp_path: Path) -> None:
    db = tmp_path / "station.db"
    db.write_text("precious")
    with pytest.raises(BadInput, match="never overwritten"):
        Station.create(db)
    assert db.read_text() == "precious"
    with pytest.raises(BadInput, match="not a database"):
        Station.open(db)
    con = sqlite3.connect(tmp_path / "other.db")
    con.execute("CREATE TABLE x (y)")
    con.close()
    with pytest.raises(BadInput, match="not a cinq station"):
        Station.open(tmp_path / "other.db")


# -- the schedule -----------------------------------------------------------------------

WEEKLY = """
profile = "e11"
[[slot]]
agents = "all"
days = ["mon", "thu"]
times = ["21:00"]
frequency_khz = 5810
stagger_minutes = 10
"""


def test_schedule_slots() -> None:
    assert Schedule.parse(WEEKLY.replace('"21:00"', '"21:00Z"')) == Schedule.parse(WEEKLY)
    assert Schedule.parse(WEEKLY.replace('"21:00"', "21:00:00")) == Schedule.parse(WEEKLY)
    sched = Schedule.parse(WEEKLY)
    slots = sched.slots(T0, T0 + timedelta(days=7), ["512", "374"])
    assert [s.at.strftime("%a %H:%M") for s in slots] == [
        "Mon 21:00", "Mon 21:10", "Thu 21:00", "Thu 21:10",
    ]  # fmt: skip
    assert [s.agent for s in slots[:2]] == ["374", "512"]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("profile = 3\n[[slot]]\ntimes=['21:00']\nfrequency_khz=1", "profile"),
        ("profile = 'e11'", "at least one"),
        ("[[slot]]\ntimes=['25:00']\nfrequency_khz=1", "not a time"),
        ("[[slot]]\ntimes=['21:00+02:00']\nfrequency_khz=1", "not in UTC"),
        ("[[slot]]\ntimes=[21]\nfrequency_khz=1", "not a time"),
        ("[[slot]]\ntimes=['21:00']\nfrequency_khz=1\ndays=['someday']", "not a day"),
        ("[[slot]]\ntimes=['21:00']\nfrequency_khz=0", "frequency_khz"),
        ("[[slot]]\ntimes=['21:00']\nfrequency_khz=1\nagent='374'", "unknown key 'agent'"),
        ("[[slot]\n", "not valid TOML"),
    ],
)
def test_schedule_errors(text: str, what: str) -> None:
    with pytest.raises(BadInput, match=what):
        Schedule.parse(text)


# -- stress: killed operators, a restarted server ------------------------------------------

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_stress_with_killed_operators_and_a_restart(engine: str, tmp_path: Path) -> None:
    out = tmp_path / "stress.json"
    args = ["--engine", engine, "--procs", "4", "--messages", "60", "--agents", "6",
            "--kills", "4", "--restart-after", "1.5", "--json", str(out)]  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(BENCH / "network_stress.py"), *args], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outcome = json.loads(out.read_text())
    assert outcome["problems"] == []
    assert outcome["kills"] == 4
    assert outcome["restarts"] == (1 if engine == "postgresql" else 0)
    counts = outcome["counts"]
    assert counts["messages_sent"] >= 4 * 60
    assert (
        counts["pages_used"] + counts["pages_spoiled"]
        == counts["messages_sent"] + (counts["pages_spoiled"])
    )


def test_replies_are_read_once_verified_and_burned(station: Station, tmp_path: Path) -> None:
    from cinq import encrypt
    from cinq.errors import AuthenticationFailed
    from cinq.network.replies import read_reply

    station.add_agent("374", pages=4, groups=20, lang="fr")
    books = export_books(station, "374", tmp_path / "agent")
    long = "le courrier est arrivé au point convenu " * 3  # more than one page of 20 groups
    doc = encrypt(long, books.send_book, lang="fr")
    tampered = doc.render().replace(doc.groups[2], f"{(int(doc.groups[2]) + 1) % 100000:05d}")
    with pytest.raises(AuthenticationFailed):
        read_reply(station, "374", tampered)
    assert accounts(station)[0].pages["receive"] == {"unused": 4}  # nothing marked
    reply = read_reply(station, "374", doc)
    assert reply.text == decrypt_expected(long, "fr") and len(reply.page_ids) > 1
    with pytest.raises(KeyManagementError, match="already read"):
        read_reply(station, "374", doc)
    other = encrypt("autre", books.send_book, lang="fr")  # the next page: fine
    assert read_reply(station, "374", other).text == "AUTRE"
    ids = {p.page_id for p in station.page_specs("374")[0]["receive"]}
    stranger = next(f"{n:05d}" for n in range(100_000) if f"{n:05d}" not in ids)
    with pytest.raises(KeyManagementError, match="not in agent 374's receive book"):
        read_reply(station, "374", doc.render().replace(doc.groups[0], stranger, 1))
    result = balance(station)
    assert result.ok and result.counts["pages_read"] == len(reply.page_ids) + 1


def test_a_week_with_four_operators_balances(tmp_path: Path) -> None:
    """The issue's week (benchmarks/network_week.py), small: 8 agents, 4 operators
    racing for every slot, 3 days; accounts, audit and the agents' own reading."""
    out = tmp_path / "week.json"
    args = ["--agents", "8", "--operators", "4", "--days", "3", "--json", str(out)]
    done = subprocess.run(
        [sys.executable, str(BENCH / "network_week.py"), *args], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text())
    assert report["problems"] == []
    assert report["counts"]["transmissions"] == report["slots"] == 8 * 2 * 3
    assert report["traffic_test"]["distinguishable"] is False
    assert sum(r.get("sent", 0) for r in report["by_operator"]) == report["slots"]


def test_a_failed_delivery_marks_nothing_and_the_slot_can_be_retried(
    station: Station, address: tuple[str, Path | None]
) -> None:
    station.add_agent("374", pages=3, groups=20)
    queued = station.queue("374", "hello", at=T0)

    def full_disk(_: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        station.transmit(_slot(1), deliver=full_disk)
    assert balance(station).counts["messages_queued"] == 1  # still waiting, not sent
    with Station.open(address[0], key_file=address[1]) as other:
        assert other.transmit(_slot(1)) is None  # the slot is claimed by the first
    again = station.transmit(_slot(1))  # the same operator may try again at once
    assert again is not None and again.message == queued.message
    assert balance(station).ok


def test_roles_belong_to_one_station(postgres: Any, tmp_path: Path) -> None:
    """Two stations on one server: an operator of one cannot even connect to the other."""
    a, b = postgres.create_database("role_a"), postgres.create_database("role_b")
    with Station.create(a, key_file=tmp_path / "a.bin") as sa:
        sa.grant("op_a", Role.OPERATOR)
    with Station.create(b, key_file=tmp_path / "b.bin") as sb:
        sb.add_agent("374", pages=1, groups=20)
    with Station.open(a.replace("cinq@", "op_a@")) as mine:
        assert mine.name == "cinq"
    with pytest.raises(BadInput, match="permission denied for database"):
        Station.open(b.replace("cinq@", "op_a@"))


def test_a_schedule_names_a_station_profile_that_exists() -> None:
    from cinq.network.schedule import station_names
    from cinq.radio import profiles

    assert station_names() == profiles.names()  # the same list, without the radio extra
    with pytest.raises(BadInput, match="one of E03, E11"):
        Schedule.parse(WEEKLY.replace('"e11"', '"nope"'))


def test_two_readers_at_once_accept_one_of_two_messages_on_a_page(
    station: Station, address: tuple[str, Path | None], tmp_path: Path
) -> None:
    """An agent (or a forger with its pad) sends two different messages on one page;
    two operators read them at the same moment: exactly one is accepted."""
    import threading

    from cinq.hazmat.pages import peek_pages
    from cinq.network.replies import read_reply
    from cinq.procedure import compose, text_digits

    station.add_agent("374", pages=2, groups=20)
    books = export_books(station, "374", tmp_path / "agent")
    with PadBook.open(books.send_book) as agent_book:
        page = peek_pages(agent_book, [1])[0]
    assert page.digits is not None
    docs = [
        Document(groups=compose(text_digits(t, None, "en", lg.Policy.STRICT, None),
                                page.info.page_id, page.digits).groups)
        for t in ("ABORT", "PROCEED")
    ]  # fmt: skip
    start, results = threading.Barrier(2), []

    def read(doc: Document) -> None:
        with Station.open(address[0], key_file=address[1]) as reader:
            start.wait()
            try:
                results.append(read_reply(reader, "374", doc).text)
            except KeyManagementError as exc:
                results.append(f"refused: {exc.message}")

    threads = [threading.Thread(target=read, args=(doc,)) for doc in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = [r for r in results if not r.startswith("refused")]
    assert len(accepted) == 1 and accepted[0] in ("ABORT", "PROCEED"), results
    assert "a replay, a forgery or a reused pad" in next(
        r for r in results if r.startswith("refused")
    )


# -- an agent's life: more pages, and burning a lost agent ---------------------------------


def test_extend_adds_pages_the_agent_gets_by_a_new_export(station: Station, tmp_path: Path) -> None:
    station.add_agent("374", pages=1, groups=20)
    station.queue("374", "one")
    with pytest.raises(KeyManagementError, match="agent extend 374"):
        station.queue("374", "two")
    assert extend_agent(station, "374", 2) == 2
    (acc,) = accounts(station)
    assert acc.pages == {"send": {"used": 1, "unused": 2}, "receive": {"unused": 3}}
    books = export_books(station, "374", tmp_path / "again")
    two = station.queue("374", "two", at=T0)
    sent = [station.transmit(_slot(n)) for n in (1, 2)]  # "one" first: it waited longer
    (mine,) = [s for s in sent if s is not None and s.message == two.message]
    assert decrypt(mine.document, books.receive_book).text == "TWO"
    ids = [p.page_id for p in station.page_specs("374")[0]["send"]]
    assert len(set(ids)) == len(ids) == 3
    assert balance(station).ok


def test_a_burned_agent_gets_nothing_more(station: Station) -> None:
    station.add_agent("374", pages=3, groups=20)
    station.add_agent("512", pages=3, groups=20)
    station.queue("374", "waiting", at=T0)
    assert burn_agent(station, "374") == 2 + 3  # unused send pages and every receive page
    with pytest.raises(KeyManagementError, match="was burned"):
        station.queue("374", "more")
    with pytest.raises(KeyManagementError, match="was burned"):
        burn_agent(station, "374")
    slots = station.slots(Schedule.parse(WEEKLY), T0, T0 + timedelta(days=7))
    assert {s.agent for s in slots} == {"512"}  # "all" leaves it out
    named = Schedule.parse(WEEKLY.replace('agents = "all"', 'agents = ["374"]'))
    with pytest.raises(BadInput, match="was burned: take it off the schedule"):
        station.slots(named, T0, T0 + timedelta(days=7))
    result = balance(station)
    assert result.ok and result.counts["messages_cancelled"] == 1, result
    assert all(p.digits is None for p in station.page_specs("374")[0]["send"])
    burned = next(a for a in accounts(station) if a.agent == "374")
    assert burned.burned_at is not None and burned.pages["send"] == {"used": 1, "spoiled": 2}


def test_only_a_supervisor_burns_and_the_keys_go(pg_url: str, tmp_path: Path) -> None:
    keys = tmp_path / "keys.bin"
    with Station.create(pg_url, key_file=keys) as owner:
        owner.add_agent("374", pages=2, groups=20)
        owner.grant("op9", Role.OPERATOR)
        with owner.db.read() as cur:
            slots = [int(r[0]) for r in cur.execute("SELECT key_slot FROM page")]
    with Station.open(pg_url.replace("cinq@", "op9@")) as op:
        with pytest.raises(NotPermitted):
            burn_agent(op, "374")
        with pytest.raises(NotPermitted):
            extend_agent(op, "374", 1)
    with Station.open(pg_url) as owner:
        burn_agent(owner, "374")
    kf = KeyFile.open_existing(keys)
    for slot in slots:
        with pytest.raises(PageBurned):
            kf.open(slot, b"", b"")


def test_a_key_file_that_cannot_be_written_is_a_clear_refusal(tmp_path: Path) -> None:
    keys = KeyFile.create(tmp_path / "keys.bin")
    full = KeyFile(Path("/dev/full"))  # every write: ENOSPC, as on a full disk
    with pytest.raises(KeyManagementError, match="cannot add keys to key file /dev/full"):
        full.allocate(2)
    with pytest.raises(KeyManagementError, match="cannot destroy keys in key file /dev/full"):
        full.shred([0])
    assert list(keys.allocate(2)) == [0, 1]
