"""The one drawing of a camera's lines (with their "in" arrow) and zones, for every picture crowdcount
makes: the live preview, ``crowdcount check``'s picture and the audit's clips. Pure: images in, images out."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

LINE_COLOUR = (0, 140, 255)  # BGR: orange
ARROW_COLOUR = (0, 215, 255)  # yellow
ZONE_COLOUR = (60, 180, 60)  # green


def picture_scale(image: np.ndarray) -> float:
    """How much bigger than an 800 px picture this one is: line widths and text grow with it."""
    return max(image.shape[:2]) / 800


def point(value: np.ndarray | tuple[float, float]) -> tuple[int, int]:
    return round(float(value[0])), round(float(value[1]))


def label(
    canvas: np.ndarray, text: str, at: np.ndarray | tuple[float, float], colour: tuple[int, int, int]
) -> None:
    """Text with a white outline (OpenCV draws ASCII only: ids, not Hangul display names)."""
    scale = picture_scale(canvas)
    size, weight = 0.55 * scale, max(1, round(1.5 * scale))
    for width, ink in ((weight + 3, (255, 255, 255)), (weight, colour)):
        cv2.putText(canvas, text, point(at), cv2.FONT_HERSHEY_SIMPLEX, size, ink, width, cv2.LINE_AA)


def draw_counters(
    image: np.ndarray,
    geometry: dict[str, Any],
    captions: dict[str, str] | None = None,
    only: str | None = None,
    zoom: float = 1.0,
) -> np.ndarray:
    """A camera's zones (green, shaded) and lines (orange, a yellow arrow pointing "in") on a copy of
    ``image``, each named by its id and, where ``captions`` has one, its caption (e.g. counts).

    ``geometry`` is a camera's lines and zones as the store keeps them (``config.camera_geometry``);
    ``only`` draws that one counter; ``zoom`` scales the points to a resized picture.
    """
    captions = captions or {}
    lines = [x for x in geometry.get("lines", []) if only in (None, x["id"])]
    zones = [z for z in geometry.get("zones", []) if only in (None, z["id"])]
    scale = picture_scale(image)
    thick = max(1, round(2 * scale))
    polygons = [(z["id"], (np.asarray(z["polygon"], float) * zoom).round().astype(np.int32)) for z in zones]
    canvas = image.copy()
    if polygons:  # zones shaded; a picture of lines only is not blended
        for _, polygon in polygons:
            cv2.fillPoly(canvas, [polygon], ZONE_COLOUR)
        canvas = cv2.addWeighted(canvas, 0.25, image, 0.75, 0)
    for name, polygon in polygons:
        cv2.polylines(canvas, [polygon], True, ZONE_COLOUR, thick, cv2.LINE_AA)
        label(canvas, " ".join(filter(None, [name, captions.get(name)])), polygon[0], ZONE_COLOUR)
    for line in lines:
        points = np.asarray(line["points"], float) * zoom
        cv2.polylines(canvas, [points.round().astype(np.int32)], False, LINE_COLOUR, thick + 1, cv2.LINE_AA)
        middle = points[:2].mean(axis=0)
        direction = np.asarray(line["in_direction"], float)
        tip = middle + direction / max(float(np.linalg.norm(direction)), 1e-9) * 40 * scale
        cv2.arrowedLine(canvas, point(middle), point(tip), ARROW_COLOUR, thick, cv2.LINE_AA, tipLength=0.3)
        label(canvas, " ".join(filter(None, [line["id"], captions.get(line["id"])])), points[0], LINE_COLOUR)
    return canvas
