"""Printed one-time pads: a pad book's pages on paper, and blank pads for dice.

The page follows the printed pads published by D. Rijmenants and made by padgen: the
page-ID group large at the top (it is sent in clear as the message indicator), the
book's role in big letters so a SEND pad is never taken for a RECEIVE pad, then the
groups in lettered rows of five, and "DESTROY AFTER USE" at the foot.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from ..book import PadBook, PageInfo, PageState, Role, check_page_id
from ..checkerboard import Board
from ..digits import GROUP, to_groups
from ..errors import BadInput, CinqError, PageSpoiled
from ..hazmat.pages import peek_pages
from ..pagelist import format as number_ranges
from .layout import (
    BLACK,
    GREY,
    PT,
    LayoutError,
    Paper,
    RowPlan,
    Sheet,
    draw_board,
    plan_rows,
    printed_note,
    row_label,
)

GROUPS_PER_ROW = 5
MAX_GROUPS = 1000  # as many as a pad book page may hold
MAX_BLANK_PAGES = 10_000

# The page grid, in mm. The header and footer are the same on every sheet so that any
# sheet, even a continuation sheet found on its own, says which page of which book it is.
BAND_H = 24.0  # the role block and the page-ID box
INFO_H = 7.0
HEAD_H = BAND_H + 3 + INFO_H + 2 + 6.5  # band, info line, rule, column numbers
FOOT_H = 15.0
LABEL_W = 14.0  # the row letters
ID_BOX_W = 62.0

# Printed digits: 22 pt when the page has room (a 50-group page always has), never
# below 10 pt. Rows get 1.45 line heights at least, 2.4 when there is room to spare.
DIGIT_SIZES = tuple(s / 2 for s in range(44, 19, -1))  # 22.0, 21.5, ... 10.0
# Blank pads: box width in mm, 6 mm (comfortable handwriting) down to 4 mm.
BOX_SIZES = tuple(s / 4 for s in range(24, 15, -1))  # 6.0, 5.75, ... 4.0
BOX_RATIO = 1.25  # box height / width: digits are taller than wide

DIE_NOTE = "Fill with a ten-sided die: one roll per digit"


@dataclass(frozen=True)
class PageHead:
    """What the header and footer of one pad page show (never any key digits)."""

    role: str  # "SEND", "RECEIVE"
    book: str
    serial: str | None  # None: a blank to fill in
    page_id: str | None  # None: blank boxes for the rolled page ID
    number: int
    total: int
    groups: int
    note: str = ""  # e.g. when the page was used


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# -- header and footer ----------------------------------------------------------------------


def _header(sheet: Sheet, head: PageHead, part: int, parts: int) -> float:
    """Draw the header; returns the y where the grid may start."""
    x, y = sheet.left, sheet.top
    role_w = sheet.role_block(x, y, BAND_H, head.role, max_w=sheet.width - ID_BOX_W - 40)
    bx = sheet.right - ID_BOX_W
    _page_id_box(sheet, head, bx, y)
    mx = x + role_w + 5
    _paper_kind(sheet, head, mx, y, bx - 5 - mx)
    y += BAND_H + 3
    _info_line(sheet, head, part, parts, y)
    y += INFO_H + 2
    sheet.rule(sheet.left, sheet.right, y, width=0.5)
    y += 0.5
    _column_numbers(sheet, y)
    return sheet.top + HEAD_H


def _page_id_box(sheet: Sheet, head: PageHead, bx: float, y: float) -> None:
    """The page-ID box, right-aligned: the one group the operator copies in clear (boxes to
    fill in on a blank page)."""
    sheet.frame(bx, y, ID_BOX_W, BAND_H, line=0.6, what="page-ID box")
    sheet.put(bx + 3, y + 1.5, ID_BOX_W - 6, 4.5, "PAGE ID", size=8, bold=True, color=GREY)
    if head.page_id is not None:
        sheet.put(
            bx, y + 6, ID_BOX_W, BAND_H - 7, head.page_id, face="mono", size=34, bold=True,
            align="C", what="page ID",
        )  # fmt: skip
    else:
        box = 9.5
        sheet.digit_boxes(bx + (ID_BOX_W - GROUP * box) / 2, y + 8.5, GROUP, box, 12.5,
                          what="page-ID boxes")  # fmt: skip


def _paper_kind(sheet: Sheet, head: PageHead, mx: float, y: float, mw: float) -> None:
    """Between the role block and the page ID: what kind of paper this is, and what the
    book may do."""
    use = {"SEND": "encrypt only", "RECEIVE": "decrypt only"}.get(head.role, "")
    lines = [("ONE-TIME PAD", 12.0, True, BLACK), (use, 10.0, False, BLACK)]
    if head.note:
        lines.append((head.note, 9.0, True, BLACK))
    ly = y + 2
    for text, size, bold, color in lines:
        if text:
            fitted, s = sheet.fit_text(text, mw, size=size, bold=bold)
            sheet.put(mx, ly, mw, 6, fitted, size=s, bold=bold, color=color, what="header note")
        ly += 6.5


def _info_line(sheet: Sheet, head: PageHead, part: int, parts: int, y: float) -> None:
    """The info line: book, serial, page, groups; the book name gives way if space is short."""
    serial = head.serial if head.serial is not None else "_____"
    page = f"PAGE {head.number} OF {head.total}"
    if parts > 1:
        page += f"  ·  SHEET {part} OF {parts}" + (" (CONTINUED)" if part > 1 else "")
    right = f"SERIAL {serial}   {page}   {head.groups} GROUPS"
    right_size = sheet.fit_size(right, sheet.width * 0.68, size=11, bold=True)
    right_w = sheet.text_width(right, "sans", right_size, bold=True)
    sheet.put(sheet.right - right_w, y, right_w, INFO_H, right, size=right_size, bold=True,
              align="R", what="info line")  # fmt: skip
    name_w = sheet.width - right_w - 4
    name, size = sheet.fit_text(f"BOOK {head.book}", name_w, size=11, bold=True, min_size=9)
    sheet.put(sheet.left, y, name_w, INFO_H, name, size=size, bold=True, what="book name")


def _column_numbers(sheet: Sheet, y: float) -> None:
    """Column numbers, so a group can be named "row C, group 4"."""
    col_w = (sheet.width - LABEL_W) / GROUPS_PER_ROW
    for c in range(GROUPS_PER_ROW):
        sheet.put(sheet.left + LABEL_W + c * col_w, y, col_w, 6, str(c + 1), size=8, color=GREY,
                  align="C", what="column number")  # fmt: skip


def _footer(sheet: Sheet, head: PageHead, part: int, parts: int, *, blank: bool) -> float:
    """Draw the footer; returns the y where the grid must end."""
    y = sheet.bottom - FOOT_H
    sheet.rule(sheet.left, sheet.right, y, width=0.5)
    main = "DESTROY AFTER USE"
    if part < parts:
        main += f"  ·  CONTINUED ON SHEET {part + 1}"
    sheet.put(sheet.left, y + 1.5, sheet.width * 0.7, 7, main, size=13, bold=True,
              what="footer")  # fmt: skip
    pid = head.page_id if head.page_id is not None else "_____"
    tag_w = sheet.text_width("PAGE ID ", "sans", 9, bold=True)
    id_w = sheet.text_width(pid, "mono", 13, bold=True)
    sheet.put(sheet.right - id_w - tag_w, y + 1.5, tag_w, 7, "PAGE ID", size=9, bold=True,
              color=GREY, what="footer page ID tag")  # fmt: skip
    sheet.put(sheet.right - id_w, y + 1.5, id_w, 7, pid, face="mono", size=13, bold=True,
              align="R", what="footer page ID")  # fmt: skip
    small = DIE_NOTE + "; one page per message, never twice." if blank else (
        f"{_short(head.book)} · serial {head.serial} · page {head.number} of {head.total} · "
        "one page per message, never twice · " + printed_note()
    )  # fmt: skip
    text, size = sheet.fit_text(small, sheet.width, size=7.5)
    sheet.put(sheet.left, y + 9, sheet.width, 5, text, size=size, color=GREY, what="footer note")
    return y - 1.5


# -- the grid ---------------------------------------------------------------------------------


def _grid_area(sheet: Sheet) -> float:
    return sheet.bottom - FOOT_H - 1.5 - (sheet.top + HEAD_H)


def _digit_plan(sheet: Sheet, groups: int) -> RowPlan:
    rows = -(-groups // GROUPS_PER_ROW)
    return plan_rows(
        rows,
        _grid_area(sheet),
        DIGIT_SIZES,
        min_pitch=lambda s: s * PT * 1.45,
        max_pitch=lambda s: s * PT * 2.4,
    )


def _box_plan(sheet: Sheet, groups: int) -> RowPlan:
    rows = -(-groups // GROUPS_PER_ROW)
    return plan_rows(
        rows,
        _grid_area(sheet),
        BOX_SIZES,
        min_pitch=lambda b: b * BOX_RATIO * 1.3,
        max_pitch=lambda b: b * BOX_RATIO * 2.2,
    )


def _grid(
    sheet: Sheet,
    y: float,
    plan: RowPlan,
    first_row: int,
    rows: Sequence[Sequence[str]] | int,
) -> None:
    """Lettered rows from ``first_row`` on: the groups of ``rows`` in bold mono, or (an
    int: the number of rows) empty digit boxes, one per die roll."""
    col_w = (sheet.width - LABEL_W) / GROUPS_PER_ROW
    count = rows if isinstance(rows, int) else len(rows)
    label_size = max(8.0, min(14.0, plan.scale * 0.75)) if not isinstance(rows, int) else 11.0
    for i in range(count):
        ry = y + i * plan.pitch
        if i % 2 == 1:  # every other row shaded: the eye keeps its row across the page
            sheet.frame(sheet.left, ry, sheet.width, plan.pitch, fill=245, line=None,
                        what="row shading")  # fmt: skip
        sheet.put(sheet.left + 1.5, ry, LABEL_W - 1.5, plan.pitch, row_label(first_row + i),
                  size=label_size, bold=True, color=GREY, what="row letter")  # fmt: skip
        if isinstance(rows, int):
            bw, bh = plan.scale, plan.scale * BOX_RATIO
            for c in range(GROUPS_PER_ROW):
                gx = sheet.left + LABEL_W + c * col_w + (col_w - GROUP * bw) / 2
                sheet.digit_boxes(gx, ry + (plan.pitch - bh) / 2, GROUP, bw, bh, what="group")
        else:
            for c, group in enumerate(rows[i]):
                sheet.put(
                    sheet.left + LABEL_W + c * col_w, ry, col_w, plan.pitch, group,
                    face="mono", size=plan.scale, bold=True, align="C", what="group",
                )  # fmt: skip
    # Faint guide lines between groups of five rows, as on squared pad paper.
    for i in range(5, count, 5):
        sheet.rule(sheet.left, sheet.right, y + i * plan.pitch, width=0.15, color=170)


def _page(sheet: Sheet, head: PageHead, plan: RowPlan, groups: Sequence[str] | None) -> None:
    """One pad page on ``plan.sheets`` sheets: ``groups`` printed, or (None) blank boxes."""
    rows_total = -(-head.groups // GROUPS_PER_ROW)
    for part in range(1, plan.sheets + 1):
        sheet.new_page()
        y = _header(sheet, head, part, plan.sheets)
        end = _footer(sheet, head, part, plan.sheets, blank=groups is None)
        first = (part - 1) * plan.per_sheet
        count = min(plan.per_sheet, rows_total - first)
        if y + count * plan.pitch > end + 0.01:
            raise LayoutError("the pad grid was planned taller than its sheet")
        if groups is None:
            _grid(sheet, y, plan, first, count)
        else:
            chunk = groups[first * GROUPS_PER_ROW : (first + count) * GROUPS_PER_ROW]
            rows = [chunk[i : i + GROUPS_PER_ROW] for i in range(0, len(chunk), GROUPS_PER_ROW)]
            _grid(sheet, y, plan, first, rows)


# -- the title card ------------------------------------------------------------------------------


def _facts(sheet: Sheet, x: float, y: float, facts: Sequence[tuple[str, str]]) -> float:
    label_w = 38.0
    line_h = 10 * PT * 1.35  # as sheet.paragraph sets it: label and value share a baseline
    for label, value in facts:
        sheet.put(x, y, label_w, line_h, label, size=10, bold=True, color=GREY, what="fact")
        y = sheet.paragraph(x + label_w, y, sheet.width - label_w, value, size=10) + 0.8
    return y


def _cut(listed: str) -> str:
    """A long list of page numbers, cut to fit the title card."""
    return listed if len(listed) <= 160 else listed[:157].rsplit(",", 1)[0] + ", …"


def _state_facts(infos: Sequence[PageInfo]) -> list[tuple[str, str]]:
    """The title card's lines on burned, issued or spoiled, and used pages."""
    burned = [p.number for p in infos if p.state is PageState.BURNED]
    gone = [p.number for p in infos if p.state in (PageState.ISSUED, PageState.SPOILED)]
    used = [p.number for p in infos if p.state is PageState.USED]
    facts = [
        ("Burned", f"{len(burned)} burned page(s) are not printed "
                   f"(nos. {_cut(number_ranges(burned))}).")
        if burned else ("Burned", "none: every page of the book is printed.")
    ]  # fmt: skip
    if gone:
        facts.append(("Issued", f"{len(gone)} page(s) issued to paper before or spoiled are "
                                f"not printed (nos. {_cut(number_ranges(gone))})."))  # fmt: skip
    if used:
        facts.append(("Used", f"{len(used)} page(s) already used are printed marked USED."))
    return facts


