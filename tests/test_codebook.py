from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import codebook as cbk
from cinq import digits as dg
from cinq import language as lg
from cinq.checkerboard import Board
from cinq.codebook import Codebook
from cinq.errors import BadInput

LANGS = ("en", "fr", "de", "es", "ru")
ST1 = cb.board("STANDARD-TABLE-1")
CT55 = cb.board("CT-55")
# One operational phrase per language that every full book must hold.
MEETING_PLACE = {
    "en": "MEETING PLACE",
    "fr": "POINT DE RENCONTRE",
    "de": "TREFFPUNKT",
    "es": "PUNTO DE ENCUENTRO",
    "ru": "МЕСТО ВСТРЕЧИ",
}
LETTERS = {
    "en": cb.LATIN,
    "fr": cb.LATIN,
    "de": cb.LATIN,
    "es": cb.LATIN + "Ñ",
    "ru": cb.CYRILLIC,
}


@functools.cache
def keyed_book(lang: str) -> Codebook:
    return cbk.build(lang, key="test station")


def escape_cost(b: Board) -> int:
    return len(b.encode("{000}"))


# -- build ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_build_gives_a_full_valid_book(lang: str) -> None:
    book = keyed_book(lang)
    profile = lg.language(lang)
    b = profile.board
    assert (book.lang, book.keyed, len(book.entries)) == (lang, True, 1000)
    assert sorted(book.entries.values()) == list(range(1000))  # every code once
    for phrase, code in book.entries.items():
        assert lg.prepare(phrase, b, profile).text == phrase  # canonical
        assert b.decode(b.encode(phrase)) == phrase  # and writable on the board
        assert len(b.encode(phrase)) > escape_cost(b)  # and worth a code
        assert book.code(phrase) == code and book.phrase(code) == phrase
    assert MEETING_PLACE[lang] in book.entries


@pytest.mark.parametrize("lang", LANGS)
def test_operational_phrases_come_first(lang: str) -> None:
    profile = lg.language(lang)
    b = profile.board
    wanted = []
    for p in cbk.PHRASES[lang]:
        canonical = lg.prepare(p, b, profile).text  # the lists must be writable as they are
        if len(b.encode(canonical)) > escape_cost(b) and canonical not in wanted:
            wanted.append(canonical)
    assert len(wanted) >= 60
    assert list(keyed_book(lang).entries)[: len(wanted)] == wanted
    assert list(cbk.build(lang, size=10, key="x").entries) == wanted[:10]


def test_short_words_never_get_a_code() -> None:
    for lang in LANGS:
        assert all(len(p) > 2 for p in keyed_book(lang).entries)
    assert "TIME" not in keyed_book("en").entries  # 4 digits on CT-55, a code is 5


@pytest.mark.parametrize("lang", LANGS)
def test_keyed_builds_agree_and_keys_differ(lang: str) -> None:
    a = cbk.build(lang, size=300, key="NIGHTJAR")
    assert a == cbk.build(lang, size=300, key="NIGHTJAR")
    other = cbk.build(lang, size=300, key="NIGHTJAR2")
    assert set(other.entries) == set(a.entries) and other.entries != a.entries
    assert other.keyed and a.keyed


def test_keyed_codes_are_pinned() -> None:
    # Two stations with different cinq versions must still build the same book.
    book = cbk.build("en", size=5, key="KESTREL")
    assert dict(book.entries) == {
        "MEETING PLACE": 206,
        "MEETING": 274,
        "PLACE": 641,
        "MONEY": 378,
        "DANGER": 100,
    }
    assert dict(cbk.build("ru", size=3, key="KESTREL").entries) == {
        "МЕСТО ВСТРЕЧИ": 229,
        "ВСТРЕЧА": 527,
        "МЕСТО": 985,
    }


def test_unkeyed_builds_differ() -> None:
    a, b = cbk.build("fr"), cbk.build("fr")
    assert not a.keyed and not b.keyed
    assert set(a.entries) == set(b.entries) and a.entries != b.entries


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lang": "xx"}, "unknown language"),
        ({"lang": "en", "size": 0}, "size"),
        ({"lang": "en", "size": 1001}, "size"),
        ({"lang": "en", "key": ""}, "key"),
    ],
)
def test_build_rejects(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        cbk.build(**kwargs)


# -- compress and expand --------------------------------------------------------------


def test_published_example() -> None:
    book = Codebook("en", {"ABORT": 123})
    short = book.compress("ABORT NOW", ST1)
    assert short == "{123} NOW"
    assert dg.to_str(ST1.encode(short)) == "0123994586"
    assert book.expand(short) == "ABORT NOW"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ABORTED", "ABORTED"),
        ("REABORT ABORT", "REABORT {123}"),
        ("ABORT2 2ABORT", "ABORT2 2ABORT"),  # digits are part of the word too
        ("ABORT.ABORT,ABORT-ABORT", "{123}.{123},{123}-{123}"),
        ("{ABORT} ABORT", "{ABORT} {123}"),  # an escape is never touched
        ("{123}ABORT", "{123}{123}"),
    ],
)
def test_whole_words_only(text: str, expected: str) -> None:
    assert Codebook("en", {"ABORT": 123}).compress(text, ST1) == expected


