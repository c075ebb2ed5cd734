"""Pad pages as plain text: what ``cinq pad export`` writes and ``cinq pad import``
reads (paper pads, pads made with ten-sided dice)::

    # cinq pad book "station" serial 40713, SEND, 50 groups a page
    # Issued to paper: the book will not encipher on these pages again.
    PAGE 58213
    04581 93012 77120 ...

    PAGE 11706
    USED 2026-11-26
    31337 ...

    PAGE 90210
    BURNED

A page is a line ``PAGE <page-ID group>`` followed by its groups, any number a line.
A mark line right after it says what the page already is: ``USED`` (its groups follow;
a send book will not encipher on it), or ``BURNED``, ``ISSUED`` (to paper, earlier),
``SPOILED`` (no groups: the book has no digits left for it). Anything after the mark
word is a note (the date). Lines starting with ``#`` and blank lines are ignored, except
the header lines above, which say which book the pages came from and in what role.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import digits as dg
from . import pagelist
from .book import ExportedPage, PadBook, PageSpec, PageState, Role
from .digits import Digits
from .errors import BadInput, CinqError, KeyManagementError, Location, PageSpoiled

_PER_LINE = 10
_PAGE = re.compile(r"PAGE\b", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")
_GROUP_LINE = re.compile(r"[0-9]{5}(?: [0-9]{5})*", re.ASCII)
_ZERO = np.uint8(ord("0"))
_HEADER = re.compile(
    r'#\s*cinq pad book "(?P<name>.*)" serial (?P<serial>\d{5}), (?P<role>SEND|RECEIVE), '
    r"(?P<groups>\d{1,4}) groups a page",
    re.IGNORECASE,
)
_ISSUED = "# Issued to paper"
_MARKS = {s.value.upper(): s for s in PageState if s is not PageState.UNUSED}


@dataclass(frozen=True)
class Header:
    """Where exported pages came from. ``issued``: the send book marked them issued
    when it wrote them, so it will not encipher on them again."""

    name: str
    serial: str
    role: str
    groups_per_page: int
    issued: bool = False


@dataclass(frozen=True)
class PadText:
    """Pages read from text, and the export header if the text has one."""

    header: Header | None
    pages: list[PageSpec]


def _mark(info_state: PageState, used_at: str | None) -> str | None:
    if info_state is PageState.UNUSED:
        return None
    if info_state is PageState.USED and used_at:
        return f"USED {used_at[:10]}"
    return info_state.value.upper()


def render(header: Header, pages: Sequence[ExportedPage]) -> str:
    """The text of exported pages: every page asked for, used ones marked USED, pages
    without digits (burned, issued earlier, spoiled) marked and without groups."""
    lines = [
        f'# cinq pad book "{header.name}" serial {header.serial}, {header.role.upper()}, '
        f"{header.groups_per_page} groups a page",
    ]
    if header.issued:
        lines.append(f"{_ISSUED}: the book will not encipher on these pages again.")
    lines.append("# Each page: a line 'PAGE <page-ID group>', then its groups. Destroy after use.")
    for page in pages:
        lines.append("")
        lines.append(f"PAGE {page.info.page_id}")
        mark = _mark(page.info.state, page.info.used_at)
        if mark:
            lines.append(mark)
        if page.digits is not None:
            groups = dg.to_groups(page.digits)
            lines.extend(
                " ".join(groups[i : i + _PER_LINE]) for i in range(0, len(groups), _PER_LINE)
            )
    return "\n".join(lines) + "\n"


def read_header(text: str) -> Header | None:
    """The export header of ``text`` (its first lines), or None."""
    found: Header | None = None
    issued = False
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER.match(stripped)
        if m and found is None:
            found = Header(
                m["name"], m["serial"], m["role"].lower(), int(m["groups"]), issued=False
            )
        issued = issued or stripped.lower().startswith(_ISSUED.lower())
    if found is None:
        return None
    return Header(found.name, found.serial, found.role, found.groups_per_page, issued)


@dataclass
class _Page:
    page_id: str
    line: int
    state: PageState = PageState.UNUSED
    groups: list[str] | None = None


def read(text: str, *, source: str | None = None) -> PadText:
    """Pages and header from text; every group is checked and a bad one reported
    where it is. Linear in the size of the text."""
    pages: list[_Page] = []
    seen: set[str] = set()
    for n, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        body = line.split("#", 1)[0] if "#" in line else line
        if pages and pages[-1].state.has_digits and _GROUP_LINE.fullmatch(body.strip()):
            _add_groups(pages[-1], body.split())  # the common line: only groups
            continue
        if not body.strip():
            continue
        tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(body)]
        if _PAGE.fullmatch(tokens[0][1]):
            pages.append(_page_line(tokens, n, source, seen))
            continue
        if not pages:
            raise BadInput(
                "groups before the first 'PAGE' line",
                location=Location(n, tokens[0][0] + 1, None, source),
            )
        _page_body(pages[-1], tokens, n, source)
    if not pages:
        raise BadInput(f"{source or 'input'}: no 'PAGE' line: no pages found")
    return PadText(read_header(text), _specs(pages, source))


def _page_line(tokens: list[tuple[int, str]], n: int, source: str | None, seen: set[str]) -> _Page:
    if len(tokens) != 2:
        raise BadInput(
            "a page line is 'PAGE' and one page-ID group",
            location=Location(n, tokens[0][0] + 1, None, source),
        )
    col, pid = tokens[1]
    _check_group(pid, n, col, source, "page-ID group")
    if pid in seen:
        raise BadInput(f"page ID {pid} appears twice", location=Location(n, col + 1, None, source))
    seen.add(pid)
    return _Page(pid, n)


def _page_body(page: _Page, tokens: list[tuple[int, str]], n: int, source: str | None) -> None:
    """A mark line (right after the PAGE line) or a line of groups."""
    word = tokens[0][1].upper()
    if word in _MARKS:
        if page.groups is not None or page.state is not PageState.UNUSED:
            raise BadInput(
                f"a {word} mark belongs right after its page's PAGE line",
                location=Location(n, tokens[0][0] + 1, None, source),
            )
        page.state = _MARKS[word]
        return
    if not page.state.has_digits:
        raise BadInput(
            f"page {page.page_id} is marked {page.state.value.upper()}: it has no groups",
            location=Location(n, tokens[0][0] + 1, None, source),
        )
    for col, tok in tokens:
        _check_group(tok, n, col, source, "group")
    _add_groups(page, [tok for _, tok in tokens])


def _add_groups(page: _Page, groups: list[str]) -> None:
    if page.groups is None:
        page.groups = []
    page.groups.extend(groups)


def _specs(pages: list[_Page], source: str | None) -> list[PageSpec]:
    size = next((len(p.groups) for p in pages if p.groups), None)
    specs: list[PageSpec] = []
    for p in pages:
        if not p.state.has_digits:
            specs.append(PageSpec(p.page_id, None, p.state))
            continue
        if not p.groups or len(p.groups) != size:
            raise BadInput(
                f"page {p.page_id} has {len(p.groups or [])} groups, the first page has "
                f"{size or 0}: every page of a book must have the same number",
                location=Location(p.line, 1, None, source),
            )
        # Every group was checked: five ASCII digits each.
        digits = np.frombuffer("".join(p.groups).encode("ascii"), dtype=np.uint8) - _ZERO
        specs.append(PageSpec(p.page_id, digits, p.state))
    return specs


def parse(text: str, *, source: str | None = None) -> list[tuple[str, Digits]]:
    """The pages of ``text`` that have digits, as ``(page ID, digits)``; see :func:`read`
    for the marks and the header."""
    return [(p.page_id, p.digits) for p in read(text, source=source).pages if p.digits is not None]


def _check_group(tok: str, line: int, col: int, source: str | None, what: str) -> None:
    where = Location(line, col + 1, None, source)
    dg.check_group(tok, unknown_allowed=False, name=what, location=where)


# -- export and import: paper pads are issued, not copied ---------------------------------


@dataclass(frozen=True)
class Exported:
    """What an export wrote: page numbers with digits, those of them marked USED,
    those newly issued to paper, and those listed without digits (with their state)."""

    book: str
    with_digits: tuple[int, ...]
    used: tuple[int, ...]
    issued: tuple[int, ...]
    without_digits: tuple[tuple[int, PageState], ...]

    def summary(self) -> str:
        """One line for the user: what was written, and what was left out and why."""
        parts = [f"wrote {len(self.with_digits)} page(s) with their digits"]
        if self.with_digits:
            parts[0] += f" (nos. {pagelist.format(self.with_digits)})"
        if self.used:
            parts.append(f"marked USED: nos. {pagelist.format(self.used)}")
        if self.issued:
            parts.append(
                f"issued to paper: book {self.book} will not encipher on nos. "
                f"{pagelist.format(self.issued)} again"
            )
        for state in (PageState.BURNED, PageState.ISSUED, PageState.SPOILED):
            gone = [n for n, s in self.without_digits if s is state]
            if gone:
                parts.append(f"left out, {state.value} (no digits): nos. {pagelist.format(gone)}")
        return "; ".join(parts)


def export(
    book: PadBook, numbers: Sequence[int] | None, deliver: Callable[[str], None]
) -> Exported:
    """Export pages of ``book`` as text and hand the text to ``deliver`` (write it).

    The pages are read and, in a send book, the unused ones marked issued in one
    transaction (:meth:`PadBook.issue_pages`) *before* the text is written: a crash
    after the marking wastes pages but can never leave them both on paper and usable
    in the book. If ``deliver`` fails, the newly issued pages are marked spoiled and
    :class:`PageSpoiled` names them (their digits are in no file and no book).
    """
    pages = book.issue_pages(numbers)
    header = Header(book.name, book.serial, book.role.value, book.groups_per_page)
    if book.role is Role.SEND:
        header = Header(header.name, header.serial, header.role, header.groups_per_page, True)
    issued = tuple(
        p.info.number for p in pages if book.role is Role.SEND and p.info.state is PageState.UNUSED
    )
    try:
        deliver(render(header, pages))
    except (CinqError, OSError) as exc:
        if not issued:
            raise
        raise _spoiled(book, pages, issued, exc) from None
    return Exported(
        book=book.name,
        with_digits=tuple(p.info.number for p in pages if p.digits is not None),
        used=tuple(p.info.number for p in pages if p.info.state is PageState.USED),
        issued=issued,
        without_digits=tuple((p.info.number, p.info.state) for p in pages if p.digits is None),
    )


def _spoiled(
    book: PadBook, pages: Sequence[ExportedPage], issued: Sequence[int], exc: CinqError | OSError
) -> PageSpoiled:
    ids = tuple(p.info.page_id for p in pages if p.info.number in set(issued))
    with contextlib.suppress(CinqError):  # a full disk: they stay issued, never used
        book.spoil(ids)
    reason = exc.message if isinstance(exc, CinqError) else (exc.strerror or str(exc))
    return PageSpoiled(
        f"the pages could not be written ({reason}); pages {pagelist.format(issued)} of book "
        f"{book.name} (IDs {', '.join(ids)}) were already taken out of the book for paper "
        "and are spoiled: export other pages",
        page_ids=ids,
    )


REUSE_PHRASE = "--i-know-this-reuses-pages"


def import_roles(
    header: Header | None, asked: Sequence[Role] | None, *, reuse: bool = False
) -> tuple[Role, ...]:
    """The books to make from imported pages: ``asked``, or the role in the export's
    header (both roles for pages without a header, e.g. from dice).

    A SEND book is refused (:class:`KeyManagementError`) over pages a send book already
    holds: pages exported from a RECEIVE book (its pair's send book has them), or from
    a send book that did not mark them issued (an export by an older cinq). ``reuse``
    (the user said ``--i-know-this-reuses-pages``) allows it.
    """
    default = (Role.SEND, Role.RECEIVE) if header is None else (Role(header.role),)
    roles = tuple(asked) if asked else default
    if Role.SEND not in roles or header is None or reuse:
        return roles
    if header.role == Role.RECEIVE.value or not header.issued:
        why = (
            f"they come from the RECEIVE book {header.name!r} (serial {header.serial}), "
            "whose pair's SEND book holds the same pages"
            if header.role == Role.RECEIVE.value
            else f"the SEND book {header.name!r} (serial {header.serial}) did not mark "
            "them issued when it exported them, so it may still encipher on them"
        )
        raise KeyManagementError(
            f"refusing to make a SEND book from these pages: {why}. Two send books on "
            f"the same pages reuse the pad. Import them as a receive book, or say "
            f"{REUSE_PHRASE} if you are sure"
        )
    return roles
