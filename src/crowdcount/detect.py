"""Person detectors: YOLOX through onnxruntime, and Ultralytics YOLO; weight resolution.

The backend is chosen by the weight file: a YOLOX ONNX export runs on onnxruntime
directly; ``.pt`` files, Ultralytics ONNX exports (they carry ``names`` metadata)
and ``*_openvino_model`` folders run through Ultralytics. Nothing is downloaded
unless the user names an Ultralytics model (``--model yolo11n.pt``) that is not on
disk.
"""

from __future__ import annotations

import os
import queue
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

import cv2
import numpy as np
import supervision as sv

from crowdcount.errors import CrowdcountError

T = TypeVar("T")
PERSON = 0
MODEL_ENV = "CROWDCOUNT_MODEL"
MODEL_DIR_ENV = "CROWDCOUNT_MODEL_DIR"
_DOWNLOADABLE = re.compile(r"^yolo[\w.\-]*\.pt$")
_MODEL_HELP = (
    "pass --model PATH, set CROWDCOUNT_MODEL, or put a model file in models/ "
    "(a YOLOX .onnx or an Ultralytics .pt; see models/README.md)"
)


class Detector(Protocol):
    """Finds people in a BGR image."""

    name: str

    def detect(self, image: np.ndarray) -> sv.Detections:
        """Return person boxes (xyxy, confidence, class_id 0) in image pixels."""
        ...


@dataclass(frozen=True)
class ModelChoice:
    """A model to load: a file on disk, or an Ultralytics name it may download."""

    reference: str
    how: str  # where it came from, for the user
    download: bool = False


def _is_model_file(path: Path) -> bool:
    return (path.is_file() and path.suffix in {".onnx", ".pt"}) or (
        path.is_dir() and path.name.endswith("_openvino_model")
    )


def find_model_in(folder: Path) -> Path | None:
    """The model a folder offers: ONNX first, then .pt, then OpenVINO, by name."""
    if not folder.is_dir():
        return None
    candidates = [p for p in folder.iterdir() if _is_model_file(p)]
    order = {".onnx": 0, ".pt": 1}
    candidates.sort(key=lambda p: (order.get(p.suffix, 2), p.name))
    return candidates[0] if candidates else None


def resolve_model(explicit: str | None = None, configured: str | None = None) -> ModelChoice:
    """``--model`` > ``CROWDCOUNT_MODEL`` > config > ``CROWDCOUNT_MODEL_DIR`` > ``./models``."""
    for value, how in (
        (explicit, "--model"),
        (os.environ.get(MODEL_ENV), MODEL_ENV),
        (configured, "config detector.model"),
    ):
        if not value:
            continue
        path = Path(value).expanduser()
        if path.exists():
            if not _is_model_file(path):
                raise CrowdcountError(f"{how}: {path} is not a model (.onnx, .pt or *_openvino_model folder)")
            return ModelChoice(str(path), how)
        if _DOWNLOADABLE.match(value):
            return ModelChoice(value, f"{how} (Ultralytics download)", download=True)
        raise CrowdcountError(f"{how}: model file {path} not found; {_MODEL_HELP}")
    folders = [Path(d) for d in [os.environ.get(MODEL_DIR_ENV)] if d] + [Path("models")]
    for folder in folders:
        found = find_model_in(folder)
        if found is not None:
            return ModelChoice(str(found), f"found in {folder}/")
    searched = ", ".join(f"{f}/" for f in folders)
    raise CrowdcountError(f"no detector model found (searched {searched}); {_MODEL_HELP}")


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """Scale into a size x size canvas at the top-left, pad 114; return CHW float and scale."""
    height, width = image.shape[:2]
    scale = min(size / height, size / width)
    resized = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_LINEAR)
    canvas = np.full((size, size, 3), 114, dtype=np.uint8)
    canvas[: resized.shape[0], : resized.shape[1]] = resized
    return np.ascontiguousarray(canvas.transpose(2, 0, 1), dtype=np.float32), scale


@cache
def yolox_grid(size: int, strides: tuple[int, ...] = (8, 16, 32)) -> tuple[np.ndarray, np.ndarray]:
    """Cell offsets (N, 2) and strides (N, 1) of YOLOX's output rows for a square input (read-only)."""
    cells, scales = [], []
    for stride in strides:
        side = size // stride
        xs, ys = np.meshgrid(np.arange(side), np.arange(side))
        cells.append(np.stack([xs, ys], axis=2).reshape(-1, 2))
        scales.append(np.full((side * side, 1), stride))
    grid = np.concatenate(cells).astype(np.float32), np.concatenate(scales).astype(np.float32)
    for array in grid:
        array.flags.writeable = False  # shared by every call
    return grid


def decode_yolox(
    raw: np.ndarray, size: int, scale: float, confidence: float, iou: float = 0.45
) -> sv.Detections:
    """Raw YOLOX rows (N, 5 + classes) -> person boxes in original image pixels after NMS."""
    cells, strides = yolox_grid(size)
    if len(raw) != len(cells):
        raise CrowdcountError(f"YOLOX output has {len(raw)} rows, expected {len(cells)} for {size}px")
    scores = raw[:, 4] * raw[:, 5 + PERSON]
    keep = scores >= confidence
    rows, scores, cells, strides = raw[keep], scores[keep], cells[keep], strides[keep]
    centres = (rows[:, :2] + cells) * strides
    sizes = np.exp(rows[:, 2:4]) * strides
    xyxy = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1) / scale
    if len(xyxy):
        xywh = np.concatenate([xyxy[:, :2], xyxy[:, 2:] - xyxy[:, :2]], axis=1)
        picked = cv2.dnn.NMSBoxes(xywh.tolist(), scores.tolist(), confidence, iou)
        index = np.asarray(picked, dtype=int).reshape(-1)
        xyxy, scores = xyxy[index], scores[index]
    return sv.Detections(
        xyxy=xyxy.astype(np.float32).reshape(-1, 4),
        confidence=scores.astype(np.float32),
        class_id=np.full(len(scores), PERSON, dtype=int),
    )


