"""The live cameras' annotated pictures, passed from each camera's process to the web server through a
private temporary folder (in memory where the system has ``/dev/shm``), and made only while someone
watches: the server marks a camera watched when its preview is asked for, and the camera's process
draws at most ``PREVIEW_FPS`` pictures a second while the mark is fresh. Nothing is kept: the folder is
removed when ``live`` stops."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

PREVIEW_FPS = 2.0
WATCHED_S = 5.0  # a camera stays "watched" this long after its preview was last asked for
FRESH_S = 10.0  # an older picture is not shown (the camera is reconnecting or stopped)
JPEG_QUALITY = 80


def preview_folder() -> Path:
    """A new folder only this user can read, in memory where possible."""
    memory = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="crowdcount-preview-", dir=memory if memory.is_dir() else None))


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


class PreviewBoard:
    """The server's side: mark a camera watched, read its latest picture."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def watch(self, camera: str) -> None:
        (self.folder / f"{camera}.watched").touch()

    def latest(self, camera: str) -> tuple[float, bytes] | None:
        """The newest picture (its time, JPEG bytes), unless it is older than ``FRESH_S``."""
        path = self.folder / f"{camera}.jpg"
        try:
            made = path.stat().st_mtime
            if time.time() - made > FRESH_S:
                return None
            return made, path.read_bytes()
        except OSError:
            return None


class PreviewPublisher:
    """A camera process's side: whether a picture is wanted now, and writing it (atomically)."""

    def __init__(self, folder: Path, camera: str, fps: float = PREVIEW_FPS) -> None:
        self.folder, self.camera, self.every_s = folder, camera, 1.0 / fps
        self._last = 0.0

    def wanted(self) -> bool:
        now = time.time()
        if now - self._last < self.every_s:
            return False
        try:
            return now - (self.folder / f"{self.camera}.watched").stat().st_mtime < WATCHED_S
        except OSError:
            return False

    def publish(self, picture: np.ndarray) -> None:
        ok, jpeg = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            return
        partial = self.folder / f".{self.camera}.jpg.{os.getpid()}"
        partial.write_bytes(jpeg.tobytes())
        os.replace(partial, self.folder / f"{self.camera}.jpg")
        self._last = time.time()
