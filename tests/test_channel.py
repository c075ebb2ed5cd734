"""The shortwave channel: each condition does what a radio path does to the audio, the
same for a seed, and refuses settings that mean nothing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.signal import stft, welch

from cinq.errors import BadInput
from cinq.radio import RATE, channel, profiles, synth
from cinq.radio.channel import Shortwave
from tests.clirun import cinq


def tone(hz: float, amp: float = 0.5, seconds: float = 1.0) -> NDArray[np.float32]:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def white(seed: int, seconds: float = 2.0, amp: float = 0.2) -> NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    return (amp * rng.standard_normal(int(seconds * RATE))).astype(np.float32)


def peak_hz(x: NDArray[np.float32]) -> float:
    f, p = welch(x, fs=RATE, nperseg=min(len(x), 8192))
    return float(f[np.argmax(p)])


def band_db(x: NDArray[np.float32], y: NDArray[np.float32], low: float, high: float) -> float:
    """How much louder ``y`` is than ``x`` between ``low`` and ``high`` Hz (Welch PSD)."""
    f, px = welch(x, fs=RATE, nperseg=2048)
    _, py = welch(y, fs=RATE, nperseg=2048)
    band = (f >= low) & (f <= high)
    return float(10 * np.log10(np.sum(py[band]) / np.sum(px[band])))


def rms(x: NDArray[np.float32]) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2)))


# -- the receiver's filter, tuning and gain ----------------------------------------------


@pytest.mark.parametrize("high", [2400.0, 2700.0])
def test_ssb_passes_its_band_and_removes_the_rest(high: float) -> None:
    x = white(1)
    y = channel.ssb(x, high=high)
    assert abs(band_db(x, y, 400, high - 150)) < 1.5
    assert band_db(x, y, 0, 150) < -40
    assert band_db(x, y, high + 500, 4000) < -50


def test_the_wider_ssb_filter_passes_what_the_narrow_one_cuts() -> None:
    x = white(2)
    narrow, wide = channel.ssb(x, high=2400.0), channel.ssb(x, high=2700.0)
    assert band_db(x, narrow, 2550, 2600) < -10 < -2 < band_db(x, wide, 2550, 2600)


@pytest.mark.parametrize("hz", [-300.0, -40.0, 120.0, 500.0])
def test_mistuning_moves_a_tone_by_that_many_hz(hz: float) -> None:
    y = channel.mistune(tone(1000.0, seconds=2.0), hz)
    assert peak_hz(y) == pytest.approx(1000.0 + hz, abs=2.0)
    assert len(y) == 2 * RATE


def test_mistuning_below_zero_folds_back_as_in_a_receiver() -> None:
    assert peak_hz(channel.mistune(tone(400.0, seconds=2.0), -600.0)) == pytest.approx(200, abs=2)


@pytest.mark.parametrize("factor", [0.97, 1.01, 1.03, 1.05])
def test_tape_speed_changes_duration_and_pitch_by_the_factor(factor: float) -> None:
    x = tone(1000.0, seconds=2.0)
    y = channel.speed(x, factor)
    assert len(y) == math.ceil(len(x) / channel.speed_ratio(factor))
    assert len(y) / RATE == pytest.approx(2.0 / factor, abs=1e-3)
    assert peak_hz(y) == pytest.approx(1000.0 * factor, abs=2.0)


def test_agc_levels_a_quiet_and_a_loud_passage() -> None:
    x = np.concatenate([tone(500.0, 0.005), tone(500.0, 0.8), tone(500.0, 0.05)])
    y = channel.agc(x)
    quiet, loud = rms(y[RATE // 2 : RATE]), rms(y[RATE + RATE // 2 : 2 * RATE])
    assert rms(x[RATE + RATE // 2 : 2 * RATE]) / rms(x[RATE // 2 : RATE]) > 100  # 44 dB apart
    assert abs(20 * np.log10(loud / quiet)) < 1.0  # levelled to within 1 dB
    # Pumping: just after the loud passage the gain is still down, and it recovers.
    just_after, later = rms(y[2 * RATE : 2 * RATE + 400]), rms(y[3 * RATE - 1600 : 3 * RATE])
    assert just_after < 0.3 * later
    assert abs(20 * np.log10(later / quiet)) < 1.0


def test_long_audio_is_the_same_across_the_blocks_it_is_worked_in() -> None:
    # Ten seconds: past the first 8.2 s block of per-sample arithmetic.
    t = np.arange(10 * RATE) / RATE
    shifted = channel.mistune(tone(1000.0, seconds=10.0), 150.0)
    middle = slice(RATE, 9 * RATE)  # away from the FFT's edges
    expected = 0.5 * np.sin(2 * np.pi * 1150.0 * t)
    assert np.max(np.abs(shifted[middle] - expected[middle])) < 2e-3
    levelled = channel.agc(tone(300.0, 0.05, seconds=10.0)).astype(np.float64)
    level = np.sqrt(np.mean(levelled[RATE // 10 :].reshape(-1, RATE // 10) ** 2, axis=1))
    assert np.ptp(20 * np.log10(level)) < 0.1  # the gain steady across 8.2 s


# -- on the way: fading, crashes, clicks -----------------------------------------------


def transfer_spread_db(x: NDArray[np.float32], y: NDArray[np.float32]) -> NDArray[np.float64]:
    """Per 64 ms frame, how far apart the best and worst 300-3000 Hz gains are (dB)."""
    f, _, sx = stft(x, fs=RATE, nperseg=512)
    _, _, sy = stft(y, fs=RATE, nperseg=512)
    band = (f >= 300) & (f <= 3000)
    gain = np.abs(sy[band]) ** 2 / np.maximum(np.abs(sx[band]) ** 2, 1e-20)
    smooth = np.apply_along_axis(lambda g: np.convolve(g, np.ones(5) / 5, "same"), 0, gain)
    db = 10 * np.log10(np.maximum(smooth[2:-2], 1e-12))
    return np.asarray(db.max(axis=0) - db.min(axis=0), np.float64)


def test_selective_fading_cuts_notches_that_move_where_flat_fading_does_not() -> None:
    x = white(3, seconds=6.0)
    y = channel.selective_fading(x, np.random.default_rng(3), depth=0.9)
    flat = channel.fade(x, 0.9, np.random.default_rng(3))
    assert np.median(transfer_spread_db(x, y)[4:-4]) > 10
    assert np.median(transfer_spread_db(x, flat)[4:-4]) < 1
    f, _, sx = stft(x, fs=RATE, nperseg=512)
    _, _, sy = stft(y, fs=RATE, nperseg=512)
    notch = f[np.argmin(np.abs(sy) / np.maximum(np.abs(sx), 1e-9), axis=0)]
    assert len(set(np.round(notch[4:-4] / 100))) > 5  # the notches wander over the band


def test_qrn_adds_crashes_that_come_and_die_away() -> None:
    x = tone(700.0, 0.1, seconds=20.0)
    y = channel.qrn(x, np.random.default_rng(4), rate_hz=0.5, level_db=6.0)
    added = (np.asarray(y, np.float64) - x).reshape(-1, RATE // 100) ** 2  # 10 ms frames
    energy = np.sort(added.sum(axis=1))[::-1]
    assert energy[0] > 0
    assert energy[: len(energy) // 10].sum() > 0.8 * energy.sum()  # in bursts, not a hiss
    assert np.array_equal(channel.qrn(x, np.random.default_rng(4), rate_hz=0.0), x)


def test_impulses_are_clicks_a_few_samples_long() -> None:
    x = tone(700.0, 0.1, seconds=10.0)
    y = channel.impulses(x, np.random.default_rng(5), rate_hz=5.0)
    hit = np.flatnonzero(np.abs(np.asarray(y, np.float64) - x) > 1e-6)
    clicks = 1 + int(np.sum(np.diff(hit) > 10))
    assert 25 <= clicks <= 80  # about 5 a second for 10 s
    assert len(hit) <= 4 * clicks


# -- Shortwave -----------------------------------------------------------------------

EVERYTHING = Shortwave(
    snr_db=10.0,
    fading=0.3,
    qrm_db=-12.0,
    ssb=2.4,
    mistune=-80.0,
    agc=True,
    qrn_db=6.0,
    selective_fading=0.8,
    impulses_db=10.0,
    speed=1.03,
)


def test_the_same_seed_gives_the_same_audio_and_another_seed_other_audio() -> None:
    x = white(6, seconds=1.0)
    a = EVERYTHING.apply(x, np.random.default_rng(1))
    assert np.array_equal(a, EVERYTHING.apply(x, np.random.default_rng(1)))
    assert not np.array_equal(a, EVERYTHING.apply(x, np.random.default_rng(2)))


def test_no_condition_is_the_old_voice_channel() -> None:
    x = white(7, seconds=0.5)
    y = Shortwave().apply(x, np.random.default_rng(0))
    band = channel.band_limit(x)
    assert np.allclose(y, 0.9 * band / np.max(np.abs(band)), atol=1e-6)
    assert str(Shortwave()) == "clean"
    assert str(EVERYTHING).startswith("10 dB SNR, fading 0.3") and "speed 1.03" in str(EVERYTHING)


def test_through_a_shortwave_stretches_the_timeline_with_the_audio() -> None:
    m12 = synth.broadcast(["12345", "67890"], profiles.load("M12"), station_id="42")
    slow = channel.through(m12, Shortwave(ssb=2.7, agc=True, speed=0.97), seed=3)
    assert len(slow.audio) == math.ceil(len(m12.audio) / channel.speed_ratio(0.97))
    first, again = m12.group_events[0], slow.group_events[0]
    assert again.start == pytest.approx(first.start / 0.97) and again.text == first.text
    assert slow.timeline[-1].end <= slow.seconds + 1e-6
    with pytest.raises(BadInput, match="either"):
        channel.through(m12, Shortwave(agc=True), snr_db=10)


SETTINGS = st.builds(
    Shortwave,
    snr_db=st.none() | st.floats(-20, 60),
    fading=st.floats(0, 1),
    qrm_db=st.none() | st.floats(-60, 0),
    ssb=st.none() | st.sampled_from(channel.SSB_FILTERS) | st.floats(*channel.SSB_RANGE),
    mistune=st.floats(-channel.MAX_MISTUNE, channel.MAX_MISTUNE),
    agc=st.booleans(),
    qrn_db=st.none() | st.floats(-20, 30),
    selective_fading=st.floats(0, 1),
    impulses_db=st.none() | st.floats(-20, 30),
    speed=st.floats(*channel.SPEED_RANGE),
)


@given(
    conditions=SETTINGS,
    samples=st.integers(0, 3000),
    amp=st.sampled_from([0.0, 1e-4, 0.3, 1.0]),
    seed=st.integers(0, 2**32),
)
def test_any_conditions_give_finite_audio_of_the_documented_length(
    conditions: Shortwave, samples: int, amp: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x = (amp * np.clip(rng.standard_normal(samples), -1, 1)).astype(np.float32)
    y = conditions.apply(x, rng)
    assert y.dtype == np.float32 and y.shape == (
        math.ceil(samples / channel.speed_ratio(conditions.speed)),
    )
    assert np.all(np.isfinite(y)) and (len(y) == 0 or np.max(np.abs(y)) <= 0.9 + 1e-6)


@given(samples=st.integers(0, 2000), amp=st.floats(0, 1), seed=st.integers(0, 2**32))
def test_every_condition_alone_keeps_audio_finite_and_within_full_scale(
    samples: int, amp: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x = (amp * np.sin(np.arange(samples) * 0.3 + seed % 7)).astype(np.float32)
    same_length = [
        channel.ssb(x, high=2700.0),
        channel.mistune(x, 333.0),
        channel.agc(x),
        channel.qrn(x, rng, rate_hz=50.0, level_db=20.0),
        channel.selective_fading(x, rng, depth=1.0),
        channel.impulses(x, rng, rate_hz=200.0, level_db=30.0),
    ]
    for y in [*same_length, channel.speed(x, 1.2)]:
        assert y.dtype == np.float32 and np.all(np.isfinite(y))
        assert len(y) == 0 or np.max(np.abs(y)) <= 1.0
    assert all(len(y) == samples for y in same_length)


@given(SETTINGS)
def test_settings_round_trip_through_json(conditions: Shortwave) -> None:
    assert Shortwave(**conditions.to_json()) == conditions  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"ssb": 5.0}, "SSB filter"),
        ({"ssb": math.nan}, "SSB filter"),
        ({"mistune": 1500.0}, "mistune"),
        ({"speed": 0.0}, "speed factor"),
        ({"speed": math.inf}, "speed factor"),
        ({"selective_fading": 1.5}, "selective fading depth"),
        ({"qrn_db": 200.0}, "QRN level"),
        ({"impulses_db": math.nan}, "impulse level"),
        ({"fading": -0.1}, "fading depth"),
        ({"snr_db": 1e9}, "SNR"),
        ({"qrm_db": -math.inf}, "QRM level"),
    ],
)
def test_a_setting_out_of_range_is_refused_by_name(settings: dict[str, float], named: str) -> None:
    with pytest.raises(BadInput, match=named):
        Shortwave(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda x, rng: channel.ssb(x, low=2500.0, high=2400.0), "upper edge"),
        (lambda x, rng: channel.agc(x, attack=0.0), "AGC attack"),
        (lambda x, rng: channel.agc(x, release=math.nan), "AGC release"),
        (lambda x, rng: channel.qrn(x, rng, rate_hz=-1.0), "QRN rate"),
        (lambda x, rng: channel.impulses(x, rng, rate_hz=1e6), "impulse rate"),
        (lambda x, rng: channel.speed(x, 3.0), "speed"),
    ],
)
def test_a_bad_parameter_of_a_condition_is_refused_by_name(call: object, named: str) -> None:
    assert callable(call)
    with pytest.raises(BadInput, match=named):
        call(tone(440.0), np.random.default_rng(0))


# -- cinq broadcast ---------------------------------------------------------------------

RADIO = ("--ssb", "2.4", "--agc", "--mistune", "60", "--qrn", "--impulses", "--seed", "1")


@pytest.mark.parametrize("station", ["M12", "E11"])  # Morse and voice
def test_broadcast_through_a_shortwave_receiver_and_a_slow_tape(
    station: str, tmp_path: Path
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("12345\n")
    run = (str(doc), "-s", station, "--short", "--selective-fading", "--snr", "10", *RADIO)
    slow = cinq("broadcast", *run, "--json", "--speed", "0.97", "-o", tmp_path / "slow.wav")
    assert slow.returncode == 0, slow.stderr
    audio, rate = sf.read(tmp_path / "slow.wav")
    data = json.loads(slow.stdout)
    assert rate == RATE and data["seconds"] == pytest.approx(len(audio) / RATE, abs=1e-3)
    assert 0 < data["groups"][-1]["end"] <= data["seconds"]
    if station == "M12":  # cheap to send again: the tape at its speed
        right = cinq("broadcast", *run, "--json", "-o", tmp_path / "right.wav")
        steady = json.loads(right.stdout)
        assert data["seconds"] == pytest.approx(steady["seconds"] / 0.97, abs=2e-3)
        start, was = data["groups"][0]["start"], steady["groups"][0]["start"]
        assert start == pytest.approx(was / 0.97, abs=2e-3)


@pytest.mark.parametrize(
    ("option", "value"),
    [("--ssb", "5"), ("--ssb", "nan"), ("--mistune", "-1001"), ("--speed", "inf")],
)
def test_broadcast_refuses_a_channel_setting_by_its_option(
    option: str, value: str, tmp_path: Path
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("12345\n")
    done = cinq("broadcast", doc, "-s", "M12", option, value, "-o", tmp_path / "x.wav")
    assert done.returncode == 2 and option in done.stderr
    assert not (tmp_path / "x.wav").exists()
