"""Counting accuracy over a grid of lines on the PETS clip, at its own speed and with its people
made faster (every N-th frame at the same frame rate): crowdcount's default, which paces
detection by how fast people move, against fixed strides.

The example's two lines see 45 ground-truth crossings, so one miscount moves their error by
2-17 %; the grid's 31 lines see about 600, and tell a real change in tracking from chance.

    python scripts/grid_accuracy.py [--speeds 1 2] [--strides 1 2 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import supervision as sv

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
PETS = SHARED / "footage" / "pets09_s2l1"
EXAMPLE = ROOT / "examples" / "pets09.yaml"
FPS = 7.0  # PETS' real frame rate


def count_on_grid(
    video: Path, truth_tracks: dict[int, sv.Detections], model: Path, stride: int | None = None
) -> dict[str, Any]:
    """Count ``video`` (PETS-sized) on a 40-pixel grid of lines; miscounted share, bias, frames."""
    from crowdcount.config import load_config
    from crowdcount.detect import DetectorSpec, ModelChoice
    from crowdcount.evaluate import compare_lines, grid_lines, ground_truth_events, miscounts
    from crowdcount.recording import RunOptions, count_recording, probe_recording

    site = load_config(EXAMPLE)
    camera = site.cameras[0].model_copy(update={"lines": grid_lines(768, 576), "zones": []})
    settings = site.counting_for(camera)
    spec = DetectorSpec(ModelChoice(str(model), "grid"), confidence=site.detector.confidence)
    options = RunOptions(spec, stride=stride)
    recording = probe_recording(site, camera, video, FPS)
    detector = spec.load()
    began = time.perf_counter()
    outcome = count_recording(recording, camera, settings, detector, options)
    seconds = time.perf_counter() - began
    if outcome.record is None or recording.start is None:
        raise SystemExit(f"grid_accuracy: {video}: {outcome.reason}")
    truth = ground_truth_events(truth_tracks, camera, settings.anchor, recording.start, FPS)
    table = compare_lines(truth, outcome.events, [line.id for line in camera.lines])
    miscounted, bias = miscounts(table)
    return {
        "miscounted": miscounted, "bias": bias, "crossings": int(table[["gt_in", "gt_out"]].to_numpy().sum()),
        "detected": outcome.record.frames, "frames": len(truth_tracks), "seconds": seconds,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--speeds", type=int, nargs="+", default=[1, 2, 3], help="people this many times as fast"
    )
    parser.add_argument("--strides", type=int, nargs="+", default=[1, 2, 3], help="fixed strides to compare")
    parser.add_argument("--model", type=Path, default=SHARED / "models" / "yolox_nano.onnx")
    args = parser.parse_args()
    for path in (PETS / "vtest.avi", PETS / "gt" / "gt.txt", args.model):
        if not path.exists():
            sys.exit(f"grid_accuracy: {path} not found (../shared absent? set CROWDCOUNT_SHARED)")
    from crowdcount.evaluate import faster_clip, load_mot_tracks

    truth = load_mot_tracks(PETS / "gt" / "gt.txt")
    print(f"{'speed':>5} {'case':22} {'detected':>13} {'frames/s':>9} {'miscounted':>10} {'bias':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for speed in args.speeds:
            video, tracks = PETS / "vtest.avi", truth
            if speed > 1:
                video, tracks = faster_clip(video, Path(folder) / f"pets-x{speed}.avi", speed, truth)
            for stride in [None, *args.strides]:
                result = count_on_grid(video, tracks, args.model, stride)
                case = "default (paced)" if stride is None else f"--stride {stride}"
                detected = f"{result['detected']}/{result['frames']}"
                print(
                    f"{speed:>4}x {case:22} {detected:>13} {result['frames'] / result['seconds']:9.1f} "
                    f"{100 * result['miscounted']:9.1f}% {100 * result['bias']:+6.1f}%  "
                    f"({result['crossings']} crossings)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
