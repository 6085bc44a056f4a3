"""The figures a report leads with (pure): visitors through the headline group, the peak hour, the
busiest gate, the days the report covers, display names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from crowdcount.datatypes import History, counter_key


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


def headline(hourly: pd.DataFrame, context: dict[str, Any]) -> Headline:
    """From the hourly interval table: an entrance group's "in" crossings are visitors; without
    ``headline_group`` every line's "in" is summed (then it is crossings, not visitors).

    >>> import pandas as pd
    >>> table = pd.DataFrame({"camera": ["c", "c", "c"], "counter": ["gate", "gate", "aisle"],
    ...     "type": ["line"] * 3, "group": ["entrance", "entrance", None], "in": [5, 9, 40],
    ...     "interval_start": pd.to_datetime(["2026-10-03 18:00", "2026-10-03 19:00", "2026-10-03 19:00"]),
    ...     "interval_end": pd.to_datetime(["2026-10-03 19:00", "2026-10-03 20:00", "2026-10-03 20:00"])})
    >>> found = headline(table, {"headline_group": "entrance"})
    >>> found.visitors, f"{found.peak_start:%H:%M}", found.peak_visitors, found.busiest
    (14, '19:00', 9, ('c', 'gate'))
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
    return Headline(
        visitors, group, peak[0] if peak else None, peak[1] if peak else None,
        int(per_hour.max()) if peak else 0, gate, int(per_gate.max()) if gate else 0,
    )  # fmt: skip


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
