"""A known voice's copy, corroborated by that voice's own digit templates.

cinq renders its stations' known voices itself, so it holds each one's own digits.
Two readers of such a recording fail in different ways:

- the recogniser adapted to the voice (:mod:`cinq.radio.known`) marks a figure ``?``
  wherever it is not sure; through noise it is unsure of many right figures
  (receiver bench: cinq's French voice at 10 dB, 67 % of groups marked, none wrong);
- the voice's templates, slid over the recording (:class:`~cinq.radio.receive.VoiceModel`),
  copy such recordings exactly, but are sure of wrong figures through a channel their
  templates do not model (an SSB filter: 74 % of E11's groups wrong, issue #14).

So the templates' copy may only fill the recogniser's ``?``, and only where it is
corroborated: its layout is the same (as many groups, the same station ID and count)
and it agrees with *every* figure the recogniser is sure of, over at least
:data:`MIN_SUPPORT` of them. A channel that fools the templates fools them
throughout a recording, so it shows in the figures the recogniser is sure of.

Why that bounds the risk: if the templates misread a share ``e`` of figures
independently, ``n`` figures all agree with probability ``(1 - e) ** n``; with ``n`` at
least :data:`MIN_SUPPORT` (100) and none disagreeing, ``e`` above 3 % is ruled out at
the 95 % level. The ``?`` figures are the hard ones, so their error rate may be higher
than that: the bound is an argument, not a guarantee, and the rule is judged on the
receiver bench (figures in :data:`MIN_SUPPORT`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..document import UNKNOWN
from .reception import Reception, reception

__all__ = ["MIN_SUPPORT", "Corroboration", "corroborate"]

MIN_SUPPORT = 100
"""The fewest sure figures of the recogniser's copy the templates' copy must agree with
(and disagree with none) before it fills any ``?``: 20 groups."""


@dataclass(frozen=True)
class Corroboration:
    """The outcome of :func:`corroborate`.

    Attributes
    ----------
    copy
        The recogniser's copy, its ``?`` filled where the templates were corroborated.
    support
        The recogniser's sure figures the templates' copy agreed with (0 when the
        layouts differ or any figure disagrees).
    filled
        How many ``?`` were filled.
    """

    copy: Reception
    support: int
    filled: int

    def to_json(self) -> dict[str, object]:
        return {"support": self.support, "filled": self.filled, "clean": self.copy.clean}


def corroborate(copy: Reception, templates: Reception) -> Corroboration:
    """``copy`` with its ``?`` filled from ``templates`` where the two agree on the
    layout and on every figure ``copy`` is sure of, over at least :data:`MIN_SUPPORT`
    figures (noted); ``copy`` unchanged otherwise."""
    support = _support(copy, templates)
    if support < MIN_SUPPORT or not copy.uncertain:
        return Corroboration(copy, support, 0)
    groups = tuple(
        "".join(t if k == UNKNOWN else k for k, t in zip(kept, read, strict=True))
        for kept, read in zip(copy.groups, templates.groups, strict=True)
    )
    filled = len(copy.uncertain) - sum(g.count(UNKNOWN) for g in groups)
    note = (
        f"{filled} unsure figures filled from the voice's own digit templates, whose copy "
        f"agreed with all {support} figures the recogniser was sure of"
    )
    unsure = reception(copy.station, groups, copy.station_id, copy.count).uncertain
    filled_copy = replace(copy, groups=groups, uncertain=unsure, notes=(*copy.notes, note))
    return Corroboration(filled_copy, support, filled)


def _support(copy: Reception, templates: Reception) -> int:
    """The figures ``copy`` is sure of, when ``templates`` has its layout and agrees
    with each of them; else 0."""
    same_layout = (
        len(copy.groups) == len(templates.groups)
        and copy.station_id == templates.station_id
        and copy.count == templates.count
        and copy.count is not None
    )
    if not same_layout:
        return 0
    pairs = [
        (k, t)
        for kept, read in zip(copy.groups, templates.groups, strict=True)
        for k, t in zip(kept, read, strict=True)
        if k != UNKNOWN
    ]
    return len(pairs) if all(k == t for k, t in pairs) else 0
