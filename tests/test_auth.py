"""Check groups: every alteration is refused; the bound is what the docs say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cinq
from cinq import auth
from cinq import digits as dg
from cinq.book import PadBook
from cinq.errors import AuthenticationFailed, BadInput, KeyManagementError
from cinq.hazmat import forge
from cinq.hazmat.forge import key_for
from cinq.hazmat.pad import random_digits
from cinq.hazmat.pages import peek_key


def test_forgery_bounds() -> None:
    assert auth.STRONG.forgery_bound(500) <= 1e-8
    assert auth.STRONG.forgery_bound(500) == pytest.approx((3 * 502 / 1e10) ** 2)
    assert auth.STRONG.forgery_bound(333_000) <= 1e-8 < auth.STRONG.forgery_bound(334_000)
    assert auth.HAND.forgery_bound(20) == pytest.approx((3 * 22 / 1e5) ** 2)
    assert (auth.STRONG.check_groups, auth.STRONG.key_digits) == (4, 40)
    assert (auth.HAND.check_groups, auth.HAND.key_digits) == (2, 20)


def test_primes_are_the_smallest_above_the_width() -> None:
    def is_prime(n: int) -> bool:
        return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))

    assert is_prime(auth.HAND.prime) and not any(map(is_prime, range(10**5, auth.HAND.prime)))
    # 10_000_000_019: trial division to 10^5 is enough to rule out small factors cheaply;
    # a Fermat test to several bases stands in for the rest.
    p = auth.STRONG.prime
    assert all(p % d for d in range(2, 100_000)) and all(pow(a, p - 1, p) == 1 for a in (2, 3, 5))


def test_hand_scheme_by_hand() -> None:
    # Worked as on the worksheet: indicator 12345, cipher 11427 28615, key
    # r1=04711 s1=50000 r2=00002 s2=99999.
    body = dg.from_str("1142728615")
    key = dg.from_str("04711500000000299999")
    p = 100_003
    h1 = 0
    for b in (10, 12345, 11427, 28615):  # length, indicator, groups
        h1 = (h1 + b) * 4711 % p
    h2 = 0
    for b in (10, 12345, 11427, 28615):
        h2 = (h2 + b) * 2 % p
    expected = f"{(h1 + 50000) % 10**5:05d}{(h2 + 99999) % 10**5:05d}"
    assert dg.to_str(auth.check_values(auth.HAND, "12345", body, key)) == expected
    # the worksheet lines for r2 = 2: 10*2 = 20; (20+12345)*2 = 24730;
    # (24730+11427)*2 = 72314; (72314+28615)*2 = 201858 = 2*100003 + 1852
    assert h2 == 1852
    assert dg.to_str(auth.check_values(auth.HAND, "12345", body, key))[5:] == "01851"


@pytest.mark.parametrize("scheme", [auth.STRONG, auth.HAND], ids=lambda s: s.name)
def test_every_single_digit_change_is_refused(scheme: auth.Scheme) -> None:
    body = random_digits(5 * 12)
    key = random_digits(scheme.key_digits)
    check = auth.check_values(scheme, "40713", body, key)
    assert auth.verify(scheme, "40713", body, key, check)
    full = dg.from_str("40713" + dg.to_str(body) + dg.to_str(check))
    for i in range(len(full)):
        for delta in range(1, 10):
            altered = full.copy()
            altered[i] = (altered[i] + delta) % 10
            s = dg.to_str(altered)
            ind, rest = s[:5], altered[5:]
            b, c = rest[: len(body)], rest[len(body) :]
            assert not auth.verify(scheme, ind, b, key, c), (i, delta)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return PadBook.create_pair(tmp_path / "net", pages=30, groups=50)


def sent(pair: tuple[Path, Path], text: str = "ATTACK AT DAWN, NOT BEFORE 0500") -> cinq.Document:
    with PadBook.open(pair[0]) as b:
        return cinq.encrypt(text, b)


def refused(pair: tuple[Path, Path], groups: list[str]) -> bool:
    with PadBook.open(pair[1]) as b:
        before = b.status()
        try:
            cinq.decrypt(cinq.Document(groups=tuple(groups)), b)
        except (AuthenticationFailed, KeyManagementError, BadInput):
            assert b.status() == before  # nothing marked
            return True
    return False


def test_structural_alterations_are_refused(pair: tuple[Path, Path]) -> None:
    doc = sent(pair)
    g = list(doc.groups)
    for i in range(1, len(g) - 1):  # transposed neighbours
        if g[i] != g[i + 1]:
            assert refused(pair, [*g[:i], g[i + 1], g[i], *g[i + 2 :]]), f"swap {i}"
    for i in range(len(g)):  # a dropped group
        assert refused(pair, g[:i] + g[i + 1 :]), f"drop {i}"
    for i in range(1, len(g) + 1):  # an added group
        assert refused(pair, [*g[:i], "31415", *g[i:]]), f"add at {i}"
    with PadBook.open(pair[1]) as b:
        assert cinq.decrypt(doc, b).verified


def test_changed_indicator_is_refused(pair: tuple[Path, Path]) -> None:
    doc = sent(pair)
    with PadBook.open(pair[1]) as b:
        other = next(p.page_id for p in b.pages() if p.page_id != doc.groups[0])
        ids = {p.page_id for p in b.pages()}
    # another page of the same book: its check key does not fit
    with PadBook.open(pair[1]) as b, pytest.raises(AuthenticationFailed):
        cinq.decrypt(cinq.Document(groups=(other, *doc.groups[1:])), b)
    stranger = next(f"{n:05d}" for n in range(100000) if f"{n:05d}" not in ids)
    with PadBook.open(pair[1]) as b, pytest.raises(KeyManagementError):
        cinq.decrypt(cinq.Document(groups=(stranger, *doc.groups[1:])), b)


alterations = st.lists(
    st.tuples(st.sampled_from(["digit", "swap", "drop", "add"]), st.integers(0, 10**6)),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60)
@given(edits=alterations)
def test_random_alterations_are_refused(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, int]]
) -> None:
    folder = tmp_path_factory.mktemp("alt")
    pair = PadBook.create_pair(folder / "n", pages=4, groups=50)
    doc = sent(pair, "MEET AT NOON")
    g = list(doc.groups)
    for kind, x in edits:
        i = x % len(g)
        if kind == "digit":
            pos, d = x % 5, (int(g[i][x % 5]) + 1 + x % 9) % 10
            g[i] = g[i][:pos] + str(d) + g[i][pos + 1 :]
        elif kind == "swap" and len(g) > 1:
            j = (i + 1) % len(g)
            g[i], g[j] = g[j], g[i]
        elif kind == "drop" and len(g) > 1:
            del g[i]
        else:
            g.insert(i, f"{x % 100000:05d}")
    if g == list(doc.groups):
        return  # the edits cancelled out: nothing to detect
    assert refused(pair, g)


def test_unverified_read_returns_text_but_marks_nothing(pair: tuple[Path, Path]) -> None:
    doc = sent(pair, "HELLO")
    g = list(doc.groups)
    g[-1] = f"{(int(g[-1]) + 1) % 100000:05d}"
    with PadBook.open(pair[1]) as b:
        got = cinq.decrypt(cinq.Document(groups=tuple(g)), b, unverified=True)
        assert got.text == "HELLO" and got.verified is False
        assert b.status().used == 0


def test_hand_and_none_schemes_round_trip(pair: tuple[Path, Path]) -> None:
    for scheme, extra in ((auth.HAND, 2), (None, 0)):
        with PadBook.open(pair[0]) as b:
            doc = cinq.encrypt("HELLO WORLD", b, check=scheme)
        with PadBook.open(pair[0]) as b:
            plain_groups = len(cinq.encrypt("HELLO WORLD", b, check=None).groups)
        assert len(doc.groups) == plain_groups + extra
        with PadBook.open(pair[1]) as b:
            assert cinq.decrypt(doc, b, check=scheme).text == "HELLO WORLD"


def test_check_groups_are_keyed_by_digits_after_the_text(pair: tuple[Path, Path]) -> None:
    doc = sent(pair, "HI")
    with PadBook.open(pair[1]) as b:
        msg = cinq.message.Message.from_groups(doc.groups, 4)
        key = peek_key(b, doc.groups[0], len(msg.body) + 40).key
    n = len(msg.body)
    mac_key = key[n : n + 40]
    assert np.array_equal(
        auth.check_values(auth.STRONG, msg.indicator, msg.body, mac_key), msg.check
    )


# -- the vectorised hash against the block-by-block reference ----------------------------


def reference_hash(values: list[int], r: int, p: int) -> int:
    """Horner's rule one block at a time: the definition the arrays must match."""
    h = 0
    for b in values:
        h = (h + b) * r % p
    return h


