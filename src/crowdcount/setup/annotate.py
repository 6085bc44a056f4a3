"""The live preview's picture of a camera: tracked boxes, ids and running counts (supervision's
annotators) over the lines and zones (:mod:`crowdcount.drawing`), people blurred on request. Pure:
images in, images out."""

from __future__ import annotations

from typing import cast

import numpy as np
import supervision as sv

from crowdcount.config import CameraConfig, camera_geometry
from crowdcount.drawing import draw_counters, picture_scale


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
    shown = draw_counters(shown, camera_geometry(camera), captions)
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
