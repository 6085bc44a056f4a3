"""Tracks as MOTChallenge text files, the format tracker benchmarks (TrackEval, ``trackers.eval``) read.

A row is ``frame,id,x,y,w,h,conf,-1,-1,-1``: ``frame`` the 1-based decoded frame index (the N-th
frame of the video is frame N, as in MOT ground truth), ``id`` the confirmed track id + 1, the box's
top-left corner, width and height in pixels. Only frames the detector ran on have rows; which
frames those were (with or without anybody in them) goes to ``FILE.frames``, one number a line, so
an evaluation can leave out the frames a paced run stepped over.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import supervision as sv

from crowdcount.datatypes import FrameInfo
from crowdcount.errors import CrowdcountError
from crowdcount.paths import output_file


def frames_file(tracks: str | Path) -> Path:
    """Where the frames detected are listed beside a tracks file."""
    path = Path(tracks)
    return path.with_name(path.name + ".frames")


class MotTrackWriter:
    """Writes each detected frame's confirmed tracks (id >= 0) as MOT rows, then the frame list.

    Example:
        >>> import numpy as np, pathlib, tempfile
        >>> from datetime import datetime, timezone
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "tracks.txt"
        >>> frame = FrameInfo("cam", "clip.mp4", 4, datetime(2026, 10, 3, tzinfo=timezone.utc))
        >>> box, ids = np.array([[10.0, 20, 30, 80]]), np.array([0])
        >>> tracks = sv.Detections(box, confidence=np.array([0.9]), tracker_id=ids)
        >>> with MotTrackWriter(path) as writer:
        ...     writer.write(frame, tracks)
        >>> path.read_text(), frames_file(path).read_text()
        ('5,1,10.00,20.00,20.00,60.00,0.900,-1,-1,-1\\n', '5\\n')
    """

    def __init__(self, path: str | Path) -> None:
        self.path = output_file(path, "tracks file")
        self.frames: list[int] = []
        self._file = self.path.open("w", encoding="utf-8")

    def write(self, frame: FrameInfo, tracks: sv.Detections) -> None:
        number = frame.index + 1
        self.frames.append(number)
        if tracks.tracker_id is None:
            return
        confidence = tracks.confidence if tracks.confidence is not None else [1.0] * len(tracks)
        for (x1, y1, x2, y2), track_id, score in zip(tracks.xyxy, tracks.tracker_id, confidence, strict=True):
            if track_id >= 0:
                box = f"{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f}"
                self._file.write(f"{number},{track_id + 1},{box},{score:.3f},-1,-1,-1\n")

    def close(self) -> None:
        self._file.close()
        frames_file(self.path).write_text("".join(f"{n}\n" for n in self.frames), encoding="utf-8")

    def __enter__(self) -> MotTrackWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def frames_detected(tracks: str | Path) -> list[int] | None:
    """The frames listed beside a tracks file, or None when it has no list (every frame counts)."""
    listed = frames_file(tracks)
    if not listed.is_file():
        return None
    try:
        return [int(line) for line in listed.read_text(encoding="utf-8").split()]
    except ValueError:
        raise CrowdcountError(f"{listed}: expected one frame number a line") from None
