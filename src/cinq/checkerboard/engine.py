"""The vectorised board engine: encode and decode as NumPy array programs.

A :class:`Compiled` board holds lookup tables built once from the board's modes:

* **Encoding** maps every token (a character's code point, or an id for a CODE escape or
  a sign) to its code in each mode. A token held by every mode keeps the current mode;
  a token held by one mode only *forces* that mode, so the mode of every token is the
  forced mode of the last forcing token before it: a forward fill (a running maximum of
  indices). Where the mode changes, the shift code goes first; the output offsets are a
  cumulative sum of the code lengths, and the digits are scattered into place.
* **Decoding** first finds where the codes start. From a code start, the digits there
  (a window as wide as the longest code) and the mode say how far the next start is: a
  *step* table over (digit, mode) states. Following the steps from the first digit is
  sequential, so the digits are cut into blocks that are followed side by side: each
  block tries every state its first code could start in, and where those readings meet
  (a prefix-free code resynchronises within a few codes) the block's walk no longer
  depends on where the previous block ended. Blocks whose readings do not meet are
  walked exactly, one after the other. The code at each start then gives its text by
  table lookups, a cumulative sum and a scatter, as in encoding.

Memory: about ``3 + 3m`` bytes per digit during decoding (``m`` modes) and about 30
bytes per character during encoding, with :data:`~cinq.checkerboard.MAX_TEXT_CHARS`
bounding both.
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
from .cells import CODE_DIGITS, ESCAPE, Cell, DecodeError, Kind, Mode
from .tokens import TokenKind, token_at

I8 = NDArray[np.int8]
I16 = NDArray[np.int16]
I64 = NDArray[np.int64]
U8 = NDArray[np.uint8]

_END = 10  # the digit value that stands for "past the last digit" in a window
_SMALL = 4096  # up to this many digits, the code starts are followed in plain Python
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
    first_mode: I8  # per id: the first mode holding it (-1: none)
    member: NDArray[np.bool_]  # (modes, ids): which modes hold each id
    partial: bool  # some id is held by more than one mode but not by all
    emit_len: U8  # ((prev * modes + mode) * ids + id): digits of shift and code
    emit_dig: U8  # the same rows: those digits
    back: tuple[tuple[int, ...], ...]  # per mode: the shift code back to the first mode
    # -- decoding
    width: int  # digits in a window: the longest code
    longest: int  # the longest code with its CODE digits
    win_cell: I16  # (mode * windows + window): cell index, _INVALID or _UNFINISHED
    win_len: I8  # digits of the code (or of the unused code) at a window
    win_step: I8  # how far the next (digit * modes + mode) state is
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
    keys = [_mode_keys(mode) for mode in modes]
    chars = {k for ks in keys for k in ks if len(k) == 1}
    signs = sorted({k[1:-1] for ks in keys for k in ks if len(k) > 1 and k != _CODE_KEY})
    top = max((ord(c) for c in chars), default=0)
    unknown = top + 1
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
    width = max(len(c) for mode in modes for c in mode.codes)
    cells = tuple(dict.fromkeys(cell for mode in modes for cell in mode.codes.values()))
    win_cell, win_len, win_step, longest = _window_tables(modes, cells, width)
    templates, template_len = _templates(cells)
    return Compiled(
        name=name,
        mode_names=tuple(mode.name for mode in modes),
        paren_toggle=paren_toggle,
        unknown=unknown,
        code_id=ids[_CODE_KEY],
        sign_ids={s: ids["{" + s + "}"] for s in signs},
        bad_sign=n_ids - 1,
        force=force,
        first_mode=first,
        member=member,
        partial=bool(((held > 1) & (held < len(modes))).any()),
        emit_len=emit_len,
        emit_dig=emit_dig,
        back=back,
        width=width,
        longest=longest,
        win_cell=win_cell,
        win_len=win_len,
        win_step=win_step,
        cells=cells,
        templates=templates,
        template_len=template_len,
    )


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
    """Per (previous mode, mode, id): the shift code (if the mode changes) and the code;
    and per mode the shift code back to the first mode."""
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
    widest = max((len(c) for c in shift.values()), default=0) + max(
        len(code) for ks in keys for code in ks.values()
    )
    emit_len = np.zeros(n * n * n_ids, dtype=np.uint8)
    emit_dig = np.zeros((n * n * n_ids, widest), dtype=np.uint8)
    for prev in range(n):
        for m in range(n):
            pre = shift[prev, m] if prev != m else ""
            for k, code in keys[m].items():
                row = (prev * n + m) * n_ids + ids[k]
                emit_len[row] = len(pre + code)
                emit_dig[row, : len(pre + code)] = [int(d) for d in pre + code]
    back = tuple(tuple(int(d) for d in shift.get((m, 0), "")) for m in range(n))
    return emit_len, emit_dig, back


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

    ids: NDArray[np.intp]
    offsets: NDArray[np.intp] | None  # None: token i starts at character i
    escapes: NDArray[np.intp]  # token indices of the CODE escapes
    escape_digits: U8  # (escapes, 3)


def encode(c: Compiled, text: str) -> Digits:
    """``text`` as digits on the compiled board (see :meth:`Board.encode`)."""
    toks = _token_ids(c, text)
    n = len(toks.ids)
    if n == 0:
        return np.zeros(0, dtype=np.uint8)
    mode = _modes(c, toks.ids)
    _check(c, text, toks, mode)
    n_ids = len(c.force)
    if mode is None:
        key = toks.ids
        last = 0
    else:
        prev = np.empty_like(mode)
        prev[0] = 0
        prev[1:] = mode[:-1]
        key = (prev * c.modes + mode) * n_ids + toks.ids
        last = int(mode[-1])
    return _emit(c, key, toks, last)


def _token_ids(c: Compiled, text: str) -> _Tokens:
    if text.isascii():
        cps: NDArray[np.intp] = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.intp)
    else:
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.intp)
    ids = np.minimum(cps, c.unknown)
    none = np.zeros(0, dtype=np.intp)
    if "{" not in text:
        return _Tokens(ids, None, none, np.zeros((0, CODE_DIGITS), dtype=np.uint8))
    keep = np.ones(len(text), dtype=np.bool_)
    escapes: list[int] = []
    digits: list[list[int]] = []
    for m in ESCAPE.finditer(text):
        start = m.start()
        keep[start + 1 : m.end()] = False
        if m.group(1):
            ids[start] = c.code_id
            escapes.append(start)
            digits.append([int(d) for d in m.group(1)])
        else:
            ids[start] = c.sign_ids.get(m.group(2), c.bad_sign)
    offsets = np.flatnonzero(keep)
    where = np.searchsorted(offsets, np.array(escapes, dtype=np.intp))
    return _Tokens(
        ids[keep],
        offsets,
        where.astype(np.intp),
        np.array(digits, dtype=np.uint8).reshape(-1, CODE_DIGITS),
    )


def _modes(c: Compiled, ids: NDArray[np.intp]) -> NDArray[np.intp] | None:
    """The mode of each token, or None when every token is written in the first mode."""
    if c.modes == 1:
        return None
    forced = c.force[ids]
    if not (forced > 0).any():
        return None
    if c.partial:
        return _modes_one_by_one(c, ids)
    n = len(ids)
    last = np.where(forced >= 0, np.arange(n, dtype=np.intp), -1)
    np.maximum.accumulate(last, out=last)
    return np.where(last >= 0, forced[last], 0).astype(np.intp)


def _modes_one_by_one(c: Compiled, ids: NDArray[np.intp]) -> NDArray[np.intp]:
    """The modes where some token is held by several modes but not all (no built-in
    board has one): stay while the mode holds the token, else go to the first that does."""
    out = np.zeros(len(ids), dtype=np.intp)
    member = c.member.T.tolist()
    first = c.first_mode.tolist()
    mode = 0
    for i, t in enumerate(ids.tolist()):
        if not member[t][mode] and first[t] >= 0:
            mode = first[t]
        out[i] = mode
    return out


def _check(c: Compiled, text: str, toks: _Tokens, mode: NDArray[np.intp] | None) -> None:
    """The error the one-by-one encoder raises first: a character no mode holds, or a
    parenthesis out of turn on a board with one cell for both."""
    bad = np.flatnonzero(c.force[toks.ids] == -2)
    first_bad = int(bad[0]) if bad.size else len(toks.ids)
    first_paren = len(toks.ids)
    if c.paren_toggle:
        parens = np.flatnonzero((toks.ids == ord("(")) | (toks.ids == ord(")")))
        expect = np.where(np.arange(len(parens)) % 2 == 0, ord("("), ord(")"))
        wrong = np.flatnonzero(toks.ids[parens] != expect)
        if wrong.size:
            first_paren = int(parens[wrong[0]])
    if min(first_bad, first_paren) == len(toks.ids):
        return
    i = min(first_bad, first_paren)
    offset = i if toks.offsets is None else int(toks.offsets[i])
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


def _emit(c: Compiled, key: NDArray[np.intp], toks: _Tokens, last: int) -> Digits:
    """The digits: each token's shift and code at offsets from a cumulative sum, the
    CODE escapes' digits after their code, and the shift back at the end."""
    lens = c.emit_len[key]
    sizes = lens.astype(np.intp)
    if toks.escapes.size:
        sizes[toks.escapes] += CODE_DIGITS
    ends = np.cumsum(sizes)
    back_code = c.back[last]
    out = np.empty(int(ends[-1]) + len(back_code), dtype=np.uint8)
    starts = ends - sizes
    out[starts] = c.emit_dig[key, 0]
    for j in range(1, c.emit_dig.shape[1]):
        sel = np.flatnonzero(lens > j)
        if not sel.size:
            break
        out[starts[sel] + j] = c.emit_dig[key[sel], j]
    if toks.escapes.size:
        at = starts[toks.escapes] + lens[toks.escapes]
        for k in range(CODE_DIGITS):
            out[at + k] = toks.escape_digits[:, k]
    if back_code:
        out[len(out) - len(back_code) :] = back_code
    return out


