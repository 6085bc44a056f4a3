"""Tracker adapter: ByteTrack, OC-SORT or BoT-SORT from the ``trackers`` package; ids >= 0 for
confirmed tracks. The same knobs (how long a lost track is kept, the confidence that starts one,
how many sightings confirm it) mean the same for each."""

from __future__ import annotations

from typing import Any

import supervision as sv
from trackers import BoTSORTTracker, ByteTrackTracker, OCSORTTracker

from crowdcount.datatypes import TrackerKind

TRACKERS: tuple[TrackerKind, ...] = ("bytetrack", "ocsort", "botsort")


class Tracker:
    """Gives detections stable ids over time; one instance per source (ids count from 0).

    Unconfirmed tracks carry id -1 and are never counted. BoT-SORT runs without its camera-motion
    compensation (fixed CCTV cameras do not move, and the engine never sees images).

    Example:
        >>> import numpy as np, supervision as sv
        >>> tracker = Tracker(frame_rate=7, kind="bytetrack")
        >>> person = sv.Detections(np.array([[10.0, 10, 30, 70]]), confidence=np.array([0.9]))
        >>> [tracker.update(person, t / 7).tracker_id.tolist() for t in range(3)]  # confirmed on its 2nd
        [[-1], [0], [0]]
    """

    def __init__(
        self,
        frame_rate: float,
        kind: TrackerKind = "ocsort",
        lost_track_seconds: float = 1.5,
        activation_threshold: float = 0.45,
        high_confidence: float = 0.5,
        min_consecutive_frames: int = 2,
        min_iou: float = 0.1,
    ) -> None:
        self.kind = kind
        # the confidence a detection needs to start a track (OC-SORT starts them from its confident ones)
        self.activation_threshold = high_confidence if kind == "ocsort" else activation_threshold
        shared: dict[str, Any] = {
            "lost_track_buffer": round(lost_track_seconds * 30),  # the library counts 30 fps frames
            "frame_rate": frame_rate,
            "minimum_consecutive_frames": min_consecutive_frames,
            "high_conf_det_threshold": high_confidence,
        }
        self._tracker: ByteTrackTracker | OCSORTTracker | BoTSORTTracker
        if kind == "bytetrack":
            self._tracker = ByteTrackTracker(
                **shared, track_activation_threshold=activation_threshold, minimum_iou_threshold=min_iou
            )
        elif kind == "ocsort":
            self._tracker = OCSORTTracker(**shared, minimum_iou_threshold=min_iou)
        elif kind == "botsort":
            self._tracker = BoTSORTTracker(
                **shared,
                track_activation_threshold=activation_threshold,
                enable_cmc=False,
                instant_first_frame_activation=False,  # as the others: confirmed on a later sighting
            )
        else:
            raise ValueError(f"unknown tracker {kind!r}; use one of {', '.join(TRACKERS)}")

    def update(self, detections: sv.Detections, timestamp_s: float) -> sv.Detections:
        """Associate one frame's detections; ``timestamp_s`` is seconds since the source start."""
        return self._tracker.update(detections, timestamp=timestamp_s)
