"""A monitor's log of a transmission, and the words it means were spoken.

A monitor logs a voice station as the call-up and the groups: ``460/38 ATTENTION
12345 67890 ...``, on one line or one group per line, ``?`` for a figure not copied.
:func:`parse` reads such a log into a :class:`Transcript`; :func:`spoken` expands it
into the sequence of :class:`Item` the station actually said, following a profile's
script (the call-up repeated, each group read as often as the profile says), or
literally when there is no profile (a recording of the ten digits read one by one).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import BadInput, Location
from .profiles import MAX_REPEAT, Profile, Step
from .synth import expand

__all__ = ["Block", "Item", "Kind", "Spoken", "Token", "Transcript", "parse", "spoken"]

FIGURES = "0123456789?"
# What a log may hold between tokens: spaces and the punctuation monitors use.
SEPARATORS = " \t\r,;.:-|"
GROUP = 5


class Kind(enum.Enum):
    """What an item of the spoken sequence is."""

    DIGIT = "digit"  # a figure known: its text is the digit
    FIGURE = "figure"  # a figure the monitor did not copy ('?')
    WORD = "word"  # any other word (call-up words, sign-off)
    TONE = "tone"  # a tone or interval signal: no speech


@dataclass(frozen=True)
class Item:
    """One thing said (or sent) in a transmission, in order.

    Attributes
    ----------
    kind
        A digit, an uncopied figure, a word or a tone.
    text
        The digit, ``?``, the word, or the tone's step.
    group
        1-based number of the message group this figure belongs to; 0 outside groups.
    reading
        1-based reading of that group (a station may read each group twice in a row).
    """

    kind: Kind
    text: str
    group: int = 0
    reading: int = 0


@dataclass(frozen=True)
class Token:
    """A run of figures, a word or a ``/``, where it stands in the log."""

    text: str
    where: Location

    @property
    def figures(self) -> bool:
        return all(c in FIGURES for c in self.text)


@dataclass(frozen=True)
class Transcript:
    """A parsed log.

    Attributes
    ----------
    callup
        The tokens before the first group (figure runs, words, ``/``).
    groups
        The five-figure groups, ``?`` for a figure not copied.
    tail
        What follows the groups (a sign-off).
    """

    callup: tuple[str, ...]
    groups: tuple[str, ...]
    tail: tuple[str, ...] = ()

    @property
    def station_id(self) -> str | None:
        """The figures before the call-up's ``/`` (or its first run of figures)."""
        runs = self._callup_figures()
        return runs[0] if runs else None

    @property
    def count(self) -> str | None:
        """The figures after the call-up's ``/`` (or its second run of figures)."""
        runs = self._callup_figures()
        return runs[1] if len(runs) > 1 else None

    def _callup_figures(self) -> list[str]:
        runs = [t for t in self.callup if all(c in FIGURES for c in t)]
        if "/" in self.callup:
            k = self.callup.index("/")
            before = [t for t in self.callup[:k] if t in runs]
            after = [t for t in self.callup[k + 1 :] if t in runs]
            return before[-1:] + after[:1]
        return runs[:2]

    def render(self) -> str:
        """The log as a monitor writes it: the call-up on the first line, then one group
        per line, then the sign-off (``parse(t.render()) == t``)."""
        lines = [" ".join(self.callup), *self.groups, " ".join(self.tail)]
        return "\n".join(line for line in lines if line) + "\n"

    def literal(self) -> list[Item]:
        """Every token as written, figures one by one (no profile: nothing repeated)."""
        items = [_item(c) for t in self.callup if t != "/" for c in _split(t)]
        for g, group in enumerate(self.groups, 1):
            items.extend(_item(c, g, 1) for c in group)
        return items + [_item(c) for t in self.tail for c in _split(t)]


def _split(token: str) -> list[str]:
    """A run of figures is spoken one by one; a word is said whole."""
    return list(token) if all(c in FIGURES for c in token) else [token]


def _item(text: str, group: int = 0, reading: int = 0) -> Item:
    if text == "?":
        return Item(Kind.FIGURE, text, group, reading)
    kind = Kind.DIGIT if text in FIGURES else Kind.WORD
    return Item(kind, text, group, reading)


def tokens(text: str, *, source: str = "transcript") -> Iterator[Token]:
    """The figure runs, words and ``/`` of a log; :class:`BadInput` naming line,
    column and character for anything else."""
    for n, line in enumerate(text.split("\n"), 1):
        col = 0
        while col < len(line):
            c = line[col]
            if c in SEPARATORS or c.isspace():
                col += 1
                continue
            end = col + 1
            if c in FIGURES or c.isalpha():
                same = (lambda x: x in FIGURES) if c in FIGURES else str.isalpha
                while end < len(line) and same(line[end]):
                    end += 1
            elif c != "/":
                where = Location(n, col + 1, c, source)
                raise BadInput("a log holds figures, '?', words and '/' only", location=where)
            yield Token(line[col:end], Location(n, col + 1, None, source))
            col = end


