"""Log-mel features every 10 ms, normalised so that the channel does not show.

A recording off the air differs from a clean one by a filter (SSB: 300-2400 Hz or so), a
gain that wanders (fading, AGC) and noise. The recogniser must see the same thing in
both, so each band's log energy is taken relative to that band's level in the speech of
the surrounding three seconds (a fixed filter becomes a constant per band and cancels,
and so does the gain), floored where the band is far below it (silence, noise).

The statistics are kept per block of :data:`BLOCK` frames and combined over whole blocks,
so a frame's features depend only on the samples around it, never on where a chunk of a
stream began: a recording read in pieces gives the same features as read whole (see
:func:`frames`, whose ``first`` frame must be a multiple of :data:`BLOCK`).
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray
from scipy.signal import stft

from . import RATE
from .speech import Audio

HOP = 80
"""Samples from one frame to the next (10 ms)."""
WINDOW = 200
"""Samples in a frame's analysis window (25 ms)."""
NFFT = 256
BANDS = 24
LOW, HIGH = 150.0, 3800.0
BLOCK = 10
"""Frames per block of statistics (100 ms)."""
REACH = 15
"""Blocks on either side of a frame's own that its normalisation looks at (1.5 s)."""
FLOOR = 9.0
"""How far below the speech nearby a band can go (nats, about 40 dB)."""
SILENT = -14.0
"""The lowest speech level (log power in a band): about 75 dB below the loudest bands
of a voice peaking near full scale."""
KEEP = 0.3
"""What is left of the noise after it is subtracted, as a floor (a fraction of it)."""
FPS = RATE / HOP
DIM = BANDS + 2
"""Numbers per frame: the bands (against their mean), the energy against the level of
speech nearby and against the floor."""

Frames = NDArray[np.float32]


def _mel(hz: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(2595.0 * np.log10(1.0 + hz / 700.0))


@functools.lru_cache(maxsize=64)
def mel_matrix(warp: float = 1.0) -> NDArray[np.float32]:
    """Triangular filters, (NFFT // 2 + 1) x BANDS, equally spaced in mel; with ``warp``
    the filters sit at ``warp`` times their frequencies (training imitates longer and
    shorter vocal tracts with it)."""
    edges_mel = np.linspace(_mel(np.array(LOW)), _mel(np.array(HIGH)), BANDS + 2)
    edges = warp * 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    bins = np.arange(NFFT // 2 + 1) * RATE / NFFT
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lower) / (centre - lower)
    falling = (upper - bins[None, :]) / (upper - centre)
    weights = np.clip(np.minimum(rising, falling), 0.0, None)
    return np.asarray(weights.T, np.float32)


@functools.cache
def _window() -> NDArray[np.float32]:
    return np.asarray(np.hanning(WINDOW), np.float32)


def frame_count(samples: int) -> int:
    """Frames in ``samples`` samples: one per hop, the last one padded with zeros."""
    return -(-samples // HOP)


def log_mel(x: Audio, warp: float = 1.0) -> Frames:
    """Log band energies (frames x BANDS) and log frame energy (frames,) stacked as the
    last column: frame ``i`` is the window starting at sample ``i * HOP``."""
    n = frame_count(len(x))
    padded = np.zeros(n * HOP + WINDOW, np.float32)
    padded[: len(x)] = x
    # Frame p is the window starting at sample p * HOP; stft scales each spectrum by
    # the window's sum, which is undone: the band energies are the unscaled power.
    _, _, spectrum = stft(  # type: ignore[call-overload]  # the stubs' windows omit arrays
        padded, window=_window(), nperseg=WINDOW, noverlap=WINDOW - HOP, nfft=NFFT,
        detrend=False, boundary=None, padded=False,
    )  # fmt: skip
    power = (np.abs(spectrum[:, :n].T) * float(_window().sum())) ** 2
    bands = power.astype(np.float32) @ mel_matrix(round(warp, 2))
    energy = bands.sum(axis=1, keepdims=True)
    return np.log(np.concatenate([bands, energy], axis=1) + 1e-7).astype(np.float32)


def _block_means(raw: Frames) -> NDArray[np.float64]:
    """The mean of each column per block of BLOCK frames (the last one may be short)."""
    blocks = -(-len(raw) // BLOCK)
    padded = np.zeros((blocks * BLOCK, raw.shape[1]), np.float64)
    padded[: len(raw)] = raw
    counts = np.minimum(BLOCK, len(raw) - BLOCK * np.arange(blocks)).astype(np.float64)
    return np.asarray(padded.reshape(blocks, BLOCK, raw.shape[1]).sum(axis=1) / counts[:, None])


def normalise(raw: Frames) -> Frames:
    """Normalised frames (frames x DIM) from :func:`log_mel` output.

    The noise nearby (per band, the quietest block mean within REACH blocks of the
    frame) is subtracted from each band's power, which is then floored at a fraction
    of that noise, and at least FLOOR below the speech nearby (the loudest block mean):
    silence looks the same whatever the noise. The bands are then taken against the
    frame's own mean over the bands (the gain cancels), and the frame's energy against
    the speech level nearby and against the floor.

    When ``raw`` is a stretch of a longer recording, starting at a frame that is a
    multiple of BLOCK, its frames whose surrounding REACH blocks lie within the stretch
    (or past the recording's ends) get exactly the features of the whole recording.
    """
    means = _block_means(raw)
    span = 2 * REACH + 1
    loud = sliding_window_view(
        np.pad(means, ((REACH, REACH), (0, 0)), constant_values=-np.inf), span, axis=0
    ).max(axis=2)
    quiet = sliding_window_view(
        np.pad(means, ((REACH, REACH), (0, 0)), constant_values=np.inf), span, axis=0
    ).min(axis=2)
    # Digital silence has no speech nearby to be measured against: a level far below
    # any voice stands in for it.
    loud = np.maximum(loud, SILENT)
    block = np.arange(len(raw)) // BLOCK
    noise = np.exp(quiet[block])
    floor = np.maximum(KEEP * noise, np.exp(loud[block] - FLOOR))
    cleaned = np.log(np.maximum(np.exp(raw.astype(np.float64)) - noise, floor))
    bands = cleaned[:, :BANDS] - cleaned[:, :BANDS].mean(axis=1, keepdims=True)
    energy = cleaned[:, BANDS:]
    below_speech = energy - loud[block, BANDS:]
    above_floor = energy - np.log(floor[:, BANDS:])
    out = np.concatenate([bands, below_speech, above_floor], axis=1) / 4.0
    return np.asarray(out, np.float32)


def features(x: Audio, warp: float = 1.0) -> Frames:
    """Features of a whole recording (frames x DIM), one row per 10 ms (``warp``: see
    :func:`mel_matrix`)."""
    return normalise(log_mel(x, warp))
