"""One error hierarchy for the whole library.

Every error says what is wrong and, where it can, *where*: a :class:`Location`
with line, column and the offending character. The CLI maps the classes to exit
codes, so library users and shell users see the same distinctions:

====  =====================================================================
0     success
2     ``BadInput`` (bad usage, bad input, an output that cannot be written),
      ``MissingExtra`` (an optional stack is not installed)
3     ``KeyManagementError`` (unknown/burned/used page, wrong role, spoiled)
4     ``AuthenticationFailed`` (the check groups do not match)
70    an internal error (a bug in cinq: one line on stderr, no traceback
      unless ``CINQ_DEBUG=1``)
130   interrupted (Ctrl-C)
====  =====================================================================

Errors never carry pad digits: messages are built from positions, page IDs and
counts only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a text: 1-based line and column, and the character found there."""

    line: int
    column: int
    char: str | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}"
        if self.source:
            where = f"{self.source}: {where}"
        if self.char is not None:
            where += f" ({describe_char(self.char)})"
        return where

    @classmethod
    def of_offset(
        cls, text: str, offset: int, *, source: str | None = None, char: bool = True
    ) -> Location:
        """The location of ``text[offset]`` (lines split on ``\\n``)."""
        line = text.count("\n", 0, offset) + 1
        start = text.rfind("\n", 0, offset) + 1
        found = text[offset] if char and offset < len(text) else None
        return cls(line, offset - start + 1, found, source)


def describe_char(ch: str) -> str:
    """A readable name for a character, e.g. ``'é' U+00E9``."""
    if ch == "\n":
        return "line break U+000A"
    if ch == "\r":
        return "carriage return U+000D"
    if ch == "\t":
        return "tab U+0009"
    return f"{ch!r} U+{ord(ch):04X}"


class CinqError(Exception):
    """Base of every error cinq raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)

    @property
    def meaning(self) -> str:
        """What the exit code says, in the README's words (for a page that shows a
        refusal as the command line would end)."""
        return MEANINGS.get(self.exit_code, "refused")


MEANINGS = {
    2: "bad usage or bad input",
    3: "refused for key-management reasons",
    4: "authentication failed: the message was altered or forged",
}
"""Each exit code of a refusal and what it means (the README's table)."""


class BadInput(CinqError):
    """The input (text, digits, document, file) is malformed. Exit code 2."""

    exit_code = 2


class KeyManagementError(CinqError):
    """Refused for key-management reasons: unknown, used-up or burned page,
    wrong book role. Exit code 3."""

    exit_code = 3


class UnencodableText(BadInput):
    """A character of the plaintext has no cell on the board and no policy applies."""


class CannotWrite(BadInput):
    """An output (file, folder, stdout) cannot be written. Exit code 2.

    Raised before any pad page is taken when the destination is checked up front,
    so nothing is consumed."""


class PageSpoiled(KeyManagementError):
    """Pad pages were taken but the message could not be delivered (the output
    failed after the page was taken). The pages are marked spoiled in the book, never
    reusable; the message names them. Exit code 3."""

    def __init__(self, message: str, *, page_ids: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.page_ids = page_ids


class AuthenticationFailed(CinqError):
    """The check groups do not match: the message was altered or forged. Exit code 4."""

    exit_code = 4


class MissingExtra(CinqError, ImportError):
    """A feature needs an optional part of cinq that is not installed, e.g. the PDF
    stack of ``cinq[print]``. The message names the command that installs it. Exit
    code 2. Also an :class:`ImportError`, so ``except ImportError`` catches it."""

    exit_code = 2

    def __init__(self, extra: str, module: str, *, feature: str | None = None) -> None:
        super().__init__(
            f"{feature or 'this'} needs the optional {extra!r} part of cinq, which is not "
            f"installed (no module {module!r}): pip install 'cinq[{extra}]'"
        )
        self.extra = extra
        self.name = module
