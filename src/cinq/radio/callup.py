"""The call-up: the station ID and the group count, found wherever they are said.

A profile's ``say`` steps with ``{id}`` or ``{count}`` are the call-up's grammar: e.g.
``{id} OBLIQUE {count}`` is a run of digits, a spoken word, a run of digits; ``{id} /
{count}`` two runs of digits with a short pause between them. Stations repeat the
call-up for minutes, and a recording may begin in the middle of it, so the pattern is
matched at every place in the stream of runs (:mod:`cinq.radio.timing`), the tightest
matches first (a pattern's own pauses are shorter than those between its repeats, which
picks the right phase when the recording starts mid-call-up), and every match votes:
first on the lengths of the ID and the count, then figure by figure (:mod:`cinq.radio.vote`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .profiles import Profile
from .synth import DEFAULT_ID, expand
from .timing import Run
from .vote import Figure, agreement, confirmations, digit_probs, posterior, vote

Element = Literal["id", "count", "word", "digits"]

# The longest station ID and group count taken for one (a count has at most four
# figures: a broadcast carries at most 2,000 groups).
MAX_ID = 5
MAX_COUNT = 4


@dataclass(frozen=True)
class Pattern:
    """A call-up step as runs: each element is the ID, the count, a spoken word (or
    several), or literal digits."""

    elements: tuple[Element, ...]

    @classmethod
    def of(cls, text: str) -> Pattern | None:
        """The pattern of a ``say`` text; None when it has no ``{id}`` or ``{count}`` or
        when two runs of digits are not parted by a word or a ``/`` (no pause to tell
        where one ends)."""
        elements: list[Element] = []
        parted = True
        for token in expand(text, DEFAULT_ID, 0, keep_placeholders=True):
            if token == "/":
                parted = True
                continue
            kind = _element(token)
            prev = elements[-1] if elements else None
            if kind == prev and (kind == "word" or (kind == "digits" and not parted)):
                continue  # one run: words said together, literal digits together
            if kind != "word" and prev not in (None, "word") and not parted:
                return None
            elements.append(kind)
            parted = False
        if "id" not in elements and "count" not in elements:
            return None
        return cls(tuple(elements))


@dataclass(frozen=True)
class Match:
    """One call-up heard: where it is in the runs, and its ID and count runs."""

    first: int
    last: int
    station_id: Run | None
    count: Run | None
    tightness: float


@dataclass(frozen=True)
class CallUp:
    """The call-up as read from every match.

    Attributes
    ----------
    station_id
        The ID, a ``?`` for each figure not sure; None if never heard.
    count
        The group count, None unless every figure of it is sure.
    heard
        How many times the call-up was matched.
    runs
        Indices of the runs that belong to a call-up (not the message).
    """

    station_id: str | None
    count: int | None
    heard: int
    runs: frozenset[int]


def _element(token: str) -> Element:
    if token in ("{id}", "{count}"):
        return "id" if token == "{id}" else "count"
    return "digits" if token.isdigit() else "word"


def patterns(profile: Profile) -> list[Pattern]:
    """The distinct call-up patterns of the profile's script."""
    found: list[Pattern] = []
    for step in profile.script:
        pattern = Pattern.of(step.text) if step.kind == "say" else None
        if pattern and pattern not in found:
            found.append(pattern)
    return found


def _fits(element: Element, run: Run, *, worded: bool) -> bool:
    """Whether ``run`` can be the pattern's ``element``. Without a spoken word in the
    pattern, an ID as long as a group could be a group: then it must be shorter."""
    if element == "word":
        return not run.digits
    if not run.digits:
        return False
    size = len(run.words)
    if element == "id":
        return size <= (MAX_ID if worded else MAX_ID - 1)
    return size <= MAX_COUNT if element == "count" else True


def _match_at(runs: Sequence[Run], i: int, pattern: Pattern) -> Match | None:
    """The pattern matched with its first element at run ``i``, or None. A word may be
    heard as several (``OBLIQUE`` as two bursts): the word element takes every word run
    in a row."""
    worded = "word" in pattern.elements
    picked: dict[Element, Run] = {}
    k = i
    for element in pattern.elements:
        if k >= len(runs) or not _fits(element, runs[k], worded=worded):
            return None
        picked.setdefault(element, runs[k])
        k += 1
        while element == "word" and k < len(runs) and not runs[k].digits:
            k += 1
    tightness = sum(r.pause for r in runs[i + 1 : k])
    return Match(i, k - 1, picked.get("id"), picked.get("count"), tightness)


