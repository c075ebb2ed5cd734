"""``cinq parse``: find the cover text, the groups and the signature in any text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..document import Document
from ._io import read_text


def parse(
    file: Annotated[
        Path | None, typer.Argument(help="Document to read; '-' or nothing for stdin.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print cover, groups, signature as JSON.")
    ] = False,
    per_line: Annotated[int, typer.Option(min=1, help="Groups per line when re-rendering.")] = 1,
) -> None:
    """Read a document (a web page, an e-mail, a transcript) and print what it holds.

    Without --json the document is printed again in the standard layout.
    """
    text = read_text(file, what="document")
    doc = Document.parse(text, source=str(file) if file else "stdin")
    if as_json:
        typer.echo(json.dumps(doc.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(doc.render(per_line), nl=False)
