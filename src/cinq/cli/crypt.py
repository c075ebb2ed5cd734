"""``cinq encrypt`` and ``cinq decrypt``: the sender's and the receiver's procedure."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from .. import auth, diagnose, procedure
from ..book import PadBook
from ..document import Document
from ..errors import AuthenticationFailed
from ..hazmat.cipher import Convention
from ._io import (
    check_writable,
    notice,
    read_document,
    read_text,
    strip_final_newline,
    write_output,
)
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

if TYPE_CHECKING:
    from ..checkerboard import Board


def _board(name: str | None, key: str | None, top: str | None) -> Board | None:
    """The board of --board / --key / --top (``cinq board``'s module, with Rich's
    tables, loads only here: most messages use the language's board)."""
    if name is None and key is None and top is None:
        return None
    from .board import resolve

    return resolve(name, key, top)


JsonOpt = Annotated[
    bool,
    typer.Option(
        "--json", help="Print JSON: the text or document, page IDs, groups, verified, ..."
    ),
]


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
    as_json: JsonOpt = False,
) -> None:
    """Encipher a plaintext on the next unused page of a send book; print the document.

    The message ends with check groups that let the receiver detect any alteration.

    One final line break of the input is ignored; any other character the board
    cannot encode is an error unless --fold or --drop is given. Nothing is consumed
    from the book when the input is refused. The output is checked before a page is
    taken; if the document still cannot be written, its pages are marked spoiled,
    never to be used again, and named (exit 3). --json prints the document inside a
    JSON object with the page IDs and the number of groups.
    """
    check_writable(out)  # before a page is taken: a bad -o consumes nothing
    text = strip_final_newline(read_text(file, what="plaintext"))
    cover_text = read_text(cover, what="cover text") if cover else None

    def deliver(sent: procedure.Sent) -> None:
        if as_json:
            write_output(json.dumps(sent.to_json(per_line), indent=2) + "\n", out)
        else:
            write_output(sent.document.render(per_line), out)

    with PadBook.open(book) as pad_book:
        sent = procedure.send(
            text,
            pad_book,
            board=_board(board, key, top),
            lang=lang,
            policy=policy_of(fold, drop),
            convention=convention,
            cover=cover_text,
            signature=sign,
            check=auth.scheme(check),
            codebook=load_codebook(codebook),
            deliver=deliver,
        )
    notice(f"enciphered on page {', '.join(sent.page_ids)}: {sent.groups} groups")


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
        bool,
        typer.Option(
            "--burn",
            help="Burn the page(s) in the same transaction that marks them read, before "
            "the plaintext is written.",
        ),
    ] = False,
    codebook: CodebookOpt = None,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read a document, find its page in a receive book by the indicator, verify, decipher.

    Nothing is printed unless the check groups verify (exit 4 otherwise). Refused with
    exit 3: an unknown or burned page, or a page already used for a different message
    (a replay, a forgery or a reused pad). The same message may be read again. The
    check and the marking are one transaction: two receivers at once never both
    accept different messages on one page. --json prints the text with the page IDs,
    verified, already read and burned.
    """
    check_writable(out)  # before the page is marked read (or burned)
    text = read_document(file, what="document")  # a .pdf through pdftotext
    doc = Document.parse(text, source=str(file) if file else "stdin")

    def deliver(got: procedure.Received) -> None:
        if got.verified is False:
            notice(diagnose.unverified_warning(got.unknown_digits))
        text = json.dumps(got.to_json(), indent=2) if as_json else got.text
        write_output(text + "\n", out)

    with PadBook.open(book) as pad_book:
        received = procedure.decrypt(
            doc,
            pad_book,
            board=_board(board, key, top),
            lang=lang,
            convention=convention,
            check=auth.scheme(check),
            unverified=unverified,
            codebook=load_codebook(codebook),
            burn=burn,
            deliver=deliver,
        )
    _after_reading(received)


def _after_reading(received: procedure.Received) -> None:
    """The notes on stderr once the text is out, and exit 4 for an unverified text."""
    for info in received.previously:
        if info.used_at:
            notice(f"note: page {info.page_id} was already read on {info.used_at}")
    if received.verified is False:
        raise typer.Exit(AuthenticationFailed.exit_code)
    if received.burned:
        notice(f"burned page(s) {', '.join(received.page_ids)}")
