"""The machinery of the fuzz tests: bad inputs from a fixed seed, an in-process runner
through ``cinq.cli.run`` (the console script's error path), and the books check.

Every generator takes a ``random.Random`` and the :class:`Workspace` and returns a
:class:`Case`: the arguments, the bytes on stdin and the files to write first. Seeds
are strings (``random.Random`` hashes them with SHA-512), so a case reproduces
whatever ``PYTHONHASHSEED`` is: a failure names its command, kind and number.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import random
import shutil
import sqlite3
import struct
import wave
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from cinq.book import PadBook
from cinq.cli import run
from tests.clirun import BASE_ENV, command, flush_std_streams

# Exit codes a user may see: success, bad input, key management, authentication.
ALLOWED = frozenset({0, 2, 3, 4})
TRACEBACK = "Traceback (most recent call last)"
VIC_KEYS = (
    "--date",
    "741776",
    "--phrase",
    "IDREAMOFJEANNIEWITHTHELIGHTBROWNHAIR",
    "--personal",
    "6",
)


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Case:
    """One invocation: arguments, stdin, and files (relative to the workspace) to
    write before it runs."""

    args: tuple[str, ...]
    stdin: bytes | None = None
    files: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    output: str  # stdout then stderr
    stdout: str
    stderr: str
    crash: str | None  # "ValueError: ..." when an exception other than CinqError escaped
    spoiled: bool  # a PageSpoiled refusal: the book legitimately changed


class Runner:
    """Runs the CLI in this process through :func:`cinq.cli.run`, the console script's
    own error path, with the click command built once (Typer rebuilds it on every call
    of ``app``, most of the time of a cheap case)."""

    def __init__(self) -> None:
        self.command = command()
        self.isolation = CliRunner()

    def run(self, case: Case) -> Outcome:
        # CINQ_FUZZ_DEBUG=1 shows the traceback of a crash (it then also fails the case).
        debug = os.environ.get("CINQ_FUZZ_DEBUG", "")
        env = {**BASE_ENV, "CINQ_DEBUG": debug}
        with self.isolation.isolation(input=case.stdin, env=env) as streams:
            code = run(list(case.args), command=self.command)
            flush_std_streams()
            out = streams[0].getvalue().decode("utf-8", "replace")
            err = streams[1].getvalue().decode("utf-8", "replace")
        # Exit 70 is run()'s answer to an exception other than a CinqError: the bug the
        # fuzz test is here to find; its one line names the exception.
        crash = None
        if code == 70:
            lines = err.strip().splitlines()
            crash = (lines[-1] if lines else "exit 70 without a word")[:300]
        spoiled = code == 3 and "spoiled" in err
        return Outcome(code, out + err, out, err, crash, spoiled)


# --------------------------------------------------------------------------- books


def books(folder: Path) -> dict[str, str]:
    """SHA-256 of every pad book in the folder tree (not of SQLite's side files: a
    journal left by a crash is rolled back and removed by the next open, by design)."""
    found: dict[str, str] = {}
    for p in sorted(folder.rglob("*.pad")):
        if p.is_file():
            found[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


# --------------------------------------------------------------------------- statistics


@dataclass
class Stats:
    cases: int = 0
    exit_codes: Counter[int] = field(default_factory=Counter)
    tracebacks: int = 0
    internal_errors: int = 0
    books_changed: int = 0


STATS: dict[str, Stats] = {}


def record(command: str, outcome: Outcome, *, books_changed: bool) -> None:
    s = STATS.setdefault(command, Stats())
    s.cases += 1
    s.exit_codes[outcome.exit_code] += 1
    s.tracebacks += outcome.crash is not None or TRACEBACK in outcome.output
    s.internal_errors += outcome.exit_code == 70
    s.books_changed += books_changed


def summary() -> list[str]:
    """Lines for the closing note: cases per command, exit codes seen, tracebacks,
    books changed by refusals."""
    if not STATS:
        return []
    lines = []
    for name, s in sorted(STATS.items()):
        codes = ", ".join(f"{c}: {n}" for c, n in sorted(s.exit_codes.items()))
        lines.append(f"{name:22} {s.cases:5} cases   exit codes {{{codes}}}")
    total = sum(s.cases for s in STATS.values())
    codes_seen = sorted(set().union(*(s.exit_codes for s in STATS.values())))
    lines.append(
        f"total: {total} cases over {len(STATS)} commands; exit codes seen {codes_seen}; "
        f"tracebacks: {sum(s.tracebacks for s in STATS.values())}; "
        f"internal errors (exit 70): {sum(s.internal_errors for s in STATS.values())}; "
        f"books changed by refusals: {sum(s.books_changed for s in STATS.values())}"
    )
    return lines


# --------------------------------------------------------------------------- workspace


@dataclass(frozen=True)
class Workspace:
    """A folder with a pad pair ``s`` (5 pages of 5 groups, page 1 used for doc.txt),
    its export, a codebook, an intercept log, WAV files, a station's network
    (``net.db``, ``net.toml``, the pair ``n``, agent 374's books and a reply
    ``reply.txt`` on them) and foreign files."""

    root: Path

    def read(self, name: str) -> bytes:
        return (self.root / name).read_bytes()


def wav_bytes(seconds: float, *, rate: int = 8000, seed: int = 0) -> bytes:
    """A real mono 16-bit WAV: a tone under noise."""
    rng = random.Random(seed)
    n = int(seconds * rate)
    frames = b"".join(
        struct.pack(
            "<h",
            int(8000 * math.sin(2 * math.pi * 800 * i / rate) + rng.randint(-2000, 2000)),
        )
        for i in range(n)
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def odd_wav(rng: random.Random) -> bytes:
    """A real WAV in a format cinq does not write: stereo and more, 8/24-bit or float
    samples (NaN and infinity among them), odd rates, no frames at all."""
    import numpy as np
    import soundfile as sf

    channels = rng.choice([1, 2, 3])
    frames = rng.choice([0, 1, 7, 800, 4000])
    gen = np.random.default_rng(rng.randrange(2**32))
    data = gen.standard_normal((frames, channels)) * rng.choice([0.0, 0.01, 1.0, 100.0])
    subtype = rng.choice(["PCM_U8", "PCM_16", "PCM_24", "FLOAT", "DOUBLE"])
    if subtype in ("FLOAT", "DOUBLE") and frames and rng.random() < 0.5:
        data[gen.integers(0, frames, 3) % frames, 0] = rng.choice([np.nan, np.inf, -np.inf])
    buf = io.BytesIO()
    rate = rng.choice([1, 100, 8000, 11025, 96000])
    sf.write(buf, data, rate, format="WAV", subtype=subtype)
    return buf.getvalue()


def voice_file(rng: random.Random) -> bytes:
    """An .npz as `cinq voice learn` writes it, with wrong shapes, types, values."""
    import numpy as np

    gen = np.random.default_rng(rng.randrange(2**32))
    if rng.random() < 0.3:  # well formed, random templates: the receiver runs with it
        good = {f"d{d}": gen.random((20, 87), np.float32) for d in "0123456789"}
        buf = io.BytesIO()
        np.savez(buf, slot=np.float64(0.6), name=np.str_("v"), **good)  # type: ignore[arg-type]
        return buf.getvalue()
    arrays: dict[str, object] = {}
    for d in rng.sample("0123456789", rng.choice([0, 9, 10, 10, 10])):
        shape = rng.choice([(20, 87), (0, 87), (20, 86), (20,), (2, 20, 87), (5000, 87)])
        arrays[f"d{d}"] = gen.standard_normal(shape).astype(rng.choice(["float32", "int8"]))
        if rng.random() < 0.1:
            arrays[f"d{d}"] = np.full((20, 87), rng.choice([np.nan, np.inf]))
    if rng.random() < 0.9:
        arrays["slot"] = np.float64(rng.choice([0.6, 0.0, -1.0, np.nan, 1e300]))
    if rng.random() < 0.9:
        arrays["name"] = np.str_(rng.choice(["v", "", "\x00"]))
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # type: ignore[arg-type]
    data = buf.getvalue()
    return mutate(rng, data) if rng.random() < 0.2 else data


def foreign_sqlite(path: Path, rng: random.Random) -> None:
    """An SQLite file that is not cinq's: random tables, some named like cinq's."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        name = rng.choice(["pages", "meta", "book", "intercepts", "t"])
        con.execute(f"CREATE TABLE {name} (a, b, c)")
        con.executemany(
            f"INSERT INTO {name} VALUES (?, ?, ?)",
            [(rng.randint(0, 99999), rng.random(), rng.randbytes(8)) for _ in range(5)],
        )
        if rng.random() < 0.5:
            con.execute("CREATE TABLE meta2 (key TEXT, value TEXT)")
            con.execute("INSERT INTO meta2 VALUES ('format', 'cinq-pad')")
        con.commit()
    finally:
        con.close()


