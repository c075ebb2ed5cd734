"""cinq.radio.voices: every installed engine's voices say every digit, recorded speakers
read their files, bad keys are refused, and no temp file is left behind."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cinq.errors import BadInput
from cinq.radio import RATE
from cinq.radio import voices as V
from tests.clirun import cinq
from tests.fixtures import HERE

FSDD = HERE / "fsdd"
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure-system-packages"

#: One voice of each engine, in a language it speaks (the cheaper ones where there is a
#: choice: a test run renders everything afresh).
SAMPLE = (
    "espeak-ng:ru+f3",
    "mbrola:fr4",
    "pico:de-DE",
    "flite:slt",
    "festival:el_diphone",
    "rhvoice:anna",
)


@pytest.fixture(autouse=True)
def fixture_speakers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The FSDD speakers are the committed fixture files, never a folder outside."""
    monkeypatch.setenv("CINQ_FSDD_DIR", str(FSDD))


@pytest.fixture
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temp folder and a disk cache of this test only, and nothing in memory: every
    text is rendered afresh through the engine."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("CINQ_CACHE_DIR", str(tmp_path / "cache"))
    V._rendered.cache_clear()
    yield folder
    V._rendered.cache_clear()


def test_every_installed_engine_has_a_voice_in_each_language_it_speaks() -> None:
    installed = V.engines()
    assert "espeak-ng" in installed  # cinq's own voice: `make` installs it
    for engine in installed:
        for lang in V.ENGINE_LANGS[engine]:
            found = [v for v in V.voices(lang) if v.engine == engine]
            assert found, f"{engine} has no {lang} voice"
            assert all(V.voice(v.key) == v for v in found)


def test_each_language_has_female_and_male_voices() -> None:
    for lang in V.LANGS:
        sexes = {v.female for v in V.voices(lang)}
        assert {True, False} <= sexes, lang


@pytest.mark.parametrize("key", SAMPLE)
def test_a_voice_says_each_digit_as_distinct_audio_at_rate(key: str) -> None:
    engine = key.split(":")[0]
    if engine not in V.engines():
        pytest.skip(f"{engine} is not installed (`make` installs it)")
    v = V.voice(key)
    digits = [v.digit(d) for d in "0123456789"]
    for d, x in enumerate(digits):
        assert x.dtype == np.float32 and x.ndim == 1, (key, d)
        assert 0.1 * RATE < x.size < 1.5 * RATE, (key, d, x.size)
        assert np.isfinite(x).all() and 0.05 < np.abs(x).max() <= 1.0, (key, d)
        assert np.array_equal(V.trim(x), x), (key, d)  # no silence left to trim
    for i in range(10):
        for j in range(i):
            same = digits[i].size == digits[j].size and np.allclose(digits[i], digits[j])
            assert not same, f"{key} says {i} and {j} alike"


def test_say_reads_digits_one_by_one() -> None:
    v = V.voice("espeak-ng:en")
    assert np.array_equal(v.say("7"), v.digit("7"))
    three = v.say("2 3 5")
    assert v.say("235").size == pytest.approx(three.size, rel=0.1)
    assert three.size > v.digit("2").size + v.digit("3").size


def test_takes_of_a_synthetic_voice_differ_and_repeat() -> None:
    v = V.voice("espeak-ng:de+m3")
    takes = [v.digit("5", t) for t in range(4)]
    assert len({x.size for x in takes}) == 4
    assert np.array_equal(v.digit("5", 0), takes[0])
    speeds_and_pitches = {V.Take.of(t) for t in range(45)}
    assert len(speeds_and_pitches) == 45 and V.Take.of(0) == V.Take(1.0, 1.0)


@pytest.mark.parametrize(
    ("key", "named"),
    [
        ("nope", "'nope'"),
        ("espeak-ng:xx+f9", "'espeak-ng:xx+f9'"),
        ("mbrola:es1", "'mbrola:es1'"),  # installed, but it cannot say "cero"
        ("fsdd:nobody", "'fsdd:nobody'"),
        ("sapi:david", "engines: espeak-ng"),
    ],
)
def test_an_unknown_voice_is_refused_by_name(key: str, named: str) -> None:
    with pytest.raises(BadInput, match=re.escape(named)):
        V.voice(key)


