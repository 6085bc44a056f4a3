"""Which stretches of time a camera saw: processed footage minus gaps. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Span:
    """A half-open stretch of wall-clock time [start, end)."""

    start: datetime
    end: datetime

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
