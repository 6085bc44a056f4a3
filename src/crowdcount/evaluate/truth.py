"""Ground-truth comparison: line counts from MOT-format tracks vs counted events."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import supervision as sv

from crowdcount.config import CameraConfig, CountingSettings, LineConfig
from crowdcount.counting.engine import SourceCounter
from crowdcount.datatypes import CountEvent, FrameInfo
from crowdcount.errors import CrowdcountError
from crowdcount.geometry import Anchor
from crowdcount.tables.aggregate import line_totals


def load_mot_tracks(path: str | Path) -> dict[int, sv.Detections]:
    """MOTChallenge ``frame,id,x,y,w,h,...`` rows -> tracks per 0-based frame index."""
    path = Path(path)
    if not path.is_file():
        raise CrowdcountError(f"ground truth {path} not found")
    try:
        rows = np.loadtxt(path, delimiter=",", ndmin=2, usecols=range(6))
    except ValueError as error:
        raise CrowdcountError(f"{path}: not MOT format (frame,id,x,y,w,h,...): {error}") from None
    for number, row in enumerate(rows, start=1):
        _check_mot_row(row, path, number)
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


def grid_lines(width: int, height: int, spacing: int = 40) -> list[LineConfig]:
    """Vertical and horizontal lines every ``spacing`` pixels across a frame: hundreds of
    crossings to compare with ground truth, where a clip's own few lines see a few dozen."""
    vertical = [
        LineConfig(id=f"x{x}", points=[(x, 0), (x, height - 1)], in_direction=(1, 0))
        for x in range(spacing, width, spacing)
    ]
    horizontal = [
        LineConfig(id=f"y{y}", points=[(0, y), (width - 1, y)], in_direction=(0, 1))
        for y in range(spacing, height, spacing)
    ]
    return vertical + horizontal


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
    settings = CountingSettings(anchor=anchor, min_frames=1, min_distance_px=0, min_seconds=0)
    engine = SourceCounter(camera.model_copy(update={"zones": []}), settings, fps, tracked=True)
    events: list[CountEvent] = []
    empty = sv.Detections.empty()
    empty.tracker_id = np.array([], dtype=int)
    for index in range(max(tracks, default=-1) + 1):
        info = FrameInfo(camera.id, source, index, start + timedelta(seconds=index / fps))
        events += engine.update(info, tracks.get(index, empty))
    return events + engine.finish()


def miscounts(table: pd.DataFrame) -> tuple[float, float]:
    """From :func:`compare_lines`' table: the share of ground-truth crossings miscounted (the sum
    of each line's and direction's absolute difference) and the overall bias (counted minus
    ground truth), both over all ground-truth crossings."""
    truth = table[["gt_in", "gt_out"]].to_numpy().sum()
    counted = table[["counted_in", "counted_out"]].to_numpy()
    difference = counted - table[["gt_in", "gt_out"]].to_numpy()
    return float(np.abs(difference).sum() / truth), float((counted.sum() - truth) / truth)


