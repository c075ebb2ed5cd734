"""The decoder on its own: words (as the recogniser would hear them) to the copy.

The words come from a broadcast's timeline (what was said when), with the changes a real
recording brings: a tape running fast or slow, a late start, an early end, words the
recogniser missed or made up, figures it was unsure of. The recogniser itself is tested
elsewhere; here the timing, the call-up, the passes and the vote are.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.radio import profiles, synth, timing, vote
from cinq.radio.decode import decode
from cinq.radio.profiles import Profile
from cinq.radio.words import Word

GROUPS = ("47318", "51182", "75516", "95046", "03485", "14415", "82294", "94864")


def heard(
    tx: synth.Transmission,
    *,
    seed: int = 0,
    sure: float = 0.9995,
    speed: float = 1.0,
    start: float = 0.0,
    end: float = np.inf,
    jitter: float = 0.015,
) -> list[Word]:
    """The words of ``tx`` as a recogniser would give them: each digit ``sure`` of
    itself, times a little off, the tape ``speed`` times too fast, the recording from
    ``start`` to ``end`` seconds (of the tape as played)."""
    rng = np.random.default_rng(seed)
    words = []
    for e in tx.timeline:
        if e.kind not in ("digit", "word"):
            continue
        probs = np.full(11, (1 - sure) / 10)
        probs[int(e.text) if e.kind == "digit" else 10] = sure
        a, b = e.start / speed + rng.normal(0, jitter), e.end / speed + rng.normal(0, jitter)
        if start <= a and b <= end:
            words.append(Word(a - start, max(b - start, a - start), probs))
    return words


@pytest.fixture(scope="module")
def e11() -> synth.Transmission:
    return synth.broadcast(GROUPS, profiles.load("E11"), station_id="472")


@pytest.fixture(scope="module")
def s06() -> synth.Transmission:
    return synth.broadcast(GROUPS, profiles.load("S06"), station_id="472")


@pytest.mark.parametrize("speed", [1.0, 0.97, 1.05])
def test_every_station_copied_exactly_at_any_tape_speed(
    e11: synth.Transmission, s06: synth.Transmission, speed: float
) -> None:
    for tx in (e11, s06):
        rec = decode(heard(tx, speed=speed, seed=3), tx.profile)
        assert rec.groups == GROUPS and rec.station_id == "472" and rec.count == len(GROUPS)
        assert rec.clean
        said = [n for n in rec.notes if n.startswith("tape about")]
        if speed == 1.0:
            assert not said
            continue
        way = "fast" if speed > 1 else "slow"
        assert said and said[0].endswith(f"{way} (pauses between groups measured)")
        percent = int(said[0].split()[2])
        assert abs(percent - round(abs(speed - 1) * 100)) <= 1


def test_a_late_start_reads_the_first_groups_from_the_second_reading(
    e11: synth.Transmission,
) -> None:
    late = 0.35 * e11.seconds  # the call-up and the first groups of reading 1 missed
    rec = decode(heard(e11, start=late), e11.profile)
    assert rec.groups == GROUPS and rec.clean
    assert any(n.startswith("the recording starts at group") for n in rec.notes)
    # Later still: the whole first reading missed, the second complete.
    gone = next(e.end for e in e11.timeline if e.kind == "group" and e.text == GROUPS[-1])
    rec = decode(heard(e11, start=gone + 0.1), e11.profile)
    assert rec.groups == GROUPS and rec.clean
    assert "the recording starts in reading 2 of the message" in rec.notes


def test_a_group_heard_once_is_written_only_when_the_count_checks_the_copy(
    e11: synth.Transmission,
) -> None:
    # The recording starts in reading 1 (its first groups heard only in reading 2) and
    # the second call-up is heard once, not twice: its count, said by one call-up, is
    # not read, and nothing checks where the passes were laid -- a group heard once is
    # marked, one heard three times is written.
    late = 0.35 * e11.seconds
    second = [e for e in e11.timeline if e.kind == "callup"][1]
    half = (second.start + second.end) / 2
    words = [w for w in heard(e11, start=late) if not second.start <= w.start + late <= half]
    rec = decode(words, e11.profile)
    once = [g for g in GROUPS if _ends(e11, g) < late]
    thrice = [g for g in GROUPS if _starts(e11, g) > late]
    assert once and thrice and rec.count is None and not rec.clean
    assert rec.groups[: len(once)] == ("?????",) * len(once)
    assert rec.groups[-len(thrice) :] == tuple(thrice)
    # The call-up heard twice: its count read, the groups laid as it says, all written.
    words = heard(e11, start=late)
    rec = decode(words, e11.profile)
    assert rec.count == len(GROUPS) and rec.groups == GROUPS and rec.clean


def _starts(tx: synth.Transmission, group: str) -> float:
    return next(e.start for e in tx.timeline if e.kind == "group" and e.text == group)


def _ends(tx: synth.Transmission, group: str) -> float:
    return next(e.end for e in tx.timeline if e.kind == "group" and e.text == group)


def test_a_copy_without_its_count_or_short_of_it_is_never_clean(
    e11: synth.Transmission, s06: synth.Transmission
) -> None:
    # S06 reads the call-up only before the message: start after it, no count.
    first = next(e.start for e in s06.timeline if e.kind == "group")
    rec = decode(heard(s06, start=first - 0.3), s06.profile)
    assert rec.groups == GROUPS and rec.count is None and not rec.clean
    assert any(n.startswith("count not read") for n in rec.notes)
    assert "the recording starts in the message: groups before it may be missing" in rec.notes
    # The recording ends early: the missing groups are '?????', and it says how many.
    stop = next(e.start for e in s06.timeline if e.kind == "group" and e.text == GROUPS[5])
    rec = decode(heard(s06, end=stop - 0.1), s06.profile)
    assert rec.groups[:5] == GROUPS[:5] and rec.groups[5:] == ("?????",) * 3
    assert not rec.clean and "copy has 5 of 8 groups" in rec.notes


def test_a_call_up_minutes_long_and_stray_words(e11: synth.Transmission) -> None:
    p = e11.profile
    first = dataclasses.replace(p.script[0], repeat=40)
    long = dataclasses.replace(p, script=(first, *p.script[1:]))
    tx = synth.broadcast(GROUPS, long, station_id="907")
    words = heard(tx, seed=5)
    assert tx.seconds > 200
    # A burst of noise taken for a word in the middle of the first reading.
    middle = next(e for e in tx.timeline if e.kind == "group" and e.text == GROUPS[3])
    noise = np.r_[np.full(10, 0.01), 0.9]
    words.append(Word(middle.end + 0.3, middle.end + 0.5, noise))
    words.sort(key=lambda w: w.start)
    rec = decode(words, long)
    assert rec.groups == GROUPS and rec.station_id == "907" and rec.clean


def test_readings_that_lost_or_gained_a_word_are_placed_by_the_others(
    e11: synth.Transmission,
) -> None:
    # Each word 0.99 sure: one reading alone is not sure enough, two are.
    words = heard(e11, seed=7, sure=0.99)
    starts = [e.start for e in e11.timeline if e.kind == "digit"]
    group = [e for e in e11.timeline if e.kind == "group"]
    first = [next(k for k, w in enumerate(words) if w.start >= g.start - 0.05) for g in group]
    split = words[first[3] + 2]
    half = (split.start + split.end) / 2
    second = first[1] + 5  # group 2's second reading in the first pass
    assert len(starts) > second
    changed = [
        *words[: first[1]],
        *words[first[1] + 1 : second + 4],  # group 2, reading 1: its first digit unheard
        *words[second + 5 : first[3] + 2],  # reading 2: its last digit unheard
        Word(split.start, half, split.probs),  # group 4: a digit heard as two words
        Word(half + 0.01, split.end, split.probs),
        *words[first[3] + 3 :],
    ]
    rec = decode(changed, e11.profile)
    assert rec.groups == GROUPS and rec.clean


def test_a_figure_the_readings_disagree_on_is_marked_not_guessed(
    e11: synth.Transmission,
) -> None:
    # Every reading of the 5s of the third group (75516) torn between 5 and 3.
    third = [e for e in e11.timeline if e.kind == "group" and e.text == GROUPS[2]]
    torn = np.full(11, 0.0005)
    torn[5], torn[3] = 0.55, 0.4455
    words = [
        Word(w.start, w.end, torn) if _in(w, third) and w.digit == "5" else w for w in heard(e11)
    ]
    rec = decode(words, e11.profile)
    assert rec.groups[2] == "7??16"
    assert not rec.clean and [(u.group, u.figure) for u in rec.uncertain] == [(3, 2), (3, 3)]
    assert rec.groups[:2] + rec.groups[3:] == GROUPS[:2] + GROUPS[3:]


def _in(w: Word, events: Sequence[synth.Event]) -> bool:
    return any(e.start - 0.1 <= w.start <= e.end for e in events)


def test_without_the_vote_one_bad_reading_is_the_copy(e11: synth.Transmission) -> None:
    words = heard(e11)
    group = next(e for e in e11.timeline if e.kind == "group")
    first = next(e for e in e11.timeline if e.kind == "digit" and e.start >= group.start)
    wrong = np.full(11, 0.0001)
    wrong[(int(first.text) + 1) % 10] = 0.999
    words = [Word(w.start, w.end, wrong) if abs(w.start - first.start) < 0.1 else w for w in words]
    assert decode(words, e11.profile).groups == GROUPS  # outvoted by its two other readings
    assert decode(words, e11.profile, vote=False).groups != GROUPS


def test_nothing_heard_is_no_message() -> None:
    rec = decode([], profiles.load("E11"))
    assert rec.groups == () and rec.notes == ("no message groups found",) and not rec.clean


# -- properties ------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    centres=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=4),
    sizes=st.lists(st.integers(1, 30), min_size=4, max_size=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_gap_clustering_finds_well_separated_levels(
    centres: list[float], sizes: list[int], seed: int
) -> None:
    levels = sorted({round(c, 1) for c in centres})
    if any(b - a < 0.4 for a, b in itertools.pairwise(levels)):
        levels = levels[:1]
    rng = np.random.default_rng(seed)
    truth = np.concatenate([np.full(n, k) for k, n in enumerate(sizes[: len(levels)])])
    values = np.asarray(levels)[truth] + rng.uniform(-0.05, 0.05, len(truth))
    # Seeds off by up to a tenth of a second still find the same levels.
    labels = timing.cluster(values, [c + rng.uniform(-0.1, 0.1) for c in levels])
    assert np.array_equal(labels, truth)


PROBS = st.lists(st.floats(0.001, 1.0), min_size=10, max_size=10).map(
    lambda xs: np.asarray(xs) / sum(xs)
)


@given(
    readings=st.lists(PROBS, min_size=1, max_size=6),
    extra=PROBS,
    times=st.integers(1, 5),
    shared=st.floats(0.0, 1.0),
)
def test_the_vote_is_a_posterior_and_repeats_only_strengthen_it(
    readings: list[np.ndarray], extra: np.ndarray, times: int, shared: float
) -> None:
    post = vote.posterior(readings, shared=shared)
    assert abs(float(post.sum()) - 1) < 1e-9 and (post >= 0).all()
    best = int(np.argmax(post))
    figure = vote.vote(readings)
    assert figure.readings == len(readings)
    top = vote.posterior(readings)
    assert figure.digit == (str(int(np.argmax(top))) if top.max() >= vote.SURE else "?")
    # The same reading heard again never makes its digit less sure; read as
    # independent (shared 0) it makes it surer, as one reading (1) it changes nothing.
    one = readings[0]
    again = vote.posterior([one] * times, shared=shared)
    alone = vote.posterior([one], shared=shared)
    k = int(np.argmax(one))
    assert again[k] >= alone[k] - 1e-9
    if shared == 1.0:
        assert np.allclose(again, alone)
    # The order of the readings does not matter.
    mixed = vote.posterior([extra, *readings], shared=shared)
    assert np.allclose(mixed, vote.posterior([*readings, extra], shared=shared))
    assert 0 <= best < 10


def test_a_sure_reading_outvotes_nothing_it_should_not() -> None:
    sure = np.full(10, 0.0001)
    sure[4] = 0.9991
    assert vote.vote([sure]).digit == "4"
    other = np.full(10, 0.0001)
    other[7] = 0.9991
    assert vote.vote([sure, other]).digit == "?"  # two sure readings that disagree
    assert vote.vote([]).digit == "?" and vote.vote([]).readings == 0
    assert vote.agreement(sure, sure) > 2 > -5 > vote.agreement(sure, other)


@given(readings=st.lists(PROBS, min_size=1, max_size=6), confirm=st.integers(1, 4))
def test_a_digit_is_written_only_when_enough_readings_say_it(
    readings: list[np.ndarray], confirm: int
) -> None:
    figure = vote.vote(readings, confirm=confirm)
    alone = vote.vote(readings)
    said = [int(np.argmax(r)) for r in readings]
    if figure.sure:
        assert figure.digit == alone.digit and said.count(int(figure.digit)) >= confirm
    else:
        assert not alone.sure or said.count(int(alone.digit)) < confirm
    assert vote.confirmations(1) == 1 and vote.confirmations(3) == vote.CONFIRM


def test_a_lone_sure_reading_is_not_confirmed() -> None:
    sure = np.full(10, 0.0001)
    sure[4] = 0.9991
    assert vote.vote([sure], confirm=2).digit == "?"
    assert vote.vote([sure, sure], confirm=2).digit == "4"


def test_the_profile_names_the_pause_levels() -> None:
    e11: Profile = profiles.load("E11")
    assert timing.levels(e11) == [0.6, 1.0, 1.5]  # repeat, group, phrase
    assert timing.levels(profiles.load("S06")) == [0.5, 1.0, 1.5]  # '/', group, phrase


def test_a_station_that_sends_no_count_is_copied_but_never_clean() -> None:
    e03 = profiles.load("E03")  # the ID alone, ten times; chimes; the groups
    tx = synth.broadcast(GROUPS, e03, station_id="472")
    rec = decode(heard(tx), e03)
    assert rec.groups == GROUPS and rec.station_id == "472" and rec.count is None
    assert not rec.clean
    assert "the station sends no group count: the copy cannot be checked complete" in rec.notes


def test_a_call_up_word_heard_as_two_or_as_a_digit(e11: synth.Transmission) -> None:
    words = heard(e11)
    oblique = [e for e in e11.timeline if e.kind == "word" and e.text == "OBLIQUE"]
    assert len(oblique) >= 4

    def said(w: Word) -> bool:
        return any(abs(w.start - e.start) < 0.1 for e in oblique)

    # Heard as two bursts: still the call-up's word.
    split = []
    for w in words:
        half = (w.start + w.end) / 2
        split += [Word(w.start, half, w.probs), Word(half, w.end, w.probs)] if said(w) else [w]
    rec = decode(split, e11.profile)
    assert rec.groups == GROUPS and rec.count == len(GROUPS) and rec.clean
    # Heard as a digit: the call-up looks like a group said over and over, and is not
    # taken for one; without its count, the copy is not clean.
    three = np.full(11, 0.001)
    three[3] = 0.99
    wrong = [Word(w.start, w.end, three) if said(w) else w for w in words]
    rec = decode(wrong, e11.profile)
    assert rec.groups == GROUPS and rec.count is None and not rec.clean


def test_a_group_never_heard_leaves_its_place_not_a_shift(s06: synth.Transmission) -> None:
    # S06 reads each group once: a fade over the third group takes it whole.
    third = next(e for e in s06.timeline if e.kind == "group" and e.text == GROUPS[2])
    words = [w for w in heard(s06, seed=2) if not third.start - 0.1 <= w.start <= third.end]
    rec = decode(words, s06.profile)
    assert rec.groups == (*GROUPS[:2], "?????", *GROUPS[3:])
    assert not rec.clean and "copy has 7 of 8 groups" in rec.notes
    # The closing 00000 heard as a stray 0 and four more is still no group of the message.
    closing = [w for w in words if w.start > s06.group_events[-1].end]
    assert [w.digit for w in closing] == list("00000")
    late = closing[1]
    moved = [
        Word(w.start + 0.3, w.end + 0.3, w.probs) if w.start >= late.start else w for w in words
    ]
    assert decode(moved, s06.profile).groups == rec.groups


def test_groups_that_look_like_a_call_up_once_each_are_no_call_up(
    e11: synth.Transmission,
) -> None:
    # The call-up never heard, and two groups each heard once as "ddd W dd" (a digit
    # heard as a word and a digit): each fits "{id} OBLIQUE {count}", but no two say
    # the same, so neither is the call-up, and their readings stay in the message.
    calls = [e for e in e11.timeline if e.kind == "callup"]
    words = [w for w in heard(e11) if not any(c.start <= w.start <= c.end for c in calls)]
    torn = []
    for text in (GROUPS[2], GROUPS[5]):
        group = next(e for e in e11.timeline if e.kind == "group" and e.text == text)
        digits = [k for k, w in enumerate(words) if group.start - 0.05 <= w.start <= group.end]
        torn.append(digits[3])
    noise = np.r_[np.full(10, 0.001), 0.99]
    split = []
    for k, w in enumerate(words):
        if k in torn:
            half = (w.start + w.end) / 2
            split += [Word(w.start, half, noise), Word(half + 0.01, w.end, w.probs)]
        else:
            split.append(w)
    rec = decode(split, e11.profile)
    assert rec.station_id is None and rec.count is None and not rec.clean
    assert len(rec.groups) == len(GROUPS)
    for got, sent in zip(rec.groups, GROUPS, strict=True):
        assert all(a in (b, "?") for a, b in zip(got, sent, strict=True)), (rec.groups, GROUPS)
    assert sum(g == s for g, s in zip(rec.groups, GROUPS, strict=True)) >= len(GROUPS) - 2
