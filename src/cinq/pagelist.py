"""Lists of page numbers as people write them: ``"1-10,15"``.

:func:`parse` reads what ``--pages`` takes (``pad export``, ``print pads``);
:func:`format` writes what cinq reports (``"1-3, 7"``). Every list :func:`format`
writes, :func:`parse` reads back as the same numbers, sorted and without repeats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import BadInput, Location

#: The most pages a page list may name: a pad book's limit.
MAX_PAGES = 100_000

_PART = re.compile(r"\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?", re.ASCII)


def parse(spec: str, *, limit: int = MAX_PAGES, source: str = "page list") -> list[int]:
    """Page numbers from a list like ``1-10,15``, in the order given (a number named
    twice comes twice). At most ``limit`` numbers, counted before the list is built:
    ``1-999999999`` is refused, not allocated. :class:`BadInput` names the part that
    is wrong and where it starts in ``spec`` (``source`` names the list)."""
    numbers: list[int] = []
    offset = 0
    for part in spec.split(","):
        start, offset = offset, offset + len(part) + 1
        m = _PART.fullmatch(part)
        if not m:
            raise _bad(f"{part!r} is not a page number or range like 3-7", spec, start, source)
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if lo < 1:
            raise _bad("pages are numbered from 1", spec, start, source)
        if hi < lo:
            raise _bad(f"range {part.strip()!r} runs backwards", spec, start, source)
        if len(numbers) + hi - lo + 1 > limit:
            raise BadInput(f"{spec.strip()!r} names more than {limit} pages")
        numbers.extend(range(lo, hi + 1))
    return numbers


def _bad(message: str, spec: str, offset: int, source: str) -> BadInput:
    # The location is worked out only for the error: a long list stays linear.
    return BadInput(message, location=Location.of_offset(spec, offset, source=source))


def format(numbers: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``: sorted, repeats dropped, runs as ranges."""
    out: list[str] = []
    first = last = None
    for n in sorted(set(numbers)):
        if last is not None and n == last + 1:
            last = n
            continue
        if first is not None:
            out.append(_run(first, last))
        first = last = n
    if first is not None:
        out.append(_run(first, last))
    return ", ".join(out)


def _run(first: int, last: int | None) -> str:
    return str(first) if last in (None, first) else f"{first}-{last}"