def faster_clip(
    video: str | Path, out: str | Path, factor: int, tracks: dict[int, sv.Detections]
) -> tuple[Path, dict[int, sv.Detections]]:
    """Every ``factor``-th frame of ``video`` written to ``out`` (MJPEG), with its ground-truth
    ``tracks`` renumbered to match: at the same frame rate, people move ``factor`` times as fast."""
    _rewrite_frames(video, out, lambda index: 1 if index % factor == 0 else 0)
    return Path(out), {frame // factor: boxes for frame, boxes in tracks.items() if frame % factor == 0}


def filmed_at(
    video: str | Path, out: str | Path, fps: float, new_fps: float, tracks: dict[int, sv.Detections]
) -> tuple[Path, dict[int, sv.Detections]]:
    """``video`` (filmed at ``fps``) as a camera filming at ``new_fps`` would show the same people at
    the same speed: each frame repeated for its share of ``new_fps`` frames (MJPEG, to ``out``),
    with the ground-truth ``tracks`` repeated to match. A 7 fps capture at 25 fps is city CCTV."""

    def first_at(index: int) -> int:  # the first new frame showing frame ``index``
        return math.ceil(index * new_fps / fps - 1e-9)

    _rewrite_frames(video, out, lambda index: first_at(index + 1) - first_at(index), new_fps)
    frames = first_at(max(tracks, default=-1) + 1)
    shown = {new: math.floor(new * fps / new_fps + 1e-9) for new in range(frames)}
    return Path(out), {new: tracks[old] for new, old in shown.items() if old in tracks}


def tracks_between(tracks: dict[int, sv.Detections], fps: float, new_fps: float) -> dict[int, sv.Detections]:
    """Ground-truth ``tracks`` annotated at ``fps`` for a clip of the same footage at ``new_fps`` whose
    frames between were interpolated: each person's box moves linearly between the two annotated
    frames around a new frame; a person in only one of them is kept where that frame is the nearer.

    Example:
        >>> import numpy as np, supervision as sv
        >>> one = lambda x, i: sv.Detections(np.array([[x, 0.0, x + 10, 20]]), tracker_id=np.array([i]))
        >>> new = tracks_between({0: one(0, 7), 1: one(10, 7)}, fps=1, new_fps=4)
        >>> [float(new[j].xyxy[0, 0]) for j in range(5)]
        [0.0, 2.5, 5.0, 7.5, 10.0]
    """
    between: dict[int, sv.Detections] = {}
    for new in range(math.floor(max(tracks, default=-1) * new_fps / fps + 1e-9) + 1):
        position = new * fps / new_fps
        before = math.floor(position + 1e-9)
        weight = max(position - before, 0.0)
        boxes = _boxes_by_id(tracks.get(before))
        after = _boxes_by_id(tracks.get(before + 1))
        kept = {i: box for i, box in boxes.items() if i in after or weight <= 0.5}
        kept |= {i: box for i, box in after.items() if i not in boxes and weight > 0.5}
        moved = {
            i: (1 - weight) * box + weight * after[i] if i in after and i in boxes else box
            for i, box in kept.items()
        }
        if moved:
            between[new] = sv.Detections(
                xyxy=np.array(list(moved.values()), dtype=float).reshape(-1, 4),
                confidence=np.ones(len(moved)),
                tracker_id=np.array(list(moved), dtype=int),
            )
    return between


def _boxes_by_id(detections: sv.Detections | None) -> dict[int, np.ndarray]:
    if detections is None or detections.tracker_id is None:
        return {}
    return {int(i): box for i, box in zip(detections.tracker_id, detections.xyxy, strict=True)}


def _rewrite_frames(video: str | Path, out: str | Path, copies: Callable[[int], int], fps: float = 0) -> None:
    """Write each frame of ``video`` ``copies(index)`` times to ``out`` (MJPEG) at ``fps`` (0: the
    video's own)."""
    import cv2

    capture = cv2.VideoCapture(str(video))
    writer: cv2.VideoWriter | None = None
    index = 0
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            for _ in range(copies(index)):
                if writer is None:
                    fourcc = cv2.VideoWriter.fourcc(*"MJPG")
                    size = (image.shape[1], image.shape[0])
                    writer = cv2.VideoWriter(str(out), fourcc, fps or capture.get(cv2.CAP_PROP_FPS), size)
                writer.write(image)
            index += 1
    finally:
        capture.release()
        if writer is not None:
            writer.release()


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


def tracking_metrics(
    gt: str | Path, tracks: str | Path, frames: Sequence[int] | None = None
) -> dict[str, float]:
    """Tracker-benchmark metrics of a MOT tracks file against MOT ground truth, over ``frames``
    (1-based; default: every frame), computed by ``trackers.eval`` (TrackEval's definitions).

    Detection precision and recall are CLEAR's, at IoU 0.5. Only the frames listed are compared,
    renumbered in order, so a paced run is judged on the frames its detector ran on.
    """
    import tempfile

    from trackers.eval import evaluate_mot_sequence

    kept = None if frames is None else {number: k + 1 for k, number in enumerate(sorted(set(frames)))}
    compared: dict[str, list[list[str]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, path in (("gt", Path(gt)), ("tracks", Path(tracks))):
            rows = _mot_rows(path)
            if kept is not None:
                rows = [[str(kept[int(float(r[0]))]), *r[1:]] for r in rows if int(float(r[0])) in kept]
            if not rows:
                raise CrowdcountError(f"{path}: no rows on the frames compared")
            compared[name] = rows
            (Path(folder) / f"{name}.txt").write_text("".join(",".join(r) + "\n" for r in rows), "utf-8")
        result = evaluate_mot_sequence(
            Path(folder) / "gt.txt", Path(folder) / "tracks.txt", metrics=["CLEAR", "HOTA", "Identity"]
        )
    assert result.CLEAR is not None and result.HOTA is not None and result.Identity is not None
    return {
        "MOTA": result.CLEAR.MOTA,
        "IDF1": result.Identity.IDF1,
        "HOTA": result.HOTA.HOTA,
        "precision": result.CLEAR.CLR_Pr,
        "recall": result.CLEAR.CLR_Re,
        "ID switches": result.CLEAR.IDSW,
        "GT ids": len({row[1] for row in compared["gt"] if _scored(row)}),
        "track ids": len({row[1] for row in compared["tracks"]}),
        "frames": len(kept) if kept is not None else len({row[0] for row in compared["gt"]}),
    }


def detection_scores(
    found: Sequence[sv.Detections], truth: Sequence[np.ndarray], confidence: float = 0.3, iou: float = 0.5
) -> tuple[float, float]:
    """Precision and recall of a detector's boxes (at ``confidence``) against annotated boxes
    (xyxy per frame), each annotation matched at most once at IoU >= ``iou``, best overlaps first.

    >>> person = np.array([[10.0, 10, 30, 70]])
    >>> found = sv.Detections(person, confidence=np.array([0.9]))
    >>> detection_scores([found], [np.vstack([person, person + 100])])  # one of two people found
    (1.0, 0.5)
    """
    hits = boxes = annotated = 0
    for detections, people in zip(found, truth, strict=True):
        kept = detections.xyxy[
            (detections.confidence if detections.confidence is not None else 1) >= confidence
        ]
        boxes, annotated = boxes + len(kept), annotated + len(people)
        if not len(kept) or not len(people):
            continue
        overlaps = sv.box_iou_batch(people, kept)
        used_truth: set[int] = set()
        used_box: set[int] = set()
        for flat in np.argsort(-overlaps, axis=None):
            t, b = divmod(int(flat), overlaps.shape[1])
            if overlaps[t, b] < iou:
                break
            if t not in used_truth and b not in used_box:
                used_truth.add(t)
                used_box.add(b)
        hits += len(used_truth)
    return hits / max(boxes, 1), hits / max(annotated, 1)


def annotated_boxes(path: str | Path) -> dict[int, np.ndarray]:
    """The people to find in a MOT ground-truth file, xyxy per 0-based frame (TrackEval's rule:
    rows considered and of class 1, pedestrians; MOT17 also marks cars, static people and such)."""
    boxes: dict[int, list[list[float]]] = {}
    for row in _mot_rows(Path(path)):
        if _scored(row):
            x, y, w, h = map(float, row[2:6])
            boxes.setdefault(int(float(row[0])) - 1, []).append([x, y, x + w, y + h])
    return {frame: np.array(rows) for frame, rows in boxes.items()}


def _scored(row: list[str]) -> bool:
    """Whether a ground-truth row is a person to find (TrackEval's rule: considered, class 1)."""
    considered = len(row) < 7 or float(row[6]) != 0
    return considered and (len(row) < 8 or int(float(row[7])) == 1)


def _mot_rows(path: Path) -> list[list[str]]:
    """A MOT file's rows as fields; a one-line error for a file that is not one."""
    if not path.is_file():
        raise CrowdcountError(f"{path} not found")
    rows = [line.strip().split(",") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        values = [[float(v) for v in row[:6]] for row in rows if len(row) >= 6]
    except ValueError:
        values = []
    if len(values) != len(rows) or not rows:
        raise CrowdcountError(f"{path}: not MOT format (frame,id,x,y,w,h,...; frames from 1)")
    for number, row_values in enumerate(values, start=1):
        _check_mot_row(row_values, path, number)
    return rows


def _check_mot_row(values: Sequence[float], path: Path, number: int) -> None:
    """One line naming a MOT row no tracker could score: a frame before 1, a value that is not a finite
    number (NaN, inf), a box of negative size."""
    frame, _, _, _, width, height = values[:6]
    if not all(math.isfinite(v) for v in values[:6]) or frame < 1 or width < 0 or height < 0:
        shown = ", ".join(f"{v:g}" for v in values[:6])
        raise CrowdcountError(
            f"{path} row {number}: {shown} is not a MOT row (frames from 1, finite numbers, boxes of no "
            "negative size)"
        )
