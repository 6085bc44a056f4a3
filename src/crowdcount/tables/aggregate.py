"""Events -> tables (pandas): totals, and per-interval tables with coverage. Pure: no files, no clocks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta
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
    return peak_in(ordered, *occupancy_steps(ordered), start, end)


def peak_in(
    ordered: Sequence[CountEvent], times: np.ndarray, levels: np.ndarray, start: datetime, end: datetime
) -> tuple[int, datetime | None]:
    """:func:`peak_moment` of a zone's events already in order with their :func:`occupancy_steps`
    (one sort for many days)."""
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
    "camera",
    "counter",
    "type",
    "group",
    "interval_start",
    "interval_end",
    "status",
    "coverage",
    "in",
    "out",
    "net",
    "entries",
    "exits",
    "mean_occupancy",
    "peak_occupancy",
    "dwell_median_s",
    "dwell_p90_s",
]
COUNT_COLUMNS = ["in", "out", "net", "entries", "exits", "peak_occupancy"]
GROUP_COLUMNS = [
    "group",
    "interval_start",
    "interval_end",
    "status",
    "coverage",
    "cameras",
    "counters",
    "in",
    "out",
    "net",
    "entries",
    "exits",
    "mean_occupancy",
]


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


def zone_events_sorted(zone_events: Sequence[CountEvent]) -> list[CountEvent]:
    """A zone's enter/exit events in time order, exits first on ties (nobody is counted twice inside)."""
    return sorted(zone_events, key=lambda e: (e.timestamp, e.kind == "enter"))


def occupancy_steps(ordered: Sequence[CountEvent]) -> tuple[np.ndarray, np.ndarray]:
    """Times (epoch s) of a zone's enter/exit events, in order, and the occupancy right after each."""
    times = np.array([e.timestamp.timestamp() for e in ordered], dtype=float)
    levels = np.cumsum([1.0 if e.kind == "enter" else -1.0 for e in ordered]) if ordered else np.array([])
    return times, levels


def dwell_stats(zone_events: Iterable[CountEvent]) -> dict[str, float]:
    """Median and 90th percentile of the dwell of the visits that ended among ``zone_events`` (NaN
    without any)."""
    dwell = [e.dwell_s for e in zone_events if e.kind == "exit" and e.dwell_s is not None]
    return {
        "dwell_median_s": float(np.median(dwell)) if dwell else float("nan"),
        "dwell_p90_s": float(np.percentile(dwell, 90)) if dwell else float("nan"),
    }


def interval_table(
    history: History, interval: str = "15min", tz: ZoneInfo | str | None = None
) -> pd.DataFrame:
    """One row per counter and clock-aligned interval (in ``tz``, else the history's timezone),
    with a coverage status (:func:`interval_tables`, camera by camera, in one table)."""
    parts = list(interval_tables(history, interval, tz))
    return (
        pd.concat(parts, ignore_index=True) if parts else _typed(pd.DataFrame(columns=INTERVAL_COLUMNS), tz)
    )


def interval_rows(history: History, interval: str, camera: str | None = None) -> int:
    """How many rows :func:`interval_tables` would give (of one camera, or all), before computing any."""
    zone = ZoneInfo(history.timezone)
    windows = max(len(_window_edges(_table_range(history, zone), parse_interval(interval), zone)) - 1, 0)
    return windows * sum(camera is None or c.camera == camera for c in history.counters)


