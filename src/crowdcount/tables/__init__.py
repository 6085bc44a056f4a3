"""Pure tables from the stored events: per-interval counts with coverage, the report's lead figures.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.tables.aggregate import (
        UNSEEN,
        counter_summary,
        day_totals,
        event_summary,
        event_table,
        group_day_totals,
        group_summary,
        group_table,
        interval_rows,
        interval_table,
        interval_tables,
        line_totals,
        parse_interval,
        peak_occupancy,
        zone_totals,
    )
    from crowdcount.tables.summary import (
        counted_by,
        covered_days,
        display_name,
        dwell_bins,
        headline,
        zone_days,
    )

_WHERE = {
    "UNSEEN": "aggregate",
    "counted_by": "summary",
    "counter_summary": "aggregate",
    "covered_days": "summary",
    "day_totals": "aggregate",
    "display_name": "summary",
    "dwell_bins": "summary",
    "event_summary": "aggregate",
    "event_table": "aggregate",
    "group_day_totals": "aggregate",
    "group_summary": "aggregate",
    "group_table": "aggregate",
    "headline": "summary",
    "interval_rows": "aggregate",
    "interval_table": "aggregate",
    "interval_tables": "aggregate",
    "line_totals": "aggregate",
    "parse_interval": "aggregate",
    "peak_occupancy": "aggregate",
    "zone_days": "summary",
    "zone_totals": "aggregate",
}
__all__ = [
    "UNSEEN",
    "counted_by",
    "counter_summary",
    "covered_days",
    "day_totals",
    "display_name",
    "dwell_bins",
    "event_summary",
    "event_table",
    "group_day_totals",
    "group_summary",
    "group_table",
    "headline",
    "interval_rows",
    "interval_table",
    "interval_tables",
    "line_totals",
    "parse_interval",
    "peak_occupancy",
    "zone_days",
    "zone_totals",
]

__getattr__ = lazy_names(__name__, _WHERE)
