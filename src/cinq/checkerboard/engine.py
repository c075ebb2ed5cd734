"""The vectorised board engine: encode and decode as NumPy array programs.

A :class:`Compiled` board holds lookup tables built once from the board's modes:

* **Encoding** maps every token (a character's code point, or an id for a CODE escape or
  a sign) to its code in each mode. A token held by every mode keeps the current mode;
  a token held by one mode only *forces* that mode, so the mode of every token is the
  forced mode of the last forcing token before it: a forward fill (a running maximum of
  indices, or, where the runs of tokens every mode holds are short, a few rounds that
  give each the mode before it). Where the mode changes a shift goes in as a token of
  its own, as do the three digits after a CODE escape. Each token's code is one machine
  word of digit slots, the slots past the code marked; gathering the words and deleting
  the marks (``bytes.translate``) gives the digits, with no per-token offsets at all.
* **Decoding** first finds where the codes start. From a code start, the digits there
  (a window as wide as the longest code) and the mode say how far the next start is: a
  *step* table over (digit, mode) states. Following the steps from the first digit is
  sequential, so the digits are cut into blocks that are followed side by side: each
  block tries every state its first code could start in, and where those readings meet
  (a prefix-free code resynchronises within a few codes) the block's walk no longer
  depends on where the previous block ended. Blocks whose readings do not meet are
  walked exactly, one after the other (each block carries a parity mark, so a walk that
  runs a few codes past its block is told apart from the next block's own). The same
  gather that builds the step table gives the one character each state reads as;
  keeping those at the code starts is the text. Codes that read as more than one
  character (CODE escapes, signs, unused or unfinished codes) are rare: their text is
  written in after repeating each code's character by its length.

Texts up to a few thousand digits are decoded by following the steps in plain Python
(no block overhead); the block walk takes over above that.

Memory: about 10 bytes per digit while decoding (15 on a board with characters beyond
Latin-1) and about 30 bytes per character while encoding, with
:data:`~cinq.checkerboard.MAX_TEXT_CHARS` bounding both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..digits import Digits
from ..errors import Location, UnencodableText, describe_char
from .cells import CODE_DIGITS, Cell, DecodeError, Kind, Mode
from .tokens import TokenKind, token_at

I8 = NDArray[np.int8]
I16 = NDArray[np.int16]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
U8 = NDArray[np.uint8]

_END = 10  # the digit value that stands for "past the last digit" in a window
_SMALL = 4096  # up to this many digits, the code starts are followed in plain Python
_CHAINS = 512  # at most about this many blocks are walked side by side (see default_plan)
_NO_DIGIT = 255  # a packed code word's slot past the code's last digit
_INVALID = -1  # window table: a code this mode does not use
_UNFINISHED = -2  # window table: the digits end inside a code


@dataclass(frozen=True)
class Plan:
    """How decoding cuts the digits into blocks (see the module notes).

    ``block`` digits a block; the readings of a block are followed ``window`` digits
    before they must agree; walks overrun their end by at most ``every`` codes.
    """

    block: int
    window: int
    every: int


@dataclass(frozen=True, eq=False)
class Compiled:
    """The lookup tables of one board (built by :func:`compile_board`)."""

    name: str
    mode_names: tuple[str, ...]
    paren_toggle: bool
    # -- encoding: token ids are code points up to ``unknown``, then escapes
    unknown: int  # the id of every character with no cell (code points above the table)
    code_id: int  # the id of a CODE escape
    sign_ids: Mapping[str, int]  # the id of each sign the board has, e.g. RPT
    bad_sign: int  # the id of a sign the board does not have
    force: I8  # per id: the mode it forces, -1 held by every mode, -2 held by none
    force_ascii: bytes  # per byte of ASCII text: its force as a byte (bytes.translate)
    first_mode: I8  # per id: the first mode holding it (-1: none)
    member: NDArray[np.bool_]  # (modes, ids): which modes hold each id
    partial: bool  # some id is held by more than one mode but not by all
    emit_len: U8  # per (mode * ids + id), then per shift: how many digits its code has
    emit_dig: U8  # the same rows: the digits
    emit_mask: NDArray[np.bool_]  # the same rows: which of those digits are used
    emit_packed: NDArray[np.unsignedinteger[Any]] | None  # emit_dig rows as words, each
    # unused digit slot _NO_DIGIT
    back: tuple[tuple[int, ...], ...]  # per mode: the shift code back to the first mode
    # -- decoding
    width: int  # digits in a window: the longest code
    longest: int  # the longest code with its CODE digits
    win_cell: I16  # (mode * windows + window): cell index, _INVALID or _UNFINISHED
    win_len: I8  # digits of the code (or of the unused code) at a window
    win_step: I8  # how far the next (digit * modes + mode) state is
    win_char: NDArray[np.unsignedinteger[Any]]  # the one character read there (see _chars)
    complex: int  # win_char's mark for a code that reads as more than one character
    win_states: NDArray[np.unsignedinteger[Any]] | None  # per window, every mode's step
    # and character packed in one word, in state order (see _state_words)
    cells: tuple[Cell, ...]
    templates: NDArray[np.uint32]  # per cell: its text as code points
    template_len: NDArray[np.int64]

    @property
    def modes(self) -> int:
        return len(self.mode_names)

    @property
    def windows(self) -> int:
        return int(11**self.width)


# -- compiling a board ----------------------------------------------------------------


def compile_board(name: str, modes: tuple[Mode, ...], paren_toggle: bool) -> Compiled:
    """The lookup tables of a board; ``ValueError`` for a board the engine cannot use."""
    return Compiled(
        name=name,
        mode_names=tuple(mode.name for mode in modes),
        paren_toggle=paren_toggle,
        **_encoding_tables(name, modes),
        **_decoding_tables(modes),
    )


def _encoding_tables(name: str, modes: tuple[Mode, ...]) -> dict[str, Any]:
    """The fields of :class:`Compiled` for encoding: token ids and what each writes."""
    keys = [_mode_keys(mode) for mode in modes]
    chars = {k for ks in keys for k in ks if len(k) == 1}
    signs = sorted({k[1:-1] for ks in keys for k in ks if len(k) > 1 and k != _CODE_KEY})
    top = max((ord(c) for c in chars), default=0)
    ids = {
        **{c: ord(c) for c in chars},
        **{"{" + s + "}": top + 3 + i for i, s in enumerate(signs)},
    }
    ids[_CODE_KEY] = top + 2
    n_ids = top + 4 + len(signs)
    member = np.zeros((len(modes), n_ids), dtype=np.bool_)
    for m, ks in enumerate(keys):
        for k in ks:
            member[m, ids[k]] = True
    held = member.sum(axis=0)
    first = np.where(held > 0, member.argmax(axis=0), -1).astype(np.int8)
    force = np.where(held == len(modes), -1, np.where(held == 0, -2, first)).astype(np.int8)
    emit_len, emit_dig, back = _emit_tables(name, modes, keys, ids, force)
    used = np.arange(emit_dig.shape[1])[None, :] < emit_len[:, None]
    return {
        "unknown": top + 1,
        "code_id": ids[_CODE_KEY],
        "sign_ids": {s: ids["{" + s + "}"] for s in signs},
        "bad_sign": n_ids - 1,
        "force": force,
        "force_ascii": force[np.minimum(np.arange(256), top + 1)].view(np.uint8).tobytes(),
        "first_mode": first,
        "member": member,
        "partial": bool(((held > 1) & (held < len(modes))).any()),
        "emit_len": emit_len,
        "emit_dig": emit_dig,
        "emit_mask": used,
        "emit_packed": _packed(np.where(used, emit_dig, np.uint8(_NO_DIGIT))),
        "back": back,
    }


def _decoding_tables(modes: tuple[Mode, ...]) -> dict[str, Any]:
    """The fields of :class:`Compiled` for decoding: what each window of digits is."""
    width = max(len(c) for mode in modes for c in mode.codes)
    cells = tuple(dict.fromkeys(cell for mode in modes for cell in mode.codes.values()))
    win_cell, win_len, win_step, longest = _window_tables(modes, cells, width)
    templates, template_len = _templates(cells)
    win_char, complex_mark = _chars(cells, win_cell)
    return {
        "width": width,
        "longest": longest,
        "win_cell": win_cell,
        "win_len": win_len,
        "win_step": win_step,
        "win_char": win_char,
        "win_states": _state_words(win_step, win_char, len(modes)),
        "complex": complex_mark,
        "cells": cells,
        "templates": templates,
        "template_len": template_len,
    }


_CODE_KEY = "{}"  # the key of a CODE escape among the characters and signs


def _mode_keys(mode: Mode) -> dict[str, str]:
    """What each token key encodes to in one mode (first code wins, as on the card)."""
    out: dict[str, str] = {}
    for code, cell in mode.codes.items():
        if cell.kind is Kind.CHAR:
            out.setdefault(cell.text, code)
        elif cell.kind is Kind.CODE:
            out.setdefault(_CODE_KEY, code)
        elif cell.kind is Kind.SPECIAL:
            out.setdefault("{" + cell.text + "}", code)
        elif cell.kind is Kind.PAREN:
            out.setdefault("(", code)
            out.setdefault(")", code)
    return out


def _emit_tables(
    name: str,
    modes: tuple[Mode, ...],
    keys: list[dict[str, str]],
    ids: dict[str, int],
    force: I8,
) -> tuple[U8, U8, tuple[tuple[int, ...], ...]]:
    """The code of each (mode * ids + id), then of each shift (modes * ids + previous
    mode * modes + mode), then each digit as itself (the digits of a CODE escape); and
    per mode the shift code back to the first mode."""
    n, n_ids = len(modes), len(force)
    shift = {
        (m, cell.target): code
        for m, mode in enumerate(modes)
        for code, cell in mode.codes.items()
        if cell.kind is Kind.SHIFT
    }
    for target in sorted({int(f) for f in force if f >= 0} | ({0} if n > 1 else set())):
        for m in range(n):
            if m != target and (m, target) not in shift:
                raise ValueError(f"{name}: no shift from mode {m} to mode {target}")
    rows = {m * n_ids + ids[k]: code for m in range(n) for k, code in keys[m].items()}
    rows.update({n * n_ids + a * n + b: code for (a, b), code in shift.items()})
    rows.update({n * n_ids + n * n + d: str(d) for d in range(10)})  # a CODE escape's digits
    widest = max(len(code) for code in rows.values())
    emit_len = np.zeros(n * n_ids + n * n + 10, dtype=np.uint8)
    emit_dig = np.zeros((len(emit_len), widest), dtype=np.uint8)
    for row, code in rows.items():
        emit_len[row] = len(code)
        emit_dig[row, : len(code)] = [int(d) for d in code]
    back = tuple(tuple(int(d) for d in shift.get((m, 0), "")) for m in range(n))
    return emit_len, emit_dig, back


def _packed(rows: U8) -> NDArray[np.unsignedinteger[Any]] | None:
    """Rows of up to eight bytes as one little-endian word each, filled out with
    _NO_DIGIT (None if wider)."""
    for size, dtype in ((2, "<u2"), (4, "<u4"), (8, "<u8")):
        if rows.shape[1] <= size:
            wide = np.full((rows.shape[0], size), _NO_DIGIT, dtype=np.uint8)
            wide[:, : rows.shape[1]] = rows
            return wide.view(dtype).ravel()
    return None


def _window_tables(
    modes: tuple[Mode, ...], cells: tuple[Cell, ...], width: int
) -> tuple[I16, I8, I8, int]:
    """Per (mode, window of digits): the cell, the code's length and the step to the
    next state, where a window is ``width`` digits read as a base-11 number (10 past
    the last digit)."""
    n_modes = len(modes)
    size = 11**width
    index = {cell: i for i, cell in enumerate(cells)}
    win_cell = np.full(n_modes * size, _INVALID, dtype=np.int16)
    win_len = np.ones(n_modes * size, dtype=np.int8)
    step = np.zeros(n_modes * size, dtype=np.int8)
    longest = max(
        len(c) + (CODE_DIGITS if cell.kind is Kind.CODE else 0)
        for mode in modes
        for c, cell in mode.codes.items()
    )
    for m, mode in enumerate(modes):
        base = m * size
        prefixes = sorted({c[:i] for c in mode.codes for i in range(1, len(c))}, key=len)
        for p in prefixes:
            lo, span = _span(p, width)
            win_len[base + lo : base + lo + span] = len(p) + 1
        for p in prefixes:
            lo, span = _span(p, width, end=True)
            win_cell[base + lo : base + lo + span] = _UNFINISHED
        for code, cell in mode.codes.items():
            lo, span = _span(code, width)
            win_cell[base + lo : base + lo + span] = index[cell]
            win_len[base + lo : base + lo + span] = len(code)
        kinds = np.array([c.kind is Kind.CODE for c in cells] + [False, False])
        nxt = np.array([c.target if c.kind is Kind.SHIFT else m for c in cells] + [m, m])
        wc = win_cell[base : base + size]
        total = win_len[base : base + size] + CODE_DIGITS * kinds[wc].astype(np.int8)
        s = total.astype(np.int16) * n_modes + (nxt[wc] - m)
        s[wc == _UNFINISHED] = (longest + 1) * n_modes
        step[base : base + size] = s
    return win_cell, win_len, step, longest


def _chars(cells: tuple[Cell, ...], win_cell: I16) -> tuple[NDArray[np.unsignedinteger[Any]], int]:
    """Per window: the code point of the one character its cell reads as, 0 for none
    (a shift), or the largest value of the type for anything else (a CODE escape, a
    sign, an unused or unfinished code), which decoding then does the long way. The
    parenthesis cell reads ``(`` here; decoding turns every other one into ``)``."""
    one = [
        ord(c.text)
        if c.kind is Kind.CHAR and len(c.text) == 1
        else ord("(")
        if c.kind is Kind.PAREN
        else 0
        if c.kind is Kind.SHIFT
        else -1
        for c in cells
    ]
    dtype = np.uint8 if max(one, default=0) < 255 else np.uint16
    top = int(np.iinfo(dtype).max)
    table: NDArray[np.unsignedinteger[Any]] = np.array(
        [top if (x < 0 or x >= top) else x for x in one] + [top, top], dtype=dtype
    )
    return table[np.where(win_cell >= 0, win_cell, len(cells) - 1 - win_cell)], top


def _state_words(
    win_step: I8, win_char: NDArray[np.unsignedinteger[Any]], n_modes: int
) -> NDArray[np.unsignedinteger[Any]] | None:
    """Per window, one word holding (step, character) for mode 0, mode 1, ...: gathered
    by window, the words laid end to end are the states in ``digit * modes + mode``
    order, so one gather per digit builds both tables. None if a word would pass 8 bytes."""
    slot = 2 if win_char.dtype == np.uint8 else 4  # step byte, character (aligned)
    size = slot * n_modes
    word = {2: "<u2", 4: "<u4", 8: "<u8"}.get(size)
    if word is None:
        return None
    windows = len(win_step) // n_modes
    raw = np.zeros((windows, size), dtype=np.uint8)
    for m in range(n_modes):
        part = slice(m * windows, (m + 1) * windows)
        raw[:, m * slot] = win_step[part].view(np.uint8)
        chars = win_char[part].astype(win_char.dtype.newbyteorder("<")).view(np.uint8)
        raw[:, m * slot + slot // 2 : (m + 1) * slot] = chars.reshape(windows, -1)
    return raw.view(word).ravel()


def _span(digits: str, width: int, *, end: bool = False) -> tuple[int, int]:
    """The windows that start with ``digits`` (and then the end, if ``end``)."""
    value = 0
    for d in digits:
        value = value * 11 + int(d)
    k = len(digits)
    if end:
        value, k = value * 11 + _END, k + 1
    return value * 11 ** (width - k), 11 ** (width - k)


def _templates(cells: tuple[Cell, ...]) -> tuple[NDArray[np.uint32], NDArray[np.int64]]:
    """The text of each cell as code points (a CODE escape as ``{000}``, its digits
    written in later)."""
    texts = [_cell_text(c) for c in cells]
    widest = max(max(len(t) for t in texts), 1)
    out = np.zeros((len(texts), widest), dtype=np.uint32)
    for i, t in enumerate(texts):
        out[i, : len(t)] = [ord(ch) for ch in t]
    return out, np.array([len(t) for t in texts], dtype=np.int64)


def _cell_text(cell: Cell) -> str:
    if cell.kind is Kind.CHAR:
        return cell.text
    if cell.kind is Kind.PAREN:
        return "("
    if cell.kind is Kind.CODE:
        return "{" + "0" * CODE_DIGITS + "}"
    if cell.kind is Kind.SPECIAL:
        return "{" + cell.text + "}"
    return ""


# -- encoding -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tokens:
    """A text as token ids, where each token starts, and the CODE escapes' digits."""

    ids: I32
    kept: NDArray[np.bool_] | None  # which characters start a token (None: all do)
    escapes: NDArray[np.intp]  # token indices of the CODE escapes
    escape_digits: U8  # (escapes, 3)


