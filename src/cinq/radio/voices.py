"""Every installed speech voice that can read digits: Debian's speech engines and recorded
human speakers.

A :class:`Voice` is named by its key, ``engine:name``:

=========== ============================================ ============
engine      voices                                       languages
=========== ============================================ ============
espeak-ng   each language and some of its variants       en fr de es
            (``en``, ``en+f3``, ``ru+klatt``)            ru
mbrola      MBROLA databases under /usr/share/mbrola,    en fr de
            through espeak-ng (``us1``, ``fr4``,
            ``de2-en``: English in a German voice)
pico        SVOX Pico (``en-US``, ``de-DE``)             en fr de es
flite       flite's built-in voices (``slt``, ``kal``)   en
festival    festival's voices (``kal_diphone``,          en es ru
            ``el_diphone``, ``msu_ru_nsh_clunits``)
rhvoice     RHVoice (``slt``, ``anna``, ``aleksandr``)   en ru
fsdd        speakers of the Free Spoken Digit Dataset    en (digits
            (``jackson``), from :func:`fsdd_dir`         only)
=========== ============================================ ============

An engine or voice that is not installed is simply not listed. Everything comes out
as float32 at :data:`cinq.radio.RATE`, without the silence around it (soft onsets such
as "three" or "семь" are kept: the threshold is low), and is cached on disk in the
cache folder (``$CINQ_CACHE_DIR``), so a voice is rendered once per text and take.

Digits are read one by one as the words of the language ("three", "drei", "три"):
``say("235")`` reads "two three five", never "two hundred thirty-five".
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from numpy.typing import NDArray
from scipy.signal import resample_poly

from ..errors import BadInput
from ..files import atomic_write
from ..language.model import cache_dir
from . import RATE

Audio = NDArray[np.float32]

LANGS = ("en", "fr", "de", "es", "ru")
"""The languages cinq's stations speak."""

DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "ru": (
        "ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять",
    ),
}  # fmt: skip
"""How each digit is written for an engine to read it (a bare "0" is read as "oh",
"nought" or not at all by some engines)."""

ENGINE_LANGS: dict[str, tuple[str, ...]] = {
    "espeak-ng": LANGS,
    "mbrola": ("en", "fr", "de"),  # es1-es4 lack diphones for Spanish digits
    "pico": ("en", "fr", "de", "es"),
    "flite": ("en",),
    "festival": ("en", "es", "ru"),
    "rhvoice": ("en", "ru"),
    "fsdd": ("en",),
}
"""The languages each engine speaks once its Debian packages (system-packages.txt) are
installed."""

CACHE_VERSION = 2
"""Bumped whenever rendering changes, so that old cached audio is not reused."""

_TIMEOUT = 60.0
"""Seconds an engine may take for one text before it is taken for hung."""

_TRIM = 0.01
"""Silence: a 10 ms frame 40 dB below the loudest (RMS). Soft onsets such as "three" or
"семь" are some 35 dB down; the noise floor of flite's awb or MBROLA's fr5 is 42-55."""

_FSDD_PAUSE = 0.15
"""Seconds between the digits of a recorded speaker's :meth:`Voice.say`."""


@dataclass(frozen=True)
class Take:
    """How a synthetic voice varies from one take to the next."""

    speed: float  # 1.1 = 10 % faster
    pitch: float  # 1.1 = 10 % higher

    @classmethod
    def of(cls, take: int) -> Take:
        """Take 0 is the voice as it comes; the others vary speed and pitch a little,
        with coprime periods so that 45 takes differ."""
        speeds = (1.0, 0.92, 1.08, 0.86, 1.14, 0.96, 1.04, 0.89, 1.11)
        pitches = (1.0, 1.1, 0.9, 1.05, 0.95)
        return cls(speeds[take % len(speeds)], pitches[take % len(pitches)])


