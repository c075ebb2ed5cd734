"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..cipher import Convention
from ..codebook import Codebook
from ..language import LANGUAGES, Policy

BookOpt = Annotated[Path, typer.Option("--book", "-b", help="The pad book file (.pad).")]
BoardOpt = Annotated[
    str | None,
    typer.Option(help="Checkerboard (default: the language's; see `cinq board list`)."),
]
KeyOpt = Annotated[str | None, typer.Option("--key", help="Keyword of a keyed board.")]
TopOpt = Annotated[
    str | None, typer.Option("--top", help="Top row of a keyed board, e.g. 'AT ONE SIR'.")
]
LangOpt = Annotated[str, typer.Option(help=f"Language of the plaintext: {', '.join(LANGUAGES)}.")]
ConvOpt = Annotated[
    Convention,
    typer.Option(help="subtract: cipher = plain - key (the manuals'); add: the opposite."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write here (atomically) instead of stdout.")
]
CoverOpt = Annotated[Path | None, typer.Option(help="Cover text file to put above the groups.")]
SignOpt = Annotated[str | None, typer.Option(help="Sign the document: 'By CALLSIGN'.")]
InArg = Annotated[Path | None, typer.Argument(help="Input file; '-' or nothing for stdin.")]
CheckOpt = Annotated[
    str,
    typer.Option(
        "--check",
        help="Check groups: strong (default), hand (pencil-and-paper, weaker) or none.",
    ),
]
FoldOpt = Annotated[bool, typer.Option("--fold", help="Approximate characters the board lacks.")]
DropOpt = Annotated[bool, typer.Option("--drop", help="Leave out characters the board lacks.")]


def policy_of(fold: bool, drop: bool) -> Policy:
    """The language policy the --fold / --drop flags ask for."""
    return (Policy.FOLD if fold else Policy.STRICT) | (Policy.DROP if drop else Policy.STRICT)


CodebookOpt = Annotated[
    Path | None, typer.Option("--codebook", help="A codebook file (cinq codebook new).")
]


def load_codebook(path: Path | None) -> Codebook | None:
    return Codebook.load(path) if path else None
