"""Choose a model card's score map and input size by counting: the PETS clip counted on the 31-line
grid and the example's two lines (``grid_accuracy.count_on_grid``) for each raw score that is to count
as 0.5 (the score at which the tracker starts a track) and each input size, with IDF1 and MOTA of the
tracks. How ``person-detection-0303``'s built-in card got ``confidence_map: [[0.3, 0.5]]`` and 384
input rows (docs/models.md); a city can run it on its own model the same way.

    python scripts/calibrate_card.py [--model WEIGHTS] [--raw 0.25 0.3 0.35] [--sizes 416 480 512 576 640]

Each run copies the weights (and an OpenVINO ``.bin``) to a temporary folder with a card beside them
that differs only in ``confidence_map``. Prints one line per case and writes ``out/calibrate_card.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grid_accuracy import PETS, ROOT, count_on_grid

EMBEDDED = ROOT / "src" / "crowdcount" / "weights" / "person-detection-0303" / "person-detection-0303.xml"


def main() -> None:
    from crowdcount.detect.cards import ModelCard, card_for
    from crowdcount.evaluate.truth import load_mot_tracks

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=EMBEDDED)
    parser.add_argument(
        "--raw", type=float, nargs="+", default=[0.25, 0.3, 0.35], help="scores mapped to 0.5"
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[416, 480, 512, 576, 640], help="long sides")
    args = parser.parse_args()
    if not (PETS / "gt" / "gt.txt").exists():
        sys.exit(f"calibrate_card: {PETS} not found (../shared absent? set CROWDCOUNT_SHARED)")
    truth = load_mot_tracks(PETS / "gt" / "gt.txt")
    card = card_for(args.model) or ModelCard(args.model.name)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        weights = Path(folder) / args.model.name
        for companion in (args.model, args.model.with_suffix(".bin")):
            if companion.is_file():
                shutil.copy(companion, Path(folder) / companion.name)
        for raw in args.raw:
            trial = asdict(replace(card, confidence_map=((raw, 0.5),)))
            card_text = yaml.safe_dump({k: v for k, v in trial.items() if v is not None}, allow_unicode=True)
            Path(f"{weights}.card.yaml").write_text(card_text, encoding="utf-8")
            for size in args.sizes:
                run = count_on_grid(
                    PETS / "vtest.avi",
                    truth,
                    weights,
                    imgsz=size,
                    gt=PETS / "gt" / "gt.txt",
                    example_lines=True,
                )
                row = {
                    "raw score counted as 0.5": raw,
                    "input": size,
                    "lines": run["lines"],
                    "grid miscounted": run["miscounted"],
                    "grid bias": run["bias"],
                    "IDF1": run["IDF1"],
                    "MOTA": run["MOTA"],
                    "detected": run["detected"],
                }
                results.append(row)
                lines = " ".join(f"{k} {v}" for k, v in run["lines"].items())
                print(
                    f"raw {raw:.2f} -> 0.5  input {size:4d}  grid {100 * run['miscounted']:.1f} % "
                    f"({100 * run['bias']:+.1f} %)  IDF1 {100 * run['IDF1']:.1f}  "
                    f"MOTA {100 * run['MOTA']:.1f}  "
                    f"{lines}  {run['detected']} detected",
                    flush=True,
                )
    out = ROOT / "out" / "calibrate_card.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"-> {out}")


if __name__ == "__main__":
    main()
