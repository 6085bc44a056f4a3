"""Two festivals (or days) side by side (pure): hourly rows aligned by festival day (1, 2, ...) and clock
hour, with the change in percent and how much of each was filmed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

COMPARED = ["day", "hour", "count_this", "count_other", "change", "coverage_this", "coverage_other"]


def aligned(
    this: pd.DataFrame,
    other: pd.DataFrame,
    first_this: date,
    first_other: date,
    keys: Sequence[str],
    measure: str = "in",
) -> pd.DataFrame:
    """``this`` and ``other`` (hourly ``interval_table`` or ``group_table`` rows) on the same ``keys``,
    festival day (its first day is 1) and hour, closed hours left out: each side's count and status,
    the change in percent (empty where either side has no count or the other counted none) and each
    side's coverage.

    >>> hours = pd.to_datetime(["2026-10-03 18:00", "2026-10-04 18:00"])
    >>> now = pd.DataFrame({"group": "g", "interval_start": hours, "status": "complete", "coverage": 1.0,
    ...                     "in": [120, 90]})
    >>> before = now.assign(interval_start=hours - pd.Timedelta(days=364), **{"in": [100, 90]})
    >>> table = aligned(now, before, date(2026, 10, 3), date(2025, 10, 4), ["group"])
    >>> table[["day", "hour", "count_this", "count_other", "change"]].values.tolist()
    [[1, '18:00', 120, 100, 20.0], [2, '18:00', 90, 90, 0.0]]
    """

    def prepared(table: pd.DataFrame, first: date) -> pd.DataFrame:
        shown = table[table["status"] != "closed"]
        starts = shown["interval_start"]
        return pd.DataFrame(
            {
                **{key: shown[key].to_numpy() for key in keys},
                "day": [(start.date() - first).days + 1 for start in starts],
                "hour": starts.dt.strftime("%H:%M").to_numpy(),
                "count": shown[measure].astype("Float64").to_numpy(),
                "status": shown["status"].to_numpy(),
                "coverage": shown["coverage"].to_numpy(),
            }
        )

    merged = prepared(this, first_this).merge(
        prepared(other, first_other), on=[*keys, "day", "hour"], how="outer", suffixes=("_this", "_other")
    )
    merged = merged.sort_values([*keys, "day", "hour"], ignore_index=True)
    now, then = merged["count_this"].astype(float), merged["count_other"].astype(float)
    merged["change"] = ((now - then) / then * 100).where(then > 0).round(1)
    for side in ("this", "other"):
        merged[f"status_{side}"] = merged[f"status_{side}"].fillna("missing")
        merged[f"count_{side}"] = merged[f"count_{side}"].astype("Int64")
    return merged[[*keys, *COMPARED, "status_this", "status_other"]]
