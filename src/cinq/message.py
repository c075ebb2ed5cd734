"""The message: an indicator group in clear, the enciphered groups, the check groups.

The indicator is the page-ID group of the first pad page used; a message longer than a
page continues on the following pages of the book. The plaintext digits are padded
to whole groups with the board's fill, which decodes to nothing. The check groups
(:mod:`cinq.auth`) close the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import digits as dg
from .checkerboard import Board
from .digits import GROUP, Digits
from .errors import BadInput


def pad_to_groups(plain: Digits, board: Board) -> Digits:
    """Append the board's fill so the length is a whole number of groups."""
    k = -len(plain) % GROUP
    if not k:
        return plain
    return np.concatenate([plain, dg.from_str(board.fill(k))])


@dataclass(frozen=True, eq=False)
class Message:
    """An indicator, the cipher digits that follow it and the check digits, if any
    (each a whole number of groups)."""

    indicator: str
    body: Digits
    check: Digits = field(default_factory=dg.empty)

    def __post_init__(self) -> None:
        if len(self.indicator) != GROUP or not self.indicator.isdigit():
            raise BadInput(f"indicator {self.indicator!r} is not a five-figure group")
        if len(self.body) == 0 or len(self.body) % GROUP:
            raise BadInput(f"message body of {len(self.body)} digits is not whole groups")
        if len(self.check) % GROUP:
            raise BadInput(f"{len(self.check)} check digits are not whole groups")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Message)
            and self.indicator == other.indicator
            and np.array_equal(self.body, other.body)
            and np.array_equal(self.check, other.check)
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def groups(self) -> tuple[str, ...]:
        """Indicator first, then the body, then the check groups."""
        return (self.indicator, *dg.to_groups(self.body), *dg.to_groups(self.check))

    @classmethod
    def from_groups(cls, groups: Sequence[str], check_groups: int = 0) -> Message:
        """Read a message from its groups: the first is the indicator, the last
        ``check_groups`` are the check groups."""
        if len(groups) < 2 + check_groups:
            raise BadInput(
                f"a message needs an indicator group, at least one cipher group and "
                f"{check_groups} check groups: {2 + check_groups} in all; got {len(groups)}"
            )
        cut = len(groups) - check_groups
        return cls(groups[0], dg.from_groups(groups[1:cut]), dg.from_groups(groups[cut:]))

    @property
    def canonical(self) -> str:
        """The groups joined by spaces: what identifies a message (for replay checks)."""
        return " ".join(self.groups)

    def locate(self, digit_index: int) -> str:
        """Where body digit ``digit_index`` sits, as a reader counts groups."""
        return f"group {digit_index // GROUP + 2}, figure {digit_index % GROUP + 1}"
