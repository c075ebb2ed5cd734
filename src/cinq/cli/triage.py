"""``cinq triage`` and ``cinq intercepts``: the analyst's commands."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..analysis.intercepts import InterceptLog
from ..book import PadBook
from ..document import Document
from ..errors import BadInput
from ._io import check_folder, err, progress, read_document

if TYPE_CHECKING:
    from ..analysis.logtriage import LogTriage
    from ..analysis.triage import Triage


@contextlib.contextmanager
def _log(path: Path, *, create: bool = False) -> Iterator[InterceptLog]:
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


def triage_cmd(
    file: Annotated[
        Path | None, typer.Argument(help="A document; '-' or nothing for stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    report_dir: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML report with plots here.")
    ] = None,
    book: Annotated[
        Path | None, typer.Option(help="A receive book to try the message with.")
    ] = None,
    intercepts: Annotated[
        Path | None, typer.Option(help="Triage every message of an intercept log instead.")
    ] = None,
) -> None:
    """What is this document, are its groups random, can it be read? Verdict with evidence.

    Never invents a plaintext: a reading is shown only when a language model says it is
    language, or when your pad book decrypts it.
    """
    if report_dir is not None:
        check_folder(report_dir, what="report folder")
    if intercepts is not None:
        _triage_log(intercepts, as_json)
        return
    result = _triage_document(read_document(file, what="document"), book)
    if report_dir is not None:
        # matplotlib loads only when a report is drawn.
        from ..analysis import report

        with progress("writing the report"):
            page = report.write(result, report_dir)
        err.print(f"report: {page}", highlight=False)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _show(result)


def _triage_document(text: str, book: Path | None) -> Triage:
    # The analysis stack (SciPy, the language models) loads only here.
    from ..analysis.triage import triage

    with progress("triage"):
        if book is None:
            return triage(text)
        with PadBook.open(book) as b:
            return triage(text, book=b)


def _show(t: Triage) -> None:
    con = Console()
    table = Table("evidence", "finding", show_header=False)
    for a, b in t.evidence:
        table.add_row(a, b)
    con.print(table)
    con.print(f"[bold]{t.kind}[/]: {t.verdict}", highlight=False)


def _triage_log(path: Path, as_json: bool) -> None:
    from ..analysis.logtriage import triage_log

    with _log(path) as log:
        items = log.list()
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("triage", total=len(items))

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        found = triage_log(items, progress=advance)
    if as_json:
        typer.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return
    _show_log(found)


def _show_log(found: LogTriage) -> None:
    con = Console()
    table = Table("id", "station", "when", "groups", "verdict")
    for m in found.messages:
        i = m.intercept
        table.add_row(str(i.id), i.station, i.when, str(len(i.groups)), m.triage.kind)
    con.print(table)
    for ids in found.copy_sets():
        names = ", ".join(str(i) for i in ids[:-1]) + f" and {ids[-1]}"
        con.print(
            f"[bold]copies[/]: messages {names} are {len(ids)} copies of one message "
            "(the same groups but for a few digits): not a pad reuse",
            highlight=False,
        )
    for d in found.depths:
        con.print(
            f"[bold red]depth[/]: messages {found.id_of(d.first)} and {found.id_of(d.second)}: "
            f"{d.reason}: one pad used twice",
            highlight=False,
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
    with _log(log, create=True) as lg:
        item = lg.add(station, doc.groups, when=when, khz=khz, signature=doc.signature, notes=notes)
    typer.echo(str(item.id))


@intercepts_app.command("list")
def list_(
    log: Annotated[Path, typer.Argument(help="The intercept log.")],
    station: Annotated[str | None, typer.Option(help="Only this station.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The logged messages."""
    with _log(log) as lg:
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
    with _log(log) as lg:
        typer.echo(json.dumps(lg.export(), ensure_ascii=False, indent=2))
