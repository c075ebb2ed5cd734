"""The shell around every command: one error path, exit codes, bounded inputs, outputs
checked before work, PDFs, first-hour basics (--version, -h, completion, flags shown as
flags, case-insensitive choices, a prompt on a terminal), ``board encode/decode``,
``print pads --pages`` and ``--json`` on the list commands.

In process through ``cinq.cli.run`` (:mod:`tests.clirun`) where that shows the
behaviour; real processes only for what happens at the interpreter's exit (a full disk,
a closed pipe, the console script's traceback switch) or on a terminal: the tests whose
names end in ``_process``."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from cinq import __version__, printing
from cinq.book import PadBook
from cinq.cli import CinqGroup, app
from cinq.cli import run as cli_run
from cinq.cli._io import MAX_TEXT_BYTES, read_document, read_text
from cinq.errors import BadInput, CannotWrite
from cinq.files import atomic_write
from tests.clirun import cinq
from tests.pdfs import pdf_of

SRC = Path(__file__).resolve().parents[1] / "src"
GROUPS = "12345 67890 11111 22222 33333 44444"


def run(*args: str | Path, input: str | bytes | None = None) -> tuple[int, str, str]:
    """``cinq ARGS`` in process, through the console script's ``run()``: exit code,
    stdout, stderr."""
    r = cinq(*args, input=input, env={"COLUMNS": "200"})
    return r.returncode, r.stdout, r.stderr


def cinq_process(
    *args: str | Path, env: dict[str, str] | None = None, **kw: object
) -> subprocess.Popen[bytes]:
    full_env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200", **(env or {})}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "cinq", *map(str, args)], env=full_env, **kw
    )


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


# -- one error path ------------------------------------------------------------------------


def _failing_app() -> typer.Typer:
    """A root with cinq's error path and a command with a bug in it."""
    root = typer.Typer(cls=CinqGroup, pretty_exceptions_enable=False)

    @root.command("boom")
    def boom() -> None:
        raise KeyError("no such thing")

    @root.command("other")
    def other() -> None:
        """A second command so that `boom` is a subcommand, as in cinq."""

    return root


def test_a_bug_is_one_line_exit_70_without_traceback() -> None:
    with CliRunner().isolation(env={"CINQ_DEBUG": None}) as (_, stderr, _):
        code = cli_run(["boom"], command=get_command(_failing_app()))
        err = stderr.getvalue().decode()
    assert code == 70
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cinq: internal error: KeyError: 'no such thing'")
    assert "this is a bug in cinq" in lines[0] and "CINQ_DEBUG=1" in lines[0]
    no_traceback(err)


