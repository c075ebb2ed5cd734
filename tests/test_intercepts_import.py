"""Bulk intercepts: JSON lines into the log in one transaction, labels, the version 1
log migrated in place, export --jsonl -> import round trips, and the CLI."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinq.analysis.intercepts import (
    FIELDS,
    ImportResult,
    InterceptLog,
    NewIntercept,
    new_intercept,
    read_jsonl,
)
from cinq.errors import BadInput
from tests.clirun import cinq

A = ["12345", "6789?", "00000"]
B = ["11111", "22222"]


def line(**fields: object) -> str:
    return json.dumps(fields)


def meta(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        found = dict(db.execute("SELECT key, value FROM meta").fetchall())
    db.close()
    return found


def rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (n,) = db.execute("SELECT count(*) FROM intercept").fetchone()
    db.close()
    return int(n)


# -- reading JSON lines -----------------------------------------------------------------


def test_every_field_is_read_and_an_integer_id_is_kept_as_text() -> None:
    text = "\ufeff" + "\n".join(
        [
            line(
                id="A-7",
                groups=A,
                station=" E11 ",
                date="2026-11-20T20:00+02:00",
                frequency=5310,
                cover="Météo",
                signature="mrtrv",
                notes="weak",
            ),
            "",
            "   ",
            line(id=117, groups=B, date="2026-11-21", frequency=6840.5) + "\r",
            line(groups=B, station=None, notes=None),
        ]
    )
    before = datetime.now(UTC).replace(microsecond=0)
    first, second, third = read_jsonl(text, source="log.jsonl", station="S06")
    assert first == NewIntercept("E11", "2026-11-20T18:00:00Z", 5310.0, tuple(A), "A-7",
                                 "Météo", "mrtrv", "weak", line=1)  # fmt: skip
    assert (second.label, second.station, second.when, second.khz, second.line) == (
        "117", "S06", "2026-11-21", 6840.5, 4)  # fmt: skip
    assert third.label is None and third.station == "S06" and third.line == 5
    assert first.dated and second.dated and not third.dated
    assert before <= datetime.fromisoformat(third.when) <= datetime.now(UTC)
    dated = [line(groups=A, date="2026-11-20"), "", line(id=1, groups=B, date="2026-11-21")]
    assert read_jsonl(iter(dated)) == read_jsonl("\n".join(dated))


def test_lines_are_split_on_line_feeds_only() -> None:
    # U+2028 and U+0085 end lines for str.splitlines, but JSON strings may hold them.
    text = line(groups=A, notes="one\u2028two\x85three") + "\n" + line(groups=B)
    first, _ = read_jsonl(text)
    assert first.notes == "one\u2028two\x85three"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"groups": ["12345"],}', r"log.jsonl: line 3, column 22: not JSON"),
        ("[1, 2]", "line 3: a message is a JSON object .* not list .*JSON lines"),
        ("[", "line 3, column 2: not JSON.*not one JSON array"),
        ('"12345"', "line 3: a message is a JSON object"),
        ('{"grops": ["12345"]}', "line 3: unknown field 'grops' \\(the fields: id, station"),
        ('{"groups": ["12345"], "when": "2026-11-20"}', "line 3: unknown field 'when'"),
        ('{"id": "x"}', "line 3: no groups"),
        ('{"groups": []}', "line 3: groups must be a list"),
        ('{"groups": "12345 67890"}', "line 3: groups must be a list"),
        ('{"groups": ["12345", "12a45"]}', r"line 3: groups\[1\] \('12a45'\) is not a five"),
        ('{"groups": ["12345", 12345]}', r"line 3: groups\[1\] \(12345\) is not a five"),
        ('{"groups": ["1234"]}', r"line 3: groups\[0\] \('1234'\) .* 4 digits"),
        ('{"groups": ["12345"], "id": true}', "line 3: id True must be printable text or"),
        ('{"groups": ["12345"], "id": 1.5}', "line 3: id 1.5 must be"),
        ('{"groups": ["12345"], "id": " "}', "line 3: id ' ' must be"),
        ('{"groups": ["12345"], "id": "a\\u0000"}', "line 3: id .* must be printable"),
        ('{"groups": ["12345"], "frequency": -5}', "line 3: frequency -5 kHz must be positive"),
        ('{"groups": ["12345"], "frequency": NaN}', "line 3: frequency nan is not"),
        ('{"groups": ["12345"], "frequency": "5310"}', "line 3: frequency '5310' is not"),
        ('{"groups": ["12345"], "frequency": 1' + "0" * 400 + "}", "line 3: frequency"),
        ('{"groups": ["12345"], "date": "yesterday"}', "line 3: date and time .* ISO 8601"),
        (
            '{"groups": ["12345"], "date": "0001-01-01T00:00+14:00"}',
            "line 3: .* out of range in UTC",
        ),
        ('{"groups": ["12345"], "date": 20261120}', "line 3: date and time .* ISO 8601 text"),
        ('{"groups": ["12345"], "station": ""}', "line 3: station '' must be printable"),
        ('{"groups": ["12345"], "notes": 7}', "line 3: notes must be text"),
        ('{"groups": ["12345"], "id": 1}', "line 3: id '1' is on line 1 already"),
        ("[" * 100_000 + "]" * 100_000, "line 3: not JSON cinq reads"),
        ('{"groups": ["12345"], "frequency": 1' + "0" * 5000 + "}", "line 3: not JSON cinq"),
    ],
)
def test_a_bad_line_names_the_source_the_line_and_the_field(text: str, message: str) -> None:
    good = line(id=1, groups=A) + "\n\n"
    with pytest.raises(BadInput, match=message):
        read_jsonl(good + text + "\n" + line(groups=B), source="log.jsonl")


def test_the_default_station_is_checked() -> None:
    with pytest.raises(BadInput, match="station"):
        read_jsonl(line(groups=A), station=" ")


# -- importing --------------------------------------------------------------------------


def test_import_logs_every_message_with_its_label(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    text = "\n".join([line(id="A-7", groups=A, station="E11", date="2026-11-20T18:00Z"),
                      line(groups=B, date="2026-11-21"), line(id=117, groups=B)])  # fmt: skip
    with InterceptLog.open(path) as log:
        result = log.import_lines(text, source="log.jsonl")
        assert result == ImportResult("log.jsonl", read=3, added=3, skipped=0)
        assert result.to_json() == {"source": "log.jsonl", "read": 3, "added": 3, "skipped": 0}
        a, b, c = sorted(log.list(), key=lambda i: i.id)
    assert (a.label, a.station, a.when, a.groups) == ("A-7", "E11", "2026-11-20T18:00:00Z",
                                                      tuple(A))  # fmt: skip
    assert (b.label, b.station) == (str(b.id), "unknown")  # no id: its number in the log
    assert c.label == "117" and c.summary()["label"] == "117" and c.to_json()["label"] == "117"


def test_a_bad_line_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    with InterceptLog.open(path) as log:
        log.add("E11", A, label="old")
        good = "\n".join(line(id=n, groups=A) for n in range(100))
        with pytest.raises(BadInput, match="line 101: groups"):
            log.import_lines(good + "\n" + line(groups=["1234?", "x"]))
        assert [i.label for i in log.list()] == ["old"]


def test_an_id_already_logged_is_refused_unless_skipped_when_the_same(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    first = "\n".join([line(id="a", groups=A), line(groups=B, station="E11", date="2026-11-20")])
    with InterceptLog.open(path) as log:
        log.import_lines(first)
        with pytest.raises(BadInput, match=r"line 1: id .a. is in the log already .*--skip"):
            log.import_lines(first, source="again.jsonl")
        assert rows(path) == 2
        # A monitor's updated export: the old lines again, and new ones.
        updated = first + "\n" + line(id="b", groups=B)
        assert log.import_lines(updated, skip_existing=True) == ImportResult("input", 3, 1, 2)
        assert log.import_lines(updated, skip_existing=True) == ImportResult("input", 3, 0, 3)
        changed = line(id="a", groups=B)  # the same id, other groups: not the same message
        with pytest.raises(BadInput, match="'a' is in the log already with other groups"):
            log.import_lines(changed, skip_existing=True)
        # Without an id and without a date, a message is new every time.
        assert log.import_lines(line(groups=B), skip_existing=True).added == 1
        assert sorted(i.label for i in log.list()) == ["2", "4", "a", "b"]


def test_add_refuses_a_label_taken_and_names_its_own_by_its_number(tmp_path: Path) -> None:
    with InterceptLog.open(tmp_path / "log.sqlite") as log:
        log.import_lines(line(id=2, groups=A))  # a monitor's id that is some row's number
        first = log.add("E11", B)
        assert first.id == 2 and first.label == "cinq-2"
        assert log.add("E11", B, label=7).label == "7"
        with pytest.raises(BadInput, match="has a message '7' already"):
            log.add("E11", B, label="7")
        assert log.add("E11", B).label == "4"
        assert len({i.label for i in log.list()}) == 4


# -- a version 1 log --------------------------------------------------------------------

_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE intercept (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        station TEXT NOT NULL,
        heard_at TEXT NOT NULL,
        khz REAL CHECK (khz IS NULL OR khz > 0),
        groups TEXT NOT NULL,
        cover TEXT,
        signature TEXT,
        notes TEXT,
        added_at TEXT NOT NULL
    )""",
)


