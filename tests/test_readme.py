"""The README's code runs as written, and its CLI tour names commands and options that
exist (issue 11, problem 7): the examples cannot rot."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cinq
from cinq.book import PadBook
from cinq.errors import BadInput
from tests.clirun import command as cli_command

README = Path(__file__).resolve().parents[1] / "README.md"


def fenced(lang: str) -> list[str]:
    """Every ```lang block of the README, in order."""
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.S | re.M)


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def run_blocks(blocks: list[str]) -> str:
    """Run the blocks one after another in one namespace, as a reader would; stdout."""
    namespace: dict[str, object] = {"__name__": "__readme__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for n, block in enumerate(blocks, 1):
            exec(compile(block, f"README.md python block {n}", "exec"), namespace)
    return out.getvalue()


def expected_output(blocks: list[str]) -> list[str]:
    """What the ``print(...)  # EXPECTED`` comments say will be printed."""
    return [
        m.group(1).strip()
        for block in blocks
        for m in re.finditer(r"^\s*print\(.*\)\s*#\s*(.+)$", block, flags=re.M)
    ]


def test_the_readme_python_blocks_run_and_print_what_they_say(tmp_path: Path) -> None:
    blocks = fenced("python")
    assert len(blocks) >= 2
    with inside(tmp_path):
        first = run_blocks(blocks)
        again = run_blocks(blocks)  # a second run must not clash with the first
    assert first.splitlines() == expected_output(blocks)
    assert again == first


def test_the_package_docstring_example_runs(tmp_path: Path) -> None:
    doc = cinq.__doc__ or ""
    block = textwrap.dedent(doc.split("::\n", 1)[1].split("\n\n``", 1)[0])
    with inside(tmp_path):
        out = run_blocks([block])
    assert "MEET AT DAWN" in out and "By KESTREL" in out


def test_a_book_may_be_given_as_a_path_and_is_closed_again(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "net", pages=3, groups=10)
    doc = cinq.encrypt("HELLO", str(send))
    got = cinq.decrypt(doc, book=receive)  # by keyword, a Path
    assert got.text == "HELLO" and got.verified
    # closed: the files can be removed and a new book made under the same name at once
    send.unlink()
    receive.unlink()
    PadBook.create_pair(tmp_path / "net", pages=1, groups=10)


def test_a_cover_path_is_read_as_utf8_and_a_missing_one_is_bad_input(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=3, groups=10)
    cover = tmp_path / "news.txt"
    cover.write_text("Le marché ouvre samedi.\n", encoding="utf-8")
    doc = cinq.encrypt("HI", send, cover=cover, signature="KESTREL")
    assert doc.cover is not None and doc.cover.startswith("Le marché ouvre samedi.")
    with pytest.raises(BadInput, match="cannot read cover text"):
        cinq.encrypt("HI", send, cover=tmp_path / "missing.txt")
    with PadBook.open(send) as b:
        assert b.status().used == 1  # the refused cover took no page


def test_a_book_of_the_wrong_type_is_a_clear_type_error() -> None:
    with pytest.raises(TypeError, match="book must be a PadBook or a path"):
        cinq.encrypt("HI", 42)  # type: ignore[arg-type]


# -- the CLI tour ---------------------------------------------------------------------


def tour_commands() -> list[list[str]]:
    """Each `cinq ...` command of the README's tour blocks, as words."""
    commands: list[list[str]] = []
    for block in fenced(""):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line.removeprefix("$ ")).strip()
            for part in line.split(" ; "):
                if part.startswith("cinq "):
                    commands.append(shlex.split(part.replace("[", " ").replace("]", " ")))
    return commands


def resolve_command(words: list[str]) -> tuple[Any, list[str]]:
    """The (click) command the words name, and the words after its name."""
    command: Any = cli_command()  # built once for every line of the tour
    rest = words[1:]
    while rest and rest[0] in getattr(command, "commands", {}):
        command = command.commands[rest[0]]
        rest = rest[1:]
    return command, rest


def test_every_command_and_option_in_the_tour_exists() -> None:
    commands = tour_commands()
    assert len(commands) >= 20
    for words in commands:
        for variant in _expand_slash(words):
            command, rest = resolve_command(variant)
            if hasattr(command, "commands"):  # a group: only its own options may follow
                assert all(w.startswith("-") for w in rest), f"{variant}: no such subcommand"
            known = {opt for p in command.params for opt in p.opts + p.secondary_opts}
            known |= {"-h", "--help"}  # every command has them (the help option)
            for word in rest:
                option = word.split("=", 1)[0]
                if re.fullmatch(r"--?[A-Za-z][\w-]*", option):  # not a value like -12
                    assert option in known, f"{' '.join(variant)}: no option {option}"


def _expand_slash(words: list[str]) -> list[list[str]]:
    """`cinq encrypt/decrypt ...` stands for both commands."""
    if len(words) > 1 and "/" in words[1]:
        return [[words[0], name, *words[2:]] for name in words[1].split("/")]
    return [words]
