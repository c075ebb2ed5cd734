"""One rule for a five-figure group (cinq.digits.group_problem), the same at every door."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq import digits as dg
from cinq.analysis.intercepts import _check_groups
from cinq.document import Document
from cinq.errors import BadInput, Location
from cinq.message import Message

# ASCII digits, '?', and what str.isdigit also takes: '²', Arabic-Indic, full-width.
CHARS = "0123456789?²٣４a "


def by_the_rule(text: str, unknown_allowed: bool) -> bool:
    allowed = "0123456789" + ("?" if unknown_allowed else "")
    return len(text) == 5 and all(c in allowed for c in text)


@given(text=st.text(CHARS, max_size=7), unknown_allowed=st.booleans())
def test_the_pattern_and_the_reasons_are_one_rule(text: str, unknown_allowed: bool) -> None:
    expected = by_the_rule(text, unknown_allowed)
    assert dg.is_group(text, unknown_allowed=unknown_allowed) is expected
    problem = dg.group_problem(text, unknown_allowed=unknown_allowed)
    assert (problem is None) is expected
    if problem is None:
        assert dg.check_group(text, unknown_allowed=unknown_allowed) == text
    else:
        with pytest.raises(BadInput, match="is not a five-figure group: "):
            dg.check_group(text, unknown_allowed=unknown_allowed)


@pytest.mark.parametrize(
    ("text", "reason", "offset"),
    [
        ("1234", "4 digits, a group has 5", 0),
        ("123456", "6 digits, a group has 5", 0),
        ("12a45", "'a' is not a digit", 2),
        ("1234²", "'²' is not a digit", 4),
        ("123٣5", "'٣' is not an ASCII digit", 3),
        ("12?45", "'?' (an unreadable digit) is not allowed here", 2),
        ("1a3", "'a' is not a digit", 1),  # the character before the length
    ],
)
def test_reasons(text: str, reason: str, offset: int) -> None:
    assert dg.group_problem(text, unknown_allowed=False) == dg.GroupProblem(reason, offset)


def test_the_error_points_at_the_character() -> None:
    with pytest.raises(BadInput) as e:
        dg.check_group("12a45", unknown_allowed=True, name="group 7", location=Location(3, 10))
    assert e.value.message == "group 7 ('12a45') is not a five-figure group: 'a' is not a digit"
    assert e.value.location == Location(3, 12, "a")
    with pytest.raises(BadInput, match=r"group \(12345\) .* it is not text"):
        dg.check_group(12345, unknown_allowed=False)


@pytest.mark.parametrize("bad", ["1234²", "١٢٣٤٥", "1234", "12 45"])
def test_every_door_refuses_what_the_rule_refuses(bad: str) -> None:
    body = np.zeros(5, dtype=np.uint8)
    with pytest.raises(BadInput, match="is not a five-figure group"):
        Message(bad, body)  # str.isdigit took '²' here
    with pytest.raises(BadInput, match="is not a five-figure group"):
        dg.from_groups(["12345", bad])
    with pytest.raises(BadInput, match="is not a five-figure group"):
        Document(groups=("12345", bad))
    with pytest.raises(BadInput, match="is not a five-figure group"):
        _check_groups(["12345", bad])


def test_unreadable_digits_where_a_copy_may_hold_them() -> None:
    assert Document(groups=("12?45",)).unreadable == (1,)
    assert _check_groups(["12?45"]) == ("12?45",)
    with pytest.raises(BadInput, match="unreadable digit"):
        dg.from_groups(["12?45"])
