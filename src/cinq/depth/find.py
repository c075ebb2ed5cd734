"""Every pair of messages of a log tested for a depth, false alarms corrected.

``cinq depth find`` runs :func:`find`. The work, in order:

1. **Copies first.** Copies of one message (:mod:`.copies`) are merged into one
   message and reported as copies; depths are tested between the merged messages,
   never between two copies of one message (they would look like a perfect depth).
2. **Tests.** For every pair of messages, every group offset, every board and both
   readings of the first group, one likelihood-ratio test of the difference stream
   ``D = C_ahead - C_behind (mod 10)`` under "two plaintexts on one key" against
   "independent keys" (:class:`~.joint.PairModel`).

   * *Offsets in whole groups*: a pad page's key is used from its start, and a
     sender who continues on a page does so at a group boundary, so two messages on one
     key are shifted by whole groups. ``offsets`` groups either way (default
     :data:`OFFSETS`, ``None``: every offset at which the two messages overlap).
     Testing digit offsets would multiply the tests (and the threshold's correction)
     by five for shifts that hand procedures do not make.
   * *The first group*: it may be an indicator (the page's id) sent in clear, not
     enciphered on the key. Each test is made on the whole stream and on the bodies
     after the first group (``Variant``); both count as tests.
   * *Boards*: the one given, or every built-in board; each counts.
   * The same indicator on two messages with different bodies is strong evidence of a
     page used twice, but it is only reported beside a finding (``same_indicator``):
     such a pair is tested like any other and is a depth only if its test says so.

3. **False alarms, calibrated.** Under "independent keys" each test's likelihood ratio
   has mean at most 1 (:mod:`.joint`), so ``P(LLR >= t) <= e^-t`` (Markov). With ``M``
   the number of tests -- every (pair, offset, board, reading) whose streams overlap,
   INCLUDING those the screen skips -- the threshold ``t = ln(M / alpha)`` gives at most
   ``M e^-t = alpha`` expected false depths in the whole log (the union bound), for any
   number of messages. Each depth's ``false_alarm`` is that bound for its own score,
   ``min(1, M e^-LLR)``. Measured: a log of 100 random messages of 30 groups (aligned,
   CT-55, 9,900 tests) gave no depth, its best score 0.6 nats against a threshold of
   13.8: the bound is loose, as the joint model's forward pass is a lower bound.
4. **Scale.** The cheap screen (:mod:`.screen`) scores all pairs at each offset as
   matrix products; only what passes gets the full test. The screen is weak (it passes
   most random pairs of short messages) and a full test costs tens of milliseconds, so
   ``budget`` caps the full tests: the pairs and offsets whose screen scores are the
   strongest evidence get them. The threshold is unchanged (skipped tests still count);
   what a budget costs is recall, and the report says when the budget was hit. The
   default, :data:`BUDGET` full tests, bounds the full tests' time however many messages
   (a minute or two for messages of tens of groups; a test's cost grows with its length;
   the screen, quadratic, is what grows with the log); ``None`` tests all that passes:
   for 387 messages of 20 to 60 groups on every board, 7.4 million full tests, days.
   Measured on such a log (2 shared cores), with the default: 87 to 127 s wall, 57 to
   59 s of CPU; no depth (best score 7.7 nats against 20.9); with a depth of 100
   overlapping groups planted (English prose on CT-55, 5 groups apart, indicators in
   clear) it was found (ranked 5th by the screen of 3.7 million pairs and offsets
   passed). The cost
   in recall, six such depths planted of each length in that log: the full test alone
   finds 0 of 6 at 30 groups' overlap, 3 at 50 and 5 at 100; within the default budget
   0, 2 and 3 (the screen ranks some true depths below most random pairs). ``--board``
   makes a seventh of the tests, so a budget reaches further down the screen's list.
   The blocks of the screen and
   the batches of full tests are pure functions, run in-process or as Dask tasks with
   the same results: in-process for a log under :data:`DASK_FROM` messages, else on a
   Dask ``LocalCluster`` (one single-threaded worker per core, in this process, so
   nothing is copied); ``scheduler``: the address of a running Dask scheduler (a real
   cluster, whose workers must reach the same language-model cache), or ``"local"``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..checkerboard import BOARDS, Board
from ..errors import BadInput
from .copies import CopySet, find_copies, merged_messages
from .screen import BLOCK, GROUP, Passed, features, pad, screen_block, weights_for
from .stream import UNKNOWN, Stream, difference, stream

__all__ = [
    "ALPHA",
    "BATCH",
    "BUDGET",
    "DASK_FROM",
    "OFFSETS",
    "ROUND",
    "Depth",
    "DepthReport",
    "Offset",
    "Progress",
    "Variant",
    "count_tests",
    "find",
    "threshold",
]

ALPHA = 0.01
"""Expected false depths in a whole log of random messages, at most."""
OFFSETS = 5
"""Group offsets tried either way by default."""
BUDGET = 8192
"""Full tests at most by default: about a minute and a half of full tests on 2 shared
cores (a full test of 200 digits costs about 10 ms of CPU, 20 ms wall when shared)."""
DASK_FROM = 2_000
"""Messages from which :func:`find` runs on a Dask LocalCluster by default."""
BATCH = 256
"""Full tests in one batch (one Dask task)."""
ROUND = 16
"""Batches of full tests sent out at once (progress is told after each round)."""
MAX_WORKERS = 256
"""The most workers a local cluster may be asked for."""

_ADDRESS = re.compile(r"(?:[a-z]+://)?[\w.\-\[\]:]+:\d{1,5}")  # [proto://]host:port

Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all) as the work goes."""


