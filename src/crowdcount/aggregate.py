"""Events -> tables (pandas): totals per line and zone. Pure: no files, no clocks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields

import pandas as pd

from crowdcount.datatypes import CountEvent

EVENT_COLUMNS = [field.name for field in fields(CountEvent)]


def events_frame(events: Iterable[CountEvent]) -> pd.DataFrame:
    """One row per event, columns as :class:`CountEvent`, in time order."""
    frame = pd.DataFrame([asdict(e) for e in events], columns=EVENT_COLUMNS)
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def line_totals(events: Iterable[CountEvent], lines: Sequence[str]) -> pd.DataFrame:
    """In, out and net (in - out) per line; lines with no crossing show zeros."""
    crossings = events_frame(e for e in events if e.kind == "cross")
    counts = crossings.groupby(["counter", "direction"]).size().unstack(fill_value=0)
    table = counts.reindex(index=list(lines), columns=["in", "out"], fill_value=0)
    table = table.fillna(0).astype(int)
    table["net"] = table["in"] - table["out"]
    return table.rename_axis("line").reset_index()


def peak_occupancy(zone_events: Iterable[CountEvent]) -> int:
    """Most people inside at once, from one zone's enter/exit events (exits first on ties)."""
    frame = events_frame(zone_events)
    if frame.empty:
        return 0
    frame["change"] = frame["kind"].map({"enter": 1, "exit": -1})
    frame = frame.sort_values(["timestamp", "change"], kind="stable")
    return int(max(frame["change"].cumsum().max(), 0))


def zone_totals(events: Iterable[CountEvent], zones: Sequence[str]) -> pd.DataFrame:
    """Entries, exits, peak occupancy and median dwell per zone."""
    by_zone: dict[str, list[CountEvent]] = {zone: [] for zone in zones}
    for event in events:
        if event.kind in ("enter", "exit") and event.counter in by_zone:
            by_zone[event.counter].append(event)
    rows = []
    for zone, zone_events in by_zone.items():
        dwell = [e.dwell_s for e in zone_events if e.kind == "exit" and e.dwell_s is not None]
        rows.append(
            {
                "zone": zone,
                "entries": sum(e.kind == "enter" for e in zone_events),
                "exits": sum(e.kind == "exit" for e in zone_events),
                "peak_occupancy": peak_occupancy(zone_events),
                "median_dwell_s": float(pd.Series(dwell).median()) if dwell else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=["zone", "entries", "exits", "peak_occupancy", "median_dwell_s"])
