"""``crowdcount check``: a sample of each camera's footage through the real pipeline, what it says
of each line's and zone's placement (:mod:`crowdcount.setup.placement`), and a picture of it all."""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter as Tally
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import supervision as sv

from crowdcount.batch.recording import Recording, count_frames, plan_camera
from crowdcount.config import CameraConfig, SiteConfig, camera_geometry
from crowdcount.counting.engine import SourceCounter
from crowdcount.counting.stillness import STILL_S, StillnessWatch
from crowdcount.datatypes import CountEvent, Frame, FrameInfo
from crowdcount.detect.base import Detector
from crowdcount.detect.tiles import camera_detector
from crowdcount.drawing import draw_counters, label, picture_scale, point
from crowdcount.errors import CrowdcountError
from crowdcount.geometry import anchor_points
from crowdcount.paths import replaced_whole
from crowdcount.setup.editor import STREAM_TIMEOUT_S, camera_picture
from crowdcount.setup.placement import (
    KIND_WORDS,
    Finding,
    Sighting,
    TrackLog,
    edge_findings,
    static_findings,
    track_findings,
)
from crowdcount.sources.files import FrameReader, Prefetch
from crowdcount.sources.streams import is_stream, open_capture
from crowdcount.urls import redact_url

TRACK_COLOURS = [
    (180, 119, 31),
    (14, 127, 255),
    (44, 160, 44),
    (189, 103, 148),
    (75, 86, 140),
    (194, 119, 227),
]
WARNING_COLOUR = (0, 0, 230)  # BGR red


CHECK_WORDS = {
    "en": {
        "line": "line",
        "zone": "zone",
        "line_counts": "in {ins} · out {outs}",
        "zone_counts": "entered {enter} · left {exit}",
        "warning": "warning: [{number}] camera {camera} {counter}: {message}",
        "sampled": "{camera}: {seconds:.0f} s sampled, {tracks} tracks",
        "warnings": "{count} warning(s)",
        "draft": "no line or zone yet: draw them with 'crowdcount setup', over the paths people took",
    },
    "ko": {
        "line": "통과선",
        "zone": "구역",
        "line_counts": "진입 {ins} · 진출 {outs}",
        "zone_counts": "들어옴 {enter} · 나감 {exit}",
        "warning": "경고: [{number}] 카메라 {camera} {counter}: {message}",
        "sampled": "{camera}: 표본 {seconds:.0f}초, 추적 {tracks}건",
        "warnings": "경고 {count}건",
        "draft": "통과선·구역 없음: 'crowdcount setup'에서 사람들이 지나간 길 위에 그리세요",
    },
}


def counter_captions(camera: CameraConfig, events: list[CountEvent], lang: str = "en") -> dict[str, str]:
    """Each line's in/out and each zone's entries/exits in the sample, by counter id, in words."""
    words = CHECK_WORDS[lang]
    tally = Tally((e.counter, e.kind, e.direction) for e in events)
    captions = {
        line.id: words["line_counts"].format(
            ins=tally[line.id, "cross", "in"], outs=tally[line.id, "cross", "out"]
        )
        for line in camera.lines
    }
    for zone in camera.zones:
        entered, left = tally[zone.id, "enter", "in"], tally[zone.id, "exit", "out"]
        captions[zone.id] = words["zone_counts"].format(enter=entered, exit=left)
    return captions


def _with_id(name: str | None, identifier: str) -> str:
    """``정문 (gate)``: a display name with its id beside, where they differ (the id alone without one)."""
    return f"{name} ({identifier})" if name and name != identifier else identifier


def counter_title(camera: CameraConfig, counter: str | None, lang: str = "en") -> str:
    """``line 정문 (gate)``: a line's or zone's kind and display name, with its id where they differ."""
    for kind, items in (("line", camera.lines), ("zone", camera.zones)):
        for item in items:
            if item.id == counter:
                return f"{CHECK_WORDS[lang][kind]} {_with_id(item.name, item.id)}"
    return str(counter)


