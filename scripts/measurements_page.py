"""Write docs/measurements.md from the measuring scripts' own JSON output, never re-typed.

    .venv/bin/python scripts/measurements_page.py

Each section names the command that wrote its JSON; a new measurement is its JSON copied into
docs/measurements/ (the scripts write to out/) and this script run again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "docs" / "measurements"
PAGE = ROOT / "docs" / "measurements.md"

DETECTOR_TABLE = (
    "python scripts/detector_table.py --cases default 0303-416-ocsort 0303-640-ocsort 0202-scene-ocsort "
    "pedestrian-scene-ocsort coco-scene-ocsort retail0013-ocsort"
)
BENCH_ONLY = '--repeat 2 --only "decode only (OpenCV" "crowdcount default" "previous default" "supervision"'
BENCH = {
    "bench_pets.json": f"python scripts/bench.py {BENCH_ONLY} --json out/bench_pets.json",
    "bench_walking.json": (
        "python scripts/bench.py --video ../shared/footage/pets09_s2l1/vtest_1440x1080_25fps_walking.mp4 "
        f"--fps 25 --scale 1.875 {BENCH_ONLY} --json out/bench_walking.json"
    ),
}
YEAR = "python scripts/year_benchmark.py"


def read(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def percent(value: float | None, sign: str = "") -> str:
    return "-" if value is None else f"{100 * value:{sign}.1f}"


def detectors() -> list[str]:
    rows = read("detector_table.json")
    out = [
        "## Counting and tracking, by detector",
        "",
        f"`{DETECTOR_TABLE}` (writes `out/detector_table.json`). Detection precision / recall at IoU 0.5 on "
        "every 5th PETS frame and the 8 MOT17-04 frames; the whole PETS clip (795 frames, 7 fps) counted by "
        "the real per-file task on its two example lines (ground truth lamppost 14/17, west 6/8 in/out) and "
        "a grid of 31 lines (about 600 crossings), with MOTA, IDF1 and HOTA of its tracks; the zone visits "
        "of a table in Intel's indoor clip (ground truth 6/6). `default` is the embedded "
        "person-detection-0303.",
        "",
        "| case | licence, data terms | PETS P / R | MOT17-04 P / R | lines (lamppost, west) "
        "| grid miscounted (bias) % | MOTA | IDF1 | HOTA | ID switches | frames/s | table visits |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        pets = row["PETS"]
        terms = ", ".join(filter(None, [row["licence"], row["data terms"]]))
        lines = ", ".join(pets["lines"].values())
        visits = row.get("table visits") or {}
        out.append(
            f"| {row['case']} | {terms} | {row['PETS precision']:.2f} / {row['PETS recall']:.2f} | "
            f"{row['MOT17-04 precision']:.2f} / {row['MOT17-04 recall']:.2f} | {lines} | "
            f"{percent(pets['grid miscounted'])} ({percent(pets['grid bias'], '+')}) | "
            f"{percent(pets['MOTA'])} | {percent(pets['IDF1'])} | {percent(pets['HOTA'])} | "
            f"{pets['ID switches']} | {pets['frames/s']:.1f} | "
            f"{visits.get('entries', '-')}/{visits.get('exits', '-')} |"
        )
    return out


def speed(name: str, title: str) -> list[str]:
    bench = read(name)
    out = [
        f"## Speed: {title}",
        "",
        f"`{BENCH[name]}`: {Path(bench['video']).name} at {bench['fps']:g} fps, measured {bench['measured']} "
        f"on {bench['cpu_count']} cores ({bench['processor']}); each case in its own process, the faster "
        "of two runs kept. Frames/s are frames of the video per second (detected or stepped over); error "
        "is the mean absolute error of in and out on the two example lines.",
        "",
        "| case | frames/s | x real time | peak MB | error % | in/out per line | detected |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in bench["cases"]:
        counts = " ".join(f"{line} {c['in']}/{c['out']}" for line, c in (case.get("counts") or {}).items())
        error = "-" if case.get("error_pct") is None else f"{case['error_pct']:.1f}"
        detected = f"{case['detections']} of {case['frames']}" if case.get("detections") else "-"
        out.append(
            f"| {case['case']} | {case['fps']:.1f} | {case['realtime_factor']:.1f} | {case['peak_mb']:.0f} | "
            f"{error} | {counts or '-'} | {detected} |"
        )
    ratios = ", ".join(f"{ratio:.2f}x {case}" for case, ratio in bench["default_speedup_over"].items())
    return [*out, "", f"The default's frames/s as a share of each other case's: {ratios}."]


def year() -> list[str]:
    rows = read("year.json")
    out = [
        "## A year of data",
        "",
        f"`{YEAR}`: 30 counters at 1-minute intervals for 365 days, each job in its own process (method "
        "and bounds: [scale.md](scale.md)).",
        "",
        "| job | seconds | peak MB | other |",
        "|---|---|---|---|",
    ]
    for row in rows:
        other = ", ".join(f"{k} {v}" for k, v in row.items() if k not in ("case", "seconds", "peak_mb"))
        out.append(
            f"| {row['case']} | {row.get('seconds', '-')} | {row.get('peak_mb', '-')} | {other or '-'} |"
        )
    return out


def main() -> None:
    page = [
        "# Measurements",
        "",
        "Written by `python scripts/measurements_page.py` from the measuring scripts' JSON output in "
        "`docs/measurements/` (never typed by hand); each section names the command that reproduces it. "
        "The host behind the machine changes between sessions: compare speeds within one table. "
        "What the figures mean for the choice of the embedded detector: [models.md](models.md); the "
        "figures of the previous default (crowdcount 0.1.0), as they were measured then: "
        "[measurements-0.1.0.md](measurements-0.1.0.md).",
        "",
        *detectors(),
        "",
        *speed("bench_pets.json", "PETS 2009, 768x576 at 7 fps"),
        "",
        *speed("bench_walking.json", "1440x1080 H.264 at walkers' pace, 25 fps"),
        "",
        *year(),
    ]
    PAGE.write_text("\n".join(page) + "\n", encoding="utf-8")
    print(f"-> {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
