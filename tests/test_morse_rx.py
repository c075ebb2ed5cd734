"""The Morse front end: the tone found wherever it is, the speed measured, and no
character wrong without ``?``."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.ndimage import maximum_filter1d, minimum_filter1d

from cinq.errors import BadInput
from cinq.radio import RATE, channel, morse, morse_rx, profiles, receive, synth
from cinq.radio.morse_rx import Run
from cinq.radio.profiles import Profile
from cinq.radio.speech import Audio

GROUPS = ("83757", "26161", "10930", "29849", "41381", "09191")


def _profile(station: str, *, wpm: float = 1.0) -> Profile:
    p = profiles.load(station)
    return replace(p, morse=replace(p.morse, wpm=p.morse.wpm * wpm))


def _heard(
    p: Profile,
    groups: tuple[str, ...] = GROUPS,
    *,
    shift: float = 0.0,
    tape: float = 1.0,
    snr: float = 10.0,
    carrier: float | None = None,
    seed: int = 0,
) -> Audio:
    """The broadcast through the receiver: tuned ``shift`` Hz off, a tape ``tape``
    times fast, an unkeyed carrier at ``carrier`` Hz as strong as the keying, noise."""
    tx = synth.broadcast(groups, p, station_id="472")
    x = channel.band_limit(tx.audio)
    if shift:
        x = channel.mistune(x, shift)
    if tape != 1.0:
        x = channel.speed(x, tape)
    if carrier is not None:
        x = channel.qrm(x, hz=carrier, level_db=-3.0)
    return channel.add_noise(x, snr, None, np.random.default_rng(seed))


def _note(rec_notes: tuple[str, ...], pattern: str) -> float:
    found = [m for n in rec_notes if (m := re.fullmatch(pattern, n))]
    assert found, rec_notes
    return float(found[0].group(1))


@pytest.mark.parametrize(
    ("station", "shift"), [("M03", -500), ("M12", -200), ("M03", 300), ("M12", 500)]
)
def test_the_tone_is_found_within_500_hz_beside_a_steady_carrier(station: str, shift: int) -> None:
    p = profiles.load(station)
    tone = p.morse.tone_hz + shift
    # The carrier is as strong as the keyed tone and nearer the profile's tone.
    carrier = tone - 250 if shift > 0 else tone + 250
    rec = morse_rx.receive_morse(_heard(p, shift=shift, carrier=carrier), p)
    assert rec.groups == GROUPS and rec.count == len(GROUPS) and rec.clean
    assert rec.station_id == "472"
    found = _note(rec.notes, r"tone (\d+) Hz \(profile 800\)")
    assert abs(found - tone) <= 10


@pytest.mark.parametrize(
    ("station", "wpm", "tape"),
    [("M03", 0.8, 1.0), ("M12", 1.2, 1.0), ("M03", 1.0, 1.2), ("M12", 1.0, 0.8)],
)
def test_the_speed_is_measured(station: str, wpm: float, tape: float) -> None:
    # Keyed slower or faster than the profile says, or a tape played at the wrong speed
    # (tone and keying shift together).
    p = _profile(station, wpm=wpm)
    rec = morse_rx.receive_morse(_heard(p, tape=tape), profiles.load(station))
    assert rec.groups == GROUPS and rec.clean
    speed = _note(rec.notes, r"about (\d+) WPM \(profile 20\)")
    assert abs(speed - 20 * wpm * tape) <= 1
    tone = _note(rec.notes, r"tone (\d+) Hz \(profile 800\)")
    assert abs(tone - 800 * tape) <= 10


@settings(max_examples=6)
@given(
    station=st.sampled_from(["M03", "M12"]),
    shift=st.integers(-500, 500),
    tape=st.sampled_from([0.8, 0.9, 1.0, 1.1, 1.2]),
    snr=st.sampled_from([-10, -8, -6, 0, 10]),
    seed=st.integers(0, 2**16),
)
def test_no_character_is_wrong_without_a_question_mark(
    station: str, shift: int, tape: float, snr: int, seed: int
) -> None:
    p = profiles.load(station)
    groups = tuple(f"{x:05d}" for x in np.random.default_rng(seed).integers(0, 100000, 5))
    rec = morse_rx.receive_morse(_heard(p, groups, shift=shift, tape=tape, snr=snr, seed=seed), p)
    for sent, got in zip(groups, rec.groups, strict=False):
        assert all(g in (s, "?") for s, g in zip(sent, got, strict=True)), (groups, rec.groups)
    if rec.clean:
        assert rec.groups == groups


@pytest.mark.parametrize(
    ("station", "snr", "seed"),
    [("M12", -6, 0), ("M12", -6, 1), ("M12", -5, 0), ("M03", -5, 0), ("M03", -4, 2)],
)
def test_at_the_edge_of_copy_the_doubtful_figures_are_marked(
    station: str, snr: int, seed: int
) -> None:
    # Copies where a receiver that trusted every mark and space it measured, and every
    # figure one reading held, wrote a wrong figure unmarked (the M12 ones).
    p = profiles.load(station)
    groups = tuple(f"{x:05d}" for x in np.random.default_rng(seed).integers(0, 100000, 5))
    rec = morse_rx.receive_morse(_heard(p, groups, shift=-300 + 250 * seed, snr=snr, seed=seed), p)
    assert not rec.clean
    for sent, got in zip(groups, rec.groups, strict=False):
        assert all(g in (s, "?") for s, g in zip(sent, got, strict=True)), (groups, rec.groups)


@pytest.mark.parametrize("short", [True, False])
def test_a_recording_that_starts_late_copies_what_it_holds(short: bool) -> None:
    groups = tuple(f"{x:05d}" for x in np.random.default_rng(5).integers(0, 100000, 12))
    for station in ("M03", "M12"):
        p = profiles.load(station)
        tx = synth.broadcast(groups, p, station_id="472", short=short)
        x = channel.add_noise(channel.band_limit(tx.audio), 10, None, np.random.default_rng(1))
        rec = morse_rx.receive_morse(x[int(0.45 * len(x)) :], p)
        assert rec.count == len(groups) and len(rec.groups) == len(groups)
        for sent, got in zip(groups, rec.groups, strict=True):
            assert got in (sent, "?????"), (station, groups, rec.groups)
        if station == "M03":  # its second pass holds every group
            assert rec.groups == groups and rec.clean


def test_a_steady_carrier_alone_is_no_keyed_tone() -> None:
    p = profiles.load("M12")
    x = channel.qrm(np.zeros(20 * RATE, np.float32) + 0.01, hz=900.0, level_db=0.0)
    x = channel.add_noise(x, 10, None, np.random.default_rng(1))
    assert morse_rx.find_tone(x, p) is None
    rec = morse_rx.receive_morse(x, p)
    assert rec.groups == () and not rec.clean


def test_the_keyed_tone_wins_over_a_louder_carrier() -> None:
    p = profiles.load("M03")
    keyed = morse.key(["12345", "67890"] * 4, wpm=20, tone_hz=650.0, level=0.2)
    t = np.arange(len(keyed)) / RATE
    x = (keyed + 0.5 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)
    tone = morse_rx.find_tone(x, p)
    assert tone is not None and abs(tone - 650.0) <= 10


def _runs(words: list[str], dot: float, *, stretch: float = 0.0) -> list[Run]:
    """The marks and spaces keying ``words`` makes at ``dot`` seconds, every mark
    ``stretch`` seconds longer than keyed (as a threshold makes them)."""
    out: list[Run] = []
    t = 0.0

    def add(on: bool, units: float) -> None:
        nonlocal t
        length = units * dot + (stretch if on else -stretch)
        out.append(Run(on, t, length, 0.4))
        t += length

    for w, word in enumerate(words):
        for c, ch in enumerate(word):
            if w or c:
                add(False, 7 if c == 0 else 3)
            for e, element in enumerate(morse.CODE[ch]):
                if e:
                    add(False, 1)
                add(True, 1 if element == "." else 3)
    return out


@pytest.mark.parametrize("factor", [0.75, 0.9, 1.1, 1.35])
def test_the_dot_is_measured_from_the_onsets(factor: float) -> None:
    nominal = morse.dot_seconds(20)
    runs = _runs(["12345", "67890", "55555", "TTTTT"], nominal / factor, stretch=0.008)
    assert morse_rx.estimate_dot(runs, nominal) == pytest.approx(nominal / factor, rel=0.02)
    words = morse_rx.read_words(runs, nominal / factor)
    assert [w.text for w in words] == ["12345", "67890", "55555", "TTTTT"]
    assert all(c.sure for w in words for c in w.chars)
    assert words[0].pause == math.inf and words[1].pause == pytest.approx(7, abs=0.3)


def test_a_mark_between_a_dot_and_a_dash_is_not_sure() -> None:
    dot = 0.06
    runs = _runs(["55555", "EE"], dot)
    runs[-1] = replace(runs[-1], length=2 * dot)  # the last E: a dot or a dash (T)?
    words = morse_rx.read_words(runs, dot)
    assert [c.sure for c in words[1].chars] == [True, False] and words[1].text == "E?"


def test_a_level_on_the_wrong_side_of_the_threshold_is_not_sure() -> None:
    dot = 0.06
    runs = _runs(["55"], dot)
    runs[2] = replace(runs[2], margin=-0.1)  # a gap inside the first 5 that was nearly a mark
    assert [c.sure for c in morse_rx.read_words(runs, dot)[0].chars] == [False, True]


def test_a_lost_reading_does_not_shift_the_pairs() -> None:
    sent = ["11111", "11111", "22222", "33333", "33333"]  # the second 22222 was lost
    readings = morse_rx._readings(sent, 2)
    assert readings == [["11111", "11111"], ["22222", "?????"], ["33333", "33333"]]


def test_a_pass_short_of_the_count_keeps_both_ends_and_marks_the_middle() -> None:
    readings = [["11111"], ["?????"], ["44444"]]  # 22222 and 33333 in a garble
    gone = ["....."]  # not heard
    both = morse_rx._Block([], opened=True, closed=True)
    assert morse_rx._anchored(readings, 4, both) == [["11111"], gone, gone, ["44444"]]
    # An end is pinned only where the separator there was heard.
    start = morse_rx._Block([], opened=True, closed=False)
    assert morse_rx._anchored(readings, 4, start) == [["11111"], gone, gone, gone]
    # Nothing garbled: a late start is pinned at the end, a lost group nowhere.
    late = morse_rx._Block([], opened=False, closed=True)
    assert morse_rx._anchored([["33333"], ["44444"]], 4, late) == [gone, gone, ["33333"], ["44444"]]
    assert morse_rx._anchored([["11111"], ["22222"]], 3, both) == [gone] * 3


def test_call_up_figures_are_voted_place_by_place() -> None:
    assert morse_rx._vote_text(["2?", "?0", "20"]) == "20"
    assert morse_rx._vote_text(["21", "20"]) is None  # disputed
    assert morse_rx._vote_text(["2?", "2?"]) is None  # never read sure
    assert morse_rx._vote_text(["20", "2?"]) is None  # the 0 read sure only once
    assert morse_rx._vote_text([]) is None


def test_the_notes_say_when_no_tone_was_found() -> None:
    p = profiles.load("M03")
    notes = morse_rx.Keying(800.0, 0.06, False).notes(p)
    assert notes == [
        "no keyed tone found within 500 Hz: listened at 800",
        "about 20 WPM (profile 20)",
    ]


# -- streaming: the recording read block by block -------------------------------------------


@pytest.fixture(scope="module")
def _slow_and_off() -> Audio:
    """A short M03 broadcast keyed 10 % slow, heard 200 Hz off beside a carrier: the
    tone search, the keying of two peaks and a second envelope all run."""
    p = _profile("M03", wpm=0.85)
    return _heard(p, GROUPS[:3], shift=200, carrier=1250.0, snr=6.0, seed=3)


def _cut(x: Audio, sizes: list[int]) -> list[Audio]:
    """``x`` cut into blocks of the given sizes in turn (the last one what is left)."""
    out, i = [], 0
    for size in itertools.cycle(sizes):
        if i >= len(x):
            return out
        out.append(x[i : i + size])
        i += size
    return out


@settings(max_examples=5, deadline=None)
@given(sizes=st.lists(st.integers(300, 40_000), min_size=1, max_size=4))
def test_the_envelope_is_the_same_whatever_the_blocks(
    _slow_and_off: Audio, sizes: list[int]
) -> None:
    whole = morse_rx.envelope(_slow_and_off, 1000.0, 0.06)
    parts = morse_rx.envelope_blocks(_cut(_slow_and_off, sizes), 1000.0, 0.06)
    assert parts.dtype == np.float32 and len(parts) == math.ceil(len(_slow_and_off) / 8)
    np.testing.assert_allclose(parts, whole, rtol=1e-5, atol=1e-9)


@settings(max_examples=3, deadline=None)
@given(sizes=st.lists(st.integers(3_000, 60_000), min_size=1, max_size=3))
def test_a_copy_read_block_by_block_is_the_copy_of_the_whole(
    _slow_and_off: Audio, sizes: list[int]
) -> None:
    p = profiles.load("M03")
    whole = morse_rx.receive_morse(_slow_and_off, p)
    assert whole.groups == GROUPS[:3] and "tone 1000 Hz (profile 800)" in whole.notes
    assert "about 17 WPM (profile 20)" in whole.notes
    blocks = _cut(_slow_and_off, sizes)
    assert morse_rx.receive_morse_blocks(lambda: iter(blocks), p) == whole


def test_a_morse_file_is_read_in_blocks(tmp_path: Path, _slow_and_off: Audio) -> None:
    path = tmp_path / "m03.wav"
    sf.write(path, _slow_and_off, RATE, subtype="FLOAT")
    p = profiles.load("M03")
    assert receive.receive_file(path, p, seconds=3.0) == morse_rx.receive_morse(_slow_and_off, p)
    path.write_bytes(b"RIFF, but no audio")
    with pytest.raises(BadInput, match=r"m03\.wav"):
        receive.receive_file(path, p, seconds=3.0)


def test_the_threshold_level_is_the_same_worked_a_stretch_at_a_time() -> None:
    env = np.abs(np.random.default_rng(2).standard_normal(2 * morse_rx._STRETCH + 123))
    env = env.astype(np.float32)
    span = 1200
    high, low = maximum_filter1d(env, span), minimum_filter1d(env, span)
    high = np.maximum(high, float(0.5 * np.percentile(env, 99)) - low)
    whole = (env - low) / (high - low + 1e-12) - 0.5
    np.testing.assert_array_equal(morse_rx._level(env, span), whole)
