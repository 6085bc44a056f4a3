"""The scripted detector: finds the people of a synthetic clip, drawn as solid, saturated blocks on a
grey scene, exactly where they were drawn. Tests run the batch, live and Ray loops on such clips on
any machine (no model, no footage), with counts known in advance.

A ``*.markers`` file names it as a model (``--model walkers.markers``); it holds the smallest block
that is a person, in pixels, as JSON (``{"min_area": 150}``; ``{}`` takes the default).
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import supervision as sv

from crowdcount.detect.base import PERSON
from crowdcount.errors import CrowdcountError

MARKERS_SUFFIX = ".markers"
MIN_SATURATION = 128  # a person's block is this saturated; the scene's greys are far below
MARKER_CONFIDENCE = 0.9  # what every block scores: above the tracker's 0.5 for starting a track


class MarkerDetector:
    """Person boxes from the saturated blocks of a synthetic frame (connected components)."""

    resizable = False  # it reads the frame as it is: no input size to choose
    parallel = 1

    def __init__(self, path: str | Path) -> None:
        try:
            settings = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
            self.min_area = int(settings.get("min_area", 150))
        except (OSError, ValueError, AttributeError, TypeError) as error:
            raise CrowdcountError(
                f'{path}: not a markers file (JSON such as {{"min_area": 150}}): {error}'
            ) from None
        self.name = f"markers:{Path(path).name}"
        self.imgsz = 0

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        saturation = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1]
        mask = cv2.morphologyEx(
            (saturation >= MIN_SATURATION).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)
        )
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        blocks = stats[1:count]  # row 0 is the background
        blocks = blocks[blocks[:, cv2.CC_STAT_AREA] >= self.min_area]
        x, y = blocks[:, cv2.CC_STAT_LEFT], blocks[:, cv2.CC_STAT_TOP]
        xyxy = np.stack([x, y, x + blocks[:, cv2.CC_STAT_WIDTH], y + blocks[:, cv2.CC_STAT_HEIGHT]], axis=1)
        return sv.Detections(
            xyxy=xyxy.astype(np.float32).reshape(-1, 4),
            confidence=np.full(len(blocks), MARKER_CONFIDENCE, dtype=np.float32),
            class_id=np.full(len(blocks), PERSON, dtype=int),
        )
