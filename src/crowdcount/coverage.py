"""Which stretches of time a camera saw (processed footage minus gaps) and when the site is closed.
Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Span:
    """A half-open stretch of time [start, end) between two instants, held in UTC: Python adds,
    subtracts and compares datetimes of one zone by their wall clocks, which is an hour off across
    a daylight-saving change."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            moment = getattr(self, name)
            if moment.tzinfo is not None and moment.tzinfo is not UTC:
                object.__setattr__(self, name, moment.astimezone(UTC))

    @property
    def seconds(self) -> float:
        return max((self.end - self.start).total_seconds(), 0.0)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same time."""
    merged: list[Span] = []
    for span in sorted((s for s in spans if s.end > s.start), key=lambda s: s.start):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def subtract(spans: Iterable[Span], holes: Iterable[Span]) -> list[Span]:
    """The parts of ``spans`` that no hole overlaps."""
    result = merge(spans)
    for hole in merge(holes):
        pieces: list[Span] = []
        for span in result:
            if hole.end <= span.start or hole.start >= span.end:
                pieces.append(span)
                continue
            if span.start < hole.start:
                pieces.append(Span(span.start, hole.start))
            if hole.end < span.end:
                pieces.append(Span(hole.end, span.end))
        result = pieces
    return result


def covered_seconds(spans: list[Span], window: Span) -> float:
    """Seconds of ``window`` that the (merged) spans cover."""
    total = 0.0
    for span in spans:
        overlap = Span(max(span.start, window.start), min(span.end, window.end))
        total += overlap.seconds
    return total


def closed_spans(
    opening_hours: Mapping[str, Sequence[str] | None], first: date, last: date, tz: ZoneInfo
) -> list[Span]:
    """The stretches of the days ``first`` to ``last`` (local, in ``tz``) the site is closed:
    outside each day's [open, close] (its own entry, else ``default``; ``None``: closed all day).
    No opening hours: never closed.

    >>> from zoneinfo import ZoneInfo
    >>> seoul = ZoneInfo("Asia/Seoul")
    >>> [(f"{s.start.astimezone(seoul):%d %H:%M}", f"{s.end.astimezone(seoul):%d %H:%M}") for s in
    ...  closed_spans({"default": ["18:00", "24:00"]}, date(2026, 10, 3), date(2026, 10, 3), seoul)]
    [('03 00:00', '03 18:00')]
    """
    if not opening_hours:
        return []
    closed = []
    day = first
    while day <= last:
        midnight = datetime.combine(day, time(), tz)
        next_midnight = datetime.combine(day + timedelta(days=1), time(), tz)
        hours = opening_hours.get(day.isoformat(), opening_hours.get("default"))
        if hours is None:
            closed.append(Span(midnight, next_midnight))
        else:
            opens, closes = (_clock(day, text, tz) for text in hours)
            closed += [Span(midnight, opens), Span(closes, next_midnight)]
        day += timedelta(days=1)
    return merge(closed)


def _clock(day: date, text: str, tz: ZoneInfo) -> datetime:
    """``HH:MM`` on ``day`` in ``tz``; 24:00 is the next midnight."""
    hour, minute = (int(part) for part in text.split(":"))
    return datetime.combine(day, time(), tz) + timedelta(hours=hour, minutes=minute)
