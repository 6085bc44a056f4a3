"""The ``crowdcount`` command line: process, run, check, setup, export, report, live, serve, audit, ..."""

from __future__ import annotations

import math
import sys
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from crowdcount.datatypes import DEFAULT_SAMPLES, DEFAULT_WINDOW_S, CountEvent, FrameInfo
from crowdcount.errors import CrowdcountError
from crowdcount.formats import Format
from crowdcount.paths import folder_to_be, output_file, output_folder
from crowdcount.progress import LoggedProgress, every_s, live_status_line
from crowdcount.urls import redact_url

if TYPE_CHECKING:
    import pandas as pd

    from crowdcount.batch.recording import FileOutcome, Recording, RunOptions
    from crowdcount.config import CameraConfig, SiteConfig
    from crowdcount.detect.models import ModelChoice
    from crowdcount.live.preview import PreviewBoard
    from crowdcount.server.monitor import Monitor
    from crowdcount.store.events import EventStore

app = typer.Typer(
    help="Count people crossing lines and using zones in CCTV video.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

DEFAULT_OUT = Path("crowdcount-out")
ModelOption = Annotated[
    str | None, typer.Option(help="Detector weights: YOLOX .onnx, Ultralytics .pt/.onnx/OpenVINO.")
]
StoreOption = Annotated[
    str,
    typer.Option(
        help="Event database written by process, run or live: a SQLite file or a SQLAlchemy URL "
        "(postgresql://user:password@host/crowdcount)."
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        help="Event database: a SQLite file or a SQLAlchemy URL such as "
        "postgresql://user:password@host/crowdcount (default: OUT/crowdcount.db)."
    ),
]
StrideOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Run on every N-th frame. Default: paced by how fast the people in view move, "
        "7 to 3 detections per second of video (see README: Detection pacing).",
        show_default=False,
    ),
]
ImgszOption = Annotated[int | None, typer.Option(min=32, help="Detector input size in pixels.")]
RoiOption = Annotated[
    bool, typer.Option(help="Detect only around the camera's lines and zones (faster on wide views).")
]
CamerasOption = Annotated[
    list[str] | None, typer.Option("--camera", help="Only these camera ids (repeatable).")
]
ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="Site YAML: cameras, lines, zones.")]
CameraOption = Annotated[
    str | None, typer.Option("--camera", help="Camera id in the config (needed if it has several).")
]


def _print_table(title: str, frame: pd.DataFrame) -> None:
    import pandas as pd

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
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = DEFAULT_OUT,
    model: ModelOption = None,
    stride: StrideOption = None,
    imgsz: ImgszOption = None,
    roi: RoiOption = False,
    fps: Annotated[
        float | None, typer.Option(min=0.01, max=1000, help="Frame rate for timestamps (overrides all).")
    ] = None,
    save_tracks: Annotated[
        Path | None,
        typer.Option(help="Write the confirmed tracks of every detected frame here (MOTChallenge rows)."),
    ] = None,
) -> None:
    """Count one recording: detect, track and count people, store the events, print totals.

    Processing the same file again replaces its events. Ctrl-C stops early and keeps
    what was counted so far (the file is marked 'interrupted').
    """
    from crowdcount.batch.recording import probe_recording
    from crowdcount.batch.runner import SiteRun
    from crowdcount.config import camera_for_video, load_config
    from crowdcount.detect.tiles import camera_detector
    from crowdcount.evaluate.mot import MotTrackWriter
    from crowdcount.store.events import EventStore

    site = load_config(config)
    video = video.resolve()
    cam = camera_for_video(site, video, camera)
    recording = probe_recording(site, cam, video, fps)
    if recording.error is not None:
        raise CrowdcountError(recording.error)
    assert recording.info is not None and recording.start is not None
    options = _run_options(site, model, imgsz, stride, roi)  # a model that is not there: before the store
    store = EventStore(db or out / "crowdcount.db")  # path and schema checked; nothing written yet
    track_log = MotTrackWriter(save_tracks) if save_tracks else None
    detector = options.detector.load()
    _load_kept(store)
    site_run = SiteRun(site, store, replace(options, force=True))
    site_run.describe([cam])
    width, height = recording.info.width, recording.info.height
    as_run = camera_detector(detector, cam, width, height, options.detector.imgsz)  # what the file sees
    console.print(
        f"[bold]{video.name}[/]  camera {cam.id}  {width}x{height}  "
        f"{recording.fps:g} fps  start {recording.start.astimezone(site.tz).isoformat()} "
        f"({recording.start_from})  "
        f"model {as_run.name} ({options.detector.model.how})"
    )
    with _progress() as progress:
        outcome = site_run.count_one(
            cam, recording, detector, FilesProgress(progress), track_log.write if track_log else None
        )
    if track_log is not None:
        track_log.close()
        console.print(f"tracks of {len(track_log.frames)} detected frames -> {track_log.path}")
    if outcome.record is None:
        raise CrowdcountError(f"video {video}: {outcome.reason}; nothing was counted")
    record = outcome.record
    note = " (interrupted: partial counts stored)" if outcome.status == "interrupted" else ""
    local = site.tz
    console.print(
        f"{outcome.frames_read} frames ({record.frames} detected), "
        f"{record.start.astimezone(local):%Y-%m-%d %H:%M:%S} to {record.end.astimezone(local):%H:%M:%S}, "
        f"{len(outcome.events)} events -> {store.shown_url}{note}"
    )
    for gap in outcome.gaps:
        console.print(
            f"[yellow]gap[/] {gap.start.astimezone(local):%H:%M:%S}-{gap.end.astimezone(local):%H:%M:%S}: "
            f"{gap.reason}"
        )
    _print_totals(cam, outcome.events)
    _warn_still(outcome, local)
    if site_run.store_failure is not None:
        _unsaved_error(
            store, site_run.store_failure, f"the {len(outcome.events)} events are {outcome.reason}"
        )
    if outcome.status == "interrupted":
        raise typer.Exit(130)