def _title_card(
    sheet: Sheet,
    book: PadBook,
    infos: Sequence[PageInfo],
    printed: int,
    sheets: int,
    board: Board | None,
) -> None:
    """The first sheet: the book's role and name, the facts about it, the handling rules
    and (if given) the board, on a sheet of its own if it does not fit."""
    sheet.new_page()
    y = _title_band(sheet, book)
    y = _facts(sheet, sheet.left, y, _book_facts(book, infos, printed, sheets)) + 3
    y = _handling(sheet, book, y)
    if board is not None:
        y += 4
        height = draw_board(sheet, board, sheet.left, y, sheet.width, draw=False) - y
        if y + height > sheet.bottom:
            sheet.new_page()
            y = sheet.top
        draw_board(sheet, board, sheet.left, y, sheet.width)


def _title_band(sheet: Sheet, book: PadBook) -> float:
    """The role block, ONE-TIME PAD and the book's name, ruled off; returns the y below."""
    x, y = sheet.left, sheet.top
    role_w = sheet.role_block(x, y, BAND_H, book.role.value.upper(), max_w=sheet.width / 2)
    sheet.put(x + role_w + 6, y, sheet.width - role_w - 6, 12, "ONE-TIME PAD", size=24,
              bold=True, what="title")  # fmt: skip
    # A long name is cut here (it is given whole in the facts below), never made tiny.
    name, size = sheet.fit_text(book.name, sheet.width - role_w - 6, size=16, bold=True,
                                min_size=11)  # fmt: skip
    sheet.put(x + role_w + 6, y + 13, sheet.width - role_w - 6, 10, name, size=size,
              bold=True, what="book name")  # fmt: skip
    y += BAND_H + 4
    sheet.rule(sheet.left, sheet.right, y, width=0.5)
    y += 3
    return y


