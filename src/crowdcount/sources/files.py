"""Video files (and MOTChallenge image sequences) -> Frame iterators with wall-clock timestamps."""

from __future__ import annotations

import configparser
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Generic, TypeVar

import cv2
import numpy as np

from crowdcount.config import MAX_FPS, MIN_FPS
from crowdcount.datatypes import Frame, FrameInfo
from crowdcount.errors import CrowdcountError

T = TypeVar("T")


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a recording."""

    path: str
    width: int
    height: int
    fps: float  # as the container says; a camera's config may override it
    frame_count: int
    variable_rate: bool = False  # frames not evenly spaced in time: timed by their own timestamps


VFR_SAMPLE = 300  # packets whose timestamps are read to tell a variable frame rate
VFR_SHARE = 0.02  # more frame intervals than this off the usual one by a quarter: variable


def variable_frame_rate(path: Path) -> bool:
    """Whether a file's frames are unevenly spaced in time (a recorder that drops or holds frames):
    its packets' presentation times, in order, differ from the usual interval by more than a quarter
    in more than ``VFR_SHARE`` of the first ``VFR_SAMPLE``. False where they cannot be read."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            base = stream.time_base or 1
            stamps = []
            for packet in container.demux(stream):
                if packet.pts is not None:
                    stamps.append(float(packet.pts * base))
                if len(stamps) >= VFR_SAMPLE:
                    break
    except (av.error.FFmpegError, IndexError, OSError, ValueError):
        return False
    steps = np.diff(np.sort(np.array(stamps)))
    if len(steps) < 10:
        return False
    usual = float(np.median(steps))
    return usual > 0 and float(np.mean(np.abs(steps - usual) > usual / 4)) > VFR_SHARE


@dataclass(frozen=True)
class ImageSequence:
    """A MOTChallenge sequence folder: numbered frames in ``img1/`` and a ``seqinfo.ini``."""

    pattern: str  # the frames' path with a printf-style number, as OpenCV's image reader takes it
    fps: float
    frames: int


def mot_sequence(path: Path) -> ImageSequence | None:
    """The image sequence a folder holds (``seqinfo.ini`` with ``frameRate``, ``imDir``, ``imExt``),
    or None for any other folder or file."""
    info = path / "seqinfo.ini"
    if not path.is_dir() or not info.is_file():
        return None
    parser = configparser.ConfigParser()
    try:
        parser.read(info, encoding="utf-8")
        sequence = parser["Sequence"]
        fps = float(sequence.get("frameRate", "0"))
        folder, suffix = path / sequence.get("imDir", "img1"), sequence.get("imExt", ".jpg")
    except (configparser.Error, KeyError, ValueError, UnicodeDecodeError):
        raise CrowdcountError(
            f"{info}: not a MOTChallenge seqinfo.ini ([Sequence] frameRate, imDir, imExt)"
        ) from None
    images = sorted(p for p in folder.glob(f"*{suffix}") if p.stem.isdigit())
    if not images:
        raise CrowdcountError(f"{path}: no numbered {suffix} frames in {folder.name}/")
    return ImageSequence(str(folder / f"%0{len(images[0].stem)}d{suffix}"), fps, len(images))


def open_video(path: Path) -> cv2.VideoCapture:
    """A capture of a video file or MOTChallenge sequence, or a one-line error saying why not."""
    if not path.exists():
        raise CrowdcountError(f"video {path} not found; check the path")
    if path.is_dir():
        sequence = mot_sequence(path)
        if sequence is None:
            raise CrowdcountError(f"video {path} is a folder; pass a video file or a MOTChallenge sequence")
        return cv2.VideoCapture(sequence.pattern, cv2.CAP_IMAGES)
    if path.stat().st_size == 0:
        raise CrowdcountError(f"video {path} is empty (0 bytes)")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise CrowdcountError(f"video {path} cannot be read (not a video, or an unsupported codec)")
    return capture


def probe_video(path: str | Path) -> VideoInfo:
    """Open a recording, check a first frame decodes, and read its size, rate and length."""
    path = Path(path)
    capture = open_video(path)
    try:
        ok, image = capture.read()
        if not ok or image is None:
            raise CrowdcountError(f"video {path} has no decodable frame (empty, truncated or corrupt)")
        sequence = mot_sequence(path)
        return VideoInfo(
            path=str(path),
            width=image.shape[1],
            height=image.shape[0],
            fps=sequence.fps if sequence else max(float(capture.get(cv2.CAP_PROP_FPS) or 0.0), 0.0),
            frame_count=sequence.frames if sequence else int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0),
            variable_rate=not sequence and variable_frame_rate(path),
        )
    finally:
        capture.release()