def reference_check_values(
    s: auth.Scheme, indicator: str, body: np.ndarray, key: np.ndarray
) -> str:
    text = dg.to_str(key)
    nums = [int(text[i : i + s.width]) for i in range(0, len(text), s.width)]
    values = [len(body), int(indicator), *(int(g) for g in dg.to_groups(body))]
    out = ""
    for j in range(s.evaluations):
        tag = (reference_hash(values, nums[2 * j], s.prime) + nums[2 * j + 1]) % 10**s.width
        out += f"{tag:0{s.width}d}"
    return out


def _groups_of_digits(groups: int) -> st.SearchStrategy[np.ndarray]:
    size = 5 * groups
    return st.lists(st.integers(0, 9), min_size=size, max_size=size).map(
        lambda d: np.array(d, dtype=np.uint8)
    )


# Small bodies digit by digit (shrinkable), long ones (several rows of the vectorised
# step) from a seeded generator.
digit_arrays = st.one_of(
    st.integers(0, 40).flatmap(_groups_of_digits),
    st.tuples(st.integers(0, 20_000), st.integers(0, 2**32 - 1)).map(
        lambda n_seed: np.random.default_rng(n_seed[1]).integers(
            0, 10, 5 * n_seed[0], dtype=np.uint8
        )
    ),
)
# Primes of every size the exact uint64 sums handle, and ones past it (Python integers).
primes = st.sampled_from([2, 3, 97, 100_003, 10_000_000_019, 1_000_000_000_039, 2**61 - 1])


