"""Event store on a real SQLite file and on a real PostgreSQL server: the same behaviour."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crowdcount.audit import audit_windows
from crowdcount.datatypes import (
    AuditPlan,
    CameraDescription,
    CounterInfo,
    CountEvent,
    Gap,
    PlanItem,
    Review,
    SiteDescription,
    SourceRecord,
)
from crowdcount.errors import CrowdcountError
from crowdcount.store.events import EventStore, events_table, sources_table
from helpers import START


def event(source: str, second: int, counter: str = "gate") -> CountEvent:
    return CountEvent(
        "cam", counter, "cross", "in", second, START + timedelta(seconds=second), source, second * 10
    )


def record(source: str, frames: int = 100) -> SourceRecord:
    return SourceRecord("cam", source, "done", START, START + timedelta(seconds=10), 10.0, frames, 1, "yolox")


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    """Where a store lives: a new SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "sub" / "events.db")
    return request.getfixturevalue("postgres_url")


def rows(store: EventStore, table) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_events_round_trip_with_their_timezone(target):
    store = EventStore(target)
    exit_event = CountEvent("cam", "zone", "exit", "out", 3, START, "a.mp4", 5, dwell_s=2.5)
    store.replace_source(record("a.mp4"), [event("a.mp4", 2), exit_event])
    loaded = store.events()
    assert loaded == [exit_event, event("a.mp4", 2)]
    assert loaded[0].timestamp.utcoffset() == timedelta(hours=9)
    assert store.sources() == [record("a.mp4")]


def test_processing_a_source_again_replaces_its_events(target):
    store = EventStore(target)
    store.replace_source(record("a.mp4"), [event("a.mp4", 1), event("a.mp4", 2)])
    store.replace_source(record("b.mp4"), [event("b.mp4", 3)])
    store.replace_source(record("a.mp4", frames=50), [event("a.mp4", 4)])
    assert [(e.source, e.track_id) for e in store.events()] == [("b.mp4", 3), ("a.mp4", 4)]
    assert rows(store, events_table) == 2 and rows(store, sources_table) == 2
    assert [r.frames for r in EventStore(target).sources() if r.source == "a.mp4"] == [50]


def test_filters_by_camera_and_source(target):
    store = EventStore(target)
    store.replace_source(record("a.mp4"), [event("a.mp4", 1)])
    store.replace_source(record("b.mp4"), [event("b.mp4", 2)])
    assert [e.source for e in store.events(source="b.mp4")] == ["b.mp4"]
    assert store.events(camera="other") == []


def test_opening_a_missing_database_for_reading_is_a_clear_error(tmp_path):
    with pytest.raises(CrowdcountError, match="not found; run 'crowdcount process' first"):
        EventStore(tmp_path / "nope.db", create=False)


def test_gaps_counters_timezone_and_health_round_trip(target):
    store = EventStore(target)
    gap = Gap("cam", "a.mp4", START, START + timedelta(seconds=5), "corrupt segment: frames 3-9")
    store.replace_source(record("a.mp4"), [event("a.mp4", 1)], [gap])
    gate = CounterInfo("cam", "gate", "line", "walkways")
    store.describe(SiteDescription("Asia/Seoul", {}, (CameraDescription("cam", (gate,), {}),)))
    store.set_health("cam", {"state": "up", "fps": 7.0})
    assert store.gaps() == [gap]
    assert store.counters() == [CounterInfo("cam", "gate", "line", "walkways")]
    assert store.timezone() == "Asia/Seoul"
    assert store.health()["cam"]["state"] == "up"
    last, events = store.events_after(0)
    assert events == [event("a.mp4", 1)] and store.events_after(last) == (last, [])
    assert store.event_count() == 1


