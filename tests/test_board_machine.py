"""The board as a finite-state machine: walking it over digits is decoding them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import digits as dg
from cinq.checkerboard import Board, DecodeError, State, TokenKind

BOARDS = [*cb.all_boards(), cb.keyed("SNOWFALL")]
IDS = [b.name for b in BOARDS]


def texts(b: Board) -> st.SearchStrategy[str]:
    tokens = sorted(b.characters - {"(", ")"})
    tokens += ["{123}"] if b.has_code else []
    tokens += ["{" + s + "}" for s in sorted(b.specials)]
    tokens += ["()"] if "(" in b.characters else []
    return st.lists(st.sampled_from(tokens), max_size=40).map("".join)


@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_walking_the_machine_over_an_encoded_text_is_decode(b: Board, data: st.DataObject) -> None:
    text = data.draw(texts(b))
    digits = b.encode(text)
    assert b.machine().walk(digits) == b.decode(digits) == text
    padded = [*digits.tolist(), *map(int, b.fill(data.draw(st.integers(1, 4))))]
    assert b.machine().walk(padded, padded=True) == text


@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@settings(max_examples=30, deadline=None)
@given(run=st.text(st.sampled_from("0123456789"), min_size=1, max_size=40))
def test_the_machine_fails_where_decode_fails(b: Board, run: str) -> None:
    digits = dg.from_str(run)
    try:
        expected: object = b.decode(digits)
    except DecodeError as e:
        expected = (e.message, e.index)
    try:
        got: object = b.machine().walk(digits)
    except DecodeError as e:
        got = (e.message, e.index)
    assert got == expected


def test_every_state_steps_on_every_digit_to_a_state_of_the_machine() -> None:
    b = cb.board("STANDARD-TABLE-1")
    m = b.machine()
    states = set(m.states())
    assert m.start in states and len(states) == len(m.states())
    for state in states:
        for digit in range(10):
            t = m.step(state, digit)
            assert t is None or t.state in states


def test_steps_on_standard_table_1() -> None:
    m = cb.board("STANDARD-TABLE-1").machine()
    t = m.step(m.start, 7)  # a row prefix: nothing yet
    assert t is not None and t.emitted is None and t.state == State(0, "7")
    t = m.step(t.state, 0)  # 70 = B
    assert t is not None and t.emitted is not None and t.emitted.written == "B"
    assert t.state.at_rest
    t = m.step(m.start, 0)  # the CODE cell: three digits follow
    assert t is not None and t.state.escape == ""
    for d in (1, 2):
        t = m.step(t.state, d)
        assert t is not None and t.emitted is None
    t = m.step(t.state, 3)
    assert t is not None and t.emitted is not None
    assert t.emitted.kind is TokenKind.CODE and t.emitted.written == "{123}"
    fig = m.step(State(0, "9"), 0)  # FIG: to figures, nothing written
    assert fig is not None and fig.emitted is None and fig.state.mode == 1
    assert m.step(fig.state, 1) is not None
    assert m.step(State(1, "1"), 2) is None  # 12 is not a tripled figure


def test_parentheses_alternate_in_the_state() -> None:
    m = cb.board("STANDARD-TABLE-1").machine()
    first = m.step(State(0, "9"), 4)
    assert first is not None and first.emitted is not None and first.emitted.text == "("
    second = m.step(State(0, "9", None, first.state.paren_open), 4)
    assert second is not None and second.emitted is not None and second.emitted.text == ")"
