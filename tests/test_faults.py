"""Faults after counting never lose the counts: a store another program holds locked, a full disk.

The real CLI counts a real clip with the real detector; the test takes SQLite's write lock on
the store (as a second writer would) once counting has begun, and holds it past the store's
patience (CROWDCOUNT_LOCK_WAIT_S). The counts must come out in a side file, with one line that
says where and what to do; ``crowdcount import`` (or the next run) must store exactly what an
undisturbed run stores. A full disk is SQLite's own SQLITE_FULL, made by capping the file's pages.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy
import yaml

from conftest import fill
from crowdcount.batch.recording import FileOutcome, RunOptions
from crowdcount.batch.runner import SiteRun
from crowdcount.config import parse_config
from crowdcount.datatypes import CountEvent, SourceRecord
from crowdcount.detect.load import DetectorSpec
from crowdcount.detect.models import ModelChoice
from crowdcount.store.events import EventStore
from crowdcount.store.unsaved import Unsaved, keep, load, unsaved_folder
from helpers import ROOT, START, crowdcount, mjpeg_clip


def site(tmp_path: Path, clip: Path) -> Path:
    config = yaml.safe_load((ROOT / "examples" / "pets09.yaml").read_text())
    config["cameras"][0]["source"] = str(clip)
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def keys(db: Path) -> list[tuple]:
    return sorted((e.counter, e.kind, e.direction, e.track_id, e.frame) for e in EventStore(db).events())


def process_while_locked(clip: Path, config: Path, db: Path, model: Path) -> subprocess.CompletedProcess:
    """``crowdcount process`` with the store's write lock taken as soon as counting begins."""
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "process",
        str(clip),
        "--config",
        str(config),
        "--db",
        str(db),
        "--model",
        str(model),
    ]
    env = os.environ | {"CROWDCOUNT_LOCK_WAIT_S": "1", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert run.stdout is not None
    header = run.stdout.readline()  # printed once the store is set up, before the first frame
    assert clip.name in header, header
    holder = sqlite3.connect(db, timeout=30)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        stdout, stderr = run.communicate(timeout=300)
    finally:
        holder.rollback()
        holder.close()
    return subprocess.CompletedProcess(command, run.returncode, header + stdout, stderr)


def test_counts_made_while_the_store_is_locked_are_kept_and_imported_whole(
    tmp_path, pets_video, default_model
):
    clip = mjpeg_clip(pets_video, tmp_path / "clip.avi", 120)
    config = site(tmp_path, clip)
    undisturbed = tmp_path / "undisturbed.db"
    assert (
        crowdcount(
            "process", clip, "--config", config, "--db", undisturbed, "--model", default_model
        ).returncode
        == 0
    )

    db = tmp_path / "locked.db"
    assert (
        crowdcount(
            "run", "--config", config, "--db", db, "--model", default_model, "--out", tmp_path
        ).returncode
        == 0
    )
    before = keys(db)
    result = process_while_locked(clip, config, db, default_model)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "database is locked" in lines[0] and "crowdcount import --db" in lines[0]
    (kept,) = (db.parent / "locked.db.unsaved").glob("*.json")
    assert str(kept) in lines[0]
    assert keys(db) == before  # the store holds what it held: the run's own counts are in the side file

    imported = crowdcount("import", "--db", db)
    assert imported.returncode == 0, imported.stderr
    assert not kept.exists()
    assert keys(db) == keys(undisturbed) and len(keys(db)) > 10
    assert "no kept counts" in crowdcount("import", "--db", db).stdout


def test_the_next_run_on_the_store_loads_what_a_locked_store_refused(tmp_path, pets_video, default_model):
    clip = mjpeg_clip(pets_video, tmp_path / "clip.avi", 60)
    config = site(tmp_path, clip)
    db = tmp_path / "store.db"
    result = process_while_locked(clip, config, db, default_model)
    assert result.returncode == 3, result.stderr
    expected = len(next((tmp_path / "store.db.unsaved").glob("*.json")).read_text())  # not empty
    assert expected > 0 and EventStore(db).event_count() == 0

    again = crowdcount("run", "--config", config, "--db", db, "--model", default_model, "--out", tmp_path)
    assert again.returncode == 0, again.stderr
    assert "loaded kept counts" in again.stdout
    assert "skipped" in again.stdout  # the kept file counts as done: not counted twice
    assert not list((tmp_path / "store.db.unsaved").glob("*.json")) and EventStore(db).event_count() > 0


def test_a_run_on_a_store_held_locked_fails_in_one_line_before_counting(tmp_path, pets_video, default_model):
    clip = mjpeg_clip(pets_video, tmp_path / "clip.avi", 20)
    config = site(tmp_path, clip)
    db = tmp_path / "held.db"
    EventStore(db).engine.dispose()
    holder = sqlite3.connect(db, timeout=30)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = crowdcount(
            "run",
            "--config",
            config,
            "--db",
            db,
            "--model",
            default_model,
            "--out",
            tmp_path,
            env=os.environ | {"CROWDCOUNT_LOCK_WAIT_S": "1"},
        )
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "database is locked" in lines[0] and "Traceback" not in result.stderr
    assert EventStore(db).event_count() == 0 and not (tmp_path / "held.db.unsaved").exists()


def test_a_full_database_refuses_at_once_and_the_counts_go_to_a_side_file(tmp_path):
    """SQLite's own SQLITE_FULL ("database or disk is full"), made by capping the file's pages."""
    site = parse_config(
        {
            "cameras": [
                {
                    "id": "gate",
                    "lines": [{"id": "door", "points": [[40, 0], [40, 60]], "in_direction": [1, 0]}],
                }
            ]
        }
    )
    store = EventStore(tmp_path / "full.db")
    with store.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
    sqlalchemy.event.listen(
        store.engine, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count = {pages}")
    )
    store.engine.dispose()
    record = SourceRecord(
        "gate", "clip.avi", "done", START, START + timedelta(minutes=10), 10.0, 6000, 1, "m"
    )
    moments = [START + timedelta(seconds=k / 2) for k in range(1000)]
    events = [
        CountEvent("gate", "door", "cross", "in", k, t, "clip.avi", 5 * k) for k, t in enumerate(moments)
    ]
    site_run = SiteRun(site, store, RunOptions(DetectorSpec(ModelChoice("model.onnx", "test"))))
    began = time.monotonic()
    site_run.save(FileOutcome("gate", "clip.avi", "done", record=record, events=events))
    assert time.monotonic() - began < 5  # a full disk is not waited on like a lock
    assert site_run.outcomes[-1].status == "unsaved"
    assert site_run.store_failure is not None and "full" in site_run.store_failure
    (kept,) = unsaved_folder(store).glob("*.json")
    freed = EventStore(tmp_path / "full.db")
    load(freed, [kept])
    assert freed.events() == events and not kept.exists()


def _gate_site() -> object:
    return parse_config(
        {
            "cameras": [
                {
                    "id": "gate",
                    "lines": [{"id": "door", "points": [[40, 0], [40, 60]], "in_direction": [1, 0]}],
                }
            ]
        }
    )


def _counts(n: int, source: str = "clip.avi") -> tuple[SourceRecord, list[CountEvent]]:
    record = SourceRecord("gate", source, "done", START, START + timedelta(minutes=10), 10.0, 6000, 1, "m")
    moments = [START + timedelta(seconds=k / 2) for k in range(n)]
    return record, [
        CountEvent("gate", "door", "cross", "in", k, t, source, 5 * k) for k, t in enumerate(moments)
    ]


def test_a_full_disk_leaves_no_staging_file_and_import_finds_the_counts_where_they_went(
    tmp_path, small_disk, monkeypatch
):
    fallback = tmp_path / "temp"
    fallback.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(fallback))  # the system's temporary folder, for this test
    db = small_disk / "store.db"
    store = EventStore(db)
    store.set_counters("gate", [])
    fill(small_disk, leave=0)
    record, events = _counts(200)
    site_run = SiteRun(_gate_site(), store, RunOptions(DetectorSpec(ModelChoice("model.onnx", "test"))))
    site_run.save(FileOutcome("gate", "clip.avi", "done", record=record, events=events))
    assert site_run.outcomes[-1].status == "unsaved"
    assert [p.name for p in unsaved_folder(store).iterdir()] == []  # no 0-byte staging file left behind
    (kept,) = (fallback / "crowdcount-unsaved").glob("*.json")
    (small_disk / "filler").unlink()
    env = os.environ | {"TMPDIR": str(fallback)}
    imported = crowdcount("import", "--db", db, env=env)  # the command the error line gives
    assert imported.returncode == 0, imported.stderr
    assert f"{len(events)} events" in imported.stdout and not kept.exists()
    assert EventStore(db).events() == events
    again = crowdcount("import", "--db", db, env=env)
    assert again.returncode == 0 and "no kept counts" in again.stdout