def test_an_unreachable_server_is_a_clear_error_without_the_password():
    shown = r"cannot open database postgresql\+psycopg://\*\*\*@127\.0\.0\.1:1/crowdcount"
    with pytest.raises(CrowdcountError, match=shown) as error:
        EventStore("postgresql://crowd:secret@127.0.0.1:1/crowdcount")
    assert "secret" not in str(error.value)


def test_audit_plans_and_reviews_round_trip_and_a_new_plan_keeps_the_reviews(target):
    store = EventStore(target)
    store.replace_source(record("a.mp4"), [event("a.mp4", s) for s in (1, 4, 7)])
    gate = CameraDescription("cam", (CounterInfo("cam", "gate", "line"),), {"lines": [], "zones": []})
    store.describe(SiteDescription("Asia/Seoul", {}, (gate,)))
    assert store.audit_plan() is None and store.reviews() == {}
    windows = audit_windows(store.history(), seconds=3)
    plan = AuditPlan(START, 3.0, 2, 5, "/plans/a", [PlanItem(w, f"{w.item_id}.webm", 0) for w in windows[:2]])
    store.save_plan(plan)
    assert store.audit_plan() == plan and store.geometry("cam") == {"lines": [], "zones": []}
    store.save_reviews([(windows[0], Review(2, 0, 0, None, "kim"))])
    store.save_reviews([(windows[0], Review(1, 0, 0, None, "lee"))])  # the same window: replaced
    (kept,) = store.reviews().values()
    assert (kept.true_in, kept.reviewer) == (1, "lee") and kept.reviewed_at is not None
    store.save_plan(AuditPlan(START, 3.0, 1, 6, "/plans/b", [PlanItem(windows[0], "x.webm", 0)]))
    assert len(store.audit_plan().items) == 1 and windows[0].key in store.reviews()


def test_a_store_made_before_audits_reads_unaudited_and_gains_the_tables_when_written(tmp_path):
    path = tmp_path / "old.db"
    EventStore(path).replace_source(record("a.mp4"), [event("a.mp4", 1)])
    with sqlite3.connect(path) as connection:
        for table in ("audit_plan", "audit_items", "audit_reviews"):
            connection.execute(f"DROP TABLE {table}")
    old = EventStore(path, create=False)
    assert old.audit_plan() is None and old.reviews() == {} and old.event_count() == 1
    assert old.writable().audit_plan() is None  # opened for writing: the tables are added
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"audit_plan", "audit_items", "audit_reviews"} <= tables


@pytest.mark.parametrize("name", ["a?b.db", "a%20b.db", "a#b.db"])
def test_a_store_named_with_url_characters_is_that_file(tmp_path, name):
    store = EventStore(tmp_path / name)
    store.replace_source(record("a.mp4"), [event("a.mp4", 1)])
    assert (tmp_path / name).is_file() and sorted(p.name for p in tmp_path.glob("*.db")) == [name]
    assert EventStore(tmp_path / name, create=False).event_count() == 1


def test_a_store_in_a_read_only_folder_can_be_read():
    """A store handed over on a read-only share: SQLite cannot make its WAL files beside it. Run as
    nobody where the tests run as root (root writes into any folder)."""
    share = Path(tempfile.mkdtemp(prefix="crowdcount-share-"))  # not under pytest's private folder
    folder = share / "handed-over"
    folder.mkdir()
    store = EventStore(folder / "events.db")
    store.replace_source(record("a.mp4"), [event("a.mp4", 1), event("a.mp4", 2)])
    store.engine.dispose()
    share.chmod(0o755)
    folder.chmod(0o555)
    (folder / "events.db").chmod(0o644)
    count = "import sys, crowdcount.store.events as s; print(s.EventStore(sys.argv[1], False).event_count())"
    read = [sys.executable, "-c", count, str(folder / "events.db")]
    if os.geteuid() == 0:
        read = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *read]
    try:
        result = subprocess.run(read, capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
        shutil.rmtree(share)
    assert result.returncode == 0 and result.stdout.strip() == "2", result.stderr