# -- decoding -------------------------------------------------------------------------


def default_plan(c: Compiled, n: int) -> Plan | None:
    """Blocks of about the square root of the digit count (the walks then take as many
    steps as there are blocks), or None: few enough digits to follow in plain Python."""
    if n <= _SMALL:
        return None
    every = 8
    window = max(32, 2 * c.longest)
    block = max(math.isqrt(n), window + (every + 1) * c.longest + 1, 256)
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
    step = _steps(c, padded_d, n)
    plan = plan if plan is not None else default_plan(c, n)
    states = _follow(step, n * c.modes) if plan is None else _chain(c, step, padded_d, n, plan)
    return _text(c, d, states, padded_d, padded=padded, replace=replace)


def _window_at(c: Compiled, padded_d: U8, pos: NDArray[np.intp]) -> NDArray[np.intp]:
    """The window (``width`` digits, base 11) that starts at each of ``pos``."""
    w = np.zeros(pos.shape, dtype=np.intp)
    for j in range(c.width):
        w = w * 11 + padded_d[pos + j]
    return w


def _steps(c: Compiled, padded_d: U8, n: int) -> I8:
    """The step from each (digit, mode) state to the next code start, over ``n``
    digits and a zero margin (a state past the end stays there)."""
    dtype = np.int16 if c.windows < 2**15 else np.int32
    w: NDArray[np.signedinteger[Any]] = padded_d[:n].astype(dtype)
    for j in range(1, c.width):
        np.multiply(w, 11, out=w)
        np.add(w, padded_d[j : j + n], out=w)
    margin = 2 * (c.longest + 2) * c.modes + 8
    step = np.zeros(n * c.modes + margin, dtype=np.int8)
    for m in range(c.modes):
        step[m : n * c.modes : c.modes] = c.win_step[m * c.windows + w]
    return step


