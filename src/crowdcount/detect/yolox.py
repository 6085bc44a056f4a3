"""YOLOX ONNX models through ONNX Runtime, on the CPU or a GPU."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from contextlib import redirect_stdout
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
import supervision as sv

from crowdcount.datatypes import Device
from crowdcount.detect.base import PERSON, _conversion, convert_pixels, letterbox
from crowdcount.detect.cards import ModelCard, card_for
from crowdcount.errors import CrowdcountError, first_line

if TYPE_CHECKING:
    import onnx


CPU = "CPUExecutionProvider"


GPU_PROVIDERS: dict[str, tuple[str, ...]] = {  # what each device asks ONNX Runtime for, in order
    "auto": ("CUDAExecutionProvider",),
    "cuda": ("CUDAExecutionProvider",),
    "tensorrt": ("TensorrtExecutionProvider", "CUDAExecutionProvider"),
}


NO_GPU = (
    "detector device {device}: this ONNX Runtime has no {provider} ({available}); put its GPU build in "
    "place of the CPU one (pip uninstall -y onnxruntime onnxruntime-gpu; pip install "
    "'onnxruntime-gpu[cuda,cudnn]'), or set the detector's device to auto or cpu"
)


YOLOX_STRIDES = (8, 16, 32)


def onnx_providers(device: Device, available: Sequence[str]) -> list[str]:
    """The ONNX Runtime providers to ask for on ``device``, given the ``available`` ones: ``auto`` takes
    CUDA where this build of ONNX Runtime has it (onnxruntime-gpu), else the CPU; ``cuda`` and
    ``tensorrt`` must have theirs. The CPU always comes last (ONNX Runtime falls back to it).

    >>> onnx_providers("auto", ["CPUExecutionProvider"])
    ['CPUExecutionProvider']
    >>> onnx_providers("auto", ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"])
    ['CUDAExecutionProvider', 'CPUExecutionProvider']
    >>> onnx_providers("cpu", ["CUDAExecutionProvider", "CPUExecutionProvider"])
    ['CPUExecutionProvider']
    """
    if device == "cpu":
        return [CPU]
    wanted = GPU_PROVIDERS[device]
    chosen = [provider for provider in wanted if provider in available]
    if device != "auto" and wanted[0] not in chosen:
        listed = ", ".join(available)
        raise CrowdcountError(NO_GPU.format(device=device, provider=wanted[0], available=listed))
    return [*chosen, CPU]


@cache
def yolox_grid(
    height: int, width: int, strides: tuple[int, ...] = YOLOX_STRIDES
) -> tuple[np.ndarray, np.ndarray]:
    """Cell offsets (N, 2) and strides (N, 1) of YOLOX's output rows for one input shape (read-only)."""
    cells, scales = [], []
    for stride in strides:
        rows, columns = height // stride, width // stride
        xs, ys = np.meshgrid(np.arange(columns), np.arange(rows))
        cells.append(np.stack([xs, ys], axis=2).reshape(-1, 2))
        scales.append(np.full((rows * columns, 1), stride))
    grid = np.concatenate(cells).astype(np.float32), np.concatenate(scales).astype(np.float32)
    for array in grid:
        array.flags.writeable = False  # shared by every call
    return grid


def decode_yolox(
    raw: np.ndarray, shape: tuple[int, int], scale: float, confidence: float, iou: float = 0.45
) -> sv.Detections:
    """Raw YOLOX rows (N, 5 + classes; the person class first) for an input of ``shape`` (height,
    width) -> person boxes in original image pixels after NMS."""
    cells, strides = yolox_grid(*shape)
    if len(raw) != len(cells):
        raise CrowdcountError(
            f"YOLOX output has {len(raw)} rows, expected {len(cells)} for a {shape[1]}x{shape[0]} input"
        )
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


def yolox_for_people(path: str | Path, card: ModelCard | None = None) -> bytes:
    """A YOLOX export made fit for counting people, serialized; the same person scores as the export.

    * input height and width free: frames run at their own aspect ratio and any ``imgsz``;
    * input ``uint8`` HxWx3 (BGR, as OpenCV decodes): the cast, the ``card``'s conversion (channel
      order, scale, mean and std) and the transpose run inside the graph;
    * a person-only class head: the 79 other class channels of YOLOX's ``cls_preds`` convolutions
      are never computed, and each output row is ``x, y, w, h, objectness, person``.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    image = graph.input[0]
    image.type.tensor_type.shape.dim[2].dim_param = "height"
    image.type.tensor_type.shape.dim[3].dim_param = "width"
    for output in graph.output:
        for dim in output.type.tensor_type.shape.dim[1:]:
            dim.dim_param = "free"
    del graph.value_info[:]  # shapes inferred for the fixed size
    _keep_person_class_only(graph)
    hwc = helper.make_tensor_value_info("image_hwc", TensorProto.UINT8, [1, "height", "width", 3])
    steps = [
        helper.make_node("Cast", [hwc.name], ["pixels_hwc"], to=TensorProto.FLOAT),
        helper.make_node("Transpose", ["pixels_hwc"], ["pixels_0"], perm=[0, 3, 1, 2]),
    ]  # channels first before the conversion: per-channel ops on whole planes (on HWC, 3x slower)
    for op, constant in _conversion(card or ModelCard("YOLOX export")):
        before, after = f"pixels_{len(steps) - 2}", f"pixels_{len(steps) - 1}"
        graph.initializer.append(numpy_helper.from_array(constant, f"{after}_constant"))
        node = helper.make_node(op, [before, f"{after}_constant"], [after])
        if op == "Gather":  # picks channels
            node.attribute.append(helper.make_attribute("axis", 1))
        steps.append(node)
    steps[-1].output[0] = image.name
    for position, node in enumerate(steps):
        graph.node.insert(position, node)
    graph.input.remove(image)
    graph.input.insert(0, hwc)
    return model.SerializeToString()


def _keep_person_class_only(graph: onnx.GraphProto) -> None:
    """Cut YOLOX's class convolutions (``head.cls_preds.N``) to the person channel, and the head's
    ``[1, 5 + classes, -1]`` reshapes to ``[1, 6, -1]``; a graph of another shape is left as it is."""
    from onnx import numpy_helper

    initializers = {tensor.name: tensor for tensor in graph.initializer}
    class_convs = [
        node
        for node in graph.node
        if node.op_type == "Conv" and re.fullmatch(r"head\.cls_preds\.\d+\.weight", node.input[1])
    ]
    if not class_convs or any(len(node.input) != 3 for node in class_convs):
        return
    classes = initializers[class_convs[0].input[1]].dims[0]
    head_shape = [1, 5 + classes, -1]
    reshapes = [
        initializers[node.input[1]]
        for node in graph.node
        if node.op_type == "Reshape"
        and node.input[1] in initializers
        and numpy_helper.to_array(initializers[node.input[1]]).tolist() == head_shape
    ]
    if len(reshapes) != len(class_convs):
        return
    for node in class_convs:
        for name in node.input[1:]:  # weight (classes, C, 1, 1) and bias (classes,)
            person = numpy_helper.to_array(initializers[name])[PERSON : PERSON + 1]
            initializers[name].CopyFrom(numpy_helper.from_array(person, name))
    for shape in reshapes:
        shape.CopyFrom(numpy_helper.from_array(np.array([1, 6, -1], dtype=np.int64), shape.name))


@cache
def _preload_gpu_libraries() -> None:
    """Load CUDA and cuDNN from pip's nvidia wheels (``onnxruntime-gpu[cuda,cudnn]``) where they are,
    once; without them ONNX Runtime looks where the system keeps its libraries."""
    import onnxruntime as ort

    if hasattr(ort, "preload_dlls"):
        with redirect_stdout(io.StringIO()):  # it prints each library it did not find
            ort.preload_dlls()


class YoloxOnnxDetector:
    """YOLOX (Megvii) exported to ONNX, run on onnxruntime's CPU provider, or a GPU's (``device``,
    see :func:`onnx_providers`; ``on_gpu`` says where it runs).

    With ``prepare`` (the default) the export is first made fit for counting people
    (:func:`yolox_for_people`): each frame runs at its own aspect ratio (416x320 for 4:3 video
    instead of the export's 416x416: 1.3x faster), at any ``imgsz``, through a person-only head
    that takes the decoded uint8 frame as it is. A graph that does not run so (checked once, at
    a non-square size) is used as exported: square, fixed size.

    How the network wants its pixels (channel order, scale, mean and std) comes from its model
    card (:mod:`crowdcount.detect.cards`): the card beside the file, or the built-in one for its hash,
    else YOLOX's own convention (BGR, 0-255).
    """

    def __init__(
        self,
        path: str | Path,
        imgsz: int | None = None,
        confidence: float | None = None,
        threads: int = 0,
        prepare: bool = True,
        device: Device = "auto",
    ) -> None:
        import onnxruntime as ort

        self.card = card_for(path) or ModelCard(f"YOLOX export {Path(path).name}")
        self.providers = onnx_providers(device, ort.get_available_providers())
        if self.providers[0] != CPU:
            _preload_gpu_libraries()
            if device == "auto":  # a GPU that cannot start is no error here (the CPU runs it): no log
                ort.set_default_logger_severity(4)
        self.options = ort.SessionOptions()
        self.options.intra_op_num_threads = threads
        self.options.log_severity_level = 4  # its failures come back as exceptions, said in one line
        self.session = self._session(path, str(path))
        if self.session.get_providers()[0] == CPU and self.providers[0] != CPU:  # the GPU did not start
            if device != "auto":
                raise CrowdcountError(
                    f"{path}: detector device {device}: ONNX Runtime could not start {self.providers[0]} "
                    "(no GPU, or its CUDA/cuDNN libraries missing); set the detector's device to auto or cpu"
                )
            self.providers = [CPU]  # not asked again for the prepared graph
        model_input = self.session.get_inputs()[0]
        if len(model_input.shape) != 4:
            raise CrowdcountError(
                f"{path}: its input {model_input.name!r} has shape {model_input.shape}; crowdcount runs "
                "YOLOX exports whose input is one 1x3xHxW image (or Ultralytics exports, with their metadata)"
            )
        height, width = model_input.shape[2:]
        fixed = height if isinstance(height, int) else None
        native = max(height, width) if isinstance(height, int) and isinstance(width, int) else 416
        self.prepared = prepare and self._use_prepared(path)
        if self.prepared:
            fixed = None
        elif fixed is not None and height != width:
            raise CrowdcountError(
                f"{path}: a fixed {height}x{width} input that cannot be freed; export the model with "
                "dynamic height and width (or square)"
            )
        self.multiple = max(YOLOX_STRIDES) if fixed is None else None
        if fixed is not None and imgsz is not None and imgsz != fixed:
            raise CrowdcountError(
                f"input size {imgsz}: {Path(path).name} takes a fixed {fixed}x{fixed} input; "
                f"use {fixed} or leave the size unset"
            )
        self.input_name = self.session.get_inputs()[0].name
        provider = self.session.get_providers()[0]
        self.on_gpu = provider != CPU
        self.imgsz = imgsz or native
        self.confidence = confidence if confidence is not None else self.card.confidence
        where = f" on {provider.removesuffix('ExecutionProvider')}" if self.on_gpu else ""
        self.name = f"yolox-onnx:{Path(path).name}@{self.imgsz}{' rect' if self.multiple else ''}{where}"
        self.parallel = 1
        self.resizable = self.prepared
        try:  # once, on a blank frame: a model whose output is not YOLOX's fails here, not mid-run
            self.detect(np.zeros((2 * max(YOLOX_STRIDES), 3 * max(YOLOX_STRIDES), 3), np.uint8))
        except CrowdcountError as error:
            raise CrowdcountError(f"{path}: {error}; is it a YOLOX export?") from None
        except Exception as error:  # onnxruntime's own errors for a graph that cannot run
            raise CrowdcountError(f"{path}: cannot run the model ({first_line(error)})") from None

    def _session(self, path: str | Path, model: str | bytes) -> Any:
        import onnxruntime as ort

        try:  # ONNX Runtime prints its fallback from TensorRT to CUDA: the user is told in one line
            with redirect_stdout(io.StringIO()):
                return ort.InferenceSession(model, self.options, providers=self.providers)
        except Exception as error:  # onnxruntime raises its own untyped errors
            raise CrowdcountError(f"{path}: cannot load ONNX model ({first_line(error)})") from None

    def _use_prepared(self, path: str | Path) -> bool:
        """Use :func:`yolox_for_people`'s model if it runs at a non-square size, else keep the export."""
        height, width = 2 * max(YOLOX_STRIDES), 3 * max(YOLOX_STRIDES)
        try:
            session = self._session(path, yolox_for_people(path, self.card))
            probe = np.zeros((1, height, width, 3), dtype=np.uint8)
            rows, columns = session.run(None, {session.get_inputs()[0].name: probe})[0].shape[1:]
        except Exception:  # any graph that hard-codes its size or layout fails in its own way
            return False
        if rows != len(yolox_grid(height, width)[0]) or columns < 6:
            return False
        self.session = session
        return True

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        size = imgsz if imgsz and self.prepared else self.imgsz
        canvas, scale = letterbox(image, size, self.multiple)
        tensor = canvas[None] if self.prepared else convert_pixels(canvas, self.card)
        output = self.session.run(None, {self.input_name: tensor})[0]
        if output.ndim != 3:
            raise CrowdcountError(f"output has shape {list(output.shape)}, expected 1 x rows x (5 + classes)")
        return decode_yolox(output[0], canvas.shape[:2], scale, self.confidence)
