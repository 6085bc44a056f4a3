"""One recording through detect -> track -> count: the per-file task."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crowdcount.count import Counter, count_all
from crowdcount.datatypes import CountEvent, Frame, FrameInfo
from crowdcount.detect import Detector, detect_in_order
from crowdcount.pacing import READ_AHEAD, DetectionPacer
from crowdcount.track import Tracker


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
    tracker: Tracker,
    counters: list[Counter],
    on_frame: Callable[[FrameInfo], None] | None = None,
    pacer: DetectionPacer | None = None,
) -> CountResult:
    """Run every frame through the stages; Ctrl-C stops early but keeps what was counted.
    A ``pacer`` is told each frame's tracks, to choose how far ahead the next frame is read."""
    result = CountResult()
    at_most = READ_AHEAD - 1 if pacer is not None else None  # the reader waits on the pacer
    detected = detect_in_order(frames, detector, lambda f: f.image, at_most)
    try:
        for frame, detections in detected:
            info = frame.info
            if result.first is None:
                result.first = info
            seconds = (info.timestamp - result.first.timestamp).total_seconds()
            tracks = tracker.update(detections, seconds)
            if pacer is not None:
                pacer.update(tracks, seconds)
            result.events.extend(count_all(counters, tracks, info))
            result.frames += 1
            result.last = info
            if on_frame is not None:
                on_frame(info)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if pacer is not None:
            pacer.close()  # before the reader is stopped: it may be waiting on the pacer
        detected.close()
    for counter in counters:
        result.events.extend(counter.finish())
    result.events.sort(key=lambda e: (e.timestamp, e.counter, e.track_id))
    return result
