"""Event store on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from crowdcount.datatypes import CountEvent
from crowdcount.errors import CrowdcountError
from crowdcount.store import EventStore, SourceRecord
from helpers import START


def event(source: str, second: int, counter: str = "gate") -> CountEvent:
    return CountEvent(
        "cam", counter, "cross", "in", second, START + timedelta(seconds=second), source, second * 10
    )


def record(source: str, frames: int = 100) -> SourceRecord:
    return SourceRecord("cam", source, "done", START, START + timedelta(seconds=10), 10.0, frames, 1, "yolox")


def test_events_round_trip_with_their_timezone(tmp_path):
    store = EventStore(tmp_path / "sub" / "events.db")
    exit_event = CountEvent("cam", "zone", "exit", "out", 3, START, "a.mp4", 5, dwell_s=2.5)
    store.replace_source(record("a.mp4"), [event("a.mp4", 2), exit_event])
    loaded = store.events()
    assert loaded == [exit_event, event("a.mp4", 2)]
    assert loaded[0].timestamp.utcoffset() == timedelta(hours=9)
    assert store.sources() == [record("a.mp4")]


def test_processing_a_source_again_replaces_its_events(tmp_path):
    path = tmp_path / "events.db"
    store = EventStore(path)
    store.replace_source(record("a.mp4"), [event("a.mp4", 1), event("a.mp4", 2)])
    store.replace_source(record("b.mp4"), [event("b.mp4", 3)])
    store.replace_source(record("a.mp4", frames=50), [event("a.mp4", 4)])
    assert [(e.source, e.track_id) for e in store.events()] == [("b.mp4", 3), ("a.mp4", 4)]
    with sqlite3.connect(path) as connection:
        assert connection.execute("select count(*) from events").fetchone() == (2,)
        assert connection.execute("select count(*) from sources").fetchone() == (2,)
    assert [r.frames for r in EventStore(path).sources() if r.source == "a.mp4"] == [50]


def test_filters_by_camera_and_source(tmp_path):
    store = EventStore(tmp_path / "events.db")
    store.replace_source(record("a.mp4"), [event("a.mp4", 1)])
    store.replace_source(record("b.mp4"), [event("b.mp4", 2)])
    assert [e.source for e in store.events(source="b.mp4")] == ["b.mp4"]
    assert store.events(camera="other") == []


def test_opening_a_missing_database_for_reading_is_a_clear_error(tmp_path):
    with pytest.raises(CrowdcountError, match="not found; run 'crowdcount process' first"):
        EventStore(tmp_path / "nope.db", create=False)
