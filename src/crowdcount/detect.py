"""Person detectors: OpenVINO IR (the embedded default), YOLOX through onnxruntime, and
Ultralytics YOLO; weight resolution.

The backend is chosen by the weight file: an OpenVINO ``.xml`` runs on OpenVINO; a YOLOX ONNX
export on onnxruntime directly; ``.pt`` files, Ultralytics ONNX exports (they carry ``names``
metadata) and ``*_openvino_model`` folders through Ultralytics. Nothing is downloaded here (only
``crowdcount models get`` downloads, :mod:`crowdcount.registry`). The device
(``detector.device`` in the config) is the CPU, or a GPU where ONNX Runtime's build has one
(:func:`onnx_providers`).
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import queue
import re
import sys
import threading
import warnings
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import cv2
import numpy as np
import supervision as sv

from crowdcount.cards import ModelCard, card_for
from crowdcount.cores import usable_cores
from crowdcount.datatypes import Device
from crowdcount.errors import CrowdcountError, first_line, plain_line
from crowdcount.registry import file_sha256, hash_into, user_cache

if TYPE_CHECKING:
    import onnx

T = TypeVar("T")
PERSON = 0
CPU = "CPUExecutionProvider"
GPU_PROVIDERS: dict[str, tuple[str, ...]] = {  # what each device asks ONNX Runtime for, in order
    "auto": ("CUDAExecutionProvider",),
    "cuda": ("CUDAExecutionProvider",),
    "tensorrt": ("TensorrtExecutionProvider", "CUDAExecutionProvider"),
}
GPU_FEEDERS = 2  # threads that feed one GPU session: one prepares a frame while the other's runs
NO_GPU = (
    "detector device {device}: this ONNX Runtime has no {provider} ({available}); put its GPU build in "
    "place of the CPU one (pip uninstall -y onnxruntime onnxruntime-gpu; pip install "
    "'onnxruntime-gpu[cuda,cudnn]'), or set the detector's device to auto or cpu"
)
YOLOX_STRIDES = (8, 16, 32)
MODEL_ENV = "CROWDCOUNT_MODEL"
MODEL_DIR_ENV = "CROWDCOUNT_MODEL_DIR"


class Detector(Protocol):
    """Finds people in a BGR image."""

    name: str
    imgsz: int  # the long side an image is scaled to for the model
    parallel: int  # images it can detect at once, each on its own thread (a DetectorPool: several)
    resizable: bool  # whether ``imgsz`` changes its input size (a fixed-size export: no)

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        """Return person boxes (xyxy, confidence, class_id 0) in image pixels; ``imgsz`` overrides
        the detector's own for this image (a model of fixed input size keeps its size)."""
        ...


@dataclass(frozen=True)
class ModelChoice:
    """A model to load: a file on disk, where it came from, and the models found but not chosen."""

    reference: str
    how: str  # where it came from, for the user
    passed_over: tuple[str, ...] = ()  # found in a folder, not licence-clean: used only when named


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


def model_sha256(path: str | Path) -> str:
    """SHA-256 of a model file (of every file inside, for an OpenVINO folder). A single file is read
    once per process while its size and modification time stay the same: choosing a model, its
    card, loading it and the run manifest all ask."""
    target = Path(path)
    if target.is_file():
        stat = target.stat()
        return _file_sha256(str(target.resolve()), stat.st_size, stat.st_mtime_ns)
    digest = hashlib.sha256()
    for file in sorted(target.rglob("*")):
        if file.is_file():
            hash_into(digest, file)
    return digest.hexdigest()


@cache
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    """One file's SHA-256 (``size`` and ``mtime_ns`` key the cache: a changed file is read again)."""
    return file_sha256(Path(path))


def _is_model_file(path: Path) -> bool:
    """ONNX, .pt, an OpenVINO IR ``.xml`` with its ``.bin``, or an Ultralytics OpenVINO folder."""
    if path.is_file():
        ir = path.suffix == ".xml" and path.with_suffix(".bin").is_file()
        return ir or path.suffix in {".onnx", ".pt"}
    return path.is_dir() and path.name.endswith("_openvino_model")


def model_folders() -> list[Path]:
    """Where models are looked for when none is named: ``$CROWDCOUNT_MODEL_DIR``, then ``./models``."""
    return [Path(d) for d in [os.environ.get(MODEL_DIR_ENV)] if d] + [Path("models")]


