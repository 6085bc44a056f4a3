"""Line and zone counters: pure state machines from tracks to :class:`CountEvent`.

Both follow the counting rules of docs/architecture.md:

* the anchor (foot point by default) of each confirmed track (id >= 0) is followed;
* a change (crossing a line, entering or leaving a zone) is only counted once the
  track has been seen ``min_frames`` times on the new side, for ``min_seconds``, and at
  least ``min_distance_px`` away from the line/boundary, so box flicker does not count
  however often the detector runs;
* a line crossing is the anchor's path between two observations intersecting the
  polyline, so a fast mover that jumps over the line in one frame still counts;
* per-track state is dropped once a track has been unseen for ``forget_after_frames``
  updates (bounded memory on long streams); a line crossing that went at least
  ``min_distance_px`` past the line still counts when its track ends before
  ``min_frames`` (a person occluded right after crossing).

Counters never touch files, clocks or the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import supervision as sv

from crowdcount.config import CameraConfig, CountingSettings, LineConfig, ZoneConfig
from crowdcount.datatypes import CountEvent, Direction, EventKind, FrameInfo
from crowdcount.geometry import (
    anchor_points,
    crossing_sign,
    distance_to_polyline,
    in_normals,
    point_in_polygon,
)


def confirmed_anchors(tracks: sv.Detections, settings: CountingSettings) -> dict[int, np.ndarray]:
    """Anchor point per confirmed track id; tracks without an id (-1) are left out."""
    if tracks.tracker_id is None or len(tracks) == 0:
        return {}
    points = anchor_points(tracks.xyxy, settings.anchor)
    return {int(t): points[i] for i, t in enumerate(tracks.tracker_id) if t >= 0}


def _event(
    counter: str,
    kind: EventKind,
    direction: Direction,
    track_id: int,
    at: FrameInfo,
    dwell_s: float | None = None,
) -> CountEvent:
    return CountEvent(
        camera=at.camera,
        counter=counter,
        kind=kind,
        direction=direction,
        track_id=track_id,
        timestamp=at.timestamp,
        source=at.source,
        frame=at.index,
        dwell_s=dwell_s,
    )


@dataclass
class _Pending:
    """A change seen but not yet confirmed: where it started and how far it has got."""

    sign: int
    at: FrameInfo
    frames: int = 1
    distance: float = 0.0


def _crossing(counter: str, track_id: int, pending: _Pending) -> CountEvent:
    return _event(counter, "cross", "in" if pending.sign > 0 else "out", track_id, pending.at)


@dataclass(kw_only=True)
class _TrackState:
    last_update: int = 0
    pending: _Pending | None = None


@dataclass(kw_only=True)
class _LineTrack(_TrackState):
    point: np.ndarray


@dataclass(kw_only=True)
class _ZoneTrack(_TrackState):
    last_seen: FrameInfo
    inside: bool = False
    entered_at: FrameInfo | None = None


State = TypeVar("State", bound=_TrackState)


class _TrackCounter(Generic[State]):
    """What line and zone counters share: the per-track loop, confirmation, pruning, finishing.

    Subclasses say what one sighting does (``_observe``) and what a track's end does (``_drop``).
    """

    def __init__(self, counter_id: str, settings: CountingSettings | None) -> None:
        self.id = counter_id
        self.settings = settings or CountingSettings()
        self._tracks: dict[int, State] = {}
        self._updates = 0

    @property
    def tracked(self) -> int:
        """How many tracks the counter holds state for."""
        return len(self._tracks)

    def update(self, tracks: sv.Detections, frame: FrameInfo) -> list[CountEvent]:
        """Feed one frame's tracks; return the events it confirms."""
        self._updates += 1
        events: list[CountEvent] = []
        for track_id, point in confirmed_anchors(tracks, self.settings).items():
            event = self._observe(track_id, point, frame)
            self._tracks[track_id].last_update = self._updates
            if event is not None:
                events.append(event)
        horizon = self._updates - self.settings.forget_after_frames
        for track_id in [t for t, state in self._tracks.items() if state.last_update < horizon]:
            events.extend(self._drop(track_id))
        return events

    def finish(self) -> list[CountEvent]:
        """End of the source: every track ends."""
        events: list[CountEvent] = []
        for track_id in list(self._tracks):
            events.extend(self._drop(track_id))
        return events

    def _confirmed(self, pending: _Pending, now: FrameInfo) -> bool:
        settings = self.settings
        held = (now.timestamp - pending.at.timestamp).total_seconds()
        return (
            pending.frames >= settings.min_frames
            and pending.distance >= settings.min_distance_px
            and held >= settings.min_seconds - 1e-6  # frame times are rounded to microseconds
        )

    def _observe(self, track_id: int, point: np.ndarray, frame: FrameInfo) -> CountEvent | None:
        raise NotImplementedError

    def _drop(self, track_id: int) -> list[CountEvent]:
        raise NotImplementedError


