"""The ``cinq`` command line: a thin layer over the library.

Data goes to stdout, notices and errors to stderr. Exit codes: 0 success, 2 usage or
bad input, 3 refused for key-management reasons.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from ..errors import CinqError
from . import board, codebook, crypt, demo, document, pad, printing, radio, triage, vic
from ._io import err

app = typer.Typer(
    name="cinq",
    help=(
        "Five-figure-group messages in the numbers-station tradition: checkerboards, "
        "one-time pad books, documents under a cover text."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
app.add_typer(pad.app, name="pad")
app.add_typer(board.app, name="board")
app.add_typer(codebook.app, name="codebook")
app.add_typer(printing.app, name="print")
app.command("encrypt")(crypt.encrypt)
app.command("decrypt")(crypt.decrypt)
app.command("parse")(document.parse)
app.command("demo")(demo.demo)
app.command("broadcast")(radio.broadcast)
app.command("receive")(radio.receive_cmd)
app.add_typer(radio.voice_app, name="voice")
app.add_typer(radio.station_app, name="station")
app.command("triage")(triage.triage_cmd)
app.add_typer(triage.intercepts_app, name="intercepts")
app.add_typer(vic.app, name="vic")


def main() -> None:
    """Entry point of the ``cinq`` console script."""
    try:
        app(prog_name="cinq")
    except CinqError as e:
        err.print(f"[bold red]cinq: error:[/] {escape(str(e))}", soft_wrap=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
