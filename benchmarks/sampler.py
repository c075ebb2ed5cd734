"""Where the time of a real call goes: a sampling profiler by pipeline stage.

A background thread looks at the measured thread's stack every millisecond or so
(``sys._current_frames``) and files the sample under the *innermost* frame that a rule
names: inside ``language.encode`` -> ``Board.encode`` the sample is the checkerboard's,
inside ``prepare`` it is the folding's. Unlike timing the stages one by one, this
measures the recipes' own path, whatever it is today; unlike cProfile it does not slow
Python code down more than C code (the fractions stay honest). A sample can only be
taken when the measured thread lets go of the GIL (every few ms, or in NumPy and
SQLite), so it needs a run of a second or more to be meaningful.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from types import FrameType


@dataclass(frozen=True)
class Rule:
    """A frame in a file whose path contains ``path`` and a function whose qualified
    name contains ``name`` (empty: any) belongs to ``stage``."""

    path: str
    name: str
    stage: str

    def matches(self, frame: FrameType) -> bool:
        code = frame.f_code
        return self.path in code.co_filename and self.name in code.co_qualname


OTHER = "other (recipes, glue, Python)"


class Sampler:
    """Counts samples per stage of the thread that creates it, between :meth:`start`
    and :meth:`stop`.

    ``tiers`` are lists of rules tried in turn: a sample goes to the innermost frame
    matching a rule of the first tier that has a match anywhere in the stack. So a
    specific rule (``Board.encode``) wins over a package catch-all (anything in
    ``checkerboard/``) even when the innermost frame is a helper of the package, and
    helpers such as ``digits.py`` count only where nothing more specific is running.
    """

    def __init__(self, tiers: list[list[Rule]], interval: float = 0.001) -> None:
        self.tiers = tiers
        self.interval = interval
        self.counts: Counter[str] = Counter()
        self._target = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _stage(self, innermost: FrameType | None) -> str:
        for rules in self.tiers:
            frame = innermost
            while frame is not None:
                for rule in rules:
                    if rule.matches(frame):
                        return rule.stage
                frame = frame.f_back
        return OTHER

    def _run(self) -> None:
        while not self._stop.is_set():
            frame = sys._current_frames().get(self._target)
            self.counts[self._stage(frame)] += 1
            del frame
            time.sleep(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> Counter[str]:
        """Stop sampling; the samples per stage."""
        self._stop.set()
        self._thread.join()
        return self.counts
