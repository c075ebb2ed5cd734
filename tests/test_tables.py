"""The built-in tables are data: every board read back from boards.toml, cell by cell;
names, aliases, descriptions and sources as published; keyed boards and their header."""

from __future__ import annotations

import string
import subprocess
import sys
import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq.checkerboard import tables
from cinq.errors import BadInput

DATA: dict[str, Any] = tomllib.loads(tables.DATA.read_text(encoding="utf-8"))
NAMES = ["STANDARD-TABLE-1", "CT-37", "CT-46", "CT-55", "AT-ONE-SIR", "RU-1", "ES-1"]
RIJMENANTS = "D. Rijmenants, Cipher Machines and Cryptology; as reproduced in padgen"


def expected_cell(spec: str, mode: int) -> cb.Cell | None:
    """What a cell of the data should be on the board, read by the test's own rules."""
    if not spec:
        return None
    named = DATA["cells"].get(spec)
    if named is None:
        assert len(spec) == 1, spec
        return cb.Cell(cb.Kind.CHAR, spec, "SPC" if spec == " " else spec)
    kind = cb.Kind[named["kind"].upper()]
    target = (1 if mode == 0 else 0) if kind is cb.Kind.SHIFT else 0
    return cb.Cell(kind, named.get("text", ""), named.get("label", ""), target)


def expected_codes(table: dict[str, Any], mode: int) -> dict[str, cb.Cell]:
    codes: dict[str, cb.Cell] = {}
    if table.get("doubled"):
        codes |= {d * 2: cb.char(d) for d in string.digits}
    for prefix, row in table.items():
        if prefix == "doubled":
            continue
        assert len(row) == 10, (prefix, row)
        for col, spec in enumerate(row):
            cell = expected_cell(spec, mode)
            if cell is not None:
                codes[("" if prefix == "top" else prefix) + str(col)] = cell
    return codes


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_comes_from_the_data(name: str) -> None:
    entry = DATA["board"][name]
    board = cb.board(name)
    assert board.name == name and board.fill_pattern == entry["fill"]
    assert dict(board.modes[0].codes) == expected_codes(entry["letters"], 0)
    if entry.get("figures") == "tripled":
        fig = next(c for c, cell in board.modes[0].codes.items() if cell.kind is cb.Kind.SHIFT)
        figures = {d * 3: cb.char(d) for d in string.digits}
        figures[fig] = cb.Cell(cb.Kind.SHIFT, label=board.modes[0].codes[fig].label, target=0)
        assert dict(board.modes[1].codes) == figures
    elif "figures" in entry:
        assert dict(board.modes[1].codes) == expected_codes(entry["figures"], 1)
    else:
        assert len(board.modes) == 1


@pytest.mark.parametrize("name", NAMES)
def test_the_card_is_the_data(name: str) -> None:
    """The card's letter rows are the data's rows, in the data's order."""
    entry = DATA["board"][name]["letters"]
    rows = [(label, list(cells)) for label, cells in cb.board(name).table()]
    want = []
    for key, row in entry.items():
        cells = [expected_cell(spec, 0) for spec in row]
        want.append(("" if key == "top" else key, [c.display if c else "" for c in cells]))
    assert rows[: len(want)] == want


def test_names_aliases_descriptions_and_sources() -> None:
    assert list(cb.BOARDS) == NAMES == [b.name for b in cb.all_boards()]
    assert [b.source for b in cb.all_boards()] == [RIJMENANTS] * 4 + [
        "Kahn, The Codebreakers; D. Rijmenants; Wikipedia 'VIC cipher'",
        "cinq (letter frequencies of Russian text)",
        "cinq (letter frequencies of Spanish text)",
    ]
    assert cb.board("CT-37").description == "CT-37: ESTONIA on single digits, FIG 89, CODE 99."
    assert cb.board("ES").description == (
        "cinq's Spanish board: CODE 0, E A O S R N single digits, Ñ at 87."
    )
    assert cb.board("vic").description.startswith("The VIC-style board: AT ONE SIR")
    aliases = {
        "STANDARD": "STANDARD-TABLE-1", "standard table no 1": "STANDARD-TABLE-1",
        "st1": "STANDARD-TABLE-1", "ct37": "CT-37", "CT 46": "CT-46", "ct_55": "CT-55",
        "AT ONE SIR": "AT-ONE-SIR", "vic": "AT-ONE-SIR", "ru": "RU-1", "ES": "ES-1",
    }  # fmt: skip
    assert {alias: cb.board(alias).name for alias in aliases} == aliases
    constants = [cb.STANDARD_TABLE_1, cb.CT_37, cb.CT_46, cb.CT_55, cb.AT_ONE_SIR, cb.RU_1, cb.ES_1]
    assert constants == cb.all_boards()
    with pytest.raises(BadInput, match="unknown board 'CT-99'; built-in boards: STANDARD-TABLE-1"):
        cb.board("CT-99")
    with pytest.raises(AttributeError, match="CT_99"):
        cb.CT_99  # noqa: B018


