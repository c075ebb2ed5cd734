"""A station's own voices known to the receiver (cinq.radio.known)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cinq.radio import RATE, channel, known, profiles, receive, synth, voices
from cinq.radio.channel import Shortwave
from cinq.radio.known import Take
from cinq.radio.recogniser import Recogniser

GROUPS = ("39825", "97919", "07483", "37887", "62328", "60129", "04047", "91649")
TINY = (Take(2, False, Shortwave()),)  # a known voice learnt in seconds, for the cache


def _other_engine(lang: str, engines: set[str]) -> str:
    """An installed voice of ``lang`` from an engine none of ``engines``."""
    for v in voices.voices(lang):
        if v.engine not in engines and v.engine != "fsdd":
            return v.key
    pytest.skip(f"no {lang} voice of another engine installed")


def test_own_voice_recognised_and_another_engine_not() -> None:
    p = profiles.load("E11")
    own = known.candidates(p)
    sent = synth.broadcast(GROUPS, p, station_id="176")
    heard = channel.through(sent, Shortwave(snr_db=10, ssb=2.4), seed=1)
    verdict = known.recognise(heard.audio, p)
    assert verdict.voice == own[0].key == sent.voice
    assert verdict.ratio >= known.FAMILIAR and set(verdict.scores) >= {k.key for k in own}
    stranger = _other_engine("en", {k.engine for k in known.cohort(p)[:2]})
    other = synth.broadcast(GROUPS, p, voice=stranger, station_id="176")
    for condition in (Shortwave(), Shortwave(snr_db=10, ssb=2.4)):
        verdict = known.recognise(channel.through(other, condition, seed=2).audio, p)
        assert verdict.voice is None, (stranger, verdict.to_json())


def test_another_variant_of_the_known_voices_engine_is_not_taken_for_it() -> None:
    p = profiles.load("G06")  # known: mbrola:de2 and cinq's own German espeak-ng voice
    cohort = [s.key for s in known.cohort(p)]
    assert "espeak-ng:de+m1" in cohort and "mbrola:de6" in cohort
    assert "espeak-ng:de" not in cohort  # cinq's own voice read faster: the known one
    for variant in ("espeak-ng:de+m1", "mbrola:de6"):  # each was taken for a known voice
        sent = synth.broadcast(GROUPS, p, voice=variant, station_id="176")
        verdict = known.recognise(channel.through(sent, Shortwave(), seed=2).audio, p)
        assert verdict.voice is None, (variant, verdict.to_json())
    own = synth.broadcast(GROUPS, p, voice="de", station_id="176")
    heard = channel.through(own, Shortwave(snr_db=10, ssb=2.4), seed=1)
    assert known.recognise(heard.audio, p).voice == "de"


def test_a_short_recording_is_read_by_the_general_recogniser() -> None:
    p = profiles.load("E11")
    general = Recogniser.load("en")
    chosen = known.reader(np.zeros(RATE, np.float32), p, general)
    assert chosen.recogniser is general and chosen.verdict is None
    assert chosen.notes == (known.UNKNOWN,)


def test_the_cache_is_built_once_and_a_bad_one_never_breaks_reception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINQ_CACHE_DIR", str(tmp_path / "cache"))
    p = profiles.load("E11")
    spk = synth.speaker(None, p)
    general = Recogniser.load("en")
    path = known.cache_path(spk, p, general, TINY)
    first = known.load_or_build(spk, p, general, TINY)
    assert first.note is None and path.is_file()
    assert first.recogniser.npz() != general.npz()  # adapted, not the general one
    assert first.recogniser.exemplars is not None  # its own words kept as examples
    built = path.stat().st_mtime_ns
    again = known.load_or_build(spk, p, general, TINY)
    assert again.note is None and path.stat().st_mtime_ns == built  # loaded, not rebuilt
    assert again.recogniser.npz() == Recogniser.load_file(path).npz()
    path.write_bytes(b"PK\x03\x04 not a model")  # damaged: built again, and cached again
    fixed = known.load_or_build(spk, p, general, TINY)
    assert fixed.note is None and Recogniser.load_file(path).lang == "en"
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CINQ_CACHE_DIR", str(blocked))  # cannot be written: noted
    unwritten = known.load_or_build(spk, p, general, TINY)
    assert unwritten.note and "could not be cached" in unwritten.note
    assert unwritten.recogniser.lang == "en"


def test_training_profile_keeps_each_phrase_once() -> None:
    p = profiles.load("E03")
    short = known.training_profile(p)
    assert [s.kind for s in short.script].count("groups") == 1
    assert all(s.kind in ("say", "groups") and s.repeat == 1 for s in short.script)
    texts = [s.text for s in short.script if s.kind == "say"]
    assert len(texts) == len(set(texts)) and set(known.words(p)) == set(known.words(short))


@pytest.mark.slow  # the known voice is learnt from scratch: half a minute to a minute
def test_own_broadcast_through_ssb_at_10_db_is_copied_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINQ_CACHE_DIR", str(tmp_path / "cache"))
    p = profiles.load("E11")
    sent = synth.broadcast(GROUPS, p, station_id="176")
    channel.through(sent, Shortwave(snr_db=10, ssb=2.4), seed=3).write(tmp_path / "e11.wav")
    rec = receive.receive_file(tmp_path / "e11.wav", p, known=True)
    assert rec.groups == GROUPS and rec.clean and rec.station_id == "176"
    assert rec.notes[0] == f"read with the station's known voice {sent.voice}"
    general = receive.receive_file(tmp_path / "e11.wav", p)
    assert general.notes[0] == receive.UNCHECKED and known.UNKNOWN not in general.notes
    assert not any("known voice" in n for n in general.notes)


FRENCH = (
    *GROUPS,
    *("12093", "55102", "80311", "26473", "71958", "43620", "09187", "68245", "31576"),
    *("84902", "15368", "90734", "27051", "63819", "48296", "75140", "02683"),
)


@pytest.mark.slow  # the French known voice is learnt from scratch: about a minute
def test_unsure_figures_of_a_known_voice_are_filled_from_its_templates_when_corroborated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINQ_CACHE_DIR", str(tmp_path / "cache"))
    p = profiles.load("E11")
    sent = synth.broadcast(FRENCH, p, voice="fr", station_id="176")
    channel.through(sent, Shortwave(snr_db=10), seed=2).write(tmp_path / "fr.wav")
    rec = receive.receive_file(tmp_path / "fr.wav", p, known=True, voice="fr")
    assert rec.groups == FRENCH and rec.clean and rec.station_id == "176"
    assert rec.notes[0] == "read with the station's known voice fr"
    assert "unsure figures filled from the voice's own digit templates" in rec.notes[-1]
    # Another recording of that voice, not recognised clearly (its templates come only
    # 1.14 times closer than its engine's fr+m7 variant's), is read by the known voice's
    # recogniser all the same, and taken because its own templates corroborate it.
    channel.through(sent, Shortwave(snr_db=10), seed=1).write(tmp_path / "fr1.wav")
    near = receive.receive_file(tmp_path / "fr1.wav", p, known=True, voice="fr")
    assert near.groups == FRENCH and near.clean
    assert "not recognised clearly" in near.notes[0] and "corroborated" in near.notes[0]
    # A recording too long to keep whole is read by the recogniser alone: it was unsure.
    monkeypatch.setattr(receive, "CORROBORATE_SECONDS", 10)
    alone = receive.receive_file(tmp_path / "fr.wav", p, known=True, voice="fr")
    assert alone.uncertain and not alone.clean
    figures = zip("".join(FRENCH), "".join(alone.groups), strict=True)
    assert all(a == b or b == "?" for a, b in figures)
