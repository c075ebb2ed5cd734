"""benchmarks/receiver_bench.py: the scoring of a copy (silent and marked group errors,
violations of the exit-status rule), the channel conditions, the table, and a tiny run
of the bench's own loop so it cannot rot. No timing is asserted."""

from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq.radio.receive import Reception

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

groups_st = st.lists(st.text("0123456789", min_size=5, max_size=5), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def rb() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("receiver_bench")
    finally:
        sys.path.remove(str(BENCH))


def _reception(groups: list[str], *, count: int | None = None, unsure: bool = False) -> Reception:
    from cinq.radio.receive import Unsure

    marks = (Unsure(1, 1),) if unsure else ()
    return Reception("E11", tuple(groups), None, count, uncertain=marks)


@given(sent=groups_st)
def test_an_exact_copy_has_no_errors(rb: ModuleType, sent: list[str]) -> None:
    assert rb.errors(sent, sent) == rb.Errors()


@settings(max_examples=50)
@given(sent=groups_st, data=st.data())
def test_missed_groups_are_marked_errors_one_each(
    rb: ModuleType, sent: list[str], data: st.DataObject
) -> None:
    keep = data.draw(st.lists(st.booleans(), min_size=len(sent), max_size=len(sent)))
    got = [g for g, k in zip(sent, keep, strict=True) if k]
    assert rb.errors(sent, got) == rb.Errors(marked=len(sent) - len(got))


@settings(max_examples=50)
@given(sent=groups_st, data=st.data())
def test_invented_groups_are_counted_apart_one_each(
    rb: ModuleType, sent: list[str], data: st.DataObject
) -> None:
    where = data.draw(st.integers(0, len(sent)))
    extra = data.draw(st.text("0123456789", min_size=5, max_size=5))
    got = [*sent[:where], extra, *sent[where:]]
    assert rb.errors(sent, got) == rb.Errors(invented=1, invented_sure=1)
    assert rb.errors(sent, got).unseen == 1


@given(sent=groups_st, where=st.integers(0, 30))
def test_an_invented_group_of_question_marks_is_not_silent(
    rb: ModuleType, sent: list[str], where: int
) -> None:
    got = [*sent[:where], "?????", *sent[where:]]
    assert rb.errors(sent, got) == rb.Errors(invented=1)
    assert rb.errors(sent, got).unseen == 0
    assert rb.errors(sent, [*got, "??3??"]).unseen == 1


def test_a_group_is_silent_if_any_digit_is_wrong_and_unmarked(rb: ModuleType) -> None:
    sent = ["12345", "67890", "11111"]
    assert rb.errors(sent, ["12345", "6789?", "11111"]) == rb.Errors(marked=1)
    assert rb.errors(sent, ["12345", "6?891", "11111"]) == rb.Errors(silent=1)
    assert rb.errors(sent, ["12345", "67890", "11112"]) == rb.Errors(silent=1)
    # One group missed in the middle costs one error, not every group after it.
    assert rb.errors(sent, ["12345", "11111"]) == rb.Errors(marked=1)


def test_a_clean_wrong_copy_is_a_violation_and_a_marked_one_is_not(rb: ModuleType) -> None:
    sent = ["12345", "67890"]
    right = _reception(sent, count=2)
    wrong = _reception(["12345", "67891"], count=2)
    marked = _reception(["12345", "6789?"], count=2, unsure=True)
    short = _reception(["12345"], count=2)
    assert rb.Tally.of(sent, right, right).violations == 0
    assert rb.Tally.of(sent, right, wrong).violations == 1
    assert rb.Tally.of(sent, right, marked).violations == 0
    assert rb.Tally.of(sent, right, short) == rb.Tally(
        groups=2, first=rb.Errors(), voted=rb.Errors(marked=1), runs=1, clean=0, violations=0
    )
    both = rb.Tally.of(sent, wrong, wrong) + rb.Tally.of(sent, right, right)
    assert (both.groups, both.runs, both.clean, both.violations) == (4, 2, 2, 1)
    assert both.first == rb.Errors(silent=1) and both.rate(both.voted.silent) == 25.0


def test_table_rows_line_up_and_skipped_panels_say_why(rb: ModuleType) -> None:
    t = rb.Tally(200, rb.Errors(3, 10), rb.Errors(0, 2), 8, 6, 0)
    left = rb.Kind.LEFT_OUT
    cells = [rb.Cell("left out: mbrola (en, 3 voices)", c, left, t) for c in ("clean", "0 dB")]
    lines = rb.table(cells, [rb.Skipped("FSDD speakers", "not available: no FSDD voice installed")])
    assert len({len(line) for line in lines[2:4]}) == 1
    assert "   1.5%" in lines[2] and "  6/8  " in lines[2]
    assert lines[4].endswith("not available: no FSDD voice installed")
    figures = rb.target_figures([rb.Cell("x", rb.TARGET_CONDITION, left, t)])
    assert [f.value for f in figures] == [1.0, 0.0, 0]
    assert all(f.met for f in figures)


def test_targets_are_per_kind_of_panel_and_only_at_the_target_condition(rb: ModuleType) -> None:
    t = rb.Tally(200, rb.Errors(3, 10), rb.Errors(0, 2), 8, 6, 1)  # 1 % after the vote
    cells = [
        rb.Cell("a", rb.TARGET_CONDITION, rb.Kind.LEARNT, t),
        rb.Cell("b", "0 dB", rb.Kind.LEFT_OUT, t),
        rb.Cell("c", rb.TARGET_CONDITION, rb.Kind.OWN, t),
    ]
    figures = rb.target_figures(cells)
    assert [(f.value, f.met) for f in figures] == [(1.0, False), (0.0, True), (3, False)]
    assert "learnt voices" in figures[0].name


def test_the_plan_takes_sizes_from_the_command_line(rb: ModuleType) -> None:
    plan = rb.plan_of(rb.parse(["--quick", "--groups", "7", "--conditions", "clean,0 dB"]))
    assert (plan.groups, plan.conditions, plan.langs) == (7, ("clean", "0 dB"), ("en",))
    assert plan.messages == 1
    assert rb.plan_of(rb.parse([])) == rb.FULL
    assert rb.budget("en", rb.plan_of(rb.parse(["--train-budget", "300"]))) == 300.0
    # Without one, a left-out model gets the shipped model's budget for its language.
    assert rb.budget("en", rb.FULL) >= rb.budget("fr", rb.FULL) > 1000


def test_late_start_cuts_the_share_asked(rb: ModuleType) -> None:
    from cinq.radio import profiles, synth

    tx = synth.broadcast(["12345"], profiles.load("E11"))
    heard = rb.Condition("late", late=0.35).hear(tx, seed=1)
    assert len(heard) == len(tx.audio) - int(0.35 * len(tx.audio))


def test_a_tiny_run_of_the_bench_loop(rb: ModuleType) -> None:
    from cinq.radio import training, voices

    # A real recogniser, tiny: three espeak-ng voices, 8 s of reading each.
    few = [v for v in voices.voices("en") if v.engine == "espeak-ng"][:3]
    tiny = functools.partial(training.train, "en", few, seconds=8.0)
    panel = rb.Panel("tiny", "en", (few[0],), tiny, rb.Kind.LEFT_OUT)
    plan = rb.Plan(groups=2, message=2, langs=("en",), conditions=("clean",))
    cells = rb.panel_cells(panel, [rb._condition("clean")], plan)
    assert [(c.panel, c.condition, c.kind) for c in cells] == [("tiny", "clean", panel.kind)]
    t = cells[0].tally
    assert (t.groups, t.runs) == (2, 1)
    assert t.violations <= t.clean <= 1
    assert cells[0].to_json()["kind"] == "left out"


def test_the_memory_worker_reports_its_baseline(rb: ModuleType) -> None:
    try:
        out = rb._child(["--worker", "memory"], timeout=120)
    except rb.Unavailable as e:
        # Until a recogniser ships in the package the worker says so, by name.
        assert "shipped recogniser" in str(e)
        return
    assert out["peak_mb"] > 10


def test_a_cached_model_is_keyed_by_its_voices_and_budget(rb: ModuleType) -> None:
    a = rb._cache_path("en", ["x:1", "y:2"], 8000.0)
    assert a == rb._cache_path("en", ["y:2", "x:1"], 8000.0)  # order does not matter
    others = {
        rb._cache_path("en", ["x:1"], 8000.0),
        rb._cache_path("en", ["x:1", "y:2"], 400.0),
        rb._cache_path("de", ["x:1", "y:2"], 8000.0),
    }
    assert a not in others and len(others) == 3
    assert a.parent == rb.MODEL_CACHE and a.suffix == ".npz"


def test_help_prints(rb: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    # Condition names hold '%' ("+3% 10 dB"), which argparse's help formatting would read
    # as a format directive.
    with pytest.raises(SystemExit) as done:
        rb.parse(["--help"])
    assert done.value.code == 0 and "+3% 10 dB" in capsys.readouterr().out
