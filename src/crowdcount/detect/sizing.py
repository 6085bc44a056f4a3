"""The detector's input size from the scene: people at least a few grid cells tall for the network."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import supervision as sv

from crowdcount.detect.base import Detector

if TYPE_CHECKING:
    pass


MIN_PERSON_INPUT_PX = 24  # people this tall at the network's input (3 cells of its finest grid) are found


def input_size_for(frame_long_side: int, smallest_person_px: float) -> int:
    """The detector input (long side, a multiple of 32) at which a person ``smallest_person_px`` tall
    in the frame is MIN_PERSON_INPUT_PX tall for the network: never above the frame's own size
    (upscaling adds no detail), never under 160.

    >>> input_size_for(1920, 40), input_size_for(768, 60), input_size_for(1920, 10)
    (1152, 320, 1920)
    """
    wanted = frame_long_side * MIN_PERSON_INPUT_PX / smallest_person_px
    largest = -(-frame_long_side // 32) * 32
    return int(min(max(-(-wanted // 32) * 32, 160), largest))


SMALLEST_PERSON_SHARE = 1 / 16  # the default smallest person: this share of the frame's short side


def scene_input_size(width: int, height: int, smallest_person_px: float | None = None) -> int:
    """The detector input (long side) for a camera's ``width`` x ``height`` frames: the one at which
    its smallest person (``smallest_person_px`` tall, by default 1/16 of the short side) is
    MIN_PERSON_INPUT_PX tall for the network. By default that is 384 input rows whatever the aspect
    ratio, so a 16:9 camera's people are as large for the network as a 4:3 camera's.

    >>> scene_input_size(768, 576), scene_input_size(1920, 1080), scene_input_size(1920, 1080, 30)
    (512, 704, 1536)
    """
    smallest = smallest_person_px or min(width, height) * SMALLEST_PERSON_SHARE
    return input_size_for(max(width, height), smallest)


def sized_for_frames(
    detector: Detector, width: int, height: int, smallest_person_px: float | None, imgsz: int | None
) -> Detector:
    """The detector at a camera's input size: from ``smallest_person_px`` when set, else the
    ``imgsz`` given (``--imgsz`` or ``detector.imgsz``), else :func:`scene_input_size`'s default;
    a detector of fixed input size as it is."""
    if (smallest_person_px is None and imgsz is not None) or not detector.resizable:
        return detector
    return SizedDetector(detector, scene_input_size(width, height, smallest_person_px))


class SizedDetector:
    """A detector run at one input size for every image of a camera (see :func:`input_size_for`)."""

    def __init__(self, detector: Detector, imgsz: int) -> None:
        self.detector, self.imgsz = detector, imgsz
        self.parallel, self.resizable = detector.parallel, detector.resizable
        self.name = f"{detector.name} at {imgsz}"

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        return self.detector.detect(image, imgsz or self.imgsz)