def _must(runner: Runner, *args: str, stdin: bytes | None = None) -> str:
    out = runner.run(Case(args, stdin))
    assert out.exit_code == 0 and out.crash is None, (args, out)
    return out.stdout


def build_workspace(root: Path) -> Workspace:
    """The template every fuzz test copies (built once a session)."""
    runner = Runner()
    root.mkdir(parents=True, exist_ok=True)
    s = str(root / "s")
    PadBook.create_pair(root / "s", pages=5, groups=5)
    doc = _must(runner, "encrypt", "--book", f"{s}.send.pad", "--check", "hand", stdin=b"HI\n")
    (root / "doc.txt").write_text(doc, encoding="utf-8")
    strong = _must(runner, "encrypt", "--book", f"{s}.send.pad", stdin=b"MEET AT NOON\n")
    (root / "strong.txt").write_text(strong, encoding="utf-8")
    _must(runner, "pad", "export", f"{s}.receive.pad", "-o", str(root / "export.txt"))
    _must(runner, "codebook", "new", "-o", str(root / "cb.json"), "--size", "20")
    _must(runner, "intercepts", "add", str(root / "log.db"), str(root / "doc.txt"))
    (root / "plain.txt").write_text("MEET AT NOON\n", encoding="utf-8")
    (root / "cover.txt").write_text("Weather: fine.\n", encoding="utf-8")
    (root / "dir").mkdir()
    foreign_sqlite(root / "foreign.db", random.Random("foreign"))
    (root / "short.txt").write_text(doc.split()[0] + "\n", encoding="utf-8")
    _radio_files(runner, root)
    _network_files(runner, root)
    vic = _must(runner, "vic", "encrypt", *VIC_KEYS, "--keygroup", "77651", stdin=b"MEET")
    (root / "vic.txt").write_text(vic, encoding="utf-8")
    return Workspace(root)


