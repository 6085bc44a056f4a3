"""Tracker adapter on real detections."""

from __future__ import annotations

import pytest

from crowdcount.counting.track import TRACKERS, Tracker
from crowdcount.detect.load import load_detector
from crowdcount.detect.models import resolve_model
from crowdcount.sources.files import read_frames
from helpers import START


def track_ids(video, model, frames: int, kind: str = "bytetrack") -> list[set[int]]:
    detector = load_detector(resolve_model(str(model)))
    tracker = Tracker(7, kind)  # type: ignore[arg-type]
    ids = []
    for frame in read_frames(video, "cam", START, 7.0):
        if frame.info.index >= frames:
            break
        tracks = tracker.update(detector.detect(frame.image), frame.info.index / 7)
        ids.append({int(t) for t in tracks.tracker_id})
    return ids


@pytest.mark.parametrize("kind", TRACKERS)
def test_people_keep_their_ids_and_a_new_source_starts_again(pets_video, default_model, kind):
    first = track_ids(pets_video, default_model, 15, kind)
    assert first[0] <= {-1}  # nobody is confirmed on their first sighting
    steady = set.intersection(*first[5:])
    assert len(steady - {-1}) >= 3  # several people tracked under one id throughout
    again = track_ids(pets_video, default_model, 15, kind)
    assert again == first  # ids restart per source, deterministically
