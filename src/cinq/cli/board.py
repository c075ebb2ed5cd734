"""``cinq board``: show the built-in and keyed checkerboards, and use one on its own
(text to digits and back, for teachers and puzzle solvers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import checkerboard as cb
from .. import digits as dg
from .. import language as lg
from ..checkerboard import Board
from ..errors import BadInput
from ._io import check_writable, read_text, strip_final_newline, write_output
from .options import (
    BoardOpt,
    DropOpt,
    FoldOpt,
    InArg,
    KeyOpt,
    LangOpt,
    OutOpt,
    TopOpt,
    policy_of,
)

app = typer.Typer(help="Straddling checkerboards.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def resolve(name: str | None, key: str | None = None, top: str | None = None) -> Board | None:
    """A board from the CLI's --board / --key / --top options (None: the language's)."""
    if key is not None or top is not None:
        return cb.keyed(key or "", top=top)
    return cb.board(name) if name else None


def _source(file: Path | None) -> str:
    return "stdin" if file is None or str(file) == "-" else str(file)


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A built-in board, or KEYED with --key/--top.")],
    key: Annotated[str | None, typer.Option(help="Keyword of a keyed board.")] = None,
    top: Annotated[
        str | None, typer.Option(help="Top row of a keyed board, blanks as spaces.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print a checkerboard as a card: columns 0-9, the single-digit row, prefix rows."""
    b = resolve(None if name.upper() == "KEYED" else name, key, top) or cb.board(name)
    if as_json:
        typer.echo(json.dumps(b.to_json(), ensure_ascii=False, indent=2))
        return
    rows = b.table()
    table = Table(title=b.name, caption=b.description, show_lines=False)
    table.add_column("")
    for d in range(10):
        table.add_column(str(d), justify="center")
    for prefix, cells in rows:
        table.add_row(prefix, *cells)
    Console().print(table)


@app.command("list")
def list_boards(as_json: JsonOpt = False) -> None:
    """List the built-in boards."""
    boards = cb.all_boards()
    if as_json:
        rows = [{"name": b.name, "description": b.description, "source": b.source} for b in boards]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for b in boards:
        typer.echo(f"{b.name:18} {b.description}")


@app.command("encode")
def encode(
    file: InArg = None,
    board: BoardOpt = None,
    key: KeyOpt = None,
    top: TopOpt = None,
    lang: LangOpt = "en",
    fold: FoldOpt = False,
    drop: DropOpt = False,
    groups: Annotated[
        bool, typer.Option("--groups/--no-groups", help="Digits in groups of five, or in one run.")
    ] = True,
    pad: Annotated[
        bool,
        typer.Option("--pad/--no-pad", help="Fill the last group with the board's fill digits."),
    ] = True,
    per_line: Annotated[int, typer.Option(min=1, max=1000, help="Groups per line.")] = 10,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Text to checkerboard digits, with no pad and no key: the board on its own.

    Letters are upper-cased; characters the board lacks are an error (with line and
    column) unless --fold or --drop is given. One final line break is ignored.
    """
    check_writable(out)
    text = strip_final_newline(read_text(file, what="text"))
    if not text:
        raise BadInput(f"{_source(file)}: no text to encode")
    b = resolve(board, key, top) or lg.language(lang).board
    digits = dg.to_str(lg.encode(text, b, lang, policy_of(fold, drop)))
    fill = b.fill(-len(digits) % dg.GROUP) if pad else ""
    run = digits + fill
    if as_json:
        data = {"board": b.name, "digits": run, "fill": len(fill), "groups": _groups(run)}
        write_output(json.dumps(data, indent=2) + "\n", out)
        return
    write_output(_lines(run, per_line) + "\n" if groups else run + "\n", out)


def _groups(run: str) -> list[str]:
    return [run[i : i + dg.GROUP] for i in range(0, len(run), dg.GROUP)]


def _lines(run: str, per_line: int) -> str:
    groups = _groups(run)
    return "\n".join(" ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line))


@app.command("decode")
def decode(
    file: InArg = None,
    board: BoardOpt = None,
    key: KeyOpt = None,
    top: TopOpt = None,
    lang: LangOpt = "en",
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Checkerboard digits back to text (spaces and line breaks between digits are
    ignored; an unfinished code at the very end is taken for the fill).

    A character that is not a digit, or a code the board does not use, is an error
    naming its line and column.
    """
    check_writable(out)
    text = read_text(file, what="digits")
    b = resolve(board, key, top) or lg.language(lang).board
    plain = b.decode_text(text, source=_source(file))
    if as_json:
        digits = sum("0" <= ch <= "9" for ch in text)
        data = {"board": b.name, "digits": digits, "text": plain}
        write_output(json.dumps(data, ensure_ascii=False, indent=2) + "\n", out)
        return
    write_output(plain + "\n", out)
