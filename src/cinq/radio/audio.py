"""Recordings in, as cinq's audio: any file libsndfile reads (WAV, FLAC, OGG...), mixed
down to mono and resampled to :data:`~cinq.radio.RATE`.

The size is checked from the header before a sample is read, so a huge file (or a
header that lies about its length) allocates nothing.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from numpy.typing import NDArray
from scipy.signal import resample_poly

from ..errors import BadInput
from . import RATE
from .speech import Audio

__all__ = ["MAX_SAMPLES", "blocks", "decode", "read", "to_voice_rate"]

MAX_SAMPLES = 100_000_000
"""The most samples (frames x channels) a recording may hold: 400 MB as float32; over
three hours at a voice channel's 8 kHz, half an hour at 48 kHz."""


def read(path: str | Path, *, max_samples: int = MAX_SAMPLES) -> Audio:
    """The recording in the file at ``path``, mono at :data:`~cinq.radio.RATE`.

    Parameters
    ----------
    path
        An audio file (WAV, FLAC, OGG... anything libsndfile reads).
    max_samples
        The most samples (frames x channels) it may hold.

    Returns
    -------
    Audio
        ``(samples,)`` float32: the channels averaged, resampled to 8 kHz.

    Raises
    ------
    BadInput
        The file cannot be read as audio (missing, not audio, a name that is not
        UTF-8), or it holds more than ``max_samples`` samples; the error names it.
    """
    try:
        return _load(str(path), str(path), max_samples)
    except UnicodeError:  # a file name that is not valid UTF-8 (libsndfile needs it)
        raise BadInput(f"cannot read {str(path)!r} as audio: the name is not UTF-8") from None


def decode(data: bytes, *, name: str = "the recording", max_samples: int = MAX_SAMPLES) -> Audio:
    """A recording held in memory (an upload, say), mono at :data:`~cinq.radio.RATE`.

    Parameters
    ----------
    data
        The bytes of an audio file (WAV, FLAC, OGG...).
    name
        What to call it in an error.
    max_samples
        The most samples (frames x channels) it may hold.

    Returns
    -------
    Audio
        ``(samples,)`` float32, as :func:`read` gives.

    Raises
    ------
    BadInput
        ``data`` is not audio, or holds more than ``max_samples`` samples.
    """
    return _load(io.BytesIO(data), name, max_samples)


def to_voice_rate(channels: NDArray[np.floating[Any]], rate: int) -> Audio:
    """Samples of any layout and rate as cinq's audio.

    Parameters
    ----------
    channels
        ``(frames, channels)`` samples.
    rate
        Their sample rate in Hz.

    Returns
    -------
    Audio
        ``(samples,)`` float32: the channels averaged, resampled to 8 kHz
        (``frames * 8000 / rate`` samples, rounded up).
    """
    mono = np.asarray(channels.mean(axis=1), np.float32)
    if rate != RATE:  # a recording at another rate: to the voice-channel rate
        mono = np.asarray(resample_poly(mono, RATE, rate), np.float32)
    return mono


def blocks(path: str | Path, seconds: float = 60.0) -> Iterator[Audio]:
    """The recording in the file at ``path`` in blocks of about ``seconds``, mono at
    :data:`~cinq.radio.RATE`, read and resampled one block at a time: the memory held
    is a few blocks, however long the recording.

    Joined end to end, the blocks are the samples :func:`read` gives (to within float
    rounding): each block is resampled with a second of the recording on either side,
    then cut to its own samples, so the filter never sees an edge inside the recording.

    Raises
    ------
    BadInput
        The file cannot be read as audio; the error names it.
    """
    name = str(path)
    with _as_audio(name), sf.SoundFile(name) as f:
        yield from _blocks(f, seconds)


def duration(path: str | Path) -> float:
    """Seconds of the recording in the file at ``path``, from its header.

    Raises
    ------
    BadInput
        The file cannot be read as audio; the error names it.
    """
    name = str(path)
    with _as_audio(name):
        return float(sf.info(name).duration)


@contextmanager
def _as_audio(name: str) -> Iterator[None]:
    """Reading the file ``name`` as audio: its failures as :class:`BadInput` naming it."""
    try:
        yield
    except UnicodeError:
        raise BadInput(f"cannot read {name!r} as audio: the name is not UTF-8") from None
    except (RuntimeError, OSError) as e:  # soundfile's LibsndfileError is a RuntimeError
        raise BadInput(f"cannot read {name} as audio: {e}") from None


def _blocks(f: sf.SoundFile, seconds: float) -> Iterator[Audio]:
    """Blocks of an open file. Each block is a whole number of resampling periods
    (``down`` input samples give exactly ``up`` output samples), so its output starts
    on a sample of the whole recording's output grid."""
    rate = int(f.samplerate)
    g = math.gcd(RATE, rate)
    up, down = RATE // g, rate // g
    step = max(round(seconds * rate / down), 1) * down
    context = max(math.ceil(rate / down), 1) * down  # about a second, whole periods
    total = int(f.frames)
    for start in range(0, total, step):
        lo = max(start - context, 0)
        f.seek(lo)
        data = f.read(min(start + step + context, total) - lo, dtype="float32", always_2d=True)
        mono = np.asarray(data.mean(axis=1), np.float32)
        if rate != RATE:
            mono = np.asarray(resample_poly(mono, up, down), np.float32)
        head = (start - lo) * up // down
        size = math.ceil(min(step, total - start) * up / down)
        yield mono[head : head + size]


def _load(source: str | io.BytesIO, name: str, max_samples: int) -> Audio:
    """Read ``source`` after checking its size from the header; errors name ``name``."""
    try:
        info = sf.info(source)
        if info.frames * max(1, info.channels) > max_samples:
            minutes = max_samples / max(1, info.channels) / max(1, info.samplerate) / 60
            raise BadInput(
                f"{name}: too long a recording; at most {minutes:.0f} minutes at "
                f"{info.samplerate} Hz, {info.channels} channel(s)"
            )
        if isinstance(source, io.BytesIO):
            source.seek(0)  # sf.info read the header
        data, rate = sf.read(source, dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as e:  # soundfile's LibsndfileError is a RuntimeError
        raise BadInput(f"cannot read {name} as audio: {e}") from None
    return to_voice_rate(data, int(rate))