class Variant(Enum):
    """Which digits of the two messages a test reads."""

    WHOLE = "whole"  # every group: the first one enciphered on the key too
    BODY = "body"  # after the first group: an indicator sent in clear

    @property
    def skip(self) -> int:
        """Digits left out at the start of each message."""
        return GROUP if self is Variant.BODY else 0


VARIANTS = (Variant.WHOLE, Variant.BODY)


@dataclass(frozen=True)
class Offset:
    """How two messages sit on the key: ``ahead`` began ``groups`` groups earlier
    (``None`` when aligned)."""

    groups: int
    ahead: str | None

    def to_json(self) -> dict[str, object]:
        return {"groups": self.groups, "digits": GROUP * self.groups, "ahead": self.ahead}


@dataclass(frozen=True)
class Depth:
    """Two messages found on one key.

    ``messages``: their ids (the one ahead first); ``heard_as``: for each, the ids of
    its copies merged into it (itself alone when heard once); ``llr``: the test's score
    in nats; ``false_alarm``: ``min(1, M e^-llr)``, the chance that a log of random
    messages scores this high somewhere; ``digits``: readable digits of the difference
    tested."""

    messages: tuple[str, str]
    heard_as: tuple[tuple[str, ...], tuple[str, ...]]
    offset: Offset
    board: str
    variant: Variant
    llr: float
    false_alarm: float
    digits: int
    same_indicator: bool

    def to_json(self) -> dict[str, object]:
        return {
            "messages": list(self.messages),
            "heard_as": [list(h) for h in self.heard_as],
            "offset": self.offset.to_json(),
            "board": self.board,
            "first_group": self.variant.value,
            "llr": round(self.llr, 3),
            "false_alarm": self.false_alarm,
            "digits": self.digits,
            "same_indicator": self.same_indicator,
        }