def _book_facts(
    book: PadBook, infos: Sequence[PageInfo], printed: int, sheets: int
) -> list[tuple[str, str]]:
    """The title card's facts, label and text: the book, its role, what is printed here."""
    role = book.role.value.upper()
    g = book.groups_per_page
    other = "RECEIVE" if book.role is Role.SEND else "SEND"
    may = "encrypt" if book.role is Role.SEND else "decrypt"
    facts = [
        ("Book", book.name),
        ("Serial", book.serial),
        ("Role", f"{role}: this pad may only {may}; its twin is the {other} pad, serial "
                 f"{book.serial}, held by your correspondent."),
        ("Pages", f"{len(infos)} in the book; {printed} printed here in book order, "
                  + ("one sheet each." if sheets == 1 else f"each on {sheets} sheets.")),
        ("Groups per page", f"{g} five-figure groups ({g * GROUP} digits), "
                            f"rows {row_label(0)}-{row_label(-(-g // GROUPS_PER_ROW) - 1)} "
                            f"of {GROUPS_PER_ROW} groups."),
    ]  # fmt: skip
    facts += _state_facts(infos)
    created = getattr(book, "created", None)  # if the book ever exposes its creation time
    note = f"{printed_note()}, from {book.path.name}"
    facts.append(("Created", f"book created {created}; {note}" if created else note))
    return facts


