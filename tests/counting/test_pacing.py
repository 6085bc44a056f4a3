"""Detection pacing: pure rules, the pacer on hand-made tracks, and with the real tracker."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import supervision as sv

from crowdcount.counting.pacing import (
    MAX_SHIFT_PER_DETECTION,
    MIN_DETECTIONS_PER_SECOND,
    DetectionPacer,
    box_shift,
    fixed_stride,
    paced_stride,
)
from crowdcount.counting.track import Tracker
from crowdcount.sources.files import FrameReader
from helpers import START

BOX_W, BOX_H = 30.0, 80.0  # a person at PETS' scale


def people(xs: dict[int, float], confidence: float = 0.9) -> sv.Detections:
    """Detections (tracker_id set) of people whose boxes' left edges stand at ``xs``."""
    xyxy = np.array([[x, 300.0, x + BOX_W, 300.0 + BOX_H] for x in xs.values()]).reshape(-1, 4)
    return sv.Detections(
        xyxy=xyxy, confidence=np.full(len(xs), confidence), tracker_id=np.array(list(xs), dtype=int)
    )


@pytest.mark.parametrize(
    ("fps", "expected"), [(7, 1), (10, 1), (12.5, 1), (15, 2), (25, 3), (29.97, 4), (60, 8)]
)
def test_without_evidence_at_least_7_detections_a_second(fps, expected):
    assert fixed_stride(fps) == expected
    assert fps / fixed_stride(fps) >= 7


def test_box_shift_is_in_box_sizes():
    box = np.array([0.0, 0.0, 30.0, 80.0])
    assert box_shift(box, box + np.array([15, 0, 15, 0])) == 0.5  # half a width sideways
    assert box_shift(box, box + np.array([0, 20, 0, 20])) == 0.25  # a quarter of the height down
    assert box_shift(box, box + np.array([15, 40, 15, 40])) == 0.5  # the larger of the two


@pytest.mark.parametrize(
    ("speed", "fps", "expected"),
    [
        (0.0, 25, 8),  # standing: the floor of 3 detections a second
        (2.0, 25, 4),  # 2 box sizes a second: 6 detections a second
        (5.0, 25, 1),  # 14 a second
        (20.0, 25, 1),  # faster than the video can follow: every frame
        (1.0, 7, 2),  # a slow walker on 7 fps video: every other frame
        (3.0, 7, 1),
    ],
)
def test_paced_stride_keeps_the_fastest_within_a_third_of_a_box(speed, fps, expected):
    stride = paced_stride(speed, fps)
    assert stride == expected
    if stride > 1:
        assert speed * stride / fps <= MAX_SHIFT_PER_DETECTION and fps / stride >= MIN_DETECTIONS_PER_SECOND


def feed(pacer: DetectionPacer, fps: float, speeds: dict[int, float], seconds: float) -> int:
    """People moving at ``speeds`` (box widths a second) seen at the pacer's own strides."""
    index, stride = 0, pacer.stride_after(0)
    while index / fps < seconds:
        t = index / fps
        stride = pacer.update(people({i: 100 + 50 * i + s * BOX_W * t for i, s in speeds.items()}), t)
        index += stride
    return stride


def test_nobody_tracked_keeps_the_evidence_free_stride():
    pacer = DetectionPacer(25, 0.45)
    assert pacer.update(sv.Detections.empty(), 0.0) == 3
    assert pacer.update(people({-1: 100}), 0.12) == 3  # seen, not yet tracked: no speed known


def test_slow_walkers_are_detected_less_often_and_a_fast_one_brings_it_back():
    pacer = DetectionPacer(25, 0.45)
    assert feed(pacer, 25, {1: 0.3, 2: 0.5}, seconds=3) == 8  # 3 detections a second
    pacer = DetectionPacer(25, 0.45)
    assert feed(pacer, 25, {1: 0.3, 2: 0.5, 3: 4.0}, seconds=3) == 2  # 4 widths/s: 12.5 a second


