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
  non-reference frames skipped).

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
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
VIDEO = SHARED / "footage" / "pets09_s2l1" / "vtest_1440x1080_25fps.mp4"
PICTURE_TYPES = {1: "I", 2: "P", 3: "B"}  # FFmpeg's AVPictureType, as PyAV gives it
MODEL = SHARED / "models" / "pedestrian" / "bytetrack_nano.onnx"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """``work()``'s result, wall seconds and CPU seconds."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def detection_costs(video: Path, model: Path, frames: int) -> None:
    import cv2

    from crowdcount.detect import (
        DetectorPool,
        SizedDetector,
        YoloxOnnxDetector,
        detect_in_order,
        letterbox,
        scene_input_size,
    )

    capture = cv2.VideoCapture(str(video))
    images = [image for ok, image in (capture.read() for _ in range(frames)) if ok]
    capture.release()
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

    from crowdcount.detect import letterbox, scene_input_size

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

            def index(pts: int) -> int:
                return round((pts - first) * base * rate)

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
    args = parser.parse_args()
    for path in (args.video, args.model):
        if not path.is_file():
            sys.exit(f"cost_breakdown: {path} not found; pass --video/--model or set CROWDCOUNT_SHARED")
    detection_costs(args.video, args.model, args.frames)
    decode_costs(args.video)
    reader_costs(args.video, args.strides)


if __name__ == "__main__":
    main()