def test_bad_digits_takes_and_languages_are_refused() -> None:
    v = V.voice("espeak-ng:fr")
    for bad in ("a", "12", "", "٣"):
        with pytest.raises(BadInput, match="not a digit"):
            v.digit(bad)
    with pytest.raises(BadInput, match="take -1"):
        v.digit("1", -1)
    with pytest.raises(BadInput, match="'xx'"):
        V.voices("xx")


def test_a_recorded_speaker_reads_its_files() -> None:
    import soundfile as sf

    jackson = V.fsdd("jackson")
    assert jackson == V.Voice("fsdd", "jackson", "en", False)
    assert jackson in V.voices("en") and "fsdd" in V.engines()
    for d in "0123456789":
        first, second = jackson.digit(d, 0), jackson.digit(d, 1)
        recorded, rate = sf.read(FSDD / "jackson" / f"{d}_jackson_0.wav", dtype="float32")
        assert rate == RATE and 0 < first.size <= recorded.size
        assert np.array_equal(first, recorded[: first.size]) or _inside(first, recorded)
        assert not (first.size == second.size and np.allclose(first, second))
        # Two recordings of each digit here: take 2 is take 0 again.
        assert np.array_equal(jackson.digit(d, 2), first)


def _inside(part: np.ndarray, whole: np.ndarray) -> bool:
    """Whether ``part`` is a contiguous slice of ``whole``."""
    starts = np.flatnonzero(whole == part[0])
    return any(np.array_equal(whole[s : s + part.size], part) for s in starts)


def test_a_recorded_speaker_says_only_digits() -> None:
    jackson = V.fsdd("jackson")
    said = jackson.say("3 three 3")
    # The second 3 is another take; pauses of 150 ms between the digits.
    parts = [jackson.digit("3", 0), jackson.digit("3", 1), jackson.digit("3", 0)]
    assert said.size == sum(p.size for p in parts) + 2 * round(0.15 * RATE)
    assert np.array_equal(said[: parts[0].size], parts[0])
    with pytest.raises(BadInput, match="'hello'"):
        jackson.say("3 hello")


def test_the_speakers_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINQ_FSDD_DIR", str(tmp_path / "none"))
    assert not [v for v in V.voices("en") if v.engine == "fsdd"]
    with pytest.raises(BadInput, match="'fsdd:jackson'"):
        V.fsdd("jackson")
    monkeypatch.delenv("CINQ_FSDD_DIR")
    assert V.fsdd_dir().parts[-3:] == ("shared", "voices", "fsdd")


def test_rendering_leaves_no_temp_file_and_caches_on_disk(own_temp: Path) -> None:
    v = V.voice("espeak-ng:es+f2")
    x = v.say("4 0")
    assert not list(own_temp.iterdir())
    cached = list((Path(os.environ["CINQ_CACHE_DIR"]) / f"voices-v{V.CACHE_VERSION}").glob("*"))
    assert len(cached) == 1 and cached[0].suffix == ".npy"
    V._rendered.cache_clear()
    assert np.array_equal(v.say("4 0"), x)  # read back from the disk
    cached[0].write_bytes(b"damaged")
    V._rendered.cache_clear()
    assert np.array_equal(v.say("4 0"), x)  # rendered again


def test_an_engine_that_fails_is_bad_input_naming_engine_voice_and_text(
    own_temp: Path,
) -> None:
    broken = V.Voice("pico", "xx-XX", "en", True)  # no such pico language
    with pytest.raises(BadInput, match=r"pico .*'one two'.*pico:xx-XX"):
        broken.say("one two")
    assert not list(own_temp.iterdir())