def encode(c: Compiled, text: str) -> Digits:
    """``text`` as digits on the compiled board (see :meth:`Board.encode`)."""
    toks = _token_ids(c, text)
    if len(toks.ids) == 0:
        return np.zeros(0, dtype=np.uint8)
    forced = _forced(c, text, toks)
    _check(c, text, toks, forced)
    mode = _modes(c, toks.ids, forced)
    if mode is None:
        return _emit(c, toks.ids, toks.escapes, toks.escape_digits, 0)
    n_ids = len(c.force)
    key = mode.astype(np.int32) * np.int32(n_ids)
    key += toks.ids
    # a shift goes in as a token of its own wherever the mode changes
    at = np.flatnonzero(mode[1:] != mode[:-1]) + 1
    if mode[0]:
        at = np.concatenate([[0], at])
    before = np.where(at > 0, mode[at - 1], 0).astype(np.int32)
    shifts = c.modes * n_ids + before * c.modes + mode[at]
    key = np.insert(key, at, shifts.astype(np.int32))
    escapes = toks.escapes + np.searchsorted(at, toks.escapes, side="right")
    return _emit(c, key, escapes, toks.escape_digits, int(mode[-1]))


def _forced(c: Compiled, text: str, toks: _Tokens) -> I8:
    """Per token: the mode it forces (see :attr:`Compiled.force`). ASCII text with one
    token per character goes through ``bytes.translate``: a tenth of a gather's time."""
    if toks.kept is None and text.isascii():
        return np.frombuffer(text.encode("ascii").translate(c.force_ascii), dtype=np.int8)
    return np.take(c.force, toks.ids)


