"""The one drawing of a camera's lines (with their "in" arrow) and zones, for every picture crowdcount
makes: the live preview, ``crowdcount check``'s picture and the audit's clips. Pure: images in, images out."""

from __future__ import annotations

from functools import lru_cache
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
    """Text with a white outline, its baseline starting at ``at``: OpenCV's for ASCII, NanumGothic
    through Pillow for anything else (OpenCV draws no Hangul)."""
    scale = picture_scale(canvas)
    if not text.isascii():
        _paste(canvas, _lettering(text, max(10, round(17 * scale)), colour), point(at))
        return
    size, weight = 0.55 * scale, max(1, round(1.5 * scale))
    for width, ink in ((weight + 3, (255, 255, 255)), (weight, colour)):
        cv2.putText(canvas, text, point(at), cv2.FONT_HERSHEY_SIMPLEX, size, ink, width, cv2.LINE_AA)


@lru_cache(maxsize=256)
def _lettering(text: str, size: int, colour: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, int]:
    """``text`` drawn once in NanumGothic: its BGR pixels, their opacity (0-1) and its baseline's row."""
    from PIL import Image, ImageDraw, ImageFont

    from crowdcount.fonts import hangul_font_path

    font = ImageFont.truetype(str(hangul_font_path()), size)
    outline = max(1, size // 8)
    left, top, right, bottom = (round(v) for v in font.getbbox(text, stroke_width=outline))
    image = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
    ink = (colour[2], colour[1], colour[0])  # BGR -> RGB
    ImageDraw.Draw(image).text(
        (-left, -top), text, font=font, fill=ink, stroke_width=outline, stroke_fill="white"
    )
    pixels = np.asarray(image, dtype=np.float32)
    baseline = round(font.getmetrics()[0]) - top  # the ascent, from the image's top
    return pixels[..., 2::-1].copy(), pixels[..., 3:] / 255.0, baseline


def _paste(canvas: np.ndarray, lettering: tuple[np.ndarray, np.ndarray, int], at: tuple[int, int]) -> None:
    """Blend lettering onto ``canvas`` with its baseline at ``at``; what falls outside is cut."""
    pixels, alpha, baseline = lettering
    x, y = at[0], at[1] - baseline
    height, width = pixels.shape[:2]
    top, left = max(y, 0), max(x, 0)
    bottom, right = min(y + height, canvas.shape[0]), min(x + width, canvas.shape[1])
    if bottom <= top or right <= left:
        return
    cut = (slice(top - y, bottom - y), slice(left - x, right - x))
    region = canvas[top:bottom, left:right].astype(np.float32)
    blended = region * (1 - alpha[cut]) + pixels[cut] * alpha[cut]
    canvas[top:bottom, left:right] = blended.round().astype(np.uint8)


def draw_counters(
    image: np.ndarray,
    geometry: dict[str, Any],
    captions: dict[str, str] | None = None,
    only: str | None = None,
    zoom: float = 1.0,
) -> np.ndarray:
    """A camera's zones (green, shaded) and lines (orange, a yellow arrow pointing "in") on a copy of
    ``image``, each named by its display name (else its id) and, where ``captions`` has one (by id),
    its caption (e.g. counts).

    ``geometry`` is a camera's lines and zones as the store keeps them (``config.camera_geometry``);
    ``only`` draws that one counter; ``zoom`` scales the points to a resized picture.
    """
    captions = captions or {}
    lines = [x for x in geometry.get("lines", []) if only in (None, x["id"])]
    zones = [z for z in geometry.get("zones", []) if only in (None, z["id"])]
    scale = picture_scale(image)
    thick = max(1, round(2 * scale))
    polygons = [(z, (np.asarray(z["polygon"], float) * zoom).round().astype(np.int32)) for z in zones]
    canvas = image.copy()
    if polygons:  # zones shaded; a picture of lines only is not blended
        for _, polygon in polygons:
            cv2.fillPoly(canvas, [polygon], ZONE_COLOUR)
        canvas = cv2.addWeighted(canvas, 0.25, image, 0.75, 0)
    for zone, polygon in polygons:
        cv2.polylines(canvas, [polygon], True, ZONE_COLOUR, thick, cv2.LINE_AA)
        label(canvas, _named(zone, captions), polygon[0], ZONE_COLOUR)
    for line in lines:
        points = np.asarray(line["points"], float) * zoom
        cv2.polylines(canvas, [points.round().astype(np.int32)], False, LINE_COLOUR, thick + 1, cv2.LINE_AA)
        middle = points[:2].mean(axis=0)
        direction = np.asarray(line["in_direction"], float)
        tip = middle + direction / max(float(np.linalg.norm(direction)), 1e-9) * 40 * scale
        cv2.arrowedLine(canvas, point(middle), point(tip), ARROW_COLOUR, thick, cv2.LINE_AA, tipLength=0.3)
        label(canvas, _named(line, captions), points[0], LINE_COLOUR)
    return canvas


def _named(counter: dict[str, Any], captions: dict[str, str]) -> str:
    return " ".join(filter(None, [counter.get("name") or counter["id"], captions.get(counter["id"])]))
