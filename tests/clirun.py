"""``cinq ARGS`` run in this process, through :func:`cinq.cli.run`: the function the
console script calls, so the same error path (messages, exit codes 0/2/3/4/70/130) at a
fraction of the cost of a new interpreter.

Real processes stay only where the behaviour lives outside the Python call: the
interpreter's exit (a full disk or a closed pipe on stdout, ``CINQ_DEBUG``'s
traceback), a terminal, limits on a process, processes running at once. Those tests
say so in their names or their section (``..._process``, "real processes").
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from cinq.cli import app, run

_ISOLATION = CliRunner()
#: What every in-process run sees, as the subprocess tests gave it: a fixed width
#: (Rich wraps tables to it) and no traceback switch inherited from the shell.
BASE_ENV: Mapping[str, str | None] = {"COLUMNS": "120", "CINQ_DEBUG": None}


@functools.cache
def command() -> Any:
    """The Click command of ``cinq``, built once: ``run()`` alone would have Typer build
    it again on every call (and load each command's module into a new group)."""
    return typer.main.get_command(app)


def flush_std_streams() -> None:
    """What a command wrote with a plain ``print`` sits in the text wrapper's buffer
    until flushed (the interpreter flushes at exit; here the run is not over)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(ValueError, OSError):  # closed by the command
            stream.flush()


@dataclass(frozen=True)
class Result:
    """What a user sees of one command: exit code, standard output, standard error
    (the names of :class:`subprocess.CompletedProcess`)."""

    returncode: int
    stdout: str
    stderr: str


def cinq(
    *args: str | Path,
    input: str | bytes | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
) -> Result:
    """Run ``cinq ARGS`` with ``input`` on stdin (empty when None), in ``cwd``."""
    folder = contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext()
    with folder, _ISOLATION.isolation(input=input, env={**BASE_ENV, **(env or {})}) as streams:
        code = run([str(a) for a in args], command=command())
        flush_std_streams()
        out = streams[0].getvalue().decode("utf-8", "replace")
        err = streams[1].getvalue().decode("utf-8", "replace")
    return Result(code, out, err)
