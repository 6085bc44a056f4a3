"""``crowdcount demo``: the demo in one command where ``make`` does not exist (Windows, macOS): the
PETS 2009 sample clip counted with the embedded detector, then exported and reported."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from crowdcount.cli.common import app, console, download_progress, progress_bars
from crowdcount.cli.counting import process
from crowdcount.cli.handover import What, export, report
from crowdcount.errors import CrowdcountError

SAMPLE = "vtest.avi"  # PETS 2009 S2.L1 as OpenCV's samples carry it (Debian's opencv-doc has the same file)
SAMPLE_URL = "https://raw.githubusercontent.com/opencv/opencv/4.x/samples/data/vtest.avi"
SAMPLE_SHA256 = "45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf"


def sample_clip(given: Path | None, url: str = SAMPLE_URL) -> Path:
    """The clip to count: ``given``, else the project's ``sample_videos/vtest.avi``, else the one in the
    user's cache, else OpenCV's (from ``url``), downloaded into the cache (verified before use)."""
    from crowdcount.detect.files import file_sha256
    from crowdcount.detect.registry import download_file, user_cache

    if given is not None:
        if not given.is_file():
            raise CrowdcountError(f"--video {given}: no such file; give a recording, or leave it out")
        return given
    cached = user_cache() / "samples" / SAMPLE
    for candidate in (Path("sample_videos") / SAMPLE, cached):
        if candidate.is_file() and file_sha256(candidate) == SAMPLE_SHA256:
            return candidate
    offline = f"put OpenCV's samples/data/{SAMPLE} at {cached}, or give any recording with --video"
    with progress_bars() as progress:
        download_file(url, cached, SAMPLE_SHA256, download_progress(progress), offline)
    return cached


@app.command(epilog="Example: crowdcount demo --out demo")
def demo(
    out: Annotated[
        Path, typer.Option(help="Output folder: the store, events.csv, intervals.xlsx, report.html.")
    ] = Path("out"),
    video: Annotated[
        Path | None, typer.Option(help="The clip to count (default: the PETS 2009 sample, fetched once).")
    ] = None,
    source: Annotated[
        str, typer.Option("--from", help="Where to fetch the sample clip from (a mirror of OpenCV's).")
    ] = SAMPLE_URL,
) -> None:
    """Count the people of the PETS 2009 sample clip with the embedded detector, then write every event
    as CSV, 15-minute tables as an Excel workbook and a Korean HTML report, as 'make demo' does. The clip
    is the project's sample_videos/vtest.avi, else OpenCV's, downloaded once into the user's cache."""
    clip = sample_clip(video, source).resolve()
    out.mkdir(parents=True, exist_ok=True)
    site = (resources.files("crowdcount") / "demo" / "pets09.yaml").read_text(encoding="utf-8")
    config = out / "demo-site.yaml"
    config.write_text(site.replace("source: vtest.avi", f"source: {json.dumps(str(clip))}"), encoding="utf-8")
    process(clip, config, out=out)
    db = str(out / "crowdcount.db")
    export(db, out / "events.csv", what=What.events)
    export(db, out / "intervals.xlsx", what=What.intervals, interval="15min")
    report(db, out / "report.html", lang="ko")
    console.print(f"demo done: open {out / 'report.html'}", markup=False)
