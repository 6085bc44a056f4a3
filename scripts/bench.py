#!/usr/bin/env python3
"""Speed and accuracy of crowdcount against the usual alternatives, on one clip, in one run.

    .venv/bin/python scripts/bench.py                       # the PETS clip in ../shared, ~3-5 minutes
    .venv/bin/python scripts/bench.py --frames 200 --json out/bench.json

Each case runs ``--repeat`` times (default 3), each time in its own process (its peak memory is its
own), over the same clip and the same counting line(s) from the config, and prints one table row
with its fastest run (on a shared machine the least disturbed run is the truest):

* ``decode only``: OpenCV reading every frame, the floor no pipeline can beat;
* ``crowdcount``: the real per-file task (`crowdcount process`): its default settings (detection
  paced by how fast people move), then every frame, other backends, imgsz and stride. frames/s
  count video frames, detected or stepped over;
* ``supervision LineZone``: the loop supervision's docs show (frames generator, detector,
  ByteTrack from ``trackers``, ``LineZone.trigger``), with the COCO YOLOX-nano fed as YOLOX's
  own ONNX demo feeds it (the export's square 416x416 input, one onnxruntime session);
* ``ultralytics ObjectCounter``: ``solutions.ObjectCounter`` with a same-size YOLO11n. Official
  weights cannot be fetched here, so unless ``--yolo-weights`` names a real ``.pt`` it is built from
  its yaml (random weights): its frames/s are real (over its first 200 frames), its counts are not
  and are left out.

Counts are compared with the clip's MOT ground truth (``--gt``) counted on the same lines.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
PETS = SHARED / "footage" / "pets09_s2l1"
RANDOM_WEIGHT_FRAMES = 200
DEFAULT_CASE = "crowdcount default"
BASELINES = ("decode only", "supervision", "ultralytics", "previous default", "2026-12-01 default")
EMBEDDED = ROOT / "src" / "crowdcount" / "weights" / "person-detection-0303" / "person-detection-0303.xml"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _camera(config: str, scale: float = 1.0) -> Any:
    """The config's site and first camera, its lines and zones scaled by ``scale`` (a bigger copy of
    the clip: ``--scale 1.875`` for PETS at 1440x1080)."""
    from crowdcount.config import load_config

    site = load_config(config)
    camera = site.cameras[0]
    if scale != 1.0:

        def scaled(points: Any) -> list[list[float]]:
            return [[x * scale, y * scale] for x, y in points]

        camera = camera.model_copy(
            update={
                "lines": [x.model_copy(update={"points": scaled(x.points)}) for x in camera.lines],
                "zones": [z.model_copy(update={"polygon": scaled(z.polygon)}) for z in camera.zones],
            }
        )
    return site, camera


def _limit(frames: Any, limit: int | None) -> Any:
    for index, frame in enumerate(frames):
        if limit is not None and index >= limit:
            return
        yield frame


def case_decode(args: argparse.Namespace) -> dict[str, Any]:
    import cv2

    capture, frames = cv2.VideoCapture(args.video), 0
    began = time.perf_counter()
    while (args.frames is None or frames < args.frames) and capture.read()[0]:
        frames += 1
    return {"frames": frames, "seconds": time.perf_counter() - began}


def case_decode_pyav(args: argparse.Namespace, convert: bool) -> dict[str, Any]:
    """PyAV with FFmpeg's frame and slice threads; ``convert``: to BGR pixels as well."""
    import av

    frames = 0
    began = time.perf_counter()
    with av.open(args.video) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            if convert:
                frame.to_ndarray(format="bgr24")
            frames += 1
            if args.frames is not None and frames >= args.frames:
                break
    return {"frames": frames, "seconds": time.perf_counter() - began}


def case_crowdcount(
    args: argparse.Namespace,
    model: str,
    imgsz: int | None,
    stride: int | None,
    export: str | None = None,
    roi: bool = False,
    tracker: str | None = None,
) -> dict[str, Any]:
    """``roi``: ``--roi`` around the config's lines alone (its zones left out); ``tracker``: another
    than the config's."""
    from crowdcount.batch.recording import RunOptions, count_recording, probe_recording
    from crowdcount.detect.load import DetectorSpec
    from crowdcount.detect.models import ModelChoice

    site, camera = _camera(args.config, args.scale)
    if roi:
        camera = camera.model_copy(update={"zones": []})
    weights = _exported(model, export, imgsz) if export else model
    spec = DetectorSpec(ModelChoice(weights, "bench"), imgsz, site.detector.confidence)
    options = RunOptions(spec, stride, roi)
    recording = probe_recording(site, camera, Path(args.video), args.fps)
    detector = spec.load()
    began = time.perf_counter()
    reached = _Reached(_stopper(args))
    settings = site.counting_for(camera)
    if tracker is not None:
        settings = settings.model_copy(update={"tracker": tracker})
    outcome = count_recording(recording, camera, settings, detector, options, reached)
    seconds = time.perf_counter() - began
    counts = {line.id: {"in": 0, "out": 0} for line in camera.lines}
    for event in outcome.events:
        if event.kind == "cross":
            counts[event.counter][event.direction] += 1
    real = not model.endswith(".yaml")  # random weights count nothing worth comparing
    return {
        "frames": reached.index + 1,  # video frames, detected or stepped over
        "detections": outcome.record.frames if outcome.record else 0,
        "seconds": seconds,
        "counts": counts if real else None,
        "detector": detector.name,
    }


