"""Events -> what a live dashboard shows now: totals, the last minutes, occupancy, alerts. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from crowdcount.datatypes import CounterInfo, CountEvent, counter_key


def _tally(events: Iterable[CountEvent]) -> dict[str, int]:
    counts = {"in": 0, "out": 0, "entries": 0, "exits": 0}
    for event in events:
        if event.kind == "cross":
            counts[event.direction] += 1
        else:
            counts["entries" if event.kind == "enter" else "exits"] += 1
    return counts


def counters_now(
    events: Iterable[CountEvent],
    counters: Sequence[CounterInfo],
    now: datetime,
    since: datetime | None = None,
    window: timedelta = timedelta(minutes=15),
) -> list[dict[str, Any]]:
    """Per line and zone: counts since ``since`` (all when None), over the last ``window``, occupancy.

    Occupancy is entries - exits (never below 0): zone visits still open have entered and not
    yet exited. ``recent`` counts events in ``(now - window, now]``.
    """
    by_key: dict[str, list[CountEvent]] = {counter_key(c.camera, c.counter): [] for c in counters}
    for event in events:
        key = counter_key(event.camera, event.counter)
        if key in by_key and (since is None or event.timestamp >= since):
            by_key[key].append(event)
    rows = []
    for info in counters:
        own = by_key[counter_key(info.camera, info.counter)]
        total = _tally(own)
        recent = _tally(e for e in own if now - window < e.timestamp <= now)
        rows.append({
            "camera": info.camera, "counter": info.counter, "type": info.type, "group": info.group,
            **total, "net": total["in"] - total["out"],
            "occupancy": max(total["entries"] - total["exits"], 0) if info.type == "zone" else None,
            "recent": recent,
            "last_event": max(e.timestamp for e in own).isoformat() if own else None,
        })  # fmt: skip
    return rows


def occupancy_series(
    events: Iterable[CountEvent], zones: Sequence[CounterInfo], times: Sequence[datetime]
) -> dict[str, list[int]]:
    """People inside each zone at each of ``times`` (entries minus exits up to and including it)."""
    changes: dict[str, tuple[list[float], list[float]]] = {
        counter_key(z.camera, z.counter): ([], []) for z in zones
    }
    for event in events:
        key = counter_key(event.camera, event.counter)
        if key in changes and event.kind in ("enter", "exit"):
            changes[key][event.kind == "exit"].append(event.timestamp.timestamp())
    at = np.array([t.timestamp() for t in times])
    series = {}
    for key, (enters, exits) in changes.items():
        inside = np.searchsorted(np.sort(enters), at, "right") - np.searchsorted(np.sort(exits), at, "right")
        series[key] = [max(int(n), 0) for n in inside]
    return series


@dataclass(frozen=True)
class Alert:
    """A zone whose occupancy reached its threshold; ``cleared_at`` is set once it fell back."""

    key: str
    occupancy: int
    threshold: int
    raised_at: datetime
    cleared_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        camera, zone = self.key.split("/", 1)
        return {
            "camera": camera, "zone": zone, "key": self.key, "occupancy": self.occupancy,
            "threshold": self.threshold, "raised_at": self.raised_at.isoformat(),
            "cleared_at": self.cleared_at.isoformat() if self.cleared_at else None,
        }  # fmt: skip


def clear_level(threshold: int) -> int:
    """An alert clears once occupancy falls below this (10 % under the threshold, at least 1)."""
    return threshold - max(1, round(threshold * 0.1))


def alert_changes(
    active: Iterable[str], occupancy: Mapping[str, int | None], thresholds: Mapping[str, int]
) -> tuple[list[str], list[str]]:
    """Zones whose alert is raised now (occupancy >= threshold) and those that clear now.

    A raised alert stays until occupancy drops below :func:`clear_level`, so a crowd hovering
    at the threshold does not raise it again and again.
    """
    active = set(active)
    raised = [
        key for key, limit in thresholds.items() if key not in active and (occupancy.get(key) or 0) >= limit
    ]
    cleared = [
        key
        for key in sorted(active)
        if key not in thresholds or (occupancy.get(key) or 0) < clear_level(thresholds[key])
    ]
    return raised, cleared