class LineCounter(_TrackCounter[_LineTrack]):
    """Counts crossings of one polyline, ``in`` along its ``in_direction``.

    Example (track 3's feet go from x = -8 to x = 8 over a vertical line, then on to 12, at 7 fps):
        >>> from datetime import datetime, timedelta, timezone
        >>> from crowdcount.datatypes import FrameInfo
        >>> gate = LineConfig(id="gate", points=[(0, 0), (0, 100)], in_direction=(1, 0))
        >>> counter, start = LineCounter(gate), datetime(2026, 10, 3, tzinfo=timezone.utc)
        >>> def feet_at(x):
        ...     return sv.Detections(np.array([[x - 5, 20, x + 5, 50]], float), tracker_id=np.array([3]))
        >>> def frame(i):
        ...     return FrameInfo("cam", "clip", i, start + timedelta(seconds=i / 7))
        >>> [counter.update(feet_at(x), frame(i)) for i, x in enumerate([-8, 8, 12])]
        [[], [], [CountEvent(camera='cam', counter='gate', kind='cross', direction='in', track_id=3, ...)]]
    """

    def __init__(self, line: LineConfig, settings: CountingSettings | None = None) -> None:
        super().__init__(line.id, settings)
        self.vertices = line.vertices
        direction = np.asarray(line.in_direction, dtype=float)
        self.normals = in_normals(self.vertices, direction / np.linalg.norm(direction))

    def _observe(self, track_id: int, point: np.ndarray, frame: FrameInfo) -> CountEvent | None:
        state = self._tracks.get(track_id)
        if state is None:
            self._tracks[track_id] = _LineTrack(point=point)
            return None
        sign = crossing_sign(state.point, point, self.vertices, self.normals)
        state.point = point
        if sign != 0:
            if state.pending is not None and state.pending.sign == -sign:
                state.pending = None  # went back before it was confirmed: flicker
                return None
            state.pending = _Pending(sign=sign, at=frame)
        elif state.pending is not None:
            state.pending.frames += 1
        else:
            return None
        pending = state.pending
        pending.distance = max(pending.distance, distance_to_polyline(point, self.vertices))
        if not self._confirmed(pending, frame):
            return None
        state.pending = None
        return _crossing(self.id, track_id, pending)

    def _drop(self, track_id: int) -> list[CountEvent]:
        """Forget an ended track; a crossing it took far enough past the line still counts."""
        pending = self._tracks.pop(track_id).pending
        if pending is None or pending.distance < self.settings.min_distance_px:
            return []
        return [_crossing(self.id, track_id, pending)]


