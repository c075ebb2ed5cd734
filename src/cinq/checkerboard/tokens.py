"""Typed tokens of a plaintext: characters, CODE escapes and procedural signs.

A text for a board is a run of single characters, with two text forms for what has
no character: ``{123}`` (a CODE escape: the CODE cell and three codebook digits) and
``{RPT}`` (a procedural sign, two to five capital letters). :func:`tokenize` reads a
text into :class:`Token` values, so no part of cinq slices marker strings by position.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from .cells import CODE_DIGITS, ESCAPE


class TokenKind(Enum):
    CHAR = "char"  # one character of text
    CODE = "code"  # a CODE escape: ``digits`` holds its three digits
    SIGN = "sign"  # a procedural sign such as RPT: ``text`` holds its name


@dataclass(frozen=True)
class Token:
    """One unit of a plaintext, where it starts (``offset``) and what it is."""

    kind: TokenKind
    text: str  # CHAR: the character; CODE: the three digits; SIGN: the name
    offset: int = 0

    def __post_init__(self) -> None:
        if self.kind is TokenKind.CODE and (len(self.text) != CODE_DIGITS or not self.is_digits):
            raise ValueError(f"a CODE escape holds {CODE_DIGITS} digits, not {self.text!r}")

    @property
    def is_digits(self) -> bool:
        return self.text.isascii() and self.text.isdigit()

    @property
    def written(self) -> str:
        """The token as it is written in a text: ``A``, ``{123}``, ``{RPT}``."""
        return self.text if self.kind is TokenKind.CHAR else "{" + self.text + "}"


def tokenize(text: str) -> Iterator[Token]:
    """The tokens of ``text`` in order; a ``{`` that starts no escape is a character."""
    i = 0
    n = len(text)
    while i < n:
        if text[i] == "{" and (m := ESCAPE.match(text, i)):
            yield token_at(text, i)
            i = m.end()
        else:
            yield Token(TokenKind.CHAR, text[i], i)
            i += 1


def token_at(text: str, offset: int) -> Token:
    """The token that starts at ``offset`` (an escape if one starts there)."""
    m = ESCAPE.match(text, offset) if text[offset] == "{" else None
    if m is None:
        return Token(TokenKind.CHAR, text[offset], offset)
    if m.group(1):
        return Token(TokenKind.CODE, m.group(1), offset)
    return Token(TokenKind.SIGN, m.group(2), offset)
