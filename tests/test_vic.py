"""The VIC cipher against the published worked examples, Häyhänen's own message, and
round trips in both languages."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import digits as dg
from cinq import vic
from cinq.errors import BadInput
from cinq.vic.board import (
    START,
    Lang,
    VicBoard,
    engine_text,
    english,
    from_digits,
    russian,
    to_digits,
    tokenize,
)
from cinq.vic.keys import RUSSIAN
from tests.fixtures import HERE

SAVARD = {"date": "741776", "phrase": "I dream of Jeannie with t", "personal": 8}
SAVARD_TEXT = (
    "WE ARE PLEASED TO HEAR OF YOUR SUCCESS IN ESTABLISHING YOUR FALSE IDENTITY YOU WILL "
    "BE SENT SOME MONEY TO COVER EXPENSES WITHIN A MONTH"
)
SAVARD_MESSAGE = (
    "36178 05428 99592 53507 01440 00113 42004 74684 58426 75048 42503 10084 69181 77284 "
    "83603 47503 50076 68483 88242 42838 90960 35071 37586 89914 05000 77651 80429 00873 "
    "78601 44725 44860"
)
SAVARD_GROUPS = SAVARD_MESSAGE.split()
KAHN = {"date": "3.9.1945", "phrase": "ТОЛЬКО СЛЫШНО НА УЛИЦЕ Г", "personal": 13}


def line(digits: list[int]) -> str:
    return "".join(map(str, digits))


def fixture(name: str) -> str:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


# -- John Savard's English example --------------------------------------------------


def test_savard_key_lines() -> None:
    k = vic.derive("741776", "I dream of Jeannie with t", 8, "77651")
    assert line(k.C) == "03584"
    assert (line(k.E1), line(k.E2)) == ("6203189574", "1674205839")
    assert line(k.F1) == "0358438327" and line(k.G) == "6551517891"
    assert line(k.H) == "0221215831" and line(k.J) == "0451628973"
    assert [line(row) for row in k.block] == [
        row for row in ("2433363143", "6766994579", "3325839262", "6573121888", "1204339669")
    ]
    assert (len(k.Q), len(k.R)) == (14, 17)
    assert line(k.Q) == "36534693233928" and line(k.R) == "94735236270398134"
    assert line(k.S) == "1205348679"


def test_savard_message_end_to_end() -> None:
    w = vic.encrypt(SAVARD_TEXT, keygroup="77651", **SAVARD)
    assert len(w.plain) == 150 and w.nulls == 1 and w.plain.endswith("9")  # one null R
    assert w.groups == SAVARD_GROUPS
    assert w.groups.index("77651") == len(w.groups) - 6  # sixth from the end: date's 6
    back = vic.decrypt(SAVARD_GROUPS, **SAVARD)
    assert back.text == SAVARD_TEXT.replace(" ", "") + "R"
    assert back.plain == w.plain and back.first == w.first


def test_savard_working_reads_like_his_tables() -> None:
    page = vic.explain(vic.encrypt(SAVARD_TEXT, keygroup="77651", **SAVARD))
    # The first table's key, its column numbers, and its first two rows.
    assert "    3  6  5  3  4  6  9  3  2  3  3  9  2  8\n" in page
    assert "    3 10  9  4  8 11 13  5  1  6  7 14  2 12\n" in page
    assert "     8  3  4  1  9  4  8  1  0  7  4  1  6  4\n     0  0  2  5  0" in page
    # The disrupted table's first row: its first triangle starts in column 15.
    assert "\n     0   9   2   0   0   2   7   4   5   3   4   6   8   6  [3] [0] [8]\n" in page
    assert "  1  2  0  5  3  4  8  6  7  9\n     A  T     O  N  E     S  I  R\n" in page
    assert " 0   B  C  D  F  G  H  J  K  L  M\n 8   P  Q  U  V  W  X  Y  Z  .  /\n" in page
    assert "widths 14 and 17: the personal number plus 6 and 9" in page
    assert "KEYGROUP 77651: inserted as group 6 from the end" in page
    assert page.split("MESSAGE  ")[1].split() == SAVARD_GROUPS


# -- Wikipedia's example (keygroup 72401) ---------------------------------------------


def test_wikipedia_key_lines() -> None:
    k = vic.derive("139195", "Twas the night before Christmas", 6, "72401")
    assert (line(k.A), line(k.B), line(k.C)) == ("72401", "13919", "69592")
    assert k.D == ("TWASTHENIG", "HTBEFORECH")
    assert (line(k.E1), line(k.E2)) == ("8017942653", "6013589427")
    assert (line(k.F1), line(k.F2)) == ("6959254417", "1234567890")
    assert (line(k.G), line(k.H), line(k.J)) == ("4966196060", "3288628787", "3178429506")
    assert [line(row) for row in k.block] == [
        "5064805552",
        "5602850077",
        "1620350748",
        "7823857125",
        "5051328370",
    ]
    assert k.unequal == (7, 0) and (len(k.Q), len(k.R)) == (13, 6)  # 0 counts as 0 here
    assert (line(k.Q), line(k.R), line(k.S)) == ("0668005552551", "758838", "5961328470")


def test_wikipedia_checkerboard() -> None:
    k = vic.derive("139195", "Twas the night before Christmas", 6, "72401")
    board = vic.board_for("en", k)
    assert board.rows[0] == (6, tuple("BCDFGHJKLM")) and board.rows[1] == (8, tuple("PQUVWXYZ./"))
    assert to_digits(tokenize("MEAN 0500. NOT", board), board) == "60253800005550000008087319"
    # Wikipedia's message, second half first. The published stream has one more 8 near
    # its end ("...658866588337"), which no encoding of the text gives: a slip.
    rotated = "mean 0500. Not 0915 like you did last time.Attack at dawn. By dawn I"
    assert to_digits(tokenize(rotated, board), board) == (
        "602538000055500000080873198000099911155580677642881866676667549976028759956964596658"
        "338765886658337"
    )


# -- Häyhänen's own message (Kahn, "Two Soviet Spy Ciphers") --------------------------


def test_kahn_key_lines_and_board() -> None:
    k = vic.derive(KAHN["date"], KAHN["phrase"], 13, "20818", RUSSIAN)
    assert line(k.C) == "91724"
    assert (line(k.E1), line(k.E2)) == ("7420156398", "6871954032")
    assert (line(k.G), line(k.H), line(k.J)) == ("6592554252", "5938991898", "3724891506")
    assert [line(row) for row in k.block] == [
        row for row in ("4217809772", "6385896498", "9133750377", "0460253047", "4062783411")
    ]
    assert line(k.Q) == "96033183664690475" and line(k.R) == "30274304287712"
    assert line(k.S) == "5073894612"
    board = vic.board_for("ru", k)
    assert board.top == ("С", "Н", "Е", "Г", "О", "П", "А", "", "", "")
    assert board.rows == (
        (6, ("Б", "Ж", ".", "К", "№", "Р", "Ф", "Ч", "Ы", "Ю")),
        (1, ("В", "З", ",", "Л", "Н/Ц", "Т", "Х", "Ш", "Ь", "Я")),
        (2, ("Д", "И", "П/Л", "М", "Н/Т", "У", "Ц", "Щ", "Э", "ПВТ")),
    )


def test_kahn_message_reproduced() -> None:
    text = fixture("vic-kahn-plaintext.txt")
    stream = "".join(fixture("vic-kahn-figure2.txt").split())
    first_part = tokenize(text.split("ЭА")[0] + "ЭА", vic.board_for("ru", _kahn_keys()))
    cut = sum(s != "Н/Ц" for s in first_part)  # written symbols; figure signs do not count
    w = vic.encrypt(text, keygroup="20818", lang="ru", cut=cut, **KAHN)
    assert w.plain == stream  # Kahn's figure 2, digit for digit
    assert w.nulls == 0 and len(w.groups) == 207
    nickel = fixture("vic-hollow-nickel.txt").split()
    sent, seen = "".join(w.groups), "".join(nickel)
    # The published transcriptions misread 30 of the 1035 digits (3/8, 5/6, 5/9 ...),
    # the keygroup among them; a wrong step anywhere would scramble nine in ten.
    assert sum(a != b for a, b in zip(sent, seen, strict=True)) == 30
    assert w.groups[-5] == "20818" and nickel[-5] == "20618"


def test_kahn_nickel_message_reads() -> None:
    nickel = fixture("vic-hollow-nickel.txt").split()
    nickel[-5] = "20818"
    w = vic.decrypt(nickel, lang="ru", **KAHN)
    assert w.text.startswith("1.ПОЗДРАВЛЯЕМСБЛАГОПОЛУЧНЫМПРИБЫТИЕМ.ПОДТВЕРЖДАЕМ")
    assert w.text.endswith("ДЕКАБРЯ")
    truth = "".join(fixture("vic-kahn-plaintext.txt").split())
    # The misread digits garble a letter or two each; a wrong step would leave nothing.
    assert difflib.SequenceMatcher(None, w.text, truth, autojunk=False).ratio() > 0.9


def _kahn_keys() -> vic.Keys:
    return vic.derive(KAHN["date"], KAHN["phrase"], 13, "20818", RUSSIAN)


# -- Russian conventions ----------------------------------------------------------------


def test_russian_halves_marker_and_figures() -> None:
    w = vic.encrypt("Встреча 12 мая в 1800. Ёлка, №5.", keygroup="20818", lang="ru", cut=7,
                    **KAHN)  # fmt: skip
    sent = w.symbols
    assert sent[: sent.index("Н/Т")][:4] == ["Н/Ц", "1", "2", "Н/Ц"]  # after the cut first
    assert "".join(sent[sent.index("Н/Т") + 1 :]) == "ВСТРЕЧА"
    assert "18111222" in w.plain.replace(" ", "")  # figure sign, 1 and 2 three times
    back = vic.decrypt(w.groups, lang="ru", **KAHN)
    assert back.text == "ВСТРЕЧА12МАЯВ1800.ЕЛКА,№5." and back.cut == 7


def test_russian_nulls_read_as_nothing() -> None:
    for text in ("А", "АБ", "ПРИВЕТ", "ДА", "НЕТ", "12", "ЖДИТЕ."):
        w = vic.encrypt(text, lang="ru", **KAHN)
        assert len(w.groups) >= 5  # the keygroup stands 5th from the end
        assert vic.decrypt(w.groups, lang="ru", **KAHN).text == text


def test_key_errors_do_not_repeat_the_keys() -> None:
    with pytest.raises(BadInput, match="the keyword has 4 different letters") as e:
        vic.encrypt("ДА", lang="ru", keyword="СНЕГ", **KAHN)
    assert "СНЕГ" not in str(e.value)
    with pytest.raises(BadInput, match="letter 3 of the keyword") as e:
        vic.encrypt("ДА", lang="ru", keyword="СНOW", **KAHN)
    with pytest.raises(BadInput, match="it has 6 digits and other signs") as e:
        vic.encrypt("HI", **{**SAVARD, "date": "4.7.x1776"})
    assert "1776" not in str(e.value).split("it has")[1]


def test_other_keyword() -> None:
    k = _kahn_keys()
    board = vic.board_for("ru", k, "ЗВЁЗДОЧКА")
    assert board.top[:7] == ("З", "В", "Е", "Д", "О", "Ч", "К")
    w = vic.encrypt("ЗВЕЗДА", lang="ru", keyword="ЗВЁЗДОЧКА", **KAHN)
    assert vic.decrypt(w.groups, lang="ru", keyword="звездочка", **KAHN).text == "ЗВЕЗДА"


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"phrase": "TOO SHORT A PHRASE"}, "the phrase has 15 Latin letters"),
        ({"date": "17761"}, "must be six digits"),
        ({"date": "4.7.17760"}, "must be six digits"),
        ({"personal": 0}, "between 1 and 16"),
        ({"personal": 17}, "between 1 and 16"),
        ({"keygroup": "1234"}, "the keygroup '1234' must be five digits"),
    ],
)
def test_bad_keys(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {**SAVARD, "keygroup": "77651", **kwargs}
    with pytest.raises(BadInput, match=message):
        vic.encrypt("HELLO", **args)  # type: ignore[arg-type]


def test_unwritable_character_is_located() -> None:
    with pytest.raises(BadInput) as e:
        vic.encrypt("MEET AT\nNOON, SHARP", **SAVARD)
    assert e.value.location is not None
    assert (e.value.location.line, e.value.location.column, e.value.location.char) == (2, 5, ",")
    assert vic.encrypt("MEET AT\nNOON, SHARP", drop=True, **SAVARD).text.startswith("MEET")
    with pytest.raises(BadInput, match="Russian letters"):
        vic.encrypt("ПРИВЕТ MIR", lang="ru", **KAHN)
    with pytest.raises(BadInput, match="Cyrillic letters"):
        vic.encrypt("ПРИВЕТ", lang="ru", **{**KAHN, "phrase": SAVARD["phrase"]})


def test_groups_that_do_not_fit() -> None:
    with pytest.raises(BadInput, match=r"group 2 .'1234'. is not a five-figure group"):
        vic.decrypt(["12345", "1234"], **SAVARD)
    with pytest.raises(BadInput, match=r"group 6 from the end .* only 4 groups"):
        vic.decrypt(SAVARD_GROUPS[:4], **SAVARD)
    with pytest.raises(BadInput, match="cannot cut the text after 3 symbols: that is inside"):
        vic.encrypt("А 1234 Б", lang="ru", cut=3, **KAHN)


def test_russian_without_marker_is_refused() -> None:
    # All zeros read as one body cell over and over, never the Н/Т cell of column 5.
    k = vic.derive(KAHN["date"], KAHN["phrase"], 13, "00000", RUSSIAN)
    assert "Н/Т" not in from_digits("0" * 25, vic.board_for("ru", k)).symbols
    with pytest.raises(BadInput, match="no Н/Т marker"):
        vic.decrypt(["00000"] * 6, lang="ru", **KAHN)


# -- round trips -------------------------------------------------------------------------

DATES = st.from_regex(r"\A[0-9]{6}\Z")


@given(
    text=st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789. "), min_size=1),
    date=DATES,
    personal=st.integers(1, 16),
    phrase=st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ "), min_size=20),
)
def test_english_round_trip(text: str, date: str, personal: int, phrase: str) -> None:
    if sum(c.isalpha() for c in phrase) < 20 or not text.strip():
        return
    try:
        w = vic.encrypt(text, date=date, phrase=phrase, personal=personal)
    except BadInput as e:  # a personal number of 1 with a 0 digit: one column
        assert "column wide" in str(e)
        return
    back = vic.decrypt(w.groups, date=date, phrase=phrase, personal=personal)
    written = text.replace(" ", "")
    assert back.text[: len(written)] == written and set(back.text[len(written) :]) <= {"R"}
    assert len(w.groups) >= (int(date[5]) or 10)


@given(
    text=st.lists(st.sampled_from([*RUSSIAN, *"ЁЙЪ", *"0123456789.,№ ", "{ПВТ}"]), min_size=1).map(
        "".join
    ),
    date=DATES,
    personal=st.integers(2, 16),
    phrase=st.text(st.sampled_from(RUSSIAN + " "), min_size=20),
    keyword=st.sampled_from(["СНЕГОПАД", "ЗВЁЗДОЧКА", "ПОДМОСКОВЬЕ", "АБВГДЕЖ"]),
)
def test_russian_round_trip(text: str, date: str, personal: int, phrase: str, keyword: str) -> None:
    if sum(c.isalpha() for c in phrase) < 20 or not text.strip():
        return
    kw = {"date": date, "phrase": phrase, "personal": personal, "lang": "ru", "keyword": keyword}
    w = vic.encrypt(text, **kw)  # type: ignore[arg-type]
    back = vic.decrypt(w.groups, **kw)  # type: ignore[arg-type]
    expected = text.upper().replace(" ", "").translate(str.maketrans("ЁЙЪ", "ЕИЬ"))
    assert back.text == expected
    assert back.cut == w.cut and back.nulls == w.nulls


def test_fresh_keygroups_differ() -> None:
    seen = {"".join(map(str, vic.encrypt("HELLO", **SAVARD).keys.A)) for _ in range(20)}
    assert len(seen) > 10


def test_secrets_stay_out_of_repr(tmp_path: Path) -> None:
    w = vic.encrypt(SAVARD_TEXT, keygroup="77651", **SAVARD)
    assert "77651" not in repr(w) and "77651" not in repr(w.keys)
    assert "36534693233928" not in repr(w.keys)


def test_docstring_example() -> None:
    import doctest

    result = doctest.testmod(vic)
    assert result.attempted >= 4 and result.failed == 0


# -- the command line ----------------------------------------------------------------------

SAVARD_ARGS = ("--date", "741776", "--phrase", "I dream of Jeannie with t", "--personal", "8")
KAHN_ARGS = ("--lang", "ru", "--date", "3.9.1945", "--phrase", KAHN["phrase"], "--personal", "13")


def test_cli_savard_both_ways() -> None:
    from tests.test_cli import cinq

    r = cinq("vic", "encrypt", *SAVARD_ARGS, "--keygroup", "77651", input=SAVARD_TEXT + "\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].split() == SAVARD_GROUPS[:10]
    assert r.stdout.split() == SAVARD_GROUPS
    back = cinq("vic", "decrypt", *SAVARD_ARGS, input=r.stdout)
    assert back.returncode == 0 and back.stdout == SAVARD_TEXT.replace(" ", "") + "R\n"
    assert "null letters R" in back.stderr
    page = cinq("vic", "decrypt", *SAVARD_ARGS, "--explain", input=r.stdout).stdout
    assert "DECIPHERING" in page and "Q  36534693233928" in page
    assert "".join(page.split("PLAINTEXT  ")[1].split()) == SAVARD_TEXT.replace(" ", "") + "R"


def test_cli_russian_document(tmp_path: Path) -> None:
    from tests.test_cli import cinq

    cover = tmp_path / "cover.txt"
    cover.write_text("Погода в Москве: снег, ветер северный.\n", encoding="utf-8")
    text = "Встреча 12 мая в 18 ч. у моста.\nПароль: {ПВТ}"
    r = cinq("vic", "encrypt", *KAHN_ARGS, "--cover", cover, "--sign", "ВОЛК", "--drop",
             input=text)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Погода в Москве") and r.stdout.endswith("\nBy ВОЛК\n")
    back = cinq("vic", "decrypt", *KAHN_ARGS, "--json", input=r.stdout)
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["text"] == "ВСТРЕЧА12МАЯВ18Ч.УМОСТА.ПАРОЛЬ{ПВТ}"
    page = cinq("vic", "encrypt", *KAHN_ARGS, "--keygroup", "20818", "--cut", "0",
                "--explain", input="ДА")  # fmt: skip
    assert "  С   Н   Е   Г   О   П   А" in page.stdout
    assert "\n 2    Д   И П/Л   М Н/Т   У   Ц   Щ   Э ПВТ\n" in page.stdout
    assert "cut after 0 symbols" in page.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("encrypt", *SAVARD_ARGS), "MEET @ NOON", "line 1, column 6 ('@' U+0040)"),
        (("encrypt", "--date", "7417", *SAVARD_ARGS[2:]), "HI", "must be six digits"),
        (("encrypt", *SAVARD_ARGS[:4], "--personal", "40"), "HI", "between 1 and 16"),
        (
            ("encrypt", *SAVARD_ARGS[2:], "--date", "741776", "--phrase", "SHORT"),
            "HI",
            "the phrase has 5 Latin letters",
        ),
        (("decrypt", *SAVARD_ARGS), "12345 67890\n12345 6789O\n", "line 2, column 11 ('O' U+004F)"),
        (("decrypt", *SAVARD_ARGS), "12345 67890\n", "only 2 groups"),
        (("encrypt", *KAHN_ARGS, "--cut", "2"), "А 12 Б", "inside a number"),
    ],
)
def test_cli_bad_input_exits_2(args: tuple[str, ...], stdin: str, message: str) -> None:
    from tests.test_cli import cinq

    r = cinq("vic", *args, input=stdin)
    assert r.returncode == 2 and message in r.stderr and r.stdout == ""


# -- one board: the VIC boards are checkerboard boards under line S -------------------------

HEADERS = st.permutations(range(10))


def relabelled(board: cb.Board, header: list[int]) -> dict[str, cb.Cell]:
    """The letters mode with every digit d of every code written header[d] instead."""
    return {
        "".join(str(header[int(d)]) for d in code): cell
        for code, cell in board.modes[0].codes.items()
    }


def test_english_board_is_at_one_sir() -> None:
    plain = english(list(range(10)))
    assert plain.board.modes == cb.AT_ONE_SIR.modes
    assert plain.board.fill_pattern == cb.AT_ONE_SIR.fill_pattern
    assert "".join(c or " " for c in plain.top) == "AT ONE SIR"


@given(header=HEADERS)
def test_english_board_under_line_s(header: list[int]) -> None:
    board = english(header)
    assert isinstance(board.board, cb.Board)
    assert dict(board.board.modes[0].codes) == relabelled(cb.AT_ONE_SIR, header)
    assert board.board == cb.keyed("", top="AT ONE SIR", header=header)
    assert "".join(map(str, header)) not in repr(board)  # line S is key material


def test_russian_board_cells() -> None:
    board = vic.board_for("ru", _kahn_keys())
    letters = board.board.modes[0].codes
    kinds = {board.symbol(cell): (cell.kind, cell.text) for cell in letters.values()}
    assert kinds["Н/Ц"][0] is cb.Kind.SHIFT
    assert kinds["Н/Т"] == (cb.Kind.SPECIAL, "START")
    assert kinds["ПВТ"] == (cb.Kind.SPECIAL, "RPT") and kinds["П/Л"] == (cb.Kind.SPECIAL, "PL")
    assert kinds["№"] == (cb.Kind.CHAR, "№")
    # Kahn's board read through the engine: С 5, Д 25, Н/Т 28, Н/Ц 18.
    assert board.board.decode(dg.from_str("525")) == "СД"
    assert board.board.decode(dg.from_str("28" + "18111" + "18")) == "{START}1"


def _symbols(lang: Lang, header: list[int], text: str) -> tuple[VicBoard, list[str]]:
    board = english(header) if lang == "en" else russian(header, "ЗВЁЗДОЧКА")
    return board, tokenize(text, board, drop=True)


EN_TEXT = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789. "))
RU_TEXT = st.lists(st.sampled_from([*RUSSIAN, *"0123456789.,№ ", "{ПВТ}", "{П/Л}"])).map("".join)


@given(header=HEADERS, lang=st.sampled_from(["en", "ru"]), data=st.data())
def test_vic_stream_round_trips_on_the_board(
    header: list[int], lang: Lang, data: st.DataObject
) -> None:
    board, symbols = _symbols(lang, header, data.draw(EN_TEXT if lang == "en" else RU_TEXT))
    if lang == "ru":
        symbols = [START, *symbols]
    stream = to_digits(symbols, board)
    # The hand-worker's way: each symbol's code from the board, figures three times.
    codes = [s * 3 if s.isdigit() else board.codes[s] for s in symbols]
    assert stream == "".join(codes)
    read = from_digits(stream, board)
    assert read.symbols == symbols and read.tail == ""
    assert all(stream.startswith(c, i) for i, c in zip(read.starts, codes, strict=True))
    # The engine reads the same stream as the same text.
    assert board.board.decode(dg.from_str(stream)) == engine_text(symbols, board)


def test_figure_runs_side_by_side_keep_both_signs() -> None:
    board = english(list(range(10)))
    symbols = tokenize("1 2", board)
    assert symbols == ["/", "1", "/", "/", "2", "/"]
    assert to_digits(symbols, board) == "69" + "111" + "69" + "69" + "222" + "69"
    assert from_digits(to_digits(symbols, board), board).symbols == symbols
