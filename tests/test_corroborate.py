"""A known voice's copy corroborated by its own digit templates (cinq.radio.corroborate)."""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet

from hypothesis import given
from hypothesis import strategies as st

from cinq.radio.corroborate import MIN_SUPPORT, corroborate
from cinq.radio.reception import Reception, reception

GROUPS = 25  # 125 figures: more than MIN_SUPPORT

figures = st.text("0123456789", min_size=5 * GROUPS, max_size=5 * GROUPS)
holes = st.sets(st.integers(0, 5 * GROUPS - 1), max_size=5 * GROUPS - MIN_SUPPORT)


def _copy(
    text: str, unsure: AbstractSet[int] = frozenset(), count: int | None = GROUPS
) -> Reception:
    marked = "".join("?" if i in unsure else c for i, c in enumerate(text))
    groups = [marked[i : i + 5] for i in range(0, len(marked), 5)]
    return reception("E11", groups, "176", count)


@given(figures, holes)
def test_agreeing_templates_fill_every_unsure_figure_and_nothing_else(
    truth: str, unsure: set[int]
) -> None:
    copy = _copy(truth, unsure)
    got = corroborate(copy, _copy(truth))
    assert got.support == 5 * GROUPS - len(unsure) >= MIN_SUPPORT
    assert got.filled == len(unsure)
    assert "".join(got.copy.groups) == truth
    assert got.copy.clean == (True if unsure else copy.clean)
    assert (unsure and "filled from the voice's own digit templates" in got.copy.notes[-1]) or (
        not unsure and got.copy == copy
    )


@given(figures, holes, st.data())
def test_one_disagreeing_sure_figure_and_the_templates_fill_nothing(
    truth: str, unsure: set[int], data: st.DataObject
) -> None:
    sure = sorted(set(range(5 * GROUPS)) - unsure)
    wrong_at = data.draw(st.sampled_from(sure))
    other = str((int(truth[wrong_at]) + data.draw(st.integers(1, 9))) % 10)
    templates = _copy(truth[:wrong_at] + other + truth[wrong_at + 1 :])
    copy = _copy(truth, unsure)
    got = corroborate(copy, templates)
    assert got.copy == copy and got.support == 0 and got.filled == 0


@given(figures, st.sets(st.integers(0, 5 * GROUPS - 1), min_size=5 * GROUPS - MIN_SUPPORT + 1))
def test_too_few_sure_figures_to_vouch_for_the_templates(truth: str, unsure: set[int]) -> None:
    copy = _copy(truth, unsure)
    got = corroborate(copy, _copy(truth))
    assert got.copy == copy and got.filled == 0 and got.support < MIN_SUPPORT


def test_another_layout_is_no_corroboration() -> None:
    truth = "0123456789" * (GROUPS // 2) + "01234"
    copy = _copy(truth, {0, 7})
    shorter = reception("E11", _copy(truth).groups[:-1], "176", GROUPS)
    other_id = Reception("E11", _copy(truth).groups, "177", GROUPS)
    other_count = _copy(truth, count=GROUPS + 1)
    no_count = _copy(truth, {0, 7}, count=None)
    for templates in (shorter, other_id, other_count):
        assert corroborate(copy, templates).copy == copy
    # Without a count read, the layout is not vouched for: nothing is filled.
    assert corroborate(no_count, _copy(truth, count=None)).copy == no_count


def test_unsure_templates_leave_the_figure_unsure() -> None:
    truth = "0123456789" * (GROUPS // 2) + "01234"
    got = corroborate(_copy(truth, {3, 40}), _copy(truth, {40}))
    assert got.filled == 1 and got.copy.groups[8][0] == "?" and got.copy.groups[0][3] == "3"
    assert [tuple(u) for u in got.copy.uncertain] == [(9, 1)]
    assert json.loads(json.dumps(got.to_json())) == {"support": 123, "filled": 1, "clean": False}
