"""The figures a report leads with (pure): visitors through the headline group, the peak hour, the
busiest gate, the days the report covers, display names; zones' occupancy and dwell per day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from crowdcount.datatypes import CountEvent, History, counter_key
from crowdcount.tables.aggregate import (
    Filmed,
    day_totals,
    dwell_stats,
    group_day_totals,
    group_table,
    occupancy_steps,
    peak_in,
    zone_events_sorted,
)


@dataclass(frozen=True)
class Headline:
    """What the report's first lines say."""

    visitors: int  # "in" crossings of the headline group's lines (every line's without a group)
    group: str | None  # the headline group's id (None: no headline group configured)
    peak_start: pd.Timestamp | None  # the hour most visitors came in, and how many
    peak_end: pd.Timestamp | None
    peak_visitors: int
    busiest: tuple[str, str] | None  # (camera, line) of the gate most came in through, and how many
    busiest_visitors: int
    gates: tuple[tuple[str, str], ...] = ()  # (camera, line) of every gate of the headline figure
    dark: tuple[tuple[str, str], ...] = ()  # the gates whose camera filmed none of the open time
    filmed_share: float = 1.0  # the share of the gates' open time filmed (each gate weighs the same)
    peak_coverage: float | None = None  # the share of the busiest hour the gates filmed

    @property
    def lower_bound(self) -> bool:
        """Whether some open time went unfilmed, so the visitors counted are fewer than came."""
        return self.filmed_share < COMPLETE_SHARE


COMPLETE_SHARE = 0.9995  # filmed this share of the open time or more: the figure is the whole count


def headline(
    hourly: pd.DataFrame, context: dict[str, Any], filmed: Mapping[str, Filmed] | None = None
) -> Headline:
    """From the hourly interval table: an entrance group's "in" crossings are visitors; without
    ``headline_group`` every line's "in" is summed (then it is crossings, not visitors). With
    ``filmed`` (:func:`crowdcount.tables.aggregate.filmed`), how much of the gates' open time was
    filmed and which gates have no footage at all.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"camera": ["c", "c", "c"], "counter": ["gate", "gate", "aisle"],
    ...     "type": ["line"] * 3, "group": ["entrance", "entrance", None], "in": [5, 9, 40],
    ...     "interval_start": pd.to_datetime(["2026-10-03 18:00", "2026-10-03 19:00", "2026-10-03 19:00"]),
    ...     "interval_end": pd.to_datetime(["2026-10-03 19:00", "2026-10-03 20:00", "2026-10-03 20:00"])})
    >>> found = headline(table, {"headline_group": "entrance"})
    >>> found.visitors, f"{found.peak_start:%H:%M}", found.peak_visitors, found.busiest
    (14, '19:00', 9, ('c', 'gate'))
    >>> from crowdcount.tables.aggregate import Filmed
    >>> seen = headline(table, {"headline_group": "entrance"}, {"c": Filmed(900, 3600)})
    >>> seen.filmed_share, seen.lower_bound, seen.dark
    (0.25, True, ())
    """
    group = context.get("headline_group")
    lines = hourly[hourly["type"] == "line"]
    if group is not None:
        lines = lines[lines["group"] == group]
    counted = lines[lines["in"].notna()]
    visitors = int(counted["in"].sum())
    per_hour = counted.groupby(["interval_start", "interval_end"])["in"].sum()
    per_gate = counted.groupby(["camera", "counter"], sort=False)["in"].sum()
    peak = per_hour.idxmax() if len(per_hour) and per_hour.max() > 0 else None
    gate = per_gate.idxmax() if len(per_gate) and per_gate.max() > 0 else None
    gates = tuple(dict.fromkeys(zip(lines["camera"], lines["counter"], strict=True)))
    shares = {g: filmed[g[0]].share if filmed and g[0] in filmed else 1.0 for g in gates}
    dark = tuple(g for g in gates if filmed and g[0] in filmed and filmed[g[0]].seen_s <= 0)
    at_peak = lines[lines["interval_start"] == peak[0]] if peak else lines.iloc[:0]
    peak_coverage = (
        float(at_peak["coverage"].fillna(0).mean()) if "coverage" in at_peak and len(at_peak) else None
    )
    return Headline(
        visitors,
        group,
        peak[0] if peak else None,
        peak[1] if peak else None,
        int(per_hour.max()) if peak else 0,
        gate,
        int(per_gate.max()) if gate else 0,
        gates,
        dark,
        float(np.mean(list(shares.values()))) if shares else 1.0,
        peak_coverage,
    )


