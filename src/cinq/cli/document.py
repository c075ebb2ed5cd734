"""``cinq parse``: find the cover text, the groups and the signature in any text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..document import Document
from ._io import check_writable, read_document, write_output
from .options import OutOpt


def parse(
    file: Annotated[
        Path | None,
        typer.Argument(help="Document to read (text, or a .pdf); '-' or nothing for stdin."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print cover, groups, signature as JSON.")
    ] = False,
    per_line: Annotated[
        int, typer.Option(min=1, max=1000, help="Groups per line when re-rendering.")
    ] = 1,
    out: OutOpt = None,
) -> None:
    """Read a document (a web page, an e-mail, a transcript, a PDF) and print what it
    holds.

    Without --json the document is printed again in the standard layout.
    """
    check_writable(out, what="output")
    text = read_document(file, what="document")
    doc = Document.parse(text, source="stdin" if file is None or str(file) == "-" else str(file))
    if as_json:
        write_output(json.dumps(doc.to_json(), ensure_ascii=False, indent=2) + "\n", out)
    else:
        write_output(doc.render(per_line), out)
