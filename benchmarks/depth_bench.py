"""Depth: reading messages on one key back, finding them in a log, and at what scale.

Three sections (``benchmarks/run.py --only depth``, or ``solve``, ``find``, ``scale``
alone), on synthetic depths made from real text that did not build the language
models (:mod:`depth_corpus`, :mod:`corpora`):

* **Recovery** (``cinq.depth.solve.solve``, offsets given as ``depth find`` reports
  them): every cell of the grid (depth 2, 3, 4 x 20, 50, 100, 200 groups x five
  languages x default board and CT-37). A character is a code of the board read from
  the true plaintext digits; it is right *in the right message* when the message's
  recovered plaintext digits over its code are the true ones, and right *as a pair*
  when, at each key position of its code, the messages' recovered digits are the true
  ones in some order (streams swapped; on mod-10 digits with one key a swap is only
  possible where the two plaintext digits differ by 5, unlike XOR). Targets, over
  messages of 100 letters or more: depth 2 >= 90 % in the right message and >= 97 %
  as pairs; depth 3 >= 99 %; CPU time <= 1 ms per key digit (median over the depths
  solved; Mason et al. 2006: 200 ms per byte).
* **Finding** (``cinq.depth.find``): pairs with 30 overlapping groups (150 digits),
  aligned and shifted, hidden in a log of random messages; recall at the corrected
  false-alarm rate, with the recall of kappa (the old coincidence test: equal digits,
  binomial against 1/10, Bonferroni-corrected for the same pairs and offsets) beside
  it; false depths on a log of 10,000 random messages (target 0).
* **Scale** (``cinq.depth.screen``): 20,000 messages of 50 groups screened aligned
  (target < 10 minutes on 2 cores), its throughput against a bare float32 BLAS product
  of the same shape (interleaved, median); the Dask run with 2 workers gives the same
  depths as the in-process run.

A section whose library part is not there yet says "not built yet" instead of failing.
Run alone: ``python benchmarks/depth_bench.py [--quick] [--only solve,find,scale]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import multiprocessing
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

import depth_corpus as dc  # type: ignore[import-not-found]
from cinq import checkerboard as cb
from cinq.checkerboard import Board
from cinq.digits import Digits
from cinq.hazmat.cipher import encipher
from measure import (  # type: ignore[import-not-found]
    Comparison,
    Figure,
    Goal,
    Section,
    Target,
    interleave,
    timed,
)

ALPHA = 0.01
"""Expected false depths allowed in a whole log (the issue's correction)."""
LETTERS = 100
"""The recovery targets count messages of at least this many characters."""
RECALL_GROUPS = 30
"""Overlapping groups of the depths the finding target is measured on."""


@dataclass(frozen=True)
class Plan:
    """Sizes of one depth benchmark run."""

    samples: int
    """Depths per grid cell for recovery (each timed: CPU time per key digit)."""
    offset_samples: int
    """Shifted depth pairs per language whose offset ``solve`` finds itself."""
    recall_pairs: int
    """Depth pairs hidden in each finding log (aligned, and shifted)."""
    recall_log: int
    """Messages in each finding log, the hidden pairs included."""
    alarm_log: int
    """Random messages of the false-alarm log."""
    scale_messages: int
    scale_runs: int
    ratio_messages: int
    """Messages of the interleaved screen-against-BLAS comparison."""
    dask_messages: int
    budget: float
    """Seconds one ``find`` run (or the big screen) may take before it is reported as
    timed out."""
    groups: tuple[int, ...] = dc.GROUPS
    langs: tuple[str, ...] = dc.LANGS


FULL = Plan(2, 4, 100, 1000, 10_000, 20_000, 5, 2000, 1000, 300.0)
QUICK = Plan(1, 1, 20, 200, 1000, 2000, 5, 500, 200, 30.0, (20, 100))


def _api(module: str, name: str) -> Callable[..., Any] | None:
    """``module.name`` if that part of the library is built, else None."""
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return found if callable(found) else None


def _not_built(title: str, *names: str) -> Section:
    return Section(title, (), tuple(f"not built yet: {n}" for n in names))


# ---------------------------------------------------------------- recovery


@dataclass(frozen=True)
class Tally:
    """Characters of one message of a depth: right in the right message, right as a
    pair, of how many."""

    own: int
    pair: int
    total: int
    sure: int = 0
    """Right in the right message and shown as sure (not marked U+FFFD)."""


def code_spans(board: Board, digits: Digits) -> list[range]:
    """The digit span of each code (character, escape, sign) the board reads from
    ``digits``, up to the last whole one."""
    machine = board.machine()
    state = machine.start
    spans: list[range] = []
    begin = 0
    for pos, d in enumerate(digits.tolist()):
        step = machine.step(state, d)
        if step is None:
            break
        state = step.state
        if step.emitted is not None:
            spans.append(range(begin, pos + 1))
            begin = pos + 1
    return spans


def _at_key(depth: dc.Depth, streams: Sequence[Digits]) -> NDArray[np.int16]:
    """Each message's digits at their key positions, 255 where it does not reach."""
    out = np.full((depth.depth, len(depth.key)), 255, dtype=np.int16)
    for j, (r, off) in enumerate(zip(streams, depth.offsets, strict=True)):
        out[j, 5 * off : 5 * off + len(r)] = r
    return out


def tallies(
    depth: dc.Depth, recovered: Sequence[Digits], sure: Sequence[set[int]] | None = None
) -> list[Tally]:
    """Score each message's recovered plaintext digits (own coordinates) against the
    truth: a character is right in the right message when its own digits are, and
    right as a pair when at each of its key positions the recovered digits of all the
    messages there are the true ones in some order (streams swapped). ``sure``: per
    message, the digits (own coordinates) where a character shown as sure begins."""
    board = cb.board(depth.cell.board)
    mine = _at_key(depth, recovered)
    true = _at_key(depth, [w.digits for w in depth.plain])
    as_set = (np.sort(mine, axis=0) == np.sort(true, axis=0)).all(axis=0)
    out = []
    for i, window in enumerate(depth.plain):
        base = 5 * depth.offsets[i]
        spans = [range(base + s.start, base + s.stop) for s in code_spans(board, window.digits)]
        right = [s for s in spans if (mine[i, s] == true[i, s]).all()]
        pair = sum(bool(as_set[s].all()) for s in spans)
        shown = len(right) if sure is None else sum(s.start - base in sure[i] for s in right)
        out.append(Tally(len(right), pair, len(spans), shown))
    return out


@dataclass(frozen=True)
class CellResult:
    cell: dc.Cell
    tallies: tuple[Tally, ...]
    long: tuple[bool, ...]
    """Per message: at least :data:`LETTERS` characters."""
    cpu: tuple[float, ...]
    """CPU seconds per key digit, per depth solved."""
    failures: tuple[str, ...] = field(default=())

    def rate(self, count: Count, long_only: bool = False) -> float | None:
        """% of the characters right by ``count`` (``long_only``: of the messages of
        at least :data:`LETTERS` characters), None for no characters."""
        return _rate(
            [t for t, ok in zip(self.tallies, self.long, strict=True) if ok or not long_only],
            count,
        )


class Count(Enum):
    """Which characters count as right (a :class:`Tally` field)."""

    OWN = "own"
    PAIR = "pair"
    SURE = "sure"


def _rate(tallies: Sequence[Tally], count: Count) -> float | None:
    total = sum(t.total for t in tallies)
    right = sum(getattr(t, count.value) for t in tallies)
    return 100 * right / total if total else None


@dataclass(frozen=True)
class Solved:
    digits: list[Digits]
    sure: list[set[int]]
    cpu_per_digit: float


def _solve_one(solve: Callable[..., Any], depth: dc.Depth) -> Solved:
    board = cb.board(depth.cell.board)
    offsets = [5 * o for o in depth.offsets]
    cpu = time.process_time()
    solution = solve(list(depth.ciphers), board=board, langs=[depth.cell.lang], offsets=offsets)
    cpu = time.process_time() - cpu
    limit = importlib.import_module("cinq.depth.solve").SURE
    return Solved(
        [np.asarray(r.digits) for r in solution.readings],
        [
            {s for s, c in zip(r.starts, r.confidence, strict=True) if c >= limit}
            for r in solution.readings
        ],
        cpu / len(depth.key),
    )


def solve_cell(solve: Callable[..., Any], cell: dc.Cell, plan: Plan, seed: int) -> CellResult:
    """Solve ``plan.samples`` depths of ``cell`` (the first aligned, the others shifted
    up to 5 groups) and score them."""
    found: list[Tally] = []
    long: list[bool] = []
    cpu: list[float] = []
    failures: list[str] = []
    for k in range(plan.samples):
        for depth in dc.depths(cell, 1, seed + k, shift=0 if k == 0 else 5):
            try:
                solved = _solve_one(solve, depth)
            except Exception as e:  # a failure is a result: count it as nothing read
                failures.append(f"{type(e).__name__}: {e}")
                nothing = [np.full(len(c), 255, dtype=np.int16) for c in depth.ciphers]
                solved = Solved(nothing, [set() for _ in nothing], 0.0)
            found += tallies(depth, solved.digits, solved.sure)
            long += [len(w.text) >= LETTERS for w in depth.plain]
            cpu.append(solved.cpu_per_digit)
    return CellResult(cell, tuple(found), tuple(long), tuple(cpu), tuple(failures))


def _long_tallies(results: Sequence[CellResult], depth: int) -> list[Tally]:
    """The tallies of the messages of at least :data:`LETTERS` characters at ``depth``."""
    return [
        t
        for r in results
        if r.cell.depth == depth
        for t, ok in zip(r.tallies, r.long, strict=True)
        if ok
    ]


def _table(results: Sequence[CellResult], groups: tuple[int, ...]) -> list[str]:
    """One line per language and board: per depth and length, % right in the right
    message / as pairs (all messages of the cell)."""
    head = " ".join(f"{f'd{d} x{g}':>9}" for d in dc.DEPTHS for g in groups)
    lines = [f"{'':10} {head}   (% right in its message / as pairs)"]
    by_row: dict[tuple[str, str], list[str]] = {}
    for r in results:
        own, pair = r.rate(Count.OWN), r.rate(Count.PAIR)
        cell = "-" if own is None or pair is None else f"{own:3.0f}/{pair:3.0f}"
        by_row.setdefault((r.cell.lang, r.cell.board), []).append(f"{cell:>9}")
    for (lang, board), cells in by_row.items():
        lines.append(f"{lang} {board:<7} " + " ".join(cells))
    return lines


GOALS = {
    (2, Count.OWN): 90.0,
    (2, Count.PAIR): 97.0,
    (3, Count.OWN): 99.0,
    (3, Count.PAIR): 99.0,
}
_WHAT = {
    Count.OWN: "right in its message",
    Count.PAIR: "right as pairs",
    Count.SURE: "right in its message, shown sure",
}


def _recovery_rows(results: Sequence[CellResult]) -> list[Figure]:
    rows = []
    for d in dc.DEPTHS:
        long = _long_tallies(results, d)
        chars = sum(t.total for t in long)
        for count in Count:
            goal = GOALS.get((d, count))
            rate = _rate(long, count)
            rows.append(
                Figure(
                    f"depth {d}: {_WHAT[count]}",
                    float("nan") if rate is None else rate,
                    "%",
                    None if goal is None else Target(Goal.AT_LEAST, goal),
                    note=f"{chars:,} characters of messages >= {LETTERS} letters",
                )
            )
    cpu = [c for r in results for c in r.cpu if c > 0]
    if cpu:
        rows.append(
            Figure(
                "solve: CPU time per key digit",
                1000 * statistics.median(cpu),
                "ms",
                Target(Goal.AT_MOST, 1.0),
                note=f"median of {len(cpu)} depths; Mason et al.: 200 ms per byte",
            )
        )
    return rows


OFFSET_GROUPS = 50


def offset_row(plan: Plan, seed: int) -> Figure | None:
    """How often ``solve``'s own offset search (no offsets given) puts the second
    message of a shifted depth pair where it is, on each language's default board."""
    find_offsets = _api("cinq.depth.solve", "find_offsets")
    if find_offsets is None:
        return None
    right = total = 0
    for lang in plan.langs:
        cell = dc.Cell(lang, dc.boards(lang)[0], 2, OFFSET_GROUPS)
        for depth in dc.depths(cell, plan.offset_samples, seed, shift=5):
            board = cb.board(cell.board)
            found = find_offsets(list(depth.ciphers), board=board, langs=[lang])
            truth = [5 * (o - depth.offsets[0]) for o in depth.offsets]
            right += list(found) == truth
            total += 1
    return Figure(
        f"offset found by solve, depth 2 x {OFFSET_GROUPS} groups",
        100 * right / total,
        "%",
        note=f"{right} of {total} pairs 1-5 groups apart, searched +-25 digits",
    )


def solve_section(plan: Plan, seed: int = 13) -> Section:
    title = "Depth recovery: plaintexts read back from messages on one key (cinq.depth.solve)"
    solve = _api("cinq.depth.solve", "solve")
    if solve is None:
        return _not_built(title, "cinq.depth.solve.solve")
    cells = list(dc.grid(groups=plan.groups, langs=plan.langs))
    results = [solve_cell(solve, c, plan, seed) for c in cells]
    failures = [f"{r.cell.label()}: {f}" for r in results for f in r.failures]
    notes = [
        *_table(results, plan.groups),
        f"{plan.samples} depth(s) per cell (the first aligned, others shifted <= 5 groups);"
        " offsets given",
        *(f"FAILED {f}" for f in failures[:10]),
    ]
    rows: list[Figure] = _recovery_rows(results)
    offsets = offset_row(plan, seed)
    rows += [] if offsets is None else [offsets]
    return Section(f"{title}, {len(cells)} cells", tuple(rows), tuple(notes))


# ---------------------------------------------------------------- kappa


def one_hot(digits: NDArray[np.uint8]) -> NDArray[np.float32]:
    """``(N, T)`` digits -> ``(N, 10 T)`` indicators (float32, for BLAS)."""
    n, t = digits.shape
    out = np.zeros((n, t, 10), dtype=np.float32)
    np.put_along_axis(out, digits[:, :, None].astype(np.intp), 1.0, axis=2)
    return out.reshape(n, 10 * t)


@dataclass(frozen=True)
class Flag:
    """A pair flagged: message ``ahead`` starts ``offset`` groups before ``behind``
    in the key (0: aligned, ``ahead < behind``)."""

    ahead: int
    behind: int
    offset: int


def kappa(log: NDArray[np.uint8], max_offset: int, alpha: float = ALPHA) -> set[Flag]:
    """The coincidence test on every pair of the equal-length messages of ``log`` at
    every group offset up to ``max_offset`` either way: equal digits counted over the
    overlap, binomial against 1/10, flagged when the tail probability is below
    ``alpha`` over the number of tests (Bonferroni)."""
    n, t = log.shape
    tests = n * (n - 1) // 2 * (2 * max_offset + 1)
    out: set[Flag] = set()
    for g in range(max_offset + 1):
        width = t - 5 * g
        limit = stats.binom.isf(alpha / tests, width, 0.1)
        equal = one_hot(log[:, 5 * g :]) @ one_hot(log[:, :width]).T
        ahead, behind = np.nonzero(equal > limit)
        keep = ahead < behind if g == 0 else ahead != behind
        out |= {Flag(int(a), int(b), g) for a, b in zip(ahead[keep], behind[keep], strict=True)}
    return out


# ---------------------------------------------------------------- logs with hidden depths


@dataclass(frozen=True)
class Planted:
    """A log of random messages with depth pairs hidden at known rows."""

    log: NDArray[np.uint8]
    pairs: tuple[Flag, ...]
    boards: tuple[str, ...]
    """The board of each pair's plaintexts."""


def planted_log(plan: Plan, shifted: bool, seed: int) -> Planted:
    """``plan.recall_log`` messages, ``plan.recall_pairs`` of them depth pairs with
    :data:`RECALL_GROUPS` groups in common (aligned messages of 30 groups, or messages
    of 35 groups 5 groups apart), languages and boards taken in turn, in random rows."""
    g = 5 if shifted else 0
    groups = RECALL_GROUPS + g
    rng = np.random.default_rng([seed, g])
    log = rng.integers(0, 10, (plan.recall_log, 5 * groups), dtype=np.uint8)
    rows = rng.permutation(plan.recall_log)[: 2 * plan.recall_pairs].reshape(-1, 2)
    places = [(lang, b) for lang in plan.langs for b in dc.boards(lang)]
    pairs = []
    boards: list[str] = []
    for k, (r1, r2) in enumerate(rows.tolist()):
        lang, board = places[k % len(places)]
        first, second = dc.corpora.windows(lang, cb.board(board), 5 * groups, rng, 2)
        key = rng.integers(0, 10, 5 * (groups + g), dtype=np.uint8)
        log[r1] = encipher(first.digits, key, dc.CONVENTION)
        log[r2] = encipher(second.digits, key[5 * g :], dc.CONVENTION)
        pairs.append(Flag(r1, r2, g) if g or r1 < r2 else Flag(r2, r1, 0))
        boards.append(board)
    return Planted(log, tuple(pairs), tuple(boards))


# ---------------------------------------------------------------- scale

SCALE_GROUPS = 50
SCALE_BOARD = "CT-55"


def _features_width(weights: Any, groups: int) -> int:
    """Columns of the screen's per-message feature matrix: one block of features per
    ``order``-digit window of the message."""
    return int((5 * groups - weights.order + 1) * weights.features)


def _bare_blas(messages: int, width: int, seed: int) -> Callable[[], object]:
    """A float32 product ``(N x W) @ (W x N)``: the screen's one product, bare."""
    a = np.random.default_rng(seed).standard_normal((messages, width), dtype=np.float32)
    return lambda: a @ a.T


def _screen_run(screen: Callable[..., Any], weights: Any, log: list[Digits]) -> Callable[[], Any]:
    return lambda: screen(log, weights, [0])


def scale_rows(plan: Plan, seed: int = 5) -> list[Comparison | Figure]:
    """The screen at scale (one run), and against bare BLAS (interleaved, median)."""
    mod = importlib.import_module("cinq.depth.screen")
    weights = mod.weights_for(cb.board(SCALE_BOARD))
    small = dc.random_log(plan.ratio_messages, SCALE_GROUPS, seed)
    width = _features_width(weights, SCALE_GROUPS)
    runs = interleave(
        timed(_screen_run(mod.screen, weights, small)),
        timed(_bare_blas(plan.ratio_messages, width, seed)),
        plan.scale_runs,
    )
    ratio = Comparison(
        f"screen throughput, {plan.ratio_messages:,} x {SCALE_GROUPS} groups aligned",
        f"depth.screen (board {SCALE_BOARD}, {weights.features} features)",
        f"bare float32 BLAS ({plan.ratio_messages:,} x {width:,}) @ its transpose",
        runs.subject,
        runs.baseline,
        inverse=True,
        notes=("ratio = the screen's throughput as a fraction of the bare product's",),
    )
    big = dc.random_log(plan.scale_messages, SCALE_GROUPS, seed + 1)
    got = bounded(timed(_screen_run(mod.screen, weights, big)), plan.budget)
    pairs = plan.scale_messages * (plan.scale_messages - 1) / 2
    wall = float("nan") if got.value is None else got.value.wall
    note = got.problem or f"one run; CPU {got.value.cpu:.0f} s; {pairs / wall:,.0f} pairs/s"
    total = Figure(
        f"screen {plan.scale_messages:,} x {SCALE_GROUPS} groups, aligned",
        wall,
        "s",
        Target(Goal.AT_MOST, 600.0) if plan.scale_messages >= 20_000 else None,
        note=note,
    )
    return [ratio, total]


def scale_section(plan: Plan) -> Section:
    title = "Depth scale: the pair screen against a bare BLAS product (cinq.depth.screen)"
    if _api("cinq.depth.screen", "screen") is None:
        return _not_built(title, "cinq.depth.screen.screen")
    rows: list[Comparison | Figure] = scale_rows(plan)
    notes: list[str] = []
    dask = dask_rows(plan)
    if dask is None:
        notes.append("Dask: not built yet (cinq.depth.find with a scheduler)")
    else:
        rows += dask
    return Section(title, tuple(rows), tuple(notes))


def dask_rows(plan: Plan, seed: int = 19) -> list[Figure] | None:
    """The same log (with hidden depths) found in-process and on a Dask LocalCluster of
    2 workers: the same report (depths, scores, copies)?"""
    find = _api("cinq.depth.find", "find")
    if find is None:
        return None
    log = planted_log(dataclasses.replace(plan, recall_log=plan.dask_messages), False, seed).log
    messages = [dc.as_groups(row) for row in log]
    ids = [str(i) for i in range(len(messages))]

    def run(**where: Any) -> Callable[[], tuple[Any, float]]:
        def work() -> tuple[Any, float]:
            start = time.perf_counter()
            report = find(messages, ids=ids, **where).to_json()
            return report, time.perf_counter() - start

        return work

    here = bounded(run(), plan.budget)
    there = bounded(run(scheduler="local", workers=2), plan.budget)
    if here.value is None or there.value is None:
        same, note = (
            float("nan"),
            f"in-process: {here.problem or 'ok'}; Dask: {there.problem or 'ok'}",
        )
    else:
        same = float(here.value[0] == there.value[0])
        note = (
            f"{len(here.value[0]['depths'])} depths; in-process {here.value[1]:.0f} s, "
            f"Dask {there.value[1]:.0f} s"
        )
    return [
        Figure(
            f"Dask (2 workers) = in-process, {plan.dask_messages:,} messages",
            same,
            "(1 = same)",
            Target(Goal.AT_LEAST, 1.0),
            note=note,
        )
    ]


# ---------------------------------------------------------------- finding


def _flags(report: Any) -> set[Flag]:
    """The depths of a ``find`` report on a log whose ids are row numbers, as flags."""
    out = set()
    for d in report.depths:
        a, b = (int(m) for m in d.messages)
        if d.offset.ahead is None or d.offset.groups == 0:
            out.add(Flag(min(a, b), max(a, b), 0))
        else:
            ahead = int(d.offset.ahead)
            out.add(Flag(ahead, b if ahead == a else a, d.offset.groups))
    return out


@dataclass(frozen=True)
class Bounded:
    """What a run in a child process with a time budget gave: its value, or why
    there is none (``problem``: it timed out, or raised)."""

    value: Any = None
    problem: str = ""


def _child(work: Callable[[], Any], conn: Any) -> None:
    try:
        conn.send(Bounded(work()))
    except Exception as e:  # reported by the parent as the section's finding
        conn.send(Bounded(problem=f"failed: {type(e).__name__}: {e}"))
    conn.close()


def bounded(work: Callable[[], Any], seconds: float) -> Bounded:
    """``work()`` in a forked child, given at most ``seconds``: a library part that is
    too slow yet shows up as a timed-out row instead of holding up the benchmark."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(work, send), daemon=True)
    child.start()
    send.close()
    got = receive.recv() if receive.poll(seconds) else None
    if child.is_alive():
        child.kill()  # only the child started here, by its own handle
    child.join()
    return got if got is not None else Bounded(problem=f"timed out after {seconds:.0f} s")


@dataclass(frozen=True)
class Found:
    """One log through ``find`` (None: no answer, see ``problem``) and through kappa."""

    flags: frozenset[Flag] | None
    kappa: frozenset[Flag]
    summary: str
    seconds: float
    problem: str = ""

    def count(self, wanted: set[Flag] | None = None, *, inside: bool = True) -> float:
        """Flags inside (or outside) ``wanted`` (all flags when None); NaN: no answer."""
        if self.flags is None:
            return float("nan")
        if wanted is None:
            return float(len(self.flags))
        return float(len(self.flags & wanted) if inside else len(self.flags - wanted))

    def note(self) -> str:
        return self.problem or f"{self.summary}; {self.seconds:.0f} s"


def _find_log(
    find: Callable[..., Any], log: NDArray[np.uint8], budget: float, **options: Any
) -> Found:
    """``find`` on ``log`` (ids: row numbers; ``options`` passed on) and kappa on it
    at +-5 groups."""
    messages = [dc.as_groups(row) for row in log]

    def work() -> tuple[frozenset[Flag], str, float]:
        start = time.perf_counter()
        report = find(messages, ids=[str(i) for i in range(len(messages))], **options)
        return frozenset(_flags(report)), report.summary(), time.perf_counter() - start

    got = bounded(work, budget)
    flags, summary, seconds = got.value if got.value is not None else (None, "", budget)
    return Found(flags, frozenset(kappa(log, 5)), summary, seconds, got.problem)


@dataclass(frozen=True)
class FullTest:
    """Recall of the full test alone: % of hidden pairs at or over ``limit`` nats."""

    recall: float
    limit: float


def full_test_recall(planted: Planted) -> FullTest:
    """The share of the hidden pairs whose full test (``PairModel.llr`` on their true
    difference stream, on their own board, first group enciphered) reaches the
    threshold ``find`` would use on this log with every built-in board at +-5 groups:
    the recall of the test itself, without the screen or the search, and a lower
    bound for it (more boards can only raise a pair's best score)."""
    find = importlib.import_module("cinq.depth.find")
    joint = importlib.import_module("cinq.depth.joint")
    tests = find.count_tests([planted.log.shape[1]] * len(planted.log), 5) * len(cb.BOARDS)
    limit = find.threshold(tests)
    stream = importlib.import_module("cinq.depth.stream")
    hits = 0
    for flag, board in zip(planted.pairs, planted.boards, strict=True):
        ahead = planted.log[flag.ahead][5 * flag.offset :]
        diff = stream.difference(ahead, planted.log[flag.behind])
        hits += joint.PairModel.for_board(cb.board(board)).llr(diff) >= limit
    return FullTest(100 * hits / len(planted.pairs), float(limit))


def recall_rows(find: Callable[..., Any], plan: Plan, seed: int) -> tuple[list[Figure], list[str]]:
    """Recall of the hidden pairs (aligned, and 5 groups apart), ``find`` against kappa."""
    rows: list[Figure] = []
    notes: list[str] = []
    for shifted in (False, True):
        planted = planted_log(plan, shifted, seed)
        found = _find_log(find, planted.log, plan.budget)
        truth = set(planted.pairs)
        how = "5 groups apart" if shifted else "aligned"
        n = len(truth)
        rows += [
            Figure(
                f"recall, {RECALL_GROUPS} groups in common, {how}",
                100 * found.count(truth) / n,
                "%",
                Target(Goal.AT_LEAST, 95.0),
                note=f"kappa: {100 * len(found.kappa & truth) / n:.0f} %; "
                f"{n} pairs in {plan.recall_log:,} messages",
            ),
            Figure(
                f"false depths beside them, {how}",
                found.count(truth, inside=False),
                "",
                Target(Goal.AT_MOST, 0),
                note=f"kappa: {len(found.kappa - truth)}",
            ),
        ]
        notes.append(f"{how}: {found.note()}")
        if _api("cinq.depth.joint", "PairModel") is not None:
            full = full_test_recall(planted)
            rows.append(
                Figure(
                    f"  the full test alone, {how}",
                    full.recall,
                    "%",
                    note=f"LLR >= {full.limit:.1f} nats on the pair's board; screen, search aside",
                )
            )
    return rows, notes


def alarm_rows(find: Callable[..., Any], plan: Plan, seed: int) -> tuple[list[Figure], list[str]]:
    """False depths on a log of random messages (independent keys), with the board
    given and aligned only (every board at +-5 groups is 77 times the work: the
    hidden-pair logs above are searched that way, and their false depths count too)."""
    log = np.stack(dc.random_log(plan.alarm_log, SCALE_GROUPS, seed))
    found = _find_log(find, log, plan.budget, boards=[cb.board(SCALE_BOARD)], offsets=0)
    row = Figure(
        f"false depths, {plan.alarm_log:,} random x {SCALE_GROUPS} groups",
        found.count(),
        "",
        Target(Goal.AT_MOST, 0),
        note=f"board {SCALE_BOARD} given, aligned; kappa aligned and +-5: {len(found.kappa)}",
    )
    return [row], [f"random log: {found.note()}"]


def find_section(plan: Plan, seed: int = 17) -> Section:
    title = "Depth finding: recall at 30 groups in common, false depths (cinq.depth.find)"
    find = _api("cinq.depth.find", "find")
    if find is None:
        return _not_built(title, "cinq.depth.find.find")
    rows, notes = recall_rows(find, plan, seed)
    more, more_notes = alarm_rows(find, plan, seed)
    notes += [
        *more_notes,
        "hidden pairs: every built-in board tried at +-5 groups; find's threshold corrected"
        " for all pairs, offsets, boards and first-group readings tried; kappa"
        " Bonferroni-corrected for the same pairs and offsets",
    ]
    return Section(title, (*rows, *more), tuple(notes))


SECTIONS = {"solve": solve_section, "find": find_section, "scale": scale_section}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the small sizes")
    ap.add_argument("--only", default="solve,find,scale", help="comma-separated sections")
    args = ap.parse_args()
    plan = QUICK if args.quick else FULL
    for name in args.only.split(","):
        print("\n".join(SECTIONS[name](plan).lines()), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
