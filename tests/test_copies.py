"""Copies are not depths, and triage's work is bounded (issue 11, problems 13 and 12).

The same broadcast logged twice, or copied by two monitors with a digit or two wrong or
unreadable, is one message heard twice: "2 copies", never "one pad used twice". A real
reuse of one page for two different messages is still a depth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cinq.analysis.intercepts import InterceptLog
from cinq.analysis.triage import (
    MAX_CHARS,
    MAX_GROUPS,
    MAX_MESSAGES,
    copies,
    copy_sets,
    depths,
    triage,
)
from cinq.book import PadBook
from cinq.checkerboard import MAX_TEXT_CHARS
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


def test_identical_copies_are_copies_not_a_depth(message: tuple[str, ...]) -> None:
    assert depths([message, message]) == []
    (c,) = copies([message, message])
    assert (c.first, c.second, c.differing) == (0, 1, 0)


def test_near_identical_copies_are_copies_not_a_depth(message: tuple[str, ...]) -> None:
    wrong = str((int(message[3][1]) + 1) % 10)
    other = miscopied(message, (3, 1, wrong), (5, 0, "?"), (6, 4, "?"))
    assert depths([message, other]) == []
    (c,) = copies([message, other])
    assert c.differing == 1 and c.compared == 5 * len(message) - 2


def test_a_real_reuse_of_the_page_is_still_a_depth(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=10, groups=40)
    code, one, _ = run("encrypt", "--book", send, input="THE MEETING IS MOVED TO THURSDAY\n")
    assert code == 0
    code, two, _ = run("encrypt", "--book", send, input="BRING THE DOCUMENTS AND THE MONEY\n")
    assert code == 0
    # Another message sent under the first one's page ID: the classic reuse.
    other = (one.split()[0], *two.split()[1:])
    found = depths([tuple(one.split()), other])
    assert len(found) == 1 and "same indicator" in found[0].reason
    assert copies([tuple(one.split()), other]) == []


def test_triage_of_a_log_reports_copies_and_no_depth(
    message: tuple[str, ...], tmp_path: Path
) -> None:
    log = tmp_path / "log.sqlite"
    with InterceptLog.open(log) as il:
        il.add("E11", message, when="2026-11-20T18:00:00Z", khz=5310)
        il.add("E11", miscopied(message, (4, 2, "?")), when="2026-11-20T18:00:00Z", khz=6840)
    code, out, err = run("triage", "--intercepts", log, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["depths"] == []
    assert [(c["first"], c["second"], c["differing"]) for c in data["copies"]] == [(1, 2, 0)]
    code, out, err = run("triage", "--intercepts", log)
    assert code == 0, err
    assert "messages 1 and 2 are 2 copies of one message" in out
    assert "one pad used twice" not in out


def test_three_copies_are_one_set(message: tuple[str, ...], tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite"
    with InterceptLog.open(log) as il:
        for khz in (5310, 6840, 7660):
            il.add("E11", message, when="2026-11-20T18:00:00Z", khz=khz)
    code, out, err = run("triage", "--intercepts", log, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["depths"] == [] and data["copy_sets"] == [[1, 2, 3]]
    code, out, _ = run("triage", "--intercepts", log)
    assert "messages 1, 2 and 3 are 3 copies of one message" in out.replace("\n", " ")


# -- bounds ---------------------------------------------------------------------------------


def test_triage_of_a_huge_document_is_bounded_and_says_so() -> None:
    line = "58523 45006 90803 12345 56530 93701 11111 22222 33333 44444\n"
    text = line * (3 * MAX_GROUPS // 10)
    t = triage(text)
    assert len(t.groups) == MAX_GROUPS and t.total_groups == 3 * MAX_GROUPS
    assert f"only the first {MAX_GROUPS} of {3 * MAX_GROUPS} groups were analysed" in t.verdict
    assert t.to_json()["truncated"] is True


def test_depth_search_refuses_too_many_messages_before_any_work() -> None:
    msgs = [("12345", "67890")] * (MAX_MESSAGES + 1)
    with pytest.raises(BadInput, match=f"at most {MAX_MESSAGES}"):
        depths(msgs)
    with pytest.raises(BadInput, match=f"at most {MAX_MESSAGES}"):
        copies(msgs)


def test_encoding_a_huge_text_is_refused_before_any_work(tmp_path: Path) -> None:
    send, _ = PadBook.create_pair(tmp_path / "net", pages=2, groups=10)
    text = "Le cafe est tres bon! " * (MAX_TEXT_CHARS // 22 + 1)  # one over, within 16 MiB
    code, out, err = run("encrypt", "--book", send, "--fold", input=text)
    assert code == 2 and out == "" and f"at most {MAX_TEXT_CHARS:,} can be encoded" in err


def test_triage_refuses_a_text_over_its_limit_before_parsing() -> None:
    text = "58523 " * (MAX_CHARS // 6 + 1)
    with pytest.raises(BadInput, match="triage reads at most"):
        triage(text)


def test_copy_sets_join_pairs_that_share_a_message(message: tuple[str, ...]) -> None:
    other = ("12345",) * len(message)
    found = copies([message, other, message, other, message])
    assert copy_sets(found) == [(0, 2, 4), (1, 3)]
