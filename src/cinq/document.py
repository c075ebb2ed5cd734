"""The document: cover text, a block of five-figure groups, a signature.

A cinq document is laid out the way such messages are published::

    <cover text, any language; optional>

    58523
    45006
    ...

    By mrtrv

:meth:`Document.render` writes that layout; :meth:`Document.parse` finds it again in
any text a message may arrive in (a pasted web page, an e-mail, a transcript). Parsing
is tolerant of layout (line endings, blank lines, several groups per line) but strict
inside the block: a garbled group is an error with its line and column, never
something silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .errors import BadInput, Location

__all__ = ["Document"]

_GROUP = re.compile(r"[0-9]{5}")  # [0-9], not \d: only ASCII digits make a group
_TOKEN = re.compile(r"\S+")
_SIGNATURE = re.compile(r"by\s+(\S.*)", re.IGNORECASE)
_BOM = "\ufeff"
# Tokens longer than this are words, dates or phone numbers, not miscopied groups.
_SUSPECT_TOKEN_MAX = 7


class _Kind(Enum):
    BLANK = "blank"
    GROUPS = "groups"  # every token is a five-figure group
    SUSPECT = "suspect"  # looks like a group line but is malformed
    TEXT = "text"


def _classify(line: str) -> _Kind:
    tokens = line.split()
    if not tokens:
        return _Kind.BLANK
    if all(_GROUP.fullmatch(t) for t in tokens):
        return _Kind.GROUPS
    if _SIGNATURE.fullmatch(line.strip()):
        return _Kind.TEXT
    # Mostly groups, the rest group-sized garbage ("58523 ABCDE"): a damaged group line.
    if 2 * sum(bool(_GROUP.fullmatch(t)) for t in tokens) >= len(tokens) and all(
        4 <= len(t) <= 6 for t in tokens
    ):
        return _Kind.SUSPECT
    chars = "".join(tokens)
    digits = sum(c.isdecimal() for c in chars)
    # Every token must carry a digit: a word ("By", "h", "Tél.") makes the line prose,
    # which keeps "By 12345" and "14 h 30" out of the block.
    if 2 * digits >= len(chars) and all(
        len(t) <= _SUSPECT_TOKEN_MAX and any(c.isdecimal() for c in t) for t in tokens
    ):
        return _Kind.SUSPECT
    return _Kind.TEXT


def _malformed(line: str, number: int, source: str | None) -> BadInput:
    """The error for the first token of a SUSPECT ``line`` that is not a group."""
    for m in _TOKEN.finditer(line):
        token = m.group()
        if _GROUP.fullmatch(token):
            continue
        for i, ch in enumerate(token):
            if not ("0" <= ch <= "9"):
                what = "an ASCII digit" if ch.isdecimal() else "a digit"
                where = Location(number, m.start() + i + 1, ch, source)
                return BadInput(f"malformed group {token!r}: {ch!r} is not {what}", location=where)
        where = Location(number, m.start() + 1, token[0], source)
        return BadInput(
            f"malformed group {token!r}: {len(token)} digits, a group has 5", location=where
        )
    raise AssertionError("a suspect line always holds a malformed token")  # pragma: no cover


def _strip_blank_lines(lines: list[str]) -> str | None:
    """Join ``lines`` with ``"\\n"`` without the blank lines at either end; None if empty."""
    kept = [i for i, line in enumerate(lines) if line.strip()]
    if not kept:
        return None
    return "\n".join(lines[kept[0] : kept[-1] + 1])


def _no_trailing_breaks(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.rstrip("\r\n")
    return text if text.strip() else None


@dataclass(frozen=True)
class Document:
    """A message as published: optional cover text, five-figure groups, optional signature.

    Args:
        groups: The five-figure groups in order (the first is the indicator).
        cover: Text shown before the groups. Trailing line breaks are removed; an empty
            or all-blank cover becomes ``None``.
        signature: The sender's callsign, rendered as ``By <signature>``.
        trailer: Text found after the signature (an e-mail footer, say). Trailing line
            breaks are removed; empty becomes ``None``.

    Raises:
        BadInput: A group is not exactly five ASCII digits, there are no groups, or the
            signature is empty or spans lines.
    """

    groups: tuple[str, ...]
    cover: str | None = None
    signature: str | None = None
    trailer: str | None = None

    def __post_init__(self) -> None:
        # Frozen: normalise through object.__setattr__ so equal documents compare equal.
        groups = tuple(self.groups)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "cover", _no_trailing_breaks(self.cover))
        object.__setattr__(self, "trailer", _no_trailing_breaks(self.trailer))
        if not groups:
            raise BadInput("a document needs at least one group")
        for n, g in enumerate(groups, 1):
            if not isinstance(g, str) or not _GROUP.fullmatch(g):
                raise BadInput(f"group {n} ({g!r}) is not five ASCII digits")
        if self.signature is not None:
            signature = self.signature.strip()
            if not signature:
                raise BadInput("the signature is empty")
            if "\n" in signature or "\r" in signature:
                raise BadInput("the signature must fit on one line")
            object.__setattr__(self, "signature", signature)

    def render(self, per_line: int = 1) -> str:
        """The document as text, always ending with a newline.

        Args:
            per_line: Groups per line, separated by single spaces.

        Raises:
            BadInput: ``per_line`` is less than 1.
        """
        if per_line < 1:
            raise BadInput(f"groups per line must be at least 1, not {per_line}")
        parts = [] if self.cover is None else [self.cover, "\n\n"]
        for i in range(0, len(self.groups), per_line):
            parts += [" ".join(self.groups[i : i + per_line]), "\n"]
        if self.signature is not None:
            parts.append(f"\nBy {self.signature}\n")
        if self.trailer is not None:
            parts.append(f"\n{self.trailer}\n")
        return "".join(parts)

    @classmethod
    def parse(cls, text: str, *, source: str | None = None) -> Document:
        """Find the cover text, the groups and the signature in any text.

        The block is the longest run of group lines (separated only by blank lines);
        the earliest wins a tie, and numbers elsewhere stay in the cover or trailer.
        Line endings are normalised to ``"\\n"``. For a document whose cover and
        trailer are prose, ``Document.parse(doc.render(k)) == doc``.

        Args:
            text: The text to search.
            source: A name for the text (a file name) used in error locations.

        Raises:
            BadInput: No block of groups is found, or a line inside the block is a
                malformed group line; the error carries the line and column.
        """
        # An editor does not show a BOM, so columns on line 1 are counted without it.
        text = text.removeprefix(_BOM)
        # Each CRLF or CR becomes one "\n", so line numbers match the original.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kinds = [_classify(line) for line in lines]

        # Runs of GROUPS/SUSPECT lines, blank lines allowed between: (first, last, count).
        best: tuple[int, int, int] | None = None
        i = 0
        while i < len(lines):
            if kinds[i] not in (_Kind.GROUPS, _Kind.SUSPECT):
                i += 1
                continue
            first = last = i
            count = 0
            while i < len(lines) and kinds[i] is not _Kind.TEXT:
                if kinds[i] is not _Kind.BLANK:
                    last = i
                    count += len(lines[i].split()) if kinds[i] is _Kind.GROUPS else 0
                i += 1
            if count and (best is None or count > best[2]):
                best = (first, last, count)
        if best is None:
            where = f" in {source}" if source else ""
            raise BadInput(f"no block of five-figure groups found{where}")
        first, last, _ = best

        groups: list[str] = []
        for n in range(first, last + 1):
            if kinds[n] is _Kind.SUSPECT:
                raise _malformed(lines[n], n + 1, source)
            groups += lines[n].split()

        after = lines[last + 1 :]
        signature = None
        nonblank = next((k for k, line in enumerate(after) if line.strip()), None)
        if nonblank is not None and (m := _SIGNATURE.fullmatch(after[nonblank].strip())):
            signature = m.group(1).strip()
            after = after[nonblank + 1 :]
        return cls(
            groups=tuple(groups),
            cover=_strip_blank_lines(lines[:first]),
            signature=signature,
            trailer=_strip_blank_lines(after),
        )

    def to_json(self) -> dict[str, object]:
        """The document as a JSON-ready dict: cover, groups, signature, trailer."""
        return {
            "cover": self.cover,
            "groups": list(self.groups),
            "signature": self.signature,
            "trailer": self.trailer,
        }
