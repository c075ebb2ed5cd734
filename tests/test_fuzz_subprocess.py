"""The fuzz test's named cases: damaged books, documents and recordings, and work that
must stop. Each must end with exit 0, 2, 3 or 4, no traceback on stderr, and a refusal
must leave the pad books as they were.

A real process, under a time and memory limit, runs what could run away (a huge input,
a huge size asked for) and what only the interpreter's exit shows (a full disk on
stdout); the other cases run in process through ``cinq.cli.run``, the console script's
own error path.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.clirun import cinq as in_process
from tests.fuzzing import (
    ALLOWED,
    TRACEBACK,
    Workspace,
    books,
    copy_workspace,
    foreign_sqlite,
    mutate,
    wrong_groups,
)

SRC = Path(__file__).resolve().parents[1] / "src"
# Work that must be refused before it is done: a second is plenty, this is generous.
TIME_LIMIT = 60
MEMORY_LIMIT = 2 * 1024**3


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def cinq(
    ws: Workspace, *args: str, stdin: bytes = b"", stdout: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120"}
    env.pop("CINQ_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "cinq", *args],
        input=stdin,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ws.root,
        env=env,
        timeout=TIME_LIMIT,
        preexec_fn=_limits,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, fuzz_template: Workspace) -> Workspace:
    ws = copy_workspace(fuzz_template, tmp_path_factory.mktemp("fuzz-subprocess"))
    rng = random.Random("subprocess")
    real = ws.read("s.send.pad")
    (ws.root / "trunc.send.pad").write_bytes(real[: len(real) // 3])
    (ws.root / "flipped.send.pad").write_bytes(mutate(rng, real))
    (ws.root / "noise.send.pad").write_bytes(real[:100] + rng.randbytes(len(real) - 100))
    foreign_sqlite(ws.root / "foreign.pad", rng)
    (ws.root / "garbage.wav").write_bytes(rng.randbytes(4000))
    (ws.root / "short.wav").write_bytes(ws.read("real.wav")[:30])
    (ws.root / "binary.bin").write_bytes(rng.randbytes(5000))
    (ws.root / "wrong.txt").write_text(wrong_groups(rng), encoding="utf-8")
    huge = b"Subject: weather\n" + b"x" * (20 * 1024**2) + b"\n\n" + ws.read("doc.txt")
    (ws.root / "huge-header.txt").write_bytes(huge)
    return ws


@pytest.fixture
def ws(template: Workspace, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


Setup = Callable[[Workspace], tuple[tuple[str, ...], bytes]]

# Run in process: nothing here can take more than a moment or much memory.
CASES: dict[str, Setup] = {
    "malformed document": lambda ws: (
        ("decrypt", "--book", "s.receive.pad", "wrong.txt"),
        b"",
    ),
    "malformed document on stdin": lambda ws: (
        ("decrypt", "--book", "s.receive.pad", "--check", "hand"),
        mutate(random.Random("doc"), ws.read("doc.txt")),
    ),
    "binary garbage on stdin (parse)": lambda ws: (("parse",), ws.read("binary.bin")),
    "binary garbage on stdin (encrypt)": lambda ws: (
        ("encrypt", "--book", "s.send.pad"),
        ws.read("binary.bin"),
    ),
    "binary garbage as a file (triage)": lambda ws: (("triage", "binary.bin"), b""),
    "truncated pad file": lambda ws: (("encrypt", "--book", "trunc.send.pad"), b"HI\n"),
    "byte-flipped pad file": lambda ws: (("encrypt", "--book", "flipped.send.pad"), b"HI\n"),
    "pad file with noise after its header": lambda ws: (("pad", "status", "noise.send.pad"), b""),
    "foreign SQLite file as a book": lambda ws: (
        ("decrypt", "--book", "foreign.pad", "doc.txt"),
        b"",
    ),
    "foreign SQLite file as an intercept log": lambda ws: (
        ("intercepts", "list", "foreign.db"),
        b"",
    ),
    "directory as a book": lambda ws: (("pad", "status", "dir"), b""),
    "directory as -o": lambda ws: (("encrypt", "--book", "s.send.pad", "-o", "dir"), b"HI\n"),
    "-o into a missing folder": lambda ws: (
        ("encrypt", "--book", "s.send.pad", "-o", "missing/doc.txt"),
        b"HI\n",
    ),
    "--report into a missing folder": lambda ws: (
        ("triage", "doc.txt", "--report", "missing/report"),
        b"",
    ),
    "non-WAV audio": lambda ws: (("receive", "garbage.wav", "-s", "E11"), b""),
    "truncated WAV": lambda ws: (("voice", "learn", "short.wav", "-o", "v.npz"), b""),
}  # fmt: skip

# Run in a real process under TIME_LIMIT and MEMORY_LIMIT: work that must be refused
# before it is done, which in process could take the test run down with it.
LIMITED: dict[str, Setup] = {
    "huge header": lambda ws: (("parse", "huge-header.txt", "--json"), b""),
    "pad decoy --pages 100001": lambda ws: (
        ("pad", "decoy", "--document", "doc.txt", "--says", "plain.txt", "--out", "d",
         "--check", "hand", "--pages", "100001"),
        b"",
    ),
    "pad decoy --groups 2000000": lambda ws: (
        ("pad", "decoy", "--document", "doc.txt", "--says", "plain.txt", "--out", "d",
         "--check", "hand", "--groups", "2000000"),
        b"",
    ),
    "pad export --pages 1-99999999999": lambda ws: (
        ("pad", "export", "s.receive.pad", "--pages", "1-99999999999"),
        b"",
    ),
    "encrypt a huge plaintext with --fold": lambda ws: (
        ("encrypt", "--book", "s.send.pad", "--fold"),
        b"\xc3\xa9" * (30 * 1024**2),
    ),
}  # fmt: skip


def check(returncode: int, stderr: str, before: dict[str, str], ws: Workspace) -> None:
    assert returncode in ALLOWED, (returncode, stderr[-2000:])
    assert TRACEBACK not in stderr
    if returncode != 0:
        assert books(ws.root) == before, "a refused case changed a pad book"
        assert stderr.strip(), "a refusal must say why"


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name: str, ws: Workspace) -> None:
    args, stdin = CASES[name](ws)
    before = books(ws.root)
    r = in_process(*args, input=stdin, cwd=ws.root)
    check(r.returncode, r.stderr, before, ws)


@pytest.mark.parametrize("name", list(LIMITED))
def test_work_that_must_stop_in_a_limited_real_process(name: str, ws: Workspace) -> None:
    args, stdin = LIMITED[name](ws)
    before = books(ws.root)
    r = cinq(ws, *args, stdin=stdin)
    check(r.returncode, r.stderr.decode("utf-8", "replace"), before, ws)


def test_full_disk_on_stdout_spends_no_page_silently_in_a_real_process(ws: Workspace) -> None:
    """``cinq encrypt > /dev/full``: refused with a clear line, and the page taken is
    either given back or marked spoiled and named, never silently used."""
    before = books(ws.root)
    with open("/dev/full", "wb") as full:
        r = cinq(ws, "encrypt", "--book", "s.send.pad", stdin=b"HI\n", stdout=full.fileno())
    stderr = r.stderr.decode("utf-8", "replace")
    assert r.returncode in {2, 3}, (r.returncode, stderr)
    assert TRACEBACK not in stderr
    if books(ws.root) != before:
        assert r.returncode == 3 and "spoil" in stderr.lower(), stderr


@pytest.mark.parametrize(
    "args", [("parse", "doc.txt"), ("pad", "status", "s.send.pad"), ("board", "list")]
)
def test_full_disk_on_stdout_is_exit_2_in_a_real_process(
    args: tuple[str, ...], ws: Workspace
) -> None:
    with open("/dev/full", "wb") as full:
        r = cinq(ws, *args, stdout=full.fileno())
    stderr = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 2, (r.returncode, stderr)
    assert TRACEBACK not in stderr and "Exception ignored" not in stderr
