"""``cinq encrypt`` and ``cinq decrypt``: the sender's and the receiver's procedure."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import auth, procedure
from ..book import PadBook
from ..cipher import Convention
from ..document import Document
from ..errors import AuthenticationFailed
from ._io import notice, read_text, strip_final_newline, write_output
from .board import resolve
from .options import (
    BoardOpt,
    BookOpt,
    CheckOpt,
    CodebookOpt,
    ConvOpt,
    CoverOpt,
    DropOpt,
    FoldOpt,
    InArg,
    KeyOpt,
    LangOpt,
    OutOpt,
    SignOpt,
    TopOpt,
    load_codebook,
    policy_of,
)


def encrypt(
    book: BookOpt,
    file: InArg = None,
    board: BoardOpt = None,
    key: KeyOpt = None,
    top: TopOpt = None,
    lang: LangOpt = "en",
    fold: FoldOpt = False,
    drop: DropOpt = False,
    cover: CoverOpt = None,
    sign: SignOpt = None,
    per_line: Annotated[int, typer.Option(min=1, help="Groups per line.")] = 1,
    convention: ConvOpt = Convention.SUBTRACT,
    check: CheckOpt = "strong",
    codebook: CodebookOpt = None,
    out: OutOpt = None,
) -> None:
    """Encipher a plaintext on the next unused page of a send book; print the document.

    The message ends with check groups that let the receiver detect any alteration.

    One final line break of the input is ignored; any other character the board
    cannot encode is an error unless --fold or --drop is given. Nothing is consumed
    from the book when the input is refused.
    """
    text = strip_final_newline(read_text(file, what="plaintext"))
    cover_text = read_text(cover, what="cover text") if cover else None
    with PadBook.open(book) as pad_book:
        doc = procedure.encrypt(
            text,
            pad_book,
            board=resolve(board, key, top),
            lang=lang,
            policy=policy_of(fold, drop),
            convention=convention,
            cover=cover_text,
            signature=sign,
            check=auth.scheme(check),
            codebook=load_codebook(codebook),
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
    check: CheckOpt = "strong",
    unverified: Annotated[
        bool,
        typer.Option(
            "--unverified", help="Print the plaintext even if the check groups fail (exit 4)."
        ),
    ] = False,
    burn: Annotated[
        bool, typer.Option("--burn", help="Burn the page(s) once the plaintext is written.")
    ] = False,
    codebook: CodebookOpt = None,
    out: OutOpt = None,
) -> None:
    """Read a document, find its page in a receive book by the indicator, verify, decipher.

    Nothing is printed unless the check groups verify (exit 4 otherwise). Refused with
    exit 3: an unknown or burned page, or a page already used for a different message
    (a replay, a forgery or a reused pad). The same message may be read again.
    """
    doc = Document.parse(read_text(file, what="document"), source=str(file) if file else "stdin")
    with PadBook.open(book) as pad_book:
        received = procedure.decrypt(
            doc,
            pad_book,
            board=resolve(board, key, top),
            lang=lang,
            convention=convention,
            check=auth.scheme(check),
            unverified=unverified,
            codebook=load_codebook(codebook),
        )
        if received.verified is False:
            notice(
                "WARNING: authentication failed: the message was altered or forged. "
                "The text below is NOT authentic."
            )
        write_output(received.text + "\n", out)
        for info in received.previously:
            if info.used_at:
                notice(f"note: page {info.page_id} was already read on {info.used_at}")
        if received.verified is False:
            raise typer.Exit(AuthenticationFailed.exit_code)
        if burn:
            for page_id in received.page_ids:
                pad_book.burn(page_id)
            notice(f"burned page(s) {', '.join(received.page_ids)}")