def gate_days(daily: pd.DataFrame, seen: Mapping[str, Filmed]) -> pd.DataFrame:
    """Groups (``camera`` empty), then gates and zones: a row per counter and measure, a column per
    day and ``total`` (NA where nothing was filmed), ``status DAY`` and ``status total`` (complete,
    partial, missing or closed; a total is complete only when every day was), and ``filmed``: the
    share of the opening hours its cameras filmed (a group's: its cameras', each weighing the same).
    What the report's and the workbook's day tables show, marks and all."""
    table = pd.concat([group_day_totals(daily), day_totals(daily)], ignore_index=True)
    if table.empty:
        return table
    days = [c for c in table.columns if c not in ("camera", "counter", "measure", "total")]
    statuses = {
        (r.camera, r.counter, r.interval_start.date().isoformat()): r.status for r in daily.itertuples()
    }
    groups = group_table(daily)
    statuses |= {("", g.group, g.interval_start.date().isoformat()): g.status for g in groups.itertuples()}
    members = group_members(daily)
    for d in days:
        table[f"status {d}"] = [
            statuses.get((c, k, d), "missing") for c, k in zip(table["camera"], table["counter"], strict=True)
        ]
    marks = table[[f"status {d}" for d in days]]
    whole = marks.isin(["complete", "closed"]).all(axis=1)
    table["status total"] = np.where(table["total"].isna(), "missing", np.where(whole, "complete", "partial"))
    shares = []
    for camera, counter in zip(table["camera"], table["counter"], strict=True):
        cameras = [c for c in dict.fromkeys(c for c, _ in row_lines(camera, counter, members)) if c in seen]
        shares.append(round(float(np.mean([seen[c].share for c in cameras])), 4) if cameras else np.nan)
    table["filmed"] = shares
    return table


