"""OpenVINO IR person detectors (SSD and ATSS outputs), reshaped to each camera's aspect ratio."""

from __future__ import annotations

import copy
import os
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
import supervision as sv

from crowdcount.detect.base import PERSON, quiet_native_stderr
from crowdcount.detect.cards import ModelCard, card_for
from crowdcount.detect.registry import user_cache
from crowdcount.errors import CrowdcountError, first_line

if TYPE_CHECKING:
    pass


OPENVINO_MULTIPLE = 32  # a reshaped IR's input sides are multiples of this (its coarsest stride)


def need_openvino(path: str | Path) -> Any:
    """The ``openvino`` module, or a one-line error naming the package."""
    try:
        import openvino as ov
    except ImportError:
        raise CrowdcountError(
            f"{path}: OpenVINO IR models need the openvino package: pip install openvino"
        ) from None
    return ov


@cache
def _openvino_cache_folder() -> str | None:
    """Where OpenVINO keeps compiled models between runs (the user's cache folder), if it can be made."""
    folder = user_cache() / "openvino"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(folder) if os.access(folder, os.W_OK) else None


def _openvino_cache(core: Any) -> None:
    """Let ``core`` keep compiled models in the user's cache folder: a run's first detection of each
    input size then takes about half a second instead of one."""
    folder = _openvino_cache_folder()
    if folder is not None:
        core.set_property({"CACHE_DIR": folder})


def resized_input(height: int, width: int, size: int, multiple: int = OPENVINO_MULTIPLE) -> tuple[int, int]:
    """The input (height, width) a ``height`` x ``width`` frame is resized to (not letterboxed) for a
    network taking its long side at ``size``: each side a multiple of ``multiple``, the aspect ratio kept
    as near as that allows.

    >>> resized_input(576, 768, 512), resized_input(1080, 1920, 704), resized_input(1080, 1440, 512)
    ((384, 512), (384, 704), (384, 512))
    """
    scale = size / max(height, width)
    return tuple(max(multiple, round(side * scale / multiple) * multiple) for side in (height, width))  # type: ignore[return-value]