def resolve_model(
    explicit: str | None = None, configured: str | None = None, explicit_from: str = "the model argument"
) -> ModelChoice:
    """The model to count with: ``explicit`` (the CLI's ``--model``: ``explicit_from`` names it in
    messages) > ``CROWDCOUNT_MODEL`` > config ``detector.model``, each a path or a registry name
    (``crowdcount models``); with none named, a licence-clean model its user described with a card in
    ``$CROWDCOUNT_MODEL_DIR`` or ``./models``, else the embedded default. Other models found there are
    used only when named: ``passed_over`` lists them."""
    for value, how in (
        (explicit, explicit_from),
        (os.environ.get(MODEL_ENV), MODEL_ENV),
        (configured, "config detector.model"),
    ):
        if value:
            return _named_model(value, how)
    from crowdcount.cards import card_path, find_models
    from crowdcount.registry import DEFAULT_MODEL, KNOWN, embedded_path

    found = find_models(model_folders())
    clean = [m for m in found if m.card is not None and m.card.licence_clean]
    unknown = "no model card: licence unknown"
    passed_over = tuple(
        f"{m.path} ({m.problem or (m.card.data_terms or m.card.licence if m.card else unknown)})"
        for m in found
        if m not in clean
    )
    described = [m for m in clean if card_path(m.path).is_file()]
    if described:
        return ModelChoice(str(described[0].path), f"found in {described[0].path.parent}/", passed_over)
    return ModelChoice(str(embedded_path(KNOWN[DEFAULT_MODEL])), "embedded default", passed_over)


def _named_model(value: str, how: str) -> ModelChoice:
    """A model named by path or registry name; a one-line error saying how to get it when absent."""
    from crowdcount.cards import find_models
    from crowdcount.registry import KNOWN, cache_folder, installed_path, known_model

    path = Path(value).expanduser()
    if path.exists():
        if not _is_model_file(path):
            raise CrowdcountError(
                f"{how}: {path} is not a model (.onnx, .pt, an OpenVINO .xml with its .bin, or a "
                "*_openvino_model folder)"
            )
        return ModelChoice(str(path), how)
    known = known_model(value)
    if known is not None:
        installed = installed_path(known)
        if installed is None:  # also where a folder holds it under any file name
            installed = next(
                (
                    m.path
                    for m in find_models(model_folders())
                    if not m.problem and m.path.is_file() and model_sha256(m.path) == known.files[0].sha256
                ),
                None,
            )
        if installed is None:
            get = f"crowdcount models get {known.name}" if known.files[0].url else "its files"
            raise CrowdcountError(
                f"{how}: model {known.name} is not installed: run '{get}' (offline: 'crowdcount models add "
                f"FILES' with {', '.join(f.name for f in known.files)} carried in)"
            )
        return ModelChoice(str(installed), f"{how} ({known.name})")
    added = cache_folder() / value
    files = sorted(p for p in added.iterdir() if _is_model_file(p)) if added.is_dir() else []
    if files:
        return ModelChoice(str(files[0]), f"{how} ({value}, from the model cache)")
    raise CrowdcountError(
        f"{how}: {value} is neither a model file nor a model name ({', '.join(KNOWN)}, or one added with "
        "'crowdcount models add'); 'crowdcount models list' shows what is here"
    )