@dataclass(frozen=True)
class DepthReport:
    """What :func:`find` found: depths (best test of each pair over the threshold, by
    score) and copy sets, with the count of tests behind the threshold. ``passed``:
    tests the screen passed; ``tested``: full tests made (fewer when the ``budget`` was
    hit: then recall is limited to the tests the screen rated likeliest). ``best``: the
    highest score of all the full tests made, found or not (on a random log, how far
    below the threshold chance came)."""

    depths: tuple[Depth, ...]
    copies: tuple[CopySet, ...]
    ids: tuple[str, ...]
    tests: int
    threshold: float
    alpha: float
    boards: tuple[str, ...]
    passed: int  # tests the screen passed
    tested: int  # full tests made (at most the budget)
    budget: int | None  # full tests allowed (None: no limit)
    best: float | None  # the highest score of any full test (None: none made)

    @property
    def budget_hit(self) -> bool:
        """Some tests passed the screen but were not made: recall is limited."""
        return self.tested < self.passed

    def to_json(self) -> dict[str, object]:
        """``{"depths": [...], "copies": [...], "search": {...}}``; copies name their
        members by id; ``search`` says how much was tested and whether the budget was
        hit."""
        return {
            "depths": [d.to_json() for d in self.depths],
            "copies": [c.to_json(self.ids) for c in self.copies],
            "search": {
                "tests": self.tests,
                "threshold": round(self.threshold, 3),
                "alpha": self.alpha,
                "boards": list(self.boards),
                "passed_screen": self.passed,
                "fully_tested": self.tested,
                "budget": self.budget,
                "budget_hit": self.budget_hit,
                "best": None if self.best is None else round(self.best, 3),
            },
        }

    def summary(self) -> str:
        """One line: how much was tested and against what threshold."""
        merged = len(self.ids) - sum(len(c.members) - 1 for c in self.copies)
        heard = f" ({merged} once copies are merged)" if self.copies else ""
        return (
            f"{len(self.ids)} messages{heard}, {self.tests:,} tests on {len(self.boards)} "
            f"board(s); threshold {self.threshold:.1f} nats (at most {self.alpha:g} false "
            f"depth expected); {self.passed:,} passed the screen, {self.tested:,} fully "
            f"tested{self._limited()}"
        )

    def _limited(self) -> str:
        if not self.budget_hit:
            return ""
        return (
            f" (budget of {self.budget:,} full tests hit: recall limited to the tests the "
            "screen rated likeliest)"
        )


def threshold(tests: int, alpha: float = ALPHA) -> float:
    """``ln(M / alpha)``: the score ``M`` tests need for at most ``alpha`` expected false
    depths (at least ``ln(1 / alpha)``)."""
    return math.log(max(tests, 1) / alpha)


def count_tests(lengths: Sequence[int], max_offset: int, variants: int = 2) -> int:
    """Tests of one board: every pair, at every group offset up to ``max_offset``
    either way, for each reading of the first group, whose streams overlap.

    ``lengths`` in digits. A message of length ``L`` ahead by ``g`` groups overlaps any
    other when ``L > 5 g`` (after the skipped first group for the body reading)."""
    total = 0
    for skip in (0, GROUP)[:variants]:
        live = np.asarray([n - skip for n in lengths if n > skip], dtype=np.int64)
        n = len(live)
        total += n * (n - 1) // 2
        for g in range(1, max_offset + 1):
            total += int((live > GROUP * g).sum()) * (n - 1)
    return total


@dataclass(frozen=True)
class _Job:
    """What every step needs: the merged messages and the choices made."""

    streams: tuple[Stream, ...]
    digits: NDArray[np.uint8]  # the streams, padded
    boards: tuple[Board, ...]
    max_offset: int
    variants: tuple[Variant, ...]
    tests: int
    threshold: float
    blocks: tuple[range, ...] = field(default=())
    budget: int | None = None  # full tests at most (the screen's best first)


