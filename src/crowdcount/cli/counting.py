"""Commands that count recordings: ``process`` (one file), ``run`` (a whole site), ``import``
(the counts a store refused, kept in side files)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from crowdcount.cli.common import (
    CameraOption,
    CamerasOption,
    ConfigOption,
    DbOption,
    FilesProgress,
    ImgszOption,
    ModelOption,
    RoiOption,
    StoreOption,
    StrideOption,
    app,
    cameras_to_count,
    console,
    errors,
    load_kept,
    options_for,
    print_totals,
    progress_bars,
    show_table,
    stored,
    unsaved_error,
    warn_damaged,
    warn_still,
)
from crowdcount.errors import CrowdcountError
from crowdcount.paths import DEFAULT_OUT, output_folder

if TYPE_CHECKING:
    from crowdcount.batch.recording import FileOutcome


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
    site.cameras_to_count([cam.id])  # a draft without lines: refused before any work
    recording = probe_recording(site, cam, video, fps)
    if recording.error is not None:
        raise CrowdcountError(recording.error)
    assert recording.info is not None and recording.start is not None
    options = options_for(site, model, imgsz, stride, roi)  # a model that is not there: before the store
    store = EventStore(db or out / "crowdcount.db")  # path and schema checked; nothing written yet
    track_log = MotTrackWriter(save_tracks) if save_tracks else None
    detector = options.detector.load()
    load_kept(store)
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
    with progress_bars() as progress:
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
    print_totals(cam, outcome.events)
    warn_still(outcome, local)
    if site_run.store_failure is not None:
        unsaved_error(store, site_run.store_failure, f"the {len(outcome.events)} events are {outcome.reason}")
    if outcome.status == "interrupted":
        raise typer.Exit(130)


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
            "(auto, or HEAD_IP:6379), on that cluster. Needs the cluster extra: "
            "pip install 'crowdcount\\[cluster]'.",
        ),
    ] = None,
) -> None:
    """Count every recording of every camera of a site (folders, globs, single files).

    Files are taken in time order per camera; holes and overlaps between them, truncated
    files, corrupt segments and unreadable files become gaps. Each file is committed on its
    own: after Ctrl-C or a kill, running again finishes the rest without double counting.
    Writes OUT/run-manifest.json. Exits 0 when every camera's files were counted; 4 when, after
    storing all it could, a camera had no footage or a file failed; 1 when nothing could be counted.
    """
    from crowdcount.batch.runner import SiteRun
    from crowdcount.config import load_config
    from crowdcount.store.events import EventStore
    from crowdcount.store.unsaved import unsaved_folder

    site = load_config(config)
    cameras = cameras_to_count(site, camera, config)
    output_folder(out, "--out")
    options = options_for(site, model, imgsz, stride, roi, workers, force)
    target = db or out / "crowdcount.db"
    new_store = "://" not in str(target) and not Path(target).expanduser().exists()  # removed if left empty
    store = EventStore(target)
    load_kept(store)
    site_run = SiteRun(site, store, options)
    with progress_bars() as progress:
        site_run.run(cameras, FilesProgress(progress), ray)
    manifest_path, manifest = site_run.write_manifest(config, out)
    _print_run(site_run.outcomes, manifest)
    for outcome in site_run.outcomes:
        warn_still(outcome, site.tz)
    console.print(f"-> {store.shown_url}; manifest {manifest_path}")
    totals = manifest["totals"]
    if site_run.store_failure is not None:
        unsaved_error(
            store, site_run.store_failure, f"{totals['unsaved']} file(s) are kept in {unsaved_folder(store)}"
        )
    if totals["interrupted"]:
        raise typer.Exit(130)
    if not totals["done"] and not totals["skipped"] and not totals["growing"]:
        if new_store and not store.sources():
            store.remove()  # a refused input leaves no empty store behind
        errors.print("crowdcount: error: no recording could be processed (see the table above)")
        raise typer.Exit(1)
    if shortfall := site_run.shortfall():
        errors.print(
            f"crowdcount: error: counted the rest, but {'; '.join(shortfall)} (see the table above)",
            markup=False,
        )
        raise typer.Exit(SHORTFALL_EXIT)


SHORTFALL_EXIT = 4  # `run` stored all it could, but a camera had no footage or a file failed


def _print_run(outcomes: list[FileOutcome], manifest: dict) -> None:
    by_source = {(f["camera"], f["source"]): f for f in manifest["files"]}
    colours = {"done": "green", "growing": "yellow", "skipped": "cyan", "interrupted": "yellow"}
    rows = []
    for outcome in sorted(outcomes, key=lambda o: (o.camera, o.source)):
        entry = by_source[(outcome.camera, outcome.source)]
        rows.append(
            [
                outcome.camera,
                Path(outcome.source).name,
                f"[{colours.get(outcome.status, 'red')}]{outcome.status}[/]",
                (entry["start"] or "")[:19],
                str(entry["frames"]),
                str(entry["events"]),
                escape(outcome.reason),
            ]
        )
    columns = ["camera", "file", "status", "start", "frames", "events", "reason"]
    show_table("Files", columns, rows, right=["frames", "events"])


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
    warn_damaged(damaged)
    if not loaded and not damaged:
        console.print(f"no kept counts to import (looked in {unsaved_folder(store)})")
    for path, events in loaded:
        console.print(f"{path.name}: {stored(events)} -> {store.shown_url}")