def _follow(step: I8, end: int, start: int = 0) -> NDArray[np.intp]:
    """The states visited from ``start`` until ``end``, one step at a time."""
    steps = step.tolist()
    out = []
    s = start
    while s < end:
        out.append(s)
        s += steps[s]
    return np.array(out, dtype=np.intp)


def _walk_to(step: I8, start: int, stop: int) -> int:
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


def _chain(c: Compiled, step: I8, padded_d: U8, n: int, plan: Plan) -> NDArray[np.intp]:
    """The code starts (as ``digit * modes + mode`` states) from the first digit on, by
    blocks walked side by side (the module notes tell how)."""
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
    return np.flatnonzero(mark[: n * c.modes])


def _meet(c: Compiled, step: I8, padded_d: U8, n: int, plan: Plan) -> _Blocks:
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


def _walk_merged(step: I8, mark: U8, blocks: _Blocks, every: int) -> None:
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
    c: Compiled, step: I8, mark: U8, blocks: _Blocks, n: int
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


def _walk_exact(step: I8, mark: U8, walks: list[tuple[int, int]]) -> None:
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


def _text(
    c: Compiled,
    d: U8,
    states: NDArray[np.intp],
    padded_d: U8,
    *,
    padded: bool,
    replace: str | None,
) -> str:
    """The text of the codes at ``states``: errors first (an unused code, the digits
    ending inside a code), then each cell's text put in place."""
    n = len(d)
    pos, mode = np.divmod(states, c.modes)
    window = mode * c.windows + _window_at(c, padded_d, pos)
    cell = c.win_cell[window].astype(np.intp)
    length = c.win_len[window].astype(np.intp)
    n_cells = len(c.cells)
    row = np.where(cell >= 0, cell, n_cells - 1 - cell)  # unused, then unfinished
    kinds = np.array([x.kind.value for x in c.cells] + ["", ""])
    is_code = kinds == Kind.CODE.value
    if replace is None and (bad := np.flatnonzero(cell == _INVALID)).size:
        p, m, k = int(pos[bad[0]]), int(mode[bad[0]]), int(length[bad[0]])
        code = "".join(str(x) for x in d[p : p + k].tolist())
        raise DecodeError(
            f"code {code} at digit {p + 1} is not used on board {c.name} ({c.mode_names[m]} mode)",
            p,
        )
    last = len(row) - 1
    if cell[last] == _UNFINISHED or (is_code[row[last]] and pos[last] + length[last] + 3 > n):
        if not (padded or replace is not None):
            p = int(pos[last])
            raise DecodeError(f"the digits end inside a code (digit {p + 1} of {n})", p)
        row, pos, length = row[:last], pos[:last], length[:last]
    return _assemble(c, d, row, pos, length, is_code, kinds == Kind.PAREN.value, replace or "")


