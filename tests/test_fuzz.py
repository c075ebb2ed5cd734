"""A fuzz test of every command: at least 300 bad inputs each, from a fixed seed, run in
this process. Every case must end with exit 0, 2, 3 or 4, never a traceback nor an
exception other than a CinqError, and a refused case must leave every pad book as it was
(hashes before and after).

A failure names the case as ``command/kind #n`` with its arguments; the same seed gives
the same case again. The figures for the closing note are printed at the end of the run
(see ``pytest_terminal_summary`` in conftest.py).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.clirun import command as cli_command
from tests.fuzzing import (
    ALLOWED,
    BAD_FLOATS,
    BAD_INTS,
    TRACEBACK,
    VIC_KEYS,
    Case,
    Gen,
    Outcome,
    Runner,
    Workspace,
    audio_file,
    bad_book,
    bad_document,
    bad_out,
    books,
    cases,
    copy_workspace,
    digits,
    foreign_sqlite,
    junk_arg,
    junk_text,
    mutate,
    record,
    voice_file,
    with_book,
    wrong_groups,
)

RUNNER = Runner()
# At least this many cases per command, spread over its kinds.
PER_COMMAND = 300

# Commands that may change a book they were given (and only on success): every other
# command must leave the books already there untouched even when it succeeds.
MAY_CHANGE_BOOKS = {
    "encrypt",
    "decrypt",
    "pad burn",
    "pad export",
    "print pads",
    "network agent import",  # marks the send book's pages issued
}
# Commands whose --jsonl prints one JSON object a line.
JSON_LINES = {"network run", "network audit"}
# `cinq receive` documents exit 1 for a copy with unsure digits ('?'), written all the same.
EXTRA_CODES = {"receive": frozenset({1})}


def per_kind(command: str) -> int:
    """How many cases of each of its kinds a command gets: PER_COMMAND in all."""
    return -(-PER_COMMAND // max(len(COMMANDS.get(command, {})), 1))


def pick(rng: random.Random, *choices: str) -> str:
    return rng.choice(choices)


def maybe(rng: random.Random, *args: str, p: float = 0.3) -> tuple[str, ...]:
    return args if rng.random() < p else ()


def file_case(args: tuple[str, ...], name: str, data: bytes, stdin: bytes | None = None) -> Case:
    return Case(args, stdin, ((name, data),))


def junk_file(rng: random.Random, ws: Workspace) -> tuple[str, bytes]:
    """A path that names no usable file of the kind wanted, and its bytes if any."""
    choice = rng.randrange(6)
    if choice == 0:
        return "case.junk", rng.randbytes(rng.randint(0, 2000))
    if choice == 1:
        return "case.junk", junk_text(rng).encode("utf-8", "surrogatepass")
    if choice == 2:
        return "case.junk", mutate(rng, ws.read(pick(rng, "cb.json", "export.txt", "tiny.toml")))
    return pick(
        rng,
        "dir",
        "missing.json",
        "foreign.db",
        "real.wav",
        "s.send.pad",
        "log.db",
        "\udcff",
        "a" * 300,
        "",
    ), b""


def junk_path_arg(rng: random.Random, ws: Workspace) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    name, data = junk_file(rng, ws)
    return name, (((name, data),) if data or name == "case.junk" else ())


def with_files(case: Case, *files: tuple[str, bytes]) -> Case:
    return Case(case.args, case.stdin, (*case.files, *files))


def json_or_not(rng: random.Random) -> tuple[str, ...]:
    return maybe(rng, "--json")


# ----------------------------------------------------------------- parse, encrypt, decrypt


def parse_stdin(rng: random.Random, ws: Workspace) -> Case:
    return Case(("parse", *json_or_not(rng)), bad_document(rng, ws))


def parse_file(rng: random.Random, ws: Workspace) -> Case:
    return file_case(("parse", "case.txt", *json_or_not(rng)), "case.txt", bad_document(rng, ws))


def parse_path(rng: random.Random, ws: Workspace) -> Case:
    name, files = junk_path_arg(rng, ws)
    return Case(("parse", name, *json_or_not(rng)), None, files)


def parse_out(rng: random.Random, ws: Workspace) -> Case:
    args = ("parse", pick(rng, "-o", "--out"), bad_out(rng), *json_or_not(rng))
    return Case(args, ws.read("doc.txt"))


def parse_per_line(rng: random.Random, ws: Workspace) -> Case:
    return Case(("parse", "--per-line", pick(rng, *BAD_INTS)), ws.read("doc.txt"))


ENC_OPTS: list[Callable[[random.Random], tuple[str, ...]]] = [
    lambda r: ("--board", junk_arg(r)),
    lambda r: ("--key", junk_arg(r)),
    lambda r: ("--top", junk_arg(r)),
    lambda r: ("--key", junk_arg(r), "--top", junk_arg(r)),
    lambda r: ("--lang", junk_arg(r)),
    lambda r: ("--check", junk_arg(r)),
    lambda r: ("--convention", junk_arg(r)),
    lambda r: ("--per-line", pick(r, *BAD_INTS)),
    lambda r: ("--sign", junk_arg(r)),
    lambda r: (
        "--board",
        pick(r, "CT-37", "RU-1", "AT-ONE-SIR", "ct-46"),
        "--lang",
        pick(r, "en", "fr", "ru", "es", "de"),
    ),
    lambda r: (pick(r, "--fold", "--drop", "--unknown", "-x", "--fold=1"),),
    lambda r: ("--json", *maybe(r, "--per-line", pick(r, *BAD_INTS))),
]


def encrypt_plaintext(rng: random.Random, ws: Workspace) -> Case:
    text = rng.choice(
        [
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 500)),
            lambda: b"A" * rng.choice([0, 1, 200, 100_000]),
            lambda: wrong_groups(rng).encode(),
            lambda: bad_document(rng, ws),
        ]
    )()
    extra = rng.choice(ENC_OPTS)(rng) if rng.random() < 0.3 else ()
    return Case(("encrypt", "--book", "s.send.pad", *extra, *maybe(rng, "--fold")), text)


def encrypt_book(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws)
    return with_book(Case(("encrypt", "--book", book[0]), b"HI\n"), book)


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def journal_files(rng: random.Random, ws: Workspace, role: str) -> tuple[tuple[str, bytes], ...]:
    """A copy of the real book with a damaged rollback journal (or WAL) beside it, as
    a crash or a careless copy leaves them."""
    real = ws.read(f"s.{role}.pad")
    side = rng.choice(["-journal", "-wal", "-shm"])
    junk = rng.choice(
        [
            lambda: rng.randbytes(rng.randint(0, 2000)),
            lambda: JOURNAL_MAGIC + rng.randbytes(rng.randint(0, 4000)),
            lambda: JOURNAL_MAGIC + bytes(20) + real[: rng.randint(0, len(real))],
            lambda: mutate(rng, real),
        ]
    )()
    return (f"case.{role}.pad", real), (f"case.{role}.pad{side}", junk)


def encrypt_journal(rng: random.Random, ws: Workspace) -> Case:
    files = journal_files(rng, ws, "send")
    return Case(("encrypt", "--book", "case.send.pad"), b"HI\n", files)


def encrypt_out(rng: random.Random, ws: Workspace) -> Case:
    return Case(("encrypt", "--book", "s.send.pad", "-o", bad_out(rng)), b"HI\n")


def encrypt_options(rng: random.Random, ws: Workspace) -> Case:
    return Case(("encrypt", "--book", "s.send.pad", *rng.choice(ENC_OPTS)(rng)), b"HI\n")


def encrypt_files(rng: random.Random, ws: Workspace) -> Case:
    name, files = junk_path_arg(rng, ws)
    opt = pick(rng, "--cover", "--codebook")
    return Case(("encrypt", "--book", "s.send.pad", opt, name), b"HI\n", files)


DEC_FLAGS = ("--check", "hand")


def decrypt_document(rng: random.Random, ws: Workspace) -> Case:
    flags = (*DEC_FLAGS, *maybe(rng, "--unverified"), *maybe(rng, "--burn"), *json_or_not(rng))
    return Case(("decrypt", "--book", "s.receive.pad", *flags), bad_document(rng, ws))


def decrypt_file(rng: random.Random, ws: Workspace) -> Case:
    name, files = junk_path_arg(rng, ws)
    return Case(("decrypt", "--book", "s.receive.pad", *DEC_FLAGS, name), None, files)


def decrypt_book(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws, "case.receive.pad")
    case = Case(
        ("decrypt", "--book", book[0], *DEC_FLAGS, *maybe(rng, "--burn")), ws.read("doc.txt")
    )
    return with_book(case, book)


def decrypt_journal(rng: random.Random, ws: Workspace) -> Case:
    files = journal_files(rng, ws, "receive")
    args = ("decrypt", "--book", "case.receive.pad", *maybe(rng, "--burn"))
    return Case(args, ws.read("strong.txt"), files)


def pad_status_journal(rng: random.Random, ws: Workspace) -> Case:
    files = journal_files(rng, ws, pick(rng, "send", "receive"))
    return Case(("pad", "status", files[0][0], "--json"), None, files)


def decrypt_out(rng: random.Random, ws: Workspace) -> Case:
    args = ("decrypt", "--book", "s.receive.pad", *DEC_FLAGS, "-o", bad_out(rng))
    return Case((*args, *maybe(rng, "--burn")), ws.read("doc.txt"))


def decrypt_forged(rng: random.Random, ws: Workspace) -> Case:
    """A digit or a few changed after the indicator: must be refused as forged (exit 4),
    whatever the flags, and nothing printed (see ``verdict``)."""
    groups = ws.read("strong.txt").decode().split()
    for _ in range(rng.randint(1, 3)):
        g = rng.randrange(1, len(groups))
        i = rng.randrange(5)
        new = str((int(groups[g][i]) + rng.randint(1, 9)) % 10)
        groups[g] = groups[g][:i] + new + groups[g][i + 1 :]
    return Case(
        ("decrypt", "--book", "s.receive.pad", *maybe(rng, "--burn")), " ".join(groups).encode()
    )


def decrypt_options(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice(ENC_OPTS[:8])(rng)
    name, files = junk_path_arg(rng, ws)
    if rng.random() < 0.3:
        opt = ("--codebook", name)
    return Case(("decrypt", "--book", "s.receive.pad", *opt), ws.read("doc.txt"), files)


# ----------------------------------------------------------------------------- pad


def bad_name(rng: random.Random) -> str:
    return pick(
        rng,
        "s",
        "missing/n",
        "dir",
        "dir/",
        "a" * 300,
        "\udcff",
        "",
        ".",
        "doc.txt/n",
        "/proc/n",
        "n" + junk_text(rng, 5).replace("\x00", "").replace("/", ""),
    )


def pad_new_name(rng: random.Random, ws: Workspace) -> Case:
    return Case(("pad", "new", bad_name(rng), "--pages", "2", "--groups", "2"))


def pad_new_numbers(rng: random.Random, ws: Workspace) -> Case:
    pages = pick(rng, *BAD_INTS, "100001", "2")
    groups = pick(rng, *BAD_INTS, "1001", "3")
    return Case(("pad", "new", f"n{rng.randrange(10**6)}", "--pages", pages, "--groups", groups))


def pad_status(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws)
    return with_book(
        Case(("pad", "status", book[0], *json_or_not(rng), *maybe(rng, "--pages"))), book
    )


def pad_status_args(rng: random.Random, ws: Workspace) -> Case:
    return Case(("pad", "status", *(junk_arg(rng) for _ in range(rng.randint(0, 3)))))


def pad_burn_book(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws, pick(rng, "case.send.pad", "case.receive.pad"))
    what = ("--used",) if rng.random() < 0.5 else (digits(rng, 5),)
    return with_book(Case(("pad", "burn", book[0], *what)), book)


def pad_burn_page(rng: random.Random, ws: Workspace) -> Case:
    what = rng.choice(
        [
            (junk_arg(rng),),
            (),
            ("--used", digits(rng, 5)),
            (digits(rng, 5),),
            (wrong_groups(rng).strip(),),
        ]
    )
    return Case(("pad", "burn", pick(rng, "s.send.pad", "s.receive.pad"), *what))


def pad_export_book(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws)
    return with_book(Case(("pad", "export", book[0])), book)


def page_spec(rng: random.Random) -> str:
    parts = [
        "1",
        "2-3",
        "3-1",
        "0",
        "-5",
        "",
        " ",
        "a",
        "1-",
        "-",
        "5-5",
        "6",
        "99999",
        "1-1000",
        "1 - 2",
        "١",
        "1.5",
        "1,,2",
        "01-02",
    ]
    return ",".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))


def pad_export_pages(rng: random.Random, ws: Workspace) -> Case:
    book = pick(rng, "s.send.pad", "s.receive.pad")
    return Case(("pad", "export", book, "--pages", page_spec(rng), "-o", "case.export.txt"))


def pad_export_out(rng: random.Random, ws: Workspace) -> Case:
    return Case(("pad", "export", "s.receive.pad", "-o", bad_out(rng)))


def pad_import_text(rng: random.Random, ws: Workspace) -> Case:
    text = rng.choice(
        [
            lambda: mutate(rng, ws.read("export.txt")),
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 999)),
            lambda: ("PAGE " + wrong_groups(rng)).encode(),
            lambda: b"PAGE 12345\n" + wrong_groups(rng).encode(),
            lambda: ws.read("export.txt").replace(b"PAGE", b"PAGE 00000\nPAGE"),
            lambda: bad_document(rng, ws),
        ]
    )()
    return Case(
        ("pad", "import", f"i{rng.randrange(10**6)}", "-", *maybe(rng, "--role", "send")), text
    )


def pad_import_name(rng: random.Random, ws: Workspace) -> Case:
    role = maybe(rng, "--role", pick(rng, "send", "receive", "both", *BAD_INTS[:4], "SEND"))
    reuse = maybe(rng, "--i-know-this-reuses-pages")
    return Case(("pad", "import", bad_name(rng), "export.txt", *role, *reuse))


def pad_import_file(rng: random.Random, ws: Workspace) -> Case:
    name, files = junk_path_arg(rng, ws)
    return Case(("pad", "import", f"i{rng.randrange(10**6)}", name), None, files)


def decoy_base() -> tuple[str, ...]:
    return ("pad", "decoy", "--document", "doc.txt", "--says", "plain.txt")


def pad_decoy_document(rng: random.Random, ws: Workspace) -> Case:
    args = (
        "pad",
        "decoy",
        "--document",
        "-",
        "--says",
        "plain.txt",
        "--out",
        "d",
        "--check",
        "hand",
        "--pages",
        "3",
        "--groups",
        "5",
    )
    return Case(args, bad_document(rng, ws))


def pad_decoy_says(rng: random.Random, ws: Workspace) -> Case:
    says = rng.choice(
        [
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 300)),
            lambda: b"A" * rng.choice([0, 1, 2, 5, 1000]),
        ]
    )()
    args = (
        "pad",
        "decoy",
        "--document",
        "doc.txt",
        "--says",
        "case.txt",
        "--out",
        f"d{rng.randrange(10**6)}",
        "--check",
        "hand",
        "--pages",
        "3",
        "--groups",
        "5",
    )
    return file_case(args, "case.txt", says)


def pad_decoy_like(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws, "case.receive.pad")
    args = (*decoy_base(), "--out", f"d{rng.randrange(10**6)}", "--check", "hand")
    return with_book(Case((*args, "--like", book[0])), book)


def pad_decoy_out(rng: random.Random, ws: Workspace) -> Case:
    args = (*decoy_base(), "--check", "hand", "--pages", "3", "--groups", "5")
    return Case((*args, "--out", bad_name(rng)))


def pad_decoy_options(rng: random.Random, ws: Workspace) -> Case:
    # Sizes stay small here: unbounded sizes are the subprocess tests' (a time limit).
    opt = rng.choice(
        [
            lambda r: ("--pages", pick(r, "-1", "0", "abc", "", "1.5", "1")),
            lambda r: ("--groups", pick(r, "-1", "0", "abc", "", "1", "2")),
            lambda r: ("--fold",),
            lambda r: ("--drop",),
            lambda r: ("--codebook", pick(r, "cb.json", "missing.json", "dir", "foreign.db")),
            *ENC_OPTS[:8],
        ]
    )
    args = (*decoy_base(), "--out", f"d{rng.randrange(10**6)}", "--pages", "3", "--groups", "5")
    return Case((*args, *opt(rng)))


# ----------------------------------------------------------------- board, codebook, print


def board_list(rng: random.Random, ws: Workspace) -> Case:
    junk = (junk_arg(rng) for _ in range(rng.randint(0, 2)))
    return Case(("board", "list", *json_or_not(rng), *junk))


def board_show_name(rng: random.Random, ws: Workspace) -> Case:
    name = pick(rng, "ct-37", "CT-46", "keyed", "KEYED", "RU-1", " CT-37", "STANDARD-TABLE-1")
    return Case(("board", "show", junk_arg(rng) if rng.random() < 0.7 else name, *json_or_not(rng)))


def board_show_keyed(rng: random.Random, ws: Workspace) -> Case:
    opts = rng.choice(
        [
            ("--key", junk_arg(rng)),
            ("--top", junk_arg(rng)),
            ("--key", junk_arg(rng), "--top", junk_arg(rng)),
            ("--top", junk_text(rng, 12).replace("\x00", "")),
        ]
    )
    return Case(("board", "show", pick(rng, "KEYED", "keyed", "CT-37"), *opts, *json_or_not(rng)))


BOARD_OPTS: list[Callable[[random.Random], tuple[str, ...]]] = [
    *ENC_OPTS[:5],
    lambda r: ("--per-line", pick(r, *BAD_INTS, "1001")),
    lambda r: (pick(r, "--fold", "--no-groups", "--no-pad", "--json", "-x"),),
    lambda r: ("--drop", *maybe(r, "--json")),
    lambda r: ("-o", bad_out(r)),
]


def board_encode(rng: random.Random, ws: Workspace) -> Case:
    text = rng.choice(
        [
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 500)),
            lambda: b"HELLO",
            lambda: bad_document(rng, ws),
        ]
    )()
    opts = rng.choice(BOARD_OPTS)(rng) if rng.random() < 0.5 else ()
    return Case(("board", "encode", *opts), text)


def board_decode(rng: random.Random, ws: Workspace) -> Case:
    text = rng.choice(
        [
            lambda: bad_document(rng, ws),
            lambda: wrong_groups(rng).encode(),
            lambda: digits(rng, rng.randint(0, 200)).encode(),
            lambda: rng.randbytes(rng.randint(0, 300)),
        ]
    )()
    opts = rng.choice(BOARD_OPTS[:5] + BOARD_OPTS[8:])(rng) if rng.random() < 0.5 else ()
    return Case(("board", "decode", *opts, *json_or_not(rng)), text)


def codebook_new(rng: random.Random, ws: Workspace) -> Case:
    opts = rng.choice(
        [
            lambda: ("-o", bad_out(rng)),
            lambda: ("-o", "case.json", "--lang", junk_arg(rng)),
            lambda: ("-o", "case.json", "--size", pick(rng, *BAD_INTS, "1001")),
            lambda: ("-o", "case.json", "--key", junk_arg(rng), "--size", "5"),
        ]
    )()
    return Case(("codebook", "new", *opts))


def codebook_lookup(rng: random.Random, ws: Workspace) -> Case:
    name, files = junk_path_arg(rng, ws)
    book = name if rng.random() < 0.5 else "cb.json"
    entry = rng.choice(json.loads(ws.read("cb.json"))["entries"])
    what = rng.choice([junk_arg(rng), entry["code"], entry["phrase"].lower(), f" {entry['code']}"])
    return Case(("codebook", "lookup", book, what), None, files if book == name else ())


PAPER = ("--paper", "A4")


def paper(rng: random.Random) -> tuple[str, ...]:
    # Mostly a bad paper size: a PDF that can be made takes a tenth of a second.
    return ("--paper", junk_arg(rng)) if rng.random() < 0.7 else PAPER


def print_pads(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        book = bad_book(rng, ws)
        return with_book(Case(("print", "pads", book[0], "-o", "case.pdf")), book)
    opt = rng.choice(
        [
            ("-o", bad_out(rng)),
            ("-o", "case.pdf", "--board", junk_arg(rng)),
            ("-o", "case.pdf", "--paper", junk_arg(rng)),
            ("-o", "case.pdf", "--pages", page_spec(rng)),
            ("-o", "case.pdf", pick(rng, "--no-title", "--title"), "--paper", junk_arg(rng)),
        ]
    )
    return Case(("print", "pads", "s.receive.pad", *opt))


def print_blank(rng: random.Random, ws: Workspace) -> Case:
    opts = rng.choice(
        [
            lambda: ("-o", bad_out(rng)),
            lambda: ("-o", "case.pdf", "--pages", pick(rng, *BAD_INTS, "1001")),
            lambda: ("-o", "case.pdf", "--groups", pick(rng, *BAD_INTS, "1001")),
            lambda: ("-o", "case.pdf", "--role", junk_arg(rng)),
            lambda: ("-o", "case.pdf", "--pages", "1", "--groups", "1", *paper(rng)),
        ]
    )()
    return Case(("print", "blank", *opts))


def print_board(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        return Case(("print", "board", junk_arg(rng), "-o", "case.pdf"))
    return Case(("print", "board", "CT-37", "-o", bad_out(rng), *paper(rng)))


def print_worksheet(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        return Case(("print", "worksheet", "--board", junk_arg(rng), "-o", "case.pdf"))
    return Case(("print", "worksheet", "-o", bad_out(rng), *paper(rng)))


def print_codebook(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        name, files = junk_path_arg(rng, ws)
        return Case(("print", "codebook", name, "-o", "case.pdf"), None, files)
    return Case(("print", "codebook", "cb.json", "-o", bad_out(rng), *paper(rng)))


def print_vic_worksheet(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        return Case(("print", "vic-worksheet", "--lang", junk_arg(rng), "-o", "case.pdf"))
    return Case(("print", "vic-worksheet", "-o", bad_out(rng), *paper(rng)))


# ----------------------------------------------------------------------------- radio

TINY = ("-s", "tiny.toml")


def station_file(rng: random.Random, ws: Workspace) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    if rng.random() < 0.5:
        return junk_arg(rng), ()
    data = rng.choice(
        [
            lambda: mutate(rng, ws.read("tiny.toml")),
            lambda: ws.read("tiny.toml").replace(
                b"groups = 1", b"groups = " + pick(rng, "0", "9", "-1", '"x"', "1.5").encode()
            ),
            lambda: ws.read("tiny.toml").replace(
                b"repeat = 1", b"repeat = " + pick(rng, "0", "-1", "true", "[]", "2.5").encode()
            ),
            lambda: ws.read("tiny.toml").replace(
                b"0.1", pick(rng, "-1", "nan", "inf", '"x"', "[]").encode()
            ),
            lambda: rng.randbytes(rng.randint(0, 300)),
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
        ]
    )()
    return "case.toml", (("case.toml", data),)


def broadcast_document(rng: random.Random, ws: Workspace) -> Case:
    # Cut short: a long document that parses is a long (and valid) synthesis.
    return Case(("broadcast", "-", *TINY, "-o", "case.wav"), bad_document(rng, ws)[:300])


def broadcast_station(rng: random.Random, ws: Workspace) -> Case:
    name, files = station_file(rng, ws)
    return Case(("broadcast", "short.txt", "-s", name, "-o", "case.wav"), None, files)


def broadcast_out(rng: random.Random, ws: Workspace) -> Case:
    return Case(("broadcast", "short.txt", *TINY, "-o", bad_out(rng)))


def broadcast_options(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice(
        [
            lambda: ("--snr", pick(rng, *BAD_FLOATS)),
            lambda: ("--fading", pick(rng, *BAD_FLOATS, "1.01")),
            lambda: ("--qrm", pick(rng, *BAD_FLOATS)),
            lambda: ("--ssb", pick(rng, *BAD_FLOATS, "0.99", "3.81")),
            lambda: ("--mistune", pick(rng, *BAD_FLOATS, "1000.1")),
            lambda: ("--speed", pick(rng, *BAD_FLOATS, "0", "0.49", "2.01")),
            lambda: tuple(f for f in ("--agc", "--qrn", "--impulses") if rng.random() < 0.5),
            lambda: ("--selective-fading", "--ssb", pick(rng, "2.4", "2.7", "1", "3.8")),
            lambda: ("--seed", pick(rng, *BAD_INTS)),
            lambda: ("--id", junk_arg(rng)),
            lambda: ("--voice", junk_arg(rng)),
            lambda: ("--voice", pick(rng, "mbrola:xx9", "espeak-ng:en+f3", "EN", "x:", ":")),
            lambda: ("--short",),
        ]
    )()
    return Case(("broadcast", "short.txt", *TINY, "-o", "case.wav", *opt, *json_or_not(rng)))


def receive_audio(rng: random.Random, ws: Workspace) -> Case:
    return file_case(
        ("receive", "case.wav", *TINY, *json_or_not(rng)), "case.wav", audio_file(rng, ws)
    )


def receive_path(rng: random.Random, ws: Workspace) -> Case:
    name, files = junk_path_arg(rng, ws)
    return Case(("receive", name, *TINY), None, files)


def receive_station(rng: random.Random, ws: Workspace) -> Case:
    name, files = station_file(rng, ws)
    return Case(("receive", "real.wav", "-s", name), None, files)


def receive_voice_file(rng: random.Random, ws: Workspace) -> Case:
    wav = pick(rng, "real.wav", "tiny.wav")
    return Case(
        ("receive", wav, *TINY, "--voice-file", "case.npz"), None, (("case.npz", voice_file(rng)),)
    )


def receive_options(rng: random.Random, ws: Workspace) -> Case:
    name, files = junk_path_arg(rng, ws)
    opt = rng.choice([("--voice-file", name), ("--voice", junk_arg(rng)), ("-o", bad_out(rng))])
    return Case(("receive", "real.wav", *TINY, *opt), None, files)


def voice_learn_audio(rng: random.Random, ws: Workspace) -> Case:
    return file_case(
        ("voice", "learn", "case.wav", "-o", "case.npz"), "case.wav", audio_file(rng, ws)
    )


def voice_learn_options(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice(
        [
            ("-o", bad_out(rng)),
            ("-o", "case.npz", "--digits", junk_arg(rng)),
            ("-o", "case.npz", "--name", junk_arg(rng)),
            ("-o", "case.npz", "--digits", digits(rng, rng.randint(0, 30))),
        ]
    )
    return Case(("voice", "learn", "real.wav", *opt))


def voice_learn_transcript(rng: random.Random, ws: Workspace) -> Case:
    """A monitor's log: junk, a log with a stray character, a call-up whose count is
    wrong, groups of the wrong length; with or without a station, a language, --json,
    or --digits as well."""
    log = rng.choice(
        [
            lambda: junk_text(rng, 200),
            lambda: f"460/2 ATTENTION {digits(rng, 5)} {digits(rng, 5)}{rng.choice('#@*=~')}",
            lambda: f"460/{rng.randint(0, 99)}\n" + "\n".join(digits(rng, 5) for _ in range(3)),
            lambda: " ".join(digits(rng, rng.randint(1, 7)) for _ in range(rng.randint(0, 9))),
            lambda: "0 1 2 3 4 5 6 7 8 9",
        ]
    )()
    extra = rng.choice(
        [(), ("--station", rng.choice(["E11", "S06", "M03", "E03", junk_arg(rng)])),
         ("--lang", rng.choice(["en", "ru", junk_arg(rng)])), ("--json",),
         ("--digits", "0123456789")]
    )  # fmt: skip
    return file_case(
        ("voice", "learn", "real.wav", "-o", "case.npz", "--transcript", "case.log", *extra),
        "case.log",
        log.encode("utf-8", "surrogatepass"),
    )


def voice_list(rng: random.Random, ws: Workspace) -> Case:
    lang = rng.choice([(), ("--lang", pick(rng, "en", "RU", " de ", "xx", "")), ("--lang",)])
    junk = (junk_arg(rng) for _ in range(rng.randint(0, 1)))
    return Case(("voice", "list", *lang, *json_or_not(rng), *junk))


def station_list(rng: random.Random, ws: Workspace) -> Case:
    junk = (junk_arg(rng) for _ in range(rng.randint(0, 2)))
    return Case(("station", "list", *json_or_not(rng), *junk))


def station_show(rng: random.Random, ws: Workspace) -> Case:
    name, files = station_file(rng, ws)
    return Case(("station", "show", name), None, files)


# ----------------------------------------------------------------- triage, intercepts


def triage_document(rng: random.Random, ws: Workspace) -> Case:
    return Case(("triage", *json_or_not(rng)), bad_document(rng, ws))


def triage_book(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws, "case.receive.pad")
    return with_book(Case(("triage", "doc.txt", "--book", book[0])), book)


def damaged_sqlite(
    rng: random.Random, ws: Workspace, name: str, kind: int
) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    """The workspace's SQLite file ``name`` cut short (kind 0) or mutated (1), or an
    SQLite file of another program (2), as ``case.db``."""
    real = ws.read(name)
    if kind == 0:
        return "case.db", (("case.db", real[: rng.randrange(len(real))]),)
    if kind == 1:
        return "case.db", (("case.db", mutate(rng, real)),)
    foreign_sqlite(ws.root / "case.db", rng)
    return "case.db", ()


def bad_log(rng: random.Random, ws: Workspace) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    real = ws.read("log.db")
    kind = rng.randrange(6)
    if kind < 3:
        return damaged_sqlite(rng, ws, "log.db", kind)
    if kind == 3:
        return "case.db", (("case.db", real[:100] + rng.randbytes(len(real) - 100)),)
    if kind == 4:
        return pick(rng, "s.receive.pad", "dir", "missing/log.db", "doc.txt", "\udcff/x"), ()
    return "case.db", (("case.db", rng.randbytes(rng.randint(0, 3000))),)


def triage_intercepts(rng: random.Random, ws: Workspace) -> Case:
    name, files = bad_log(rng, ws)
    boards = ("--board", pick(rng, "CT-55", "ct 37", "NOPE", "", "\udcff"))
    board = boards if rng.random() < 0.5 else ()
    return Case(("triage", "--intercepts", name, *board, *json_or_not(rng)), None, files)


def triage_report(rng: random.Random, ws: Workspace) -> Case:
    # A report that can be written draws plots (a third of a second): one case in ten.
    where = (
        "dir"
        if rng.random() < 0.1
        else pick(
            rng, "missing/r", "doc.txt", "doc.txt/r", "/proc/cinq-fuzz", "a" * 300, "\udcff/r"
        )
    )
    return Case(("triage", "doc.txt", "--report", where))


def intercepts_add_log(rng: random.Random, ws: Workspace) -> Case:
    name, files = bad_log(rng, ws)
    return Case(("intercepts", "add", name, "doc.txt"), None, files)


def intercepts_add_document(rng: random.Random, ws: Workspace) -> Case:
    return Case(("intercepts", "add", "case.log.db", "-"), bad_document(rng, ws))


def intercepts_add_options(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice(
        [
            lambda: ("--when", junk_arg(rng)),
            lambda: (
                "--when",
                pick(
                    rng,
                    "2024-02-30",
                    "9999-12-31T25:00",
                    "0000-01-01",
                    "2024",
                    "2024-01-01T00:00:00+99:00",
                    "-1",
                ),
            ),
            lambda: ("--khz", pick(rng, *BAD_FLOATS)),
            lambda: ("--station", junk_arg(rng)),
            lambda: ("--notes", junk_text(rng, 50).replace("\x00", "")),
            lambda: ("--id", junk_arg(rng)),
        ]
    )()
    return Case(("intercepts", "add", "case.log.db", "doc.txt", *opt))


def jsonl_value(rng: random.Random) -> object:
    """A value for a field of a JSON line: often the right kind, often not."""
    return rng.choice(
        [
            None,
            True,
            0,
            -1,
            10**30,
            1.5,
            float("nan"),
            float("inf"),
            "",
            " ",
            "2026-11-20T18:00Z",
            "2026-02-30",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            junk_arg(rng),
            [digits(rng, 5)],
            [digits(rng, rng.choice([4, 5, 6])) + rng.choice(["", "?", "x", "٣"])],
            {"a": 1},
        ]
    )


def jsonl_line(rng: random.Random) -> str:
    """A line of `cinq intercepts import`: a good message with some fields wrong,
    missing, misspelt or added; now and then not JSON at all."""
    message: dict[str, object] = {"groups": [digits(rng, 5) for _ in range(rng.randint(1, 8))]}
    for name in ("id", "station", "date", "frequency", "cover", "signature", "notes"):
        if rng.random() < 0.3:
            message[name] = jsonl_value(rng)
    if rng.random() < 0.2:
        message[rng.choice(["groups", "grops", "when", "khz", "id", ""])] = jsonl_value(rng)
    text = json.dumps(message, ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.1:
        return mutate(rng, text.encode()).decode("utf-8", "replace")
    return rng.choice([text, text, text, junk_text(rng, 40), "[" + text + "]", text + ","])


def jsonl_file(rng: random.Random) -> bytes:
    lines = [jsonl_line(rng) for _ in range(rng.randint(0, 6))]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def intercepts_import_lines(rng: random.Random, ws: Workspace) -> Case:
    opts = (*maybe(rng, "--skip-existing"), *json_or_not(rng))
    log = pick(rng, "log.db", "case.log.db")
    if rng.random() < 0.5:
        return Case(("intercepts", "import", log, "-", *opts), jsonl_file(rng))
    return file_case(("intercepts", "import", log, "case.jsonl", *opts), "case.jsonl",
                     jsonl_file(rng))  # fmt: skip


def intercepts_import_log(rng: random.Random, ws: Workspace) -> Case:
    name, files = bad_log(rng, ws)
    good = b'{"id": "fuzz", "groups": ["12345", "6789?"]}\n'
    return Case(("intercepts", "import", name, "-"), good, files)


def intercepts_import_options(rng: random.Random, ws: Workspace) -> Case:
    good = b'{"groups": ["12345"]}\n{"id": 1, "groups": ["12345"]}\n'
    opt = rng.choice(
        [
            lambda: ("--station", junk_arg(rng)),
            lambda: ("--skip-existing", *json_or_not(rng)),
            lambda: ("--json", pick(rng, "--station", "--skip-existing", "x")),
        ]
    )()
    source, files = junk_path_arg(rng, ws) if rng.random() < 0.3 else ("-", ())
    return Case(("intercepts", "import", "case.log.db", source, *opt), good, files)


def intercepts_list(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.6:
        name, files = bad_log(rng, ws)
        command = pick(rng, "list", "export")
        jsonl = maybe(rng, "--jsonl", p=0.5) if command == "export" else ()
        return Case(("intercepts", command, name, *jsonl), None, files)
    return Case(("intercepts", "list", "log.db", "--station", junk_arg(rng), *json_or_not(rng)))


# ----------------------------------------------------------------------------- depth


def depth_find_log(rng: random.Random, ws: Workspace) -> Case:
    name, files = bad_log(rng, ws)
    return Case(("depth", "find", name, *json_or_not(rng)), None, files)


def depth_find_options(rng: random.Random, ws: Workspace) -> Case:
    # log.db holds one message: nothing to test, so every good option returns at once.
    opt = rng.choice(
        [
            lambda: ("--board", pick(rng, "CT-55", "ct 37", "RU-1", junk_arg(rng))),
            lambda: ("--offsets", pick(rng, "all", "ALL", "0", "5", *BAD_INTS, junk_arg(rng))),
            lambda: ("--alpha", pick(rng, "0.01", "1", "0", *BAD_FLOATS)),
            lambda: ("--scheduler", pick(rng, "local", "tcp://", "host:99999", junk_arg(rng))),
            lambda: ("--workers", pick(rng, "1", "2", "257", *BAD_INTS)),
            lambda: ("--budget", pick(rng, "1", "1000", "all", "ALL", *BAD_INTS, junk_arg(rng))),
        ]
    )()
    return Case(("depth", "find", "log.db", *opt, *json_or_not(rng)))


# doc.txt and strong.txt are short messages on different pages: solve reads them as a
# depth all the same (a narrow beam and an offset keep a case to milliseconds; models
# of other languages and boards are built once a run, so only French and CT-37).
SOLVE = ("depth", "solve", "--beam", "8")


def depth_solve_documents(rng: random.Random, ws: Workspace) -> Case:
    first = pick(rng, "doc.txt", "missing.txt", "dir", "\udcff/x", "s.send.pad", "-")
    return Case((*SOLVE, first, "-", "--offset", "0"), bad_document(rng, ws))


def depth_solve_options(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice(
        [
            lambda: ("--crib", junk_arg(rng)),
            lambda: ("--crib", f"{rng.randint(0, 3)}:{junk_arg(rng)}@{rng.randint(-2, 40)}"),
            lambda: ("--crib", pick(rng, "HI@1", "2:MEET@1", "A@1", "1:ZZZZZZZZ@3")),
            lambda: ("--offset", pick(rng, "0", "5", "-5", "10000000000", *BAD_INTS)),
            lambda: ("--offset", "0", "--offset", pick(rng, "0", "3", "99")),
            lambda: ("--lang", pick(rng, "en", "FR", "xx", junk_arg(rng))),
            lambda: ("--lang", "en", "--lang", pick(rng, "fr", "en")),
            lambda: ("--board", pick(rng, "CT-37", junk_arg(rng))),
            lambda: ("--key", junk_arg(rng)),
            lambda: ("--top", pick(rng, "AT ONE SIR", junk_arg(rng))),
            lambda: ("--beam", pick(rng, "1", "2", "5000", *BAD_INTS)),
            lambda: ("--check", pick(rng, "strong", "hand", "none", junk_arg(rng))),
            lambda: ("--convention", pick(rng, "add", "subtract", junk_arg(rng))),
            lambda: ("--no-indicator",),
            lambda: ("--key-out", pick(rng, "k.txt", "dir", "missing/k", "doc.txt", "\udcff/k")),
            lambda: ("--page-id", pick(rng, "12345", "1234", "?2345", junk_arg(rng))),
        ]
    )()
    # Without --offset the offset is searched (PairModel over 51 shifts): once in ten.
    where = () if opt[0] == "--offset" or rng.random() < 0.1 else ("--offset", "0")
    return Case((*SOLVE, "doc.txt", "strong.txt", *opt, *where, *json_or_not(rng)))


# ----------------------------------------------------------------------------- vic


def vic_keys(rng: random.Random) -> tuple[str, ...]:
    date = pick(
        rng,
        "741776",
        "3.9.1945",
        "31.2.1999",
        "00000",
        "1234567",
        "abcdef",
        "",
        "0.0.0",
        "99.99.9999",
        junk_arg(rng),
        digits(rng, rng.randint(0, 9)),
    )
    phrase = pick(
        rng,
        VIC_KEYS[3],
        "",
        "A",
        "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ",
        "1" * 25,
        junk_arg(rng),
        "СНЕГОПАДСНЕГОПАДСНЕГОПАДСНЕГОПАД",
    )
    personal = pick(rng, "6", "0", "17", "-1", "abc", "", "99999999999999999999", "1")
    keys = ["--date", date, "--phrase", phrase, "--personal", personal]
    i = 2 * rng.randrange(3)  # keep two of the three right, most of the time
    if rng.random() < 0.7:
        keys[1 : i + 1 : 2] = list(VIC_KEYS[1 : i + 1 : 2])
        keys[i + 3 :: 2] = list(VIC_KEYS[i + 3 :: 2])
    return tuple(keys)


def vic_encrypt_keys(rng: random.Random, ws: Workspace) -> Case:
    return Case(("vic", "encrypt", *vic_keys(rng), *maybe(rng, "--lang", "ru")), b"MEET AT NOON")


def vic_encrypt_text(rng: random.Random, ws: Workspace) -> Case:
    text = rng.choice(
        [
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 300)),
            lambda: b"",
            lambda: "ВСТРЕЧА №5 ПВТ".encode() * rng.randint(1, 5),
            lambda: b"A" * rng.choice([1, 2, 3, 50_000]),
        ]
    )()
    lang = maybe(rng, "--lang", "ru", p=0.5)
    return Case(("vic", "encrypt", *VIC_KEYS, *lang, *maybe(rng, "--explain", "--drop")), text)


def vic_encrypt_options(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice(
        [
            lambda: ("--keygroup", junk_arg(rng)),
            lambda: ("--keygroup", digits(rng, rng.randint(0, 7))),
            lambda: ("--keyword", junk_arg(rng), "--lang", "ru"),
            lambda: ("--cut", pick(rng, *BAD_INTS), "--lang", pick(rng, "ru", "en")),
            lambda: ("--lang", junk_arg(rng)),
            lambda: ("--per-line", pick(rng, *BAD_INTS)),
            lambda: ("-o", bad_out(rng)),
            lambda: ("--cover", junk_path_arg(rng, ws)[0]),
            lambda: ("--sign", junk_arg(rng)),
        ]
    )()
    return Case(("vic", "encrypt", *VIC_KEYS, *opt, *json_or_not(rng)), b"MEET AT NOON")


def vic_decrypt_groups(rng: random.Random, ws: Workspace) -> Case:
    text = rng.choice(
        [
            lambda: bad_document(rng, ws),
            lambda: wrong_groups(rng).encode(),
            lambda: " ".join(digits(rng, 5) for _ in range(rng.randint(0, 30))).encode(),
            lambda: mutate(rng, ws.read("vic.txt")),
        ]
    )()
    lang = maybe(rng, "--lang", "ru", p=0.5)
    shown = rng.choice([(), ("--explain",), ("--json",)])
    return Case(("vic", "decrypt", *VIC_KEYS, *lang, *shown), text)


def vic_decrypt_keys(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice(
        [
            (),
            ("--keyword", junk_arg(rng), "--lang", "ru"),
            ("-o", bad_out(rng)),
            ("--lang", junk_arg(rng)),
        ]
    )
    return Case(("vic", "decrypt", *vic_keys(rng), *opt), ws.read("vic.txt"))


# ----------------------------------------------------------------------------- network

NET = ("--db", "net.db")
# PostgreSQL addresses that fail at once (no name to resolve, a closed port), or parse.
PG_URLS = (
    "postgresql://127.0.0.1:1/none",
    "postgres://u:secret@127.0.0.1:1/x",
    "postgresql://%zz",
    "postgresql://127.0.0.1:1/x?sslmode=nope",
    "postgresql://[::1",
)
TIMES = (
    "2030-01-02T00:00Z",
    "2030-01-03T21:00+00:00",
    "2030-01-05T00:00:00.5-05:00",
    "2030-01-02T00:00",
    "2030-01-02",
    "2030-02-30T00:00Z",
    "0001-01-01T00:00Z",
    "9999-12-31T23:59+01:00",
    "1969-12-31T23:59Z",
    "2030-01-02T24:00Z",
    "2030-01-02T00:00+99:00",
    "now",
)


def net_time(rng: random.Random) -> str:
    return pick(rng, *TIMES) if rng.random() < 0.7 else junk_arg(rng)


def call_number(rng: random.Random) -> str:
    return (
        pick(rng, "374", "512", "999", "0", "00374", "123456", "37a", "-1", "")
        if (rng.random() < 0.6)
        else junk_arg(rng)
    )


def bad_station(rng: random.Random, ws: Workspace) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    """A station that is not one: damaged, foreign, another kind of file, unreachable."""
    kind = rng.randrange(6)
    if kind < 3:
        return damaged_sqlite(rng, ws, "net.db", kind)
    if kind == 3:
        return pick(rng, *PG_URLS), ()
    name = pick(
        rng, "s.send.pad", "log.db", "dir", "missing.db", "doc.txt", "", "\udcff", "a" * 300
    )
    return name, ()


def key_file_opt(rng: random.Random) -> tuple[str, ...]:
    return ("--key-file", pick(rng, "missing.keys", "doc.txt", "dir", "", "\udcff"))


def net_options(
    rng: random.Random, ws: Workspace, json_flag: str = "--json"
) -> tuple[tuple[str, ...], tuple[tuple[str, bytes], ...]]:
    """The options every `network` command takes: a bad --db or --key-file, or
    ``json_flag`` (--json, or --jsonl for the commands that print lines)."""
    choice = rng.randrange(3)
    if choice == 0:
        name, files = bad_station(rng, ws)
        return ("--db", name), files
    if choice == 1:
        return (*NET, *key_file_opt(rng)), ()
    return (*NET, json_flag), ()


def network_init_db(rng: random.Random, ws: Workspace) -> Case:
    name = pick(rng, "net.db", "s.send.pad", "doc.txt", "dir", "dir/", "missing/x.db", "",
                "\udcff", "a" * 300, "/proc/x.db", f"case{rng.randrange(10**6)}.db")  # fmt: skip
    return Case(("network", "init", "--db", name))


def network_init_options(rng: random.Random, ws: Workspace) -> Case:
    opt = rng.choice([("--name", junk_arg(rng)), key_file_opt(rng), ("--key-file", "new.keys")])
    return Case(("network", "init", "--db", f"case{rng.randrange(10**6)}.db", *opt))


def network_init_postgres(rng: random.Random, ws: Workspace) -> Case:
    key = rng.choice([(), ("--key-file", "doc.txt"), ("--key-file", "missing/k.keys")])
    return Case(("network", "init", "--db", pick(rng, *PG_URLS), *key))


def network_init_key_file(rng: random.Random, ws: Workspace) -> Case:
    """A new key file for a database that cannot be reached."""
    return Case(("network", "init", "--db", pick(rng, *PG_URLS), "--key-file", "new.keys"))


def network_agent_add_call(rng: random.Random, ws: Workspace) -> Case:
    return Case(
        ("network", "agent", "add", call_number(rng), "--pages", "2", "--groups", "10", *NET)
    )


def network_agent_add_numbers(rng: random.Random, ws: Workspace) -> Case:
    pages = pick(rng, *BAD_INTS, "10001", "1")
    groups = pick(rng, *BAD_INTS, "9", "1001", "10")
    call = str(rng.randrange(10**5))
    return Case(("network", "agent", "add", call, "--pages", pages, "--groups", groups, *NET))


def network_agent_add_options(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        opts, files = ("--lang", pick(rng, "xx", "EN", "ru", "", "\udcff")), ()
    else:
        opts, files = net_options(rng, ws)
        opts = tuple(o for o in opts if o != "--json") or NET
    if "--db" not in opts:
        opts = (*opts, *NET)
    call = str(rng.randrange(10**5))
    return Case(
        ("network", "agent", "add", call, "--pages", "1", "--groups", "10", *opts), None, files
    )


def network_agent_import_books(rng: random.Random, ws: Workspace) -> Case:
    book = bad_book(rng, ws)
    other = pick(rng, "n.receive.pad", "s.receive.pad", "n.send.pad")
    if rng.random() < 0.5:
        args = ("--send", book[0], *maybe(rng, "--receive", other, p=0.5))
    else:
        args = (
            "--send",
            pick(rng, "n.send.pad", "s.send.pad", "n.receive.pad"),
            "--receive",
            book[0],
        )
    call = str(rng.randrange(10**5))
    return with_book(Case(("network", "agent", "import", call, *args, *NET)), book)


def network_agent_import_options(rng: random.Random, ws: Workspace) -> Case:
    opts, files = net_options(rng, ws)
    if rng.random() < 0.3:
        opts = (*NET, "--lang", junk_arg(rng))
    pair = ("--send", "n.send.pad", *maybe(rng, "--receive", "n.receive.pad", p=0.5))
    return Case(("network", "agent", "import", call_number(rng), *pair, *opts), None, files)


def network_agent_export_base(rng: random.Random, ws: Workspace) -> Case:
    base = bad_name(rng) if rng.random() < 0.7 else f"x{rng.randrange(10**6)}"
    return Case(("network", "agent", "export", pick(rng, "374", "512"), base, *NET))


def network_agent_export_options(rng: random.Random, ws: Workspace) -> Case:
    opts, files = net_options(rng, ws)
    base = f"x{rng.randrange(10**6)}"
    return Case(("network", "agent", "export", call_number(rng), base, *opts), None, files)


def network_grant(rng: random.Random, ws: Workspace) -> Case:
    user = (
        pick(rng, "bob", "Bob", "1x", "a" * 70, "", "x; DROP", "\udcff")
        if rng.random() < 0.7
        else junk_arg(rng)
    )
    role = pick(rng, "operator", "SUPERVISOR", "admin", "", "\udcff")
    where = rng.choice([NET, ("--db", pick(rng, *PG_URLS)), (*NET, *key_file_opt(rng))])
    return Case(("network", "grant", user, role, *where))


def network_queue_text(rng: random.Random, ws: Workspace) -> Case:
    text = rng.choice(
        [
            lambda: junk_text(rng, 60).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 100)),
            lambda: b"A" * rng.choice([0, 1, 40, 10_000]),
            lambda: b"MEET AT DAWN\n",
        ]
    )()
    if rng.random() < 0.3:  # the text as an argument
        arg = text.decode("utf-8", "surrogateescape").replace("\x00", "")
        return Case(("network", "queue", "374", arg, *NET))
    return Case(("network", "queue", pick(rng, "374", "512"), *maybe(rng, "-"), *NET), text)


def network_queue_call(rng: random.Random, ws: Workspace) -> Case:
    return Case(("network", "queue", call_number(rng), "HELLO", *NET))


def network_queue_options(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.3:  # characters the board lacks, folded or dropped
        policy = rng.choice([("--fold",), ("--drop",), ("--fold", "--drop")])
        text = pick(rng, "ÀÉÎÕÜ ÇA VA ?", "€100 → 2 ½", "naïve café", junk_text(rng, 20))
        return Case(
            ("network", "queue", "374", *policy, *NET), text.encode("utf-8", "surrogatepass")
        )
    if rng.random() < 0.5:
        return Case(("network", "queue", "374", "HELLO", "--at", net_time(rng), *NET))
    opts, files = net_options(rng, ws)
    return Case(("network", "queue", "374", "HELLO", *opts), None, files)


def run_span(rng: random.Random) -> tuple[str, ...]:
    """A span of a few days of January 2030 (each slot is filled once: a fuzz test
    spends few pages), or times that are refused."""
    if rng.random() < 0.3:
        return ("--from", net_time(rng), "--to", net_time(rng))
    day = rng.randint(1, 26)
    return (
        "--from",
        f"2030-01-{day:02d}T00:00Z",
        "--to",
        f"2030-01-{day + rng.randint(0, 3):02d}T22:00Z",
    )


def network_run_schedule(rng: random.Random, ws: Workspace) -> Case:
    good = ws.read("net.toml")
    data = rng.choice(
        [
            lambda: mutate(rng, good),
            lambda: good.replace(
                b"21:00", pick(rng, "25:00", "", "9pm", "21:00:00.5", "x").encode()
            ),
            lambda: good.replace(b"5810", pick(rng, "0", "-1", '"x"', "1e9", "true").encode()),
            lambda: good + b'agents = ["999"]\n',
            lambda: good + b'days = ["mon", "funday"]\n',
            lambda: good + b"stagger_minutes = " + pick(rng, "-5", "1441", "30").encode() + b"\n",
            lambda: good.replace(b"tiny.toml", pick(rng, "E11", "nope", "\\u00e9", "").encode()),
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 300)),
        ]
    )()
    return Case(("network", "run", "--schedule", "case.toml", *run_span(rng), *NET), None,
                (("case.toml", data),))  # fmt: skip


def network_run_times(rng: random.Random, ws: Workspace) -> Case:
    return Case(("network", "run", "--schedule", "net.toml", *run_span(rng), *NET))


def network_run_out(rng: random.Random, ws: Workspace) -> Case:
    out = "dir" if rng.random() < 0.3 else bad_out(rng)
    audio = maybe(rng, "--audio", p=0.2)
    return Case(
        ("network", "run", "--schedule", "net.toml", *run_span(rng), "--out", out, *audio, *NET)
    )


def network_run_options(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.3:
        name, files = junk_path_arg(rng, ws)
        return Case(("network", "run", "--schedule", name, *run_span(rng), *NET), None, files)
    opts, files = net_options(rng, ws, "--jsonl")
    extra = maybe(rng, "--audio", p=0.2)
    return Case(
        ("network", "run", "--schedule", "net.toml", *run_span(rng), *extra, *opts), None, files
    )


def network_status(rng: random.Random, ws: Workspace) -> Case:
    opts, files = net_options(rng, ws)
    return Case(("network", "status", *opts, *json_or_not(rng)), None, files)


def network_audit(rng: random.Random, ws: Workspace) -> Case:
    opts, files = net_options(rng, ws, "--jsonl")
    counts = rng.choice([("--after", pick(rng, *BAD_INTS)), ("--limit", pick(rng, *BAD_INTS)), ()])
    return Case(("network", "audit", *counts, *opts), None, files)


def network_agent_extend(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        return Case(("network", "agent", "extend", call_number(rng), "--pages", "2", *NET))
    pages = pick(rng, *BAD_INTS, "0", "1", "10001")
    opts, files = net_options(rng, ws)
    opts = tuple(o for o in opts if o != "--json")
    return Case(("network", "agent", "extend", "512", "--pages", pages, *opts), None, files)


def network_agent_burn(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.5:
        return Case(("network", "agent", "burn", call_number(rng), *NET))
    opts, files = net_options(rng, ws)
    opts = tuple(o for o in opts if o != "--json")
    return Case(("network", "agent", "burn", "512", *opts), None, files)


def network_read_document(rng: random.Random, ws: Workspace) -> Case:
    """The agent's message: the fuzz workspace's documents, mutated, or junk."""
    good = ws.read(pick(rng, "reply.txt", "reply.txt", "doc.txt"))
    data = rng.choice(
        [
            lambda: mutate(rng, good),
            lambda: good,
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
            lambda: rng.randbytes(rng.randint(0, 300)),
        ]
    )()
    if rng.random() < 0.5:
        return Case(("network", "read", pick(rng, "374", "512"), "-", *NET), data)
    return Case(("network", "read", "374", "case.txt", *NET), None, (("case.txt", data),))


def network_read_options(rng: random.Random, ws: Workspace) -> Case:
    if rng.random() < 0.3:
        return Case(("network", "read", call_number(rng), "doc.txt", *NET))
    opts, files = net_options(rng, ws)
    return Case(("network", "read", "374", "doc.txt", *opts), None, files)


def network_reconcile(rng: random.Random, ws: Workspace) -> Case:
    opts, files = net_options(rng, ws)
    older = maybe(rng, "--older-than", pick(rng, *BAD_INTS, "10000001"), p=0.5)
    return Case(("network", "reconcile", *older, *opts), None, files)


# ----------------------------------------------------------------------------- the table

# `cinq console` serves until stopped, so only its refusals are fuzzed here (never a
# valid port with a real folder); the served console is tested in test_console_*.
CONSOLE_PORTS = ("-1", "65536", "x", "8.5", "99999999999999999999", "0x10", "--", "1e3")
CONSOLE_FOLDERS = ("no-such-folder", "doc.txt", "no/such/nested", "s.send.pad", "\u00e9t\u00e9")


def console_port(rng: random.Random, ws: Workspace) -> Case:
    return Case(("console", "--no-browser", "--port", pick(rng, *CONSOLE_PORTS)), None)


def console_folder(rng: random.Random, ws: Workspace) -> Case:
    folder = pick(rng, *CONSOLE_FOLDERS)
    return Case(("console", "--no-browser", "--port", "0", "--folder", folder), None)


COMMANDS: dict[str, dict[str, Gen]] = {
    "console": {"port": console_port, "folder": console_folder},
    "parse": {
        "stdin": parse_stdin,
        "file": parse_file,
        "path": parse_path,
        "per-line": parse_per_line,
        "out": parse_out,
    },
    "encrypt": {
        "plaintext": encrypt_plaintext,
        "book": encrypt_book,
        "out": encrypt_out,
        "options": encrypt_options,
        "files": encrypt_files,
        "journal": encrypt_journal,
    },
    "decrypt": {
        "document": decrypt_document,
        "file": decrypt_file,
        "book": decrypt_book,
        "out": decrypt_out,
        "options": decrypt_options,
        "forged": decrypt_forged,
        "journal": decrypt_journal,
    },
    "pad new": {"name": pad_new_name, "numbers": pad_new_numbers},
    "pad status": {"book": pad_status, "args": pad_status_args, "journal": pad_status_journal},
    "pad burn": {"book": pad_burn_book, "page": pad_burn_page},
    "pad export": {"book": pad_export_book, "pages": pad_export_pages, "out": pad_export_out},
    "pad import": {"text": pad_import_text, "name": pad_import_name, "file": pad_import_file},
    "pad decoy": {
        "document": pad_decoy_document,
        "says": pad_decoy_says,
        "like": pad_decoy_like,
        "out": pad_decoy_out,
        "options": pad_decoy_options,
    },
    "board list": {"args": board_list},
    "board show": {"name": board_show_name, "keyed": board_show_keyed},
    "board encode": {"args": board_encode},
    "board decode": {"args": board_decode},
    "codebook new": {"options": codebook_new},
    "codebook lookup": {"args": codebook_lookup},
    "print pads": {"args": print_pads},
    "print blank": {"args": print_blank},
    "print board": {"args": print_board},
    "print worksheet": {"args": print_worksheet},
    "print codebook": {"args": print_codebook},
    "print vic-worksheet": {"args": print_vic_worksheet},
    "broadcast": {
        "document": broadcast_document,
        "station": broadcast_station,
        "out": broadcast_out,
        "options": broadcast_options,
    },
    "receive": {
        "audio": receive_audio,
        "path": receive_path,
        "station": receive_station,
        "options": receive_options,
        "voice-file": receive_voice_file,
    },
    "voice learn": {
        "audio": voice_learn_audio,
        "options": voice_learn_options,
        "transcript": voice_learn_transcript,
    },
    "voice list": {"args": voice_list},
    "station list": {"args": station_list},
    "station show": {"args": station_show},
    "triage": {
        "document": triage_document,
        "book": triage_book,
        "intercepts": triage_intercepts,
        "report": triage_report,
    },
    "intercepts add": {
        "log": intercepts_add_log,
        "document": intercepts_add_document,
        "options": intercepts_add_options,
    },
    "intercepts list": {"args": intercepts_list},
    "intercepts import": {
        "lines": intercepts_import_lines,
        "log": intercepts_import_log,
        "options": intercepts_import_options,
    },
    "depth find": {"log": depth_find_log, "options": depth_find_options},
    "depth solve": {"documents": depth_solve_documents, "options": depth_solve_options},
    "vic encrypt": {
        "keys": vic_encrypt_keys,
        "text": vic_encrypt_text,
        "options": vic_encrypt_options,
    },
    "vic decrypt": {"groups": vic_decrypt_groups, "keys": vic_decrypt_keys},
    "network init": {
        "db": network_init_db,
        "options": network_init_options,
        "postgres": network_init_postgres,
        "key-file": network_init_key_file,
    },
    "network agent add": {
        "call": network_agent_add_call,
        "numbers": network_agent_add_numbers,
        "options": network_agent_add_options,
    },
    "network agent import": {
        "books": network_agent_import_books,
        "options": network_agent_import_options,
    },
    "network agent export": {
        "base": network_agent_export_base,
        "options": network_agent_export_options,
    },
    "network grant": {"args": network_grant},
    "network queue": {
        "text": network_queue_text,
        "call": network_queue_call,
        "options": network_queue_options,
    },
    "network run": {
        "schedule": network_run_schedule,
        "times": network_run_times,
        "out": network_run_out,
        "options": network_run_options,
    },
    "network status": {"args": network_status},
    "network audit": {"args": network_audit},
    "network agent extend": {"args": network_agent_extend},
    "network agent burn": {"args": network_agent_burn},
    "network read": {"document": network_read_document, "options": network_read_options},
    "network reconcile": {"args": network_reconcile},
}

# Crashes found in code another helper owns, marked until their fix lands:
# (command, kind) -> owner and what fails.
KNOWN: dict[tuple[str, str], str] = {}


def params() -> list[object]:
    out: list[object] = []
    for command, kinds in COMMANDS.items():
        for kind in kinds:
            reason = KNOWN.get((command, kind))
            marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
            out.append(pytest.param(command, kind, marks=marks, id=f"{command}/{kind}"))
    return out


# ----------------------------------------------------------------------------- the test


@pytest.fixture
def template(fuzz_template: Workspace) -> Workspace:
    return fuzz_template


def check(command: str, kind: str, case: Case, root: Path) -> str | None:
    """Run one case; what is wrong with it, or None."""
    for name, data in case.files:
        (root / name).write_bytes(data)
    before, names = books(root), set(root.rglob("*"))
    outcome = RUNNER.run(case)
    after = books(root)
    refused = outcome.exit_code != 0
    changed = before != after and not outcome.spoiled
    record(command, outcome, books_changed=refused and changed)
    left = sorted(str(p.relative_to(root)) for p in set(root.rglob("*")) - names)
    if refused and left:
        return f"a refusal (exit {outcome.exit_code}) left files behind: {left[:5]}"
    return verdict(command, kind, case, outcome, before, after, refused=refused)


def verdict(
    command: str,
    kind: str,
    case: Case,
    outcome: Outcome,
    before: dict[str, str],
    after: dict[str, str],
    *,
    refused: bool,
) -> str | None:
    if outcome.crash is not None:
        return f"crash (exit 70 in main): {outcome.crash}"
    if TRACEBACK in outcome.output:
        return f"traceback: {outcome.output[-300:]!r}"
    if outcome.exit_code not in ALLOWED | EXTRA_CODES.get(command, frozenset()):
        return f"exit {outcome.exit_code}: {outcome.output[-300:]!r}"
    if refused and before != after and not outcome.spoiled:
        return f"a book changed on a refusal (exit {outcome.exit_code}): {outcome.output[-200:]!r}"
    if command not in MAY_CHANGE_BOOKS and {k: after.get(k) for k in before} != before:
        return f"a book already there was changed (exit {outcome.exit_code})"
    wants_json = "--json" in case.args or ("--jsonl" in case.args and command in JSON_LINES)
    if not refused and wants_json and "--help" not in case.args:
        lines = outcome.stdout.splitlines() if "--jsonl" in case.args else [outcome.stdout]
        try:
            for line in lines:
                json.loads(line)
        except ValueError:
            return f"--json printed what is not JSON: {outcome.stdout[:120]!r}"
    if kind == "forged" and outcome.exit_code != 4:
        return f"a forged document gave exit {outcome.exit_code}, not 4: {outcome.output[-200:]!r}"
    if refused and not outcome.stderr.strip():
        return f"refused (exit {outcome.exit_code}) without a word on stderr"
    if command == "decrypt" and refused and "--unverified" not in case.args and outcome.stdout:
        return f"decrypt refused (exit {outcome.exit_code}) but printed {outcome.stdout[:80]!r}"
    return None


@pytest.mark.parametrize(("command", "kind"), params())
def test_fuzz(
    command: str, kind: str, template: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = copy_workspace(template, tmp_path / "ws")
    monkeypatch.chdir(ws.root)
    gen = COMMANDS[command][kind]
    count = per_kind(command)
    failures = []
    for i, case in cases(gen, ws, f"{command}/{kind}", count):
        problem = check(command, kind, case, ws.root)
        if problem:
            failures.append(f"{command}/{kind} #{i} {list(case.args)!r}: {problem}")
    assert not failures, f"{len(failures)} of {count} cases:\n" + "\n".join(failures[:15])


# Every command that writes a file, with that file a pad book: the book must survive.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "encrypt": ("encrypt", "--book", "s.send.pad"),
    "decrypt": ("decrypt", "--book", "s.receive.pad", "--check", "hand"),
    "pad export": ("pad", "export", "s.receive.pad"),
    "codebook new": ("codebook", "new", "--size", "5"),
    "print pads": ("print", "pads", "s.receive.pad"),
    "print blank": ("print", "blank", "--pages", "1"),
    "print board": ("print", "board", "CT-37"),
    "print worksheet": ("print", "worksheet"),
    "print codebook": ("print", "codebook", "cb.json"),
    "print vic-worksheet": ("print", "vic-worksheet"),
    "broadcast": ("broadcast", "short.txt", *TINY),
    "vic encrypt": ("vic", "encrypt", *VIC_KEYS),
    "vic decrypt": ("vic", "decrypt", *VIC_KEYS),
}
STDIN = {"encrypt": b"HI\n", "vic encrypt": b"MEET"}


@pytest.mark.parametrize("command", list(OUTPUTS))
@pytest.mark.parametrize("book", ["s.send.pad", "s.receive.pad"])
def test_no_output_overwrites_a_book(
    command: str, book: str, template: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = copy_workspace(template, tmp_path / "ws")
    monkeypatch.chdir(ws.root)
    stdin = STDIN.get(command) or (ws.read("doc.txt") if command == "decrypt" else None)
    if command == "vic decrypt":
        stdin = ws.read("vic.txt")
    before = books(ws.root)
    outcome = RUNNER.run(Case((*OUTPUTS[command], "-o", book), stdin))
    record(command, outcome, books_changed=outcome.exit_code != 0 and books(ws.root) != before)
    assert outcome.exit_code == 2, outcome.output  # refused before any work, nothing taken
    assert books(ws.root) == before, outcome.output


@pytest.mark.parametrize("command", ["encrypt", "decrypt"])
def test_vic_explain_with_json_puts_the_page_in_the_json(
    command: str, template: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = copy_workspace(template, tmp_path / "ws")
    monkeypatch.chdir(ws.root)
    stdin = ws.read("vic.txt") if command == "decrypt" else b"MEET"
    outcome = RUNNER.run(Case(("vic", command, *VIC_KEYS, "--explain", "--json"), stdin))
    assert outcome.exit_code == 0, outcome.output
    assert "KEY DERIVATION" in json.loads(outcome.stdout)["explanation"]


def cli_commands() -> dict[str, Any]:
    """Every leaf command of the CLI by its full name ("pad new"), found through Click's
    own listing (``list_commands``/``get_command``), which a lazily loading group
    answers as a plain one does: a command added anywhere is found."""
    found: dict[str, Any] = {}

    def walk(cmd: Any, path: tuple[str, ...], parent: typer.Context | None) -> None:
        if not hasattr(cmd, "list_commands"):
            found[" ".join(path)] = cmd
            return
        ctx = typer.Context(cmd, info_name=path[-1] if path else "cinq", parent=parent)
        for name in cmd.list_commands(ctx):
            walk(cmd.get_command(ctx, name), (*path, name), ctx)

    walk(cli_command(), (), None)
    return found


def test_every_option_is_fuzzed(fuzz_template: Workspace, tmp_path: Path) -> None:
    """A new option must get its fuzz cases too: every option of every fuzzed command is
    passed by one of the cases test_fuzz runs (made again here, not run: 1.4 s of CPU)."""
    ws = copy_workspace(fuzz_template, tmp_path / "ws")  # some generators write files
    missing: dict[str, list[str]] = {}
    for name, cmd in cli_commands().items():
        kinds = COMMANDS.get(name, {})
        count = per_kind(name)
        seen = {
            arg.split("=", 1)[0]
            for kind, gen in kinds.items()
            for _, case in cases(gen, ws, f"{name}/{kind}", count)
            for arg in case.args
        }
        for param in cmd.params:
            names = {*param.opts, *param.secondary_opts}
            if kinds and all(n.startswith("-") for n in names) and not names & seen:
                missing.setdefault(name, []).append("/".join(sorted(names)))
    assert not missing, f"options without fuzz cases: {missing}"


def test_every_command_is_fuzzed() -> None:
    """A new command must get its fuzz cases: every leaf of the CLI is in COMMANDS."""
    leaves = cli_commands()
    assert {"encrypt", "pad new", "vic decrypt"} <= set(leaves)  # the walk sees them
    skipped = {"demo", "intercepts export"}  # the demo: tests/test_demo; export: with list
    missing = set(leaves) - set(COMMANDS) - skipped
    assert not missing, f"commands without fuzz cases: {sorted(missing)}"
    assert not set(COMMANDS) - set(leaves), "fuzz cases for a command that is gone"
