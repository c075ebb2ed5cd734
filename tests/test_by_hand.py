"""The paper procedure, end to end: print a pad pair, a board card, a codebook and a
worksheet; do the encryption with nothing but what the PDFs say (read back with
pdftotext); the groups then decrypt with `cinq decrypt`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cinq.book import PadBook
from tests.clirun import cinq


def paper(pdf: Path, page: int | None = None) -> str:
    span = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *span, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def read_pad_page(text: str) -> tuple[str, list[str]]:
    page_id = re.search(r"^\s*(\d{5})\s*$", text, re.M)
    assert page_id, text
    rows = re.findall(
        r"^\s*([A-J])\s+(\d{5})\s+(\d{5})\s+(\d{5})\s+(\d{5})\s+(\d{5})\s*$", text, re.M
    )
    assert [r[0] for r in rows] == list("ABCDEFGHIJ")
    return page_id.group(1), [g for r in rows for g in r[1:]]


def read_board(text: str) -> dict[str, str]:
    """Symbol -> digits, from the card as printed (rows with blanks at their ends)."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.split() == [str(d) for d in range(10)])
    codes: dict[str, str] = {}
    top = next(line for line in lines[head + 1 :] if line.strip())
    for col, sym in enumerate(top.split()):
        codes.setdefault(sym, str(col))
    for line in lines[head + 1 :]:
        parts = line.split()
        if parts and parts[0] in "789" and len(parts[0]) == 1:
            for col, sym in enumerate(parts[1:]):
                codes.setdefault(sym, parts[0] + str(col))
    return codes


def read_code(text: str, phrase: str) -> str:
    m = re.search(rf"(?:^|\s){re.escape(phrase)}\s+(\d{{3}})(?:\s|$)", text, re.M)
    assert m, f"{phrase} not in the printed codebook"
    return m.group(1)


def read_subtraction_table(text: str) -> dict[tuple[int, int], int]:
    table: dict[tuple[int, int], int] = {}
    for line in text.splitlines():
        nums = line.split()
        if len(nums) >= 11 and all(n.isdigit() and len(n) == 1 for n in nums[:11]):
            row = int(nums[0])
            if (row, 0) not in table:  # the subtraction table comes first on each line
                for key, value in enumerate(nums[1:11]):
                    table[row, key] = int(value)
    assert len(table) == 100
    return table


def test_full_procedure_by_hand_from_paper(tmp_path: Path) -> None:
    PadBook.create_pair(tmp_path / "st", pages=3, groups=50)
    for args in (
        ("print", "pads", tmp_path / "st.send.pad", "-o", tmp_path / "pads.pdf", "--no-title"),
        ("print", "board", "CT-55", "-o", tmp_path / "board.pdf"),
        ("codebook", "new", "--lang", "en", "--key", "north", "-o", tmp_path / "cb.json"),
        ("print", "codebook", tmp_path / "cb.json", "-o", tmp_path / "cb.pdf"),
        ("print", "worksheet", "-o", tmp_path / "ws.pdf"),
    ):
        r = cinq(*args)
        assert r.returncode == 0, r.stderr

    page_id, pad_groups = read_pad_page(paper(tmp_path / "pads.pdf", 1))
    card = paper(tmp_path / "board.pdf")
    board = read_board(card)
    fill = re.search(r"Fill the last group with (\d+)", card)
    assert fill and board["A"] == "0" and board["B"] == "70" and board["SPC"] == "90"
    code = read_code(paper(tmp_path / "cb.pdf"), "MEETING")
    minus = read_subtraction_table(paper(tmp_path / "ws.pdf", 1))

    # 1-3: the message, through the codebook and the board, filled to whole groups.
    plain = board["CODE"] + code
    for ch in " AT NOON":
        plain += board["SPC" if ch == " " else ch]
    plain += (fill.group(1) * 2)[: -len(plain) % 5]
    # 4-5: the pad digits under them, subtracted with the printed table.
    key = "".join(pad_groups)
    cipher = "".join(str(minus[int(p), int(k)]) for p, k in zip(plain, key, strict=False))
    # hand check groups: the four key groups after the ones used for the text.
    n = len(cipher)
    r1, s1, r2, s2 = (int(key[n + 5 * i : n + 5 * i + 5]) for i in range(4))
    blocks = [n, int(page_id), *(int(cipher[i : i + 5]) for i in range(0, n, 5))]
    checks = []
    for r, s in ((r1, s1), (r2, s2)):
        h = 0
        for b in blocks:
            h = (h + b) * r % 100003
        checks.append(f"{(h + s) % 100000:05d}")
    groups = [page_id, *(cipher[i : i + 5] for i in range(0, n, 5)), *checks]
    document = "Weather: sunny.\n\n" + "\n".join(groups) + "\n\nBy HAND\n"

    r = cinq("decrypt", "--book", tmp_path / "st.receive.pad", "--check", "hand",
             "--codebook", tmp_path / "cb.json", input=document)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout == "MEETING AT NOON\n"
