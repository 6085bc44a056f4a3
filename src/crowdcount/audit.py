"""The audit behind an error bar: windows of footage, a random sample of them for a person to review,
and a ratio estimate of the true count with its 95 % confidence interval (issue #14, first part).

Pure functions over a store's :class:`~crowdcount.datatypes.History`; no files, no clock.

* :func:`audit_windows` cuts each counter's processed footage into windows of about ``seconds``
  (the windows of a counter partition its footage) and counts the crossings (or entries and exits)
  each window holds.
* :func:`draw_sample` draws ``per_counter`` windows of each counter at random, stratified by the
  hour of day, with a seed, so a plan can be made again.
* :func:`ratio_estimate` turns reviewed windows (true and counted) into the corrected total of all
  windows and its interval: the ratio estimator R = sum(true) / sum(counted) over the sample, the
  total R * X (X: counted over every window), variance N^2 (1 - n/N) s_d^2 / n with
  d_i = true_i - R counted_i (finite-population correction; windows with nothing counted are in the
  sample too, so misses count), and Student's t with n - 1 degrees of freedom.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crowdcount.datatypes import CountEvent, History

DEFAULT_WINDOW_S = 20.0
CONFIDENCE = 0.95


@dataclass(frozen=True)
class AuditWindow:
    """One stretch of one counter's footage, with what crowdcount counted in it (zones: in = entries,
    out = exits). Frames are 0-based decoded frame indices, inclusive, like the events' ``frame``."""

    item_id: str
    camera: str
    counter: str
    kind: str  # line / zone
    source: str
    frame_start: int
    frame_end: int
    time_start: datetime
    time_end: datetime
    counted_in: int = 0
    counted_out: int = 0