class YoloxOnnxDetector:
    """YOLOX (Megvii) exported to ONNX, run on onnxruntime's CPU (or CUDA) provider."""

    def __init__(
        self, path: str | Path, imgsz: int | None = None, confidence: float = 0.1, threads: int = 0
    ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(path), options, providers=ort.get_available_providers())
        except Exception as error:  # onnxruntime raises its own untyped errors
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise CrowdcountError(f"{path}: cannot load ONNX model ({first})") from None
        model_input = self.session.get_inputs()[0]
        fixed = model_input.shape[2] if isinstance(model_input.shape[2], int) else None
        if fixed is not None and imgsz is not None and imgsz != fixed:
            raise CrowdcountError(
                f"--imgsz {imgsz}: {Path(path).name} takes a fixed {fixed}x{fixed} input; "
                f"use --imgsz {fixed} or leave it out"
            )
        self.input_name = model_input.name
        self.size = fixed or imgsz or 416
        self.confidence = confidence
        self.name = f"yolox-onnx:{Path(path).name}@{self.size}"

    def detect(self, image: np.ndarray) -> sv.Detections:
        tensor, scale = letterbox(image, self.size)
        raw = self.session.run(None, {self.input_name: tensor[None]})[0][0]
        return decode_yolox(raw, self.size, scale, self.confidence)


class UltralyticsDetector:
    """An Ultralytics YOLO model (.pt, Ultralytics ONNX export or OpenVINO folder)."""

    def __init__(
        self, reference: str, imgsz: int | None = None, confidence: float = 0.1, download: bool = False
    ) -> None:
        if not download:
            os.environ.setdefault("YOLO_OFFLINE", "1")
        os.environ.setdefault("YOLO_AUTOINSTALL", "0")
        from ultralytics import YOLO

        try:
            self.model = YOLO(reference, task="detect")
        except Exception as error:  # ultralytics raises many types for bad or missing files
            what = "download" if download else "load"
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            hint = " (offline? put the file in models/ instead)" if download else ""
            raise CrowdcountError(f"cannot {what} Ultralytics model {reference}{hint}: {message}") from None
        names = {int(k): str(v) for k, v in (self.model.names or {}).items()}
        persons = [k for k, v in names.items() if v == "person"]
        self.person_class = persons[0] if persons else PERSON
        self.imgsz = imgsz or 640
        self.confidence = confidence
        self.name = f"ultralytics:{Path(reference).name}@{self.imgsz}"

    def detect(self, image: np.ndarray) -> sv.Detections:
        results = self.model.predict(
            image, imgsz=self.imgsz, conf=self.confidence, classes=[self.person_class], verbose=False
        )
        result = next(iter(results))
        detections = sv.Detections.from_ultralytics(result)
        detections.class_id = np.full(len(detections), PERSON, dtype=int)
        return detections


class DetectorPool:
    """Several copies of one detector, each on one thread: ``parallel`` frames at a time.

    On a small CPU, two single-threaded ONNX Runtime sessions side by side get through
    about 1.5x the frames of one session using both cores (small models parallelise
    poorly inside one inference). :meth:`detect` is thread-safe: it borrows a free copy.
    """

    def __init__(self, detectors: list[Detector]) -> None:
        self._free: queue.SimpleQueue[Detector] = queue.SimpleQueue()
        for detector in detectors:
            self._free.put(detector)
        self.parallel = len(detectors)
        self.name = f"{detectors[0].name} x{self.parallel}"

    def detect(self, image: np.ndarray) -> sv.Detections:
        detector = self._free.get()
        try:
            return detector.detect(image)
        finally:
            self._free.put(detector)


def detect_in_order(frames: Iterable[T], detector: Detector, image: Callable[[T], np.ndarray]) -> Iterator[
    tuple[T, sv.Detections]
]:  # fmt: skip
    """Detect each item's image, ``detector.parallel`` at a time (when it has that), in input order."""
    workers = getattr(detector, "parallel", 1)
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


def is_ultralytics_onnx(path: Path) -> bool:
    """Ultralytics ONNX exports carry their class names in the model metadata."""
    import onnxruntime as ort

    try:
        meta = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta()
    except Exception:
        return False  # YoloxOnnxDetector reports the load error properly
    return "names" in meta.custom_metadata_map


def load_detector(
    choice: ModelChoice, imgsz: int | None = None, confidence: float = 0.1, threads: int = 0,
    parallel: bool = False,
) -> Detector:  # fmt: skip
    """Build the detector the weight file calls for; ``threads`` 0 means all cores.

    With ``parallel``, a YOLOX ONNX model becomes a :class:`DetectorPool` of one single-threaded
    session per thread (more frames per second; each frame takes as long as on one core).
    """
    path = Path(choice.reference)
    if choice.download or path.suffix != ".onnx" or is_ultralytics_onnx(path):
        if threads:
            import torch

            torch.set_num_threads(threads)
        return UltralyticsDetector(choice.reference, imgsz, confidence, download=choice.download)
    copies = (threads or os.cpu_count() or 1) if parallel else 1
    if copies > 1:
        return DetectorPool([YoloxOnnxDetector(path, imgsz, confidence, 1) for _ in range(copies)])
    return YoloxOnnxDetector(path, imgsz, confidence, threads)
