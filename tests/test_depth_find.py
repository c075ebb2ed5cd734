"""``depth find``: planted depths are found at the right offset, random logs give none,
copies are copies, the count of tests behind the threshold is exact, and Dask gives
the same answer as one process."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.checkerboard import BOARDS
from cinq.depth.find import (
    BUDGET,
    DepthReport,
    Variant,
    count_tests,
    find,
    threshold,
)
from cinq.depth.screen import GROUP, screen, weights_for
from cinq.depth.stream import stream
from cinq.errors import BadInput
from cinq.language import Policy, encode
from tests.clirun import cinq

CT55 = BOARDS["CT-55"]
# Plain running prose: two different texts, so the depth is two plaintexts, not one.
PROSE = (
    "THE COMMITTEE WILL MEET ON TUESDAY TO DISCUSS THE NEW BUDGET AND THE ROADS OF THE "
    "CITY. THE MAYOR SAID THAT THE WORK WOULD START IN THE SPRING AND THAT THE PEOPLE OF "
    "THE TOWN WOULD HAVE A SAY IN IT WHEN THE PLANS ARE READY FOR THEM TO SEE",
    "WEATHER TOMORROW WILL BE COLD WITH RAIN IN THE NORTH AND SNOW ON THE HILLS. IN THE "
    "SOUTH THE DAY WILL BE DRY AND BRIGHT WITH A LIGHT WIND FROM THE WEST AND THE NIGHT "
    "WILL BE CLEAR AND VERY COLD FOR THE TIME OF YEAR IN MOST PLACES",
)


def groups_of(digits: np.ndarray) -> list[str]:
    text = "".join(str(int(d)) for d in digits)
    return [text[i : i + GROUP] for i in range(0, len(text) - GROUP + 1, GROUP)]


def random_log(rng: np.random.Generator, messages: int, groups: int) -> list[list[str]]:
    return [groups_of(rng.integers(0, 10, GROUP * groups)) for _ in range(messages)]


def planted(rng: np.random.Generator, groups: int, shift: int) -> tuple[list[str], list[str]]:
    """Two messages on one key, the first ``shift`` groups ahead of the second, each
    with its own indicator in clear, and a few digits nobody could read."""
    key = rng.integers(0, 10, GROUP * (groups + shift))
    plain = [np.asarray(encode(t, CT55, "en", Policy.FOLD)) for t in PROSE]
    first = (plain[0][: len(key)] - key) % 10
    second = (plain[1][: GROUP * groups] - key[GROUP * shift :]) % 10
    out = []
    for digits in (first, second):
        g = groups_of(digits)
        g[3] = g[3][:2] + "?" + g[3][3:]
        out.append([groups_of(rng.integers(0, 10, GROUP))[0], *g])
    return out[0], out[1]


# -- the count of tests ------------------------------------------------------------------


def brute_count(lengths: list[int], max_offset: int) -> int:
    n = 0
    for skip in (0, GROUP):
        for a in range(len(lengths)):
            for b in range(len(lengths)):
                for g in range(max_offset + 1):
                    if a == b or (g == 0 and a > b):
                        continue
                    if min(lengths[a] - skip - GROUP * g, lengths[b] - skip) > 0:
                        n += 1
    return n


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=8), st.integers(0, 14))
def test_every_test_with_an_overlap_is_counted(lengths: list[int], max_offset: int) -> None:
    assert count_tests(lengths, max_offset) == brute_count(lengths, max_offset)


def test_threshold_is_the_union_bound() -> None:
    assert threshold(10**6, 0.01) == pytest.approx(math.log(1e8))
    assert threshold(0) == pytest.approx(math.log(100))  # never below ln(1/alpha)
    # e^-t per test, M tests: alpha expected false depths in all
    assert 10**6 * math.exp(-threshold(10**6, 0.01)) == pytest.approx(0.01)


# -- finding -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted_log() -> tuple[list[list[str]], list[str]]:
    rng = np.random.default_rng(2026)
    log = random_log(rng, 5, 41)
    ahead, behind = planted(rng, 40, 1)
    log[1], log[4] = behind, ahead
    return log, ["m-a", "m-b", "m-c", "m-d", "m-e"]


@pytest.fixture(scope="module")
def planted_report(planted_log: tuple[list[list[str]], list[str]]) -> DepthReport:
    log, ids = planted_log
    return find(log, ids=ids, boards=[CT55], offsets=2)


def test_a_planted_depth_is_found_at_its_offset(
    planted_log: tuple[list[list[str]], list[str]], planted_report: DepthReport
) -> None:
    """Two messages on one key, one group apart, each with its own indicator in clear
    and an unreadable digit: found, the right one ahead, the body reading best."""
    r = planted_report
    assert [d.messages for d in r.depths] == [("m-e", "m-b")]
    d = r.depths[0]
    assert d.offset.groups == 1 and d.offset.ahead == "m-e"
    assert d.variant is Variant.BODY and d.board == "CT-55"
    assert d.llr >= r.threshold and d.false_alarm == pytest.approx(r.tests * math.exp(-d.llr))
    assert not d.same_indicator and d.heard_as == (("m-e",), ("m-b",))
    lengths = [GROUP * len(m) for m in planted_log[0]]
    assert r.tests == count_tests(lengths, 2) and r.threshold == threshold(r.tests)
    assert 0 < r.tested == r.passed <= r.tests and r.budget == BUDGET and not r.budget_hit
    assert f"{r.passed:,} passed the screen, {r.tested:,} fully tested" in r.summary()
    assert "budget" not in r.summary()
    shape = json.loads(json.dumps(r.to_json()))
    assert set(shape) == {"depths", "copies", "search"} and shape["copies"] == []
    assert shape["search"]["budget_hit"] is False and shape["search"]["budget"] == BUDGET
    assert shape["search"]["fully_tested"] == r.tested
    found = shape["depths"][0]
    assert found["messages"] == ["m-e", "m-b"]
    assert found["offset"] == {"groups": 1, "digits": 5, "ahead": "m-e"}
    assert found["first_group"] == "body" and 0 < found["false_alarm"] < 0.01


def test_a_budget_keeps_the_threshold_and_spends_on_the_likeliest(
    planted_log: tuple[list[list[str]], list[str]], planted_report: DepthReport
) -> None:
    """With a budget of full tests, the pairs and offsets of strongest screen evidence
    get them: the planted depth is found exactly when the budget reaches its rank. The
    threshold is unchanged (every test still counts)."""
    log, ids = planted_log
    w = weights_for(CT55)
    passed = screen([stream(m) for m in log], w, [0, 1, 2])
    evidence = w.evidence(passed.score, passed.windows)
    planted_at = [
        k
        for k in range(len(passed))
        if (passed.ahead[k], passed.behind[k], passed.offset[k]) == (4, 1, 1)
    ]
    rank = int((evidence > evidence[planted_at[0]]).sum())  # pairs and offsets before it
    for keep, found in ((rank + 1, True), (max(rank, 1), rank == 0)):
        r = find(log, ids=ids, boards=[CT55], offsets=2, budget=2 * keep)
        assert r.tested == 2 * keep < planted_report.tested
        assert (r.tests, r.threshold) == (planted_report.tests, planted_report.threshold)
        assert r.passed == planted_report.passed and r.budget_hit
        assert (r.depths == planted_report.depths) == found
    everything = find(log, ids=ids, boards=[CT55], offsets=2, budget=None)
    # the default budget was not reached here: the same tests, only the budget differs
    assert (everything.depths, everything.tested, everything.best) == (
        planted_report.depths,
        planted_report.tested,
        planted_report.best,
    )


def test_a_long_depth_is_found_on_a_budget_and_the_summary_says_it_was_hit() -> None:
    """A depth of 60 groups among random messages: the screen rates it among the
    likeliest, so a budget far below what passes still finds it, and the report says
    that the budget limited recall."""
    rng = np.random.default_rng(11)
    log = random_log(rng, 14, 30)
    ahead, behind = planted(rng, 60, 2)
    log[3], log[9] = ahead, behind
    r = find(log, boards=[CT55], offsets=2, budget=16)
    assert [(d.messages, d.offset.groups) for d in r.depths] == [(("4", "10"), 2)]
    assert r.tested == 16 < r.passed and r.budget_hit
    assert "budget of 16 full tests hit: recall limited" in r.summary()
    search = r.to_json()["search"]
    assert search["budget_hit"] is True and search["passed_screen"] == r.passed  # type: ignore[index]


def test_the_same_indicator_is_evidence_beside_a_depth() -> None:
    """Reported with the depth; and the same indicator alone is no depth."""
    rng = np.random.default_rng(7)
    a, b = planted(rng, 40, 1)
    b[0] = a[0]
    lone = random_log(rng, 2, 41)
    lone[1][0] = lone[0][0]
    r = find([a, b, *lone], boards=[CT55], offsets=1)
    assert [(d.messages, d.same_indicator) for d in r.depths] == [(("1", "2"), True)]


def test_a_random_log_gives_no_depth() -> None:
    """Random messages: nothing found, and chance came nowhere near the threshold."""
    r = find(random_log(np.random.default_rng(3), 6, 30), boards=[CT55], offsets=1)
    assert r.depths == () and r.copies == ()
    assert r.best is not None and r.best < r.threshold
    assert r.tests == count_tests([150] * 6, 1)


def test_copies_are_copies_and_not_depths() -> None:
    """A message heard twice (a digit misheard, one unreadable) is one copy set and no
    depth; the tests are counted over the merged log."""
    rng = np.random.default_rng(4)
    log = random_log(rng, 4, 30)
    copy = list(log[1])
    copy[5] = "?" + copy[5][1:]
    copy[9] = copy[9][:4] + str((int(copy[9][4]) + 1) % 10)
    log.append(copy)
    r = find(log, ids=["a", "b", "c", "d", "b-again"], boards=[CT55], offsets=0)
    assert r.depths == ()
    assert [c.members for c in r.copies] == [(1, 4)]
    assert r.to_json()["copies"][0]["members"] == ["b", "b-again"]  # type: ignore[index]
    assert r.tests == count_tests([150] * 4, 0)


def test_dask_gives_the_same_answer(
    planted_log: tuple[list[list[str]], list[str]], planted_report: DepthReport
) -> None:
    """The same job on a LocalCluster of two workers: the same depths, scores, tests."""
    log, ids = planted_log
    on_dask = find(log, ids=ids, boards=[CT55], offsets=2, workers=2)
    assert on_dask == planted_report


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"ids": ["x"]}, "1 ids for 2 messages"),
        ({"ids": ["x", "x"]}, "same id"),
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": float("nan")}, "alpha"),
        ({"offsets": -1}, "offsets"),
        ({"workers": 0}, "workers"),
        ({"budget": 0}, "budget"),
        ({"scheduler": "not an address"}, "scheduler"),
    ],
)
def test_bad_options_are_named(kwargs: dict[str, object], says: str) -> None:
    with pytest.raises(BadInput, match=says):
        find([["12345"], ["67890"]], **kwargs)  # type: ignore[arg-type]


def test_a_bad_group_is_named() -> None:
    with pytest.raises(BadInput, match="12a45"):
        find([["12345", "12a45"], ["67890"]])


def test_one_message_is_nothing_to_test() -> None:
    r = find([["12345", "67890"]], workers=3)  # no cluster is started for no work
    assert r.tests == 0 and r.depths == () and r.best is None


# -- the command -------------------------------------------------------------------------


def test_the_command_reads_a_log(
    tmp_path: Path, planted_log: tuple[list[list[str]], list[str]]
) -> None:
    log, ids = planted_log
    lines = [json.dumps({"id": i, "groups": g}) for i, g in zip(ids, log, strict=True)]
    lines.append(json.dumps({"id": "again", "groups": log[2]}))
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "log.db"
    assert cinq("intercepts", "import", db, tmp_path / "log.jsonl").returncode == 0
    done = cinq("depth", "find", db, "--board", "ct-55", "--offsets", "1", "--json")
    assert done.returncode == 0, done.stderr
    shape = json.loads(done.stdout)
    assert [d["messages"] for d in shape["depths"]] == [["m-e", "m-b"]]
    assert [c["members"] for c in shape["copies"]] == [["m-c", "again"]]
    shown = cinq("depth", "find", db, "--board", "CT-55", "--offsets", "1")
    assert shown.returncode == 0 and "m-e + m-b" in shown.stdout and "m-c, again" in shown.stdout
    assert "1 depth(s), 1 copy set(s)" in shown.stdout
    assert "fully tested" in shown.stdout and "budget" not in shown.stdout
    tight = cinq("depth", "find", db, "--board", "CT-55", "--offsets", "1", "--budget", "2")
    assert tight.returncode == 0 and "budget of 2 full tests hit" in tight.stdout
    every = cinq("depth", "find", db, "--board", "CT-55", "--offsets", "1", "--budget", "ALL")
    assert every.returncode == 0 and "m-e + m-b" in every.stdout
    for bad in ("0", "many"):
        refused = cinq("depth", "find", db, "--budget", bad)
        assert refused.returncode == 2 and bad in refused.stderr
    missing = cinq("depth", "find", tmp_path / "none.db")
    assert missing.returncode == 2 and "none.db" in missing.stderr


def test_the_command_defaults_to_the_library_budget() -> None:
    """``--budget``'s default is :data:`BUDGET` (the CLI does not import the library
    to say so, so the two are checked here)."""
    import inspect

    from cinq.cli.depth import find_cmd

    assert inspect.signature(find_cmd).parameters["budget"].default == str(BUDGET)
