"""The blank VIC worksheet, read back with the real poppler tools (see test_printing.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cinq import printing
from cinq.errors import BadInput
from cinq.printing import layout
from cinq.printing.vicsheet import INSERTION
from tests.test_printing import (
    A4,
    LETTER,
    MM,
    Word,
    assert_fonts_embedded,
    assert_inside,
    assert_renders,
    flat,
    page_count,
    page_sizes,
    text,
)

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")),
    reason="poppler-utils not installed",
)

LEFT = layout.MARGIN * MM  # points


def reading(found: list[Word]) -> str:
    """Words in reading order, lines grouped by their bottom edge."""
    return " ".join(w.text for w in sorted(found, key=lambda w: (round(w.y1), w.x0)))


def centre(w: Word) -> tuple[float, float]:
    return (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2


def board_words(page: list[Word]) -> tuple[list[Word], list[Word]]:
    """The checkerboard's cells and its numbered instructions: the board is on the left,
    the instructions start with "1." on its right; the footer is the page's last line."""
    heading = next(w for w in page if w.text == "CHECKERBOARD")
    first = next(w for w in page if w.text == "1." and w.y0 > heading.y1)
    footer = max(w.y0 for w in page)
    below = [w for w in page if heading.y1 < w.y0 < footer - 1]
    return [w for w in below if w.x1 < first.x0], [w for w in below if w.x0 >= first.x0]


def cells(board: list[Word]) -> dict[str, tuple[int, int]]:
    """Each board word's (row, column): row 0 the top row, column 0 its first letter. The
    grid's pitch comes from the corner "S" (alone in the header row, one row up) and the
    top row's first two letters (adjoining columns)."""
    corner = min(board, key=lambda w: w.y0)
    assert corner.text == "S"
    rest = [w for w in board if w is not corner]
    row_y = min(centre(w)[1] for w in rest)
    top = sorted((w for w in rest if abs(centre(w)[1] - row_y) < 2), key=lambda w: w.x0)
    x0, pitch_x = centre(top[0])[0], centre(top[1])[0] - centre(top[0])[0]
    pitch_y = row_y - centre(corner)[1]
    out: dict[str, tuple[int, int]] = {}
    for w in rest:
        cx, cy = centre(w)
        assert w.text not in out, w.text
        out[w.text] = (round((cy - row_y) / pitch_y), round((cx - x0) / pitch_x))
    return out


@pytest.mark.parametrize("paper", ["A4", "letter"])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_vic_worksheet(lang: str, paper: str, tmp_path: Path) -> None:
    pdf = tmp_path / "vic.pdf"
    n = printing.vic_worksheet(pdf, paper=paper, lang=lang)  # type: ignore[arg-type]
    assert n == page_count(pdf) == 3
    assert page_sizes(pdf) == [A4 if paper == "A4" else LETTER] * 3
    assert_fonts_embedded(pdf)
    found = assert_inside(pdf, margin_mm=layout.MARGIN - 1)
    assert_renders(pdf, tmp_path)
    page1, page2, page3 = (flat(text(pdf, first=p, last=p)) for p in (1, 2, 3))
    assert "VIC CIPHER WORKSHEET" in page1 and "KEY DERIVATION" in page1
    for note in ("A − B without borrowing", "E1 + F1 without carrying", "H sequenced"):
        assert note in page1, note
    assert "P sequenced (0 counts as 10): the checkerboard's column numbers" in page1
    assert "FIRST TRANSPOSITION (key Q)" in page2
    assert "SECOND TRANSPOSITION (key R)" in page3
    assert "use as many columns as the key has digits (normally 10 to 20)" in page2
    assert INSERTION in page3
    assert "keygroup goes in as the N-th group from the end, N = the date's last digit" in page3
    for page in (2, 3):  # 20 numbered columns; key and rank rows; as many rows as fit
        on_page = [w for w in found if w.page == page]
        assert " ".join(map(str, range(1, 21))) in flat(text(pdf, first=page, last=page))
        assert {"key", "rank"} <= {w.text for w in on_page}
        numbers = [int(w.text) for w in on_page if w.x1 < LEFT + 11 * MM and w.text.isdigit()]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 20

    # Lines A to S, in order, at the left margin of page 1.
    first = [w for w in found if w.page == 1]
    labels = [w.text for w in sorted(first, key=lambda w: w.y0) if w.x0 < LEFT + 2 * MM]
    assert "".join(t for t in labels if len(t) == 1) == "ABCDEFGHJKLMNPQRS"

    board, steps = board_words(first)
    where = cells(board)
    steps_text = reading(steps)
    if lang == "en":
        letters = "ATONESIR"
        assert [where[c] for c in letters] == [(0, c) for c in (0, 1, 3, 4, 5, 7, 8, 9)]
        assert len(where) == len(letters)  # nothing else is printed on the English board
        assert "Top row: AT ONE SIR" in steps_text
        assert "remaining letters in alphabetical order along the rows, then . and /" in steps_text
        assert "(figures: / then each digit three times, then /)" in steps_text
    else:
        assert [where[c] for c in "СНЕГОПА"] == [(0, c) for c in range(7)]
        reserved = {".": (1, 2), ",": (2, 2), "П/Л": (3, 2), "№": (1, 4), "Н/Ц": (2, 4)}
        reserved |= {"Н/Т": (3, 4), "ПВТ": (3, 9)}
        assert {t: where[t] for t in reserved} == reserved
        assert len(where) == 7 + len(reserved)
        assert "the first 7 letters of СНЕГОПАД" in steps_text
        assert "The other 23 letters (no Ё Й Ъ) down the columns, skipping columns 3 and 5" in (
            steps_text
        )
        assert "column 3: . , П/Л; column 5: № Н/Ц Н/Т; last cell ПВТ" in steps_text
        assert "Figures: Н/Ц, each digit three times, Н/Ц." in steps_text
    assert ("AT ONE SIR" in page1) == (lang == "en")


def test_vic_worksheet_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    with pytest.raises(BadInput, match="language"):
        printing.vic_worksheet(out, lang="de")
    with pytest.raises(BadInput, match="paper"):
        printing.vic_worksheet(out, paper="A5")  # type: ignore[arg-type]
    assert not out.exists()
    assert printing.vic_worksheet(out, paper="letter", lang=" RU ") == 3
    assert "СНЕГОПА" in text(out, first=1, last=1)
    assert re.search(r"^\s*Q\s", text(out, first=1, last=1), re.M)
