"""``cinq network``: a station serving a network of agents (:mod:`cinq.network`).

A thin layer: every command opens the station (``--db``: an SQLite file or a
``postgresql://`` URL), calls one function of the library and prints what it returns.
The library loads only when a command runs, so ``cinq network -h`` stays quick.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BadInput, CannotWrite, KeyManagementError
from ..language import LANGUAGES
from ._io import notice, read_document, read_text, strip_final_newline
from .options import DropOpt, FoldOpt, lowered, policy_of

if TYPE_CHECKING:
    from ..network import AgentAccount, AuditEntry, Slot, Station, Transmission
    from ..radio.profiles import Profile

app = typer.Typer(
    help="A station's network: agents' pad books, a queue, scheduled transmissions, an audit log.",
    no_args_is_help=True,
)
agent_app = typer.Typer(help="The station's agents and their pad books.", no_args_is_help=True)
app.add_typer(agent_app, name="agent")

#: The longest span `network run` fills at once.
MAX_SPAN = timedelta(days=366)

#: The years a time may have: a year of slots, and the day either side, stay in
#: Python's calendar.
YEARS = (1970, 9990)
#: The largest --after and --limit (SQLite's integers are 64-bit).
MAX_COUNT = 2**62
#: The largest --older-than: 19 years, which Python's clock can still subtract.
MAX_MINUTES = 10**7


def utf8(value: str | None) -> str | None:
    """An argument as text: refused if the shell passed bytes that are not UTF-8
    (Python keeps them as lone surrogates, which no database takes)."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise typer.BadParameter(f"{value!r} is not UTF-8 text") from None
    return value


DbOpt = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="CINQ_NETWORK_DB",
        callback=utf8,
        help="The station: an SQLite file, or a postgresql://... URL.",
    ),
]
KeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="A PostgreSQL station's page-key file (default: the one it was created with).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
JsonLinesOpt = Annotated[
    bool, typer.Option("--jsonl", help="JSON lines: one object a line, as they come.")
]
CallArg = Annotated[
    str, typer.Argument(callback=utf8, help="The agent's call number (1 to 5 digits).")
]
AgentLangOpt = Annotated[
    str,
    typer.Option("--lang", callback=lowered, help=f"The agent's language: {', '.join(LANGUAGES)}."),
]


def _open(db: str, key_file: Path | None) -> Station:
    from ..network import Station

    return Station.open(db, key_file=key_file)


def _time(value: str, option: str) -> datetime:
    """An ISO 8601 time with ``Z`` or an offset; a time without a zone is refused."""
    example = "e.g. 2027-01-04T21:00Z"
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{option} {value!r} is not an ISO 8601 time ({example})") from None
    if at.tzinfo is None:
        raise BadInput(f"{option} {value} has no time zone: add Z for UTC or an offset ({example})")
    if not YEARS[0] <= at.year <= YEARS[1]:
        raise BadInput(f"{option} {value} is out of range: a year from {YEARS[0]} to {YEARS[1]}")
    return at.astimezone(UTC)


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


# -- the station and its agents -------------------------------------------------------


@app.command("init")
def init(
    db: DbOpt = "station.db",
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help="PostgreSQL only: the new page-key file to create."),
    ] = None,
    name: Annotated[str, typer.Option(callback=utf8, help="The station's name.")] = "cinq",
) -> None:
    """Create a station: a new SQLite file (never over an existing one), or an empty
    PostgreSQL database with a new key file. Prints where it is."""
    from ..network import Station

    with Station.create(db, name=name, key_file=key_file) as station:
        typer.echo(station.db.address)
    notice(f"station {name}: no agents yet (cinq network agent add CALL)")


@agent_app.command("add")
def agent_add(
    call: CallArg,
    pages: Annotated[int, typer.Option(help="Pages in each of the agent's two books.")] = 100,
    groups: Annotated[int, typer.Option(help="Groups a page (10 to 1000).")] = 50,
    lang: AgentLangOpt = "en",
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
) -> None:
    """Add an agent with two new books from the OS CSPRNG: the station's send book
    (the agent reads the broadcasts with its twin) and its receive book.

    Export the agent's books (`agent export`) before the first message: pages the
    station has spent go out burned."""
    with _open(db, key_file) as station:
        station.add_agent(call, pages=pages, groups=groups, lang=lang)
    notice(f"agent {call}: {pages} send and {pages} receive pages of {groups} groups")