def _radio_files(runner: Runner, root: Path) -> None:
    """A WAV of noise, a station that sends the groups once and nothing else (its
    broadcasts take milliseconds), and a broadcast of one group by it."""
    (root / "real.wav").write_bytes(wav_bytes(0.5))
    (root / "tiny.toml").write_text(
        'name = "TINY"\nmode = "voice"\nlanguage = "en"\n[timing]\ndigit_gap = 0.1\n'
        "group_gap = 0.1\n[[script]]\ngroups = 1\nrepeat = 1\n",
        encoding="utf-8",
    )
    short, tiny, wav = (str(root / n) for n in ("short.txt", "tiny.toml", "tiny.wav"))
    _must(runner, "broadcast", short, "-s", tiny, "-o", wav)


#: The station's schedule: every agent, daily at 21:00, in the tiny profile (its
#: broadcasts take milliseconds).
NET_SCHEDULE = 'profile = "tiny.toml"\n[[slot]]\ntimes = ["21:00"]\nfrequency_khz = 5810\n'


def _network_files(runner: Runner, root: Path) -> None:
    """A station ``net.db`` with agents 374 and 512 (300 pages of 10 groups each way:
    more than a fuzz test's cases spend), its schedule ``net.toml``, and a pad pair
    ``n`` of 10-group pages that `network agent import` takes."""
    db = str(root / "net.db")
    _must(runner, "network", "init", "--db", db, "--name", "fuzz")
    for call in ("374", "512"):
        _must(runner, "network", "agent", "add", call, "--pages", "300", "--groups", "10",
              "--db", db)  # fmt: skip
    (root / "net.toml").write_text(NET_SCHEDULE, encoding="utf-8")
    PadBook.create_pair(root / "n", pages=3, groups=10)
    _must(runner, "network", "agent", "export", "374", str(root / "agent374"), "--db", db)
    reply = _must(
        runner, "encrypt", "--book", str(root / "agent374.send.pad"), stdin=b"ON MY WAY\n"
    )
    (root / "reply.txt").write_text(reply, encoding="utf-8")


