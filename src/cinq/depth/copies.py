"""Copies of one message: the same broadcast logged twice, or copied by two monitors.

A rebroadcast, or two loggers' copies of one transmission, carry the same groups but
for a few mistakes: a group dropped, a group written twice, a misheard group (a few
digits differ) and digits nobody could read (``?``). Such copies are one message heard
more than once, never two messages on one pad (a depth). :func:`find_copies` groups
them and merges each set by a vote.

Construction
------------
1. *Candidates* (no comparison of all pairs). Every group without ``?`` is indexed
   by its value; two messages sharing a group at positions ``p`` and ``q`` vote for the
   pair at shift ``q - p``. A pair is a candidate when it shares at least two groups at
   one shift, or, when one of them has at most :data:`SHORT` readable groups, one group.
   Two random five-figure groups are equal 1 time in 100,000, so in a log of 20,000
   random messages of 50 groups about a thousand pairs are candidates out of 2e8.
   A group held by more than :data:`WINDOW` messages (a fill group such as ``00000``)
   pairs each message only with its next :data:`WINDOW` holders, which still links
   every copy of a message repeated many times (transitively) without a quadratic
   blow-up.
2. *Confirmation*: a local alignment of the two messages group by group (insertions
   and deletions of whole groups cost :data:`GAP`), scored as a log-likelihood ratio
   "copies" against "independent messages": a digit both read alike scores
   :data:`AGREE` = ln(0.98 / 0.1) = 2.28, a digit read differently :data:`DIFFER` =
   ln(0.02 / 0.9) = -3.81, a ``?`` nothing. The first groups of the two messages
   (the indicators) add nothing when they agree: two messages that merely share an
   indicator are not copies (one page named twice is for depth finding to weigh).
   The two must also hold together over their whole overlap: their best alignment
   from end to end, a truncated copy's missing start or end free, must score above 0
   (a stretch of two or three groups shared by chance is surrounded by groups that
   score about -16 nats each).
3. *Grouping*: confirmed pairs are joined into sets (a copy of a copy is a copy);
   each set is merged by aligning every member to the merge so far (a global
   alignment: missing groups are taken from the copies that have them), then each
   digit is voted: the digit a strict majority of the copies that read it hold, else
   ``?``.

Why no false copies: the threshold arithmetic
-----------------------------------------------
Because the score is a log-likelihood ratio, its exponential along an alignment is,
under "independent random messages", a product of factors whose mean is 1 (each digit:
0.1 x 9.8 + 0.9 x 0.022 = 1; a ``?``: 1), a martingale. By Ville's inequality, from
one starting pair of groups the score ever reaches ``S`` with probability at most
``exp(-S)``; a pair of messages of ``m`` and ``n`` groups has ``m n`` starting pairs. So
the expected number of random pairs scoring ``S`` in a whole log is at most
``E = sum over pairs i < j of m_i m_j exp(-S)``, and the threshold is
``S = ln(sum m_i m_j / ALPHA)`` with :data:`ALPHA` = 0.01 expected false copy pairs in
the whole log, for any number of messages (:func:`threshold`). For 20,000 messages of
50 groups (5e11 pairs of groups) that is 31.5 nats: about 14 digits read alike with
none differing, three clean groups; two copies of one 50-group message score several
hundred. Gaps (5 nats each) only join two segments that are each already rare; the
rate measured on random logs is 0 (tests/test_depth_copies.py and benchmarks).

Real logs are not random digits: a fill group (``00000``) or a fixed header held by many
messages would make them look alike. A clean group held more than :data:`COMMON` times
in the log scores, read alike, no more than ``ln(0.98**5 / f)``, ``f`` its share of the
log's groups beyond those (:func:`_caps`): evidence as strong as its rarity.

Limits: only the first :data:`MAX_ALIGN` groups of a message are compared and merged;
copies that share fewer than two clean groups at one shift (and are not short) are not
paired (each needs a ``?`` or a misheard digit in all but one group); a run of three or
more identical fill groups shared by at most :data:`COMMON` messages still pairs them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from ..digits import GROUP, check_group
from ..digits import UNKNOWN as UNKNOWN_CHAR
from .stream import UNKNOWN, stream

__all__ = [
    "AGREE",
    "ALPHA",
    "COMMON",
    "DIFFER",
    "GAP",
    "MAX_ALIGN",
    "SHORT",
    "WINDOW",
    "CopySet",
    "find_copies",
    "merged_messages",
    "threshold",
]

AGREE = math.log(0.98 / 0.1)
"""Score of a digit two copies read alike (a copy misreads about 2 % of digits)."""
DIFFER = math.log(0.02 / 0.9)
"""Score of a digit two copies read differently."""
GAP = 5.0
"""Cost of a group one copy lacks or has twice (about 1 group in 150)."""
ALPHA = 0.01
"""Expected false copy pairs in a whole log of independent random messages."""
SHORT = 3
"""A message with at most this many readable groups is a candidate on one shared group."""
WINDOW = 64
"""A group held by more messages than this pairs each only with its next ``WINDOW``."""
COMMON = 8
"""A clean group held more often than this in a log scores less when read alike
(:func:`_caps`)."""
MAX_ALIGN = 2_000
"""Groups of a message compared and merged (an alignment costs ``m n`` cells)."""

Groups = NDArray[np.uint8]
"""A message's digits as shape ``(groups, 5)``, ``?`` as :data:`~.stream.UNKNOWN`."""


