"""Live dashboard numbers from hand-made events: totals, the last window, occupancy, alerts."""

from __future__ import annotations

from datetime import timedelta

from crowdcount.datatypes import CounterInfo, CountEvent
from crowdcount.server.totals import alert_changes, clear_level, counters_now, occupancy_series
from helpers import START

GATE = CounterInfo("cam", "gate", "line", "gates")
PLAZA = CounterInfo("cam", "plaza", "zone")


def event(counter: str, kind: str, direction: str, minute: float, track: int = 1) -> CountEvent:
    at = START + timedelta(minutes=minute)
    return CountEvent("cam", counter, kind, direction, track, at, "rtsp://cam#live", 0)  # type: ignore[arg-type]


EVENTS = [
    event("gate", "cross", "in", 1),
    event("gate", "cross", "in", 20, 2),
    event("gate", "cross", "out", 25, 3),
    event("plaza", "enter", "in", 2, 1),
    event("plaza", "enter", "in", 21, 2),
    event("plaza", "exit", "out", 22, 1),
    event("elsewhere", "cross", "in", 3),  # not a known counter: ignored
]


def test_totals_since_start_and_in_the_last_window():
    now = START + timedelta(minutes=30)
    gate, plaza = counters_now(EVENTS, [GATE, PLAZA], now)
    assert (gate["in"], gate["out"], gate["net"], gate["occupancy"]) == (2, 1, 1, None)
    assert gate["recent"] == {"in": 1, "out": 1, "entries": 0, "exits": 0}  # minutes 20 and 25 of (15, 30]
    assert (plaza["entries"], plaza["exits"], plaza["occupancy"]) == (2, 1, 1)
    assert (
        plaza["recent"]["entries"] == 1 and plaza["last_event"] == (START + timedelta(minutes=22)).isoformat()
    )


def test_since_leaves_out_earlier_events_and_occupancy_never_goes_below_zero():
    now = START + timedelta(minutes=30)
    gate, plaza = counters_now(EVENTS, [GATE, PLAZA], now, since=START + timedelta(minutes=21, seconds=30))
    assert (gate["in"], gate["out"]) == (0, 1)
    assert (plaza["entries"], plaza["exits"], plaza["occupancy"]) == (0, 1, 0)


def test_an_event_exactly_at_the_window_start_is_outside_it():
    now = START + timedelta(minutes=16)
    (gate,) = counters_now(EVENTS, [GATE], now)
    assert gate["recent"]["in"] == 0  # minute 1 = now - 15 min: left out


def test_counters_without_events_show_zeros():
    (gate,) = counters_now([], [GATE], START)
    assert (gate["in"], gate["out"], gate["recent"]["in"], gate["last_event"]) == (0, 0, 0, None)


def test_occupancy_series_steps_at_entries_and_exits():
    times = [START + timedelta(minutes=m) for m in (0, 2, 10, 21, 22, 30)]
    assert occupancy_series(EVENTS, [PLAZA], times) == {"cam/plaza": [0, 1, 1, 2, 1, 1]}


def test_alert_is_raised_at_the_threshold_and_clears_only_well_below_it():
    thresholds = {"cam/plaza": 10}
    assert clear_level(10) == 9
    assert alert_changes([], {"cam/plaza": 9}, thresholds) == ([], [])
    assert alert_changes([], {"cam/plaza": 10}, thresholds) == (["cam/plaza"], [])
    assert alert_changes(["cam/plaza"], {"cam/plaza": 12}, thresholds) == ([], [])  # raised once
    assert alert_changes(["cam/plaza"], {"cam/plaza": 9}, thresholds) == ([], [])  # hovering: stays
    assert alert_changes(["cam/plaza"], {"cam/plaza": 8}, thresholds) == ([], ["cam/plaza"])


def test_zone_without_occupancy_yet_raises_nothing():
    assert alert_changes([], {}, {"cam/plaza": 1}) == ([], [])
    assert alert_changes([], {"cam/plaza": None}, {"cam/plaza": 1}) == ([], [])


def test_today_counts_from_the_sites_midnight_and_the_rate_and_trend_start_with_the_session():
    yesterday = CountEvent(
        "cam", "gate", "cross", "in", 90, START.replace(hour=0) - timedelta(minutes=5), "s", 0
    )
    now, since = START + timedelta(minutes=30), START + timedelta(minutes=28)  # a session two minutes old
    (gate,) = counters_now([yesterday, *EVENTS, event("gate", "cross", "in", 29.5, 4)], [GATE], now, since)
    assert gate["in"] == 1 and gate["today"]["in"] == 3  # today: earlier sessions too, not yesterday
    assert gate["rate"]["in"] == 0.5  # one crossing in the session's two minutes
    assert gate["trend"] == [None] * 13 + [0, 1]  # the minutes before the session: not seen, not zero


def test_occupancy_is_unknown_where_the_camera_saw_nothing():
    times = [START + timedelta(minutes=m) for m in range(6)]
    unseen = {"cam": [(START + timedelta(minutes=2), START + timedelta(minutes=4))]}
    assert occupancy_series(EVENTS, [PLAZA], times, unseen) == {"cam/plaza": [0, 0, None, None, 1, 1]}


def test_a_session_whose_process_died_gets_its_visits_closed_before_the_camera_restarts(tmp_path):
    """A camera process killed (kill -9, out of memory) leaves its session marked live with visits
    open; the next start of that camera closes them at the session's last stored frame."""
    from crowdcount.datatypes import SourceRecord
    from crowdcount.live.camera import close_ended_sessions
    from crowdcount.store.events import EventStore

    store = EventStore(tmp_path / "live.db")
    source = "rtsp://cam/1#live-20261003T100000"
    end = START + timedelta(minutes=3)
    dead = SourceRecord("cam", source, "live", START, end, 7.0, 1260, 1, "m")
    entries = [
        CountEvent("cam", "plaza", "enter", "in", k, START + timedelta(seconds=10 * k), source, 70 * k)
        for k in range(8)
    ]
    left = CountEvent("cam", "plaza", "exit", "out", 0, START + timedelta(seconds=30), source, 210, 30.0)
    store.append_live(dead, [*entries, left], [])
    assert close_ended_sessions(store, "cam") == [source]
    events = store.events()
    assert sum(e.kind == "enter" for e in events) == sum(e.kind == "exit" for e in events) == 8  # occupancy 0
    closing = [e for e in events if e.kind == "exit" and e.track_id > 0]
    assert {e.timestamp for e in closing} == {end} and closing[-1].dwell_s == (
        end - entries[-1].timestamp
    ).seconds
    assert store.sources()[0].status == "ended" and close_ended_sessions(store, "cam") == []  # closed once
