"""The fixtures are what they say they are, with nothing from outside the repository:
the reference sample's 29 groups are a copy kept in ``tests/fixtures`` (pinned by its
SHA-256, so a stray edit is caught), and no test file reaches for a sibling folder of
the clone."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.fixtures import HERE, SEED_GROUPS

TESTS = Path(__file__).resolve().parent
#: SHA-256 of the reference sample's groups file, one group a line, as received.
SEED_SHA256 = "bdb0646a489b092f3ccb465fa5543316c42bcc7cea322b57bd4aca4f74b219dd"


def lines_matching(pattern: re.Pattern[str]) -> list[str]:
    """``file:line: text`` of every line of the test files (this one aside) that
    matches."""
    return [
        f"{p.name}:{n}: {line.strip()}"
        for p in sorted(TESTS.rglob("*.py"))
        if p.name != Path(__file__).name
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]


def test_the_seed_fixture_is_the_reference_sample() -> None:
    data = (HERE / "seed-groups.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    assert len(SEED_GROUPS) == 29
    assert all(re.fullmatch(r"\d{5}", g) for g in SEED_GROUPS)
    assert SEED_GROUPS[:2] == ("58523", "45006")


def test_no_test_reads_outside_the_repository() -> None:
    """A fresh clone alone runs the whole suite: no path above the repository
    (``parents[2]``, ``../shared``), no home folder, no fixed /tmp path."""
    outside = re.compile(
        r"parents\[[2-9]\]|\.\./shared|Path\.home\(\)\s*/(?!\s*\"\.cache\")|expanduser\("
        r"|[\"']/tmp/"
    )
    found = lines_matching(outside)
    assert not found, "\n".join(found)


def test_language_models_are_built_into_a_folder_of_the_run() -> None:
    """conftest points the model cache at a folder made for this run (and removed after
    it): nothing read from or left in ``~/.cache/cinq``."""
    from cinq.language import model as lm

    folder = lm.cache_dir()
    assert folder.name.startswith("cinq-test-language-models-") and folder.is_dir()
    assert folder != Path.home() / ".cache" / "cinq"


def test_no_test_asserts_on_the_clock() -> None:
    """No wall-clock assertion in a test (how fast is for `make bench`): a clock may only
    bound a wait so that a test cannot hang."""
    clock = re.compile(
        r"assert\b.*(monotonic|perf_counter|process_time|time\.time)\(|assert\b.*\belapsed\b"
    )
    found = lines_matching(clock)
    assert not found, "\n".join(found)
