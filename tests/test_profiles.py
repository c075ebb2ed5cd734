"""Station realism: each profile's voice, interval signal and call-up length, as
``cinq.radio.synth`` renders them (short broadcasts, one or two groups: fast)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.errors import BadInput
from cinq.radio import RATE, profiles, synth, voices
from cinq.radio.speech import Audio
from tests.clirun import cinq as run

GROUPS = ("31415", "92653")


@functools.cache
def sent(station: str, *, voice: str | None = None, short: bool = True) -> synth.Transmission:
    """A broadcast of GROUPS, made once per module (synthesis is deterministic)."""
    return synth.broadcast(GROUPS, profiles.load(station), voice=voice, short=short)


def pitch(x: Audio) -> float:
    """The median fundamental frequency (Hz) of the voiced 40 ms frames of ``x``: the
    autocorrelation's highest peak between 60 and 400 Hz, where that peak is at least
    half the frame's energy (a clearly periodic frame)."""
    n, low, high = int(0.04 * RATE), RATE // 400, RATE // 60
    loud = 0.1 * float(np.abs(x).max())
    found = []
    for start in range(0, len(x) - n, n // 2):
        frame = x[start : start + n].astype(np.float64)
        if np.abs(frame).max() < loud:
            continue
        frame -= frame.mean()
        ac = np.correlate(frame, frame, "full")[n - 1 :]
        lag = low + int(np.argmax(ac[low:high]))
        if ac[lag] > 0.5 * ac[0]:
            found.append(RATE / lag)
    return float(np.median(found))


def digits_audio(tx: synth.Transmission) -> Audio:
    spans = [e for e in tx.timeline if e.kind == "digit"]
    return np.concatenate([tx.audio[int(e.start * RATE) : int(e.end * RATE)] for e in spans])


def test_every_profile_names_an_installed_voice_of_its_sex_and_cites_a_source() -> None:
    for name in profiles.names():
        p = profiles.load(name)
        assert p.source and p.description, name
        assert (p.interval is not None) == ("interval" in p.description.lower()), name
        if p.mode == "morse":
            assert not p.voices and p.callup_seconds > 0, name
            continue
        assert p.female is not None and p.voices, name
        used = synth.speaker(None, p)
        # The last voice of each list is espeak-ng's: the fallback on any machine.
        assert p.voices[-1].startswith("espeak-ng:"), name
        assert used.key in p.voices and used.lang == p.language, name
        assert isinstance(used, voices.Voice) and used.female == p.female, name


def test_the_voice_is_a_voice_a_key_or_a_language() -> None:
    e11 = profiles.load("E11")
    f3 = voices.voice("espeak-ng:en+f3")
    assert synth.speaker(f3, e11) is f3
    assert synth.speaker("espeak-ng:en+f3", e11) == f3
    assert synth.speaker("fr", e11) == synth.Classic("fr")
    with pytest.raises(BadInput, match="'nobody:x'"):
        synth.speaker("nobody:x", e11)
    with pytest.raises(BadInput, match="'xx'"):
        synth.speaker("xx", e11)
    tx = synth.broadcast(GROUPS[:1], e11, voice=f3)
    assert tx.voice == "espeak-ng:en+f3" and tx.to_json()["voice"] == "espeak-ng:en+f3"
    # A custom profile names no voice: cinq's own voice of its language reads it.
    assert synth.speaker(None, profiles.load("M03")) == synth.Classic("en")


def test_e11_is_read_by_a_female_voice_pitched_above_the_male_default() -> None:
    female, male = sent("E11"), sent("E11", voice="en")
    assert female.voice in profiles.load("E11").voices and male.voice == "en"
    high, low = pitch(digits_audio(female)), pitch(digits_audio(male))
    assert high > 130 > low and high > 1.3 * low, (high, low)


def test_the_cadence_is_the_voice_s_own() -> None:
    tx = sent("E11")
    p = tx.profile
    slot = synth.digit_slot(voices.voice(tx.voice), p.timing.digit_gap)
    longest = max(len(voices.voice(tx.voice).digit(d)) for d in "0123456789") / RATE
    assert slot == pytest.approx(longest + p.timing.digit_gap)
    group = tx.group_events[0]
    starts = [e.start for e in tx.timeline if e.kind == "digit" and group.start <= e.start][:5]
    assert np.diff(starts) == pytest.approx([slot] * 4, abs=1 / RATE)


def test_takes_make_each_reading_of_a_digit_a_new_recording() -> None:
    e11, f3 = profiles.load("E11"), "espeak-ng:en+f3"

    def readings(tx: synth.Transmission) -> list[Audio]:
        first = tx.group_events[0]  # read twice in a row: 10 digits
        spans = [e for e in tx.timeline if e.kind == "digit" and first.start <= e.start]
        return [tx.audio[round(e.start * RATE) : round(e.end * RATE)] for e in spans[:10]]

    same = readings(synth.broadcast(GROUPS[:1], e11, voice=f3))
    assert all(np.array_equal(a, b) for a, b in zip(same[:5], same[5:], strict=True))
    varied = readings(synth.broadcast(GROUPS[:1], e11, voice=f3, takes=True))
    assert not any(np.array_equal(a, b) for a, b in zip(varied[:5], varied[5:], strict=True))


def test_the_interval_signal_comes_before_the_call_up() -> None:
    tx = sent("E03")
    intervals = [e for e in tx.timeline if e.kind == "interval"]
    callups = [e for e in tx.timeline if e.kind == "callup"]
    assert len(intervals) == 2 and intervals[-1].end < callups[0].start
    first = tx.audio[: int(0.25 * RATE)]  # the tune's first note, 392 Hz
    spectrum = np.abs(np.fft.rfft(first, 8 * RATE))
    assert np.argmax(spectrum) / 8 == pytest.approx(392, abs=2)
    # A real-length broadcast: the tune 12 times, five rounds, as the source says.
    real = sent("E03", short=False)
    assert sum(e.kind == "interval" for e in real.timeline) == 60
    assert sum(e.kind == "callup" for e in real.timeline) == 5
    assert all(p.interval is None for p in map(profiles.load, ("E11", "S06", "M03")))


@pytest.mark.parametrize("station", ["E11", "M03"])
def test_a_real_call_up_lasts_as_long_as_the_source_says(station: str) -> None:
    p = profiles.load(station)
    callups = [e for e in sent(station, short=False).timeline if e.kind == "callup"]
    fills = [s.fill for s in p.script if s.is_callup]
    assert p.callup_seconds == fills[0] == 190
    assert [e.end - e.start for e in callups] == pytest.approx(fills, rel=0.05)
    short = [e for e in sent(station).timeline if e.kind == "callup"]
    assert short[0].end - short[0].start < 60


def test_progress_counts_every_sending_up_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    m03 = profiles.load("M03")
    synth.broadcast(GROUPS, m03, short=False, progress=lambda d, t: seen.append((d, t)))
    totals = {t for _, t in seen}
    done = [d for d, _ in seen]
    assert len(totals) == 1 and done == sorted(done) and done[-1] == totals.pop()


@settings(max_examples=12, deadline=None)
@given(fill=st.floats(min_value=3.0, max_value=120.0))
def test_a_fill_step_lasts_its_length(fill: float) -> None:
    script = [{"say": "{id}", "fill": fill}, {"groups": 1}]
    p = profiles.parse({"name": "F", "mode": "voice", "language": "es", "script": script})
    once = synth.broadcast(GROUPS[:1], p, short=True)
    one = next(e for e in once.timeline if e.kind == "callup")
    tx = synth.broadcast(GROUPS[:1], p, short=False)
    callup = next(e for e in tx.timeline if e.kind == "callup")
    length = callup.end - callup.start
    if fill >= 2 * (one.end - one.start) + synth.MIN_GAP:
        assert length == pytest.approx(fill, abs=0.01)
    else:  # too short for two sendings: sent once
        assert length == pytest.approx(one.end - one.start)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('voice = "en"', "not a voice key"),
        ("voice = [1]", "not a voice key"),
        ("voice = {a = 1}", "voice must be a key or a list"),
        ('sex = "f"', "sex must be 'female' or 'male'"),
    ],
)
def test_a_bad_voice_or_sex_is_named(tmp_path: Path, extra: str, message: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(f'name = "X"\nmode = "voice"\n{extra}\n[[script]]\ngroups = 1\n')
    with pytest.raises(BadInput, match=message):
        profiles.load(path)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ('say = "A"\nreal = 2\nfill = 10', "real .a count. or fill .seconds., not both"),
        ('say = "A"\nfill = -1', "fill must be a number"),
        ('say = "A"\nshort = -1', "short must be a whole number from 0"),
        ('say = "A"\nreal = 101', "real must be a whole number"),
        ("interval = []", "bad value for 'interval'"),
    ],
)
def test_a_bad_length_is_named(tmp_path: Path, step: str, message: str) -> None:
    path = tmp_path / "x.toml"
    script = f"[[script]]\n{step}\n[[script]]\ngroups = 1\n"
    path.write_text(f'name = "X"\nmode = "voice"\n{script}')
    with pytest.raises(BadInput, match=message):
        profiles.load(path)


def test_station_show_tells_the_voice_the_interval_signal_and_the_call_up() -> None:
    out = run("station", "show", "E03").stdout
    assert "voice: female; pico:en-GB" in out and "this machine uses" in out
    assert "interval signal: 392 392 440" in out and "12 times" in out
    assert "call-up: 10 times; in a short broadcast 2 times" in out
    e11 = run("station", "show", "E11").stdout
    assert "interval signal: none" in e11 and "call-up: 190 s" in e11


def test_cli_broadcast_is_real_length_unless_short(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("31415 92653\n")
    r = run("broadcast", doc, "-s", "M03", "-o", tmp_path / "m.wav", "--json")
    assert r.returncode == 0, r.stderr
    short = run("broadcast", doc, "-s", "M03", "-o", tmp_path / "s.wav", "--json", "--short")
    assert short.returncode == 0, short.stderr
    real_s, short_s = json.loads(r.stdout)["seconds"], json.loads(short.stdout)["seconds"]
    assert real_s > 190 + 45 > short_s
    r = run("broadcast", doc, "-s", "E11", "-o", tmp_path / "e.wav", "--voice", "mbrola:none")
    assert r.returncode == 2 and "mbrola:none" in r.stderr