def _token_ids(c: Compiled, text: str) -> _Tokens:
    """Each token's id: its code point (all above the board's table alike), or the id
    of a CODE escape or sign, found by comparing the characters after each ``{``."""
    if text.isascii():  # code points as bytes
        raw: NDArray[np.unsignedinteger[Any]] = np.frombuffer(text.encode("ascii"), np.uint8)
        ids = (np.minimum(raw, np.uint8(c.unknown)) if c.unknown < 256 else raw).astype(np.int32)
    else:
        raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        ids = np.minimum(raw, np.uint32(c.unknown)).astype(np.int32)
    none = np.zeros(0, dtype=np.intp)
    if "{" not in text:
        return _Tokens(ids, None, none, np.zeros((0, CODE_DIGITS), dtype=np.uint8))
    ahead = np.concatenate([raw.astype(np.uint32), np.zeros(8, dtype=np.uint32)])
    opens = np.flatnonzero(ahead[: len(raw)] == ord("{"))
    after = [ahead[opens + k] for k in range(1, 8)]
    closes = [a == ord("}") for a in after]
    digit = [(a >= ord("0")) & (a <= ord("9")) for a in after[:CODE_DIGITS]]
    codes = opens[digit[0] & digit[1] & digit[2] & closes[CODE_DIGITS]]
    keep = np.ones(len(raw), dtype=np.bool_)
    for k in range(1, CODE_DIGITS + 2):
        keep[codes + k] = False
    ids[codes] = c.code_id
    run = np.ones(len(opens), dtype=np.bool_)  # [A-Z] all the way so far
    signs: list[tuple[int, int]] = []  # where a sign starts, how many characters it hides
    for size in range(1, 6):
        run &= (after[size - 1] >= ord("A")) & (after[size - 1] <= ord("Z"))
        if size >= 2:
            for at in opens[run & closes[size]].tolist():
                ids[at] = c.sign_ids.get(text[at + 1 : at + 1 + size], c.bad_sign)
                keep[at + 1 : at + size + 2] = False
                signs.append((at, size + 1))
    digits = np.stack([ahead[codes + k] - ord("0") for k in range(1, 4)], axis=1)
    # a CODE escape's token index: its offset less what the escapes before it hide
    hidden = np.concatenate([codes, np.array([a for a, _ in signs], dtype=np.intp)])
    sizes = np.concatenate([np.full(len(codes), CODE_DIGITS + 1), [h for _, h in signs]])
    order = np.argsort(hidden, kind="stable")
    before = np.cumsum(sizes[order]) - sizes[order]
    escapes = codes - before[np.searchsorted(hidden[order], codes)]
    return _Tokens(ids[keep], keep, escapes.astype(np.intp), digits.astype(np.uint8))


