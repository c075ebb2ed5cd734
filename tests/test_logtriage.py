"""Triage of a whole intercept log in the library: what ``cinq triage --intercepts``
prints, without the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cinq import digits as dg
from cinq.analysis import report
from cinq.analysis.intercepts import Intercept, InterceptLog
from cinq.analysis.logtriage import LogTriage, triage_log
from cinq.analysis.triage import MAX_MESSAGES, Copies, Depth, triage
from cinq.errors import BadInput, CannotWrite
from tests.fixtures import SEED_GROUPS


def random_groups(seed: int, n: int = 30) -> tuple[str, ...]:
    return tuple(dg.to_groups(np.random.default_rng(seed).integers(0, 10, 5 * n, dtype=np.uint8)))


@pytest.fixture
def log(tmp_path: Path) -> list[Intercept]:
    """Five messages: 1 and 3 copies of one message (one digit unreadable), 2 and 4 in
    depth (the same indicator), 5 alone; ids 1..5 in the order heard."""
    a, b, c = random_groups(1), random_groups(2), random_groups(3)
    reused = (b[0], *random_groups(4)[1:])
    miscopied = (a[0], "?" + a[1][1:], *a[2:])
    with InterceptLog.open(tmp_path / "log.db") as il:
        for n, groups in enumerate((a, b, miscopied, reused, c), 1):
            il.add("E11" if n % 2 else "s06", groups, when=f"2026-11-0{n}T18:00Z")
        return il.list()


def test_a_log_is_triaged_message_by_message_then_as_a_whole(log: list[Intercept]) -> None:
    seen: list[tuple[int, int]] = []
    found = triage_log(log, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 5) for n in range(1, 6)]
    assert [m.intercept for m in found.messages] == log
    assert found.ids == (1, 2, 3, 4, 5)
    assert [m.triage.kind for m in found.messages] == ["otp"] * 5
    assert [(d.first, d.second) for d in found.depths] == [(1, 3)]
    assert [(c.first, c.second, c.differing) for c in found.copies] == [(0, 2, 0)]
    assert found.copy_sets() == [(1, 3)] and found.id_of(3) == 4


def test_log_triage_json_names_messages_by_their_log_ids(log: list[Intercept]) -> None:
    found = triage_log(log[1:])  # ids 2..5: positions and ids differ
    data = json.loads(json.dumps(found.to_json()))
    assert set(data) == {"messages", "depths", "copies", "copy_sets"}
    assert [m["id"] for m in data["messages"]] == [2, 3, 4, 5]
    first = found.messages[0].triage.to_json()
    assert data["messages"][0] == json.loads(
        json.dumps({"id": 2, "station": "s06", "when": "2026-11-02T18:00:00Z", **first})
    )
    (depth,) = data["depths"]
    assert (depth["first"], depth["second"]) == (2, 4) and "same indicator" in depth["reason"]
    assert set(depth) == {"first", "second", "reason", "coincidences", "overlap", "p"}
    assert data["copies"] == [] and data["copy_sets"] == []


def test_an_empty_log_and_a_log_over_the_bound() -> None:
    empty = triage_log([])
    assert empty == LogTriage((), (), ())
    assert empty.to_json() == {"messages": [], "depths": [], "copies": [], "copy_sets": []}
    one = Intercept(1, "E11", "2026-11-01", None, SEED_GROUPS, None, None)
    calls: list[int] = []
    with pytest.raises(BadInput, match="at most"):
        triage_log([one] * (MAX_MESSAGES + 1), progress=lambda d, t: calls.append(d))
    assert calls == []  # refused before any message was triaged


def test_pairs_serialise_with_positions_or_ids() -> None:
    d = Depth(0, 2, 140, 30, 1e-9, "same indicator 12345")
    assert d.to_json() == {
        "first": 0,
        "second": 2,
        "reason": "same indicator 12345",
        "coincidences": 30,
        "overlap": 140,
        "p": 1e-9,
    }
    assert d.to_json([7, 8, 9])["first"] == 7 and d.to_json([7, 8, 9])["second"] == 9
    c = Copies(1, 2, 145, 1, 0)
    assert c.to_json([5, 6, 9]) == {
        "first": 6,
        "second": 9,
        "compared": 145,
        "differing": 1,
        "groups_missing": 0,
    }


def test_intercept_summary_and_station_filter_in_any_case(log: list[Intercept]) -> None:
    assert log[0].summary() == {
        "id": 1,
        "label": "1",
        "station": "E11",
        "when": "2026-11-01T18:00:00Z",
        "khz": None,
        "groups": 30,
        "first_group": log[0].groups[0],
    }
    assert json.loads(json.dumps(log[0].summary())) == log[0].summary()


def test_station_filter_matches_in_any_case(tmp_path: Path) -> None:
    with InterceptLog.open(tmp_path / "log.db") as il:
        for station in ("E11", "e11", "S06", "Ё1"):
            il.add(station, SEED_GROUPS)
        assert [i.station for i in il.list(station=" e11 ")] == ["E11", "e11"]
        assert [i.station for i in il.list(station="ё1")] == ["Ё1"]
        assert il.list(station="E1") == []


def test_a_report_folder_that_cannot_be_written_is_cannot_write(tmp_path: Path) -> None:
    t = triage("\n".join(SEED_GROUPS))
    (tmp_path / "file").write_text("x")
    with pytest.raises(CannotWrite, match="cannot write report folder"):
        report.write(t, tmp_path / "file" / "report")
    page = report.write(t, tmp_path / "report")
    assert page == tmp_path / "report" / "index.html" and "cinq triage" in page.read_text()
    assert {p.name for p in page.parent.iterdir()} == {
        "index.html",
        "digits.png",
        "pairs.png",
        "positions.png",
    }