def check_lines(camera: CameraConfig, check: CameraCheck, lang: str = "en") -> list[str]:
    """What ``check`` prints of a camera: a line per finding, then the summary (the sample, each line's
    and zone's counts, the number of warnings)."""
    words = CHECK_WORDS[lang]
    shown = _with_id(camera.name, camera.id)
    printed = [
        words["warning"].format(
            number=number,
            camera=shown,
            counter=counter_title(camera, finding.counter, lang),
            message=finding.message(lang),
        )
        for number, finding in enumerate(check.findings, 1)
    ]
    captions = counter_captions(camera, check.events, lang)
    parts = [
        words["sampled"].format(camera=camera.id, seconds=check.log.seconds, tracks=len(check.log.tracks))
    ]
    parts += [f"{counter_title(camera, counter, lang)}: {caption}" for counter, caption in captions.items()]
    parts.append(words["warnings"].format(count=len(check.findings)) if captions else words["draft"])
    return [*printed, "; ".join(parts)]


@dataclass
class CameraCheck:
    """One camera's check: its findings, the sampled tracks and events, and the picture."""

    camera: str
    findings: list[Finding]
    log: TrackLog
    events: list[CountEvent] = field(default_factory=list)
    picture: np.ndarray | None = None


def _first_readable(site: SiteConfig, camera: CameraConfig) -> Recording:
    """The camera's first recording that opens, with its start time."""
    recordings = plan_camera(site, camera)
    readable = [r for r in recordings if r.error is None]
    if not readable:
        problems = "; ".join(r.error or "" for r in recordings)
        raise CrowdcountError(f"camera {camera.id!r}: no readable recording to check ({problems})")
    return readable[0]


def _stream_frames(camera: CameraConfig, source: str, seconds: float, tz: object) -> Iterator[Frame]:
    capture = open_capture(source, STREAM_TIMEOUT_S)
    began = datetime.now(tz)  # type: ignore[arg-type]
    try:
        for index in itertools.count():
            ok, image = capture.read()
            if not ok or image is None:
                if index == 0:
                    raise CrowdcountError(f"camera {camera.id!r}: no frame from {redact_url(source)}")
                return
            now = datetime.now(tz)  # type: ignore[arg-type]
            if (now - began).total_seconds() > seconds:
                return
            yield Frame(FrameInfo(camera.id, source, index, now), image)
    finally:
        capture.release()


def check_camera(
    site: SiteConfig,
    camera: CameraConfig,
    detector: Detector,
    seconds: float,
    imgsz: int | None = None,
    lang: str = "en",
) -> CameraCheck:
    """Count ``seconds`` of the camera's footage (its first readable recording from the start, or a
    stream as it comes) and look at where its lines and zones are; the picture's words in ``lang``."""
    if not camera.source:
        raise CrowdcountError(f"camera {camera.id!r} has no source; give a file, folder or stream URL")
    settings = site.counting_for(camera)
    if is_stream(camera.source):
        height, width = camera_picture(camera.source).shape[:2]  # the editor's: one frame, or a clear error
        engine = SourceCounter(camera, settings, 10.0, 1)
        frames: Iterator[Frame] = _stream_frames(camera, camera.source, seconds, site.tz)
    else:
        recording = _first_readable(site, camera)
        assert recording.info is not None and recording.fps and recording.start is not None
        width, height, fps = recording.info.width, recording.info.height, recording.fps
        engine = SourceCounter(camera, settings, fps, None)
        reader = FrameReader(recording.path, camera.id, recording.start, fps, engine.stride_after_reading)
        frames = itertools.takewhile(lambda f: f.info.index < seconds * fps, Prefetch(reader))
    sized = camera_detector(detector, camera, width, height, imgsz)
    log = TrackLog(width, height, seconds, getattr(sized, "imgsz", None) or None)  # 0: no input size
    watch = StillnessWatch(settings.anchor, still_s=min(STILL_S, max(seconds / 3, 10.0)))
    picture: list[np.ndarray] = []  # the first frame read
    began: list[datetime] = []  # the first frame's time

    def collect(info: FrameInfo, tracks: sv.Detections) -> None:
        began[:] = began or [info.timestamp]
        at = (info.timestamp - began[0]).total_seconds()
        watch.update(tracks, at)
        if tracks.tracker_id is None or not len(tracks):
            return
        anchors = anchor_points(tracks.xyxy, settings.anchor)
        for tid, (x, y), box in zip(tracks.tracker_id, anchors, tracks.xyxy, strict=True):
            if tid >= 0:
                log.add(int(tid), Sighting(at, float(x), float(y), float(box[3] - box[1])))

    def keep_first(frame_stream: Iterator[Frame]) -> Iterator[Frame]:
        for frame in frame_stream:
            if not picture:
                picture.append(frame.image.copy())
            yield frame

    result = count_frames(keep_first(frames), sized, engine, on_tracks=collect)
    if began:
        log.seconds = min(seconds, (result.last.timestamp - began[0]).total_seconds()) if result.last else 0.0
    findings = edge_findings(camera, width, height) + track_findings(camera, log, result.events)
    findings += static_findings(camera, watch.found())
    check = CameraCheck(camera.id, findings, log, result.events)
    if picture:
        check.picture = draw_check(
            picture[0], camera, log, findings, counter_captions(camera, result.events, lang), lang
        )
    return check


