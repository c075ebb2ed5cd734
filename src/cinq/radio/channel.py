"""What the path from transmitter to receiver does: a voice-channel band limit, noise at
a chosen signal-to-noise ratio, fading and an interfering carrier.

SNR is measured in the voice band (300-3000 Hz): the mean power of the transmission
while it is sending (digits, words, tones; not the silences between them), over the
power of the noise in the same band.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy.signal import butter, sosfilt

from ..errors import BadInput
from . import RATE
from .speech import Audio
from .synth import Event, Transmission

BAND = (300.0, 3000.0)
_SOS = butter(6, BAND, btype="bandpass", fs=RATE, output="sos")


def band_limit(x: Audio) -> Audio:
    """Through a 300-3000 Hz voice channel."""
    return sosfilt(_SOS, x).astype(np.float32)


def active_power(x: Audio, timeline: Sequence[Event]) -> float:
    """Mean power over the samples where something is being sent."""
    mask = np.zeros(len(x), dtype=bool)
    for e in timeline:
        if e.kind != "group":
            mask[int(e.start * RATE) : int(e.end * RATE)] = True
    return float(np.mean(x[mask] ** 2)) if mask.any() else float(np.mean(x**2))


def add_noise(
    x: Audio, snr_db: float, timeline: Sequence[Event], rng: np.random.Generator
) -> Audio:
    """Add band-limited white noise so that the voice-band SNR is ``snr_db``."""
    signal = active_power(band_limit(x), timeline)
    noise = band_limit(rng.standard_normal(len(x)).astype(np.float32))
    noise *= np.sqrt(signal / 10 ** (snr_db / 10) / float(np.mean(noise**2)))
    return (x + noise).astype(np.float32)


def fade(x: Audio, depth: float, rng: np.random.Generator, *, rate_hz: float = 0.3) -> Audio:
    """Slow fading: the level wanders by up to ``depth`` (0-1), a few times a minute."""
    t = np.arange(len(x)) / RATE
    phases = rng.uniform(0, 2 * np.pi, 3)
    freqs = rate_hz * np.array([1.0, 0.63, 0.27])
    waves = [np.sin(2 * np.pi * f * t + ph) for f, ph in zip(freqs, phases, strict=True)]
    wobble = np.sum(waves, axis=0)
    gain = 1 - depth * (0.5 + wobble / 6)  # in [1 - depth, 1]
    return np.asarray(x * gain, np.float32)


def qrm(x: Audio, *, hz: float = 1200.0, level_db: float = -10.0) -> Audio:
    """An interfering carrier at ``hz``, ``level_db`` relative to the signal's peak power."""
    t = np.arange(len(x)) / RATE
    amp = float(np.max(np.abs(x))) * 10 ** (level_db / 20)
    return (x + amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


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
    within +-100 dB, fading 0-1) or a negative seed, before any work."""
    _check(snr_db=snr_db, fading=fading, qrm_db=qrm_db, seed=seed)
    rng = np.random.default_rng(seed)
    y = band_limit(x)
    if fading:
        y = fade(y, fading, rng)
    if qrm_db is not None:
        y = qrm(y, level_db=qrm_db)
    if snr_db is not None:
        y = add_noise(y, snr_db, timeline, rng)
    peak = float(np.max(np.abs(y))) or 1.0
    return (0.9 * y / peak).astype(np.float32)


def through(
    tx: Transmission,
    *,
    snr_db: float | None = None,
    fading: float = 0.0,
    qrm_db: float | None = None,
    seed: int | None = None,
) -> Transmission:
    """The transmission as a receiver hears it: :func:`apply` to its audio.

    Parameters
    ----------
    tx
        What the station sent.
    snr_db, fading, qrm_db, seed
        As for :func:`apply`.

    Returns
    -------
    Transmission
        ``tx`` with its audio (``(samples,)`` float32, as long as before) band limited,
        faded, interfered with and noised as asked; the timeline unchanged.

    Raises
    ------
    BadInput
        A level outside what a radio channel can mean, or a negative seed.
    """
    audio = apply(tx.audio, tx.timeline, snr_db=snr_db, fading=fading, qrm_db=qrm_db, seed=seed)
    return replace(tx, audio=audio)


def _check(*, snr_db: float | None, fading: float, qrm_db: float | None, seed: int | None) -> None:
    # Beyond +-100 dB a level means nothing on a radio channel, and 10 ** (dB / 10)
    # overflows long before NaN or infinity would be caught downstream.
    for name, db in (("SNR", snr_db), ("QRM level", qrm_db)):
        if db is not None and not (math.isfinite(db) and -100 <= db <= 100):
            raise BadInput(f"the {name} must be between -100 and 100 dB, not {db}")
    if not (math.isfinite(fading) and 0 <= fading <= 1):
        raise BadInput(f"the fading depth must be between 0 and 1, not {fading}")
    if seed is not None and seed < 0:
        raise BadInput(f"the seed must be 0 or more, not {seed}")
