"""``cinq pad``: make, inspect, burn, export and import pad books."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .. import auth, padtext
from ..book import BookStatus, PadBook, PageInfo, PageState, Role
from ..decoy import make_decoy
from ..document import Document
from ..hazmat.cipher import Convention
from ._io import check_writable, notice, read_text, strip_final_newline, write_output
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
    lowered,
    page_numbers,
    policy_of,
)

app = typer.Typer(help="One-time pad books: pairs of SEND and RECEIVE books.", no_args_is_help=True)

BookArg = Annotated[Path, typer.Argument(help="A pad book file (.pad).")]

#: The largest pad text `pad import` reads: 100,000 pages of 50 groups export to 31 MB.
MAX_PAD_TEXT = 64 * 1024 * 1024


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
    """Unused / used / issued / burned / spoiled counts and the next page to use.

    issued: handed out to paper by `pad export` (a send book never enciphers on them
    again); spoiled: taken for a message that could not be written, never reused.
    With --pages, every page is listed as it is read from the book (any size of book
    in bounded memory); with --json, the pages are a list under "page_list".
    """
    with PadBook.open(book) as b:
        st = b.status()
        infos = b.iter_pages() if pages else None
        if as_json:
            _echo_batched(st.to_json_text(infos), sep="")
            typer.echo()
            return
        _print_status(st)
        if infos is not None:
            _print_pages(infos, number_width=len(str(st.pages)))


def _print_status(st: BookStatus) -> None:
    con = Console()
    con.print(
        f"[bold]{st.name}[/] book {st.serial}, [bold]{st.role.value.upper()}[/] "
        f"({st.pages} pages of {st.groups_per_page} groups)"
    )
    counts = f"unused {st.unused}   used {st.used}   burned {st.burned}"
    counts += "".join(
        f"   {label} {n}" for label, n in (("issued", st.issued), ("spoiled", st.spoiled)) if n
    )
    con.print(counts)
    if st.role is Role.SEND:
        nxt = st.next_page
        con.print(f"next page: {nxt.page_id} (page {nxt.number})" if nxt else "no page left")


#: Lines (or JSON pieces) of the page list written at a time.
_LINES_AT_ONCE = 1000


def _print_pages(infos: Iterable[PageInfo], *, number_width: int) -> None:
    """One aligned line per page, written in batches as the pages are read."""
    w = max(number_width, len("page"))
    state_w = max(len(s.value) for s in PageState)
    typer.echo(f"{'page':>{w}}  {'ID':<5}  {'state':<{state_w}}  {'used':<20}  serial")

    def line(p: PageInfo) -> str:
        serial = "" if p.message_serial is None else str(p.message_serial)
        used = p.used_at or ""
        return f"{p.number:>{w}}  {p.page_id}  {p.state.value:<{state_w}}  {used:<20}  {serial}"

    _echo_batched((line(p).rstrip() + "\n" for p in infos), sep="")


def _echo_batched(pieces: Iterable[str], *, sep: str) -> None:
    """Write ``pieces`` joined by ``sep``, a batch at a time: bounded memory, few writes."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) == _LINES_AT_ONCE:
            typer.echo(sep.join(batch), nl=False)
            batch.clear()
    typer.echo(sep.join(batch), nl=False)


