from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import digits as dg
from cinq.checkerboard import Board, DecodeError
from cinq.errors import BadInput, UnencodableText

ALL = [*cb.all_boards(), cb.keyed("SNOWFALL"), cb.keyed("", top="ET AON RIS")]


def board_text(b: Board) -> st.SearchStrategy[str]:
    """Random text over everything the board can write, escapes included."""
    tokens = sorted(b.characters)
    if b.has_code:
        tokens.append("{CODE}")
    tokens += ["{" + s + "}" for s in sorted(b.specials)]
    tok = st.sampled_from(tokens).flatmap(
        lambda t: st.from_regex(r"\A\{[0-9]{3}\}\Z") if t == "{CODE}" else st.just(t)
    )

    def alternate_parens(s: str) -> str:
        if not b.paren_toggle:
            return s
        out, opened = [], False
        for c in s:
            if c in "()":
                c = ")" if opened else "("
                opened = not opened
            out.append(c)
        return "".join(out)

    return st.lists(tok, max_size=60).map("".join).map(alternate_parens)


@pytest.mark.parametrize("b", ALL, ids=lambda b: b.name)
@given(data=st.data())
def test_encode_decode_is_exact(b: Board, data: st.DataObject) -> None:
    text = data.draw(board_text(b))
    encoded = b.encode(text)
    assert encoded.dtype == np.uint8
    assert b.decode(encoded) == text
    k = data.draw(st.integers(0, 4))
    padded = np.concatenate([encoded, dg.from_str(b.fill(k))])
    assert b.decode(padded, padded=True) == text


@pytest.mark.parametrize("b", ALL, ids=lambda b: b.name)
def test_fill_decodes_to_nothing(b: Board) -> None:
    for k in range(1, 5):
        assert b.decode(dg.from_str(b.fill(k)), padded=True) == ""
    # ... and an unfinished code is an error when no padding is expected.
    with pytest.raises(DecodeError):
        b.decode(dg.from_str(b.fill(1)))


def test_standard_table_figures_and_code_escape() -> None:
    b = cb.board("Standard Table No. 1")
    assert dg.spaced(b.encode("2017"), 100) == "9022200011177790"
    # ABORT = 123 in a codebook: "ABORT NOW" -> 0 123 99 4 5 86 (the published example)
    assert dg.to_str(b.encode("{123} NOW")) == "0123" + "99" + "4" + "5" + "86"
    assert b.decode(dg.from_str("0123994586")) == "{123} NOW"


def test_published_layouts() -> None:
    st1 = cb.board("STANDARD-TABLE-1").table()
    assert st1[0] == ("", ["CODE", "A", "E", "I", "N", "O", "T", "", "", ""])
    assert st1[3] == ("9", ["FIG", ".", ":", "'", "()", "+", "-", "=", "REQ", "SPC"])
    ct37 = cb.board("ct37").table()
    assert ct37[0][1][:7] == list("ESTONIA")
    assert ct37[2] == ("8", [*"PQRUVWXYZ", "FIG"])
    assert ct37[3] == ("9", ["SPC", ".", ",", "'", "?", "/", "+", "-", '"', "CODE"])
    assert dg.to_str(cb.board("CT-37").encode("ATTACK")) == "62267177"
    ct46 = cb.board("CT-46")
    assert dg.to_str(ct46.encode("R2")) == "602"
    ct55 = cb.board("CT-55")
    # figures doubled between L/F shifts; SPC serves both modes
    assert dg.to_str(ct55.encode("12 34")) == "89" + "1122" + "90" + "3344" + "89"
    assert dg.to_str(ct55.encode("OK?")) == "4" + "77" + "89" + "80" + "89"


def test_keyed_board_from_top_row_matches_at_one_sir() -> None:
    assert cb.keyed("", top="AT ONE SIR").table() == cb.board("AT-ONE-SIR").table()


def test_keyed_board_derives_blanks_from_the_key() -> None:
    assert cb.sequence("SNOWFALL", cb.LATIN) == [7, 5, 6, 8, 2, 1, 3, 4]
    rows = cb.keyed("SNOWFALL").table()
    assert [p for p, _ in rows] == ["", "5", "7"]
    assert rows[0][1][5] == "" and rows[0][1][7] == ""
    # the key's letters lead the mixed alphabet in the rows
    assert rows[1][1][:3] == ["W", "F", "L"]


def test_cyrillic_keyed_board_round_trips() -> None:
    b = cb.keyed("СНЕГОПАД", alphabet=cb.CYRILLIC)
    text = "ВСТРЕЧА В 12, У МОСТА."
    assert b.decode(b.encode(text)) == text


def test_parentheses_on_a_single_cell_must_alternate() -> None:
    b = cb.board("STANDARD-TABLE-1")
    with pytest.raises(UnencodableText) as e:
        b.encode("A (B (C))")
    assert e.value.location is not None and e.value.location.column == 6
    with pytest.raises(UnencodableText):
        b.encode("A) B")


def test_unencodable_character_is_named_with_its_position() -> None:
    with pytest.raises(UnencodableText) as e:
        cb.board("CT-37").encode("AB C!D")
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (1, 5, "!")
    assert "'!'" in str(e.value)


def test_code_escape_needs_a_code_cell() -> None:
    with pytest.raises(UnencodableText, match="no CODE cell"):
        cb.board("AT-ONE-SIR").encode("{123}")


def test_decode_errors_give_the_digit_position() -> None:
    with pytest.raises(DecodeError) as e:
        cb.board("CT-55").decode(dg.from_str("0199"))  # 99 is a blank cell
    assert e.value.index == 2
    with pytest.raises(DecodeError, match="figures"):
        cb.board("STANDARD-TABLE-1").decode(dg.from_str("90123"))  # not tripled


def test_unknown_board_lists_the_known_ones() -> None:
    with pytest.raises(BadInput, match="CT-37"):
        cb.board("CT-99")
