"""Tracks that stand still for minutes: a sign, a statue or a poster taken for a person.

Such a track holds a zone's occupancy and dwell time for as long as the camera runs. The engine
watches every confirmed track; one whose anchor stays within STILL_REACH (a quarter of its box
height, at least STILL_MIN_PX) for STILL_S seconds or more is reported, with the box to mask
(an ``ignore`` polygon in the camera's config). Pure: no files, no clocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import supervision as sv

from crowdcount.geometry import Anchor, anchor_points

STILL_S = 60.0  # seconds in one place before a track is reported
STILL_REACH = 0.25  # of the box height: how far the anchor may wander and still be "in one place"
STILL_MIN_PX = 8.0
FORGET_S = 10.0  # a track unseen this long is over
LOOK_EVERY_S = 0.5  # a minute's stillness needs no finer look than this (and it keeps the cost low)


@dataclass(frozen=True)
class StillTrack:
    """A track that stayed in one place: where (its box, xyxy pixels), from when, for how long."""

    track_id: int
    box: tuple[float, float, float, float]
    since_s: float  # seconds from the source's first frame
    seconds: float

    def mask(self, margin: float = 0.1) -> list[list[int]]:
        """An ``ignore`` polygon around the box, grown by ``margin`` of its size."""
        x1, y1, x2, y2 = self.box
        dx, dy = margin * (x2 - x1), margin * (y2 - y1)
        left, top, right, bottom = (round(v) for v in (x1 - dx, y1 - dy, x2 + dx, y2 + dy))
        return [[max(left, 0), max(top, 0)], [right, max(top, 0)], [right, bottom], [max(left, 0), bottom]]


@dataclass
class _Stay:
    since_s: float
    point: np.ndarray
    seen_s: float
    box: tuple[float, float, float, float]


class StillnessWatch:
    """Follows confirmed tracks; :meth:`found` lists each one's longest stay of STILL_S or more.

    Example:
        >>> watch = StillnessWatch()
        >>> sign = sv.Detections(np.array([[30.0, 110, 48, 142]]), tracker_id=np.array([4]))
        >>> for second in range(0, 91, 10):
        ...     watch.update(sign, float(second))
        >>> [(s.track_id, s.seconds, s.mask()) for s in watch.found()]
        [(4, 90.0, [[28, 107], [50, 107], [50, 145], [28, 145]])]
    """

    def __init__(self, anchor: Anchor = "bottom_center", still_s: float = STILL_S) -> None:
        self.anchor, self.still_s = anchor, still_s
        self._stays: dict[int, _Stay] = {}
        self._found: dict[int, StillTrack] = {}
        self._looked = -math.inf

    def update(self, tracks: sv.Detections, seconds: float) -> None:
        """Take one frame's tracks (looked at every LOOK_EVERY_S seconds of video)."""
        if seconds - self._looked < LOOK_EVERY_S:
            return
        self._looked = seconds
        if tracks.tracker_id is not None and len(tracks):
            points = anchor_points(tracks.xyxy, self.anchor)
            for track_id, point, (x1, y1, x2, y2) in zip(
                tracks.tracker_id.tolist(), points, tracks.xyxy.tolist(), strict=True
            ):
                if track_id >= 0:
                    self._observe(track_id, point, (x1, y1, x2, y2), seconds)
        for track_id in [t for t, stay in self._stays.items() if stay.seen_s < seconds - FORGET_S]:
            del self._stays[track_id]

    def _observe(
        self, track_id: int, point: np.ndarray, box: tuple[float, float, float, float], seconds: float
    ) -> None:
        stay = self._stays.get(track_id)
        reach = max(STILL_REACH * (box[3] - box[1]), STILL_MIN_PX)
        if stay is None or math.dist(point, stay.point) > reach:
            self._stays[track_id] = _Stay(seconds, point, seconds, box)
            return
        stay.seen_s, stay.box = seconds, box
        length = seconds - stay.since_s
        best = self._found.get(track_id)
        if length >= self.still_s and (best is None or best.since_s == stay.since_s or length > best.seconds):
            self._found[track_id] = StillTrack(track_id, box, stay.since_s, length)

    def found(self) -> list[StillTrack]:
        """Tracks that stood still STILL_S or more, longest first."""
        return sorted(self._found.values(), key=lambda s: -s.seconds)
