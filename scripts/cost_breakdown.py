#!/usr/bin/env python3
"""Where a recording's processing time goes: one detection, and decoding the whole clip, in one run.

    .venv/bin/python scripts/cost_breakdown.py                  # the 1440x1080 PETS copy in ../shared
    .venv/bin/python scripts/cost_breakdown.py --video CLIP.mp4 --frames 60

Prints, for the default detector at the input size the camera gets:

* one detection on one ONNX Runtime thread (and the letterbox's share of it), then the default's
  pool of two single-threaded sessions (``DetectorPool`` through ``detect_in_order``), as ms a frame;
* the CPU time of decoding every frame: OpenCV to BGR, OpenCV grabbing only, PyAV with FFmpeg's
  threads, and PyAV skipping the non-reference frames (what a reader could save on frames the
  pacer steps over), with how many frames of each picture type the clip has;
* at fixed strides (``--strides``), the CPU time of handing the detector its input: today's reader
  against the PyAV readers issue #17 proposed (converted and resized in the decode thread,
  non-reference frames skipped);
* cheaper arithmetic for the same detector on one thread: ONNX Runtime's int8 quantization of the
  convolutions (per channel, the output convolutions kept in float; static, calibrated on the timed
  frames, and dynamic) and OpenVINO in f32 and bf16 (bf16 runs on AMX where the processor has it),
  each against float ONNX Runtime, with how many of float's people each finds again
  (``--precision``: only this part).

The README's "Measured" section quotes it; compare rows of one run, never runs of different days.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
VIDEO = SHARED / "footage" / "pets09_s2l1" / "vtest_1440x1080_25fps.mp4"
PICTURE_TYPES = {1: "I", 2: "P", 3: "B"}  # FFmpeg's AVPictureType, as PyAV gives it
MODEL = SHARED / "models" / "pedestrian" / "bytetrack_nano.onnx"
PEOPLE_AT = 0.5  # a person score that counts as a person found, comparing arithmetic


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """``work()``'s result, wall seconds and CPU seconds."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def first_frames(video: Path, frames: int) -> list[Any]:
    """The first ``frames`` frames of ``video``, decoded to BGR."""
    import cv2

    capture = cv2.VideoCapture(str(video))
    images = [image for ok, image in (capture.read() for _ in range(frames)) if ok]
    capture.release()
    return images


def detection_costs(video: Path, model: Path, frames: int) -> None:

    from crowdcount.detect.base import letterbox
    from crowdcount.detect.pool import DetectorPool, detect_in_order
    from crowdcount.detect.sizing import SizedDetector, scene_input_size
    from crowdcount.detect.yolox import YoloxOnnxDetector

    images = first_frames(video, frames)
    height, width = images[0].shape[:2]
    size = scene_input_size(width, height)
    pair = [YoloxOnnxDetector(model, threads=1) for _ in range(2)]
    for image in images[:3]:
        pair[0].detect(image, size)
    _, letterboxing, _ = timed(lambda: [letterbox(image, size, 32) for image in images])
    _, one, _ = timed(lambda: [pair[0].detect(image, size) for image in images])

    pool = SizedDetector(DetectorPool(list(pair)), size)  # what the default runs on two cores
    _, both, _ = timed(lambda: list(detect_in_order(images, pool, lambda image: image)))
    n = len(images)
    print(f"{model.name} at {size} ({width}x{height} frames), {n} frames")
    share = f"letterbox {letterboxing / n * 1000:.1f} ms"
    print(f"  one detection, one thread   {one / n * 1000:6.1f} ms ({share})")
    print(f"  pool of two sessions        {both / n * 1000:6.1f} ms a frame ({n / both:.0f}/s)")


