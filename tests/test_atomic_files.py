"""cinq.files: the one way cinq writes a file (a temp file beside it, then a rename or
a hard link)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import files, tempfiles
from cinq.errors import CannotWrite


def test_write_new_never_replaces_a_file_and_leaves_no_temp(tmp_path: Path) -> None:
    final = tmp_path / "book.pad"
    assert files.write_new(final, b"first", times=(1_000_000_000, 2_000_000_000)) == final
    st_ = final.stat()  # before a read moves the access time
    assert final.read_bytes() == b"first"
    assert stat.S_IMODE(st_.st_mode) == 0o600
    assert (st_.st_atime_ns, st_.st_mtime_ns) == (1_000_000_000, 2_000_000_000)
    with pytest.raises(FileExistsError):
        files.write_new(final, b"second")
    assert final.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["book.pad"]


def test_atomic_write_replaces_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    files.atomic_write(target, "new text", mode=0o640)
    assert target.read_text() == "new text"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["out.txt"]
    with pytest.raises(CannotWrite, match="the folder does not exist"):
        files.atomic_write(tmp_path / "no" / "x.txt", "x")


def test_temp_beside_is_removed_however_the_block_ends(tmp_path: Path) -> None:
    final = tmp_path / "x.pad"
    with pytest.raises(RuntimeError), files.temp_beside(final) as temp:
        temp.write(b"12345")
        assert temp.path.parent == tmp_path and tempfiles.MARK in temp.path.name
        assert stat.S_IMODE(temp.path.stat().st_mode) == 0o600
        raise RuntimeError("killed halfway")
    assert os.listdir(tmp_path) == []
    with files.temp_beside(final, mode=0o644) as temp:
        temp.write(b"data")
        files.put_in_place(temp, final, replace=False)
    assert final.read_bytes() == b"data" and os.listdir(tmp_path) == ["x.pad"]
    assert stat.S_IMODE(final.stat().st_mode) == 0o644


@given(st.binary(max_size=200_000))
def test_temp_file_write_writes_everything(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        final = Path(tmp) / "f"
        with files.temp_beside(final) as temp:
            temp.write(data)
            files.put_in_place(temp, final, replace=True)
        assert final.read_bytes() == data
