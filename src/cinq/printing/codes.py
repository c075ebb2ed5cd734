"""A printed two-part codebook, as the code clerks had them.

Part 1 ("for encoding") lists the phrases alphabetically with their codes; part 2 ("for
decoding") lists the codes in order 000-999 with their phrases. With a keyed codebook
the codes are shuffled, so one alphabetical list cannot serve both ways: that is why
real two-part codes were printed twice over.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..errors import BadInput
from .layout import GREY, Paper, Sheet, printed_note

COLUMNS = 3
GUTTER = 6.0  # mm between columns
LINE_H = 4.6  # mm per text line (9 pt phrases)
PHRASE_PT = 9.0
CODE_PT = 10.0
HEAD_H = 17.0
INDENT = 3.0  # mm: a wrapped phrase's further lines are indented, as in dictionaries
FOOT_H = 7.0


class CodebookLike(Protocol):
    """What :func:`codebook` needs of a codebook (``cinq.codebook.Codebook`` has it)."""

    @property
    def lang(self) -> str: ...

    @property
    def entries(self) -> Mapping[str, int]: ...  # phrase -> code 0..999

    @property
    def keyed(self) -> bool: ...


@dataclass(frozen=True)
class _Entry:
    code: str  # "007"
    lines: tuple[str, ...]  # the phrase, wrapped to the column


def _check(entries: Mapping[str, int]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for phrase, code in entries.items():
        if not isinstance(phrase, str) or not phrase.strip() or not phrase.isprintable():
            raise BadInput(f"codebook phrase {phrase!r} must be printable text")
        if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 999:
            raise BadInput(f"code of {phrase!r} must be a number 0-999, not {code!r}")
        out.append((phrase, code))
    return out


def _columns(entries: Sequence[_Entry], capacity: int) -> list[list[list[_Entry]]]:
    """Pages of columns of entries, filling each column top to bottom; the entries of the
    last page are spread evenly over its columns, as dictionaries do."""
    pages: list[list[list[_Entry]]] = []
    rest = list(entries)
    while rest:
        total = sum(len(e.lines) for e in rest)
        target = capacity if total > COLUMNS * capacity else math.ceil(total / COLUMNS)
        while True:  # the smallest column height that takes every entry left on the page
            page, i = _fill(rest, min(target, capacity))
            if i == len(rest) or target >= capacity:
                break
            target += 1
        pages.append(page)
        rest = rest[i:]
    return pages or [[[]]]


def _fill(entries: Sequence[_Entry], height: int) -> tuple[list[list[_Entry]], int]:
    page: list[list[_Entry]] = []
    i = 0
    for _ in range(COLUMNS):
        column: list[_Entry] = []
        used = 0
        # An entry is never split; one taller than a column gets a column of its own.
        while i < len(entries) and (used + len(entries[i].lines) <= height or not column):
            column.append(entries[i])
            used += len(entries[i].lines)
            i += 1
        page.append(column)
    return page, i


@dataclass(frozen=True)
class _Widths:
    column: float  # one of the COLUMNS columns
    code: float  # a three-digit code in bold mono
    text: float  # the phrase beside the code

    @classmethod
    def of(cls, sheet: Sheet) -> _Widths:
        column = (sheet.width - (COLUMNS - 1) * GUTTER) / COLUMNS
        code = sheet.text_width("000", "mono", CODE_PT, bold=True)
        return cls(column=column, code=code, text=column - code - 2.5)


def _part(
    sheet: Sheet,
    book: CodebookLike,
    pairs: Sequence[tuple[str, int]],
    *,
    part: int,
) -> None:
    w = _Widths.of(sheet)
    entries = [
        _Entry(f"{code:03d}", tuple(sheet.wrap(phrase, w.text - INDENT, size=PHRASE_PT)))
        for phrase, code in pairs
    ]
    avail = sheet.bottom - FOOT_H - (sheet.top + HEAD_H)
    capacity = max(1, math.floor(avail / LINE_H))
    pages = _columns(entries, capacity)
    for n, page in enumerate(pages, 1):
        sheet.new_page()
        _part_head(sheet, book, len(pairs), part=part, sheet_no=n, sheets=len(pages))
        top = sheet.top + HEAD_H
        for c, column in enumerate(page):
            cx = sheet.left + c * (w.column + GUTTER)
            bottom = _column(sheet, w, column, cx, top, part=part)
            if c and column:  # a thin rule between columns
                sheet.set_line_width(0.15)
                sheet.set_draw_color(170)
                sheet.line(cx - GUTTER / 2, top, cx - GUTTER / 2, bottom)
        if not entries:
            sheet.put(sheet.left, top, sheet.width, 6, "(no entries)", size=10, color=GREY)
        foot = f"cinq codebook · part {part} · {printed_note()}"
        text, size = sheet.fit_text(foot, sheet.width, size=7.5)
        sheet.put(sheet.left, sheet.bottom - 5, sheet.width, 5, text, size=size, color=GREY)


def _part_head(
    sheet: Sheet, book: CodebookLike, count: int, *, part: int, sheet_no: int, sheets: int
) -> None:
    """A codebook sheet's heading: CODEBOOK, the book's language, keying and size, the part."""
    x, y = sheet.left, sheet.top
    keyed = "keyed" if book.keyed else "not keyed"
    title = "PART 1 · FOR ENCODING · by phrase" if part == 1 else "PART 2 · FOR DECODING · by code"
    sheet.put(x, y, 40, 8, "CODEBOOK", size=15, bold=True, what="title")
    head = f"language {book.lang.upper()} · {keyed} · {count} entries"
    text, size = sheet.fit_text(head, sheet.width - 42, size=10, bold=True)
    sheet.put(x + 42, y, sheet.width - 42, 8, text, size=size, bold=True, align="R")
    sheet.put(x, y + 8.5, sheet.width * 0.75, 6, title, size=11, bold=True, color=GREY)
    sheet.put(sheet.right - 40, y + 8.5, 40, 6, f"sheet {sheet_no} of {sheets}", size=9,
              color=GREY, align="R")  # fmt: skip
    sheet.rule(sheet.left, sheet.right, y + 15.5, width=0.5)


def _column(
    sheet: Sheet, w: _Widths, column: Sequence[_Entry], cx: float, top: float, *, part: int
) -> float:
    """One column of entries from ``top`` down; returns where it ends."""
    ly = top
    for entry in column:
        if part == 1:
            _phrase_first(sheet, w, entry, cx, ly)
        else:
            _code_first(sheet, w, entry, cx, ly)
        ly += len(entry.lines) * LINE_H
    return ly


def _phrase_first(sheet: Sheet, w: _Widths, entry: _Entry, cx: float, ly: float) -> None:
    """Part 1's entry: phrase ..... code, the dots and the code on the phrase's last line."""
    for k, line in enumerate(entry.lines):
        indent = INDENT if k else 0.0
        sheet.put(cx + indent, ly + k * LINE_H, w.text - indent, LINE_H, line,
                  size=PHRASE_PT, what="phrase")  # fmt: skip
    last = entry.lines[-1]
    lx = cx + (INDENT if len(entry.lines) > 1 else 0.0) + 1
    lx += sheet.text_width(last, "sans", PHRASE_PT)
    ry = ly + (len(entry.lines) - 1) * LINE_H
    sheet.dotted(lx, cx + w.column - w.code - 1, ry + LINE_H * 0.72)
    sheet.put(cx + w.column - w.code, ry, w.code, LINE_H, entry.code, face="mono",
              size=CODE_PT, bold=True, align="R", what="code")  # fmt: skip


def _code_first(sheet: Sheet, w: _Widths, entry: _Entry, cx: float, ly: float) -> None:
    """Part 2's entry: the code, then the phrase beside it."""
    sheet.put(cx, ly, w.code, LINE_H, entry.code, face="mono", size=CODE_PT,
              bold=True, what="code")  # fmt: skip
    for k, line in enumerate(entry.lines):
        indent = INDENT if k else 0.0
        sheet.put(cx + w.code + 2.5 + indent, ly + k * LINE_H, w.text - indent,
                  LINE_H, line, size=PHRASE_PT, what="phrase")  # fmt: skip


def codebook(book: CodebookLike, path: str | os.PathLike[str], *, paper: Paper = "A4") -> int:
    """Print ``book`` as a two-part code: part 1 for encoding (by phrase, alphabetically),
    part 2 for decoding (by code, 000-999), three columns a page, each page headed with
    the language and whether the book is keyed. Written with mode 0600 (a keyed book is
    key material). Returns the number of PDF pages written.
    """
    pairs = _check(book.entries)
    sheet = Sheet(paper, title=f"Codebook ({book.lang})")
    by_phrase = sorted(pairs, key=lambda p: (p[0].casefold(), p[0], p[1]))
    by_code = sorted(pairs, key=lambda p: (p[1], p[0].casefold(), p[0]))
    _part(sheet, book, by_phrase, part=1)
    _part(sheet, book, by_code, part=2)
    return sheet.save(path, secret=True)
