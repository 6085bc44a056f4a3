"""One recording through detect -> track -> count: the per-file task of every batch run.

``crowdcount process``, ``crowdcount run`` (here, in worker processes or as Ray tasks), the
benchmark and the accuracy scripts all count a file with :func:`count_recording`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

import supervision as sv

from crowdcount import __version__
from crowdcount.config import (
    CameraConfig,
    CountingSettings,
    SiteConfig,
    camera_for_video,
    check_in_frame,
    load_config,
)
from crowdcount.counting.engine import SourceCounter
from crowdcount.counting.pacing import READ_AHEAD
from crowdcount.counting.stillness import StillTrack
from crowdcount.coverage import Span
from crowdcount.datatypes import CountEvent, Frame, FrameInfo, Gap, SourceRecord
from crowdcount.detect.base import Detector
from crowdcount.detect.load import DetectorSpec
from crowdcount.detect.models import resolve_model
from crowdcount.detect.pool import detect_in_order
from crowdcount.detect.roi import RegionDetector, counter_region
from crowdcount.detect.tiles import camera_detector
from crowdcount.errors import CrowdcountError
from crowdcount.sources.archive import (
    content_identity,
    expected_span,
    find_recordings,
    open_for_writing,
    recording_start,
)
from crowdcount.sources.files import FrameReader, Prefetch, VideoInfo, effective_fps, probe_video

FileStatus = Literal["done", "growing", "skipped", "failed", "interrupted", "unsaved"]  # of a file in a run


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
    identity: str | None = None  # size and head hash (archive.content_identity): copies share it
    same_as: Path | None = None  # the path of the same recording counted instead of this one

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
    status: FileStatus  # growing: still being written, counted again by the next run; unsaved: the
    # store refused it, its counts are in a side file
    reason: str = ""
    record: SourceRecord | None = None
    events: list[CountEvent] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    seconds: float = 0.0
    frames_read: int = 0  # video frames gone through, detected or stepped over
    still: list[StillTrack] = field(default_factory=list)  # tracks that stood still for minutes


@dataclass(frozen=True)
class RunOptions:
    """How files are counted: the knobs of ``crowdcount run`` and ``process``."""

    detector: DetectorSpec
    stride: int | None = None  # None: paced by how fast people move (see crowdcount.counting.pacing)
    roi: bool = False
    workers: int = 1
    force: bool = False
    fps: float | None = None


def run_options(
    site: SiteConfig,
    model: str | None = None,
    imgsz: int | None = None,
    stride: int | None = None,
    roi: bool = False,
    workers: int = 1,
    force: bool = False,
) -> RunOptions:
    """How a site's files are counted: the given knobs (the CLI's options) over the config's
    detector settings; ``model`` is a path or a registry name, else the config's, else the default."""
    spec = DetectorSpec(
        resolve_model(model, site.detector.model, "--model"),
        imgsz or site.detector.imgsz,
        site.detector.confidence,
        site.detector.device,
    )
    return RunOptions(spec, stride, roi, workers, force)


def count_video(
    video: str | Path,
    site: SiteConfig | str | Path,
    camera: str | None = None,
    model: str | None = None,
    fps: float | None = None,
) -> FileOutcome:
    """Count one recording exactly as ``crowdcount process`` does, without storing it: the site's
    config (or its YAML's path), the camera named or the one whose source the video is, the model
    named, else the config's, else the embedded default. The outcome has the events and gaps."""
    site = site if isinstance(site, SiteConfig) else load_config(site)
    path = Path(video).resolve()
    cam = camera_for_video(site, path, camera)
    recording = probe_recording(site, cam, path, fps)
    if recording.error is not None:
        raise CrowdcountError(recording.error)
    options = run_options(site, model)
    return count_recording(recording, cam, site.counting_for(cam), options.detector.load(), options)


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
    recordings = once_each([probe_recording(site, camera, path, fps) for path in paths])
    return sorted(recordings, key=lambda r: (r.start is None, r.start or datetime.min, str(r.path)))


def once_each(recordings: list[Recording]) -> list[Recording]:
    """The recordings with every copy of one (a copied folder, a link, a path through a linked folder:
    the same content identity) marked ``same_as`` the one counted: the path without links, then the
    shortest, then the first by name."""
    by_identity: dict[str, list[Recording]] = {}
    for recording in recordings:
        if recording.identity is not None:
            by_identity.setdefault(recording.identity, []).append(recording)
    marked = []
    for recording in recordings:
        copies = by_identity.get(recording.identity or "", [recording])
        kept = min(copies, key=_preferred)
        marked.append(recording if kept is recording else replace(recording, same_as=kept.path))
    return marked