def letterbox(image: np.ndarray, size: int, multiple: int | None = None) -> tuple[np.ndarray, float]:
    """Scale the long side to ``size`` at the top-left, pad 114; return the HWC uint8 canvas and scale.

    The canvas is ``size`` x ``size``, or with ``multiple`` each side rounded up to a multiple
    of it (a 4:3 frame at 416 becomes 416x320: a quarter fewer pixels to run the model on).
    """
    height, width = image.shape[:2]
    scale = min(size / height, size / width)
    new_width, new_height = round(width * scale), round(height * scale)
    if multiple:
        canvas_height, canvas_width = (-(-side // multiple) * multiple for side in (new_height, new_width))
    else:
        canvas_height = canvas_width = size
    resized = cv2.resize(image, (new_width, new_height), interpolation=cv2.INTER_LINEAR)
    canvas = cv2.copyMakeBorder(
        resized,
        0,
        canvas_height - new_height,
        0,
        canvas_width - new_width,
        cv2.BORDER_CONSTANT,
        value=(114, 114, 114),
    )
    return canvas, scale


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


def _conversion(card: ModelCard) -> list[tuple[str, np.ndarray]]:
    """The ONNX ops (and their constants) that turn a 0-255 BGR 1x3xHxW frame into what ``card`` wants."""
    steps: list[tuple[str, np.ndarray]] = []
    if card.channels == "rgb":
        steps.append(("Gather", np.array([2, 1, 0], dtype=np.int64)))
    if card.scale != 1.0:
        steps.append(("Mul", np.array(card.scale, dtype=np.float32)))
    if card.mean is not None and card.std is not None:
        steps.append(("Sub", np.array(card.mean, dtype=np.float32).reshape(1, 3, 1, 1)))
        steps.append(("Div", np.array(card.std, dtype=np.float32).reshape(1, 3, 1, 1)))
    return steps


def convert_pixels(canvas: np.ndarray, card: ModelCard) -> np.ndarray:
    """What :func:`_conversion` does in the graph, in numpy: an HWC uint8 canvas as the float32
    1xCxHxW tensor the card's network takes."""
    pixels = canvas.astype(np.float32)
    if card.channels == "rgb":
        pixels = pixels[..., ::-1]
    pixels *= np.float32(card.scale)
    if card.mean is not None and card.std is not None:
        pixels -= np.asarray(card.mean, np.float32)
        pixels /= np.asarray(card.std, np.float32)
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[None], dtype=np.float32)


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
    card (:mod:`crowdcount.cards`): the card beside the file, or the built-in one for its hash,
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


@contextmanager
def _quiet_native_stderr() -> Generator[None, None, None]:
    """Send what native libraries write to file descriptor 2 to /dev/null for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


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
            with _quiet_native_stderr():  # OpenVINO's other frontends log their own parse errors
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


MIN_PERSON_INPUT_PX = 24  # people this tall at the network's input (3 cells of its finest grid) are found


def input_size_for(frame_long_side: int, smallest_person_px: float) -> int:
    """The detector input (long side, a multiple of 32) at which a person ``smallest_person_px`` tall
    in the frame is MIN_PERSON_INPUT_PX tall for the network: never above the frame's own size
    (upscaling adds no detail), never under 160.

    >>> input_size_for(1920, 40), input_size_for(768, 60), input_size_for(1920, 10)
    (1152, 320, 1920)
    """
    wanted = frame_long_side * MIN_PERSON_INPUT_PX / smallest_person_px
    largest = -(-frame_long_side // 32) * 32
    return int(min(max(-(-wanted // 32) * 32, 160), largest))


SMALLEST_PERSON_SHARE = 1 / 16  # the default smallest person: this share of the frame's short side


def scene_input_size(width: int, height: int, smallest_person_px: float | None = None) -> int:
    """The detector input (long side) for a camera's ``width`` x ``height`` frames: the one at which
    its smallest person (``smallest_person_px`` tall, by default 1/16 of the short side) is
    MIN_PERSON_INPUT_PX tall for the network. By default that is 384 input rows whatever the aspect
    ratio, so a 16:9 camera's people are as large for the network as a 4:3 camera's.

    >>> scene_input_size(768, 576), scene_input_size(1920, 1080), scene_input_size(1920, 1080, 30)
    (512, 704, 1536)
    """
    smallest = smallest_person_px or min(width, height) * SMALLEST_PERSON_SHARE
    return input_size_for(max(width, height), smallest)


def sized_for_frames(
    detector: Detector, width: int, height: int, smallest_person_px: float | None, imgsz: int | None
) -> Detector:
    """The detector at a camera's input size: from ``smallest_person_px`` when set, else the
    ``imgsz`` given (``--imgsz`` or ``detector.imgsz``), else :func:`scene_input_size`'s default;
    a detector of fixed input size as it is."""
    if (smallest_person_px is None and imgsz is not None) or not detector.resizable:
        return detector
    return SizedDetector(detector, scene_input_size(width, height, smallest_person_px))


class SizedDetector:
    """A detector run at one input size for every image of a camera (see :func:`input_size_for`)."""

    def __init__(self, detector: Detector, imgsz: int) -> None:
        self.detector, self.imgsz = detector, imgsz
        self.parallel, self.resizable = detector.parallel, detector.resizable
        self.name = f"{detector.name} at {imgsz}"

    def detect(self, image: np.ndarray, imgsz: int | None = None) -> sv.Detections:
        return self.detector.detect(image, imgsz or self.imgsz)


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


def is_ultralytics_onnx(path: Path) -> bool:
    """Ultralytics ONNX exports carry their class names in the model metadata."""
    import onnxruntime as ort

    try:
        meta = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta()
    except Exception:
        return False  # YoloxOnnxDetector reports the load error properly
    return "names" in meta.custom_metadata_map


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
