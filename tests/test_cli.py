"""The `cinq` command as a user runs it: real files, exit codes, stdin and stdout.

In process through :func:`tests.clirun.cinq` (the console script's own ``run()``); a real
process only where processes are the point (eight encrypting at once)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cinq.book import PadBook
from tests.clirun import cinq
from tests.fixtures import SEED_GROUPS, french_sample

__all__ = ["cinq"]  # other test modules run the CLI through this name

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """A pad pair of 5 pages of 50 groups, made by the library (`pad new` is tested
    on its own)."""
    return PadBook.create_pair(tmp_path / "net", pages=5, groups=50)


def test_pad_new_prints_the_pair_private_to_the_user(tmp_path: Path) -> None:
    r = cinq("pad", "new", tmp_path / "net", "--pages", "5", "--groups", "50")
    assert r.returncode == 0, r.stderr
    send, receive = (Path(p) for p in r.stdout.split())
    assert send.name == "net.send.pad" and receive.name == "net.receive.pad"
    assert send.stat().st_mode & 0o777 == 0o600
    assert receive.stat().st_mode & 0o777 == 0o600
    status = json.loads(cinq("pad", "status", send, "--json").stdout)
    assert (status["role"], status["used"]) == ("send", 0)


def test_encrypt_then_decrypt_through_stdin_and_stdout(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    send, receive = pair
    cover = tmp_path / "cover.txt"
    cover.write_text("Météo : beau temps sur la Bretagne.\n", encoding="utf-8")
    r = cinq(
        "encrypt", "--book", send, "--lang", "fr", "--cover", cover, "--sign", "mrtrv",
        "--per-line", "4", input="Rendez-vous à 7 h, près du café.\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = r.stdout
    assert doc.startswith("Météo : beau temps sur la Bretagne.\n\n")
    assert doc.endswith("\n\nBy mrtrv\n")
    r = cinq("decrypt", "--book", receive, "--lang", "fr", input=doc)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "RENDEZ-VOUS A 7 H, PRES DU CAFE.\n"
    status = json.loads(cinq("pad", "status", receive, "--json").stdout)
    assert status["used"] == 1 and status["role"] == "receive"


def test_exit_codes(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    bad = cinq("encrypt", "--book", send, input="cafe ☃\n")
    assert bad.returncode == 2
    assert "line 1, column 6" in bad.stderr and "U+2603" in bad.stderr
    assert json.loads(cinq("pad", "status", send, "--json").stdout)["used"] == 0
    wrong_role = cinq("encrypt", "--book", receive, input="HELLO\n")
    assert wrong_role.returncode == 3 and "receive" in wrong_role.stderr
    unknown = cinq("decrypt", "--book", receive, input="12345 67890 11111 22222 33333 44444\n")
    assert unknown.returncode == 3
    usage = cinq("encrypt")
    assert usage.returncode == 2
    missing = cinq("pad", "status", "/nonexistent/x.pad")
    assert missing.returncode == 2 and "x.pad" in missing.stderr


def test_parse_json_on_the_reference_sample(tmp_path: Path) -> None:
    text = french_sample()
    r = cinq("parse", "--json", input=text)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["groups"] == list(SEED_GROUPS)
    assert data["signature"] == "mrtrv"
    assert data["cover"].startswith("Le Tramway")
    malformed = text.replace("45006", "45a06")
    r = cinq("parse", input=malformed)
    assert r.returncode == 2 and "column 3" in r.stderr and "'a'" in r.stderr


def test_burn_and_refusal(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    doc = cinq("encrypt", "--book", send, input="HELLO\n").stdout
    indicator = doc.split()[0]
    r = cinq("pad", "burn", receive, indicator)
    assert r.returncode == 0 and indicator in r.stdout
    r = cinq("decrypt", "--book", receive, input=doc)
    assert r.returncode == 3 and "burned" in r.stderr
    r = cinq("pad", "burn", send, "--used")
    assert r.returncode == 0 and indicator in r.stdout
    assert json.loads(cinq("pad", "status", send, "--json").stdout)["burned"] == 1


def test_export_import_round_trip(pair: tuple[Path, Path], tmp_path: Path) -> None:
    send, _ = pair
    exported = tmp_path / "pages.txt"
    r = cinq("pad", "export", send, "--pages", "1-2", "-o", exported)
    assert r.returncode == 0, r.stderr
    assert exported.stat().st_mode & 0o777 == 0o600
    text = exported.read_text()
    assert sum(line.startswith("PAGE ") for line in text.splitlines()) == 2
    # a SEND export makes a send book by default; the pair here is for the round trip
    r = cinq("pad", "import", tmp_path / "paper", exported, "--role", "both")
    assert r.returncode == 0, r.stderr
    doc = cinq("encrypt", "--book", tmp_path / "paper.send.pad", input="DICE\n").stdout
    out = cinq("decrypt", "--book", tmp_path / "paper.receive.pad", input=doc)
    assert out.stdout == "DICE\n"
    # a bad group is reported where it is, and nothing is written
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if line and line[0].isdigit())
    lines[n] = lines[n][:8] + "x" + lines[n][9:]
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines))
    r = cinq("pad", "import", tmp_path / "bad", bad)
    assert r.returncode == 2
    assert f"line {n + 1}, column 9" in r.stderr
    assert not (tmp_path / "bad.send.pad").exists()


def test_board_show_and_list() -> None:
    r = cinq("board", "show", "standard-table-1", "--json")
    data = json.loads(r.stdout)
    assert data["rows"][0]["cells"][:7] == ["CODE", "A", "E", "I", "N", "O", "T"]
    r = cinq("board", "show", "CT-37")
    assert r.returncode == 0 and "FIG" in r.stdout and "CODE" in r.stdout
    assert "RU-1" in cinq("board", "list").stdout
    r = cinq("board", "show", "keyed", "--top", "AT ONE SIR")
    assert r.returncode == 0 and "KEYED" in r.stdout


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    r = cinq("demo", "--out", tmp_path / "d")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "d"
    assert (out / "received.txt").read_text().startswith("RENDEZ-VOUS JEUDI A 14 H 30")
    assert "refused" in r.stdout and "authentication failed" in r.stdout
    assert "BON ANNIVERSAIRE" in r.stdout
    # run twice: the demo starts afresh
    assert cinq("demo", "--out", out).returncode == 0


# -- real processes: eight at once ---------------------------------------------------------


def test_eight_concurrent_encrypt_processes_never_share_a_page(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "busy", pages=60, groups=5)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cinq", "encrypt", "--book", str(send)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )  # a real process each: the point is eight of them holding the book at once
        for _ in range(8)
    ]
    # Messages of one and two pages, all in flight at once.
    texts = [f"MESSAGE NUMBER {i} " + "LONG " * (5 * (i % 2)) for i in range(8)]
    outputs = [p.communicate(t, timeout=120) for p, t in zip(procs, texts, strict=True)]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outputs]
    indicators = [out.split()[0] for out, _ in outputs]
    assert len(set(indicators)) == 8
    status = json.loads(cinq("pad", "status", send, "--json", "--pages").stdout)
    used = [p for p in status["page_list"] if p["state"] == "used"]
    # key digits per message: 5 per cipher group, then 40 for the check groups
    key_digits = [5 * (len(out.split()) - 5) + 40 for out, _ in outputs]
    pages_each = [-(-k // 25) for k in key_digits]
    assert len(used) == sum(pages_each)  # every page of every message, none twice
    assert len(set(pages_each)) > 1  # messages of different lengths were in flight
    assert sorted(p["message_serial"] for p in used if p["page_id"] in indicators) == list(
        range(1, 9)
    )
    # the file is a sound SQLite database, as the sqlite3 shell sees it
    check = subprocess.run(
        ["sqlite3", str(send), "PRAGMA integrity_check"], capture_output=True, text=True
    )
    assert check.stdout.strip() == "ok"
    for (out, _), text in zip(outputs, texts, strict=True):
        got = cinq("decrypt", "--book", receive, input=out)
        assert got.stdout == text + "\n"


@pytest.mark.parametrize("damage", ["truncate", "scribble", "text"])
def test_a_damaged_pad_book_is_a_clear_error(
    pair: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    send, _ = pair
    raw = bytearray(send.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "scribble":  # keep the header, wreck the pages
        raw[4096:] = os.urandom(len(raw) - 4096)
    else:
        raw = bytearray(b"58523 45006\n")
    send.write_bytes(bytes(raw))
    r = cinq("encrypt", "--book", send, input="HELLO\n")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert str(send) in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_altered_message_exit_4_and_nothing_printed(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    doc = cinq("encrypt", "--book", send, input="PAY 100 TO BEARER\n").stdout
    groups = doc.split()
    groups[2] = f"{(int(groups[2]) + 1) % 100000:05d}"
    altered = "\n".join(groups) + "\n"
    r = cinq("decrypt", "--book", receive, input=altered)
    assert r.returncode == 4 and r.stdout == ""
    assert "authentication failed: the message was altered or forged" in r.stderr
    groups = doc.split()
    groups[-1] = f"{(int(groups[-1]) + 1) % 100000:05d}"  # a check group this time
    r = cinq("decrypt", "--book", receive, "--unverified", input="\n".join(groups))
    assert r.returncode == 4 and r.stdout == "PAY 100 TO BEARER\n"
    assert "NOT authentic" in r.stderr
    status = json.loads(cinq("pad", "status", receive, "--json").stdout)
    assert status["used"] == 0  # a failed message marks nothing
    ok = cinq("decrypt", "--book", receive, "--burn", input=doc)
    assert ok.returncode == 0 and ok.stdout == "PAY 100 TO BEARER\n"
    assert "burned" in ok.stderr
    again = cinq("decrypt", "--book", receive, input=doc)
    assert again.returncode == 3 and "burned" in again.stderr


def test_replay_of_a_different_message_is_exit_3(pair: tuple[Path, Path], tmp_path: Path) -> None:
    send, receive = pair
    doc = cinq("encrypt", "--book", send, input="FIRST\n").stdout
    assert cinq("decrypt", "--book", receive, input=doc).returncode == 0
    again = cinq("decrypt", "--book", receive, input=doc)
    assert again.returncode == 0 and "already read" in again.stderr
    indicator = doc.split()[0]
    other = cinq("encrypt", "--book", send, input="SECOND\n").stdout.split()
    replay = "\n".join([indicator, *other[1:]]) + "\n"
    r = cinq("decrypt", "--book", receive, input=replay)
    assert r.returncode == 3 and indicator in r.stderr and "replay" in r.stderr


def test_hand_check_scheme_through_the_cli(pair: tuple[Path, Path]) -> None:
    send, receive = pair
    doc = cinq("encrypt", "--book", send, "--check", "hand", input="BY HAND\n").stdout
    r = cinq("decrypt", "--book", receive, "--check", "hand", input=doc)
    assert r.returncode == 0 and r.stdout == "BY HAND\n"
    assert cinq("encrypt", "--book", send, "--check", "weak", input="X\n").returncode == 2


def test_pad_decoy_command(pair: tuple[Path, Path], tmp_path: Path) -> None:
    send, receive = pair
    doc_file = tmp_path / "doc.txt"
    doc_file.write_text(
        cinq("encrypt", "--book", send, input="THE CODES CHANGE ON MONDAY AT NOON.\n").stdout
    )
    says = tmp_path / "says.txt"
    says.write_text("HAPPY BIRTHDAY, SEE YOU SOON!\n")
    r = cinq("pad", "decoy", "--document", doc_file, "--says", says, "--out", tmp_path / "decoy",
             "--like", receive)  # fmt: skip
    assert r.returncode == 0, r.stderr
    decoy = tmp_path / "decoy.receive.pad"
    assert decoy.stat().st_mode & 0o777 == 0o600
    r = cinq("decrypt", "--book", decoy, doc_file)
    assert r.returncode == 0 and r.stdout == "HAPPY BIRTHDAY, SEE YOU SOON!\n"
    says.write_text("A DECOY MUCH TOO LONG FOR THIS SHORT MESSAGE, WHICH WILL NOT FIT AT ALL\n")
    r = cinq("pad", "decoy", "--document", doc_file, "--says", says, "--out", tmp_path / "d2")
    assert r.returncode == 2 and "characters of the decoy fit" in r.stderr
    assert not (tmp_path / "d2.receive.pad").exists()


def test_print_commands(pair: tuple[Path, Path], tmp_path: Path) -> None:
    send, _ = pair
    r = cinq("print", "blank", "--pages", "2", "--groups", "50", "--paper", "letter",
             "-o", tmp_path / "blank.pdf")  # fmt: skip
    assert r.returncode == 0, r.stderr
    info = subprocess.run(["pdfinfo", str(tmp_path / "blank.pdf")], capture_output=True, text=True)
    assert "612 x 792 pts" in info.stdout and re.search(r"Pages:\s+2\n", info.stdout)
    r = cinq("print", "pads", send, "-o", tmp_path / "p.pdf", "--paper", "B5")
    assert r.returncode == 2 and "B5" in r.stderr and not (tmp_path / "p.pdf").exists()
    r = cinq("print", "pads", send, "-o", tmp_path / "p.pdf", "--board", "CT-37")
    assert r.returncode == 0 and (tmp_path / "p.pdf").stat().st_mode & 0o777 == 0o600
    assert cinq("codebook", "lookup", tmp_path / "missing.json", "123").returncode == 2