def copy_workspace(template: Workspace, dest: Path) -> Workspace:
    shutil.copytree(template.root, dest, dirs_exist_ok=True)
    for p in dest.glob("*.pad"):
        p.chmod(0o600)
    return Workspace(dest)


# --------------------------------------------------------------------------- generators

Gen = Callable[[random.Random, Workspace], Case]

JUNK = (
    "0123456789 \t\n\r\x00\x0b\x0c?é☃😀\u200b\u202e\ufeff<>&;\"'\\/-_.,:ÀЖ中\u0301ABCXYZabcxyz#>=%|"
)
# Values a shell can pass in argv (no NUL; a byte that is not UTF-8 arrives as a
# lone surrogate).
ARG_JUNK = [
    "",
    " ",
    "-",
    "--",
    "x",
    "XX",
    "nope",
    "é",
    "☃",
    "\udcff",
    "../x",
    "a" * 300,
    "0",
    "-1",
    "1e9",
    "NaN",
    "inf",
    "0x1F",
    "１２３",
    "٣",
    "²",
    "74177²",
    "١٢٣٤٥",
    "７４１７７６",
    "?",
    "*",
    "%s",
    "{0}",
    "'",
    '"',
    "\t",
    "\n",
]
BAD_INTS = [
    "-1",
    "0",
    "-0",
    "99999999999999999999",
    "abc",
    "1e3",
    "",
    " ",
    "nan",
    "0x10",
    "1.5",
    "+3",
    "٣",
    "１",
    "2147483648",
    "-99999999999",
    "1_0",
]
BAD_FLOATS = ["nan", "inf", "-inf", "-1", "1e308", "abc", "", "1e-320", "99999", "-99999"]


def junk_text(rng: random.Random, longest: int = 300) -> str:
    return "".join(rng.choice(JUNK) for _ in range(rng.randint(0, longest)))


