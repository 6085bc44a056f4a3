"""Write docs/measurements.md, and the measured blocks of docs/models.md, from the measuring scripts'
own JSON output, never re-typed.

    .venv/bin/python scripts/measurements_page.py            # write them
    .venv/bin/python scripts/measurements_page.py --check    # exit 1 if a page is not what the JSON gives

Each section names the command that wrote its JSON; a new measurement is its JSON copied into
docs/measurements/ (the scripts write to out/) and this script run again. In another page, a block
between ``<!-- measured: NAME -->`` and ``<!-- /measured -->`` is written from BLOCKS[NAME].
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
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
WALKING = "../shared/footage/pets09_s2l1/vtest_1440x1080_25fps_walking.mp4"
GRID = f"python scripts/grid_accuracy.py --speeds 1 2 --strides --cctv-strides --walking {WALKING}"
GRID_RUNS = {  # JSON file: (what it measured, the --model and --json of its command)
    "grid_speeds_default.json": ("default (person-detection-0303)", ""),
    "grid_speeds_pedestrian.json": (
        "previous default (pedestrian YOLOX)",
        " --model ../shared/models/pedestrian/bytetrack_nano.onnx",
    ),
}
CLIPS = {
    "1x": "PETS 768x576, 7 fps",
    "2x": "people twice as fast",
    "walk": "1440x1080 at 25 fps, walkers' pace",
}
DEFAULT, PREVIOUS = "crowdcount default", "previous default"  # how bench.py's cases begin
DECODE = "decode only"


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


def grid_command(name: str) -> str:
    """The command that wrote the grid JSON ``name``."""
    return f"{GRID}{GRID_RUNS[name][1]} --json out/{name}"


def grid_speeds() -> list[str]:
    """The grid's miscount on PETS at its own speed, twice as fast and as the 1080p walking clip, for
    the default and the previous default (one column each)."""
    runs = {name: read(name) for name in GRID_RUNS}
    first = next(iter(runs.values()))
    commands = "; ".join(f"`{grid_command(name)}`" for name in GRID_RUNS)
    out = [
        "## The grid at three speeds",
        "",
        f"{commands}: measured {first['measured']} ({first['processor']}); paced detection, OC-SORT, "
        "about 600 crossings of the 31-line grid each; the second row is the clip with its people made "
        "twice as fast, "
        "the third the 1440x1080 25 fps clip `walking_speed_clip.py` makes, people at real walkers' pace.",
        "",
        "| clip | "
        + " | ".join(f"{label}: miscounted (bias) %, IDF1" for label, _ in GRID_RUNS.values())
        + " |",
        "|---|" + "---|" * len(GRID_RUNS),
    ]
    for clip, title in CLIPS.items():
        cells = []
        for report in runs.values():
            row = next(r for r in report["rows"] if r["clip"] == clip)
            idf1 = f", IDF1 {percent(row['IDF1'])}" if "IDF1" in row else ""
            cells.append(
                f"{percent(row['miscounted'])} ({percent(row['bias'], '+')}){idf1}, "
                f"{row['detected']} of {row['frames']} frames detected"
            )
        out.append(f"| {title} | " + " | ".join(cells) + " |")
    return out


def _case(bench: dict[str, Any], begins: str) -> dict[str, Any]:
    return next(c for c in bench["cases"] if c["case"].startswith(begins))


def choice() -> list[str]:
    """The default against the previous default, side by side: what the choice rests on."""
    table = {row["case"]: row for row in read("detector_table.json")}
    new, old = table["default"], table["pedestrian-scene-ocsort"]
    grids = [read(name) for name in GRID_RUNS]
    benches = {name: read(name) for name in BENCH}

    def grid(report: dict[str, Any], clip: str) -> str:
        row = next(r for r in report["rows"] if r["clip"] == clip)
        return f"{percent(row['miscounted'])} ({percent(row['bias'], '+')})"

    rows = [
        (
            "licence, training data's terms",
            *(", ".join(filter(None, [r["licence"], r["data terms"]])) for r in (new, old)),
        ),
        *[(f"grid miscounted (bias) %, {CLIPS[clip]}", *(grid(g, clip) for g in grids)) for clip in CLIPS],
        *[
            (name, *(percent(r["PETS"][key]) for r in (new, old)))
            for name, key in (("IDF1 on PETS", "IDF1"), ("HOTA on PETS", "HOTA"))
        ],
        (
            "PETS lines, lamppost and west in/out (truth 14/17, 6/8)",
            *(", ".join(r["PETS"]["lines"].values()) for r in (new, old)),
        ),
        (
            "detection precision / recall, PETS",
            *(f"{r['PETS precision']:.2f} / {r['PETS recall']:.2f}" for r in (new, old)),
        ),
        (
            "detection precision / recall, dense MOT17-04",
            *(f"{r['MOT17-04 precision']:.2f} / {r['MOT17-04 recall']:.2f}" for r in (new, old)),
        ),
        (
            "table visits, Intel indoor clip (truth 6/6)",
            *(f"{r['table visits']['entries']}/{r['table visits']['exits']}" for r in (new, old)),
        ),
    ]
    for name, title in (("bench_pets.json", "PETS"), ("bench_walking.json", "1080p walking clip")):
        bench = benches[name]
        decode = _case(bench, DECODE)["fps"]
        cells = (
            f"{c['fps']:.1f} ({c['fps'] / decode:.2f}x decoding)"
            for c in (_case(bench, DEFAULT), _case(bench, PREVIOUS))
        )
        rows.append((f"frames/s, {title} (share of OpenCV's decode-only rate)", *cells))
    commands = [DETECTOR_TABLE, *map(grid_command, GRID_RUNS), *BENCH.values()]
    pets = benches["bench_pets.json"]
    out = [
        "| | default: person-detection-0303 (embedded) | previous default: pedestrian YOLOX-nano |",
        "|---|---|---|",
        *(f"| {name} | {a} | {b} |" for name, a, b in rows),
        "",
        "Written by `scripts/measurements_page.py` from "
        + ", ".join(f"`{c}`" for c in commands)
        + f"; measured {pets['measured'][:10]} on {pets['cpu_count']} cores ({pets['processor']}). "
        "Every figure, with the other models: "
        "[measurements.md](measurements.md).",
    ]
    return out


CALIBRATE = "python scripts/calibrate_card.py"


def calibration() -> list[str]:
    """``calibrate_card.py``'s lines, as it prints them, from its JSON."""
    lines = [f"`{CALIBRATE}` (writes `out/calibrate_card.json`):", "", "```"]
    for row in read("calibrate_card.json"):
        counted = " ".join(f"{line} {value}" for line, value in row["lines"].items())
        lines.append(
            f"raw {row['raw score counted as 0.5']:.2f} -> 0.5  input {row['input']:4d}  "
            f"grid {100 * row['grid miscounted']:.1f} % ({100 * row['grid bias']:+.1f} %)  "
            f"IDF1 {100 * row['IDF1']:.1f}  MOTA {100 * row['MOTA']:.1f}  {counted}  "
            f"{row['detected']} detected"
        )
    return [*lines, "```"]


