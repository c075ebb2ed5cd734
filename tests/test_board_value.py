"""The board as a value: immutable, equal and hashable by content, serialised by itself;
and texts as typed tokens."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cinq import checkerboard as cb
from cinq.checkerboard import Board, Codes, Mode, Token, TokenKind, tokenize


def test_boards_are_equal_and_hash_alike_by_content() -> None:
    a, b = cb.keyed("SNOWFALL"), cb.keyed("SNOWFALL")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    a.encode("SNOW.12")  # compiling the tables changes nothing of the value
    assert a == b and hash(a) == hash(b)
    assert cb.keyed("SNOWFALL") != cb.keyed("AVALANCHE")
    assert len(set(cb.all_boards())) == len(cb.all_boards())


def test_a_board_and_its_modes_cannot_be_changed() -> None:
    b = cb.board("CT-37")
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.name = "X"  # type: ignore[misc]
    assert isinstance(b.modes, tuple) and isinstance(b.modes[0].codes, Codes)
    with pytest.raises(TypeError):
        b.modes[0].codes["00"] = cb.char("Q")  # type: ignore[index]


def test_modes_built_from_any_mapping_compare_by_content() -> None:
    codes = {"1": cb.char("A"), "2": cb.char("B")}
    assert Mode("m", codes) == Mode("m", dict(reversed(codes.items())))
    assert hash(Mode("m", codes)) == hash(Mode("m", Codes(codes)))
    board = Board("TINY", (Mode("letters", {**codes, "00": cb.CODE}),), fill_pattern="000")
    assert board.decode(board.encode("AB{042}"), padded=True) == "AB{042}"


def test_to_json_holds_every_code_and_reads_back_as_the_same_board() -> None:
    for b in [*cb.all_boards(), cb.keyed("SNOWFALL")]:
        data = json.loads(json.dumps(b.to_json(), ensure_ascii=False))
        assert (data["name"], data["fill"]) == (b.name, b.fill_pattern)
        assert [m["name"] for m in data["modes"]] == [m.name for m in b.modes]
        for mode, m in zip(b.modes, data["modes"], strict=True):
            assert {c["code"] for c in m["codes"]} == set(mode.codes)
            for c in m["codes"]:
                cell = mode.codes[c["code"]]
                assert c["kind"] == cell.kind.value and c["label"] == cell.display
        assert data["rows"][0]["cells"] == b.table()[0][1]
    st1 = cb.board("STANDARD-TABLE-1").to_json()
    fig = next(c for c in st1["modes"][0]["codes"] if c["code"] == "90")
    assert fig == {"code": "90", "kind": "shift", "label": "FIG", "to": "figures"}


def test_tokens_are_typed_and_keep_their_text_forms() -> None:
    toks = list(tokenize("A{123} {RPT}{x}{1234}"))
    assert [t.kind for t in toks[:4]] == [
        TokenKind.CHAR,
        TokenKind.CODE,
        TokenKind.CHAR,
        TokenKind.SIGN,
    ]
    assert toks[1] == Token(TokenKind.CODE, "123", 1)
    assert toks[3].text == "RPT" and toks[3].offset == 7
    assert "".join(t.written for t in toks) == "A{123} {RPT}{x}{1234}"
    assert all(t.kind is TokenKind.CHAR for t in toks[4:])  # not escapes: characters
    with pytest.raises(ValueError):
        Token(TokenKind.CODE, "12")
