"""Plain data types handed from stage to stage (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np

CounterType = Literal["line", "zone"]
EventKind = Literal["cross", "enter", "exit"]
Direction = Literal["in", "out"]


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