def _modes(c: Compiled, ids: I32, forced: I8) -> NDArray[np.integer[Any]] | None:
    """The mode of each token, or None when every token is written in the first mode."""
    if c.modes == 1 or int(forced.max()) <= 0:
        return None
    if c.partial:
        return _modes_one_by_one(c, ids)
    if int(forced.min()) >= 0:  # every token forces its mode (no cell is shared)
        return forced
    filled = _fill_short_gaps(forced, 8)
    if filled is not None:
        return filled
    last = np.where(forced >= 0, np.arange(len(ids), dtype=np.int32), np.int32(-1))
    np.maximum.accumulate(last, out=last)
    mode = np.take(forced, last)
    # no forcing token yet: the first mode (an int32 key, or NumPy widens all of last)
    mode[: int(last.searchsorted(np.int32(0)))] = 0
    return mode


def _fill_short_gaps(forced: I8, rounds: int) -> I8 | None:
    """The forward fill of :func:`_modes` when no run of tokens held by every mode (in
    prose: a space, a comma and a space) is longer than ``rounds``, else None. Each round
    gives every such token still open the mode of the token before it, so a round costs
    a gather and a scatter over the open tokens alone: about a third of the running
    maximum's time on prose, where a fifth of the tokens are open and runs are short."""
    mode = forced.copy()
    open_ = np.flatnonzero(forced < 0)
    if open_.size and open_[0] == 0:  # no forcing token yet: the first mode
        mode[0] = 0
        open_ = open_[1:]
    for _ in range(rounds):
        if not open_.size:
            return mode
        before = mode[open_ - 1]
        mode[open_] = before
        open_ = open_[before < 0]
    return mode if not open_.size else None


