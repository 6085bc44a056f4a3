"""The whole-site run: every recording of every camera into a store (resume, bad files, gaps, workers)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol, get_args
from zoneinfo import ZoneInfo

import supervision as sv

from crowdcount import __version__
from crowdcount.batch.recording import (
    FileOutcome,
    FileStatus,
    Recording,
    RunOptions,
    count_recording,
    plan_camera,
)
from crowdcount.config import (
    CameraConfig,
    CountingSettings,
    SiteConfig,
    config_hash,
    counting_hash,
    describe_site,
)
from crowdcount.cores import usable_cores
from crowdcount.datatypes import FrameInfo, Gap
from crowdcount.detect.base import Detector
from crowdcount.detect.files import model_sha256
from crowdcount.errors import CrowdcountError
from crowdcount.paths import replaced_whole
from crowdcount.sources.archive import content_identity, holes_between
from crowdcount.store.events import EventStore, StoreWriteError
from crowdcount.store.unsaved import Unsaved, keep

BETWEEN_FILES = ""  # the gaps table's source for holes between a camera's recordings


STATUSES = get_args(FileStatus)
RECOUNTED = "counted again: the camera's lines, zones or counting changed"


class RunWatch(Protocol):
    """What a run tells whoever watches it (the CLI's progress bars)."""

    def planned(self, files: int) -> None:
        """How many files are to be counted."""

    def started(self, recording: Recording) -> None:
        """A file's counting began."""

    def frame(self, info: FrameInfo) -> None:
        """A frame of a file was read or stepped over."""

    def finished(self, outcome: FileOutcome) -> None:
        """A file was counted and saved (or kept aside)."""

    def note(self, text: str) -> None:
        """Something to say about the run as a whole."""


class SiteRun:
    """Processes every camera of a site into a store, resuming where an earlier run stopped.

    Files already stored as done are skipped unless ``force``; each file's events and gaps
    are committed in one transaction, so a killed run loses at most the file in progress.
    """

    def __init__(self, site: SiteConfig, store: EventStore, options: RunOptions) -> None:
        self.site, self.store, self.options = site, store, options
        self.outcomes: list[FileOutcome] = []
        self.started = datetime.now(site.tz)
        self.counting_hashes = {camera.id: counting_hash(site, camera) for camera in site.cameras}
        self.recounted: set[tuple[str, str]] = set()  # (camera, source): counted again (RECOUNTED)
        self.store_failure: str | None = None  # why the store refused a write, once it has
        self.detector_name = ""  # the detector as it ran, for the manifest

    def shortfall(self) -> list[str]:
        """What a scheduled run must not pass over, in words: each camera with no footage counted (none
        found, or every file failed) and the number of files that failed; empty when there is none."""
        counted = {o.camera for o in self.outcomes if o.status in ("done", "skipped", "growing")}
        silent = sorted({o.camera for o in self.outcomes} - counted)
        failed = sum(o.status == "failed" for o in self.outcomes)
        return [f"camera {camera} has no footage counted" for camera in silent] + (
            [f"{failed} file(s) failed"] if failed else []
        )

    def run(self, cameras: list[CameraConfig], watch: RunWatch, ray: str | None = None) -> None:
        """Count every pending recording of ``cameras``: as Ray tasks with ``ray`` (an address, or
        "local"), in worker processes with ``options.workers`` > 1, else here, file after file."""
        todo = self.pending(self.plan(cameras))
        watch.planned(len(todo))
        outcomes: Iterator[FileOutcome]
        reference = self.options.detector.model.reference
        if ray is not None and todo:
            from crowdcount.batch.cluster import connect, count_on_ray, pack_model

            shipped = pack_model(self.options.detector.model)
            watch.note(f"Ray ({ray}): {connect(ray)}, one task per file")
            work = [(camera, recording, self.site.counting_for(camera)) for camera, recording in todo]
            outcomes = count_on_ray(work, self.options, shipped, self.save)
            self.detector_name = f"{reference} on Ray ({ray})"
        elif self.options.workers > 1 and len(todo) > 1:
            for _, recording in todo:
                watch.started(recording)
            outcomes = self.count_in_workers(todo, watch.frame)
            self.detector_name = f"{reference} x{self.options.workers} workers"
        else:
            detector = self.options.detector.load()
            self.detector_name = detector.name
            outcomes = self.count_here(todo, detector, watch.started, watch.frame)
        for outcome in outcomes:
            watch.finished(outcome)

    def describe(self, cameras: list[CameraConfig]) -> None:
        """Keep the site and these cameras' lines and zones in the store (a store that refuses
        writes fails here, before anything is counted)."""
        self.store.describe(describe_site(self.site, cameras))

    def count_one(
        self,
        camera: CameraConfig,
        recording: Recording,
        detector: Detector,
        watch: RunWatch,
        on_tracks: Callable[[FrameInfo, sv.Detections], None] | None = None,
    ) -> FileOutcome:
        """Count one recording (``crowdcount process``; :meth:`describe` its camera first) and save it
        as a run saves each file: the counts kept aside if the store refuses them."""
        self.detector_name = detector.name
        watch.planned(1)
        watch.started(recording)
        settings = self.site.counting_for(camera)
        outcome = count_recording(recording, camera, settings, detector, self.options, watch.frame, on_tracks)
        self.save(outcome)
        watch.finished(self.outcomes[-1])
        return self.outcomes[-1]

    def plan(self, cameras: list[CameraConfig]) -> list[tuple[CameraConfig, Recording]]:
        """Every recording to look at; cameras whose source fails are reported as outcomes (and kept in
        the store with the rest, so every table shows them without footage instead of leaving them out)."""
        self.describe(cameras)
        work = []
        for camera in cameras:
            try:
                recordings = plan_camera(self.site, camera, self.options.fps)
            except CrowdcountError as error:
                self.outcomes.append(FileOutcome(camera.id, camera.source or "", "failed", str(error)))
                continue
            self._record_holes(camera, recordings)
            work += [(camera, r) for r in recordings]
        return work

    def _record_holes(self, camera: CameraConfig, recordings: list[Recording]) -> None:
        """Store holes/overlaps between files, and the span of each unreadable file, as gaps."""
        spans = [
            (str(r.path), r.expected)
            for r in recordings
            if r.expected is not None and r.error is None and r.same_as is None
        ]
        holes = [
            Gap(camera.id, BETWEEN_FILES, h.span.start, h.span.end, h.reason) for h in holes_between(spans)
        ]
        self.store.replace_gaps(camera.id, BETWEEN_FILES, holes)
        starts = [r.start for r in recordings if r.start is not None]
        for recording in recordings:
            if recording.error is None or recording.start is None:
                continue
            later = [s for s in starts if s > recording.start]
            end = recording.expected.end if recording.expected else (min(later) if later else recording.start)
            gap = Gap(camera.id, str(recording.path), recording.start, end, f"unreadable: {recording.error}")
            self.store.replace_gaps(camera.id, str(recording.path), [gap] if end > recording.start else [])

    def pending(self, work: list[tuple[CameraConfig, Recording]]) -> list[tuple[CameraConfig, Recording]]:
        """Drop (as outcomes) unreadable files and files already done; return what to count."""
        counted_with = self.store.counted_with()
        done, changed = set(), set()
        for record in self.store.sources():
            key = (record.camera, record.source)
            stored = counted_with.get(key)
            if record.status != "done":
                continue
            if stored is None or stored == self.counting_hashes.get(record.camera, stored):
                done.add(key)
            else:
                changed.add(key)  # counted before a line, zone or counting setting changed
        done_copies = self._done_identities(done, work)
        todo = []
        for camera, recording in work:
            source = str(recording.path)
            copy_of = done_copies.get((camera.id, recording.identity or ""))
            if recording.error is not None:
                self.outcomes.append(FileOutcome(camera.id, source, "failed", recording.error))
            elif recording.same_as is not None:
                reason = f"the same recording as {recording.same_as}, counted once"
                self.outcomes.append(FileOutcome(camera.id, source, "skipped", reason))
            elif (camera.id, source) in done and not self.options.force:
                self.outcomes.append(FileOutcome(camera.id, source, "skipped", "done in an earlier run"))
            elif (camera.id, source) in changed:
                self.recounted.add((camera.id, source))
                todo.append((camera, recording))
            elif copy_of is not None and copy_of != source and not self.options.force:
                reason = f"the same recording as {copy_of}, done in an earlier run"
                self.outcomes.append(FileOutcome(camera.id, source, "skipped", reason))
            else:
                todo.append((camera, recording))
        return todo

    @staticmethod
    def _done_identities(
        done: set[tuple[str, str]], work: list[tuple[CameraConfig, Recording]]
    ) -> dict[tuple[str, str], str]:
        """(camera, content identity) -> path of each recording done in an earlier run that is still
        on disk but not among this run's paths (a folder copied beside it): a copy is not counted again."""
        planned = {(camera.id, str(r.path)) for camera, r in work}
        cameras = {camera for camera, _ in planned}
        identities = {}
        for camera, source in {(c, s) for c, s in done - planned if c in cameras}:
            identity = content_identity(Path(source)) if Path(source).exists() else None
            if identity is not None:
                identities[(camera, identity)] = source
        return identities

    def save(self, outcome: FileOutcome) -> None:
        """Commit one counted file (events, gaps, its source row) in one transaction. If the store
        refuses, the file's counts go to a side file (see :mod:`crowdcount.store.unsaved`), and so do
        those of every later file of the run: nothing counted is lost."""
        if outcome.record is not None:
            try:
                if self.store_failure is not None:
                    raise StoreWriteError(self.store_failure)
                counted_with = self.counting_hashes.get(outcome.camera, "")
                self.store.replace_source(
                    outcome.record, outcome.events, outcome.gaps, counted_with=counted_with
                )
            except StoreWriteError as error:
                self.store_failure = str(error)
                kept = keep(self.store, Unsaved(outcome.record, outcome.events, outcome.gaps))
                outcome = replace(outcome, status="unsaved", reason=f"kept in {kept}")
        if (outcome.camera, outcome.source) in self.recounted and not outcome.reason:
            outcome = replace(outcome, reason=RECOUNTED)
        self.outcomes.append(outcome)

    def count_here(
        self,
        todo: list[tuple[CameraConfig, Recording]],
        detector: Detector,
        on_start: Callable[[Recording], None],
        on_frame: Callable[[FrameInfo], None],
    ) -> Iterator[FileOutcome]:
        """Count files one after another in this process; stops after an interrupted file."""
        for camera, recording in todo:
            on_start(recording)
            outcome = count_recording(
                recording, camera, self.site.counting_for(camera), detector, self.options, on_frame
            )
            self.save(outcome)
            yield outcome
            if outcome.status == "interrupted":
                return

    def count_in_workers(
        self, todo: list[tuple[CameraConfig, Recording]], on_frame: Callable[[FrameInfo], None]
    ) -> Iterator[FileOutcome]:
        """Count files in ``workers`` processes; the cores are split between them."""
        workers = min(self.options.workers, len(todo)) or 1
        threads = max(1, usable_cores() // workers)
        context = get_context("spawn")
        with context.Manager() as manager:
            progress = manager.Queue()
            with ProcessPoolExecutor(
                workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.options, threads, progress),
            ) as pool:
                futures: set[Future[FileOutcome]] = {
                    pool.submit(_count_in_worker, recording, camera, self.site.counting_for(camera))
                    for camera, recording in todo
                }
                while futures:
                    finished, futures = wait(futures, timeout=0.2, return_when=FIRST_COMPLETED)
                    while not progress.empty():
                        on_frame(progress.get())
                    for future in finished:
                        outcome = future.result()
                        self.save(outcome)
                        yield outcome

    def write_manifest(self, config_path: Path, folder: Path) -> tuple[Path, dict[str, Any]]:
        """Write the run's manifest as ``folder/run-manifest.json`` (whole or not at all)."""
        manifest = self.manifest(config_path)
        path = folder / "run-manifest.json"
        with replaced_whole(path) as partial:
            partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        return path, manifest

    def manifest(self, config_path: Path) -> dict[str, Any]:
        """A machine-readable account of the run: code, model, config, files, frames, gaps, counts."""
        stored = {(r.camera, r.source): r for r in self.store.sources()}
        files: list[dict[str, Any]] = []
        zone = self.site.tz  # instants are kept in UTC; the manifest shows the site's wall clock
        for outcome in sorted(self.outcomes, key=lambda o: (o.camera, o.source)):
            record = outcome.record or stored.get((outcome.camera, outcome.source))
            events = (
                outcome.events
                if outcome.record
                else (self.store.events(camera=outcome.camera, source=outcome.source) if record else [])
            )
            files.append(
                {
                    "camera": outcome.camera,
                    "source": outcome.source,
                    "status": outcome.status,
                    "reason": outcome.reason,
                    "seconds": round(outcome.seconds, 2),
                    "start": _shown(record.start, zone) if record else None,
                    "end": _shown(record.end, zone) if record else None,
                    "frames": record.frames if record else 0,
                    "events": len(events),
                    "gaps": [
                        {"start": _shown(g.start, zone), "end": _shown(g.end, zone), "reason": g.reason}
                        for g in outcome.gaps
                    ],
                    "still_tracks": [
                        {
                            "track": s.track_id,
                            "since_s": round(s.since_s, 1),
                            "seconds": round(s.seconds, 1),
                            "ignore_polygon": s.mask(),
                        }
                        for s in outcome.still
                    ],
                }
            )
        model = Path(self.options.detector.model.reference)
        statuses = [f["status"] for f in files]
        return {
            "crowdcount_version": __version__,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": datetime.now(self.site.tz).isoformat(timespec="seconds"),
            "config": {"path": str(config_path.resolve()), "sha256": config_hash(self.site)},
            "model": {
                "path": str(model),
                "name": self.detector_name,
                "sha256": model_sha256(model) if model.exists() else None,
            },
            "options": {
                "stride": self.options.stride or "auto",
                "imgsz": self.options.detector.imgsz,
                "roi": self.options.roi,
                "workers": self.options.workers,
                "force": self.options.force,
            },
            "database": self.store.shown_url,
            "files": files,
            "totals": {s: statuses.count(s) for s in STATUSES}
            | {"frames": sum(f["frames"] for f in files), "events": sum(f["events"] for f in files)},
        }


_worker: dict[str, Any] = {}


def _init_worker(options: RunOptions, threads: int, progress: Any) -> None:
    _worker.update(detector=options.detector.load(threads), options=options, progress=progress)


def _count_in_worker(recording: Recording, camera: CameraConfig, settings: CountingSettings) -> FileOutcome:
    progress = _worker["progress"]
    return count_recording(recording, camera, settings, _worker["detector"], _worker["options"], progress.put)


def _shown(moment: datetime, zone: ZoneInfo) -> str:
    """An instant as the site's wall clock (ISO 8601 with its offset), for people reading the manifest."""
    return moment.astimezone(zone).isoformat()