def interval_tables(
    history: History, interval: str = "15min", tz: ZoneInfo | str | None = None, camera: str | None = None
) -> Iterator[pd.DataFrame]:
    """The interval table camera by camera (what a year of 1-minute rows is written from without
    holding it all): one row per counter and clock-aligned interval, with a coverage status.

    The intervals span the declared period (every day of it, local midnight to midnight) and any
    footage outside it: a day or hour of the period without footage is there, ``missing``. The
    history's sources give the processed recording time and its gaps the stretches inside it the
    camera did not see. An interval with no footage is ``missing`` and its values are NA (never 0),
    or ``closed`` when the site's opening hours leave no open moment in it; one whose open time is
    partly seen is ``partial``. ``coverage`` is the share of the interval's open time seen (empty
    for a closed interval). Computed on arrays of instants (epoch seconds): every
    count, coverage and occupancy figure of an interval comes from cumulative sums at its edges.
    """
    zone = ZoneInfo(tz or history.timezone) if not isinstance(tz, ZoneInfo) else tz
    freq = parse_interval(interval)
    only = camera  # one camera's rows (the intervals still span the whole site's footage)
    by_counter: dict[tuple[str, str], list[CountEvent]] = {}
    for event in history.events:
        by_counter.setdefault((event.camera, event.counter), []).append(event)
    watched = _watched(history)
    # one site-wide range, so a camera without footage in an interval shows it missing
    edges = _window_edges(_table_range(history, zone), freq, zone)
    if len(edges) < 2:
        return
    starts, ends = edges[:-1], edges[1:]
    closed = closed_spans(
        history.opening_hours, _local_date(starts[0], zone), _local_date(ends[-1], zone), zone
    )
    open_s = (ends - starts) - _covered(closed, starts, ends)
    for camera in sorted({c.camera for c in history.counters if only is None or c.camera == only}):
        covered = watched.get(camera, [])
        seen_s = _covered(covered, starts, ends)
        seen_open_s = _covered(subtract(covered, closed), starts, ends)
        status = _statuses(seen_s, open_s, seen_open_s)
        unseen = status.isin(UNSEEN).to_numpy()
        infos = [c for c in history.counters if c.camera == camera]
        values = [
            _line_columns(by_counter.get((camera, c.counter), []), starts)
            if c.type == "line"
            else _zone_columns(by_counter.get((camera, c.counter), []), starts, ends, covered)
            for c in infos
        ]
        with np.errstate(divide="ignore", invalid="ignore"):
            coverage = np.round(np.where(open_s > 0, seen_open_s / open_s, np.nan), 4)
        yield _camera_part(infos, values, (starts, ends), zone, status, coverage, unseen)


def _camera_part(
    infos: list[CounterInfo],
    values: list[dict[str, np.ndarray]],
    edges: tuple[np.ndarray, np.ndarray],
    zone: ZoneInfo,
    status: pd.Series,
    coverage: np.ndarray,
    unseen: np.ndarray,
) -> pd.DataFrame:
    """One camera's rows, built column by column in their final types (no per-counter frames to
    concatenate and convert: a year of 1-minute rows is some 1.6 million a camera)."""
    windows, counters = len(coverage), len(infos)
    columns: dict[str, object] = {}
    for name in ("camera", "counter", "type", "group"):
        each = np.array([getattr(c, name) for c in infos], dtype=object)
        columns[name] = pd.array(np.repeat(each, windows), dtype="str")
    for name, epoch in zip(("interval_start", "interval_end"), edges, strict=True):
        columns[name] = pd.to_datetime(np.tile(epoch, counters), unit="s", utc=True).tz_convert(zone)
    columns["status"] = pd.array(np.tile(status.to_numpy(dtype=object), counters), dtype="str")
    columns["coverage"] = np.tile(coverage, counters)
    nothing = np.full(windows, np.nan)
    for name in INTERVAL_COLUMNS[8:]:  # empty, never 0, where the camera saw nothing
        stacked = np.concatenate([np.where(unseen, np.nan, v.get(name, nothing)) for v in values])
        missing = np.isnan(stacked)
        if name in COUNT_COLUMNS:
            whole = np.where(missing, 0, np.round(stacked)).astype("int64")
            columns[name] = pd.arrays.IntegerArray(whole, missing)
        else:
            columns[name] = stacked
    return pd.DataFrame(columns)


def _typed(table: pd.DataFrame, tz: ZoneInfo | str | None) -> pd.DataFrame:
    """The interval table's column types: counts as nullable integers (NA where nothing was seen)."""
    for column in ("camera", "counter", "type", "group", "status"):
        table[column] = table[column].astype("str")
    for column in COUNT_COLUMNS:
        table[column] = table[column].astype("Float64").round().astype("Int64")
    for column in ("coverage", "mean_occupancy", "dwell_median_s", "dwell_p90_s"):
        table[column] = table[column].astype("Float64").astype(float)
    if not len(table) and tz is not None:
        for column in ("interval_start", "interval_end"):
            table[column] = pd.to_datetime(table[column], utc=True).dt.tz_convert(str(tz))
    return table