def test_a_fast_track_that_left_is_forgotten():
    pacer = DetectionPacer(25, 0.45)
    feed(pacer, 25, {1: 0.3, 3: 4.0}, seconds=2)
    t = 2.0
    while t < 6.0:  # only the slow walker stays in view
        t += pacer.update(people({1: 100 + 0.3 * BOX_W * t}), t) / 25
    assert pacer.stride_after(pacer.updates) == 8


def test_a_person_seen_twice_without_a_track_brings_back_the_evidence_free_stride():
    pacer = DetectionPacer(25, 0.45)
    assert feed(pacer, 25, {1: 0.3}, seconds=2) == 8
    stranger = people({1: 200, -1: 400})
    pacer.update(stranger, 2.1)
    assert pacer.update(people({1: 201, -1: 430}), 2.4) == 3  # 1 width on, still without a track
    assert pacer.update(people({1: 202}), 2.7) == 3  # for a while
    t = 2.7
    while t < 6.0:
        t += pacer.update(people({1: 100 + 0.3 * BOX_W * t}), t) / 25
    assert pacer.stride_after(pacer.updates) == 8


def test_trouble_never_slows_what_the_speeds_call_for():
    pacer = DetectionPacer(25, 0.45)
    assert feed(pacer, 25, {1: 4.0}, seconds=2) == 2  # a fast walker: 12.5 detections a second
    pacer.update(people({1: 400, -1: 600}), 2.08)
    assert pacer.update(people({1: 410, -1: 610}), 2.16) == 2  # someone unmatched: not back to 8 a second


def test_an_unsure_detection_without_a_track_is_not_trouble():
    pacer = DetectionPacer(25, 0.45)
    feed(pacer, 25, {1: 0.3}, seconds=2)
    pacer.update(people({-1: 400}, confidence=0.2), 2.1)
    assert pacer.update(people({-1: 401}, confidence=0.2), 2.4) == 8


def test_a_fast_newcomer_among_slow_walkers_gets_tracked():
    """With the real tracker: a runner moving 1.2 widths per detection at the slow walkers'
    stride never joins a track there; the pacer must notice and detect often enough for them."""
    fps, tracker, pacer = 10.0, Tracker(frame_rate=10.0), DetectionPacer(10.0, 0.45)
    runner_tracked, index = False, 0
    while index < 80:
        t = index / fps
        xs = {0: 100 + 0.2 * BOX_W * t, 1: 400 - 0.2 * BOX_W * t}
        if index >= 40:
            xs[2] = 50 + 6.0 * BOX_W * (t - 4.0)
        detections = people(xs)
        detections.tracker_id = None
        tracks = tracker.update(detections, t)
        on_runner = np.abs(tracks.xyxy[:, 0] - xs.get(2, -1e9)) < 1
        runner_tracked |= bool((tracks.tracker_id[on_runner] >= 0).any())
        stride = pacer.update(tracks, t)
        if index == 38:
            assert stride == 2  # the slow pair alone: every other frame
        index += stride
    assert runner_tracked


def test_the_reader_steps_as_its_stride_function_says(pets_video):
    reader = FrameReader(pets_video, "cam", START, 7.0, lambda decoded: [3, 1, 2][decoded % 3])
    read = [frame.info.index for frame, _ in zip(reader, range(7), strict=False)]
    assert read == [0, 1, 3, 6, 7, 9, 12]


def test_stride_after_waits_for_the_detections_it_depends_on():
    pacer = DetectionPacer(25, 0.45)
    assert pacer.stride_after(-2) == pacer.stride_after(0) == 3  # before any detection: no wait
    answers: list[int] = []
    waiting = threading.Thread(target=lambda: answers.append(pacer.stride_after(1)))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and not answers  # the first detection is not taken yet
    pacer.update(sv.Detections.empty(), 0.0)
    waiting.join(5)
    assert answers == [3]
    stuck = threading.Thread(target=lambda: answers.append(pacer.stride_after(10)))
    stuck.start()
    pacer.close()  # counting ended: a reader waiting for more is let go
    stuck.join(5)
    assert not stuck.is_alive() and answers == [3, 3]
