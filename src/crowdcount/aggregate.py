"""Events -> tables (pandas): totals, and per-interval tables with coverage. Pure: no files, no clocks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from crowdcount.coverage import Span, closed_spans, covered_seconds, merge, subtract
from crowdcount.datatypes import CounterInfo, CountEvent, History
from crowdcount.errors import CrowdcountError

EVENT_COLUMNS = [field.name for field in fields(CountEvent)]


def events_frame(events: Iterable[CountEvent]) -> pd.DataFrame:
    """One row per event, columns as :class:`CountEvent`, in time order."""
    frame = pd.DataFrame([asdict(e) for e in events], columns=EVENT_COLUMNS)
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


EXPORT_EVENT_COLUMNS = ["camera", "counter", "kind", "direction", "track_id", "timestamp", "source", "frame"]


def event_table(events: Iterable[CountEvent], tz: ZoneInfo | str = "Asia/Seoul") -> pd.DataFrame:
    """Events for export: the documented columns, timestamps as pandas times in ``tz``."""
    table = events_frame(events)[EXPORT_EVENT_COLUMNS]
    table["timestamp"] = pd.to_datetime(table["timestamp"], utc=True).dt.tz_convert(str(tz))
    return table


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


def peak_moment(
    zone_events: Sequence[CountEvent], start: datetime, end: datetime
) -> tuple[int, datetime | None]:
    """Most people inside one zone during [start, end) and the first moment it was reached (None
    when nobody was inside). People already inside at ``start`` count from then."""
    ordered = zone_events_sorted(zone_events)
    times, levels = _occupancy_steps(ordered)
    first = int(np.searchsorted(times, start.timestamp(), side="right"))
    last = int(np.searchsorted(times, end.timestamp(), side="left"))
    before = int(levels[first - 1]) if first > 0 else 0
    inside = levels[first:last]
    peak = max(int(inside.max(initial=0)), before, 0)
    if peak == 0:
        return 0, None
    if before == peak:
        return peak, start
    return peak, ordered[first + int(np.argmax(inside == peak))].timestamp


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


# --- per-interval tables --------------------------------------------------------------------------

INTERVALS = {
    "1min": "1min",
    "5min": "5min",
    "15min": "15min",
    "30min": "30min",
    "60min": "60min",
    "1h": "60min",
    "hour": "60min",
    "day": "1D",
    "1d": "1D",
}
STATUSES = ("complete", "partial", "missing", "closed")
UNSEEN = ("missing", "closed")  # statuses of intervals without footage: their counts are empty
COMPLETE_TOLERANCE_S = 1.0  # an interval missing less footage than this is complete

INTERVAL_COLUMNS = [
    "camera", "counter", "type", "group", "interval_start", "interval_end", "status", "coverage",
    "in", "out", "net", "entries", "exits", "mean_occupancy", "peak_occupancy",
    "dwell_median_s", "dwell_p90_s",
]  # fmt: skip
COUNT_COLUMNS = ["in", "out", "net", "entries", "exits", "peak_occupancy"]
GROUP_COLUMNS = [
    "group", "interval_start", "interval_end", "status", "coverage", "cameras", "counters",
    "in", "out", "net", "entries", "exits", "mean_occupancy",
]  # fmt: skip


def parse_interval(text: str) -> str:
    """A user's interval name -> pandas frequency; one-line error for anything else."""
    freq = INTERVALS.get(text.strip().lower())
    if freq is None:
        raise CrowdcountError(f"interval {text}: use one of 1min, 5min, 15min, 30min, 60min (1h), day")
    return freq


