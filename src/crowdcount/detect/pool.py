"""Several copies of a detector side by side, and detecting a stream of frames in order."""

from __future__ import annotations

import queue
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import supervision as sv

from crowdcount.detect.base import Detector, T

if TYPE_CHECKING:
    pass


GPU_FEEDERS = 2  # threads that feed one GPU session: one prepares a frame while the other's runs


class DetectorPool:
    """Several copies of one detector, each on one thread: ``parallel`` frames at a time.

    On a small CPU, two single-threaded ONNX Runtime sessions side by side get through
    about 1.5x the frames of one session using both cores (small models parallelise
    poorly inside one inference). :meth:`detect` is thread-safe: it borrows a free copy. A
    thread-safe detector may be listed more than once (a GPU session fed from several threads).
    """

    def __init__(self, detectors: list[Detector]) -> None:
        self._free: queue.SimpleQueue[Detector] = queue.SimpleQueue()
        for detector in detectors:
            self._free.put(detector)
        self.parallel = len(detectors)
        self.resizable = detectors[0].resizable
        self.name = f"{detectors[0].name} x{self.parallel}"
        self.imgsz = detectors[0].imgsz

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        detector = self._free.get()
        try:
            return detector.detect(image, imgsz)
        finally:
            self._free.put(detector)


def detect_in_order(
    frames: Iterable[T], detector: Detector, image: Callable[[T], np.ndarray], at_most: int | None = None
) -> Generator[tuple[T, sv.Detections]]:
    """Detect each item's image, ``detector.parallel`` at a time (``at_most`` at a time if given),
    in input order."""
    workers = min(detector.parallel, at_most or sys.maxsize)
    if workers <= 1:
        for item in frames:
            yield item, detector.detect(image(item))
        return
    pool = ThreadPoolExecutor(workers, thread_name_prefix="detect")
    pending: deque[tuple[T, Future[sv.Detections]]] = deque()
    try:
        for item in frames:
            pending.append((item, pool.submit(detector.detect, image(item))))
            if len(pending) > workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