def _handling(sheet: Sheet, book: PadBook, y: float) -> float:
    """HANDLING and its numbered rules from ``y``; returns the y below them."""
    x = sheet.left
    sheet.put(x, y, sheet.width, 7, "HANDLING", size=12, bold=True, what="heading")
    y += 8
    rules = [
        "Keep this pad secret: locked away when not in use, never copied, photographed or "
        "typed into a computer. Only your correspondent holds the twin pad.",
        "One page per message, never twice: a page used twice can be broken. "
        + ("Take the pages in order." if book.role is Role.SEND else "Use the page whose ID "
           "is the first group of the message."),
        "The page ID (the large group at the top of each page) goes in clear as the first "
        "group of the message; the key digits start at row A.",
        "Encrypt by subtracting the key from the plain digits without borrowing "
        "(cipher = plain - key); decrypt by adding without carrying (plain = cipher + key).",
        "Burn each page as soon as its message is sent or read, with every worksheet. "
        "DESTROY AFTER USE. If the pad may have been seen by anyone else, burn all of it and "
        "tell your correspondent.",
    ]  # fmt: skip
    for n, text in enumerate(rules, 1):
        y = sheet.paragraph(x, y, sheet.width, text, size=10, indent=f"{n}.") + 1.2
    return y


# -- public functions ------------------------------------------------------------------------------


