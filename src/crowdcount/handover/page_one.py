"""What page one says, as data: the visitors counted through the headline group, how much of their
opening hours was filmed and which gates filmed nothing, the audited figure with its 95 % interval,
and the estimate over all open hours. The report's lead cards and the API's ``/api/summary`` are both
made from it, so they cannot say different things; and the same two estimates for each row of the
gates x days table, for the report and the workbook (:func:`row_figures`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from crowdcount.audit import Combined, CounterAudit, combined_estimate, row_estimates
from crowdcount.datatypes import History
from crowdcount.tables.aggregate import Filmed, filmed, interval_table
from crowdcount.tables.factored import Factored, factored_totals, group_factored
from crowdcount.tables.summary import Headline, display_name, group_members, headline, row_lines


@dataclass(frozen=True)
class PageOne:
    """The headline figures and what they rest on."""

    headline: Headline
    audited: Combined  # estimate None: not audited (``unaudited`` names the gates)
    whole: Factored | None  # the estimate over all open hours; None where nothing went unfilmed
    filmed: dict[str, Filmed]  # per camera


def page_one(
    history: History,
    site: dict[str, Any],
    audits: Sequence[CounterAudit] = (),
    hourly: pd.DataFrame | None = None,
    zone: str | None = None,
) -> PageOne:
    """Page one's figures from a store's history (``hourly``: its interval table by hour, when made)."""
    hourly = interval_table(history, "60min", zone) if hourly is None else hourly
    seen = filmed(history, zone)
    found = headline(hourly, site, seen)
    gates = hourly[hourly["in"].notna()].groupby(["camera", "counter"])["in"].sum()
    audited = combined_estimate(audits, {gate: int(gates.get(gate, 0)) for gate in found.gates})
    whole = group_factored(factored_totals(hourly, "in"), found.gates) if found.lower_bound else None
    return PageOne(found, audited, whole, seen)


def as_json(page: PageOne, site: dict[str, Any]) -> dict[str, Any]:
    """Page one for the API: plain numbers and display names."""
    found = page.headline

    def gate(camera: str, counter: str) -> dict[str, str]:
        return {"camera": camera, "counter": counter, "name": display_name(site, camera, counter)}

    def interval(value: Combined | Factored | None) -> dict[str, Any] | None:
        if value is None or value.estimate is None:
            return None
        return {"estimate": value.estimate, "low": value.low, "high": value.high}

    return {
        "group": found.group,
        "group_name": site.get("groups", {}).get(found.group, found.group) if found.group else None,
        "visitors_counted": found.visitors,
        "lower_bound": found.lower_bound,
        "filmed_share": round(found.filmed_share, 4),
        "gates": [gate(*g) for g in found.gates],
        "gates_without_footage": [gate(*g) for g in found.dark],
        "audited": interval(page.audited),
        "unaudited_gates": [gate(*g) for g in page.audited.unaudited],
        "all_open_hours": interval(page.whole),
        "all_open_hours_estimable": page.whole is None or page.whole.estimate is not None,
        "peak_hour": None
        if found.peak_start is None
        else {
            "start": found.peak_start.isoformat(),
            "end": found.peak_end.isoformat() if found.peak_end is not None else None,
            "visitors": found.peak_visitors,
            "filmed_share": found.peak_coverage,
        },
        "filmed_per_camera": {
            camera: {"name": display_name(site, camera), "share": round(f.share, 4)}
            for camera, f in page.filmed.items()
        },
    }


@dataclass(frozen=True)
class RowFigures:
    """Beside each row of a gates x days table (:func:`crowdcount.tables.summary.gate_days`): its
    audited total (empty until something is audited) and its estimate over all open hours (empty
    where no open hour went unfilmed; None in a zone's row)."""

    audited: list[Combined]
    whole: list[Factored | None]


def row_figures(
    days: pd.DataFrame, daily: pd.DataFrame, hourly: pd.DataFrame, audits: Sequence[CounterAudit]
) -> RowFigures:
    """The audited and all-hours estimates of each row of ``days`` (groups from ``daily``'s members,
    the hours from ``hourly``)."""
    if days.empty:
        return RowFigures([], [])
    members = group_members(daily)
    counted = [
        (r.camera, r.counter, r.measure, 0 if pd.isna(r.total) else int(r.total)) for r in days.itertuples()
    ]
    audited = row_estimates(counted, members, audits) if any(a.reviewed for a in audits) else []
    by_measure = {measure: factored_totals(hourly, measure) for measure in ("in", "out")}
    if not any(f.hours_estimated for found in by_measure.values() for f in found.values()):
        return RowFigures(audited, [])
    whole: list[Factored | None] = [
        None
        if r.measure not in by_measure
        else group_factored(by_measure[r.measure], row_lines(r.camera, r.counter, members))
        for r in days.itertuples()
    ]
    return RowFigures(audited, whole)
