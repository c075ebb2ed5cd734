"""The receiver for real voices (issue #14): group error rates on voices the recogniser
was not built from, through a shortwave channel; reception speed; memory.

Every cell is a voice panel under one channel condition, over at least ``--groups``
groups (messages of ``--message`` groups each, sent in the panel's voices in turn), and
is scored twice: on the first reading of each group (``receive(..., vote=False)``) and
after the repeat vote (``vote=True``). A group is

- **silent** when it holds a wrong digit not marked ``?``: the error a monitor cannot
  see;
- **marked** when it was missed or holds a ``?`` (and no silent wrong digit);

and a group copied that was never sent is counted apart, as **invented**. An invented
group that holds a digit not marked ``?`` is a silent error too (the targets' silent
figure counts it); one written ``?????`` shows itself and is not.

Copy and message are lined up group by group (an edit-distance alignment), so one
missed group costs one error, not every group after it.

Panels: *own* -- the station's own voice with the shipped recogniser; *known* -- the
same voice read as ``cinq receive`` reads it, recognised and read with a recogniser
learnt for it (``cinq.radio.known``; built the first time, cached); *held out* -- the
voices the shipped recogniser was not trained on (it was calibrated on them); *left out*
-- each engine in turn (every voice of it) received with a recogniser made as the
shipped one is but without that engine (``cinq.radio.training``; cached under
build/bench/models), read as ``cinq receive`` reads a voice it does not recognise (a
stranger's: ``cinq.radio.decode``; held out likewise); *FSDD* -- each human speaker,
left out the same way; *learnt* -- the first voice of each left-out panel learnt
(``cinq.radio.learn``) from one logged 25-group recording at 10 dB through SSB, adapting
the recogniser that never heard it, then copied at 10 dB through SSB. Conditions: clean,
10 dB, 0 dB (300-3000 Hz channel), then at 10 dB: SSB 300-2400 Hz, AGC, a tape 3 % fast
and 3 % slow, and a late start (the first 35 % of the transmission cut). Every run that
the receiver calls clean (``Reception.clean``: the exit status 0 of ``cinq receive``)
must be an exact copy: violations are counted.

Speed: ``receive`` with the shipped recogniser on one message (10 dB, SSB), in a child
process on one thread, against the audio's own length (target >= 20x real time; median
of ``speed_runs``). Memory: peak RSS of a child process copying a recording of
``hour_seconds`` with ``receive_file`` (target < 300 MB), beside that of one that only
loads the profile and the recogniser.

A section whose piece is missing prints ``not available: <why>`` and the others run.

Run alone: ``python benchmarks/receiver_bench.py [--quick] [--groups N] [--json PATH]``;
in ``make bench``: ``make bench BENCH_ARGS="--only receiver"``.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import functools
import hashlib
import importlib.util
import inspect
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import (  # type: ignore[import-not-found]
    Comparison,
    Figure,
    Goal,
    Section,
    Span,
    Stopwatch,
    Target,
    interleave,
)

HERE = Path(__file__).resolve()
LANGS = ("en", "fr", "es", "de", "ru")
TARGET_CONDITION = "SSB 10 dB"
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}

Audio = NDArray[np.float32]


class Unavailable(Exception):
    """A piece a section needs has not landed or is not installed: the section says why
    and the bench goes on."""


# -- scoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Errors:
    """Groups sent in error, split by whether the copy shows it, and groups invented
    (``invented_sure`` of them holding a digit not marked ``?``)."""

    silent: int = 0
    marked: int = 0
    invented: int = 0
    invented_sure: int = 0

    def __add__(self, other: Errors) -> Errors:
        return Errors(
            self.silent + other.silent,
            self.marked + other.marked,
            self.invented + other.invented,
            self.invented_sure + other.invented_sure,
        )

    @property
    def total(self) -> int:
        """Groups sent that were not copied exactly, and groups invented."""
        return self.silent + self.marked + self.invented

    @property
    def unseen(self) -> int:
        """Errors the copy does not show: wrong digits not marked, and groups invented
        with such a digit (an invented ``?????`` shows itself)."""
        return self.silent + self.invented_sure


def group_error(sent: str, got: str) -> Errors:
    """One sent group against the group copied in its place."""
    if got == sent:
        return Errors()
    wrong = len(got) != len(sent) or any(g not in (s, "?") for s, g in zip(sent, got, strict=True))
    return Errors(silent=1) if wrong else Errors(marked=1)


def _cost(sent: str, got: str) -> float:
    # A group read with only '?' differences is nearer a match than a wrong one, so the
    # alignment prefers pairing it to calling it missed plus invented.
    if got == sent:
        return 0.0
    return 1.0 if group_error(sent, got).silent else 0.5


def _table(sent: Sequence[str], got: Sequence[str]) -> NDArray[np.float64]:
    """Edit-distance table: [i, j] = cheapest way to line up sent[:i] with got[:j]."""
    d = np.zeros((len(sent) + 1, len(got) + 1))
    d[:, 0] = np.arange(len(sent) + 1)
    d[0, :] = np.arange(len(got) + 1)
    for i, s in enumerate(sent, 1):
        for j, g in enumerate(got, 1):
            d[i, j] = min(d[i - 1, j - 1] + _cost(s, g), d[i - 1, j] + 1, d[i, j - 1] + 1)
    return d


def errors(sent: Sequence[str], got: Sequence[str]) -> Errors:
    """The errors of a copy: sent and copied groups lined up (missed groups are marked
    errors, copied groups never sent are invented, paired ones as :func:`group_error`
    says)."""
    d = _table(sent, got)
    i, j, out = len(sent), len(got), Errors()
    while i or j:
        if i and j and d[i, j] == d[i - 1, j - 1] + _cost(sent[i - 1], got[j - 1]):
            out, i, j = out + group_error(sent[i - 1], got[j - 1]), i - 1, j - 1
        elif i and d[i, j] == d[i - 1, j] + 1:
            out, i = out + Errors(marked=1), i - 1
        else:
            out, j = out + invented(got[j - 1]), j - 1
    return out


def invented(got: str) -> Errors:
    """A copied group that was never sent: silent too if it holds a digit not marked."""
    return Errors(invented=1, invented_sure=int(got.strip("?") != ""))


@dataclass(frozen=True)
class Tally:
    """One cell: groups sent, errors before and after the vote, runs called clean and
    how many of those were not an exact copy (a violation: exit 0 on a wrong copy)."""

    groups: int = 0
    first: Errors = Errors()
    voted: Errors = Errors()
    runs: int = 0
    clean: int = 0
    violations: int = 0

    def __add__(self, o: Tally) -> Tally:
        return Tally(
            self.groups + o.groups,
            self.first + o.first,
            self.voted + o.voted,
            self.runs + o.runs,
            self.clean + o.clean,
            self.violations + o.violations,
        )

    @classmethod
    def of(cls, sent: Sequence[str], first: Any, voted: Any) -> Tally:
        """From the two receptions (``Reception``) of one run."""
        exact = tuple(voted.groups) == tuple(sent)
        return cls(
            len(sent),
            errors(sent, first.groups),
            errors(sent, voted.groups),
            1,
            int(bool(voted.clean)),
            int(bool(voted.clean) and not exact),
        )

    def rate(self, k: int) -> float:
        return 100.0 * k / self.groups if self.groups else math.nan

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)


# -- channel ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A channel (``cinq.radio.channel.Shortwave``'s settings: noise, SSB filter's top
    in kHz, AGC, tape speed) and the share of the recording cut at its start."""

    name: str
    snr_db: float | None = None
    ssb: float | None = None
    agc: bool = False
    speed: float = 1.0
    late: float = 0.0

    def hear(self, tx: Any, seed: int) -> Audio:
        """The transmission ``tx`` as a receiver records it."""
        from cinq.radio import channel

        if not hasattr(channel, "Shortwave"):
            raise Unavailable("cinq.radio.channel.Shortwave (helper H2) has not landed")
        sw = channel.Shortwave(snr_db=self.snr_db, ssb=self.ssb, agc=self.agc, speed=self.speed)
        y = sw.apply(tx.audio, np.random.default_rng(seed), timeline=tx.timeline)
        return np.asarray(y[int(self.late * len(y)) :], np.float32)


