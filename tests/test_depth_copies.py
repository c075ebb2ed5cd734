"""Copies of one message are grouped and merged by a vote; random messages never are
(cinq.depth.copies, issue 13 part 1)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq.depth.copies import (
    CopySet,
    find_copies,
    merged_messages,
    threshold,
)
from cinq.errors import BadInput

Message = tuple[str, ...]


def random_message(rng: np.random.Generator, n: int) -> Message:
    digits = rng.integers(0, 10, (n, 5))
    return tuple("".join(map(str, row)) for row in digits)


def misheard(
    rng: np.random.Generator, message: Message, digits: int, keep: frozenset[int] = frozenset()
) -> list[str]:
    """``digits`` digits of ``message`` read wrong (each a different digit), none in
    the groups ``keep``."""
    out = list(message)
    free = [g for g in range(len(out)) if g not in keep]
    for _ in range(digits):
        g, f = free[int(rng.integers(len(free)))], int(rng.integers(5))
        wrong = str((int(out[g][f]) + int(rng.integers(1, 10))) % 10)
        out[g] = out[g][:f] + wrong + out[g][f + 1 :]
    return out


def unreadable(
    rng: np.random.Generator, groups: list[str], rate: float, keep: frozenset[int] = frozenset()
) -> Message:
    """Each digit of ``groups`` unreadable with probability ``rate``, none in ``keep``."""
    return tuple(
        g if n in keep else "".join("?" if rng.random() < rate else c for c in g)
        for n, g in enumerate(groups)
    )


seeds = st.integers(0, 2**32 - 1)
NEVER = 1e-9  # expected false copies in a log: never, in any number of test runs


@given(seeds, st.integers(2, 5), st.integers(5, 60), st.floats(0.0, 0.1))
def test_copies_with_misheard_and_unreadable_digits_are_one_set_and_the_vote_recovers(
    seed: int, copies: int, length: int, rate: float
) -> None:
    rng = np.random.default_rng(seed)
    original = random_message(rng, length)
    others = [random_message(rng, int(rng.integers(1, 60))) for _ in range(5)]
    # Two groups every copy read right: what the index needs to pair them (a copy
    # that shares fewer clean groups with every other is found only if short).
    first = int(rng.integers(1, length - 1))  # (agreeing indicators count for nothing)
    keep = frozenset({first, first + 1})
    heard = [unreadable(rng, misheard(rng, original, int(rng.integers(0, 4)), keep), rate, keep)
             for _ in range(copies)]  # fmt: skip
    (found,) = find_copies(others[:2] + heard + others[2:])
    assert found.members == tuple(range(2, 2 + copies))
    assert len(found.merged) == length and found.extra == (0,) * copies
    # Every digit a strict majority of the copies read right is voted right; no digit
    # is ever voted wrong unless a majority of the readers read it wrong.
    merged, truth = "".join(found.merged), "".join(original)
    reads = np.array([list("".join(h)) for h in heard])
    for k, (got, want) in enumerate(zip(merged, truth, strict=True)):
        right = int((reads[:, k] == want).sum())
        readers = int((reads[:, k] != "?").sum())
        if 2 * right > copies:
            assert got == want
        elif got not in ("?", want):
            assert 2 * right <= readers
    disagree = sum(len(set(reads[:, k]) - {"?"}) > 1 for k in range(len(truth)))
    assert found.disagreeing == disagree


@given(seeds, st.integers(8, 60), st.sampled_from(["drop", "double", "both"]))
def test_a_dropped_or_doubled_group_is_mended_from_the_other_copies(
    seed: int, length: int, fault: str
) -> None:
    rng = np.random.default_rng(seed)
    original = random_message(rng, length)
    faulty = list(original)
    dropped = int(rng.integers(length))
    if fault in ("drop", "both"):
        del faulty[dropped]
    doubled = int(rng.integers(len(faulty)))
    if fault in ("double", "both"):
        faulty.insert(doubled, faulty[doubled])
    # The third copy mishears a digit the faulty copy holds: two readers against one.
    mishear = frozenset({dropped}) if fault != "double" else frozenset()
    heard = [original, tuple(faulty), tuple(misheard(rng, original, 1, mishear))]
    (found,) = find_copies(heard)
    assert found.members == (0, 1, 2) and found.merged == original
    for member, missing, extra in zip(heard, found.missing, found.extra, strict=True):
        assert len(member) == len(found.merged) - missing + extra
    if fault != "both":  # (both at one place may also read as one misheard group)
        assert found.missing[1] == (fault == "drop")
        assert found.extra == (0, int(fault == "double"), 0)
        assert found.summary() == "3 copies, 1 disagreeing digit"


@given(seeds, st.integers(2, 60))
def test_random_messages_are_never_copies(seed: int, count: int) -> None:
    rng = np.random.default_rng(seed)
    log = [random_message(rng, int(rng.integers(1, 80))) for _ in range(count)]
    # At the default alpha a log has up to 0.01 expected false copies (the bound is
    # nearly reached on small logs: one group read alike); thousands of examples need
    # a bound that cannot be reached by chance in any of them.
    assert find_copies(log, alpha=NEVER) == ()


@given(seeds, st.integers(1, 60))
def test_messages_that_merely_share_their_indicator_are_not_copies(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    indicator = random_message(rng, 1)
    log = [indicator + random_message(rng, int(rng.integers(0, n))) for _ in range(4)]
    assert find_copies(log, alpha=NEVER) == ()


def test_a_shared_indicator_adds_nothing_even_to_short_messages() -> None:
    # Two groups each, the first the same: a short pair is aligned on one shared group,
    # and an indicator read alike would score 11.4 nats against a threshold of 7.
    log = [("12345", "67890"), ("12345", "24680"), ("12345", "67890")]
    assert threshold([2, 2, 2]) < 8
    (found,) = find_copies(log)
    assert found.members == (0, 2)  # the same second group too: copies


def test_a_stretch_shared_by_chance_is_no_copy_but_a_truncated_copy_is() -> None:
    rng = np.random.default_rng(45)
    log = [random_message(rng, 50) for _ in range(100)]
    # Two adjacent groups shared by chance, as seen once in a random log of 100 messages:
    # 22.8 nats against a threshold of 20.9, but over 2 of 50 groups.
    log[90] = log[90][:34] + log[45][3:5] + log[90][36:]
    late = log[7][20:]  # a logger who tuned in late: the last 30 groups
    found = find_copies([*log, late])
    assert [s.members for s in found] == [(7, 100)]
    assert found[0].merged == log[7] and found[0].missing == (0, 20)


def test_a_log_of_two_thousand_random_messages_has_no_copies() -> None:
    rng = np.random.default_rng(2026)
    log = [random_message(rng, 50) for _ in range(2_000)]
    assert find_copies(log) == ()
    # The threshold grows with the log: about 3 clean groups read alike at 20,000.
    assert 31 < threshold([50] * 20_000) < 32 and threshold([50] * 2) < 13


def test_short_copies_are_found_and_many_copies_of_one_message_too() -> None:
    rng = np.random.default_rng(5)
    short = random_message(rng, 3)
    fill = ("00000",) * 4
    many = random_message(rng, 20)
    log = [short, *(fill + random_message(rng, 10) for _ in range(100)), short]
    log += [many] * 150  # more holders of each group than the index pairs all of
    found = find_copies(log)
    assert [s.members for s in found] == [(0, 101), tuple(range(102, 252))]
    assert found[1].merged == many and found[1].disagreeing == 0


def test_groups_nobody_read_are_unknown_in_the_merge() -> None:
    rng = np.random.default_rng(8)
    original = random_message(rng, 12)
    a = ("?????", *original[1:])
    b = ("?????", *original[1:3], "?" + original[3][1] + "?" + original[3][3:], *original[4:])
    (found,) = find_copies([a, b])
    assert found.merged == a and found.unknown == 5 and found.disagreeing == 0


def test_the_set_serialises_itself_with_ids_or_positions() -> None:
    rng = np.random.default_rng(3)
    m = random_message(rng, 10)
    other = (m[0], m[1][:2] + str((int(m[1][2]) + 1) % 10) + m[1][3:], *m[2:])
    found = find_copies([random_message(rng, 10), m, other, m[:7] + m[8:]])
    (s,) = found
    assert s.summary() == "3 copies, 1 disagreeing digit"
    data = json.loads(json.dumps(s.to_json(["a", "b", "c", "d"])))
    assert data["members"] == ["b", "c", "d"] and data["copies"] == 3
    assert data["merged"] == list(m) and data["disagreeing_digits"] == 1
    assert data["per_member"][2] == {"id": "d", "groups_missing": 1, "groups_extra": 0}
    assert s.to_json()["members"] == [1, 2, 3]
    assert CopySet((0, 1), ("12345",), 2, ((0,), (0,)), (0, 0)).summary() == (
        "2 copies, 2 disagreeing digits"
    )


def test_merged_messages_stand_for_their_copies() -> None:
    rng = np.random.default_rng(4)
    a, b = random_message(rng, 10), random_message(rng, 10)
    log = [b, a, a, random_message(rng, 3), b]
    found = find_copies(log)
    messages, stands_for = merged_messages(log, found)
    assert messages == [b, a, log[3]] and stands_for == [(0, 4), (1, 2), (3,)]
    assert merged_messages(log, ()) == (log, [(n,) for n in range(5)])


@pytest.mark.parametrize(
    ("log", "where"),
    [
        ([("12345",), ("12345", "1234")], "message 2, group 2"),
        ([("12a45",)], "message 1, group 1"),
        ([("12345", "١٢٣٤٥")], "message 1, group 2"),
        ([("12345", 12345)], "message 1, group 2"),
    ],
)
def test_a_bad_group_is_named(log: list[tuple[object, ...]], where: str) -> None:
    with pytest.raises(BadInput, match=where):
        find_copies(log)  # type: ignore[arg-type]


def test_empty_logs_and_messages() -> None:
    assert find_copies([]) == () and find_copies([(), ()]) == ()
    assert find_copies([("?????",), ("?????",)]) == ()
