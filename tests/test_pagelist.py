"""Page lists ("1-10,15"): parsing and formatting, and their round trips."""

from __future__ import annotations

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from cinq import pagelist
from cinq.cli.options import page_numbers
from cinq.errors import BadInput

numbers = st.lists(st.integers(1, 10**6), max_size=40)


@given(numbers)
def test_parse_reads_back_what_format_writes(xs: list[int]) -> None:
    text = pagelist.format(xs)
    if not xs:
        assert text == ""
        return
    assert pagelist.parse(text) == sorted(set(xs))


@given(numbers.filter(bool))
def test_format_of_parse_is_the_canonical_list(xs: list[int]) -> None:
    canonical = pagelist.format(xs)
    assert pagelist.format(pagelist.parse(canonical)) == canonical
    # Any spelling of the same pages (order, repeats, blanks, no spaces) formats alike.
    spelled = ",".join(f" {n} " for n in reversed(xs))
    assert pagelist.format(pagelist.parse(spelled)) == canonical


@given(st.lists(st.tuples(st.integers(1, 500), st.integers(0, 30)), min_size=1, max_size=12))
def test_parse_expands_ranges_in_the_order_given(runs: list[tuple[int, int]]) -> None:
    spec = ",".join(f"{lo}-{lo + k}" if k else str(lo) for lo, k in runs)
    assert pagelist.parse(spec) == [n for lo, k in runs for n in range(lo, lo + k + 1)]


def test_format_examples() -> None:
    assert pagelist.format([7, 1, 2, 3, 3]) == "1-3, 7"
    assert pagelist.format([]) == ""
    assert pagelist.format(iter([5])) == "5"
    assert pagelist.format([1, 2, 4, 5, 6, 9]) == "1-2, 4-6, 9"


@pytest.mark.parametrize(
    ("spec", "message", "column"),
    [
        ("1-3,x", "'x' is not a page number", 5),
        ("1,,2", "'' is not a page number", 3),
        ("0-2", "numbered from 1", 1),
        ("2, 9-4", "'9-4' runs backwards", 3),
        ("1-1234567890", "not a page number", 1),
        ("٣", "not a page number", 1),  # only ASCII digits
    ],
)
def test_parse_errors_say_what_and_where(spec: str, message: str, column: int) -> None:
    with pytest.raises(BadInput, match=message) as err:
        pagelist.parse(spec, source="--pages")
    assert err.value.location is not None
    assert (err.value.location.column, err.value.location.source) == (column, "--pages")


def test_parse_counts_before_it_allocates() -> None:
    with pytest.raises(BadInput, match="more than 100000 pages"):
        pagelist.parse("1-999999999")
    with pytest.raises(BadInput, match="more than 3 pages"):
        pagelist.parse("1-2,5-6", limit=3)
    assert len(pagelist.parse("1-100000")) == pagelist.MAX_PAGES


def test_a_long_list_of_single_pages_parses() -> None:
    spec = ",".join(map(str, range(1, 50_001)))
    assert pagelist.parse(spec)[-1] == 50_000


def test_the_cli_option_is_a_thin_wrapper() -> None:
    assert page_numbers("3-5,1") == [3, 4, 5, 1]
    with pytest.raises(typer.BadParameter, match="runs backwards"):
        page_numbers("5-3")
