"""Counting accuracy over a grid of lines on the PETS clip, at its own speed and with its people
made faster (every N-th frame at the same frame rate): crowdcount's default, which paces
detection by how fast people move, against fixed strides.

The example's two lines see 45 ground-truth crossings, so one miscount moves their error by
2-17 %; the grid's 31 lines see about 600, and tell a real change in tracking from chance.

    python scripts/grid_accuracy.py [--speeds 1 2] [--strides 1 2 3] [--trackers bytetrack ocsort botsort]
    python scripts/grid_accuracy.py --speeds --cctv                 # only the clip as a 25 fps camera
    python scripts/grid_accuracy.py --json out/grid.json            # also every row as JSON

``--cctv`` adds the clip as a 25 fps city camera shows the same walkers (each 7 fps frame repeated:
people at their own speed, 3.6 times as many frames), paced and at ``--cctv-strides``; ``--walking
CLIP`` adds the 1440x1080 clip ``walking_speed_clip.py`` makes (the frames between interpolated), with
the ground truth scaled and interpolated the same way (``evaluate.tracks_between``).

At the clip's own speed it also scores the tracks against the ground truth (MOTA, IDF1, HOTA, by
``trackers.eval``), so trackers and their settings can be compared on identities and on counts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import supervision as sv

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
PETS = SHARED / "footage" / "pets09_s2l1"
EXAMPLE = ROOT / "examples" / "pets09.yaml"
FPS = 7.0  # PETS' real frame rate
WALKING_SCALE = 1440 / 768  # walking_speed_clip.py's frames against PETS'


def count_on_grid(
    video: Path,
    truth_tracks: dict[int, sv.Detections],
    model: Path,
    stride: int | None = None,
    tracker: str | None = None,
    gt: Path | None = None,
    imgsz: int | None = None,
    fps: float = FPS,
    scale: float = 1.0,
    example_lines: bool = False,
) -> dict[str, Any]:
    """Count ``video`` (PETS, or a copy scaled by ``scale``) on a 40-pixel grid of lines (and with
    ``example_lines``, the example's own lines too) with ``tracker`` (None: the config's default);
    the grid's miscounted share and bias, frames, and with the ``gt`` file of this very clip, MOTA,
    IDF1 and HOTA of its tracks; and what they rest on (``events``, ground-truth ``truth`` events,
    the ``record`` and ``camera``). ``truth_tracks`` and ``gt`` are in the video's own pixels."""
    from crowdcount.batch.recording import RunOptions, count_recording, probe_recording
    from crowdcount.config import load_config
    from crowdcount.detect.load import DetectorSpec
    from crowdcount.detect.models import ModelChoice
    from crowdcount.evaluate.mot import MotTrackWriter
    from crowdcount.evaluate.truth import (
        compare_lines,
        grid_lines,
        ground_truth_events,
        miscounts,
        tracking_metrics,
    )

    site = load_config(EXAMPLE)
    settings = site.counting if tracker is None else site.counting.model_copy(update={"tracker": tracker})
    example = site.cameras[0]

    def scaled(points: list) -> list:
        return [(x * scale, y * scale) for x, y in points]

    named = list(example.lines) if example_lines else []
    lines = [
        line.model_copy(update={"points": scaled(line.points)}) for line in [*named, *grid_lines(768, 576)]
    ]
    ignore = [region.model_copy(update={"polygon": scaled(region.polygon)}) for region in example.ignore]
    camera = example.model_copy(update={"lines": lines, "zones": [], "ignore": ignore, "counting": settings})
    spec = DetectorSpec(ModelChoice(str(model), "grid"), imgsz, site.detector.confidence)
    options = RunOptions(spec, stride=stride)
    recording = probe_recording(site, camera, video, fps)
    detector = spec.load()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        saved = MotTrackWriter(Path(folder) / "tracks.txt")
        outcome = count_recording(recording, camera, settings, detector, options, on_tracks=saved.write)
        seconds = time.perf_counter() - began
        saved.close()
        identities = tracking_metrics(gt, saved.path, saved.frames) if gt is not None else {}
    kept = ("MOTA", "IDF1", "HOTA", "ID switches", "track ids")
    identities = {k: v for k, v in identities.items() if k in kept}
    if outcome.record is None or recording.start is None:
        raise SystemExit(f"grid_accuracy: {video}: {outcome.reason}")
    truth = ground_truth_events(truth_tracks, camera, settings.anchor, recording.start, fps)
    table = compare_lines(truth, outcome.events, [line.id for line in camera.lines]).set_index("line")
    shown = {
        line.id: f"{table.at[line.id, 'counted_in']}/{table.at[line.id, 'counted_out']}" for line in named
    }
    grid = table.drop(index=list(shown)).reset_index()
    miscounted, bias = miscounts(grid)
    return {
        "miscounted": miscounted,
        "bias": bias,
        "crossings": int(grid[["gt_in", "gt_out"]].to_numpy().sum()),
        "detected": outcome.record.frames,
        "frames": len(truth_tracks),
        "read": outcome.frames_read,
        "seconds": seconds,
        "model": outcome.record.model,
        "lines": shown,
        **identities,
        "events": outcome.events,
        "truth": truth,
        "record": outcome.record,
        "camera": camera,
    }