def test_phrase_starting_with_a_mark_needs_a_word_start() -> None:
    book = Codebook("en", {"-ABORT": 5})  # 8 digits on CT-55: "-" is in figures
    assert book.compress("X-ABORT X -ABORT", CT55) == "X-ABORT X {005}"


def test_longest_phrase_first() -> None:
    book = Codebook("en", {"MEETING": 1, "MEETING PLACE": 2, "PLACE": 3, "MEETING PLACE B": 4})
    assert book.compress("MEETING PLACE", CT55) == "{002}"
    assert book.compress("MEETING PLACES", CT55) == "{001} PLACES"
    assert book.compress("MEETING PLACE BRAVO", CT55) == "{002} BRAVO"
    assert book.compress("MEETING MEETING PLACE. PLACE", CT55) == "{001} {002}. {003}"


def test_code_used_only_where_it_shortens() -> None:
    book = Codebook("en", {"THE": 1, "TEN": 2, "WITH": 3, "DATE": 4})
    # Standard Table No. 1: a code is 4 digits; THE 4, TEN 3, WITH 6, DATE 6.
    assert book.compress("THE TEN WITH DATE", ST1) == "THE TEN {003} {004}"
    # CT-55: a code is 5 digits; DATE is 72 0 6 1, so stays.
    assert book.compress("THE TEN WITH DATE", CT55) == "THE TEN {003} DATE"


def test_board_without_code_cell_is_left_alone() -> None:
    vic = cb.board("AT-ONE-SIR")
    assert not vic.has_code
    assert Codebook("en", {"ABORT": 123}).compress("ABORT.NOW", vic) == "ABORT.NOW"


def test_expand_keeps_unknown_codes_and_signs() -> None:
    book = Codebook("fr", {"RENDEZ-VOUS": 7})
    assert book.expand("{007} {008} {RPT} {007}") == "RENDEZ-VOUS {008} {RPT} RENDEZ-VOUS"


def test_lookups_fold_like_the_language() -> None:
    book = Codebook("fr", {"RENDEZ-VOUS": 7, "FRONTIERE": 42})
    assert book.code("rendez-vous") == 7
    assert book.code("Frontière") == 42
    assert book.code("GARE") is None and book.code("日本") is None
    assert book.phrase(42) == "FRONTIERE" and book.phrase(43) is None


def test_compress_of_a_long_text_round_trips() -> None:
    # Its speed is measured by `make bench` (codebook savings), never in a test.
    book = keyed_book("en")
    words = [*list(book.entries)[:400], "XYZZY", "QUUX", "A", "OF"]
    text = " ".join(words[i * 7 % len(words)] for i in range(3000))[:10_000]
    short = book.compress(text, CT55)
    assert book.expand(short) == text and len(short) < len(text)


def canonical_texts(lang: str, b: Board) -> st.SearchStrategy[str]:
    """Words of the book, other words, figures and the board's punctuation, sometimes
    glued together (so whole-word matching is tested)."""
    book_phrase = st.sampled_from(sorted(keyed_book(lang).entries))
    other_word = st.text(st.sampled_from(LETTERS[lang]), min_size=1, max_size=7)
    figures = st.from_regex(r"\A[0-9]{1,4}\Z")
    marks = [c for c in " .,:'?-" if b.can_encode(c)]
    sep = st.text(st.sampled_from(marks), max_size=2)
    part = st.tuples(st.one_of(book_phrase, other_word, figures), sep)
    return st.lists(part, max_size=20).map(lambda ps: "".join(w + s for w, s in ps))


@pytest.mark.parametrize("lang", LANGS)
@given(data=st.data())
def test_round_trips(lang: str, data: st.DataObject) -> None:
    profile = lg.language(lang)
    b = profile.board
    book = keyed_book(lang)
    text = data.draw(canonical_texts(lang, b))
    assert lg.prepare(text, b, profile).text == text  # the precondition: canonical
    short = book.compress(text, b)
    assert book.expand(short) == text
    assert b.decode(b.encode(short)) == short
    assert len(b.encode(short)) <= len(b.encode(text))
    # Greedy and complete: no whole word that a code would shorten is left.
    for word in re.findall(r"\w+", re.sub(r"\{[0-9]{3}\}", " ", short)):
        assert word not in book.entries or len(b.encode(word)) <= escape_cost(b)