def audit_windows(history: History, seconds: float = DEFAULT_WINDOW_S) -> list[AuditWindow]:
    """Every counter's footage, source by source, cut into windows of about ``seconds`` (the last of
    a source may be shorter), with the counted events of each.

    >>> from datetime import timezone
    >>> from crowdcount.datatypes import CounterInfo, SourceRecord
    >>> t0 = datetime(2026, 10, 3, 10, tzinfo=timezone.utc)
    >>> record = SourceRecord("gate", "a.mp4", "done", t0, t0 + timedelta(seconds=59.9), 10, 600, 1, "m")
    >>> door = CountEvent("gate", "door", "cross", "in", 3, t0 + timedelta(seconds=25), "a.mp4", 250)
    >>> history = History([door], [CounterInfo("gate", "door", "line")], [record])
    >>> [(w.frame_start, w.frame_end, w.counted_in) for w in audit_windows(history)]
    [(0, 199, 0), (200, 399, 1), (400, 599, 0)]
    """
    events: dict[tuple[str, str, str], list[CountEvent]] = defaultdict(list)
    for event in history.events:
        events[(event.camera, event.counter, event.source)].append(event)
    windows: list[AuditWindow] = []
    for record in sorted(history.sources, key=lambda r: (r.camera, r.start, r.source)):
        frames = max(1, round((record.end - record.start).total_seconds() * record.fps) + 1)
        step = max(1, round(seconds * record.fps))
        for counter in [c for c in history.counters if c.camera == record.camera]:
            by_window: dict[int, list[CountEvent]] = defaultdict(list)
            for event in events[(record.camera, counter.counter, record.source)]:
                if event.frame is not None and 0 <= event.frame < frames:
                    by_window[event.frame // step].append(event)
            for first in range(0, frames, step):
                last = min(first + step, frames) - 1
                inside = by_window.get(first // step, [])
                ins = sum(e.direction == "in" for e in inside)
                windows.append(
                    AuditWindow(
                        item_id=f"{record.camera}/{counter.counter}/{len(windows)}",
                        camera=record.camera,
                        counter=counter.counter,
                        kind=counter.type,
                        source=record.source,
                        frame_start=first,
                        frame_end=last,
                        time_start=record.start + timedelta(seconds=first / record.fps),
                        time_end=record.start + timedelta(seconds=(last + 1) / record.fps),
                        counted_in=ins,
                        counted_out=len(inside) - ins,
                    )
                )
    return windows


def draw_sample(
    windows: Sequence[AuditWindow], per_counter: int, seed: int = 0, timezone: str = "Asia/Seoul"
) -> list[AuditWindow]:
    """``per_counter`` windows of each counter at random (all of them if it has fewer), spread over
    the hours of day in proportion to each hour's windows (at least one from every hour while the
    sample allows), the same for the same ``seed``."""
    tz = ZoneInfo(timezone)
    chosen: list[AuditWindow] = []
    by_counter: dict[tuple[str, str], list[AuditWindow]] = defaultdict(list)
    for window in windows:
        by_counter[(window.camera, window.counter)].append(window)
    for key in sorted(by_counter):
        pool = by_counter[key]
        rng = random.Random(f"{seed}/{key[0]}/{key[1]}")
        if len(pool) <= per_counter:
            chosen += pool
            continue
        hours: dict[int, list[AuditWindow]] = defaultdict(list)
        for window in pool:
            hours[window.time_start.astimezone(tz).hour].append(window)
        quota = _allocate(per_counter, {hour: len(group) for hour, group in hours.items()})
        for hour in sorted(hours):
            chosen += rng.sample(hours[hour], quota[hour])
    return chosen


def _allocate(total: int, sizes: dict[int, int]) -> dict[int, int]:
    """Split ``total`` draws over strata in proportion to their sizes (largest remainders), at least
    one each while ``total`` allows, never more than a stratum holds."""
    strata = sorted(sizes, key=lambda s: -sizes[s])
    quota = {s: 0 for s in sizes}
    for s in strata[:total]:
        quota[s] = 1
    left = total - sum(quota.values())
    population = sum(sizes.values())
    shares = {s: left * sizes[s] / population for s in sizes}
    for s in sizes:
        quota[s] += min(int(shares[s]), sizes[s] - quota[s])
    while sum(quota.values()) < total:
        open_strata = [s for s in strata if quota[s] < sizes[s]]
        best = max(open_strata, key=lambda s: shares[s] - int(shares[s]))
        quota[best] += 1
        shares[best] = int(shares[best])  # its remainder is used
    return quota


@dataclass(frozen=True)
class Estimate:
    """A corrected total with its confidence interval, and what it rests on."""

    counted: int  # what crowdcount counted over all windows
    estimate: float
    low: float
    high: float
    reviewed: int  # windows a person reviewed
    windows: int  # windows in all
    ratio: float | None  # true / counted over the reviewed windows (None: nothing counted in them)


def ratio_estimate(counted_all: Iterable[int], reviewed: Sequence[tuple[int, int]]) -> Estimate:
    """The true total over all windows from ``reviewed`` (counted, true) pairs of a random sample of
    them, with its CONFIDENCE interval (module docstring: the formula).

    >>> ratio_estimate([2, 0, 3, 1], [(2, 2), (0, 0), (3, 3), (1, 1)])  # every window reviewed, all right
    Estimate(counted=6, estimate=6.0, low=6.0, high=6.0, reviewed=4, windows=4, ratio=1.0)
    """
    from scipy.stats import t as student_t

    counted = list(counted_all)
    population, total = len(counted), sum(counted)
    n = len(reviewed)
    if n == 0 or population == 0:
        return Estimate(total, float(total), math.nan, math.nan, n, population, None)
    xs = [x for x, _ in reviewed]
    ys = [y for _, y in reviewed]
    ratio: float | None = None
    if sum(xs) > 0:
        ratio = found = sum(ys) / sum(xs)
        estimate = found * total
        residuals = [y - found * x for x, y in zip(xs, ys, strict=True)]
    else:  # nothing counted in the sample: expand the true counts instead
        estimate = population * sum(ys) / n
        mean = sum(ys) / n
        residuals = [y - mean for y in ys]
    if n < 2:
        return Estimate(total, estimate, math.nan, math.nan, n, population, ratio)
    spread = sum(d * d for d in residuals) / (n - 1)
    variance = population**2 * (1 - n / population) * spread / n
    half = float(student_t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * math.sqrt(max(variance, 0.0))
    return Estimate(total, estimate, max(estimate - half, 0.0), estimate + half, n, population, ratio)
