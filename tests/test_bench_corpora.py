"""benchmarks/corpora.py: paragraphs of running text from fortune files and plain
texts, the fallback when a package is missing, and plaintext windows cut on a board;
and the depth benchmark's own parts: synthetic depths (depth_corpus.py), the kappa
baseline and the scoring of a recovery (depth_bench.py).

The files read here are written by the tests under tmp_path (a fake file-system root),
so the tests do not depend on the Debian packages being installed."""

from __future__ import annotations

import gzip
import importlib
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import checkerboard as cb
from cinq import language as lg
from cinq.hazmat.cipher import Convention, decipher

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _bench_module(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def corpora() -> ModuleType:
    return _bench_module("corpora")


@pytest.fixture(scope="module")
def depth_corpus() -> ModuleType:
    return _bench_module("depth_corpus")


@pytest.fixture(scope="module")
def depth_bench() -> ModuleType:
    return _bench_module("depth_bench")


FORTUNES_RU = """Кто рано встаёт, тот весь день ходит сонный и злой.
\t\t-- Народная мудрость
%
Лучше поздно, чем никогда, но лучше никогда не опаздывать.
%
Смотри www.example.org, там всё написано про это подробно.
%
Да.
%
 /\\_/\\  ( o.o )  > ^ <  кошка, нарисованная буквами и скобками
%
Если долго сидеть на берегу реки, мимо проплывёт много интересного.
"""

FAQ_FR = """1. Définitions de base

Debian est un système libre, construit par des volontaires du monde entier
qui travaillent ensemble depuis de nombreuses années.

2.1. Comment installer ?

Lancez /usr/bin/apt-get install foo pour installer le paquet, puis lisez sa
documentation.

Chaque paquet porte une priorité choisie par les responsables de la distribution.
"""


def _root(tmp_path: Path) -> Path:
    ru = tmp_path / "usr/share/games/fortunes/ru"
    ru.mkdir(parents=True)
    (ru / "proverbs.u8").write_text(FORTUNES_RU, encoding="utf-8")
    faq = tmp_path / "usr/share/doc/debian/FAQ"
    faq.mkdir(parents=True)
    (faq / "debian-faq.fr.txt.gz").write_bytes(gzip.compress(FAQ_FR.encode("utf-8")))
    return tmp_path


def test_fortunes_lose_attributions_and_junk(corpora: ModuleType, tmp_path: Path) -> None:
    root = _root(tmp_path)
    assert corpora.texts("ru", root) == [
        "Кто рано встаёт, тот весь день ходит сонный и злой.",
        "Лучше поздно, чем никогда, но лучше никогда не опаздывать.",
        "Если долго сидеть на берегу реки, мимо проплывёт много интересного.",
    ]
    origin = corpora.origin("ru", root)
    assert (origin.fallback, origin.files, origin.paragraphs) == (False, 1, 3)
    assert "fortunes-ru" in origin.line()


def test_plain_paragraphs_lose_headings_and_commands(corpora: ModuleType, tmp_path: Path) -> None:
    assert corpora.texts("fr", _root(tmp_path)) == [
        "Debian est un système libre, construit par des volontaires du monde entier "
        "qui travaillent ensemble depuis de nombreuses années.",
        "Chaque paquet porte une priorité choisie par les responsables de la distribution.",
    ]


def test_a_missing_package_falls_back_and_says_so(corpora: ModuleType, tmp_path: Path) -> None:
    origin = corpora.origin("de", tmp_path)
    assert origin.fallback and origin.files == 0 and origin.paragraphs > 0
    assert "FALLBACK" in origin.line()
    assert corpora.texts("de", tmp_path)


@pytest.mark.parametrize(
    ("lang", "text", "kept"),
    [
        ("en", "A perfectly ordinary sentence, with (some) punctuation!", True),
        ("en", "Too short.", False),
        ("en", "Write to someone@example.org for a longer answer", False),
        ("ru", "Обычное предложение на русском языке, без латиницы.", True),
        ("ru", "Предложение на русском языке, но с Linux внутри.", False),
        ("es", "¿Dónde está la biblioteca del pueblo, señor?", True),
    ],
)
def test_clean_keeps_only_running_text(
    corpora: ModuleType, lang: str, text: str, kept: bool
) -> None:
    assert (corpora.clean(text, lang) is not None) is kept


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _root(tmp_path_factory.mktemp("corpora"))


@given(
    seed=st.integers(0, 2**32 - 1), groups=st.integers(1, 60), lang=st.sampled_from(["ru", "fr"])
)
def test_windows_are_the_digits_of_their_text(
    corpora: ModuleType, fake_root: Path, seed: int, groups: int, lang: str
) -> None:
    board = lg.language(lang).board
    first, again = (
        corpora.windows(lang, board, 5 * groups, np.random.default_rng(seed), 2, fake_root)
        for _ in range(2)
    )
    assert [(w.first, w.text) for w in first] == [(w.first, w.text) for w in again]
    assert all(np.array_equal(a.digits, b.digits) for a, b in zip(first, again, strict=True))
    for w in first:
        assert len(w.digits) == 5 * groups and w.board == board.name
        encoded = lg.encode(w.text, board, lang, lg.Policy.FOLD)
        assert np.array_equal(encoded, w.digits[: len(encoded)])
        assert len(w.digits) - len(encoded) < 10


def test_windows_of_a_depth_come_from_different_passages(
    corpora: ModuleType, tmp_path: Path
) -> None:
    root = tmp_path
    ru = root / "usr/share/games/fortunes/ru"
    ru.mkdir(parents=True)
    sentences = [
        f"Это предложение номер {n} из длинного списка разных предложений." for n in range(60)
    ]
    (ru / "many.u8").write_text("\n%\n".join(sentences), encoding="utf-8")
    board = cb.board("RU-1")
    windows = corpora.windows("ru", board, 250, np.random.default_rng(7), 4, root)
    spans = [{(w.first + i) % 60 for i in range(w.paragraphs)} for w in windows]
    for a in range(4):
        for b in range(a + 1, 4):
            assert not spans[a] & spans[b]


def test_a_synthetic_depth_deciphers_to_its_passages(depth_corpus: ModuleType) -> None:
    cell = depth_corpus.Cell("ru", "RU-1", 3, 20)
    (depth,) = depth_corpus.depths(cell, 1, seed=4, shift=5)
    assert min(depth.offsets) == 0 and len(set(depth.offsets)) == 3
    assert len(depth.key) == 5 * (max(depth.offsets) + 20)
    for window, start, cipher in zip(depth.plain, depth.offsets, depth.ciphers, strict=True):
        plain = decipher(cipher, depth.key[5 * start :], Convention.SUBTRACT)
        assert np.array_equal(plain, window.digits)
        assert "".join(depth_corpus.as_groups(cipher)) == "".join(map(str, cipher.tolist()))
    assert len({w.text for w in depth.plain}) == 3
    assert depth.overlap(0, 1) == 20 - abs(depth.offsets[1] - depth.offsets[0])


def test_kappa_flags_a_copy_and_not_random_messages(depth_bench: ModuleType) -> None:
    rng = np.random.default_rng(2)
    log = rng.integers(0, 10, (40, 100), dtype=np.uint8)
    assert depth_bench.kappa(log, 5) == set()
    log[7, 10:] = log[30, :-10]  # message 7 is message 30 two groups on
    log[12] = log[3]
    assert depth_bench.kappa(log, 5) == {
        depth_bench.Flag(7, 30, 2),
        depth_bench.Flag(3, 12, 0),
    }


def test_scoring_a_recovery(depth_bench: ModuleType, depth_corpus: ModuleType) -> None:
    (depth,) = depth_corpus.depths(depth_corpus.Cell("en", "CT-55", 2, 20), 1, seed=5)
    truth = [w.digits for w in depth.plain]
    perfect = depth_bench.tallies(depth, truth)
    assert all(t.own == t.pair == t.total > 0 for t in perfect)
    swapped = depth_bench.tallies(depth, truth[::-1])
    assert all(t.pair == t.total and t.own < t.total / 2 for t in swapped)
    wrong = [(d + 1) % 10 for d in truth]
    assert all(t.own == t.pair == 0 for t in depth_bench.tallies(depth, wrong))


def test_bounded_work_gives_its_value_or_its_failure(depth_bench: ModuleType) -> None:
    assert depth_bench.bounded(lambda: {"depths": [1, 2]}, 60).value == {"depths": [1, 2]}
    failed = depth_bench.bounded(lambda: 1 // 0, 60)
    assert failed.value is None and "ZeroDivisionError" in failed.problem
