"""Printed PDFs, checked with the real poppler tools: what a printer would get.

Every PDF is read back with pdffonts (fonts embedded), pdftotext (every group there, in
order; nothing outside the page), pdfinfo (paper size) and pdftoppm (it renders, with
nothing drawn in the margins).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from cinq import printing
from cinq.book import PadBook, PageState, Role
from cinq.checkerboard import Board, all_boards, board
from cinq.digits import to_groups
from cinq.errors import BadInput, PageSpoiled
from cinq.hazmat.pages import peek_pages
from cinq.printing import layout
from cinq.printing.pads import _digit_plan, _grid_area

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")),
    reason="poppler-utils not installed",
)

MM = 72 / 25.4  # points per mm
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
GROUP_RE = re.compile(r"(?<!\d)\d{5}(?!\d)")


# -- poppler helpers --------------------------------------------------------------------------


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def text(pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return run("pdftotext", "-layout", *pages, pdf, "-")


def page_count(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", run("pdfinfo", pdf), re.M)
    assert match
    return int(match.group(1))


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = run("pdfinfo", "-f", "1", "-l", str(page_count(pdf)), pdf)
    return [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", out)]


@dataclass
class Word:
    page: int
    page_w: float
    page_h: float
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words(pdf: Path) -> list[Word]:
    """Every word with its box, from ``pdftotext -bbox`` (points, origin top left)."""
    out: list[Word] = []
    xhtml = run("pdftotext", "-bbox", pdf, "-")
    pages = re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S)
    for n, page in enumerate(pages, 1):
        w, h = float(page.group(1)), float(page.group(2))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page.group(3),
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            out.append(Word(n, w, h, x0, y0, x1, y1, m.group(5)))
    return out


def assert_inside(pdf: Path, margin_mm: float = 6.0) -> list[Word]:
    """Every word's box lies inside its page, at least ``margin_mm`` from each edge."""
    found = words(pdf)
    assert found, f"{pdf.name}: no text at all"
    m = margin_mm * MM
    for w in found:
        inside = m <= w.x0 and w.x1 <= w.page_w - m and m <= w.y0 and w.y1 <= w.page_h - m
        assert inside, f"{pdf.name} page {w.page}: {w.text!r} at {w} is too near the edge"
    return found


def assert_fonts_embedded(pdf: Path) -> None:
    lines = run("pdffonts", pdf).splitlines()
    header, rows = lines[0].split(), lines[2:]
    assert rows, "no fonts listed"
    emb = header.index("emb")
    for row in rows:
        cols = row.split()
        # the "type" column holds two words ("CID TrueType"): count from the right
        assert cols[emb - len(header)] == "yes", row
        assert "DejaVu" in cols[0], row  # never a core font (Courier, Helvetica)


def extrema(grey: Image.Image) -> tuple[int, int]:
    """Darkest and lightest value of a one-band ("L") image."""
    return cast(tuple[int, int], grey.getextrema())


def assert_renders(pdf: Path, tmp: Path) -> None:
    """pdftoppm renders every page with dark and white pixels, and leaves a 4 mm strip
    along every edge untouched (no line, box or shading runs into the margin)."""
    prefix = tmp / f"{pdf.stem}-png"
    run("pdftoppm", "-r", "50", "-png", pdf, prefix)
    pngs = sorted(tmp.glob(f"{prefix.name}-*.png"))
    assert len(pngs) == page_count(pdf)
    for png in pngs:
        assert png.stat().st_size > 0
        with Image.open(png) as im:
            grey = im.convert("L")
            lo, hi = extrema(grey)
            assert lo < 80 and hi > 240, f"{png.name} is blank or all dark"
            edge = round(4 / 25.4 * 50)
            w, h = grey.size
            for box in ((0, 0, w, edge), (0, h - edge, w, h), (0, 0, edge, h), (w - edge, 0, w, h)):
                assert extrema(grey.crop(box))[0] >= 250, f"{png.name}: ink in the margin"


def groups_tokens(s: str) -> list[str]:
    return GROUP_RE.findall(s)


def assert_in_order(found: Sequence[str], expected: Sequence[str]) -> None:
    """``expected`` is a subsequence of ``found``."""
    it: Iterator[str] = iter(found)
    for i, token in enumerate(expected):
        assert any(t == token for t in it), f"item {i} of {len(expected)} missing or out of order"


