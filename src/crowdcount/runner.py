"""Recordings -> stored counts: the per-file task and the whole-site run (resume, bad files, gaps)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from crowdcount import __version__
from crowdcount.archive import expected_span, find_recordings, holes_between, recording_start
from crowdcount.config import (
    CameraConfig,
    CountingSettings,
    SiteConfig,
    check_in_frame,
    config_hash,
    counter_infos,
)
from crowdcount.count import counters_for
from crowdcount.coverage import Span
from crowdcount.datatypes import CountEvent, FrameInfo, Gap
from crowdcount.detect import Detector, ModelChoice, load_detector
from crowdcount.errors import CrowdcountError
from crowdcount.pacing import DetectionPacer
from crowdcount.pipeline import count_frames
from crowdcount.roi import RegionDetector, counter_region
from crowdcount.sources import FrameReader, Prefetch, VideoInfo, effective_fps, probe_video
from crowdcount.store import EventStore, SourceRecord
from crowdcount.track import Tracker

BETWEEN_FILES = ""  # the gaps table's source for holes between a camera's recordings


@dataclass(frozen=True)
class Recording:
    """One file of a camera, with what is known of it before counting."""

    camera: str
    path: Path
    start: datetime | None
    start_from: str
    info: VideoInfo | None = None
    fps: float | None = None
    error: str | None = None

    @property
    def expected(self) -> Span | None:
        if self.start is None or self.info is None or not self.fps or not self.info.frame_count:
            return None
        return expected_span(self.start, self.info.frame_count, self.fps)


@dataclass
class FileOutcome:
    """What became of one recording in a run."""

    camera: str
    source: str
    status: str  # done / skipped / failed / interrupted
    reason: str = ""
    record: SourceRecord | None = None
    events: list[CountEvent] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    seconds: float = 0.0
    frames_read: int = 0  # video frames gone through, detected or stepped over


@dataclass(frozen=True)
class RunOptions:
    """How files are counted: the knobs of ``crowdcount run`` and ``process``."""

    model: ModelChoice
    imgsz: int | None = None
    confidence: float = 0.1
    stride: int | None = None  # None: paced by how fast people move (see crowdcount.pacing)
    roi: bool = False
    workers: int = 1
    force: bool = False
    fps: float | None = None


def plan_camera(site: SiteConfig, camera: CameraConfig, fps: float | None = None) -> list[Recording]:
    """A camera's recordings in time order, each probed; unreadable ones carry their error."""
    if camera.source is None:
        raise CrowdcountError(f"camera {camera.id!r} has no 'source'; give a file, folder or glob")
    paths = find_recordings(camera.source)
    if camera.start is not None and len(paths) > 1:
        raise CrowdcountError(
            f"camera {camera.id!r}: 'start' gives one time but the source has {len(paths)} files; "
            "use filename_pattern (or the files' own creation times) instead"
        )
    recordings = [probe_recording(site, camera, path, fps) for path in paths]
    return sorted(recordings, key=lambda r: (r.start is None, r.start or datetime.min, str(r.path)))


def probe_recording(
    site: SiteConfig, camera: CameraConfig, path: Path, fps: float | None = None
) -> Recording:
    """Open one file and work out its frame rate and start time; errors are kept, not raised."""
    info, rate, error = None, None, None
    try:
        info = probe_video(path)
        rate = effective_fps(info, fps or camera.fps)
        check_in_frame(camera, info.width, info.height)
    except CrowdcountError as problem:
        error = str(problem).replace(str(path), path.name)  # the file is named beside the reason
    duration = info.frame_count / rate if info and rate else None
    start, how = recording_start(path, site.tz, camera.start, camera.filename_pattern, camera.id, duration)
    if start is None and error is None:
        error = f"{path.name}: no start time (set the camera's filename_pattern or start)"
    return Recording(camera.id, path, start, how, info, rate, error)