def interval_windows(spans: Sequence[Span], freq: str, tz: ZoneInfo) -> list[Span]:
    """Clock-aligned intervals (on ``tz``'s wall clock) from the first covered moment to the last.

    Minutes and hours step through instants from the first wall-clock boundary, so the day the clocks
    go back has 25 hourly intervals (02:00 twice) and the day they go forward 23; a ``day`` runs from
    one local midnight to the next, 23, 24 or 25 hours.

    >>> from datetime import UTC
    >>> berlin, start = ZoneInfo("Europe/Berlin"), datetime(2026, 10, 24, 23, 50, tzinfo=UTC)  # 01:50 CEST
    >>> footage = [Span(start, start + timedelta(hours=2, minutes=20))]  # to 03:10 CET
    >>> [f"{w.start.astimezone(berlin):%H:%M%z}" for w in interval_windows(footage, "60min", berlin)]
    ['01:00+0200', '02:00+0200', '02:00+0100', '03:00+0100']
    >>> [w.seconds / 3600 for w in interval_windows(footage, "1D", berlin)]
    [25.0]
    """
    if not spans:
        return []
    begin, end = min(s.start for s in spans), max(s.end for s in spans)
    if freq == "1D":
        first, last = begin.astimezone(tz).date(), end.astimezone(tz).date()
        days = [first + timedelta(days=k) for k in range((last - first).days + 2)]
        midnights = [datetime.combine(day, time(), tz) for day in days]
        return [Span(a, b) for a, b in pairwise(midnights) if a < end]
    step = pd.Timedelta(freq).to_pytimedelta()
    wall = begin.astimezone(tz).replace(tzinfo=None)
    since_boundary = wall - pd.Timestamp(wall).floor(freq).to_pydatetime()
    start = begin - since_boundary  # the instant the wall clock last showed a boundary
    windows = []
    while start < end:
        windows.append(Span(start, start + step))
        start += step
    return windows


def _status(seen_s: float, open_s: float, seen_open_s: float) -> str:
    """complete: every open moment seen; closed: nothing seen and nothing open; else partial/missing.
    Without opening hours every moment is open."""
    if seen_s <= 0:
        return "closed" if open_s <= 0 else "missing"
    return "complete" if open_s - seen_open_s < COMPLETE_TOLERANCE_S else "partial"


def zone_events_sorted(zone_events: Sequence[CountEvent]) -> list[CountEvent]:
    """A zone's enter/exit events in time order, exits first on ties (nobody is counted twice inside)."""
    return sorted(zone_events, key=lambda e: (e.timestamp, e.kind == "enter"))


def _occupancy_steps(zone_events: Sequence[CountEvent]) -> tuple[np.ndarray, np.ndarray]:
    """Times (epoch s) of a zone's enter/exit events and the occupancy right after each."""
    ordered = zone_events_sorted(zone_events)
    times = np.array([e.timestamp.timestamp() for e in ordered], dtype=float)
    levels = np.cumsum([1 if e.kind == "enter" else -1 for e in ordered]).astype(float)
    return times, levels


