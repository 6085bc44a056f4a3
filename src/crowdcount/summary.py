"""The figures a report leads with, from interval tables (pure): visitors through the headline
group, the peak hour, the busiest gate, and the gates x days table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


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
    return str(context.get("counters", {}).get(f"{camera}/{counter}", counter))