def precision_costs(video: Path, model: Path, frames: int) -> None:
    """One detection's inference on one thread in cheaper arithmetic, against float ONNX Runtime."""
    import shutil
    import tempfile

    import numpy as np
    import onnx
    import onnxruntime as ort
    import openvino as ov
    import supervision as sv
    from onnx import version_converter
    from onnxruntime import quantization as q

    from crowdcount.detect.base import letterbox
    from crowdcount.detect.cards import card_for
    from crowdcount.detect.sizing import scene_input_size
    from crowdcount.detect.yolox import decode_yolox, yolox_for_people

    images = first_frames(video, frames)
    size = scene_input_size(images[0].shape[1], images[0].shape[0])
    inputs = [letterbox(image, size, 32)[0][None] for image in images]  # the prepared graph's uint8 HWC
    folder = Path(tempfile.mkdtemp(prefix="crowdcount-precision-"))
    float_model, static, dynamic = (folder / f"{kind}.onnx" for kind in ("float", "static", "dynamic"))
    prepared = onnx.load_from_string(yolox_for_people(model, card_for(model)))
    onnx.save(version_converter.convert_version(prepared, 13), float_model)  # 13: per-channel int8
    name = prepared.graph.input[0].name

    class Calibration(q.CalibrationDataReader):
        def __init__(self) -> None:
            self.left = iter(inputs)

        def get_next(self) -> dict[str, np.ndarray] | None:
            tensor = next(self.left, None)
            return None if tensor is None else {name: tensor}

    head = [node.name for node in prepared.graph.node if "_preds" in node.name]  # the outputs stay float
    convolutions = {"op_types_to_quantize": ["Conv"], "nodes_to_exclude": head, "per_channel": True}
    types = {"activation_type": q.QuantType.QUInt8, "weight_type": q.QuantType.QInt8}  # x86's fast pair
    q.quantize_static(float_model, static, Calibration(), **convolutions, **types)
    q.quantize_dynamic(float_model, dynamic, **convolutions, weight_type=q.QuantType.QUInt8)

    def onnxruntime(path: Path) -> Callable[[np.ndarray], np.ndarray]:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        return lambda tensor: session.run(None, {name: tensor})[0]

    def openvino(precision: str) -> Callable[[np.ndarray], np.ndarray]:
        graph = ov.Core().read_model(float_model)
        graph.reshape(list(inputs[0].shape))
        settings = {"INFERENCE_NUM_THREADS": 1, "NUM_STREAMS": 1, "INFERENCE_PRECISION_HINT": precision}
        request = ov.Core().compile_model(graph, "CPU", settings).create_infer_request()
        return lambda tensor: request.infer([tensor])[0]

    def people(output: np.ndarray) -> np.ndarray:
        return decode_yolox(output[0], inputs[0].shape[1:3], 1.0, PEOPLE_AT).xyxy

    def kept(boxes: np.ndarray, reference: np.ndarray) -> int:
        """How many of the float model's people a variant finds again (IoU 0.7 or more)."""
        if not len(boxes) or not len(reference):
            return 0
        return int((sv.box_iou_batch(reference, boxes).max(axis=1) >= 0.7).sum())

    cases = {
        "ONNX Runtime, float (the default)": onnxruntime(float_model),
        "ONNX Runtime, int8 static": onnxruntime(static),
        "ONNX Runtime, int8 dynamic": onnxruntime(dynamic),
        "OpenVINO, f32": openvino("f32"),
        "OpenVINO, bf16": openvino("bf16"),
    }
    reference = [people(cases["ONNX Runtime, float (the default)"](tensor)) for tensor in inputs]
    found = sum(len(boxes) for boxes in reference)
    shape = f"{inputs[0].shape[2]}x{inputs[0].shape[1]}"
    print(f"one detection in cheaper arithmetic, one thread, {len(inputs)} frames at {shape}, {found} people")
    for label, run in cases.items():
        run(inputs[0])  # warm up
        outputs, wall, _ = timed(partial(list, map(run, inputs)))  # mapped in timed
        boxes = [people(output) for output in outputs]
        again = sum(kept(b, r) for b, r in zip(boxes, reference, strict=True))
        others = sum(len(b) for b in boxes) - again
        speed = f"{wall / len(inputs) * 1000:6.1f} ms"
        print(f"  {label:<34} {speed}  float's people found again {again / found:6.1%}, {others} others")
    shutil.rmtree(folder)


def decode_costs(video: Path) -> None:
    import av
    import cv2

    def opencv(read: bool) -> int:
        capture, count = cv2.VideoCapture(str(video)), 0
        while capture.read()[0] if read else capture.grab():
            count += 1
        capture.release()
        return count

    def pyav(skip: Literal["DEFAULT", "NONREF"], types: Counter[str]) -> int:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            stream.codec_context.skip_frame = skip
            count = 0
            for frame in container.decode(stream):
                types[PICTURE_TYPES.get(int(frame.pict_type), "other")] += 1
                count += 1
            return count

    every: Counter[str] = Counter()
    cases: list[tuple[str, Callable[[], int]]] = [
        ("OpenCV, to BGR", lambda: opencv(True)),
        ("OpenCV, grab only", lambda: opencv(False)),
        ("PyAV, threads", lambda: pyav("DEFAULT", every)),
        ("PyAV, threads, non-reference skipped", lambda: pyav("NONREF", Counter())),
    ]
    print(f"decoding {video.name}")
    for name, work in cases:
        count, wall, cpu = timed(work)
        print(f"  {name:<38} {count:5d} frames  {wall:5.2f} s  CPU {cpu:5.2f} s")
    print("  picture types: " + ", ".join(f"{kind} {n}" for kind, n in sorted(every.items())))


