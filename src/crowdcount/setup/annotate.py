"""Pictures of a camera for people: its lines (with the "in" arrow) and zones drawn on a frame, and
the live preview's tracked boxes, ids and running counts (supervision's annotators), people blurred
on request. Pure: images in, images out."""

from __future__ import annotations

from typing import cast

import cv2
import numpy as np
import supervision as sv

from crowdcount.config import CameraConfig

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
    image: np.ndarray, camera: CameraConfig, captions: dict[str, str] | None = None
) -> np.ndarray:
    """The camera's zones (green, shaded) and lines (orange, a yellow arrow pointing "in") on a copy
    of ``image``, each named by its id and, where ``captions`` has one, its caption (e.g. counts)."""
    captions = captions or {}
    scale = picture_scale(image)
    thick = max(1, round(2 * scale))
    overlay = image.copy()
    for zone in camera.zones:
        cv2.fillPoly(overlay, [zone.vertices.astype(np.int32)], ZONE_COLOUR)
    canvas = cv2.addWeighted(overlay, 0.25, image, 0.75, 0)
    for zone in camera.zones:
        cv2.polylines(canvas, [zone.vertices.astype(np.int32)], True, ZONE_COLOUR, thick)
        label(canvas, " ".join(filter(None, [zone.id, captions.get(zone.id)])), zone.vertices[0], ZONE_COLOUR)
    for line in camera.lines:
        cv2.polylines(canvas, [line.vertices.astype(np.int32)], False, LINE_COLOUR, thick + 1)
        middle = line.vertices[:2].mean(axis=0)
        direction = np.asarray(line.in_direction, float)
        tip = middle + direction / max(float(np.linalg.norm(direction)), 1e-9) * 40 * scale
        cv2.arrowedLine(canvas, point(middle), point(tip), ARROW_COLOUR, thick, tipLength=0.3)
        label(canvas, " ".join(filter(None, [line.id, captions.get(line.id)])), line.vertices[0], LINE_COLOUR)
    return canvas


def blur_people(image: np.ndarray, tracks: sv.Detections) -> np.ndarray:
    """Every detected person blurred past recognition (the preview's privacy option)."""
    if not len(tracks):
        return image.copy()
    kernel = max(15, round(41 * picture_scale(image))) | 1
    return sv.BlurAnnotator(kernel_size=kernel).annotate(image.copy(), tracks)


def preview_picture(
    image: np.ndarray,
    tracks: sv.Detections,
    camera: CameraConfig,
    captions: dict[str, str],
    blur: bool = False,
) -> np.ndarray:
    """A live camera's frame as the dashboard shows it: people (blurred with ``blur``) in boxes with
    their track ids, the lines and zones with their running counts."""
    shown = blur_people(image, tracks) if blur else image.copy()
    shown = draw_counters(shown, camera, captions)
    ids = tracks.tracker_id if tracks.tracker_id is not None else np.full(len(tracks), -1)
    confirmed = cast(sv.Detections, tracks[ids >= 0])
    if len(confirmed):
        boxes = sv.BoxAnnotator(
            thickness=max(1, round(2 * picture_scale(image))), color_lookup=sv.ColorLookup.TRACK
        )
        shown = boxes.annotate(shown, confirmed)
        names = sv.LabelAnnotator(text_scale=0.45 * picture_scale(image), color_lookup=sv.ColorLookup.TRACK)
        shown = names.annotate(shown, confirmed, labels=[f"#{tid}" for tid in ids[ids >= 0]])
    return shown