def _scaled(boxes: sv.Detections, scale: float) -> sv.Detections:
    return sv.Detections(xyxy=boxes.xyxy * scale, confidence=boxes.confidence, tracker_id=boxes.tracker_id)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--speeds", type=int, nargs="*", default=[1, 2, 3], help="people this many times as fast"
    )
    parser.add_argument("--cctv", action="store_true", help="also the clip as a 25 fps camera films it")
    parser.add_argument(
        "--walking", type=Path, default=None, help="walking_speed_clip.py's clip, also counted"
    )
    parser.add_argument(
        "--cctv-strides", type=int, nargs="*", default=[1, 4, 7], help="fixed strides of the 25 fps clips"
    )
    parser.add_argument("--strides", type=int, nargs="*", default=[1, 2, 3], help="fixed strides to compare")
    default_model = ROOT / "src" / "crowdcount" / "weights" / "person-detection-0303"
    default_model = default_model / "person-detection-0303.xml"
    parser.add_argument("--model", type=Path, default=default_model, help="the default: the embedded model")
    parser.add_argument(
        "--trackers",
        nargs="+",
        default=["ocsort"],
        choices=["bytetrack", "ocsort", "botsort"],
        help="trackers to compare in turn",
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write every row here, for docs/measurements/"
    )
    args = parser.parse_args()
    for path in (PETS / "vtest.avi", PETS / "gt" / "gt.txt", args.model):
        if not path.exists():
            sys.exit(f"grid_accuracy: {path} not found (../shared absent? set CROWDCOUNT_SHARED)")
    from crowdcount.evaluate.truth import faster_clip, filmed_at, load_mot_tracks, tracks_between

    truth = load_mot_tracks(PETS / "gt" / "gt.txt")
    rows: list[dict[str, Any]] = []
    print(
        f"{'speed':>5} {'tracker':9} {'case':16} {'detected':>9} {'frames/s':>8} {'miscounted':>10} "
        f"{'bias':>7} {'MOTA':>5} {'IDF1':>5} {'HOTA':>5}"
    )
    with tempfile.TemporaryDirectory() as folder:
        clips = []  # (label, video, its ground-truth tracks, fps, MOT gt of this very clip, strides, scale)
        for speed in args.speeds:
            video, tracks = PETS / "vtest.avi", truth
            if speed > 1:
                video, tracks = faster_clip(video, Path(folder) / f"pets-x{speed}.avi", speed, truth)
            gt = PETS / "gt" / "gt.txt" if speed == 1 else None  # the faster clips' frames are renumbered
            clips.append((f"{speed:>4}x", video, tracks, FPS, gt, args.strides, 1.0))
        if args.cctv:
            video, tracks = filmed_at(PETS / "vtest.avi", Path(folder) / "pets-25fps.avi", FPS, 25, truth)
            clips.append(("25fps", video, tracks, 25.0, None, args.cctv_strides, 1.0))
        if args.walking:
            scaled = {frame: _scaled(boxes, WALKING_SCALE) for frame, boxes in truth.items()}
            tracks = tracks_between(scaled, FPS, 25)
            clips.append(("walk ", args.walking, tracks, 25.0, None, args.cctv_strides, WALKING_SCALE))
        for label, video, tracks, fps, gt, strides, scale in clips:
            for tracker in args.trackers:
                for stride in [None, *strides]:
                    result = count_on_grid(
                        video, tracks, args.model, stride, tracker, gt, fps=fps, scale=scale
                    )
                    case = "default (paced)" if stride is None else f"--stride {stride}"
                    detected = f"{result['detected']}/{result['frames']}"
                    identity = " ".join(
                        f"{100 * result[k]:5.1f}" if k in result else "    -"
                        for k in ("MOTA", "IDF1", "HOTA")
                    )
                    rate = result["frames"] / result["seconds"]
                    rows.append(
                        {
                            "clip": label.strip(),
                            "video": video.name,
                            "tracker": tracker,
                            "case": case,
                            "detected": result["detected"],
                            "frames": result["frames"],
                            "frames/s": round(rate, 1),
                            "miscounted": result["miscounted"],
                            "bias": result["bias"],
                            "crossings": result["crossings"],
                            **{k: result[k] for k in ("MOTA", "IDF1", "HOTA") if k in result},
                        }
                    )
                    print(
                        f"{label} {tracker:9} {case:16} {detected:>9} {rate:8.1f} "
                        f"{100 * result['miscounted']:9.1f}% {100 * result['bias']:+6.1f}% {identity}  "
                        f"({result['crossings']} crossings)",
                        flush=True,
                    )
    if args.json:
        sys.path.insert(0, str(ROOT / "scripts"))
        from bench import cpu_description

        report = {
            "command": " ".join(["python scripts/grid_accuracy.py", *sys.argv[1:]]),
            "model": args.model.name,
            "measured": datetime.now().isoformat(timespec="seconds"),
            "processor": cpu_description(),
            "rows": rows,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))
        print(f"-> {args.json}")


if __name__ == "__main__":
    main()
