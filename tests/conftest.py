from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# CI runs the same number of examples as a developer; derandomized so a CI failure
# reproduces locally.
settings.register_profile(
    "cinq",
    max_examples=int(os.environ.get("CINQ_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("cinq")


_LM_CACHE = pytest.StashKey[tuple[str, str | None]]()


def pytest_configure(config: pytest.Config) -> None:
    """The language models are built into a folder of this run, not into the user's
    ``~/.cache/cinq``: a test must not read what an earlier run or another version left
    there, nor leave files behind. Set before collection; subprocesses inherit it."""
    folder = tempfile.mkdtemp(prefix="cinq-test-language-models-")
    config.stash[_LM_CACHE] = (folder, os.environ.get("CINQ_CACHE_DIR"))
    os.environ["CINQ_CACHE_DIR"] = folder
    # The recorded speakers (cinq.radio.voices.fsdd) are the fixture files, never a
    # folder outside the repository.
    os.environ["CINQ_FSDD_DIR"] = os.path.join(os.path.dirname(__file__), "fixtures", "fsdd")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder, before = config.stash[_LM_CACHE]
    shutil.rmtree(folder, ignore_errors=True)
    if before is None:
        os.environ.pop("CINQ_CACHE_DIR", None)
    else:
        os.environ["CINQ_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def fuzz_template(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The fuzz tests' workspace (a pad pair, documents, a codebook, a log, WAVs), built
    once a run through the CLI; each test works on a copy (``copy_workspace``)."""
    from tests.fuzzing import build_workspace

    return build_workspace(tmp_path_factory.mktemp("fuzz-template"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzz test's figures (cases per command, exit codes seen, tracebacks, books
    changed by refusals), when it ran."""
    fuzzing = sys.modules.get("tests.fuzzing")
    lines = fuzzing.summary() if fuzzing is not None else []
    if lines:
        terminalreporter.section("fuzz test of every command")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real PostgreSQL server (Debian's) for the run, in a temporary folder, on a
    local socket only; stopped at the end."""
    from cinq.network.localserver import LocalPostgres

    server = LocalPostgres.start(tmp_path_factory.mktemp("postgres"))
    yield server
    server.stop()


_DATABASES = iter(range(1, 10**6))


@pytest.fixture
def pg_url(postgres: Any) -> str:
    """A new, empty database on the run's server: its URL."""
    return str(postgres.create_database(f"test{next(_DATABASES)}"))