BLOCKS: dict[str, Callable[[], list[str]]] = {"choice": choice, "calibration": calibration}
BLOCK = re.compile(r"(<!-- measured: (?P<name>[\w-]+) -->).*?(<!-- /measured -->)", re.S)


def filled(text: str) -> str:
    """``text`` with each measured block written afresh from its JSON."""
    return BLOCK.sub(lambda m: "\n".join([m.group(1), *BLOCKS[m.group("name")](), m.group(3)]), text)


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


def measurements_page() -> str:
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
        *grid_speeds(),
        "",
        *year(),
    ]
    return "\n".join(page) + "\n"


PAGES_WITH_BLOCKS = [ROOT / "docs" / "models.md"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a page is stale")
    args = parser.parse_args()
    pages = {PAGE: measurements_page()} | {
        page: filled(page.read_text(encoding="utf-8")) for page in PAGES_WITH_BLOCKS
    }
    stale = [
        page for page, text in pages.items() if not page.is_file() or page.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for page in stale:
            print(
                f"{page.relative_to(ROOT)} is not what docs/measurements/ gives: "
                "run python scripts/measurements_page.py"
            )
        sys.exit(1 if stale else 0)
    for page in stale:
        page.write_text(pages[page], encoding="utf-8")
        print(f"-> {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