def _warn_still(outcome: FileOutcome, tz: ZoneInfo) -> None:
    """Name the tracks that stood still for minutes, with the ``ignore`` polygon that masks each."""
    for still in outcome.still:
        at = outcome.record.start + timedelta(seconds=still.since_s) if outcome.record else None
        when = f" from {at.astimezone(tz):%H:%M:%S}" if at else ""
        console.print(
            f"[yellow]warning[/] {Path(outcome.source).name}: track {still.track_id} stood still for "
            f"{still.seconds:.0f} s{when}; if it is not a person (a sign, a statue), mask it in camera "
            f"{outcome.camera!r}: ignore: [{{polygon: {still.mask()}}}]",
            highlight=False,
        )


def _load_kept(store: EventStore) -> None:
    """Store the counts an earlier run kept aside because the store refused them."""
    from crowdcount.store.unsaved import load, pending

    loaded, damaged = load(store, pending(store))
    for path, events in loaded:
        console.print(f"loaded kept counts {path}: {_stored(events)}")
    _warn_damaged(damaged)


def _stored(events: int | None) -> str:
    return "already stored, not added again" if events is None else f"{events} events"


def _warn_damaged(damaged: list[Path]) -> None:
    for path in damaged:
        console.print(f"[yellow]warning[/] {path}: not a readable side file of counts; set aside, not loaded")


