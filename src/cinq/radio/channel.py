"""What the path from transmitter to receiver does: shortwave conditions on the audio.

The transmitter's voice-channel band limit; on the way, mistuning, selective fading
(two paths), slow flat fading, an interfering carrier, noise, static crashes (QRN) and
clicks; in the receiver, an SSB filter and AGC; on the tape, a speed error. Each is a
pure function of ``(samples,)`` float32 audio at :data:`RATE` (those with randomness
take a :class:`numpy.random.Generator`, so a seed gives the same audio every time);
:class:`Shortwave` holds a choice of them and applies them in that order.

SNR is measured in the voice band (300-3000 Hz): the mean power of the transmission
while it is sending (digits, words, tones; not the silences between them), over the
power of the noise in the same band. Without a timeline, "while it is sending" is the
20 ms frames within 20 dB of the loudest.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import fft as sp_fft
from scipy.fft import next_fast_len
from scipy.signal import butter, ellip, firwin, lfilter, lfilter_zi, resample_poly, sosfilt

from ..errors import BadInput
from . import RATE
from .speech import Audio
from .synth import Event, Transmission

BAND = (300.0, 3000.0)
_SOS = butter(6, BAND, btype="bandpass", fs=RATE, output="sos")
#: The SSB filters receivers have: upper edges in kHz (the lower edge is 300 Hz).
SSB_FILTERS = (2.4, 2.7)
SSB_LOW = 300.0
#: Limits of what the settings can mean (beyond them the result is not a radio channel).
MAX_MISTUNE = 1000.0  # Hz: an SSB voice that far off is not understood by anyone
SPEED_RANGE = (0.5, 2.0)
SSB_RANGE = (1.0, 3.8)  # kHz: the upper edge stays below the 4 kHz Nyquist limit
#: The levels `cinq broadcast --qrn`, `--impulses` and `--selective-fading` use.
QRN_DB = 6.0
IMPULSE_DB = 10.0
SELECTIVE_DEPTH = 0.8
_QRN_RATE = 0.5  # crashes a second
_CLICK_RATE = 5.0  # clicks a second
_FRAME = RATE // 50  # 20 ms
_BLOCK = 1 << 16  # samples of per-sample arithmetic at a time (8 s)
_ACTIVE_DB = 20.0
_AGC_TARGET = 0.3  # the level AGC holds, as a peak amplitude
_AGC_MAX_GAIN_DB = 60.0


def band_limit(x: Audio) -> Audio:
    """Through a 300-3000 Hz voice channel (same length, float32)."""
    return _filtered(_SOS, x)


def _filtered(sos: NDArray[np.float64], x: Audio) -> Audio:
    # SciPy's sosfilt refuses an empty signal; no audio through a filter is no audio.
    return sosfilt(sos, x).astype(np.float32) if len(x) else np.zeros(0, np.float32)


def active_power(x: Audio, timeline: Sequence[Event] | None = None) -> float:
    """Mean power over the samples where something is being sent.

    With a ``timeline``, the samples of its digits, words and tones; without, the
    20 ms frames within 20 dB of the loudest one (0.0 for empty audio)."""
    if len(x) == 0:
        return 0.0
    if timeline is None:
        return _loud_frames_power(x)
    mask = np.zeros(len(x), dtype=bool)
    for e in timeline:
        if e.kind != "group":
            mask[int(e.start * RATE) : int(e.end * RATE)] = True
    return float(np.mean(x[mask] ** 2)) if mask.any() else float(np.mean(x**2))


def _loud_frames_power(x: Audio) -> float:
    frames = max(1, len(x) // _FRAME)
    usable = np.asarray(x[: frames * _FRAME] if len(x) >= _FRAME else x, np.float64)
    power = np.mean(usable.reshape(frames, -1) ** 2, axis=1)
    loud = power >= power.max() * 10 ** (-_ACTIVE_DB / 10)
    return float(np.mean(power[loud]))


def _fit(y: NDArray[np.floating] | Audio) -> Audio:
    """Float32, scaled down (never up) to a peak of at most 1: for linear effects."""
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    out = y / peak if peak > 1.0 else y
    return np.asarray(out, np.float32)


def _clipped(y: NDArray[np.floating] | Audio) -> Audio:
    """Float32, clipped to +-1 as a receiver's audio stage clips: for noise and AGC."""
    return np.asarray(np.clip(y, -1.0, 1.0), np.float32)


