"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import pagelist
from ..errors import BadInput
from ..hazmat.cipher import Convention
from ..language import LANGUAGES, Policy

if TYPE_CHECKING:
    from ..codebook import Codebook

#: The most pages a page list (``--pages 1-10,15``) may name: a pad book's limit.
MAX_PAGE_LIST = pagelist.MAX_PAGES


def lowered(value: str | None) -> str | None:
    """A choice as the library names it: case and surrounding blanks do not matter
    (``--lang FR``, ``--check STRONG``, ``--role Send``)."""
    return None if value is None else value.strip().lower()


def page_numbers(spec: str, *, limit: int = MAX_PAGE_LIST) -> list[int]:
    """:func:`cinq.pagelist.parse` for ``--pages``; a bad list is a usage error."""
    try:
        return pagelist.parse(spec, limit=limit, source="--pages")
    except BadInput as e:
        raise typer.BadParameter(e.message) from None


BookOpt = Annotated[Path, typer.Option("--book", "-b", help="The pad book file (.pad).")]
BoardOpt = Annotated[
    str | None,
    typer.Option(help="Checkerboard (default: the language's; see `cinq board list`)."),
]
KeyOpt = Annotated[str | None, typer.Option("--key", help="Keyword of a keyed board.")]
TopOpt = Annotated[
    str | None, typer.Option("--top", help="Top row of a keyed board, e.g. 'AT ONE SIR'.")
]
LangOpt = Annotated[
    str,
    typer.Option(callback=lowered, help=f"Language of the plaintext: {', '.join(LANGUAGES)}."),
]
ConvOpt = Annotated[
    Convention,
    typer.Option(
        case_sensitive=False,
        help="subtract: cipher = plain - key (the manuals'); add: the opposite.",
    ),
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
        callback=lowered,
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
    if path is None:
        return None
    from ..codebook import Codebook  # only a command given --codebook needs it

    return Codebook.load(path)
