"""Paper pads are issued, not copied (issue #11, problem 3), and imports are linear
(problem 12).

``pad export`` marks the unused pages of a send book issued (the book never enciphers
on them again), writes every page asked for (used ones marked USED, burned ones marked
BURNED without digits) and says what it wrote; ``pad import`` takes its role from the
export's header and refuses a second send book over pages a send book holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cinq import padtext
from cinq.book import PadBook, PageSpec, PageState, Role
from cinq.errors import BadInput, KeyManagementError
from tests.clirun import cinq as run_cli


def run(*args: str | Path, input: str | None = None) -> tuple[int, str, str]:
    """``cinq ARGS`` in process, through the console script's ``run()``."""
    r = run_cli(*args, input=input)
    return r.returncode, r.stdout, r.stderr


def encrypt(book: Path, text: str) -> str:
    code, doc, err = run("encrypt", "--book", book, input=text)
    assert code == 0, err
    return doc


def states(book: Path) -> list[str]:
    code, out, err = run("pad", "status", book, "--json", "--pages")
    assert code == 0, err
    return [p["state"] for p in json.loads(out)["page_list"]]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path / "station", pages=12, groups=20)


def test_the_issue_scenario_an_imported_book_cannot_reuse_used_pages(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    send, receive = pair
    docs = [encrypt(send, f"MESSAGE {n}\n") for n in range(3)]  # pages 1-3 used
    with PadBook.open(send) as b:
        ids = [p.page_id for p in b.pages()]
        b.burn(ids[4])  # page 5 burned
    exported = tmp_path / "pad.txt"
    code, _, err = run("pad", "export", send, "--pages", "1-10", "-o", exported)
    assert code == 0, err
    # says what it wrote and what it left out
    assert "wrote 9 page(s)" in err and "marked USED: nos. 1-3" in err
    assert "nos. 4, 6-10" in err and "burned (no digits): nos. 5" in err
    text = exported.read_text()
    assert [line.split()[1] for line in text.splitlines() if line.startswith("PAGE ")] == ids[:10]
    assert text.count("\nUSED ") == 3 and "\nBURNED\n" in text
    # the original book now holds pages 4 and 6-10 as issued: it will not use them
    assert states(send) == ["used"] * 3 + ["issued", "burned"] + ["issued"] * 5 + ["unused"] * 2
    assert encrypt(send, "ORIGINAL\n").split()[0] == ids[10]
    # the imported book (a send book, from the header) starts at page 4, not page 1
    code, out, err = run("pad", "import", tmp_path / "paper", exported)
    assert code == 0, err
    assert out.split() == [str(tmp_path / "paper.send.pad")]
    imported = tmp_path / "paper.send.pad"
    assert states(imported) == ["used"] * 3 + ["unused", "burned"] + ["unused"] * 5
    used_by_original = {d.split()[0] for d in docs} | {ids[10]}
    new = [encrypt(imported, f"PAPER {n}\n").split()[0] for n in range(6)]
    assert new == [ids[3], *ids[5:10]]
    assert used_by_original.isdisjoint(new)
    code, _, err = run("encrypt", "--book", imported, input="ONE TOO MANY\n")
    assert code == 3 and "nothing was taken" in err
    # the receiver's book reads both the original's and the paper's messages
    with PadBook.open(receive) as r:
        ids_read = {p.page_id for p in r.pages()}
    assert set(new) <= ids_read


def test_a_receive_export_changes_nothing_and_refuses_a_send_book(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    _, receive = pair
    exported = tmp_path / "receive.txt"
    before = states(receive)
    code, _, err = run("pad", "export", receive, "-o", exported)
    assert code == 0, err
    assert states(receive) == before
    code, out, err = run("pad", "import", tmp_path / "copy", exported)
    assert code == 0, err
    assert out.split() == [str(tmp_path / "copy.receive.pad")]  # the role of the header
    for role in ("send", "both"):
        code, _, err = run("pad", "import", tmp_path / role, exported, "--role", role)
        assert code == 3 and "--i-know-this-reuses-pages" in err
        assert not (tmp_path / f"{role}.send.pad").exists()
    code, _, err = run(
        "pad", "import", tmp_path / "told", exported, "--role", "send",
        "--i-know-this-reuses-pages",
    )  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "told.send.pad").exists()


def test_a_send_export_without_the_issued_mark_is_refused_as_a_send_book(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    send, _ = pair
    code, text, err = run("pad", "export", send, "--pages", "1-2")
    assert code == 0, err
    assert "# Issued to paper" in text
    old_style = tmp_path / "old.txt"  # what an older cinq wrote: no issued line
    old_style.write_text("\n".join(li for li in text.splitlines() if "Issued" not in li))
    code, _, err = run("pad", "import", tmp_path / "old", old_style)
    assert code == 3 and "did not mark them issued" in err
    code, _, err = run("pad", "import", tmp_path / "old", old_style, "--role", "receive")
    assert code == 0, err


def test_dice_pages_without_a_header_make_both_books(tmp_path: Path) -> None:
    dice = tmp_path / "dice.txt"
    dice.write_text("PAGE 12345\n11111 22222\n\nPAGE 54321\n33333 44444\n")
    code, out, err = run("pad", "import", tmp_path / "dice", dice)
    assert code == 0, err
    assert out.split() == [str(tmp_path / "dice.send.pad"), str(tmp_path / "dice.receive.pad")]


def test_marks_are_read_back_and_checked() -> None:
    text = (
        '# cinq pad book "s" serial 12345, SEND, 1 groups a page\n'
        "# Issued to paper: the book will not encipher on these pages again.\n"
        "PAGE 11111\nUSED 2026-01-02\n01234\n"
        "PAGE 22222\nburned\n"
        "PAGE 33333\nISSUED\n"
        "PAGE 44444\nSPOILED\n"
        "PAGE 55555\n56789\n"
    )
    pad = padtext.read(text)
    assert pad.header == padtext.Header("s", "12345", "send", 1, issued=True)
    assert [(p.page_id, p.state) for p in pad.pages] == [
        ("11111", PageState.USED),
        ("22222", PageState.BURNED),
        ("33333", PageState.ISSUED),
        ("44444", PageState.SPOILED),
        ("55555", PageState.UNUSED),
    ]
    assert [None if p.digits is None else p.digits.tolist() for p in pad.pages][::4] == [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
    ]
    with pytest.raises(BadInput, match="marked BURNED: it has no groups") as e:
        padtext.read("PAGE 11111\nBURNED\n12345\n", source="p.txt")
    assert e.value.location is not None and e.value.location.line == 3
    with pytest.raises(BadInput, match="right after its page's PAGE line"):
        padtext.read("PAGE 11111\n12345\nUSED\n")


def test_import_roles_rules() -> None:
    send = padtext.Header("s", "12345", "send", 1, issued=True)
    old = padtext.Header("s", "12345", "send", 1, issued=False)
    recv = padtext.Header("s", "12345", "receive", 1)
    assert padtext.import_roles(None, None) == (Role.SEND, Role.RECEIVE)
    assert padtext.import_roles(send, None) == (Role.SEND,)
    assert padtext.import_roles(recv, None) == (Role.RECEIVE,)
    assert padtext.import_roles(send, (Role.SEND, Role.RECEIVE)) == (Role.SEND, Role.RECEIVE)
    for header in (old, recv):
        with pytest.raises(KeyManagementError, match="reuse"):
            padtext.import_roles(header, (Role.SEND,))
        assert padtext.import_roles(header, (Role.SEND,), reuse=True) == (Role.SEND,)


def test_create_from_pages_keeps_marked_states(tmp_path: Path) -> None:
    digits = np.arange(5, dtype=np.uint8)
    pages: list[tuple[str, np.ndarray] | PageSpec] = [
        PageSpec("00001", digits, PageState.USED),
        PageSpec("00002", None, PageState.BURNED),
        ("00003", digits),
    ]
    (path,) = PadBook.create_from_pages(tmp_path / "m", pages, roles=(Role.SEND,))
    with PadBook.open(path) as b:
        assert [p.state for p in b.pages()] == [
            PageState.USED,
            PageState.BURNED,
            PageState.UNUSED,
        ]
        assert b.take_for_sending(1).numbers == (3,)
    with pytest.raises(BadInput, match="is burned but has digits"):
        PadBook.create_from_pages(
            tmp_path / "x", [PageSpec("00001", digits, PageState.BURNED)], roles=(Role.SEND,)
        )


# -- linear imports (problem 12) ---------------------------------------------------------


def test_one_hundred_thousand_pages_import_and_give_pages(tmp_path: Path) -> None:
    # How fast is for `make bench` (page taking at 100,000 pages), not for a test.
    n = 100_000
    rng = np.random.default_rng(11)
    ids = [f"{i:05d}" for i in rng.permutation(n)]
    groups = rng.integers(0, 100_000, n)
    text = "".join(f"PAGE {pid}\n{g:05d}\n" for pid, g in zip(ids, groups, strict=True))
    path = tmp_path / "big.txt"
    path.write_text(text)
    code, _, err = run("pad", "import", tmp_path / "big", path)
    assert code == 0, err
    with PadBook.open(tmp_path / "big.send.pad") as b:
        assert b.status().pages == n
        taken = [b.take_for_sending(1) for _ in range(50)]
        three = b.take_for_sending(11)  # a run of three pages of one group
        assert [k.numbers[0] for k in taken] == list(range(1, 51))
        assert list(three.numbers) == [51, 52, 53]
        assert b.status().used == 53
