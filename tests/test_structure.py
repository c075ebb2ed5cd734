"""Structure detectors: check digits, indicator, group count, known digits, book ciphers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinq.analysis import structure as sx
from cinq.analysis.structure import Finding
from tests.fixtures import FRENCH_COVER, SEED_GROUPS

COVER = """Le petit port de Saint-Vaast se réveille avant l'aube. Les pêcheurs
préparent leurs filets sur le quai, tandis que les mouettes tournent au-dessus
des bateaux et crient sans cesse. Un vieux marin raconte encore une fois
l'histoire de la grande tempête de janvier, quand la mer avait envahi les rues.

Plus tard, le marché ouvre ses portes. On y trouve des huîtres, des moules,
des légumes du jardin et du pain chaud. Les enfants courent entre les étals,
les touristes prennent des photos, et le maire salue chacun avec un sourire.

Le soir venu, les lumières du phare balaient la rade. Dans les cafés, on parle
du temps qu'il fera demain, des prix du poisson et des nouvelles de la ville.
Zoé ferme sa boutique, range ses outils et rentre lentement chez elle."""


def random_groups(seed: int, n: int = 29) -> list[str]:
    d = np.random.default_rng(seed).integers(0, 10, 5 * n)
    return groups_of("".join(map(str, d)))


def groups_of(digits: str) -> list[str]:
    assert len(digits) % 5 == 0
    return [digits[i : i + 5] for i in range(0, len(digits), 5)]


def by_name(findings: list[Finding], prefix: str) -> Finding:
    (f,) = [f for f in findings if f.name.startswith(prefix)]
    return f


# -- check digits ---------------------------------------------------------------------------


def test_check_digit_algorithms_on_published_examples() -> None:
    assert sx.luhn_check("7992739871") == 3
    assert sx.verhoeff_check("236") == 3
    assert sx.verhoeff_check("12345") == 1
    assert sx.damm_check("572") == 4
    assert sx.mod11_10_check("79462") == 3
    assert sx.digit_sum_check("1234") == 0


@pytest.mark.parametrize("name", ["Verhoeff", "Damm", "ISO 7064 MOD 11,10", "Luhn"])
def test_schemes_catch_every_single_digit_error(name: str) -> None:
    check = sx.SCHEMES[name]
    for payload in (f"{i:04d}" for i in range(0, 10_000, 37)):
        group = payload + str(check(payload))
        for pos, d in itertools.product(range(5), "0123456789"):
            bad = group[:pos] + d + group[pos + 1 :]
            if bad != group:
                assert check(bad[:4]) != int(bad[4]), (name, group, bad)


@pytest.mark.parametrize("name", ["Verhoeff", "Damm"])
def test_verhoeff_and_damm_catch_every_adjacent_transposition(name: str) -> None:
    check = sx.SCHEMES[name]
    for payload in (f"{i:04d}" for i in range(0, 10_000, 7)):
        group = payload + str(check(payload))
        for pos in range(4):
            bad = group[:pos] + group[pos + 1] + group[pos] + group[pos + 2 :]
            if bad != group:
                assert check(bad[:4]) != int(bad[4]), (name, group, bad)


@pytest.mark.parametrize("name", list(sx.SCHEMES))
def test_groups_with_check_digits_show_their_scheme_only(name: str) -> None:
    check = sx.SCHEMES[name]
    payloads = [g[:4] for g in random_groups(7)]
    groups = [p + str(check(p)) for p in payloads]
    found = [f for f in sx.check_digit_findings(groups) if f.found]
    assert [f.name for f in found] == [f"{name} check digit"]
    assert found[0].strength == 1.0 and found[0].p_value is not None and found[0].p_value < 1e-20
    assert "29 of 29" in found[0].detail
    # An indicator without a check digit in front does not hide the scheme.
    groups[0] = next(f"{i:05d}" for i in range(10) if check("0000") != i)
    assert by_name(sx.check_digit_findings(groups), name).found


def test_five_groups_are_too_few_and_half_valid_is_not_a_scheme() -> None:
    five = [p + str(sx.luhn_check(p)) for p in ("1234", "5678", "9012", "3456", "7890")]
    assert not by_name(sx.check_digit_findings(five), "Luhn").found
    groups = random_groups(3)
    half = [g[:4] + str(sx.luhn_check(g[:4])) if i % 2 else g for i, g in enumerate(groups)]
    assert not by_name(sx.check_digit_findings(half), "Luhn").found


def test_random_groups_show_no_check_digit_scheme() -> None:
    hits = sum(f.found for seed in range(100) for f in sx.check_digit_findings(random_groups(seed)))
    assert hits == 0


# -- indicator and group count ----------------------------------------------------------------


def test_first_group_repeated_at_the_end_is_an_indicator() -> None:
    groups = random_groups(11)
    groups[-1] = groups[0]
    f = sx.indicator_finding(groups)
    assert f.found and groups[0] in f.detail


@pytest.mark.parametrize("first", ["00029", "29029", "02929", "00028"])
def test_first_group_giving_the_count_is_an_indicator_and_a_header(first: str) -> None:
    groups = [first, *random_groups(12, 28)]
    assert sx.indicator_finding(groups).found
    f = sx.count_header_finding(groups)
    assert f.found and "group 1" in f.detail and "header" in f.detail


def test_count_trailer_is_found() -> None:
    groups = [*random_groups(13, 30), "31031"]
    f = sx.count_header_finding(groups)
    assert f.found and "group 31" in f.detail and "trailer" in f.detail
    assert not sx.indicator_finding(groups).found


def test_a_date_like_first_group_is_only_a_hint() -> None:
    groups = ["24116", *random_groups(14, 20)]
    f = sx.indicator_finding(groups)
    assert not f.found and f.strength > 0 and "date" in f.detail


def test_random_groups_have_no_indicator_or_header() -> None:
    hits = sum(
        sx.indicator_finding(g).found + sx.count_header_finding(g).found
        for g in map(random_groups, range(100))
    )
    assert hits <= 1


# -- known digit sequences -------------------------------------------------------------------


def test_pi_and_e_are_computed_correctly() -> None:
    pi, e = sx.pi_digits(), sx.e_digits()
    assert len(pi) == len(e) == 2000
    assert pi.startswith("3141592653589793238462643383279502884197169399375105820974944592")
    assert pi[762:768] == "999999"  # the Feynman point
    assert e.startswith("2718281828459045235360287471352662497757247093699959574966967627724")
    assert sx.pi_digits(2200)[:2000] == pi and sx.e_digits(2200)[:2000] == e


@pytest.mark.parametrize(("label", "ref"), [("pi", sx.pi_digits()), ("e", sx.e_digits())])
def test_embedded_constant_digits_are_found_with_their_position(label: str, ref: str) -> None:
    stream = list("".join(random_groups(21)))
    run = ref[100:120]
    stream[17:37] = run
    # Make sure chance does not lengthen the run on either side.
    stream[16] = str((int(ref[99]) + 1) % 10)
    stream[37] = str((int(ref[120]) + 1) % 10)
    findings = sx.known_sequence_findings(groups_of("".join(stream)))
    f = by_name(findings, f"digits of {label}")
    assert f.found
    assert f.detail == f"20 digits from digit 18 (group 4) are {label} from decimal place 100"
    assert f.p_value is not None and f.p_value < 1e-10


def test_counting_and_constant_sequences() -> None:
    counting = groups_of("1234567890" * 4)
    f = by_name(sx.known_sequence_findings(counting), "counting")
    assert f.found and f.strength == 1.0 and "counting up from digit 1" in f.detail
    f = by_name(sx.known_sequence_findings(["77777"] * 6), "counting")
    assert f.found and "constant" in f.detail
    f = by_name(sx.known_sequence_findings(groups_of("9876543210" * 3)), "counting")
    assert f.found and "counting down" in f.detail


def test_random_groups_hold_no_known_sequence() -> None:
    for seed in range(30):
        assert not any(f.found for f in sx.known_sequence_findings(random_groups(seed)))


# -- book ciphers ------------------------------------------------------------------------------


def word_index_digits(plain: str, cover: str, rng: np.random.Generator, width: int = 3) -> str:
    words = sx._words(cover)
    out = []
    for ch in plain:
        choices = [i for i, w in enumerate(words, 1) if sx._initial(w) == ch]
        out.append(f"{rng.choice(choices):0{width}d}")
    return "".join(out)


def char_index_digits(plain: str, chars: str, rng: np.random.Generator, width: int) -> str:
    out = []
    for ch in plain:
        choices = [i for i, c in enumerate(chars, 1) if c.upper() == ch]
        out.append(f"{rng.choice(choices):0{width}d}")
    return "".join(out)


def test_word_index_book_cipher_is_feasible_and_gives_the_plaintext() -> None:
    plain = "LEMARCHEDUSOLEPORTSA"  # 20 letters: 60 digits, 12 groups
    digits = word_index_digits(plain, COVER, np.random.default_rng(1))
    findings = sx.book_cipher_findings(groups_of(digits), COVER)
    f = by_name(findings, "book cipher: word index")
    assert f.found and f.text == plain and f.strength == 1.0
    assert "3-digit numbers" in f.detail
    assert f in sx.all_findings(groups_of(digits), COVER)


def test_word_index_after_an_indicator_group_with_padding() -> None:
    plain = "LEPORTDORT"
    digits = "48213" + word_index_digits(plain, COVER, np.random.default_rng(2))
    digits += "0" * (-len(digits) % 5)
    f = by_name(sx.book_cipher_findings(groups_of(digits), COVER), "book cipher: word index")
    assert f.found and f.text == plain and "after the first group" in f.detail


def test_letter_index_book_cipher() -> None:
    plain = "RENDEZVOUSAUPHARE"
    letters = [c for c in COVER if c.isalpha()]
    digits = char_index_digits(plain, "".join(letters), np.random.default_rng(3), 4)
    digits += "0" * (-len(digits) % 5)
    f = by_name(sx.book_cipher_findings(groups_of(digits), COVER), "book cipher: letter index")
    assert f.found and f.text == plain


def test_character_index_book_cipher_keeps_spaces() -> None:
    plain = "ZOE VIENT"
    digits = char_index_digits(plain, COVER, np.random.default_rng(4), 4)
    digits += "0" * (-len(digits) % 5)
    f = by_name(sx.book_cipher_findings(groups_of(digits), COVER), "book cipher: character")
    assert f.found and f.text == plain


def test_line_word_book_cipher() -> None:
    lines = [sx._words(ln) for ln in COVER.splitlines() if ln.strip()]
    plain = "LAMERESTCALME"
    rng = np.random.default_rng(5)
    digits = ""
    for ch in plain:
        choices = [(i, j) for i, ln in enumerate(lines, 1) for j, w in enumerate(ln, 1)
                   if sx._initial(w) == ch]  # fmt: skip
        i, j = choices[rng.integers(len(choices))]
        digits += f"{i:02d}{j:02d}"
    digits += "0" * (-len(digits) % 5)
    f = by_name(sx.book_cipher_findings(groups_of(digits), COVER), "book cipher: line.word")
    assert f.found and f.text == plain and "2+2-digit" in f.detail


def test_random_groups_are_not_a_book_cipher_on_the_cover() -> None:
    for seed in range(30):
        for cover in (COVER, FRENCH_COVER):
            findings = sx.book_cipher_findings(random_groups(seed), cover)
            assert len(findings) == 5
            assert not any(f.found for f in findings), [f for f in findings if f.found]


def test_no_cover_no_book_cipher() -> None:
    assert sx.book_cipher_findings(SEED_GROUPS, None) == []
    assert sx.book_cipher_findings(SEED_GROUPS, "  12 34 ... ") == []


# -- everything together ---------------------------------------------------------------------


def test_seed_groups_show_no_structure() -> None:
    for cover in (None, FRENCH_COVER, COVER):
        findings = sx.all_findings(SEED_GROUPS, cover)
        assert not any(f.found for f in findings), [f for f in findings if f.found]
        assert all(0.0 <= f.strength <= 1.0 for f in findings)


def test_random_messages_rarely_show_any_structure() -> None:
    hits = sum(f.found for s in range(100) for f in sx.all_findings(random_groups(s), COVER))
    assert hits <= 1


@given(
    st.lists(st.text(max_size=7) | st.from_regex(r"[0-9]{5}", fullmatch=True), max_size=40),
    st.none() | st.text(max_size=300),
)
def test_odd_input_never_raises(groups: list[str], cover: str | None) -> None:
    for f in sx.all_findings(groups, cover):
        assert isinstance(f, Finding) and 0.0 <= f.strength <= 1.0
