"""The README's detector x input size x tracker table, measured in one run on ../shared's clips.

For each case: detection precision and recall (IoU 0.5, confidence 0.3) on every 5th PETS frame
and on the 8 MOT17-04 frames; the whole PETS clip counted by the real per-file task (paced
detection, stitching on) on its two example lines and on the 31-line grid at once, with MOTA,
IDF1 and HOTA of its tracks by ``trackers.eval``; frames of video per second of that run (with
33 line counters, so below the bench's); the weights' licence and data terms.

    python scripts/detector_table.py [--cases default coco-416-bytetrack ...] [--clip-1440] [--slow]

``--clip-1440`` adds the default on the 1440x1080 H.264 copy of PETS at its declared 25 fps,
with lines, grid and ground truth scaled by 1.875. ``--slow`` adds the Ultralytics fall model
(YOLOv8s on PyTorch: about 0.4 s a frame here). Writes ``out/detector_table.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grid_accuracy import count_on_grid

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
MODELS = SHARED / "models"
PETS = SHARED / "footage" / "pets09_s2l1"
MOT17_04 = SHARED / "footage" / "mot17_mini" / "train" / "MOT17-04-FRCNN"
INTEL_CLIP = SHARED / "footage" / "intel_one_by_one" / "one-by-one-person-detection.mp4"
INTEL_VISITS = 6  # six people come to the table one at a time and leave (counted by eye on every 20th frame)
SCALE_1440 = 1440 / 768


@dataclass(frozen=True)
class Case:
    name: str
    model: str  # under ../shared/models
    imgsz: int | None  # None: from the scene (384 input rows)
    tracker: str


COCO, PEDESTRIAN = "yolox_nano.onnx", "pedestrian/bytetrack_nano.onnx"
RETAIL, FALL = "openvino/person-detection-retail-0013.xml", "ultralytics/fall_yolov8s.pt"
EMBEDDED = str(
    ROOT / "src" / "crowdcount" / "weights" / "person-detection-0303" / "person-detection-0303.xml"
)
INTEL_0202 = "intel/person-detection-0202/person-detection-0202.xml"
CASES = [
    Case("default", EMBEDDED, None, "ocsort"),  # person-detection-0303, embedded
    Case("0303-416-ocsort", EMBEDDED, 416, "ocsort"),
    Case("0303-640-ocsort", EMBEDDED, 640, "ocsort"),
    Case("0202-scene-ocsort", INTEL_0202, None, "ocsort"),
    Case("pedestrian-scene-ocsort", PEDESTRIAN, None, "ocsort"),  # the default until 2026-12-07
    Case("pedestrian-scene-bytetrack", PEDESTRIAN, None, "bytetrack"),
    Case("pedestrian-scene-botsort", PEDESTRIAN, None, "botsort"),
    Case("pedestrian-416-ocsort", PEDESTRIAN, 416, "ocsort"),
    Case("pedestrian-640-ocsort", PEDESTRIAN, 640, "ocsort"),
    Case("coco-scene-ocsort", COCO, None, "ocsort"),
    Case("coco-416-bytetrack", COCO, 416, "bytetrack"),  # the default until 2026-12-01
    Case("coco-640-ocsort", COCO, 640, "ocsort"),
    Case("retail0013-ocsort", RETAIL, None, "ocsort"),
]
SLOW = [Case("fall-640-ocsort", FALL, 640, "ocsort")]


def detection_figures(detector: Any, imgsz: int | None) -> dict[str, float]:
    """Precision and recall on every 5th PETS frame and on the MOT17-04 frames, at the size the
    per-file task would use for each (the scene's, unless ``imgsz`` is given)."""
    from crowdcount.detect.sizing import sized_for_frames
    from crowdcount.evaluate.truth import annotated_boxes, detection_scores

    figures: dict[str, float] = {}
    pets = annotated_boxes(PETS / "gt" / "gt.txt")
    capture, images = cv2.VideoCapture(str(PETS / "vtest.avi")), []
    for index in range(max(pets) + 1):
        ok, image = capture.read()
        if not ok:
            break
        if index % 5 == 0:
            images.append((image, pets.get(index, np.zeros((0, 4)))))
    mot = annotated_boxes(MOT17_04 / "gt" / "gt.txt")
    street = [(cv2.imread(str(p)), mot[int(p.stem) - 1]) for p in sorted((MOT17_04 / "img1").glob("*.jpg"))]
    for label, frames in (("PETS", images), ("MOT17-04", street)):
        height, width = frames[0][0].shape[:2]
        sized = sized_for_frames(detector, width, height, None, imgsz)
        found = [sized.detect(image) for image, _ in frames]
        figures[f"{label} precision"], figures[f"{label} recall"] = detection_scores(
            found, [t for _, t in frames]
        )
    return figures


def count_pets(case: Case, video: Path, fps: float, scale: float) -> dict[str, Any]:
    """Count ``video`` (PETS, or a copy scaled by ``scale``) on the example's lines and the grid
    (``grid_accuracy.count_on_grid``), against the PETS ground truth scaled the same."""
    from crowdcount.evaluate.truth import load_mot_tracks

    with tempfile.TemporaryDirectory() as folder:
        gt = Path(folder) / "gt.txt"
        rows = np.loadtxt(PETS / "gt" / "gt.txt", delimiter=",", ndmin=2)
        rows[:, 2:6] *= scale
        np.savetxt(gt, rows, delimiter=",", fmt="%.2f")
        run = count_on_grid(
            video,
            load_mot_tracks(gt),
            MODELS / case.model,
            tracker=case.tracker,
            gt=gt,
            imgsz=case.imgsz,
            fps=fps,
            scale=scale,
            example_lines=True,
        )
    return {
        "lines": run["lines"],
        "grid miscounted": run["miscounted"],
        "grid bias": run["bias"],
        "detected": run["detected"],
        "frames": run["read"],
        "frames/s": run["read"] / run["seconds"],
        "model": run["model"],
        **{k: run[k] for k in ("MOTA", "IDF1", "HOTA", "ID switches", "track ids")},
    }


def table_visits(case: Case) -> dict[str, int]:
    """Entries and exits of a zone around the table of Intel's indoor clip (768x432, 10 fps), where
    six people come one at a time and leave, counted by the real per-file task."""
    from crowdcount.batch.recording import RunOptions, count_recording, probe_recording
    from crowdcount.config import parse_config
    from crowdcount.detect.load import DetectorSpec
    from crowdcount.detect.models import ModelChoice

    site = parse_config(
        {
            "cameras": [
                {
                    "id": "table",
                    "zones": [{"id": "table", "polygon": [[300, 250], [620, 250], [620, 410], [300, 410]]}],
                }
            ]
        }
    )
    camera = site.cameras[0]
    spec = DetectorSpec(ModelChoice(str(MODELS / case.model), "table"), case.imgsz)
    options = RunOptions(spec)
    settings = site.counting_for(camera).model_copy(update={"tracker": case.tracker})
    outcome = count_recording(
        probe_recording(site, camera, INTEL_CLIP, 10.0), camera, settings, spec.load(), options
    )
    kinds = [event.kind for event in outcome.events]
    return {"entries": kinds.count("enter"), "exits": kinds.count("exit")}


def measure(case: Case, clip_1440: bool) -> dict[str, Any]:
    from crowdcount.detect.cards import card_for
    from crowdcount.detect.load import DetectorSpec
    from crowdcount.detect.models import ModelChoice

    path = MODELS / case.model
    detector = DetectorSpec(ModelChoice(str(path), "table"), case.imgsz).load()  # the card's confidence
    card = card_for(path)
    result: dict[str, Any] = {"case": case.name, "tracker": case.tracker, "imgsz": case.imgsz}
    result["licence"] = card.licence if card else "unknown"
    result["data terms"] = card.data_terms if card else ""
    result.update(detection_figures(detector, case.imgsz))
    result["PETS"] = count_pets(case, PETS / "vtest.avi", 7.0, 1.0)
    result["table visits"] = table_visits(case)
    if clip_1440:
        result["PETS 1440x1080 25 fps"] = count_pets(
            case, PETS / "vtest_1440x1080_25fps.mp4", 25.0, SCALE_1440
        )
    return result


def show(result: dict[str, Any], clip: str = "PETS") -> str:
    run = result[clip]
    lines = " ".join(f"{k} {v}" for k, v in run["lines"].items())
    street = f"{result['MOT17-04 precision']:.2f}/{result['MOT17-04 recall']:.2f}"
    return (
        f"{result['case']:28} {clip:22} {run['model']:52} P/R PETS {result['PETS precision']:.2f}/"
        f"{result['PETS recall']:.2f} MOT17-04 {street}"
        f"  MOTA {100 * run['MOTA']:.1f} IDF1 {100 * run['IDF1']:.1f} HOTA {100 * run['HOTA']:.1f}"
        f"  {lines}  grid {100 * run['grid miscounted']:.1f}% ({100 * run['grid bias']:+.1f}%)"
        f"  {run['detected']}/{run['frames']} detected  {run['frames/s']:.1f} fps"
        f"  table visits {result['table visits']['entries']}/{result['table visits']['exits']} (GT 6/6)"
    )


LABELS = {
    COCO: "YOLOX-nano COCO",
    PEDESTRIAN: "pedestrian YOLOX-nano",
    FALL: "YOLOv8s fall",
    RETAIL: "person-detection-retail-0013",
    EMBEDDED: "person-detection-0303 (embedded)",
    INTEL_0202: "person-detection-0202",
}


def markdown(results: list[dict[str, Any]]) -> list[str]:
    """The README's table rows, one per case and clip."""
    rows = [
        "| detector | input | tracker | clip | PETS P / R | MOT17-04 P / R | MOTA | IDF1 | HOTA "
        "| lamppost, west in/out (GT 14/17, 6/8) | grid miscounted (bias) | detected | frames/s "
        "| table visits (GT 6/6) | licence |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    cases = {case.name: case for case in CASES + SLOW}
    for result in results:
        case = cases[result["case"]]
        size = f"--imgsz {case.imgsz}" if case.imgsz else "384 rows"
        for clip, shown in (("PETS", "768x576 7 fps"), ("PETS 1440x1080 25 fps", "1440x1080 25 fps")):
            if clip not in result:
                continue
            run = result[clip]
            bold = "**" if case.name == "default" else ""
            terms = "; non-commercial training data" if "non-commercial" in result["data terms"] else ""
            rows.append(
                f"| {bold}{LABELS[case.model]}{bold} | {size} | {case.tracker} | {shown} "
                f"| {result['PETS precision']:.2f} / {result['PETS recall']:.2f} "
                f"| {result['MOT17-04 precision']:.2f} / {result['MOT17-04 recall']:.2f} "
                f"| {100 * run['MOTA']:.1f} | {bold}{100 * run['IDF1']:.1f}{bold} | {100 * run['HOTA']:.1f} "
                f"| {', '.join(run['lines'].values())} "
                f"| {bold}{100 * run['grid miscounted']:.1f} %{bold} ({100 * run['grid bias']:+.1f} %) "
                f"| {run['detected']} / {run['frames']} | {run['frames/s']:.0f} "
                f"| {result['table visits']['entries']} / {result['table visits']['exits']} "
                f"| {result['licence']}{terms} |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    known = [case.name for case in CASES + SLOW]
    parser.add_argument(
        "--cases", nargs="+", choices=known, help="only these cases (default: all but --slow)"
    )
    parser.add_argument("--clip-1440", action="store_true", help="also count the 1440x1080 25 fps copy")
    parser.add_argument("--slow", action="store_true", help="add the Ultralytics fall model")
    parser.add_argument("--markdown", type=Path, help="only print the README rows of this earlier JSON")
    args = parser.parse_args()
    if args.markdown:
        print("\n".join(markdown(json.loads(args.markdown.read_text(encoding="utf-8")))))
        return
    chosen = (
        [c for c in CASES + SLOW if c.name in args.cases]
        if args.cases
        else CASES + (SLOW if args.slow else [])
    )
    for path in (
        PETS / "vtest.avi",
        PETS / "gt" / "gt.txt",
        MOT17_04 / "gt" / "gt.txt",
        INTEL_CLIP,
        *(MODELS / c.model for c in chosen),
    ):
        if not path.exists():
            sys.exit(f"detector_table: {path} not found (../shared absent? set CROWDCOUNT_SHARED)")
    os.environ.setdefault("YOLO_OFFLINE", "1")
    results = []
    for case in chosen:
        result = measure(case, args.clip_1440 and case.name == "default")
        results.append(result)
        print(show(result), flush=True)
        if "PETS 1440x1080 25 fps" in result:
            print(show(result, "PETS 1440x1080 25 fps"), flush=True)
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / "detector_table.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"-> {out / 'detector_table.json'}")
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
