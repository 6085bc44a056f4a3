"""Ultralytics YOLO weights (``.pt``, Ultralytics ONNX and OpenVINO exports) through Ultralytics."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import supervision as sv

from crowdcount.datatypes import Device
from crowdcount.detect.base import PERSON
from crowdcount.detect.cards import ModelCard, card_for
from crowdcount.errors import CrowdcountError, plain_line

if TYPE_CHECKING:
    pass


NEEDS_ULTRALYTICS = (
    "{model}: Ultralytics models need the ultralytics extra (torch and Ultralytics, about 5 GB, AGPL-3.0): "
    "pip install 'crowdcount[ultralytics]'; or use a YOLOX .onnx model, which needs neither"
)


def need_ultralytics(model: str | Path) -> None:
    """A one-line error naming the extra when Ultralytics (or torch) is not installed."""
    try:
        import ultralytics  # noqa: F401
    except ImportError:
        raise CrowdcountError(NEEDS_ULTRALYTICS.format(model=Path(model).name)) from None


class UltralyticsDetector:
    """An Ultralytics YOLO model (.pt, Ultralytics ONNX export or OpenVINO folder)."""

    def __init__(
        self,
        reference: str,
        imgsz: int | None = None,
        confidence: float | None = None,
        device: Device = "auto",
    ) -> None:
        self.device = {"auto": None, "cpu": "cpu"}.get(device, 0)  # as Ultralytics takes it; None: its own
        os.environ.setdefault("YOLO_OFFLINE", "1")
        os.environ.setdefault("YOLO_AUTOINSTALL", "0")
        os.environ.setdefault("YOLO_VERBOSE", "False")  # its own log and advice; errors still come through
        need_ultralytics(reference)
        from ultralytics import YOLO

        try:
            self.model = YOLO(reference, task="detect")
        except Exception as error:  # ultralytics raises many types for bad or missing files
            raise CrowdcountError(f"cannot load Ultralytics model {reference}: {plain_line(error)}") from None
        names = {int(k): str(v) for k, v in (self.model.names or {}).items()}
        self.card = card_for(reference) if Path(reference).exists() else None
        persons = [k for k, v in names.items() if v == "person"][:1] or [PERSON]
        self.person_classes = list(self.card.person_classes) if self.card else persons
        self.imgsz = imgsz or 640
        self.confidence = confidence if confidence is not None else (self.card or ModelCard("")).confidence
        self.name = f"ultralytics:{Path(reference).name}@{self.imgsz}"
        self.parallel = 1
        self.resizable = True

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        results = self.model.predict(
            image,
            imgsz=imgsz or self.imgsz,
            conf=self.confidence,
            classes=self.person_classes,
            verbose=False,
            device=self.device,
        )
        result = next(iter(results))
        detections = sv.Detections.from_ultralytics(result)
        detections.class_id = np.full(len(detections), PERSON, dtype=int)
        return detections


def export_ultralytics(weights: str | Path, fmt: str, imgsz: int | None = None) -> Path:
    """Export Ultralytics ``.pt`` weights to ``onnx`` or ``openvino`` beside them; the new model's path."""
    path = Path(weights)
    if path.suffix != ".pt" or not path.is_file():
        raise CrowdcountError(f"{path}: not an Ultralytics .pt file; export takes the .pt weights")
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_AUTOINSTALL", "0")
    os.environ.setdefault("YOLO_VERBOSE", "False")  # the exporter's log; errors still come through
    need_ultralytics(path)
    from ultralytics import YOLO

    try:
        with warnings.catch_warnings():  # torch's tracer deprecation notes, not the user's concern
            warnings.simplefilter("ignore")
            exported = YOLO(str(path), task="detect").export(format=fmt, imgsz=imgsz or 640, verbose=False)
    except Exception as error:  # ultralytics raises many types for bad weights or exporters
        raise CrowdcountError(f"cannot export {path} to {fmt}: {plain_line(error)}") from None
    return path.parent / Path(exported).name
