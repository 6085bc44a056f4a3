"""`crowdcount run` over an archive built from real frames: timestamps, gaps, bad files, resume."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import astuple
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from crowdcount.detect.cards import PERSON_0303
from crowdcount.store.events import EventStore
from helpers import SHORTFALL, crowdcount, event_keys, mjpeg_clip, site_for

SEOUL = ZoneInfo("Asia/Seoul")


def test_a_run_counts_every_scripted_crossing_at_its_time_and_a_rerun_redoes_nothing(
    tmp_path, synthetic_site, synthetic_run
):
    store = EventStore(synthetic_run / "crowdcount.db", create=False)
    events = store.events()
    assert Counter((e.camera, e.direction) for e in events) == synthetic_site.truth
    counted = sorted((e.camera, e.direction, e.timestamp) for e in events)
    for (camera, direction, at), scripted in zip(
        counted, sorted(synthetic_site.crossings, key=astuple), strict=True
    ):
        assert (camera, direction) == (scripted.camera, scripted.direction)
        assert abs((at - scripted.time).total_seconds()) < 0.5, (at, scripted)
    north = [s for s in store.sources() if s.camera == "north"]
    (hole,) = store.gaps()  # between north's two recordings: from the end of the first one's last frame
    assert (hole.camera, hole.start, hole.end) == (
        "north",
        north[0].end + timedelta(seconds=0.1),
        north[1].start,
    )

    out = shutil.copytree(synthetic_run, tmp_path / "out")
    site = synthetic_site
    again = crowdcount("run", "--config", site.config, "--out", out, "--model", site.model)
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "run-manifest.json").read_text())["totals"]["skipped"] == 3
    assert event_keys(out / "crowdcount.db") == event_keys(synthetic_run / "crowdcount.db")


def test_a_run_with_a_camera_without_footage_or_a_failed_file_tells_its_scheduler(reference):
    """Exit 4 after storing the rest, naming what is missing; the table whole, without a terminal."""
    log = (reference / "run.log").read_text()
    assert "counted the rest, but camera gate-c has no footage counted; 3 file(s) failed" in log
    lines = [line.split("\t") for line in log.splitlines()]
    truncated = next(line for line in lines if line[1:2] == ["pets-a_20260503_100130.avi"])
    assert truncated[:3] == ["pets-a", "pets-a_20260503_100130.avi", "done"]
    assert truncated[-1].startswith("truncated: decoded") and "…" not in log


def test_run_reports_bad_files_and_records_gaps(reference):
    manifest = json.loads((reference / "run-manifest.json").read_text())
    files = {Path(f["source"]).name: f for f in manifest["files"]}
    assert manifest["totals"]["done"] == 4 and manifest["totals"]["failed"] == 3
    assert "not found" in files["gate-c"]["reason"]
    assert "cannot be read" in files["pets-a_20260503_100300.avi"]["reason"]
    assert "empty (0 bytes)" in files["pets-a_20260503_100400.avi"]["reason"]
    truncated = files["pets-a_20260503_100130.avi"]
    assert truncated["status"] == "done" and truncated["reason"].startswith("truncated: decoded")
    assert manifest["model"]["sha256"] == PERSON_0303  # the embedded default's
    assert manifest["config"]["sha256"] and manifest["crowdcount_version"]
    stored = EventStore(reference / "crowdcount.db").gaps()
    gaps = {(g.source.rsplit("/", 1)[-1], g.reason.split(":")[0]) for g in stored}
    ten = datetime(2026, 5, 3, 10, 0, tzinfo=SEOUL)
    holes = [(g.start, g.end, g.reason) for g in stored if g.source == ""]
    assert holes == [
        (ten + timedelta(seconds=265 / 7), ten + timedelta(seconds=45), "no recording between files"),
        (ten + timedelta(seconds=45 + 265 / 7), ten + timedelta(seconds=90), "no recording between files"),
    ]
    assert ("pets-a_20260503_100130.avi", "truncated") in gaps
    assert ("pets-a_20260503_100300.avi", "unreadable") in gaps


def test_timestamps_come_from_the_file_names(reference):
    store = EventStore(reference / "crowdcount.db")
    for record in store.sources():
        named = datetime.strptime(Path(record.source).stem.split("_", 1)[1], "%Y%m%d_%H%M%S").replace(
            tzinfo=SEOUL
        )
        assert record.start == named
        for event in store.events(source=record.source):
            assert event.timestamp == named + timedelta(seconds=event.frame / 7)


def test_kill_9_mid_run_then_rerun_gives_the_uninterrupted_result(tmp_path, archive, model, reference):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "run",
        "--config",
        str(archive),
        "--out",
        str(out),
        "--model",
        model,
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "crowdcount.db"
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and done == 0:
        time.sleep(0.5)
        if db.exists():
            with sqlite3.connect(db) as connection:
                try:
                    done = connection.execute("select count(*) from sources where status='done'").fetchone()[
                        0
                    ]
                except sqlite3.OperationalError:
                    done = 0
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 1 <= done < 4, "the kill should land after the first file and before the last"
    resumed = crowdcount("run", "--config", archive, "--out", out, "--model", model)
    assert resumed.returncode == SHORTFALL, resumed.stderr
    statuses = [f["status"] for f in json.loads((out / "run-manifest.json").read_text())["files"]]
    assert statuses.count("skipped") >= 1 and statuses.count("done") + statuses.count("skipped") == 4
    assert event_keys(db) == event_keys(reference / "crowdcount.db")

    again = crowdcount("run", "--config", archive, "--out", out, "--model", model)
    assert again.returncode == SHORTFALL
    totals = json.loads((out / "run-manifest.json").read_text())["totals"]
    assert (totals["skipped"], totals["done"]) == (4, 0)
    assert event_keys(db) == event_keys(reference / "crowdcount.db")


def test_nothing_processable_exits_non_zero(tmp_path, model):
    config = tmp_path / "site.yaml"
    config.write_text(
        "cameras:\n  - id: cam\n    source: missing-folder\n    lines:\n"
        "      - {id: l, points: [[0, 0], [0, 10]], in_direction: [1, 0]}\n"
    )
    result = crowdcount("run", "--config", config, "--out", tmp_path / "out", "--model", model)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no recording could be processed" in result.stderr
    files = json.loads((tmp_path / "out" / "run-manifest.json").read_text())["files"]
    assert [(f["status"], "missing-folder not found" in f["reason"]) for f in files] == [("failed", True)]


def _statuses(out: Path) -> dict[str, tuple[str, str]]:
    files = json.loads((out / "run-manifest.json").read_text())["files"]
    return {
        Path(f["source"]).relative_to(out.parent / "cam").as_posix(): (f["status"], f["reason"])
        for f in files
    }


def test_a_recording_reached_by_several_paths_is_counted_once(tmp_path, pets_video, model):
    """A copied folder, a link to a file and a glob through a linked folder: one recording, one count."""
    cam = tmp_path / "cam"
    (cam / "backup").mkdir(parents=True)
    original = mjpeg_clip(pets_video, cam / "pets-view1_20261003_100000.avi", 30)
    (cam / "backup" / original.name).write_bytes(original.read_bytes())
    (cam / "pets-view1_20261003_100010.avi").symlink_to(original.name)
    config = site_for(tmp_path, str(cam))
    text = config.read_text().replace(
        "start:", "filename_pattern: '{camera}_{YYYYmmdd_HHMMSS}.avi'\n    # start:"
    )
    config.write_text(text)
    out = tmp_path / "out"
    result = crowdcount("run", "--config", config, "--out", out, "--model", model)
    assert result.returncode == 0, result.stderr
    statuses = _statuses(out)
    assert statuses[original.name][0] == "done"
    for copy in ("backup/" + original.name, "pets-view1_20261003_100010.avi"):
        assert statuses[copy] == ("skipped", f"the same recording as {original}, counted once")
    store = EventStore(out / "crowdcount.db", create=False)
    assert [s.source for s in store.sources()] == [str(original)]
    assert not [g for g in store.gaps() if "overlaps" in g.reason]  # no overlap from counting a copy

    moved = tmp_path / "copied"  # later, the folder is copied and the camera pointed at it and the original
    moved.mkdir()
    (moved / original.name).write_bytes(original.read_bytes())
    config.write_text(text.replace(f"source: {cam}", f"source: '{tmp_path}/**/*.avi'"))
    again = crowdcount("run", "--config", config, "--out", out, "--model", model)
    assert again.returncode == 0, again.stderr
    files = {f["source"]: f for f in json.loads((out / "run-manifest.json").read_text())["files"]}
    assert files[str(moved / original.name)]["status"] == "skipped"
    assert EventStore(out / "crowdcount.db", create=False).event_count() == store.event_count()


def test_a_run_after_the_lines_changed_counts_again_what_was_counted_before(tmp_path, pets_video, model):
    clip = mjpeg_clip(pets_video, tmp_path / "clip.avi", 60)
    config = site_for(tmp_path, str(clip))
    text = config.read_text()
    assert "id: west\n" in text
    config.write_text(text.replace("id: west\n", "id: west-later\n"))  # the first config: one line renamed
    out = tmp_path / "out"
    assert crowdcount("run", "--config", config, "--out", out, "--model", model).returncode == 0
    config.write_text(text)  # the line as it is now: a counter the first run never counted
    again = crowdcount("run", "--config", config, "--out", out, "--model", model)
    assert again.returncode == 0, again.stderr
    (file,) = json.loads((out / "run-manifest.json").read_text())["files"]
    assert file["status"] == "done" and file["reason"].startswith("counted again: the camera's lines")
    fresh = tmp_path / "fresh"
    assert crowdcount("run", "--config", config, "--out", fresh, "--model", model).returncode == 0
    assert event_keys(out / "crowdcount.db") == event_keys(fresh / "crowdcount.db")  # as if counted today
    third = crowdcount("run", "--config", config, "--out", out, "--model", model)
    assert json.loads((out / "run-manifest.json").read_text())["files"][0]["status"] == "skipped", (
        third.stdout
    )


def test_a_file_still_being_written_is_not_done_and_the_next_run_counts_it_whole(tmp_path, pets_video, model):
    clip = mjpeg_clip(pets_video, tmp_path / "clip.avi", 40)
    config = site_for(tmp_path, str(clip))
    out = tmp_path / "out"
    writer = subprocess.Popen(
        [sys.executable, "-c", f"f = open({str(clip)!r}, 'ab'); import time; time.sleep(120)"]
    )
    try:
        time.sleep(1)  # the recorder has the file open for writing, as an NVR its current file
        first = crowdcount("run", "--config", config, "--out", out, "--model", model)
    finally:
        writer.kill()
        writer.wait()
    assert first.returncode == 0, first.stderr
    (file,) = json.loads((out / "run-manifest.json").read_text())["files"]
    assert file["status"] == "growing" and "still being written" in file["reason"]
    assert EventStore(out / "crowdcount.db", create=False).sources()[0].status == "growing"
    second = crowdcount("run", "--config", config, "--out", out, "--model", model)
    assert second.returncode == 0, second.stderr
    (file,) = json.loads((out / "run-manifest.json").read_text())["files"]
    assert file["status"] == "done"  # counted again once finished, not skipped as done