def test_cinq_debug_shows_the_traceback_in_a_real_process() -> None:
    code = (
        "import sys\nfrom cinq import cli\n"
        "@cli.app.command('boom')\ndef boom() -> None:\n    raise ValueError('bad state')\n"
        "sys.argv = ['cinq', 'boom']\ncli.main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert quiet.returncode == 70
    assert quiet.stderr.count("\n") == 1 and "Traceback" not in quiet.stderr
    assert "cinq: internal error: ValueError: bad state" in quiet.stderr
    env["CINQ_DEBUG"] = "1"
    loud = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert loud.returncode == 70
    assert "Traceback (most recent call last)" in loud.stderr and "bad state" in loud.stderr


def test_cinq_errors_keep_their_exit_code_in_process(tmp_path: Path) -> None:
    code, out, err = run("parse", tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith("cinq: error: cannot read document") and "it is a folder" in err
    code, _, err = run("board", "show", "NO-SUCH-BOARD")
    assert code == 2 and "unknown board 'NO-SUCH-BOARD'" in err
    no_traceback(err)


def test_usage_errors_stay_exit_2() -> None:
    code, _, err = run("board", "encode", "--per-line", "0")
    assert code == 2 and "per-line" in err


@pytest.mark.parametrize(
    "args",
    [
        ["parse"],
        ["board", "decode"],
        ["triage"],
        ["vic", "decrypt", "--date", "741776", "--phrase", "x" * 20, "--personal", "8"],
        ["intercepts", "add", "LOG"],
    ],
)
def test_a_folder_where_a_file_is_expected(tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / "log.db") if a == "LOG" else a for a in args]
    code, _, err = run(*args, tmp_path)
    assert code == 2, err
    assert str(tmp_path) in err and "it is a folder" in err


def test_a_missing_input_file_is_named(tmp_path: Path) -> None:
    code, _, err = run("board", "encode", tmp_path / "nothing.txt")
    assert code == 2 and "nothing.txt" in err and "no such file" in err


# -- exits through the real interpreter ------------------------------------------------------


def test_a_full_disk_on_stdout_is_one_line_and_exit_2_in_a_real_process() -> None:
    with open("/dev/full", "wb") as full:
        p = cinq_process("board", "list", stdout=full, stderr=subprocess.PIPE)
        _, err_bytes = p.communicate(timeout=120)
    err = err_bytes.decode()
    assert p.returncode == 2, err
    assert err.strip().splitlines() == ["cinq: error: cannot write standard output: "
                                        "No space left on device"]  # fmt: skip
    no_traceback(err)


def test_a_closed_pipe_is_one_line_and_exit_2_in_a_real_process() -> None:
    p = cinq_process("board", "list", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # the reader is gone before cinq writes a byte (imports take longer)
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert p.returncode == 2, err
    assert "cannot write standard output: the pipe was closed" in err
    assert len(err.strip().splitlines()) == 1
    no_traceback(err)


def test_version_in_process_and_in_a_real_process() -> None:
    p = cinq_process("--version", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, _ = p.communicate(timeout=120)
    assert p.returncode == 0 and out.decode() == f"cinq {__version__}\n"
    assert run("-V")[:2] == (0, f"cinq {__version__}\n")


def first_line_on_stderr(p: subprocess.Popen[bytes]) -> str:
    """The first line the process writes on stderr (cinq's prompt on a terminal); waited
    for at most two minutes so that the test cannot hang."""
    assert p.stderr is not None
    ready, _, _ = select.select([p.stderr], [], [], 120)
    assert ready, "nothing on stderr"
    return p.stderr.readline().decode()


def test_a_prompt_when_stdin_is_a_terminal_in_a_real_process(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    p = cinq_process("parse", "--json", stdin=slave, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)  # fmt: skip
    os.close(slave)
    prompt = first_line_on_stderr(p)  # typed after the prompt, as a user does
    os.write(master, f"{GROUPS}\n".encode())
    os.write(master, b"\x04")  # Ctrl-D on a new line
    out, err = p.communicate(timeout=120)
    os.close(master)
    assert p.returncode == 0, err
    assert prompt.startswith("Type the document, then Ctrl-D on a new line:"), prompt
    assert json.loads(out)["groups"][0] == "12345"
    code, _, err_text = run("parse", input=GROUPS + "\n")  # a pipe: no prompt
    assert code == 0 and "Type the" not in err_text


def test_ctrl_c_while_waiting_for_input_is_exit_130_in_a_real_process() -> None:
    master, slave = pty.openpty()
    p = cinq_process("parse", stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    try:
        assert "Type the document" in first_line_on_stderr(p)  # waiting on the terminal
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        os.close(master)
    assert p.returncode == 130, err
    assert out == b""
    no_traceback(err.decode())


# -- first-hour basics ---------------------------------------------------------------------


def _commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, cmd in getattr(group, "commands", {}).items():
        found += _commands(cmd, (*path, name))
    return found


ALL_COMMANDS = _commands(get_command(app))


def test_every_command_takes_h_and_shows_flags_as_flags() -> None:
    assert len(ALL_COMMANDS) > 40
    for path in ALL_COMMANDS:
        code, out, err = run(*path, "-h")
        assert code == 0, (path, err)
        assert "Usage: " in out, path
        assert "<bool>" not in out, (path, out)


def test_shell_completion_is_offered() -> None:
    _, out, _ = run("--help")
    assert "--install-completion" in out and "--show-completion" in out
    code, script, _ = run("--show-completion", "bash")
    assert code == 0 and "_cinq_completion" in script


def test_choices_take_any_case(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "net", pages=3, groups=50)
    code, doc, err = run("encrypt", "--book", send, "--check", "STRONG", "--convention", "ADD",
                         "--lang", "FR", "--board", "ct-46", input="Café à 7 h\n")  # fmt: skip
    assert code == 0, err
    code, plain, err = run("decrypt", "--book", receive, "--check", "Strong", "--convention",
                           "Add", "--lang", "Fr", "--board", "CT-46", input=doc)  # fmt: skip
    assert (code, plain) == (0, "CAFE A 7 H\n"), err
    assert run("print", "blank", "--role", "receive", "--pages", "1", "-o",
               tmp_path / "b.pdf")[0] == 0  # fmt: skip
    assert run("print", "vic-worksheet", "--lang", "RU", "-o", tmp_path / "v.pdf")[0] == 0
    code, _, err = run("codebook", "new", "--lang", "FR", "--size", "5", "-o", tmp_path / "c.json")
    assert code == 0 and "codes for fr" in err


# -- bounded inputs --------------------------------------------------------------------------


def test_text_over_the_limit_is_refused_naming_file_and_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"12345 " * (MAX_TEXT_BYTES // 6 + 1))
    code, _, err = run("parse", big)
    assert code == 2
    assert f"document {big} is larger than 16 MiB" in err
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"x" * 10)
    assert read_text(exact, limit=10) == "x" * 10
    with pytest.raises(BadInput, match="larger than 9 bytes"):
        read_text(exact, limit=9)


def test_a_page_list_cannot_name_a_billion_pages(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=3, groups=50)
    code, _, err = run("print", "pads", send, "--pages", "1-999999999",
                       "-o", tmp_path / "p.pdf")  # fmt: skip
    assert code == 2 and "more than 100000 pages" in err
    assert not (tmp_path / "p.pdf").exists()


# -- outputs checked before any work ---------------------------------------------------------


def _doc(tmp_path: Path) -> Path:
    doc = tmp_path / "doc.txt"
    doc.write_text(GROUPS + "\n")
    return doc


VIC_KEY = ["--date", "741776", "--phrase", "IWASBORNINTHEVILLAGEOFSIX", "--personal", "8"]

OUTPUT_CASES = {
    "print blank": ["print", "blank", "--pages", "1"],
    "print board": ["print", "board", "CT-37"],
    "print worksheet": ["print", "worksheet"],
    "print vic-worksheet": ["print", "vic-worksheet"],
    "print codebook": ["print", "codebook", "CODEBOOK"],
    "print pads": ["print", "pads", "BOOK"],
    "broadcast": ["broadcast", "DOC", "--station", "E11"],
    "receive": ["receive", "NO.wav", "--station", "E11"],
    "voice learn": ["voice", "learn", "NO.wav"],
    "codebook new": ["codebook", "new", "--size", "5"],
    "vic encrypt": ["vic", "encrypt", *VIC_KEY, "DOC"],
    "vic decrypt": ["vic", "decrypt", *VIC_KEY, "DOC"],
    "parse": ["parse", "DOC"],
    "board encode": ["board", "encode", "DOC"],
    "board decode": ["board", "decode", "DOC"],
}


@pytest.mark.parametrize("case", sorted(OUTPUT_CASES))
def test_an_output_into_a_missing_folder_is_refused_first(tmp_path: Path, case: str) -> None:
    book = tmp_path / "net.send.pad"
    if case == "print pads":
        PadBook.create_pair(tmp_path / "net", pages=2, groups=50)
    codebook = tmp_path / "c.json"
    if case == "print codebook":
        assert run("codebook", "new", "--size", "5", "-o", codebook)[0] == 0
    names = {"DOC": _doc(tmp_path), "BOOK": book, "CODEBOOK": codebook, "NO.wav": tmp_path / "no"}
    args = [str(names.get(a, a)) for a in OUTPUT_CASES[case]]
    target = tmp_path / "missing" / "out.file"
    code, _, err = run(*args, "-o", target)
    assert code == 2, err
    assert "cannot write" in err and str(target) in err and "there is no folder" in err
    no_traceback(err)
    assert not (tmp_path / "missing").exists()


def test_triage_report_folder_is_checked_before_triage(tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    deep = tmp_path / "no" / "such" / "report"
    code, out, err = run("triage", doc, "--report", deep)
    assert (code, out) == (2, "") and str(deep) in err and "there is no folder" in err
    assert not (tmp_path / "no").exists()
    a_file = tmp_path / "report"
    a_file.write_text("not a folder")
    code, _, err = run("triage", doc, "--report", a_file)
    assert code == 2 and "it is a file, not a folder" in err


def test_a_failed_write_in_the_library_is_cannot_write_naming_the_file(tmp_path: Path) -> None:
    target = tmp_path / "gone" / "x.txt"
    with pytest.raises(CannotWrite, match=re.escape(f"cannot write {target}: the folder")):
        atomic_write(target, "hello")
    pdf = tmp_path / "gone" / "blank.pdf"
    with pytest.raises(CannotWrite, match=re.escape(str(pdf))):
        printing.blank_pads(pdf, pages=1)
    with pytest.raises(CannotWrite, match="it is a folder"):
        atomic_write(tmp_path, "hello")
    assert [p.name for p in tmp_path.iterdir()] == []  # no temp file left behind


# -- PDFs --------------------------------------------------------------------------------------


def test_parse_reads_a_pdf(tmp_path: Path) -> None:
    doc = pdf_of(tmp_path / "Intercept.PDF", ["Weather for the coast: fair.", "",
                                            "12345 67890 11111", "22222 33333 44444", "",
                                            "By KESTREL"])  # fmt: skip
    code, out, err = run("parse", doc, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["groups"] == GROUPS.split() and data["signature"] == "KESTREL"
    code, out, err = run("parse", "--json", input=doc.read_bytes())  # a PDF on stdin
    assert code == 0 and json.loads(out)["groups"] == GROUPS.split(), err


def test_a_broken_pdf_and_a_missing_pdftotext_are_clear_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    code, _, err = run("parse", broken)
    assert code == 2 and f"cannot read PDF {broken}" in err
    good = pdf_of(tmp_path / "good.pdf", [GROUPS] * 20)
    with pytest.raises(BadInput, match=r"the text of PDF .*good\.pdf is larger than 100 bytes"):
        read_document(good, limit=100)  # the text is bounded, not only the PDF
    monkeypatch.setenv("PATH", str(tmp_path))  # a system without poppler-utils
    with pytest.raises(BadInput, match="pdftotext is not installed"):
        read_document(good)


# -- board encode / decode ----------------------------------------------------------------------


def test_board_encode_and_decode_round_trip() -> None:
    code, digits, err = run("board", "encode", input="Attack at dawn.\n")
    assert code == 0, err
    assert re.fullmatch(r"(\d{5} )*\d{5}\n", digits)
    code, text, err = run("board", "decode", input=digits)
    assert (code, text) == (0, "ATTACK AT DAWN.\n"), err
    code, out, _ = run("board", "encode", "--json", "--lang", "FR", input="Été à 7 h")
    data = json.loads(out)
    assert code == 0 and data["board"] == "CT-55" and len(data["digits"]) % 5 == 0
    assert data["groups"] == re.findall(r"\d{5}", data["digits"])
    code, bare, _ = run("board", "encode", "--no-pad", "--no-groups", "--lang", "fr",
                        input="Été à 7 h")  # fmt: skip
    assert bare.strip() == data["digits"][: len(bare.strip())]
    assert len(bare.strip()) == len(data["digits"]) - data["fill"]
    code, text, _ = run("board", "decode", "--lang", "fr", "--json", input=bare)
    assert json.loads(text)["text"] == "ETE A 7 H"


def test_board_encode_with_a_keyed_board_and_per_line() -> None:
    code, out, err = run("board", "encode", "--top", "AT ONE SIR", "--key", "SUNDAY",
                         "--per-line", "2", input="MEETATNOON\n")  # fmt: skip
    assert code == 0, err
    assert all(len(line.split()) <= 2 for line in out.splitlines())
    code, text, err = run("board", "decode", "--top", "AT ONE SIR", "--key", "SUNDAY", input=out)
    assert code == 0 and text.startswith("MEETATNOON"), err


def test_board_errors_name_line_and_column() -> None:
    code, _, err = run("board", "decode", input="12345\n67x90\n")
    assert code == 2 and "stdin: line 2, column 3 ('x' U+0078): not a digit" in err
    assert run("board", "encode", input="\n")[2] == "cinq: error: stdin: no text to encode\n"
    code, _, err = run("board", "encode", input="cafe ☃\n")
    assert code == 2 and "line 1, column 6" in err and "U+2603" in err


# -- print pads --pages and the list commands ---------------------------------------------------


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    m = re.search(r"Pages:\s+(\d+)", info.stdout)
    assert m
    return int(m.group(1))


def test_print_pads_prints_only_the_pages_asked_for(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=6, groups=50)
    code, _, err = run("print", "pads", send, "--pages", "2-3,5", "--no-title",
                       "-o", tmp_path / "some.pdf")  # fmt: skip
    assert code == 0, err
    assert _pdf_pages(tmp_path / "some.pdf") == 3
    assert "issued page(s) 2-3, 5 to paper" in err
    status = json.loads(run("pad", "status", send, "--json", "--pages")[1])
    assert status["issued"] == 3 and status["unused"] == 3  # paper pads are issued, not copied
    assert status["next_page"] == status["page_list"][0]["page_id"]
    code, _, err = run("print", "pads", send, "--pages", "7", "-o", tmp_path / "x.pdf")
    assert code == 3 and "no page number 7" in err


def test_list_commands_speak_json(tmp_path: Path) -> None:
    code, out, _ = run("board", "list", "--json")
    boards = json.loads(out)
    assert code == 0 and {"CT-37", "RU-1"} <= {b["name"] for b in boards}
    code, out, _ = run("station", "list", "--json")
    stations = json.loads(out)
    assert code == 0 and "E11" in {s["name"] for s in stations}
    log = tmp_path / "log.db"
    assert run("intercepts", "add", log, "--station", "E11", input=GROUPS + "\n")[0] == 0
    code, out, _ = run("intercepts", "list", log, "--json")
    items = json.loads(out)
    assert code == 0 and items[0]["station"] == "E11" and items[0]["groups"] == 6
    code, out, _ = run("intercepts", "list", log, "--station", "e11", "--json")
    assert code == 0 and [i["id"] for i in json.loads(out)] == [items[0]["id"]]


def test_a_print_job_is_bounded_before_it_starts(tmp_path: Path) -> None:
    code, _, err = run("print", "blank", "--pages", "1000", "--groups", "1000",
                       "-o", tmp_path / "huge.pdf")  # fmt: skip
    assert code == 2 and "more than 100000 groups" in err
    assert not (tmp_path / "huge.pdf").exists()
    send, _ = PadBook.create_pair(tmp_path / "net", pages=3, groups=1000)
    assert run("print", "pads", send, "-o", tmp_path / "p.pdf")[0] == 0


def test_a_file_where_the_output_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    code, _, err = run("print", "worksheet", "-o", tmp_path / "notes.txt" / "w.pdf")
    assert code == 2 and f"{tmp_path / 'notes.txt'} is a file, not a folder" in err
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_a_spinner_on_a_terminal_stderr_only_in_a_real_process(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    p = cinq_process("print", "blank", "--pages", "40", "-o", tmp_path / "b.pdf",
                     stdout=subprocess.PIPE, stderr=slave)  # fmt: skip
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed when cinq exited
            break
        if not chunk:
            break
        seen += chunk
    out, _ = p.communicate(timeout=120)
    os.close(master)
    assert p.returncode == 0
    assert b"printing 40 blank page(s)" in seen
    assert out.decode() == f"{tmp_path / 'b.pdf'}\n"  # stdout holds the data only


def test_bad_audio_options_are_refused_not_crashed_on(tmp_path: Path) -> None:
    import wave

    empty = tmp_path / "empty.wav"
    with wave.open(str(empty), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"")
    code, _, err = run("voice", "learn", empty, "-o", tmp_path / "v.npz")
    assert code == 2 and "the recording is empty" in err
    code, _, err = run("voice", "learn", empty, "--digits", "", "-o", tmp_path / "v.npz")
    assert code == 2 and "must be digits covering all ten" in err
    doc = _doc(tmp_path)
    for option in ("--snr", "--qrm"):
        code, _, err = run("broadcast", doc, "-s", "E11", option, "nan", "-o", tmp_path / "x.wav")
        assert code == 2 and "not a finite number of dB" in err
    code, _, err = run("broadcast", doc, "-s", "E11", "--id", "9" * 11, "-o", tmp_path / "x.wav")
    assert code == 2 and "at most 10 digits" in err
    assert not (tmp_path / "x.wav").exists()


def test_an_output_that_is_a_pipe_is_written_through_not_replaced(tmp_path: Path) -> None:
    # `-o /dev/null`, `-o /dev/stdout` and `-o >(gzip > x)` are the same case: a
    # rename over them would replace the device (as root) instead of writing to it.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = run("parse", _doc(tmp_path), "--json", "-o", fifo)
        data = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(data)["groups"] == GROUPS.split()


def test_no_output_ever_replaces_a_pad_book(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "net", pages=2, groups=50)
    before = {p: p.read_bytes() for p in (send, receive)}
    for args in (["print", "worksheet"], ["board", "encode", _doc(tmp_path)],
                 ["codebook", "new", "--size", "5"], ["parse", _doc(tmp_path)]):  # fmt: skip
        for book in (send, receive):
            code, _, err = run(*args, "-o", book)
            assert code == 2 and f"will not overwrite {book}: it is a pad book" in err, args
    with pytest.raises(CannotWrite, match="it is a pad book"):
        atomic_write(receive, "a text")  # the library refuses too
    assert {p: p.read_bytes() for p in (send, receive)} == before


def test_a_damaged_intercept_log_is_named_not_a_crash(tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    for _ in range(40):
        assert run("intercepts", "add", log, "--station", "E11", input=GROUPS + "\n")[0] == 0
    data = bytearray(log.read_bytes())
    data[3 * 4096 : 3 * 4096 + 200] = b"\xff" * 200  # page 4: the messages' table
    log.write_bytes(bytes(data))
    for args in (["intercepts", "list", log], ["triage", "--intercepts", log]):
        code, _, err = run(*args)
        assert code == 2, err
        assert f"intercept log {log} is damaged" in err and "internal error" not in err
