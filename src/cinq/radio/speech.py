"""Spoken words from espeak-ng, cut to the sound and resampled to :data:`RATE`."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess

import numpy as np
import soundfile as sf
from numpy.typing import NDArray
from scipy.signal import firwin, resample_poly

from ..errors import BadInput
from . import RATE

Audio = NDArray[np.float32]

VOICES = {"en": "en-gb", "fr": "fr", "ru": "ru", "de": "de", "es": "es"}
_ESPEAK_RATE = 22050


def espeak() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        raise BadInput(
            "espeak-ng is not installed (run `make setup`, or apt-get install espeak-ng)"
        )
    return path


@functools.lru_cache(maxsize=512)
def _render(text: str, voice: str, speed: int, pitch: int) -> bytes:
    # The text goes on stdin: a word of a station profile that starts with '-' is then
    # spoken, not taken for an option.
    done = subprocess.run(
        [espeak(), "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", "--stdin"],
        input=text.encode("utf-8", "replace"),
        capture_output=True,
    )
    if done.returncode != 0 or not done.stdout:
        raise BadInput(f"espeak-ng could not say {text!r} in voice {voice}")
    return done.stdout


def say(text: str, lang: str, *, variant: str = "", speed: int = 140, pitch: int = 50) -> Audio:
    """``text`` spoken in ``lang`` (en, fr, ru, de, es), silence trimmed, at RATE."""
    if lang not in VOICES:
        raise BadInput(f"no voice for language {lang!r}; voices: {', '.join(VOICES)}")
    voice = VOICES[lang] + (f"+{variant}" if variant else "")
    data, rate = sf.read(io.BytesIO(_render(text, voice, speed, pitch)), dtype="float32")
    if rate != _ESPEAK_RATE:  # pragma: no cover - espeak-ng always writes 22050 Hz
        raise RuntimeError(f"espeak-ng wrote {rate} Hz")
    # 22050 -> 8000 Hz. SciPy documents an array of FIR taps as a window; its stubs
    # list only window names.
    x = resample_poly(data, 160, 441, window=_antialias())  # type: ignore[call-overload]
    x = np.asarray(x, np.float32)
    return trim(x)


@functools.cache
def _antialias() -> NDArray[np.float32]:
    """The low-pass filter ``resample_poly`` designs for 22050 -> 8000 Hz (its default
    Kaiser window, the same coefficients), designed once instead of at every word."""
    return np.asarray(firwin(2 * 10 * 441 + 1, 1 / 441, window=("kaiser", 5.0)), np.float32)


def trim(x: Audio, threshold: float = 0.02) -> Audio:
    """Without the leading and trailing silence espeak-ng adds."""
    loud = np.flatnonzero(np.abs(x) > threshold * max(float(np.abs(x).max()), 1e-9))
    if loud.size == 0:
        return x[:0]
    return x[max(loud[0] - 40, 0) : loud[-1] + 40]


def silence(seconds: float) -> Audio:
    return np.zeros(round(seconds * RATE), dtype=np.float32)


def tone(hz: float, seconds: float, *, level: float = 0.5) -> Audio:
    """A sine tone with 5 ms raised-cosine edges (no clicks)."""
    n = round(seconds * RATE)
    t = np.arange(n) / RATE
    x = level * np.sin(2 * np.pi * hz * t)
    ramp = min(n // 2, int(0.005 * RATE))
    if ramp:
        edge = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
        x[:ramp] *= edge
        x[-ramp:] *= edge[::-1]
    return x.astype(np.float32)
