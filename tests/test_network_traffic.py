"""Traffic-flow security: an observer cannot tell a month of real, bursty traffic from
a month of dummies, and the test that says so does tell a leaking station apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cinq.network import Schedule, Station, accounts, balance
from cinq.network.traffic import ObserverView, bursty_traffic, compare, naive_view, simulate

START = datetime(2027, 3, 1, tzinfo=UTC)
DAYS = 30
SCHEDULE = Schedule.parse(
    """
profile = "e11"
[[slot]]
agents = "all"
times = ["20:00", "22:00"]
frequency_khz = 5810
stagger_minutes = 5
"""
)
AGENTS = [f"{n:03d}" for n in range(1, 9)]


def _month(path: Path, real: bool) -> tuple[ObserverView, Station]:
    station = Station.create(path)
    for call in AGENTS:
        station.add_agent(call, pages=2 * DAYS + 5, groups=50)
    traffic = bursty_traffic(AGENTS, START, DAYS, seed=16) if real else []
    sent = simulate(station, SCHEDULE, START, START + timedelta(days=DAYS), traffic)
    return ObserverView.of(sent, START), station


def test_real_traffic_looks_like_no_traffic(tmp_path: Path) -> None:
    real, with_traffic = _month(tmp_path / "real.db", real=True)
    dummy, without = _month(tmp_path / "dummy.db", real=False)
    test = compare(real, dummy)
    assert not test.distinguishable, test.to_json()
    # the month carried real messages, and every slot cost one page, whatever it carried
    accs = accounts(with_traffic)
    assert sum(a.sent - a.dummies_sent for a in accs) > 100
    assert {a.sent for a in accs} == {2 * DAYS}  # every slot filled, one page each
    assert all(a.pages["send"]["used"] == a.sent + a.queued for a in accs)  # + the backlog
    assert balance(with_traffic).ok and balance(without).ok
    with_traffic.close()
    without.close()


def test_the_test_tells_a_leaking_station_apart(tmp_path: Path) -> None:
    dummy, station = _month(tmp_path / "dummy.db", real=False)
    station.close()
    leaking = naive_view(bursty_traffic(AGENTS, START, DAYS, seed=16), START)
    test = compare(leaking, dummy)
    assert test.distinguishable
    assert test.p_lengths < 0.01 and test.p_gaps < 0.01
