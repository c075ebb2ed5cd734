"""Pad pages as plain text: what ``cinq pad export`` writes and ``cinq pad import``
reads (paper pads, pads made with ten-sided dice)::

    # cinq pad book "station" serial 40713, SEND, 50 groups a page
    PAGE 58213
    04581 93012 77120 ...

A page is a line ``PAGE <page-ID group>`` followed by its groups, any number a line.
Lines starting with ``#`` and blank lines are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import digits as dg
from .book import PageInfo
from .digits import GROUP, Digits
from .errors import BadInput, Location

_PER_LINE = 10
_PAGE = re.compile(r"PAGE\b", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Header:
    name: str
    serial: str
    role: str
    groups_per_page: int


def render(header: Header, pages: Sequence[tuple[PageInfo, Digits]]) -> str:
    lines = [
        f'# cinq pad book "{header.name}" serial {header.serial}, {header.role.upper()}, '
        f"{header.groups_per_page} groups a page",
        "# Each page: a line 'PAGE <page-ID group>', then its groups. Destroy after use.",
    ]
    for info, key in pages:
        groups = dg.to_groups(key)
        lines.append("")
        lines.append(f"PAGE {info.page_id}")
        lines.extend(" ".join(groups[i : i + _PER_LINE]) for i in range(0, len(groups), _PER_LINE))
    return "\n".join(lines) + "\n"


def parse(text: str, *, source: str | None = None) -> list[tuple[str, Digits]]:
    """Pages from text; every group is checked and a bad one reported where it is."""
    pages: list[tuple[str, list[str], int]] = []
    for n, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        body = line.split("#", 1)[0]
        if not body.strip():
            continue
        tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(body)]
        if _PAGE.fullmatch(tokens[0][1]):
            if len(tokens) != 2:
                raise BadInput(
                    "a page line is 'PAGE' and one page-ID group",
                    location=Location(n, tokens[0][0] + 1, None, source),
                )
            col, pid = tokens[1]
            _check_group(pid, n, col, source, "page-ID group")
            if any(p[0] == pid for p in pages):
                raise BadInput(
                    f"page ID {pid} appears twice", location=Location(n, col + 1, None, source)
                )
            pages.append((pid, [], n))
            continue
        if not pages:
            raise BadInput(
                "groups before the first 'PAGE' line",
                location=Location(n, tokens[0][0] + 1, None, source),
            )
        for col, tok in tokens:
            _check_group(tok, n, col, source, "group")
            pages[-1][1].append(tok)
    if not pages:
        raise BadInput(f"{source or 'input'}: no 'PAGE' line: no pages found")
    size = len(pages[0][1])
    for pid, groups, at in pages:
        if not groups or len(groups) != size:
            raise BadInput(
                f"page {pid} has {len(groups)} groups, the first page has {size}: "
                "every page of a book must have the same number",
                location=Location(at, 1, None, source),
            )
    return [(pid, dg.from_groups(groups)) for pid, groups, _ in pages]


def _check_group(tok: str, line: int, col: int, source: str | None, what: str) -> None:
    for i, ch in enumerate(tok):
        if not ("0" <= ch <= "9"):
            raise BadInput(
                f"{what} {tok!r}: {ch!r} is not a digit",
                location=Location(line, col + i + 1, ch, source),
            )
    if len(tok) != GROUP:
        raise BadInput(
            f"{what} {tok!r} has {len(tok)} digits, a group has {GROUP}",
            location=Location(line, col + 1, tok[0], source),
        )