def version_1_log(path: Path) -> None:
    """A log as cinq's format 1 wrote it (its schema, as it was), with two messages."""
    with sqlite3.connect(path) as db:
        for statement in _V1:
            db.execute(statement)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", "cinq-intercepts"),
                       ("version", "1"), ("created", "2026-11-01T00:00:00Z")])  # fmt: skip
        db.executemany(
            "INSERT INTO intercept (station, heard_at, khz, groups, added_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [("E11", "2026-11-20T18:00:00Z", 5310.0, " ".join(A), "2026-11-21T00:00:00Z"),
             ("S06", "2026-11-21", None, " ".join(B), "2026-11-21T00:00:00Z")],
        )  # fmt: skip
    db.close()


def test_a_version_1_log_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    version_1_log(path)
    with InterceptLog.open(path, create=False) as log:
        a, b = log.list()
        assert (a.id, a.label, a.groups, b.label) == (1, "1", tuple(A), "2")
        assert [json.loads(x)["id"] for x in log.export_jsonl().splitlines()] == ["1", "2"]
    assert meta(path)["version"] == "1"  # reading changes nothing


def test_a_version_1_log_migrates_in_its_first_write(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    version_1_log(path)
    with InterceptLog.open(path, create=False) as log:
        before = log.list()
        with pytest.raises(BadInput, match="id '1' is in the log already"):
            log.import_lines(line(id="x", groups=A) + "\n" + line(id=1, groups=B))
        assert meta(path)["version"] == "1"  # the failed import's migration rolled back
        log.import_lines(line(id="x", groups=A))
        assert meta(path)["version"] == "2"
        assert log.list()[:2] == before
        assert log.add("E11", B).label == "4"
    with InterceptLog.open(path, create=False) as log:
        assert [i.label for i in log.list()] == ["1", "2", "x", "4"]
    # A migrated log has the very shape of a new one.
    InterceptLog.open(tmp_path / "new.sqlite").close()
    assert shape(path) == shape(tmp_path / "new.sqlite")


def shape(path: Path) -> list[object]:
    """The columns of the intercept table and the indexes of the log."""
    with sqlite3.connect(path) as db:
        columns = db.execute("PRAGMA table_info(intercept)").fetchall()
        indexes = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index'").fetchall()
    db.close()
    return [*columns, *indexes]


def test_writers_at_once_migrate_a_version_1_log_once(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    version_1_log(path)
    writers = 4
    start = threading.Barrier(writers)
    failed: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with InterceptLog.open(path, create=False) as log:  # every one opens a v1 log
                start.wait(timeout=30)
                log.import_lines("\n".join(line(id=f"{n}-{k}", groups=A) for k in range(20)))
                log.add("E11", B)
        except BaseException as e:
            failed.append(e)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failed
    assert meta(path)["version"] == "2"
    with InterceptLog.open(path, create=False) as log:
        labels = [i.label for i in log.list()]
    assert len(labels) == len(set(labels)) == 2 + 4 * 21
    assert {"1", "2", "0-0", "3-19"} <= set(labels)


def test_a_log_of_a_later_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    InterceptLog.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '3' WHERE key = 'version'")
    db.close()
    with pytest.raises(BadInput, match="version '3'; this cinq reads version 2"):
        InterceptLog.open(path)


# -- round trips ------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_MESSAGE = st.fixed_dictionaries(
    {
        "station": st.text("E11S06M12 ", min_size=1, max_size=5).filter(str.strip),
        "groups": st.lists(st.text("0123456789?", min_size=5, max_size=5), min_size=1, max_size=6),
        "when": st.one_of(
            st.dates().map(lambda d: d.isoformat()),
            st.datetimes(timezones=st.just(UTC)).map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ),
        "khz": st.none() | st.floats(min_value=1e-3, max_value=1e6),
        "label": st.none() | st.integers(-5, 10**9) | _TEXT,
        "cover": st.none() | _TEXT,
        "signature": st.none() | _TEXT,
        "notes": st.none() | _TEXT,
    }
)


@pytest.fixture(scope="module")
def empty_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "log.sqlite"
    InterceptLog.open(path).close()
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(messages=st.lists(_MESSAGE, max_size=8))
def test_export_then_import_gives_the_same_log(
    tmp_path_factory: pytest.TempPathFactory, empty_log: Path, messages: list[dict[str, object]]
) -> None:
    folder = tmp_path_factory.mktemp("round")
    for name in ("one.sqlite", "two.sqlite"):  # a copy: creating a log syncs the disk
        shutil.copyfile(empty_log, folder / name)
    checked: dict[object, NewIntercept] = {}
    for n, m in enumerate(messages):
        with contextlib.suppress(BadInput):  # a label not printable, as add refuses it
            new = new_intercept(**m)  # type: ignore[arg-type]
            checked.setdefault(n if new.label is None else new.label, new)  # labels are unique
    with InterceptLog.open(folder / "one.sqlite") as one:
        one.import_messages(list(checked.values()))  # one transaction: the test stays fast
        exported = one.export_jsonl()
        logged = one.list()
    with InterceptLog.open(folder / "two.sqlite") as two:
        result = two.import_lines(exported)
        assert result.added == len(logged) == exported.count("\n")
        assert two.export_jsonl() == exported
        again = two.list()
    fields = ("label", "station", "when", "khz", "groups", "cover", "signature", "notes")
    assert [[getattr(i, f) for f in fields] for i in again] == [
        [getattr(i, f) for f in fields] for i in logged
    ]


def test_every_json_line_field_is_exported() -> None:
    from cinq.analysis.intercepts import Intercept

    item = Intercept(3, "E11", "2026-11-20", 5310.0, tuple(A), None, None)
    assert tuple(item.to_line()) == FIELDS and item.label == "3"


# -- the command line -------------------------------------------------------------------


def test_cli_import_export_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "monitor.jsonl"
    src.write_text("\n".join([line(id="A1", groups=A, station="E11", date="2026-11-20"),
                              line(groups=B, date="2026-11-21")]) + "\n")  # fmt: skip
    log = tmp_path / "log.sqlite"
    done = cinq("intercepts", "import", log, src, "--station", "S06")
    assert (done.returncode, done.stdout) == (0, "2 of 2 messages logged\n"), done.stderr
    exported = cinq("intercepts", "export", "--jsonl", log)
    assert exported.returncode == 0
    assert [json.loads(x)["id"] for x in exported.stdout.splitlines()] == ["A1", "2"]
    assert json.loads(exported.stdout.splitlines()[1])["station"] == "S06"
    again = cinq("intercepts", "import", tmp_path / "two.sqlite", "-", "--json",
                 input=exported.stdout)  # fmt: skip
    assert json.loads(again.stdout) == {"source": "standard input", "read": 2, "added": 2,
                                        "skipped": 0}  # fmt: skip
    assert cinq("intercepts", "export", "--jsonl", tmp_path / "two.sqlite").stdout == (
        exported.stdout
    )
    skip = cinq("intercepts", "import", log, src, "--skip-existing", "--station", "S06")
    assert skip.stdout == "0 of 2 messages logged, 2 already in the log\n"
    listed = cinq("intercepts", "list", log, "--json")
    assert [r["label"] for r in json.loads(listed.stdout)] == ["A1", "2"]
    assert "A1" in cinq("intercepts", "list", log).stdout


def test_cli_a_bad_file_is_exit_2_and_creates_no_log(tmp_path: Path) -> None:
    src = tmp_path / "monitor.jsonl"
    src.write_text(line(groups=A) + "\n" + line(groups=["12a45"]) + "\n")
    log = tmp_path / "log.sqlite"
    done = cinq("intercepts", "import", log, src)
    assert done.returncode == 2 and done.stdout == ""
    assert f"{src}: line 2: groups[0] ('12a45') is not a five-figure group" in " ".join(
        done.stderr.split()
    )
    assert "Traceback" not in done.stderr and not log.exists()
    done = cinq("intercepts", "export", "--jsonl", log)
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_cli_add_takes_an_id(tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite"
    done = cinq("intercepts", "add", log, "-", "--id", "E11-0042", input=" ".join(A))
    assert (done.returncode, done.stdout) == (0, "E11-0042\n"), done.stderr
    done = cinq("intercepts", "add", log, "-", "--id", "E11-0042", input=" ".join(B))
    assert done.returncode == 2 and "already" in done.stderr
    assert cinq("intercepts", "add", log, "-", input=" ".join(B)).stdout == "2\n"


@given(
    st.lists(
        st.one_of(
            st.text("0123456789? x٣", max_size=7),
            st.sampled_from(["12345", "6789?", "?????", "12345 67890", "1234", " 1234"]),
            st.integers(0, 99999),
        ),
        max_size=5,
    )
)
def test_one_pattern_for_a_whole_message_agrees_with_the_group_rule(
    groups: list[object],
) -> None:
    from cinq.analysis.intercepts import _all_groups
    from cinq.digits import group_problem

    each = all(
        isinstance(g, str) and group_problem(g, unknown_allowed=True) is None for g in groups
    )
    assert _all_groups(groups) == (each and bool(groups))


_LEAF = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.text("0123456789?", min_size=5, max_size=5)
)
_VALUE = st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=4), max_leaves=8)
_KEY = st.sampled_from([*FIELDS, "grops", "when", ""])


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.lists(st.dictionaries(_KEY, _VALUE, max_size=9) | _VALUE, max_size=4))
def test_any_json_lines_give_messages_or_bad_input(objects: list[object]) -> None:
    text = "\n".join(json.dumps(o) for o in objects)
    try:
        messages = read_jsonl(text, source="fuzz.jsonl")
    except BadInput as e:
        assert str(e).startswith("fuzz.jsonl: line ")
        return
    assert len(messages) == len(objects)
    assert all(m.groups and all(len(g) == 5 for g in m.groups) for m in messages)