def _exported(model: str, fmt: str, imgsz: int | None) -> str:
    """``crowdcount export-model`` of a .pt (or of a yaml's random weights) in a temporary folder."""
    import tempfile

    os.environ["YOLO_VERBOSE"] = "False"  # before ultralytics is imported: no exporter log
    from crowdcount.detect.ultralytics import export_ultralytics

    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    weights = folder / (Path(model).stem + ".pt")
    if model.endswith(".yaml"):
        from ultralytics import YOLO

        YOLO(model).save(weights)
    else:
        weights.write_bytes(Path(model).read_bytes())
    return str(export_ultralytics(weights, fmt, imgsz))


class _Reached:
    """An ``on_frame`` that remembers the last video frame reached, and passes it on."""

    def __init__(self, then: Callable[[Any], None] | None) -> None:
        self.index, self.then = -1, then

    def __call__(self, info: Any) -> None:
        self.index = info.index
        if self.then is not None:
            self.then(info)


def _stopper(args: argparse.Namespace) -> Callable[[Any], None] | None:
    if args.frames is None:
        return None

    def stop_after(info: Any) -> None:
        if info.index + 1 >= args.frames:
            raise KeyboardInterrupt  # count_frames keeps what was counted and ends the source

    return stop_after


def case_supervision(args: argparse.Namespace, model: str) -> dict[str, Any]:
    import supervision as sv
    from trackers import ByteTrackTracker

    from crowdcount.detect.yolox import YoloxOnnxDetector

    site, camera = _camera(args.config, args.scale)
    # Fed as YOLOX's own ONNX demo feeds it: the export's square 416x416 input, one session.
    detector = YoloxOnnxDetector(model, confidence=site.detector.confidence, prepare=False)
    tracker = ByteTrackTracker()
    zones = {
        line.id: sv.LineZone(start=sv.Point(*line.points[0]), end=sv.Point(*line.points[-1]))
        for line in camera.lines
    }
    frames = 0
    began = time.perf_counter()
    for frame in _limit(sv.get_video_frames_generator(args.video), args.frames):
        detections = tracker.update(detector.detect(frame))
        for zone in zones.values():
            zone.trigger(detections)
        frames += 1
    seconds = time.perf_counter() - began
    # LineZone's "in" is the side left of start->end; each config line's in_direction is checked against it.
    counts = {}
    for line in camera.lines:
        zone = zones[line.id]
        (x0, y0), (x1, y1) = line.points[0], line.points[-1]
        same = (y1 - y0) * line.in_direction[0] - (x1 - x0) * line.in_direction[1] > 0
        counts[line.id] = {
            "in": zone.in_count if same else zone.out_count,
            "out": zone.out_count if same else zone.in_count,
        }
    return {"frames": frames, "seconds": seconds, "counts": counts, "detector": detector.name}


def case_ultralytics(args: argparse.Namespace, weights: str, imgsz: int) -> dict[str, Any]:
    os.environ["YOLO_VERBOSE"] = "False"  # no banner and no "No tracks found" per empty frame
    import cv2

    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_AUTOINSTALL", "0")
    from ultralytics import solutions

    site, camera = _camera(args.config)
    line = camera.lines[0]
    counter = solutions.ObjectCounter(
        model=weights,
        region=[tuple(p) for p in line.points],
        classes=[0],
        imgsz=imgsz,
        show=False,
        verbose=False,
        conf=site.detector.confidence,
    )
    capture, frames = cv2.VideoCapture(args.video), 0
    began = time.perf_counter()
    while args.frames is None or frames < args.frames:
        ok, image = capture.read()
        if not ok:
            break
        counter(image)
        frames += 1
    seconds = time.perf_counter() - began
    real = not weights.endswith(".yaml")
    counts = {line.id: {"in": counter.in_count, "out": counter.out_count}} if real else None
    return {
        "frames": frames,
        "seconds": seconds,
        "counts": counts,
        "detector": f"{Path(weights).name}@{imgsz}",
    }


