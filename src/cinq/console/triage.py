"""The triage page: what a found document is (``cinq triage``), its evidence and
randomness tests, and the report's three plots drawn in the page as SVG (digit
frequencies against the uniform band, digit pairs, digits by position in the group),
each with its numbers in a table for screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ..errors import CinqError
from .app import CsrfChecked, console

router = APIRouter()

Field = Annotated[str, Form(max_length=1_000_000)]


@dataclass(frozen=True)
class Plots:
    """The numbers the plots draw."""

    counts: list[int]  # (10,) each digit's count
    band: tuple[float, float]  # the 95 % band of a count if the digits are uniform
    pairs: list[list[int]]  # (10, 10) first digit by second
    positions: list[list[int]]  # (5, 10) figure of the group by digit

    @property
    def top(self) -> int:
        """The bar chart's scale: the largest count or the band's top."""
        return max(max(self.counts, default=0), int(np.ceil(self.band[1])), 1)

    @staticmethod
    def shade(value: int, most: int) -> str:
        """A heat-map cell's fill: light (none) to dark (the most)."""
        level = 0.0 if most <= 0 else value / most
        grey = round(245 - 200 * level)
        return f"rgb({grey},{grey},{min(255, grey + 10)})"


def plots(groups: tuple[str, ...]) -> Plots:
    from ..analysis.report import digit_counts, pair_counts, position_counts, uniform_band
    from ..analysis.triage import known_digits

    d = known_digits(groups)
    return Plots(
        digit_counts(d).tolist(),
        uniform_band(len(d)),
        pair_counts(d).tolist(),
        position_counts(d).tolist(),
    )


@router.get("/triage", response_class=HTMLResponse)
def triage_form(request: Request) -> Response:
    return console(request).page(request, "triage.html")


@router.post("/triage", response_class=HTMLResponse, dependencies=[CsrfChecked])
def triage(request: Request, document: Field) -> Response:
    """``cinq triage`` of the pasted ``document`` (no pad book: nothing is marked read)."""
    from ..analysis.triage import triage as run

    c = console(request)
    try:
        t = run(document)
    except CinqError as e:
        return c.page(request, "triage.html", {"document": document, "refusal": e}, 400)
    return c.page(request, "triage.html", {"document": document, "t": t, "plots": plots(t.groups)})
