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
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from .digits import GROUP, UNKNOWN, check_group, group_problem, is_group
from .errors import BadInput
from .sourcetext import SourceLine, needs_unwrapping, source_lines

__all__ = ["UNKNOWN", "Document"]

_TOKEN = re.compile(r"\S+")
_SIGNATURE = re.compile(r"by\s+(\S.*)", re.IGNORECASE)
_BOM = "\ufeff"
# Tokens longer than this are words, dates or phone numbers, not miscopied groups.
_SUSPECT_TOKEN_MAX = 7


def _is_group(token: str) -> bool:
    return is_group(token, unknown_allowed=True)


class _Kind(Enum):
    BLANK = "blank"
    GROUPS = "groups"  # every token is a five-figure group
    SUSPECT = "suspect"  # looks like a group line but is malformed
    TEXT = "text"


def _classify(line: str) -> _Kind:
    tokens = line.split()
    if not tokens:
        return _Kind.BLANK
    if all(_is_group(t) for t in tokens):
        return _Kind.GROUPS
    if _SIGNATURE.fullmatch(line.strip()):
        return _Kind.TEXT
    # Mostly groups, the rest group-sized garbage ("58523 ABCDE"): a damaged group line.
    if 2 * sum(bool(_is_group(t)) for t in tokens) >= len(tokens) and all(
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
        problem = group_problem(token, unknown_allowed=True)
        if problem is not None:
            where = line.locate(m.start() + problem.offset, source=source)
            return BadInput(f"malformed group {token!r}: {problem.reason}", location=where)
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
        if kind is _Kind.SUSPECT and any(_is_group(t) for t in line.text.split())
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


class Document:
    """A message as published: optional cover text, five-figure groups, optional signature.

    Immutable and compared by value. The groups are held as their figures back to back
    (ASCII bytes, :attr:`figures`), so a document of millions of groups costs no string
    per group until :attr:`groups` is asked for.

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

    __slots__ = ("_figures", "_groups", "cover", "signature", "trailer")
    _figures: bytes
    _groups: tuple[str, ...] | None
    cover: str | None
    signature: str | None
    trailer: str | None

    def __init__(
        self,
        groups: Iterable[str],
        cover: str | None = None,
        signature: str | None = None,
        trailer: str | None = None,
    ) -> None:
        given = tuple(groups)
        if not given:
            raise BadInput("a document needs at least one group")
        self._set(_figures_of(given), cover, signature, trailer)
        object.__setattr__(self, "_groups", given)

    @classmethod
    def from_figures(
        cls,
        figures: bytes,
        *,
        cover: str | None = None,
        signature: str | None = None,
        trailer: str | None = None,
    ) -> Document:
        """A document from its groups' figures back to back (ASCII bytes, ``?`` for an
        unreadable digit), checked on arrays: what a message's digits become without a
        string per group. Same rules and errors as the constructor."""
        doc = object.__new__(cls)
        doc._set(_checked_figures(figures), cover, signature, trailer)
        return doc

    def _set(
        self, figures: bytes, cover: str | None, signature: str | None, trailer: str | None
    ) -> None:
        # Immutable: normalise through object.__setattr__ so equal documents compare equal.
        object.__setattr__(self, "_figures", figures)
        object.__setattr__(self, "_groups", None)
        object.__setattr__(self, "cover", _no_trailing_breaks(cover))
        object.__setattr__(self, "trailer", _no_trailing_breaks(trailer))
        if signature is not None:
            signature = signature.strip()
            if not signature:
                raise BadInput("the signature is empty")
            if "\n" in signature or "\r" in signature:
                raise BadInput("the signature must fit on one line")
        object.__setattr__(self, "signature", signature)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Document is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Document is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[object, ...]:
        return (_restore, (self._figures, self.cover, self.signature, self.trailer))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[bytes, str | None, str | None, str | None]:
        return (self._figures, self.cover, self.signature, self.trailer)

    def __repr__(self) -> str:
        return (
            f"Document(groups={self.groups!r}, cover={self.cover!r}, "
            f"signature={self.signature!r}, trailer={self.trailer!r})"
        )

    @property
    def figures(self) -> bytes:
        """The groups' figures back to back, as ASCII bytes (``?`` where unreadable)."""
        return self._figures

    @property
    def groups(self) -> tuple[str, ...]:
        """The five-figure groups in order (the first is the indicator)."""
        if self._groups is None:
            text = self._figures.decode("ascii")
            groups = tuple(text[i : i + GROUP] for i in range(0, len(text), GROUP))
            object.__setattr__(self, "_groups", groups)
            return groups
        return self._groups

    @property
    def group_count(self) -> int:
        """How many groups there are (``len(groups)`` without making them)."""
        return len(self._figures) // GROUP

    @property
    def unreadable(self) -> tuple[int, ...]:
        """The numbers (1-based) of the groups holding a digit that could not be read."""
        if UNKNOWN_BYTE not in self._figures:
            return ()
        at = np.flatnonzero(np.frombuffer(self._figures, dtype=np.uint8) == ord(UNKNOWN))
        return tuple((np.unique(at // GROUP) + 1).tolist())

    @property
    def unknown_digits(self) -> int:
        """How many digits of the copy could not be read (``?``)."""
        return self._figures.count(UNKNOWN_BYTE)

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
        parts.append(_block_text(self._figures, per_line))
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
        Plain text (no quoting, no markup) is read on whole-text arrays, line by line
        only where a line is not plainly groups or blank.

        Args:
            text: The text to search.
            source: A name for the text (a file name) used in error locations.

        Raises:
            BadInput: No block of groups is found, or a line inside the block is a
                malformed group line; the error carries the line and column.
        """
        # An editor does not show a BOM, so columns on line 1 are counted without it.
        text = text.removeprefix(_BOM)
        if "\r" in text:  # each CRLF or CR becomes one "\n": line numbers stay the same
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not needs_unwrapping(text):
            found = _parse_plain(text)
            if found is not None:
                return found
        # Quoted or marked-up text, and every error: line by line, located in the original.
        return _parse_lines(text, source)

    def to_json(self) -> dict[str, object]:
        """The document as a JSON-ready dict: cover, groups, signature, trailer."""
        return {
            "cover": self.cover,
            "groups": list(self.groups),
            "signature": self.signature,
            "trailer": self.trailer,
        }


UNKNOWN_BYTE = UNKNOWN.encode("ascii")


def _restore(
    figures: bytes, cover: str | None, signature: str | None, trailer: str | None
) -> Document:
    return Document.from_figures(figures, cover=cover, signature=signature, trailer=trailer)


def _figures_of(groups: tuple[str, ...]) -> bytes:
    """The figures of ``groups`` back to back; the first bad group is named."""
    if all(isinstance(g, str) for g in groups) and set(map(len, groups)) == {GROUP}:
        joined = "".join(groups)
        if joined.isascii() and _all_figures(joined.encode("ascii")):
            return joined.encode("ascii")
    for n, g in enumerate(groups, 1):
        check_group(g, unknown_allowed=True, name=f"group {n}")
    raise AssertionError("some group was bad")  # pragma: no cover


def _all_figures(figures: bytes) -> bool:
    """Whether every byte is an ASCII digit or ``?``."""
    return not figures.translate(None, _FIGURE_BYTES)


_FIGURE_BYTES = b"0123456789" + UNKNOWN_BYTE


def _checked_figures(figures: bytes) -> bytes:
    """``figures`` if they are whole groups of digits or ``?``; else the first bad group
    named as the constructor names it."""
    figures = bytes(figures)
    if not figures:
        raise BadInput("a document needs at least one group")
    if len(figures) % GROUP == 0 and _all_figures(figures):
        return figures
    text = figures.decode("ascii", errors="replace")
    groups = tuple(text[i : i + GROUP] for i in range(0, len(text), GROUP))
    return _figures_of(groups)


def _block_text(figures: bytes, per_line: int) -> str:
    """The groups ``per_line`` to a line, single spaces between, each line ended."""
    rows = np.frombuffer(figures, dtype=np.uint8).reshape(-1, GROUP)
    out = np.empty((len(rows), GROUP + 1), dtype=np.uint8)
    out[:, :GROUP] = rows
    out[:, GROUP] = ord(" ")
    out[per_line - 1 :: per_line, GROUP] = ord("\n")
    out[-1, GROUP] = ord("\n")
    return out.tobytes().decode("ascii")


def _parse_lines(text: str, source: str | None) -> Document:
    """:meth:`Document.parse` line by line, through :func:`cinq.sourcetext.source_lines`."""
    lines = source_lines(text)
    kinds = [_classify(line.text) for line in lines]
    block = _best_block(kinds, lines)
    if block is None:
        raise _no_block(lines, kinds, source)
    return _assemble(lines, kinds, block, source)


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


# -- plain text on whole-text arrays ------------------------------------------------------
#
# The bytes of the text (UTF-8, so a line break is always byte 10 and a digit byte is
# always a digit) are classified at once: runs of figures (digits and "?"), blanks
# (space, tab, line break) and anything else. A line of blanks and runs of exactly five
# figures is a group line and a line of blanks is blank, by the same rule as
# _classify; only the lines holding anything else ("odd" lines: prose, the signature,
# a short or long run) are read one by one with _classify itself.

_BLANK_BYTES = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # str.split's ASCII whitespace
_BLANK, _FIGURE, _OTHER = 0, 1, 2
# Each byte's kind, for bytes.translate: only space, tab and line break are blank here
# (a line with another blank is read by _classify, which knows them all).
_BYTE_KINDS = bytes(
    _FIGURE if chr(b) in "0123456789" + UNKNOWN else _BLANK if chr(b) in " \t\n" else _OTHER
    for b in range(256)
)


@dataclass(frozen=True)
class _Runs:
    """Where the runs of figures start and end (byte offsets, end exclusive), and the
    sorted offsets of bytes that make a line odd."""

    starts: NDArray[np.intp]
    ends: NDArray[np.intp]
    odd: NDArray[np.intp]

    @classmethod
    def of(cls, raw: bytes) -> _Runs:
        kinds = np.frombuffer(raw.translate(_BYTE_KINDS), dtype=np.uint8)
        fig = np.zeros(len(kinds) + 2, dtype=np.bool_)  # False on both sides of the text
        np.equal(kinds, _FIGURE, out=fig[1:-1])
        edges = np.flatnonzero(fig[1:] != fig[:-1])  # runs start and end alternately
        starts, ends = edges[0::2], edges[1::2]
        odd = np.flatnonzero(kinds == _OTHER)
        bad = starts[(ends - starts) != GROUP]
        return cls(starts, ends, np.union1d(odd, bad) if len(bad) else odd)

    def count(self, lo: int, hi: int) -> int:
        """How many runs start in bytes ``[lo, hi)``."""
        return int(np.searchsorted(self.starts, hi) - np.searchsorted(self.starts, lo))


@dataclass(frozen=True)
class _Line:
    """An odd line: its bytes ``[start, end)`` (``end`` at its line break) and kind."""

    start: int
    end: int
    kind: _Kind


def _odd_lines(raw: bytes, runs: _Runs, codec: str) -> list[_Line]:
    """Each line holding an odd byte, classified by :func:`_classify`."""
    out: list[_Line] = []
    i = 0
    while i < len(runs.odd):
        at = int(runs.odd[i])
        start = raw.rfind(b"\n", 0, at) + 1
        end = raw.find(b"\n", at)
        end = len(raw) if end < 0 else end
        out.append(_Line(start, end, _classify(raw[start:end].decode(codec, "surrogatepass"))))
        i = int(np.searchsorted(runs.odd, end))
    return out


def _plain_block(raw: bytes, runs: _Runs, odd: list[_Line]) -> tuple[int, int] | None:
    """Bytes ``[start, end)`` of the lines of the block, as :func:`_best_block` finds
    it; None if there is none or it holds a damaged line (the line reader names it)."""
    text_lines = [line for line in odd if line.kind is _Kind.TEXT]
    lows = np.array([0, *(line.end + 1 for line in text_lines)], dtype=np.intp)
    highs = np.array([*(line.start for line in text_lines), len(raw)], dtype=np.intp)
    counts = np.searchsorted(runs.starts, highs) - np.searchsorted(runs.starts, lows)
    damaged = np.zeros(len(counts), dtype=np.bool_)
    for line in odd:
        if line.kind is _Kind.SUSPECT:  # its runs are no groups, and it spoils its block
            k = int(np.searchsorted(lows, line.start, side="right")) - 1
            counts[k] -= runs.count(line.start, line.end)
            damaged[k] = True
    best = int(np.argmax(counts))  # the earliest on a tie
    if counts[best] <= 0 or damaged[best]:
        return None
    first = int(runs.starts[np.searchsorted(runs.starts, lows[best])])
    last = int(runs.starts[np.searchsorted(runs.starts, highs[best]) - 1])
    end = raw.find(b"\n", last)
    return raw.rfind(b"\n", 0, first) + 1, len(raw) if end < 0 else end


def _parse_plain(text: str) -> Document | None:
    """:meth:`Document.parse` for text with no quoting or markup; None when the line
    reader must take over (no block, a damaged line in it)."""
    raw, codec = _encoded(text)
    runs = _Runs.of(raw)
    block = _plain_block(raw, runs, _odd_lines(raw, runs, codec))
    if block is None:
        return None
    start, end = block
    inside = raw[start:end]
    if inside.isascii():
        figures = inside.translate(None, _BLANK_BYTES)
    else:  # blanks beyond ASCII (no-break spaces) between the groups
        figures = "".join(inside.decode(codec, "surrogatepass").split()).encode("ascii")
    if len(figures) != GROUP * runs.count(start, end):  # pragma: no cover - by construction
        return None
    cover = raw[: max(start - 1, 0)].decode(codec, "surrogatepass")
    signature, trailer = _signed(raw[end + 1 :].decode(codec, "surrogatepass"))
    doc = object.__new__(Document)
    doc._set(figures, _trim_blank_lines(cover), signature, trailer)  # figures by construction
    return doc


def _encoded(text: str) -> tuple[bytes, str]:
    """``text`` as bytes and the codec used: Latin-1 when it fits (one byte per
    character, no conversion), else UTF-8. Either way a line break is byte 10 and an
    ASCII digit its own byte, and no other character's bytes are either."""
    try:
        return text.encode("latin-1"), "latin-1"
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass"), "utf-8"


def _signed(after: str) -> tuple[str | None, str | None]:
    """The signature (``By ...`` on the first non-blank line of ``after``) and the
    trailer (the rest, blank lines at its ends taken away)."""
    pos = 0
    while pos <= len(after):
        brk = after.find("\n", pos)
        end = len(after) if brk < 0 else brk
        line = after[pos:end].strip()
        if line:
            m = _SIGNATURE.fullmatch(line)
            if m is None:
                break
            rest = "" if brk < 0 else after[brk + 1 :]
            return m.group(1).strip(), _trim_blank_lines(rest)
        pos = end + 1
    return None, _trim_blank_lines(after)


def _trim_blank_lines(text: str) -> str | None:
    """``text`` without the blank lines at either end; None if nothing else is left."""
    stripped = text.strip()
    if not stripped:
        return None
    head = len(text) - len(text.lstrip())
    start = text.rfind("\n", 0, head) + 1
    tail = len(text.rstrip())
    end = text.find("\n", tail)
    return text[start : len(text) if end < 0 else end]
