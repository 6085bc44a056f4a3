"""Ground-truth comparison: line counts from MOT-format tracks vs counted events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import supervision as sv

from crowdcount.aggregate import line_totals
from crowdcount.config import CameraConfig, CountingSettings
from crowdcount.count import LineCounter
from crowdcount.datatypes import CountEvent, FrameInfo
from crowdcount.errors import CrowdcountError
from crowdcount.geometry import Anchor


def load_mot_tracks(path: str | Path) -> dict[int, sv.Detections]:
    """MOTChallenge ``frame,id,x,y,w,h,...`` rows -> tracks per 0-based frame index."""
    path = Path(path)
    if not path.is_file():
        raise CrowdcountError(f"ground truth {path} not found")
    try:
        rows = np.loadtxt(path, delimiter=",", ndmin=2, usecols=range(6))
    except ValueError as error:
        raise CrowdcountError(f"{path}: not MOT format (frame,id,x,y,w,h,...): {error}") from None
    by_frame: dict[int, sv.Detections] = {}
    for frame_number in np.unique(rows[:, 0]).astype(int):
        chosen = rows[rows[:, 0] == frame_number]
        x, y, w, h = chosen[:, 2], chosen[:, 3], chosen[:, 4], chosen[:, 5]
        by_frame[frame_number - 1] = sv.Detections(
            xyxy=np.stack([x, y, x + w, y + h], axis=1),
            confidence=np.ones(len(chosen)),
            tracker_id=chosen[:, 1].astype(int),
        )
    return by_frame


def ground_truth_events(
    tracks: dict[int, sv.Detections],
    camera: CameraConfig,
    anchor: Anchor,
    start: datetime,
    fps: float,
    source: str = "ground-truth",
) -> list[CountEvent]:
    """Count ground-truth tracks on the same lines and anchor as a real run.

    Annotated boxes do not flicker, so every geometric crossing counts (no hysteresis):
    a person stepping a few pixels over the line and back is an out and an in.
    """
    settings = CountingSettings(anchor=anchor, min_frames=1, min_distance_px=0)
    counters = [LineCounter(line, settings) for line in camera.lines]
    events: list[CountEvent] = []
    empty = sv.Detections.empty()
    empty.tracker_id = np.array([], dtype=int)
    for index in range(max(tracks, default=-1) + 1):
        info = FrameInfo(camera.id, source, index, start + timedelta(seconds=index / fps))
        for counter in counters:
            events += counter.update(tracks.get(index, empty), info)
    return events


def compare_lines(
    truth: Iterable[CountEvent], counted: Iterable[CountEvent], lines: Sequence[str]
) -> pd.DataFrame:
    """Per line: ground truth and counted in/out, and the error of each in percent."""
    expected = line_totals(truth, lines).set_index("line")
    measured = line_totals(counted, lines).set_index("line")
    table = pd.DataFrame(
        {
            "gt_in": expected["in"],
            "gt_out": expected["out"],
            "counted_in": measured["in"],
            "counted_out": measured["out"],
        }
    )
    for direction in ("in", "out"):
        gt = table[f"gt_{direction}"]
        table[f"error_{direction}_pct"] = np.where(
            gt > 0, 100.0 * (table[f"counted_{direction}"] - gt) / gt.where(gt > 0, 1), np.nan
        )
    return table.reset_index()
