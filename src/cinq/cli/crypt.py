"""``cinq encrypt`` and ``cinq decrypt``: the sender's and the receiver's procedure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import procedure
from ..book import PadBook
from ..cipher import Convention
from ..document import Document
from ..language import LANGUAGES, Policy
from ._io import notice, read_text, strip_final_newline, write_output
from .board import resolve

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
InArg = Annotated[Path | None, typer.Argument(help="Input file; '-' or nothing for stdin.")]


def encrypt(
    book: BookOpt,
    file: InArg = None,
    board: BoardOpt = None,
    key: KeyOpt = None,
    top: TopOpt = None,
    lang: LangOpt = "en",
    fold: Annotated[
        bool, typer.Option("--fold", help="Approximate characters the board lacks.")
    ] = False,
    drop: Annotated[
        bool, typer.Option("--drop", help="Leave out characters the board lacks.")
    ] = False,
    cover: Annotated[
        Path | None, typer.Option(help="Cover text file to put above the groups.")
    ] = None,
    sign: Annotated[str | None, typer.Option(help="Sign the document: 'By CALLSIGN'.")] = None,
    per_line: Annotated[int, typer.Option(min=1, help="Groups per line.")] = 1,
    convention: ConvOpt = Convention.SUBTRACT,
    out: OutOpt = None,
) -> None:
    """Encipher a plaintext on the next unused page of a send book; print the document.

    One final line break of the input is ignored; any other character the board
    cannot encode is an error unless --fold or --drop is given. Nothing is consumed
    from the book when the input is refused.
    """
    text = strip_final_newline(read_text(file, what="plaintext"))
    cover_text = read_text(cover, what="cover text") if cover else None
    policy = (Policy.FOLD if fold else Policy.STRICT) | (Policy.DROP if drop else Policy.STRICT)
    with PadBook.open(book) as pad_book:
        doc = procedure.encrypt(
            text,
            pad_book,
            board=resolve(board, key, top),
            lang=lang,
            policy=policy,
            convention=convention,
            cover=cover_text,
            signature=sign,
        )
    write_output(doc.render(per_line), out)
    notice(f"enciphered on page {doc.groups[0]}: {len(doc.groups)} groups")


def decrypt(
    book: BookOpt,
    file: InArg = None,
    board: BoardOpt = None,
    key: KeyOpt = None,
    top: TopOpt = None,
    lang: LangOpt = "en",
    convention: ConvOpt = Convention.SUBTRACT,
    out: OutOpt = None,
) -> None:
    """Read a document, find its page in a receive book by the indicator, decipher.

    Refuses an unknown or burned page (exit 3). The page is marked read once the
    message decoded.
    """
    doc = Document.parse(read_text(file, what="document"), source=str(file) if file else "stdin")
    with PadBook.open(book) as pad_book:
        received = procedure.decrypt(
            doc,
            pad_book,
            board=resolve(board, key, top),
            lang=lang,
            convention=convention,
        )
    write_output(received.text + "\n", out)
    for info in received.previously:
        if info.used_at:
            notice(f"note: page {info.page_id} was already read on {info.used_at}")
