"""``cinq triage`` and ``cinq intercepts``: the analyst's commands."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from ..analysis.intercepts import InterceptLog
from ..book import PadBook
from ..document import Document
from ..errors import BadInput, CannotWrite
from ._io import check_folder, err, progress, read_document

if TYPE_CHECKING:
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
    # The analysis stack (SciPy, matplotlib, the language models) loads only here.
    from ..analysis import report
    from ..analysis.triage import triage

    if report_dir is not None:
        check_folder(report_dir, what="report folder")
    if intercepts is not None:
        _triage_log(intercepts, as_json)
        return
    text = read_document(file, what="document")
    with progress("triage"):
        if book is not None:
            with PadBook.open(book) as b:
                result = triage(text, book=b)
        else:
            result = triage(text)
    if report_dir is not None:
        with progress("writing the report"):
            page = _write_report(report.write, result, report_dir)
        err.print(f"report: {page}", highlight=False)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _show(result)


def _write_report(write: Callable[[Triage, Path], Path], t: Triage, folder: Path) -> Path:
    # The plots are written by matplotlib, not atomic_write: their OSError is made the
    # same CannotWrite, naming the folder.
    try:
        return write(t, folder)
    except OSError as e:
        raise CannotWrite(f"cannot write report folder {folder}: {e.strerror or e}") from None


def _show(t: Triage) -> None:
    con = Console()
    table = Table("evidence", "finding", show_header=False)
    for a, b in t.evidence:
        table.add_row(a, b)
    con.print(table)
    con.print(f"[bold]{t.kind}[/]: {t.verdict}", highlight=False)


def _triage_log(path: Path, as_json: bool) -> None:
    from ..analysis.triage import copies, copy_sets, depths, triage

    with _log(path) as log:
        items = log.list()
    # Copies and depths first: they refuse a log over their bound before any work.
    pairs = depths([item.groups for item in items])
    same = copies([item.groups for item in items])
    results = []
    for item in track(items, description="triage", console=err, transient=True):
        t = triage(Document(groups=item.groups, signature=item.signature))
        results.append((item, t))
    if as_json:
        typer.echo(json.dumps({
            "messages": [{"id": i.id, "station": i.station, "when": i.when, **t.to_json()}
                         for i, t in results],
            "depths": [{"first": items[d.first].id, "second": items[d.second].id,
                        "reason": d.reason, "coincidences": d.coincidences,
                        "overlap": d.overlap, "p": d.p_value}
                       for d in pairs],
            "copies": [{"first": items[c.first].id, "second": items[c.second].id,
                        "compared": c.compared, "differing": c.differing,
                        "groups_missing": c.shorter} for c in same],
            "copy_sets": [[items[i].id for i in ids] for ids in copy_sets(same)],
        }, ensure_ascii=False, indent=2))  # fmt: skip
        return
    con = Console()
    table = Table("id", "station", "when", "groups", "verdict")
    for i, t in results:
        table.add_row(str(i.id), i.station, i.when, str(len(i.groups)), t.kind)
    con.print(table)
    for ids in copy_sets(same):
        names = ", ".join(str(items[i].id) for i in ids[:-1]) + f" and {items[ids[-1]].id}"
        con.print(
            f"[bold]copies[/]: messages {names} are {len(ids)} copies of one message "
            "(the same groups but for a few digits): not a pad reuse",
            highlight=False,
        )
    for d in pairs:
        con.print(
            f"[bold red]depth[/]: messages {items[d.first].id} and {items[d.second].id}: "
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
        items = lg.list()
    if station is not None:  # designations in any case: --station e11 finds E11
        items = [i for i in items if i.station.casefold() == station.strip().casefold()]
    if as_json:
        rows = [{"id": i.id, "station": i.station, "when": i.when, "khz": i.khz,
                 "groups": len(i.groups), "first_group": i.groups[0] if i.groups else None}
                for i in items]  # fmt: skip
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
