"""Detecting the far part of a frame again, in tiles at the frame's own resolution.

A camera over a long street sees its far people a few dozen pixels tall; one pass over the whole
frame at an affordable input size shrinks them below what the network finds. ``far_tiles`` in a
camera's config names the band of rows where they walk: the whole frame is detected as usual, then
the band is cut into ``across`` overlapping tiles, each detected at its own pixel size (nothing is
shrunk), and the boxes are merged (the same idea as supervision's ``InferenceSlicer``, with the
whole-frame pass kept for the near people). A box that touches a tile's cut edge is dropped: the
person it cuts is whole in the neighbouring tile (tiles overlap by more than a far person's width)
or, at the band's lower edge, near enough for the whole-frame pass.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import supervision as sv

from crowdcount.config import CameraConfig
from crowdcount.detect.base import Detector
from crowdcount.detect.sizing import sized_for_frames

OVERLAP = 0.15  # of a tile's width, shared with its neighbour
EDGE_PX = 2.0  # a box this close to a cut edge is cut by it
MERGE_IOU = 0.5  # boxes of the two passes that overlap this much are one person


def tile_boxes(width: int, top: int, bottom: int, across: int) -> list[tuple[int, int, int, int]]:
    """The ``across`` tiles (x1, y1, x2, y2) over rows ``top``-``bottom`` of a ``width``-wide frame,
    each overlapping its neighbour by OVERLAP of its width.

    >>> tile_boxes(1920, 0, 540, 2)
    [(0, 0, 1038, 540), (882, 0, 1920, 540)]
    """
    tile = width / (across - (across - 1) * OVERLAP)
    step = tile * (1 - OVERLAP)
    return [(round(k * step), top, round(min(k * step + tile, width)), bottom) for k in range(across)]


class TiledDetector:
    """Detects the whole frame, then the far band again in tiles at full resolution; merged boxes."""

    def __init__(self, detector: Detector, band: tuple[int, int], across: int) -> None:
        self.detector, self.band, self.across = detector, band, across
        self.parallel, self.resizable = detector.parallel, detector.resizable
        self.imgsz = detector.imgsz
        self.name = f"{detector.name} + far rows {band[0]}-{band[1]} in {across} tiles"

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        height, width = image.shape[:2]
        top, bottom = max(0, self.band[0]), min(height, self.band[1])
        found = [self.detector.detect(image, imgsz)]
        for x1, y1, x2, y2 in tile_boxes(width, top, bottom, self.across):
            tile = self.detector.detect(image[y1:y2, x1:x2], -(-max(x2 - x1, y2 - y1) // 32) * 32)
            if len(tile):
                tile.xyxy = tile.xyxy + np.array([x1, y1, x1, y1], dtype=tile.xyxy.dtype)
                found.append(cast(sv.Detections, tile[~_cut(tile.xyxy, (x1, y1, x2, y2), width, height)]))
        merged = sv.Detections.merge(found)
        return merged.with_nms(threshold=MERGE_IOU, class_agnostic=True) if len(merged) else merged


def _cut(xyxy: np.ndarray, tile: tuple[int, int, int, int], width: int, height: int) -> np.ndarray:
    """Which boxes touch an edge of ``tile`` that is not an edge of the frame."""
    x1, y1, x2, y2 = tile
    cut = np.zeros(len(xyxy), dtype=bool)
    for inner, coordinate, edge in (
        (x1 > 0, 0, x1),
        (y1 > 0, 1, y1),
        (x2 < width, 2, x2),
        (y2 < height, 3, y2),
    ):
        if inner:
            cut |= np.abs(xyxy[:, coordinate] - edge) <= EDGE_PX
    return cut


def camera_detector(
    detector: Detector, camera: CameraConfig, width: int, height: int, imgsz: int | None
) -> Detector:
    """``detector`` as a camera with ``width`` x ``height`` frames runs it: at the input size from
    its scene (or ``imgsz``, see :func:`~crowdcount.detect.sized_for_frames`), and with its
    ``far_tiles`` band detected again in tiles."""
    sized = sized_for_frames(detector, width, height, camera.smallest_person_px, imgsz)
    if camera.far_tiles is None:
        return sized
    return TiledDetector(sized, camera.far_tiles.rows, camera.far_tiles.across)
