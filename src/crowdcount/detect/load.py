"""Building the detector a weight file calls for; ``DetectorSpec``, small enough to send to a process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crowdcount.cores import usable_cores
from crowdcount.datatypes import Device
from crowdcount.detect.base import Detector
from crowdcount.detect.files import is_ultralytics_onnx
from crowdcount.detect.markers import MARKERS_SUFFIX, MarkerDetector
from crowdcount.detect.models import ModelChoice
from crowdcount.detect.openvino import OpenVinoDetector
from crowdcount.detect.pool import GPU_FEEDERS, DetectorPool
from crowdcount.detect.ultralytics import UltralyticsDetector, need_ultralytics
from crowdcount.detect.yolox import YoloxOnnxDetector
from crowdcount.errors import CrowdcountError

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class DetectorSpec:
    """A detector to build: its weights and settings, small enough to send to another process."""

    model: ModelChoice
    imgsz: int | None = None
    confidence: float | None = None  # None: the model card's
    device: Device = "auto"

    def load(self, threads: int = 0, parallel: bool = True) -> Detector:
        """The detector; with ``parallel``, ``threads`` copies side by side (see :class:`DetectorPool`)."""
        return load_detector(self.model, self.imgsz, self.confidence, threads, parallel, self.device)


def load_detector(
    choice: ModelChoice,
    imgsz: int | None = None,
    confidence: float | None = None,
    threads: int = 0,
    parallel: bool = False,
    device: Device = "auto",
) -> Detector:
    """Build the detector the weight file calls for; ``threads`` 0 means all cores.

    With ``parallel``, a YOLOX ONNX model becomes a :class:`DetectorPool` of one single-threaded
    session per thread (more frames per second; each frame takes as long as on one core); on a GPU,
    of GPU_FEEDERS threads sharing its one session.
    """
    path = Path(choice.reference)
    if path.suffix == MARKERS_SUFFIX:
        return MarkerDetector(path)
    if path.suffix == ".xml" and path.is_file():
        if device in ("cuda", "tensorrt"):
            raise CrowdcountError(
                f"detector device {device}: {path.name} is an OpenVINO model, which runs on the CPU here; "
                "for an NVIDIA GPU name an ONNX model (--model yolox-nano, or your own YOLOX .onnx) and "
                "install onnxruntime-gpu, or set the detector's device to auto or cpu"
            )
        copies = (threads or usable_cores()) if parallel else 1
        if copies > 1:  # one compiled model per shape with a stream per copy: OpenVINO places their threads
            first_ir = OpenVinoDetector(path, imgsz, confidence, streams=copies)
            return DetectorPool([first_ir, *(first_ir.copy() for _ in range(copies - 1))])
        return OpenVinoDetector(path, imgsz, confidence, threads)
    if path.suffix != ".onnx" or is_ultralytics_onnx(path):
        need_ultralytics(choice.reference)
        if threads:
            import torch

            torch.set_num_threads(threads)
        return UltralyticsDetector(choice.reference, imgsz, confidence, device)
    copies = (threads or usable_cores()) if parallel else 1
    first = YoloxOnnxDetector(path, imgsz, confidence, 1 if copies > 1 else threads, device=device)
    if first.on_gpu:
        return DetectorPool([first] * GPU_FEEDERS) if parallel else first  # ONNX Runtime's run is thread-safe
    if copies > 1:
        others = [YoloxOnnxDetector(path, imgsz, confidence, 1, device="cpu") for _ in range(copies - 1)]
        return DetectorPool([first, *others])
    return first
