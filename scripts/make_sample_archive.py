#!/usr/bin/env python3
"""Build a small CCTV-style archive from a real clip, for the worked example and the tests.

    python scripts/make_sample_archive.py sample_videos/vtest.avi sample_videos/archive

Writes, from slices of the clip re-encoded with OpenCV (MJPG in AVI, 7 fps), start times in
the names (``{camera}_{YYYYmmdd_HHMMSS}.avi``):

    pets-a/  three recordings with 7-second holes between them, the third one truncated
             (its last quarter cut off), a file of random bytes and an empty file
    pets-b/  one recording of the clip's first 200 frames
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import cv2

FPS = 7.0
DAY = datetime(2026, 5, 3, 10, 0, 0)


@dataclass(frozen=True)
class Slice:
    camera: str
    start: datetime
    first: int  # first frame of the clip
    count: int


SLICES = [
    Slice("pets-a", DAY, 0, 265),
    Slice("pets-a", DAY + timedelta(seconds=45), 265, 265),  # 265 frames = 37.9 s: a 7.1 s hole before it
    Slice("pets-a", DAY + timedelta(seconds=90), 530, 265),  # truncated below
    Slice("pets-b", DAY, 0, 200),
]
TRUNCATED = ("pets-a", DAY + timedelta(seconds=90))
GARBAGE = ("pets-a", DAY + timedelta(minutes=3))
EMPTY = ("pets-a", DAY + timedelta(minutes=4))


def name(camera: str, start: datetime) -> str:
    return f"{camera}_{start:%Y%m%d_%H%M%S}.avi"


def read_clip(video: Path) -> list:
    capture = cv2.VideoCapture(str(video))
    frames = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        frames.append(image)
    capture.release()
    if not frames:
        raise SystemExit(f"{video}: no frames")
    return frames


def write(path: Path, frames: list) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (width, height))
    for image in frames:
        writer.write(image)
    writer.release()


def build_archive(video: Path, folder: Path) -> dict[str, Path]:
    """Write the archive; return the path of each file by role (for tests)."""
    frames = read_clip(video)
    paths: dict[str, Path] = {}
    for piece in SLICES:
        path = folder / piece.camera / name(piece.camera, piece.start)
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, frames[piece.first : piece.first + piece.count])
        paths[path.name] = path
    truncated = folder / TRUNCATED[0] / name(*TRUNCATED)
    size = truncated.stat().st_size
    with truncated.open("r+b") as handle:
        handle.truncate(size * 3 // 4)
    garbage = folder / GARBAGE[0] / name(*GARBAGE)
    garbage.write_bytes(os.urandom(200_000))
    empty = folder / EMPTY[0] / name(*EMPTY)
    empty.write_bytes(b"")
    paths.update(truncated=truncated, garbage=garbage, empty=empty)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("video", type=Path, help="the clip to slice (e.g. sample_videos/vtest.avi)")
    parser.add_argument("folder", type=Path, help="where to write the archive")
    arguments = parser.parse_args()
    for role, path in build_archive(arguments.video, arguments.folder).items():
        print(f"{role:>30}  {path}")


if __name__ == "__main__":
    main()