def _unsaved_error(store: EventStore, failure: str, kept: str) -> None:
    """One line for counts the store refused, then exit 3: where they are, how they get in."""
    target = store.path or store.shown_url
    errors.print(
        f"crowdcount: error: {failure}; {kept}: run 'crowdcount import --db {target}' once "
        "the store takes writes again (the next process or run on it loads them too)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(3)


def _run_options(
    site: SiteConfig,
    model: str | None,
    imgsz: int | None,
    stride: int | None,
    roi: bool,
    workers: int = 1,
    force: bool = False,
) -> RunOptions:
    """Command-line knobs over the config's detector defaults, the model's terms said."""
    from crowdcount.batch.recording import run_options

    options = run_options(site, model, imgsz, stride, roi, workers, force)
    _say_terms(options.detector.model)
    return options


def _say_terms(model: ModelChoice) -> None:
    """Say the training data's terms of a model whose card has any (every run that uses it), and which
    models found in a folder were not used for want of a clean licence."""
    from crowdcount.detect.cards import card_for

    card = card_for(model.reference)
    if card is not None and card.data_terms:
        console.print(
            f"[yellow]note[/] model {Path(model.reference).name} ({card.name}): {card.data_terms}",
            soft_wrap=True,
            highlight=False,
        )
    for passed in model.passed_over:
        console.print(
            f"[yellow]note[/] not used, as not licence-clean (name it with --model to use it): {passed}",
            soft_wrap=True,
            highlight=False,
        )


def _progress() -> Progress:
    return LoggedProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


class FilesProgress:
    """A run's progress for people: a bar for the files (when there are several), and one for each
    file being counted; a finished file's bar stays until the next file starts."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.files: TaskID | None = None
        self.tasks: dict[str, TaskID] = {}
        self.finished_tasks: list[TaskID] = []

    def planned(self, files: int) -> None:
        if files > 1:
            self.files = self.progress.add_task("files", total=files, rate="")

    def started(self, recording: Recording) -> None:
        for task in self.finished_tasks:
            self.progress.update(task, visible=False)
        self.finished_tasks.clear()
        self.tasks[str(recording.path)] = self.progress.add_task(
            recording.path.name, total=_frame_total(recording), rate=""
        )

    def frame(self, info: FrameInfo) -> None:
        _advance(self.progress, self.tasks[info.source], info)

    def finished(self, outcome: FileOutcome) -> None:
        if self.files is not None:
            self.progress.advance(self.files)
        if outcome.source in self.tasks:
            self.finished_tasks.append(self.tasks.pop(outcome.source))

    def note(self, text: str) -> None:
        console.print(text)


def _frame_total(recording: Recording) -> int | None:
    return recording.info.frame_count if recording.info and recording.info.frame_count else None


def _advance(progress: Progress, task: TaskID, info: FrameInfo) -> None:
    """Show a file's progress in video frames (read or stepped over) and their rate."""
    progress.update(task, completed=info.index + 1)
    current = next(t for t in progress.tasks if t.id == task)
    if current.elapsed:
        progress.update(task, rate=f"{current.completed / current.elapsed:.1f} fps")


def _print_totals(cam: CameraConfig, events: list[CountEvent]) -> None:
    from crowdcount.tables.aggregate import line_totals, zone_totals

    if cam.lines:
        _print_table("Lines", line_totals(events, [line.id for line in cam.lines]))
    if cam.zones:
        _print_table("Zones", zone_totals(events, [zone.id for zone in cam.zones]))


@app.command(epilog="Example: crowdcount run --config festival.yaml --out out --workers 2")
def run(
    config: ConfigOption,
    camera: CamerasOption = None,
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Output folder (database, run manifest).")] = DEFAULT_OUT,
    model: ModelOption = None,
    stride: StrideOption = None,
    imgsz: ImgszOption = None,
    roi: RoiOption = False,
    workers: Annotated[int, typer.Option(min=1, help="Files counted in parallel processes.")] = 1,
    force: Annotated[bool, typer.Option(help="Count files again that an earlier run finished.")] = False,
    ray: Annotated[
        str | None,
        typer.Option(
            metavar="[ADDRESS]",
            help="Count each file as a Ray task: alone, on a local Ray instance; with an address "
            "(auto, or HEAD_IP:6379), on that cluster. Needs crowdcount[cluster].",
        ),
    ] = None,
) -> None:
    """Count every recording of every camera of a site (folders, globs, single files).

    Files are taken in time order per camera; holes and overlaps between them, truncated
    files, corrupt segments and unreadable files become gaps. Each file is committed on its
    own: after Ctrl-C or a kill, running again finishes the rest without double counting.
    Writes OUT/run-manifest.json. Exits 1 only if nothing could be processed.
    """
    from crowdcount.batch.runner import SiteRun
    from crowdcount.config import load_config
    from crowdcount.store.events import EventStore
    from crowdcount.store.unsaved import unsaved_folder

    site = load_config(config)
    cameras = [site.camera(c) for c in camera] if camera else site.cameras
    output_folder(out, "--out")
    options = _run_options(site, model, imgsz, stride, roi, workers, force)
    target = db or out / "crowdcount.db"
    new_store = "://" not in str(target) and not Path(target).expanduser().exists()  # removed if left empty
    store = EventStore(target)
    _load_kept(store)
    site_run = SiteRun(site, store, options)
    with _progress() as progress:
        site_run.run(cameras, FilesProgress(progress), ray)
    manifest_path, manifest = site_run.write_manifest(config, out)
    _print_run(site_run.outcomes, manifest)
    for outcome in site_run.outcomes:
        _warn_still(outcome, site.tz)
    console.print(f"-> {store.shown_url}; manifest {manifest_path}")
    totals = manifest["totals"]
    if site_run.store_failure is not None:
        _unsaved_error(
            store, site_run.store_failure, f"{totals['unsaved']} file(s) are kept in {unsaved_folder(store)}"
        )
    if totals["interrupted"]:
        raise typer.Exit(130)
    if not totals["done"] and not totals["skipped"] and not totals["growing"]:
        if new_store and not store.sources():
            store.remove()  # a refused input leaves no empty store behind
        errors.print("crowdcount: error: no recording could be processed (see the table above)")
        raise typer.Exit(1)


def _print_run(outcomes: list[FileOutcome], manifest: dict) -> None:
    by_source = {(f["camera"], f["source"]): f for f in manifest["files"]}
    table = Table(title="Files", title_justify="left")
    for column in ("camera", "file", "status", "start", "frames", "events", "reason"):
        table.add_column(column, justify="right" if column in ("frames", "events") else "left")
    colours = {"done": "green", "growing": "yellow", "skipped": "cyan", "interrupted": "yellow"}
    for outcome in sorted(outcomes, key=lambda o: (o.camera, o.source)):
        entry = by_source[(outcome.camera, outcome.source)]
        table.add_row(
            outcome.camera,
            Path(outcome.source).name,
            f"[{colours.get(outcome.status, 'red')}]{outcome.status}[/]",
            (entry["start"] or "")[:19],
            str(entry["frames"]),
            str(entry["events"]),
            outcome.reason,
        )
    console.print(table)


class What(StrEnum):
    events = "events"
    intervals = "intervals"
    groups = "groups"


@app.command(
    epilog="Example: crowdcount export --db out/crowdcount.db --what intervals --interval 15min "
    "--format xlsx --out counts.xlsx"
)
def export(
    db: StoreOption,
    out: Annotated[Path, typer.Option(help="File to write.")],
    what: Annotated[
        What, typer.Option(help="events: one row per event; intervals: per counter and interval; groups.")
    ] = What.events,
    format: Annotated[Format, typer.Option(help="File format.")] = Format.csv,
    interval: Annotated[str, typer.Option(help="1min, 5min, 15min, 30min, 60min (1h) or day.")] = "15min",
    tz: Annotated[str | None, typer.Option(help="Timezone of the intervals (default: the site's).")] = None,
    camera: CameraOption = None,
    lang: Annotated[
        str, typer.Option(help="Excel: ko (Korean headers and words) or en (the column names).")
    ] = "ko",
) -> None:
    """Export stored counts (columns documented in the README, 'Export columns').

    Intervals are clock-aligned in the site's timezone; an interval without footage is
    'missing' with empty counts, one partly covered is 'partial'. Excel files are for handing
    over: a cover (site, period, footage, model, config hash, accuracy), a summary, day totals
    per counter, and one sheet per camera (per group for --what groups), with display names,
    frozen headers, filters and date cells. CSV is UTF-8 with a byte-order mark.
    """
    from crowdcount.handover.export import export_store

    zone = _timezone(tz) if tz else None
    rows = export_store(db, out, what.value, format, interval, zone, camera, lang)
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
) -> None:
    """Write the report: title, headline figures, audit, totals per gate and day, the busiest
    intervals, hourly profiles per day, zone occupancy and dwell, in/out/net per hour and per day,
    method and limits, data coverage and the files (an appendix).
    """
    from crowdcount.handover.labels import labels_for
    from crowdcount.handover.report import write_report
    from crowdcount.tables.aggregate import parse_interval

    labels_for(lang)
    parse_interval(interval)
    output_file(out, "--out")
    chosen = format or (ReportFormat.pdf if out.suffix.lower() == ".pdf" else ReportFormat.html)
    path = write_report(db, out, lang, interval, _timezone(tz) if tz else None, chosen.value)
    console.print(f"report -> {path}")