@dataclass(frozen=True)
class CopySet:
    """Messages that are copies of one message, and the message merged from them.

    Attributes
    ----------
    members
        Positions of the copies in the input, sorted.
    merged
        The voted groups: ``?`` where the copies that read a digit disagree with no
        strict majority, or nobody read it.
    disagreeing
        Digits of the merge where the copies that read them do not all agree.
    columns
        For each member (in ``members`` order), for each merged group, the member's
        group index there, or -1 where the member lacks it.
    extra
        For each member, its groups the others lack: a group written twice, or one
        that is no group of the message (left out of the merge).
    """

    members: tuple[int, ...]
    merged: tuple[str, ...]
    disagreeing: int
    columns: tuple[tuple[int, ...], ...]
    extra: tuple[int, ...]

    @property
    def missing(self) -> tuple[int, ...]:
        """For each member, the merged groups it lacks (dropped, or beyond its end)."""
        return tuple(c.count(-1) for c in self.columns)

    @property
    def unknown(self) -> int:
        """Digits of the merge nobody read, or read with no majority (``?``)."""
        return sum(g.count(UNKNOWN_CHAR) for g in self.merged)

    def summary(self) -> str:
        """E.g. ``"3 copies, 2 disagreeing digits"``."""
        s = "" if self.disagreeing == 1 else "s"
        return f"{len(self.members)} copies, {self.disagreeing} disagreeing digit{s}"

    def to_json(self, ids: Sequence[str | int] | None = None) -> dict[str, object]:
        """The set as a JSON-ready dict; ``ids`` names the messages by position (a
        log's ids), else their positions are given."""
        names = [m if ids is None else ids[m] for m in self.members]
        return {
            "members": names,
            "copies": len(self.members),
            "summary": self.summary(),
            "merged": list(self.merged),
            "groups": len(self.merged),
            "disagreeing_digits": self.disagreeing,
            "unknown_digits": self.unknown,
            "per_member": [
                {"id": name, "groups_missing": missing, "groups_extra": extra}
                for name, missing, extra in zip(names, self.missing, self.extra, strict=True)
            ],
        }


def find_copies(messages: Sequence[Sequence[str]], *, alpha: float = ALPHA) -> tuple[CopySet, ...]:
    """The sets of at least two messages that are copies of one message.

    Parameters
    ----------
    messages
        Each message's five-figure groups, ``?`` allowed.
    alpha
        Expected false copy pairs in the whole log if its messages were independent
        random digits (sets :func:`threshold`).

    Returns
    -------
    tuple[CopySet, ...]
        Ordered by their first member.

    Raises
    ------
    BadInput
        A group that is not five digits or ``?``, naming the message and the group.
    """
    arrays = _arrays(messages)
    limit = threshold([len(a) for a in arrays], alpha=alpha)
    sets = _UnionFind(len(arrays))
    caps = _caps(arrays)
    for i, j in _candidates(arrays):
        if sets.find(i) == sets.find(j):
            continue
        if _pair_score(arrays[i], arrays[j], caps[i]) >= limit:
            sets.join(i, j)
    return tuple(_merge(members, arrays) for members in sets.sets())


