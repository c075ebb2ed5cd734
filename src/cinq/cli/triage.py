"""``cinq triage``: the analyst's command (``cinq intercepts`` is in :mod:`.intercepts`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..book import PadBook
from ..errors import BadInput
from ._io import check_folder, err, progress, read_document
from .intercepts import open_log

if TYPE_CHECKING:
    from ..analysis.logtriage import LogTriage
    from ..analysis.triage import Triage


_Log = Annotated[
    Path | None,
    typer.Option(
        help="Triage every message of an intercept log instead, and look for copies "
        "of one message and depths (one pad used twice) among them."
    ),
]
_LogBoard = Annotated[
    str | None,
    typer.Option(
        help="With --intercepts: look for depths on this board only (default: every "
        "built-in board; see `cinq board list`)."
    ),
]


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
    intercepts: _Log = None,
    board: _LogBoard = None,
) -> None:
    """What is this document, are its groups random, can it be read? Verdict with evidence.

    Never invents a plaintext: a reading is shown only when a language model says it is
    language, or when your pad book decrypts it.
    """
    if report_dir is not None:
        check_folder(report_dir, what="report folder")
    if intercepts is not None:
        _triage_log(intercepts, as_json, board)
        return
    if board is not None:
        raise BadInput("--board chooses the board of the depth search: give --intercepts LOG")
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


def _triage_log(path: Path, as_json: bool, board: str | None) -> None:
    from ..analysis.logtriage import triage_log
    from ..checkerboard import board as builtin_board

    boards = None if board is None else [builtin_board(board)]
    with open_log(path) as log:
        items = log.list()
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("triage", total=len(items))

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        found = triage_log(items, progress=advance, boards=boards)
    if as_json:
        typer.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return
    _show_log(found)


def _show_log(found: LogTriage) -> None:
    con = Console()
    table = Table("id", "station", "when", "groups", "verdict")
    for m in found.messages:
        i = m.intercept
        table.add_row(i.label, i.station, i.when, str(len(i.groups)), m.triage.kind)
    con.print(table)
    for copies in found.copies:
        con.print(
            f"[bold]copies[/]: messages {_names(found.members(copies))}: {copies.summary()}; "
            "one message heard more than once, not a pad reuse",
            highlight=False,
        )
    for d in found.depths:
        ahead = (
            "aligned"
            if d.offset.ahead is None
            else (f"{d.offset.ahead} {d.offset.groups} groups ahead")
        )
        same = ", same indicator" if d.same_indicator else ""
        con.print(
            f"[bold red]depth[/]: messages {_names(d.messages)}: one pad used twice "
            f"({ahead}, board {d.board}{same}; false alarm {d.false_alarm:.2g})",
            highlight=False,
        )
    con.print(f"[dim]depth search: {found.found.summary()}[/]", highlight=False)


def _names(labels: tuple[str, ...]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" and {labels[-1]}"