def _preferred(recording: Recording) -> tuple[bool, int, str]:
    """The copy counted: the path without links, then the shortest, then the first by name."""
    path = recording.path
    return path.resolve() != path.absolute(), len(str(path)), str(path)


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
    return Recording(camera.id, path, start, how, info, rate, error, content_identity(path))


def count_recording(
    recording: Recording,
    camera: CameraConfig,
    settings: CountingSettings,
    detector: Detector,
    options: RunOptions,
    on_frame: Callable[[FrameInfo], None] | None = None,
    on_tracks: Callable[[FrameInfo, sv.Detections], None] | None = None,
) -> FileOutcome:
    """The per-file task: count one readable recording; its gaps say what could not be seen.
    ``on_tracks`` gets each detected frame's tracks (e.g. a
    :class:`~crowdcount.evaluate.mot.MotTrackWriter`)."""
    assert recording.start is not None and recording.fps and recording.info is not None
    began = time.perf_counter()
    size_and_time = _stat(recording.path)
    info, fps = recording.info, recording.fps
    detector = camera_detector(detector, camera, info.width, info.height, options.detector.imgsz)
    if options.roi:
        detector = RegionDetector(detector, counter_region(camera, info.width, info.height))
    engine = SourceCounter(camera, settings, fps, options.stride)
    by_timestamps = info.variable_rate and not (options.fps or camera.fps)  # no rate given to trust instead
    reader = FrameReader(
        recording.path,
        camera.id,
        recording.start,
        fps,
        engine.stride_after_reading,
        by_timestamps=by_timestamps,
    )
    result = count_frames(Prefetch(reader), detector, engine, on_frame, on_tracks)
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
    last_reachable = info.frame_count - (options.stride or 1)  # paced readers grab every frame
    if not result.interrupted and info.frame_count and reader.end_index < last_reachable:
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
    status: Literal["done", "interrupted", "growing"] = "interrupted" if result.interrupted else "done"
    if status == "done" and (_stat(recording.path) != size_and_time or open_for_writing(recording.path)):
        status = "growing"  # not done: the next run counts it again, whole
        gaps = [g for g in gaps if not g.reason.startswith("truncated")]  # the rest is still to come
    record = SourceRecord(
        camera=camera.id,
        source=source,
        status=status,
        start=result.first.timestamp,
        end=result.last.timestamp,
        fps=fps,
        frames=result.frames,
        stride=mean_step(result.first, result.last, result.frames),
        model=detector.name,
        version=__version__,
    )
    said = ([GROWING] if status == "growing" else []) + ([VARIABLE_RATE] if by_timestamps else [])
    reason = "; ".join([g.reason for g in gaps] + said)
    read = reader.end_index or result.last.index + 1  # end_index: unset when interrupted
    return FileOutcome(
        camera.id,
        source,
        status,
        reason,
        record,
        result.events,
        gaps,
        time.perf_counter() - began,
        read,
        engine.stillness.found(),
    )


GROWING = "still being written: counted to its last frame so far; a later run counts it again"
VARIABLE_RATE = "variable frame rate: each frame timed by its own timestamp, not by the average rate"


def _stat(path: Path) -> tuple[int, int] | None:
    """A file's size and modification time (ns): a change while it is counted means it grows."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if path.is_file() else None


@dataclass
class CountResult:
    """The events of one source, how far it got, and whether it was cut short."""

    events: list[CountEvent] = field(default_factory=list)
    frames: int = 0
    first: FrameInfo | None = None
    last: FrameInfo | None = None
    interrupted: bool = False


def count_frames(
    frames: Iterable[Frame],
    detector: Detector,
    engine: SourceCounter,
    on_frame: Callable[[FrameInfo], None] | None = None,
    on_tracks: Callable[[FrameInfo, sv.Detections], None] | None = None,
) -> CountResult:
    """Detect every frame and count it through ``engine``; Ctrl-C stops early but keeps what was
    counted. With a pacer, fewer than READ_AHEAD frames are detected at once (the reader waits on it)."""
    result = CountResult()
    at_most = READ_AHEAD - 1 if engine.pacer is not None else None
    detected = detect_in_order(frames, detector, lambda f: f.image, at_most)
    try:
        for frame, detections in detected:
            result.events.extend(engine.update(frame.info, detections))
            if on_tracks is not None:
                on_tracks(frame.info, engine.tracks)
            result.first = result.first or frame.info
            result.last = frame.info
            result.frames += 1
            if on_frame is not None:
                on_frame(frame.info)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        engine.close()  # before the reader is stopped: it may be waiting on the pacer
        detected.close()
    result.events.extend(engine.finish())
    result.events.sort(key=lambda e: (e.timestamp, e.counter, e.track_id))
    return result


def mean_step(first: FrameInfo, last: FrameInfo, frames: int) -> int:
    """The stride a run took on average, from its first and last frame and how many it read."""
    return max(1, round((last.index - first.index) / max(frames - 1, 1)))