def effective_fps(info: VideoInfo, override: float | None) -> float:
    """The frame rate timestamps use: the config's, else the container's."""
    fps = override or info.fps
    if not fps or not MIN_FPS <= fps <= MAX_FPS:
        if override:
            raise CrowdcountError(f"frame rate {fps:g} is out of range: give {MIN_FPS:g} to {MAX_FPS:g}")
        raise CrowdcountError(
            f"video {info.path} does not state a usable frame rate; set 'fps:' for its camera"
        )
    return fps


class FrameReader:
    """Decodes every ``stride``-th frame with its timestamp ``start + index / fps``.

    ``stride`` may be a function, given the number of frames decoded so far after each one and
    returning how many frames to step to the next (see :class:`crowdcount.counting.pacing.DetectionPacer`).
    Frames stepped over are grabbed, not decoded to images.

    A frame that fails to decode is skipped over (up to ``max_bad_frames`` in a row, a
    corrupt segment) and the run of bad frames is remembered in ``bad_runs``; after
    iterating, ``end_index`` is the index of the first frame that was never reached.
    """

    def __init__(
        self,
        path: str | Path,
        camera: str,
        start: datetime,
        fps: float,
        stride: int | Callable[[int], int] = 1,
        max_bad_frames: int = 250,
        by_timestamps: bool = False,
    ) -> None:
        if isinstance(stride, int) and stride < 1:
            raise CrowdcountError(f"stride must be 1 or more, got {stride}")
        self.path, self.camera, self.start, self.fps, self.stride = Path(path), camera, start, fps, stride
        self.max_bad_frames = max_bad_frames
        self.by_timestamps = by_timestamps  # a variable frame rate: each decoded frame at its own time
        self.bad_runs: list[tuple[int, int]] = []  # [first bad index, first good index after)
        self.end_index = 0

    def timestamp(self, index: int) -> datetime:
        return self.start + timedelta(seconds=index / self.fps)

    def step(self, decoded: int) -> int:
        """Frames from the ``decoded``-th decoded frame to the next one to decode."""
        return max(1, self.stride(decoded) if callable(self.stride) else self.stride)

    def __iter__(self) -> Iterator[Frame]:
        capture = open_video(self.path)
        try:
            index = wanted = decoded = 0
            while True:
                if index < wanted:
                    ok, image = capture.grab(), None
                else:
                    ok, image = capture.read()
                    ok = ok and image is not None
                if not ok:
                    resumed = self._skip_bad(capture, index)
                    if resumed is None:
                        self.end_index = index
                        return
                    index = resumed
                    continue
                if image is not None:
                    at = self.timestamp(index)
                    if self.by_timestamps:  # the frame's presentation time, as the recorder wrote it
                        at = self.start + timedelta(milliseconds=capture.get(cv2.CAP_PROP_POS_MSEC))
                    yield Frame(FrameInfo(self.camera, str(self.path), index, at), image)
                    decoded += 1
                    wanted = index + self.step(decoded)
                index += 1
        finally:
            capture.release()

    def _skip_bad(self, capture: cv2.VideoCapture, index: int) -> int | None:
        """Grab past undecodable frames; the index of the next good one, or None at the end."""
        for skipped in range(1, self.max_bad_frames + 1):
            if capture.grab():
                self.bad_runs.append((index, index + skipped + 1))  # the grabbed frame is not decoded
                return index + skipped + 1
        return None


class Prefetch(Generic[T]):
    """Runs an iterator on its own thread, ``depth`` items ahead of the consumer.

    Decoding (which releases the GIL) then overlaps inference. An exception in the iterator
    is raised in the consumer; :meth:`close` (or leaving early) stops the thread.
    """

    _END = object()

    def __init__(self, items: Iterable[T], depth: int = 8) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._fill, args=(iter(items),), name="prefetch", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _fill(self, items: Iterator[T]) -> None:
        try:
            for item in items:
                if not self._put(item):
                    return
        except BaseException as error:  # handed to the consumer
            self._put(_Failure(error))
            return
        self._put(self._END)

    def __iter__(self) -> Iterator[T]:
        try:
            while True:
                item = self._queue.get()
                if item is self._END:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass(frozen=True)
class _Failure:
    error: BaseException


def read_frames(
    path: str | Path, camera: str, start: datetime, fps: float, stride: int = 1
) -> Iterator[Frame]:
    """Decode every ``stride``-th frame with its timestamp ``start + index / fps``."""
    return iter(FrameReader(path, camera, start, fps, stride))
