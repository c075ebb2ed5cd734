"""Learning a station's voice: the monitor's log, its expansion by the station's script,
the forced alignment of it to a recording, and the adapted recogniser."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given
from hypothesis import strategies as st

from cinq.errors import BadInput
from cinq.radio import RATE, channel, forced, learn, profiles, synth, voices
from cinq.radio import transcript as tr
from cinq.radio.features import DIM
from cinq.radio.recogniser import Network, Recogniser, word_inputs
from cinq.radio.speech import Audio
from cinq.radio.transcript import Item, Kind
from cinq.radio.voices import Voice
from cinq.radio.words import NOT_A_DIGIT
from tests.clirun import cinq as run

# --- the log ---------------------------------------------------------------------------


def test_a_log_on_one_line_and_one_group_per_line_read_the_same() -> None:
    one = tr.parse("460/38 ATTENTION 12345 6789? 00000 OUT")
    lines = tr.parse("460 / 38  ATTENTION\n12345,\n6789?;\n00000\nOUT\n")
    assert one == lines
    assert one.callup == ("460", "/", "38", "ATTENTION")
    assert one.groups == ("12345", "6789?", "00000") and one.tail == ("OUT",)
    assert (one.station_id, one.count) == ("460", "38")
    assert (tr.parse("123 25 12345").station_id, tr.parse("123 25 12345").count) == ("123", "25")
    assert tr.parse("ВНИМАНИЕ 12345").station_id is None


def test_a_five_figure_id_joined_to_the_slash_is_the_call_up_not_a_group() -> None:
    t = tr.parse("12345/2 54321 11111")
    assert t.station_id == "12345" and t.groups == ("54321", "11111")


@pytest.mark.parametrize("text", ["0 1 2 3 4 5 6 7 8 9", "0123456789", "0-1-2-3-4, 5 6 7 8 9"])
def test_the_ten_digits_are_spoken_as_written(text: str) -> None:
    items = tr.spoken(tr.parse(text), profiles.load("E11")).items
    assert [i.text for i in items] == list("0123456789")
    assert all(i.kind is Kind.DIGIT and i.group == 0 for i in items)


@pytest.mark.parametrize(
    ("text", "line", "column", "char"),
    [
        ("12345 678#9", 1, 10, "#"),
        ("460/38\n12345\n1234\n", 3, 1, None),
        ("1 2 3\n\n4 5 =", 3, 5, "="),
    ],
)
def test_a_parse_error_names_the_file_line_column_and_character(
    text: str, line: int, column: int, char: str | None
) -> None:
    with pytest.raises(BadInput) as e:
        tr.parse(text, source="log.txt")
    where = e.value.location
    assert where is not None and (where.line, where.column, where.char) == (line, column, char)
    assert str(e.value).startswith(f"log.txt: line {line}, column {column}")


def test_an_empty_log_is_refused() -> None:
    with pytest.raises(BadInput, match="empty"):
        tr.parse(" \n,;\n", source="log.txt")


LOG_TOKEN = st.one_of(
    st.text("0123456789?", min_size=1, max_size=7).filter(lambda t: len(t) != 5),
    st.text("ABCXYZабв", min_size=1, max_size=6),
    st.just("/"),
)


@given(
    st.lists(LOG_TOKEN, max_size=8),
    st.lists(st.text("0123456789?", min_size=5, max_size=5), max_size=6),
    st.sampled_from(["", "OUT", "КОНЕЦ 00000"]),
    st.sampled_from([" ", "\n", " , ", "\t"]),
)
def test_a_parsed_log_renders_back_to_itself(
    callup: list[str], groups: list[str], tail: str, sep: str
) -> None:
    text = sep.join([*callup, *groups, tail])
    if not text.strip(" ,\t\n"):
        return
    t = tr.parse(text)
    assert tr.parse(t.render()) == t
    # every figure and word of the log is in the literal sequence, in order
    spoken = "".join(i.text for i in t.literal())
    assert spoken == "".join(c for c in text if c not in " ,\t\n/")


# --- the sequence a station speaks -------------------------------------------------------


def test_the_script_repeats_the_call_up_and_reads_each_group_as_often_as_it_says() -> None:
    log = tr.parse("460/3 ATTENTION 12345 6789? 00000")
    said = tr.spoken(log, profiles.load("E11"))
    # E11's call-ups run 190 s and 45 s on air, 4 and 2 repeats in a short broadcast:
    # blocks of as many repeats as could fill the time, of which a recording holds fewer
    first, second = said.blocks
    assert (first.start, first.length, first.fewest) == (0, 5, 4) and first.repeats > 4
    assert (second.length, second.fewest) == (5, 2) and second.repeats > 2
    texts = [i.text for i in said.items]
    assert texts[:6] == ["4", "6", "0", "OBLIQUE", "3", "4"]
    assert texts[first.end] == "ATTENTION" and second.start == first.end + 1 + 3 * 5 * 2
    assert texts[second.end :] == ["ATTENTION", *"123456789?00000", "OUT"]
    group2 = [i for i in said.items if i.group == 2]
    assert [i.reading for i in group2] == [1] * 5 + [2] * 5 + [1] * 5
    assert [i.kind for i in group2[:5]] == [Kind.DIGIT] * 4 + [Kind.FIGURE]


def test_a_log_that_disagrees_with_the_script_is_refused() -> None:
    e11 = profiles.load("E11")
    with pytest.raises(BadInput, match="gives 4 groups but the log has 3"):
        tr.spoken(tr.parse("460/4 12345 12345 12345"), e11)
    with pytest.raises(BadInput, match="station ID"):
        tr.spoken(tr.parse("ATTENTION 12345"), e11)
    with pytest.raises(BadInput, match="Morse"):
        tr.spoken(tr.parse("460/1 12345"), profiles.load("M03"))
    # a count not copied ('?') is taken as written
    callup = tr.spoken(tr.parse("460/? 12345"), e11).items[:5]
    assert [i.kind for i in callup] == [Kind.DIGIT] * 3 + [Kind.WORD, Kind.FIGURE]


# --- forced alignment on posteriors of known truth ----------------------------------------


def posteriors(labels: list[int], rng: np.random.Generator, *, clear: float = 0.7) -> np.ndarray:
    """Log-probabilities that favour each frame's true class, with noise."""
    p = rng.random((len(labels), forced.CLASSES)) * (1 - clear)
    p[np.arange(len(labels)), labels] += clear
    return np.log(p / p.sum(axis=1, keepdims=True))


