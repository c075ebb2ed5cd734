"""A planted depth for the console's tests: two English messages on one key among
random ones (not a test module)."""

from __future__ import annotations

import numpy as np

from cinq import board
from cinq import digits as dg
from cinq import language as lg
from cinq.hazmat.cipher import encipher
from cinq.message import pad_to_groups

FIRST = (
    "THE AGENT WILL MEET THE COURIER AT THE OLD BRIDGE ON FRIDAY AT NOON BRING THE "
    "PAPERS AND THE MONEY AND TELL NOBODY ABOUT THE PLAN"
)
SECOND = (
    "ALL IS WELL HERE THE SAFE HOUSE IS READY AND THE RADIO WORKS WE WAIT FOR YOUR "
    "ORDERS AND THE NEXT DROP WILL BE ON MONDAY NIGHT"
)
BOARD = "CT-37"


def planted() -> str:
    """Five messages, a blank line between them: the 1st and the 3rd in depth."""
    b = board(BOARD)
    key = np.random.default_rng(7).integers(0, 10, 1000).astype(np.uint8)
    depth = [
        dg.to_groups(encipher(pad_to_groups(lg.encode(t, b, "en", lg.Policy.FOLD), b), key))
        for t in (FIRST, SECOND)
    ]
    rng = np.random.default_rng(3)
    noise = [["".join(map(str, rng.integers(0, 10, 5))) for _ in range(30)] for _ in range(3)]
    messages = [depth[0], noise[0], depth[1], noise[1], noise[2]]
    return "\n\n".join("\n".join(m) for m in messages)


def digit_of(text: str, word: str) -> int:
    """The digit (from 1) where ``word`` begins in ``text`` encoded on the board."""
    before = text[: text.index(word)]
    return len(lg.encode(before, board(BOARD), "en", lg.Policy.FOLD)) + 1
