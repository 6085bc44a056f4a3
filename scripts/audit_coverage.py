"""How well the audit's 95 % intervals hold the truth on real footage: the PETS clip counted by the
default (the example's two lines and the 31-line grid), each line's windows sampled again and again,
the sampled windows "reviewed" by the MOT ground truth (the ground-truth crossings in their frames),
and each interval checked against the line's ground-truth total.

    python scripts/audit_coverage.py [--samples 12] [--seconds 5] [--seeds 200]

Prints, per line and direction of the example and pooled over the grid: how often the interval held
the ground-truth total, its mean half-width, and the mean error of the raw count and of the corrected
estimate. The clip is 2 minutes, so 12 windows of 5 s review half of it; a festival day's audit
reviews a far smaller share (the finite-population correction scales the interval accordingly).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grid_accuracy import PETS, SHARED, count_on_grid


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=12, help="windows reviewed per line")
    parser.add_argument("--seconds", type=float, default=5.0, help="window length")
    parser.add_argument("--seeds", type=int, default=200, help="audits drawn per line")
    parser.add_argument(
        "--model", type=Path, default=SHARED / "models" / "pedestrian" / "bytetrack_nano.onnx"
    )
    args = parser.parse_args()
    for path in (PETS / "vtest.avi", PETS / "gt" / "gt.txt", args.model):
        if not path.exists():
            sys.exit(f"audit_coverage: {path} not found (../shared absent? set CROWDCOUNT_SHARED)")
    from crowdcount.audit import audit_counters, audit_windows, draw_sample
    from crowdcount.config import counter_infos
    from crowdcount.datatypes import AuditPlan, History, PlanItem, Review
    from crowdcount.evaluate.truth import load_mot_tracks

    run = count_on_grid(
        PETS / "vtest.avi", load_mot_tracks(PETS / "gt" / "gt.txt"), args.model, example_lines=True
    )
    history = History(run["events"], counter_infos(run["camera"]), [run["record"]])
    windows = audit_windows(history, args.seconds)
    truth = defaultdict(int)  # (line, direction, window frame_start) -> ground-truth crossings
    totals = defaultdict(int)
    starts = sorted({w.frame_start for w in windows})
    for event in run["truth"]:
        window_start = max(s for s in starts if s <= event.frame)
        truth[(event.counter, event.direction, window_start)] += 1
        totals[(event.counter, event.direction)] += 1
    reviews = {
        w.key: Review(truth[(w.counter, "in", w.frame_start)], truth[(w.counter, "out", w.frame_start)])
        for w in windows
    }
    tally: dict[str, list[tuple[bool, float, float, float]]] = defaultdict(list)
    for seed in range(args.seeds):
        sample = draw_sample(windows, args.samples, seed)
        plan = AuditPlan(
            datetime.now(UTC), args.seconds, args.samples, seed, "", [PlanItem(w, "", 0) for w in sample]
        )
        for audit in audit_counters(history, plan, reviews):
            for direction in ("in", "out"):
                found, gt = audit.estimates[direction], totals[(audit.counter, direction)]
                if gt == 0:
                    continue
                held = found.low <= gt <= found.high
                row = (
                    held,
                    (found.high - found.low) / 2 / gt,
                    abs(found.counted - gt) / gt,
                    abs(found.estimate - gt) / gt,
                )
                name = (
                    f"{audit.counter} {direction}" if not audit.counter[1:].isdigit() else "grid (31 lines)"
                )
                tally[name].append(row)
    print(
        f"PETS: {args.samples} of {len(starts)} windows of {args.seconds:g} s reviewed per line, "
        f"{args.seeds} audits each"
    )
    print(f"{'line':18} {'held':>6} {'half-width':>10} {'raw error':>9} {'corrected':>9}")
    for name, rows in sorted(tally.items(), key=lambda item: item[0].startswith("grid")):
        held = sum(r[0] for r in rows) / len(rows)
        mean = [sum(r[k] for r in rows) / len(rows) for k in (1, 2, 3)]
        print(
            f"{name:18} {100 * held:5.1f}% {100 * mean[0]:9.1f}% {100 * mean[1]:8.1f}% {100 * mean[2]:8.1f}%"
        )


if __name__ == "__main__":
    main()
