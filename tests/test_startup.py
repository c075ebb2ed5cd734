"""Fast start: each command loads only what it uses. These tests check *which* modules
a command imports (deterministic), never how long it takes: the timings are
`make bench`'s. Also: the lazy command table is true to the commands, and a missing
optional stack is a clear error naming the extra to install."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

import cinq
from cinq.cli import BLAS_THREADS, COMMANDS, app, load
from cinq.errors import MissingExtra
from cinq.extras import EXTRAS, missing_extra, require

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("wordfreq", "matplotlib", "scipy", "fpdf", "soundfile")
# Modules of other commands, which encrypt and decrypt must not load either.
LIGHT_SKIPS = ("cinq.cli.pad", "cinq.cli.vic", "cinq.cli.radio", "cinq.cli.board")

# Runs the CLI in a fresh interpreter (as the console script does), then prints the
# exit code and which of the given modules were imported, as JSON on the last line.
# argv: the modules to hide (made unimportable, as if not installed), then "--", then
# cinq's arguments.
_PROBE = """
import json, sys
cut = sys.argv.index("--")
for name in sys.argv[1:cut]:
    sys.modules[name] = None
from cinq import cli
code = cli.flush_stdout(cli.run(sys.argv[cut + 1:]))
loaded = sorted(name for name in %r if sys.modules.get(name) is not None)
print(json.dumps({"code": code, "loaded": loaded}))
"""


def probe(
    *args: str | Path,
    hide: tuple[str, ...] = (),
    stdin: str = "",
    cwd: Path | None = None,
    watch: tuple[str, ...] = (),
) -> tuple[int, list[str], str]:
    """(exit code, the heavy modules loaded, stderr) of ``cinq ARGS`` in a new process;
    ``watch``: more modules to look for."""
    watched = (*HEAVY, "cinq.book", *LIGHT_SKIPS, *watch)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE % (watched,), *hide, "--", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120"},
    )
    last = json.loads(result.stdout.strip().splitlines()[-1])
    return last["code"], last["loaded"], result.stderr


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys; print(json.dumps(list(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


# -- what a command loads --------------------------------------------------------------


def test_import_cinq_loads_nothing_heavy() -> None:
    loaded = modules_after("import cinq")
    assert not loaded & {*HEAVY, "numpy", "cinq.book", "cinq.procedure", "typer"}
    loaded = modules_after("from cinq import Document, CinqError")  # only what is asked for
    assert "cinq.document" in loaded and "cinq.book" not in loaded


def test_help_loads_no_command() -> None:
    code, loaded, _ = probe("--help")
    assert code == 0 and loaded == []
    code, loaded, _ = probe("--version")
    assert code == 0 and loaded == []


def test_parse_encrypt_and_decrypt_load_no_optional_stack(tmp_path: Path) -> None:
    send, receive = cinq.PadBook.create_pair(tmp_path / "st", pages=3, groups=20)
    code, loaded, err = probe("encrypt", "--book", send, stdin="MEET AT DAWN\n", cwd=tmp_path)
    assert code == 0, err
    assert not set(loaded) & {*HEAVY, *LIGHT_SKIPS}
    with cinq.PadBook.open(send) as book:
        document = cinq.encrypt("MEET AT NOON", book).render()
    code, loaded, err = probe("decrypt", "--book", receive, stdin=document)
    assert code == 0 and not set(loaded) & {*HEAVY, *LIGHT_SKIPS}, (err, loaded)
    code, loaded, err = probe("parse", stdin=document)
    assert code == 0 and loaded == [], (err, loaded)  # not even the pad books


def test_a_quiet_success_loads_neither_rich_nor_pydantic(tmp_path: Path) -> None:
    """encrypt and decrypt print their data and plain notices: Rich loads only for an
    error or a help page, and the pinned Typer does not bring pydantic."""
    quiet = ("rich", "pydantic")
    send, receive = cinq.PadBook.create_pair(tmp_path / "q", pages=3, groups=20)
    code, loaded, err = probe("encrypt", "--book", send, stdin="MEET AT DAWN\n", watch=quiet)
    assert code == 0 and not set(loaded) & set(quiet), (err, loaded)
    assert re.fullmatch(r"enciphered on page \d{5}: \d+ groups\n", err), err
    with cinq.PadBook.open(send) as book:
        document = cinq.encrypt("MEET AT NOON", book).render()
    for _ in range(2):  # the second time, a notice: the page was already read
        code, loaded, err = probe("decrypt", "--book", receive, stdin=document, watch=quiet)
        assert code == 0 and not set(loaded) & set(quiet), (err, loaded)
    assert re.fullmatch(r"note: page \d{5} was already read on \S+\n", err), err
    code, loaded, err = probe("encrypt", "--book", tmp_path / "none.pad", watch=quiet)
    assert code == 2 and "rich" in loaded and err.startswith("cinq: error: "), err


# Runs the console script's main() with argv[1:], and prints at exit what OpenBLAS's
# thread variables are then.
_BLAS_PROBE = """
import atexit, json, os, sys
from cinq import cli
atexit.register(lambda: print(json.dumps({v: os.environ.get(v) for v in cli.BLAS_THREADS})))
sys.argv = ["cinq", *sys.argv[1:]]
cli.main()
"""


def blas_threads_at_exit(*args: str, env: dict[str, str]) -> tuple[int, dict[str, str | None]]:
    base = {k: v for k, v in os.environ.items() if k not in BLAS_THREADS}
    done = subprocess.run(
        [sys.executable, "-c", _BLAS_PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **env, "PYTHONPATH": str(SRC)},
    )
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


def test_the_console_script_runs_blas_single_threaded_unless_told(tmp_path: Path) -> None:
    """NumPy's OpenBLAS threads would only compete with the command: one thread,
    unless the user set a number of threads, which is kept."""
    send, _ = cinq.PadBook.create_pair(tmp_path / "b", pages=2, groups=20)
    plain = tmp_path / "plain.txt"
    plain.write_text("MEET AT DAWN\n", encoding="utf-8")
    code, shown = blas_threads_at_exit("encrypt", "--book", str(send), str(plain), env={})
    assert code == 0 and shown["OPENBLAS_NUM_THREADS"] == "1"
    for name in BLAS_THREADS:
        code, shown = blas_threads_at_exit("--version", env={name: "3"})
        assert code == 0 and shown == {n: "3" if n == name else None for n in BLAS_THREADS}


# -- the lazy table --------------------------------------------------------------------


def _listed_help(command: object) -> str:
    """The line `cinq --help` shows for a command: the first paragraph of its help."""
    text = getattr(command, "short_help", None) or getattr(command, "help", None) or ""
    return inspect.cleandoc(text).split("\n\n")[0].replace("\n", " ").strip()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_table_is_true_to_each_command(name: str) -> None:
    command = load(name)
    entry = COMMANDS[name]
    assert command.name == name
    assert _listed_help(command) == entry.help
    assert isinstance(command, TyperGroup) == entry.group


def test_every_command_is_in_the_table_and_help_lists_them_all() -> None:
    root = typer.main.get_command(app)
    assert list(root.commands) == list(COMMANDS)  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, entry in COMMANDS.items():
        assert f" {name} " in result.output and entry.help.replace("`", "") in result.output


def test_a_command_added_as_an_object_is_kept() -> None:
    """Commands given to the root up front (a plug-in, a test's) work beside the lazy
    ones and are listed after them."""
    extra = typer.Typer()

    @extra.command()
    def more() -> None:
        """A command of its own."""

    root = typer.main.get_command(app)
    root.add_command(typer.main.get_command(extra), "more")  # type: ignore[attr-defined]
    assert list(root.commands)[-1] == "more"  # type: ignore[attr-defined]
    assert "more" in root.commands and len(root.commands) == len(COMMANDS) + 1  # type: ignore[attr-defined]


# -- missing extras --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hide", "args", "extra"),
    [
        ("fpdf", ("print", "blank", "--pages", "1", "-o", "blank.pdf"), "print"),
        ("soundfile", ("station", "list"), "radio"),
        ("scipy", ("broadcast", "doc.txt", "--station", "E11", "-o", "out.wav"), "radio"),
        ("scipy", ("triage", "doc.txt"), "analysis"),  # SciPy is in both: the command's
    ],
)
def test_a_missing_extra_is_named_with_exit_2(
    tmp_path: Path, hide: str, args: tuple[str, ...], extra: str
) -> None:
    (tmp_path / "doc.txt").write_text("12345 67890 11111 22222\n", encoding="utf-8")
    code, _, err = probe(*args, hide=(hide,), cwd=tmp_path)
    assert code == 2, err
    assert f"pip install 'cinq[{extra}]'" in err and f"no module {hide!r}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [tmp_path / "doc.txt"]  # nothing written


def test_a_command_that_needs_no_extra_runs_without_them() -> None:
    code, loaded, err = probe("board", "list", hide=HEAVY)
    assert code == 0 and not set(loaded) & set(HEAVY), err


def test_network_help_loads_no_station_code() -> None:
    code, loaded, err = probe("network", "agent", "add", "-h", watch=("cinq.network",))
    assert code == 0 and not {"cinq.network", "cinq.book"} & set(loaded), err


def test_the_library_names_the_missing_extra() -> None:
    code = (
        "import sys\nsys.modules['fpdf'] = None\n"
        "try:\n    import cinq.printing\n"
        "except ImportError as e:\n    print(type(e).__name__, e.extra, e.exit_code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    ).stdout
    assert out == "MissingExtra print 2\n"


def test_require_and_missing_extra() -> None:
    for extra in EXTRAS:
        require(extra)  # the test environment has every extra
    with pytest.raises(KeyError):
        require("no-such-extra")
    assert missing_extra(ModuleNotFoundError(name="numpy")) is None  # core: a bug
    assert missing_extra(ImportError("no name")) is None
    found = missing_extra(ModuleNotFoundError(name="scipy.signal"), extra="analysis")
    assert isinstance(found, MissingExtra) and found.extra == "analysis"
    assert "pip install 'cinq[analysis]'" in str(found)
    found = missing_extra(ModuleNotFoundError(name="matplotlib.pyplot"), extra="print")
    assert found is not None and found.extra == "analysis"  # the module's own extra