CONDITIONS = (
    Condition("clean"),
    Condition("10 dB", 10.0),
    Condition("0 dB", 0.0),
    Condition("SSB 10 dB", 10.0, ssb=2.4),
    Condition("AGC 10 dB", 10.0, agc=True),
    Condition("+3% 10 dB", 10.0, speed=1.03),
    Condition("-3% 10 dB", 10.0, speed=0.97),
    Condition("late 10 dB", 10.0, late=0.35),
)


# -- panels -----------------------------------------------------------------------------------


class Kind(enum.Enum):
    """How a panel's recogniser relates to its voices."""

    OWN = "own"  # the shipped model, on the stations' own voices
    KNOWN = "known"  # the stations' own voices as cinq receive reads them (known=True)
    LEFT_OUT = "left out"  # trained without these voices: the targets' panels
    HELD_OUT = "held out"  # the shipped model's voices kept out of its training
    LEARNT = "learnt"  # that, adapted to the voice from one logged recording


@dataclass(frozen=True)
class Panel:
    """Voices received with one recogniser.

    ``voices``: cinq.radio.voices.Voice objects, or None for the station's own voice;
    ``model``: makes the recogniser to receive with (None: the receiver's default).
    """

    name: str
    lang: str
    voices: tuple[Any, ...]
    model: Callable[[], Any]
    kind: Kind


