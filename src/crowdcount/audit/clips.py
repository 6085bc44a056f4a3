"""The audit's clips: each sampled window of footage cut from its recording, with its line or zone
drawn on, as a WebM (VP8) file any browser plays and a reviewer can step through frame by frame.

A clip starts ``LEAD_S`` before its window and ends as long after it, so the reviewer sees who is
coming; a banner on every frame says whether the frame is inside the window (count the people who
cross then) or before or after it, with the camera's wall clock and the recording's frame number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import av
import cv2
import numpy as np

from crowdcount.datatypes import AuditWindow, PlanItem, SourceRecord
from crowdcount.drawing import draw_counters
from crowdcount.errors import CrowdcountError
from crowdcount.sources.files import open_video

LEAD_S = 1.0
MAX_WIDTH = 1280  # wider footage is scaled down (a 1440x1080 camera becomes 1280x960)
WINDOW_BANNER, OUTSIDE_BANNER = (40, 110, 40), (90, 90, 90)
VP8_OPTIONS = {"deadline": "realtime", "cpu-used": "12", "crf": "12", "b": "3M", "threads": "2"}


def plan_items(
    windows: Sequence[AuditWindow], records: dict[tuple[str, str], SourceRecord]
) -> list[PlanItem]:
    """Each window with the name of its clip and its first frame (``LEAD_S`` earlier, not before 0)."""
    items = []
    for position, window in enumerate(windows, start=1):
        lead = round(LEAD_S * records[(window.camera, window.source)].fps)
        name = f"{position:04d}_{window.item_id.replace('/', '_')}.webm"
        items.append(PlanItem(window, name, max(0, window.frame_start - lead)))
    return items


def write_clip(
    item: PlanItem, record: SourceRecord, geometry: dict[str, Any], folder: Path, timezone: str
) -> Path:
    """Cut ``item``'s clip from its recording into ``folder`` (replacing an older one) and return it."""
    window = item.window
    lead = window.frame_start - item.clip_start
    last = min(window.frame_end + max(lead, round(LEAD_S * record.fps)), _last_frame(record))
    capture = open_video(Path(record.source))
    path = folder / item.clip
    try:
        capture.set(cv2.CAP_PROP_POS_FRAMES, item.clip_start)
        ok, image = capture.read()
        if not ok or image is None:
            raise CrowdcountError(
                f"{record.source}: frame {item.clip_start} cannot be read; is it the file processed?"
            )
        scale = min(1.0, MAX_WIDTH / image.shape[1])
        size = (2 * round(image.shape[1] * scale / 2), 2 * round(image.shape[0] * scale / 2))
        with av.open(str(path), "w") as container:
            rate = Fraction(record.fps).limit_denominator(1001)
            stream = container.add_stream("libvpx", rate=rate, options=VP8_OPTIONS)
            stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
            index = item.clip_start
            while ok and image is not None and index <= last:
                picture = cv2.resize(image, size, interpolation=cv2.INTER_AREA) if scale < 1 else image
                _draw(picture, scale, window, geometry, index, record, timezone)
                frame = av.VideoFrame.from_ndarray(np.asarray(picture, dtype=np.uint8), format="bgr24")
                container.mux(stream.encode(frame))
                index += 1
                ok, image = capture.read()
            container.mux(stream.encode())
    finally:
        capture.release()
    return path


def write_clips(
    items: Sequence[PlanItem],
    records: dict[tuple[str, str], SourceRecord],
    geometry: dict[str, dict[str, Any]],
    folder: Path,
    timezone: str,
    on_clip: Callable[[int, int], None] | None = None,
) -> None:
    """Every item's clip into ``folder``; ``on_clip(done, total)`` after each."""
    for done, item in enumerate(items, start=1):
        window = item.window
        write_clip(item, records[(window.camera, window.source)], geometry[window.camera], folder, timezone)
        if on_clip is not None:
            on_clip(done, len(items))


def _last_frame(record: SourceRecord) -> int:
    return max(0, round((record.end - record.start).total_seconds() * record.fps))


def _draw(
    image: np.ndarray,
    scale: float,
    window: AuditWindow,
    geometry: dict[str, Any],
    index: int,
    record: SourceRecord,
    timezone: str,
) -> None:
    """The counter's line (with its "in" arrow) or zone (:mod:`crowdcount.drawing`), and the banner,
    drawn in place."""
    image[:] = draw_counters(image, geometry, only=window.counter, zoom=scale)
    inside = window.frame_start <= index <= window.frame_end
    where = "WINDOW" if inside else ("before window" if index < window.frame_start else "after window")
    clock = (record.start + timedelta(seconds=index / record.fps)).astimezone(ZoneInfo(timezone))
    text = (
        f"{where}  {window.item_id}  {clock:%Y-%m-%d %H:%M:%S}.{clock.microsecond // 100_000}  frame {index}"
    )
    font = max(0.5, image.shape[0] / 1000)
    height = round(34 * font) + 8
    cv2.rectangle(image, (0, 0), (image.shape[1], height), WINDOW_BANNER if inside else OUTSIDE_BANNER, -1)
    cv2.putText(
        image, text, (8, height - 10), cv2.FONT_HERSHEY_SIMPLEX, font, (255, 255, 255), 2, cv2.LINE_AA
    )