def _modes_one_by_one(c: Compiled, ids: I32) -> I32:
    """The modes where some token is held by several modes but not all (no built-in
    board has one): stay while the mode holds the token, else go to the first that does."""
    out = np.zeros(len(ids), dtype=np.int32)
    member = c.member.T.tolist()
    first = c.first_mode.tolist()
    mode = 0
    for i, t in enumerate(ids.tolist()):
        if not member[t][mode] and first[t] >= 0:
            mode = first[t]
        out[i] = mode
    return out


def _check(c: Compiled, text: str, toks: _Tokens, forced: I8) -> None:
    """The error the one-by-one encoder raises first: a character no mode holds, or a
    parenthesis out of turn on a board with one cell for both."""
    bad = np.flatnonzero(forced == -2) if int(forced.min()) == -2 else forced[:0]
    n = len(toks.ids)
    first_bad = int(bad[0]) if bad.size else n
    first_paren = n
    if c.paren_toggle:
        parens = np.flatnonzero((toks.ids == ord("(")) | (toks.ids == ord(")")))
        expect = np.where(np.arange(len(parens)) % 2 == 0, ord("("), ord(")"))
        wrong = np.flatnonzero(toks.ids[parens] != expect)
        if wrong.size:
            first_paren = int(parens[wrong[0]])
    i = min(first_bad, first_paren)
    if i == n:
        return
    offset = i if toks.kept is None else int(np.flatnonzero(toks.kept)[i])
    if i == first_paren:
        ch = text[offset]
        raise UnencodableText(
            f"board {c.name} has one cell for both parentheses, so they must "
            f"alternate ( ) ( ): this {ch!r} is " + ("nested" if ch == "(" else "not opened"),
            location=Location.of_offset(text, offset),
        )
    tok = token_at(text, offset)
    if tok.kind is TokenKind.CODE:
        what = "a CODE escape: this board has no CODE cell"
    elif tok.kind is TokenKind.SIGN:
        what = f"the sign {tok.written}: this board has no such cell"
    else:
        what = f"{describe_char(tok.text)}: no cell for it"
    raise UnencodableText(
        f"board {c.name} cannot encode {what}", location=Location.of_offset(text, offset)
    )


def _emit(c: Compiled, key: I32, escapes: NDArray[np.intp], escape_digits: U8, last: int) -> Digits:
    """The digits: each token's code (a row of the emission table cut to its length),
    the shift back at the end. A CODE escape's three digits go in after its code as
    tokens of their own, each written as itself."""
    if escapes.size:
        literal = len(c.emit_len) - 10 + escape_digits.astype(np.int32)
        key = np.insert(key, np.repeat(escapes + 1, CODE_DIGITS), literal.ravel())
    # np.take and np.compress: a third to a half faster here than [] with an index
    # array or a mask (no index broadcasting, no casting checks)
    if c.emit_packed is not None:  # a row as one word, the slots past its code marked
        rows = np.take(c.emit_packed, key).view(np.uint8)
        # bytes.translate deleting the marks: under half the time of a mask and
        # np.compress (no mask, no unpredictable branch per slot); the bytearray keeps
        # the digits writable, as every other path gives them
        kept = rows.tobytes().translate(None, bytes([_NO_DIGIT]))
        out = np.frombuffer(bytearray(kept), dtype=np.uint8)
    else:
        rows = np.take(c.emit_dig, key, axis=0).ravel()
        out = np.compress(np.take(c.emit_mask, key, axis=0).ravel(), rows)
    if not c.back[last]:
        return out
    return np.concatenate([out, np.array(c.back[last], dtype=np.uint8)])


# -- decoding -------------------------------------------------------------------------