@dataclass(frozen=True)
class Skipped:
    """A panel that did not run: ``why`` is "not available: ..." or "failed: ..."."""

    name: str
    why: str


MODEL_CACHE = Path(__file__).resolve().parent.parent / "build" / "bench" / "models"
TRAINING_SOURCES = ("training.py", "features.py")
"""What makes a trained network (its loader checks the rest): a change retrains."""


@functools.cache
def _trained(lang: str, without: frozenset[str], budget: float) -> Any:
    """A calibrated recogniser for ``lang`` made as the shipped one is
    (scripts/train_recogniser.py), from every installed voice but ``without`` (keys):
    ``training.held_out`` voices fit the calibration, the others share ``budget``
    seconds of training audio. Cached on disk under build/bench/models, keyed by the
    voices, the budget and the training code, so a rerun does not train again."""
    try:
        from cinq.radio import training
        from cinq.radio.recogniser import Recogniser
    except ImportError as e:
        raise Unavailable(f"training (helper H3): {e}") from None
    pool = [v for v in _all_voices(lang) if v.key not in without]
    path = _cache_path(lang, [v.key for v in pool], budget)
    if path.is_file():
        return Recogniser.load_file(path)
    held = {v.key for v in training.held_out(pool)}
    if not held:
        # Every engine left has one voice: none can be held out to fit the temperatures.
        engines = sorted({v.engine for v in pool})
        raise Unavailable(
            f"no voice to calibrate on: {len(pool)} voices left, one per engine {engines}"
        )
    learners = [v for v in pool if v.key not in held]
    with warnings.catch_warnings():  # scikit-learn's, on stopping at its iteration limit
        warnings.simplefilter("ignore")
        rec = training.train(lang, learners, seconds=budget / max(len(learners), 1))
    rec = training.calibrate(rec, [v for v in pool if v.key in held], seed=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    rec.save(path)
    return rec


def _left_out(lang: str, without: frozenset[str], plan: Plan) -> Any:
    return _trained(lang, without, budget(lang, plan))


def budget(lang: str, plan: Plan) -> float:
    """Seconds of training audio for a left-out recogniser: the plan's, else what the
    shipped model of ``lang`` was trained on (scripts/train_recogniser.py)."""
    if plan.train_budget is not None:
        return plan.train_budget
    script = HERE.parent.parent / "scripts" / "train_recogniser.py"
    spec = importlib.util.spec_from_file_location("train_recogniser", script)
    if spec is None or spec.loader is None:
        raise Unavailable(f"{script} (helper H3) cannot be read")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped_budget = module.BUDGET
    return float(shipped_budget[lang] if isinstance(shipped_budget, dict) else shipped_budget)


def _cache_path(lang: str, keys: Sequence[str], seconds: float) -> Path:
    import cinq.radio

    code = Path(cinq.radio.__file__).parent
    h = hashlib.sha256(repr((lang, sorted(keys), seconds)).encode())
    for name in TRAINING_SOURCES:
        h.update((code / name).read_bytes())
    return MODEL_CACHE / f"{lang}-{h.hexdigest()[:16]}.npz"


def _all_voices(lang: str) -> list[Any]:
    """Every installed voice of ``lang``; for English the FSDD speakers too."""
    try:
        from cinq.radio import voices
    except ImportError as e:
        raise Unavailable(f"cinq.radio.voices (helper H1): {e}") from None
    found = {v.key: v for v in voices.voices(lang)}
    return list(found.values())


def own_panel(lang: str) -> Panel:
    """The stations' own voice for ``lang``, with the recogniser shipped for it."""
    return Panel(f"own voice ({lang})", lang, (None,), functools.partial(shipped, lang), Kind.OWN)


def known_panel(lang: str) -> Panel:
    """The stations' own voice for ``lang`` read as ``cinq receive`` reads it: the
    receiver recognises the voice and reads it with a recogniser learnt for it
    (:mod:`cinq.radio.known`; built the first time, cached)."""
    return Panel(f"own voice, known ({lang})", lang, (None,), lambda: KNOWN, Kind.KNOWN)


def held_out_panel(lang: str) -> Panel | Skipped:
    """The voices the shipped recogniser was not trained on (its calibration voices:
    they fit its temperatures, not its weights). No training needed: a cheap check."""
    name = f"held out of the shipped model ({lang})"
    try:
        rec = shipped(lang)
        trained_on = set(json.loads(rec.info).get("voices", ()))
        rest = tuple(v for v in _all_voices(lang) if v.key not in trained_on)
    except Unavailable as e:
        return Skipped(name, f"not available: {e}")
    if not trained_on or not rest:
        return Skipped(name, "not available: the model names no voices it left out")
    label = f"{name[:-1]}, {len(rest)} voices)"
    return Panel(label, lang, rest, functools.partial(shipped, lang), Kind.HELD_OUT)


def shipped(lang: str) -> Any:
    """The recogniser shipped in the package for ``lang`` (helper H3)."""
    from cinq.errors import BadInput

    try:
        from cinq.radio.recogniser import Recogniser

        return Recogniser.load(lang)
    except (ImportError, BadInput) as e:
        raise Unavailable(f"the shipped recogniser (helper H3): {e}") from None


def left_out_panels(lang: str, plan: Plan) -> list[Panel | Skipped]:
    """One panel per engine of ``lang`` (FSDD apart: see :func:`fsdd_panels`)."""
    try:
        every = _all_voices(lang)
    except Unavailable as e:
        return [Skipped(f"left out ({lang})", f"not available: {e}")]
    engines = sorted({v.engine for v in every if v.engine != "fsdd"})
    engines = [e for e in engines if not plan.engines or e in plan.engines]
    out: list[Panel | Skipped] = []
    for engine in engines:
        test = tuple(v for v in every if v.engine == engine)
        name = f"left out: {engine} ({lang}, {len(test)} voices)"
        if len(test) == len(every):
            out.append(Skipped(name, "not available: no other engine to train on"))
            continue
        keys = frozenset(v.key for v in test)
        model = functools.partial(_left_out, lang, keys, plan)
        out.append(Panel(name, lang, test, model, Kind.LEFT_OUT))
    return out


def fsdd_panels(plan: Plan) -> list[Panel | Skipped]:
    """Leave one FSDD speaker out at a time (English)."""
    try:
        speakers = [v for v in _all_voices("en") if v.engine == "fsdd"]
    except Unavailable as e:
        return [Skipped("FSDD speakers", f"not available: {e}")]
    if not speakers:
        return [Skipped("FSDD speakers", "not available: no FSDD voice (cinq.radio.voices.fsdd)")]
    return [
        Panel(
            f"FSDD left out: {v.name}",
            "en",
            (v,),
            functools.partial(_left_out, "en", frozenset({v.key}), plan),
            Kind.LEFT_OUT,
        )
        for v in speakers
    ]


PANELS = ("own", "known", "heldout", "leftout", "fsdd", "learnt")
KNOWN = object()
"""A panel's model that asks ``receive`` to recognise the station's own voice."""


def _kinds(plan: Plan) -> set[str]:
    return set(plan.panels) or set(PANELS)


def panels(plan: Plan) -> list[Panel | Skipped]:
    """The panels of ``plan`` (learnt voices apart: :func:`learnt_panels`)."""
    kinds = _kinds(plan)
    out: list[Panel | Skipped] = []
    for lang in plan.langs:
        if "own" in kinds:
            out.append(own_panel(lang))
        if "known" in kinds:
            out.append(known_panel(lang))
        if "heldout" in kinds:
            out.append(held_out_panel(lang))
        if "leftout" in kinds:
            out += left_out_panels(lang, plan)
    if "fsdd" in kinds and "en" in plan.langs:
        out += fsdd_panels(plan)
    return out


# -- runs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Sizes of one run of the receiver bench."""

    groups: int = 200  # per cell
    message: int = 25  # groups per broadcast
    langs: tuple[str, ...] = LANGS
    conditions: tuple[str, ...] = tuple(c.name for c in CONDITIONS)
    panels: tuple[str, ...] = ()  # of PANELS; empty: all
    engines: tuple[str, ...] = ()  # left out in turn; empty: every installed one
    speed_runs: int = 5
    hour_seconds: float = 3600.0
    learn_messages: int = 8  # messages copied with each learnt voice
    train_budget: float | None = None  # seconds of audio to train on (None: as shipped)
    seed: int = 14

    @property
    def messages(self) -> int:
        return max(1, math.ceil(self.groups / self.message))


FULL = Plan()
QUICK = Plan(
    groups=25,
    langs=("en",),
    conditions=("clean", TARGET_CONDITION, "late 10 dB"),
    hour_seconds=600.0,
    learn_messages=1,
    train_budget=1500.0,
)


STATIONS = {"en": "E11", "de": "G06", "ru": "S06"}
"""The station each language is sent as: one that reads its groups more than once (a
vote to measure) and announces the count (a copy that can be clean); fr and es have
no station of their own, so E11's format in that language's voice."""


def station_for(lang: str) -> Any:
    from cinq.radio import profiles

    return profiles.load(STATIONS.get(lang, "E11"))


def _seed(*parts: object) -> int:
    return zlib.crc32(repr(parts).encode())


def message(rng: np.random.Generator, n: int) -> list[str]:
    return ["".join(map(str, rng.integers(0, 10, 5))) for _ in range(n)]


def send(sent: Sequence[str], profile: Any, voice: Any, lang: str, station_id: str) -> Any:
    """The broadcast of ``sent`` in ``voice`` (None: the station's own voice)."""
    from cinq.radio import synth

    if voice is None:
        own = None if lang == profile.language else lang
        return synth.broadcast(sent, profile, voice=own, station_id=station_id)
    try:
        return synth.broadcast(sent, profile, voice=voice, station_id=station_id)
    except TypeError as e:  # a Voice not yet taken (helper H6)
        raise Unavailable(f"synth.broadcast(voice=Voice) (helper H6): {e}") from None


def copy(
    audio: Audio, profile: Any, model: Any, lang: str, *, vote: bool, stranger: bool = False
) -> Any:
    """``receive`` with the panel's recogniser (None: the receiver's own choice).
    ``stranger``: read as ``cinq receive`` reads a voice it does not recognise as one of
    the station's own (``decode``'s ``stranger``), the panel's recogniser standing in
    for the general one."""
    from cinq.radio import receive

    if stranger:
        from cinq.radio.decode import decode

        return decode(model.words(audio), profile, vote=vote, stranger=True)

    kwargs: dict[str, Any] = {"vote": vote}
    if model is KNOWN:
        kwargs["known"] = True
        if lang != profile.language:
            kwargs["voice"] = lang
    elif model is not None:
        kwargs[_recogniser_parameter()] = model
    elif lang != profile.language:
        kwargs["voice"] = lang
    return receive.receive(audio, profile, **kwargs)


def _recogniser_parameter() -> str:
    """The keyword of ``receive`` that takes a recogniser (helper H4 names it)."""
    from cinq.radio import receive

    params = inspect.signature(receive.receive).parameters
    for name in ("recogniser", "model"):
        if name in params and "Recogniser" in str(params[name].annotation):
            return name
    raise Unavailable("receive() takes no Recogniser yet (helper H4)")


def run_panel(panel: Panel, conditions: Sequence[Condition], plan: Plan) -> dict[str, Tally]:
    """Every condition's tally for one panel: each message is sent once and heard
    through every condition (the same messages in every column)."""
    model = panel.model()
    profile = station_for(panel.lang)
    # Voices no recogniser was adapted to are read as cinq receive reads them.
    stranger = panel.kind in (Kind.LEFT_OUT, Kind.HELD_OUT)
    tallies = {c.name: Tally() for c in conditions}
    for k in range(plan.messages):
        rng = np.random.default_rng(_seed(plan.seed, panel.name, k))
        sent = message(rng, max(1, min(plan.message, plan.groups - k * plan.message)))
        voice = panel.voices[k % len(panel.voices)]
        tx = send(sent, profile, voice, panel.lang, f"{rng.integers(100, 1000)}")
        for c in conditions:
            audio = c.hear(tx, _seed(plan.seed, panel.name, k, c.name))
            first = copy(audio, profile, model, panel.lang, vote=False, stranger=stranger)
            voted = copy(audio, profile, model, panel.lang, vote=True, stranger=stranger)
            tallies[c.name] = tallies[c.name] + Tally.of(sent, first, voted)
    return tallies


# -- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    panel: str
    condition: str
    kind: Kind
    tally: Tally

    def to_json(self) -> dict[str, object]:
        return {
            "panel": self.panel,
            "condition": self.condition,
            "kind": self.kind.value,
            **self.tally.to_json(),
        }


HEADER = (
    f"{'panel':40} {'condition':11} {'groups':>6}   {'first reading':>23}   "
    f"{'after the vote':>23}   {'exit 0':>7} {'wrong':>5}"
)
_KINDS = f"{'silent':>7} {'marked':>7} {'invent':>7}"
SUBHEADER = f"{'':40} {'':11} {'':>6}   {_KINDS}   {_KINDS}"


def row(cell: Cell) -> str:
    t = cell.tally
    first, voted = (
        " ".join(f"{t.rate(k):6.1f}%" for k in (e.silent, e.marked, e.invented))
        for e in (t.first, t.voted)
    )
    return (
        f"{cell.panel[:40]:40} {cell.condition:11} {t.groups:6d}   {first}   {voted}   "
        f"{t.clean:3d}/{t.runs:<3d} {t.violations:5d}"
    )


LEGEND = (
    "silent: a group with a wrong digit not marked '?'; marked: a group missed or with "
    "'?'; invent: a group copied that was never sent; all % of groups sent",
    "exit 0: runs the receiver called clean (Reception.clean) / runs; wrong: of "
    "those, copies that were not exact (must be 0)",
)


def table(cells: Sequence[Cell], skipped: Sequence[Skipped]) -> list[str]:
    lines = [HEADER, SUBHEADER, *(row(c) for c in cells)]
    lines += [f"{s.name[:40]:40} {s.why}" for s in skipped]
    return lines + list(LEGEND)


def measure_cells(plan: Plan, log: Callable[[str], None]) -> tuple[list[Cell], list[Skipped]]:
    """Run every panel under every condition of ``plan``; the learnt voices under the
    target's condition only, on ``learn_messages`` messages each."""
    conditions = [c for c in CONDITIONS if c.name in plan.conditions]
    jobs = [(p, conditions, plan) for p in panels(plan)]
    if "learnt" in _kinds(plan):
        fewer = dataclasses.replace(plan, groups=plan.learn_messages * plan.message)
        jobs += [(p, [_condition(TARGET_CONDITION)], fewer) for p in learnt_panels(plan)]
    cells: list[Cell] = []
    skipped: list[Skipped] = []
    for p, conds, sizes in jobs:
        got = p if isinstance(p, Skipped) else panel_cells(p, conds, sizes)
        if isinstance(got, Skipped):
            skipped.append(got)
            log(f"{got.name[:40]:40} {got.why}")
            continue
        for c in got:
            log(row(c))
        cells += got
    return cells, skipped


def panel_cells(p: Panel, conditions: Sequence[Condition], plan: Plan) -> list[Cell] | Skipped:
    """One panel's cells, or why it could not run (a missing piece, or a failure of a
    piece still changing: the bench goes on with the other panels)."""
    try:
        tallies = run_panel(p, conditions, plan)
    except Unavailable as e:
        return Skipped(p.name, f"not available: {e}")
    except Exception as e:
        return Skipped(p.name, f"failed: {type(e).__name__}: {e}")
    return [Cell(p.name, c.name, p.kind, tallies[c.name]) for c in conditions]


TARGETS = {Kind.LEFT_OUT: (2.0, 0.2), Kind.HELD_OUT: (2.0, 0.2), Kind.LEARNT: (0.5, 0.1)}
"""The issue's targets at 10 dB through SSB, after the vote: group errors, silent errors
(% of groups)."""


def target_figures(cells: Sequence[Cell]) -> list[Figure]:
    """The issue's targets on voices left out of training and on learnt voices at 10 dB
    through SSB, and the exit-status rule over every run."""
    out: list[Figure] = []
    for kind, (total, silent) in TARGETS.items():
        aim = [c.tally for c in cells if c.kind is kind and c.condition == TARGET_CONDITION]
        if not aim:
            continue
        t = sum(aim, Tally())
        where = f"{kind.value} voices, {TARGET_CONDITION}, voted"
        note = f"{t.groups} groups; invented groups count, silent if they hold a sure digit"
        out += [
            Figure(f"{where}: errors", t.rate(t.voted.total), "%", _at_most(total), note),
            Figure(f"{where}: silent", t.rate(t.voted.unseen), "%", _at_most(silent), note),
        ]
    runs = sum((c.tally for c in cells), Tally())
    note = f"of {runs.clean} called clean, {runs.runs} runs"
    out.append(
        Figure("runs called clean that were wrong", runs.violations, "runs", _at_most(0), note)
    )
    return out


def _at_most(v: float) -> Target:
    return Target(Goal.AT_MOST, v)


# -- learnt voices (helper H8) ------------------------------------------------------------

LEARN_GROUPS = 25
"""Groups of the one logged recording a voice is learnt from."""


def learnt_panels(plan: Plan) -> list[Panel | Skipped]:
    """For each left-out panel, its first voice learnt from one logged recording by
    adapting the recogniser that never heard it; copied through SSB at 10 dB."""
    wanted = _kinds(plan) & {"leftout", "fsdd"} or {"leftout", "fsdd"}
    bases = panels(dataclasses.replace(plan, panels=tuple(sorted(wanted))))
    out: list[Panel | Skipped] = []
    for p in bases:
        if isinstance(p, Skipped):
            continue
        v = p.voices[0]
        model = functools.partial(_learnt, p, v, plan.seed)
        out.append(Panel(f"learnt: {v.key}", p.lang, (v,), model, Kind.LEARNT))
    return out


def _learnt(p: Panel, v: Any, seed: int) -> Any:
    """The recogniser of ``p`` adapted to ``v`` from one recording of LEARN_GROUPS groups
    at 10 dB through SSB, and the monitor's log of it (call-up and groups)."""
    try:
        from cinq.radio import learn, transcript
    except ImportError as e:
        raise Unavailable(f"cinq.radio.learn (helper H8): {e}") from None
    profile = station_for(p.lang)
    rng = np.random.default_rng(_seed(seed, "learn", v.key))
    sent, sid = message(rng, LEARN_GROUPS), f"{rng.integers(100, 1000)}"
    tx = send(sent, profile, v, p.lang, sid)
    audio = _condition(TARGET_CONDITION).hear(tx, _seed(seed, "learn audio", v.key))
    log = transcript.parse(f"{sid}/{len(sent)} " + " ".join(sent), source="bench log")
    return learn.learn(audio, log, profile, name=v.key, base=p.model()).recogniser


def _condition(name: str) -> Condition:
    return next(c for c in CONDITIONS if c.name == name)


# -- speed and memory, in a child process on one thread ----------------------------------


def _child(args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run this file as a worker (one thread) and read the JSON line it prints."""
    env = os.environ | ONE_THREAD
    done = subprocess.run(
        [sys.executable, str(HERE), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise Unavailable(f"the worker failed: {tail}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if "unavailable" in out:
        raise Unavailable(str(out["unavailable"]))
    return out


def speed_worker(plan: Plan) -> dict[str, Any]:
    """Reception of one message at 10 dB through SSB, against its own length."""
    profile = station_for("en")
    rng = np.random.default_rng(plan.seed)
    model = shipped("en")
    tx = send(message(rng, plan.message), profile, None, "en", "176")
    audio = _condition(TARGET_CONDITION).hear(tx, plan.seed)
    seconds = len(audio) / tx.rate

    def subject() -> Span:
        watch = Stopwatch()
        copy(audio, profile, model, "en", vote=True)
        return watch.stop()

    runs = interleave(subject, lambda: Span(seconds, seconds), plan.speed_runs)
    return {
        "seconds": seconds,
        "subject": [dataclasses.astuple(s) for s in runs.subject],
        "baseline": [dataclasses.astuple(s) for s in runs.baseline],
    }


def speed_comparison(plan: Plan) -> Comparison:
    out = _child(["--worker", "speed", *plan_args(plan)], timeout=1800)
    return Comparison(
        f"reception speed, E11 own voice, {TARGET_CONDITION}, {plan.message} groups "
        f"({out['seconds']:.0f} s of audio), one thread",
        "receive(audio, E11, model=the shipped recogniser)",
        "the audio's own length (real time)",
        tuple(Span(*s) for s in out["subject"]),
        tuple(Span(*s) for s in out["baseline"]),
        target=Target(Goal.AT_LEAST, 20),
        inverse=True,
        notes=("ratio = x real time (seconds of audio per second of reception)",),
    )


def memory_worker(wav: Path | None) -> dict[str, Any]:
    """Peak RSS (MB) of receiving ``wav`` with ``receive_file`` and the shipped
    recogniser (None: of the imports, profile and recogniser alone, the baseline)."""
    from cinq.radio import receive

    profile = station_for("en")
    model = shipped("en")
    if wav is not None:
        receive_file = getattr(receive, "receive_file", None)
        if receive_file is None:
            return {"unavailable": "receive.receive_file (helper H4) has not landed"}
        receive_file(wav, profile, model=model)
    return {"peak_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program (VmHWM; not
    ru_maxrss, which on Linux keeps the parent's peak across the fork and exec)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def long_recording(path: Path, seconds: float, seed: int) -> float:
    """Write a recording of about ``seconds`` of E11 at 10 dB (one long message);
    returns its length in seconds."""
    import soundfile as sf

    profile = station_for("en")
    rng = np.random.default_rng(seed)
    probe = send(message(rng, 4), profile, None, "en", "176").seconds
    per_group = (send(message(rng, 8), profile, None, "en", "176").seconds - probe) / 4
    n = max(1, min(2000, round((seconds - probe) / per_group) + 4))
    tx = send(message(rng, n), profile, None, "en", "176")
    audio = Condition("10 dB", 10.0).hear(tx, seed)
    sf.write(path, audio, tx.rate, subtype="PCM_16")
    return len(audio) / tx.rate


def memory_figures(plan: Plan) -> list[Figure]:
    timeout = max(900.0, plan.hour_seconds)
    with tempfile.TemporaryDirectory(prefix="cinq-bench-") as tmp:
        wav = Path(tmp) / "long.wav"
        seconds = long_recording(wav, plan.hour_seconds, plan.seed)
        base = _child(["--worker", "memory"], timeout)["peak_mb"]
        peak = _child(["--worker", "memory", "--wav", str(wav)], timeout)["peak_mb"]
    note = f"receive_file on {seconds / 60:.0f} min of E11 at 10 dB; imports alone {base:.0f} MB"
    return [Figure("peak RSS receiving a long recording", peak, "MB", _at_most(300), note)]


# -- the section ----------------------------------------------------------------------------


def _guarded(name: str, make: Callable[[], list[Any]]) -> tuple[list[Any], list[str]]:
    try:
        return make(), []
    except Unavailable as e:
        return [], [f"{name}: not available: {e}"]


def section(plan: Plan, log: Callable[[str], None] = lambda s: None) -> Section:
    """The receiver section of ``make bench``: the table, the targets, speed, memory."""
    cells, skipped = measure_cells(plan, log)
    rows: list[Any] = target_figures(cells)
    notes = table(cells, skipped)
    for name, make in (
        ("speed", lambda: [speed_comparison(plan)]),
        ("memory", lambda: memory_figures(plan)),
    ):
        got, missing = _guarded(name, make)
        rows += got
        notes += missing
    return Section(
        "Receiver: real voices left out of training, shortwave channel",
        tuple(rows),
        tuple(notes),
        data={"plan": dataclasses.asdict(plan), "cells": [c.to_json() for c in cells]},
    )


def plan_args(plan: Plan) -> list[str]:
    return ["--groups", str(plan.groups), "--message", str(plan.message), "--seed", str(plan.seed)]


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, English only")
    ap.add_argument("--groups", type=int, help="groups per cell (>= 200 for the table)")
    ap.add_argument("--message", type=int, help="groups per broadcast")
    ap.add_argument("--langs", help=f"comma-separated, of {','.join(LANGS)}")
    names = ",".join(c.name for c in CONDITIONS).replace("%", "%%")  # argparse formats help
    ap.add_argument("--conditions", help="comma-separated: " + names)
    ap.add_argument("--panels", help=f"comma-separated, of {','.join(PANELS)} (default all)")
    ap.add_argument("--engines", help="comma-separated engines to leave out (default all)")
    ap.add_argument("--learn-messages", type=int, help="messages copied per learnt voice")
    ap.add_argument("--hour", type=float, help="seconds of the memory test's recording")
    ap.add_argument("--train-budget", type=float, help="seconds of audio to train each model on")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--json", type=Path, help="write the section's results here")
    ap.add_argument("--worker", choices=("speed", "memory"), help=argparse.SUPPRESS)
    ap.add_argument("--wav", type=Path, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    plan = QUICK if args.quick else FULL
    given: dict[str, Any] = {
        "groups": args.groups,
        "message": args.message,
        "hour_seconds": args.hour,
        "seed": args.seed,
        "train_budget": args.train_budget,
        "langs": _split(args.langs),
        "conditions": _split(args.conditions),
        "panels": _split(args.panels),
        "engines": _split(args.engines),
        "learn_messages": args.learn_messages,
    }
    return dataclasses.replace(plan, **{k: v for k, v in given.items() if v is not None})


def _split(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(w.strip() for w in text.split(",") if w.strip())


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    plan = plan_of(args)
    if args.worker:
        try:
            out = speed_worker(plan) if args.worker == "speed" else memory_worker(args.wav)
        except Unavailable as e:
            out = {"unavailable": str(e)}
        print(json.dumps(out))
        return
    watch = Stopwatch()
    result = section(plan, log=lambda s: print(f"   {s}", flush=True))
    result = dataclasses.replace(result, seconds=watch.stop().wall)
    print("\n".join(result.lines()))
    if args.json:
        args.json.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
