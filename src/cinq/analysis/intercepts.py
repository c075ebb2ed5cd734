"""The intercept log: messages heard on the air, kept in an SQLite file.

Each intercept records the station designation ("E11"), when it was heard (ISO 8601,
stored in UTC), the frequency in kHz, its five-figure groups and optional cover text,
signature and notes; a digit nobody could read is logged as ``?``. Every message has a
*label*, the name findings call it by: the monitor's own id when it came with one (``cinq
intercepts import``, ``add --id``), else cinq's numeric id as text. Labels are unique in
a log.

Many messages load at once from JSON lines (:func:`read_jsonl`,
:meth:`InterceptLog.import_lines`), one message a line, in one transaction: all or
nothing. :meth:`InterceptLog.export_jsonl` writes the same shape, so an export imports
again as it was.

A new log is built in a temporary file and linked into place, so no half-created log
ever exists and an existing file is never overwritten. A log of format version 1 (no
labels) is read as it is and migrated in place, in the transaction of its first write.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import math
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .. import files
from ..digits import check_group
from ..errors import BadInput, Location
from ..sqlitefile import SqliteHandle, check_sqlite_file, closed_on_failure, connect, read_meta

__all__ = [
    "FIELDS",
    "FORMAT",
    "VERSION",
    "ImportResult",
    "Intercept",
    "InterceptLog",
    "NewIntercept",
    "new_intercept",
    "read_jsonl",
]

FORMAT = "cinq-intercepts"
VERSION = "2"
_OLDER = ("1",)
_SCHEMA = (
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
        added_at TEXT NOT NULL,
        label TEXT
    )""",
    "CREATE UNIQUE INDEX intercept_label ON intercept (label)",
)
# Version 1 had no labels: its messages take their numeric ids as labels. A migrated log
# has the very shape of a new one (the column last, the uniqueness an index).
_FROM_1 = (
    "ALTER TABLE intercept ADD COLUMN label TEXT",
    "UPDATE intercept SET label = CAST(id AS TEXT)",
    "CREATE UNIQUE INDEX intercept_label ON intercept (label)",
    "UPDATE meta SET value = '2' WHERE key = 'version'",
)
_COLUMNS = "id, station, heard_at, khz, groups, signature, notes, cover, added_at"
_LABEL = {"1": "CAST(id AS TEXT)", VERSION: "COALESCE(label, CAST(id AS TEXT))"}
_INSERT = (
    "INSERT INTO intercept (station, heard_at, khz, groups, cover, signature, notes, "
    "added_at, label) VALUES (:station, :when, :khz, :groups, :cover, :signature, :notes, "
    ":added_at, :label)"
)

#: The fields of a JSON line (:func:`read_jsonl`): ``groups`` is required.
FIELDS = ("id", "station", "date", "frequency", "groups", "cover", "signature", "notes")


@dataclass(frozen=True)
class Intercept:
    """One logged message. ``when`` and ``added_at`` are ISO 8601 UTC; ``label`` is the
    name findings use (the monitor's id, or ``id`` as text when the message had none)."""

    id: int
    station: str
    when: str
    khz: float | None
    groups: tuple[str, ...]
    signature: str | None
    notes: str | None
    cover: str | None = None
    added_at: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:  # built without one (a test, an older caller): cinq's id
            object.__setattr__(self, "label", str(self.id))

    @classmethod
    def _of(cls, row: Sequence[Any]) -> Intercept:
        return cls(row[0], row[1], row[2], row[3], tuple(row[4].split()), *row[5:])

    def to_json(self) -> dict[str, object]:
        """Every field as a JSON-ready dict (``cinq intercepts export``)."""
        return asdict(self) | {"groups": list(self.groups)}

    def to_line(self) -> dict[str, object]:
        """The message as a line of JSON lines (:data:`FIELDS`), as
        :func:`read_jsonl` reads it back: ``id`` is the label."""
        return {
            "id": self.label,
            "station": self.station,
            "date": self.when,
            "frequency": self.khz,
            "groups": list(self.groups),
            "cover": self.cover,
            "signature": self.signature,
            "notes": self.notes,
        }

    def summary(self) -> dict[str, object]:
        """Id, label, station, time, frequency, how many groups and the first one (the
        indicator), as a JSON-ready dict (a row of ``cinq intercepts list --json``)."""
        return {
            "id": self.id,
            "label": self.label,
            "station": self.station,
            "when": self.when,
            "khz": self.khz,
            "groups": len(self.groups),
            "first_group": self.groups[0] if self.groups else None,
        }


