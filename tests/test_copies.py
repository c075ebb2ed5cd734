"""Copies are not depths, and triage's work is bounded (issues 11 and 13).

The same broadcast logged twice, or copied by two monitors with a digit or two wrong or
unreadable, is one message heard twice: "2 copies", never "one pad used twice"
(:mod:`cinq.depth.copies`, what ``cinq triage --intercepts`` reports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cinq.analysis.intercepts import InterceptLog
from cinq.analysis.triage import MAX_CHARS, MAX_GROUPS, triage
from cinq.book import PadBook
from cinq.checkerboard import MAX_TEXT_CHARS
from cinq.depth.copies import find_copies
from cinq.errors import BadInput
from tests.clirun import cinq as run_cli


def run(*args: str | Path, input: str | None = None) -> tuple[int, str, str]:
    """``cinq ARGS`` in process, through the console script's ``run()``."""
    r = run_cli(*args, input=input)
    return r.returncode, r.stdout, r.stderr


@pytest.fixture
def message(tmp_path: Path) -> tuple[str, ...]:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=10, groups=40)
    code, out, err = run("encrypt", "--book", send, input="THE MEETING IS MOVED TO THURSDAY\n")
    assert code == 0, err
    return tuple(out.split())


def miscopied(groups: tuple[str, ...], *where: tuple[int, int, str]) -> tuple[str, ...]:
    out = list(groups)
    for g, f, c in where:
        out[g] = out[g][:f] + c + out[g][f + 1 :]
    return tuple(out)


def triage_log(log: Path) -> tuple[dict[str, Any], str]:
    """``cinq triage --intercepts LOG`` as JSON and as text (one board: fast)."""
    code, out, err = run("triage", "--intercepts", log, "--board", "CT-55", "--json")
    assert code == 0, err
    code, text, err = run("triage", "--intercepts", log, "--board", "CT-55")
    assert code == 0, err
    return json.loads(out), " ".join(text.split())


def test_near_identical_copies_are_copies_not_a_depth(
    message: tuple[str, ...], tmp_path: Path
) -> None:
    wrong = str((int(message[3][1]) + 1) % 10)
    other = miscopied(message, (3, 1, wrong), (5, 0, "?"), (6, 4, "?"))
    log = tmp_path / "log.sqlite"
    with InterceptLog.open(log) as il:
        il.add("E11", message, when="2026-11-20T18:00:00Z", khz=5310)
        il.add("E11", other, when="2026-11-20T18:00:00Z", khz=6840)
    data, text = triage_log(log)
    assert data["depths"] == []
    (copies,) = data["copies"]
    assert copies["members"] == ["1", "2"] and copies["disagreeing_digits"] == 1
    # Two copies that disagree on a digit: the vote cannot choose, the merge says "?".
    assert copies["merged"] == list(miscopied(message, (3, 1, "?")))
    assert "messages 1 and 2: 2 copies, 1 disagreeing digit;" in text
    assert "one pad used twice" not in text


def test_three_copies_are_one_set(message: tuple[str, ...], tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite"
    with InterceptLog.open(log) as il:
        for khz in (5310, 6840, 7660):
            il.add("E11", message, when="2026-11-20T18:00:00Z", khz=khz, label=f"kHz-{khz}")
    data, text = triage_log(log)
    assert data["depths"] == []
    assert [c["members"] for c in data["copies"]] == [["kHz-5310", "kHz-6840", "kHz-7660"]]
    assert "messages kHz-5310, kHz-6840 and kHz-7660: 3 copies, 0 disagreeing digits" in text


def test_another_message_on_the_same_page_is_no_copy(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=10, groups=40)
    code, one, _ = run("encrypt", "--book", send, input="THE MEETING IS MOVED TO THURSDAY\n")
    assert code == 0
    code, two, _ = run("encrypt", "--book", send, input="BRING THE DOCUMENTS AND THE MONEY\n")
    assert code == 0
    # Another message sent under the first one's page ID: the classic reuse.
    other = (one.split()[0], *two.split()[1:])
    assert find_copies([tuple(one.split()), other]) == ()


# -- bounds ---------------------------------------------------------------------------------


def test_triage_of_a_huge_document_is_bounded_and_says_so() -> None:
    line = "58523 45006 90803 12345 56530 93701 11111 22222 33333 44444\n"
    text = line * (3 * MAX_GROUPS // 10)
    t = triage(text)
    assert len(t.groups) == MAX_GROUPS and t.total_groups == 3 * MAX_GROUPS
    assert f"only the first {MAX_GROUPS} of {3 * MAX_GROUPS} groups were analysed" in t.verdict
    assert t.to_json()["truncated"] is True


def test_encoding_a_huge_text_is_refused_before_any_work(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=2, groups=10)
    text = "Le cafe est tres bon! " * (MAX_TEXT_CHARS // 22 + 1)  # one over, within 16 MiB
    code, out, err = run("encrypt", "--book", send, "--fold", input=text)
    assert code == 2 and out == "" and f"at most {MAX_TEXT_CHARS:,} can be encoded" in err


def test_triage_refuses_a_text_over_its_limit_before_parsing() -> None:
    text = "58523 " * (MAX_CHARS // 6 + 1)
    with pytest.raises(BadInput, match="triage reads at most"):
        triage(text)