def book_groups(book: PadBook) -> list[tuple[str, list[str]]]:
    """The pages' IDs and groups. Printing a send book issues its pages (their digits
    leave the book), so tests read a printed send book's digits from its twin."""
    return [(p.info.page_id, to_groups(p.digits)) for p in peek_pages(book)]


def twin_groups(pair: tuple[Path, Path]) -> list[tuple[str, list[str]]]:
    with PadBook.open(pair[1]) as receive:
        return book_groups(receive)


def without(tokens: Sequence[str], *drop: str) -> list[str]:
    """``tokens`` less the page ID and serial, which a random group may happen to equal."""
    return [t for t in tokens if t not in drop]


def flat(s: str) -> str:
    return " ".join(s.split())


def column_starts(xs: Sequence[float]) -> list[float]:
    """Left edges of text columns: left-aligned words cluster within a few points."""
    starts: list[float] = []
    for x in sorted(xs):
        if not starts or x - starts[-1] > 20:
            starts.append(x)
    return starts


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path_factory.mktemp("books") / "net", pages=3, groups=50)


@pytest.fixture(scope="module")
def printed(pair: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf = tmp_path_factory.mktemp("pdf") / "net-send.pdf"
    with PadBook.open(pair[0]) as book:
        assert printing.pads(book, pdf, board=board("CT-55")) == 4  # title card + 3 pages
    return pdf


# -- pads ------------------------------------------------------------------------------------------


def test_pads_fonts_are_embedded(printed: Path) -> None:
    assert_fonts_embedded(printed)


def test_pads_hold_every_group_in_order(printed: Path, pair: tuple[Path, Path]) -> None:
    with PadBook.open(pair[0]) as book:
        serial, name = book.serial, book.name
    pages = twin_groups(pair)
    assert page_count(printed) == 1 + len(pages)
    expected = [g for page_id, groups in pages for g in (page_id, *groups)]
    assert_in_order(groups_tokens(text(printed)), expected)
    for n, (page_id, groups) in enumerate(pages, 1):
        page = text(printed, first=n + 1, last=n + 1)  # after the title card
        tokens = groups_tokens(page)
        assert tokens.count(page_id) >= 2  # top and bottom
        assert without(tokens, page_id, serial) == without(groups, page_id, serial)
        for word in ("SEND", "DESTROY AFTER USE", serial, name, f"PAGE {n} OF 3"):
            assert word in page
        for row in "ABCDEFGHIJ":
            assert re.search(rf"^\s*{row}\s+\d{{5}}", page, re.M), row


def test_pads_title_card(printed: Path, pair: tuple[Path, Path]) -> None:
    card = text(printed, first=1, last=1)
    with PadBook.open(pair[0]) as book:
        assert book.serial in card and book.name in card
    for word in ("ONE-TIME PAD", "SEND", "CHECKERBOARD CT-55", "One page per message", "Burn"):
        assert word in card
    assert "3 in the book; 3 printed here in book order, one sheet each" in flat(card)
    assert not groups_tokens(card.replace(book.serial, "")), "no key digits on the title card"


def test_pads_fit_the_page_and_render(printed: Path, tmp_path: Path) -> None:
    assert page_sizes(printed) == [A4] * 4
    assert_inside(printed)
    assert_renders(printed, tmp_path)
    assert printed.stat().st_mode & 0o777 == 0o600  # key material


def test_fifty_group_digits_are_large(printed: Path, pair: tuple[Path, Path]) -> None:
    """Groups of a 50-group page are set at 14 pt or more (box height ~1.17 em)."""
    with PadBook.open(pair[0]) as book:
        serial = book.serial
    expected = {g for _, groups in twin_groups(pair) for g in groups} - {serial}
    tallest: dict[str, float] = {}
    for w in words(printed):
        if w.text in expected:
            tallest[w.text] = max(tallest.get(w.text, 0.0), w.y1 - w.y0)
    # Each group's own printing is its tallest box: a random group may also happen to
    # equal a smaller five-figure word elsewhere (a page ID, a count), seen once in CI.
    assert len(tallest) >= len(expected) - 5
    assert min(tallest.values()) >= 14 * 1.1


def test_pads_on_letter_paper(tmp_path: Path) -> None:
    pair = PadBook.create_pair(tmp_path / "net", pages=3, groups=50)
    pdf = tmp_path / "letter.pdf"
    with PadBook.open(pair[0]) as book:
        assert printing.pads(book, pdf, paper="letter", title_card=False) == 3
    expected = [g for pid, groups in twin_groups(pair) for g in (pid, *groups)]
    assert page_sizes(pdf) == [LETTER] * 3
    assert_inside(pdf)
    assert_in_order(groups_tokens(text(pdf)), expected)
    assert_fonts_embedded(pdf)


def test_receive_book_is_marked_receive(pair: tuple[Path, Path], tmp_path: Path) -> None:
    pdf = tmp_path / "receive.pdf"
    with PadBook.open(pair[1]) as book:
        assert book.role is Role.RECEIVE
        printing.pads(book, pdf, title_card=False)
    page = text(pdf, first=1, last=1)
    assert "RECEIVE" in page and "decrypt only" in page and "SEND" not in page


@pytest.mark.parametrize(("groups", "paper"), [(200, "A4"), (200, "letter"), (1000, "A4")])
def test_large_pages_fit_and_keep_order(groups: int, paper: str, tmp_path: Path) -> None:
    big = PadBook.create_pair(tmp_path / "big", pages=1, groups=groups)
    pdf = tmp_path / "big.pdf"
    with PadBook.open(big[0]) as book:
        sheets = printing.pads(book, pdf, paper=paper, title_card=False)  # type: ignore[arg-type]
        serial = book.serial
    ((page_id, expected),) = twin_groups(big)
    assert sheets == page_count(pdf)
    found = assert_inside(pdf)
    assert_in_order(groups_tokens(text(pdf)), [page_id, *expected])
    reading = sorted(found, key=lambda w: (w.page, round(w.y0), w.x0))  # rows, left to right
    in_boxes = [w.text for w in reading if GROUP_RE.fullmatch(w.text)]
    assert without(in_boxes, page_id, serial) == without(expected, page_id, serial)
    full = text(pdf)
    assert full.count("DESTROY AFTER USE") == sheets
    if sheets > 1:
        assert "(CONTINUED)" in full and "CONTINUED ON SHEET 2" in full
    last_row = layout.row_label(groups // 5 - 1)
    assert re.search(rf"^\s*{last_row}\s+\d{{5}}", full, re.M)
    # (The serial and page ID, set smaller in the header, may equal a group by chance.)
    groups_only = set(expected) - {serial, page_id}
    digit_heights = [w.y1 - w.y0 for w in found if w.text in groups_only]
    assert min(digit_heights) >= 10 * 1.1  # never below 10 pt


def test_burned_pages_are_not_printed(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "b", pages=3, groups=50)
    pdf = tmp_path / "b.pdf"
    with PadBook.open(send) as book:
        before = book_groups(book)
        book.burn(before[1][0])
        assert printing.pads(book, pdf) == 1 + 2
    all_text = text(pdf)
    tokens = groups_tokens(all_text)
    assert before[1][0] not in tokens  # (a chance match with a group is 1 in ~700)
    rows = [" ".join(before[1][1][i : i + 5]) for i in range(0, 50, 5)]
    assert not any(row in flat(all_text) for row in rows)
    for page_id, groups in (before[0], before[2]):
        assert_in_order(tokens, [page_id, *groups])
    assert "1 burned page(s) are not printed (nos. 2)" in flat(all_text)


def test_nothing_to_print(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "gone", pages=1, groups=5)
    with PadBook.open(send) as book:
        book.burn(book.pages()[0].page_id)
        with pytest.raises(BadInput, match="burned"):
            printing.pads(book, tmp_path / "none.pdf", title_card=False)
        assert printing.pads(book, tmp_path / "card.pdf") == 1  # just the title card
    assert not (tmp_path / "none.pdf").exists()


# -- blank pads -------------------------------------------------------------------------------


def test_blank_pads(tmp_path: Path) -> None:
    pdf = tmp_path / "blank.pdf"
    assert printing.blank_pads(pdf, pages=2, serial="12345") == 2
    assert page_sizes(pdf) == [A4, A4]
    s = text(pdf)
    assert "fill with a ten-sided die: one roll per digit" in s.lower()
    assert s.count("DESTROY AFTER USE") == 2 and "SEND" in s and "PAGE 2 OF 2" in s
    assert groups_tokens(s) == ["12345", "12345"]  # the serial; no digits otherwise
    assert_inside(pdf)
    assert_fonts_embedded(pdf)
    assert_renders(pdf, tmp_path)


def test_blank_pads_many_groups_letter(tmp_path: Path) -> None:
    pdf = tmp_path / "blank.pdf"
    n = printing.blank_pads(pdf, pages=1, groups=1000, paper="letter", role="receive")
    assert n == page_count(pdf) > 1
    assert page_sizes(pdf) == [LETTER] * n
    s = text(pdf)
    assert "RECEIVE" in s and "CONTINUED" in s and re.search(r"^\s*GR\s*$", s, re.M)
    assert_inside(pdf)


def test_blank_pads_bad_input(tmp_path: Path) -> None:
    for kwargs in ({"pages": 0}, {"groups": 1001}, {"serial": "12a45"}, {"role": ""}):
        with pytest.raises(BadInput):
            printing.blank_pads(tmp_path / "x.pdf", **kwargs)
    assert not list(tmp_path.iterdir())


# -- checkerboard card and worksheet -----------------------------------------------------------


@pytest.mark.parametrize("b", all_boards(), ids=lambda b: b.name)
def test_board_card(b: Board, tmp_path: Path) -> None:
    pdf = tmp_path / "card.pdf"
    assert printing.board_card(b, pdf) == 1
    s = text(pdf)
    assert f"CHECKERBOARD {b.name}" in s
    for _, cells in b.table():
        for label in cells:
            assert label in s, label
    assert "0 1 2 3 4 5 6 7 8 9" in " ".join(s.split())
    assert_inside(pdf)
    assert_fonts_embedded(pdf)


def test_board_card_legend_and_letter(tmp_path: Path) -> None:
    pdf = tmp_path / "card.pdf"
    printing.board_card(board("STANDARD-TABLE-1"), pdf, paper="letter")
    s = " ".join(text(pdf).split())
    assert page_sizes(pdf) == [LETTER]
    assert "FIG: figures follow, each digit written three times" in s
    assert "CODE: a three-digit codebook group follows" in s
    assert "REQ: question mark" in s
    assert_renders(pdf, tmp_path)


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_worksheet(paper: str, tmp_path: Path) -> None:
    pdf = tmp_path / "ws.pdf"
    n = printing.worksheet(pdf, paper=paper)  # type: ignore[arg-type]
    assert n == page_count(pdf) == 2  # reference sheet + 12 rows of work
    size = A4 if paper == "A4" else LETTER
    assert page_sizes(pdf) == [size] * n
    s = " ".join(text(pdf).split())
    assert "CHECKERBOARD CT-55" in s
    for p in range(10):  # every row of both tables, e.g. "3 3 2 1 0 9 8 7 6 5 4"
        sub = " ".join(str((p - k) % 10) for k in range(10))
        add = " ".join(str((p + k) % 10) for k in range(10))
        assert f"{p} {sub} {p} {add}" in s, p
    work = text(pdf, first=2, last=2)
    for label in ("plain", "key", "cipher"):  # one line of each per row, numbered 1..12
        assert len(re.findall(rf"^\s*(?:\d+\s+)?{label}\s*$", work, re.M)) == 12, label
    assert re.search(r"^\s*12\s+plain\s*$", work, re.M)
    assert "1. Write the message" in s and "the page ID, in clear" in s
    assert_inside(pdf)
    assert_fonts_embedded(pdf)
    assert_renders(pdf, tmp_path)


def test_worksheet_other_board_many_rows(tmp_path: Path) -> None:
    pdf = tmp_path / "ws.pdf"
    n = printing.worksheet(pdf, board=board("RU-1"), rows=40, paper="letter")
    assert n == page_count(pdf) > 3
    s = text(pdf)
    assert "CHECKERBOARD RU-1" in s and "continued" in s
    assert re.search(r"^\s*40\s+plain\s*$", s, re.M)
    assert_inside(pdf)
    with pytest.raises(BadInput):
        printing.worksheet(tmp_path / "x.pdf", rows=0)


# -- codebook --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandIn:
    lang: str
    entries: dict[str, int]
    keyed: bool = False


WORDS = (
    *("ABORT", "ALPHA", "AMBUSH", "ARRIVE", "BRIDGE", "BORDER", "CANCEL", "CONFIRM"),
    *("COURIER", "DANGER", "DELAY", "DROP", "EMBASSY", "ESCAPE", "FRONTIER", "HARBOUR"),
    *("LETTER", "MEETING", "MONEY", "NIGHT", "ORDERS", "PASSPORT", "RADIO", "RETURN"),
    *("SAFEHOUSE", "SIGNAL", "STATION", "TRAIN", "URGENT", "WAIT"),
)


def entries_in_order(found: list[Word], phrases: set[str], *, key_first: bool) -> list[str]:
    """Entries in reading order: page, then column, then line. A column is found from the
    left edges of the words that start its lines (phrases in part 1, codes in part 2)."""
    order: list[tuple[int, int, float, str]] = []
    for page in sorted({w.page for w in found}):
        on_page = [w for w in found if w.page == page]
        codes = [w for w in on_page if re.fullmatch(r"\d{3}", w.text)]
        names = [w for w in on_page if w.text in phrases]
        leaders = codes if key_first else names
        starts = column_starts([w.x0 for w in leaders])
        for w in leaders:
            column = max(i for i, s in enumerate(starts) if s <= w.x0 + 0.5)
            partner = min(
                (
                    o
                    for o in (names if key_first else codes)
                    if abs(o.y0 - w.y0) < 3 and o.x0 > w.x0
                ),
                key=lambda o: o.x0,
            )
            entry = f"{w.text}={partner.text}" if not key_first else f"{partner.text}={w.text}"
            order.append((page, column, w.y0, entry))
    return [e for *_, e in sorted(order)]


def test_codebook(tmp_path: Path) -> None:
    codes = [(i * 337 + 11) % 1000 for i in range(len(WORDS))]  # shuffled, distinct
    book = StandIn("en", dict(zip(WORDS, codes, strict=True)), keyed=True)
    pdf = tmp_path / "codebook.pdf"
    assert printing.codebook(book, pdf) == 2  # one sheet per part
    s = text(pdf)
    assert "language EN" in s and "keyed" in s and "not keyed" not in s
    part1, part2 = text(pdf, first=1, last=1), text(pdf, first=2, last=2)
    assert "FOR ENCODING" in part1 and "FOR DECODING" in part2
    found = assert_inside(pdf)
    phrases = set(WORDS)
    first = entries_in_order([w for w in found if w.page == 1], phrases, key_first=False)
    second = entries_in_order([w for w in found if w.page == 2], phrases, key_first=True)
    by_phrase = [f"{p}={c:03d}" for p, c in sorted(book.entries.items())]
    by_code = [f"{p}={c:03d}" for p, c in sorted(book.entries.items(), key=lambda e: e[1])]
    assert first == by_phrase
    assert second == by_code
    columns = column_starts([w.x0 for w in found if w.page == 1 and w.text in phrases])
    assert len(columns) == 3  # spread over three columns
    assert_fonts_embedded(pdf)
    assert pdf.stat().st_mode & 0o777 == 0o600


def test_codebook_long_phrases_and_letter(tmp_path: Path) -> None:
    long = "THE EAGLE HAS LANDED ON THE ROOF OF THE EMBASSY AT MIDNIGHT " * 3
    entries = {long.strip(): 5, "SHORT": 999, "ÉTÉ": 0}
    pdf = tmp_path / "cb.pdf"
    printing.codebook(StandIn("fr", entries), pdf, paper="letter")
    s = text(pdf)
    assert "not keyed" in s and "language FR" in s and "ÉTÉ" in s
    assert page_sizes(pdf) == [LETTER] * page_count(pdf)
    assert_inside(pdf)
    assert printing.codebook(StandIn("en", {}), tmp_path / "empty.pdf") == 2
    with pytest.raises(BadInput):
        printing.codebook(StandIn("en", {"X": 1000}), tmp_path / "bad.pdf")


# -- paper, layout ---------------------------------------------------------------------------


def test_unknown_paper_is_bad_input(pair: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    with PadBook.open(pair[0]) as book, pytest.raises(BadInput, match="paper"):
        printing.pads(book, out, paper="A5")  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="paper"):
        printing.blank_pads(out, paper="legal")  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="paper"):
        printing.board_card(board("CT-37"), out, paper="B5")  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="paper"):
        printing.worksheet(out, paper="")  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="paper"):
        printing.codebook(StandIn("en", {}), out, paper="tabloid")  # type: ignore[arg-type]
    assert not out.exists()
    assert layout.paper_name("a4") == "A4" and layout.paper_name("Letter") == "letter"