@dataclass(frozen=True)
class NewIntercept:
    """A message checked and ready to log: what :func:`read_jsonl` reads from a line
    (``line``, 1-based; 0 for one given to :meth:`InterceptLog.add`). ``label`` None:
    the log names it by its numeric id. ``dated`` False: its line gave no date, and
    ``when`` is the time it was read."""

    station: str
    when: str
    khz: float | None
    groups: tuple[str, ...]
    label: str | None = None
    cover: str | None = None
    signature: str | None = None
    notes: str | None = None
    line: int = 0
    dated: bool = True

    def _params(self, added_at: str) -> dict[str, object]:
        """The named parameters of the INSERT."""
        return {
            "station": self.station,
            "when": self.when,
            "khz": self.khz,
            "groups": " ".join(self.groups),
            "cover": self.cover,
            "signature": self.signature,
            "notes": self.notes,
            "added_at": added_at,
            "label": self.label,
        }


@dataclass(frozen=True)
class ImportResult:
    """What :meth:`InterceptLog.import_lines` did: messages read from ``source``, added,
    and skipped because the log had them already (``skip_existing``)."""

    source: str
    read: int
    added: int
    skipped: int

    def to_json(self) -> dict[str, object]:
        """The counts as a JSON-ready dict (``cinq intercepts import --json``)."""
        return asdict(self)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    return _utc(datetime.now(UTC))


def _when(text: object) -> str:
    """``text`` (ISO 8601; naive means UTC) as UTC; a bare date stays a date."""
    if text is None:
        return _now()
    if not isinstance(text, str):
        raise BadInput(f"date and time {text!r} must be ISO 8601 text")
    s = text.strip()
    try:
        if len(s) == 10:
            return date.fromisoformat(s).isoformat()
        moment = datetime.fromisoformat(s)
    except (ValueError, TypeError):
        raise BadInput(f"date and time {text!r} is not ISO 8601 (e.g. 2026-11-20T18:00Z)") from None
    try:
        return _utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    except (ValueError, OverflowError):  # year 1 or 9999 pushed out of range by the offset
        raise BadInput(f"date and time {text!r} is out of range in UTC") from None


# Groups joined by spaces, each five digits or "?" (a digit the monitor could not read:
# logged as heard). One match checks a whole message: 20,000 of them load in a second.
_GROUPS = re.compile(r"[0-9?]{5}(?: [0-9?]{5})*")


def _all_groups(groups: Sequence[object]) -> bool:
    """Whether every item is a group under :func:`cinq.digits.group_problem`'s rule.
    With the length right, the pattern can match only if every item is five long."""
    try:
        joined = " ".join(groups)  # type: ignore[arg-type]  # TypeError: not all text
    except TypeError:
        return False
    return len(joined) == 6 * len(groups) - 1 and _GROUPS.fullmatch(joined) is not None


def _check_groups(
    groups: Sequence[str], *, name: str = "group {}", first: int = 1
) -> tuple[str, ...]:
    """The groups, each checked; the error names the first bad one by ``name``, filled
    with its position counted from ``first``."""
    if isinstance(groups, str):
        groups = groups.split()
    out = tuple(groups)
    if not out:
        raise BadInput("an intercept needs at least one group")
    if not _all_groups(out):
        for n, g in enumerate(out, first):
            check_group(g, unknown_allowed=True, name=name.format(n))
    return out