def threshold(lengths: Sequence[int], *, alpha: float = ALPHA) -> float:
    """The score two messages need to be called copies in a log of messages of
    ``lengths`` groups: ``ln(sum over pairs of m_i m_j / alpha)`` (see the module notes),
    at least ``ln(1 / alpha)``."""
    m = np.asarray(lengths, dtype=np.float64)
    pairs = (m.sum() ** 2 - (m**2).sum()) / 2
    return math.log(max(float(pairs), 1.0) / alpha)


def merged_messages(
    messages: Sequence[Sequence[str]], copy_sets: Sequence[CopySet]
) -> tuple[list[tuple[str, ...]], list[tuple[int, ...]]]:
    """The log with each copy set replaced by its merged message.

    Returns
    -------
    tuple[list[tuple[str, ...]], list[tuple[int, ...]]]
        The messages, each at the place of its first member: a copy set's merged
        message, or a message that is no copy as it was; and for each, the positions
        in ``messages`` it stands for.
    """
    first = {s.members[0]: s for s in copy_sets}
    taken = {m for s in copy_sets for m in s.members}
    out: list[tuple[str, ...]] = []
    stands_for: list[tuple[int, ...]] = []
    for n, groups in enumerate(messages):
        if n in first:
            out.append(first[n].merged)
            stands_for.append(first[n].members)
        elif n not in taken:
            out.append(tuple(groups))
            stands_for.append((n,))
    return out, stands_for


# -- digits ---------------------------------------------------------------------------


def _arrays(messages: Sequence[Sequence[str]]) -> list[Groups]:
    """Each message's first :data:`MAX_ALIGN` groups as a ``(groups, 5)`` array;
    every group checked (the slow, naming check only when the fast one fails)."""
    kept = [tuple(m[:MAX_ALIGN]) for m in messages]
    flat = [g for m in kept for g in m]
    if not _all_groups(flat):
        _name_bad_group(kept)
    digits = stream(flat, checked=False).reshape(-1, GROUP)
    ends = np.cumsum([len(m) for m in kept])
    return np.split(digits, ends[:-1]) if kept else []


def _all_groups(flat: list[str]) -> bool:
    """Whether every item is a group of five ASCII digits or ``?`` (fast, no names)."""
    if not all(isinstance(g, str) and len(g) == GROUP for g in flat):
        return False
    raw = "".join(flat).encode("utf-8")
    if len(raw) != GROUP * len(flat):  # a character outside ASCII
        return False
    allowed = np.zeros(256, dtype=np.bool_)
    allowed[list(b"0123456789?")] = True
    return bool(allowed[np.frombuffer(raw, dtype=np.uint8)].all())


def _name_bad_group(messages: Sequence[Sequence[str]]) -> None:
    """Raise :class:`BadInput` naming the first bad group and its message."""
    for n, groups in enumerate(messages, 1):
        for k, g in enumerate(groups, 1):
            check_group(g, unknown_allowed=True, name=f"message {n}, group {k}")


# -- candidates -----------------------------------------------------------------------


def _codes(arrays: Sequence[Groups]) -> tuple[NDArray[np.int64], ...]:
    """Every group without ``?``: its value, message and position, sorted by value
    then message then position."""
    if not arrays:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    digits = np.concatenate(arrays).astype(np.int64)
    msg = np.repeat(np.arange(len(arrays)), [len(a) for a in arrays])
    pos = np.concatenate([np.arange(len(a)) for a in arrays])
    clean = (digits != UNKNOWN).all(axis=1)
    value = digits[clean] @ (10 ** np.arange(GROUP - 1, -1, -1))
    order = np.lexsort((pos[clean], msg[clean], value))
    return value[order], msg[clean][order], pos[clean][order]


