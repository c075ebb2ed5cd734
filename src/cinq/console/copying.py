"""A recording copied in the background, so the radio page can show the copy as it
builds: the recording is read again at each step, a minute longer each time (the
receiver reads a voice recording at several hundred times real time, so the steps
cost little), each partial copy with its unsure figures marked, until the whole."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..errors import CinqError
from ..radio.profiles import Profile
from ..radio.reception import Reception
from ..radio.speech import Audio

__all__ = ["STEP_SECONDS", "Copying", "Progress"]

STEP_SECONDS = 60.0
"""How much more of the recording each partial copy reads."""


@dataclass(frozen=True)
class Progress:
    """Where a copy stands: the share of the recording read, the copy so far (None
    before the first step), whether it is finished, and a refusal if it failed."""

    done: float
    copy: Reception | None
    finished: bool
    refusal: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "done": self.done,
            "copy": self.copy.to_json() if self.copy else None,
            "finished": self.finished,
            "refusal": self.refusal,
        }


class Copying:
    """One recording being copied on a thread; :meth:`progress` is safe to call from
    any thread while it runs."""

    def __init__(
        self, audio: Audio, profile: Profile, rate: int, step: float = STEP_SECONDS
    ) -> None:
        self._audio, self._profile, self._rate, self._step = audio, profile, rate, step
        self._lock = threading.Lock()
        self._state = Progress(0.0, None, False)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Copying:
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> Progress:
        self._thread.join(timeout)
        return self.progress()

    def progress(self) -> Progress:
        with self._lock:
            return self._state

    def _run(self) -> None:
        from ..radio.receive import receive

        step = max(int(self._step * self._rate), 1)
        ends = [*range(step, len(self._audio), step), len(self._audio)]
        try:
            for end in ends:
                got = receive(self._audio[:end], self._profile, known=True)
                self._set(Progress(end / len(self._audio), got, end == ends[-1]))
        except CinqError as e:
            self._set(Progress(self.progress().done, self.progress().copy, True, str(e)))
        except Exception as e:  # a bug: said on the page, never a page waiting forever
            said = f"internal error in the receiver ({type(e).__name__}): a bug in cinq, report it"
            self._set(Progress(self.progress().done, self.progress().copy, True, said))

    def _set(self, state: Progress) -> None:
        with self._lock:
            self._state = state