def _timezone(name: str) -> str:
    from crowdcount.config import known_timezone

    try:
        return known_timezone(name)
    except ValueError as error:
        raise CrowdcountError(f"--tz {name}: {error}") from None


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
        _print_table(f"Tracks vs ground truth ({tracks.name})", pd.DataFrame([shown]))
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
    _print_table("Line counts vs ground truth", compare_lines(truth, counted, [x.id for x in cam.lines]))


HostOption = Annotated[
    str, typer.Option(help="Address to listen on; beyond 127.0.0.1 a --token is required.")
]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]
TokenOption = Annotated[
    str | None,
    typer.Option(envvar="CROWDCOUNT_TOKEN", help="Token the API and dashboard ask for (Bearer or ?token=)."),
]
LangOption = Annotated[str, typer.Option(help="Dashboard labels: en or ko (a page can switch).")]


def _check_listen(host: str, port: int, token: str | None, lang: str) -> None:
    """Refuse, before anything starts, to serve beyond loopback without a token or on a busy port."""
    from crowdcount.handover.labels import labels_for
    from crowdcount.server.app import check_token, needs_token
    from crowdcount.server.serve import check_port_free

    if needs_token(host) and not token:
        raise CrowdcountError(
            f"--host {host} reaches beyond this machine; give --token (or set CROWDCOUNT_TOKEN)"
        )
    if token is not None:
        try:
            check_token(token)
        except CrowdcountError as error:
            raise CrowdcountError(f"--token: {error}") from None
    labels_for(lang)
    check_port_free(host, port)


def _status_lines(monitor: Monitor, done: threading.Event) -> None:
    while not done.wait(every_s()):
        typer.echo(live_status_line(monitor.snapshot))