# -- files ------------------------------------------------------------------------------


def test_save_and_load(tmp_path: Path) -> None:
    book = cbk.build("ru", size=200, key="NIGHTJAR-7")
    path = tmp_path / "book.json"
    book.save(path)
    assert os.stat(path).st_mode & 0o777 == 0o644
    raw = path.read_text("utf-8")
    assert "NIGHTJAR" not in raw  # the key is never stored
    doc = json.loads(raw)
    assert (doc["format"], doc["version"], doc["lang"], doc["keyed"]) == (
        "cinq-codebook",
        1,
        "ru",
        True,
    )
    phrases = [e["phrase"] for e in doc["entries"]]
    assert phrases == sorted(phrases)
    assert all(re.fullmatch(r"[0-9]{3}", e["code"]) for e in doc["entries"])
    assert "МЕСТО ВСТРЕЧИ" in raw  # readable, not \u escapes
    loaded = Codebook.load(path)
    assert loaded == book and loaded.keyed
    assert loaded.compress("МЕСТО ВСТРЕЧИ", lg.language("ru").board) == (
        f"{{{book.entries['МЕСТО ВСТРЕЧИ']:03d}}}"
    )


def _doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "cinq-codebook",
        "version": 1,
        "lang": "fr",
        "keyed": True,
        "entries": [{"code": "123", "phrase": "RENDEZ-VOUS"}, {"code": "007", "phrase": "GARE"}],
    }
    doc.update(changes)
    return doc


def _entries(*pairs: tuple[object, object]) -> list[dict[str, object]]:
    return [{"code": c, "phrase": p} for c, p in pairs]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (_doc(format="cinq-pad"), "not a cinq codebook"),
        ([1, 2], "not a cinq codebook"),
        (_doc(version=2), "version 2"),
        (_doc(version=True), "version"),
        (_doc(lang="xx"), "unknown language"),
        (_doc(keyed="yes"), "keyed"),
        (_doc(entries={"123": "GARE"}), "entries"),
        (_doc(entries=_entries(("123", "GARE"), ("123", "TRAIN"))), "duplicate code 123"),
        (_doc(entries=_entries(("123", "GARE"), ("124", "GARE"))), "duplicate phrase"),
        (_doc(entries=_entries(("1000", "GARE"))), "out of range"),
        (_doc(entries=_entries(("12", "GARE"))), "out of range"),
        (_doc(entries=_entries((123, "GARE"))), "out of range"),
        (_doc(entries=_entries(("123", ""))), "empty"),
        (_doc(entries=_entries(("123", "gare"))), "not canonical"),
        (_doc(entries=_entries(("123", "FRONTIÈRE"))), "FRONTIERE"),
        (_doc(entries=_entries(("123", " GARE"))), "space"),
        (_doc(entries=_entries(("123", "{007}"))), "brace"),
        (_doc(entries=_entries(("123", None))), "must be text"),
        (_doc(entries=["123"]), "entry 1"),
    ],
)
def test_load_rejects(tmp_path: Path, doc: object, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    with pytest.raises(BadInput, match=message) as e:
        Codebook.load(path)
    assert str(path) in str(e.value)


def test_load_bad_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "cinq-codebook",\n  oops\n}\n', "utf-8")
    with pytest.raises(BadInput) as e:
        Codebook.load(path)
    loc = e.value.location
    assert loc is not None and (loc.line, loc.column, loc.char) == (3, 3, "o")
    assert str(path) in str(e.value) and "line 3, column 3" in str(e.value)


def test_load_missing_or_binary_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        Codebook.load(tmp_path / "nope.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BadInput, match="UTF-8"):
        Codebook.load(tmp_path / "bin.json")


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"ABORT": 1, "NOW": 1}, "used twice"),
        ({"ABORT": 1000}, "0-999"),
        ({"ABORT": -1}, "0-999"),
        ({"abort": 1}, "canonical"),
        ({"": 1}, "empty"),
    ],
)
def test_codebook_checks_its_entries(entries: dict[str, int], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Codebook("en", entries)


# -- benchmark ------------------------------------------------------------------------


def test_benchmark_rows() -> None:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "codebook_bench.py"
    spec = importlib.util.spec_from_file_location("codebook_bench", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.rows(size=200)
    assert [lang for lang, _ in rows] == list(LANGS)
    for _, value in rows:
        m = re.fullmatch(r"(\d+) -> (\d+) digits \((\d+\.\d) % shorter\)", value)
        # The sample texts are neutral prose, not the book's phrases: a small saving.
        assert m is not None and int(m[2]) < int(m[1]) and float(m[3]) > 1