class ZoneCounter(_TrackCounter[_ZoneTrack]):
    """Counts entries and exits of one polygon, with dwell time per visit.

    A track first seen inside the zone enters it (once confirmed). A track that
    ends, or a source that ends, while inside exits at its last sighting, so every
    visit has a dwell time and entries - exits is the occupancy at any moment.
    """

    def __init__(self, zone: ZoneConfig, settings: CountingSettings | None = None) -> None:
        super().__init__(zone.id, settings)
        self.vertices = zone.vertices

    @property
    def occupancy(self) -> int:
        """Confirmed tracks inside the zone now."""
        return sum(state.inside for state in self._tracks.values())

    def _observe(self, track_id: int, point: np.ndarray, frame: FrameInfo) -> CountEvent | None:
        state = self._tracks.setdefault(track_id, _ZoneTrack(last_seen=frame))
        state.last_seen = frame
        inside = point_in_polygon(point, self.vertices)
        if inside == state.inside:
            state.pending = None
            return None
        if state.pending is None:
            state.pending = _Pending(sign=1 if inside else -1, at=frame, frames=0)
        pending = state.pending
        pending.frames += 1
        distance = distance_to_polyline(point, self.vertices, closed=True)
        pending.distance = max(pending.distance, distance)
        if not self._confirmed(pending, frame):
            return None
        state.pending = None
        if inside:
            state.inside, state.entered_at = True, pending.at
            return _event(self.id, "enter", "in", track_id, pending.at)
        return self._exit(track_id, state, pending.at)

    def _exit(self, track_id: int, state: _ZoneTrack, at: FrameInfo) -> CountEvent:
        assert state.entered_at is not None
        dwell = (at.timestamp - state.entered_at.timestamp).total_seconds()
        state.inside, state.entered_at = False, None
        return _event(self.id, "exit", "out", track_id, at, dwell_s=dwell)

    def _drop(self, track_id: int) -> list[CountEvent]:
        """An ended track inside exits when it was first seen outside, or else at its last sighting."""
        state = self._tracks.pop(track_id)
        if not state.inside:
            return []
        pending = state.pending
        left_at = pending.at if pending is not None and pending.sign < 0 else state.last_seen
        return [self._exit(track_id, state, left_at)]


Counter = LineCounter | ZoneCounter


def counters_for(camera: CameraConfig, settings: CountingSettings) -> list[Counter]:
    """One counter per line and zone of a camera, sharing the camera's settings."""
    lines: list[Counter] = [LineCounter(line, settings) for line in camera.lines]
    zones: list[Counter] = [ZoneCounter(zone, settings) for zone in camera.zones]
    return lines + zones


def count_all(counters: Iterable[Counter], tracks: sv.Detections, frame: FrameInfo) -> list[CountEvent]:
    """Feed one frame's tracks to every counter and collect the events."""
    return [event for counter in counters for event in counter.update(tracks, frame)]


def close_open_visits(events: Sequence[CountEvent], at: FrameInfo) -> list[CountEvent]:
    """Exits, at ``at``, for the zone visits among one source's ``events`` that never ended: those of
    a live camera whose process died before its counters could close them (entries - exits would
    otherwise stay above 0 for good).

    >>> from datetime import datetime, timezone
    >>> t0 = datetime(2026, 10, 3, 19, tzinfo=timezone.utc)
    >>> visit = [CountEvent("cam", "plaza", "enter", "in", 4, t0, "cam#live", 10)]
    >>> last = FrameInfo("cam", "cam#live", 70, t0.replace(minute=1))
    >>> [(e.kind, e.track_id, e.dwell_s) for e in close_open_visits(visit, last)]
    [('exit', 4, 60.0)]
    """
    inside: dict[tuple[str, int], CountEvent] = {}
    for event in sorted(events, key=lambda e: e.timestamp):
        if event.kind == "enter":
            inside[(event.counter, event.track_id)] = event
        elif event.kind == "exit":
            inside.pop((event.counter, event.track_id), None)
    exits = []
    for (counter, track_id), entry in inside.items():
        dwell = max((at.timestamp - entry.timestamp).total_seconds(), 0.0)
        exits.append(
            CountEvent(at.camera, counter, "exit", "out", track_id, at.timestamp, at.source, at.index, dwell)
        )
    return exits