def _run_case(queue: Any, function: Callable[..., dict[str, Any]], args: Any, extra: tuple) -> None:
    try:
        result = function(args, *extra)
        result["peak_mb"] = _peak_mb()
        queue.put(result)
    except Exception as error:  # a failing baseline is a row with its reason, not the end of the run
        queue.put({"error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"})


def run_case(
    function: Callable[..., dict[str, Any]], args: argparse.Namespace, *extra: Any
) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run_case, args=(queue, function, args, extra))
    process.start()
    result = queue.get()
    process.join()
    return result


def cpu_description() -> str:
    """The processor's model name and vector extensions (ONNX Runtime's speed depends on them)."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    name = fields.get("model name\t", platform.machine()).strip()
    flags = set(fields.get("flags\t\t", "").split())
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile")
    return f"{name} ({', '.join(f for f in wanted if f in flags) or 'no AVX2'})"


def ground_truth(args: argparse.Namespace) -> dict[str, dict[str, int]] | None:
    if not args.gt or not Path(args.gt).is_file():
        return None
    from crowdcount.evaluate.truth import ground_truth_events, load_mot_tracks

    site, camera = _camera(args.config)
    tracks = load_mot_tracks(args.gt)
    if args.frames is not None:
        tracks = {k: v for k, v in tracks.items() if k < args.frames}
    start = datetime.now(site.tz)
    counts = {line.id: {"in": 0, "out": 0} for line in camera.lines}
    for event in ground_truth_events(tracks, camera, site.counting_for(camera).anchor, start, 7.0):
        counts[event.counter][event.direction] += 1
    return counts


def error_pct(counts: dict | None, truth: dict | None) -> float | None:
    """Mean absolute error over the lines and directions that ground truth has, in percent."""
    if not counts or not truth:
        return None
    errors = [
        abs(counts[line][d] - truth[line][d]) / truth[line][d]
        for line in counts
        for d in ("in", "out")
        if line in truth and truth[line][d]
    ]
    return 100 * sum(errors) / len(errors) if errors else None


def speedups(rows: list[dict[str, Any]]) -> dict[str, float]:
    """frames/s of crowdcount's default over each baseline's, for the baselines measured in this run."""
    fps = {row["case"]: row["fps"] for row in rows if "fps" in row}
    default = next((v for k, v in fps.items() if k.startswith(DEFAULT_CASE)), None)
    if default is None:
        return {}
    return {k: default / v for k, v in fps.items() if k.startswith(BASELINES)}


def main() -> None:
    from crowdcount.cores import usable_cores

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--video", default=str(PETS / "vtest.avi"))
    parser.add_argument("--gt", default=str(PETS / "gt" / "gt.txt"))
    parser.add_argument("--config", default=str(ROOT / "examples" / "pets09.yaml"))
    parser.add_argument("--model", default=str(EMBEDDED), help="the default's model (the embedded one)")
    parser.add_argument(
        "--pedestrian-model",
        default=str(SHARED / "models" / "pedestrian" / "bytetrack_nano.onnx"),
        help="ByteTrack's pedestrian YOLOX-nano: the default until 2026-12-07",
    )
    parser.add_argument(
        "--coco-model",
        default=str(SHARED / "models" / "yolox_nano.onnx"),
        help="YOLOX-nano COCO: the previous default, and the supervision loop's",
    )
    parser.add_argument("--yolo-weights", default=None, help="a real Ultralytics .pt (default: yolo11n.yaml)")
    parser.add_argument("--fps", type=float, default=7.0, help="the clip's real frame rate")
    parser.add_argument("--frames", type=int, default=None, help="only the first N frames")
    scale_help = "the video is the config's clip this much bigger (1.875: PETS at 1440x1080)"
    parser.add_argument("--scale", type=float, default=1.0, help=scale_help)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the fastest is reported")
    only_help = "only the cases whose name contains one of these"
    parser.add_argument("--only", nargs="+", default=None, help=only_help)
    parser.add_argument("--json", default=str(ROOT / "out" / "bench.json"))
    args = parser.parse_args()
    paths = [
        (args.video, "--video"),
        (args.config, "--config"),
        (args.model, "--model"),
        (args.pedestrian_model, "--pedestrian-model"),
        (args.coco_model, "--coco-model"),
    ]
    for path, what in paths:
        if not Path(path).exists():
            sys.exit(
                f"bench: {what} {path} not found (../shared absent? set CROWDCOUNT_SHARED or pass {what})"
            )
    yolo = args.yolo_weights or "yolo11n.yaml"
    cases: list[tuple[str, Callable[..., dict[str, Any]], tuple]] = [
        ("decode only (OpenCV, to BGR)", case_decode, ()),
        ("decode only (PyAV, threads)", case_decode_pyav, (False,)),
        ("decode only (PyAV, threads, to BGR)", case_decode_pyav, (True,)),
        (
            f"{DEFAULT_CASE} (person-detection-0303, 384 rows, OC-SORT, paced)",
            case_crowdcount,
            (args.model, None, None),
        ),
        (
            "previous default: pedestrian YOLOX-nano, 384 rows, OC-SORT",
            case_crowdcount,
            (args.pedestrian_model, None, None),
        ),
        ("crowdcount, --stride 1 (every frame)", case_crowdcount, (args.model, None, 1)),
        ("crowdcount, --stride 4", case_crowdcount, (args.model, None, 4)),
        ("crowdcount, --roi around the lines", case_crowdcount, (args.model, None, None, None, True)),
        ("crowdcount, COCO YOLOX-nano, 384 rows, OC-SORT", case_crowdcount, (args.coco_model, None, None)),
        (
            "2026-12-01 default: COCO YOLOX-nano 416, ByteTrack",
            case_crowdcount,
            (args.coco_model, 416, None, None, False, "bytetrack"),
        ),
        ("crowdcount, Ultralytics YOLO11n 640", case_crowdcount, (yolo, 640, None)),
        ("crowdcount, Ultralytics YOLO11n 320", case_crowdcount, (yolo, 320, None)),
        ("crowdcount, YOLO11n 640 exported to OpenVINO", case_crowdcount, (yolo, 640, None, "openvino")),
        ("supervision LineZone + ByteTrack, COCO YOLOX", case_supervision, (args.coco_model,)),
        ("ultralytics ObjectCounter, YOLO11n 640", case_ultralytics, (yolo, 640)),
    ]
    truth = ground_truth(args)
    rows = []
    cpu = cpu_description()
    print(f"{Path(args.video).name}, {args.fps:g} fps, {usable_cores()} cores, {cpu}")
    print(f"{'case':48} {'frames/s':>9} {'x real time':>11} {'peak MB':>8} {'error %':>8}  in/out per line")
    cases = [case for case in cases if args.only is None or any(text in case[0] for text in args.only)]
    for name, function, extra in cases:
        random_weights = any(str(x).endswith(".yaml") for x in extra)
        case_args = argparse.Namespace(**vars(args))
        if random_weights:  # speed only: 200 frames tell it as well as the whole clip
            case_args.frames = min(args.frames or RANDOM_WEIGHT_FRAMES, RANDOM_WEIGHT_FRAMES)
        runs = [run_case(function, case_args, *extra) for _ in range(1 if random_weights else args.repeat)]
        result = min(runs, key=lambda r: r.get("seconds", float("inf")))  # the least disturbed run
        result["peak_mb"] = max(r.get("peak_mb", 0) for r in runs)
        result["case"] = name
        if "error" not in result:
            result["fps"] = result["frames"] / result["seconds"]
            result["realtime_factor"] = result["fps"] / args.fps
            result["error_pct"] = error_pct(result.get("counts"), truth)
            counts = result.get("counts")
            shown = (
                " ".join(f"{k} {v['in']}/{v['out']}" for k, v in counts.items())
                if counts
                else ("(random weights)" if "counts" in result else "-")
            )
            error = f"{result['error_pct']:.1f}" if result["error_pct"] is not None else "-"
            speed = f"{result['fps']:9.1f} {result['realtime_factor']:11.1f} {result['peak_mb']:8.0f}"
            print(f"{name:48} {speed} {error:>8}  {shown}")
        else:
            print(f"{name:48} failed: {result['error']}")
        rows.append(result)
    if truth:
        print(
            f"{'ground truth':48} {'':9} {'':11} {'':8} {'':>8}  "
            + " ".join(f"{k} {v['in']}/{v['out']}" for k, v in truth.items())
        )
    ratios = speedups(rows)
    for baseline, ratio in ratios.items():
        print(f"crowdcount default runs at {ratio:.2f}x the frames/s of: {baseline}")
    report = {
        "video": args.video,
        "fps": args.fps,
        "frames_limit": args.frames,
        "cpu_count": usable_cores(),
        "machine": platform.machine(),
        "processor": cpu,
        "ground_truth": truth,
        "measured": datetime.now().isoformat(timespec="seconds"),
        "cases": rows,
        "default_speedup_over": ratios,
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1))
    print(f"-> {args.json}")


if __name__ == "__main__":
    main()
