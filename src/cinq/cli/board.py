"""``cinq board``: show the built-in and keyed checkerboards."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import checkerboard as cb
from ..checkerboard import Board

app = typer.Typer(help="Straddling checkerboards.", no_args_is_help=True)


def resolve(name: str | None, key: str | None = None, top: str | None = None) -> Board | None:
    """A board from the CLI's --board / --key / --top options (None: the language's)."""
    if key is not None or top is not None:
        return cb.keyed(key or "", top=top)
    return cb.board(name) if name else None


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A built-in board, or KEYED with --key/--top.")],
    key: Annotated[str | None, typer.Option(help="Keyword of a keyed board.")] = None,
    top: Annotated[
        str | None, typer.Option(help="Top row of a keyed board, blanks as spaces.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print a checkerboard as a card: columns 0-9, the single-digit row, prefix rows."""
    b = resolve(None if name.upper() == "KEYED" else name, key, top) or cb.board(name)
    rows = b.table()
    if as_json:
        data = {
            "name": b.name,
            "description": b.description,
            "source": b.source,
            "rows": [{"prefix": p, "cells": cells} for p, cells in rows],
            "characters": "".join(sorted(b.characters)),
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=b.name, caption=b.description, show_lines=False)
    table.add_column("")
    for d in range(10):
        table.add_column(str(d), justify="center")
    for prefix, cells in rows:
        table.add_row(prefix, *cells)
    Console().print(table)


@app.command("list")
def list_boards() -> None:
    """List the built-in boards."""
    for b in cb.all_boards():
        typer.echo(f"{b.name:18} {b.description}")