def pads(
    book: PadBook,
    path: str | os.PathLike[str],
    *,
    paper: Paper = "A4",
    title_card: bool = True,
    board: Board | None = None,
    pages: Sequence[int] | None = None,
) -> int:
    """Print the pages of ``book`` that still have digits to a PDF at ``path``; with
    ``pages`` (page numbers), only those, in book order.

    One pad page per printed page (a page of many groups continues on further sheets,
    each marked, rather than shrinking the digits below 10 pt); burned, issued and
    spoiled pages have no digits and are skipped. With ``title_card`` a first sheet
    describes the book and how to handle it, and shows ``board`` if one is given. The
    file is written atomically with mode 0600: it holds key material. Returns the
    number of PDF pages written.

    Paper pads are issued, not copied: the unused pages of a send book that are printed
    are marked *issued* (:meth:`PadBook.issue_pages`) before the PDF is made, so the
    book never enciphers on a page that is also on paper. If the PDF then cannot be
    made or written, those pages are spoiled and :class:`PageSpoiled` names them.
    """
    infos = book.pages()
    wanted = None if pages is None else sorted(set(pages))
    sheet = Sheet(paper, title=f"One-time pad {book.name} ({book.role.value})",
                  subject=f"cinq pad book serial {book.serial}")  # fmt: skip
    plan = _digit_plan(sheet, book.groups_per_page)
    if not title_card and not _any_digits(infos, wanted):
        which = "every page" if pages is None else "every page asked for"
        raise BadInput(f"{which} of book {book.name} is burned, issued or spoiled: "
                       "there is nothing to print")  # fmt: skip
    # A receive book is only read (it may be a read-only file): nothing to record.
    send = book.role is Role.SEND
    entries = book.issue_pages(wanted) if send else peek_pages(book, wanted)
    issued = [
        e.info for e in entries if book.role is Role.SEND and e.info.state is PageState.UNUSED
    ]
    try:
        selected = [(e.info, e.digits) for e in entries if e.digits is not None]
        if title_card:
            _title_card(sheet, book, infos, len(selected), plan.sheets, board)
        for info, digits in selected:
            _page(sheet, _head(book, info, len(infos)), plan, to_groups(digits))
        return sheet.save(path, secret=True)
    except BaseException as exc:
        if not issued:
            raise
        spoiled = _spoil(book, issued, exc)
        if isinstance(exc, CinqError | OSError):
            raise spoiled from None
        raise