def matches(runs: Sequence[Run], profile: Profile) -> list[Match]:
    """Every call-up in ``runs``, none overlapping another: the tightest first."""
    candidates = [
        m
        for pattern in patterns(profile)
        for i in range(len(runs))
        if (m := _match_at(runs, i, pattern)) is not None
    ]
    taken: set[int] = set()
    chosen: list[Match] = []
    for m in sorted(candidates, key=lambda m: m.tightness):
        span = set(range(m.first, m.last + 1))
        if not span & taken:
            chosen.append(m)
            taken |= span
    return sorted(chosen, key=lambda m: m.first)


def _same_size(runs: Sequence[Run | None]) -> list[Run]:
    """The runs heard, of the most common length."""
    heard = [r for r in runs if r is not None]
    if not heard:
        return []
    size = Counter(len(r.words) for r in heard).most_common(1)[0][0]
    return [r for r in heard if len(r.words) == size]


def _read(runs: Sequence[Run | None], confirm: int) -> list[Figure] | None:
    """The figures voted over every run of the most common length (each said by at
    least ``confirm`` of them), or None."""
    same = _same_size(runs)
    if not same:
        return None
    return [
        vote([digit_probs(r.words[i]) for r in same], confirm=confirm)
        for i in range(len(same[0].words))
    ]


def said(profile: Profile) -> int:
    """How many times the script says the call-up (its steps with an ID or a count)."""
    return sum(s.repeat for s in profile.script if s.kind == "say" and Pattern.of(s.text))


def _agrees(run: Run | None, others: Sequence[Run | None]) -> bool:
    """Whether ``run`` reads like the consensus of ``others`` (the same length, and
    likelier the same digits than not): a stretch of the message cut into pieces can
    look like a call-up, but it does not say what the call-up says."""
    same = _same_size(others)
    if run is None or not same:
        return run is None or not same
    if len(run.words) != len(same[0].words):
        return False
    consensus = [posterior([digit_probs(r.words[i]) for r in same]) for i in range(len(run.words))]
    return sum(agreement(digit_probs(w), c) for w, c in zip(run.words, consensus, strict=True)) > 0


def _same(a: Run | None, b: Run | None) -> bool:
    """Whether two runs read alike: both missing, or as long and likelier the same
    digits than not."""
    if a is None or b is None:
        return a is b
    if len(a.words) != len(b.words):
        return False
    pairs = zip(a.words, b.words, strict=True)
    return sum(agreement(digit_probs(x), digit_probs(y)) for x, y in pairs) > 0


def _confirmed(found: Sequence[Match]) -> list[Match]:
    """The matches another match says the same as (ID and count): a group heard as
    ``407 W 22`` fits the pattern of ``{id} W {count}`` once, a call-up is said again.
    A lone match stands: nothing contradicts it."""
    if len(found) < 2:
        return list(found)
    return [
        m
        for m in found
        if any(
            _same(m.station_id, o.station_id) and _same(m.count, o.count)
            for o in found
            if o is not m
        )
    ]


def read(runs: Sequence[Run], profile: Profile) -> CallUp:
    """The call-up of a recording whose runs are ``runs``: every match that agrees
    with the others' consensus, and that another match confirms when there are more
    than one, votes (and only its runs are the call-up's); a figure
    is written only when two matches say it (:data:`~cinq.radio.vote.CONFIRM`), unless
    the script says the call-up once."""
    found = matches(runs, profile)
    ids, counts = [m.station_id for m in found], [m.count for m in found]
    found = [m for m in found if _agrees(m.station_id, ids) and _agrees(m.count, counts)]
    found = _confirmed(found)
    confirm = confirmations(said(profile))
    id_figures = _read([m.station_id for m in found], confirm)
    count_figures = _read([m.count for m in found], confirm)
    station_id = "".join(f.digit for f in id_figures) if id_figures else None
    count = None
    if count_figures and all(f.sure for f in count_figures):
        count = int("".join(f.digit for f in count_figures)) or None
    spans = frozenset(i for m in found for i in range(m.first, m.last + 1))
    return CallUp(station_id, count, len(found), spans)
