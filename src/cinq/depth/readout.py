"""A depth read back, as people read it: aligned text, and the key as pad pages.

:func:`render` prints each message's reading, then the recovered key in groups with
every message's plaintext digits under it and each character under the digit where its
code begins (U+FFFD where the reading is not sure, lower case where it is tentative).
:func:`key_text` writes the recovered key in the format of ``cinq pad export``
(:mod:`cinq.padtext`), for ``cinq pad import`` into a receive book, so that
``cinq decrypt`` reads further traffic on the same page.

Only key digits the reading is sure of are written: the page holds the key from the
first digit up to the first digit not determined, in whole groups. A digit written
wrong would decipher a later message wrongly and say nothing; a page that stops short
makes ``cinq decrypt`` refuse a longer message instead.
"""

from __future__ import annotations

import numpy as np

from .. import padtext
from ..digits import GROUP, check_group
from ..errors import BadInput
from .solve import Reading, Solution, shown
from .stream import UNKNOWN

__all__ = ["ROW", "key_text", "known_prefix", "render"]

ROW = 50
"""Key digits per row of the aligned block (ten groups)."""


def render(solution: Solution, row: int = ROW) -> str:
    """The readings, then the key with each message's digits and characters under it."""
    total = len(solution.key)
    lines = [
        f"{len(solution.readings)} messages in depth on board {solution.board}: "
        f"{solution.determined} of {total} key digits recovered, "
        f"score {solution.score:.1f} nats against independent keys",
        "",
    ]
    for n, r in enumerate(solution.readings, 1):
        lines.append(
            f"message {n} ({r.lang}, key offset {r.offset}): {r.certain:.0%} of characters "
            f"certain, {r.sure - r.certain:.0%} tentative (lower case), "
            f"{1 - r.sure:.0%} not read (\N{REPLACEMENT CHARACTER})"
        )
        lines.append(f"  {r.text}")
    lines.append("")
    for start in range(0, total, row):
        lines += _block(solution, start, min(total, start + row))
    return "\n".join(lines).rstrip("\n") + "\n"


def _columns(n: int) -> int:
    """The text column of digit ``n`` of a row (a space between groups)."""
    return n + n // GROUP


def _block(solution: Solution, start: int, end: int) -> list[str]:
    width = _columns(end - start - 1) + 1
    key = "".join("?" if d == UNKNOWN else str(d) for d in solution.key[start:end])
    out = [f"key  {_spaced(key)}"]
    for n, r in enumerate(solution.readings, 1):
        digits = [" "] * width
        chars = [" "] * width
        for j in range(max(start, r.offset), min(end, r.offset + len(r.digits))):
            digits[_columns(j - start)] = str(r.digits[j - r.offset])
        for k, s in enumerate(r.starts):
            if start <= s + r.offset < end:
                chars[_columns(s + r.offset - start)] = _shown(r, k)
        out += [f"{n:<4} {''.join(digits)}".rstrip(), f"     {''.join(chars)}".rstrip()]
    return [*out, ""]


def _spaced(digits: str) -> str:
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def _shown(r: Reading, k: int) -> str:
    """Character ``k`` of a reading in one column (``#`` for a CODE escape or sign)."""
    c = r.characters[k]
    return shown(c if len(c) == 1 else "#", r.confidence[k])


def known_prefix(solution: Solution) -> int:
    """Key digits determined from the first one on without a gap, in whole groups."""
    unknown = np.flatnonzero(solution.key == UNKNOWN)
    n = int(unknown[0]) if len(unknown) else len(solution.key)
    return n - n % GROUP


def key_text(solution: Solution, page_id: str) -> str:
    """The recovered key as one pad page named ``page_id``, as ``cinq pad export``
    writes pages (see the module for which digits). Raises :class:`BadInput` when no
    whole group of key digits is determined from the start."""
    check_group(page_id, unknown_allowed=False, name="page ID")
    n = known_prefix(solution)
    if n == 0:
        raise BadInput("no key group is determined from the first key digit: nothing to write")
    groups = ["".join(map(str, solution.key[i : i + GROUP].tolist())) for i in range(0, n, GROUP)]
    text = "\n".join(
        [
            "# The key recovered by cinq depth solve: the digits it is sure of, from the first",
            f"# up to the first not determined ({n} of {len(solution.key)}).",
            f"PAGE {page_id}",
            *(" ".join(groups[i : i + 10]) for i in range(0, len(groups), 10)),
        ]
    )
    padtext.read(text + "\n", source="recovered key")  # what pad import will read
    return text + "\n"
