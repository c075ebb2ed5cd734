"""From the words heard to the copy: the profile's script as the grammar.

The recogniser (:mod:`cinq.radio.recogniser`) hears words, each with calibrated
probabilities of the ten digits and of "not a digit". The decoder measures the cadence
from them (:mod:`cinq.radio.timing`), cuts them into runs, reads the call-up wherever it
is (:mod:`cinq.radio.callup`), lays the readings of the groups on the script's passes
(:mod:`cinq.radio.passes`) and votes each figure over all its readings
(:mod:`cinq.radio.vote`). Nothing is guessed: a figure whose vote is not sure is ``?``,
a group never heard is ``?????``, and a copy is clean only if it is complete by the
call-up's count (:mod:`cinq.radio.reception`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..document import UNKNOWN
from . import callup, passes, timing
from .familiarity import familiarity
from .passes import FIGURES, Pass, Reading
from .profiles import Profile
from .reception import Reception, reception
from .vote import CONFIRM, Bar, bar_for, confirmations
from .vote import vote as vote_figure
from .words import Word


def decode(
    words: Sequence[Word], profile: Profile, *, vote: bool = True, stranger: bool = False
) -> Reception:
    """The copy of a recording of a ``profile`` station whose words are ``words``.

    Parameters
    ----------
    words
        The words heard, in order of their start.
    profile
        The station: its script is the grammar of the transmission.
    vote
        False reads only the first reading heard of each group (to measure what the
        repeats are worth).
    stranger
        The voice is known to be none the recogniser was adapted to (the general
        recogniser reading a voice :mod:`cinq.radio.known` did not recognise): its
        readings are weighed as a voice the recogniser does not know
        (:func:`~cinq.radio.vote.bar_for`), however sure they look. Measured with
        models left out of training (espeak-ng left out, E11, 200 groups, clean): the
        readings looked familiar, and weighed as such 10 % of groups came out wrong
        without a ``?`` (French 24.5 %); the first reading alone, 0 % (10.5 %).
    """
    cadence = timing.estimate(words, profile)
    runs = timing.runs(words, cadence)
    call = callup.read(runs, profile)
    found = passes.blocks(runs, call.runs, profile, cadence)
    laid = passes.laid(passes.without_phrases(found, profile), profile)
    placed = passes.aligned(laid, call.count)
    known = familiarity(words)
    unknown = [n for n in [known.note()] if n]
    if not placed:
        nothing = ("no message groups found", *unknown)
        return Reception(profile.name, (), call.station_id, call.count, notes=nothing)
    size = max(call.count or 0, max(p.offset + len(p.groups) for p in placed))
    heard = [_readings(placed, g, vote=vote) for g in range(size)]
    # A group heard once is checked by nothing but the message's extent: unless the
    # call-up's count confirms where the passes were laid, two readings must agree.
    checked = call.count == size or not vote
    confirm = 1 if checked else confirmations(passes.reads(profile))
    if stranger and vote:
        # A stranger's lone reading is checked by nothing the recogniser can vouch for,
        # count or no count: two readings must say a digit (a station that reads each
        # group once gives a stranger's copy no digit at all).
        confirm = CONFIRM
    bar = bar_for(familiar=known.familiar and not stranger)
    groups = [_group(rs, confirm, bar) for rs in heard]
    held = sum(1 for g in groups if g != UNKNOWN * FIGURES)
    notes = [*_notes(placed, call, held, profile), *unknown]
    counted = any(s.kind == "say" and "{count}" in s.text for s in profile.script)
    return reception(profile.name, groups, call.station_id, call.count, notes, counted=counted)


def _readings(placed: Sequence[Pass], g: int, *, vote: bool) -> list[Reading]:
    """Every reading of group ``g`` (0-based) in every pass; only the first one heard
    when not voting."""
    found = [
        r
        for p in sorted(placed, key=lambda p: p.step)
        if p.offset <= g < p.offset + len(p.groups)
        for r in p.groups[g - p.offset]
    ]
    return found if vote else found[:1]


def _group(readings: Sequence[Reading], confirm: int, bar: Bar) -> str:
    """A group voted figure by figure over its readings (``?`` where not sure by
    ``bar``, or said by fewer than ``confirm`` of them); a reading that lost or gained
    a word is first placed as the others say."""
    readings = [r.resolved([o for o in readings if o is not r]) for r in readings]
    figures = []
    for i in range(FIGURES):
        heard = [f for r in readings if (f := r.figures[i]) is not None]
        voted = (
            vote_figure(heard, confirm=confirm, shared=bar.shared, sure=bar.sure) if heard else None
        )
        figures.append(voted.digit if voted else UNKNOWN)
    return "".join(figures)


def _gaps(placed: Sequence[Pass]) -> list[timing.Gap]:
    """The pause between groups fitted in each pass, from every digit onset heard."""
    found = []
    for p in placed:
        onsets = [
            timing.Onset(g, r, i, t)
            for g, group in enumerate(p.groups)
            for r, reading in enumerate(group)
            for i, t in enumerate(reading.onsets)
        ]
        times = max(len(group) for group in p.groups)
        if (gap := timing.group_gap(onsets, times)) is not None:
            found.append(gap)
    return found


def _notes(
    placed: Sequence[Pass],
    call: callup.CallUp,
    heard: int,
    profile: Profile,
) -> list[str]:
    """What the receiver noticed: passes voted, a late start, groups never heard, the
    tape's speed."""
    notes = []
    if len(placed) > 1:
        notes.append(f"the message was copied {len(placed)} times: votes over all readings")
    first = min(placed, key=lambda p: p.step)
    if first.step > 0:
        notes.append(f"the recording starts in reading {first.step + 1} of the message")
    elif first.block.at_start and first.offset > 0:
        notes.append(f"the recording starts at group {first.offset + 1} of the first reading")
    elif first.block.at_start and call.count is None:
        notes.append("the recording starts in the message: groups before it may be missing")
    if call.count is not None and heard < call.count:
        notes.append(f"copy has {heard} of {call.count} groups")
    said = timing.speed_note(timing.speed(_gaps(placed), profile))
    if said:
        notes.append(said)
    return notes
