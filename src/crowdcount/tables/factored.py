"""What the unfilmed opening hours held, estimated (pure): each gate's total over every open hour of the
tables, the hours it did not film filled in from the hours it did, as traffic-counting programmes
factor up short counts. Always an estimate beside the count, never mixed into it.

For each open hour of a line (``measure`` in or out):

- filmed whole: its count;
- filmed for at least ``MIN_PARTIAL`` of its open time: its count divided by that share;
- else, when the same clock hour was filmed whole on other days: their mean (its variance theirs);
- else, when other gates of the group were filmed whole in that hour: their count there times this
  gate's share of them over the hours both were filmed whole;
- else it cannot be estimated, and neither can the gate's total.

The 95 % interval adds the variances of the estimated hours (the spread of the same hour on other
days, at least a Poisson count's) and takes 1.96 standard deviations each way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

MIN_PARTIAL = 0.5  # an hour filmed for less of its open time is estimated, not factored up
Z95 = 1.96


@dataclass(frozen=True)
class Factored:
    """A gate's (or group's) total over the open hours: what was counted, and the estimate of all of
    it with its 95 % interval; ``estimate`` None with the ``reason``: no hour to estimate from."""

    counted: int
    estimate: float | None
    low: float | None
    high: float | None
    hours_estimated: int  # open hours not filmed whole, estimated
    reason: str = ""  # why there is no estimate ("" when there is one)


def factored_totals(hourly: pd.DataFrame, measure: str = "in") -> dict[tuple[str, str], Factored]:
    """Each line's estimated total over the open hours of ``hourly`` (``interval_table`` by hour).

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"camera": ["n"] * 4, "counter": ["g"] * 4, "type": ["line"] * 4,
    ...     "group": ["e"] * 4, "status": ["complete", "complete", "complete", "missing"],
    ...     "coverage": [1.0, 1.0, 1.0, 0.0], "in": [10, 20, 12, None],
    ...     "interval_start": pd.to_datetime(["2026-10-03 18:00", "2026-10-03 19:00",
    ...                                       "2026-10-04 18:00", "2026-10-04 19:00"])})
    >>> found = factored_totals(rows)[("n", "g")]
    >>> found.counted, found.estimate, found.hours_estimated, found.low < 62 < found.high
    (42, 62.0, 1, True)
    """
    lines = hourly[(hourly["type"] == "line") & (hourly["status"] != "closed")].copy()
    if lines.empty:
        return {}
    lines["clock"] = [start.strftime("%H:%M") for start in lines["interval_start"]]
    whole = lines[lines["status"] == "complete"]
    found = {}
    for (camera, counter), part in lines.groupby(["camera", "counter"], sort=False):
        mine = whole[(whole["camera"] == camera) & (whole["counter"] == counter)]
        others = whole[(whole["group"] == part["group"].iloc[0]) & (whole["camera"] != camera)]
        counted = int(part[measure].fillna(0).sum())
        total = variance = 0.0
        estimated = 0
        for row in part.to_dict("records"):
            if row["status"] == "complete":
                total += float(row[measure])
                continue
            estimated += 1
            hour = _hour(row, mine, others, measure)
            if hour is None:
                found[(camera, counter)] = Factored(counted, None, None, None, estimated, "no_reference")
                break
            total, variance = total + hour[0], variance + hour[1]
        else:
            half = Z95 * math.sqrt(variance)
            found[(camera, counter)] = Factored(
                counted,
                round(total, 1),
                round(max(total - half, counted), 1),
                round(total + half, 1),
                estimated,
            )
    return found


def _hour(
    row: dict[str, Any], mine: pd.DataFrame, others: pd.DataFrame, measure: str
) -> tuple[float, float] | None:
    """One hour not filmed whole: its estimate and variance, or None when nothing says."""
    value = row[measure]
    coverage = 0.0 if pd.isna(row["coverage"]) else float(row["coverage"])
    if coverage >= MIN_PARTIAL and not pd.isna(value):
        scaled = float(value) / coverage
        return scaled, scaled * (1 - coverage) / coverage + 1.0  # the unseen part, Poisson-like
    same = mine.loc[mine["clock"] == row["clock"], measure].astype(float)
    if len(same):
        mean = float(same.mean())
        spread = float(same.var(ddof=1)) if len(same) > 1 else 0.0
        return mean, max(spread, mean, 1.0)
    there = others[others["interval_start"] == row["interval_start"]]
    if len(there) and len(mine):
        shared = others[others["interval_start"].isin(mine["interval_start"])]
        base = float(shared[measure].sum())
        if base > 0:
            share = (
                float(mine.loc[mine["interval_start"].isin(shared["interval_start"]), measure].sum()) / base
            )
            estimate = share * float(there[measure].sum())
            return estimate, max(estimate, 1.0)
    return None


def group_factored(found: Mapping[tuple[str, str], Factored], members: Sequence[tuple[str, str]]) -> Factored:
    """A group's estimated total: its lines' summed, their variances added; none when a line has none.

    >>> one, two = Factored(10, 12.0, 10.0, 14.0, 1), Factored(5, 5.0, 5.0, 5.0, 0)
    >>> group_factored({("a", "x"): one, ("b", "y"): two}, [("a", "x"), ("b", "y")]).estimate
    17.0
    """
    parts = [found[m] for m in members if m in found]
    counted = sum(p.counted for p in parts)
    estimated = sum(p.hours_estimated for p in parts)
    missing = [p for p in parts if p.estimate is None]
    if not parts or missing:
        return Factored(
            counted, None, None, None, estimated, missing[0].reason if missing else "no_reference"
        )
    total = sum(p.estimate or 0.0 for p in parts)
    half = math.sqrt(sum(((p.high or 0.0) - (p.estimate or 0.0)) ** 2 for p in parts))
    return Factored(
        counted, round(total, 1), round(max(total - half, counted), 1), round(total + half, 1), estimated
    )
