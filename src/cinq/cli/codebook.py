"""``cinq codebook``: make and consult three-digit codebooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import codebook as cbk
from ._io import check_writable, notice, progress
from .options import LangOpt

app = typer.Typer(help="Three-digit codebooks behind the CODE escape.", no_args_is_help=True)


@app.command("new")
def new(
    out: Annotated[Path, typer.Option("--out", "-o", help="The codebook file to write (JSON).")],
    lang: LangOpt = "en",
    size: Annotated[int, typer.Option(min=1, max=1000, help="Number of codes.")] = 1000,
    key: Annotated[
        str | None,
        typer.Option(help="Shuffles the codes: stations sharing the key build the same book."),
    ] = None,
) -> None:
    """Build a codebook from the language's operational phrases and most frequent words.

    Only words and phrases that a code makes shorter are included.
    """
    check_writable(out, what="codebook")
    with progress(f"building a codebook for {lang}"):
        book = cbk.build(lang, size=size, key=key)
    book.save(out)
    typer.echo(str(out))
    notice(f"{len(book.entries)} codes for {lang}" + (", keyed" if key else ", random order"))


@app.command("lookup")
def lookup(
    book: Annotated[Path, typer.Argument(help="A codebook file.")],
    what: Annotated[str, typer.Argument(help="A three-digit code, or a word or phrase.")],
) -> None:
    """Look a code or a phrase up (exit 2 if the book does not have it)."""
    cb = cbk.Codebook.load(book)
    if len(what) == 3 and what.isdigit():
        phrase = cb.phrase(int(what))
        if phrase is None:
            raise typer.BadParameter(f"code {what} is not in {book}")
        typer.echo(phrase)
        return
    code = cb.code(what.strip().upper())
    if code is None:
        raise typer.BadParameter(f"{what!r} is not in {book}")
    typer.echo(f"{code:03d}")
