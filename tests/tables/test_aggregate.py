"""Totals derived from events."""

from __future__ import annotations

import math
from datetime import timedelta

from crowdcount.datatypes import CountEvent
from crowdcount.tables.aggregate import line_totals, peak_occupancy, zone_totals
from helpers import START


def event(counter: str, kind: str, direction: str, second: float, dwell: float | None = None):
    return CountEvent(
        "cam",
        counter,
        kind,
        direction,
        1,
        START + timedelta(seconds=second),  # type: ignore[arg-type]
        "a.mp4",
        int(second * 10),
        dwell,
    )


def test_line_totals_include_lines_with_no_crossing():
    events = [
        event("gate", "cross", "in", 1),
        event("gate", "cross", "in", 2),
        event("gate", "cross", "out", 3),
    ]
    table = line_totals(events, ["gate", "side"])
    assert table.to_dict("records") == [
        {"line": "gate", "in": 2, "out": 1, "net": 1},
        {"line": "side", "in": 0, "out": 0, "net": 0},
    ]


def test_peak_occupancy_counts_exits_before_entries_at_the_same_moment():
    events = [
        event("z", "enter", "in", 1),
        event("z", "enter", "in", 2),
        event("z", "exit", "out", 3, 2.0),
        event("z", "enter", "in", 3),
        event("z", "exit", "out", 4, 2.0),
    ]
    assert peak_occupancy(events) == 2


def test_zone_totals():
    events = [
        event("z", "enter", "in", 1),
        event("z", "exit", "out", 3, 2.0),
        event("z", "enter", "in", 4),
        event("z", "exit", "out", 10, 6.0),
    ]
    row = zone_totals(events, ["z", "empty"]).to_dict("records")
    assert row[0] == {"zone": "z", "entries": 2, "exits": 2, "peak_occupancy": 1, "median_dwell_s": 4.0}
    assert row[1]["entries"] == 0 and math.isnan(row[1]["median_dwell_s"])