def build_detector(options: RunOptions, threads: int = 0, parallel: bool = True) -> Detector:
    """The detector of a run; batch runs use ``threads`` copies side by side (see DetectorPool)."""
    return load_detector(options.model, options.imgsz, options.confidence, threads, parallel)


def count_recording(
    recording: Recording,
    camera: CameraConfig,
    settings: CountingSettings,
    detector: Detector,
    options: RunOptions,
    on_frame: Callable[[FrameInfo], None] | None = None,
) -> FileOutcome:
    """The per-file task: count one readable recording; its gaps say what could not be seen."""
    assert recording.start is not None and recording.fps and recording.info is not None
    began = time.perf_counter()
    info, fps = recording.info, recording.fps
    if options.roi:
        detector = RegionDetector(detector, counter_region(camera, info.width, info.height))
    stride = options.stride or 1
    tracker = Tracker(frame_rate=fps / stride)
    pacer = None if options.stride else DetectionPacer(fps, tracker.activation_threshold)
    reader = FrameReader(
        recording.path, camera.id, recording.start, fps, pacer.stride_after_reading if pacer else stride
    )
    result = count_frames(
        Prefetch(reader), detector, tracker, counters_for(camera, settings), on_frame, pacer
    )
    source = str(recording.path)
    if result.first is None or result.last is None:
        return FileOutcome(
            camera.id, source, "failed", "no frame could be decoded", seconds=time.perf_counter() - began
        )
    gaps = [
        Gap(
            camera.id,
            source,
            reader.timestamp(a),
            reader.timestamp(b),
            f"corrupt segment: frames {a}-{b - 1}",
        )
        for a, b in reader.bad_runs
    ]
    if not result.interrupted and info.frame_count and reader.end_index < info.frame_count - stride:
        reason = f"truncated: decoded {reader.end_index} of {info.frame_count} frames"
        gaps.append(
            Gap(
                camera.id,
                source,
                reader.timestamp(reader.end_index),
                reader.timestamp(info.frame_count),
                reason,
            )
        )
    record = SourceRecord(
        camera=camera.id, source=source, status="interrupted" if result.interrupted else "done",
        start=result.first.timestamp, end=result.last.timestamp, fps=fps, frames=result.frames,
        stride=mean_step(result.first, result.last, result.frames), model=detector.name,
    )  # fmt: skip
    status = "interrupted" if result.interrupted else "done"
    reason = "; ".join(g.reason for g in gaps)
    read = reader.end_index or result.last.index + 1  # end_index: unset when interrupted
    return FileOutcome(
        camera.id, source, status, reason, record, result.events, gaps, time.perf_counter() - began, read
    )


