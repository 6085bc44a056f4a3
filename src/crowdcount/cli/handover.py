"""Commands that hand counts over: ``export``, ``report``, ``evaluate``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crowdcount.cli.common import CameraOption, StoreOption, app, console, print_table, timezone_named
from crowdcount.errors import CrowdcountError
from crowdcount.formats import Format
from crowdcount.paths import output_file

if TYPE_CHECKING:
    pass


class What(StrEnum):
    events = "events"
    intervals = "intervals"
    groups = "groups"
    portal = "portal"


@app.command(
    epilog="Example: crowdcount export --db out/crowdcount.db --what intervals --interval 15min "
    "--format xlsx --out counts.xlsx"
)
def export(
    db: StoreOption,
    out: Annotated[Path, typer.Option(help="File to write.")],
    what: Annotated[
        What,
        typer.Option(
            help="events: one row per event; intervals: per counter and interval; groups; portal: the "
            "public data portal's layout (with NAME-metadata.csv beside it)."
        ),
    ] = What.events,
    format: Annotated[
        Format | None, typer.Option(help="csv, xlsx, parquet or json; default: from --out's suffix.")
    ] = None,
    interval: Annotated[str, typer.Option(help="1min, 5min, 15min, 30min, 60min (1h) or day.")] = "15min",
    tz: Annotated[str | None, typer.Option(help="Timezone of the intervals (default: the site's).")] = None,
    camera: CameraOption = None,
    lang: Annotated[
        str, typer.Option(help="Excel: ko (Korean headers and words) or en (the column names).")
    ] = "ko",
    korean_headers: Annotated[
        bool, typer.Option(help="CSV, JSON, Parquet: Korean headers, words and display names, as in Excel.")
    ] = False,
    date_hour: Annotated[
        bool, typer.Option(help="Add separate local date and hour columns beside each interval's start.")
    ] = False,
) -> None:
    """Export stored counts (the columns: docs/commands.md, 'Export columns').

    Intervals are clock-aligned in the site's timezone; an interval without footage is
    'missing' with empty counts, one partly covered is 'partial'. Excel files are for handing
    over: a cover (site, period, footage, model, config hash, accuracy), a summary, day totals
    per counter, and one sheet per camera (per group for --what groups), with display names,
    frozen headers, filters and date cells. CSV is UTF-8 with a byte-order mark.
    """
    from crowdcount.formats import TABLE_SUFFIXES, format_for
    from crowdcount.handover.export import export_store

    chosen = Format(format_for(out, format, TABLE_SUFFIXES))
    zone = timezone_named(tz) if tz else None
    rows = export_store(
        db, out, what.value, chosen, interval, zone, camera, lang, korean=korean_headers, date_hour=date_hour
    )
    console.print(f"{rows} {what.value} rows -> {out}")


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"


@app.command(epilog="Example: crowdcount report --db out/crowdcount.db --out out/report.pdf --format pdf")
def report(
    db: StoreOption,
    out: Annotated[Path, typer.Option(help="File to write: one self-contained HTML page, or a PDF.")],
    lang: Annotated[str, typer.Option(help="Labels: ko (default) or en.")] = "ko",
    interval: Annotated[str, typer.Option(help="Interval of the time-series plots.")] = "15min",
    tz: Annotated[str | None, typer.Option(help="Timezone (default: the site's).")] = None,
    format: Annotated[
        ReportFormat | None,
        typer.Option(help="html or pdf (A4, page numbers; needs Chromium); default: from --out's suffix."),
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option(
            metavar="OTHER_DB",
            help="Another festival's (or day's) store: compared by festival day and hour, with the change.",
        ),
    ] = None,
) -> None:
    """Write the report: title, headline figures, audit, totals per gate and day, the busiest
    intervals, hourly profiles per day, zone occupancy and dwell, in/out/net per hour and per day,
    method and limits, data coverage and the files (an appendix).
    """
    from crowdcount.formats import REPORT_SUFFIXES, format_for
    from crowdcount.handover.labels import labels_for
    from crowdcount.handover.report import write_report
    from crowdcount.tables.aggregate import parse_interval

    labels_for(lang)
    parse_interval(interval)
    output_file(out, "--out")
    chosen = format_for(out, format, REPORT_SUFFIXES)
    path = write_report(db, out, lang, interval, timezone_named(tz) if tz else None, chosen, compare)
    console.print(f"report -> {path}")


@app.command(
    epilog="Example: crowdcount evaluate --gt gt/gt.txt --config examples/pets09.yaml --db out/crowdcount.db "
    "--tracks out/tracks.txt"
)
def evaluate(
    gt: Annotated[Path, typer.Option(help="Ground truth in MOT format (frame,id,x,y,w,h,...).")],
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Site YAML (for line counts).")
    ] = None,
    db: Annotated[str | None, typer.Option(help="Event database of the run (for line counts).")] = None,
    tracks: Annotated[
        Path | None,
        typer.Option(help="Tracks of the run, from process --save-tracks (for MOTA, IDF1, HOTA)."),
    ] = None,
    video: Annotated[
        Path | None, typer.Option(help="The processed recording (needed if the camera has several).")
    ] = None,
    camera: CameraOption = None,
) -> None:
    """Compare a run with ground truth: its line counts (with --config and --db) against counts
    derived from the ground-truth tracks, and its tracks (with --tracks) by tracker-benchmark
    metrics (trackers.eval: MOTA, IDF1, HOTA, detection precision and recall at IoU 0.5).

    Ground-truth boxes are counted by the same line rules (anchor, hysteresis); frame
    N of the file is the N-th decoded frame of the video. Tracks are compared on the frames
    the detector ran on (listed in TRACKS.frames).
    """
    import pandas as pd

    from crowdcount.config import camera_for_video, load_config
    from crowdcount.evaluate.mot import frames_detected
    from crowdcount.evaluate.truth import (
        compare_lines,
        ground_truth_events,
        load_mot_tracks,
        tracking_metrics,
    )
    from crowdcount.store.events import EventStore

    if tracks is None and (config is None or db is None):
        raise CrowdcountError("give --tracks FILE, or --config and --db for line counts (or all three)")
    if tracks is not None:
        metrics = tracking_metrics(gt, tracks, frames_detected(tracks))
        shown = {
            f"{k} %" if isinstance(v, float) else k: 100 * v if isinstance(v, float) else v
            for k, v in metrics.items()
        }
        print_table(f"Tracks vs ground truth ({tracks.name})", pd.DataFrame([shown]))
    if config is None or db is None:
        return
    site = load_config(config)
    store = EventStore(db, create=False)
    cam = camera_for_video(site, video, camera)
    if not cam.lines:
        raise CrowdcountError(f"camera {cam.id!r} has no lines to evaluate")
    records = [
        r
        for r in store.sources()
        if r.camera == cam.id and (video is None or r.source == str(video.resolve()))
    ]
    if len(records) != 1:
        found = "no processed recording" if not records else f"{len(records)} processed recordings"
        raise CrowdcountError(f"{db}: {found} for camera {cam.id!r}; name the one to check with --video")
    record = records[0]
    anchor = site.counting_for(cam).anchor
    truth = ground_truth_events(load_mot_tracks(gt), cam, anchor, record.start, record.fps)
    counted = store.events(camera=cam.id, source=record.source)
    console.print(
        f"{Path(record.source).name}: {record.frames} frames detected, 1 in {record.stride} on average, "
        f"model {record.model}"
    )
    print_table("Line counts vs ground truth", compare_lines(truth, counted, [x.id for x in cam.lines]))