def _level_segments(
    times: np.ndarray, levels: np.ndarray, a: float, b: float
) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints and the occupancy on each piece of [a, b)."""
    first = int(np.searchsorted(times, a, side="right"))
    last = int(np.searchsorted(times, b, side="left"))
    before = levels[first - 1] if first > 0 else 0.0
    points = np.concatenate([[a], times[first:last], [b]])
    return points, np.concatenate([[before], levels[first:last]])


def _zone_stats(
    times: np.ndarray, levels: np.ndarray, window: Span, covered: list[Span]
) -> tuple[float, int]:
    """Time-weighted mean occupancy over the covered part of a window, and its peak."""
    area = seconds = 0.0
    for span in covered:
        a, b = max(span.start, window.start).timestamp(), min(span.end, window.end).timestamp()
        if b > a:
            points, lv = _level_segments(times, levels, a, b)
            area += float((np.diff(points) * lv).sum())
            seconds += b - a
    _, lv = _level_segments(times, levels, window.start.timestamp(), window.end.timestamp())
    return (area / seconds if seconds else float("nan")), int(max(lv.max(initial=0), 0))


def interval_table(
    history: History, interval: str = "15min", tz: ZoneInfo | str | None = None
) -> pd.DataFrame:
    """One row per counter and clock-aligned interval (in ``tz``, else the history's timezone),
    with a coverage status.

    The history's sources give the processed recording time and its gaps the stretches inside
    it the camera did not see. An interval with no footage is ``missing`` and its values are NA
    (never 0), or ``closed`` when the site's opening hours leave no open moment in it; one whose
    open time is partly seen is ``partial``.
    """
    zone = ZoneInfo(tz or history.timezone) if not isinstance(tz, ZoneInfo) else tz
    freq = parse_interval(interval)
    counters = history.counters
    by_counter: dict[tuple[str, str], list[CountEvent]] = {}
    for event in history.events:
        by_counter.setdefault((event.camera, event.counter), []).append(event)
    seen: dict[str, list[Span]] = {}
    for camera, span in history.footage:
        seen.setdefault(camera, []).append(span)
    holes: dict[str, list[Span]] = {}
    for camera, span in history.gap_spans:
        holes.setdefault(camera, []).append(span)
    # one site-wide range, so a camera without footage in an interval shows it missing
    windows = interval_windows(merge(span for spans in seen.values() for span in spans), freq, zone)
    closed = (
        closed_spans(history.opening_hours, windows[0].start.astimezone(zone).date(),
                     windows[-1].end.astimezone(zone).date(), zone)
        if windows else []
    )  # fmt: skip
    open_s = [w.seconds - covered_seconds(closed, w) for w in windows]
    rows: list[dict[str, object]] = []
    for camera in sorted({c.camera for c in counters}):
        covered = subtract(seen.get(camera, []), holes.get(camera, []))
        covered_open = subtract(covered, closed)
        statuses = [
            _status(covered_seconds(covered, w), open_s[k], covered_seconds(covered_open, w))
            for k, w in enumerate(windows)
        ]
        coverage = [covered_seconds(covered, w) for w in windows]
        for info in (c for c in counters if c.camera == camera):
            own = by_counter.get((camera, info.counter), [])
            rows += _counter_rows(info, own, windows, coverage, statuses, covered)
    table = pd.DataFrame(rows, columns=INTERVAL_COLUMNS)
    for column in ("interval_start", "interval_end"):  # instants, shown on the site's wall clock
        table[column] = pd.to_datetime(table[column], utc=True).dt.tz_convert(zone)
    for column in COUNT_COLUMNS:
        table[column] = table[column].astype("Int64")
    for column in ("coverage", "mean_occupancy", "dwell_median_s", "dwell_p90_s"):
        table[column] = table[column].astype(float)
    return table


def _counter_rows(
    info: CounterInfo,
    events: list[CountEvent],
    windows: list[Span],
    coverage: list[float],
    statuses: list[str],
    covered: list[Span],
) -> list[dict[str, object]]:
    stamps = np.array([e.timestamp.timestamp() for e in events], dtype=float)
    bins = np.searchsorted([w.start.timestamp() for w in windows], stamps, side="right") - 1
    if info.type == "zone":
        times, levels = _occupancy_steps(events)
    rows: list[dict[str, object]] = []
    for index, (window, seen_s, status) in enumerate(zip(windows, coverage, statuses, strict=True)):
        row: dict[str, object] = {
            "camera": info.camera, "counter": info.counter, "type": info.type, "group": info.group,
            "interval_start": window.start, "interval_end": window.end, "status": status,
            "coverage": round(seen_s / window.seconds, 4),
        }  # fmt: skip
        if status not in UNSEEN:
            inside = [events[i] for i in np.flatnonzero(bins == index)]
            row |= (
                _line_values(inside)
                if info.type == "line"
                else _zone_values(inside, times, levels, window, covered)
            )
        rows.append(row)
    return rows


def _line_values(events: list[CountEvent]) -> dict[str, object]:
    crossings = [e for e in events if e.kind == "cross"]
    ins = sum(e.direction == "in" for e in crossings)
    return {"in": ins, "out": len(crossings) - ins, "net": 2 * ins - len(crossings)}


def dwell_stats(zone_events: Iterable[CountEvent]) -> dict[str, float]:
    """Median and 90th percentile of the dwell of the visits that ended among ``zone_events`` (NaN
    without any)."""
    dwell = [e.dwell_s for e in zone_events if e.kind == "exit" and e.dwell_s is not None]
    return {
        "dwell_median_s": float(np.median(dwell)) if dwell else float("nan"),
        "dwell_p90_s": float(np.percentile(dwell, 90)) if dwell else float("nan"),
    }


def _zone_values(
    events: list[CountEvent], times: np.ndarray, levels: np.ndarray, window: Span, covered: list[Span]
) -> dict[str, object]:
    mean, peak = _zone_stats(times, levels, window, covered)
    return {
        "entries": sum(e.kind == "enter" for e in events),
        "exits": sum(e.kind == "exit" for e in events),
        "mean_occupancy": round(mean, 3),
        "peak_occupancy": peak,
        **dwell_stats(events),
    }


def group_table(intervals: pd.DataFrame) -> pd.DataFrame:
    """Totals per ``group`` and interval across cameras; partial if any member is not complete."""
    grouped = intervals[intervals["group"].notna()]
    rows = []
    for (group, start, end), members in grouped.groupby(["group", "interval_start", "interval_end"]):
        statuses = set(members["status"])
        status = statuses.pop() if len(statuses) == 1 else "partial"
        sums = {
            c: members[c].sum(min_count=1) for c in ("in", "out", "net", "entries", "exits", "mean_occupancy")
        }
        rows.append({
            "group": group, "interval_start": start, "interval_end": end, "status": status,
            "coverage": float(members["coverage"].min()), "cameras": members["camera"].nunique(),
            "counters": len(members), **sums,
        })  # fmt: skip
    table = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    for column in ("in", "out", "net", "entries", "exits"):
        table[column] = table[column].astype("Int64")
    return table


def counter_summary(intervals: pd.DataFrame) -> pd.DataFrame:
    """Per counter over all intervals: totals, peak occupancy and how many intervals had footage."""
    rows = []
    for (camera, counter), part in intervals.groupby(["camera", "counter"], sort=False):
        statuses = part["status"].value_counts()
        rows.append({
            "camera": camera, "counter": counter,
            "type": part["type"].iloc[0], "group": part["group"].iloc[0],
            **{c: part[c].sum(min_count=1) for c in ("in", "out", "net", "entries", "exits")},
            "peak_occupancy": part["peak_occupancy"].max(),
            **{f"intervals_{s}": int(statuses.get(s, 0)) for s in STATUSES},
        })  # fmt: skip
    return pd.DataFrame(rows)


def day_totals(daily: pd.DataFrame) -> pd.DataFrame:
    """Gates as rows, days as columns, with totals: ``daily`` (``interval_table`` by day) turned into
    one row per counter and measure (lines: in, out; zones: entries), a column per day and ``total``.
    A day without footage stays empty (never 0)."""
    rows = []
    for (camera, counter, kind), part in daily.groupby(["camera", "counter", "type"], sort=False):
        for measure in ("in", "out") if kind == "line" else ("entries",):
            values = {start.date().isoformat(): part_value for start, part_value in
                      zip(part["interval_start"], part[measure], strict=True)}  # fmt: skip
            rows.append({"camera": camera, "counter": counter, "measure": measure, **values,
                         "total": part[measure].sum(min_count=1)})  # fmt: skip
    table = pd.DataFrame(rows)
    for column in table.columns[3:]:
        table[column] = table[column].astype("Int64")
    return table


def group_day_totals(daily: pd.DataFrame) -> pd.DataFrame:
    """``day_totals`` per group (their members summed, as ``group_table``): ``camera`` empty, the
    group's id as ``counter``."""
    kinds = daily[daily["group"].notna()].groupby("group")["type"].first()
    groups = group_table(daily)
    if groups.empty:
        return pd.DataFrame(columns=["camera", "counter", "measure", "total"])
    as_counters = groups.assign(camera="", counter=groups["group"], type=groups["group"].map(kinds))
    return day_totals(as_counters)