@given(
    arrays(np.float32, st.integers(1, 2000), elements=st.floats(-1, 1, width=32)),
    st.integers(0, 3000),
    st.integers(0, 3000),
)
def test_trim_keeps_every_loud_frame_and_drops_silence_around(
    x: np.ndarray, before: int, after: int
) -> None:
    frame = RATE // 100
    y = V.trim(x)
    peak = float(np.abs(x).max())
    # A lone loud sample in a frame quiet by RMS is a click, not sound, and may go: the
    # loudest *frame* is what is always kept (checked below with every loud frame).
    assert y.size == 0 if peak == 0 else y.size > 0 and _inside(y, x)
    # Silence added around a sound is trimmed again, to within a frame and a margin.
    padded = np.concatenate([np.zeros(before, np.float32), x, np.zeros(after, np.float32)])
    z = V.trim(padded)
    assert z.size <= x.size + 4 * frame and (peak == 0) == (z.size == 0)
    # Every frame of the grid louder than 1 % of the loudest (RMS) is kept.
    n = x.size // frame
    if n and y.size:
        rms = np.sqrt(np.mean(np.square(x[: n * frame].reshape(n, frame), dtype=float), axis=1))
        for k in np.flatnonzero(rms > 0.01 * rms.max()):
            assert _inside(x[k * frame : (k + 1) * frame], y)


def _sources(root: Path) -> tuple[Path, Path]:
    (root / "etc/apt/sources.list.d").mkdir(parents=True)
    deb822 = root / "etc/apt/sources.list.d/debian.sources"
    deb822.write_text(
        "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n"
        "Components: main non-free-firmware\n\n"
        "Types: deb\nURIs: http://deb.debian.org/debian-security\n"
        "Suites: bookworm-security\nComponents: main contrib\n"
    )
    (root / "etc/apt/sources.list.d/other.sources").write_text(
        "Types: deb\nURIs: https://example.com/apt\nComponents: stable\n"
    )
    classic = root / "etc/apt/sources.list"
    classic.write_text(
        "# deb http://deb.debian.org/debian bookworm main\n"
        "deb http://deb.debian.org/debian bookworm main\n"
        "deb-src [arch=amd64] http://deb.debian.org/debian bookworm main non-free\n"
        "deb https://example.com/apt stable main\n"
    )
    return deb822, classic


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_make_adds_contrib_and_non_free_to_apt_sources_once(tmp_path: Path) -> None:
    deb822, classic = _sources(tmp_path)
    other = (tmp_path / "etc/apt/sources.list.d/other.sources").read_text()
    env = {**os.environ, "APT_ROOT": str(tmp_path)}
    for _ in range(2):  # the second run changes nothing
        subprocess.run(
            ["bash", str(SCRIPT), "--enable-components"], env=env, check=True, timeout=30
        )
        components = [line for line in deb822.read_text().splitlines() if "Components" in line]
        assert components == [
            "Components: main non-free-firmware contrib non-free",
            "Components: main contrib non-free",
        ]
        assert classic.read_text().splitlines() == [
            "# deb http://deb.debian.org/debian bookworm main",
            "deb http://deb.debian.org/debian bookworm main contrib non-free",
            "deb-src [arch=amd64] http://deb.debian.org/debian bookworm main non-free contrib",
            "deb https://example.com/apt stable main",
        ]
        assert (tmp_path / "etc/apt/sources.list.d/other.sources").read_text() == other


def test_cinq_voice_list_shows_the_installed_voices() -> None:
    text = cinq("voice", "list", "--lang", " RU ")
    assert text.returncode == 0, text.stderr
    rows = text.stdout.splitlines()
    assert len(rows) == len(V.voices("ru")) and rows[0].split()[:2] == ["ru", "espeak-ng:ru"]
    assert any(r.split()[-1] == "female" for r in rows)
    listed = cinq("voice", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    everything = json.loads(listed.stdout)
    assert everything == [v.to_json() for lang in V.LANGS for v in V.voices(lang)]
    assert {"key": "fsdd:jackson", "engine": "fsdd", "name": "jackson", "lang": "en"}.items() <= (
        next(v for v in everything if v["engine"] == "fsdd").items()
    )
    bad = cinq("voice", "list", "--lang", "xx")
    assert bad.returncode == 2 and "'xx'" in bad.stderr and "Traceback" not in bad.stderr
