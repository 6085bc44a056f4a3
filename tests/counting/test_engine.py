"""The one counting engine: a recording and a live stream of the same frames count alike.

The live side is the real one: scripts/mjpeg_server.py serves an MJPEG clip over HTTP (its
JPEG frames unchanged, so both sides decode the same pixels), a CameraSession reads it with the
live StreamReader and stores what it counts in a SQLite file. The batch side counts the same
clip with ``count_recording``. Paced slowly enough that live drops no frame, they must store
the same events (same counters, directions, track ids, frame indices).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crowdcount.batch.recording import RunOptions, count_recording, probe_recording
from crowdcount.config import load_config
from crowdcount.counting.engine import SourceCounter
from crowdcount.detect.load import DetectorSpec
from crowdcount.detect.models import ModelChoice
from crowdcount.live.camera import CameraSession
from crowdcount.store.events import EventStore
from helpers import ROOT, StreamServer, frame_info, free_port, mjpeg_clip, site_for, tracks_at, walk

FRAMES = 120  # 17 s of PETS at its 7 fps: people cross both lines and use the zone


def keys(events: list) -> list[tuple]:
    return sorted((e.counter, e.kind, e.direction, e.track_id, e.frame) for e in events)


def test_a_recording_and_a_live_stream_of_the_same_frames_count_the_same(
    tmp_path: Path, pets_video: Path, default_model: Path
) -> None:
    clip = mjpeg_clip(pets_video, tmp_path / "clip.avi", FRAMES)
    spec = DetectorSpec(ModelChoice(str(default_model), "test"))
    detector = spec.load(threads=1, parallel=False)

    batch_site = load_config(site_for(tmp_path, str(clip)))
    camera = batch_site.cameras[0]
    recording = probe_recording(batch_site, camera, clip)
    batch = count_recording(
        recording, camera, batch_site.counting_for(camera), detector, RunOptions(spec, stride=1)
    )
    assert batch.status == "done" and batch.record is not None and batch.record.frames == FRAMES

    server = StreamServer(clip, free_port(), once=True, wait_for_client=True)
    server.start()
    try:
        live_site = load_config(site_for(tmp_path, server.url))
        store = EventStore(tmp_path / "live.db")
        session = CameraSession(live_site, live_site.cameras[0], store, detector)
        deadline = time.monotonic() + 120
        session.run(lambda: session.frames >= FRAMES or time.monotonic() > deadline)
    finally:
        server.kill()

    assert session.frames == FRAMES and session.reader.health.dropped == 0, session.reader.health
    live_events = store.events()
    assert len(batch.events) >= 10, "too few events to compare: the clip must show people crossing"
    assert keys(live_events) == keys(batch.events)


def test_ground_truth_counts_through_the_engine_without_a_tracker() -> None:
    """``tracked``: the detections' own ids count; hysteresis as configured, no tracker."""
    site = load_config(ROOT / "examples" / "pets09.yaml")
    camera = site.cameras[0].model_copy(update={"zones": []})
    engine = SourceCounter(camera, site.counting, fps=10, tracked=True)
    assert engine.tracker is None and engine.pacer is None
    events = []
    for index, feet in enumerate(walk(5, [380, 400, 420, 440, 460, 480], y=300)):
        events += engine.update(frame_info(index), tracks_at(feet))
    events += engine.finish()
    assert [(e.counter, e.direction, e.track_id) for e in events] == [("lamppost", "in", 5)]


def test_the_engine_paces_only_when_no_stride_is_fixed() -> None:
    site = load_config(ROOT / "examples" / "pets09.yaml")
    camera = site.cameras[0]
    fixed = SourceCounter(camera, site.counting, fps=25, stride=2)
    assert fixed.pacer is None and fixed.stride_after_reading(10) == 2 and fixed.tracker_frame_rate == 12.5
    paced = SourceCounter(camera, site.counting, fps=25, stride=None)
    assert paced.pacer is not None and paced.tracker_frame_rate == 25
    paced.close()  # a reader asking for a stride no longer waits
    assert paced.stride_after_reading(10) == 3


@pytest.mark.parametrize("stride", [1, 3])
def test_a_fixed_stride_reads_every_nth_frame(stride: int) -> None:
    site = load_config(ROOT / "examples" / "pets09.yaml")
    engine = SourceCounter(site.cameras[0], site.counting, fps=7, stride=stride)
    assert [engine.stride_after_reading(n) for n in range(1, 4)] == [stride] * 3