def _any_digits(infos: Sequence[PageInfo], wanted: Sequence[int] | None) -> bool:
    chosen = None if wanted is None else set(wanted)
    return any(p.state.has_digits and (chosen is None or p.number in chosen) for p in infos)


def _head(book: PadBook, info: PageInfo, total: int) -> PageHead:
    note = ""
    if info.state is PageState.USED:
        note = "USED" + (f" {info.used_at[:10]}" if info.used_at else "")
    return PageHead(book.role.value.upper(), book.name, book.serial, info.page_id, info.number,
                    total, book.groups_per_page, note)  # fmt: skip


def _spoil(book: PadBook, issued: Sequence[PageInfo], exc: BaseException) -> PageSpoiled:
    """Spoil the pages just issued for a PDF that was never written (their digits are
    in no file and no book now) and say which."""
    ids = tuple(p.page_id for p in issued)
    with contextlib.suppress(CinqError):  # a full disk: they stay issued, never used
        book.spoil(ids)
    reason = exc.message if isinstance(exc, CinqError) else (str(exc) or type(exc).__name__)
    return PageSpoiled(
        f"the PDF could not be written ({reason}); pages "
        f"{number_ranges([p.number for p in issued])} of book {book.name} (IDs "
        f"{', '.join(ids)}) were already taken out of the book for paper and are spoiled: "
        "print other pages",
        page_ids=ids,
    )


def blank_pads(
    path: str | os.PathLike[str],
    *,
    pages: int = 10,
    groups: int = 50,
    paper: Paper = "A4",
    role: str = "SEND",
    serial: str = "",
) -> int:
    """Print ``pages`` blank pad pages of ``groups`` groups: a box per digit, to be filled
    by rolling a ten-sided die, and a blank page-ID box.

    ``role`` is printed large (e.g. ``"SEND"``; make the ``"RECEIVE"`` copy identical);
    ``serial`` (five digits, or ``""`` for a blank to fill in) marks the pair. Returns the
    number of PDF pages written.
    """
    if not 1 <= pages <= MAX_BLANK_PAGES:
        raise BadInput(f"print 1 to {MAX_BLANK_PAGES} blank pages, not {pages}")
    if not 1 <= groups <= MAX_GROUPS:
        raise BadInput(f"a page has 1 to {MAX_GROUPS} groups, not {groups}")
    label = str(role).strip().upper()
    if not label or not label.isprintable() or len(label) > 12:
        raise BadInput(f"role {role!r} must be a short printable word such as SEND or RECEIVE")
    serial_or_blank = check_page_id(serial, what="book serial") if serial else None
    sheet = Sheet(paper, title=f"Blank one-time pad ({label})")
    plan = _box_plan(sheet, groups)
    for n in range(1, pages + 1):
        head = PageHead(label, "_" * 16, serial_or_blank, None, n, pages, groups, DIE_NOTE)
        _page(sheet, head, plan, None)
    return sheet.save(path, secret=False)