@dataclass(frozen=True)
class Filmed:
    """How much of the site's open time one camera filmed: the open seconds it saw, of how many."""

    seen_s: float
    open_s: float

    @property
    def share(self) -> float:
        """Seen over open (1.0 where nothing was open)."""
        return self.seen_s / self.open_s if self.open_s > 0 else 1.0


def filmed(history: History, tz: ZoneInfo | str | None = None) -> dict[str, Filmed]:
    """Per camera of the history's counters: the open time it filmed, of the open time of the days the
    tables span (the declared period's, and any other day with footage; whole days where no opening
    hours are declared), its gaps left out. A camera with no footage filmed none of it.

    >>> from crowdcount.datatypes import CounterInfo, SourceRecord
    >>> from datetime import datetime, date
    >>> day = datetime(2026, 10, 3, 10, tzinfo=ZoneInfo("Asia/Seoul"))
    >>> record = SourceRecord("a", "a.mp4", "done", day, day + timedelta(minutes=30), 1, 1800, 1, "")
    >>> made = History([], [CounterInfo("a", "x", "line"), CounterInfo("b", "y", "line")], [record], [],
    ...     "Asia/Seoul", {"default": ["10:00", "12:00"]}, (date(2026, 10, 3), date(2026, 10, 4)))
    >>> {camera: round(f.share, 3) for camera, f in filmed(made).items()}
    {'a': 0.125, 'b': 0.0}
    """
    zone = ZoneInfo(tz or history.timezone) if not isinstance(tz, ZoneInfo) else tz
    spans = _table_range(history, zone)
    cameras = sorted({c.camera for c in history.counters})
    if not spans:
        return {camera: Filmed(0.0, 0.0) for camera in cameras}
    first = spans[0].start.astimezone(zone).date()
    last = (max(s.end for s in spans) - timedelta(microseconds=1)).astimezone(zone).date()
    whole = Span(
        datetime.combine(first, time(), zone), datetime.combine(last + timedelta(days=1), time(), zone)
    )
    closed = closed_spans(history.opening_hours, first, last, zone)
    open_spans = subtract([whole], closed)
    watched = _watched(history)
    result = {}
    for camera in cameras:
        seen_s = sum(covered_seconds(watched.get(camera, []), window) for window in open_spans)
        result[camera] = Filmed(seen_s, sum(s.seconds for s in open_spans))
    return result


def _watched(history: History) -> dict[str, list[Span]]:
    """Per camera, the time it saw: its sources' footage without its gaps (merged spans)."""
    seen: dict[str, list[Span]] = {}
    for camera, span in history.footage:
        seen.setdefault(camera, []).append(span)
    holes: dict[str, list[Span]] = {}
    for camera, span in history.gap_spans:
        holes.setdefault(camera, []).append(span)
    return {camera: subtract(spans, holes.get(camera, [])) for camera, spans in seen.items()}


def _table_range(history: History, zone: ZoneInfo) -> list[Span]:
    """What the tables span: every source's footage and the declared period's days (in ``zone``)."""
    spans = [span for _, span in history.footage]
    if history.period is not None:
        first, last = history.period
        spans.append(
            Span(
                datetime.combine(first, time(), zone),
                datetime.combine(last + timedelta(days=1), time(), zone),
            )
        )
    return merge(spans)