@app.command("burn")
def burn(
    book: BookArg,
    page_id: Annotated[str | None, typer.Argument(help="The page-ID group to burn.")] = None,
    used: Annotated[bool, typer.Option("--used", help="Burn every used page.")] = False,
) -> None:
    """Overwrite a page's digits for good (SQLite secure_delete): PAGE-ID or --used.

    A burned page keeps nothing but its ID and the fact that it was burned."""
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
        str | None, typer.Option(help="Page numbers, e.g. '1-10,15' (default: all).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (atomically), not stdout.")
    ] = None,
) -> None:
    """Write pages as plain text groups, for a paper pad (readable by `cinq pad import`).

    Paper pads are issued, not copied: a send book marks the unused pages it writes as
    issued, in the transaction that reads them, and never enciphers on them again.
    Every page asked for is written: used pages marked USED, burned (issued, spoiled)
    pages marked so, without digits. stderr says what was written and what was left
    out. The output is checked first; if it still cannot be written, the pages just
    issued are spoiled and named (exit 3). Files are mode 0600.
    """
    check_writable(out)  # before any page is marked issued
    numbers = page_numbers(pages) if pages else None
    with PadBook.open(book) as b:
        # Pad digits on disk: readable by the owner only, like the book itself.
        done = padtext.export(b, numbers, lambda text: write_output(text, out, mode=0o600))
    notice(done.summary())


@app.command("import")
def import_(
    name: Annotated[str, typer.Argument(help="Writes NAME.send.pad and/or NAME.receive.pad.")],
    file: Annotated[Path, typer.Argument(help="Pages as text; '-' for stdin.")],
    role: Annotated[
        str | None,
        typer.Option(
            callback=lowered,
            help="send, receive or both: which books to write (default: the role in the "
            "export's header; both for pages without one, e.g. from dice).",
        ),
    ] = None,
    reuse: Annotated[
        bool,
        typer.Option(
            "--i-know-this-reuses-pages",
            help="Make a SEND book even from pages another send book holds.",
        ),
    ] = False,
) -> None:
    """Make pad books from pages written as text (a paper pad, ten-sided dice).

    Each page is a line 'PAGE <page-ID group>' followed by its groups. Every group is
    checked: a bad one is reported with its line and column and nothing is written.
    Pages marked USED, BURNED, ISSUED or SPOILED come in as such (a send book never
    enciphers on them). A SEND book is refused over pages a send book already holds
    (an export of a RECEIVE book, or of a send book that did not issue them) unless
    --i-know-this-reuses-pages is given.
    """
    roles = {"both": (Role.SEND, Role.RECEIVE), "send": (Role.SEND,), "receive": (Role.RECEIVE,)}
    if role is not None and role not in roles:
        raise typer.BadParameter("--role is send, receive or both")
    text = read_text(file, what="pad text", limit=MAX_PAD_TEXT)
    pad = padtext.read(text, source=str(file))
    chosen = padtext.import_roles(pad.header, roles[role] if role else None, reuse=reuse)
    serial = pad.header.serial if pad.header else None
    paths = PadBook.create_from_pages(name, pad.pages, roles=chosen, serial=serial)
    for p in paths:
        typer.echo(str(p))
    marked = sum(p.state is not PageState.UNUSED for p in pad.pages)
    notice(
        f"imported {len(pad.pages)} pages"
        + (f" ({marked} of them marked used, burned, issued or spoiled)" if marked else "")
    )


@app.command("decoy")
def decoy(
    document: Annotated[Path, typer.Option(help="The intercepted document; '-' for stdin.")],
    says: Annotated[Path, typer.Option(help="File with the decoy plaintext.")],
    out: Annotated[str, typer.Option(help="Writes OUT.receive.pad.")],
    like: Annotated[
        Path | None,
        typer.Option(
            help="The real receive book: the decoy is a copy of it with other digits "
            "(name, serial, pages, states, read times, SQLite header)."
        ),
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
    pages: Annotated[int, typer.Option(min=1, max=100_000, help="Pages (without --like).")] = 100,
    groups: Annotated[
        int, typer.Option(min=1, max=1000, help="Groups a page (without --like).")
    ] = 50,
) -> None:
    """Write a receive book under which DOCUMENT decrypts, and verifies, as the decoy.

    The one-time pad's deniability as a feature. With --like (the real receive book)
    the decoy is that book with other digits: everything cinq writes or says about it
    is the real book's. Without it, a new book with the message on its first pages,
    unread. A decoy longer than the message is refused with the number of characters
    that fit.
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