def junk_arg(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(ARG_JUNK)
    return junk_text(rng, 20).replace("\x00", "")


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def wrong_groups(rng: random.Random) -> str:
    """Groups of the wrong length, letters and '?' among digits, odd separators."""
    seps = [" ", "  ", "\n", "\t", " \r\n", ",", "-", "\u00a0", "\u2003"]
    parts = []
    for _ in range(rng.randint(1, 40)):
        g = digits(rng, rng.choice([1, 2, 3, 4, 5, 5, 5, 6, 9]))
        if rng.random() < 0.2:
            i = rng.randrange(len(g))
            g = g[:i] + rng.choice("?OlIoSB٣１x") + g[i + 1 :]
        parts.append(g)
    return "".join(p + rng.choice(seps) for p in parts)


def mutate(rng: random.Random, data: bytes) -> bytes:
    """Flip, drop, insert, duplicate or truncate a few bytes."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(5)
        i = rng.randrange(len(b) + 1)
        if op == 0 and i < len(b):
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and i < len(b):
            del b[i : i + rng.randint(1, 20)]
        elif op == 2:
            b[i:i] = rng.randbytes(rng.randint(1, 8))
        elif op == 3:
            b[i:i] = b[max(0, i - 30) : i]
        else:
            del b[i:]
    return bytes(b)


def bad_document(rng: random.Random, ws: Workspace) -> bytes:
    """A document as it should never arrive (and some as it does)."""
    doc = ws.read("doc.txt")
    makers: list[Callable[[], bytes]] = [
        lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
        lambda: rng.randbytes(rng.randint(0, 3000)),
        lambda: wrong_groups(rng).encode(),
        lambda: b"",
        lambda: rng.choice([b" ", b"\n\n\n", b"\t \r\n", b"\x00" * 50, b"\xef\xbb\xbf"]),
        lambda: digits(rng, rng.choice([6, 99, 5000, 100_000])).encode(),
        lambda: ("12345 " * rng.randint(1, 20000)).encode(),
        lambda: b"x" * rng.randint(10_000, 300_000) + b"\n\n" + doc,
        lambda: mutate(rng, doc),
        lambda: b"> " + doc.replace(b"\n", b"\n> ") + rng.randbytes(rng.randint(0, 9)),
        lambda: b"<html><p>" + doc.replace(b"\n", b"<br>") + b"</p" + rng.choice([b">", b""]),
        lambda: doc.replace(rng.choice(b"0123456789").to_bytes(1, "big"), b"?"),
        lambda: doc + b"\x00" + rng.randbytes(20),
        lambda: b"By " + junk_text(rng, 50).encode("utf-8", "surrogatepass"),
        lambda: ("00000 " * rng.randint(1, 50) + "\n\nBy X").encode(),
    ]
    return rng.choice(makers)()


def bad_book(rng: random.Random, ws: Workspace, name: str = "case.send.pad") -> tuple[str, bytes]:
    """A pad book's path (relative) and what to write there: truncated, byte-flipped,
    foreign, empty, text; or a path that is a folder, missing, the other role."""
    real = ws.read(rng.choice(["s.send.pad", "s.receive.pad"]))
    kind = rng.randrange(9)
    if kind == 0:
        return name, real[: rng.randrange(len(real))]
    if kind in (1, 2):
        return name, mutate(rng, real)
    if kind == 3:
        return name, b""
    if kind == 4:
        return name, junk_text(rng).encode("utf-8", "surrogatepass")
    if kind == 5:
        foreign_sqlite(ws.root / "case.db", rng)
        return name, (ws.root / "case.db").read_bytes()
    if kind == 6:
        return name, real[:100] + rng.randbytes(len(real) - 100)
    return rng.choice(
        [
            "dir",
            "missing.pad",
            "dir/",
            "nofolder/s.send.pad",
            "s.receive.pad",
            "\udcff.pad",
            "a" * 300,
        ]
    ), b""


def with_book(case: Case, book: tuple[str, bytes]) -> Case:
    name, data = book
    if data or name.startswith("case."):
        return Case(case.args, case.stdin, (*case.files, (name, data)))
    return case


def bad_out(rng: random.Random) -> str:
    """An output that cannot be written, or one that must not be overwritten."""
    return rng.choice(
        [
            "missing/out.txt",
            "dir",
            "dir/",
            "missing/deeper/x",
            "/proc/cinq-fuzz/x",
            "a" * 300,
            "a" * 300 + "/x",
            "\udcff/x",
            "doc.txt/x",
            "",
            ".",
            "..",
        ]
    )


def audio_file(rng: random.Random, ws: Workspace) -> bytes:
    """Not a WAV, a broken WAV, or a real short one."""
    real = ws.read("real.wav")
    return rng.choice(
        [
            lambda: rng.randbytes(rng.randint(0, 5000)),
            lambda: real[: rng.randrange(len(real))],
            lambda: mutate(rng, real[:200]) + real[200:],
            lambda: b"RIFF" + rng.randbytes(rng.randint(0, 100)),
            lambda: b"",
            lambda: wav_bytes(
                rng.choice([0.0, 0.01, 0.3]),
                rate=rng.choice([8000, 44100, 3]),
                seed=rng.randrange(99),
            ),
            lambda: junk_text(rng).encode("utf-8", "surrogatepass"),
        ]
    )()


def cases(gen: Gen, ws: Workspace, seed: str, count: int) -> Iterator[tuple[int, Case]]:
    for i in range(count):
        yield i, gen(random.Random(f"{seed}/{i}"), ws)