def find(
    messages: Sequence[Sequence[str]],
    *,
    ids: Sequence[str] | None = None,
    boards: Sequence[Board] | None = None,
    offsets: int | None = OFFSETS,
    alpha: float = ALPHA,
    scheduler: str | None = None,
    workers: int | None = None,
    budget: int | None = BUDGET,
    progress: Progress | None = None,
) -> DepthReport:
    """The depths and copies in ``messages`` (each a sequence of five-figure groups,
    ``?`` allowed), named by ``ids`` (default: their positions from 1).

    Parameters
    ----------
    boards
        The boards to try (default: every built-in board); each counts as tests.
    offsets
        Group offsets tried either way; ``None``: all.
    alpha
        Expected false depths in the whole log, at most (``0 < alpha < 1``).
    scheduler, workers
        Where to run (module notes): ``None`` chooses; ``"local"`` a LocalCluster of
        ``workers`` (default: one per core); else a Dask scheduler's address.
    budget
        Full tests at most: of what passes the screen, the pairs and offsets whose
        screen scores are the strongest evidence get them (both readings each). The
        threshold does not change (the tests skipped still count): only recall is lost,
        and the report says so (:attr:`DepthReport.budget_hit`). Default
        :data:`BUDGET`; ``None``: every test that passes the screen.
    progress
        Called as the work goes.

    Raises
    ------
    BadInput
        A bad group (named), ids that do not match the messages, a bad option.
    """
    names = _names(messages, ids)
    _check_options(offsets, alpha, workers, scheduler)
    if budget is not None and budget < 1:
        raise BadInput(f"budget must be 1 full test or more, not {budget}")
    copies = find_copies(messages)
    merged, stands_for = merged_messages(messages, copies)
    job = _job([stream(m, checked=False) for m in merged], boards, offsets, alpha, budget)
    where = scheduler or ("local" if workers or len(merged) >= DASK_FROM else None)
    results: list[_BoardResult] = []
    if job.tests:  # one message, or none: nothing to test, no cluster to start
        with _runner(where, workers) as run:
            results = _run_job(job, run, progress)
    depths = _depths(job, results, merged, stands_for, names)
    return _report(job, results, depths, copies, names, alpha)


def _report(
    job: _Job,
    results: list[_BoardResult],
    depths: tuple[Depth, ...],
    copies: tuple[CopySet, ...],
    names: tuple[str, ...],
    alpha: float,
) -> DepthReport:
    return DepthReport(
        depths,
        copies,
        names,
        job.tests,
        job.threshold,
        alpha,
        tuple(b.name for b in job.boards),
        sum(r.passed_screen for r in results) * len(job.variants),  # each reading a test
        sum(r.llr.size for r in results),
        job.budget,
        max((float(r.llr.max()) for r in results if r.llr.size), default=None),
    )


def _names(messages: Sequence[Sequence[str]], ids: Sequence[str] | None) -> tuple[str, ...]:
    if ids is None:
        return tuple(str(n) for n in range(1, len(messages) + 1))
    names = tuple(str(i) for i in ids)
    if len(names) != len(messages):
        raise BadInput(f"{len(names)} ids for {len(messages)} messages")
    if len(set(names)) != len(names):
        raise BadInput("two messages have the same id")
    return names


def _check_options(
    offsets: int | None, alpha: float, workers: int | None, scheduler: str | None
) -> None:
    if offsets is not None and offsets < 0:
        raise BadInput(f"offsets must be 0 or more groups, not {offsets}")
    if not 0 < alpha < 1:
        raise BadInput(f"alpha (expected false depths) must be between 0 and 1, not {alpha}")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise BadInput(f"workers must be 1 to {MAX_WORKERS}, not {workers}")
    if scheduler is not None and scheduler != "local" and not _ADDRESS.fullmatch(scheduler):
        raise BadInput(
            f"scheduler {scheduler!r} is not 'local' nor an address such as tcp://host:8786"
        )


