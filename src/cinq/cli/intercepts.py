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

from ..analysis.intercepts import InterceptLog
from ..document import Document
from ..errors import BadInput
from ._io import read_document


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
) -> None:
    """Log an intercepted message."""
    doc = Document.parse(read_document(document, what="document"))
    with open_log(log, create=True) as lg:
        item = lg.add(station, doc.groups, when=when, khz=khz, signature=doc.signature, notes=notes)
    typer.echo(str(item.id))


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
        table.add_row(str(i.id), i.station, i.when, "" if i.khz is None else f"{i.khz:g}",
                      str(len(i.groups)), i.groups[0] if i.groups else "")  # fmt: skip
    Console().print(table)


@intercepts_app.command("export")
def export(log: Annotated[Path, typer.Argument(help="The intercept log.")]) -> None:
    """All logged messages as JSON."""
    with open_log(log) as lg:
        typer.echo(json.dumps(lg.export(), ensure_ascii=False, indent=2))
