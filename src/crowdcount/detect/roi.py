"""Detection region of interest: run the detector only around a camera's lines and zones."""

from __future__ import annotations

import numpy as np
import supervision as sv

from crowdcount.config import CameraConfig
from crowdcount.detect.base import Detector


def counter_region(
    camera: CameraConfig, width: int, height: int, margin: float = 0.15
) -> tuple[int, int, int, int]:
    """Bounding box (x1, y1, x2, y2) of all lines and zones, grown by ``margin`` of the frame size.

    The margin keeps people tracked for a while before they reach a line or zone edge,
    and keeps the heads of people whose feet are near the top of the region.
    """
    points = np.concatenate([c.vertices for c in camera.lines] + [z.vertices for z in camera.zones])
    pad_x, pad_y = margin * width, margin * height
    x1, y1 = points.min(axis=0) - np.array([pad_x, 2 * pad_y])  # more room above: boxes hang from feet
    x2, y2 = points.max(axis=0) + np.array([pad_x, pad_y])
    return (max(int(x1), 0), max(int(y1), 0), min(int(np.ceil(x2)), width), min(int(np.ceil(y2)), height))


def region_imgsz(region: tuple[int, int, int, int], frame_height: int, frame_width: int, imgsz: int) -> int:
    """The long side to scale a region to so that it keeps the scale of a whole frame at ``imgsz``."""
    x1, y1, x2, y2 = region
    return max(32, round(max(x2 - x1, y2 - y1) * imgsz / max(frame_height, frame_width)))


class RegionDetector:
    """Wraps a detector to look only inside a region; boxes come back in full-frame pixels.

    The region is seen at the whole frame's scale (``imgsz`` still means the frame's long side),
    so the detector gets fewer pixels and runs faster the smaller the region is; for more
    resolution inside the region, raise ``imgsz``.
    """

    def __init__(self, detector: Detector, region: tuple[int, int, int, int]) -> None:
        self.detector = detector
        self.region = region
        self.parallel = detector.parallel  # as thread-safe as the detector it wraps
        self.resizable = detector.resizable
        self.imgsz = detector.imgsz
        x1, y1, x2, y2 = region
        self.name = f"{detector.name} roi={x1},{y1},{x2},{y2}"

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        x1, y1, x2, y2 = self.region
        size = region_imgsz(self.region, image.shape[0], image.shape[1], imgsz or self.imgsz)
        detections = self.detector.detect(image[y1:y2, x1:x2], size)
        detections.xyxy = detections.xyxy + np.array([x1, y1, x1, y1], dtype=detections.xyxy.dtype)
        return detections
