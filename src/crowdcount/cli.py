"""The ``crowdcount`` command line: process, export, evaluate."""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from crowdcount.aggregate import (
    counter_summary,
    event_table,
    group_table,
    interval_table,
    line_totals,
    parse_interval,
    zone_totals,
)
from crowdcount.config import CameraConfig, SiteConfig, check_in_frame, counter_infos, load_config
from crowdcount.count import counters_for
from crowdcount.detect import load_detector, resolve_model
from crowdcount.errors import CrowdcountError
from crowdcount.evaluate import compare_lines, ground_truth_events, load_mot_tracks
from crowdcount.export import Format, write_table
from crowdcount.labels import labels_for
from crowdcount.pipeline import count_frames
from crowdcount.report import write_report
from crowdcount.sources import effective_fps, probe_video, read_frames, recording_start
from crowdcount.store import EventStore, SourceRecord
from crowdcount.track import Tracker

app = typer.Typer(
    help="Count people crossing lines and using zones in CCTV video.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

DEFAULT_OUT = Path("crowdcount-out")
ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="Site YAML: cameras, lines, zones.")]
CameraOption = Annotated[
    str | None, typer.Option("--camera", help="Camera id in the config (needed if it has several).")
]


def _camera_for(site: SiteConfig, camera_id: str | None, video: Path) -> CameraConfig:
    """The camera named, else the one whose source is this video, else the only one."""
    if camera_id is None:
        matches = [c for c in site.cameras if c.source and Path(c.source) == video.resolve()]
        if len(matches) == 1:
            return matches[0]
    return site.camera(camera_id)


def _print_table(title: str, frame: pd.DataFrame) -> None:
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(
            *(
                "-"
                if isinstance(v, float) and math.isnan(v)
                else f"{v:.1f}"
                if isinstance(v, float)
                else str(v)
                for v in row
            )
        )
    console.print(table)