@agent_app.command("import")
def agent_import(
    call: CallArg,
    send: Annotated[
        Path, typer.Option("--send", help="A send book whose receive twin the agent holds.")
    ],
    receive: Annotated[
        Path | None,
        typer.Option("--receive", help="A receive book whose send twin the agent holds."),
    ] = None,
    lang: AgentLangOpt = "en",
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make CALL an agent with the unused pages of existing pad books.

    The send book's unused pages are marked issued in that file, in the transaction
    that reads them, before the station stores them: the book never enciphers on them
    again."""
    from ..book import PadBook
    from ..network import import_books

    with contextlib.ExitStack() as stack:
        station = stack.enter_context(_open(db, key_file))
        send_book = stack.enter_context(PadBook.open(send))
        receive_book = stack.enter_context(PadBook.open(receive)) if receive else None
        counts = import_books(station, call, send_book, receive_book, lang=lang)
    if as_json:
        _echo_json({"agent": call, "pages": counts})
        return
    typer.echo(f"agent {call}: {counts['send']} send and {counts['receive']} receive pages")


@agent_app.command("export")
def agent_export(
    call: CallArg,
    base: Annotated[str, typer.Argument(help="Writes BASE.receive.pad and BASE.send.pad.")],
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the agent's two books, never over existing files: BASE.receive.pad reads
    the broadcasts, BASE.send.pad enciphers the agent's replies. Prints their paths.

    Pages the station has already spent go out burned (counted on stderr)."""
    from ..network import export_books

    with _open(db, key_file) as station:
        done = export_books(station, call, base)
    if as_json:
        _echo_json(done.to_json())
        return
    typer.echo(f"{done.receive_book}\n{done.send_book}")
    burned = done.burned
    notice(
        f"went out burned: {burned['send']} pages of {done.receive_book}, "
        f"{burned['receive']} of {done.send_book}"
    )


@agent_app.command("extend")
def agent_extend(
    call: CallArg,
    pages: Annotated[int, typer.Option(help="New pages for each of the agent's two books.")] = 100,
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
) -> None:
    """Add new pages from the OS CSPRNG to both of the agent's books. The agent needs
    them: export its books again (`agent export`)."""
    from ..network import extend_agent

    with _open(db, key_file) as station:
        first = extend_agent(station, call, pages)
    notice(f"agent {call}: pages {first} to {first + pages - 1} added to both books")


@agent_app.command("burn")
def agent_burn(call: CallArg, db: DbOpt = "station.db", key_file: KeyFileOpt = None) -> None:
    """Burn a lost agent, for good: every unused page of its books is destroyed, the
    messages queued for it are cancelled, and nothing is sent to it again. Schedules
    that call "all" leave it out; one that names it is refused."""
    from ..network import burn_agent

    with _open(db, key_file) as station:
        pages = burn_agent(station, call)
    notice(f"agent {call} burned: {pages} unused pages destroyed")


@app.command("grant")
def grant(
    user: Annotated[str, typer.Argument(help="A database user (created if new).")],
    role: Annotated[str, typer.Argument(callback=lowered, help="operator or supervisor.")],
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
) -> None:
    """Let a database user act at a PostgreSQL station: an operator queues and
    transmits; a supervisor also adds, imports and exports agents."""
    from ..network import Role

    if role not in {r.value for r in Role}:
        raise typer.BadParameter("ROLE is operator or supervisor")
    with _open(db, key_file) as station:
        station.grant(user, Role(role))
    notice(f"{user} is now {role} at station {station.name}")


# -- traffic ---------------------------------------------------------------------------


@app.command("queue")
def queue(
    call: CallArg,
    text: Annotated[
        str | None,
        typer.Argument(callback=utf8, help="The message; '-' or nothing: read it from stdin."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="Queued as of this time (ISO 8601 with Z or an offset; default now)."),
    ] = None,
    fold: FoldOpt = False,
    drop: DropOpt = False,
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Encipher a message for an agent on its next page and queue it for its next slot.

    A message is one page: a longer text is refused with its length and the limit,
    and takes no page. Prints the indicator (the page ID) and the message number."""
    when = _time(at, "--at") if at is not None else None
    if text is None or text == "-":
        text = strip_final_newline(read_text(None, what="message"))
    with _open(db, key_file) as station:
        queued = station.queue(call, text, at=when, policy=policy_of(fold, drop))
    if as_json:
        _echo_json(queued.to_json())
        return
    typer.echo(f"indicator {queued.page_id}, message {queued.message}")


OutFolderOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="An existing folder: each transmission's document as YYYYMMDDTHHMMZ-CALL.txt.",
    ),
]


@app.command("run")
def run_cmd(
    schedule_file: Annotated[Path, typer.Option("--schedule", help="The schedule (TOML).")],
    start: Annotated[
        str, typer.Option("--from", help="From this time, included (ISO 8601, Z or offset).")
    ],
    end: Annotated[str, typer.Option("--to", help="To this time, excluded (at most a year on).")],
    out: OutFolderOpt = None,
    audio: Annotated[
        bool, typer.Option("--audio", help="With --out: also the broadcast as a WAV file.")
    ] = False,
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonLinesOpt = False,
) -> None:
    """Fill every slot of the schedule from --from to --to, in order: the agent's
    oldest queued message, or a dummy on its next page. One line a slot: time, agent,
    frequency, groups. A slot already filled (by an earlier run, another operator) is
    skipped.

    With --out, each document (and with --audio its broadcast, in the schedule's
    station profile) is written before the slot is recorded, never over a file. With
    --json, one JSON object a line, with the station's record of the message."""
    begin, finish = _span(start, end)
    from ..network import Schedule

    schedule = Schedule.load(schedule_file)
    profile = _audio_profile(schedule.profile, out) if audio else None
    deliver = _deliver(out, profile) if out is not None else None
    with _open(db, key_file) as station:
        slots = station.slots(schedule, begin, finish)
        sent = sum(_transmit(station, slot, deliver, out, as_json) for slot in slots)
    notice(f"{sent} of {len(slots)} slots transmitted")


def _span(start: str, end: str) -> tuple[datetime, datetime]:
    begin, finish = _time(start, "--from"), _time(end, "--to")
    if not begin < finish <= begin + MAX_SPAN:
        raise BadInput("--to must be after --from, and at most 366 days after it")
    return begin, finish


def _audio_profile(name: str, out: Path | None) -> Profile:
    """The schedule's station profile, loaded before any slot is filled."""
    if out is None:
        raise BadInput("--audio writes WAV files beside the documents: give --out too")
    from ..extras import require

    require("radio", feature="cinq network run --audio")
    from ..radio import profiles

    return profiles.load(name)


def _check_folder(out: Path) -> None:
    if not out.is_dir():
        why = "it is not a folder" if out.exists() else "there is no such folder"
        raise CannotWrite(f"cannot write transmissions to {out}: {why}")
    if not os.access(out, os.W_OK | os.X_OK):
        raise CannotWrite(f"cannot write transmissions to {out}: the folder is not writable")


def _file_stem(out: Path, slot: Slot) -> Path:
    return out / f"{slot.at.astimezone(UTC):%Y%m%dT%H%MZ}-{slot.agent}"


def _deliver(out: Path, profile: Profile | None) -> Callable[[Transmission], None]:
    """Write a transmission's document (and WAV): run by the station inside the
    transaction that records the slot, so a failure records nothing. The folder is
    checked first, before any slot is filled."""
    _check_folder(out)

    def deliver(sent: Transmission) -> None:
        stem = _file_stem(out, sent.slot)
        wav = _wav(sent, profile) if profile is not None else None  # before any file
        document = _write_new(stem.with_name(stem.name + ".txt"), sent.document.render())
        if wav is not None:
            try:
                _write_new(stem.with_name(stem.name + ".wav"), wav)
            except BaseException:
                document.unlink(missing_ok=True)
                raise

    return deliver


def _wav(sent: Transmission, profile: Profile) -> bytes:
    from ..radio import synth

    return synth.broadcast(sent.groups, profile, station_id=sent.slot.agent).wav()


def _write_new(path: Path, data: str | bytes) -> Path:
    from ..files import write_new

    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        return write_new(path, raw, mode=0o644)
    except FileExistsError:
        raise CannotWrite(f"{path} exists: a transmission is never written over a file") from None
    except OSError as e:
        raise CannotWrite(f"cannot write {path}: {e.strerror or e}") from None


def _transmit(
    station: Station,
    slot: Slot,
    deliver: Callable[[Transmission], None] | None,
    out: Path | None,
    as_json: bool,
) -> bool:
    """Fill one slot and print its line; False if another operator had filled it."""
    sent = station.transmit(slot, deliver=deliver)
    where = slot.to_json()
    if sent is None:
        if as_json:
            typer.echo(json.dumps({**where, "skipped": "already transmitted"}))
        else:
            typer.echo(f"{where['at']}  {slot.agent:>5}  already transmitted: skipped")
        return False
    if as_json:
        row = sent.to_json()
        if out is not None:
            row["document"] = str(_file_stem(out, slot)) + ".txt"
        typer.echo(json.dumps(row))
    else:
        khz = "-" if slot.frequency_khz is None else f"{slot.frequency_khz} kHz"
        typer.echo(f"{where['at']}  {slot.agent:>5}  {khz}  {len(sent.groups)} groups")
    return True


# -- the books -------------------------------------------------------------------------


@app.command("status")
def status(
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Each agent's pages and traffic, and whether the books balance (exit 3 if not).

    send: the pages the station enciphers on (unused, used, spoiled, taken by an
    operator at work); receive: the pages left to read the agent's replies."""
    from ..network import accounts, balance

    with _open(db, key_file) as station:
        agents = accounts(station)
        checked = balance(station)
    if as_json:
        _echo_json({"agents": [a.to_json() for a in agents], "balance": checked.to_json()})
    else:
        _print_accounts(agents)
        if checked.ok:
            typer.echo("books balance")
    if not checked.ok:
        raise KeyManagementError("the books do not balance: " + "; ".join(checked.problems))


def _print_accounts(agents: list[AgentAccount]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table("agent", "lang", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("send unused", "used", "spoiled", "taken", "receive unused"):
        table.add_column(name.replace(" ", "\n"), justify="right")
    for name in ("queued", "sent", "dummies"):
        table.add_column(name, justify="right")
    for a in agents:
        send, receive = a.pages.get("send", {}), a.pages.get("receive", {})
        counts = [send.get(s, 0) for s in ("unused", "used", "spoiled", "taken")]
        counts += [receive.get("unused", 0), a.queued, a.sent, a.dummies_sent]
        table.add_row(a.agent, a.lang, *map(str, counts))
    Console().print(table)


@app.command("audit")
def audit(
    after: Annotated[
        int, typer.Option(min=0, max=MAX_COUNT, help="Only the entries after this one.")
    ] = 0,
    limit: Annotated[
        int | None, typer.Option(min=1, max=MAX_COUNT, help="At most this many entries.")
    ] = None,
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonLinesOpt = False,
) -> None:
    """The audit log, one entry a line: number, time, who, what, and the agent, page,
    message and detail it concerns."""
    from ..network import audit_log

    with _open(db, key_file) as station:
        entries = audit_log(station, after=after, limit=limit)
    for e in entries:
        typer.echo(json.dumps(e.to_json(), ensure_ascii=False) if as_json else _audit_line(e))


def _audit_line(e: AuditEntry) -> str:
    about = [f"agent {e.agent}" if e.agent else "", f"page {e.page_id}" if e.page_id else ""]
    about += [f"message {e.message}" if e.message is not None else "", e.detail or ""]
    return "  ".join([str(e.id), e.at, e.actor, e.action.value, *filter(None, about)])


@app.command("read")
def read_cmd(
    call: CallArg,
    file: Annotated[
        Path | None,
        typer.Argument(help="The agent's message (a document or a PDF); '-' or nothing: stdin."),
    ] = None,
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read a message an agent sent back, on its receive book at the station.

    The check groups are verified before anything is deciphered; the pages are marked
    read and burned before the text is printed. A page already read refuses any
    message (exit 3), a message that fails its check changes nothing (exit 4)."""
    from ..document import Document
    from ..network.replies import read_reply

    path = None if file is None or str(file) == "-" else file
    doc = Document.parse(read_document(path), source=str(path) if path else "stdin")
    with _open(db, key_file) as station:
        reply = read_reply(station, call, doc)
    if as_json:
        _echo_json(reply.to_json())
        return
    typer.echo(reply.text)


@app.command("reconcile")
def reconcile(
    older_than: Annotated[
        int,
        typer.Option(
            min=0, max=MAX_MINUTES, help="Spoil pages taken this many minutes ago or more."
        ),
    ] = 10,
    db: DbOpt = "station.db",
    key_file: KeyFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Spoil the pages taken and never used (their operator was killed): only when no
    operator has been at work on them for --older-than minutes. Prints them."""
    from ..network import reconcile as spoil_abandoned

    with _open(db, key_file) as station:
        spoiled = spoil_abandoned(station, older_than=timedelta(minutes=older_than))
    if as_json:
        _echo_json({"spoiled": spoiled})
        return
    for page in spoiled:
        typer.echo(f"spoiled {page}")
    notice(f"{len(spoiled)} abandoned pages spoiled")