def default_plan(c: Compiled, n: int) -> Plan | None:
    """Blocks of about the square root of the digit count (the walks then take as many
    steps as there are blocks), but no more than about :data:`_CHAINS` of them, or None:
    few enough digits to follow in plain Python. Why the cap: each step of the side by
    side walk touches one memory page per block, and past a few hundred pages the
    address cache misses on every one (measured on 3 M digits: 1,700 blocks of the
    square root walk 20 % slower than 512 longer ones)."""
    if n <= _SMALL:
        return None
    every = 8
    window = max(32, 2 * c.longest)
    block = max(math.isqrt(n), n // _CHAINS, window + (every + 1) * c.longest + 1, 256)
    return Plan(block, window, every)


def decode(
    c: Compiled,
    digits: Digits,
    *,
    padded: bool = False,
    replace: str | None = None,
    plan: Plan | None = None,
) -> str:
    """``digits`` as text on the compiled board (see :meth:`Board.decode`); ``plan``
    chooses the blocks (the default suits the length; tests pass small blocks)."""
    d = np.asarray(digits, dtype=np.uint8)
    n = len(d)
    if n == 0:
        return ""
    padded_d = np.concatenate([d, np.full(c.width + c.longest + 2, _END, dtype=np.uint8)])
    step, chars = _steps(c, padded_d, n)
    plan = plan if plan is not None else default_plan(c, n)
    if plan is None:
        states = _follow(step, n * c.modes)
        found = chars[states]
    else:
        starts = _chain(c, step, padded_d, n, plan)[: n * c.modes] != 0
        found = chars[: n * c.modes][starts]
    if c.paren_toggle:  # the parenthesis cell reads ( then ) in turn
        found[np.flatnonzero(found == ord("("))[1::2]] = ord(")")
    hard = np.flatnonzero(found == c.complex)
    if not hard.size:  # one character or none at every code: the common case
        return _decoded(found[found != 0])
    if plan is not None:
        states = np.flatnonzero(starts & (chars[: n * c.modes] == c.complex))
    else:
        states = states[hard]
    return _spliced(c, padded_d, n, found, hard, states, padded=padded, replace=replace)


def _decoded(out: NDArray[np.unsignedinteger[Any]]) -> str:
    """Code points (one to four bytes each) as a string."""
    codec = {1: "latin-1", 2: "utf-16-le", 4: "utf-32-le"}[out.dtype.itemsize]
    return str(out.astype(out.dtype.newbyteorder("<")).tobytes().decode(codec))


def _window_at(c: Compiled, padded_d: U8, pos: NDArray[np.intp]) -> NDArray[np.intp]:
    """The window (``width`` digits, base 11) that starts at each of ``pos``."""
    w = np.zeros(pos.shape, dtype=np.intp)
    for j in range(c.width):
        w = w * 11 + padded_d[pos + j]
    return w


def _steps(c: Compiled, padded_d: U8, n: int) -> tuple[U8, NDArray[np.unsignedinteger[Any]]]:
    """Per (digit, mode) state over ``n`` digits: the step to the next code start (a zero
    margin after them: a state past the end stays there) and the character the code
    there reads as (0 none, ``c.complex`` anything else)."""
    dtype = np.int16 if c.windows < 2**15 else np.int32
    w: NDArray[np.integer[Any]] = padded_d[:n].copy()
    if c.width > 1:  # two digits make at most 120: still a byte
        np.multiply(w, np.uint8(11), out=w)
        np.add(w, padded_d[1 : n + 1], out=w)
    if c.width > 2:
        w = w.astype(dtype)
        for j in range(2, c.width):
            np.multiply(w, 11, out=w)
            np.add(w, padded_d[j : j + n], out=w)
    margin = 2 * (c.longest + 2) + 8  # digits
    if c.win_states is not None:
        words = np.zeros(n + margin, dtype=c.win_states.dtype)
        np.take(c.win_states, w, out=words[:n], mode="clip")  # clip: unbuffered
        raw = words.view(np.uint8)
        slot = len(raw) // (len(words) * c.modes)
        step = raw[::slot]
        if c.win_char.dtype == np.uint8:
            return step, raw[1::slot]
        return step, words.view(np.uint16)[1::2]
    step = np.zeros((n + margin) * c.modes, dtype=np.uint8)
    chars = np.zeros((n + margin) * c.modes, dtype=c.win_char.dtype)
    for m in range(c.modes):
        at = w.astype(np.intp) + m * c.windows
        step[m : n * c.modes : c.modes] = c.win_step[at]
        chars[m : n * c.modes : c.modes] = c.win_char[at]
    return step, chars


def _follow(step: U8, end: int, start: int = 0) -> NDArray[np.intp]:
    """The states visited from ``start`` until ``end``, one step at a time."""
    steps = step.tolist()
    out = []
    s = start
    while s < end:
        out.append(s)
        s += steps[s]
    return np.array(out, dtype=np.intp)


def _walk_to(step: U8, start: int, stop: int) -> int:
    """The first state at or past ``stop`` on the walk from ``start``."""
    steps = step[start : stop + 1].tolist()
    s = 0
    limit = stop - start
    while s < limit:
        s += steps[s]
    return start + s


@dataclass(frozen=True)
class _Blocks:
    """The blocks of a decoding and what their readings found (see :func:`_chain`)."""

    start: NDArray[np.intp]  # first digit of each block
    merged: NDArray[np.bool_]  # every reading of the block met at ``meet``
    meet: NDArray[np.intp]  # the state where they met
    ok: NDArray[np.bool_]  # (blocks, readings): reading met the others, no unused code
    stop: NDArray[np.intp]  # where the walk from ``meet`` may stop


def _chain(c: Compiled, step: U8, padded_d: U8, n: int, plan: Plan) -> U8:
    """The code starts from the first digit on, marked (non-zero) by their ``digit *
    modes + mode`` state, by blocks walked side by side (the module notes tell how)."""
    mark = np.zeros(len(step), dtype=np.uint8)
    blocks = _meet(c, step, padded_d, n, plan)
    _walk_merged(step, mark, blocks, plan.every)
    walks, wrong = _resolve(c, step, mark, blocks, n)
    reach = (plan.every + 1) * c.longest * c.modes
    for b in wrong:  # a walk that started from the wrong state: its marks go
        lo, hi = int(blocks.meet[b]), min(int(blocks.stop[b]) + reach, len(mark))
        seg = mark[lo:hi]
        seg[seg == 1 + (b & 1)] = 0
    _walk_exact(step, mark, walks)
    return mark


def _meet(c: Compiled, step: U8, padded_d: U8, n: int, plan: Plan) -> _Blocks:
    """Every state a block's first code could start in, followed ``plan.window`` digits:
    where the readings with no unused code all arrive at one state, the rest of the
    block no longer depends on how the previous block ended."""
    m_count, states = c.modes, c.longest * c.modes
    start = np.arange(0, n, plan.block, dtype=np.intp)
    first = start * m_count
    reading = first[:, None] + np.arange(states, dtype=np.intp)[None, :]
    target = (np.minimum(start + plan.window, n) * m_count)[:, None]
    s = reading.copy()
    unused = np.zeros(s.shape, dtype=np.bool_)
    for _ in range(plan.window + 1):
        live = s < target
        if not live.any():
            break
        cells = _cells_at(c, padded_d, s)
        unused |= live & (cells == _INVALID)
        s = np.where(live, s + step[s], s)
    ok = ~unused & (reading < n * m_count)
    ok[0, 1:] = False  # the first block starts at the first digit, in the first mode
    high = np.where(ok, s, -1).max(axis=1)
    low = np.where(ok, s, np.iinfo(np.intp).max).min(axis=1)
    merged = ok.any(axis=1) & (high == low) & (start + plan.window < n)
    after = np.minimum(np.arange(1, len(start) + 1), len(start) - 1)
    stop = np.where(merged[after], high[after], (start[after] + c.longest) * m_count)
    stop[-1] = n * m_count
    stop = np.minimum(stop, n * m_count)  # past the last digit a state stays put
    return _Blocks(start, merged, high, ok, stop)


def _cells_at(c: Compiled, padded_d: U8, states: NDArray[np.intp]) -> NDArray[np.int16]:
    """The cell (or _INVALID/_UNFINISHED) of the code at each state."""
    pos, mode = np.divmod(states, c.modes)
    return c.win_cell[mode * c.windows + _window_at(c, padded_d, pos)]


def _walk_merged(step: U8, mark: U8, blocks: _Blocks, every: int) -> None:
    """Walk every merged block from where its readings met to where the next block's
    walk takes over, marking the states (1 or 2 by the block's parity, so that a walk
    running ``every`` codes past its stop is told from the next block's own)."""
    chains = np.flatnonzero(blocks.merged)
    s = blocks.meet[chains]
    stop = blocks.stop[chains]
    value = (1 + (chains & 1)).astype(np.uint8)
    while s.size:
        for _ in range(every):
            mark[s] = value
            s += step[s]
        going = s < stop
        s, stop, value = s[going], stop[going], value[going]


def _resolve(
    c: Compiled, step: U8, mark: U8, blocks: _Blocks, n: int
) -> tuple[list[tuple[int, int]], list[int]]:
    """Block by block, where the true walk enters: the exact walks still to mark
    (``(from, to)`` states) and the blocks whose merged walk was not the true one."""
    m_count, end = c.modes, n * c.modes
    count = len(blocks.start)
    entry = _entries(c, mark, blocks)
    walks: list[tuple[int, int]] = []
    wrong: list[int] = []
    e, covered = 0, False
    for b in range(count):
        if e >= end:
            wrong += [int(x) for x in np.flatnonzero(blocks.merged[b:]) + b]
            break
        h = e - int(blocks.start[b]) * m_count
        if blocks.merged[b] and blocks.ok[b, h]:
            if not covered:
                walks.append((e, int(blocks.meet[b])))
            covered = True
            if b + 1 < count:
                e = int(entry[b + 1])
                if e < 0:  # the merged walk ended before the next block
                    e = _walk_to(step, int(blocks.meet[b]), int(blocks.start[b + 1]) * m_count)
            continue
        if blocks.merged[b]:
            wrong.append(b)
        bound = int(blocks.start[b + 1]) * m_count if b + 1 < count else end
        nxt = _walk_to(step, e, bound)
        walks.append((e, nxt))
        e, covered = nxt, False
    return walks, wrong


def _entries(c: Compiled, mark: U8, blocks: _Blocks) -> NDArray[np.intp]:
    """Where the previous block's merged walk entered each block (-1: it did not)."""
    count = len(blocks.start)
    out = np.full(count, -1, dtype=np.intp)
    if count < 2:
        return out
    states = c.longest * c.modes
    idx = (blocks.start[1:] * c.modes)[:, None] + np.arange(states, dtype=np.intp)[None, :]
    parity = (1 + (np.arange(count - 1) & 1)).astype(np.uint8)
    hit = mark[idx] == parity[:, None]
    first = hit.argmax(axis=1)
    out[1:] = np.where(hit.any(axis=1), idx[np.arange(count - 1), first], -1)
    return out


def _walk_exact(step: U8, mark: U8, walks: list[tuple[int, int]]) -> None:
    """Mark the states of each ``(from, to)`` walk, all walks side by side."""
    if not walks:
        return
    s = np.array([w[0] for w in walks], dtype=np.intp)
    stop = np.array([w[1] for w in walks], dtype=np.intp)
    going = s < stop
    s, stop = s[going], stop[going]
    while s.size:
        mark[s] = 3
        s += step[s]
        going = s < stop
        s, stop = s[going], stop[going]


def _spliced(
    c: Compiled,
    padded_d: U8,
    n: int,
    found: NDArray[np.unsignedinteger[Any]],
    hard: NDArray[np.intp],
    states: NDArray[np.intp],
    *,
    padded: bool,
    replace: str | None,
) -> str:
    """The text when some codes read as more than one character (``found[hard]``, at
    ``states``): CODE escapes, signs, unused or unfinished codes. Errors first, as the
    one-by-one decoder raises them; then the one-character codes' text with each long
    code's text inserted where it stands."""
    pos, mode = np.divmod(states, c.modes)
    window = mode * c.windows + _window_at(c, padded_d, pos)
    cell = c.win_cell[window].astype(np.intp)
    length = c.win_len[window].astype(np.intp)
    row = _hard_rows(c, padded_d, n, found, hard, pos, mode, cell, length, padded, replace)
    is_code = np.array([x.kind is Kind.CODE for x in c.cells] + [False, False])
    text = replace or ""
    width = max(c.templates.shape[1], len(text))
    table = np.zeros((len(c.cells) + 2, width), dtype=np.uint32)
    table[: len(c.cells), : c.templates.shape[1]] = c.templates
    table[len(c.cells), : len(text)] = [ord(ch) for ch in text]
    sizes_of = np.concatenate([c.template_len, [len(text), 0]])
    top = int(table.max(initial=0))
    dtype = found.dtype if top < c.complex else np.uint16 if top < 0xFFFF else np.uint32
    texts = table[row].astype(dtype)  # each long code's text, CODE digits written in
    codes = np.flatnonzero(is_code[row])
    for k in range(CODE_DIGITS if codes.size else 0):  # no CODE cell: a narrower table
        texts[codes, 1 + k] = ord("0") + padded_d[pos[codes] + length[codes] + k]
    return _decoded(_inserted(found, hard, texts, sizes_of[row]))


def _inserted(
    found: NDArray[np.unsignedinteger[Any]],
    hard: NDArray[np.intp],
    texts: NDArray[np.unsignedinteger[Any]],
    sizes: NDArray[np.integer[Any]],
) -> NDArray[np.unsignedinteger[Any]]:
    """The characters of ``found`` (0: none) with each ``found[hard]`` replaced by the
    first ``sizes`` of its row of ``texts``. An insertion into the kept characters,
    placed by the codes with no character before each long one: a few passes over
    ``found`` where the long codes are rare (often one: the fill at the end)."""
    keep = found != 0
    keep[hard] = False
    base = found[keep].astype(texts.dtype, copy=False)
    none = np.flatnonzero(found == 0)
    at = hard - np.searchsorted(none, hard) - np.arange(len(hard))
    used = np.arange(texts.shape[1])[None, :] < sizes[:, None]
    return np.insert(base, np.repeat(at, sizes), texts[used])


def _hard_rows(
    c: Compiled,
    padded_d: U8,
    n: int,
    found: NDArray[np.unsignedinteger[Any]],
    hard: NDArray[np.intp],
    pos: NDArray[np.intp],
    mode: NDArray[np.intp],
    cell: NDArray[np.intp],
    length: NDArray[np.intp],
    padded: bool,
    replace: str | None,
) -> NDArray[np.intp]:
    """The table row of each long code (its cell; then unused, then no text), or the
    error the one-by-one decoder raises first: an unused code, or the digits ending
    inside a code (not an error with ``padded`` or ``replace``: the fill)."""
    if replace is None and (bad := np.flatnonzero(cell == _INVALID)).size:
        p, m, k = int(pos[bad[0]]), int(mode[bad[0]]), int(length[bad[0]])
        code = "".join(str(x) for x in padded_d[p : p + k].tolist())
        raise DecodeError(
            f"code {code} at digit {p + 1} is not used on board {c.name} ({c.mode_names[m]} mode)",
            p,
        )
    row = np.where(cell >= 0, cell, len(c.cells) - 1 - cell)
    is_code = np.array([x.kind is Kind.CODE for x in c.cells] + [False, False])
    if hard[-1] == len(found) - 1 and (
        cell[-1] == _UNFINISHED or (is_code[row[-1]] and pos[-1] + length[-1] + CODE_DIGITS > n)
    ):
        if not (padded or replace is not None):
            p = int(pos[-1])
            raise DecodeError(f"the digits end inside a code (digit {p + 1} of {n})", p)
        row[-1] = len(c.cells) + 1  # the fill: no text
    return row