@dataclass(frozen=True)
class Voice:
    """One voice of one engine, in one language.

    ``female`` is the voice's sex as its documentation gives it (None when it gives
    none).
    """

    engine: str
    name: str
    lang: str
    female: bool | None

    @property
    def key(self) -> str:
        """``engine:name``, e.g. ``espeak-ng:en+f3``, ``mbrola:us1``, ``fsdd:jackson``."""
        return f"{self.engine}:{self.name}"

    def to_json(self) -> dict[str, str | bool | None]:
        """The voice as ``cinq voice list --json`` prints it."""
        return {
            "key": self.key,
            "engine": self.engine,
            "name": self.name,
            "lang": self.lang,
            "female": self.female,
        }

    def say(self, text: str) -> Audio:
        """``text`` read by this voice, digits one by one, at RATE, trimmed.

        A recorded speaker (``fsdd``) has only digits: any other word is refused.
        """
        if self.engine == "fsdd":
            return _fsdd_say(self, text)
        return _rendered(self, _spelt(text, self.lang), 0)

    def digit(self, d: str, take: int = 0) -> Audio:
        """The digit ``d`` ("0" to "9"), take number ``take``: another recording of a
        recorded speaker, another speed and pitch of a synthetic voice."""
        if len(d) != 1 or d not in "0123456789":
            raise BadInput(f"not a digit: {d!r} (voice {self.key})")
        if take < 0:
            raise BadInput(f"take {take} of voice {self.key}: takes count from 0")
        if self.engine == "fsdd":
            return _fsdd_digit(self, int(d), take)
        return _rendered(self, DIGIT_WORDS[self.lang][int(d)], take)


# -- what is installed --------------------------------------------------------------


def engines() -> list[str]:
    """The engines with at least one installed voice (``fsdd`` when its folder exists)."""
    return [name for name, found in _FINDERS.items() if found()]


def voices(lang: str) -> list[Voice]:
    """Every installed voice of ``lang`` (en, fr, de, es, ru), engine by engine."""
    if lang not in LANGS:
        raise BadInput(f"no voices for language {lang!r}; languages: {', '.join(LANGS)}")
    return [v for found in _FINDERS.values() for v in found() if v.lang == lang]


def voice(key: str) -> Voice:
    """The installed voice named ``engine:name``; BadInput naming the key if there is
    none."""
    engine, sep, name = key.partition(":")
    if not sep or engine not in _FINDERS:
        raise BadInput(
            f"unknown voice {key!r}: a voice is named engine:name, engines: " + ", ".join(_FINDERS)
        )
    for v in _FINDERS[engine]():
        if v.name == name:
            return v
    raise BadInput(f"voice {key!r} is not installed (`cinq voice list` shows the voices)")


def fsdd(speaker: str) -> Voice:
    """The recorded speaker ``speaker`` of the Free Spoken Digit Dataset (English)."""
    return voice(f"fsdd:{speaker}")


def fsdd_dir() -> Path:
    """The FSDD folder: ``$CINQ_FSDD_DIR``, else ``../shared/voices/fsdd`` beside the
    repository this package was loaded from."""
    if d := os.environ.get("CINQ_FSDD_DIR"):
        return Path(d)
    return Path(__file__).resolve().parents[3].parent / "shared" / "voices" / "fsdd"


@functools.cache
def _espeak_voices() -> tuple[Voice, ...]:
    if shutil.which("espeak-ng") is None:
        return ()
    listed = _listing(["espeak-ng", "--voices=variant"])
    variants = [v for v in ("m1", "m3", "m5", "m7", "f1", "f2", "f3", "f5", "klatt")]
    present = [v for v in variants if f"!v/{v}" in listed]
    found = []
    for lang in LANGS:
        found.append(Voice("espeak-ng", lang, lang, False))
        found += [Voice("espeak-ng", f"{lang}+{v}", lang, v[0] == "f") for v in present]
    return tuple(found)


