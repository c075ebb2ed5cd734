"""The vectorised engine against the one-code-at-a-time reference, on every board.

Same digits, same text, same errors (type, wording, place) for every built-in board,
keyed boards and texts of every language, and for random digits with and without
``padded`` and ``replace``. Decoding is also run with small blocks, so that the block
walk (which long texts take) is tried on short ones, including blocks whose readings
never agree.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import digits as dg
from cinq import language as lg
from cinq.checkerboard import Board, engine, reference
from cinq.errors import CinqError
from cinq.language import Policy

BOARDS = [
    *cb.all_boards(),
    cb.keyed("SNOWFALL"),
    cb.keyed("", top="ET AON RIS"),
    cb.keyed("СНЕГОПАД", alphabet=cb.CYRILLIC),
]
IDS = [b.name for b in BOARDS]
FEW = settings(max_examples=25, deadline=None)

# What people type: both cases, accents, typographic marks, and what no board has.
TYPED = {
    "en": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:'?!-()/+=‘’\n",
    "fr": "abcdeéèêàâçœÉÈÀÇŒ0123456789 .,:'?!’-()«»",
    "de": "abcdeäöüßÄÖÜẞ0123456789 .,:'?!-()",
    "es": "abcdeñÑáéíóúü¿¡0123456789 .,:'?!-",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЁЖЯ0123456789 .,:?!-()«»",
}


def outcome(f: Callable[[], object]) -> object:
    """What a call gives: its value (digits as a list), or its error's type, wording
    and place."""
    try:
        value = f()
    except CinqError as e:
        return (type(e).__name__, str(e), getattr(e, "index", None), e.location)
    return value.tolist() if isinstance(value, np.ndarray) else value


def small_plans(b: Board) -> list[engine.Plan]:
    """Blocks as small as the engine allows, with one-code windows: many blocks, and
    many whose readings do not agree."""
    c = b._compiled
    least = 4 * c.longest + 1
    return [engine.Plan(least, 2 * c.longest, 1), engine.Plan(6 * c.longest + 7, 3 * c.longest, 2)]


def board_text(b: Board) -> st.SearchStrategy[str]:
    """Texts over what the board writes, CODE escapes, signs, and a few strangers."""
    tokens = [*sorted(b.characters), "{123}", "{007}", "{RPT}", "{XYZ}", "{", "}", "!", "é", "\n"]
    return st.lists(st.sampled_from(tokens), max_size=40).map("".join)


def digit_runs() -> st.SearchStrategy[str]:
    return st.text(st.sampled_from("0123456789"), min_size=1, max_size=90)


def agree_on_decode(b: Board, digits: dg.Digits) -> None:
    for kw in ({}, {"padded": True}, {"replace": "?"}, {"replace": ""}, {"replace": "<>"}):
        expected = outcome(lambda kw=kw: reference.decode(b, digits, **kw))
        assert outcome(lambda kw=kw: b.decode(digits, **kw)) == expected
        for plan in small_plans(b):
            got = outcome(lambda kw=kw, p=plan: engine.decode(b._compiled, digits, plan=p, **kw))
            assert got == expected, plan


@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@FEW
@given(data=st.data())
def test_encode_agrees_with_the_reference(b: Board, data: st.DataObject) -> None:
    text = data.draw(board_text(b))
    assert outcome(lambda: b.encode(text)) == outcome(lambda: reference.encode(b, text))


@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@FEW
@given(data=st.data())
def test_decode_of_an_encoded_text_agrees_with_the_reference(b: Board, data: st.DataObject) -> None:
    text = data.draw(board_text(b))
    try:
        digits = reference.encode(b, text)
    except CinqError:
        return
    fill = dg.from_str(b.fill(data.draw(st.integers(0, 4))))
    agree_on_decode(b, np.concatenate([digits, fill]))


@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@FEW
@given(run=digit_runs())
def test_decode_of_random_digits_agrees_with_the_reference(b: Board, run: str) -> None:
    agree_on_decode(b, dg.from_str(run))


@pytest.mark.parametrize("code", sorted(TYPED))
@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_every_language_agrees_on_every_board(code: str, b: Board, data: st.DataObject) -> None:
    typed = data.draw(st.text(st.sampled_from(TYPED[code]), max_size=60))
    assert outcome(lambda: b.encode(typed)) == outcome(lambda: reference.encode(b, typed))
    try:
        text = lg.prepare(typed, b, code, Policy.FOLD | Policy.DROP).text
    except CinqError:
        return
    digits = outcome(lambda: b.encode(text))
    assert digits == outcome(lambda: reference.encode(b, text))
    if isinstance(digits, list) and digits:
        agree_on_decode(b, np.array(digits, dtype=np.uint8))


@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_decode_partial_with_every_digit_known_is_decode(b: Board, data: st.DataObject) -> None:
    run = dg.from_str(data.draw(digit_runs()))
    expected = outcome(lambda: reference.decode(b, run, padded=True))
    got = outcome(lambda: cb.decode_partial(b, run, [True] * len(run)))
    if isinstance(expected, str):
        assert got == expected
    else:
        assert isinstance(got, tuple) and got[0] == "DecodeError"


@pytest.mark.parametrize("b", BOARDS, ids=IDS)
@FEW
@given(data=st.data())
def test_runs_held_by_every_mode_keep_the_mode_before_them(b: Board, data: st.DataObject) -> None:
    """Runs of characters every mode holds, from none to longer than the encoder's
    short-run fill takes (it then falls back to a running maximum), at the start and
    between characters that force a mode."""
    force = b._compiled.force
    held = sorted(ch for ch in b.characters if len(ch) == 1 and ord(ch) < len(force))
    shared = [ch for ch in held if force[ord(ch)] == -1]
    forcing = [ch for ch in held if force[ord(ch)] >= 0]
    if not shared or not forcing:
        return
    run = st.text(alphabet=shared, max_size=20)
    parts = data.draw(st.lists(st.tuples(st.sampled_from(forcing), run), max_size=8))
    text = data.draw(run) + "".join(ch + gap for ch, gap in parts)
    assert outcome(lambda: b.encode(text)) == outcome(lambda: reference.encode(b, text))


def test_a_long_text_takes_the_block_walk_and_agrees() -> None:
    """Past the engine's small-input limit the default plan is the block walk."""
    b = cb.board("CT-55")
    text = "MEET AT 12:30 (PIER 4), BRING {123}. RPT {RPT} 7 " * 200
    digits = b.encode(text)
    assert len(digits) > 4096 and engine.default_plan(b._compiled, len(digits)) is not None
    assert digits.tolist() == reference.encode(b, text).tolist()
    assert b.decode(digits) == text == reference.decode(b, digits)
    broken = digits.copy()
    broken[3000:3002] = [9, 9]  # 99: no cell in either mode of CT-55
    assert outcome(lambda: b.decode(broken)) == outcome(lambda: reference.decode(b, broken))
    assert b.decode(broken, replace="#") == reference.decode(b, broken, replace="#")


def test_the_reference_is_not_loaded_by_the_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, cinq, cinq.checkerboard as cb; "
        "cb.board('CT-37').decode(cb.board('CT-37').encode('A 1')); "
        "print('cinq.checkerboard.reference' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