def _assemble(
    c: Compiled,
    d: U8,
    row: NDArray[np.intp],
    pos: NDArray[np.intp],
    length: NDArray[np.intp],
    is_code: NDArray[np.bool_],
    is_paren: NDArray[np.bool_],
    replace: str,
) -> str:
    """Each row's text at offsets from a cumulative sum; CODE digits and alternating
    parentheses written in afterwards."""
    width = max(c.templates.shape[1], len(replace))
    table = np.zeros((len(c.cells) + 2, width), dtype=np.uint32)
    table[: len(c.cells), : c.templates.shape[1]] = c.templates
    table[len(c.cells), : len(replace)] = [ord(ch) for ch in replace]
    sizes = np.concatenate([c.template_len, [len(replace), 0]])[row]
    dtype = np.uint8 if int(table.max(initial=0)) < 256 else np.uint32
    ends = np.cumsum(sizes)
    total = int(ends[-1]) if len(ends) else 0
    starts = ends - sizes
    out = np.zeros(total, dtype=dtype)
    for j in range(width):
        sel = np.flatnonzero(sizes > j)
        if not sel.size:
            break
        out[starts[sel] + j] = table[row[sel], j]
    codes = np.flatnonzero(is_code[row])
    for k in range(CODE_DIGITS):
        out[starts[codes] + 1 + k] = ord("0") + d[pos[codes] + length[codes] + k]
    parens = np.flatnonzero(is_paren[row])
    out[starts[parens]] = np.where(np.arange(len(parens)) % 2 == 0, ord("("), ord(")"))
    if dtype == np.uint8:
        return out.tobytes().decode("latin-1")
    return out.astype("<u4").tobytes().decode("utf-32-le")
