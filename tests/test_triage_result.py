"""Triage's result is a value: frozen, its kind typed, its evidence named, and it
serialises itself."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import cinq
from cinq.analysis.triage import (
    Conclusion,
    Evidence,
    Kind,
    PadReading,
    Triage,
    conclude,
    read_with,
    triage,
)
from cinq.book import PadBook
from tests.fixtures import SEED_GROUPS, french_sample
from tests.test_startup import probe


def test_the_result_is_frozen_and_typed() -> None:
    t = triage(french_sample())
    assert t.kind == "otp" and t.kind is Kind.OTP
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.kind = Kind.DECRYPTED  # type: ignore[misc]
    assert all(isinstance(e, Evidence) for e in t.evidence)
    assert t.evidence[0] == Evidence("groups", f"{len(SEED_GROUPS)} groups (145 digits)")
    # The verdict is the evidence, in order, then what it adds up to.
    assert t.verdict.startswith("; ".join(e.finding for e in t.evidence))
    data = json.loads(json.dumps(t.to_json()))
    assert data["kind"] == "otp"
    assert data["evidence"] == [{"what": e.what, "finding": e.finding} for e in t.evidence]


def test_the_verdict_is_a_pure_function_of_the_findings() -> None:
    t = triage(french_sample())
    # The value holds findings only; kind, evidence and verdict are computed from them.
    assert {"kind", "verdict", "evidence"}.isdisjoint(f.name for f in dataclasses.fields(Triage))
    assert t.conclusion == conclude(t) == Conclusion(t.kind, t.evidence, t.verdict)
    many = {"tests", "findings", "boards", "book_cipher", "other_numbers"}
    assert all(isinstance(getattr(t, name), tuple) for name in many)
    read = dataclasses.replace(t, pad=PadReading("MEET AT NOON", "page 1; check groups verified"))
    assert read.kind is Kind.DECRYPTED and read.verdict.endswith("'MEET AT NOON'")
    assert t.kind is Kind.OTP and t.decrypted is None  # the original value is unchanged


def test_every_kind_is_named_in_json_as_its_value() -> None:
    assert {k.value for k in Kind} == {
        "otp",
        "not-random",
        "check-digits",
        "book-cipher",
        "checkerboard",
        "decrypted",
        "unreadable",
    }
    assert triage("????? ?????\n").to_json()["kind"] == "unreadable"


def test_reading_with_the_pad_book_never_raises(tmp_path: Path) -> None:
    send, receive = PadBook.create_pair(tmp_path / "n", pages=3)
    other, _ = PadBook.create_pair(tmp_path / "o", pages=3)
    with PadBook.open(send) as b:
        doc = cinq.encrypt("MEET AT NOON", b)
    with PadBook.open(other) as b:
        miss = read_with(doc, b)
    assert miss.text is None and miss.note.startswith("the book does not read it: ")
    with PadBook.open(receive) as b:
        hit = read_with(doc, b)
    assert hit == PadReading("MEET AT NOON", hit.note) and hit.note.endswith("verified")


def test_triage_loads_matplotlib_only_to_draw_a_report(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("\n".join(SEED_GROUPS) + "\n")
    code, loaded, err = probe("triage", doc, "--json")
    assert code == 0, err
    assert "matplotlib" not in loaded and "soundfile" not in loaded
    code, loaded, err = probe("triage", doc, "--report", tmp_path / "report")
    assert code == 0 and "matplotlib" in loaded, err