class OpenVinoDetector:
    """A person detector in OpenVINO IR (``.xml`` with its ``.bin``), run on OpenVINO's CPU plugin.
    Two output layouts are read: SSD's ``detection_out`` (rows ``[image, label, confidence, x1, y1, x2,
    y2]`` normalised to 0-1; Intel's person-detection-0202 and -retail-0013) and ATSS's ``boxes``
    (``[x1, y1, x2, y2, confidence]`` in input pixels) with ``labels`` (person-detection-0303). The
    frame is resized (not letterboxed), BGR 0-255. A graph that can be reshaped runs each camera at its
    own aspect ratio with ``imgsz`` as the long side (:func:`resized_input`), one compiled model per
    input shape; one that cannot keeps the export's size. Scores are mapped through the model card's
    ``confidence_map`` where it has one, so that the tracker's thresholds mean the same for every model."""

    def __init__(
        self,
        path: str | Path,
        imgsz: int | None = None,
        confidence: float | None = None,
        threads: int = 0,
        streams: int = 1,
    ) -> None:
        self.ov = ov = need_openvino(path)
        self.path = Path(path)
        self.card = card_for(path) or ModelCard(f"OpenVINO IR {self.path.name}", person_classes=(1,))
        self.core = ov.Core()
        try:
            with quiet_native_stderr():  # OpenVINO's other frontends log their own parse errors
                self.model = self.core.read_model(str(path), str(self.path.with_suffix(".bin")))
            shape = self.model.inputs[0].get_partial_shape()
            if len(self.model.inputs) != 1 or shape.rank.get_length() != 4 or shape.is_dynamic:
                raise CrowdcountError(f"{path}: expected one fixed 1x3xHxW image input, not {shape}")
        except CrowdcountError:
            raise
        except Exception:  # OpenVINO raises its own untyped errors for bad IR, of many lines
            raise CrowdcountError(
                f"{path}: cannot load OpenVINO model (not an OpenVINO IR .xml with its .bin beside it)"
            ) from None
        names = {name for output in self.model.outputs for name in output.get_names()}
        last = [
            o.get_partial_shape()[o.get_partial_shape().rank.get_length() - 1] for o in self.model.outputs
        ]
        if {"boxes", "labels"} <= names:
            self.layout = "atss"
        elif len(last) == 1 and last[0].is_static and last[0].get_length() == 7:
            self.layout = "ssd"
        else:
            raise CrowdcountError(
                f"{path}: its outputs ({', '.join(sorted(names))}) are neither SSD's detection_out rows nor "
                "ATSS's boxes and labels; is it a person detector?"
            )
        self.native = int(shape[2].get_length()), int(shape[3].get_length())
        # one compiled model per input shape, shared with copies (:meth:`copy`); a request per copy
        self.config = {"INFERENCE_NUM_THREADS": threads} if threads else {}
        if streams > 1:
            self.config = {"NUM_STREAMS": streams, "INFERENCE_NUM_THREADS": streams}
        _openvino_cache(self.core)
        self._compiled: dict[tuple[int, int], Any] = {}
        self._requests: dict[tuple[int, int], Any] = {}
        self._lock = threading.Lock()
        self.confidence = confidence if confidence is not None else self.card.confidence
        self.parallel = 1
        try:  # a graph that cannot take another input size keeps the export's (checked without compiling)
            probe = self.model.clone()
            probe.reshape({probe.inputs[0]: [1, 3, *(side // 2 for side in self.native)]})
            self.resizable = True
        except Exception:  # OpenVINO's own error for a graph that hard-codes its size
            self.resizable = False
        self.imgsz = imgsz if imgsz and self.resizable else max(self.native)
        kind = "openvino-atss" if self.layout == "atss" else "openvino-ssd"
        size_name = f"{self.imgsz}" if self.resizable else f"{self.native[1]}x{self.native[0]}"
        self.name = f"{kind}:{self.path.name}@{size_name}"

    def copy(self) -> OpenVinoDetector:
        """Another detector on the same compiled models, with its own inference requests: one per
        thread of a :class:`DetectorPool` (compiled with as many streams)."""
        twin = copy.copy(self)
        twin._requests = {}
        return twin

    def _request(self, shape: tuple[int, int]) -> Any:
        """This copy's inference request for input ``shape`` (height, width); each shape is compiled once
        (about a second; OpenVINO's model cache makes it shorter on the next run)."""
        if shape not in self._requests:
            with self._lock:
                if shape not in self._compiled:
                    try:
                        model = self._for_frames(shape)
                        self._compiled[shape] = self.core.compile_model(model, "CPU", self.config)
                    except Exception as error:  # OpenVINO's own errors for a graph it cannot run
                        raise CrowdcountError(
                            f"{self.path}: cannot run the model ({first_line(error)})"
                        ) from None
                request = self._compiled[shape].create_infer_request()
                # A first inference here, one thread at a time: two threads making OpenVINO's first
                # numpy views of its tensors at once can deadlock in its bindings' static
                # initialisation (seen as counts that hung for good, twice in one test run on a
                # loaded machine)
                request.infer({0: np.zeros((1, *shape, 3), dtype=np.uint8)})
                self._requests[shape] = request
        return self._requests[shape]

    def _for_frames(self, shape: tuple[int, int]) -> Any:
        """The graph at input ``shape``, taking the resized uint8 frame as OpenCV decodes it (1xHxWx3
        BGR): the cast to float and to channels-first run inside OpenVINO (about a tenth faster than
        preparing the float tensor in numpy)."""
        from openvino.preprocess import PrePostProcessor

        model = self.model.clone()
        if shape != self.native:
            model.reshape({model.inputs[0]: [1, 3, *shape]})
        steps = PrePostProcessor(model)
        steps.input().tensor().set_element_type(self.ov.Type.u8).set_layout(self.ov.Layout("NHWC"))
        steps.input().model().set_layout(self.ov.Layout("NCHW"))
        return steps.build()

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        height, width = image.shape[:2]
        shape = resized_input(height, width, imgsz or self.imgsz) if self.resizable else self.native
        blob = cv2.resize(image, shape[::-1])[None]
        outputs = {
            name: np.asarray(value)
            for port, value in self._request(shape).infer({0: blob}).items()
            for name in port.get_names()
        }
        if self.layout == "atss":
            boxes, labels = outputs["boxes"].reshape(-1, 5), outputs["labels"].reshape(-1)
            xyxy, scores = boxes[:, :4] * np.array([width / shape[1], height / shape[0]] * 2), boxes[:, 4]
        else:
            rows = next(iter(outputs.values())).reshape(-1, 7)  # its one output, N x 7 (checked at load)
            rows = rows[rows[:, 0] >= 0]
            labels, scores = rows[:, 1], rows[:, 2]
            xyxy = np.clip(rows[:, 3:7], 0, 1) * np.array([width, height, width, height], dtype=np.float32)
        scores = self.card.calibrated(scores)
        keep = np.isin(labels.astype(int), self.card.person_classes) & (scores >= self.confidence)
        return sv.Detections(
            xyxy=xyxy[keep].astype(np.float32).reshape(-1, 4),
            confidence=scores[keep].astype(np.float32),
            class_id=np.full(int(keep.sum()), PERSON, dtype=int),
        )