def _listing(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.decode("utf-8", "replace")


_MBROLA_LINE = re.compile(r"^\s*\d+\s+([\w-]+)\s+\S+/([MF])\s+\S+\s+mb/mb-([\w-]+)", re.M)


@functools.cache
def _mbrola_voices() -> tuple[Voice, ...]:
    if shutil.which("espeak-ng") is None or shutil.which("mbrola") is None:
        return ()
    found = []
    for m in _MBROLA_LINE.finditer(_listing(["espeak-ng", "--voices=mb"])):
        lang, sex, name = m.group(1).split("-")[0], m.group(2), m.group(3)
        database = name.split("-")[0]  # de1-en: English read with the German de1 data
        if lang in LANGS and Path(f"/usr/share/mbrola/{database}/{database}").is_file():
            found.append(Voice("mbrola", name, lang, sex == "F"))
    return tuple(v for v in found if _says_digits(v))


def _says_digits(v: Voice) -> bool:
    """Whether ``v`` says all ten digits whole. espeak-ng's phonemes for some MBROLA
    databases lack diphones (in Debian 12 the Spanish es1-es4 say "cero" with gaps,
    de1-en "five"): such a voice is not listed. One run reads the ten words with pauses
    between them (-g), so that no diphone across two words is asked for."""
    words = " ".join(DIGIT_WORDS[v.lang])
    command = ["espeak-ng", "-g", "20", "-v", f"mb-{v.name}", "--stdout", "--stdin"]
    try:
        done = subprocess.run(
            command, input=words.encode("utf-8"), capture_output=True, timeout=_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and b"unknown, replaced with" not in done.stderr


_PICO = {"en-US": "en", "en-GB": "en", "de-DE": "de", "es-ES": "es", "fr-FR": "fr"}


@functools.cache
def _pico_voices() -> tuple[Voice, ...]:
    if shutil.which("pico2wave") is None:
        return ()
    # Every SVOX Pico voice is a woman's.
    return tuple(
        Voice("pico", name, lang, True)
        for name, lang in _PICO.items()
        if Path(f"/usr/share/pico/lang/{name}_ta.bin").is_file()
    )


_FLITE = {"kal": False, "kal16": False, "awb": False, "rms": False, "slt": True}


@functools.cache
def _flite_voices() -> tuple[Voice, ...]:
    if shutil.which("flite") is None:
        return ()
    listed = _listing(["flite", "-lv"]).split()
    return tuple(Voice("flite", n, "en", f) for n, f in _FLITE.items() if n in listed)


_FESTIVAL_LANGS = {"english": "en", "us": "en", "spanish": "es", "russian": "ru"}
_FESTIVAL_FEMALE = {"cmu_us_slt_arctic_hts"}
_FESTIVAL_MALE = {"kal_diphone", "rab_diphone", "ked_diphone", "don_diphone", "el_diphone"}
_FESTIVAL_MALE |= {"msu_ru_nsh_clunits"}


@functools.cache
def _festival_voices() -> tuple[Voice, ...]:
    root = Path("/usr/share/festival/voices")
    if shutil.which("text2wave") is None or not root.is_dir():
        return ()
    found = []
    for folder, lang in _FESTIVAL_LANGS.items():
        for d in sorted((root / folder).glob("*")) if (root / folder).is_dir() else []:
            sex = True if d.name in _FESTIVAL_FEMALE else None
            found.append(
                Voice("festival", d.name, lang, False if d.name in _FESTIVAL_MALE else sex)
            )
    return tuple(found)


_RHVOICE_LANGS = {"English": "en", "Russian": "ru"}


@functools.cache
def _rhvoice_voices() -> tuple[Voice, ...]:
    root = Path("/usr/share/RHVoice/voices")
    if shutil.which("RHVoice-test") is None or not root.is_dir():
        return ()
    found = []
    for info in sorted(root.glob("*/voice.info")):
        fields = dict(
            line.split("=", 1)
            for line in info.read_text("utf-8", "replace").splitlines()
            if "=" in line
        )
        lang = _RHVOICE_LANGS.get(fields.get("language", "").strip())
        sex = fields.get("gender", "").strip()
        if lang is not None:
            female = {"female": True, "male": False}.get(sex)
            found.append(Voice("rhvoice", info.parent.name, lang, female))
    return tuple(found)


_FSDD_FEMALE = {"george": False, "jackson": False, "lucas": False}


def _fsdd_voices() -> tuple[Voice, ...]:
    # Not cached: tests point $CINQ_FSDD_DIR at their own folder.
    root = fsdd_dir()
    if not root.is_dir():
        return ()
    return tuple(
        Voice("fsdd", d.name, "en", _FSDD_FEMALE.get(d.name))
        for d in sorted(root.iterdir())
        if d.is_dir() and any(d.glob(f"*_{d.name}_*.wav"))
    )


_FINDERS: dict[str, Callable[[], tuple[Voice, ...]]] = {
    "espeak-ng": _espeak_voices,
    "mbrola": _mbrola_voices,
    "pico": _pico_voices,
    "flite": _flite_voices,
    "festival": _festival_voices,
    "rhvoice": _rhvoice_voices,
    "fsdd": _fsdd_voices,
}


# -- rendering ------------------------------------------------------------------------


def _spelt(text: str, lang: str) -> str:
    """``text`` with each digit written as its word, so that it is read digit by digit."""
    words = DIGIT_WORDS[lang]
    return re.sub(r"\d", lambda m: f" {words[int(m.group())]} ", text).strip()


def _espeak(v: Voice, t: Take, out: Path) -> list[str]:
    name = f"mb-{v.name}" if v.engine == "mbrola" else v.name
    speed, pitch = str(round(160 * t.speed)), str(min(99, round(50 * t.pitch)))
    return ["espeak-ng", "-v", name, "-s", speed, "-p", pitch, "-w", str(out), "--stdin"]


def _pico(v: Voice, t: Take, out: Path) -> list[str]:
    # pico2wave reads only its argument; speed and pitch are its SSML-like tags. The
    # text then starts with '<', never taken for an option.
    speed, pitch = round(100 * t.speed), round(100 * t.pitch)
    tags = f"<speed level='{speed}'><pitch level='{pitch}'>{{}}</pitch></speed>"
    return ["pico2wave", "-l", v.name, "-w", str(out), tags]


def _flite(v: Voice, t: Take, out: Path) -> list[str]:
    stretch = f"duration_stretch={1 / t.speed:.3f}"  # pitch: not for all its voices
    return ["flite", "-voice", v.name, "--setf", stretch, "-f", "/dev/stdin", "-o", str(out)]


def _festival(v: Voice, t: Take, out: Path) -> list[str]:
    stretch = f"(Parameter.set 'Duration_Stretch {1 / t.speed:.3f})"
    return ["text2wave", "-eval", f"(voice_{v.name})", "-eval", stretch, "-o", str(out)]


def _rhvoice(v: Voice, t: Take, out: Path) -> list[str]:
    rate, pitch = str(round(100 * t.speed)), str(round(100 * t.pitch))
    return ["RHVoice-test", "-p", v.name, "-r", rate, "-t", pitch, "-o", str(out)]


_NO_PITCH = {"flite", "festival"}
"""Engines whose command line has no pitch for all their voices."""

_COMMANDS: dict[str, Callable[[Voice, Take, Path], list[str]]] = {
    "espeak-ng": _espeak,
    "mbrola": _espeak,
    "pico": _pico,
    "flite": _flite,
    "festival": _festival,
    "rhvoice": _rhvoice,
}
"""Each engine's command line writing a WAV file; the text goes on stdin, or, when the
last argument has a ``{}``, there."""


def _run_engine(v: Voice, text: str, take: int) -> Audio:
    """``text`` as the engine writes it (any rate), through a temp folder removed after."""
    with tempfile.TemporaryDirectory(prefix="cinq-voice-") as folder:
        out = Path(folder) / "say.wav"
        command = _COMMANDS[v.engine](v, Take.of(take), out)
        stdin = text.encode("utf-8")
        if "{}" in command[-1]:
            command[-1], stdin = command[-1].format(text), b""
        try:
            done = subprocess.run(
                command, input=stdin, capture_output=True, timeout=_TIMEOUT, check=False
            )
            data, rate = sf.read(out, dtype="float32", always_2d=True)
        except (OSError, subprocess.TimeoutExpired, sf.LibsndfileError, RuntimeError) as e:
            raise BadInput(f"{v.engine} could not say {text!r} in voice {v.key}: {e}") from None
    if done.returncode != 0 or data.size == 0:
        raise BadInput(f"{v.engine} could not say {text!r} in voice {v.key}")
    if b"unknown, replaced with" in done.stderr:  # MBROLA's gap for a missing diphone
        raise BadInput(f"{v.engine} voice {v.key} lacks the diphones to say {text!r}")
    x = _at_rate(data[:, 0], rate)
    pitch = Take.of(take).pitch
    if v.engine in _NO_PITCH and pitch != 1.0:
        # Played faster or slower, as a tape would: pitch and tempo change together.
        x = np.asarray(resample_poly(x, 100, round(100 * pitch)), np.float32)
    return x


def _at_rate(x: NDArray[np.float32], rate: int) -> Audio:
    """``x`` resampled from ``rate`` to RATE, within [-1, 1] (an engine's full-scale
    peaks overshoot a little through the filter)."""
    if rate != RATE:
        g = math.gcd(rate, RATE)
        x = resample_poly(x, RATE // g, rate // g)
    return np.clip(x, -1.0, 1.0).astype(np.float32)


def trim(x: Audio) -> Audio:
    """``x`` without the silence before and after it: from the first to the last 10 ms
    frame within 40 dB of the loudest (its RMS), and one frame more on each side.

    Frames, not samples: a click or the noise floor of a recorded voice is not sound.
    40 dB keeps soft onsets and ends ("three", "six", "семь" start some 35 dB down).
    """
    frame = RATE // 100
    n = -(-x.size // frame)
    padded = np.zeros(n * frame, np.float32)
    padded[: x.size] = x
    rms = np.sqrt(np.mean(np.square(padded.reshape(n, frame), dtype=np.float64), axis=1))
    loud = np.flatnonzero(rms > rms.max(initial=0.0) * _TRIM) if n else np.zeros(0, int)
    if loud.size == 0:
        return x[:0]
    start = max(int(loud[0]) - 1, 0) * frame
    return x[start : min((int(loud[-1]) + 2) * frame, x.size)]


def _cache_path(v: Voice, text: str, take: int) -> Path:
    ident = "\0".join((str(CACHE_VERSION), v.key, v.lang, text, str(take), str(RATE)))
    name = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
    return cache_dir() / f"voices-v{CACHE_VERSION}" / f"{name}.npy"


@functools.lru_cache(maxsize=4096)
def _rendered(v: Voice, text: str, take: int) -> Audio:
    """``text`` in voice ``v``, take ``take``, trimmed."""
    x = trim(_engine_output(v, text, take))
    if x.size == 0:
        raise BadInput(f"{v.engine} said nothing for {text!r} in voice {v.key}")
    return x


def _engine_output(v: Voice, text: str, take: int) -> Audio:
    """What the engine says, at RATE and untrimmed: from the disk cache, else rendered
    and cached (a damaged cache file is rendered again). The cache holds the untrimmed
    audio, so that a change of :func:`trim` needs no engine."""
    path = _cache_path(v, text, take)
    try:
        x: Audio = np.load(path, allow_pickle=False)
        if x.dtype == np.float32 and x.ndim == 1:
            return x
    except (OSError, ValueError, EOFError):
        pass  # not cached yet, or damaged: rendered below
    x = _run_engine(v, text, take)
    data = io.BytesIO()
    np.save(data, x, allow_pickle=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data.getvalue())
    except OSError:
        pass  # a cache that cannot be written only costs time
    return x


# -- recorded speakers (FSDD) ----------------------------------------------------------


def _fsdd_takes(v: Voice, digit: int) -> list[Path]:
    """The recordings of ``digit`` by the speaker, in take order."""
    folder = fsdd_dir() / v.name
    found = folder.glob(f"{digit}_{v.name}_*.wav")
    takes = sorted(
        (p for p in found if p.stem.rsplit("_", 1)[1].isdigit()),
        key=lambda p: int(p.stem.rsplit("_", 1)[1]),
    )
    if not takes:
        raise BadInput(f"voice {v.key}: no recording of {digit} in {folder}")
    return takes


def _fsdd_digit(v: Voice, digit: int, take: int) -> Audio:
    takes = _fsdd_takes(v, digit)
    path = takes[take % len(takes)]
    try:
        data, rate = sf.read(path, dtype="float32", always_2d=True)
    except (OSError, sf.LibsndfileError, RuntimeError) as e:
        raise BadInput(f"voice {v.key}: cannot read {path}: {e}") from None
    return trim(_at_rate(data[:, 0], rate))


def _fsdd_say(v: Voice, text: str) -> Audio:
    """The digits of ``text`` (digit characters or English digit words), each a new take
    of that digit, with short pauses between them."""
    words = DIGIT_WORDS["en"]
    digits = []
    for token in re.findall(r"\d|[^\W\d]+|[^\w\s]", text.lower()):
        if token.isdigit():
            digits.append(int(token))
        elif token in words:
            digits.append(words.index(token))
        else:
            raise BadInput(f"voice {v.key} is a recording of digits: it cannot say {token!r}")
    pause = np.zeros(round(_FSDD_PAUSE * RATE), np.float32)
    parts: list[Audio] = []
    for i, d in enumerate(digits):
        parts += [pause] if i else []
        parts.append(_fsdd_digit(v, d, digits[:i].count(d)))
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)
