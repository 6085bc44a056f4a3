"""Coverage spans: merging, subtracting gaps, measuring a window."""

from __future__ import annotations

from datetime import timedelta

from crowdcount.coverage import Span, covered_seconds, merge, subtract
from helpers import START


def span(a: float, b: float) -> Span:
    return Span(START + timedelta(seconds=a), START + timedelta(seconds=b))


def test_merge_joins_overlapping_and_touching_spans():
    assert merge([span(10, 20), span(0, 5), span(5, 8), span(15, 30)]) == [span(0, 8), span(10, 30)]


def test_subtract_cuts_holes():
    assert subtract([span(0, 100)], [span(10, 20), span(90, 120)]) == [span(0, 10), span(20, 90)]


def test_covered_seconds_of_a_window():
    assert covered_seconds([span(0, 10), span(20, 30)], span(5, 25)) == 10.0