def mean_step(first: FrameInfo, last: FrameInfo, frames: int) -> int:
    """The stride a run took on average, from its first and last frame and how many it read."""
    return max(1, round((last.index - first.index) / max(frames - 1, 1)))


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a model file (of every file inside, for an OpenVINO folder)."""
    digest = hashlib.sha256()
    target = Path(path)
    for file in sorted(target.rglob("*")) if target.is_dir() else [target]:
        if file.is_file():
            with file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


class SiteRun:
    """Processes every camera of a site into a store, resuming where an earlier run stopped.

    Files already stored as done are skipped unless ``force``; each file's events and gaps
    are committed in one transaction, so a killed run loses at most the file in progress.
    """

    def __init__(self, site: SiteConfig, store: EventStore, options: RunOptions) -> None:
        self.site, self.store, self.options = site, store, options
        self.outcomes: list[FileOutcome] = []
        self.started = datetime.now(site.tz)

    def plan(self, cameras: list[CameraConfig]) -> list[tuple[CameraConfig, Recording]]:
        """Every recording to look at; cameras whose source fails are reported as outcomes."""
        work = []
        for camera in cameras:
            try:
                recordings = plan_camera(self.site, camera, self.options.fps)
            except CrowdcountError as error:
                self.outcomes.append(FileOutcome(camera.id, camera.source or "", "failed", str(error)))
                continue
            self.store.set_counters(camera.id, counter_infos(camera))
            self.store.set_timezone(self.site.timezone)
            self._record_holes(camera, recordings)
            work += [(camera, r) for r in recordings]
        return work

    def _record_holes(self, camera: CameraConfig, recordings: list[Recording]) -> None:
        """Store holes/overlaps between files, and the span of each unreadable file, as gaps."""
        spans = [(str(r.path), r.expected) for r in recordings if r.expected is not None and r.error is None]
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
        done = {(r.camera, r.source) for r in self.store.sources() if r.status == "done"}
        todo = []
        for camera, recording in work:
            source = str(recording.path)
            if recording.error is not None:
                self.outcomes.append(FileOutcome(camera.id, source, "failed", recording.error))
            elif (camera.id, source) in done and not self.options.force:
                self.outcomes.append(FileOutcome(camera.id, source, "skipped", "done in an earlier run"))
            else:
                todo.append((camera, recording))
        return todo

    def save(self, outcome: FileOutcome) -> None:
        """Commit one counted file (events, gaps, its source row) in one transaction."""
        if outcome.record is not None:
            self.store.replace_source(outcome.record, outcome.events, outcome.gaps)
        self.outcomes.append(outcome)

    def count_here(
        self, todo: list[tuple[CameraConfig, Recording]], detector: Detector,
        on_start: Callable[[Recording], None], on_frame: Callable[[FrameInfo], None],
    ) -> Iterator[FileOutcome]:  # fmt: skip
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
        threads = max(1, (os.cpu_count() or 1) // workers)
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

    def manifest(self, config_path: Path, detector_name: str) -> dict[str, Any]:
        """A machine-readable account of the run: code, model, config, files, frames, gaps, counts."""
        stored = {(r.camera, r.source): r for r in self.store.sources()}
        files: list[dict[str, Any]] = []
        for outcome in sorted(self.outcomes, key=lambda o: (o.camera, o.source)):
            record = outcome.record or stored.get((outcome.camera, outcome.source))
            events = outcome.events if outcome.record else (
                self.store.events(camera=outcome.camera, source=outcome.source) if record else []
            )  # fmt: skip
            files.append({
                "camera": outcome.camera, "source": outcome.source, "status": outcome.status,
                "reason": outcome.reason, "seconds": round(outcome.seconds, 2),
                "start": record.start.isoformat() if record else None,
                "end": record.end.isoformat() if record else None,
                "frames": record.frames if record else 0, "events": len(events),
                "gaps": [{"start": g.start.isoformat(), "end": g.end.isoformat(), "reason": g.reason}
                         for g in outcome.gaps],
            })  # fmt: skip
        model = Path(self.options.model.reference)
        statuses = [f["status"] for f in files]
        return {
            "crowdcount_version": __version__,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": datetime.now(self.site.tz).isoformat(timespec="seconds"),
            "config": {"path": str(config_path.resolve()), "sha256": config_hash(self.site)},
            "model": {"path": str(model), "name": detector_name,
                      "sha256": file_sha256(model) if model.exists() else None},
            "options": {"stride": self.options.stride or "auto", "imgsz": self.options.imgsz,
                        "roi": self.options.roi, "workers": self.options.workers,
                        "force": self.options.force},
            "database": self.store.shown_url,
            "files": files,
            "totals": {s: statuses.count(s) for s in ("done", "skipped", "failed", "interrupted")}
            | {"frames": sum(f["frames"] for f in files), "events": sum(f["events"] for f in files)},
        }  # fmt: skip


_worker: dict[str, Any] = {}


def _init_worker(options: RunOptions, threads: int, progress: Any) -> None:
    _worker.update(detector=build_detector(options, threads), options=options, progress=progress)


def _count_in_worker(recording: Recording, camera: CameraConfig, settings: CountingSettings) -> FileOutcome:
    progress = _worker["progress"]
    return count_recording(recording, camera, settings, _worker["detector"], _worker["options"], progress.put)
