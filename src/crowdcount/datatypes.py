"""Plain data types handed from stage to stage (see docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

import numpy as np

from crowdcount.coverage import Span

CounterType = Literal["line", "zone"]
EventKind = Literal["cross", "enter", "exit"]
Direction = Literal["in", "out"]
TrackerKind = Literal["bytetrack", "ocsort", "botsort"]
# of a stored recording, or a live session (live; stopped at the end; ended: its process died)
SourceStatus = Literal["done", "interrupted", "growing", "live", "stopped", "ended"]
Device = Literal["auto", "cpu", "cuda", "tensorrt"]  # where the detector runs (detect.onnx_providers)


@dataclass(frozen=True, slots=True)
class FrameInfo:
    """Where and when a frame was taken: everything about it but the pixels."""

    camera: str
    source: str
    index: int
    timestamp: datetime  # timezone-aware wall clock


@dataclass(slots=True)
class Frame:
    """A decoded BGR image with its :class:`FrameInfo`."""

    info: FrameInfo
    image: np.ndarray


@dataclass(frozen=True, slots=True)
class CountEvent:
    """One counted movement: a line crossing or a zone entry/exit.

    Events are the source of truth; every table is derived from them.
    ``dwell_s`` is set on zone exits: seconds since the matching entry.
    """

    camera: str
    counter: str
    kind: EventKind
    direction: Direction
    track_id: int
    timestamp: datetime
    source: str
    frame: int
    dwell_s: float | None = None


@dataclass(frozen=True, slots=True)
class Gap:
    """A stretch of time a camera did not see (stream down, corrupt segment, skipped)."""

    camera: str
    source: str
    start: datetime
    end: datetime
    reason: str


def counter_key(camera: str, counter: str) -> str:
    """How the API, dashboard and alert thresholds name one line or zone: ``camera/counter``."""
    return f"{camera}/{counter}"


@dataclass(frozen=True, slots=True)
class CounterInfo:
    """A line or zone as tables and reports describe it: whose, which kind, its optional group."""

    camera: str
    counter: str
    type: CounterType
    group: str | None = None


@dataclass(frozen=True)
class CameraDescription:
    """A camera's lines and zones as the store keeps them: for the tables (``counters``) and for
    the audit's clips (``geometry``: points and polygons in image pixels)."""

    camera: str
    counters: tuple[CounterInfo, ...]
    geometry: dict[str, Any]


@dataclass(frozen=True)
class SiteDescription:
    """What the store keeps of a site besides its counts: its timezone, what reports say of it
    (name, period, display names) and each counted camera's lines and zones."""

    timezone: str
    context: dict[str, Any]
    cameras: tuple[CameraDescription, ...]


@dataclass(frozen=True)
class SourceRecord:
    """What was processed of one recording (or live session), and how."""

    camera: str
    source: str
    status: SourceStatus  # growing: still being written, counted again once it stops growing
    start: datetime
    end: datetime
    fps: float
    frames: int  # frames detected
    stride: int  # frames from one detected frame to the next, on average
    model: str
    version: str = ""  # the crowdcount that counted it ("": one from before versions were kept)

    @property
    def footage(self) -> Span:
        """The time it covers; its last frame covers one frame period."""
        return Span(self.start, self.end + timedelta(seconds=self.stride / self.fps))


@dataclass(frozen=True)
class History:
    """Everything a store holds that tables and reports are made from, read at one time."""

    events: list[CountEvent] = field(default_factory=list)
    counters: list[CounterInfo] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    timezone: str = "Asia/Seoul"
    opening_hours: dict[str, list[str] | None] = field(
        default_factory=dict
    )  # the config's site.opening_hours
    period: tuple[date, date] | None = None  # the config's site.period: the days every table spans

    @property
    def footage(self) -> list[tuple[str, Span]]:
        """(camera, span) of the processed time of each source."""
        return [(s.camera, s.footage) for s in self.sources]

    @property
    def gap_spans(self) -> list[tuple[str, Span]]:
        """(camera, span) of every gap: time inside the footage the camera did not see."""
        return [(g.camera, Span(g.start, g.end)) for g in self.gaps]


# The audit (crowdcount.audit): windows of footage, the sample a person reviews, their reviews.
WindowKey = tuple[str, str, str, int, int]  # camera, counter, source, first and last decoded frame


@dataclass(frozen=True)
class AuditWindow:
    """One stretch of one counter's footage, with what crowdcount counted in it (zones: in = entries,
    out = exits). Frames are 0-based decoded frame indices, inclusive, like the events' ``frame``."""

    item_id: str
    camera: str
    counter: str
    kind: CounterType
    source: str
    frame_start: int
    frame_end: int
    time_start: datetime
    time_end: datetime
    counted_in: int = 0
    counted_out: int = 0

    @property
    def key(self) -> WindowKey:
        """What a review is kept under: the same footage is the same window in any plan."""
        return (self.camera, self.counter, self.source, self.frame_start, self.frame_end)

    def counted(self, direction: Direction) -> int:
        return self.counted_in if direction == "in" else self.counted_out


@dataclass(frozen=True)
class PlanItem:
    """A sampled window as the reviewer sees it: its clip (a file in the plan's ``clips/``), which
    starts ``lead`` frames before the window (and runs as long after it) to show who is coming."""

    window: AuditWindow
    clip: str
    clip_start: int


DEFAULT_WINDOW_S = 20.0  # an audit window's length in seconds
DEFAULT_SAMPLES = 30  # windows an audit draws per counter


@dataclass(frozen=True)
class AuditPlan:
    """The sample a person reviews: items in review order, and how they were drawn."""

    made_at: datetime
    seconds: float
    per_counter: int
    seed: int
    folder: str  # where plan.csv and clips/ were written
    items: list[PlanItem]

    @property
    def plan_id(self) -> str:
        """What names this plan in its answer sheets: when it was made (UTC), e.g. ``20261207T153000``."""
        return f"{self.made_at:%Y%m%dT%H%M%S}"


@dataclass(frozen=True)
class Review:
    """What a person found in one window: the people who truly crossed each way (zones: entered,
    left) and, when they judged them, how many of crowdcount's counts were not real."""

    true_in: int
    true_out: int
    false_in: int | None = None
    false_out: int | None = None
    reviewer: str = ""
    reviewed_at: datetime | None = None

    def true(self, direction: Direction) -> int:
        return self.true_in if direction == "in" else self.true_out

    def false(self, direction: Direction) -> int | None:
        return self.false_in if direction == "in" else self.false_out
