"""``cinq intercepts``: the intercept log of messages heard on the air."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..analysis.intercepts import InterceptLog, read_jsonl
from ..document import Document
from ..errors import BadInput
from ..files import MiB
from ._io import read_document, read_text

#: The largest JSON lines file `import` reads: 20,000 messages of 50 groups are 10 MiB.
MAX_IMPORT_BYTES = 256 * MiB


@contextlib.contextmanager
def open_log(path: Path, *, create: bool = False) -> Iterator[InterceptLog]:
    """An intercept log; damage SQLite finds only when it reads a page ("database
    disk image is malformed") is an error naming the file, not a crash."""
    try:
        with InterceptLog.open(path, create=create) as log:
            yield log
    except sqlite3.DatabaseError as e:
        raise BadInput(f"intercept log {path} is damaged or not cinq's: {e}") from None


intercepts_app = typer.Typer(
    help="The intercept log: messages heard, in SQLite.", no_args_is_help=True
)


@intercepts_app.command("add")
def add(
    log: Annotated[Path, typer.Argument(help="The intercept log (SQLite; created if new).")],
    document: Annotated[
        Path | None, typer.Argument(help="The copied document; '-' for stdin.")
    ] = None,
    station: Annotated[str, typer.Option(help="Station designation, e.g. E11.")] = "unknown",
    when: Annotated[str | None, typer.Option(help="Date and time (ISO 8601, UTC).")] = None,
    khz: Annotated[float | None, typer.Option(help="Frequency in kHz.")] = None,
    notes: Annotated[str | None, typer.Option(help="Free notes.")] = None,
    label: Annotated[
        str | None,
        typer.Option("--id", help="The monitor's id for it (unique); else its number in the log."),
    ] = None,
) -> None:
    """Log an intercepted message; print its id."""
    doc = Document.parse(read_document(document, what="document"))
    with open_log(log, create=True) as lg:
        item = lg.add(station, doc.groups, when=when, khz=khz, signature=doc.signature,
                      notes=notes, label=label)  # fmt: skip
    typer.echo(item.label)


@intercepts_app.command("import")
def import_(
    log: Annotated[Path, typer.Argument(help="The intercept log (SQLite; created if new).")],
    file: Annotated[Path, typer.Argument(help="JSON lines, one message a line; '-' for stdin.")],
    station: Annotated[
        str, typer.Option(help="The station of the lines that name none.")
    ] = "unknown",
    skip_existing: Annotated[
        bool,
        typer.Option(
            "--skip-existing",
            help="Skip the messages whose id the log has already with the same groups.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Log many messages at once from JSON lines: all of them, or none.

    One JSON object a line: "groups" (a list of five-figure groups, ? for a digit
    nobody could read) and, if known, "id" (the monitor's, text or a number),
    "station", "date" (ISO 8601; else now), "frequency" (kHz), "cover", "signature",
    "notes". Any other key is an error. `cinq intercepts export --jsonl` writes this.
    """
    source = "standard input" if str(file) == "-" else str(file)
    text = read_text(file, what="JSON lines file", limit=MAX_IMPORT_BYTES)
    # Every line is checked before the log is opened: a bad file creates no log.
    messages = read_jsonl(text, source=source, station=station)
    with open_log(log, create=True) as lg:
        result = lg.import_messages(messages, source=source, skip_existing=skip_existing)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    skipped = f", {result.skipped} already in the log" if skip_existing else ""
    typer.echo(f"{result.added} of {result.read} messages logged{skipped}")


@intercepts_app.command("list")
def list_(
    log: Annotated[Path, typer.Argument(help="The intercept log.")],
    station: Annotated[str | None, typer.Option(help="Only this station.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The logged messages."""
    with open_log(log) as lg:
        items = lg.list(station=station)  # designations in any case: e11 finds E11
    if as_json:
        rows = [i.summary() for i in items]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "station", "when", "kHz", "groups", "first group")
    for i in items:
        table.add_row(i.label, i.station, i.when, "" if i.khz is None else f"{i.khz:g}",
                      str(len(i.groups)), i.groups[0] if i.groups else "")  # fmt: skip
    Console().print(table)


@intercepts_app.command("export")
def export(
    log: Annotated[Path, typer.Argument(help="The intercept log.")],
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help="JSON lines, as `cinq intercepts import` reads them."),
    ] = False,
) -> None:
    """All logged messages as JSON (every field), or as JSON lines to import again."""
    with open_log(log) as lg:
        if jsonl:
            typer.echo(lg.export_jsonl(), nl=False)
            return
        typer.echo(json.dumps(lg.export(), ensure_ascii=False, indent=2))