def _job(
    streams: list[Stream],
    boards: Sequence[Board] | None,
    offsets: int | None,
    alpha: float,
    budget: int | None,
) -> _Job:
    chosen = tuple(boards) if boards is not None else tuple(BOARDS.values())
    lengths = [len(s) for s in streams]
    longest = max(lengths, default=0)
    max_offset = (longest - 1) // GROUP if offsets is None else offsets
    max_offset = max(0, min(max_offset, (longest - 1) // GROUP))
    tests = count_tests(lengths, max_offset, len(VARIANTS)) * len(chosen)
    digits = pad(streams)
    blocks = tuple(range(s, min(s + BLOCK, len(streams))) for s in range(0, len(streams), BLOCK))
    return _Job(
        tuple(streams),
        digits,
        chosen,
        max_offset,
        VARIANTS,
        tests,
        threshold(tests, alpha),
        blocks,
        budget,
    )


# -- running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Runner:
    """Where the tasks run: ``map`` calls a function on each argument tuple (results in
    order); ``share`` makes a big argument available to every task (a Dask future,
    sent once); ``local``: in this process, where the screen may keep its features."""

    map: Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]
    share: Callable[[Any], Any]
    local: bool


def _in_process_map(fn: Callable[..., Any], args: list[tuple[Any, ...]]) -> list[Any]:
    return [fn(*a) for a in args]


IN_PROCESS = _Runner(_in_process_map, lambda x: x, local=True)


@contextmanager
def _runner(where: str | None, workers: int | None) -> Iterator[_Runner]:
    """In-process, or on Dask (imported only here: the analysis extra)."""
    if where is None:
        yield IN_PROCESS
        return
    import importlib

    dask: Any = importlib.import_module("distributed")  # untyped: used through Any
    if where == "local":
        cluster = dask.LocalCluster(
            n_workers=workers or _cores(),
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        )
        with cluster, dask.Client(cluster) as client:
            yield _dask_run(client)
        return
    try:
        client = dask.Client(where, timeout=30)
    except OSError as e:
        raise BadInput(f"cannot reach the Dask scheduler at {where}: {e}") from None
    with client:
        yield _dask_run(client)


def _cores() -> int:
    import os

    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _dask_run(client: Any) -> _Runner:
    def run(fn: Callable[..., Any], args: list[tuple[Any, ...]]) -> list[Any]:
        futures = [client.submit(fn, *a, pure=False) for a in args]
        return list(client.gather(futures))

    return _Runner(run, lambda x: client.scatter(x, broadcast=True), local=False)


@dataclass(frozen=True, eq=False)
class _BoardResult:
    """One board: what its screen passed and the full test's score of each."""

    board: Board
    passed: Passed
    llr: NDArray[np.float64]  # (tests, variants)
    known: NDArray[np.int64]  # (tests, variants): readable digits of each difference
    passed_screen: int  # pairs and offsets the screen passed (before the budget)


def _run_job(job: _Job, run: _Runner, progress: Progress | None) -> list[_BoardResult]:
    """Screen every board, then the full tests of what passed: progress is told after
    each board's screen and each round of :data:`ROUND` batches of full tests."""
    tell = progress or (lambda done, total: None)
    digits = run.share(job.digits)
    screened = []
    for n, board in enumerate(job.boards):
        screened.append(_screened(job, run, digits, board))
        tell(n + 1, len(job.boards))
    passed = [len(p) for p in screened]
    if job.budget is not None:
        screened = _best(job, screened, max(1, job.budget // len(job.variants)))
    work = [_batches(job, board, p) for board, p in zip(job.boards, screened, strict=True)]
    total = len(job.boards) + sum(len(w.batches) for w in work)
    done = len(job.boards)
    out = []
    for board, kept, w, count in zip(job.boards, screened, work, passed, strict=True):
        scores: list[NDArray[np.float64]] = []
        for s in range(0, len(w.batches), ROUND):
            scores += run.map(_full_task, [(board, b) for b in w.batches[s : s + ROUND]])
            done += len(w.batches[s : s + ROUND])
            tell(done, total)
        llr = np.zeros(len(w.order))
        llr[w.order] = np.concatenate(scores) if scores else np.zeros(0)
        shape = (len(kept), len(job.variants))
        out.append(_BoardResult(board, kept, llr.reshape(shape), w.known.reshape(shape), count))
    return out


def _best(job: _Job, screened: list[Passed], keep: int) -> list[Passed]:
    """The ``keep`` pairs and offsets (over all boards) whose screen scores are the
    strongest evidence of a depth; the others skip the full test (still counted)."""
    evidence = [
        weights_for(b).evidence(p.score, p.windows)
        for b, p in zip(job.boards, screened, strict=True)
    ]
    everything = np.concatenate(evidence) if evidence else np.zeros(0)
    if len(everything) <= keep:
        return screened
    cut = np.sort(everything)[::-1][keep - 1]
    out, left = [], keep
    for p, e in zip(screened, evidence, strict=True):
        chosen = np.flatnonzero(e >= cut)[:left]  # ties: the first ones, in the screen's order
        left -= len(chosen)
        out.append(Passed(p.ahead[chosen], p.behind[chosen], p.offset[chosen], p.score[chosen],
                          p.windows[chosen]))  # fmt: skip
    return out


@dataclass(frozen=True, eq=False)
class _Work:
    """One board's full tests: the difference streams in batches of similar lengths (a
    batch costs as much as its longest stream), ``order`` putting them back."""

    batches: list[NDArray[np.uint8]]
    order: NDArray[np.int64]
    known: NDArray[np.int64]


def _batches(job: _Job, board: Board, passed: Passed) -> _Work:
    diffs = _differences(job, passed)
    order = np.argsort([len(d) for d in diffs], kind="stable")
    batches = [pad([diffs[i] for i in order[s : s + BATCH]]) for s in range(0, len(diffs), BATCH)]
    known = np.array([int((d != UNKNOWN).sum()) for d in diffs], dtype=np.int64)
    return _Work(batches, order, known)


def _screened(job: _Job, run: _Runner, digits: Any, board: Board) -> Passed:
    """What passes the screen of ``board``: block by block, each block a task; in this
    process the features of each block are computed once, not once per task."""
    offsets = list(range(job.max_offset + 1))
    if run.local:
        w = weights_for(board)
        cache = [features(job.digits[r.start : r.stop], w) for r in job.blocks]
        return Passed.join([screen_block(job.digits, r, w, offsets, cache) for r in job.blocks])
    args = [(digits, rows, board, offsets) for rows in job.blocks]
    return Passed.join(run.map(_screen_task, args))


def _screen_task(
    digits: NDArray[np.uint8], rows: range, board: Board, offsets: list[int]
) -> Passed:
    """One block of the screen (a Dask task: builds its board's weights where it runs)."""
    return screen_block(digits, rows, weights_for(board), offsets)


def _full_task(board: Board, diffs: NDArray[np.uint8]) -> NDArray[np.float64]:
    """A batch of full tests (a Dask task: builds its board's model where it runs)."""
    from .joint import PairModel

    return PairModel.for_board(board).llr_many(diffs)


def _differences(job: _Job, passed: Passed) -> list[Stream]:
    """The difference stream of each passed test and reading, the readings of one test
    together (``tests * variants`` streams)."""
    rows = []
    for a, b, g in zip(passed.ahead, passed.behind, passed.offset, strict=True):
        for v in job.variants:
            ahead = job.streams[a][GROUP * g + v.skip :]
            rows.append(difference(ahead, job.streams[b][v.skip :]))
    return rows


# -- findings ----------------------------------------------------------------------------


def _depths(
    job: _Job,
    results: list[_BoardResult],
    merged: list[tuple[str, ...]],
    stands_for: list[tuple[int, ...]],
    names: tuple[str, ...],
) -> tuple[Depth, ...]:
    """The best test of each pair over the threshold, best first."""
    best: dict[tuple[int, int], Depth] = {}
    for r in results:
        for t, v in zip(*np.nonzero(r.llr >= job.threshold), strict=True):
            a, b = int(r.passed.ahead[t]), int(r.passed.behind[t])
            found = _depth(job, r, int(t), int(v), (a, b), merged, stands_for, names)
            key = (min(a, b), max(a, b))
            if key not in best or found.llr > best[key].llr:
                best[key] = found
    return tuple(sorted(best.values(), key=lambda d: (-d.llr, d.messages)))


def _depth(
    job: _Job,
    r: _BoardResult,
    t: int,
    v: int,
    pair: tuple[int, int],
    merged: list[tuple[str, ...]],
    stands_for: list[tuple[int, ...]],
    names: tuple[str, ...],
) -> Depth:
    a, b = pair
    g = int(r.passed.offset[t])
    llr = float(r.llr[t, v])
    first_a, first_b = merged[a][:1], merged[b][:1]
    return Depth(
        messages=(names[stands_for[a][0]], names[stands_for[b][0]]),
        heard_as=(
            tuple(names[m] for m in stands_for[a]),
            tuple(names[m] for m in stands_for[b]),
        ),
        offset=Offset(g, names[stands_for[a][0]] if g else None),
        board=r.board.name,
        variant=job.variants[v],
        llr=llr,
        false_alarm=min(1.0, job.tests * math.exp(-llr)),
        digits=int(r.known[t, v]),
        same_indicator=first_a == first_b and "?" not in "".join(first_a),
    )