def test_a_live_side_file_is_stored_once_however_often_and_however_many_import_it(tmp_path):
    db = tmp_path / "live.db"
    store = EventStore(db)
    record, events = _counts(300, "rtsp://cam#live-20261003T100000")
    kept = keep(store, Unsaved(record, events, [], append=True))  # a live session's: added, not replaced
    copy = tmp_path / "usb" / kept.name
    copy.parent.mkdir()
    copy.write_bytes(kept.read_bytes())  # the same file, carried in again later
    command = [sys.executable, "-m", "crowdcount", "import", "--db", str(db)]
    importers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    for importer in importers:
        _, stderr = importer.communicate(timeout=120)
        assert importer.returncode == 0, stderr
    again = crowdcount("import", "--db", db, copy)
    assert again.returncode == 0, again.stderr
    assert "already stored, not added again" in " ".join(again.stdout.split())
    assert EventStore(db).event_count() == len(events)


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": "something else"}'])
def test_a_damaged_side_file_is_set_aside_and_blocks_nothing(tmp_path, content):
    db = tmp_path / "store.db"
    store = EventStore(db)
    record, events = _counts(10)
    good = keep(store, Unsaved(record, events, []))
    bad = unsaved_folder(store) / "gate--broken.avi--20261003T100000000000.json"
    bad.write_bytes(content)
    imported = crowdcount("import", "--db", db)
    assert imported.returncode == 0, imported.stderr
    assert "set aside" in " ".join(imported.stdout.split()) and not good.exists() and not bad.exists()
    assert bad.with_name(bad.name + ".damaged").read_bytes() == content  # kept for a person to look at
    assert EventStore(db).event_count() == len(events)


@pytest.mark.parametrize(("field", "value"), [("kind", "bogus"), ("direction", "sideways"), ("frame", -5)])
def test_a_side_file_with_invented_events_is_never_stored(tmp_path, field, value):
    store = EventStore(tmp_path / "store.db")
    record, events = _counts(5)
    kept = keep(store, Unsaved(record, events, []))
    data = json.loads(kept.read_text())
    data["events"][2][field] = value
    kept.write_text(json.dumps(data))
    named = crowdcount("import", "--db", tmp_path / "store.db", kept)
    assert named.returncode == 2 and "event 3:" in named.stderr and len(named.stderr.splitlines()) == 1
    assert EventStore(tmp_path / "store.db").event_count() == 0
