"""Tracker adapter: ByteTrack from the ``trackers`` package, ids >= 0 for confirmed tracks."""

from __future__ import annotations

import supervision as sv
from trackers import ByteTrackTracker


class Tracker:
    """Gives detections stable ids over time; one instance per source (ids count from 0).

    Unconfirmed tracks carry id -1 and are never counted.

    Example:
        >>> import numpy as np, supervision as sv
        >>> tracker = Tracker(frame_rate=7)
        >>> person = sv.Detections(np.array([[10.0, 10, 30, 70]]), confidence=np.array([0.9]))
        >>> [tracker.update(person, t / 7).tracker_id.tolist() for t in range(3)]  # confirmed on its 2nd
        [[-1], [0], [0]]
    """

    def __init__(
        self,
        frame_rate: float,
        lost_track_seconds: float = 1.5,
        activation_threshold: float = 0.45,
        high_confidence: float = 0.5,
        min_consecutive_frames: int = 2,
        min_iou: float = 0.1,
    ) -> None:
        self.activation_threshold = activation_threshold  # confidence a detection needs to start a track
        self._tracker = ByteTrackTracker(
            lost_track_buffer=round(lost_track_seconds * 30),  # the library counts 30 fps frames
            frame_rate=frame_rate,
            track_activation_threshold=activation_threshold,
            minimum_consecutive_frames=min_consecutive_frames,
            minimum_iou_threshold=min_iou,
            high_conf_det_threshold=high_confidence,
        )

    def update(self, detections: sv.Detections, timestamp_s: float) -> sv.Detections:
        """Associate one frame's detections; ``timestamp_s`` is seconds since the source start."""
        return self._tracker.update(detections, timestamp=timestamp_s)
