"""The text path: encrypt + decrypt of a long plaintext through the library's recipes,
against NumPy's bare ``(a - b) % 10`` on uint8 arrays of as many digits.

The plaintext is neutral prose (:mod:`prose`), the same amount in each of the five
languages: 2 MB of UTF-8 per language for the 10 MB run, in more messages only if one
would pass :data:`cinq.checkerboard.MAX_TEXT_CHARS` characters (the recipes refuse
longer texts).
Each run gets a fresh pad-book pair with just enough pages of 1,000 groups, made
outside the clock; the clock covers ``cinq.encrypt`` (folding, checkerboard, pad, check
groups), ``Document.render``, and ``cinq.decrypt`` (``Document.parse``, check groups,
decipher, decode, marking the pages read) of every message.

The stage breakdown samples the stack during one more recipe run outside the
comparison (:mod:`sampler`), so it shows the recipes' own path as it is today.

Run alone: ``python benchmarks/text_bench.py [--bytes N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import cinq
import prose  # type: ignore[import-not-found]
from cinq import auth
from cinq import language as lg
from cinq.message import pad_to_groups
from measure import (  # type: ignore[import-not-found]
    Comparison,
    Goal,
    Section,
    Span,
    Stopwatch,
    Target,
    Timed,
    interleave,
)
from sampler import Rule, Sampler  # type: ignore[import-not-found]

POLICY = lg.Policy.FOLD | lg.Policy.DROP  # natural prose: a stray "€" must not stop the run
GROUPS_PER_PAGE = 1000
PAGE_DIGITS = 5 * GROUPS_PER_PAGE
try:
    from cinq.checkerboard import MAX_TEXT_CHARS
except ImportError:  # pragma: no cover - the limit moved: the value it had
    MAX_TEXT_CHARS = 1_000_000


@dataclass(frozen=True)
class Plaintext:
    lang: str
    text: str
    digits: int  # on the language's board, padded to whole groups
    expected: str  # what decrypt must give back (the folded text)


def plaintexts(total_bytes: int) -> list[Plaintext]:
    """Messages of neutral prose, the languages in turn, about ``total_bytes`` of UTF-8
    in all, none over the recipes' limit of characters."""
    count = max(5, -(-total_bytes // MAX_TEXT_CHARS))
    out = []
    for i in range(count):
        lang = prose.LANGS[i % len(prose.LANGS)]
        text = prose.long_text(lang, total_bytes // count, seed=i, utf8=True)
        profile = lg.language(lang)
        prepared = lg.prepare(text, profile.board, profile, POLICY).text
        digits = len(pad_to_groups(profile.board.encode(prepared), profile.board))
        out.append(Plaintext(lang, text, digits, prepared))
    return out


def _pages(msgs: list[Plaintext]) -> int:
    key = [m.digits + auth.STRONG.key_digits for m in msgs]
    return sum(-(-k // PAGE_DIGITS) for k in key) + 1


@contextmanager
def _books(msgs: list[Plaintext]) -> Iterator[tuple[cinq.PadBook, cinq.PadBook]]:
    """A fresh pad-book pair with enough pages, opened, in a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="cinq-bench-"))
    try:
        send, receive = cinq.PadBook.create_pair(
            folder / "bench", pages=_pages(msgs), groups=GROUPS_PER_PAGE
        )
        with cinq.PadBook.open(send) as sb, cinq.PadBook.open(receive) as rb:
            yield sb, rb
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def recipe_run(msgs: list[Plaintext], sampler: Sampler | None = None) -> Timed:
    """Encrypt, render and decrypt every message on a fresh book pair; checks the text
    came back (outside the clock). ``sampler`` samples the clocked region."""

    def run() -> Span:
        with _books(msgs) as (send, receive):
            if sampler is not None:
                sampler.start()
            watch = Stopwatch()
            got = []
            for m in msgs:
                doc = cinq.encrypt(m.text, send, lang=m.lang, policy=POLICY)
                got.append(cinq.decrypt(doc.render(), receive, lang=m.lang).text)
            elapsed = watch.stop()
            if sampler is not None:
                sampler.stop()
        for m, text in zip(msgs, got, strict=True):
            if text != m.expected:
                raise AssertionError(f"{m.lang}: the text did not come back")
        return elapsed

    return run


def numpy_run(digits: int) -> Timed:
    rng = np.random.default_rng(1)
    a = rng.integers(0, 10, digits, dtype=np.uint8)
    b = rng.integers(0, 10, digits, dtype=np.uint8)

    def run() -> Span:
        watch = Stopwatch()
        (a - b) % 10
        return watch.stop()

    return run


STAGES = [
    Rule("cinq/language", "", "fold (cinq.language)"),
    Rule("cinq/checkerboard", "encode", "checkerboard encode"),
    Rule("cinq/checkerboard", "decode", "checkerboard decode"),
    Rule("cinq/document.py", "parse", "Document.parse"),
    Rule("cinq/document.py", "render", "Document.render"),
    Rule("cinq/auth.py", "", "check groups (cinq.auth)"),
    Rule("cinq/hazmat/cipher.py", "", "mod-10 cipher"),
    Rule("cinq/hazmat/pad.py", "", "pad digits"),
    Rule("cinq/book.py", "_transaction", "pad book: begin + commit (SQLite, fsync)"),
    Rule("cinq/book.py", "", "pad book: queries, pages, marks"),
    Rule("cinq/sqlitefile.py", "", "pad book: queries, pages, marks"),
]
PACKAGES = [
    Rule("cinq/checkerboard", "", "checkerboard (other)"),
    Rule("cinq/document.py", "", "document (other)"),
    Rule("cinq/message.py", "", "message <-> groups (cinq.message)"),
    Rule("cinq/digits.py", "", "digits <-> strings (cinq.digits)"),
]
REST = [Rule("cinq/", "", "other cinq code"), Rule("text_bench.py", "", "the benchmark loop")]


def stages(msgs: list[Plaintext]) -> Counter[str]:
    """Samples per stage of one more recipe run (:mod:`sampler`)."""
    sampler = Sampler([STAGES, PACKAGES, REST])
    recipe_run(msgs, sampler)()
    return sampler.counts


def section(total_bytes: int, runs: int) -> Section:
    msgs = plaintexts(total_bytes)
    chars = sum(len(m.text) for m in msgs)
    size = sum(len(m.text.encode("utf-8")) for m in msgs)
    digits = sum(m.digits for m in msgs)
    timing = interleave(recipe_run(msgs), numpy_run(digits), runs, warm_subject=False)
    comparison = Comparison(
        name=f"encrypt + decrypt, {len(msgs)} messages, {chars:,} characters "
        f"({size / 1e6:.1f} MB UTF-8), {digits:,} digits",
        subject="cinq.encrypt + Document.render + cinq.decrypt (fresh books)",
        baseline=f"NumPy (a - b) % 10 on uint8, {digits:,} digits",
        subject_runs=timing.subject,
        baseline_runs=timing.baseline,
        target=Target(Goal.AT_MOST, 2.0),
    )
    return Section(
        f"Text path: the recipes on {size / 1e6:.1f} MB of neutral prose "
        f"(en fr de es ru), against bare NumPy",
        (comparison,),
        notes=(
            f"messages of at most {MAX_TEXT_CHARS:,} characters (the recipes' limit), "
            f"fresh pad books of {GROUPS_PER_PAGE} groups a page made outside the clock",
            *_breakdown(msgs),
        ),
    )


def _breakdown(msgs: list[Plaintext]) -> tuple[str, ...]:
    """Where the time of the recipes goes, as lines."""
    samples = stages(msgs)
    total = sum(samples.values())
    lines = [
        f"where the time goes (one more run, {total} stack samples, by the innermost "
        "named frame; benchmarks/sampler.py):"
    ]
    for stage, count in samples.most_common():
        lines.append(f"  {stage:42} {100 * count / total:5.1f} %")
    return tuple(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bytes", type=int, default=10_000_000, help="UTF-8 bytes in all")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print("\n".join(section(args.bytes, args.runs).lines()))


if __name__ == "__main__":
    main()