def recording(
    items: Sequence[Item], rng: np.random.Generator
) -> tuple[list[int], list[tuple[int, int]]]:
    """Frame labels for ``items`` said with random lengths and gaps, and each one's span."""
    labels = [forced.SILENCE] * int(rng.integers(0, 40))
    spans = []
    for item in items:
        n = int(rng.integers(forced.MIN_FRAMES, 40))
        spans.append((len(labels), len(labels) + n))
        # a tone is silence or noise to the recogniser
        sound = {Kind.FIGURE: 3, Kind.TONE: forced.SILENCE}.get(item.kind, forced.column(item))
        labels += [sound] * n
        labels += [forced.SILENCE] * int(rng.integers(1, 30))
    return labels, spans


@given(st.text("0123456789", min_size=1, max_size=30), st.integers(0, 2**32 - 1))
def test_the_alignment_finds_every_word_where_it_was_said(digits: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    items = tr.spoken(tr.parse(" ".join(digits)))
    labels, spans = recording(items.items, rng)
    a = forced.align(posteriors(labels, rng), items, slack=0)
    assert [(s.index, s.start, s.end) for s in a.segments] == [
        (k, *span) for k, span in enumerate(spans)
    ]
    assert list(a.labels) == labels


def test_a_recording_that_starts_late_or_ends_early_aligns_the_part_it_holds() -> None:
    rng = np.random.default_rng(7)
    items = tr.spoken(tr.parse("123/3 12345 67890 24680"), profiles.load("G06"))
    labels, spans = recording(items.items, rng)
    lp = posteriors(labels, rng)
    cut = (spans[9][0] + spans[9][1]) // 2  # in the middle of the tenth item
    late = forced.align(lp[cut:], items, slack=0)
    assert late.segments[0].index == 9 and late.segments[0].start == 0
    assert [(s.start + cut, s.end + cut) for s in late.segments[1:]] == spans[10:]
    end = spans[20][1]
    early = forced.align(lp[:end], items, slack=0)
    assert [(s.start, s.end) for s in early.segments] == spans[:21]


def test_a_word_is_aligned_as_other_speech_and_a_lost_figure_as_any_digit() -> None:
    rng = np.random.default_rng(3)
    items = tr.spoken(tr.parse("HELLO 1?3"))
    labels, spans = recording(items.items, rng)
    a = forced.align(posteriors(labels, rng), items, slack=0)
    known = [0, 1, 3]
    assert [(a.segments[k].start, a.segments[k].end) for k in known] == [spans[k] for k in known]
    assert set(a.labels[spans[0][0] : spans[0][1]]) == {forced.OTHER}
    # a figure not copied scores as any digit would: its edges are vaguer, never wrong
    lost = a.segments[2]
    assert spans[2][0] <= lost.start and lost.end <= spans[2][1]
    assert lost.frames > 0.8 * (spans[2][1] - spans[2][0])
    assert set(a.labels[lost.start : lost.end]) == {-1}


def test_a_word_read_as_another_still_aligns_to_its_speech_not_a_gap() -> None:
    rng = np.random.default_rng(5)
    items = tr.spoken(tr.parse("1 2 3 4"))
    labels, spans = recording(items.items, rng)
    misread = [7 if x == 2 else x for x in labels]  # the voice's "two" sounds like 7
    lp = posteriors(misread, rng)
    two = spans[1]
    strict = forced.align(lp, items, slack=0).segments[1]
    assert strict.frames == forced.MIN_FRAMES  # squeezed into a gap: nothing to learn from
    found = forced.align(lp, items).segments[1]
    overlap = min(found.end, two[1]) - max(found.start, two[0])
    assert overlap >= 0.6 * (two[1] - two[0])  # (the words either side are as wrong)


def test_alignment_inputs_that_cannot_be_aligned_are_refused() -> None:
    items = tr.spoken(tr.parse("1 2"))
    with pytest.raises(BadInput, match="frames x 12"):
        forced.align(np.zeros((50, 11)), items)
    with pytest.raises(BadInput, match="too short"):
        forced.align(np.log(np.full((3, 12), 1 / 12)), items)
    with pytest.raises(BadInput, match="empty"):
        forced.align(np.log(np.full((30, 12), 1 / 12)), tr.Spoken(()))
    with pytest.raises(BadInput, match="finite"):
        forced.align(np.full((30, 12), np.nan), items)


def sent(said: tr.Spoken, counts: Sequence[int]) -> list[int]:
    """Indices of the items a broadcast sent that repeats each block ``counts`` times
    (its last repeats, as the alignment finds them)."""
    skipped: set[int] = set()
    for block, count in zip(said.blocks, counts, strict=True):
        skipped.update(range(block.start, block.end - count * block.length))
    return [i for i in range(len(said)) if i not in skipped]


@pytest.mark.parametrize(
    ("station", "counts"),
    [("E11", [4, 2]), ("E11", [9, 3]), ("E03", [2, 2] + [0] * 8), ("E03", [3, 4, 1, 2] + [0] * 6)],
)
def test_a_call_up_sent_fewer_times_than_it_could_be_aligns_to_its_last_repeats(
    station: str, counts: list[int]
) -> None:
    rng = np.random.default_rng(11)
    said = tr.spoken(tr.parse("460/2 ATTENTION 12345 67890"), profiles.load(station))
    indices = sent(said, counts)
    labels, spans = recording([said.items[i] for i in indices], rng)
    a = forced.align(posteriors(labels, rng), said, slack=0)
    # The same words where they were said (E03's rounds of tune and ID are alike: any
    # round may be the one). A tone is silence to the recogniser: where its items go
    # among the gaps is anyone's guess, and nothing is learnt from them.
    found = [s for s in a.segments if said.items[s.index].kind is not Kind.TONE]
    words = [k for k, i in enumerate(indices) if said.items[i].kind is not Kind.TONE]
    assert [said.items[s.index] for s in found] == [said.items[indices[k]] for k in words]
    assert [(s.start, s.end) for s in found] == [spans[k] for k in words]
    if station == "E11":
        assert [s.index for s in a.segments] == indices


# --- the voice file ---------------------------------------------------------------------


def tiny_recogniser(seed: int = 0) -> Recogniser:
    """A recogniser of the shipped models' shapes with random weights (a voice file's
    contents, without training one)."""
    rng = np.random.default_rng(seed)

    def net(inputs: int, outputs: int) -> Network:
        sizes = [inputs, 8, outputs]
        return Network(
            np.zeros(inputs, np.float32),
            np.ones(inputs, np.float32),
            tuple(
                rng.standard_normal((a, b)).astype(np.float32) for a, b in itertools.pairwise(sizes)
            ),
            tuple(rng.standard_normal(b).astype(np.float32) for b in sizes[1:]),
        )

    offsets = np.array([-3, 0, 3], np.int64)
    return Recogniser(
        lang="en",
        offsets=offsets,
        frame=net(len(offsets) * DIM, forced.CLASSES),
        word=net(word_inputs(), NOT_A_DIGIT + 1),
        priors=np.full(forced.CLASSES, 1 / forced.CLASSES),
        info=json.dumps({"voices": ["espeak-ng:en"]}),
    )


def learnt(name: str, cadence: learn.Cadence, margin: float = 40.0) -> learn.LearntVoice:
    voice = learn.LearntVoice(name, "E11", tiny_recogniser(), cadence, 120, 9000, margin)
    return learn._recorded(voice, voice.recogniser)


@given(
    st.text(min_size=1, max_size=30),
    st.floats(0.05, 2.0),
    st.one_of(st.none(), st.floats(0.0, 3.0)),
)
def test_a_voice_file_reads_back_as_it_was_written(
    tmp_path_factory: pytest.TempPathFactory, name: str, digit: float, gap: float | None
) -> None:
    path = tmp_path_factory.mktemp("voice") / "v.npz"
    voice = learnt(name, learn.Cadence(digit, gap, 1.0, None))
    voice.save(path)
    back = learn.LearntVoice.load(path)
    assert back.to_json() == voice.to_json()
    assert json.loads(back.recogniser.info)["voices"] == ["espeak-ng:en"]  # the base's record
    for a, b in zip(back.recogniser.word.weights, voice.recogniser.word.weights, strict=True):
        assert np.allclose(a, b, rtol=1e-3, atol=1e-3)  # stored as float16
    rec = learn.load_voice(path)
    assert isinstance(rec, Recogniser) and rec.lang == "en"
    # A learnt voice is adapted to it (judged by how familiar a recording sounds); the
    # recogniser it was learnt from is not (it reads every voice as a stranger's).
    assert rec.adapted and not tiny_recogniser().adapted


def test_a_damaged_or_foreign_voice_file_is_refused_by_name(tmp_path: Path) -> None:
    good = tmp_path / "good.npz"
    learnt("v", learn.Cadence(0.4)).save(good)
    data = good.read_bytes()
    plain = tmp_path / "plain.npz"
    tiny_recogniser().save(plain)  # a recogniser, but no voice learnt into it
    cases = {
        "cut.npz": data[: len(data) // 2],
        "junk.npz": bytes(range(256)) * 4,
        "empty.npz": b"",
        "flipped.npz": data[:100] + bytes(b ^ 0xFF for b in data[100:300]) + data[300:],
    }
    for file, content in cases.items():
        (tmp_path / file).write_bytes(content)
    for file in [*cases, "plain.npz", "missing.npz"]:
        with pytest.raises(BadInput) as e:
            learn.load_voice(tmp_path / file)
        assert file in str(e.value)
    odd = tmp_path / "odd.npz"
    learnt("v", learn.Cadence(float("nan"))).save(odd)
    with pytest.raises(BadInput, match=r"odd\.npz: not a cinq voice file"):
        learn.load_voice(odd)


@given(st.integers(1, 200), st.integers(1, 50))
def test_the_hidden_layer_computed_in_chunks_is_the_whole_recordings(
    frames: int, chunk: int
) -> None:
    rec = tiny_recogniser()
    feats = np.random.default_rng(frames).standard_normal((frames, DIM)).astype(np.float32)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(learn, "CHUNK", chunk)
        hidden = learn._frame_hidden(rec, feats)
    assert np.array_equal(hidden, rec.frame.hidden(rec.stack(feats)))
    logprobs = learn._frame_logprobs(rec.frame, hidden, rec.frame_temperature)
    assert np.allclose(logprobs, rec.frame_logprobs_of(feats), atol=1e-5)


# --- the command ------------------------------------------------------------------------


def test_voice_learn_names_the_place_of_a_bad_log_and_takes_one_log_only(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("460/2 ATTENTION\n12345\n123*5\n", encoding="utf-8")
    wav = tmp_path / "x.wav"
    wav.write_bytes(b"")  # never read: the log is refused first
    done = run("voice", "learn", wav, "--transcript", log, "-o", tmp_path / "v.npz")
    assert done.returncode == 2 and f"{log}: line 3, column 4" in done.stderr
    assert "'*'" in done.stderr
    done = run("voice", "learn", wav, "-t", log, "--digits", "0123456789", "-o", tmp_path / "v.npz")
    assert done.returncode == 2 and "not both" in done.stderr
    assert not (tmp_path / "v.npz").exists()


# --- learning a real voice ----------------------------------------------------------------

FSDD_FIXTURES = Path(__file__).parent / "fixtures" / "fsdd"
# A station that says digits only (a recorded speaker has no words): the call-up twice,
# then the groups, each read once.
DIGITS_STATION = {
    "name": "T1",
    "mode": "voice",
    "language": "en",
    "script": [{"say": "{id} / {count}", "repeat": 2}, {"groups": 1}],
}


@dataclass(frozen=True)
class Take(Voice):
    """A recorded speaker reading from take ``first`` of each digit on."""

    first: int = 0

    def digit(self, d: str, take: int = 0) -> Audio:
        return super().digit(d, take + self.first)


@dataclass(frozen=True)
class Broadcast:
    log: tr.Transcript
    groups: tuple[str, ...]
    audio: np.ndarray


@pytest.fixture(scope="module")
def station() -> profiles.Profile:
    return profiles.parse(DIGITS_STATION, source="test station")


@pytest.fixture(scope="module")
def jackson() -> Iterator[Voice]:
    """The FSDD speaker ``jackson`` from the two takes of each digit in the fixtures."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CINQ_FSDD_DIR", str(FSDD_FIXTURES))
        yield voices.fsdd("jackson")


def broadcast(station: profiles.Profile, voice: Voice, take: int, seed: int) -> Broadcast:
    """25 random groups sent by ``station`` in ``voice`` (its take ``take`` of each
    digit), through 20 dB of noise, and the monitor's log of them."""
    rng = np.random.default_rng(seed)
    groups = tuple("".join(rng.choice(list("0123456789"), 5)) for _ in range(25))
    sid = f"{seed % 900 + 100}"
    reader = Take(voice.engine, voice.name, voice.lang, voice.female, take)
    tx = synth.broadcast(groups, station, voice=reader, station_id=sid)
    audio = channel.add_noise(tx.audio, 20.0, None, rng)
    return Broadcast(tr.parse(f"{sid}/25\n" + "\n".join(groups)), groups, audio)


@pytest.fixture(scope="module")
def taught(station: profiles.Profile, jackson: Voice) -> Broadcast:
    return broadcast(station, jackson, 0, 472)  # the recording learnt from: take 0


@pytest.fixture(scope="module")
def heard(station: profiles.Profile, jackson: Voice) -> Broadcast:
    return broadcast(station, jackson, 1, 118)  # the next message: other groups, take 1


def digit_errors(model: Recogniser, b: Broadcast, station: profiles.Profile) -> int:
    """Edits (a digit misread, missed or invented) from the words ``model`` hears in
    ``b`` to the digits said."""
    heard = [w.digit or "x" for w in model.words(b.audio)]
    said = [i.text for i in tr.spoken(b.log, station).items]
    row = list(range(len(said) + 1))
    for i, h in enumerate(heard, 1):
        before, row[0] = row[:], i
        for j, d in enumerate(said, 1):
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + (h != d))
    return row[-1]


def sure_errors(model: Recogniser, b: Broadcast, station: profiles.Profile) -> tuple[int, int]:
    """Words read at 0.995 or surer (the bar of a voice the recogniser was adapted to),
    and how many of them are not the digit said there (the words matched to what was
    said in order, where the counts agree)."""
    words = model.words(b.audio)
    said = [i.text for i in tr.spoken(b.log, station).items]
    sure = [w for w in words if w.confidence >= 0.995]
    if len(words) != len(said):
        return len(sure), -1
    return len(sure), sum(w.digit != d for w, d in zip(words, said, strict=True) if w in sure)


def test_a_voice_learnt_from_one_logged_broadcast_copies_the_next_one_better(
    station: profiles.Profile, taught: Broadcast, heard: Broadcast, tmp_path: Path
) -> None:
    wav, log, toml = tmp_path / "taught.wav", tmp_path / "log.txt", tmp_path / "t1.toml"
    sf.write(wav, taught.audio, RATE, subtype="PCM_16")
    log.write_text(taught.log.render(), encoding="utf-8")
    toml.write_text(
        'name = "T1"\nmode = "voice"\nlanguage = "en"\n'
        '[[script]]\nsay = "{id} / {count}"\nrepeat = 2\n[[script]]\ngroups = 1\n',
        encoding="utf-8",
    )
    out = tmp_path / "jackson.npz"
    done = run(
        "voice", "learn", wav, "-t", log, "-s", toml, "--name", "jackson", "-o", out, "--json"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{out}\n")
    record = json.loads(done.stdout[done.stdout.index("{") :])
    assert record["name"] == "jackson" and record["station"] == "T1"
    assert record["digits"] >= 0.9 * (25 * 5 + 2 * 5)  # nearly every digit aligned
    assert 0.2 < record["cadence"]["digit"] < 0.8 and record["cadence"]["group_gap"] > 0.6
    general, adapted = Recogniser.load("en"), learn.load_voice(out)
    assert adapted.exemplars is not None and len(adapted.exemplars.labels) >= 100
    assert record["examples"] == len(adapted.exemplars.labels)
    layers_only = learn.learn(taught.audio, taught.log, station, examples=False).recogniser
    assert layers_only.exemplars is None
    models = (general, layers_only, adapted)
    errors = [digit_errors(m, heard, station) for m in models]
    sure = [sure_errors(m, heard, station) for m in models]
    print(f"next broadcast, digits misread, missed or invented: {errors} of 135; sure: {sure}")
    # measured: 58 with the general model (it never heard jackson), 18 adapted, with
    # or without examples; sure words 94 without examples, 96 with, none wrong (with
    # the examples' weight at its unbounded optimum instead: 125 sure, 7 wrong)
    assert errors[1] <= errors[0] / 2 and errors[1] <= 0.15 * 135
    assert errors[2] <= errors[1]
    assert sure[2][1] == 0 and sure[2][0] >= sure[1][0]


def test_a_log_that_does_not_match_the_recording_is_refused(
    station: profiles.Profile, taught: Broadcast, heard: Broadcast
) -> None:
    with pytest.raises(BadInput, match="does not match the recording"):
        learn.learn(taught.audio, heard.log, station)


def test_unverified_learning_skips_the_check_that_the_log_matches(
    station: profiles.Profile, taught: Broadcast, heard: Broadcast, tmp_path: Path
) -> None:
    voice = learn.learn(taught.audio, heard.log, station, verify=False)  # the wrong log: taken
    assert voice.margin is None and voice.to_json()["margin"] is None
    voice.save(tmp_path / "v.npz")
    assert learn.LearntVoice.load(tmp_path / "v.npz").to_json() == voice.to_json()
    assert learn.learn(taught.audio, taught.log, station).margin is not None


def test_a_recording_that_is_empty_or_not_numbers_is_refused(
    station: profiles.Profile, taught: Broadcast
) -> None:
    with pytest.raises(BadInput, match="empty"):
        learn.learn(np.zeros(0, np.float32), taught.log, station)
    damaged = taught.audio.copy()
    damaged[1000] = np.nan
    with pytest.raises(BadInput, match="not numbers"):
        learn.learn(damaged, taught.log, station)


def test_a_recording_of_the_ten_digits_still_teaches_a_voice(jackson: Voice) -> None:
    ten = tr.parse("0 1 2 3 4 5 6 7 8 9")
    pause = np.zeros(RATE // 2, np.float32)
    audio = np.concatenate([pause, *(np.r_[jackson.digit(d), pause] for d in "0123456789")])
    voice = learn.learn(audio, ten, name="ten")
    assert voice.digits == 10 and voice.station is None and voice.recogniser.lang == "en"
    assert 0.2 < voice.cadence.digit < 0.8
