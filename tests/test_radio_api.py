"""The radio library a console can call without the CLI: audio files in, transmissions
and receptions out as JSON and as the received document."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.document import Document
from cinq.errors import BadInput
from cinq.radio import RATE, audio, channel, profiles, receive, synth
from cinq.radio.reception import Reception, Unsure, reception

GROUP = st.text(alphabet="0123456789?", min_size=5, max_size=5)
STATION = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Pd")), min_size=1, max_size=8
)


def wav_bytes(samples: np.ndarray, rate: int, subtype: str = "FLOAT") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, samples, rate, format="WAV", subtype=subtype)
    return buf.getvalue()


# -- audio ---------------------------------------------------------------------------


@given(
    frames=st.integers(1, 3000),
    channels=st.integers(1, 3),
    rate=st.sampled_from([8000, 11025, 16000, 22050, 44100, 48000]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_recording_decodes_to_mono_at_the_voice_rate(
    frames: int, channels: int, rate: int, seed: int
) -> None:
    samples = np.random.default_rng(seed).uniform(-0.9, 0.9, (frames, channels))
    got = audio.decode(wav_bytes(samples.astype(np.float32), rate))
    assert got.dtype == np.float32 and got.ndim == 1
    assert len(got) == math.ceil(frames * RATE / rate)
    if rate == RATE:  # nothing to resample: exactly the mean of the channels
        np.testing.assert_allclose(got, samples.mean(axis=1), atol=1e-6)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 2000))
def test_a_transmission_wav_reads_back_as_its_audio(seed: int, n: int) -> None:
    # The WAV is 16-bit: the samples come back to within one quantisation step.
    x = np.random.default_rng(seed).uniform(-0.99, 0.99, n).astype(np.float32)
    tx = synth.Transmission(x, (), profiles.load("E11"), "en")
    got = audio.decode(tx.wav())
    assert got.shape == x.shape
    assert float(np.max(np.abs(got - x))) <= 1 / 32768 + 1e-7


@settings(max_examples=25, deadline=None)
@given(
    frames=st.integers(0, 30000),
    channels=st.integers(1, 2),
    rate=st.sampled_from([8000, 11025, 16000, 44100, 48000]),
    seconds=st.floats(0.05, 2.0),
)
def test_blocks_joined_are_the_recording(
    tmp_path_factory: pytest.TempPathFactory, frames: int, channels: int, rate: int, seconds: float
) -> None:
    path = tmp_path_factory.mktemp("blocks") / "r.wav"
    samples = np.random.default_rng(frames).uniform(-0.9, 0.9, (frames, channels))
    path.write_bytes(wav_bytes(samples.astype(np.float32), rate))
    parts = list(audio.blocks(path, seconds))
    assert all(p.dtype == np.float32 and p.ndim == 1 for p in parts)
    assert all(len(p) <= math.ceil(seconds * RATE) + RATE for p in parts)
    got = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    np.testing.assert_allclose(got, audio.read(path), atol=1e-5)


def test_blocks_of_what_is_not_audio_name_it(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("12345 67890\n")
    with pytest.raises(BadInput, match=r"cannot read .*t\.txt as audio"):
        list(audio.blocks(tmp_path / "t.txt", 1.0))


def test_duration_from_the_header_and_what_is_not_audio_named(tmp_path: Path) -> None:
    (tmp_path / "s.wav").write_bytes(wav_bytes(np.zeros(22050, np.float32), 44100))
    assert audio.duration(tmp_path / "s.wav") == 0.5
    (tmp_path / "t.txt").write_text("12345 67890\n")
    for name in ("t.txt", "missing.wav"):
        with pytest.raises(BadInput, match=rf"cannot read .*{name} as audio"):
            audio.duration(tmp_path / name)


def test_read_a_file_and_refuse_what_is_not_audio(tmp_path: Path) -> None:
    stereo = np.stack([np.full(4410, 0.5), np.full(4410, -0.1)], axis=1).astype(np.float32)
    (tmp_path / "s.wav").write_bytes(wav_bytes(stereo, 44100))
    got = audio.read(tmp_path / "s.wav")
    assert len(got) == 800 and abs(float(np.median(got)) - 0.2) < 1e-3
    (tmp_path / "t.txt").write_text("12345 67890\n")
    with pytest.raises(BadInput, match=r"cannot read .*t\.txt as audio"):
        audio.read(tmp_path / "t.txt")
    with pytest.raises(BadInput, match=r"cannot read .*missing\.wav as audio"):
        audio.read(tmp_path / "missing.wav")
    with pytest.raises(BadInput, match="cannot read upload as audio"):
        audio.decode(b"RIFF....WAVE", name="upload")


def test_a_recording_over_the_bound_is_refused_from_its_header(tmp_path: Path) -> None:
    stereo = np.zeros((1000, 2), dtype=np.float32)
    (tmp_path / "long.wav").write_bytes(wav_bytes(stereo, 8000))
    with pytest.raises(BadInput, match=r"long\.wav: too long a recording.*2 channel"):
        audio.read(tmp_path / "long.wav", max_samples=1999)
    assert len(audio.read(tmp_path / "long.wav", max_samples=2000)) == 1000
    with pytest.raises(BadInput, match="rec: too long a recording"):
        audio.decode(wav_bytes(stereo, 8000), name="rec", max_samples=10)


# -- transmission --------------------------------------------------------------------


@pytest.fixture(scope="module")
def m12() -> synth.Transmission:
    # Morse: no espeak-ng, fast; the shape of the JSON is the same for voices.
    return synth.broadcast(["12345", "67890", "00000"], profiles.load("M12"), station_id="42")


def test_transmission_to_json_lists_the_groups_in_order(m12: synth.Transmission) -> None:
    data = json.loads(json.dumps(m12.to_json()))
    assert set(data) == {"station", "voice", "seconds", "groups", "callups", "intervals"}
    assert [c["text"] for c in data["callups"]] == ["42 3"] and data["intervals"] == []
    assert data["station"] == "M12" and data["seconds"] == round(len(m12.audio) / RATE, 3)
    sent = [g["group"] for g in data["groups"]]
    assert sent == ["12345", "12345", "67890", "67890", "00000", "00000"]  # keyed in pairs
    starts = [g["start"] for g in data["groups"]]
    assert starts == sorted(starts)
    assert all(0 <= g["start"] < g["end"] <= data["seconds"] for g in data["groups"])
    assert [e.to_json()["group"] for e in m12.group_events] == sent
    word = next(e for e in m12.timeline if e.kind == "word")
    assert set(word.to_json()) == {"kind", "text", "start", "end"}


def test_through_the_channel_keeps_the_timeline(m12: synth.Transmission) -> None:
    heard = channel.through(m12, snr_db=6, fading=0.3, seed=1)
    assert heard.timeline == m12.timeline and heard.profile == m12.profile
    assert heard.audio.shape == m12.audio.shape and not np.array_equal(heard.audio, m12.audio)
    again = channel.through(m12, snr_db=6, fading=0.3, seed=1)
    assert np.array_equal(heard.audio, again.audio)
    with pytest.raises(BadInput, match="fading depth"):
        channel.through(m12, fading=2.0)
    rec = receive.receive(heard.audio, m12.profile)
    assert rec.groups == ("12345", "67890", "00000") and rec.clean


# -- reception -----------------------------------------------------------------------


@given(groups=st.lists(GROUP, min_size=1, max_size=30), station=STATION)
def test_the_received_document_reads_back_as_the_copy(groups: list[str], station: str) -> None:
    unsure = tuple(
        Unsure(g, i)
        for g, group in enumerate(groups, 1)
        for i, c in enumerate(group, 1)
        if c == "?"
    )
    rec = Reception(station, tuple(groups), "123", len(groups), unsure)
    doc = rec.document()
    assert doc == Document(groups=tuple(groups), signature=station)
    text = doc.render()
    assert text == "\n".join(groups) + f"\n\nBy {station}\n"
    assert Document.parse(text) == doc
    data = json.loads(json.dumps(rec.to_json()))
    assert data["groups"] == groups and data["station"] == station
    assert [Unsure(**u) for u in data["uncertain"]] == list(unsure)
    assert rec.clean == (not unsure)  # the count is the number of groups


def test_reception_json_shape_and_when_a_copy_is_clean() -> None:
    rec = Reception("E11", ("12345", "6?890"), "472", 3, (Unsure(2, 2),), ("a note",))
    assert rec.to_json() == {
        "station": "E11",
        "station_id": "472",
        "count": 3,
        "groups": ["12345", "6?890"],
        "uncertain": [{"group": 2, "figure": 2}],
        "notes": ["a note"],
        "clean": False,
    }
    assert not rec.clean and not rec.count_ok
    assert Reception("E11", ("12345",), "1", 1).clean  # sure, and as many as announced
    # No call-up heard: the copy may be short, so it is never clean.
    assert not Reception("E11", ("12345",), None, None).clean
    assert not Reception("E11", ("12345",), "1", 2).clean  # one group short
    with pytest.raises(BadInput, match=r"rec\.wav: no message groups found for station E11"):
        Reception("E11", (), None, None).document(source="rec.wav")


def test_the_reception_notes_a_count_not_read_or_not_met() -> None:
    rec = reception("E11", ["12345", "6?890"], "472", None)
    assert rec.uncertain == (Unsure(2, 2),) and not rec.clean
    assert rec.notes == ("count not read: the copy may be incomplete",)
    rec = reception("E11", ["12345"], "472", 2, ["heard twice"])
    assert rec.notes == ("heard twice", "the call-up announces 2 groups but 1 were copied")
    assert reception("E11", ["12345"], "472", 1).clean


def test_silence_is_no_message() -> None:
    rec = receive.receive(np.zeros(RATE, np.float32), profiles.load("M03"))
    assert rec.groups == () and rec.notes == ("no message groups found",)
    with pytest.raises(BadInput, match="no message groups found for station M03"):
        rec.document()


# -- profiles ------------------------------------------------------------------------


def test_profile_summary_and_steps_in_words() -> None:
    e11 = profiles.load("E11")
    assert e11.summary() == {"name": "E11", "mode": "voice", "language": "en", "title": e11.title}
    words = [s.describe() for s in e11.script]
    assert "say '{id} OBLIQUE {count}'  (x4; real: 190 s)" in words
    assert "the groups, each sent 2x" in words and "pause 2 s" in words
    assert profiles.Step("tone", tones=((880.0, 0.3),)).describe() == "tone ((880.0, 0.3),)"


@pytest.mark.parametrize("name", ['""', '"  "', '"A\\nB"'])
def test_a_station_name_must_be_one_line(tmp_path: Path, name: str) -> None:
    custom = tmp_path / "x.toml"
    custom.write_text(f'name = {name}\nmode = "morse"\n[[script]]\ngroups = 1\n')
    with pytest.raises(BadInput, match="field 'name' must be printable text on one line"):
        profiles.load(custom)