def parse(text: str, *, source: str = "transcript") -> Transcript:
    """A monitor's log: the call-up, then the five-figure groups, then any sign-off.

    The first run of exactly five figures not joined to a ``/`` starts the groups;
    after it every run of figures must be a group of five.

    Raises
    ------
    BadInput
        A character that is not a figure, ``?``, a letter, ``/`` or a separator, a
        group of other than five figures, or a log with nothing in it; the error
        names the source, line and column.
    """
    toks = list(tokens(text, source=source))
    if not toks:
        raise BadInput(f"{source}: the log is empty (no figures or words to align)")
    start = _first_group(toks)
    callup = tuple(t.text for t in toks[:start])
    groups: list[str] = []
    tail: list[str] = []
    for t in toks[start:]:
        if tail or not t.figures:
            tail.append(t.text)
        elif len(t.text) != GROUP:
            raise BadInput(f"a group has {GROUP} figures, not {len(t.text)}", location=t.where)
        else:
            groups.append(t.text)
    return Transcript(callup, tuple(groups), tuple(tail))


def _first_group(toks: list[Token]) -> int:
    for k, t in enumerate(toks):
        joined = (k and toks[k - 1].text == "/") or (k + 1 < len(toks) and toks[k + 1].text == "/")
        if t.figures and len(t.text) == GROUP and not joined:
            return k
    return len(toks)


@dataclass(frozen=True)
class Block:
    """A step of the script sent a number of times the log cannot tell (a call-up that
    runs for minutes on air but twice in a short broadcast): its items are expanded
    ``repeats`` times from ``start``, ``length`` each, and a recording may hold as few
    as ``fewest`` of them."""

    start: int
    length: int
    repeats: int
    fewest: int

    @property
    def end(self) -> int:
        return self.start + self.length * self.repeats


@dataclass(frozen=True)
class Spoken:
    """The sequence a station said, and the blocks whose repeats may be fewer."""

    items: tuple[Item, ...]
    blocks: tuple[Block, ...] = ()

    def __len__(self) -> int:
        return len(self.items)


# The shortest a spoken item and its gap may be (seconds): how many repeats of a call-up
# could fill a profile's ``fill`` seconds at most.
SHORTEST_ITEM = 0.35


def spoken(transcript: Transcript, profile: Profile | None = None) -> Spoken:
    """What the station said, in order: the profile's script with the log's call-up
    and groups filled in (each group read as often as the script says), or the log
    itself when there is no profile or it holds no groups (the ten digits, say).
    A step sent a different number of times on air and in a short broadcast is a
    :class:`Block` of the most repeats, of which a recording may hold fewer.

    Raises
    ------
    BadInput
        A Morse profile (no voice to learn), a script that speaks the station ID
        when the log's call-up has none, or a call-up whose group count is not the
        number of groups in the log.
    """
    if profile is None or not transcript.groups:
        return Spoken(tuple(transcript.literal()))
    if profile.mode != "voice":
        raise BadInput(f"{profile.name} is a Morse station: there is no voice to learn")
    count = transcript.count or str(len(transcript.groups))
    if count.isdigit() and int(count) != len(transcript.groups):
        raise BadInput(
            f"the call-up gives {int(count)} groups but the log has {len(transcript.groups)}"
        )
    items: list[Item] = []
    blocks: list[Block] = []
    for step in profile.script:
        once = _step(step, transcript, profile.name, count)
        fewest, most = _repeats(step, len(once))
        if once and fewest < most:
            blocks.append(Block(len(items), len(once), most, fewest))
        items.extend(once * most)
    return Spoken(tuple(items), tuple(blocks))


def _repeats(step: Step, items: int) -> tuple[int, int]:
    """The fewest and the most times a step may be sent: in a short broadcast, and on
    air (``real`` times, or as often as fits in ``fill`` seconds)."""
    short = step.count(short=True) or 0
    real = step.count(short=False)
    if real is None:  # as often as fills step.fill seconds
        real = min(max(1, math.ceil(step.fill / (SHORTEST_ITEM * max(items, 1)))), MAX_REPEAT)
    return min(short, real), max(short, real)


def _step(step: Step, transcript: Transcript, station: str, count: str) -> list[Item]:
    if step.kind == "pause":
        return []
    if step.kind == "groups":
        return [
            _item(c, g, r)
            for g, group in enumerate(transcript.groups, 1)
            for r in range(1, step.times + 1)
            for c in group
        ]
    if step.kind != "say":  # a tone, an interval signal: sound that is not speech
        return [Item(Kind.TONE, step.kind)]
    items: list[Item] = []
    for token in expand(step.text, "", 0, keep_placeholders=True):
        if token == "{id}":
            if transcript.station_id is None:
                raise BadInput(
                    f"{station}'s call-up speaks the station ID, but the log's call-up has "
                    "none (log it first, e.g. '460/38 ATTENTION')"
                )
            items.extend(_item(c) for c in transcript.station_id)
        elif token == "{count}":
            items.extend(_item(c) for c in count)
        elif token != "/":
            items.extend(_item(c) for c in _split(token))
    return items