def test_the_tables_are_read_on_first_use() -> None:
    """Importing the engine reads no table: a command that needs no board pays nothing."""
    code = (
        "import cinq.checkerboard as cb\n"
        "before = cb.tables._tables.cache_info().currsize\n"
        "cb.board('CT-55')\n"
        "print(before, cb.tables._tables.cache_info().currsize)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "1"]


def test_vic_layout_is_data() -> None:
    lay = tables.layout("HAYHANEN")
    assert lay.blanks == (7, 8, 9) and lay.down
    signs = {(r, c): cell for r, row in enumerate(lay.below) for c, cell in enumerate(row) if cell}
    assert {rc: cell.display for rc, cell in signs.items()} == {
        (0, 2): ".", (1, 2): ",", (2, 2): "П/Л", (0, 4): "№", (1, 4): "Н/Ц", (2, 4): "Н/Т",
        (2, 9): "ПВТ",
    }  # fmt: skip
    assert signs[(1, 4)].kind is cb.Kind.SHIFT
    # ПВТ is the same procedure sign as CT-55's RPT: one cell, two labels.
    rpt = cb.board("CT-55").modes[0].codes["92"]
    assert (signs[(2, 9)].kind, signs[(2, 9)].text) == (rpt.kind, rpt.text)


# -- keyed boards and the header ------------------------------------------------------------

HEADERS = st.permutations(range(10))
KEYS = st.text(st.sampled_from(string.ascii_uppercase), min_size=2, max_size=12)


def relabelled(board: cb.Board, header: list[int]) -> dict[str, cb.Cell]:
    """The letters mode with every digit d of every code written header[d] instead."""
    return {
        "".join(str(header[int(d)]) for d in code): cell
        for code, cell in board.modes[0].codes.items()
    }


def test_keyed_at_one_sir_is_the_built_in_board() -> None:
    assert cb.keyed("", top="AT ONE SIR").modes == cb.AT_ONE_SIR.modes
    assert cb.keyed("", top="at one sir", header=list(range(10))).modes == cb.AT_ONE_SIR.modes


@given(key=KEYS, header=HEADERS)
def test_a_header_relabels_the_columns(key: str, header: list[int]) -> None:
    plain = cb.keyed(key)
    under = cb.keyed(key, header=header)
    assert dict(under.modes[0].codes) == relabelled(plain, header)
    # Figures are written as they are: only the figure shift's code moves.
    fig = next(c for c, cell in under.modes[0].codes.items() if cell.kind is cb.Kind.SHIFT)
    assert under.fill_pattern == fig * 2 and fig in under.modes[1].codes
    assert {c for c in under.modes[1].codes if len(c) == 3} == {d * 3 for d in string.digits}


@given(key=KEYS, header=HEADERS, text=st.text(st.sampled_from("ABCXYZ. 0123456789")))
def test_keyed_boards_under_a_header_round_trip(key: str, header: list[int], text: str) -> None:
    board = cb.keyed(key, header=header)
    text = text.replace(" ", "")  # a Latin keyed board has no space cell
    assert board.decode(board.encode(text)) == text


def test_the_figure_shift_never_takes_two_equal_digits() -> None:
    # Blank columns 1 and 9: FIG would land on 99, the start of a tripled 9 (this was an
    # internal error); it changes places with the '.' before it.
    board = cb.keyed("ABAAAAAAA")
    letters = board.modes[0].codes
    assert letters["98"].kind is cb.Kind.SHIFT and letters["99"] == cb.char(".")
    assert board.decode(board.encode("A.9.")) == "A.9."


@given(
    key=st.one_of(
        st.text(st.sampled_from(cb.LATIN + " 1"), max_size=14),
        st.text(st.sampled_from(cb.CYRILLIC + " 1"), max_size=14),
    ),
    header=st.none() | HEADERS,
)
def test_every_key_gives_a_board_or_a_clear_error(key: str, header: list[int] | None) -> None:
    alphabet = cb.CYRILLIC if any(c in cb.CYRILLIC for c in key) else cb.LATIN
    try:
        board = cb.keyed(key, alphabet=alphabet, header=header)
    except BadInput as e:
        assert "needs at least" in str(e)
        return
    fig = next(c for c, cell in board.modes[0].codes.items() if cell.kind is cb.Kind.SHIFT)
    assert fig[0] != fig[1]
    sample = "".join(sorted(board.characters))
    assert board.decode(board.encode(sample)) == sample


def test_bad_headers_and_layouts() -> None:
    with pytest.raises(BadInput, match="each digit 0-9 once"):
        cb.keyed("SNOWFALL", header=[0] * 10)
    with pytest.raises(BadInput, match="a top row has 10 cells"):
        tables.grid(["A"], [], name="X", description="", source="")
    with pytest.raises(BadInput, match="do not fit"):
        tables.grid(["A", None, *"BCDEFGHI"], [*"JKLMNOPQRSTUVWXYZ"] * 2, name="X",
                    description="", source="")  # fmt: skip
