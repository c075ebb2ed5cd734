"""The document: cover text, a block of five-figure groups, a signature.

A cinq document is laid out the way such messages are published::

    <cover text, any language; optional>

    58523
    45006
    ...

    By mrtrv

:meth:`Document.render` writes that layout; :meth:`Document.parse` finds it again in
any text a message may arrive in (a pasted web page, an e-mail, a transcript). Parsing
is tolerant of layout (line endings, blank lines, several groups per line, e-mail
quoting ``>``/``> >``/``>>`` at any depth, HTML markup and entities) but strict inside
the block: a garbled group is an error with its line and column *in the original text*
(before quote marks and tags were taken away), never something silently dropped.

An unreadable digit is written ``?`` (as ``cinq receive`` and radio monitors write it):
``"58?23"`` is a group with one unknown digit. :attr:`Document.unreadable` names the
groups that hold one; :class:`cinq.message.Message` refuses them (nothing may do
arithmetic on an unknown digit), :mod:`cinq.partial` reads such a copy as far as it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .errors import BadInput
from .sourcetext import SourceLine, source_lines

__all__ = ["UNKNOWN", "Document"]

UNKNOWN = "?"
"""How a copy writes a digit nobody could read."""
# [0-9], not \d: only ASCII digits make a group; "?" is a digit that could not be read.
_GROUP = re.compile(r"[0-9?]{5}")
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


def _malformed(line: SourceLine, source: str | None) -> BadInput:
    """The error for the first token of a SUSPECT ``line`` that is not a group, located
    in the original text."""
    for m in _TOKEN.finditer(line.text):
        token = m.group()
        if _GROUP.fullmatch(token):
            continue
        for i, ch in enumerate(token):
            if not ("0" <= ch <= "9" or ch == UNKNOWN):
                what = "an ASCII digit" if ch.isdecimal() else "a digit"
                where = line.locate(m.start() + i, source=source)
                return BadInput(f"malformed group {token!r}: {ch!r} is not {what}", location=where)
        where = line.locate(m.start(), source=source)
        return BadInput(
            f"malformed group {token!r}: {len(token)} digits, a group has 5", location=where
        )
    raise AssertionError("a suspect line always holds a malformed token")  # pragma: no cover


def _strip_blank_lines(lines: list[SourceLine]) -> str | None:
    """Join ``lines`` with ``"\\n"`` without the blank lines at either end; None if empty."""
    kept = [i for i, line in enumerate(lines) if line.text.strip()]
    if not kept:
        return None
    return "\n".join(line.text for line in lines[kept[0] : kept[-1] + 1])


def _best_block(kinds: list[_Kind], lines: list[SourceLine]) -> tuple[int, int] | None:
    """First and last line of the longest run of GROUPS/SUSPECT lines (blank lines allowed
    between); the earliest wins a tie."""
    best: tuple[int, int] | None = None
    most = 0
    i = 0
    while i < len(kinds):
        if kinds[i] not in (_Kind.GROUPS, _Kind.SUSPECT):
            i += 1
            continue
        first = last = i
        count = 0
        while i < len(kinds) and kinds[i] is not _Kind.TEXT:
            if kinds[i] is not _Kind.BLANK:
                last = i
                count += len(lines[i].text.split()) if kinds[i] is _Kind.GROUPS else 0
            i += 1
        if count > most:
            best, most = (first, last), count
    return best


def _no_block(lines: list[SourceLine], kinds: list[_Kind], source: str | None) -> BadInput:
    """The error when no block was found: a damaged group line that is the whole
    message (one paragraph of a web page) is named where it is; else "no block"."""
    damaged = [
        line
        for line, kind in zip(lines, kinds, strict=True)
        if kind is _Kind.SUSPECT and any(_GROUP.fullmatch(t) for t in line.text.split())
    ]
    if damaged:
        return _malformed(max(damaged, key=lambda line: len(line.text.split())), source)
    where = f" in {source}" if source else ""
    return BadInput(f"no block of five-figure groups found{where}")


def _same_quote(lines: list[SourceLine], depth: int) -> int:
    """How many of ``lines`` (from the start) belong with a block quoted ``depth`` deep:
    up to the first non-blank line at another depth ("On ... wrote:", the reply)."""
    for k, line in enumerate(lines):
        if line.depth != depth and line.text.strip():
            return k
    return len(lines)


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
        BadInput: A group is not exactly five ASCII digits (``?`` for one that could
            not be read), there are no groups, or the signature is empty or spans lines.
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
                raise BadInput(f"group {n} ({g!r}) is not five ASCII digits (or ? if unreadable)")
        if self.signature is not None:
            signature = self.signature.strip()
            if not signature:
                raise BadInput("the signature is empty")
            if "\n" in signature or "\r" in signature:
                raise BadInput("the signature must fit on one line")
            object.__setattr__(self, "signature", signature)

    @property
    def unreadable(self) -> tuple[int, ...]:
        """The numbers (1-based) of the groups holding a digit that could not be read."""
        return tuple(n for n, g in enumerate(self.groups, 1) if UNKNOWN in g)

    @property
    def unknown_digits(self) -> int:
        """How many digits of the copy could not be read (``?``)."""
        return sum(g.count(UNKNOWN) for g in self.groups)

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

        Text pasted from an e-mail reply or a web page is read too: quote marks at the
        start of lines (``>``, ``> >``, ``>>``, mixed depths) and HTML markup are taken
        away first (:mod:`cinq.sourcetext`); the cover and trailer are then the text
        quoted as deep as the block. ``?`` in a group is a digit that could not be read.

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
        lines = source_lines(text.replace("\r\n", "\n").replace("\r", "\n"))
        kinds = [_classify(line.text) for line in lines]
        block = _best_block(kinds, lines)
        if block is None:
            raise _no_block(lines, kinds, source)
        return _assemble(lines, kinds, block, source)

    def to_json(self) -> dict[str, object]:
        """The document as a JSON-ready dict: cover, groups, signature, trailer."""
        return {
            "cover": self.cover,
            "groups": list(self.groups),
            "signature": self.signature,
            "trailer": self.trailer,
        }


def _assemble(
    lines: list[SourceLine], kinds: list[_Kind], block: tuple[int, int], source: str | None
) -> Document:
    """The document whose block is lines ``block`` (first, last) of ``lines``."""
    first, last = block
    groups: list[str] = []
    for n in range(first, last + 1):
        if kinds[n] is _Kind.SUSPECT:
            raise _malformed(lines[n], source)
        groups += lines[n].text.split()
    # Cover and trailer are the text quoted as deep as the block (a reply's own
    # text and its "On ... wrote:" line belong to neither).
    depth = lines[first].depth
    before = lines[:first][::-1]
    before = before[: _same_quote(before, depth)][::-1]
    after = lines[last + 1 :]
    after = after[: _same_quote(after, depth)]
    signature = None
    nonblank = next((k for k, line in enumerate(after) if line.text.strip()), None)
    if nonblank is not None and (m := _SIGNATURE.fullmatch(after[nonblank].text.strip())):
        signature = m.group(1).strip()
        after = after[nonblank + 1 :]
    return Document(
        groups=tuple(groups),
        cover=_strip_blank_lines(before),
        signature=signature,
        trailer=_strip_blank_lines(after),
    )