def _text(value: object, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadInput(f"{what} must be text")
    return value if value and value.strip() else None


def _station(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise BadInput(f"station {value!r} must be printable text, not empty")
    return value.strip()


def _khz(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(f"frequency {value!r} is not a number of kHz")
    try:
        khz = float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        khz = math.inf
    if not math.isfinite(khz):
        raise BadInput(f"frequency {value!r} is not a number of kHz")
    if khz <= 0:
        raise BadInput(f"frequency {khz:g} kHz must be positive")
    return khz


def _label(value: object) -> str | None:
    """A monitor's id: text, or a whole number kept as text (``117`` is ``"117"``)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise BadInput(f"id {value!r} must be printable text or a whole number, not empty")
    return value.strip()


def new_intercept(
    station: object,
    groups: Sequence[str],
    *,
    when: object = None,
    khz: object = None,
    label: object = None,
    cover: object = None,
    signature: object = None,
    notes: object = None,
    line: int = 0,
    dated: bool = True,
) -> NewIntercept:
    """A message checked field by field; :class:`BadInput` naming the first bad one.
    ``line`` and ``dated``: see :class:`NewIntercept`."""
    return NewIntercept(
        line=line,
        dated=dated,
        station=_station(station),
        when=_when(when),
        khz=_khz(khz),
        groups=_check_groups(groups),
        label=_label(label),
        cover=_text(cover, "cover"),
        signature=_text(signature, "signature"),
        notes=_text(notes, "notes"),
    )


# -- JSON lines ------------------------------------------------------------------------


def read_jsonl(
    text_or_lines: str | Iterable[str], *, source: str = "input", station: str = "unknown"
) -> tuple[NewIntercept, ...]:
    """The messages of JSON lines, one JSON object a line (blank lines skipped).

    Each line has ``groups`` (a list of five-figure groups, ``?`` for an unreadable
    digit) and optionally ``id`` (text or a whole number; unique in the input),
    ``station`` (else ``station``), ``date`` (ISO 8601; else now), ``frequency`` (kHz),
    ``cover``, ``signature`` and ``notes``; ``null`` is as absent. Any other key is an
    error, so that a misspelt field is never dropped unseen.

    Raises:
        BadInput: The first bad line, naming ``source``, the line and the field
            (``groups[3]`` is the fourth group, as ``jq`` counts), or the column of a
            JSON syntax error.
    """
    lines = text_or_lines.split("\n") if isinstance(text_or_lines, str) else text_or_lines
    default = _station(station)
    now = _now()  # one import, one moment for the messages without a date
    out: list[NewIntercept] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        message = _line(line.removeprefix("\ufeff"), number, source, default, now)
        if message.label is not None:
            if message.label in seen:
                raise BadInput(
                    f"{source}: line {number}: id {message.label!r} is on line "
                    f"{seen[message.label]} already"
                )
            seen[message.label] = number
        out.append(message)
    return tuple(out)


def _line(line: str, number: int, source: str, station: str, now: str) -> NewIntercept:
    obj = _json_object(line, number, source)
    try:
        unknown = sorted(set(obj) - set(FIELDS))
        if unknown:
            raise BadInput(f"unknown field {unknown[0]!r} (the fields: {', '.join(FIELDS)})")
        message = new_intercept(
            station if obj.get("station") is None else obj["station"],
            _groups(obj.get("groups")),
            when=now if obj.get("date") is None else obj["date"],
            khz=obj.get("frequency"),
            label=obj.get("id"),
            cover=obj.get("cover"),
            signature=obj.get("signature"),
            notes=obj.get("notes"),
            line=number,
            dated=obj.get("date") is not None,
        )
    except BadInput as e:
        raise BadInput(f"{source}: line {number}: {e.message}") from None
    return message


def _json_object(line: str, number: int, source: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        where = Location(number, e.colno, None, source)
        raise BadInput(f"not JSON: {e.msg}{_hint(line)}", location=where) from None
    except (ValueError, RecursionError) as e:  # an integer of 5,000 digits, [[[[...]]]]
        raise BadInput(f"{source}: line {number}: not JSON cinq reads: {e}") from None
    if not isinstance(obj, dict):
        raise BadInput(
            f"{source}: line {number}: a message is a JSON object {{...}}, "
            f"not {type(obj).__name__}{_hint(line)}"
        )
    return obj


def _hint(line: str) -> str:
    if line.lstrip().startswith("["):
        return (
            " (one message a line: JSON lines, as `cinq intercepts export --jsonl` writes, "
            "not one JSON array)"
        )
    return ""


def _groups(value: object) -> tuple[str, ...]:
    if value is None:
        raise BadInput("no groups: a message needs 'groups', a list of five-figure groups")
    if not isinstance(value, list) or not value:
        raise BadInput("groups must be a list of five-figure groups, not empty")
    # As jq counts: groups[3] is the fourth.
    return _check_groups(value, name="groups[{}]", first=0)


# -- the log ---------------------------------------------------------------------------


class InterceptLog(SqliteHandle):
    """An open intercept log; use :meth:`open`, then :meth:`close` or a ``with`` block."""

    def __init__(self, path: Path, conn: sqlite3.Connection, version: str) -> None:
        super().__init__(path, conn)
        self._version = version

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> InterceptLog:
        """Open the log at ``path``, creating it if missing and ``create`` is true.

        A version 1 log opens as it is; its first write migrates it.

        Raises:
            BadInput: The file is missing (``create=False``) or is not an intercept log.
        """
        p = Path(path)
        if not os.path.lexists(p):
            if not create:
                raise BadInput(f"no intercept log at {p}: the file does not exist")
            _create(p)
        check_sqlite_file(p, short="an intercept log", full="an intercept log")
        conn = connect(p, lambda: sqlite3.connect(p, timeout=30.0))
        with closed_on_failure(conn, p, full="an intercept log"):
            full = "an intercept log"
            meta = read_meta(conn, p, full=full, format=FORMAT, version=VERSION, older=_OLDER)
            log = cls(p, conn, meta["version"])
            conn.execute(f"SELECT {log._columns()} FROM intercept LIMIT 0")
        return log

    def __repr__(self) -> str:
        return f"InterceptLog({str(self._path)!r})"

    @property
    def path(self) -> Path:
        return self._path

    def _columns(self) -> str:
        return f"{_COLUMNS}, {_LABEL[self._version]}"

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError(f"intercept log {self._path} is closed")
        return self._conn

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection; a damaged file found only now (a page deep inside) is a
        :class:`BadInput` naming the log, not an internal error."""
        try:
            yield self._db()
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"intercept log {self._path} is damaged: {exc}") from None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before anything is read so that two writers
        never interleave; a version 1 log is migrated first, inside it."""
        with self._reading() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:  # read-only, or locked for 30 s
                raise BadInput(f"cannot write intercept log {self._path}: {exc}") from None
            try:
                version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if version is not None and version[0] == "1":
                    for statement in _FROM_1:
                        db.execute(statement)
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise
            self._version = VERSION

    def add(
        self,
        station: str,
        groups: Sequence[str],
        *,
        when: str | None = None,
        khz: float | None = None,
        signature: str | None = None,
        notes: str | None = None,
        cover: str | None = None,
        label: str | int | None = None,
    ) -> Intercept:
        """Log a message; ``when`` defaults to now, ``label`` to the numeric id.

        Raises:
            BadInput: A field is invalid, or ``label`` names a message already logged.
        """
        message = new_intercept(station, groups, when=when, khz=khz, label=label,
                                cover=cover, signature=signature, notes=notes)  # fmt: skip
        with self._writing() as db:
            if message.label is not None:
                self._refuse_taken(db, message.label)
            cur = db.execute(_INSERT, message._params(_now()))
            _label_the_unlabelled(db)
        return self.get(cur.lastrowid or 0)

    def _refuse_taken(self, db: sqlite3.Connection, label: str) -> None:
        if db.execute("SELECT 1 FROM intercept WHERE label = ?", (label,)).fetchone():
            raise BadInput(f"intercept log {self._path} has a message {label!r} already")

    def import_lines(
        self,
        text_or_lines: str | Iterable[str],
        *,
        source: str = "input",
        station: str = "unknown",
        skip_existing: bool = False,
    ) -> ImportResult:
        """Log every message of JSON lines (:func:`read_jsonl`) in one transaction.

        Args:
            text_or_lines: The JSON lines, as one text or line by line.
            source: What errors call the input (a file name).
            station: The station of the messages whose line names none.
            skip_existing: Skip a message whose id the log has already with the same
                groups (re-importing a monitor's updated export); an id logged with
                other groups is still an error. A message without an id is skipped
                when its line has a date and the log has one of the same station,
                time and groups.

        Raises:
            BadInput: A bad line, or an id the log has already: nothing is logged.
        """
        messages = read_jsonl(text_or_lines, source=source, station=station)
        return self.import_messages(messages, source=source, skip_existing=skip_existing)

    def import_messages(
        self,
        messages: Sequence[NewIntercept],
        *,
        source: str = "input",
        skip_existing: bool = False,
    ) -> ImportResult:
        """Log ``messages`` (from :func:`read_jsonl`) in one transaction: all or none.
        See :meth:`import_lines`."""
        with self._writing() as db:
            # A message without an id is skipped when the log has one heard from the same
            # station at the same time with the same groups.
            heard = (
                _heard(db) if skip_existing and any(m.label is None for m in messages) else set()
            )
            new = [m for m in messages if not self._logged(db, m, source, skip_existing, heard)]
            added_at = _now()
            db.executemany(_INSERT, (m._params(added_at) for m in new))
            _label_the_unlabelled(db)
        return ImportResult(source, len(messages), len(new), len(messages) - len(new))

    def _logged(
        self,
        db: sqlite3.Connection,
        message: NewIntercept,
        source: str,
        skip_existing: bool,
        heard: set[tuple[str, str, str]],
    ) -> bool:
        """Whether the log has ``message`` already (same id and groups; without an id,
        in ``heard``) and ``skip_existing`` says to skip it; :class:`BadInput` if its id
        is taken otherwise."""
        if message.label is None:
            seen = (message.station, message.when, " ".join(message.groups)) in heard
            return message.dated and seen
        row = db.execute("SELECT groups FROM intercept WHERE label = ?", (message.label,))
        found = row.fetchone()
        if found is None:
            return False
        if skip_existing and tuple(str(found[0]).split()) == message.groups:
            return True
        why = (
            "with other groups (a message is skipped only when its groups are the same)"
            if skip_existing
            else "(--skip-existing skips the messages a log has already)"
        )
        raise BadInput(
            f"{source}: line {message.line}: id {message.label!r} is in the log already {why}"
        )

    def list(self, *, station: str | None = None) -> list[Intercept]:
        """Logged messages by time heard (then id), optionally only one station's.

        A designation matches in any case (``e11`` finds ``E11``): monitors write them
        both ways.
        """
        sql = f"SELECT {self._columns()} FROM intercept ORDER BY heard_at, id"
        with self._reading() as db:
            rows = db.execute(sql).fetchall()
        items = [self._intercept(r) for r in rows]
        if station is None:
            return items
        wanted = station.strip().casefold()
        return [i for i in items if i.station.casefold() == wanted]

    def get(self, id: int) -> Intercept:
        """The intercept with this id; :class:`BadInput` if there is none."""
        sql = f"SELECT {self._columns()} FROM intercept WHERE id = ?"
        with self._reading() as db:
            row = db.execute(sql, (id,)).fetchone()
        if row is None:
            raise BadInput(f"intercept log {self._path} has no message {id}")
        return self._intercept(row)

    def _intercept(self, row: Sequence[Any]) -> Intercept:
        """The row as an :class:`Intercept`; a row no cinq wrote (NULL groups, a number
        where text belongs) is a :class:`BadInput` naming the log and the row."""
        try:
            item = Intercept._of(row)
            _check_groups(item.groups)
            if not all(isinstance(x, str) for x in (item.station, item.when, item.label)):
                raise TypeError
        except (AttributeError, TypeError, ValueError, BadInput):
            raise BadInput(f"intercept log {self._path}: message {row[0]!r} is damaged") from None
        return item

    def export(self) -> builtins.list[dict[str, object]]:
        """Every intercept as a JSON-ready dict, in :meth:`list` order."""
        return [i.to_json() for i in self.list()]

    def export_jsonl(self) -> str:
        """Every intercept as a JSON line (:meth:`Intercept.to_line`), in :meth:`list`
        order: what :meth:`import_lines` reads back."""
        return "".join(json.dumps(i.to_line(), ensure_ascii=False) + "\n" for i in self.list())


def _heard(db: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """Station, time heard and groups of every logged message."""
    return {(str(a), str(b), str(c)) for a, b, c in db.execute(
        "SELECT station, heard_at, groups FROM intercept")}  # fmt: skip


def _label_the_unlabelled(db: sqlite3.Connection) -> None:
    """Name the messages logged without an id by their numeric id; one whose number
    is some monitor's id already is ``cinq-<id>`` (then ``cinq-<id>-2``, ...)."""
    db.execute(
        "UPDATE intercept SET label = CAST(id AS TEXT) WHERE label IS NULL AND "
        "CAST(id AS TEXT) NOT IN (SELECT label FROM intercept WHERE label IS NOT NULL)"
    )
    for (rowid,) in db.execute("SELECT id FROM intercept WHERE label IS NULL").fetchall():
        candidate, n = f"cinq-{rowid}", 1
        while db.execute("SELECT 1 FROM intercept WHERE label = ?", (candidate,)).fetchone():
            n += 1
            candidate = f"cinq-{rowid}-{n}"
        db.execute("UPDATE intercept SET label = ? WHERE id = ?", (candidate, rowid))


def _create(final: Path) -> None:
    """Build an empty log in a temporary file beside ``final`` and link it into place
    (:func:`cinq.files.temp_beside`, :func:`cinq.files.put_in_place`)."""
    with contextlib.ExitStack() as stack:
        try:
            temp = stack.enter_context(files.temp_beside(final))
        except OSError as exc:
            raise BadInput(
                f"cannot create an intercept log in {final.parent}: {exc.strerror}"
            ) from None
        try:
            _write_empty_log(temp.path)
            with contextlib.suppress(FileExistsError):  # someone else created it: use theirs
                files.put_in_place(temp, final, replace=False)
        except OSError as exc:
            raise BadInput(f"cannot create {final}: {exc.strerror}") from None


def _write_empty_log(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            for statement in _SCHEMA:
                conn.execute(statement)
            meta = {"format": FORMAT, "version": VERSION, "created": _now()}
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    finally:
        conn.close()
