"""Events -> what a live dashboard shows now: totals, the last minutes, occupancy, alerts. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


RATE_WINDOW = timedelta(minutes=5)  # the "per minute" rate is over the last five minutes


def start_of_day(now: datetime) -> datetime:
    """Midnight of ``now``'s day, in ``now``'s own timezone (the site's)."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def per_minute(
    stamps: Sequence[datetime], now: datetime, minutes: int, since: datetime | None
) -> list[int | None]:
    """Counts in each of the last ``minutes`` whole minutes up to ``now`` (oldest first); a minute that
    ended before ``since`` (the session's start) is None: not seen, not zero.

    >>> from datetime import timezone
    >>> now = datetime(2026, 10, 3, 19, 5, 30, tzinfo=timezone.utc)
    >>> times = [now - timedelta(seconds=s) for s in (10, 20, 70)]
    >>> per_minute(times, now, 4, since=now - timedelta(seconds=150))
    [None, 0, 1, 2]
    """
    ends = [now - timedelta(minutes=k) for k in range(minutes - 1, -1, -1)]
    return [
        None
        if since is not None and end <= since
        else sum(end - timedelta(minutes=1) < t <= end for t in stamps)
        for end in ends
    ]


def rate_per_minute(count: int, now: datetime, since: datetime | None) -> float:
    """``count`` events over the last ``RATE_WINDOW`` as a rate per minute (over the time since
    ``since`` when the session is younger, but never less than a minute: one crossing in a session's
    first seconds is not a rate of dozens a minute)."""
    span = RATE_WINDOW if since is None else min(RATE_WINDOW, max(now - since, timedelta(minutes=1)))
    return round(count / (span.total_seconds() / 60), 1)


def counters_now(
    events: Iterable[CountEvent],
    counters: Sequence[CounterInfo],
    now: datetime,
    since: datetime | None = None,
    window: timedelta = timedelta(minutes=15),
) -> list[dict[str, Any]]:
    """Per line and zone: counts since ``since`` (all when None), over the last ``window``, today (from
    the site's midnight, whenever the session began), the rate per minute over the last five minutes,
    a per-minute trend over the window (None before the session began), occupancy.

    Occupancy is entries - exits (never below 0): zone visits still open have entered and not
    yet exited. ``recent`` counts events in ``(now - window, now]``.
    """
    midnight, zone = start_of_day(now), now.tzinfo  # the site's day and clock, for showing times
    now = now.astimezone(UTC)  # instants from here: a zone's datetimes add by their wall clocks
    everything: dict[str, list[CountEvent]] = {counter_key(c.camera, c.counter): [] for c in counters}
    for event in events:
        key = counter_key(event.camera, event.counter)
        if key in everything:
            everything[key].append(event)
    by_key: dict[str, list[CountEvent]] = {counter_key(c.camera, c.counter): [] for c in counters}
    for event in events:
        key = counter_key(event.camera, event.counter)
        if key in by_key and (since is None or event.timestamp >= since):
            by_key[key].append(event)
    rows = []
    for info in counters:
        key = counter_key(info.camera, info.counter)
        own = by_key[key]
        total = _tally(own)
        recent = _tally(e for e in own if now - window < e.timestamp <= now)
        lately = _tally(e for e in own if now - RATE_WINDOW < e.timestamp <= now)
        moving = [e.timestamp for e in own if e.kind == "cross" or e.kind == "enter"]
        rows.append(
            {
                "camera": info.camera,
                "counter": info.counter,
                "type": info.type,
                "group": info.group,
                **total,
                "net": total["in"] - total["out"],
                "occupancy": max(total["entries"] - total["exits"], 0) if info.type == "zone" else None,
                "recent": recent,
                "today": _tally(e for e in everything[key] if midnight <= e.timestamp <= now),
                "rate": {k: rate_per_minute(v, now, since) for k, v in lately.items()},
                "trend": per_minute(moving, now, round(window.total_seconds() / 60), since),
                "last_event": max(e.timestamp for e in own).astimezone(zone).isoformat() if own else None,
            }
        )
    return rows


def group_rows(rows: Sequence[Mapping[str, Any]], headline: str | None = None) -> list[dict[str, Any]]:
    """Per group of lines: today's in and out and the rate per minute, summed over its members; the
    headline group (``site.headline_group``: the visitor figure) first.

    >>> line = {"type": "line", "group": "gates"}
    >>> rows = [line | {"today": {"in": 5, "out": 1}, "rate": {"in": 1.0, "out": 0.2}},
    ...         line | {"today": {"in": 2, "out": 2}, "rate": {"in": 0.4, "out": 0.0}}]
    >>> (gates,) = group_rows(rows, "gates")
    >>> gates["headline"], gates["lines"], gates["today"], gates["rate"]
    (True, 2, {'in': 7, 'out': 3}, {'in': 1.4, 'out': 0.2})
    """
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["type"] != "line" or not row.get("group"):
            continue
        group = groups.setdefault(
            row["group"],
            {
                "group": row["group"],
                "headline": row["group"] == headline,
                "lines": 0,
                "today": {"in": 0, "out": 0},
                "rate": {"in": 0.0, "out": 0.0},
            },
        )
        group["lines"] += 1
        for direction in ("in", "out"):
            group["today"][direction] += row["today"][direction]
            group["rate"][direction] = round(group["rate"][direction] + row["rate"][direction], 1)
    return sorted(groups.values(), key=lambda g: (not g["headline"], g["group"]))


def occupancy_series(
    events: Iterable[CountEvent],
    zones: Sequence[CounterInfo],
    times: Sequence[datetime],
    unseen: Mapping[str, Sequence[tuple[datetime, datetime]]] | None = None,
) -> dict[str, list[int | None]]:
    """People inside each zone at each of ``times`` (entries minus exits up to and including it); None
    at a time its camera did not see (``unseen``: per camera, spans such as before the session began
    or a stream outage), so a chart shows a gap there, not zero."""
    changes: dict[str, tuple[list[float], list[float]]] = {
        counter_key(z.camera, z.counter): ([], []) for z in zones
    }
    for event in events:
        key = counter_key(event.camera, event.counter)
        if key in changes and event.kind in ("enter", "exit"):
            changes[key][event.kind == "exit"].append(event.timestamp.timestamp())
    at = np.array([t.timestamp() for t in times])
    series: dict[str, list[int | None]] = {}
    for zone in zones:
        key = counter_key(zone.camera, zone.counter)
        enters, exits = changes[key]
        inside = np.searchsorted(np.sort(enters), at, "right") - np.searchsorted(np.sort(exits), at, "right")
        blind = (unseen or {}).get(zone.camera, [])
        series[key] = [
            None if any(a <= t < b for a, b in blind) else max(int(n), 0)
            for t, n in zip(times, inside, strict=True)
        ]
    return series


@dataclass(frozen=True)
class Alert:
    """A zone whose occupancy reached its threshold; ``cleared_at`` is set once it fell back."""

    key: str
    occupancy: int  # the value that raised it
    threshold: int
    raised_at: datetime
    cleared_at: datetime | None = None
    acknowledged_at: datetime | None = None  # an operator has seen it (the banner goes)

    def as_json(self) -> dict[str, Any]:
        camera, zone = self.key.split("/", 1)
        return {
            "camera": camera,
            "zone": zone,
            "key": self.key,
            "occupancy": self.occupancy,
            "threshold": self.threshold,
            "raised_at": self.raised_at.isoformat(),
            "cleared_at": self.cleared_at.isoformat() if self.cleared_at else None,
            "acknowledged_at": self.acknowledged_at.isoformat() if self.acknowledged_at else None,
        }


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