def draw_check(
    image: np.ndarray,
    camera: CameraConfig,
    log: TrackLog,
    findings: list[Finding],
    captions: dict[str, str] | None = None,
    lang: str = "en",
) -> np.ndarray:
    """The frame with the sampled tracks (thin), the zones and lines named and with their ``captions``,
    and a numbered red mark where each finding applies (the number is the printed warning's)."""
    canvas = image.copy()
    thin = max(1, round(picture_scale(canvas)))
    for k, seen in enumerate(log.tracks.values()):
        points = np.array([[s.x, s.y] for s in seen], dtype=np.int32)
        cv2.polylines(canvas, [points], False, TRACK_COLOURS[k % len(TRACK_COLOURS)], thin)
    canvas = draw_counters(canvas, camera_geometry(camera), captions)
    for number, finding in enumerate(findings, 1):
        cv2.circle(
            canvas, point(finding.where), round(18 * picture_scale(canvas)), WARNING_COLOUR, 2 * thin + 1
        )
        label(
            canvas,
            f"{number}: {KIND_WORDS[lang][finding.kind]}",
            np.array(finding.where) + 20 * picture_scale(canvas),
            WARNING_COLOUR,
        )
    return canvas


PATH_STEP = 0.01  # a path keeps a point each time it has moved this share of the frame's long side


def write_paths(check: CameraCheck, folder: Path) -> Path:
    """``folder/<camera>.paths.json``: the paths the sampled people took (their anchors, thinned), which
    the editor draws under the lines on request."""
    log = check.log
    step = PATH_STEP * max(log.width, log.height)
    paths = []
    for seen in log.tracks.values():
        kept = [seen[0]]
        for sighting in seen[1:]:
            if math.hypot(sighting.x - kept[-1].x, sighting.y - kept[-1].y) >= step:
                kept.append(sighting)
        if len(kept) >= 2:
            paths.append([[round(s.x), round(s.y)] for s in kept])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{check.camera}.paths.json"
    record = {"camera": check.camera, "width": log.width, "height": log.height, "seconds": log.seconds}
    with replaced_whole(path) as temporary:
        temporary.write_text(json.dumps({**record, "paths": paths}), encoding="utf-8")
    return path


def write_picture(check: CameraCheck, folder: Path) -> Path | None:
    """``folder/<camera>.png``, when a frame was read."""
    if check.picture is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{check.camera}.png"
    if not cv2.imwrite(str(path), check.picture):
        raise CrowdcountError(f"{path}: the picture could not be written; check the folder")
    return path
