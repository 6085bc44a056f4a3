"""Detection pacing: how many video frames to step over before the next detection.

The tracker matches a person's new box to the box it predicts from their last ones by overlap,
which holds while people move less than about half their own box between two detections (and
holds best, measured on the grid of lines, under a third of it).
Without evidence (nobody tracked yet) crowdcount detects AUTO_DETECTIONS_PER_SECOND times a
second, where even a brisk walker crossing the view moves ~20 cm, under half a body width.
Once people are tracked, it measures how fast each moves in box sizes per second and detects
just often enough for the fastest of them (MAX_SHIFT_PER_DETECTION), and never less than
MIN_DETECTIONS_PER_SECOND. Confident detections that keep failing to join a track send it back
to the evidence-free rate, unless their speeds already call for more.
"""

from __future__ import annotations

import math
import threading
from collections import deque

import numpy as np
import supervision as sv

AUTO_DETECTIONS_PER_SECOND = 7.0
MIN_DETECTIONS_PER_SECOND = 3.0
# box sizes a tracked person may move between two detections (docs/counting.md)
MAX_SHIFT_PER_DETECTION = 0.35
MEMORY_S = 3.0  # tracks unseen this long are forgotten; trouble holds the evidence-free rate this long
SPEED_SAMPLES = 3  # a track's speed: the median of its last few speeds
LOST_TRACK_REACH = 2.0  # box sizes within which an unmatched detection is taken for the same person
READ_AHEAD = 4  # frames the reader may decode ahead of counting; fixed, so that the frames
# detected (and the counts) do not depend on how many frames are detected at once (cores, workers)


def fixed_stride(fps: float) -> int:
    """Every N-th frame that still gives at least AUTO_DETECTIONS_PER_SECOND detections a second."""
    return max(1, math.floor(fps / AUTO_DETECTIONS_PER_SECOND))


def box_shift(before: np.ndarray, after: np.ndarray) -> float:
    """How far a box's centre moved from ``before`` to ``after`` (xyxy), in box sizes: the larger of
    the horizontal move over the width and the vertical move over the height."""
    width, height = max(after[2] - after[0], 1.0), max(after[3] - after[1], 1.0)
    dx = (after[0] + after[2] - before[0] - before[2]) / 2
    dy = (after[1] + after[3] - before[1] - before[3]) / 2
    return float(max(abs(dx) / width, abs(dy) / height))


def paced_stride(fastest: float, fps: float) -> int:
    """Frames to step so that someone moving ``fastest`` box sizes a second moves at most
    MAX_SHIFT_PER_DETECTION between detections, with at least MIN_DETECTIONS_PER_SECOND."""
    rate = max(fastest / MAX_SHIFT_PER_DETECTION, MIN_DETECTIONS_PER_SECOND)
    return max(1, math.floor(fps / rate))


class DetectionPacer:
    """Chooses the stride to the next detection from the tracks of each detection.

    :meth:`update` takes each detection's tracks, in order, on the counting thread. The frame
    reader, on its own thread, asks :meth:`stride_after_reading` for the stride chosen READ_AHEAD
    detections back, and waits for it: the frames read, and so the counts, are the same on every
    run, however the threads are scheduled. Counting must detect fewer than READ_AHEAD frames at
    once, or the reader and counting wait on each other.

    Example:
        >>> pacer = DetectionPacer(fps=25, activation_threshold=0.45)
        >>> pacer.stride_after(0)  # nobody tracked yet: every 3rd frame, 8.3 detections a second
        3
        >>> import supervision as sv
        >>> pacer.update(sv.Detections.empty(), timestamp_s=0.0)  # a detection with nobody in it
        3
    """

    def __init__(self, fps: float, activation_threshold: float) -> None:
        self.fps = fps
        self.activation_threshold = activation_threshold
        self._last: dict[int, tuple[float, np.ndarray]] = {}  # track id -> (seen at, box)
        self._speeds: dict[int, deque[float]] = {}
        self._unmatched: np.ndarray = np.empty((0, 4))  # confident boxes left without a track, last detection
        self._trouble_until = -math.inf
        self._chosen = deque([fixed_stride(fps)])  # the stride after update number _first, _first + 1, ...
        self._first = self.updates = 0
        self._closed = False
        self._changed = threading.Condition()

    def stride_after(self, updates: int) -> int:
        """The stride chosen once ``updates`` detections were taken (0: before any); waits until
        then, or until :meth:`close`. Ask with a number that never goes down."""
        with self._changed:
            self._changed.wait_for(lambda: self.updates >= updates or self._closed)
            while self._first < min(updates, self.updates):  # never asked for again
                self._chosen.popleft()
                self._first += 1
            return self._chosen[0]

    def stride_after_reading(self, decoded: int) -> int:
        """The frame reader's stride once it decoded ``decoded`` frames: the one chosen READ_AHEAD
        detections back (waiting for those)."""
        return self.stride_after(decoded - READ_AHEAD)

    def close(self) -> None:
        """Stop making a reader wait (counting has ended)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def update(self, tracks: sv.Detections, timestamp_s: float) -> int:
        """Take one detection's tracks (tracker ids, -1 for none yet); the stride chosen from them."""
        ids = tracks.tracker_id if tracks.tracker_id is not None else np.full(len(tracks), -1)
        confidence = tracks.confidence if tracks.confidence is not None else np.ones(len(tracks))
        unmatched = tracks.xyxy[(ids < 0) & (confidence >= self.activation_threshold)]
        if _any_near(self._unmatched, unmatched):
            self._trouble_until = timestamp_s + MEMORY_S  # the same person twice without a track
        self._unmatched = unmatched
        for box, track_id in zip(tracks.xyxy, ids.tolist(), strict=True):
            if track_id >= 0:
                self._observe(track_id, box, timestamp_s)
        self._forget(timestamp_s)
        stride = self._choose(timestamp_s)
        with self._changed:
            self._chosen.append(stride)
            self.updates += 1
            self._changed.notify_all()
        return stride

    def _observe(self, track_id: int, box: np.ndarray, timestamp_s: float) -> None:
        if track_id in self._last:
            seen, before = self._last[track_id]
            if timestamp_s > seen:
                speeds = self._speeds.setdefault(track_id, deque(maxlen=SPEED_SAMPLES))
                speeds.append(box_shift(before, box) / (timestamp_s - seen))
        self._last[track_id] = (timestamp_s, box)

    def _forget(self, timestamp_s: float) -> None:
        for track_id in [t for t, (seen, _) in self._last.items() if seen < timestamp_s - MEMORY_S]:
            del self._last[track_id]
            self._speeds.pop(track_id, None)

    def _choose(self, timestamp_s: float) -> int:
        speeds = [float(np.median(s)) for s in self._speeds.values() if len(s) >= 2]
        if not speeds:
            return fixed_stride(self.fps)
        paced = paced_stride(max(speeds), self.fps)
        if timestamp_s < self._trouble_until:  # someone unmatched: at least the evidence-free rate
            return min(paced, fixed_stride(self.fps))
        return paced


def _any_near(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether some box of ``after`` lies within LOST_TRACK_REACH box sizes of some box of ``before``."""
    return any(box_shift(old, new) <= LOST_TRACK_REACH for old in before for new in after)
