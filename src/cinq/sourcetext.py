"""Text as it arrives, made plain: e-mail quoting and HTML markup taken away.

A message is pasted from a reply e-mail (``> 58523``, ``> > 58523``, ``>>58523``) or saved
from a web page (``<p>58523<br>45006</p>``, ``&nbsp;``, ``&#8217;``). :func:`source_lines`
turns such text into plain lines for :meth:`cinq.document.Document.parse`, and every
line remembers where each of its characters came from, so that an error still names
the line and column of the *original* text, the one the user has in front of them.

HTML is read with the standard library's :class:`html.parser.HTMLParser` (no regular
expressions over markup): block elements and ``<br>`` end lines, table cells are
separated by a space, scripts and styles are left out, character references are decoded.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from .errors import Location

__all__ = ["SourceLine", "looks_like_html", "needs_unwrapping", "source_lines"]

# Only the quote marks at the start of a line: "> ", ">>", "> > ", with any indentation.
# One space after each ">" belongs to the quoting; more is the quoted text's own indent.
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")
# A real tag that only HTML has; prose mentioning "<" or "a < b" is not HTML.
_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|p|br|div|table|tr|td|pre|span|blockquote|font|b|i)"
    r"(?:\s[^<>]*)?/?>",  # the name ends the tag or a space follows: not <b@example.org>
    re.IGNORECASE,
)
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "title",
        "tr",
        "ul",
    }
)
_CELL = frozenset({"td", "th"})
_PRE = frozenset({"pre", "listing", "plaintext", "textarea"})  # line breaks kept
_BLOCK |= _PRE
_HIDDEN = frozenset({"script", "style", "noscript", "template"})


@dataclass(frozen=True)
class SourceLine:
    """One line as read, and where its characters were in the original text.

    ``marks`` are ``(column in text, original line, original column)`` triples, 0-based
    columns, increasing: the character at ``column`` came from that place, and those
    after it follow it in the original, until the next mark.
    """

    text: str
    depth: int  # e-mail quoting depth: how many ">" were taken off
    marks: tuple[tuple[int, int, int], ...]

    @property
    def number(self) -> int:
        """The original line the line starts on (1-based)."""
        return self.marks[0][1]

    def locate(self, column: int, *, source: str | None = None) -> Location:
        """The original place of ``text[column]`` (0-based), as a :class:`Location`."""
        at = bisect.bisect_right(self.marks, (column, 1 << 62, 0)) - 1
        start, line, col = self.marks[max(at, 0)]
        found = self.text[column] if column < len(self.text) else None
        return Location(line, col + column - start + 1, found, source)


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds markup only HTML has (``<p>``, ``<br>``, ``<html>`` ...)."""
    return _HTML_TAG.search(text) is not None


# A line that starts with a quote mark, as _QUOTE reads it.
_QUOTED_LINE = re.compile(r"^[ \t]*>", re.MULTILINE)


def needs_unwrapping(text: str) -> bool:
    """Whether :func:`source_lines` would change ``text`` beyond splitting it into lines:
    some line is quoted (``>``) or the text is HTML. When it would not, a reader may
    take the plain lines of ``text`` as they are (each is its own original)."""
    return (">" in text and _QUOTED_LINE.search(text) is not None) or (
        "<" in text and looks_like_html(text)
    )


def source_lines(text: str) -> list[SourceLine]:
    """Plain lines of ``text`` (line breaks already ``"\\n"``), quote marks removed."""
    lines = _html_lines(text) if looks_like_html(text) else _plain_lines(text)
    return [_unquote(line) for line in lines]


def _plain_lines(text: str) -> list[SourceLine]:
    return [SourceLine(line, 0, ((0, n, 0),)) for n, line in enumerate(text.split("\n"), 1)]


def _unquote(line: SourceLine) -> SourceLine:
    m = _QUOTE.match(line.text)
    if m is None or ">" not in m.group():
        return line
    cut = m.end()
    # Shift the marks: text column c is now what column c + cut was.
    kept = [(c - cut, ln, col) for c, ln, col in line.marks if c >= cut]
    if not kept or kept[0][0] != 0:
        head = line.locate(cut)
        kept.insert(0, (0, head.line, head.column - 1))
    return SourceLine(line.text[cut:], m.group().count(">"), tuple(kept))


class _Markup(HTMLParser):
    """Collects the text of an HTML page as lines with their original places."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # each reference has its own position
        self.lines: list[SourceLine] = []
        self._text: list[str] = []
        self._marks: list[tuple[int, int, int]] = []
        self._width = 0
        self._hidden = 0
        self._pre = 0

    def _put(self, piece: str, line: int, col: int) -> None:
        """Text found at ``line``, ``col`` of the page. A line break of the source is a
        space, as a browser shows it, except inside <pre>."""
        for k, part in enumerate(piece.split("\n")):
            if k:
                if self._pre:
                    self._end_line()
                elif self._width:
                    self._add(" ", line, col)
                line, col = line + 1, 0
            if part:
                self._add(part, line, col)
                col += len(part)

    def _add(self, text: str, line: int, col: int) -> None:
        self._marks.append((self._width, line, col))
        self._text.append(text)
        self._width += len(text)

    def _end_line(self) -> None:
        line, _ = self.getpos()
        marks = tuple(self._marks) or ((0, line, 0),)
        self.lines.append(SourceLine("".join(self._text), 0, marks))
        self._text, self._marks, self._width = [], [], 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br" or tag in _BLOCK:
            self._pre += tag in _PRE
            self._end_line()
        elif tag in _CELL:
            self._put(" ", *self.getpos())

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
        elif tag in _BLOCK:
            self._pre = max(self._pre - (tag in _PRE), 0)
            self._end_line()
        elif tag in _CELL:
            self._put(" ", *self.getpos())

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._put(data, *self.getpos())

    def handle_entityref(self, name: str) -> None:
        if not self._hidden:
            self._put(unescape(f"&{name};"), *self.getpos())

    def handle_charref(self, name: str) -> None:
        if not self._hidden:
            self._put(unescape(f"&#{name};"), *self.getpos())


def _html_lines(text: str) -> list[SourceLine]:
    parser = _Markup()
    parser.feed(text)
    parser.close()
    parser._end_line()
    # Markup leaves runs of empty lines; one is enough to separate paragraphs.
    return [
        line
        for k, line in enumerate(parser.lines)
        if line.text.strip() or k == 0 or parser.lines[k - 1].text.strip()
    ]
