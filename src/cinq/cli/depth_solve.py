"""``cinq depth solve``: messages in depth read back (a thin layer over
:mod:`cinq.depth.solve` and :mod:`cinq.depth.readout`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .. import auth
from .. import language as lg
from ..depth import readout
from ..depth.solve import BEAM, SPAN, Crib, Solution, solve
from ..depth.stream import Stream, stream
from ..document import Document
from ..errors import BadInput
from ..hazmat.cipher import Convention
from ._io import check_writable, notice, read_document, write_output
from .crypt import _board
from .options import BoardOpt, ConvOpt, KeyOpt, TopOpt, lowered

MessagesArg = Annotated[
    list[Path],
    typer.Argument(help="Two to six documents of messages on one key; '-' for stdin (once)."),
]


def solve_cmd(
    messages: MessagesArg,
    board: BoardOpt = None,
    key: KeyOpt = None,
    top: TopOpt = None,
    lang: Annotated[
        list[str] | None,
        typer.Option(
            "--lang",
            callback=lambda v: [lowered(x) for x in v] if v else v,
            help="Language of the plaintexts: once for all, or once per message in order "
            "(default en).",
        ),
    ] = None,
    crib: Annotated[
        list[str] | None,
        typer.Option(
            "--crib",
            help="Known plaintext, M:TEXT@POS: message M (default 1) has TEXT from digit POS "
            "of its body on (both counted from 1; the indicator is not counted).",
        ),
    ] = None,
    offset: Annotated[
        list[int] | None,
        typer.Option(
            "--offset",
            help="Where each message starts in the key, in digits (`depth find --json` "
            "gives them as the offset's digits): once per message, or once per message "
            f"after the first (which is at 0). Default: found within {SPAN} digits either way.",
        ),
    ] = None,
    convention: ConvOpt = Convention.SUBTRACT,
    check: Annotated[
        str,
        typer.Option(
            "--check",
            callback=lowered,
            help="The check groups the messages end with (not text): strong, hand or none.",
        ),
    ] = "none",
    no_indicator: Annotated[
        bool, typer.Option("--no-indicator", help="The documents have no indicator group.")
    ] = False,
    beam: Annotated[
        int, typer.Option(min=1, max=4096, help="Joint states kept at each key digit.")
    ] = BEAM,
    key_out: Annotated[
        Path | None,
        typer.Option(
            "--key-out",
            help="Write the recovered key here as a pad page (`cinq pad import NAME FILE "
            "--role receive`): the digits it is sure of, from the first on.",
        ),
    ] = None,
    page_id: Annotated[
        str | None,
        typer.Option(
            help="Name the --key-out page (default: the indicator of the message that starts "
            "the key).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read messages enciphered on one key back: their plaintexts and the key digits.

    A beam search over the messages' joint states (board parse state and language
    model context of each) chooses the key digit at each position. Characters the
    search is not sure of are shown as U+FFFD, tentative ones in lower case. The
    documents' check groups are not text: give --check as they were sent (default
    none: intercepts from elsewhere have none).
    """
    check_writable(key_out, what="--key-out file")
    docs = [_document(p) for p in messages]
    scheme = auth.scheme(check)
    checks = scheme.check_groups if scheme else 0
    streams = [_body(d, p, no_indicator, checks) for d, p in zip(docs, messages, strict=True)]
    langs = lang or ["en"]
    chosen = _board(board, key, top) or lg.language(langs[0]).board
    solution = solve(
        streams, board=chosen, langs=langs, offsets=_offsets(offset, len(streams)),
        cribs=[Crib.parse(c) for c in crib or []], beam=beam, convention=convention,
    )  # fmt: skip
    if key_out is not None:
        _write_key(solution, key_out, page_id or _indicator(docs, solution, no_indicator))
    text = json.dumps(solution.to_json(), indent=2, ensure_ascii=False) if as_json else None
    write_output((text or readout.render(solution)).rstrip("\n") + "\n", None)


def _document(path: Path) -> Document:
    return Document.parse(read_document(path, what="document"), source=str(path))


def _body(doc: Document, path: Path, no_indicator: bool, checks: int) -> Stream:
    groups = doc.groups[0 if no_indicator else 1 : doc.group_count - checks]
    if not groups:
        raise BadInput(f"{path}: no cipher groups (after the indicator and check groups)")
    return stream(groups, checked=False)  # Document checked them


def _offsets(given: list[int] | None, n: int) -> list[int] | None:
    if not given:
        return None
    if len(given) == n - 1:
        return [0, *given]
    if len(given) != n:
        raise BadInput(f"{len(given)} --offset values for {n} messages: give {n} or {n - 1}")
    return given


def _indicator(docs: list[Document], solution: Solution, no_indicator: bool) -> str:
    """The indicator of a message starting at the first key digit."""
    if no_indicator:
        raise BadInput("--key-out needs a page ID: the documents have no indicator (--page-id)")
    first = next(i for i, r in enumerate(solution.readings) if r.offset == 0)
    return docs[first].groups[0]


def _write_key(solution: Solution, out: Path, page_id: str) -> None:
    text = readout.key_text(solution, page_id)
    write_output(text, out, mode=0o600)  # pad digits: readable by the owner only
    n = readout.known_prefix(solution)
    notice(
        f"wrote {n} of {len(solution.key)} key digits as page {page_id} to {out}; "
        f"read more traffic on it: cinq pad import NAME {out} --role receive"
    )
