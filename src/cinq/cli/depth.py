"""``cinq depth``: messages on one pad, found in a log (and read back)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..errors import BadInput
from ._io import err
from .depth_solve import solve_cmd
from .intercepts import open_log

if TYPE_CHECKING:
    from ..checkerboard import Board
    from ..depth.find import DepthReport

app = typer.Typer(help="Depths: messages enciphered on one pad.", no_args_is_help=True)


def _all_or_count(text: str, what: str, least: int) -> int | None:
    """``all`` (None) or a whole number of ``what``, at least ``least``."""
    if text.strip().lower() == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither 'all' nor a number of {what}") from None
    if value < least:
        raise typer.BadParameter(f"{value} is fewer than {least} {what}")
    return value


Board_ = Annotated[
    str | None,
    typer.Option("--board", help="The checkerboard, if known (default: try every built-in board)."),
]
Offsets = Annotated[
    str, typer.Option("--offsets", help="Group offsets tried either way: a number, or 'all'.")
]
Alpha = Annotated[
    float,
    typer.Option(
        "--alpha", help="Expected false depths in the whole log, at most (0 < alpha < 1)."
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="A Dask scheduler's address (a cluster); 'local' for this machine."
    ),
]
Workers = Annotated[
    int | None, typer.Option("--workers", help="Run on a local Dask cluster of this many workers.")
]
Budget = Annotated[
    str,
    typer.Option(
        "--budget",
        help="Full tests at most, the screen's best first, or 'all' (bounds the full "
        "tests' time; the threshold stays, only recall is lost, and the summary says "
        "when the budget was hit).",
    ),
]


@app.command("find")
def find_cmd(
    log: Annotated[Path, typer.Argument(help="The intercept log (`cinq intercepts import`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    board: Board_ = None,
    offsets: Offsets = "5",
    alpha: Alpha = 0.01,
    scheduler: Scheduler = None,
    workers: Workers = None,
    budget: Budget = "8192",
) -> None:
    """Find the messages of a log enciphered on one pad: every pair and offset tested.

    Copies of one message (rebroadcasts, two monitors' copies) are merged and listed as
    copies, never as depths. The threshold is corrected for the number of tests made,
    so a log of random messages gives at most ALPHA false depths in all. Each board,
    offset and pair is a test: give --board when it is known (a seventh of the work).
    From 2,000 messages the work runs on a local Dask cluster. By default at most
    8,192 full tests are made, to the pairs the cheap screen rates likeliest: minutes
    for hundreds of messages, at a cost in recall (some depths of 100 groups and most
    shorter ones are missed); --budget all tests every pair the screen passes (days).
    """
    from ..checkerboard import board as builtin_board

    chosen = None if board is None else [builtin_board(board)]
    span = _all_or_count(offsets, "groups", 0)
    with open_log(log) as lg:
        items = lg.list()
    if not items:
        raise BadInput(f"intercept log {log} holds no message")
    where = {
        "scheduler": scheduler,
        "workers": workers,
        "budget": _all_or_count(budget, "full tests", 1),
    }
    report = _find([i.groups for i in items], [i.label for i in items], chosen, span, alpha, where)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    _show(report)


def _find(
    messages: list[tuple[str, ...]],
    ids: list[str],
    boards: list[Board] | None,
    offsets: int | None,
    alpha: float,
    where: dict[str, Any],
) -> DepthReport:
    """:func:`cinq.depth.find.find` with a progress bar on stderr."""
    from ..depth.find import find

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("depth find", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return find(
            messages,
            ids=ids,
            boards=boards,
            offsets=offsets,
            alpha=alpha,
            progress=advance,
            **where,
        )


def _show(report: DepthReport) -> None:
    con = Console()
    if report.copies:
        copies = Table("copies of one message", "merged groups", "summary")
        for c in report.copies:
            copies.add_row(
                ", ".join(report.ids[m] for m in c.members), str(len(c.merged)), c.summary()
            )
        con.print(copies)
    if report.depths:
        table = Table(
            "messages", "offset", "board", "first group", "score (nats)", "false alarm", "evidence"
        )
        for d in report.depths:
            shift = (
                "aligned"
                if d.offset.ahead is None
                else (f"{d.offset.ahead} ahead by {d.offset.groups} group(s)")
            )
            table.add_row(
                " + ".join(d.messages),
                shift,
                d.board,
                d.variant.value,
                f"{d.llr:.1f}",
                f"{d.false_alarm:.2g}",
                "same indicator" if d.same_indicator else "",
            )
        con.print(table)
    found = f"{len(report.depths)} depth(s), {len(report.copies)} copy set(s)"
    con.print(f"[bold]{found}[/]: {report.summary()}", highlight=False)


app.command("solve")(solve_cmd)  # cinq depth solve: in cli/depth_solve.py