def _shared(arrays: Sequence[Groups]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each (message pair, shift) sharing a clean group: a key and how many groups
    it shares; ``key = (i * N + j) * (2 L + 1) + shift + L``."""
    value, msg, pos = _codes(arrays)
    n, span = len(arrays), 2 * MAX_ALIGN + 1
    keys = []
    for d in range(1, WINDOW + 1):
        same = value[d:] == value[:-d]
        if not same.any():
            break  # runs are shorter than d, so shorter than any larger d too
        a, b = msg[:-d][same], msg[d:][same]
        shift = pos[d:][same] - pos[:-d][same]
        other = a != b  # a group repeated within one message says nothing
        keys.append((a[other] * n + b[other]) * span + shift[other] + MAX_ALIGN)
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    found, counts = np.unique(np.concatenate(keys), return_counts=True)
    return found, counts


def _candidates(arrays: Sequence[Groups]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, worth aligning (see the module notes)."""
    keys, counts = _shared(arrays)
    n, span = len(arrays), 2 * MAX_ALIGN + 1
    pair = keys // span
    i, j = pair // n, pair % n
    clean = np.array([int((a != UNKNOWN).all(axis=1).sum()) for a in arrays], dtype=np.int64)
    short = np.minimum(clean[i], clean[j]) <= SHORT if len(pair) else np.zeros(0, np.bool_)
    keep = np.unique(pair[(counts >= 2) | short])
    return [(int(p // n), int(p % n)) for p in keep]


def _caps(arrays: Sequence[Groups]) -> list[NDArray[np.float64]]:
    """For each group of each message, the most a clean group read alike in another
    message may score: ``ln(0.98**5 / f)``, ``f`` the share of the log's groups that
    hold its value beyond the first :data:`COMMON` (a fill group such as ``00000``
    held by many messages is weak evidence; a few copies of one message are not
    weakened); infinite where ``f`` is 0."""
    if not arrays:
        return []
    digits = np.concatenate(arrays).astype(np.int64)
    value = digits @ (10 ** np.arange(GROUP - 1, -1, -1))
    value[(digits == UNKNOWN).any(axis=1)] = -1
    _, where, counts = np.unique(value, return_inverse=True, return_counts=True)
    others = np.maximum(counts[where] - COMMON, 0) / len(value)
    caps = np.full(len(value), np.inf)
    common = (others > 0) & (value >= 0)
    caps[common] = GROUP * math.log(0.98) - np.log(others[common])
    return np.split(caps, np.cumsum([len(a) for a in arrays])[:-1])


# -- alignment ------------------------------------------------------------------------


class _Move(IntEnum):
    STOP = 0
    DIAG = 1
    UP = 2  # a group of the first sequence against nothing
    LEFT = 3  # a group of the second sequence against nothing


def _substitution(a: Groups, b: Groups) -> NDArray[np.float64]:
    """Score of each group of ``a`` against each of ``b``: digits read alike and read
    differently; ``?`` scores nothing."""
    x, y = a[:, None, :], b[None, :, :]
    both = (x != UNKNOWN) & (y != UNKNOWN)
    alike = (both & (x == y)).sum(axis=2)
    out: NDArray[np.float64] = AGREE * alike + DIFFER * (both.sum(axis=2) - alike)
    return out


def _pair_score(a: Groups, b: Groups, caps: NDArray[np.float64]) -> float:
    """The best local alignment score of two messages, or 0 when they do not hold
    together over their whole overlap (copies run alongside each other; two messages
    that share a stretch of groups by chance score far below 0 around it): the best
    alignment from end to end, a missing start or end free, must score above 0.
    Agreeing indicators (both first groups) add nothing, a common group read alike no
    more than its cap (:func:`_caps`, for the groups of ``a``)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    sub = _substitution(a, b)
    whole = sub >= GROUP * AGREE - 1e-9  # the same clean group in both
    sub = np.where(whole, np.minimum(sub, caps[:, None]), sub)
    sub[0, 0] = min(sub[0, 0], 0.0)
    table, _ = _fill(sub, local=True)
    ends, _ = _fill(sub, local=False, free_ends=True)
    overlap = max(float(ends[-1].max()), float(ends[:, -1].max()))
    return float(table.max()) if overlap > 0 else 0.0


def _fill(
    sub: NDArray[np.float64], *, local: bool, free_ends: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """The dynamic-programming table of an alignment and its moves, row by row: the
    moves from the row above in one step, the moves along the row as a running
    maximum (a run of ``k`` groups against nothing costs ``k * GAP``)."""
    m, n = sub.shape
    table = np.zeros((m + 1, n + 1))
    moves = np.zeros((m + 1, n + 1), dtype=np.int8)
    along = GAP * np.arange(n + 1)
    if not local and not free_ends:  # a global alignment pays for leading gaps
        table[0], table[:, 0] = -along, -GAP * np.arange(m + 1)
        moves[0, 1:], moves[1:, 0] = _Move.LEFT, _Move.UP
    for r in range(1, m + 1):
        diag = table[r - 1, :-1] + sub[r - 1]
        up = table[r - 1, 1:] - GAP
        best = np.maximum(diag, up)
        came = np.where(diag >= up, _Move.DIAG, _Move.UP).astype(np.int8)
        if local:
            came[best <= 0] = _Move.STOP
            best = np.maximum(best, 0.0)
        row = np.concatenate(([table[r, 0]], best))
        table[r] = np.maximum.accumulate(row + along) - along
        left = table[r, 1:] > row[1:] + 1e-9
        moves[r, 1:] = np.where(left, _Move.LEFT, came)
    return table, moves


def _global_path(a: Groups, b: Groups) -> list[tuple[int, int]]:
    """The best global alignment of ``a`` and ``b`` as pairs of group indices, -1 for
    a group against nothing, in order."""
    # A misheard group is one group, never a group dropped next to one added.
    sub = np.maximum(_substitution(a, b), 0.1 - 2 * GAP)
    _, moves = _fill(sub, local=False)
    r, c = len(a), len(b)
    path = []
    while r > 0 or c > 0:
        move = moves[r, c]
        if move == _Move.DIAG:
            r, c = r - 1, c - 1
            path.append((r, c))
        elif move == _Move.UP:
            r -= 1
            path.append((r, -1))
        else:
            c -= 1
            path.append((-1, c))
    return path[::-1]


# -- sets and the merge ---------------------------------------------------------------


class _UnionFind:
    """Messages joined into sets (a copy of a copy is a copy)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        self.parent[max(a, b)] = min(a, b)

    def sets(self) -> list[tuple[int, ...]]:
        """The sets of two or more, each sorted, by their first member."""
        found: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            found.setdefault(self.find(i), []).append(i)
        return sorted(tuple(s) for s in found.values() if len(s) > 1)


@dataclass(frozen=True)
class _Column:
    """One group of the merge: who holds it (member -> group index) and the digit
    counts at each of its five places."""

    holders: dict[int, int]
    votes: NDArray[np.int64]  # (5, 10)


def _column(member: int, index: int, group: NDArray[np.uint8]) -> _Column:
    votes = np.zeros((GROUP, 10), dtype=np.int64)
    read = group != UNKNOWN
    votes[np.arange(GROUP)[read], group[read]] = 1
    return _Column({member: index}, votes)


def _plurality(columns: Sequence[_Column]) -> Groups:
    """The merge so far as digits: the most voted digit of each place, else unknown."""
    if not columns:
        return np.zeros((0, GROUP), dtype=np.uint8)
    votes = np.stack([c.votes for c in columns])
    out: Groups = votes.argmax(axis=2).astype(np.uint8)
    out[votes.sum(axis=2) == 0] = UNKNOWN
    return out


def _add(columns: list[_Column], member: int, groups: Groups) -> list[_Column]:
    """The columns with ``member``'s groups aligned in: votes where they align, a new
    column for a group the merge lacks."""
    out: list[_Column] = []
    for col, index in _global_path(_plurality(columns), groups):
        if index < 0:
            out.append(columns[col])
        elif col < 0:
            out.append(_column(member, index, groups[index]))
        else:
            new = _column(member, index, groups[index])
            out.append(_Column(columns[col].holders | new.holders, columns[col].votes + new.votes))
    return out


def _holding(holders: dict[int, int], arrays: Sequence[Groups]) -> _Column:
    """A column of the given holders, its votes counted from their groups."""
    votes = sum(
        (_column(m, k, arrays[m][k]).votes for m, k in holders.items()),
        np.zeros((GROUP, 10), dtype=np.int64),
    )
    return _Column(dict(holders), votes)


def _join_twins(
    columns: list[_Column], arrays: Sequence[Groups]
) -> tuple[list[_Column], list[_Column]]:
    """Adjacent columns with one group that most copies hold in one or the other and
    only a few in both (those wrote it twice) joined into one; the columns kept, and
    the second groups of the copies that wrote it twice."""
    merged = _plurality(columns)
    out: list[_Column] = []
    twice: list[_Column] = []
    for k, col in enumerate(columns):
        prev = out[-1] if out else None
        both = set(col.holders) & set(prev.holders) if prev else set()
        if (
            prev is None
            or not _alike(merged[k - 1], merged[k])
            or 2 * len(both) >= len(prev.holders | col.holders)
        ):
            out.append(col)
            continue
        out[-1] = _holding(
            prev.holders | {m: i for m, i in col.holders.items() if m not in both}, arrays
        )
        twice.append(_Column({m: col.holders[m] for m in both}, col.votes))
    return out, twice


def _spurious(columns: list[_Column]) -> list[bool]:
    """Columns that are no group of the message: held by a strict minority of the
    copies that span them (the others have groups on both sides of it), or repeating
    a neighbour's group and held by fewer copies than it (a group written twice)."""
    merged = _plurality(columns)
    held = [set(c.holders) for c in columns]
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for k, members in enumerate(held):
        for m in members:
            first.setdefault(m, k)
            last[m] = k
    out = []
    for k, members in enumerate(held):
        spanning = sum(first[m] <= k <= last[m] for m in first)
        twins = [
            n for n in (k - 1, k + 1) if 0 <= n < len(columns) and _alike(merged[n], merged[k])
        ]
        repeat = any(len(held[n]) > len(members) for n in twins)
        out.append(repeat or 2 * len(members) < spanning)
    return out


def _without_spurious(columns: list[_Column]) -> tuple[list[_Column], list[_Column]]:
    """The columns kept, and those left out as :func:`_spurious`."""
    spurious = _spurious(columns)
    kept = [c for c, d in zip(columns, spurious, strict=True) if not d]
    return kept, [c for c, d in zip(columns, spurious, strict=True) if d]


def _alike(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> bool:
    """Two groups that may be one group twice: at least three digits read alike and at
    most one read differently (one of them misheard)."""
    both = (a != UNKNOWN) & (b != UNKNOWN)
    alike = int((a[both] == b[both]).sum())
    return alike >= 3 and int(both.sum()) - alike <= 1


def _vote(votes: NDArray[np.int64]) -> tuple[str, int]:
    """One merged group from its digit counts, and its places where readers disagree."""
    total = votes.sum(axis=1)
    best = votes.argmax(axis=1)
    won = 2 * votes.max(axis=1) > total
    group = "".join(str(d) if w else UNKNOWN_CHAR for d, w in zip(best, won, strict=True))
    return group, int(((votes > 0).sum(axis=1) >= 2).sum())


def _merge(members: tuple[int, ...], arrays: Sequence[Groups]) -> CopySet:
    """The copy set of ``members``: the best-read copy first, then each other aligned
    to the merge so far; spurious groups dropped (:func:`_spurious`); every digit
    voted."""
    order = sorted(members, key=lambda m: -int((arrays[m] != UNKNOWN).sum()))
    columns = [_column(order[0], k, g) for k, g in enumerate(arrays[order[0]])]
    for m in order[1:]:
        columns = _add(columns, m, arrays[m])
    columns, dropped = _without_spurious(columns)
    columns, twice = _join_twins(columns, arrays)
    kept, spurious = _without_spurious(columns)
    voted = [_vote(c.votes) for c in kept]
    dropped += twice + spurious
    return CopySet(
        members=members,
        merged=tuple(g for g, _ in voted),
        disagreeing=sum(n for _, n in voted),
        columns=tuple(tuple(c.holders.get(m, -1) for c in kept) for m in members),
        extra=tuple(sum(m in c.holders for c in dropped) for m in members),
    )
