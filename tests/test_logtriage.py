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
from cinq.analysis.logtriage import triage_log
from cinq.analysis.triage import triage
from cinq.checkerboard import BOARDS
from cinq.errors import BadInput, CannotWrite
from tests.fixtures import SEED_GROUPS

# One board and no shifts keep the depth search small (its own tests: test_depth_find).
CT55 = [BOARDS["CT-55"]]


def random_groups(seed: int, n: int = 30) -> tuple[str, ...]:
    return tuple(dg.to_groups(np.random.default_rng(seed).integers(0, 10, 5 * n, dtype=np.uint8)))


@pytest.fixture
def log(tmp_path: Path) -> list[Intercept]:
    """Five messages: 1 and 3 copies of one message (one digit unreadable), 2 and 4
    sharing only their indicator, 5 alone; monitors' labels E11-1..E11-5."""
    a, b, c = random_groups(1), random_groups(2), random_groups(3)
    same_indicator = (b[0], *random_groups(4)[1:])
    miscopied = (a[0], "?" + a[1][1:], *a[2:])
    with InterceptLog.open(tmp_path / "log.db") as il:
        for n, groups in enumerate((a, b, miscopied, same_indicator, c), 1):
            station = "E11" if n % 2 else "s06"
            il.add(station, groups, when=f"2026-11-0{n}T18:00Z", label=f"E11-{n}")
        return il.list()


def test_a_log_is_triaged_message_by_message_then_as_a_whole(log: list[Intercept]) -> None:
    seen: list[tuple[int, int]] = []
    found = triage_log(
        log, progress=lambda done, total: seen.append((done, total)), boards=CT55, offsets=0
    )
    assert seen == [(n, 5) for n in range(1, 6)]
    assert [m.intercept for m in found.messages] == log
    assert [m.triage.kind for m in found.messages] == ["otp"] * 5
    # A shared indicator alone is no depth; the copies are copies, named by label.
    assert found.depths == ()
    (copies,) = found.copies
    assert found.members(copies) == ("E11-1", "E11-3") and copies.disagreeing == 0
    assert copies.merged == log[0].groups  # the "?" filled in by the other copy


def test_log_triage_json_names_messages_by_their_labels(log: list[Intercept]) -> None:
    found = triage_log(log[1:], boards=CT55, offsets=0)  # positions and labels differ
    data = json.loads(json.dumps(found.to_json()))
    assert set(data) == {"messages", "depths", "copies", "search", "depth_search"}
    assert [m["label"] for m in data["messages"]] == ["E11-2", "E11-3", "E11-4", "E11-5"]
    first = found.messages[0].triage.to_json()
    assert data["messages"][0] == json.loads(
        json.dumps(
            {"id": 2, "label": "E11-2", "station": "s06", "when": "2026-11-02T18:00:00Z", **first}
        )
    )
    assert data["depths"] == [] and data["copies"] == []
    assert data["depth_search"].startswith("4 messages, 12 tests on 1 board(s)")
    both = json.loads(json.dumps(triage_log(log, boards=CT55, offsets=0).to_json()))
    assert [c["members"] for c in both["copies"]] == [["E11-1", "E11-3"]]


def test_an_empty_log_and_a_bad_group() -> None:
    empty = triage_log([])
    assert empty.messages == () and empty.depths == () and empty.copies == ()
    data = empty.to_json()
    assert data["messages"] == [] and data["depths"] == [] and data["copies"] == []
    good = Intercept(1, "E11", "2026-11-01", None, SEED_GROUPS, None, None)
    bad = Intercept(2, "E11", "2026-11-01", None, ("12a45",), None, None)
    calls: list[int] = []
    with pytest.raises(BadInput, match="12a45"):
        triage_log([good, bad], progress=lambda d, t: calls.append(d))
    assert calls == []  # refused before any message was triaged


def test_intercept_summary_and_station_filter_in_any_case(log: list[Intercept]) -> None:
    assert log[0].summary() == {
        "id": 1,
        "label": "E11-1",
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