def _base_url(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def _serve(
    monitor: Monitor,
    host: str,
    port: int,
    token: str | None,
    lang: str,
    page: str = "",
    config: Path | None = None,
    previews: PreviewBoard | None = None,
) -> None:
    from crowdcount.server.app import create_app
    from crowdcount.server.serve import serve_app

    base = _base_url(host, port)
    opened = f"review {base}/{page}" if page else f"dashboard {base}/   audit {base}/audit"
    editor = f"   editor {base}/setup" if config is not None else ""
    console.print(f"{opened}{editor}   API {base}/docs   (Ctrl-C stops)")
    app = create_app(monitor, token, lang, config=config.resolve() if config else None, previews=previews)
    done = threading.Event()
    if monitor.live and not console.is_terminal:  # a service or a log file: say how it goes now and then
        threading.Thread(target=_status_lines, args=(monitor, done), name="live-lines", daemon=True).start()
    try:
        serve_app(app, host, port)
    finally:
        done.set()
        monitor.close()


@app.command(epilog="Example: crowdcount check --config examples/pets09.yaml --out out/check")
def check(
    config: ConfigOption,
    camera: CamerasOption = None,
    seconds: Annotated[
        float, typer.Option(min=5, max=3600, help="Footage per camera: its first recording's first seconds.")
    ] = 120,
    out: Annotated[Path, typer.Option(help="Folder for <camera>.png.")] = DEFAULT_OUT / "check",
    model: ModelOption = None,
    imgsz: ImgszOption = None,
) -> None:
    """Check where the lines and zones are placed: count a sample of each camera's footage and print
    one warning line per finding, with what to do (a line on the frame edge, people picked up at a
    line, people too small at it, a line along the flow, a zone over something that never moves,
    crossings that flicker, a line nobody crossed). Writes the frame with the lines, zones, sampled
    tracks and numbered warnings. Exits 0 with warnings; non-zero only on errors."""
    from crowdcount.config import load_config
    from crowdcount.setup.check import check_camera, write_picture

    site = load_config(config)
    cameras = [site.camera(c) for c in camera] if camera else site.cameras
    folder_to_be(out, "--out")
    options = _run_options(site, model, imgsz, None, False)
    detector = options.detector.load()
    for cam in cameras:
        checked = check_camera(site, cam, detector, seconds, options.detector.imgsz)
        lines = {line.id for line in cam.lines}
        for number, finding in enumerate(checked.findings, 1):
            kind = "line" if finding.counter in lines else "zone"
            typer.echo(f"warning: [{number}] camera {cam.id} {kind} {finding.counter}: {finding.message}")
        picture = write_picture(checked, out)
        crossings = sum(e.kind == "cross" for e in checked.events)
        typer.echo(
            f"{cam.id}: {checked.log.seconds:.0f} s sampled, {len(checked.log.tracks)} tracks, "
            f"{crossings} crossings, {len(checked.findings)} warning(s) -> {picture}"
        )


@app.command(epilog="Example: crowdcount setup --config examples/pets09.yaml --camera pets-view1")
def setup(
    config: ConfigOption,
    camera: Annotated[
        str | None, typer.Option(help="The camera the page opens (default: the first).")
    ] = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8080,
    token: TokenOption = None,
    lang: LangOption = "ko",
) -> None:
    """Draw a camera's lines and zones in the browser, on a frame of its source (file, folder or
    stream): place and drag points, set each line's in-direction, names and groups, and save. The
    config is checked as every command checks it before it is written, with its comments and order
    kept (the previous version stays beside it as SITE.yaml.bak)."""
    from crowdcount.server.app import create_editor_app
    from crowdcount.server.serve import serve_app
    from crowdcount.setup.editor import cameras_of, read_document

    _check_listen(host, port, token, lang)
    document = read_document(config)  # a broken file stops here, not in the browser
    if camera is not None and camera not in {c["id"] for c in cameras_of(document)}:
        known = ", ".join(c["id"] for c in cameras_of(document))
        raise CrowdcountError(f"--camera {camera}: not in {config}; cameras: {known}")
    query = f"?camera={camera}" if camera else ""
    console.print(f"editor {_base_url(host, port)}/setup{query}   (Ctrl-C stops)")
    serve_app(create_editor_app(config.resolve(), token, lang), host, port)


@app.command(epilog="Example: crowdcount live --config festival-live.yaml --port 8000 --lang ko")
def live(
    config: ConfigOption,
    camera: CamerasOption = None,
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Output folder (database).")] = DEFAULT_OUT,
    model: ModelOption = None,
    imgsz: ImgszOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    lang: LangOption = "en",
    preview_blur: Annotated[
        bool, typer.Option("--preview-blur", help="Blur people in the camera pictures the dashboard shows.")
    ] = False,
) -> None:
    """Count live streams (rtsp://, http(s)://, webcam index) and serve the API and dashboard.

    One process per camera reads the newest frame (no growing lag), reconnects with
    backoff when a stream drops and records the outage as a gap. Events go to the same
    store as batch mode, every second. Ctrl-C stops: open zone visits are closed and stored.
    """
    from crowdcount.config import alert_thresholds, describe_site, load_config
    from crowdcount.live.preview import PreviewBoard, preview_folder, remove_folder
    from crowdcount.live.processes import CameraProcesses
    from crowdcount.server.monitor import Monitor
    from crowdcount.server.outputs import outputs_for
    from crowdcount.sources.streams import is_stream
    from crowdcount.store.events import EventStore

    site = load_config(config)
    cameras = [site.camera(c) for c in camera] if camera else site.cameras
    for cam in cameras:
        if not cam.source or not is_stream(cam.source):
            shown = redact_url(cam.source or "")
            raise CrowdcountError(
                f"camera {cam.id!r}: source {shown!r} is not a stream; give an rtsp://, http(s):// URL or a "
                "webcam index (use 'crowdcount run' for recordings)"
            )
    _check_listen(host, port, token, lang)
    options = _run_options(site, model, imgsz, 1, False)
    store = EventStore(db or out / "crowdcount.db")
    store.describe(describe_site(site, cameras))
    since = datetime.now(site.tz)
    console.print(f"counting {len(cameras)} camera(s) live -> {store.shown_url}")
    pictures = preview_folder()  # the cameras' annotated frames, only while watched; never kept
    where = str(store.path or store.url)  # a file's path as it is: '?' or '%' in its name stay its name
    processes = CameraProcesses(site, cameras, where, options.detector, previews=pictures, blur=preview_blur)
    processes.start()
    try:
        monitor = Monitor(
            store, live=True, since=since, thresholds=alert_thresholds(site), outputs=outputs_for(site)
        )
        _serve(monitor, host, port, token, lang, config=config, previews=PreviewBoard(pictures))
    finally:
        console.print("stopping cameras (storing what they counted)...")
        processes.stop()
        remove_folder(pictures)
        console.print(f"stored -> {store.shown_url}")


@app.command("import", epilog="Example: crowdcount import --db out/crowdcount.db")
def import_kept(
    db: StoreOption,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Side files or folders of kept counts (default: the store's DB.unsaved/).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Store the counts a run kept aside when the store refused them (locked, disk full).

    Each file is stored in one transaction and then deleted; a recording's events replace
    what the store holds for it, a live session's are added.
    """
    from crowdcount.store.events import EventStore
    from crowdcount.store.unsaved import load, pending, read_all, side_files, store_kept, unsaved_folder

    named = read_all(side_files(files)) if files else None  # every file read before the store is opened
    if named is None and "://" not in db and not Path(db).expanduser().exists():
        raise CrowdcountError(f"database {db} not found: there is nothing kept for it to import")
    store = EventStore(db)
    loaded, damaged = (store_kept(store, named), []) if named is not None else load(store, pending(store))
    _warn_damaged(damaged)
    if not loaded and not damaged:
        console.print(f"no kept counts to import (looked in {unsaved_folder(store)})")
    for path, events in loaded:
        console.print(f"{path.name}: {_stored(events)} -> {store.shown_url}")


models_app = typer.Typer(
    help="Detector models: list them, get a known one, add files carried in.", no_args_is_help=False
)
app.add_typer(models_app, name="models")
DirOption = Annotated[
    list[Path] | None,
    typer.Option("--dir", help="Folders to search (default: $CROWDCOUNT_MODEL_DIR and models/)."),
]


@models_app.callback(invoke_without_command=True)
def models(context: typer.Context, folder: DirOption = None) -> None:
    """List the detector models (as 'models list' does when no command is given)."""
    if context.invoked_subcommand is None:
        models_list(folder)


@models_app.command("list", epilog="Example: crowdcount models list --dir ../shared/models")
def models_list(folder: DirOption = None) -> None:
    """List the models: the embedded default, the user's model cache, and models found in folders,
    each with its licence, training-data terms and checksum state; and the known models not yet here.

    What a model is comes from its card (WEIGHTS.card.yaml beside it, or crowdcount's built-in
    cards by file hash), never from its name. With nothing named, crowdcount counts with a
    licence-clean model you described with a card in a model folder, else the embedded one.
    """
    from crowdcount.detect.models import inventory, model_folders
    from crowdcount.detect.registry import DEFAULT_MODEL, cache_folder

    for listed in inventory(folder or model_folders()):
        card = listed.card
        default = "  (the default)" if listed.name == DEFAULT_MODEL and listed.where == "embedded" else ""
        console.print(
            f"[bold]{listed.name}[/]  {listed.where}  checksum: {listed.state}{default}",
            highlight=False,
            soft_wrap=True,
        )
        console.print(
            f"  {card.name if card else 'no model card: what it is and its licence are unknown'}",
            highlight=False,
            soft_wrap=True,
        )
        if card is not None:
            data = "; ".join(part for part in (card.training_data, card.data_terms) if part) or "not stated"
            console.print(
                f"  licence: {card.licence}; training data: {data}", highlight=False, soft_wrap=True
            )
        if listed.path is not None:
            console.print(f"  {listed.path}", highlight=False, soft_wrap=True)
    console.print(f"model cache: {cache_folder()}", highlight=False, soft_wrap=True)


@models_app.command("get", epilog="Example: crowdcount models get person-detection-0202")
def models_get(
    name: Annotated[str, typer.Argument(help="A known model's name ('crowdcount models list' shows them).")],
    mirror: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A server holding the files by name, instead of their official URLs "
            "(default: $CROWDCOUNT_MODEL_MIRROR).",
        ),
    ] = None,
) -> None:
    """Download a known model into the user's model cache: each file resumed where a stopped transfer
    left it, checked against its SHA-256 before it is put in place. Nothing else ever downloads."""
    from crowdcount.detect.registry import KNOWN, fetch, known_model

    known = known_model(name)
    if known is None:
        raise CrowdcountError(f"no known model {name!r}; known models: {', '.join(KNOWN)}")
    with _progress() as progress:
        tasks: dict[str, TaskID] = {}

        def show(file: str, done: int, total: int | None) -> None:
            if file not in tasks:
                tasks[file] = progress.add_task(file, total=total, rate="")
            progress.update(tasks[file], completed=done, rate=f"{done / 1e6:.1f} MB")

        path = fetch(known, mirror, show)
    console.print(f"{known.name}: verified -> {path.parent}  (use: --model {known.name})", soft_wrap=True)


@models_app.command("add", epilog="Example: crowdcount models add /media/usb/person-detection-0202.*")
def models_add(
    files: Annotated[
        list[Path], typer.Argument(help="Model files carried in (an OpenVINO .xml with its .bin).")
    ],
    card: Annotated[
        Path | None, typer.Option(help="The model card of files crowdcount does not know (models/README.md).")
    ] = None,
) -> None:
    """Import model files into the user's model cache, for sites without internet: files of a known
    model are recognised by their checksums; other files are taken only with their card."""
    from crowdcount.detect.registry import add_files

    for added in add_files(files, card):
        how = "verified" if added.known else "with its card"
        console.print(f"{added.source} -> {added.target} ({added.model}, {how})", soft_wrap=True)


class ModelFormat(StrEnum):
    onnx = "onnx"
    openvino = "openvino"


@app.command("export-model", epilog="Example: crowdcount export-model models/yolo11n.pt --format openvino")
def export_model(
    weights: Annotated[Path, typer.Argument(help="Ultralytics .pt weights (e.g. models/yolo11n.pt).")],
    fmt: Annotated[
        ModelFormat, typer.Option("--format", help="onnx (onnxruntime) or openvino (Intel CPUs).")
    ] = ModelFormat.onnx,
    imgsz: Annotated[int, typer.Option(min=32, help="Input size the exported model is fixed to.")] = 640,
) -> None:
    """Export Ultralytics weights for faster CPU inference; the result is written beside them.

    Use it with --model PATH (or leave it in models/): crowdcount runs an Ultralytics ONNX export
    or *_openvino_model folder through Ultralytics. Nothing is downloaded.
    """
    from crowdcount.detect.ultralytics import export_ultralytics

    exported = export_ultralytics(weights, fmt.value, imgsz)
    console.print(f"{weights} -> {exported}  (use: --model {exported} --imgsz {imgsz})", soft_wrap=True)


@app.command(epilog="Example: crowdcount serve --db out/crowdcount.db --config examples/pets09.yaml")
def serve(
    db: StoreOption,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Site YAML, for zone alert thresholds.")
    ] = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    lang: LangOption = "en",
) -> None:
    """Serve the live API and dashboard over a store (a finished batch run, or one being written)."""
    from crowdcount.config import alert_thresholds, load_config
    from crowdcount.server.monitor import Monitor
    from crowdcount.server.outputs import outputs_for
    from crowdcount.store.events import EventStore

    _check_listen(host, port, token, lang)
    store = EventStore(db, create=False)
    site = load_config(config) if config else None
    monitor = Monitor(
        store,
        live=False,
        thresholds=alert_thresholds(site) if site else None,
        outputs=outputs_for(site),
    )
    _serve(monitor, host, port, token, lang, config=config)


audit_app = typer.Typer(
    help="Audit the counts: review a random sample of windows, get each count with a 95 % interval.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")


@audit_app.command(
    "plan", epilog="Example: crowdcount audit plan --db out/crowdcount.db --samples 30 --out out/audit"
)
def audit_plan(
    db: StoreOption,
    out: Annotated[Path, typer.Option(help="Folder for plan.csv, answers.csv and clips/.")],
    camera: CamerasOption = None,
    counter: Annotated[
        list[str] | None, typer.Option("--counter", help="Only these line or zone ids (repeatable).")
    ] = None,
    samples: Annotated[int, typer.Option(min=2, help="Windows drawn per counter.")] = DEFAULT_SAMPLES,
    seconds: Annotated[float, typer.Option(min=1, max=3600, help="Length of a window.")] = DEFAULT_WINDOW_S,
    seed: Annotated[int, typer.Option(help="Seed of the draw: the same seed makes the same plan.")] = 0,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Site YAML, only for stores that do not keep their lines and zones."
        ),
    ] = None,
) -> None:
    """Draw the audit's sample: each counter's footage cut into windows, SAMPLES of them drawn at
    random (spread over the hours of day), a clip of each with its line or zone drawn, plan.csv
    listing them and answers.csv to fill in. The plan is recorded in the store (replacing an older
    one; reviews already made are kept). Review them with 'crowdcount audit serve' or fill in
    answers.csv and run 'crowdcount audit import'.
    """
    from crowdcount.audit import make_plan
    from crowdcount.config import camera_geometry, load_config
    from crowdcount.store.events import EventStore

    store = EventStore(db, create=False).writable()  # an existing store only
    geometry = {c.id: camera_geometry(c) for c in load_config(config).cameras} if config else None
    folder_to_be(out, "--out")  # refused before anything is read; made once the plan can be
    with _progress() as progress:
        task = progress.add_task("clips", total=None, rate="")
        plan = make_plan(
            store,
            out,
            camera or (),
            counter or (),
            samples,
            seconds,
            seed,
            geometry,
            lambda done, total: progress.update(task, completed=done, total=total),
        )
    console.print(
        f"{len(plan.items)} windows of {seconds:g} s to review -> {out / 'plan.csv'}, clips in "
        f"{out / 'clips'}; review: crowdcount audit serve --db {db}",
        soft_wrap=True,
    )


@audit_app.command("import", epilog="Example: crowdcount audit import --db out/crowdcount.db --answers a.csv")
def audit_import(
    db: StoreOption,
    answers: Annotated[
        Path, typer.Option(help="CSV: item_id,true_in,true_out (optional false_in,false_out,reviewer).")
    ],
) -> None:
    """Store reviews made elsewhere (a spreadsheet, a second reviewer): for each item of the plan,
    how many people truly crossed each way (zones: entered, left). A review replaces an earlier one
    of its window. Prints the estimates.
    """
    from crowdcount.audit import read_answers
    from crowdcount.store.events import EventStore

    store = EventStore(db, create=False).writable()  # an existing store only
    plan = store.audit_plan()
    if plan is None:
        raise CrowdcountError(f"{db} has no audit plan; make one with 'crowdcount audit plan' first")
    reviewed = read_answers(answers, plan)
    store.save_reviews(reviewed)
    console.print(f"{len(reviewed)} reviews from {answers} -> {store.shown_url}")
    _print_audits(store)


@audit_app.command("show", epilog="Example: crowdcount audit show --db out/crowdcount.db")
def audit_show(db: StoreOption) -> None:
    """Print each audited counter's corrected total with its 95 % interval, precision and miss rate."""
    from crowdcount.store.events import EventStore

    _print_audits(EventStore(db, create=False))


def _print_audits(store: EventStore) -> None:
    import pandas as pd

    from crowdcount.audit import audit_rows, store_audits

    rows = audit_rows(store_audits(store))
    if not rows:
        console.print("no audit yet: the counts are unaudited ('crowdcount audit plan' starts one)")
        return
    several = len({r["camera"] for r in rows}) > 1
    table = pd.DataFrame(
        [
            {
                "counter": f"{r['camera']}/{r['counter']}" if several else r["counter"],
                "way": r["direction"],
                "counted": r["counted"],
                "estimate": r["estimate"],
                "95 %": "-" if r["low"] is None else f"{r['low']:g}-{r['high']:g}",
                "reviewed": f"{r['reviewed']}/{r['windows']}",
                "precision": _percent(r["precision"]),
                "miss": _percent(r["miss_rate"]),
            }
            for r in rows
        ]
    )
    cameras = "" if several else f"camera {rows[0]['camera']}, "
    _print_table(f"Audit ({cameras}planned {str(rows[0]['planned'])[:16]} UTC)", table)
    if not all(row["rates_exact"] for row in rows):
        console.print(
            "precision is an upper bound and miss rate a lower one where reviews did not mark false counts"
        )


def _percent(value: object) -> str:
    return "-" if value is None else f"{100 * float(str(value)):.0f} %"


@audit_app.command("serve", epilog="Example: crowdcount audit serve --db out/crowdcount.db --lang ko")
def audit_serve(
    db: StoreOption,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    lang: LangOption = "ko",
) -> None:
    """Open the review page: play each window's clip, step frame by frame, enter how many people
    truly crossed; each review is saved at once. The page is also at /audit under serve and live.
    """
    from crowdcount.server.monitor import Monitor
    from crowdcount.store.events import EventStore

    _check_listen(host, port, token, lang)
    store = EventStore(db, create=False).writable()  # an existing store only
    if store.audit_plan() is None:
        raise CrowdcountError(f"{db} has no audit plan; make one with 'crowdcount audit plan' first")
    _serve(Monitor(store, live=False), host, port, token, lang, "audit")


def with_flag_values(argv: list[str], option: str, value: str) -> list[str]:
    """``option`` given without a value (last, or before another option) gets ``value``.

    Click options cannot take an optional value through Typer, so ``--ray`` alone becomes
    ``--ray local`` here.
    """
    result = []
    for index, arg in enumerate(argv):
        result.append(arg)
        if arg == option and (index + 1 == len(argv) or argv[index + 1].startswith("-")):
            result.append(value)
    return result


def main() -> None:
    """Entry point: user errors (bad options too) print one line and exit 2, never a traceback."""
    args = sys.argv[1:]
    if "--ray" in args:  # only `run` has it, and it imports the cluster anyway
        from crowdcount.batch.cluster import LOCAL

        args = with_flag_values(args, "--ray", LOCAL)
    try:
        code = app(args=args, standalone_mode=False)
    except CrowdcountError as error:
        _fail(str(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as error:  # the command line itself is wrong (typer's own click)
        if type(error).__name__ == "NoArgsIsHelpError":  # `crowdcount` alone: the help, as asked
            error.show()  # type: ignore[attr-defined]
            sys.exit(0)
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "crowdcount"
        message = error.format_message().replace("Value error, ", "")
        _fail(f"{message} (see '{command} --help')")
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> NoReturn:
    errors.print(f"crowdcount: error: {message}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(2)
