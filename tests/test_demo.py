"""`cinq demo` never destroys a file it did not make (issue 11, problem 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cinq.book import PadBook
from cinq.cli.demo import MARKER, prepare_folder
from cinq.errors import CannotWrite
from tests.clirun import cinq


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def users_folder(folder: Path) -> Path:
    """A folder as a user has it after the README's tour: their pad pair and a message."""
    folder.mkdir()
    PadBook.create_pair(folder / "station", pages=5, groups=10)
    (folder / "message.txt").write_text("the user's own message\n")
    (folder / "received.txt").write_text("the user's own reading\n")
    return folder


@pytest.mark.parametrize("as_dot", [False, True], ids=["named", "dot"])
def test_demo_leaves_the_users_books_byte_identical(tmp_path: Path, as_dot: bool) -> None:
    folder = users_folder(tmp_path / "work")
    before = snapshot(folder)
    r = cinq("demo", "--out", "." if as_dot else folder, cwd=folder if as_dot else tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "not empty" in r.stderr and "station.send.pad" in r.stderr
    assert ("folder ." if as_dot else str(folder)) in r.stderr
    assert snapshot(folder) == before  # nothing deleted, nothing added (no marker either)


def test_demo_runs_again_in_its_own_folder_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "demo-out"  # made, parents and all
    assert cinq("demo", "--out", out).returncode == 0
    assert (out / MARKER).is_file()
    first = (out / "station.send.pad").read_bytes()
    (out / "notes.txt").write_text("mine")
    r = cinq("demo", "--out", out)
    assert r.returncode == 0, r.stderr
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "station.send.pad").read_bytes() != first  # a fresh pair, new digits


def test_demo_refuses_a_demo_file_replaced_by_the_users(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    prepare_folder(out)
    PadBook.create_pair(out / "station", pages=3, groups=10)  # the user's, not recorded
    before = snapshot(out)
    with pytest.raises(CannotWrite, match=r"station\.receive\.pad, station\.send\.pad in"):
        prepare_folder(out)
    assert snapshot(out) == before


def test_demo_refuses_a_demo_file_changed_since_it_made_it(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    folder = prepare_folder(out)
    (out / "message.txt").write_text("demo's")
    folder.record()
    prepare_folder(out)  # unchanged: replaced
    assert not (out / "message.txt").exists()
    (out / "message.txt").write_text("demo's")
    folder.record()
    (out / "message.txt").write_text("edited by the user")
    with pytest.raises(CannotWrite, match="changed since"):
        prepare_folder(out)
    assert (out / "message.txt").read_text() == "edited by the user"


def test_a_forged_marker_vouches_for_nothing(tmp_path: Path) -> None:
    out = users_folder(tmp_path / "work")
    (out / MARKER).write_text("not json")
    before = snapshot(out)
    with pytest.raises(CannotWrite):
        prepare_folder(out)
    assert snapshot(out) == before


def test_demo_out_a_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "f.txt"
    f.write_text("x")
    with pytest.raises(CannotWrite, match="not a folder"):
        prepare_folder(f)
    assert f.read_text() == "x"