@settings(max_examples=150, deadline=None)
@given(body=digit_arrays, indicator=st.integers(0, 99_999), r=st.integers(0, 2**62), p=primes)
def test_vectorised_hash_is_horner_block_by_block(
    body: np.ndarray, indicator: int, r: int, p: int
) -> None:
    ind = f"{indicator:05d}"
    assert auth.blocks(ind, body) == [len(body), indicator, *map(int, dg.to_groups(body))]
    assert auth.poly_hash(ind, body, r, p) == reference_hash(auth.blocks(ind, body), r, p)


@settings(max_examples=60, deadline=None)
@given(body=digit_arrays, indicator=st.integers(0, 99_999), data=st.data())
def test_check_values_match_the_reference(
    body: np.ndarray, indicator: int, data: st.DataObject
) -> None:
    scheme = data.draw(st.sampled_from([auth.STRONG, auth.HAND]))
    key = np.array(
        data.draw(
            st.lists(st.integers(0, 9), min_size=scheme.key_digits, max_size=scheme.key_digits)
        ),
        dtype=np.uint8,
    )
    ind = f"{indicator:05d}"
    check = auth.check_values(scheme, ind, body, key)
    assert dg.to_str(check) == reference_check_values(scheme, ind, body, key)


def test_hash_of_rows_longer_than_a_chunk() -> None:
    # Several full rows of the vectorised step and a short first one, at the largest
    # block values (every product and row sum at its bound).
    body = np.full(5 * (3 * 8192 + 17), 9, dtype=np.uint8)
    for p in (auth.STRONG.prime, auth.HAND.prime):
        r = p - 1
        assert auth.poly_hash("99999", body, r, p) == reference_hash(
            auth.blocks("99999", body), r, p
        )


@settings(max_examples=40, deadline=None)
@given(body=digit_arrays.filter(len), data=st.data())
def test_forged_key_verifies_the_chosen_check(body: np.ndarray, data: st.DataObject) -> None:
    scheme = data.draw(st.sampled_from([auth.STRONG, auth.HAND]))
    check = np.array(
        data.draw(
            st.lists(
                st.integers(0, 9),
                min_size=5 * scheme.check_groups,
                max_size=5 * scheme.check_groups,
            )
        ),
        dtype=np.uint8,
    )
    r = [data.draw(st.integers(0, 10**scheme.width - 1)) for _ in range(scheme.evaluations)]
    key = key_for(scheme, "40713", body, check, r)
    assert len(key) == scheme.key_digits
    assert auth.verify(scheme, "40713", body, key, check)
    assert auth.numbers(key, scheme.width)[0::2] == r


def test_key_for_lives_behind_the_hazmat_fence() -> None:
    assert not hasattr(auth, "key_for")
    assert key_for.__doc__ is not None and "hazmat" in key_for.__doc__.lower()
    assert "warning" in (forge.__doc__ or "")