def _analytic(x: Audio) -> NDArray[np.complex64]:
    """The analytic signal of ``x`` in single precision (8 bytes a sample: an hour of
    audio is 230 MB; the FFT length is padded to a fast size)."""
    n = len(x)
    size = next_fast_len(n)
    spectrum = sp_fft.fft(np.asarray(x, np.float32), size)
    spectrum[1 : (size + 1) // 2] *= 2  # positive frequencies doubled, negative ones gone
    spectrum[size // 2 + 1 :] = 0
    return np.asarray(sp_fft.ifft(spectrum, overwrite_x=True)[:n], np.complex64)


def _blocks(n: int) -> Iterator[slice]:
    """Consecutive stretches of ``n`` samples: per-sample arithmetic a block at a time
    keeps memory bounded for long recordings (and is exact: each sample's own)."""
    for start in range(0, n, _BLOCK):
        yield slice(start, min(n, start + _BLOCK))


def _seconds(block: slice) -> NDArray[np.float64]:
    return np.arange(block.start, block.stop) / RATE


# -- the transmitter and the way -------------------------------------------------------


def mistune(x: Audio, hz: float) -> Audio:
    """The audio an SSB receiver tuned ``hz`` off the station gives: every frequency
    moved by ``hz`` (positive: higher, the voice sounds like a duck; negative: lower,
    and what falls below 0 Hz folds back, as it does in the receiver).

    Parameters
    ----------
    x
        ``(samples,)`` float32 at :data:`RATE`.
    hz
        The shift, within +-:data:`MAX_MISTUNE` Hz.

    Returns
    -------
    Audio
        ``(samples,)`` float32, the same length, peak at most 1.
    """
    _check_range("mistune", hz, -MAX_MISTUNE, MAX_MISTUNE, "Hz")
    if hz == 0 or len(x) == 0:
        return _fit(x)
    a = _analytic(x)
    y = np.empty(len(x), np.float32)
    for b in _blocks(len(x)):
        y[b] = np.real(a[b] * np.exp(2j * np.pi * hz * _seconds(b)))
    return _fit(y)


def selective_fading(
    x: Audio, rng: np.random.Generator, *, depth: float = SELECTIVE_DEPTH
) -> Audio:
    """Multipath: a second, weaker path 0.5-2.8 ms later, its delay and carrier phase
    drifting, so notches sweep through the band every few seconds (not flat fading).

    Parameters
    ----------
    x
        ``(samples,)`` float32 at :data:`RATE`.
    rng
        Where the paths' delays, drift rates and phases come from.
    depth
        The second path's strength relative to the first, 0-1 (1: notches to silence).

    Returns
    -------
    Audio
        ``(samples,)`` float32, the same length, peak at most 1.
    """
    _check_range("selective fading depth", depth, 0.0, 1.0, "")
    if depth == 0 or len(x) == 0:
        return _fit(x)
    paths = _Paths(
        depth=depth,
        delay=rng.uniform(0.8e-3, 2.5e-3),
        drift_hz=rng.uniform(0.05, 0.2),
        doppler_hz=rng.uniform(0.1, 0.5),
        phases=tuple(rng.uniform(0, 2 * np.pi, 3)),
    )
    a = _analytic(x)
    y = np.empty(len(x), np.float32)
    for b in _blocks(len(x)):
        y[b] = x[b] + paths.echo(a, b)
    return _fit(y)


@dataclass(frozen=True)
class _Paths:
    """The second path of :func:`selective_fading`: its mean delay (s), how fast the
    delay drifts, the Doppler rate of its carrier phase, and three starting phases."""

    depth: float
    delay: float
    drift_hz: float
    doppler_hz: float
    phases: tuple[float, ...]

    def echo(self, a: NDArray[np.complex64], block: slice) -> NDArray[np.float64]:
        """The second path's audio over ``block``, from the analytic signal ``a``."""
        t = _seconds(block)
        drift, wander, swell = self.phases
        delay = self.delay + 0.3e-3 * np.sin(2 * np.pi * self.drift_hz * t + drift)
        at = np.arange(block.start, block.stop) - delay * RATE
        before = np.floor(at).astype(np.int64)
        frac = at - before
        later = _sample(a, before) * (1 - frac) + _sample(a, before + 1) * frac
        # The carrier phase turns at a Doppler rate of a fraction of a Hz, wandering:
        # this is what moves the notches across the audio band.
        turn = 2 * np.pi * self.doppler_hz * t + 2.0 * np.sin(0.4 * np.pi * t + wander)
        gain = self.depth * (0.8 + 0.2 * np.sin(2 * np.pi * 0.07 * t + swell))
        return np.asarray(gain * np.real(later * np.exp(1j * turn)), np.float64)


def _sample(a: NDArray[np.complex64], at: NDArray[np.int64]) -> NDArray[np.complex64]:
    """``a[at]``, and 0 before the start."""
    return np.where(at >= 0, a[np.maximum(at, 0)], 0).astype(np.complex64)


def fade(x: Audio, depth: float, rng: np.random.Generator, *, rate_hz: float = 0.3) -> Audio:
    """Slow fading: the level wanders by up to ``depth`` (0-1), a few times a minute."""
    phases = rng.uniform(0, 2 * np.pi, 3)
    freqs = rate_hz * np.array([1.0, 0.63, 0.27])
    y = np.empty(len(x), np.float32)
    for b in _blocks(len(x)):
        t = _seconds(b)
        waves = [np.sin(2 * np.pi * f * t + ph) for f, ph in zip(freqs, phases, strict=True)]
        wobble = np.sum(waves, axis=0)
        y[b] = x[b] * (1 - depth * (0.5 + wobble / 6))  # a gain in [1 - depth, 1]
    return y


def qrm(x: Audio, *, hz: float = 1200.0, level_db: float = -10.0) -> Audio:
    """An interfering carrier at ``hz``, ``level_db`` relative to the signal's peak power."""
    amp = (float(np.max(np.abs(x))) if len(x) else 0.0) * 10 ** (level_db / 20)
    y = np.empty(len(x), np.float32)
    for b in _blocks(len(x)):
        y[b] = x[b] + amp * np.sin(2 * np.pi * hz * _seconds(b))
    return y


def add_noise(
    x: Audio, snr_db: float, timeline: Sequence[Event] | None, rng: np.random.Generator
) -> Audio:
    """Add band-limited white noise so that the voice-band SNR is ``snr_db``
    (the signal's power measured as :func:`active_power` does; same length)."""
    signal = active_power(band_limit(x), timeline)
    noise = band_limit(rng.standard_normal(len(x)).astype(np.float32))
    noise_power = float(np.mean(noise**2)) if len(x) else 0.0
    if noise_power > 0:
        noise *= np.sqrt(signal / 10 ** (snr_db / 10) / noise_power)
    return (x + noise).astype(np.float32)


def qrn(
    x: Audio, rng: np.random.Generator, *, rate_hz: float = _QRN_RATE, level_db: float = QRN_DB
) -> Audio:
    """Static crashes from distant lightning: bursts of crackling noise that rise in
    2 ms and die away in 20-200 ms, at random times.

    Parameters
    ----------
    x
        ``(samples,)`` float32 at :data:`RATE`.
    rng
        Where the crashes' times, lengths, levels and noise come from.
    rate_hz
        Crashes per second on average (Poisson), 0-100.
    level_db
        A typical crash's peak envelope, in dB relative to the signal's RMS while it
        is sending (:func:`active_power`); each crash is within +-6 dB of it.

    Returns
    -------
    Audio
        ``(samples,)`` float32, the same length, clipped to +-1 (crashes do clip).
    """
    _check_range("QRN rate", rate_hz, 0.0, 100.0, "per second")
    _check_range("QRN level", level_db, -100.0, 100.0, "dB")
    y = np.array(x, np.float32)
    _add_crashes(y, _sending_level(x, level_db), rate_hz, rng)
    return _clipped(y)


def _sending_level(x: Audio, level_db: float) -> float:
    """An amplitude ``level_db`` above the RMS of ``x`` while it is sending."""
    return math.sqrt(active_power(x)) * 10 ** (level_db / 20)


def _add_crashes(y: Audio, level: float, rate_hz: float, rng: np.random.Generator) -> None:
    """Add :func:`qrn`'s crashes to ``y`` (a fresh array, changed in place)."""
    n = len(y)
    count = int(rng.poisson(rate_hz * n / RATE)) if n and level > 0 else 0
    starts = rng.integers(0, n, count) if count else np.zeros(0, np.int64)
    decays = rng.uniform(0.02, 0.2, count)
    peaks = level * 10 ** (rng.uniform(-6, 6, count) / 20)
    for start, decay, peak in zip(starts, decays, peaks, strict=True):  # per crash, not sample
        t = np.arange(min(n - start, int(5 * decay * RATE))) / RATE
        envelope = peak * np.exp(-t / decay) * (1 - np.exp(-t / 0.002))
        # Cubed Gaussian noise is heavy-tailed: a crash crackles rather than hisses.
        y[start : start + len(t)] += envelope * rng.standard_normal(len(t)) ** 3 / math.sqrt(15)


def impulses(
    x: Audio,
    rng: np.random.Generator,
    *,
    rate_hz: float = _CLICK_RATE,
    level_db: float = IMPULSE_DB,
) -> Audio:
    """Impulse noise: clicks (ignition, switching) a few samples long at random times.

    Parameters
    ----------
    x
        ``(samples,)`` float32 at :data:`RATE`.
    rng
        Where the clicks' times, signs and sizes come from.
    rate_hz
        Clicks per second on average (Poisson), 0-1000.
    level_db
        A typical click's peak, in dB relative to the signal's RMS while it is sending
        (:func:`active_power`); sizes are exponentially distributed about it.

    Returns
    -------
    Audio
        ``(samples,)`` float32, the same length, clipped to +-1.
    """
    _check_range("impulse rate", rate_hz, 0.0, 1000.0, "per second")
    _check_range("impulse level", level_db, -100.0, 100.0, "dB")
    y = np.array(x, np.float32)
    _add_clicks(y, _sending_level(x, level_db), rate_hz, rng)
    return _clipped(y)


def _add_clicks(y: Audio, level: float, rate_hz: float, rng: np.random.Generator) -> None:
    """Add :func:`impulses`' clicks to ``y`` (a fresh array, changed in place)."""
    n = len(y)
    count = int(rng.poisson(rate_hz * n / RATE)) if n and level > 0 else 0
    if count == 0:
        return
    sizes = level * rng.exponential(1.0, count) * rng.choice([-1.0, 1.0], count)
    at = rng.integers(0, n, count)
    for lag, weight in enumerate((1.0, -0.6, 0.3)):  # a click rings for a few samples
        inside = at + lag < n
        np.add.at(y, at[inside] + lag, (weight * sizes[inside]).astype(np.float32))


# -- the receiver and the recorder -----------------------------------------------------


@functools.lru_cache(maxsize=16)
def _ssb_sos(low: float, high: float) -> NDArray[np.float64]:
    # An elliptic filter: flat in the passband, 60 dB down within a few hundred Hz,
    # like the crystal or DSP filters of SSB receivers.
    return np.asarray(ellip(5, 1.0, 60.0, (low, high), btype="bandpass", fs=RATE, output="sos"))


def ssb(x: Audio, *, low: float = SSB_LOW, high: float = 2400.0) -> Audio:
    """Through an SSB receiver's filter: ``low``-``high`` Hz passes, 60 dB down outside.

    Parameters
    ----------
    x
        ``(samples,)`` float32 at :data:`RATE`.
    low, high
        The passband's edges in Hz, ``50 <= low < high <= 3800`` (300-2400 Hz is the
        common "2.4 kHz" filter, 300-2700 Hz the wider one).

    Returns
    -------
    Audio
        ``(samples,)`` float32, the same length (delayed by the filter's few ms),
        peak at most 1.
    """
    _check_range("SSB filter's lower edge", low, 50.0, 3000.0, "Hz")
    _check_range("SSB filter's upper edge", high, low + 200.0, 3800.0, "Hz")
    return _fit(_filtered(_ssb_sos(float(low), float(high)), x))


def agc(x: Audio, *, attack: float = 0.005, release: float = 0.3) -> Audio:
    """A receiver's automatic gain control: the level held near 0.3 peak.

    The envelope follows a rise within ``attack`` seconds and a fall within
    ``release``; so after a loud word or a crash, what follows is quieter for a
    moment (pumping), the first few ms of a word after silence overshoot (clipped),
    and the noise rises in the pauses (up to 60 dB of gain).

    Parameters
    ----------
    x
        ``(samples,)`` float32 at :data:`RATE`.
    attack, release
        Time constants in seconds, each 0.0001-10.

    Returns
    -------
    Audio
        ``(samples,)`` float32, the same length, clipped to +-1.
    """
    _check_range("AGC attack", attack, 1e-4, 10.0, "s")
    _check_range("AGC release", release, 1e-4, 10.0, "s")
    if len(x) == 0:
        return _clipped(x)
    pole = math.exp(-1.0 / (attack * RATE))
    smooth = ([1 - pole], [1, -pole])
    floor = _AGC_TARGET * 10 ** (-_AGC_MAX_GAIN_DB / 20)
    y = np.empty(len(x), np.float32)
    held_before, state = -math.inf, None
    for b in _blocks(len(x)):
        held = _peak_hold(np.log(np.abs(x[b].astype(np.float64)) + 1e-12), held_before, release)
        if state is None:  # the envelope starts where the peak detector does
            state = lfilter_zi(*smooth) * math.exp(held[0])
        envelope, state = lfilter(*smooth, np.exp(held), zi=state)
        y[b] = x[b] * (_AGC_TARGET / np.maximum(envelope, floor))
        held_before = float(held[-1])
    return _clipped(y)


def _peak_hold(log_mag: NDArray[np.float64], before: float, release: float) -> NDArray[np.float64]:
    """A peak detector with exponential release in the log domain, vectorised: at ``n``
    the largest ``log|x[k]| - (n - k) / (release * RATE)``, ``before`` the value just
    before the block."""
    slope = np.arange(len(log_mag)) / (release * RATE)
    inside = np.maximum.accumulate(log_mag + slope) - slope
    return np.asarray(np.maximum(inside, before - (slope + 1 / (release * RATE))), np.float64)


def speed_ratio(factor: float) -> Fraction:
    """The speed factor as the ratio :func:`speed` resamples by (within 1e-6)."""
    _check_range("speed", factor, *SPEED_RANGE, "times")
    return Fraction(factor).limit_denominator(1000)


def speed(x: Audio, factor: float) -> Audio:
    """A tape played ``factor`` times too fast: 1.01 is 1 % fast, 1 % shorter and
    1 % higher in pitch (pitch and tempo together).

    Parameters
    ----------
    x
        ``(samples,)`` float32 at :data:`RATE`.
    factor
        Within 0.5-2; taken as :func:`speed_ratio` (a fraction, denominator <= 1000).

    Returns
    -------
    Audio
        ``(ceil(samples / ratio),)`` float32 at :data:`RATE`, peak at most 1.
    """
    ratio = speed_ratio(factor)
    if ratio == 1 or len(x) == 0:
        return _fit(x)
    up, down = ratio.denominator, ratio.numerator
    # SciPy takes an array as the filter itself, though its type stubs say otherwise.
    taps: Any = _lowpass(max(up, down))
    return _fit(resample_poly(np.asarray(x, np.float64), up, down, window=taps))


@functools.lru_cache(maxsize=64)
def _lowpass(rate: int) -> NDArray[np.float64]:
    # resample_poly's own filter, designed once: a random tape speed in training would
    # otherwise design a 20,000-tap filter for every clip.
    return np.asarray(firwin(20 * rate + 1, 1.0 / rate, window=("kaiser", 5.0)))


def _check_range(name: str, value: float, low: float, high: float, unit: str) -> None:
    if not (math.isfinite(value) and low <= value <= high):
        unit = f" {unit}" if unit else ""
        raise BadInput(f"the {name} must be between {low:g} and {high:g}{unit}, not {value}")


# -- a choice of conditions ------------------------------------------------------------


@dataclass(frozen=True)
class Shortwave:
    """Shortwave conditions: every setting of the channel, each off by default.

    Attributes
    ----------
    snr_db
        White noise at this voice-band SNR in dB (-100 to 100), or None.
    fading
        Slow flat fading depth, 0-1 (0: none).
    qrm_db
        An interfering carrier at 1200 Hz, dB relative to the signal's peak, or None.
    ssb
        An SSB filter from 300 Hz up to this many kHz (1-3.8; 2.4 and 2.7 are the usual
        ones), or None.
    mistune
        The receiver tuned this many Hz off (+-1000; 0: on frequency).
    agc
        Automatic gain control (attack 5 ms, release 0.3 s).
    qrn_db
        Static crashes, half a second apart on average, this many dB above the signal's
        RMS (e.g. 6), or None.
    selective_fading
        Depth of two-path selective fading, 0-1 (0: none).
    impulses_db
        Clicks, 5 a second on average, this many dB above the signal's RMS (e.g. 10),
        or None.
    speed
        Tape speed factor, 0.5-2 (1.01: 1 % fast, shorter and higher).

    Raises
    ------
    BadInput
        A setting out of its range, naming it.
    """

    snr_db: float | None = None
    fading: float = 0.0
    qrm_db: float | None = None
    ssb: float | None = None
    mistune: float = 0.0
    agc: bool = False
    qrn_db: float | None = None
    selective_fading: float = 0.0
    impulses_db: float | None = None
    speed: float = 1.0

    def __post_init__(self) -> None:
        # Beyond +-100 dB a level means nothing on a radio channel, and 10 ** (dB / 10)
        # overflows long before NaN or infinity would be caught downstream.
        levels = (("SNR", self.snr_db), ("QRM level", self.qrm_db), ("QRN level", self.qrn_db))
        for name, db in (*levels, ("impulse level", self.impulses_db)):
            if db is not None:
                _check_range(name, db, -100.0, 100.0, "dB")
        _check_range("fading depth", self.fading, 0.0, 1.0, "")
        _check_range("selective fading depth", self.selective_fading, 0.0, 1.0, "")
        if self.ssb is not None:
            _check_range("SSB filter's upper edge", self.ssb, *SSB_RANGE, "kHz")
        _check_range("mistune", self.mistune, -MAX_MISTUNE, MAX_MISTUNE, "Hz")
        _check_range("speed factor", self.speed, *SPEED_RANGE, "")

    def apply(
        self, x: Audio, rng: np.random.Generator, *, timeline: Sequence[Event] | None = None
    ) -> Audio:
        """The audio as a receiver records it, peak-normalised to 0.9.

        In order: the transmitter's 300-3000 Hz band limit; mistuning, selective and
        flat fading; the carrier, noise, crashes and clicks; the SSB filter, AGC; the
        tape speed.

        Parameters
        ----------
        x
            ``(samples,)`` float32 at :data:`RATE`.
        rng
            The randomness of fading and noise (the same generator state gives the
            same audio).
        timeline
            What is sent when, for the SNR's signal power; None: the loud frames.

        Returns
        -------
        Audio
            ``(samples,)`` float32, or ``(ceil(samples / speed_ratio(speed)),)`` when
            the speed is not 1; peak 0.9 (silence stays silent).
        """
        y = self._on_the_way(band_limit(x), rng)
        y = self._noised(y, rng, timeline)
        y = self._received(y)
        peak = float(np.max(np.abs(y))) if len(y) else 0.0
        return (0.9 * y / (peak or 1.0)).astype(np.float32)

    def _on_the_way(self, y: Audio, rng: np.random.Generator) -> Audio:
        if self.mistune:
            y = mistune(y, self.mistune)
        if self.selective_fading:
            y = selective_fading(y, rng, depth=self.selective_fading)
        if self.fading:
            y = fade(y, self.fading, rng)
        return y

    def _noised(
        self, y: Audio, rng: np.random.Generator, timeline: Sequence[Event] | None
    ) -> Audio:
        if self.qrm_db is not None:
            y = qrm(y, level_db=self.qrm_db)
        clean = y
        if self.snr_db is not None:
            y = add_noise(y, self.snr_db, timeline, rng)
        y = np.array(y, np.float32)  # a fresh array: crashes and clicks are added in place
        # They are sized against the signal, not against the signal and its noise.
        if self.qrn_db is not None:
            _add_crashes(y, _sending_level(clean, self.qrn_db), _QRN_RATE, rng)
        if self.impulses_db is not None:
            _add_clicks(y, _sending_level(clean, self.impulses_db), _CLICK_RATE, rng)
        return y

    def _received(self, y: Audio) -> Audio:
        if self.ssb is not None:
            y = ssb(y, high=1000.0 * self.ssb)
        if self.agc:
            y = agc(y)
        if self.speed != 1:
            y = speed(y, self.speed)
        return y

    def stretched(self, timeline: Sequence[Event]) -> tuple[Event, ...]:
        """The timeline of the audio :meth:`apply` gives: times divided by the speed."""
        ratio = float(speed_ratio(self.speed))
        if ratio == 1:
            return tuple(timeline)
        return tuple(replace(e, start=e.start / ratio, end=e.end / ratio) for e in timeline)

    def to_json(self) -> dict[str, object]:
        """Every setting by its attribute name (None or 0 where it is off)."""
        return asdict(self)

    def __str__(self) -> str:
        parts = [
            f"{self.snr_db:g} dB SNR" if self.snr_db is not None else "",
            f"fading {self.fading:g}" if self.fading else "",
            f"QRM {self.qrm_db:g} dB" if self.qrm_db is not None else "",
            f"SSB {self.ssb:g} kHz" if self.ssb is not None else "",
            f"mistuned {self.mistune:+g} Hz" if self.mistune else "",
            "AGC" if self.agc else "",
            f"QRN {self.qrn_db:g} dB" if self.qrn_db is not None else "",
            f"selective fading {self.selective_fading:g}" if self.selective_fading else "",
            f"impulses {self.impulses_db:g} dB" if self.impulses_db is not None else "",
            f"speed {self.speed:g}" if self.speed != 1 else "",
        ]
        return ", ".join(p for p in parts if p) or "clean"


SETTINGS = tuple(f.name for f in fields(Shortwave))


def apply(
    x: Audio,
    timeline: Sequence[Event],
    *,
    snr_db: float | None = None,
    fading: float = 0.0,
    qrm_db: float | None = None,
    seed: int | None = None,
) -> Audio:
    """Band limit, then fading, interference and noise as asked; peak-normalised.

    :class:`BadInput` for a level outside what a radio channel can mean (SNR and QRM
    within +-100 dB, fading 0-1) or a negative seed, before any work. The same as
    ``Shortwave(snr_db=..., fading=..., qrm_db=...).apply(x, rng, timeline=timeline)``."""
    conditions = Shortwave(snr_db=snr_db, fading=fading, qrm_db=qrm_db)
    return conditions.apply(x, _rng(seed), timeline=timeline)


def through(
    tx: Transmission,
    shortwave: Shortwave | None = None,
    *,
    snr_db: float | None = None,
    fading: float = 0.0,
    qrm_db: float | None = None,
    seed: int | None = None,
) -> Transmission:
    """The transmission as a receiver hears it: :meth:`Shortwave.apply` to its audio.

    Parameters
    ----------
    tx
        What the station sent.
    shortwave
        The conditions; or, without it, ``snr_db``, ``fading`` and ``qrm_db`` as for
        :func:`apply`.
    seed
        Seed of the randomness of fading and noise.

    Returns
    -------
    Transmission
        ``tx`` with its audio through the channel (``(samples,)`` float32, as long as
        before unless the speed is not 1) and its timeline stretched to match.

    Raises
    ------
    BadInput
        A setting out of its range, a negative seed, or both ``shortwave`` and levels.
    """
    if shortwave is None:
        shortwave = Shortwave(snr_db=snr_db, fading=fading, qrm_db=qrm_db)
    elif snr_db is not None or fading or qrm_db is not None:
        raise BadInput("give the channel's levels either in a Shortwave or as keywords")
    audio = shortwave.apply(tx.audio, _rng(seed), timeline=tx.timeline)
    return replace(tx, audio=audio, timeline=shortwave.stretched(tx.timeline))


def _rng(seed: int | None) -> np.random.Generator:
    if seed is not None and seed < 0:
        raise BadInput(f"the seed must be 0 or more, not {seed}")
    return np.random.default_rng(seed)
