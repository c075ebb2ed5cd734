"""``cinq pad``: make, inspect, burn, export and import pad books."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import auth, padtext
from ..book import PadBook, Role
from ..cipher import Convention
from ..decoy import make_decoy
from ..document import Document
from ._io import notice, read_text, strip_final_newline, write_output
from .board import resolve
from .options import (
    BoardOpt,
    CheckOpt,
    CodebookOpt,
    ConvOpt,
    DropOpt,
    FoldOpt,
    KeyOpt,
    LangOpt,
    TopOpt,
    load_codebook,
    page_numbers,
    policy_of,
)

app = typer.Typer(help="One-time pad books: pairs of SEND and RECEIVE books.", no_args_is_help=True)

BookArg = Annotated[Path, typer.Argument(help="A pad book file (.pad).")]


@app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="Writes NAME.send.pad and NAME.receive.pad.")],
    pages: Annotated[int, typer.Option(min=1, max=100_000, help="Pages in the book.")] = 100,
    groups: Annotated[int, typer.Option(min=1, max=1000, help="Groups a page.")] = 50,
) -> None:
    """Make a matched pair of pad books from the OS CSPRNG (files readable by you only).

    The send book may only encrypt, the receive book may only decrypt: give the
    receive book to your correspondent. Two-way traffic uses two pairs.
    """
    send, receive = PadBook.create_pair(name, pages=pages, groups=groups)
    with PadBook.open(send) as b:
        serial = b.serial
    typer.echo(f"{send}\n{receive}")
    notice(f"book {serial}: {pages} pages of {groups} groups; keep {receive.name} for the receiver")


@app.command("status")
def status(
    book: BookArg,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    pages: Annotated[bool, typer.Option("--pages", help="List every page.")] = False,
) -> None:
    """Unused / used / burned counts and the next page to use."""
    with PadBook.open(book) as b:
        st = b.status()
        infos = b.pages() if pages else []
    if as_json:
        data: dict[str, object] = {
            "book": str(st.path),
            "name": st.name,
            "serial": st.serial,
            "role": st.role.value,
            "pages": st.pages,
            "groups_per_page": st.groups_per_page,
            "unused": st.unused,
            "used": st.used,
            "burned": st.burned,
            "next_page": st.next_page.page_id if st.next_page else None,
        }
        if pages:
            data["page_list"] = [
                {
                    "number": p.number,
                    "page_id": p.page_id,
                    "state": p.state.value,
                    "used_at": p.used_at,
                    "message_serial": p.message_serial,
                    "burned_at": p.burned_at,
                }
                for p in infos
            ]
        typer.echo(json.dumps(data, indent=2))
        return
    con = Console()
    con.print(
        f"[bold]{st.name}[/] book {st.serial}, [bold]{st.role.value.upper()}[/] "
        f"({st.pages} pages of {st.groups_per_page} groups)"
    )
    con.print(f"unused {st.unused}   used {st.used}   burned {st.burned}")
    if st.role is Role.SEND:
        nxt = st.next_page
        con.print(f"next page: {nxt.page_id} (page {nxt.number})" if nxt else "no page left")
    if infos:
        t = Table("page", "ID", "state", "used", "serial", "burned")
        for p in infos:
            t.add_row(
                str(p.number),
                p.page_id,
                p.state.value,
                p.used_at or "",
                str(p.message_serial or ""),
                p.burned_at or "",
            )
        con.print(t)


@app.command("burn")
def burn(
    book: BookArg,
    page_id: Annotated[str | None, typer.Argument(help="The page-ID group to burn.")] = None,
    used: Annotated[bool, typer.Option("--used", help="Burn every used page.")] = False,
) -> None:
    """Overwrite a page's digits for good (SQLite secure_delete): PAGE-ID or --used."""
    if (page_id is None) == (not used):
        raise typer.BadParameter("give either a PAGE-ID or --used")
    with PadBook.open(book) as b:
        burned = b.burn_used() if used else [b.burn(page_id or "")]
    for p in burned:
        typer.echo(f"burned page {p.page_id} (page {p.number})")
    if not burned:
        notice("no used page to burn")


@app.command("export")
def export(
    book: BookArg,
    pages: Annotated[
        str | None, typer.Option(help="Page numbers, e.g. '1-10,15' (default: all unburned).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (atomically), not stdout.")
    ] = None,
) -> None:
    """Write pages as plain text groups, for a paper pad (readable by `cinq pad import`)."""
    with PadBook.open(book) as b:
        entries = b.export_pages(page_numbers(pages) if pages else None)
        header = padtext.Header(b.name, b.serial, b.role.value, b.groups_per_page)
    # Pad digits on disk: readable by the owner only, like the book itself.
    write_output(padtext.render(header, entries), out, mode=0o600)


@app.command("import")
def import_(
    name: Annotated[str, typer.Argument(help="Writes NAME.send.pad and/or NAME.receive.pad.")],
    file: Annotated[Path, typer.Argument(help="Pages as text; '-' for stdin.")],
    role: Annotated[
        str, typer.Option(help="send, receive or both: which books to write.")
    ] = "both",
) -> None:
    """Make pad books from pages written as text (a paper pad, ten-sided dice).

    Each page is a line 'PAGE <page-ID group>' followed by its groups. Every group is
    checked: a bad one is reported with its line and column and nothing is written.
    """
    roles = {"both": (Role.SEND, Role.RECEIVE), "send": (Role.SEND,), "receive": (Role.RECEIVE,)}
    if role not in roles:
        raise typer.BadParameter("--role is send, receive or both")
    pages = padtext.parse(read_text(file, what="pad text"), source=str(file))
    paths = PadBook.create_from_pages(name, pages, roles=roles[role])
    for p in paths:
        typer.echo(str(p))
    notice(f"imported {len(pages)} pages")


@app.command("decoy")
def decoy(
    document: Annotated[Path, typer.Option(help="The intercepted document; '-' for stdin.")],
    says: Annotated[Path, typer.Option(help="File with the decoy plaintext.")],
    out: Annotated[str, typer.Option(help="Writes OUT.receive.pad.")],
    like: Annotated[
        Path | None,
        typer.Option(help="A real book to copy name, serial, page IDs and page size from."),
    ] = None,
    board: BoardOpt = None,
    key: KeyOpt = None,
    top: TopOpt = None,
    lang: LangOpt = "en",
    fold: FoldOpt = False,
    drop: DropOpt = False,
    convention: ConvOpt = Convention.SUBTRACT,
    check: CheckOpt = "strong",
    codebook: CodebookOpt = None,
    pages: Annotated[int, typer.Option(min=1, help="Pages (without --like).")] = 100,
    groups: Annotated[int, typer.Option(min=1, help="Groups a page (without --like).")] = 50,
) -> None:
    """Write a receive book under which DOCUMENT decrypts, and verifies, as the decoy.

    The one-time pad's deniability as a feature: the decoy book has the real book's
    format, its other pages are random. A decoy longer than the message is refused with
    the number of characters that fit.
    """
    doc = Document.parse(read_text(document, what="document"), source=str(document))
    text = strip_final_newline(read_text(says, what="decoy text"))
    real = PadBook.open(like) if like else None
    try:
        path = make_decoy(
            doc,
            text,
            out,
            board=resolve(board, key, top),
            lang=lang,
            policy=policy_of(fold, drop),
            convention=convention,
            check=auth.scheme(check),
            like=real,
            codebook=load_codebook(codebook),
            pages=pages,
            groups=groups,
        )
    finally:
        if real:
            real.close()
    typer.echo(str(path))