def group_members(daily: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """Each group's (camera, counter) members, as the interval table has them."""
    grouped = daily[daily["group"].notna()].drop_duplicates(["group", "camera", "counter"])
    return {
        str(group): list(zip(part["camera"], part["counter"], strict=True))
        for group, part in grouped.groupby("group", sort=False)
    }


def row_lines(
    camera: str, counter: str, members: Mapping[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """The (camera, counter) pairs a row of :func:`gate_days` stands for: a group's members (its
    ``camera`` empty, ``counter`` the group), else its own."""
    return list(members.get(counter, [])) if camera == "" else [(camera, counter)]


def display_name(context: dict[str, Any], camera: str, counter: str | None = None) -> str:
    """A camera's or counter's name as the config gives it, else its id."""
    if counter is None:
        return str(context.get("cameras", {}).get(camera, camera))
    return str(context.get("counters", {}).get(counter_key(camera, counter), counter))


def covered_days(history: History, context: dict[str, Any]) -> tuple[date, date] | None:
    """The first and last day the counts are of: the config's ``site.period``, else the footage's
    days in the site's timezone; None without either."""
    if context.get("period"):
        first, last = context["period"]
        return date.fromisoformat(first), date.fromisoformat(last)
    spans = [s.footage for s in history.sources]
    if not spans:
        return None
    zone = ZoneInfo(history.timezone)
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    return first.astimezone(zone).date(), last.astimezone(zone).date()


ZONE_DAY_COLUMNS = [
    "camera",
    "counter",
    "day",
    "entries",
    "exits",
    "mean_occupancy",
    "peak_occupancy",
    "peak_at",
    "dwell_median_s",
    "dwell_p90_s",
    "visits",
]


def zone_days(daily: pd.DataFrame, events: Sequence[CountEvent]) -> pd.DataFrame:
    """Per zone and day with footage (``daily``: ``interval_table`` by day), then the whole period
    (``day`` None): entries, exits, the time-weighted mean and the peak of the people inside, the
    moment the peak was first reached, and the visits' dwell (median, 90th percentile, how many)."""
    by_zone: dict[tuple[str, str], list[CountEvent]] = {}
    for event in events:
        if event.kind in ("enter", "exit"):
            by_zone.setdefault((event.camera, event.counter), []).append(event)
    rows: list[dict[str, object]] = []
    zones = daily[(daily["type"] == "zone") & daily["entries"].notna()]
    for (camera, counter), days in zones.groupby(["camera", "counter"], sort=False):
        own = zone_events_sorted(by_zone.get((camera, counter), []))
        times, levels = occupancy_steps(own)  # sorted once; each day is a slice of them
        peaks = []
        for _, row in days.iterrows():
            start, end = row["interval_start"].to_pydatetime(), row["interval_end"].to_pydatetime()
            peak, peak_at = peak_in(own, times, levels, start, end)
            peaks.append((peak, peak_at))
            first, last = np.searchsorted(times, [start.timestamp(), end.timestamp()], side="left")
            that_day = own[first:last]
            rows.append(
                {
                    "camera": camera,
                    "counter": counter,
                    "day": start.date(),
                    "entries": row["entries"],
                    "exits": row["exits"],
                    "mean_occupancy": row["mean_occupancy"],
                    "peak_occupancy": peak,
                    "peak_at": peak_at,
                    **_dwell(that_day),
                }
            )
        seen = days["coverage"] * (days["interval_end"] - days["interval_start"]).dt.total_seconds()
        mean = float((days["mean_occupancy"] * seen).sum() / seen.sum()) if seen.sum() else float("nan")
        peak, peak_at = max(peaks, key=lambda p: p[0])  # the first day that reached the most
        rows.append(
            {
                "camera": camera,
                "counter": counter,
                "day": None,
                "entries": days["entries"].sum(),
                "exits": days["exits"].sum(),
                "mean_occupancy": mean,
                "peak_occupancy": peak,
                "peak_at": peak_at,
                **_dwell(own),
            }
        )
    return pd.DataFrame(rows, columns=ZONE_DAY_COLUMNS)


def _dwell(events: Sequence[CountEvent]) -> dict[str, float | int]:
    visits = sum(e.kind == "exit" and e.dwell_s is not None for e in events)
    return {**dwell_stats(events), "visits": visits}


DWELL_EDGES_S = (0, 10, 30, 60, 120, 300, 600, 900, 1800, 3600)  # under 10 s, 10-30 s, ..., 1 h or more


def dwell_bins(dwell_s: Sequence[float]) -> list[tuple[float, float | None, int]]:
    """How many visits lasted each span of ``DWELL_EDGES_S`` (the last open-ended), from the first
    to the last span that has any.

    >>> dwell_bins([4, 12, 15, 200])
    [(0, 10, 1), (10, 30, 2), (30, 60, 0), (60, 120, 0), (120, 300, 1)]
    """
    edges: list[float | None] = [*DWELL_EDGES_S[1:], None]
    bins: list[tuple[float, float | None, int]] = [
        (low, high, sum(low <= d and (high is None or d < high) for d in dwell_s))
        for low, high in zip(DWELL_EDGES_S, edges, strict=True)
    ]
    used = [k for k, (_, _, n) in enumerate(bins) if n]
    return bins[used[0] : used[-1] + 1] if used else []


FIRST_VERSION = "0.1.0"  # every source stored before versions were kept was counted by it


def counted_by(history: History) -> str:
    """The crowdcount versions that counted a store's sources, oldest first ("-" for none).

    >>> from crowdcount.datatypes import SourceRecord
    >>> from datetime import datetime, timezone
    >>> at = datetime(2026, 10, 3, tzinfo=timezone.utc)
    >>> made = [SourceRecord("c", f"{v}.mp4", "done", at, at, 7, 1, 1, "m", v) for v in ("0.2.0", "")]
    >>> counted_by(History([], [], made, [], "UTC"))
    '0.1.0, 0.2.0'
    """
    versions = {source.version or FIRST_VERSION for source in history.sources}
    return (
        ", ".join(sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".") if p.isdigit()))) or "-"
    )
