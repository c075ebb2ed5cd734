"""The intercept log: real SQLite files, round trips, validation, foreign files."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cinq.analysis.intercepts import Intercept, InterceptLog
from cinq.errors import BadInput
from tests.fixtures import SEED_GROUPS

GROUPS = ("12345", "67890", "00001")


def test_add_list_get_export_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with InterceptLog.open(path) as log:
        a = log.add("E11", SEED_GROUPS, when="2026-11-20T18:00:00Z", khz=5310, signature="mrtrv")
        b = log.add("S06", GROUPS, when="2026-11-19 07:30", khz=6840.5, notes="weak signal",
                    cover="Météo : beau temps.")  # fmt: skip
        assert a == Intercept(a.id, "E11", "2026-11-20T18:00:00Z", 5310.0, SEED_GROUPS, "mrtrv",
                              None, None, a.added_at)  # fmt: skip
        assert isinstance(a.khz, float) and a.added_at.endswith("Z")
        assert b.when == "2026-11-19T07:30:00Z" and b.cover == "Météo : beau temps."
        assert log.get(a.id) == a and log.get(b.id) == b
        assert log.list() == [b, a]  # by time heard
        exported = log.export()
    assert json.loads(json.dumps(exported)) == exported
    assert exported[1]["groups"] == list(SEED_GROUPS)
    assert exported[0] == {"id": b.id, "station": "S06", "when": "2026-11-19T07:30:00Z",
                           "khz": 6840.5, "groups": list(GROUPS), "signature": None,
                           "notes": "weak signal", "cover": "Météo : beau temps.",
                           "added_at": b.added_at, "label": str(b.id)}  # fmt: skip


def test_filter_by_station(tmp_path: Path) -> None:
    with InterceptLog.open(tmp_path / "log.sqlite") as log:
        for n, station in enumerate(["E11", "S06", "E11", "M12"]):
            log.add(station, GROUPS, when=f"2026-01-0{n + 1}T00:00:00Z")
        assert [i.when[:10] for i in log.list(station="E11")] == ["2026-01-01", "2026-01-03"]
        assert [i.station for i in log.list(station="M12")] == ["M12"]
        assert log.list(station="V02") == []
        assert len(log.list()) == 4


def test_times_are_stored_in_utc(tmp_path: Path) -> None:
    with InterceptLog.open(tmp_path / "log.sqlite") as log:
        assert log.add("E11", GROUPS, when="2026-11-20T20:00:00+02:00").when == (
            "2026-11-20T18:00:00Z"
        )
        assert log.add("E11", GROUPS, when="2026-11-20").when == "2026-11-20"
        before = datetime.now(UTC).replace(microsecond=0)
        now = datetime.fromisoformat(log.add("E11", GROUPS).when)
        assert before <= now <= datetime.now(UTC)
        assert log.add("E11", GROUPS, khz=None).khz is None


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with InterceptLog.open(path) as log:
        first = log.add("E11", GROUPS, when="2026-11-20T18:00:00Z", khz=5310)
    with InterceptLog.open(path, create=False) as log:
        assert log.list() == [first]
        second = log.add("E11", SEED_GROUPS, when="2026-11-21T18:00:00Z")
        assert second.id > first.id
    with InterceptLog.open(path) as log:
        assert log.list() == [first, second]


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (("12345", "1234", "67890"), "group 2 ('1234')"),
        (("12345", "67890", "12a45"), "group 3 ('12a45')"),
        (("١٢٣٤٥",), "group 1"),
        ((), "at least one group"),
    ],
)
def test_bad_groups_are_refused_with_their_position(
    tmp_path: Path, groups: tuple[str, ...], message: str
) -> None:
    with InterceptLog.open(tmp_path / "log.sqlite") as log:
        with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
            log.add("E11", groups)
        assert log.list() == []


@pytest.mark.parametrize("when", ["yesterday", "2026-13-01T00:00:00Z", "20/11/2026", ""])
def test_bad_dates_are_refused(tmp_path: Path, when: str) -> None:
    with InterceptLog.open(tmp_path / "log.sqlite") as log, pytest.raises(BadInput, match="8601"):
        log.add("E11", GROUPS, when=when)


@pytest.mark.parametrize("khz", [-5310.0, 0, float("nan"), float("inf")])
def test_bad_frequencies_are_refused(tmp_path: Path, khz: float) -> None:
    with InterceptLog.open(tmp_path / "log.sqlite") as log, pytest.raises(BadInput, match="kHz"):
        log.add("E11", GROUPS, khz=khz)


def test_bad_station_and_missing_id(tmp_path: Path) -> None:
    with InterceptLog.open(tmp_path / "log.sqlite") as log:
        with pytest.raises(BadInput, match="station"):
            log.add("  ", GROUPS)
        with pytest.raises(BadInput, match="no message 7"):
            log.get(7)


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        InterceptLog.open(tmp_path / "nope.sqlite", create=False)
    assert not (tmp_path / "nope.sqlite").exists()


def test_creation_leaves_no_temporary_files(tmp_path: Path) -> None:
    InterceptLog.open(tmp_path / "log.sqlite").close()
    assert [p.name for p in tmp_path.iterdir()] == ["log.sqlite"]


def test_foreign_files_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("58523 45006\n", encoding="utf-8")
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('format', 'cinq-pad-book')")
    conn.close()
    bare = tmp_path / "bare.sqlite"
    with sqlite3.connect(bare) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    for path in (text, empty, other, bare, tmp_path):
        with pytest.raises(BadInput, match="not"):
            InterceptLog.open(path)
    assert text.read_text(encoding="utf-8") == "58523 45006\n"  # untouched


def test_closed_log_refuses_work(tmp_path: Path) -> None:
    log = InterceptLog.open(tmp_path / "log.sqlite")
    log.close()
    log.close()
    with pytest.raises(ValueError, match="closed"):
        log.list()


def test_a_log_with_rows_no_cinq_wrote_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "crafted.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("format", "cinq-intercepts"), ("version", "1"), ("created", "2026-11-20T00:00:00Z")],
        )
        db.execute(
            "CREATE TABLE intercept (id INTEGER PRIMARY KEY, station, heard_at, khz, groups, "
            "cover, signature, notes, added_at)"
        )
        db.execute("INSERT INTO intercept VALUES (7, 'E11', '2026-11-20', NULL, NULL, NULL, "
                   "NULL, NULL, '2026-11-20')")  # fmt: skip
    db.close()
    with (
        InterceptLog.open(path, create=False) as log,
        pytest.raises(BadInput, match="message 7 is damaged"),
    ):
        log.list()


def test_a_log_damaged_deep_inside_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with InterceptLog.open(path) as log:
        for n in range(300):
            log.add("E11", ["12345"] * 50, notes="x" * 200 + str(n))
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 4096] = b"\xff" * 4096  # a page in the middle
    path.write_bytes(bytes(raw))
    with InterceptLog.open(path, create=False) as log, pytest.raises(BadInput, match="damaged"):
        log.list()
