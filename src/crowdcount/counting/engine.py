"""The counting engine: tracks and counts for one source, from each frame's detections.

Batch runs, live cameras, Ray tasks and ground-truth evaluation all count through
:class:`SourceCounter`; nothing else builds a tracker or counters (docs/architecture.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

import numpy as np
import shapely
import supervision as sv

from crowdcount.config import CameraConfig, CountingSettings
from crowdcount.counting.count import Counter, count_all, counters_for
from crowdcount.counting.pacing import DetectionPacer, fixed_stride
from crowdcount.counting.stillness import StillnessWatch
from crowdcount.counting.stitch import TrackStitcher
from crowdcount.counting.track import Tracker
from crowdcount.datatypes import CountEvent, FrameInfo
from crowdcount.geometry import anchor_points


class SourceCounter:
    """Owns the tracker, the track stitcher, the line and zone counters, the detection pacer and the
    watch for things that stand still, of one source. Detections inside the camera's ``ignore``
    polygons are dropped before tracking; a person the tracker lost and found again under a new id
    keeps the old one (:mod:`crowdcount.counting.stitch`, ``stitch_seconds``) before anything counts them.

    ``stride`` fixes how many video frames lie between two detections; ``None`` lets the
    pacer choose it from how fast the tracked people move (see :mod:`crowdcount.counting.pacing`).
    With ``tracked`` the detections already carry their ids (ground truth): no tracker runs.

    The tracker's clock counts whole frame periods of the source (``fps``) since its first frame:
    a recording's frames lie on that grid already, and a live frame's arrival time is rounded to
    it, so delays in delivery do not move the tracker's predictions (a later frame is always at
    least one period on).

    Example (ground-truth ids, so no tracker; one person walks over a door line):
        >>> from datetime import datetime, timedelta, timezone
        >>> import numpy as np, supervision as sv
        >>> from crowdcount.config import parse_config
        >>> from crowdcount.datatypes import FrameInfo
        >>> site = parse_config({"cameras": [{"id": "gate", "lines": [
        ...     {"id": "door", "points": [[100, 0], [100, 200]], "in_direction": [1, 0]}]}]})
        >>> engine = SourceCounter(site.cameras[0], site.counting, fps=10, tracked=True)
        >>> start = datetime(2026, 10, 3, 10, tzinfo=timezone.utc)
        >>> events = []
        >>> for index, x in enumerate([80, 95, 105, 120]):  # feet at (x, 150), track id 7
        ...     frame = FrameInfo("gate", "clip.mp4", index, start + timedelta(seconds=index / 10))
        ...     person = sv.Detections(np.array([[x - 10, 90, x + 10, 150]], float), tracker_id=np.array([7]))
        ...     events += engine.update(frame, person)
        >>> [(e.counter, e.direction, e.track_id, e.frame) for e in events + engine.finish()]
        [('door', 'in', 7, 2)]
    """

    def __init__(
        self,
        camera: CameraConfig,
        settings: CountingSettings,
        fps: float,
        stride: int | None = 1,
        tracked: bool = False,
    ) -> None:
        self.fps = fps
        self.counters: list[Counter] = counters_for(camera, settings)
        self.tracker_frame_rate = fps / (stride or 1)
        self.tracker = None if tracked else Tracker(self.tracker_frame_rate, settings.tracker)
        self.stitcher: TrackStitcher | None = None
        if self.tracker is not None and settings.stitch_seconds > 0:
            self.stitcher = TrackStitcher(settings.anchor, settings.stitch_seconds)
        self.pacer: DetectionPacer | None = None
        if stride is None and self.tracker is not None:
            self.pacer = DetectionPacer(fps, self.tracker.activation_threshold)
        self.stride = stride or fixed_stride(fps)  # without pacing; the pacer starts from it too
        self.began: datetime | None = None
        self.tracks = sv.Detections.empty()  # the last frame's tracks (tracker_id -1: not confirmed)
        self.anchor = settings.anchor
        self.ignored = [shapely.Polygon(region.vertices) for region in camera.ignore]
        self.stillness = StillnessWatch(settings.anchor)  # what stands still for minutes (a sign?)
        self._periods = -1  # frame periods from the first frame to the last one counted

    def update(self, frame: FrameInfo, detections: sv.Detections) -> list[CountEvent]:
        """Track one frame's detections and count them; the events this frame confirms."""
        if self.began is None:
            self.began = frame.timestamp
        periods = round((frame.timestamp - self.began).total_seconds() * self.fps)
        self._periods = periods = max(periods, self._periods + 1)
        seconds = periods / self.fps
        if self.ignored and len(detections):
            detections = cast(sv.Detections, detections[~self._in_ignored(detections)])
        if self.tracker is not None:
            detections = self.tracker.update(detections, seconds)
        if self.stitcher is not None:
            detections = self.stitcher.update(detections, seconds)
        self.tracks = detections
        self.stillness.update(detections, seconds)
        if self.pacer is not None:
            self.pacer.update(detections, seconds)
        return count_all(self.counters, detections, frame)

    def _in_ignored(self, detections: sv.Detections) -> np.ndarray:
        """Which detections have their anchor inside an ``ignore`` polygon."""
        points = shapely.points(anchor_points(detections.xyxy, self.anchor))
        return np.any([shapely.contains(region, points) for region in self.ignored], axis=0)

    def stride_after_reading(self, decoded: int) -> int:
        """Frames a reader steps after its ``decoded``-th frame (waits on the pacer when pacing)."""
        return self.stride if self.pacer is None else self.pacer.stride_after_reading(decoded)

    def close(self) -> None:
        """Stop making a reader wait on the pacer (counting has ended)."""
        if self.pacer is not None:
            self.pacer.close()

    def finish(self) -> list[CountEvent]:
        """End of the source: every track ends (zone visits exit at their last sighting)."""
        self.close()
        return [event for counter in self.counters for event in counter.finish()]
