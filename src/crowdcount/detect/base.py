"""What every detector backend shares: the ``Detector`` protocol, letterboxing and pixel conversion."""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar

import cv2
import numpy as np
import supervision as sv

from crowdcount.detect.cards import ModelCard

if TYPE_CHECKING:
    pass


T = TypeVar("T")


PERSON = 0


class Detector(Protocol):
    """Finds people in a BGR image."""

    name: str
    imgsz: int  # the long side an image is scaled to for the model
    parallel: int  # images it can detect at once, each on its own thread (a DetectorPool: several)
    resizable: bool  # whether ``imgsz`` changes its input size (a fixed-size export: no)

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        """Return person boxes (xyxy, confidence, class_id 0) in image pixels; ``imgsz`` overrides
        the detector's own for this image (a model of fixed input size keeps its size)."""
        ...


def letterbox(image: np.ndarray, size: int, multiple: int | None = None) -> tuple[np.ndarray, float]:
    """Scale the long side to ``size`` at the top-left, pad 114; return the HWC uint8 canvas and scale.

    The canvas is ``size`` x ``size``, or with ``multiple`` each side rounded up to a multiple
    of it (a 4:3 frame at 416 becomes 416x320: a quarter fewer pixels to run the model on).
    """
    height, width = image.shape[:2]
    scale = min(size / height, size / width)
    new_width, new_height = round(width * scale), round(height * scale)
    if multiple:
        canvas_height, canvas_width = (-(-side // multiple) * multiple for side in (new_height, new_width))
    else:
        canvas_height = canvas_width = size
    resized = cv2.resize(image, (new_width, new_height), interpolation=cv2.INTER_LINEAR)
    canvas = cv2.copyMakeBorder(
        resized,
        0,
        canvas_height - new_height,
        0,
        canvas_width - new_width,
        cv2.BORDER_CONSTANT,
        value=(114, 114, 114),
    )
    return canvas, scale


def _conversion(card: ModelCard) -> list[tuple[str, np.ndarray]]:
    """The ONNX ops (and their constants) that turn a 0-255 BGR 1x3xHxW frame into what ``card`` wants."""
    steps: list[tuple[str, np.ndarray]] = []
    if card.channels == "rgb":
        steps.append(("Gather", np.array([2, 1, 0], dtype=np.int64)))
    if card.scale != 1.0:
        steps.append(("Mul", np.array(card.scale, dtype=np.float32)))
    if card.mean is not None and card.std is not None:
        steps.append(("Sub", np.array(card.mean, dtype=np.float32).reshape(1, 3, 1, 1)))
        steps.append(("Div", np.array(card.std, dtype=np.float32).reshape(1, 3, 1, 1)))
    return steps


def convert_pixels(canvas: np.ndarray, card: ModelCard) -> np.ndarray:
    """What :func:`_conversion` does in the graph, in numpy: an HWC uint8 canvas as the float32
    1xCxHxW tensor the card's network takes."""
    pixels = canvas.astype(np.float32)
    if card.channels == "rgb":
        pixels = pixels[..., ::-1]
    pixels *= np.float32(card.scale)
    if card.mean is not None and card.std is not None:
        pixels -= np.asarray(card.mean, np.float32)
        pixels /= np.asarray(card.std, np.float32)
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[None], dtype=np.float32)


@contextmanager
def quiet_native_stderr() -> Generator[None, None, None]:
    """Send what native libraries write to file descriptor 2 to /dev/null for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