def reader_costs(video: Path, strides: list[int]) -> None:
    """CPU time of handing the detector its input at a fixed stride, every way tried for issue #17:
    what the reader does now (OpenCV: read wanted frames, grab the rest; letterbox), PyAV to BGR,
    PyAV resizing the YUV planes before converting (the detector's size, in the decode thread), and
    PyAV skipping the non-reference frames it steps over (knowing every wanted frame in advance,
    which a paced reader cannot: the best case)."""
    import av
    import cv2
    import numpy as np

    from crowdcount.detect.base import letterbox
    from crowdcount.detect.sizing import scene_input_size

    capture = cv2.VideoCapture(str(video))
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    capture.release()
    size = scene_input_size(width, height)
    small = letterbox(np.zeros((height, width, 3), np.uint8), size, 32)[0].shape[1::-1]  # (w, h)

    def opencv(wanted: Callable[[int], bool]) -> int:
        capture, index, got = cv2.VideoCapture(str(video)), 0, 0
        while True:
            if wanted(index):
                ok, image = capture.read()
                if not ok:
                    break
                letterbox(image, size, 32)
                got += 1
            elif not capture.grab():
                break
            index += 1
        capture.release()
        return got

    def yuv_resized(frame: Any) -> np.ndarray:
        planes = frame.to_ndarray(format="yuv420p")  # Y, then U and V at half size, no conversion
        rows = frame.height
        chroma = planes[rows:].reshape(2, rows // 2, frame.width // 2)
        y = cv2.resize(planes[:rows], small, interpolation=cv2.INTER_LINEAR)
        u, v = (cv2.resize(c, (small[0] // 2, small[1] // 2), interpolation=cv2.INTER_LINEAR) for c in chroma)
        i420 = np.concatenate([y, u.reshape(-1, small[0]), v.reshape(-1, small[0])])
        return cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)

    def pyav(wanted: Callable[[int], bool], convert: str, skip: bool = False) -> int:
        got = 0
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            rate, base, first = stream.average_rate, stream.time_base, stream.start_time or 0
            assert rate is not None and base is not None, f"{video}: no frame rate or time base"

            def index(pts: int | None) -> int:
                return round(((pts or 0) - first) * base * rate)

            for packet in container.demux(stream):
                if skip and packet.pts is not None:
                    stream.codec_context.skip_frame = "DEFAULT" if wanted(index(packet.pts)) else "NONREF"
                for frame in packet.decode():
                    if wanted(index(frame.pts)):
                        if convert == "bgr":
                            letterbox(frame.to_ndarray(format="bgr24"), size, 32)
                        else:
                            yuv_resized(frame)
                        got += 1
        return got

    print(f"handing the detector its {small[0]}x{small[1]} input, CPU seconds for the whole clip")
    for stride in strides:

        def wanted(index: int, stride: int = stride) -> bool:
            return index % stride == 0

        cases: list[tuple[str, Callable[[], int]]] = [
            ("OpenCV read + letterbox (today)", lambda: opencv(wanted)),
            ("PyAV threads, to BGR + letterbox", lambda: pyav(wanted, "bgr")),
            ("PyAV threads, YUV planes resized", lambda: pyav(wanted, "yuv")),
            ("the same, non-reference skipped", lambda: pyav(wanted, "yuv", skip=True)),
        ]
        for name, work in cases:
            count, wall, cpu = timed(work)
            print(f"  stride {stride}  {name:<34} {count:5d} frames  {wall:5.2f} s  CPU {cpu:5.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--video", type=Path, default=VIDEO)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--frames", type=int, default=60, help="frames to time the detector on")
    parser.add_argument("--strides", type=int, nargs="+", default=[1, 2, 4], help="strides to time readers")
    parser.add_argument("--precision", action="store_true", help="only time cheaper arithmetic (int8, bf16)")
    args = parser.parse_args()
    for path in (args.video, args.model):
        if not path.is_file():
            sys.exit(f"cost_breakdown: {path} not found; pass --video/--model or set CROWDCOUNT_SHARED")
    if not args.precision:
        detection_costs(args.video, args.model, args.frames)
        decode_costs(args.video)
        reader_costs(args.video, args.strides)
    precision_costs(args.video, args.model, args.frames)


if __name__ == "__main__":
    main()