def test_row_labels() -> None:
    labels = [layout.row_label(i) for i in range(200)]
    assert labels[:3] == ["A", "B", "C"] and labels[25:28] == ["Z", "AA", "AB"]
    assert labels[51:53] == ["AZ", "BA"] and labels[-1] == "GR"
    assert len(set(labels)) == 200


def test_nothing_is_drawn_outside_the_margins() -> None:
    sheet = layout.Sheet("A4", title="t")
    sheet.new_page()
    with pytest.raises(layout.LayoutError):
        sheet.put(sheet.right - 5, sheet.top, 10, 5, "x")
    with pytest.raises(layout.LayoutError):
        sheet.put(sheet.left, sheet.top, 5, 5, "far too wide for five millimetres")
    with pytest.raises(layout.LayoutError):
        sheet.frame(sheet.left, sheet.bottom - 1, 10, 2)
    sheet.close_fonts()


@functools.cache
def plan_sheet(paper: layout.Paper) -> layout.Sheet:
    sheet = layout.Sheet(paper, title="plan")
    sheet.close_fonts()  # only its geometry is used
    return sheet


@given(groups=st.integers(1, 1000), paper=st.sampled_from(["A4", "letter"]))
def test_every_page_size_has_a_plan_that_fits(groups: int, paper: layout.Paper) -> None:
    sheet = plan_sheet(paper)
    plan = _digit_plan(sheet, groups)
    rows = -(-groups // 5)
    assert plan.per_sheet * plan.sheets >= rows > plan.per_sheet * (plan.sheets - 1)
    assert plan.scale >= 10
    assert plan.per_sheet * plan.pitch <= _grid_area(sheet) + 0.01
    if groups <= 50:
        assert plan.scale >= 14 and plan.sheets == 1


def test_printing_a_send_book_issues_its_pages(tmp_path: Path) -> None:
    """Paper pads are issued, not copied: the book never enciphers on a printed page."""
    send, receive = PadBook.create_pair(tmp_path / "net", pages=4, groups=50)
    with PadBook.open(send) as book:
        assert printing.pads(book, tmp_path / "p.pdf", pages=[1, 2], title_card=False) == 2
        states = [p.state for p in book.pages()]
        assert states == [PageState.ISSUED, PageState.ISSUED, PageState.UNUSED, PageState.UNUSED]
        assert book.status().next_page.number == 3  # type: ignore[union-attr]
        with pytest.raises(BadInput, match="burned, issued or spoiled"):
            printing.pads(book, tmp_path / "again.pdf", pages=[1, 2], title_card=False)
    with PadBook.open(receive) as book:  # the receiving twin is not changed by a print
        printing.pads(book, tmp_path / "r.pdf", title_card=False)
        assert {p.state for p in book.pages()} == {PageState.UNUSED}


def test_a_print_that_cannot_be_written_spoils_and_names_its_pages(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=3, groups=50)
    with PadBook.open(send) as book:
        ids = [p.page_id for p in book.pages()]
        with pytest.raises(PageSpoiled) as caught:
            printing.pads(book, tmp_path / "gone" / "p.pdf", pages=[2, 3])
        assert caught.value.page_ids == (ids[1], ids[2])
        assert f"pages 2-3 of book net (IDs {ids[1]}, {ids[2]})" in str(caught.value)
        states = [p.state for p in book.pages()]
    assert states == [PageState.UNUSED, PageState.SPOILED, PageState.SPOILED]