@app.command(epilog="Example: crowdcount process vtest.avi --config examples/pets09.yaml --out out")
def process(
    video: Annotated[Path, typer.Argument(help="Recording to count (any format OpenCV reads).")],
    config: ConfigOption,
    camera: CameraOption = None,
    db: Annotated[Path | None, typer.Option(help="Event database (default: OUT/crowdcount.db).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = DEFAULT_OUT,
    model: Annotated[
        str | None, typer.Option(help="Detector weights: YOLOX .onnx, Ultralytics .pt/.onnx/OpenVINO.")
    ] = None,
    stride: Annotated[int, typer.Option(min=1, help="Run on every N-th frame (faster).")] = 1,
    imgsz: Annotated[int | None, typer.Option(min=32, help="Detector input size in pixels.")] = None,
    fps: Annotated[float | None, typer.Option(help="Frame rate for timestamps (overrides all).")] = None,
) -> None:
    """Count one recording: detect, track and count people, store the events, print totals.

    Processing the same file again replaces its events. Ctrl-C stops early and keeps
    what was counted so far (the file is marked 'interrupted').
    """
    site = load_config(config)
    video = video.resolve()
    cam = _camera_for(site, camera, video)
    info = probe_video(video)
    check_in_frame(cam, info.width, info.height)
    rate = effective_fps(info, fps or cam.fps)
    start, start_from = recording_start(cam.start, info, rate, site.tz)
    choice = resolve_model(model, site.detector.model)
    detector = load_detector(choice, imgsz or site.detector.imgsz, site.detector.confidence)
    store = EventStore(db or out / "crowdcount.db")
    counters = counters_for(cam, site.counting_for(cam))
    console.print(
        f"[bold]{video.name}[/]  camera {cam.id}  {info.width}x{info.height}  {rate:g} fps  "
        f"start {start.isoformat()} ({start_from})  model {detector.name} ({choice.how})"
    )
    total = math.ceil(info.frame_count / stride) if info.frame_count else None
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("frames", total=total, rate="")

        def advance(_: object) -> None:
            progress.advance(task)
            elapsed = progress.tasks[0].elapsed or 0
            if elapsed:
                progress.update(task, rate=f"{progress.tasks[0].completed / elapsed:.1f} fps")

        result = count_frames(
            read_frames(video, cam.id, start, rate, stride),
            detector,
            Tracker(frame_rate=rate / stride),
            counters,
            on_frame=advance,
        )
    if result.first is None or result.last is None:
        raise CrowdcountError(f"video {video}: no frame could be decoded; nothing was counted")
    store.replace_source(
        SourceRecord(
            camera=cam.id,
            source=str(video),
            status="interrupted" if result.interrupted else "done",
            start=result.first.timestamp,
            end=result.last.timestamp,
            fps=rate,
            frames=result.frames,
            stride=stride,
            model=detector.name,
        ),
        result.events,
    )
    store.set_counters(cam.id, counter_infos(cam))
    store.set_timezone(site.timezone)
    note = " (interrupted: partial counts stored)" if result.interrupted else ""
    console.print(
        f"{result.frames} frames, {result.first.timestamp:%Y-%m-%d %H:%M:%S} to "
        f"{result.last.timestamp:%H:%M:%S}, {len(result.events)} events -> {store.url}{note}"
    )
    if cam.lines:
        _print_table("Lines", line_totals(result.events, [line.id for line in cam.lines]))
    if cam.zones:
        _print_table("Zones", zone_totals(result.events, [zone.id for zone in cam.zones]))
    if result.interrupted:
        raise typer.Exit(130)


class What(StrEnum):
    events = "events"
    intervals = "intervals"
    groups = "groups"


def _interval_data(store: EventStore, interval: str, tz: str) -> pd.DataFrame:
    return interval_table(store.events(), store.counters(), store.footage(), interval, tz, store.gap_spans())


@app.command(
    epilog="Example: crowdcount export --db out/crowdcount.db --what intervals --interval 15min "
    "--format xlsx --out counts.xlsx"
)
def export(
    db: Annotated[Path, typer.Option(help="Event database written by 'process'.")],
    out: Annotated[Path, typer.Option(help="File to write.")],
    what: Annotated[
        What, typer.Option(help="events: one row per event; intervals: per counter and interval; groups.")
    ] = What.events,
    format: Annotated[Format, typer.Option(help="File format.")] = Format.csv,
    interval: Annotated[str, typer.Option(help="1min, 5min, 15min, 30min, 60min (1h) or day.")] = "15min",
    tz: Annotated[str | None, typer.Option(help="Timezone of the intervals (default: the site's).")] = None,
    camera: CameraOption = None,
) -> None:
    """Export stored counts (columns documented in the README, 'Export columns').

    Intervals are clock-aligned in the site's timezone; an interval without footage is
    'missing' with empty counts, one partly covered is 'partial'. Excel files get a
    summary sheet and one sheet per camera (per group for --what groups).
    """
    store = EventStore(db, create=False)
    zone = _timezone(tz or store.timezone())
    parse_interval(interval)
    if what is What.events:
        table = event_table(store.events(camera=camera), zone)
        summary = table.groupby(["camera", "counter", "kind", "direction"]).size().reset_index(name="events")
        write_table(table, out, format, summary, "camera", zone)
    else:
        intervals = _interval_data(store, interval, zone)
        if camera is not None:
            intervals = intervals[intervals["camera"] == camera]
        if what is What.intervals:
            table, summary, split = intervals, counter_summary(intervals), "camera"
        else:
            table, split = group_table(intervals), "group"
            summary = table.groupby("group")[["in", "out", "net", "entries", "exits"]].sum(min_count=1)
            summary = summary.reset_index()
        write_table(table, out, format, summary, split, zone)
    console.print(f"{len(table)} {what.value} rows -> {out}")


@app.command(epilog="Example: crowdcount report --db out/crowdcount.db --out out/report.html --lang ko")
def report(
    db: Annotated[Path, typer.Option(help="Event database written by 'process'.")],
    out: Annotated[Path, typer.Option(help="HTML file to write (one self-contained file).")],
    lang: Annotated[str, typer.Option(help="Labels: en or ko.")] = "en",
    interval: Annotated[str, typer.Option(help="Interval of the time-series plots.")] = "15min",
    tz: Annotated[str | None, typer.Option(help="Timezone (default: the site's).")] = None,
) -> None:
    """Write the HTML report: headline totals, busiest interval per counter, time series per
    counter and group, in/out/net per hour and per day, an hour-of-day heatmap, data coverage.
    """
    labels_for(lang)
    parse_interval(interval)
    path = write_report(db, out, lang, interval, _timezone(tz) if tz else None)
    console.print(f"report -> {path}")


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CrowdcountError(f"--tz {name}: unknown timezone; use an IANA name like Asia/Seoul") from None
    return name


@app.command(
    epilog="Example: crowdcount evaluate --gt gt/gt.txt --config examples/pets09.yaml --db out/crowdcount.db"
)
def evaluate(
    gt: Annotated[Path, typer.Option(help="Ground truth in MOT format (frame,id,x,y,w,h,...).")],
    config: ConfigOption,
    db: Annotated[Path, typer.Option(help="Event database of the run to check.")],
    video: Annotated[
        Path | None, typer.Option(help="The processed recording (needed if the camera has several).")
    ] = None,
    camera: CameraOption = None,
) -> None:
    """Compare the line counts of a run with counts derived from ground-truth tracks.

    Ground-truth boxes are counted by the same line rules (anchor, hysteresis); frame
    N of the file is the N-th decoded frame of the video.
    """
    site = load_config(config)
    store = EventStore(db, create=False)
    cam = _camera_for(site, camera, video) if video else site.camera(camera)
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
        f"{Path(record.source).name}: {record.frames} frames at stride {record.stride}, model {record.model}"
    )
    _print_table("Line counts vs ground truth", compare_lines(truth, counted, [x.id for x in cam.lines]))


def main() -> None:
    """Entry point: user errors print one line and exit 2, never a traceback."""
    try:
        app()
    except CrowdcountError as error:
        errors.print(f"crowdcount: error: {error}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