def _local_date(epoch_s: float, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(float(epoch_s), zone).date()


def _window_edges(spans: Sequence[Span], freq: str, tz: ZoneInfo) -> np.ndarray:
    """:func:`interval_windows`' edges as epoch seconds: the start of each and the end of the last."""
    windows = interval_windows(spans, freq, tz) if freq == "1D" else None
    if windows is not None:
        return np.array(
            [w.start.timestamp() for w in windows] + ([windows[-1].end.timestamp()] if windows else [])
        )
    if not spans:
        return np.array([])
    first = interval_windows([Span(spans[0].start, spans[0].start + timedelta(microseconds=1))], freq, tz)[0]
    step = pd.Timedelta(freq).total_seconds()
    end = max(s.end for s in spans).timestamp()
    count = int(np.ceil((end - first.start.timestamp()) / step))
    return first.start.timestamp() + step * np.arange(count + 1)


def _statuses(seen_s: np.ndarray, open_s: np.ndarray, seen_open_s: np.ndarray) -> pd.Series:
    """complete: every open moment seen; closed: nothing seen and nothing open; else partial/missing.
    Without opening hours every moment is open."""
    unseen = np.where(open_s <= 0, "closed", "missing")
    seen = np.where(open_s - seen_open_s < COMPLETE_TOLERANCE_S, "complete", "partial")
    return pd.Series(np.where(seen_s <= 0, unseen, seen))


def _step_integral(breaks: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The integral from the first break to each ``at`` of the step function that is ``values[k]``
    from ``breaks[k]`` (sorted) to the next break, 0 before the first."""
    if not len(breaks):
        return np.zeros(len(at))
    cumulative = np.concatenate([[0.0], np.cumsum(values[:-1] * np.diff(breaks))])
    k = np.searchsorted(breaks, at, side="right") - 1
    inside = k >= 0
    kk = np.clip(k, 0, None)
    return np.where(inside, cumulative[kk] + values[kk] * (at - breaks[kk]), 0.0)


def _span_arrays(spans: Sequence[Span]) -> tuple[np.ndarray, np.ndarray]:
    merged = merge(spans)
    return np.array([s.start.timestamp() for s in merged]), np.array([s.end.timestamp() for s in merged])


def _covered(spans: Sequence[Span], starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Seconds of each window [starts, ends) that ``spans`` cover."""
    a, b = _span_arrays(spans)
    breaks = np.concatenate([a, b])
    order = np.argsort(breaks, kind="stable")
    values = np.concatenate([np.ones(len(a)), np.zeros(len(b))])[order]
    breaks = breaks[order]
    return _step_integral(breaks, values, ends) - _step_integral(breaks, values, starts)


def _bins(times: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The window of each time: the last window starting at or before it (-1: before the first)."""
    return np.searchsorted(starts, times, side="right") - 1


def _tally(bins: np.ndarray, chosen: np.ndarray, windows: int) -> np.ndarray:
    picked = bins[chosen & (bins >= 0)]
    return np.bincount(picked, minlength=windows)[:windows].astype(float)


def _line_columns(events: list[CountEvent], starts: np.ndarray) -> dict[str, np.ndarray]:
    bins = _bins(np.array([e.timestamp.timestamp() for e in events], dtype=float), starts)
    crossing = np.array([e.kind == "cross" for e in events], dtype=bool)
    going_in = np.array([e.direction == "in" for e in events], dtype=bool)
    ins = _tally(bins, crossing & going_in, len(starts))
    outs = _tally(bins, crossing & ~going_in, len(starts))
    return {"in": ins, "out": outs, "net": ins - outs}


def _zone_columns(
    events: list[CountEvent], starts: np.ndarray, ends: np.ndarray, covered: list[Span]
) -> dict[str, np.ndarray]:
    """Entries, exits, time-weighted mean occupancy over the seen part of each window, its peak, and
    the dwell of the visits that ended in it."""
    ordered = zone_events_sorted(events)
    times, levels = occupancy_steps(ordered)
    bins = _bins(times, starts)
    entering = np.array([e.kind == "enter" for e in ordered], dtype=bool)
    # occupancy x seen, integrated: breaks at every event and every edge of the seen spans
    a, b = _span_arrays(covered)
    breaks = np.unique(np.concatenate([times, a, b]))
    level_at = _level_after(times, levels, breaks)
    span = np.searchsorted(a, breaks, side="right") - 1
    seen = (span >= 0) & (breaks < b[np.clip(span, 0, None)]) if len(a) else np.zeros(len(breaks), bool)
    area = _step_integral(breaks, level_at * seen, ends) - _step_integral(breaks, level_at * seen, starts)
    seconds = _covered(covered, starts, ends)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.round(np.where(seconds > 0, area / seconds, np.nan), 3)
    peak = _level_after(times, levels, starts)  # the level as each window opens ...
    strictly = np.searchsorted(starts, times, side="left") - 1  # ... and after each event inside it
    inside = (strictly >= 0) & (times < ends[np.clip(strictly, 0, None)]) if len(times) else strictly >= 0
    np.maximum.at(peak, strictly[inside], levels[inside])
    dwell = pd.DataFrame(
        {
            "bin": bins,
            "dwell": [e.dwell_s if e.kind == "exit" else None for e in ordered],
        }
    ).dropna()
    dwell = dwell[dwell["bin"] >= 0]
    quantiles = dwell.groupby("bin")["dwell"].quantile([0.5, 0.9]).unstack() if len(dwell) else None
    median, p90 = np.full(len(starts), np.nan), np.full(len(starts), np.nan)
    if quantiles is not None:
        median[quantiles.index.to_numpy()] = quantiles[0.5].to_numpy()
        p90[quantiles.index.to_numpy()] = quantiles[0.9].to_numpy()
    return {
        "entries": _tally(bins, entering, len(starts)),
        "exits": _tally(bins, ~entering, len(starts)),
        "mean_occupancy": mean,
        "peak_occupancy": np.maximum(peak, 0),
        "dwell_median_s": median,
        "dwell_p90_s": p90,
    }


def _level_after(times: np.ndarray, levels: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The occupancy right after each moment of ``at`` (events at that very moment included)."""
    k = np.searchsorted(times, at, side="right") - 1
    return np.where(k >= 0, levels[np.clip(k, 0, None)] if len(levels) else 0.0, 0.0)


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
        rows.append(
            {
                "group": group,
                "interval_start": start,
                "interval_end": end,
                "status": status,
                "coverage": float(members["coverage"].min()),
                "cameras": members["camera"].nunique(),
                "counters": len(members),
                **sums,
            }
        )
    table = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    for column in ("in", "out", "net", "entries", "exits"):
        table[column] = table[column].astype("Int64")
    return table


def counter_summary(intervals: pd.DataFrame) -> pd.DataFrame:
    """Per counter over all intervals: totals, peak occupancy and how many intervals had footage."""
    rows = []
    for (camera, counter), part in intervals.groupby(["camera", "counter"], sort=False):
        statuses = part["status"].value_counts()
        rows.append(
            {
                "camera": camera,
                "counter": counter,
                "type": part["type"].iloc[0],
                "group": part["group"].iloc[0],
                **{c: part[c].sum(min_count=1) for c in ("in", "out", "net", "entries", "exits")},
                "peak_occupancy": part["peak_occupancy"].max(),
                **{f"intervals_{s}": int(statuses.get(s, 0)) for s in STATUSES},
            }
        )
    return pd.DataFrame(rows)


def day_totals(daily: pd.DataFrame) -> pd.DataFrame:
    """Gates as rows, days as columns, with totals: ``daily`` (``interval_table`` by day) turned into
    one row per counter and measure (lines: in, out; zones: entries), a column per day and ``total``.
    A day without footage stays empty (never 0)."""
    rows = []
    for (camera, counter, kind), part in daily.groupby(["camera", "counter", "type"], sort=False):
        for measure in ("in", "out") if kind == "line" else ("entries",):
            values = {
                start.date().isoformat(): part_value
                for start, part_value in zip(part["interval_start"], part[measure], strict=True)
            }
            rows.append(
                {
                    "camera": camera,
                    "counter": counter,
                    "measure": measure,
                    **values,
                    "total": part[measure].sum(min_count=1),
                }
            )
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


def event_summary(events: pd.DataFrame) -> pd.DataFrame:
    """How many events of each kind and direction each counter has (an event table's summary)."""
    return events.groupby(["camera", "counter", "kind", "direction"]).size().reset_index(name="events")


def group_summary(groups: pd.DataFrame) -> pd.DataFrame:
    """Each group's totals over all its intervals (a group table's summary)."""
    return groups.groupby("group")[["in", "out", "net", "entries", "exits"]].sum(min_count=1).reset_index()
